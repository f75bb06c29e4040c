package id.migranemas.app.screens

import id.migranemas.core.ActionStatus
import id.migranemas.core.ActorRole
import id.migranemas.core.CardContact
import id.migranemas.core.CardContactRole
import id.migranemas.core.EmergencyKind
import id.migranemas.core.Locale
import id.migranemas.core.villageReportCsv
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The report, the settings and the emergency card set-up with its outbox. */
class ReportSettingsTest {
    @Test
    fun `the report is the core's text and CSV for the period, and a reversed period is refused`() = cadreVault().use { v ->
        v.register("Siti Contoh", 81)
        val report = ReportPresenter(v, Locale.EN)
        val shown = report.load("2026-01-01", "2026-12-31")
        assertNull(shown.refusal)
        assertEquals("2026-01-01", shown.report!!.periodFrom)
        assertEquals("2026-12-31", shown.report!!.periodTo)
        assertEquals(villageReportCsv(shown.report!!), shown.csv)
        assertTrue(shown.csv.contains("cases_in_period"), shown.csv)
        assertFalse(shown.csv.contains("Siti"), "counts only")
        assertTrue(shown.text.isNotBlank() && !shown.text.contains("Siti"))
        assertEquals(1u, shown.report!!.peopleNotCounted, "no reporting consent: not counted")
        assertNull(report.load(" ", "").report!!.periodFrom, "blank ends are open")
        val reversed = report.load("2026-12-31", "2026-01-01")
        assertNotNull(reversed.refusal!!.field)
        assertNull(reversed.report)
        v.lock()
        assertTrue(report.load().refusal!!.locked)
    }

    @Test
    fun `settings set the actor and change the PIN, with the core's refusals`() = cadreVault(withActor = false).use { v ->
        val settings = SettingsPresenter(v, Locale.ID)
        assertEquals("", settings.load().actorName)
        assertNull(settings.state.actorRole)
        val blank = settings.setActor("  ", ActorRole.CADRE)
        assertEquals("actor_name", blank.refusal!!.field)
        val set = settings.setActor("Kader Contoh", ActorRole.VILLAGE_OFFICER)
        assertTrue(set.saved)
        assertEquals("Kader Contoh", set.actorName)
        assertEquals(ActorRole.VILLAGE_OFFICER, set.actorRole)

        val wrong = settings.changePin("000000", "135790")
        assertFalse(wrong.pinChanged)
        assertTrue(wrong.refusal!!.message.startsWith("PIN salah"), wrong.refusal!!.message)
        assertTrue(settings.changePin(SCREEN_PIN, "135790").pinChanged)
        v.lock()
        assertTrue(UnlockPresenter(v, Locale.ID).submit("135790").unlocked)
        // The actor lives with the unlocked session: the app sets it again after each unlock.
        assertEquals("", settings.load().actorName)
        v.lock()
        assertTrue(settings.setActor("Kader Contoh", ActorRole.CADRE).refusal!!.locked)
    }

    @Test
    fun `the emergency card is set up, and the outbox shows what is pending and what was handed over`() = cadreVault().use { v ->
        val card = EmergencyCardPresenter(v, Locale.ID)
        assertNull(card.load().card)
        assertTrue(card.state.outbox.isEmpty())
        val bad = card.save("Siti Contoh", "123", null, listOf(CardContact("Ibu Contoh", "081299990001", CardContactRole.FAMILY)))
        assertNotNull(bad.refusal)
        assertFalse(bad.saved)
        val saved = card.save("Siti Contoh", "HK", "Kowloon", listOf(CardContact("Ibu Contoh", "081299990001", CardContactRole.FAMILY)))
        assertTrue(saved.saved, "${saved.refusal}")
        assertEquals("HK", saved.card!!.country)

        val pressed = EmergencyPresenter(v, Locale.ID).press(EmergencyKind.VIOLENCE)
        val outbox = card.load()
        assertEquals(pressed.rows.size, outbox.pending.size)
        val alert = outbox.outbox.single()
        assertEquals(pressed.alertId, alert.alertId)
        assertFalse(alert.acknowledged)
        EmergencyPresenter(v, Locale.ID).let { button ->
            button.press(EmergencyKind.VIOLENCE)
            button.handedToPhone(0u)
        }
        val after = card.load()
        assertTrue(after.outbox.any { line -> line.actions.any { it.status == ActionStatus.HANDED_TO_OS } })
        val acknowledged = card.acknowledge(alert.alertId, "Ibu Contoh")
        assertTrue(acknowledged.outbox.first { it.alertId == alert.alertId }.acknowledged)
        v.lock()
        assertTrue(card.save("Siti Contoh", "HK", null, emptyList()).refusal!!.locked)
    }
}
