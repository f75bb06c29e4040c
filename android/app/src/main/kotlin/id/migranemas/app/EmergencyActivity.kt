package id.migranemas.app

import android.content.ActivityNotFoundException
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.widget.Button
import android.widget.LinearLayout
import id.migranemas.app.screens.EmergencyPresenter
import id.migranemas.app.screens.EmergencyRow
import id.migranemas.app.screens.EmergencyState
import id.migranemas.core.ActionChannel
import id.migranemas.core.EmergencyKind

/**
 * The emergency button: reachable from the unlock screen without the PIN. One tap on
 * what happened; then each way to get help, in the core's order, opens the dialler or
 * the messaging app with the number and the text filled in (the person presses send:
 * no permission to call or text on their behalf is asked for).
 */
class EmergencyActivity : AppScreen() {
    private var presenter: EmergencyPresenter? = null
    private lateinit var rows: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        rows = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
        val vault = app().openLocked()
        if (vault == null) {
            setContentView(column(label(getString(R.string.emergency_title), 24f), label(getString(R.string.emergency_no_vault))))
            return
        }
        val button = EmergencyPresenter(vault, app().locale)
        presenter = button
        val kinds = listOf(
            EmergencyKind.VIOLENCE to R.string.emergency_violence,
            EmergencyKind.MEDICAL to R.string.emergency_medical,
            EmergencyKind.HELD_AGAINST_WILL to R.string.emergency_held,
            EmergencyKind.PASSPORT_TAKEN to R.string.emergency_passport,
            EmergencyKind.UNPAID_WAGES to R.string.emergency_wages,
            EmergencyKind.DETENTION to R.string.emergency_detention,
            EmergencyKind.WANT_TO_GO_HOME to R.string.emergency_go_home,
            EmergencyKind.OTHER to R.string.emergency_other,
        )
        val choices = kinds.map { (kind, words) ->
            Button(this).apply {
                text = getString(words)
                contentDescription = text
                textSize = 20f
                setOnClickListener { app().background({ button.press(kind) }, ::render) }
            }
        }
        setContentView(column(label(getString(R.string.emergency_title), 24f), *choices.toTypedArray(), rows))
    }

    private fun render(state: EmergencyState) {
        rows.removeAllViews()
        state.message?.let { rows.addView(label(it)) }
        state.countryName?.let { rows.addView(label(it, 18f)) }
        for (row in state.rows) {
            val verb = getString(
                when (row.channel) {
                    ActionChannel.CALL -> R.string.emergency_call
                    ActionChannel.SMS -> R.string.emergency_sms
                    ActionChannel.WHATS_APP -> R.string.emergency_whatsapp
                },
            )
            val check = if (row.checkNumber) " *" else ""
            rows.addView(
                Button(this).apply {
                    text = "$verb ${row.label} (${row.number})$check"
                    contentDescription = text
                    textSize = 18f
                    setOnClickListener { handOver(row) }
                },
            )
        }
        if (state.rows.any { it.checkNumber }) rows.addView(label(getString(R.string.emergency_check_number)))
    }

    private fun handOver(row: EmergencyRow) {
        val intent = when (row.channel) {
            ActionChannel.CALL -> Intent(Intent.ACTION_DIAL, Uri.parse("tel:" + row.number))
            ActionChannel.SMS -> Intent(Intent.ACTION_SENDTO, Uri.parse("smsto:" + row.number))
                .putExtra("sms_body", row.message)
            ActionChannel.WHATS_APP -> Intent(
                Intent.ACTION_VIEW,
                Uri.parse("https://wa.me/" + row.number.filter(Char::isDigit) + "?text=" + Uri.encode(row.message)),
            )
        }
        try {
            startActivity(intent)
            presenter?.let { button -> app().background({ button.handedToPhone(row.position) }) { } }
        } catch (missing: ActivityNotFoundException) {
            // No app for it (no SIM, no WhatsApp): stays pending in the outbox; say so.
            rows.addView(label(getString(R.string.emergency_no_app)), 0)
        }
    }
}
