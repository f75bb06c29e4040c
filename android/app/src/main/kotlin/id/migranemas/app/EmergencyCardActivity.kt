package id.migranemas.app

import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.EmergencyCardPresenter
import id.migranemas.app.screens.EmergencyCardState
import id.migranemas.app.screens.OutboxAction
import id.migranemas.core.ActionStatus
import id.migranemas.core.CardContact
import id.migranemas.core.CardContactRole

/** The emergency card the button plans from (country, a family contact, the cadre), and the outbox. */
class EmergencyCardActivity : PinScreen() {
    private lateinit var presenter: EmergencyCardPresenter
    private lateinit var body: LinearLayout
    private lateinit var acknowledgedBy: android.widget.EditText

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = EmergencyCardPresenter(vault, app().locale)
        val name = field(R.string.full_name)
        val country = field(R.string.card_country)
        val city = field(R.string.card_city)
        val familyName = field(R.string.card_family_name)
        val familyPhone = field(R.string.card_family_phone)
        val cadreName = field(R.string.card_cadre_name)
        val cadrePhone = field(R.string.card_cadre_phone)
        val save = action(R.string.save) {
            val contacts = listOf(
                Triple(familyName, familyPhone, CardContactRole.FAMILY),
                Triple(cadreName, cadrePhone, CardContactRole.CADRE),
            ).filter { (who, phone, _) -> who.text.isNotBlank() || phone.text.isNotBlank() }
                .map { (who, phone, role) -> CardContact(who.text.toString(), phone.text.toString(), role) }
            app().background({
                presenter.save(name.text.toString(), country.text.toString(), city.text.toString(), contacts)
            }, ::render)
        }
        body = vertical()
        acknowledgedBy = field(R.string.outbox_acknowledged_by)
        setContentView(
            screen(
                label(getString(R.string.card_title), 22f), name, country, city, familyName, familyPhone, cadreName, cadrePhone, save,
                label(getString(R.string.outbox_title), 20f), acknowledgedBy, body,
            ),
        )
        app().background({ presenter.load() }) { state ->
            state.card?.let { card ->
                name.setText(card.fullName)
                country.setText(card.country)
                city.setText(card.city.orEmpty())
                card.contacts.firstOrNull { it.role == CardContactRole.FAMILY }?.let { familyName.setText(it.name); familyPhone.setText(it.phone) }
                card.contacts.firstOrNull { it.role == CardContactRole.CADRE }?.let { cadreName.setText(it.name); cadrePhone.setText(it.phone) }
            }
            render(state)
        }
    }

    private fun render(state: EmergencyCardState) {
        body.removeAllViews()
        if (state.saved) body.addView(label(getString(R.string.saved), 18f))
        body.addView(label(getString(R.string.outbox_pending), 18f))
        state.pending.forEach { body.addView(label(describe(it))) }
        for (alert in state.outbox) {
            body.addView(label(alert.heading, 18f))
            alert.actions.forEach { body.addView(label(describe(it))) }
            if (!alert.acknowledged) {
                body.addView(action(getString(R.string.outbox_acknowledge) + ": " + alert.heading, 16f) {
                    app().background({ presenter.acknowledge(alert.alertId, acknowledgedBy.text.toString()) }, ::render)
                })
            }
        }
        showRefusal(state.refusal, body)
    }

    private fun describe(action: OutboxAction): String {
        val status = getString(
            when (action.status) {
                null -> R.string.status_pending
                ActionStatus.COMPOSED -> R.string.status_composed
                ActionStatus.HANDED_TO_OS -> R.string.status_handed_over
                ActionStatus.SENT -> R.string.status_sent
                ActionStatus.FAILED -> R.string.status_failed
                ActionStatus.ACKNOWLEDGED -> R.string.status_acknowledged
            },
        )
        return "${action.label} (${action.number}): $status, ${getString(R.string.attempts, action.attempts)}"
    }
}
