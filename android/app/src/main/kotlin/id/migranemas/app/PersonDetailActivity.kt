package id.migranemas.app

import android.app.Activity
import android.app.AlertDialog
import android.os.Bundle
import android.widget.Button
import android.widget.LinearLayout
import id.migranemas.app.screens.PersonDetailPresenter
import id.migranemas.app.screens.PersonDetailState

class PersonDetailActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        protectScreen()
        val vault = app().vault ?: return finish()
        val personId = intent.getStringExtra("person_id") ?: return finish()
        val presenter = PersonDetailPresenter(vault, app().locale)
        val body = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
        val erase = Button(this).apply { text = getString(R.string.erase) }
        erase.setOnClickListener {
            AlertDialog.Builder(this)
                .setMessage(R.string.erase_confirm)
                .setPositiveButton(R.string.yes) { _, _ -> app().background({ presenter.erase(personId) }) { render(body, it) } }
                .setNegativeButton(R.string.no, null)
                .show()
        }
        setContentView(column(body, erase))
        app().background({ presenter.load(personId) }) { render(body, it) }
    }

    private fun render(body: LinearLayout, state: PersonDetailState) {
        if (state.gone) return finish()
        body.removeAllViews()
        state.message?.let { body.addView(label(it)) }
        val person = state.person ?: return
        body.addView(label(person.fullName, 22f))
        body.addView(label("NIK ${person.nik}"))
        body.addView(label("${person.birthDate} · ${person.village}"))
        person.phone?.let { body.addView(label(it)) }
        body.addView(label(getString(R.string.contacts), 18f))
        state.contactLines.forEach { body.addView(label(it)) }
        body.addView(label(getString(R.string.journey), 18f))
        state.journeyLine?.let { body.addView(label(it)) }
        body.addView(label(getString(R.string.documents), 18f))
        state.documents.forEach { body.addView(label("${it.kind} ${it.number} → ${it.expiresOn.orEmpty()}")) }
    }
}
