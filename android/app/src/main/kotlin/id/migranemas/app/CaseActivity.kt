package id.migranemas.app

import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.CasePresenter
import id.migranemas.app.screens.CaseState
import id.migranemas.core.Agency
import id.migranemas.core.CaseType
import id.migranemas.core.Reporter
import id.migranemas.core.agencyLabel
import id.migranemas.core.caseTypeLabel

/**
 * A case. With "person_id": the form to open one (type, what happened, reported by the
 * family); with "case_id": its timeline, the status buttons the workflow allows, notes
 * and referrals.
 */
class CaseActivity : PinScreen() {
    private lateinit var presenter: CasePresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = CasePresenter(vault, app().locale)
        body = vertical()
        val caseId = intent.getStringExtra("case_id")
        val personId = intent.getStringExtra("person_id")
        when {
            caseId != null -> {
                setContentView(screen(body))
                app().background({ presenter.load(caseId) }, ::render)
            }
            personId != null -> {
                val description = field(R.string.case_description)
                val types = CaseType.entries.map { type ->
                    action(caseTypeLabel(type, app().locale)) {
                        app().background({ presenter.open(personId, type, description.text.toString(), Reporter.FAMILY) }, ::render)
                    }
                }
                setContentView(screen(label(getString(R.string.case_open), 22f), description, *types.toTypedArray(), body))
            }
            else -> finish()
        }
    }

    private fun render(state: CaseState) {
        body.removeAllViews()
        if (state.caseId != null) {
            body.addView(label(state.title, 22f))
            body.addView(label(state.statusLabel, 20f))
            body.addView(label(state.description, 18f))
            val note = field(R.string.case_note)
            body.addView(note)
            // Only the moves the core's workflow allows from here.
            for (button in state.buttons) {
                body.addView(action(button.label) { app().background({ presenter.move(button.to, note.text.toString()) }, ::render) })
            }
            body.addView(action(R.string.case_add_note) { app().background({ presenter.addNote(note.text.toString()) }, ::render) })
            body.addView(label(getString(R.string.case_refer), 18f))
            for (agency in Agency.entries) {
                body.addView(action(agencyLabel(agency, app().locale), 16f) {
                    app().background({ presenter.refer(agency, note = note.text.toString()) }, ::render)
                })
            }
            body.addView(label(getString(R.string.case_timeline), 18f))
            state.timeline.forEach { body.addView(label(it)) }
            body.addView(label(getString(R.string.case_referrals), 18f))
            state.referrals.forEach { body.addView(label(it)) }
        }
        showRefusal(state.refusal, body)
    }
}
