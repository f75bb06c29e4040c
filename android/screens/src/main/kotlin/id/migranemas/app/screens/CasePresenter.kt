package id.migranemas.app.screens

import id.migranemas.core.Agency
import id.migranemas.core.CaseChange
import id.migranemas.core.CaseDetail
import id.migranemas.core.CaseEvent
import id.migranemas.core.CaseInput
import id.migranemas.core.CaseStatus
import id.migranemas.core.CaseType
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.ReferralInput
import id.migranemas.core.Reporter
import id.migranemas.core.StatusChangeInput
import id.migranemas.core.Vault
import id.migranemas.core.agencyLabel
import id.migranemas.core.caseNextStatuses
import id.migranemas.core.caseStatusLabel
import id.migranemas.core.caseTypeLabel

/** A status button: only the moves the core's workflow allows from the current status. */
data class StatusButton(val to: CaseStatus, val label: String)

data class CaseState(
    val caseId: String? = null,
    val title: String = "",
    val status: CaseStatus? = null,
    val statusLabel: String = "",
    val description: String = "",
    /** One line per event, oldest first, each named by the core's labels. */
    val timeline: List<String> = emptyList(),
    val referrals: List<String> = emptyList(),
    val buttons: List<StatusButton> = emptyList(),
    val refusal: Refusal? = null,
)

/**
 * A case: open it, follow its timeline, move its status (the buttons are the core's
 * `caseNextStatuses`, never a list of the app's own) and refer it to an agency (which
 * needs the consent to share with agencies: the core refuses without it).
 */
class CasePresenter(private val vault: Vault, private val locale: Locale) {
    var state = CaseState()
        private set

    fun open(personId: String, type: CaseType, description: String, reportedBy: Reporter, reportedOn: String? = null): CaseState =
        update { vault.getCase(vault.openCase(personId, CaseInput(type, description, reportedBy, reportedOn?.ifBlank { null })).id) }

    fun load(caseId: String): CaseState = update { vault.getCase(caseId) }

    fun move(to: CaseStatus, note: String? = null, date: String? = null): CaseState = withCase { id ->
        vault.changeCaseStatus(id, StatusChangeInput(to, date?.ifBlank { null }, note?.ifBlank { null }))
    }

    fun refer(agency: Agency, office: String? = null, note: String? = null, date: String? = null): CaseState = withCase { id ->
        vault.referCase(id, ReferralInput(agency, office?.ifBlank { null }, date?.ifBlank { null }, note?.ifBlank { null }))
    }

    fun addNote(note: String): CaseState = withCase { id -> vault.addCaseNote(id, note, null) }

    private fun withCase(call: (String) -> Any): CaseState {
        val id = state.caseId ?: return state
        return update {
            call(id)
            vault.getCase(id)
        }
    }

    private fun update(call: () -> CaseDetail): CaseState {
        state = try {
            show(call())
        } catch (error: MigranException) {
            state.copy(refusal = refusal(error, locale))
        }
        return state
    }

    private fun show(detail: CaseDetail): CaseState {
        val case = detail.case
        return CaseState(
            caseId = case.id,
            title = caseTypeLabel(case.caseType, locale),
            status = case.status,
            statusLabel = caseStatusLabel(case.status, locale),
            description = case.description,
            timeline = detail.timeline.map(::event),
            referrals = detail.referrals.map { r ->
                listOfNotNull(r.date, agencyLabel(r.agency, locale), r.office, r.note).joinToString(" · ")
            },
            buttons = caseNextStatuses(case.status).map { StatusButton(it, caseStatusLabel(it, locale)) },
        )
    }

    private fun event(e: CaseEvent): String {
        val what = when (val change = e.change) {
            CaseChange.Opened -> caseStatusLabel(CaseStatus.OPEN, locale)
            is CaseChange.StatusChanged -> "${caseStatusLabel(change.from, locale)} → ${caseStatusLabel(change.to, locale)}"
            is CaseChange.Referred -> listOfNotNull(agencyLabel(change.agency, locale), change.office).joinToString(", ")
            CaseChange.Note -> null
        }
        return listOfNotNull(e.date, what, e.note, e.actor?.name).joinToString(" · ")
    }
}
