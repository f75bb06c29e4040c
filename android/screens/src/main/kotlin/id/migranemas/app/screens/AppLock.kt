package id.migranemas.app.screens

/** The idle timeouts the settings offer, in minutes. */
val IDLE_LOCK_CHOICES_MINUTES: List<Int> = listOf(1, 2, 5, 10)

/** Two minutes: long enough to read a record aloud, short enough that a phone put down is locked. */
const val DEFAULT_IDLE_LOCK_MINUTES: Int = 2

/**
 * When the app locks the vault by itself (issue 19): whoever picks up a phone that was
 * put down, or takes it from a cadre who switched to another app, must meet the PIN, not
 * the register. The vault is locked (the core forgets the keys, `Vault.lock`)
 * - when the app goes to the background: the last of its screens stopped, unless it
 *   stopped only to be made again (a rotation, a language change);
 * - after [idleMinutes] without a touch or key on any screen;
 * - when a touch comes after that time but before the timer saw it: the touch locks
 *   instead of extending a session that had already run out.
 *
 * Plain Kotlin with an injected clock, so the rule is tested on the JVM; the app feeds it
 * the lifecycle (`MigranApp`) and a timer. [now] must be monotonic and keep counting while
 * the phone sleeps (Android's `SystemClock.elapsedRealtime`): a wall clock set back would
 * stretch the session. A clock that still goes back is read as the session over.
 * [lockVault] locks the core's vault and closes the screens that show records; it is
 * called on every lock, also when already locked (locking twice is harmless, and a vault
 * unlocked behind this class's back is locked too).
 *
 * The emergency button and the lessons work locked, so nothing here stands in their way.
 * Call from one thread (the main thread on Android).
 */
class AppLock(
    private val now: () -> Long,
    idleMinutes: Int = DEFAULT_IDLE_LOCK_MINUTES,
    private val lockVault: () -> Unit,
) {
    /** The idle timeout; a value the settings do not offer (an old or altered preference) gives the default. */
    var idleMinutes: Int = checked(idleMinutes)
        set(value) {
            field = checked(value)
        }

    /** True until [unlocked], and again from the next lock. Screens that show records go to the PIN while it is. */
    var isLocked: Boolean = true
        private set

    /** Whether one of the app's screens is started (visible). */
    val inForeground: Boolean get() = startedScreens > 0

    private var startedScreens = 0
    private var lastUse = 0L

    private val timeoutMillis: Long get() = idleMinutes * 60_000L

    /** The PIN opened the vault: the session starts now. */
    fun unlocked() {
        isLocked = false
        lastUse = now()
    }

    /**
     * A touch or key on any screen. Returns whether the session is still open: false when
     * it was locked, or had already run out (then it is locked now).
     */
    fun used(): Boolean {
        if (isLocked || lockIfIdle()) return false
        lastUse = now()
        return true
    }

    fun screenStarted() {
        startedScreens += 1
        lockIfIdle()
    }

    /** [changingConfigurations]: Android's `Activity.isChangingConfigurations`, the screen comes back at once. */
    fun screenStopped(changingConfigurations: Boolean) {
        startedScreens = maxOf(0, startedScreens - 1)
        if (startedScreens == 0 && !changingConfigurations) lock()
    }

    /** For the timer: locks when the session has run out; returns whether it locked now. */
    fun lockIfIdle(): Boolean {
        if (isLocked) return false
        val idle = now() - lastUse
        if (idle < 0 || idle >= timeoutMillis) {
            lock()
            return true
        }
        return false
    }

    /** When the timer should look again, or null while locked (nothing to time). */
    fun millisUntilIdle(): Long? {
        if (isLocked) return null
        return (timeoutMillis - (now() - lastUse)).coerceIn(0, timeoutMillis)
    }

    fun lock() {
        isLocked = true
        lockVault()
    }

    private fun checked(minutes: Int): Int = if (minutes in IDLE_LOCK_CHOICES_MINUTES) minutes else DEFAULT_IDLE_LOCK_MINUTES
}
