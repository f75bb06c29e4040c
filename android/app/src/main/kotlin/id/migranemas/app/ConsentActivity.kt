package id.migranemas.app

import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.ConsentPresenter
import id.migranemas.app.screens.ConsentScreenState
import id.migranemas.core.ConsentState

/**
 * Consent read aloud from the screen: each purpose in Bahasa Indonesia and English, in
 * large type, then given or withdrawn on the date typed (today when left empty).
 */
class ConsentActivity : PinScreen() {
    private lateinit var presenter: ConsentPresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        val personId = intent.getStringExtra("person_id") ?: return finish()
        presenter = ConsentPresenter(vault, app().locale, personId)
        body = vertical()
        setContentView(screen(label(getString(R.string.consent_title), 22f), body))
        app().background({ presenter.load() }, ::render)
    }

    private fun render(state: ConsentScreenState) {
        body.removeAllViews()
        for (card in state.cards) {
            body.addView(label(card.title, 22f))
            body.addView(label(card.textId, 22f))
            body.addView(label(card.textEn, 20f))
            body.addView(label(card.stateLine, 18f))
            val date = field(R.string.date_hint)
            val decide = if (card.state == ConsentState.GIVEN) {
                action(getString(R.string.consent_withdraw) + ": " + card.title) {
                    app().background({ presenter.withdraw(card.purpose, date.text.toString()) }, ::render)
                }
            } else {
                action(getString(R.string.consent_give) + ": " + card.title) {
                    app().background({ presenter.give(card.purpose, date.text.toString()) }, ::render)
                }
            }
            body.addView(date)
            body.addView(decide)
        }
        body.addView(label(getString(R.string.history), 18f))
        state.history.forEach { body.addView(label(it.text)) }
        showRefusal(state.refusal, body)
    }
}
