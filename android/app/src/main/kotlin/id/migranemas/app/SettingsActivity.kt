package id.migranemas.app

import android.content.Intent
import android.os.Bundle
import android.text.InputType
import android.widget.LinearLayout
import id.migranemas.app.screens.IDLE_LOCK_CHOICES_MINUTES
import id.migranemas.app.screens.SettingsPresenter
import id.migranemas.app.screens.SettingsState
import id.migranemas.core.ActorRole

/** Language, who uses the app (name and role, for the audit log), the PIN, the idle lock, the disguise and the way to the duress PIN. */
class SettingsActivity : PinScreen() {
    private lateinit var presenter: SettingsPresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = SettingsPresenter(vault, app().locale)
        val languages = listOf("id" to R.string.language_id, "en" to R.string.language_en).map { (tag, words) ->
            action(words) {
                app().setLanguage(tag)
                recreate()
            }
        }
        val name = field(R.string.actor_name)
        val roles = listOf(
            ActorRole.CADRE to R.string.role_cadre,
            ActorRole.VILLAGE_OFFICER to R.string.role_village_officer,
        ).map { (role, words) ->
            action(getString(R.string.actor_save) + ": " + getString(words)) {
                val typed = name.text.toString()
                app().background({ presenter.setActor(typed, role) }) { state ->
                    if (state.saved) app().rememberActor(state.actorName, role)
                    render(state)
                }
            }
        }
        fun pinField(hint: Int) = field(hint).apply { inputType = InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_VARIATION_PASSWORD }
        val oldPin = pinField(R.string.pin_old)
        val newPin = pinField(R.string.pin_new)
        val change = action(R.string.pin_change) {
            val old = oldPin.text.toString()
            val new = newPin.text.toString()
            oldPin.text.clear()
            newPin.text.clear()
            app().background({ presenter.changePin(old, new) }, ::render)
        }
        // The idle lock (AppLock): the chosen one is marked; it applies at once.
        val autoLock = vertical()
        fun renderAutoLock() {
            autoLock.removeAllViews()
            autoLock.addView(label(getString(R.string.auto_lock_title), 18f))
            for (minutes in IDLE_LOCK_CHOICES_MINUTES) {
                val chosen = if (minutes == app().idleLockMinutes) " ✓" else ""
                autoLock.addView(
                    action(getString(R.string.auto_lock_minutes, minutes) + chosen) {
                        app().idleLockMinutes = minutes
                        renderAutoLock()
                    },
                )
            }
        }
        renderAutoLock()
        // The disguised launcher name and icon (issue 16); the chosen one is marked.
        val disguise = Disguise(this)
        val launcher = vertical()
        fun renderDisguise() {
            launcher.removeAllViews()
            launcher.addView(label(getString(R.string.disguise_title), 18f))
            for ((on, words) in listOf(false to R.string.disguise_off, true to R.string.disguise_on)) {
                val chosen = if (disguise.isOn == on) " ✓" else ""
                launcher.addView(
                    action(getString(words) + chosen) {
                        disguise.set(on)
                        renderDisguise()
                    },
                )
            }
        }
        renderDisguise()
        // The duress PIN has its own screen; this entry reads the same whether one is set or not.
        val duress = action(R.string.duress_title) { startActivity(Intent(this, DuressPinActivity::class.java)) }
        body = vertical()
        setContentView(
            screen(
                label(getString(R.string.settings_title), 22f), *languages.toTypedArray(),
                name, *roles.toTypedArray(), oldPin, newPin, change, autoLock, launcher, duress, body,
            ),
        )
        app().background({ presenter.load() }) { state ->
            name.setText(state.actorName)
            render(state)
        }
    }

    private fun render(state: SettingsState) {
        body.removeAllViews()
        if (state.actorName.isNotEmpty()) body.addView(label(state.actorName, 18f))
        if (state.saved) body.addView(label(getString(R.string.saved), 18f))
        if (state.pinChanged) body.addView(label(getString(R.string.pin_changed), 18f))
        showRefusal(state.refusal, body)
    }
}
