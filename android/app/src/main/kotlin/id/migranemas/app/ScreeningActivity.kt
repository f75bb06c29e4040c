package id.migranemas.app

import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.ScreeningPresenter
import id.migranemas.app.screens.ScreeningState
import id.migranemas.core.Answer
import id.migranemas.core.RiskLevel

/** The TPPO screening as an interview: one question, yes / no / don't know, then the result. */
class ScreeningActivity : PinScreen() {
    private lateinit var presenter: ScreeningPresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        val personId = intent.getStringExtra("person_id") ?: return finish()
        presenter = ScreeningPresenter(vault, app().locale, personId)
        body = vertical()
        setContentView(screen(label(getString(R.string.screening_title), 22f), body))
        app().background({ presenter.start() }, ::render)
    }

    private fun render(state: ScreeningState) {
        body.removeAllViews()
        val question = state.question
        if (question != null) {
            body.addView(label(getString(R.string.question_of, state.position, state.count)))
            body.addView(label(question.text, 24f))
            listOf(Answer.YES to R.string.answer_yes, Answer.NO to R.string.answer_no, Answer.UNKNOWN to R.string.answer_unknown)
                .forEach { (answer, words) ->
                    val chosen = if (state.answered == answer) " ✓" else ""
                    body.addView(action(getString(words) + chosen, 22f) { app().background({ presenter.answer(answer) }, ::render) })
                }
            if (state.position > 1) body.addView(action(R.string.back) { app().background({ presenter.back() }, ::render) })
        }
        state.outcome?.let { outcome ->
            body.addView(label(getString(R.string.risk_level, getString(levelWords(outcome.level))), 24f))
            if (!outcome.complete) body.addView(label(getString(R.string.screening_incomplete), 18f))
            outcome.askAgain.forEach { body.addView(label("? $it")) }
            for (flag in outcome.flags) {
                body.addView(label("⚑ ${flag.title} (${getString(levelWords(flag.severity))})", 20f))
                body.addView(label(flag.explanation))
                flag.reasons.forEach { body.addView(label("• $it")) }
                body.addView(label(flag.action, 18f))
            }
            if (!state.saved) {
                body.addView(action(R.string.save) { app().background({ presenter.save() }, ::render) })
                body.addView(action(R.string.back) { app().background({ presenter.back() }, ::render) })
            }
        }
        if (state.saved) body.addView(label(getString(R.string.saved), 18f))
        for (followUp in state.followUps) {
            body.addView(label(getString(R.string.due_on, followUp.dueDate) + " · " + followUp.reason))
            if (!followUp.done) {
                body.addView(action(getString(R.string.mark_done) + ": " + followUp.reason, 16f) {
                    app().background({ presenter.completeFollowUp(followUp.id) }, ::render)
                })
            }
        }
        showRefusal(state.refusal, body)
    }

    private fun levelWords(level: RiskLevel) = when (level) {
        RiskLevel.NONE -> R.string.risk_none
        RiskLevel.LOW -> R.string.risk_low
        RiskLevel.MEDIUM -> R.string.risk_medium
        RiskLevel.HIGH -> R.string.risk_high
        RiskLevel.CRITICAL -> R.string.risk_critical
    }
}
