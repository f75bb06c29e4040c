package id.migranemas.app.screens

import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.MonotonicTime
import id.migranemas.core.Vault
import id.migranemas.core.errorMessage

/** What the unlock screen shows. Every message text comes from the core. */
data class UnlockState(
    val unlocked: Boolean = false,
    val message: String? = null,
    /** The PIN field is disabled while this is above zero. */
    val retryAfterSeconds: Long = 0,
    val attemptsLeft: Int? = null,
    /** The vault was erased (too many wrong PINs or a wipe): offer to start again. */
    val erased: Boolean = false,
)

/**
 * The unlock screen's logic, plain Kotlin: no Android class, so it is tested on the JVM.
 * Call [submit] off the main thread (the PIN check is deliberately slow).
 *
 * [uptime] reads the phone's monotonic clock (the app gives Android's boot count and
 * `elapsedRealtime`); with it a lockout wait is not shortened by a wall clock set
 * forward, and restarts in full after a reboot (docs/security.md, "Lockout and the
 * clock"). `null` (no uptime source) falls back to the wall clock alone.
 */
class UnlockPresenter(
    private val vault: Vault,
    private val locale: Locale,
    private val uptime: () -> MonotonicTime? = { null },
) {
    var state: UnlockState = initialState()
        private set

    private fun initialState(): UnlockState = try {
        val status = uptime()?.let { vault.statusWithUptime(it) } ?: vault.status()
        UnlockState(unlocked = status.unlocked, retryAfterSeconds = status.retryAfterSeconds.toLong())
    } catch (error: MigranException) {
        describe(error)
    }

    fun submit(pin: String): UnlockState {
        state = try {
            val now = uptime()
            if (now != null) vault.unlockWithUptime(pin, now) else vault.unlock(pin)
            UnlockState(unlocked = true)
        } catch (error: MigranException) {
            describe(error)
        }
        return state
    }

    /**
     * The quick wipe (issue 16), reached by a gesture and a neutral confirmation: the core
     * destroys the key, the hardware keys and the files (`wipe`, no PIN needed). The screen
     * then looks as on a phone that never had a vault ("start again", no message): nothing
     * on it says that data existed. A wipe that fails shows the core's message.
     */
    fun wipe(): UnlockState {
        state = try {
            vault.wipe()
            UnlockState(erased = true)
        } catch (factorFailed: MigranException.KeyFactor) {
            // A hardware key the Keystore would not delete: the files are erased and gone
            // all the same (the core's order), so the app starts again.
            UnlockState(erased = true)
        } catch (error: MigranException) {
            describe(error)
        }
        return state
    }

    private fun describe(error: MigranException): UnlockState {
        val text = errorMessage(error, locale)
        return when (error) {
            is MigranException.WrongPin -> UnlockState(message = text, attemptsLeft = error.attemptsLeft.toInt())
            is MigranException.LockedOut -> UnlockState(message = text, retryAfterSeconds = error.retryAfterSeconds.toLong())
            is MigranException.Erased -> UnlockState(message = text, erased = true)
            else -> UnlockState(message = text)
        }
    }
}
