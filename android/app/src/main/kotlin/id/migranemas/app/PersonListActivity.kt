package id.migranemas.app

import android.app.Activity
import android.content.Intent
import android.os.Bundle
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import id.migranemas.app.screens.PersonListPresenter
import id.migranemas.app.screens.PersonListState

class PersonListActivity : Activity() {
    private lateinit var presenter: PersonListPresenter
    private lateinit var rows: LinearLayout
    private lateinit var more: Button

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        protectScreen()
        val vault = app().vault ?: return finish()
        presenter = PersonListPresenter(vault, app().locale)
        val search = EditText(this).apply { hint = getString(R.string.search_hint) }
        val find = Button(this).apply { text = getString(R.string.search_hint) }
        find.setOnClickListener { load { presenter.search(search.text.toString()) } }
        val add = Button(this).apply { text = getString(R.string.add_person) }
        add.setOnClickListener { startActivity(Intent(this, AddPersonActivity::class.java)) }
        val agenda = Button(this).apply { text = getString(R.string.agenda_title) }
        agenda.setOnClickListener { startActivity(Intent(this, AgendaActivity::class.java)) }
        rows = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
        more = Button(this).apply { text = getString(R.string.load_more) }
        more.setOnClickListener { load { presenter.loadMore() } }
        setContentView(column(label(getString(R.string.persons_title), 20f), agenda, search, find, add, rows, more))
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
            val item = label("${row.name} · ${row.village}", 18f)
            item.setOnClickListener {
                startActivity(Intent(this, PersonDetailActivity::class.java).putExtra("person_id", row.id))
            }
            rows.addView(item)
        }
        more.isEnabled = state.canLoadMore
    }
}
