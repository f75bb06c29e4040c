package id.migranemas.app

import android.app.AlertDialog
import android.content.Intent
import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.PersonDetailPresenter
import id.migranemas.app.screens.PersonDetailState

/** The person's page, the hub of a home visit: who, journey, documents, family, consents, and every action. */
class PersonDetailActivity : PinScreen() {
    private lateinit var presenter: PersonDetailPresenter
    private lateinit var body: LinearLayout
    private lateinit var personId: String

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        personId = intent.getStringExtra("person_id") ?: return finish()
        presenter = PersonDetailPresenter(vault, app().locale)
        body = vertical()
        val erase = action(R.string.erase) {
            AlertDialog.Builder(this)
                .setMessage(R.string.erase_confirm)
                .setPositiveButton(R.string.yes) { _, _ -> app().background({ presenter.erase(personId) }, ::render) }
                .setNegativeButton(R.string.no, null)
                .show()
        }
        val actions = listOf(
            action(R.string.consent_title) { openFor<ConsentActivity>(personId) },
            action(R.string.checklist_title) { openFor<ChecklistActivity>(personId) },
            action(R.string.family_checklist_title) {
                startActivity(Intent(this, ChecklistActivity::class.java).putExtra("person_id", personId).putExtra("family", true))
            },
            action(R.string.screening_title) { openFor<ScreeningActivity>(personId) },
            action(R.string.visit_title) { openFor<VisitActivity>(personId) },
            action(R.string.case_open) { openFor<CaseActivity>(personId) },
            action(R.string.return_title) { openFor<ReturnActivity>(personId) },
            action(R.string.follow_link_phone) { openFor<LinkPhoneActivity>(personId) },
        )
        setContentView(screen(body, *actions.toTypedArray(), erase))
    }

    override fun onResume() {
        super.onResume()
        if (::presenter.isInitialized) app().background({ presenter.load(personId) }, ::render)
    }

    private fun render(state: PersonDetailState) {
        if (state.gone) return finish()
        if (state.locked) {
            startActivity(Intent(this, UnlockActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_CLEAR_TOP))
            return finish()
        }
        body.removeAllViews()
        state.message?.let { body.addView(label(it)) }
        val person = state.person ?: return
        body.addView(label(person.fullName, 22f))
        body.addView(label("NIK ${person.nik}"))
        body.addView(label("${person.birthDate} · ${person.village}"))
        person.phone?.let { body.addView(label(it)) }
        if (!state.registrationConsentGiven) body.addView(label(getString(R.string.consent_first), 18f))
        body.addView(label(getString(R.string.consent_title), 18f))
        state.consents.forEach { body.addView(label(it.text)) }
        body.addView(label(getString(R.string.journey), 18f))
        state.journeyLine?.let { body.addView(label(it)) }
        body.addView(label(getString(R.string.documents), 18f))
        state.documentLines.forEach { body.addView(label(it)) }
        body.addView(label(getString(R.string.contacts), 18f))
        state.contactLines.forEach { body.addView(label(it)) }
        body.addView(label(getString(R.string.cases_title), 18f))
        state.cases.forEach { line ->
            body.addView(action(line.text, 16f) { startActivity(Intent(this, CaseActivity::class.java).putExtra("case_id", line.caseId)) })
        }
    }
}
