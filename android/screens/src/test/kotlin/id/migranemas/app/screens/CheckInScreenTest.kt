package id.migranemas.app.screens

import id.migranemas.core.ActionChannel
import id.migranemas.core.CheckInRequest
import id.migranemas.core.CheckInSchedule
import id.migranemas.core.CheckInState
import id.migranemas.core.EmergencyKind
import id.migranemas.core.GeoLocation
import id.migranemas.core.InvalidReason
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault
import id.migranemas.core.errorMessage
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.Instant
import java.time.LocalDateTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter

/**
 * The check-in screen and its periodic wake-up (issue 16) over the real core. The core's
 * clock cannot be moved through the bindings, so a miss is made real: a once-only check-in
 * due two seconds ahead with no grace, then waited for.
 */
class CheckInScreenTest {
    private val jakarta = ZoneId.of("Asia/Jakarta")

    private fun withCard(): Vault = testVault().also {
        it.setEmergencyCard(fakeHongKongCard(withCadre = true))
    }

    @Test
    fun `a daily check-in is set with the PIN's session and the locked screen shows when it is due`() = withCard().use { v ->
        val screen = CheckInPresenter(v, Locale.ID, jakarta)
        assertEquals(CheckInState.OFF, screen.load().status!!.state)
        assertTrue(screen.state.canSetUp)

        val set = screen.setEvery(hours = 24, graceMinutes = 60, kind = EmergencyKind.HELD_AGAINST_WILL)
        assertNull(set.refusal)
        assertEquals(CheckInState.WAITING, set.status!!.state)
        assertEquals(24u * 60u, set.status!!.everyMinutes)
        assertEquals(60u, set.status!!.graceMinutes)
        // The due time in Jakarta's clock time, about a day ahead.
        val due = LocalDateTime.parse(set.dueLocal!!, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
        val inADay = LocalDateTime.now(jakarta).plusHours(24)
        assertTrue(!due.isBefore(inADay.minusMinutes(2)) && !due.isAfter(inADay), "${set.dueLocal} vs $inADay")
        assertEquals(screen.localTime(set.status!!.alertAt!!), set.alertLocal)

        v.lock()
        val locked = CheckInPresenter(v, Locale.ID, jakarta).load()
        assertFalse(locked.canSetUp, "setting one up needs the PIN's session")
        assertEquals(CheckInState.WAITING, locked.status!!.state)
        assertEquals(set.dueLocal, locked.dueLocal)
    }

    @Test
    fun `setting up on the locked screen is the core's Locked refusal, which sends the screen to the PIN`() = withCard().use { v ->
        v.lock()
        val screen = CheckInPresenter(v, Locale.ID)
        screen.load()
        val refused = screen.setEvery(24, 60, EmergencyKind.OTHER).refusal!!
        assertTrue(refused.locked)
        assertEquals(CheckInState.OFF, screen.state.status!!.state, "what the screen showed stays")
    }

    @Test
    fun `a one-time check-in before a meeting is typed in the phone's clock time`() = withCard().use { v ->
        val screen = CheckInPresenter(v, Locale.EN, jakarta)
        val meeting = LocalDateTime.now(jakarta).plusHours(5).withSecond(0).withNano(0)
        val typed = meeting.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
        val set = screen.setOnce(typed, graceMinutes = 30, kind = EmergencyKind.VIOLENCE)
        assertNull(set.refusal)
        assertNull(set.status!!.everyMinutes)
        assertEquals(typed, set.dueLocal)
        assertEquals(meeting.atZone(jakarta).toInstant(), Instant.parse(set.status!!.dueAt!!))
    }

    @Test
    fun `out of range and unreadable times are the core's refusals naming the field`() = withCard().use { v ->
        val screen = CheckInPresenter(v, Locale.ID, jakarta)
        val tooOften = screen.setEvery(hours = 0, graceMinutes = 60, kind = EmergencyKind.OTHER).refusal!!
        assertEquals("check_in_minutes", tooOften.field)
        assertEquals(errorMessage(MigranException.Invalid("check_in_minutes", InvalidReason.OUT_OF_RANGE), Locale.ID), tooOften.message)
        assertEquals("check_in_grace_minutes", screen.setEvery(24, 5000, EmergencyKind.OTHER).refusal!!.field)
        assertEquals("check_in_grace_minutes", screen.setEvery(24, -1, EmergencyKind.OTHER).refusal!!.field)
        val unreadable = screen.setOnce("besok sore", 30, EmergencyKind.OTHER).refusal!!
        assertEquals("check_in_due_at", unreadable.field)
        val past = LocalDateTime.now(jakarta).minusHours(1).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
        assertEquals("check_in_due_at", screen.setOnce(past, 30, EmergencyKind.OTHER).refusal!!.field)
        assertEquals(CheckInState.OFF, screen.load().status!!.state)
    }

    @Test
    fun `I am fine and cancel take the PIN on the locked screen, a wrong one shown as the core's typed refusal`() = withCard().use { v ->
        CheckInPresenter(v, Locale.ID).setEvery(24, 60, EmergencyKind.OTHER)
        v.lock()
        val screen = CheckInPresenter(v, Locale.ID)
        screen.load()
        val wrong = screen.imFine("999999")
        assertFalse(wrong.answered)
        assertEquals(errorMessage(MigranException.WrongPin(4u), Locale.ID), wrong.refusal!!.message)
        assertEquals(CheckInState.WAITING, wrong.status!!.state, "what the screen showed stays")

        val fine = screen.imFine(SCREEN_PIN)
        assertTrue(fine.answered)
        assertNull(fine.refusal)
        assertEquals(CheckInState.WAITING, fine.status!!.state)
        assertFalse(v.isUnlocked(), "answering does not unlock")

        assertNotNull(screen.cancel("111111").refusal)
        assertEquals(CheckInState.WAITING, v.checkInStatus().state)
        val off = screen.cancel(SCREEN_PIN)
        assertNull(off.refusal)
        assertEquals(CheckInState.OFF, off.status!!.state)
        assertNull(off.dueLocal)
        // Nothing runs: "I am fine" is the core's NotFound.
        assertTrue(screen.imFine(SCREEN_PIN).refusal!!.message.isNotEmpty())
    }

    @Test
    fun `the wake-up on the locked vault queues the missed check-in's alert once, to family and cadre by text`() = withCard().use { v ->
        // A due time a couple of seconds ahead cannot be typed in minutes: set it through the core.
        v.setCheckIn(CheckInRequest(CheckInSchedule.Once(Instant.now().plusSeconds(2).toString()), 0u, EmergencyKind.HELD_AGAINST_WILL))
        v.lock()
        val here = GeoLocation(22.3193, 114.1694, System.currentTimeMillis() - 60_000L)
        val wakeUp = CheckInWakeUp(v, Locale.ID) { here }

        val early = wakeUp.run()
        assertNull(early.queuedAlertId, "not due yet: nothing queued")
        assertTrue(early.keepWatching)
        assertEquals(0u, v.emergencyOutboxSummary().pendingActions)

        Thread.sleep(2_500)
        val missed = wakeUp.run()
        assertEquals(CheckInState.MISSED, missed.status!!.state)
        assertNotNull(missed.queuedAlertId)
        assertTrue(missed.rows.isNotEmpty())
        assertTrue(missed.rows.all { it.channel != ActionChannel.CALL }, "nobody may be at the phone: no call")
        assertEquals(setOf("Ibu Contoh", "Kader Contoh"), missed.rows.map { it.label }.toSet())
        assertTrue(missed.rows.all { it.message.contains("https://maps.google.com/?q=22.31930,114.16940") }, missed.rows.first().message)
        val pending = v.emergencyOutboxSummary().pendingActions
        assertEquals(missed.rows.size.toUInt(), pending)

        val again = wakeUp.run()
        assertNull(again.queuedAlertId, "a second wake-up queues nothing more")
        assertTrue(again.rows.isEmpty())
        assertEquals(pending, v.emergencyOutboxSummary().pendingActions)
        assertTrue(again.keepWatching, "missed stays missed until the owner answers")

        CheckInPresenter(v, Locale.ID).cancel(SCREEN_PIN)
        assertTrue(wakeUp.run().nothingToWatch, "cancelled: the job can stop")
    }

    @Test
    fun `opening the screen after a miss queues the alert once and shows its rows to send`() = withCard().use { v ->
        v.setCheckIn(CheckInRequest(CheckInSchedule.Once(Instant.now().plusSeconds(1).toString()), 0u, EmergencyKind.VIOLENCE))
        v.lock()
        Thread.sleep(1_500)
        val opened = CheckInPresenter(v, Locale.ID).load()
        assertEquals(CheckInState.MISSED, opened.status!!.state)
        assertNotNull(opened.queuedAlertId)
        assertEquals(setOf("Ibu Contoh", "Kader Contoh"), opened.queuedRows.map { it.label }.toSet())
        val pending = v.emergencyOutboxSummary().pendingActions
        assertEquals(opened.queuedRows.size.toUInt(), pending)

        val again = CheckInPresenter(v, Locale.ID).load()
        assertEquals(CheckInState.MISSED, again.status!!.state)
        assertNull(again.queuedAlertId, "the next opening (or wake-up) queues nothing more")
        assertTrue(again.queuedRows.isEmpty())
        assertEquals(pending, v.emergencyOutboxSummary().pendingActions)
    }

    @Test
    fun `a location provider that fails does not stop the wake-up`() = withCard().use { v ->
        v.setCheckIn(CheckInRequest(CheckInSchedule.Once(Instant.now().plusSeconds(1).toString()), 0u, EmergencyKind.OTHER))
        v.lock()
        Thread.sleep(1_500)
        val missed = CheckInWakeUp(v, Locale.ID) { throw SecurityException("no permission") }.run()
        assertNotNull(missed.queuedAlertId)
    }
}
