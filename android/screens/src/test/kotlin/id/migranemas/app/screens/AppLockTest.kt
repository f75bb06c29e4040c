package id.migranemas.app.screens

import id.migranemas.core.EmergencyKind
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.PageRequest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The app's self-locking rule (issue 19) on an injected clock: no waiting in these tests. */
class AppLockTest {
    private var clock = 1_000_000L
    private var locks = 0

    private fun appLock(minutes: Int = DEFAULT_IDLE_LOCK_MINUTES) = AppLock({ clock }, minutes) { locks += 1 }

    /** Unlocked with one screen showing, as right after the unlock screen. */
    private fun openSession(minutes: Int = DEFAULT_IDLE_LOCK_MINUTES) = appLock(minutes).apply {
        screenStarted()
        unlocked()
    }

    @Test
    fun `it starts locked and the PIN opens the session`() {
        val lock = appLock()
        assertTrue(lock.isLocked)
        assertNull(lock.millisUntilIdle())
        lock.unlocked()
        assertFalse(lock.isLocked)
        assertEquals(0, locks)
    }

    @Test
    fun `going to the background locks when the last screen stops`() {
        val lock = openSession()
        lock.screenStarted()
        lock.screenStopped(changingConfigurations = false)
        assertFalse(lock.isLocked, "one screen is still showing")
        lock.screenStopped(changingConfigurations = false)
        assertTrue(lock.isLocked)
        assertFalse(lock.inForeground)
        assertEquals(1, locks)
    }

    @Test
    fun `a rotation stops the screen only to make it again and does not lock`() {
        val lock = openSession()
        lock.screenStopped(changingConfigurations = true)
        lock.screenStarted()
        assertFalse(lock.isLocked)
        assertEquals(0, locks)
    }

    @Test
    fun `two idle minutes lock by default, not a millisecond earlier`() {
        val lock = openSession()
        clock += 2 * 60_000L - 1
        assertEquals(1L, lock.millisUntilIdle())
        assertFalse(lock.lockIfIdle())
        clock += 1
        assertTrue(lock.lockIfIdle())
        assertTrue(lock.isLocked)
        assertEquals(1, locks)
        assertFalse(lock.lockIfIdle(), "already locked: nothing more to do")
    }

    @Test
    fun `a touch keeps the session open for another full timeout`() {
        val lock = openSession()
        clock += 90_000
        assertTrue(lock.used())
        clock += 110_000
        assertFalse(lock.lockIfIdle(), "200 s since the unlock, but only 110 s since the touch")
        assertEquals(10_000L, lock.millisUntilIdle())
        clock += 10_000
        assertTrue(lock.lockIfIdle())
    }

    @Test
    fun `a touch after the timeout locks instead of extending the session`() {
        val lock = openSession()
        clock += 3 * 60_000L
        assertFalse(lock.used())
        assertTrue(lock.isLocked)
        assertEquals(1, locks)
        assertFalse(lock.used(), "a touch on a locked app opens nothing")
    }

    @Test
    fun `coming back to the app after the timeout locks even before any touch`() {
        val lock = openSession()
        clock += 5 * 60_000L
        lock.screenStarted()
        assertTrue(lock.isLocked)
    }

    @Test
    fun `the setting changes the timeout and an unoffered value gives the default`() {
        val lock = openSession(minutes = 5)
        clock += 4 * 60_000L
        assertFalse(lock.lockIfIdle())
        lock.idleMinutes = 1
        assertTrue(lock.lockIfIdle(), "4 minutes idle is past the new 1-minute timeout")
        assertEquals(DEFAULT_IDLE_LOCK_MINUTES, appLock(minutes = 0).idleMinutes)
        assertEquals(DEFAULT_IDLE_LOCK_MINUTES, appLock(minutes = 600).idleMinutes)
        assertEquals(10, appLock(minutes = 10).idleMinutes)
    }

    @Test
    fun `a clock that goes back ends the session instead of stretching it`() {
        val lock = openSession()
        clock -= 1
        assertTrue(lock.lockIfIdle())
    }

    @Test
    fun `a new unlock starts a new session`() {
        val lock = openSession()
        clock += 2 * 60_000L
        assertTrue(lock.lockIfIdle())
        lock.unlocked()
        assertFalse(lock.isLocked)
        assertEquals(2 * 60_000L, lock.millisUntilIdle())
    }

    /**
     * The rule wired to a real vault as the app wires it: going to the background forgets
     * the keys (the register is refused, the PIN opens it again) and the emergency button
     * still gives the card's contacts.
     */
    @Test
    fun `on a real vault the background locks the register and the emergency button still works`() = testVault().use { vault ->
        vault.setEmergencyCard(fakeHongKongCard())
        vault.register("Siti Contoh", 1)
        val lock = AppLock({ clock }) { vault.lock() }
        lock.screenStarted()
        assertTrue(UnlockPresenter(vault, Locale.ID).submit(SCREEN_PIN).unlocked)
        lock.unlocked()
        assertEquals(1, PersonListPresenter(vault, Locale.ID).refresh().rows.size)

        lock.screenStopped(changingConfigurations = false)
        assertFalse(vault.isUnlocked())
        assertThrows<MigranException.Locked> { vault.listPersons(PageRequest(0u, 10u), false) }
        val pressed = EmergencyPresenter(vault, Locale.ID).press(EmergencyKind.VIOLENCE)
        assertTrue(pressed.rows.any { it.label == "Ibu Contoh" }, pressed.rows.toString())

        assertTrue(UnlockPresenter(vault, Locale.ID).submit(SCREEN_PIN).unlocked)
        lock.unlocked()
        assertEquals(1, PersonListPresenter(vault, Locale.ID).refresh().rows.size)
    }
}
