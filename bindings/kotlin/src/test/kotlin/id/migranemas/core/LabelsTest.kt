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
        assertEquals("ibu", relationLabel(Relation.MOTHER, Locale.ID))
        assertEquals("paspor", documentKindLabel(DocumentKind.PASSPORT, Locale.ID))
    }

    @Test
    fun `the cadre's records are named in both languages, every value distinct`() {
        assertEquals("dugaan TPPO", caseTypeLabel(CaseType.TRAFFICKING_SUSPICION, Locale.ID))
        assertEquals("in progress", caseStatusLabel(CaseStatus.IN_PROGRESS, Locale.EN))
        assertEquals("KBRI/KJRI", agencyLabel(Agency.KBRI, Locale.ID))
        assertEquals("trafficking red flags", visitTopicLabel(VisitTopic.RED_FLAGS, Locale.EN))
        assertEquals("dideportasi", returnReasonLabel(ReturnReason.DEPORTED, Locale.ID))
        assertEquals("psikososial", reintegrationNeedLabel(ReintegrationNeed.PSYCHOSOCIAL, Locale.ID))
        assertEquals("legal aid", serviceKindLabel(ServiceKind.LEGAL_AID, Locale.EN))
        assertEquals("berbagi dengan keluarga", consentPurposeLabel(ConsentPurpose.SHARE_WITH_FAMILY, Locale.ID))
        assertEquals("withdrawn", consentStateLabel(ConsentState.WITHDRAWN, Locale.EN))
        for (locale in Locale.values()) {
            assertEquals(CaseType.values().size, CaseType.values().map { caseTypeLabel(it, locale) }.toSet().size)
            assertEquals(CaseStatus.values().size, CaseStatus.values().map { caseStatusLabel(it, locale) }.toSet().size)
            assertEquals(ConsentPurpose.values().size, ConsentPurpose.values().map { consentPurposeLabel(it, locale) }.toSet().size)
            assertEquals(ConsentState.values().size, ConsentState.values().map { consentStateLabel(it, locale) }.toSet().size)
            assertEquals(Agency.values().size, Agency.values().map { agencyLabel(it, locale) }.toSet().size)
            assertEquals(VisitTopic.values().size, VisitTopic.values().map { visitTopicLabel(it, locale) }.toSet().size)
            assertEquals(ReturnReason.values().size, ReturnReason.values().map { returnReasonLabel(it, locale) }.toSet().size)
            assertEquals(ReintegrationNeed.values().size, ReintegrationNeed.values().map { reintegrationNeedLabel(it, locale) }.toSet().size)
            assertEquals(ServiceKind.values().size, ServiceKind.values().map { serviceKindLabel(it, locale) }.toSet().size)
        }
    }
}
