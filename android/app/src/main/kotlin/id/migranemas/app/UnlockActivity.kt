package id.migranemas.app

import android.content.Intent
import android.os.Bundle
import android.text.InputType
import android.widget.Button
import android.widget.EditText
import id.migranemas.app.screens.UnlockPresenter
import id.migranemas.app.screens.UnlockState
import id.migranemas.core.MigranException
import id.migranemas.core.errorMessage

class UnlockActivity : AppScreen() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val creating = !app().vaultExists()
        val title = label(getString(if (creating) R.string.create_title else R.string.unlock_title), 20f)
        val pin = EditText(this).apply {
            inputType = InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_VARIATION_PASSWORD
            contentDescription = getString(R.string.unlock_title)
        }
        val message = label("")
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
                    UnlockPresenter(vault, app().locale, app()::uptime).submit(typed).also { if (it.unlocked) app().restoreActor(vault) }
                } catch (error: MigranException) {
                    UnlockState(message = errorMessage(error, app().locale))
                }
            }) { state ->
                message.text = state.message.orEmpty()
                if (state.unlocked) {
                    app().sessionOpened()
                    startActivity(Intent(this, PersonListActivity::class.java))
                    finish()
                } else if (state.retryAfterSeconds > 0) {
                    // Locked out: the core said how long; the button comes back after that.
                    open.postDelayed({ open.isEnabled = true }, state.retryAfterSeconds * 1000)
                } else {
                    open.isEnabled = true
                }
            }
        }
        // The emergency button needs no PIN: first on the screen, before anything else.
        val emergency = emergencyButton()
        setContentView(column(emergency, title, pin, open, message))
    }
}
