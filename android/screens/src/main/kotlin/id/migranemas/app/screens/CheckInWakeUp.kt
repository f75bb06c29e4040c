package id.migranemas.app.screens

import id.migranemas.core.CheckInState
import id.migranemas.core.CheckInStatus
import id.migranemas.core.GeoLocation
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault

/** What one wake-up found. */
data class WakeUpResult(
    /** The check-in after the poll; null when the core could not be asked. */
    val status: CheckInStatus? = null,
    /** The alert this wake-up queued (a missed check-in), returned once; null otherwise. */
    val queuedAlertId: String? = null,
    /** That alert's SMS and WhatsApp rows, to hand to the phone. */
    val rows: List<EmergencyRow> = emptyList(),
    /** Due and not answered, within grace: the owner is reminded. */
    val remind: Boolean = false,
    /** No check-in runs: the periodic job can stop. */
    val nothingToWatch: Boolean = false,
) {
    /** The job runs again: a check-in still runs, or the core could not be asked this time. */
    val keepWatching: Boolean get() = !nothingToWatch
}

/**
 * The periodic wake-up's work (Android's JobScheduler job, iOS's background refresh): polls
 * the check-in on the locked vault with the last known location, so a missed check-in
 * queues its alert even if nobody opens the app. Plain Kotlin, so it runs on the JVM over
 * the real core. The core queues the alert once (the poll and the miss mark are one
 * transaction): a second wake-up returns nothing more.
 */
class CheckInWakeUp(
    private val vault: Vault,
    private val locale: Locale,
    private val location: LocationProvider = NoLocation,
) {
    fun run(): WakeUpResult {
        val here = try {
            location.lastKnown()
        } catch (failed: RuntimeException) {
            null
        }
        return try {
            val poll = try {
                vault.pollCheckIn(here, locale)
            } catch (refused: MigranException.Invalid) {
                // A location the core refuses is left out rather than stop the alert.
                if (here == null || !refused.field.startsWith("location")) throw refused
                vault.pollCheckIn(null, locale)
            }
            val alert = poll.queued
            WakeUpResult(
                status = poll.status,
                queuedAlertId = alert?.id,
                rows = alert?.plan?.actions?.map { it.toRow() }.orEmpty(),
                remind = poll.status.state == CheckInState.IN_GRACE,
                nothingToWatch = poll.status.state == CheckInState.OFF,
            )
        } catch (error: MigranException) {
            // Erased, damaged, busy: nothing to send now; the next wake-up asks again.
            WakeUpResult(nothingToWatch = error is MigranException.Erased)
        }
    }
}
