package id.migranemas.app.screens

import id.migranemas.core.Locale
import id.migranemas.core.MonotonicTime
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The unlock screen gives the core the phone's monotonic clock (the app's boot count and elapsedRealtime). */
class UnlockUptimeTest {
    @Test
    fun `a lockout wait set with the uptime restarts in full after a reboot, where the wall clock alone shortens it`() =
        testVault(freeAttempts = 2u).use { v ->
            v.lock()
            var reads = 0
            val firstBoot = UnlockPresenter(v, Locale.EN, { reads++; MonotonicTime("boot-7", 60_000uL) })
            firstBoot.submit("000000")
            firstBoot.submit("000001")
            assertEquals(30L, firstBoot.submit(SCREEN_PIN).retryAfterSeconds)
            assertTrue(reads >= 3, "the uptime was read for each try, not $reads times")

            // Real time passes; the wall clock alone counts it off the wait.
            Thread.sleep(1_200)
            val wallClockOnly = UnlockPresenter(v, Locale.EN)
            assertTrue(wallClockOnly.state.retryAfterSeconds in 1L..29L, "${wallClockOnly.state}")

            // After a reboot (another boot count) the core cannot tell how long the phone
            // was off, so the wait it set on the last boot starts again in full.
            val rebooted = UnlockPresenter(v, Locale.EN, { MonotonicTime("boot-8", 5_000uL) })
            assertEquals(30L, rebooted.state.retryAfterSeconds)
            assertFalse(rebooted.submit(SCREEN_PIN).unlocked)
        }

    @Test
    fun `an uptime the core refuses shows the core's message instead of unlocking`() = testVault().use { v ->
        v.lock()
        val unlock = UnlockPresenter(v, Locale.EN, { MonotonicTime("", 1uL) })
        val state = unlock.submit(SCREEN_PIN)
        assertFalse(state.unlocked)
        assertTrue(!state.message.isNullOrBlank(), "$state")
    }
}
