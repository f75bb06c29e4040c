package id.migranemas.app.screens

import id.migranemas.core.ConsentPurpose
import id.migranemas.core.ConsentState
import id.migranemas.core.Locale
import id.migranemas.core.consentText
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class ConsentScreenTest {
    @Test
    fun `each purpose is read in both languages, then given and withdrawn on a date`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 41)
        val consent = ConsentPresenter(v, Locale.ID, siti)
        val shown = consent.load()
        assertEquals(ConsentPurpose.entries.toSet(), shown.cards.map { it.purpose }.toSet())
        val reporting = shown.cards.first { it.purpose == ConsentPurpose.REPORTING }
        assertEquals(consentText(ConsentPurpose.REPORTING, Locale.ID), reporting.textId)
        assertEquals(consentText(ConsentPurpose.REPORTING, Locale.EN), reporting.textEn)
        assertNotEquals(reporting.textId, reporting.textEn)
        assertEquals(ConsentState.NOT_ASKED, reporting.state)
        // The register recorded the registration consent with the person.
        assertEquals(ConsentState.GIVEN, shown.cards.first { it.purpose == ConsentPurpose.REGISTRATION }.state)
        assertEquals(listOf(ConsentPurpose.REGISTRATION), shown.history.map { it.purpose })

        val given = consent.give(ConsentPurpose.REPORTING, date = "2026-01-05")
        val card = given.cards.first { it.purpose == ConsentPurpose.REPORTING }
        assertEquals(ConsentState.GIVEN, card.state)
        assertTrue(card.stateLine.contains("2026-01-05"), card.stateLine)
        val withdrawn = consent.withdraw(ConsentPurpose.REPORTING, date = "2026-02-01", note = "Pindah desa")
        assertEquals(ConsentState.WITHDRAWN, withdrawn.cards.first { it.purpose == ConsentPurpose.REPORTING }.state)
        val reportingHistory = withdrawn.history.filter { it.purpose == ConsentPurpose.REPORTING }
        assertEquals(listOf(true, false), reportingHistory.map { it.given })
        assertEquals(listOf("2026-01-05", "2026-02-01"), reportingHistory.map { it.date })
        assertTrue(reportingHistory.all { it.text.contains("Kader Contoh") }, "$reportingHistory")
    }

    @Test
    fun `a date in the future, an unknown person and a locked vault get the core's message`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 42)
        val consent = ConsentPresenter(v, Locale.EN, siti)
        consent.load()
        val future = consent.give(ConsentPurpose.REPORTING, date = today().plusDays(2).toString())
        assertEquals("date", future.refusal!!.field)
        assertEquals(ConsentState.NOT_ASKED, future.cards.first { it.purpose == ConsentPurpose.REPORTING }.state)
        assertNull(consent.give(ConsentPurpose.REPORTING).refusal, "today when no date")
        assertFalse(ConsentPresenter(v, Locale.EN, "nobody").load().refusal!!.message.isBlank())
        v.lock()
        assertTrue(consent.withdraw(ConsentPurpose.REPORTING).refusal!!.locked)
    }
}
