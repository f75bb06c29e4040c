package id.migranemas.app

import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.ReturnPresenter
import id.migranemas.app.screens.ReturnState
import id.migranemas.core.ReintegrationNeed
import id.migranemas.core.ReturnReason
import id.migranemas.core.ServiceKind
import id.migranemas.core.reintegrationNeedLabel
import id.migranemas.core.returnReasonLabel
import id.migranemas.core.serviceKindLabel

/** Return and reintegration: record the return with needs and plan, then the services given. */
class ReturnActivity : PinScreen() {
    private lateinit var presenter: ReturnPresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        val personId = intent.getStringExtra("person_id") ?: return finish()
        presenter = ReturnPresenter(vault, app().locale, personId)
        val date = field(R.string.date_hint, java.time.LocalDate.now().toString())
        val needs = ReintegrationNeed.entries.associateWith { checkBox(reintegrationNeedLabel(it, app().locale)) }
        val condition = field(R.string.return_condition)
        val plan = field(R.string.return_plan)
        val next = field(R.string.return_next_follow_up)
        val reasons = ReturnReason.entries.map { reason ->
            action(getString(R.string.return_record) + ": " + returnReasonLabel(reason, app().locale)) {
                val chosen = needs.filterValues { it.isChecked }.keys
                app().background({
                    presenter.recordReturn(date.text.toString(), reason, chosen, condition.text.toString(), plan.text.toString(), next.text.toString())
                }, ::render)
            }
        }
        body = vertical()
        setContentView(
            screen(label(getString(R.string.return_title), 22f), date, *needs.values.toTypedArray(), condition, plan, next, *reasons.toTypedArray(), body),
        )
        app().background({ presenter.load() }, ::render)
    }

    private fun render(state: ReturnState) {
        body.removeAllViews()
        for (line in state.returns) {
            body.addView(label(line.heading, 20f))
            body.addView(label(line.needs.joinToString(", ")))
            line.plan?.let { body.addView(label(it)) }
            line.nextFollowUpOn?.let { body.addView(label(getString(R.string.due_on, it))) }
            line.services.forEach { body.addView(label("• $it")) }
            val serviceDate = field(R.string.date_hint, java.time.LocalDate.now().toString())
            val provider = field(R.string.return_provider)
            body.addView(serviceDate)
            body.addView(provider)
            for (kind in ServiceKind.entries) {
                body.addView(action(getString(R.string.return_add_service) + ": " + serviceKindLabel(kind, app().locale), 16f) {
                    app().background({ presenter.addService(line.id, kind, serviceDate.text.toString(), provider.text.toString()) }, ::render)
                })
            }
        }
        showRefusal(state.refusal, body)
    }
}
