package id.migranemas.app.screens

import id.migranemas.core.ActionStatus
import id.migranemas.core.CardContact
import id.migranemas.core.EmergencyCard
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault

/** Where one action of an alert stands; the view names [status] with its own label (null: pending). */
data class OutboxAction(val label: String, val number: String, val status: ActionStatus?, val attempts: Int)

/** One alert of the outbox: when, for which country, and where each of its actions stands. */
data class OutboxLine(val alertId: String, val heading: String, val actions: List<OutboxAction>, val acknowledged: Boolean)

data class EmergencyCardState(
    /** The card as stored (the core keeps the numbers in its own form). */
    val card: EmergencyCard? = null,
    /** Actions not yet handed to the phone: retried on the next press or opening. */
    val pending: List<OutboxAction> = emptyList(),
    val outbox: List<OutboxLine> = emptyList(),
    val saved: Boolean = false,
    val refusal: Refusal? = null,
)

/**
 * The emergency card the button builds its plan from (country, the migrant's contacts,
 * the cadre), and the outbox: what is pending, how often it was retried, what was
 * acknowledged.
 */
class EmergencyCardPresenter(private val vault: Vault, private val locale: Locale) {
    var state = EmergencyCardState()
        private set

    fun load(): EmergencyCardState = update { state.copy(card = vault.emergencyCard(), saved = false) }

    fun save(fullName: String, country: String, city: String?, contacts: List<CardContact>): EmergencyCardState = update {
        val card = vault.setEmergencyCard(
            EmergencyCard(fullName, null, country, city?.ifBlank { null }, null, null, contacts),
        )
        state.copy(card = card, saved = true)
    }

    fun acknowledge(alertId: String, by: String): EmergencyCardState = update {
        vault.acknowledgeEmergency(alertId, by)
        state.copy(saved = false)
    }

    private fun update(call: () -> EmergencyCardState): EmergencyCardState {
        state = try {
            call().copy(
                pending = vault.pendingEmergencyActions().map { p ->
                    OutboxAction(p.action.label, p.action.number, null, p.attempts.toInt())
                },
                outbox = vault.emergencyLog().map { alert ->
                    OutboxLine(
                        alertId = alert.id,
                        heading = listOfNotNull(alert.createdAt, alert.plan.countryName).joinToString(" · "),
                        actions = alert.states.map { s ->
                            val action = alert.plan.actions.firstOrNull { it.position == s.position }
                            OutboxAction(action?.label.orEmpty(), action?.number.orEmpty(), s.status, s.attempts.toInt())
                        },
                        acknowledged = alert.acknowledgedAt != null,
                    )
                },
                refusal = null,
            )
        } catch (error: MigranException) {
            state.copy(saved = false, refusal = refusal(error, locale))
        }
        return state
    }
}
