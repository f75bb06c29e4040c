package id.migranemas.app.screens

import id.migranemas.core.ActionChannel
import id.migranemas.core.ActionStatus
import id.migranemas.core.CheckInRequest
import id.migranemas.core.CheckInSchedule
import id.migranemas.core.CheckInStatus
import id.migranemas.core.EmergencyAction
import id.migranemas.core.EmergencyKind
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault
import java.time.Instant
import java.time.LocalDateTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.DateTimeParseException

/** How the screen writes and reads a time: the phone's own clock time, no zone to type. */
private val LOCAL_TIME: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")

/** RFC 3339 with the phone's offset and always the seconds (`OffsetDateTime.toString` drops `:00`). */
private val RFC_3339: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX")

/** The grace period the form starts with: the CLI's default (docs/emergency.md). */
const val DEFAULT_CHECK_IN_GRACE_MINUTES = 60

/** The interval the form starts with: once a day. */
const val DEFAULT_CHECK_IN_HOURS = 24

data class CheckInScreenState(
    /** The check-in as the core sees it now; null until loaded or when the core refused. */
    val status: CheckInStatus? = null,
    /** The due time in the phone's clock time (`2026-12-05 18:00`), null when none runs. */
    val dueLocal: String? = null,
    /** When the alert goes unless answered, in the phone's clock time. */
    val alertLocal: String? = null,
    /** Setting one up needs the PIN's session: the locked screen shows status and answers only. */
    val canSetUp: Boolean = false,
    /** "I am fine" was accepted (the screen says so once). */
    val answered: Boolean = false,
    val refusal: Refusal? = null,
    /** The alert that opening the screen queued (a check-in missed before any wake-up ran). */
    val queuedAlertId: String? = null,
    /** Its SMS and WhatsApp rows, to hand to the phone; shown once, as the core returns them once. */
    val queuedRows: List<EmergencyRow> = emptyList(),
)

/**
 * The check-in screen (issue 16): the migrant asks to be checked on every N hours, or once
 * at a time before a risky meeting, with a grace period; sees when it is due and whether
 * it was missed; answers "I am fine" or cancels, both with the PIN (checked by the core as
 * at unlock, a wrong one counted). Works on a locked vault, like the emergency button it
 * is reached from, except setting one up, which the core keeps for the unlocked session.
 * Every rule (ranges, the PIN, due and grace) is the core's; this only converts the
 * phone's clock time to RFC 3339 and back.
 */
class CheckInPresenter(
    private val vault: Vault,
    private val locale: Locale,
    private val zone: ZoneId = ZoneId.systemDefault(),
    /** The last known location for an alert the screen's own poll queues; asked for nothing more. */
    private val location: LocationProvider = NoLocation,
) {
    var state = CheckInScreenState()
        private set

    /**
     * Opening the screen is a wake-up too (docs/emergency.md): a check-in missed before the
     * periodic job ran queues its alert now, and the screen shows its rows to send. Otherwise
     * this is the status.
     */
    fun load(): CheckInScreenState = update {
        val poll = CheckInWakeUp(vault, locale, location).run()
        val status = poll.status ?: vault.checkInStatus()
        shown(status).copy(queuedAlertId = poll.queuedAlertId, queuedRows = poll.rows)
    }

    /** A check-in every [hours] hours (the core takes minutes: 15 minutes to 7 days). */
    fun setEvery(hours: Int, graceMinutes: Int, kind: EmergencyKind): CheckInScreenState = update {
        val minutes = if (hours in 0..MAX_HOURS_TYPED) hours * 60 else Int.MAX_VALUE
        shown(vault.setCheckIn(CheckInRequest(CheckInSchedule.Every(minutes.toUInt()), grace(graceMinutes), kind)))
    }

    /**
     * One check-in at [localTime] (`yyyy-MM-dd HH:mm` on the phone's clock). Text that is not
     * such a time goes to the core as typed, so the refusal (`check_in_due_at`, bad format)
     * is the core's own message.
     */
    fun setOnce(localTime: String, graceMinutes: Int, kind: EmergencyKind): CheckInScreenState = update {
        val dueAt = try {
            LocalDateTime.parse(localTime.trim(), LOCAL_TIME).atZone(zone).format(RFC_3339)
        } catch (notATime: DateTimeParseException) {
            localTime
        }
        shown(vault.setCheckIn(CheckInRequest(CheckInSchedule.Once(dueAt), grace(graceMinutes), kind)))
    }

    /** "I am fine": a repeating check-in is next due one interval from now; a once-only one ends. */
    fun imFine(pin: String): CheckInScreenState = update { shown(vault.checkInDone(pin)).copy(answered = true) }

    fun cancel(pin: String): CheckInScreenState = update { shown(vault.cancelCheckIn(pin)) }

    /**
     * A missed check-in's alert row was handed to the dialler or messaging app (opened from
     * the wake-up's notification): the outbox stops retrying it, as for the button's rows.
     */
    fun handedToPhone(alertId: String, position: UInt): CheckInScreenState = update {
        vault.recordEmergencyAction(alertId, position, ActionStatus.HANDED_TO_OS)
        state.copy(refusal = null)
    }

    /** The phone's clock time of an instant the core gave (RFC 3339). */
    fun localTime(instant: String): String = Instant.parse(instant).atZone(zone).format(LOCAL_TIME)

    private fun grace(minutes: Int): UInt = if (minutes < 0) UInt.MAX_VALUE else minutes.toUInt()

    private fun shown(status: CheckInStatus) = CheckInScreenState(
        status = status,
        dueLocal = status.dueAt?.let(::localTime),
        alertLocal = status.alertAt?.let(::localTime),
        canSetUp = vault.isUnlocked(),
    )

    /** A refusal keeps what the screen showed and puts the core's message on top. */
    private fun update(call: () -> CheckInScreenState): CheckInScreenState {
        state = try {
            call()
        } catch (error: MigranException) {
            state.copy(answered = false, refusal = refusal(error, locale), canSetUp = vault.isUnlocked())
        }
        return state
    }

    private companion object {
        /** Above this the minutes would overflow; the core refuses far less anyway. */
        const val MAX_HOURS_TYPED = 1_000_000
    }
}

/** An action of an alert as a row the screen hands to the phone (calls carry no text). */
fun EmergencyAction.toRow() = EmergencyRow(
    position = position,
    channel = channel,
    number = number,
    label = label,
    message = if (channel == ActionChannel.CALL) "" else message,
    checkNumber = verifyHint,
)
