package id.migranemas.app.screens

import id.migranemas.core.Locale
import id.migranemas.core.LocalizedText
import id.migranemas.core.MigranException
import id.migranemas.core.NotAllowedReason
import id.migranemas.core.SyncRefusal
import id.migranemas.core.errorMessage

/**
 * What a screen shows when the core refuses: the core's own message in the screen's
 * language, and the typed facts the screen acts on (which input to mark, which consent to
 * ask for, whether to go back to the unlock screen). Never the exception's text, which is
 * uniffi's field dump.
 */
data class Refusal(
    val message: String,
    /** The refused input, as the core names it (`date`, `note`, `nik`, ...). */
    val field: String? = null,
    /** Why a rule said no: a consent missing or withdrawn, a case move, a checklist step. */
    val reason: NotAllowedReason? = null,
    /** The vault locked meanwhile: the screen hands over to the unlock screen. */
    val locked: Boolean = false,
    /** Why a team or follow file was refused (not in a team, link ended, not following ...). */
    val sync: SyncRefusal? = null,
)

fun refusal(error: MigranException, locale: Locale) = Refusal(
    message = errorMessage(error, locale),
    field = when (error) {
        is MigranException.Invalid -> error.field
        is MigranException.Duplicate -> error.field
        else -> null
    },
    reason = (error as? MigranException.NotAllowed)?.reason,
    locked = error is MigranException.Locked,
    sync = (error as? MigranException.SyncRefused)?.reason,
)

/** The core's two-language text in the screen's language. */
fun LocalizedText.pick(locale: Locale): String = if (locale == Locale.EN) en else id
