package id.migranemas.app

import android.Manifest
import android.content.ActivityNotFoundException
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.text.InputType
import android.widget.LinearLayout
import android.widget.RadioButton
import android.widget.RadioGroup
import id.migranemas.app.screens.CheckInPresenter
import id.migranemas.app.screens.CheckInScreenState
import id.migranemas.app.screens.DEFAULT_CHECK_IN_GRACE_MINUTES
import id.migranemas.app.screens.DEFAULT_CHECK_IN_HOURS
import id.migranemas.app.screens.EmergencyRow
import id.migranemas.core.ActionChannel
import id.migranemas.core.CheckInState
import id.migranemas.core.EmergencyKind

/**
 * The check-in screen (issue 16), reached from the emergency button and, when the wake-up
 * found a missed check-in, from its notification. Works locked like the emergency button:
 * status, "I am safe" and stop (both with the PIN, checked by the core); setting one up
 * needs the PIN's session. A missed check-in's alert, passed by the notification, is shown
 * as rows that open the messaging app with the text filled in (the person presses send).
 */
class CheckInActivity : AppScreen() {
    private var presenter: CheckInPresenter? = null
    private lateinit var body: LinearLayout
    private lateinit var setUp: LinearLayout
    private var setUpShown: Boolean? = null
    private lateinit var alertRows: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = app().openLocked()
        if (vault == null) {
            setContentView(column(label(getString(R.string.checkin_title), 24f), label(getString(R.string.checkin_state_off))))
            return
        }
        // The screen's own poll may queue a missed check-in's alert: with the location if
        // already granted (never asked from here).
        val screen = CheckInPresenter(vault, app().locale, location = BackgroundLastLocation(this))
        presenter = screen
        body = vertical()
        setUp = vertical()
        val pin = field(R.string.checkin_pin).apply { inputType = PIN_INPUT }
        fun typedPin(): String = pin.text.toString().also { pin.text.clear() }
        val fine = action(R.string.checkin_fine) {
            val typed = typedPin()
            app().background({ screen.imFine(typed) }, ::render)
        }
        val stop = action(R.string.checkin_cancel) {
            val typed = typedPin()
            app().background({ screen.cancel(typed) }, ::render)
        }
        setContentView(
            column(
                emergencyButton(),
                label(getString(R.string.checkin_title), 24f),
                label(getString(R.string.checkin_explain)),
                missedAlertRows(screen),
                body,
                pin,
                fine,
                stop,
                setUp,
            ),
        )
        app().background({ screen.load() }, ::render)
    }

    /** The set-up form: every N hours or once at a time, the grace period, the kind of alert. */
    private fun renderSetUp(screen: CheckInPresenter) {
        setUp.removeAllViews()
        setUp.addView(label(getString(R.string.checkin_setup), 20f))
        val hours = field(R.string.checkin_hours, DEFAULT_CHECK_IN_HOURS.toString()).apply { inputType = InputType.TYPE_CLASS_NUMBER }
        val grace = field(R.string.checkin_grace_minutes, DEFAULT_CHECK_IN_GRACE_MINUTES.toString()).apply { inputType = InputType.TYPE_CLASS_NUMBER }
        val time = field(R.string.checkin_time)
        val kinds = RadioGroup(this).apply { contentDescription = getString(R.string.checkin_kind) }
        val choices = KINDS.map { (kind, words) ->
            RadioButton(this).apply {
                id = android.view.View.generateViewId()
                text = getString(words)
                contentDescription = text
                textSize = 18f
                isChecked = kind == EmergencyKind.HELD_AGAINST_WILL
            } to kind
        }
        choices.forEach { (button, _) -> kinds.addView(button) }
        fun chosenKind() = choices.firstOrNull { (button, _) -> button.isChecked }?.second ?: EmergencyKind.OTHER
        // A number that does not parse goes to the core as out of range (-1): its refusal names the field.
        fun number(text: String) = text.trim().toIntOrNull() ?: -1
        setUp.addView(grace)
        setUp.addView(label(getString(R.string.checkin_kind), 18f))
        setUp.addView(kinds)
        setUp.addView(hours)
        setUp.addView(
            action(R.string.checkin_set_every) {
                val every = number(hours.text.toString())
                val minutes = number(grace.text.toString())
                val kind = chosenKind()
                askForNotifications()
                app().background({ screen.setEvery(every, minutes, kind) }, ::render)
            },
        )
        setUp.addView(time)
        setUp.addView(
            action(R.string.checkin_set_once) {
                val at = time.text.toString()
                val minutes = number(grace.text.toString())
                val kind = chosenKind()
                askForNotifications()
                app().background({ screen.setOnce(at, minutes, kind) }, ::render)
            },
        )
    }

    private fun render(state: CheckInScreenState) {
        val screen = presenter ?: return
        body.removeAllViews()
        state.queuedAlertId?.let { alertId -> showAlertRows(screen, alertId, state.queuedRows) }
        state.status?.let { status ->
            body.addView(
                label(
                    getString(
                        when (status.state) {
                            CheckInState.OFF -> R.string.checkin_state_off
                            CheckInState.WAITING -> R.string.checkin_state_waiting
                            CheckInState.IN_GRACE -> R.string.checkin_state_in_grace
                            CheckInState.MISSED -> R.string.checkin_state_missed
                        },
                    ),
                    20f,
                ),
            )
            if (status.state != CheckInState.OFF) {
                val every = status.everyMinutes
                body.addView(label(if (every != null) getString(R.string.checkin_every, (every / 60u).toInt()) else getString(R.string.checkin_once), 18f))
                state.dueLocal?.let { body.addView(label(getString(R.string.checkin_due, it), 18f)) }
                state.alertLocal?.let { body.addView(label(getString(R.string.checkin_alert_at, it))) }
                body.addView(label(getString(R.string.checkin_grace, status.graceMinutes.toInt())))
                // A check-in runs: make sure the periodic wake-up does too (scheduling again is harmless).
                CheckInJobs.schedule(this)
            } else {
                CheckInJobs.cancel(this)
            }
        }
        if (state.answered) body.addView(label(getString(R.string.checkin_fine_done), 18f))
        // Built again only when it changes, so that what was typed stays.
        if (state.canSetUp != setUpShown) {
            setUpShown = state.canSetUp
            if (state.canSetUp) {
                renderSetUp(screen)
            } else {
                setUp.removeAllViews()
                setUp.addView(label(getString(R.string.checkin_setup_locked)))
            }
        }
        showRefusal(state.refusal, body)
    }

    /**
     * The rows of the alert a missed check-in queued: passed by the wake-up's notification,
     * or queued by this screen's own poll when it opened ([CheckInPresenter.load]).
     */
    private fun missedAlertRows(screen: CheckInPresenter): LinearLayout {
        alertRows = vertical()
        CheckInJobs.alertRows(intent)?.let { (alertId, missed) -> showAlertRows(screen, alertId, missed) }
        return alertRows
    }

    private fun showAlertRows(screen: CheckInPresenter, alertId: String, missed: List<EmergencyRow>) {
        alertRows.removeAllViews()
        alertRows.addView(label(getString(R.string.checkin_send_alert), 20f))
        for (row in missed) {
            val verb = getString(if (row.channel == ActionChannel.WHATS_APP) R.string.emergency_whatsapp else R.string.emergency_sms)
            alertRows.addView(action("$verb ${row.label} (${row.number})") { handOver(screen, alertId, row) })
        }
    }

    private fun handOver(screen: CheckInPresenter, alertId: String, row: EmergencyRow) {
        val intent = when (row.channel) {
            ActionChannel.CALL -> Intent(Intent.ACTION_DIAL, Uri.parse("tel:" + row.number))
            ActionChannel.SMS -> Intent(Intent.ACTION_SENDTO, Uri.parse("smsto:" + row.number)).putExtra("sms_body", row.message)
            ActionChannel.WHATS_APP -> Intent(
                Intent.ACTION_VIEW,
                Uri.parse("https://wa.me/" + row.number.filter(Char::isDigit) + "?text=" + Uri.encode(row.message)),
            )
        }
        try {
            startActivity(intent)
            app().background({ screen.handedToPhone(alertId, row.position) }) { }
        } catch (missing: ActivityNotFoundException) {
            // No app for it: it stays pending in the outbox (retried after unlock); say so.
            body.addView(label(getString(R.string.emergency_no_app)), 0)
        }
    }

    /** From Android 13 a notification needs the person's yes: asked when a check-in is set, not before. */
    private fun askForNotifications() {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.TIRAMISU) return
        if (checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) == PackageManager.PERMISSION_GRANTED) return
        requestPermissions(arrayOf(Manifest.permission.POST_NOTIFICATIONS), NOTIFICATIONS_REQUEST)
    }

    private companion object {
        const val PIN_INPUT = InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_VARIATION_PASSWORD
        const val NOTIFICATIONS_REQUEST = 17
        val KINDS = listOf(
            EmergencyKind.HELD_AGAINST_WILL to R.string.emergency_held,
            EmergencyKind.VIOLENCE to R.string.emergency_violence,
            EmergencyKind.MEDICAL to R.string.emergency_medical,
            EmergencyKind.PASSPORT_TAKEN to R.string.emergency_passport,
            EmergencyKind.UNPAID_WAGES to R.string.emergency_wages,
            EmergencyKind.DETENTION to R.string.emergency_detention,
            EmergencyKind.WANT_TO_GO_HOME to R.string.emergency_go_home,
            EmergencyKind.OTHER to R.string.emergency_other,
        )
    }
}
