package id.migranemas.app

import android.content.Intent
import android.os.Bundle
import android.widget.LinearLayout
import android.widget.ProgressBar
import id.migranemas.app.screens.FamilyHomePresenter
import id.migranemas.app.screens.FamilyHomeState
import id.migranemas.app.screens.lastUpdate

/**
 * The family's home (issue 18): unanswered alerts first and marked, then the checklist
 * progress, what must happen before leaving and the next steps in the core's plain words;
 * "receive update" takes the text the cadre sent.
 */
class FamilyHomeActivity : PinScreen() {
    private lateinit var presenter: FamilyHomePresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = FamilyHomePresenter(vault, app().locale)
        body = vertical()
        val pasted = field(R.string.follow_update_hint)
        val receive = action(R.string.follow_receive) {
            val text = pasted.text.toString()
            pasted.text.clear()
            app().background({ presenter.receiveUpdate(text) }, ::render)
        }
        val settings = action(R.string.settings_title) { startActivity(Intent(this, SettingsActivity::class.java)) }
        setContentView(screen(body, pasted, receive, settings))
    }

    override fun onResume() {
        super.onResume()
        if (::presenter.isInitialized) app().background({ presenter.load() }, ::render)
    }

    private fun render(state: FamilyHomeState) {
        body.removeAllViews()
        if (state.notLinked) {
            body.addView(label(getString(R.string.follow_not_linked), 18f))
            body.addView(action(R.string.follow_link_title) { startActivity(Intent(this, FollowerLinkActivity::class.java)) })
        }
        state.view?.let { view ->
            val checklist = view.checklist
            body.addView(label(getString(R.string.follow_family_title, checklist.firstName), 22f))
            // Emergencies first: an alert nobody answered yet leads, marked.
            val (open, answered) = view.alerts.partition { !it.acknowledged }
            if (view.alerts.isNotEmpty()) body.addView(label(getString(R.string.follow_alerts_title), 18f))
            open.forEach { body.addView(label(getString(R.string.follow_alert_open, it.raisedOn), 18f).markedEmergency()) }
            answered.forEach { body.addView(label(getString(R.string.follow_alert_answered, it.raisedOn))) }
            body.addView(label(getString(R.string.follow_progress, checklist.done.toInt(), checklist.total.toInt()), 18f))
            body.addView(
                ProgressBar(this, null, android.R.attr.progressBarStyleHorizontal).apply {
                    max = 100
                    progress = state.percentDone
                    contentDescription = getString(R.string.follow_progress, checklist.done.toInt(), checklist.total.toInt())
                },
            )
            if (checklist.legalBlocks.isNotEmpty()) {
                body.addView(label(getString(R.string.follow_blocks), 18f).markedEmergency())
                checklist.legalBlocks.forEach { body.addView(label("• $it")) }
            }
            checklist.warnings.forEach { body.addView(label(it)) }
            body.addView(label(getString(R.string.follow_next_steps), 18f))
            checklist.nextSteps.forEach { body.addView(label("• $it")) }
            body.addView(label(getString(R.string.follow_last_update, view.link.lastUpdate())))
        }
        showRefusal(state.refusal, body)
    }
}
