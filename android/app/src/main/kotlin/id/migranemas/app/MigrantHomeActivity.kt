package id.migranemas.app

import android.content.Intent
import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.MigrantHomePresenter
import id.migranemas.app.screens.MigrantHomeState
import id.migranemas.app.screens.lastUpdate

/**
 * The migrant's own home (issue 18): the emergency button first (as on every screen), the
 * check-in, what the team sent (journey, checklist in plain words, answers to alerts) and
 * the exchange with the cadre: "receive update" (pasted) and "send to cadre" (shared).
 */
class MigrantHomeActivity : PinScreen() {
    private lateinit var presenter: MigrantHomePresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = MigrantHomePresenter(vault, app().locale)
        body = vertical()
        val checkIn = action(R.string.checkin_open) { startActivity(Intent(this, CheckInActivity::class.java)) }
        val pasted = field(R.string.follow_update_hint)
        val receive = action(R.string.follow_receive) {
            val text = pasted.text.toString()
            pasted.text.clear()
            app().background({ presenter.receiveUpdate(text) }, ::render)
        }
        val send = action(R.string.follow_send_to_cadre) {
            app().background({ presenter.sendToCadre() }) { state ->
                render(state)
                    }
        }
        val lessons = action(R.string.lessons_title) { startActivity(Intent(this, LessonsActivity::class.java)) }
        val settings = action(R.string.settings_title) { startActivity(Intent(this, SettingsActivity::class.java)) }
        setContentView(screen(checkIn, label(getString(R.string.follow_migrant_title), 22f), body, pasted, receive, send, lessons, settings))
    }

    override fun onResume() {
        super.onResume()
        if (::presenter.isInitialized) app().background({ presenter.load() }, ::render)
    }

    private fun render(state: MigrantHomeState) {
        body.removeAllViews()
        if (state.notLinked) {
            body.addView(label(getString(R.string.follow_not_linked), 18f))
            body.addView(action(R.string.follow_link_title) { startActivity(Intent(this, FollowerLinkActivity::class.java)) })
        }
        state.view?.let { view ->
            body.addView(label(getString(R.string.follow_last_update, view.link.lastUpdate())))
            if (view.departureDate != null || view.destinationCountry != null) {
                body.addView(label(getString(R.string.follow_departure, view.departureDate.orEmpty(), view.destinationCountry.orEmpty())))
            }
            val checklist = view.checklist
            body.addView(label(getString(R.string.follow_progress, checklist.done.toInt(), checklist.total.toInt()), 18f))
            if (checklist.legalBlocks.isNotEmpty()) {
                body.addView(label(getString(R.string.follow_blocks), 18f).markedEmergency())
                checklist.legalBlocks.forEach { body.addView(label("• $it")) }
            }
            checklist.warnings.forEach { body.addView(label(it)) }
            body.addView(label(getString(R.string.follow_next_steps), 18f))
            checklist.nextSteps.forEach { body.addView(label("• $it")) }
            if (view.acknowledgements.isNotEmpty()) {
                body.addView(label(getString(R.string.follow_answers), 18f))
                view.acknowledgements.forEach { body.addView(label(getString(R.string.follow_answer_line, it.by, it.at.take(10)))) }
            }
        }
        showRefusal(state.refusal, body)
    }
}
