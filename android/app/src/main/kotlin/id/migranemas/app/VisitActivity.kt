package id.migranemas.app

import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.VisitForm
import id.migranemas.app.screens.VisitPresenter
import id.migranemas.app.screens.VisitState
import id.migranemas.core.VisitTopic
import id.migranemas.core.visitTopicLabel

/** A home visit: who was there, topics, observations, a follow-up; below it, the visit history. */
class VisitActivity : PinScreen() {
    private lateinit var presenter: VisitPresenter
    private lateinit var history: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        val personId = intent.getStringExtra("person_id") ?: return finish()
        presenter = VisitPresenter(vault, app().locale, personId)
        val date = field(R.string.date_hint, java.time.LocalDate.now().toString())
        val present = field(R.string.visit_present)
        val topics = VisitTopic.entries.associateWith { checkBox(visitTopicLabel(it, app().locale)) }
        val observations = field(R.string.visit_observations)
        val followUp = field(R.string.visit_follow_up)
        val followUpDue = field(R.string.visit_follow_up_due)
        val nextVisit = field(R.string.visit_next)
        history = vertical()
        val save = action(R.string.save) {
            val form = VisitForm(
                date = date.text.toString(),
                present = present.text.split(','),
                topics = topics.filterValues { it.isChecked }.keys,
                observations = observations.text.toString(),
                followUpAction = followUp.text.toString(),
                followUpDue = followUpDue.text.toString(),
                nextVisitOn = nextVisit.text.toString(),
            )
            app().background({ presenter.save(form) }) { state ->
                if (state.savedVisitId != null) listOf(present, observations, followUp, followUpDue, nextVisit).forEach { it.text.clear() }
                render(state)
            }
        }
        setContentView(
            screen(
                label(getString(R.string.visit_title), 22f), date, present, *topics.values.toTypedArray(),
                observations, followUp, followUpDue, nextVisit, save, label(getString(R.string.history), 20f), history,
            ),
        )
        app().background({ presenter.load() }, ::render)
    }

    private fun render(state: VisitState) {
        history.removeAllViews()
        for (visit in state.history) {
            history.addView(label(visit.summary, 18f))
            for (followUp in visit.followUps) {
                history.addView(label(followUp.text))
                if (!followUp.done) {
                    history.addView(action(getString(R.string.mark_done) + ": " + followUp.text, 16f) {
                        app().background({ presenter.completeFollowUp(followUp.id) }, ::render)
                    })
                }
            }
        }
        showRefusal(state.refusal, history)
    }
}
