package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Check-ins through the bindings (issue 16): each export with its typed errors. The core's
 * clock cannot be moved from here (the bindings take no clock), so due, grace and the miss
 * that queues the alert once are tested in the core (core/tests/emergency_checkin.rs);
 * these check what each export gives an app on a locked vault.
 */
class EmergencyCheckInTest {
    private val daily = CheckInRequest(
        schedule = CheckInSchedule.Every(minutes = 24u * 60u),
        graceMinutes = 60u,
        kind = EmergencyKind.HELD_AGAINST_WILL,
    )

    @Test
    fun `setting up needs the PIN and the locked app sees when the check-in is due`(): Unit = newVault().use { vault ->
        val status = vault.setCheckIn(daily)
        assertEquals(CheckInState.WAITING, status.state)
        assertEquals(24u * 60u, status.everyMinutes)
        assertEquals(EmergencyKind.HELD_AGAINST_WILL, status.kind)
        vault.lock()
        assertThrows<MigranException.Locked> { vault.setCheckIn(daily) }
        val seen = vault.checkInStatus()
        assertEquals(CheckInState.WAITING, seen.state)
        assertTrue(seen.secondsUntilDue!! in (24uL * 3600uL - 60uL)..(24uL * 3600uL), "${seen.secondsUntilDue}")
        assertEquals(seen.secondsUntilDue!! + 3600uL, seen.secondsUntilAlert)
        // The app's wake-up: nothing missed, nothing queued.
        val poll = vault.pollCheckIn(GeoLocation(22.3193, 114.1694), Locale.ID)
        assertEquals(CheckInState.WAITING, poll.status.state)
        assertNull(poll.queued)
        assertEquals(0u, vault.emergencyOutboxSummary().pendingActions)
    }

    @Test
    fun `schedules out of range are typed refusals naming the field`(): Unit = newVault().use { vault ->
        val tooOften = assertThrows<MigranException.Invalid> {
            vault.setCheckIn(daily.copy(schedule = CheckInSchedule.Every(minutes = 5u)))
        }
        assertEquals("check_in_minutes", tooOften.field)
        assertEquals(InvalidReason.OUT_OF_RANGE, tooOften.reason)
        val past = assertThrows<MigranException.Invalid> {
            vault.setCheckIn(daily.copy(schedule = CheckInSchedule.Once(dueAt = "2020-01-01T00:00:00Z")))
        }
        assertEquals("check_in_due_at", past.field)
        assertEquals(InvalidReason.BAD_DATE, past.reason)
    }

    @Test
    fun `I am fine and cancel take the PIN on a locked vault, a wrong one counted`(): Unit = newVault().use { vault ->
        vault.setCheckIn(daily)
        vault.lock()
        assertThrows<MigranException.WrongPin> { vault.checkInDone("999999") }
        assertEquals(1u, vault.status().failedAttempts)
        val fine = vault.checkInDone(PIN)
        assertEquals(CheckInState.WAITING, fine.state)
        assertFalse(vault.isUnlocked(), "checking the PIN does not unlock")
        assertThrows<MigranException.WrongPin> { vault.cancelCheckIn("999999") }
        assertEquals(CheckInState.WAITING, vault.checkInStatus().state)
        assertEquals(CheckInState.OFF, vault.cancelCheckIn(PIN).state)
        assertThrows<MigranException.NotFound> { vault.checkInDone(PIN) }
    }

    @Test
    fun `a once-only check-in ends with I am fine`(): Unit = newVault().use { vault ->
        val inSixHours = java.time.Instant.now().plusSeconds(6 * 3600).toString()
        val status = vault.setCheckIn(daily.copy(schedule = CheckInSchedule.Once(dueAt = inSixHours), graceMinutes = 30u))
        assertEquals(CheckInState.WAITING, status.state)
        assertNull(status.everyMinutes)
        vault.lock()
        assertEquals(CheckInState.OFF, vault.checkInDone(PIN).state)
    }
}
