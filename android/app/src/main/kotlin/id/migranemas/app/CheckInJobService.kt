package id.migranemas.app

import android.Manifest
import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.app.job.JobInfo
import android.app.job.JobParameters
import android.app.job.JobScheduler
import android.app.job.JobService
import android.content.ComponentName
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.location.LocationManager
import id.migranemas.app.screens.CheckInWakeUp
import id.migranemas.app.screens.EmergencyRow
import id.migranemas.app.screens.LocationProvider
import id.migranemas.app.screens.WakeUpResult
import id.migranemas.core.ActionChannel
import id.migranemas.core.GeoLocation

/**
 * The check-in's periodic wake-up (issue 16): Android's JobScheduler (framework API; no
 * AndroidX here) runs [CheckInJobService] about every 15 minutes, the shortest period it
 * allows, while a check-in runs. The job polls the core on the locked vault
 * ([CheckInWakeUp]): a missed check-in queues its alert in the outbox once.
 *
 * Why a notification and not sending at once: the app holds no SMS or call permission (each
 * action opens the messaging app with the text filled in and the person presses send), and
 * from Android 10 a job may not open a screen by itself. So the job posts a neutral
 * notification ("Reminders" / "Open the app.") that opens the check-in screen with the
 * alert's rows, one tap each to the messaging app; whatever is not handed over stays in the
 * outbox and is retried as the button's actions are. The same notification reminds the
 * person while the check-in is due and within its grace period.
 */
object CheckInJobs {
    const val JOB_ID = 1601
    private const val CHANNEL = "reminders"
    private const val NOTIFICATION_ID = 1601
    private const val PERIOD_MILLIS = 15L * 60L * 1000L

    /** Runs the wake-up while a check-in runs; kept over a reboot. Scheduling again replaces it. */
    fun schedule(context: Context) {
        val scheduler = context.getSystemService(JobScheduler::class.java) ?: return
        if (scheduler.getPendingJob(JOB_ID) != null) return
        val job = JobInfo.Builder(JOB_ID, ComponentName(context, CheckInJobService::class.java))
            .setPeriodic(PERIOD_MILLIS)
            .setPersisted(true)
            .build()
        scheduler.schedule(job)
    }

    fun cancel(context: Context) {
        context.getSystemService(JobScheduler::class.java)?.cancel(JOB_ID)
    }

    /** Tells the person, discreetly, what the wake-up found: an alert to send, or a check-in due. */
    fun notify(context: Context, result: WakeUpResult) {
        val alertId = result.queuedAlertId
        if (alertId == null && !result.remind) return
        if (context.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED) return
        val manager = context.getSystemService(NotificationManager::class.java) ?: return
        manager.createNotificationChannel(
            NotificationChannel(CHANNEL, context.getString(R.string.checkin_notification_channel), NotificationManager.IMPORTANCE_HIGH),
        )
        val open = Intent(context, CheckInActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
        if (alertId != null) putAlertRows(open, alertId, result.rows)
        val tap = PendingIntent.getActivity(context, 0, open, PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT)
        val notification = Notification.Builder(context, CHANNEL)
            // A framework icon and neutral words: nothing on the lock screen names an emergency.
            .setSmallIcon(android.R.drawable.ic_popup_reminder)
            .setContentTitle(context.getString(R.string.checkin_notification_channel))
            .setContentText(context.getString(R.string.checkin_notification_text))
            .setVisibility(Notification.VISIBILITY_PRIVATE)
            .setContentIntent(tap)
            .setAutoCancel(true)
            .build()
        manager.notify(NOTIFICATION_ID, notification)
    }

    /**
     * The alert's rows travel in the notification's intent (held in memory by the system,
     * not written to a file): the poll returns them once, and a locked vault in discreet
     * mode does not give the outbox's texts again before the PIN.
     */
    fun putAlertRows(intent: Intent, alertId: String, rows: List<EmergencyRow>) {
        intent.putExtra(EXTRA_ALERT, alertId)
            .putExtra(EXTRA_POSITIONS, rows.map { it.position.toInt() }.toIntArray())
            .putExtra(EXTRA_CHANNELS, rows.map { it.channel.name }.toTypedArray())
            .putExtra(EXTRA_NUMBERS, rows.map { it.number }.toTypedArray())
            .putExtra(EXTRA_LABELS, rows.map { it.label }.toTypedArray())
            .putExtra(EXTRA_MESSAGES, rows.map { it.message }.toTypedArray())
    }

    fun alertRows(intent: Intent?): Pair<String, List<EmergencyRow>>? {
        val alertId = intent?.getStringExtra(EXTRA_ALERT) ?: return null
        val positions = intent.getIntArrayExtra(EXTRA_POSITIONS) ?: return null
        val channels = intent.getStringArrayExtra(EXTRA_CHANNELS) ?: return null
        val numbers = intent.getStringArrayExtra(EXTRA_NUMBERS) ?: return null
        val labels = intent.getStringArrayExtra(EXTRA_LABELS) ?: return null
        val messages = intent.getStringArrayExtra(EXTRA_MESSAGES) ?: return null
        val rows = positions.indices.mapNotNull { i ->
            val channel = ActionChannel.entries.firstOrNull { it.name == channels.getOrNull(i) } ?: return@mapNotNull null
            EmergencyRow(positions[i].toUInt(), channel, numbers[i], labels[i], messages[i], checkNumber = false)
        }
        return alertId to rows
    }

    private const val EXTRA_ALERT = "checkin_alert_id"
    private const val EXTRA_POSITIONS = "checkin_alert_positions"
    private const val EXTRA_CHANNELS = "checkin_alert_channels"
    private const val EXTRA_NUMBERS = "checkin_alert_numbers"
    private const val EXTRA_LABELS = "checkin_alert_labels"
    private const val EXTRA_MESSAGES = "checkin_alert_messages"
}

/**
 * The wake-up itself: on the app's worker thread, the vault opened locked (no PIN), the
 * last known location if the permission was given. Nothing runs: the job stops itself.
 */
class CheckInJobService : JobService() {
    override fun onStartJob(params: JobParameters): Boolean {
        val app = application as MigranApp
        app.background({ wakeUp(app) }) { result ->
            CheckInJobs.notify(this, result)
            if (result.nothingToWatch) CheckInJobs.cancel(this)
            jobFinished(params, false)
        }
        return true
    }

    override fun onStopJob(params: JobParameters): Boolean = true

    companion object {
        /** The work, also called by the tests: no vault on the phone means nothing to watch. */
        fun wakeUp(app: MigranApp): WakeUpResult {
            val vault = app.openLocked() ?: return WakeUpResult(nothingToWatch = true)
            return CheckInWakeUp(vault, app.locale, BackgroundLastLocation(app)).run()
        }
    }
}

/**
 * The last known location without a screen: never asks for the permission (a job cannot);
 * from Android 10 an app in the background without ACCESS_BACKGROUND_LOCATION (not asked
 * for) usually gets none, and the alert goes without it, as the core allows.
 */
class BackgroundLastLocation(private val context: Context) : LocationProvider {
    override fun lastKnown(): GeoLocation? {
        val granted = listOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION)
            .any { context.checkSelfPermission(it) == PackageManager.PERMISSION_GRANTED }
        if (!granted) return null
        val manager = context.getSystemService(Context.LOCATION_SERVICE) as? LocationManager ?: return null
        val newest = manager.getProviders(true).mapNotNull { manager.getLastKnownLocation(it) }.maxByOrNull { it.time } ?: return null
        return GeoLocation(newest.latitude, newest.longitude, newest.time)
    }
}
