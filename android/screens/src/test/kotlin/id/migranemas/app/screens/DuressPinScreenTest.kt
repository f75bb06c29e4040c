package id.migranemas.app.screens

import id.migranemas.core.Locale
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The duress PIN screen over the real core (issue 16). */
class DuressPinScreenTest {
    private val duressPin = "580241"

    @Test
    fun `setting needs the real PIN, and the duress PIN then opens the vault`() = testVault().use { v ->
        val screen = DuressPinPresenter(v, Locale.EN)
        val saved = screen.set(SCREEN_PIN, duressPin, duressPin)
        assertTrue(saved.saved, "$saved")
        assertNull(saved.refusal)
        v.lock()
        assertTrue(UnlockPresenter(v, Locale.EN).submit(duressPin).unlocked)
    }

    @Test
    fun `two entries that differ are caught before the core, and refusals carry the core's text`() = testVault().use { v ->
        val screen = DuressPinPresenter(v, Locale.ID)
        assertTrue(screen.set(SCREEN_PIN, duressPin, "580242").entriesDiffer)
        assertEquals(0u, v.status().failedAttempts, "nothing was checked")

        val same = screen.set(SCREEN_PIN, SCREEN_PIN, SCREEN_PIN).refusal!!
        assertEquals("duress_pin", same.field)
        assertTrue(same.message.isNotBlank())
        assertFalse(screen.state.saved)

        val wrong = screen.set("975310", duressPin, duressPin).refusal!!
        assertNull(wrong.field)
        assertEquals(1u, v.status().failedAttempts, "a wrong real PIN counts as at unlock")

        v.lock()
        assertTrue(screen.remove(SCREEN_PIN).refusal!!.locked, "locked: back to the unlock screen")
    }

    @Test
    fun `removing makes the duress PIN a wrong PIN, and says the same when none was set`() = testVault().use { v ->
        val screen = DuressPinPresenter(v, Locale.EN)
        screen.set(SCREEN_PIN, duressPin, duressPin)
        assertTrue(screen.remove(SCREEN_PIN).removed)
        assertTrue(screen.remove(SCREEN_PIN).removed, "no duress PIN set: the same answer")
        val weak = screen.set(SCREEN_PIN, "123456", "123456").refusal!!
        assertEquals("duress_pin", weak.field)
        v.lock()
        val unlock = UnlockPresenter(v, Locale.EN)
        assertFalse(unlock.submit(duressPin).unlocked)
        assertFalse(unlock.submit("123456").unlocked)
    }
}
