package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The monotonic clock an app passes with the PIN (docs/security.md, "Lockout and the
 * clock"): a wait set with it runs on it too, and a restart (another boot id) starts a
 * pending wait again in full. The wall clock here is the system's and is not moved: the
 * forward-jump cases are in core/tests/lockout_clock.rs with injected clocks.
 */
class UptimeTest {
    private fun uptime(boot: String, seconds: ULong) = MonotonicTime(bootId = boot, elapsedMillis = seconds * 1000uL)

    @Test
    fun `a wait set with the monotonic clock is counted on it and restarts after a reboot`() {
        newVault(settings = fastSettings(freeAttempts = 1u)).use { vault ->
            vault.lock()
            val wrong = assertThrows<MigranException.WrongPin> {
                vault.unlockWithUptime("318527", uptime("boot-1", 100uL))
            }
            assertEquals(0u, wrong.attemptsLeft)
            val waiting = vault.statusWithUptime(uptime("boot-1", 100uL))
            assertEquals(1u, waiting.failedAttempts)
            assertTrue(waiting.retryAfterSeconds in 29uL..30uL, "$waiting")
            val locked = assertThrows<MigranException.LockedOut> {
                vault.unlockWithUptime(PIN, uptime("boot-2", 1uL))
            }
            assertTrue(locked.retryAfterSeconds in 29uL..30uL, "${locked.retryAfterSeconds}")
        }
    }

    @Test
    fun `an empty boot id is refused with the field named`() {
        newVault().use { vault ->
            val error = assertThrows<MigranException.Invalid> {
                vault.statusWithUptime(MonotonicTime(bootId = "", elapsedMillis = 1uL))
            }
            assertEquals("boot_id", error.field)
        }
    }
}
