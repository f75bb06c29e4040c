package id.migranemas.app

import android.app.AlertDialog
import android.content.Intent
import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.ChecklistPresenter
import id.migranemas.app.screens.ChecklistRow
import id.migranemas.app.screens.ChecklistState
import id.migranemas.app.screens.FamilyChecklistPresenter
import id.migranemas.app.screens.FamilyChecklistState
import id.migranemas.app.screens.PersonDetailPresenter
import id.migranemas.core.ItemKind
import id.migranemas.core.ItemState
import id.migranemas.core.MaritalStatus
import id.migranemas.core.documentKindLabel

/** The pre-departure checklist by group; with the extra "family", what the family sees. */
class ChecklistActivity : PinScreen() {
    private lateinit var presenter: ChecklistPresenter
    private lateinit var body: LinearLayout
    private lateinit var personId: String

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        personId = intent.getStringExtra("person_id") ?: return finish()
        body = vertical()
        if (intent.getBooleanExtra("family", false)) {
            setContentView(screen(label(getString(R.string.family_checklist_title), 22f), body))
            val family = FamilyChecklistPresenter(vault, app().locale)
            app().background({ family.load(personId) }, ::renderFamily)
            return
        }
        presenter = ChecklistPresenter(vault, app().locale, personId)
        val marital = listOf(
            MaritalStatus.SINGLE to R.string.marital_single,
            MaritalStatus.MARRIED to R.string.marital_married,
            MaritalStatus.DIVORCED to R.string.marital_divorced,
            MaritalStatus.WIDOWED to R.string.marital_widowed,
        ).map { (status, words) -> action(words) { app().background({ presenter.setMaritalStatus(status) }, ::render) } }
        setContentView(screen(label(getString(R.string.checklist_title), 22f), *marital.toTypedArray(), body))
        app().background({ presenter.load() }, ::render)
    }

    private fun render(state: ChecklistState) {
        body.removeAllViews()
        body.addView(label(getString(R.string.checklist_progress, state.done, state.total), 18f))
        state.warnings.forEach { body.addView(label("⚠ $it", 18f)) }
        for (group in state.groups) {
            body.addView(label(getString(groupTitle(group.kind)), 20f))
            group.rows.forEach { body.addView(row(it)) }
        }
        showRefusal(state.refusal, body)
    }

    private fun row(row: ChecklistRow): LinearLayout = vertical().apply {
        val done = row.state == ItemState.DONE
        addView(label((if (done) "✓ " else "○ ") + row.title, 18f))
        addView(label(row.explanation))
        row.dueDate?.let { addView(label(getString(R.string.due_on, it))) }
        if (row.waitsFor.isNotEmpty()) addView(label(getString(R.string.waits_for, row.waitsFor.joinToString(", "))))
        if (row.conditionUnknown) addView(label(getString(R.string.condition_unknown)))
        row.learnt?.let { learnt ->
            addView(label(getString(R.string.orientation_sessions, learnt.sessionDates.joinToString(", "))))
            if (learnt.lessons.isNotEmpty()) addView(label(getString(R.string.orientation_lessons)))
            learnt.lessons.forEach { lesson ->
                addView(action(lesson.title, 16f) {
                    startActivity(Intent(this@ChecklistActivity, LessonsActivity::class.java).putExtra("lesson_id", lesson.id))
                })
            }
        }
        if (!done) addView(action(getString(R.string.mark_done) + ": " + row.title, 16f) { chooseDocument(row) })
    }

    /** Done, with one of the person's documents as proof (or none). */
    private fun chooseDocument(row: ChecklistRow) {
        val vault = app().vault ?: return
        app().background({ PersonDetailPresenter(vault, app().locale).load(personId).documents }) { documents ->
            val names = listOf(getString(R.string.no_document)) +
                documents.map { "${documentKindLabel(it.kind, app().locale)} ${it.number}" }
            AlertDialog.Builder(this)
                .setTitle(row.title)
                .setItems(names.toTypedArray()) { _, which ->
                    val documentId = if (which == 0) null else documents[which - 1].id
                    app().background({ presenter.mark(row.id, ItemState.DONE, documentId = documentId) }, ::render)
                }
                .show()
        }
    }

    private fun renderFamily(state: FamilyChecklistState) {
        body.removeAllViews()
        state.view?.let { view ->
            body.addView(label(view.firstName, 22f))
            body.addView(label(getString(R.string.checklist_progress, view.done.toInt(), view.total.toInt()), 18f))
            view.warnings.forEach { body.addView(label("⚠ $it", 18f)) }
            view.items.forEach { item ->
                val mark = if (item.state == ItemState.DONE) "✓ " else "○ "
                body.addView(label(mark + item.title, 18f))
                body.addView(label(item.text))
                item.dueDate?.let { body.addView(label(getString(R.string.due_on, it))) }
            }
        }
        showRefusal(state.refusal, body)
    }

    private fun groupTitle(kind: ItemKind) = when (kind) {
        ItemKind.REQUIREMENT -> R.string.group_requirements
        ItemKind.DOCUMENT -> R.string.group_documents
        ItemKind.STEP -> R.string.group_steps
    }
}
