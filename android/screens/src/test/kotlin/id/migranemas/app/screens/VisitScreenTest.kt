package id.migranemas.app.screens

import id.migranemas.core.ConsentPurpose
import id.migranemas.core.Locale
import id.migranemas.core.NotAllowedReason
import id.migranemas.core.VisitTopic
import id.migranemas.core.visitTopicLabel
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class VisitScreenTest {
    private val form = VisitForm(
        date = "2026-01-10",
        present = listOf("Ibu Contoh", " Siti Contoh ", ""),
        topics = setOf(VisitTopic.SAFE_MIGRATION, VisitTopic.DOCUMENTS),
        observations = "Keluarga mendukung",
        followUpAction = "Bawa fotokopi KTP",
        followUpDue = "2026-01-20",
    )

    @Test
    fun `a visit is saved with who was there, topics and a follow-up, and the history shows it`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 51)
        val visits = VisitPresenter(v, Locale.ID, siti)
        assertTrue(visits.load().history.isEmpty())
        v.withdrawRegistration(siti)
        val refused = visits.save(form)
        assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.REGISTRATION), refused.refusal!!.reason)
        assertNull(refused.savedVisitId)

        v.consentTo(siti, ConsentPurpose.REGISTRATION)
        val saved = visits.save(form)
        assertNull(saved.refusal)
        val line = saved.history.single()
        assertEquals(saved.savedVisitId, line.id)
        assertTrue(line.summary.contains("Kader Contoh"), line.summary)
        assertTrue(line.summary.contains("Ibu Contoh, Siti Contoh"), line.summary)
        assertTrue(line.summary.contains(visitTopicLabel(VisitTopic.DOCUMENTS, Locale.ID)), line.summary)
        val followUp = line.followUps.single()
        assertTrue(followUp.text.contains("Bawa fotokopi KTP"))
        val done = visits.completeFollowUp(followUp.id, "Sudah")
        assertTrue(done.history.single().followUps.single().done)

        // An older visit comes after; bad dates name the field; nothing is saved then.
        visits.save(form.copy(date = "2025-12-01", followUpAction = "", followUpDue = ""))
        assertEquals(listOf("2026-01-10", "2025-12-01"), visits.state.history.map { it.date })
        val early = visits.save(form.copy(followUpDue = "2026-01-01"))
        assertEquals("due_on", early.refusal!!.field)
        assertEquals(2, early.history.size)
        assertEquals("date", visits.save(form.copy(date = today().plusDays(2).toString(), followUpAction = "", followUpDue = "")).refusal!!.field)
        assertNotNull(visits.completeFollowUp("nobody").refusal)
        v.lock()
        assertTrue(visits.load().refusal!!.locked)
    }
}
