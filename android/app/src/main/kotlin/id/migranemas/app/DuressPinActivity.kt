package id.migranemas.app

import android.os.Bundle
import android.text.InputType
import android.widget.LinearLayout
import id.migranemas.app.screens.DuressPinPresenter
import id.migranemas.app.screens.DuressPinState

/**
 * The duress PIN (issue 16): set, replace or remove a second PIN that opens an empty
 * profile and silently queues the emergency alert. Both need the real PIN. The screen
 * never says whether a duress PIN is set (the core cannot tell, and the app keeps no flag):
 * it only says what was just done. The PIN fields are cleared as soon as they are read.
 */
class DuressPinActivity : PinScreen() {
    private lateinit var presenter: DuressPinPresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = DuressPinPresenter(vault, app().locale)
        fun pinField(hint: Int) = field(hint).apply {
            inputType = InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_VARIATION_PASSWORD
        }
        val realPin = pinField(R.string.duress_real_pin)
        val duressPin = pinField(R.string.duress_new_pin)
        val repeated = pinField(R.string.duress_repeat_pin)
        fun typedAndCleared(): Triple<String, String, String> {
            val typed = Triple(realPin.text.toString(), duressPin.text.toString(), repeated.text.toString())
            realPin.text.clear()
            duressPin.text.clear()
            repeated.text.clear()
            return typed
        }
        val save = action(R.string.duress_set) {
            val (real, duress, again) = typedAndCleared()
            app().background({ presenter.set(real, duress, again) }, ::render)
        }
        val remove = action(R.string.duress_remove) {
            val (real, _, _) = typedAndCleared()
            app().background({ presenter.remove(real) }, ::render)
        }
        body = vertical()
        setContentView(
            screen(
                label(getString(R.string.duress_title), 22f),
                label(getString(R.string.duress_explain), 16f),
                realPin, duressPin, repeated, save, remove, body,
            ),
        )
    }

    private fun render(state: DuressPinState) {
        body.removeAllViews()
        if (state.saved) body.addView(label(getString(R.string.duress_saved), 18f))
        if (state.removed) body.addView(label(getString(R.string.duress_removed), 18f))
        if (state.entriesDiffer) body.addView(label(getString(R.string.duress_entries_differ), 18f))
        showRefusal(state.refusal, body)
    }
}
