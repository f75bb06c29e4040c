package id.migranemas.app.screens

import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.ReintegrationNeed
import id.migranemas.core.ReturnInput
import id.migranemas.core.ReturnPlanInput
import id.migranemas.core.ReturnReason
import id.migranemas.core.ReturnRecord
import id.migranemas.core.ServiceInput
import id.migranemas.core.ServiceKind
import id.migranemas.core.Vault
import id.migranemas.core.reintegrationNeedLabel
import id.migranemas.core.returnReasonLabel
import id.migranemas.core.serviceKindLabel

/** One return as the screen lists it: when and why, the needs, the plan and the services. */
data class ReturnLine(
    val id: String,
    val heading: String,
    val needs: List<String>,
    val plan: String?,
    val nextFollowUpOn: String?,
    val services: List<String>,
)

data class ReturnState(val returns: List<ReturnLine> = emptyList(), val refusal: Refusal? = null)

/** Return and reintegration: the return (which moves the journey on), its plan and services. */
class ReturnPresenter(private val vault: Vault, private val locale: Locale, private val personId: String) {
    var state = ReturnState()
        private set

    fun load(): ReturnState = update { }

    fun recordReturn(
        date: String,
        reason: ReturnReason,
        needs: Set<ReintegrationNeed>,
        condition: String? = null,
        plan: String? = null,
        nextFollowUpOn: String? = null,
        caseId: String? = null,
    ): ReturnState = update {
        vault.recordReturn(
            personId,
            ReturnInput(date, reason, caseId, condition?.ifBlank { null }, needs.toList(), plan?.ifBlank { null }, nextFollowUpOn?.ifBlank { null }),
        )
    }

    fun updatePlan(returnId: String, needs: Set<ReintegrationNeed>, plan: String?, nextFollowUpOn: String?): ReturnState = update {
        vault.updateReturnPlan(returnId, ReturnPlanInput(needs.toList(), plan?.ifBlank { null }, nextFollowUpOn?.ifBlank { null }))
    }

    fun addService(returnId: String, kind: ServiceKind, date: String, provider: String? = null, note: String? = null): ReturnState = update {
        vault.addReintegrationService(returnId, ServiceInput(kind, date, provider?.ifBlank { null }, note?.ifBlank { null }))
    }

    private fun update(call: () -> Unit): ReturnState {
        state = try {
            call()
            ReturnState(returns = vault.listReturns(personId).map(::line))
        } catch (error: MigranException) {
            state.copy(refusal = refusal(error, locale))
        }
        return state
    }

    private fun line(r: ReturnRecord) = ReturnLine(
        id = r.id,
        heading = listOfNotNull(r.returnDate, returnReasonLabel(r.reason, locale), r.condition).joinToString(" · "),
        needs = r.needs.map { reintegrationNeedLabel(it, locale) },
        plan = r.followUpPlan,
        nextFollowUpOn = r.nextFollowUpOn,
        services = r.services.map { s -> listOfNotNull(s.date, serviceKindLabel(s.kind, locale), s.provider, s.note).joinToString(" · ") },
    )
}
