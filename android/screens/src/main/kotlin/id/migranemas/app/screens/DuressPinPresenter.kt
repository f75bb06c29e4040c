package id.migranemas.app.screens

import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault

/**
 * What the duress PIN screen shows. It never says whether a duress PIN is set: nothing in
 * the core can tell (docs/security.md, "The duress PIN"), and the app must keep no flag of
 * its own, so the screen only reports what was just done.
 */
data class DuressPinState(
    /** The duress PIN was stored (set or replaced): the screen clears its fields and says so. */
    val saved: Boolean = false,
    /** The duress PIN was removed (or none was set: the same answer). */
    val removed: Boolean = false,
    /** The two entries of the new duress PIN differ: the screen's own text asks again. */
    val entriesDiffer: Boolean = false,
    /** The core's refusal (wrong real PIN, weak or same-as-real duress PIN, locked). */
    val refusal: Refusal? = null,
)

/**
 * The duress PIN's settings (issue 16): set, replace or remove a second PIN that, typed at
 * unlock, opens an empty profile and silently queues the emergency alert. Both need the
 * real PIN, checked by the core as at unlock (a wrong one counts). Plain Kotlin, tested on
 * the JVM; call off the main thread (the PIN check is deliberately slow).
 */
class DuressPinPresenter(private val vault: Vault, private val locale: Locale) {
    var state = DuressPinState()
        private set

    fun set(realPin: String, duressPin: String, repeated: String): DuressPinState {
        if (duressPin != repeated) {
            state = DuressPinState(entriesDiffer = true)
            return state
        }
        return update {
            vault.setDuressPin(realPin, duressPin)
            DuressPinState(saved = true)
        }
    }

    fun remove(realPin: String): DuressPinState = update {
        vault.removeDuressPin(realPin)
        DuressPinState(removed = true)
    }

    private fun update(call: () -> DuressPinState): DuressPinState {
        state = try {
            call()
        } catch (error: MigranException) {
            DuressPinState(refusal = refusal(error, locale))
        }
        return state
    }
}
