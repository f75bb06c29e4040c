package id.migranemas.app

import android.content.Intent
import android.os.Bundle
import android.widget.Button
import android.widget.LinearLayout
import id.migranemas.app.screens.PersonListPresenter
import id.migranemas.app.screens.PersonListState

class PersonListActivity : PinScreen() {
    private lateinit var presenter: PersonListPresenter
    private lateinit var rows: LinearLayout
    private lateinit var more: Button

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = PersonListPresenter(vault, app().locale)
        val search = field(R.string.search_hint)
        val find = action(R.string.search_hint) { load { presenter.search(search.text.toString()) } }
        val add = action(R.string.add_person) { startActivity(Intent(this, AddPersonActivity::class.java)) }
        val agenda = action(R.string.agenda_title) { startActivity(Intent(this, AgendaActivity::class.java)) }
        val report = action(R.string.report_title) { startActivity(Intent(this, ReportActivity::class.java)) }
        val card = action(R.string.card_title) { startActivity(Intent(this, EmergencyCardActivity::class.java)) }
        val settings = action(R.string.settings_title) { startActivity(Intent(this, SettingsActivity::class.java)) }
        val lessons = action(R.string.lessons_title) { startActivity(Intent(this, LessonsActivity::class.java)) }
        val sessions = action(R.string.sessions_title) { startActivity(Intent(this, SessionActivity::class.java)) }
        rows = vertical()
        // The list pages through the core (50 at a time), never the whole register at once.
        more = action(R.string.load_more) { load { presenter.loadMore() } }
        setContentView(
            screen(label(getString(R.string.persons_title), 20f), agenda, search, find, add, rows, more, lessons, sessions, report, card, settings),
        )
    }

    override fun onResume() {
        super.onResume()
        if (::presenter.isInitialized) load { presenter.refresh() }
    }

    private fun load(work: () -> PersonListState) = app().background(work, ::render)

    private fun render(state: PersonListState) {
        rows.removeAllViews()
        state.message?.let { rows.addView(label(it)) }
        for (row in state.rows) {
            val item = action("${row.name} · ${row.village}") {
                startActivity(Intent(this, PersonDetailActivity::class.java).putExtra("person_id", row.id))
            }
            rows.addView(item)
        }
        more.isEnabled = state.canLoadMore
    }
}
