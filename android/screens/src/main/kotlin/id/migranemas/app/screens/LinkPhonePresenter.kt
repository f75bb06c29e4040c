package id.migranemas.app.screens

import id.migranemas.core.CardContact
import id.migranemas.core.CardContactRole
import id.migranemas.core.DeviceRole
import id.migranemas.core.FollowAlert
import id.migranemas.core.FollowEventsReport
import id.migranemas.core.FollowKind
import id.migranemas.core.FollowLink
import id.migranemas.core.LinkEndReason
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.SyncRefusal
import id.migranemas.core.TeamRole
import id.migranemas.core.Vault
import id.migranemas.core.followRequestFingerprint

/** What the cadre typed or scanned into the link form. */
data class LinkPhoneForm(
    /** The phone's `MEL1` request. */
    val request: String,
    val kind: FollowKind,
    /** Optional: the cadre's name and phone for a migrant's emergency card (both or neither). */
    val cadreName: String = "",
    val cadrePhone: String = "",
)

data class LinkPhoneState(
    /** The person's links, ended ones included, oldest first. */
    val links: List<FollowLink> = emptyList(),
    /** Alerts from the person's own phone, newest first; unanswered ones lead. */
    val alerts: List<FollowAlert> = emptyList(),
    /** The fingerprint of the request typed, to compare with the one the phone shows. */
    val requestFingerprint: String? = null,
    /** The `MEK1` package to hand the phone, once made. */
    val packageText: String? = null,
    /** The next view for a link, as text to share with its phone. */
    val viewText: String? = null,
    /** What importing a migrant phone's events did. */
    val eventsReport: FollowEventsReport? = null,
    /** This phone has no team yet: linking needs one (the screen offers to start it). */
    val needsTeam: Boolean = false,
    val refusal: Refusal? = null,
) {
    /** The links still running. */
    val running: List<FollowLink> get() = links.filter { it.endedAt == null }

    /** Alerts nobody acknowledged yet: the screen shows them first, marked. */
    val unanswered: List<FollowAlert> get() = alerts.filter { it.acknowledgedAt == null }
}

/**
 * The cadre's "link a phone" screen, reached from the person hub and from an emergency
 * line of the agenda (issue 18): paste or scan the phone's request and compare its
 * fingerprint, choose migrant or family, optionally put the cadre's name and phone on the
 * migrant's card, and share the package text; list the person's links and end one with a
 * reason; send a link its next view and take in the migrant phone's events; acknowledge
 * an alert. Consent, team and key rules are the core's: a refusal is its message.
 */
class LinkPhonePresenter(
    private val vault: Vault,
    private val locale: Locale,
    private val personId: String,
) {
    var state = LinkPhoneState()
        private set

    fun load(): LinkPhoneState = update { listed(state.copy(refusal = null)) }

    /** The request as pasted or scanned: its fingerprint, or the core's refusal of it. */
    fun requestTyped(request: String): LinkPhoneState = update {
        state.copy(requestFingerprint = followRequestFingerprint(request.trim()), packageText = null, refusal = null)
    }

    fun link(form: LinkPhoneForm): LinkPhoneState = update {
        val contact = if (form.cadreName.isBlank() && form.cadrePhone.isBlank()) {
            null
        } else {
            CardContact(form.cadreName.trim(), form.cadrePhone.trim(), CardContactRole.CADRE)
        }
        val made = vault.followLink(personId, form.kind, form.request.trim(), contact)
        listed(state.copy(packageText = made.text, requestFingerprint = null, viewText = null, refusal = null))
    }

    fun end(linkId: String, reason: LinkEndReason): LinkPhoneState = update {
        vault.endFollowLink(linkId, reason)
        listed(state.copy(viewText = null, refusal = null))
    }

    /** The link's next view (the checklist as it is now, answers to alerts), to share. */
    fun sendUpdate(linkId: String): LinkPhoneState = update {
        val view = FollowExchange.toText(vault.followViewExport(linkId))
        listed(state.copy(viewText = view, packageText = null, refusal = null))
    }

    /** The events text the migrant's phone sent: its alerts join the agenda. */
    fun receiveEvents(text: String): LinkPhoneState = update {
        val report = vault.followEventsImport(FollowExchange.fromText(text))
        listed(state.copy(eventsReport = report, refusal = null))
    }

    /**
     * The team answered an alert, as the cadre set in the settings; the migrant's phone sees
     * it with the next view.
     */
    fun acknowledge(alertId: String): LinkPhoneState = update {
        vault.acknowledgeFollowAlert(alertId, vault.currentActor()?.name.orEmpty())
        listed(state.copy(refusal = null))
    }

    /**
     * A cadre or officer working alone starts a team on this phone, so that it can link
     * phones (the core's `teamCreate`, in the role chosen at set-up; a team's other devices
     * join it later by enrolment).
     */
    fun startTeam(): LinkPhoneState = update {
        vault.teamCreate(if (vault.deviceRole() == DeviceRole.OFFICER) TeamRole.OFFICER else TeamRole.CADRE)
        listed(state.copy(needsTeam = false, refusal = null))
    }

    private fun listed(base: LinkPhoneState): LinkPhoneState {
        val alerts = vault.followAlerts(personId).sortedBy { it.acknowledgedAt != null }
        return base.copy(links = vault.followLinks(personId), alerts = alerts, needsTeam = vault.syncStatus().team == null)
    }

    private fun update(call: () -> LinkPhoneState): LinkPhoneState {
        state = try {
            call()
        } catch (error: MigranException) {
            val said = refusal(error, locale)
            state.copy(refusal = said, needsTeam = said.sync == SyncRefusal.NOT_IN_TEAM)
        }
        return state
    }
}
