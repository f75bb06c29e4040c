package id.migranemas.app

import android.content.ActivityNotFoundException
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.os.Handler
import android.os.Looper
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
 * no permission to call or text on their behalf is asked for). The phone's last known
 * location goes with the press; while the alert is active the core offers a new one
 * every few minutes (a timer asks it), until the owner stops it or someone confirms.
 */
class EmergencyActivity : AppScreen() {
    private var presenter: EmergencyPresenter? = null
    private lateinit var rows: LinearLayout
    private val timer = Handler(Looper.getMainLooper())

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        rows = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
        val vault = app().openLocked()
        if (vault == null) {
            setContentView(column(label(getString(R.string.emergency_title), 24f), label(getString(R.string.emergency_no_vault))))
            return
        }
        val button = EmergencyPresenter(vault, app().locale, AndroidLastLocation(this))
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
        // The check-in (issue 16) lives with the button: it works locked too.
        val checkIn = Button(this).apply {
            text = getString(R.string.checkin_open)
            contentDescription = text
            textSize = 18f
            setOnClickListener { startActivity(Intent(this@EmergencyActivity, CheckInActivity::class.java)) }
        }
        setContentView(column(label(getString(R.string.emergency_title), 24f), *choices.toTypedArray(), rows, checkIn))
    }

    override fun onDestroy() {
        timer.removeCallbacksAndMessages(null)
        super.onDestroy()
    }

    private fun render(state: EmergencyState) {
        rows.removeAllViews()
        state.message?.let { rows.addView(label(it)) }
        state.countryName?.let { rows.addView(label(it, 18f)) }
        renderLocationUpdate(state)
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

    /** The offer of a new location, its rows once sent, and the way to stop; then the timer for the next. */
    private fun renderLocationUpdate(state: EmergencyState) {
        val button = presenter ?: return
        if (state.alertId == null || state.locationUpdatesEnded) return
        if (state.locationUpdateDue) {
            rows.addView(action(getString(R.string.emergency_send_location)) {
                app().background({ button.sendLocationUpdate() }, ::render)
            })
        }
        for (row in state.updateRows) {
            rows.addView(action("${verb(row)} ${row.label} (${row.number}) · ${getString(R.string.emergency_new_location)}") {
                handOver(row, recorded = false)
            })
        }
        rows.addView(action(getString(R.string.emergency_stop_location)) {
            app().background({ button.stopLocationUpdates() }, ::render)
        })
        timer.removeCallbacksAndMessages(null)
        state.nextLocationUpdateInSeconds?.let { seconds ->
            timer.postDelayed({ app().background({ button.checkLocationUpdate() }, ::render) }, maxOf(seconds, 1L) * 1000L)
        }
    }

    private fun verb(row: EmergencyRow) = getString(
        when (row.channel) {
            ActionChannel.CALL -> R.string.emergency_call
            ActionChannel.SMS -> R.string.emergency_sms
            ActionChannel.WHATS_APP -> R.string.emergency_whatsapp
        },
    )

    private fun action(words: String, onClick: () -> Unit) = Button(this).apply {
        text = words
        contentDescription = words
        textSize = 18f
        setOnClickListener { onClick() }
    }

    /** Opens the dialler or messaging app; [recorded] rows (the press's) report the hand-over to the outbox. */
    private fun handOver(row: EmergencyRow, recorded: Boolean = true) {
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
            if (recorded) presenter?.let { button -> app().background({ button.handedToPhone(row.position) }) { } }
        } catch (missing: ActivityNotFoundException) {
            // No app for it (no SIM, no WhatsApp): stays pending in the outbox; say so.
            rows.addView(label(getString(R.string.emergency_no_app)), 0)
        }
    }
}
