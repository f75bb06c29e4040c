package id.migranemas.app

import android.graphics.Typeface
import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.AgendaPresenter
import id.migranemas.app.screens.AgendaRow
import id.migranemas.app.screens.AgendaState
import id.migranemas.core.AgendaKind

/** The cadre's day: what is due today and in the week ahead, most overdue first. */
class AgendaActivity : PinScreen() {
    private lateinit var presenter: AgendaPresenter
    private lateinit var rows: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = AgendaPresenter(vault, app().locale)
        rows = vertical()
        setContentView(screen(label(getString(R.string.agenda_title), 20f), rows))
    }

    override fun onResume() {
        super.onResume()
        // The device's own date: the core's "today" is UTC, a day behind before 07:00 WIB.
        val today = java.time.LocalDate.now().toString()
        if (::presenter.isInitialized) app().background({ presenter.load(today) }, ::render)
    }

    /** Straight to where the due thing is done; the person's page for the rest. */
    private fun open(row: AgendaRow) = when (row.kind) {
        AgendaKind.VISIT_DUE, AgendaKind.FOLLOW_UP_DUE -> openFor<VisitActivity>(row.personId)
        AgendaKind.REINTEGRATION_FOLLOW_UP_DUE -> openFor<ReturnActivity>(row.personId)
        AgendaKind.MISSING_CHECKLIST_ITEMS -> openFor<ChecklistActivity>(row.personId)
        AgendaKind.SCREENING_NOT_FOLLOWED_UP -> openFor<ScreeningActivity>(row.personId)
        AgendaKind.INVITE_TO_SESSION -> openFor<PersonDetailActivity>(row.personId)
        // An alert from the migrant's phone or a missed check-in: where it is acknowledged.
        AgendaKind.MIGRANT_ALERT, AgendaKind.MISSED_CHECK_IN -> openFor<LinkPhoneActivity>(row.personId)
    }

    private fun render(state: AgendaState) {
        rows.removeAllViews()
        state.message?.let { rows.addView(label(it)) }
        if (state.message == null && state.rows.isEmpty()) rows.addView(label(getString(R.string.agenda_empty)))
        for (row in state.rows) {
            val item = action("${row.personName}: ${row.text}") { open(row) }
            if (row.overdue) item.setTypeface(item.typeface, Typeface.BOLD)
            // Someone may be in danger now: the core puts these first; the screen marks them.
            if (row.emergency) item.markedEmergency()
            rows.addView(item)
        }
    }
}
