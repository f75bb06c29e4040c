package id.migranemas.app.screens

import id.migranemas.core.ChecklistItem
import id.migranemas.core.ChecklistItemUpdate
import id.migranemas.core.ChecklistView
import id.migranemas.core.FamilyChecklistView
import id.migranemas.core.ItemKind
import id.migranemas.core.ItemState
import id.migranemas.core.Locale
import id.migranemas.core.MaritalStatus
import id.migranemas.core.MigranException
import id.migranemas.core.Vault

/**
 * One step of the pre-departure checklist as the screen shows it. Titles of the steps it
 * waits for are the core's titles, so the cadre reads "first: Paspor", never an id.
 */
data class ChecklistRow(
    val id: String,
    val title: String,
    val explanation: String,
    val state: ItemState,
    val dueDate: String?,
    /** Titles of the steps this one needs that are not done yet: the row says so. */
    val waitsFor: List<String>,
    /** The step applies depending on the marital status, which is not known yet. */
    val conditionUnknown: Boolean,
    /** Marked done with this document of the person's (an id from the person's documents). */
    val documentId: String?,
    /**
     * On the orientation item only: the village sessions the person attended (their
     * dates) and the lessons they covered (titles, in the screen's language); the reader
     * opens them. `null` on every other item and while the person attended none.
     */
    val learnt: Learnt? = null,
)

data class Learnt(val sessionDates: List<String>, val lessons: List<LessonRow>)

/** Items grouped the way the content pack sorts them: requirements, documents, steps. */
data class ChecklistGroup(val kind: ItemKind, val rows: List<ChecklistRow>)

data class ChecklistState(
    val groups: List<ChecklistGroup> = emptyList(),
    val done: Int = 0,
    val total: Int = 0,
    /** The core's warnings in the screen's language; red ones first. */
    val warnings: List<String> = emptyList(),
    val redWarnings: Int = 0,
    val maritalStatus: MaritalStatus? = null,
    val refusal: Refusal? = null,
)

/**
 * The pre-departure checklist of one person. The core decides everything: which items
 * apply, their order, what blocks what, the warnings and due dates; a step done before
 * what it needs is refused by the core (`ChecklistDependency`) and shown with its message.
 */
class ChecklistPresenter(private val vault: Vault, private val locale: Locale, private val personId: String) {
    var state = ChecklistState()
        private set

    fun load(): ChecklistState = show { vault.checklist(personId, locale) }

    /**
     * Marks a step, as done by the cadre set in the settings; [documentId] is the person's
     * document that proves it, if any.
     */
    fun mark(itemId: String, to: ItemState, note: String? = null, documentId: String? = null): ChecklistState = show {
        val by = vault.currentActor()?.name
        vault.setChecklistItem(personId, itemId, ChecklistItemUpdate(to, by, note?.ifBlank { null }, documentId), locale)
    }

    fun setMaritalStatus(status: MaritalStatus): ChecklistState = show { vault.setMaritalStatus(personId, status, locale) }

    private fun show(call: () -> ChecklistView): ChecklistState {
        state = try {
            view(call())
        } catch (error: MigranException) {
            // The list stays as it was, with the core's answer on top.
            state.copy(refusal = refusal(error, locale))
        }
        return state
    }

    private fun view(view: ChecklistView): ChecklistState {
        val titles = view.items.associate { it.id to it.title }
        // Lesson titles only when an item shows education (the orientation item).
        val lessons by lazy { vault.lessons(locale).associateBy { it.id } }
        fun row(item: ChecklistItem) = ChecklistRow(
            id = item.id,
            title = item.title,
            explanation = item.explanation,
            state = item.state,
            dueDate = item.dueDate,
            waitsFor = item.blockedBy.map { titles[it] ?: it },
            conditionUnknown = item.conditionUnknown,
            documentId = item.documentId,
            learnt = item.education?.let { education ->
                Learnt(
                    sessionDates = education.sessions.map { it.date },
                    lessons = education.lessons.map { id -> lessons[id].let { LessonRow(id, it?.title ?: id, it?.country) } },
                )
            },
        )
        return ChecklistState(
            groups = view.items.groupBy { it.kind }.map { (kind, items) -> ChecklistGroup(kind, items.map(::row)) },
            done = view.summary.done.toInt(),
            total = view.summary.total.toInt(),
            warnings = view.warnings.sortedByDescending { it.red }.map { it.message },
            redWarnings = view.summary.redWarnings.toInt(),
            maritalStatus = view.maritalStatus,
        )
    }
}

data class FamilyChecklistState(val view: FamilyChecklistView? = null, val refusal: Refusal? = null)

/**
 * What the family may see of the checklist: first name, progress, plain steps. Only with
 * the person's consent to share with the family; without it the core refuses, and the
 * screen shows that refusal (and nothing of the list).
 */
class FamilyChecklistPresenter(private val vault: Vault, private val locale: Locale) {
    fun load(personId: String): FamilyChecklistState = try {
        FamilyChecklistState(view = vault.familyChecklist(personId, locale))
    } catch (error: MigranException) {
        FamilyChecklistState(refusal = refusal(error, locale))
    }
}
