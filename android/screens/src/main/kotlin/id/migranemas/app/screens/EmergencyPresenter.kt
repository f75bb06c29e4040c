package id.migranemas.app.screens

import id.migranemas.core.ActionChannel
import id.migranemas.core.ActionStatus
import id.migranemas.core.EmergencyAction
import id.migranemas.core.EmergencyKind
import id.migranemas.core.EmergencyPlan
import id.migranemas.core.GeoLocation
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault
import id.migranemas.core.errorMessage

/** One thing the button offers: call, text or WhatsApp someone, in the plan's order. */
data class EmergencyRow(
    val position: UInt,
    val channel: ActionChannel,
    val number: String,
    /** Who it reaches, in the plan's language (e.g. "KBRI Hong Kong"). */
    val label: String,
    /** The text to send by SMS or WhatsApp (empty for calls). */
    val message: String,
    /** The number's source is old: the screen says to check it when there is time. */
    val checkNumber: Boolean,
)

data class EmergencyState(
    /** The alert kept in the outbox; null when only a plan could be made. */
    val alertId: String? = null,
    val countryName: String? = null,
    val rows: List<EmergencyRow> = emptyList(),
    val message: String? = null,
)

/**
 * The emergency button. Works on a locked vault (no PIN) and offline: the core builds the
 * plan from the signed directory and the card. The alert goes into the outbox so that
 * what was not yet handed to the phone is retried; if even that cannot be written, the
 * plan alone is shown, because the numbers must appear whatever else fails.
 */
class EmergencyPresenter(private val vault: Vault, private val locale: Locale) {
    var state = EmergencyState()
        private set

    fun press(kind: EmergencyKind, country: String? = null, location: GeoLocation? = null): EmergencyState {
        state = try {
            val alert = vault.triggerEmergency(kind, country, location, locale)
            fromPlan(alert.plan).copy(alertId = alert.id)
        } catch (outboxFailed: MigranException) {
            try {
                fromPlan(vault.emergencyPlan(kind, country, location, locale))
                    .copy(message = errorMessage(outboxFailed, locale))
            } catch (planFailed: MigranException) {
                EmergencyState(message = errorMessage(planFailed, locale))
            }
        }
        return state
    }

    /** The phone took over (dialler or messaging app opened): the outbox stops retrying it. */
    fun handedToPhone(position: UInt): EmergencyState {
        val alertId = state.alertId ?: return state
        state = try {
            vault.recordEmergencyAction(alertId, position, ActionStatus.HANDED_TO_OS)
            state.copy(message = null)
        } catch (error: MigranException) {
            state.copy(message = errorMessage(error, locale))
        }
        return state
    }

    private fun fromPlan(plan: EmergencyPlan) = EmergencyState(
        countryName = plan.countryName,
        rows = plan.actions.map(::row),
    )

    private fun row(action: EmergencyAction) = EmergencyRow(
        position = action.position,
        channel = action.channel,
        number = action.number,
        label = action.label,
        message = if (action.channel == ActionChannel.CALL) "" else action.message,
        checkNumber = action.verifyHint,
    )
}
