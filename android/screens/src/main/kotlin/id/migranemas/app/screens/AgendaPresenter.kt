package id.migranemas.app.screens

import id.migranemas.core.AgendaItem
import id.migranemas.core.AgendaKind
import id.migranemas.core.AgendaRequest
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault
import id.migranemas.core.errorMessage

/** One line of the agenda: who, and what the core says is due, in the screen's language. */
data class AgendaRow(
    val personId: String,
    val personName: String,
    /** What is due (a visit, a follow-up, a screening not followed up, ...): the screen opens the matching workflow. */
    val kind: AgendaKind,
    val text: String,
    /** Past its due date: the screen marks it. */
    val overdue: Boolean,
    /** An alert from the migrant's phone or a missed check-in nobody answered: someone may be
     *  in danger now. The core puts these first; the screen marks them as emergencies. */
    val emergency: Boolean = false,
)

/** The agenda kinds that mean someone may be in danger now (the core orders them first). */
fun AgendaKind.isEmergency(): Boolean = this == AgendaKind.MIGRANT_ALERT || this == AgendaKind.MISSED_CHECK_IN

data class AgendaState(
    /** The day the agenda is for (`YYYY-MM-DD`), as the core computed it. */
    val day: String? = null,
    val rows: List<AgendaRow> = emptyList(),
    val message: String? = null,
)

/**
 * The cadre's agenda: visits due, follow-ups, returns to follow, checklists with missing
 * items and screenings not followed up. The core decides what is due and orders it (most
 * overdue first); this presenter only picks the language.
 */
class AgendaPresenter(
    private val vault: Vault,
    private val locale: Locale,
    private val lookAheadDays: UInt = 7u,
) {
    var state = AgendaState()
        private set

    /** The agenda for [day] (`YYYY-MM-DD`), or for today when null. */
    fun load(day: String? = null): AgendaState {
        state = try {
            val agenda = vault.agenda(AgendaRequest(day, lookAheadDays))
            AgendaState(day = agenda.on, rows = agenda.items.map(::row))
        } catch (error: MigranException) {
            AgendaState(message = errorMessage(error, locale))
        }
        return state
    }

    private fun row(item: AgendaItem) = AgendaRow(
        personId = item.personId,
        personName = item.personName,
        kind = item.kind,
        text = item.text.pick(locale),
        overdue = item.daysOverdue > 0,
        emergency = item.kind.isEmergency(),
    )
}
