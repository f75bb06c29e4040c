package id.migranemas.app.screens

import id.migranemas.core.ConsentInput
import id.migranemas.core.ConsentPurpose
import id.migranemas.core.ConsentState
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault
import id.migranemas.core.consentPurposeLabel
import id.migranemas.core.consentStateLabel
import id.migranemas.core.consentText

/**
 * One purpose on the consent screen: the text the cadre reads aloud, in Bahasa Indonesia
 * and in English side by side (the person may read along in either), and where it stands.
 */
data class ConsentCard(
    val purpose: ConsentPurpose,
    val title: String,
    val textId: String,
    val textEn: String,
    val state: ConsentState,
    /** The state in words, with the date it was given or withdrawn. */
    val stateLine: String,
)

/** One line of the history: what was decided, when, and who recorded it. */
data class ConsentHistoryLine(val purpose: ConsentPurpose, val given: Boolean, val date: String, val text: String)

data class ConsentScreenState(
    val cards: List<ConsentCard> = emptyList(),
    val history: List<ConsentHistoryLine> = emptyList(),
    val refusal: Refusal? = null,
)

/** Consent per purpose: read aloud, then given or withdrawn on a date (today when none). */
class ConsentPresenter(private val vault: Vault, private val locale: Locale, private val personId: String) {
    var state = ConsentScreenState()
        private set

    fun load(): ConsentScreenState {
        state = try {
            read()
        } catch (error: MigranException) {
            ConsentScreenState(refusal = refusal(error, locale))
        }
        return state
    }

    fun give(purpose: ConsentPurpose, date: String? = null, note: String? = null) = record(purpose, true, date, note)

    fun withdraw(purpose: ConsentPurpose, date: String? = null, note: String? = null) = record(purpose, false, date, note)

    private fun record(purpose: ConsentPurpose, given: Boolean, date: String?, note: String?): ConsentScreenState {
        state = try {
            vault.recordConsent(personId, ConsentInput(purpose, given, date?.ifBlank { null }, note?.ifBlank { null }))
            read()
        } catch (error: MigranException) {
            state.copy(refusal = refusal(error, locale))
        }
        return state
    }

    private fun read(): ConsentScreenState {
        val cards = vault.consents(personId).map { c ->
            ConsentCard(
                purpose = c.purpose,
                title = consentPurposeLabel(c.purpose, locale),
                textId = consentText(c.purpose, Locale.ID),
                textEn = consentText(c.purpose, Locale.EN),
                state = c.state,
                stateLine = consentStateLabel(c.state, locale) + c.since?.let { " ($it)" }.orEmpty(),
            )
        }
        val history = vault.consentHistory(personId).map { r ->
            val who = r.recordedBy?.name?.let { " · $it" }.orEmpty()
            val decided = consentStateLabel(if (r.given) ConsentState.GIVEN else ConsentState.WITHDRAWN, locale)
            ConsentHistoryLine(r.purpose, r.given, r.date, "${r.date} · ${consentPurposeLabel(r.purpose, locale)}: $decided$who")
        }
        return ConsentScreenState(cards = cards, history = history)
    }
}
