package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class LabelsTest {
    @Test
    fun `the apps show the core's words for phases, sectors, relations and documents`() {
        assertEquals("pra-penempatan", phaseLabel(Phase.PRE_DEPARTURE, Locale.ID))
        assertEquals("pre-departure", phaseLabel(Phase.PRE_DEPARTURE, Locale.EN))
        assertEquals("pekerja rumah tangga", sectorLabel(Sector.DOMESTIC_WORK, Locale.ID))
        assertEquals("parent", relationLabel(Relation.PARENT, Locale.EN))
        assertEquals("paspor", documentKindLabel(DocumentKind.PASSPORT, Locale.ID))
    }
}
