package id.migranemas.app.screens

import id.migranemas.core.ActorInput
import id.migranemas.core.ActorRole
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault

data class SettingsState(
    val actorName: String = "",
    val actorRole: ActorRole? = null,
    /** The PIN was changed: the screen clears its fields and says so. */
    val pinChanged: Boolean = false,
    val saved: Boolean = false,
    val refusal: Refusal? = null,
)

/**
 * Who uses the app (`setActor`: every audit entry, consent and case event names them)
 * and the PIN. The language is the app's own choice, kept by the app: it is passed to
 * every presenter and the core answers in it.
 */
class SettingsPresenter(private val vault: Vault, private val locale: Locale) {
    var state = SettingsState()
        private set

    fun load(): SettingsState = update {
        val actor = vault.currentActor()
        SettingsState(actorName = actor?.name.orEmpty(), actorRole = actor?.role)
    }

    fun setActor(name: String, role: ActorRole): SettingsState = update {
        vault.setActor(ActorInput(name, role))
        val actor = vault.currentActor()
        SettingsState(actorName = actor?.name.orEmpty(), actorRole = actor?.role, saved = true)
    }

    /** A wrong old PIN counts as a failed unlock (the core's rule), with its message. */
    fun changePin(oldPin: String, newPin: String): SettingsState = update {
        vault.changePin(oldPin, newPin)
        state.copy(pinChanged = true, saved = false, refusal = null)
    }

    private fun update(call: () -> SettingsState): SettingsState {
        state = try {
            call()
        } catch (error: MigranException) {
            state.copy(pinChanged = false, saved = false, refusal = refusal(error, locale))
        }
        return state
    }
}
