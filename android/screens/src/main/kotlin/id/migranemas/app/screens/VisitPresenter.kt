package id.migranemas.app.screens

import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault
import id.migranemas.core.Visit
import id.migranemas.core.VisitFollowUpInput
import id.migranemas.core.VisitInput
import id.migranemas.core.VisitTopic
import id.migranemas.core.visitTopicLabel

/** The visit form as typed; the core checks it (dates, lengths) and names what it refuses. */
data class VisitForm(
    val date: String = "",
    /** Who was there, one name per entry. */
    val present: List<String> = emptyList(),
    val topics: Set<VisitTopic> = emptySet(),
    val observations: String = "",
    /** What the cadre will do, and by when (`YYYY-MM-DD`). */
    val followUpAction: String = "",
    val followUpDue: String = "",
    val nextVisitOn: String = "",
)

data class VisitFollowUpLine(val id: String, val text: String, val done: Boolean)

/** One past visit as the history lists it, newest first as the core orders them. */
data class VisitLine(val id: String, val date: String, val summary: String, val followUps: List<VisitFollowUpLine>)

data class VisitState(
    val history: List<VisitLine> = emptyList(),
    /** The visit just saved: the form can be cleared. */
    val savedVisitId: String? = null,
    val refusal: Refusal? = null,
)

/** A home visit (who was there, topics, observations, a follow-up) and the visit history. */
class VisitPresenter(private val vault: Vault, private val locale: Locale, private val personId: String) {
    var state = VisitState()
        private set

    fun load(): VisitState = update { VisitState(history = history()) }

    /** The cadre is the actor set in the settings (the core fills it in). */
    fun save(form: VisitForm): VisitState = update {
        val followUps = if (form.followUpAction.isBlank() && form.followUpDue.isBlank()) {
            emptyList()
        } else {
            listOf(VisitFollowUpInput(form.followUpAction, form.followUpDue))
        }
        val visit = vault.addVisit(
            personId,
            VisitInput(
                date = form.date,
                cadre = null,
                present = form.present.map(String::trim).filter(String::isNotEmpty),
                topics = form.topics.toList(),
                observations = form.observations.ifBlank { null },
                followUps = followUps,
                nextVisitOn = form.nextVisitOn.ifBlank { null },
            ),
        )
        VisitState(history = history(), savedVisitId = visit.id)
    }

    fun completeFollowUp(followUpId: String, note: String? = null): VisitState = update {
        vault.completeVisitFollowUp(followUpId, null, note?.ifBlank { null })
        VisitState(history = history())
    }

    private fun update(call: () -> VisitState): VisitState {
        state = try {
            call()
        } catch (error: MigranException) {
            state.copy(savedVisitId = null, refusal = refusal(error, locale))
        }
        return state
    }

    private fun history() = vault.listVisits(personId).map(::line)

    private fun line(visit: Visit) = VisitLine(
        id = visit.id,
        date = visit.date,
        summary = listOfNotNull(
            visit.date,
            visit.cadre,
            visit.topics.joinToString(", ") { visitTopicLabel(it, locale) }.ifEmpty { null },
            visit.present.joinToString(", ").ifEmpty { null },
            visit.observations,
        ).joinToString(" · "),
        followUps = visit.followUps.map { f ->
            VisitFollowUpLine(f.id, listOfNotNull(f.dueOn, f.action, f.doneOn?.let { "✓ $it" }).joinToString(" · "), f.doneOn != null)
        },
    )
}
