package id.migranemas.app

import android.app.AlertDialog
import android.os.Bundle
import android.widget.LinearLayout
import android.widget.RadioButton
import android.widget.RadioGroup
import id.migranemas.app.screens.LinkPhoneForm
import id.migranemas.app.screens.LinkPhonePresenter
import id.migranemas.app.screens.LinkPhoneState
import id.migranemas.core.FollowKind
import id.migranemas.core.FollowLink
import id.migranemas.core.LinkEndReason

/**
 * The cadre's "link a phone" screen for one person (issue 18), from the person hub and
 * from an emergency line of the agenda: unanswered alerts first, marked; then the form
 * (the phone's code, its fingerprint to compare, migrant or family, the cadre's contact
 * for the card), the package to share, the person's links (send an update, end one with
 * a reason) and what a migrant's phone sent, pasted.
 */
class LinkPhoneActivity : PinScreen() {
    private lateinit var presenter: LinkPhonePresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        val personId = intent.getStringExtra("person_id") ?: return finish()
        presenter = LinkPhonePresenter(vault, app().locale, personId)
        body = vertical()
        val request = field(R.string.follow_request_hint)
        val check = action(R.string.follow_check_request) { show { presenter.requestTyped(request.text.toString()) } }
        val migrant = RadioButton(this).apply {
            id = android.view.View.generateViewId()
            text = getString(R.string.follow_kind_migrant)
            contentDescription = text
            isChecked = true
        }
        val family = RadioButton(this).apply {
            id = android.view.View.generateViewId()
            text = getString(R.string.follow_kind_family)
            contentDescription = text
        }
        val kinds = RadioGroup(this).apply {
            addView(migrant)
            addView(family)
        }
        val cadreName = field(R.string.follow_cadre_name)
        val cadrePhone = field(R.string.follow_cadre_phone)
        val make = action(R.string.follow_make_package) {
            val kind = if (family.isChecked) FollowKind.FAMILY else FollowKind.MIGRANT
            val form = LinkPhoneForm(request.text.toString(), kind, cadreName.text.toString(), cadrePhone.text.toString())
            show { presenter.link(form) }
        }
        val events = field(R.string.follow_events_hint)
        val receive = action(R.string.follow_receive_events) {
            val text = events.text.toString()
            events.text.clear()
            show { presenter.receiveEvents(text) }
        }
        setContentView(
            screen(
                label(getString(R.string.follow_link_phone), 22f),
                body,
                request,
                check,
                kinds,
                cadreName,
                cadrePhone,
                make,
                events,
                receive,
            ),
        )
    }

    override fun onResume() {
        super.onResume()
        if (::presenter.isInitialized) show { presenter.load() }
    }

    private fun show(work: () -> LinkPhoneState) = app().background(work, ::render)

    private fun render(state: LinkPhoneState) {
        body.removeAllViews()
        // Emergencies first: alerts nobody answered yet, marked, each with its answer.
        for (alert in state.unanswered) {
            val what = if (alert.missedCheckIn) getString(R.string.follow_alert_missed) else getString(emergencyKindWords(alert.kind))
            body.addView(label(getString(R.string.follow_alert_line, what, alert.raisedAt), 18f).markedEmergency())
            body.addView(action(R.string.follow_acknowledge) { show { presenter.acknowledge(alert.alertId) } })
        }
        state.alerts.filter { it.acknowledgedAt != null }.forEach { alert ->
            body.addView(label(getString(R.string.follow_acknowledged, getString(emergencyKindWords(alert.kind)), alert.acknowledgedAt.orEmpty().take(10))))
        }
        if (state.needsTeam) {
            body.addView(label(getString(R.string.follow_needs_team), 18f))
            body.addView(action(R.string.follow_start_team) { show { presenter.startTeam() } })
        }
        state.requestFingerprint?.let { body.addView(label(getString(R.string.follow_compare, it), 20f)) }
        state.packageText?.let { text -> body.addView(action(R.string.follow_share_package) { shareText(text, R.string.follow_share_package) }) }
        state.viewText?.let { text -> body.addView(action(R.string.follow_share_update) { shareText(text, R.string.follow_share_update) }) }
        state.eventsReport?.let { body.addView(label(getString(R.string.follow_events_report, it.newAlerts.toInt(), it.updated.toInt()))) }
        if (state.links.isNotEmpty()) body.addView(label(getString(R.string.follow_links_title), 18f))
        state.links.forEach(::addLink)
        showRefusal(state.refusal, body)
    }

    private fun addLink(link: FollowLink) {
        val kind = getString(if (link.kind == FollowKind.MIGRANT) R.string.follow_kind_migrant else R.string.follow_kind_family)
        val ended = link.endedAt
        if (ended != null) {
            body.addView(label(getString(R.string.follow_link_ended, kind, ended.take(10))))
            return
        }
        body.addView(label(getString(R.string.follow_link_running, kind, link.createdAt.take(10)), 18f))
        body.addView(action(R.string.follow_send_update) { show { presenter.sendUpdate(link.linkId) } })
        body.addView(action(R.string.follow_end) { askEnd(link.linkId) })
    }

    /** Ending a link is for good: the reason is asked, then the core records and audits it. */
    private fun askEnd(linkId: String) {
        val reasons = listOf(
            LinkEndReason.PHONE_LOST to R.string.follow_end_lost,
            LinkEndReason.CONSENT_WITHDRAWN to R.string.follow_end_consent,
            LinkEndReason.NO_LONGER_NEEDED to R.string.follow_end_not_needed,
        )
        AlertDialog.Builder(this)
            .setTitle(R.string.follow_end)
            .setItems(reasons.map { getString(it.second) }.toTypedArray()) { _, which -> show { presenter.end(linkId, reasons[which].first) } }
            .setNegativeButton(R.string.no, null)
            .show()
    }
}
