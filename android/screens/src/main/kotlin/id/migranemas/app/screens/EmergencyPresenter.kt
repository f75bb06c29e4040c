package id.migranemas.app.screens

import id.migranemas.core.ActionChannel
import id.migranemas.core.ActionStatus
import id.migranemas.core.EmergencyAction
import id.migranemas.core.EmergencyKind
import id.migranemas.core.EmergencyPlan
import id.migranemas.core.GeoLocation
import id.migranemas.core.Locale
import id.migranemas.core.LocationUpdateStatus
import id.migranemas.core.MigranException
import id.migranemas.core.Vault
import id.migranemas.core.errorMessage

/**
 * Where the phone last was, as the platform knows it without waiting for a new fix
 * (Android's `LocationManager.getLastKnownLocation`). Asked only when the button is
 * pressed or an update is sent, so the permission is asked on first use, never before.
 */
fun interface LocationProvider {
    /** The last known location with the time of its fix, or null (no permission, none known). */
    fun lastKnown(): GeoLocation?
}

/** No location at all: the plan goes out without one. */
val NoLocation = LocationProvider { null }

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
    /** Whether the press went out with the phone's location. */
    val locationSent: Boolean = false,
    /** The core offers a location update now: the screen shows "send my new location". */
    val locationUpdateDue: Boolean = false,
    /** Seconds until the next update is due, for the screen's timer; null when none is offered. */
    val nextLocationUpdateInSeconds: Long? = null,
    /** The updates ended: stopped by the owner, acknowledged by someone, or off in the settings. */
    val locationUpdatesEnded: Boolean = false,
    /** The last location update to hand to the phone: the same recipients, the new text. */
    val updateRows: List<EmergencyRow> = emptyList(),
)

/**
 * The emergency button. Works on a locked vault (no PIN) and offline: the core builds the
 * plan from the signed directory and the card. The alert goes into the outbox so that
 * what was not yet handed to the phone is retried; if even that cannot be written, the
 * plan alone is shown, because the numbers must appear whatever else fails.
 */
class EmergencyPresenter(
    private val vault: Vault,
    private val locale: Locale,
    private val location: LocationProvider = NoLocation,
) {
    var state = EmergencyState()
        private set

    /**
     * The tap: the plan goes out at once, with the last known location when the phone has
     * one. A location the core refuses (a fix from the future, older than a month) is left
     * out rather than holding the plan back.
     */
    fun press(kind: EmergencyKind, country: String? = null): EmergencyState {
        val here = lastKnown()
        state = try {
            val alert = triggerWithLocationIfAccepted(kind, country, here)
            fromPlan(alert.plan).copy(alertId = alert.id, locationSent = alert.location != null)
        } catch (outboxFailed: MigranException) {
            try {
                val plan = try {
                    vault.emergencyPlan(kind, country, here, locale)
                } catch (refused: MigranException.Invalid) {
                    if (!refused.field.startsWith("location")) throw refused
                    vault.emergencyPlan(kind, country, null, locale)
                }
                fromPlan(plan).copy(message = errorMessage(outboxFailed, locale))
            } catch (planFailed: MigranException) {
                EmergencyState(message = errorMessage(planFailed, locale))
            }
        }
        if (state.alertId != null) checkLocationUpdate()
        return state
    }

    /** Asks the core whether a location update is due (the screen calls it on its timer). */
    fun checkLocationUpdate(): EmergencyState {
        val alertId = state.alertId ?: return state
        state = try {
            val offer = vault.locationUpdateOffer(alertId)
            state.copy(
                locationUpdateDue = offer.status == LocationUpdateStatus.DUE,
                nextLocationUpdateInSeconds = offer.secondsUntilDue?.toLong(),
                locationUpdatesEnded = offer.status in ENDED,
            )
        } catch (error: MigranException) {
            state.copy(message = errorMessage(error, locale))
        }
        return state
    }

    /**
     * Sends the phone's new location to the alert's recipients: the rows to hand to the
     * phone (SMS, WhatsApp) with the core's new text. Without a location nothing is sent
     * and the offer stays.
     */
    fun sendLocationUpdate(): EmergencyState {
        val alertId = state.alertId ?: return state
        val here = lastKnown() ?: return state
        state = try {
            val update = vault.recordLocationUpdate(alertId, here)
            state.copy(
                updateRows = update.actions.map(::row),
                locationUpdateDue = update.next.status == LocationUpdateStatus.DUE,
                nextLocationUpdateInSeconds = update.next.secondsUntilDue?.toLong(),
                locationUpdatesEnded = update.next.status in ENDED,
                message = null,
            )
        } catch (error: MigranException) {
            state.copy(message = errorMessage(error, locale))
        }
        return state
    }

    /** The owner stops the location updates of this alert. */
    fun stopLocationUpdates(): EmergencyState {
        val alertId = state.alertId ?: return state
        state = try {
            vault.stopLocationUpdates(alertId)
            state.copy(locationUpdateDue = false, nextLocationUpdateInSeconds = null, locationUpdatesEnded = true)
        } catch (error: MigranException) {
            state.copy(message = errorMessage(error, locale))
        }
        return state
    }

    /** A provider that fails (a platform error) counts as no location: the button must not stop. */
    private fun lastKnown(): GeoLocation? = try {
        location.lastKnown()
    } catch (failed: RuntimeException) {
        null
    }

    private fun triggerWithLocationIfAccepted(kind: EmergencyKind, country: String?, here: GeoLocation?) = try {
        vault.triggerEmergency(kind, country, here, locale)
    } catch (refused: MigranException.Invalid) {
        if (here == null || !refused.field.startsWith("location")) throw refused
        vault.triggerEmergency(kind, country, null, locale)
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

    private companion object {
        val ENDED = setOf(LocationUpdateStatus.STOPPED, LocationUpdateStatus.ACKNOWLEDGED, LocationUpdateStatus.OFF)
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
