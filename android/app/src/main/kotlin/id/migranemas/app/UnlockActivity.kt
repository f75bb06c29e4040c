package id.migranemas.app

import android.app.AlertDialog
import android.content.Intent
import android.os.Bundle
import android.text.InputType
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import id.migranemas.app.screens.DeviceRolePresenter
import id.migranemas.app.screens.Home
import id.migranemas.app.screens.UnlockPresenter
import id.migranemas.app.screens.UnlockState
import id.migranemas.core.MigranException
import id.migranemas.core.errorMessage

class UnlockActivity : AppScreen() {
    private lateinit var message: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val creating = !app().vaultExists()
        val title = label(getString(if (creating) R.string.create_title else R.string.unlock_title), 20f)
        val pin = EditText(this).apply {
            inputType = InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_VARIATION_PASSWORD
            contentDescription = getString(R.string.unlock_title)
        }
        message = label("")
        val open = Button(this).apply {
            text = getString(R.string.unlock_button)
            contentDescription = text
        }
        open.setOnClickListener {
            open.isEnabled = false
            val typed = pin.text.toString()
            pin.text.clear()
            app().background({
                try {
                    val vault = app().openOrCreate(typed, creating)
                    val state = UnlockPresenter(vault, app().locale, app()::uptime).submit(typed).also { if (it.unlocked) app().restoreActor(vault) }
                    // The home follows the device's role (issue 18); a new vault asks for it first.
                    state to if (state.unlocked) DeviceRolePresenter(vault, app().locale).load().home else Home.CHOOSE_ROLE
                } catch (error: MigranException) {
                    UnlockState(message = errorMessage(error, app().locale)) to Home.CHOOSE_ROLE
                }
            }) { (state, home) ->
                message.text = state.message.orEmpty()
                if (state.unlocked) {
                    app().sessionOpened()
                    openHome(home)
                } else if (state.retryAfterSeconds > 0) {
                    // Locked out: the core said how long; the button comes back after that.
                    open.postDelayed({ open.isEnabled = true }, state.retryAfterSeconds * 1000)
                } else {
                    open.isEnabled = true
                }
            }
        }
        // The quick wipe (issue 16): a long press on the title, which nobody does by accident
        // and nothing on screen points to, then a neutral question.
        title.isLongClickable = true
        title.setOnLongClickListener {
            askToReset()
            true
        }
        // The emergency button needs no PIN: first on the screen, before anything else.
        val emergency = emergencyButton()
        setContentView(column(emergency, title, pin, open, message))
    }

    /**
     * "Reset app?" with Reset / Cancel: the words of any app's reset, so that someone
     * watching learns nothing about what the app held. Reset wipes the vault without the PIN
     * (`UnlockPresenter.wipe`) and the screen comes back as on a new phone: "make a new PIN".
     */
    private fun askToReset() {
        AlertDialog.Builder(this)
            .setMessage(R.string.reset_question)
            .setPositiveButton(R.string.reset_confirm) { _, _ -> reset() }
            .setNegativeButton(R.string.reset_cancel, null)
            .show()
    }

    private fun reset() {
        app().background({
            val vault = app().openLocked() ?: return@background UnlockState(erased = true)
            UnlockPresenter(vault, app().locale, app()::uptime).wipe()
        }) { state ->
            if (state.erased) {
                app().forgetVault()
                recreate()
            } else {
                message.text = state.message.orEmpty()
            }
        }
    }
}
