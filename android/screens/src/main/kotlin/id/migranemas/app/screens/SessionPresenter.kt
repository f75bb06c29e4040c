package id.migranemas.app.screens

import id.migranemas.core.AgeGroup
import id.migranemas.core.Facilitator
import id.migranemas.core.GuestCount
import id.migranemas.core.InfoSessionInput
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Sex
import id.migranemas.core.Vault

/** The session form as typed; the core checks it (date, lessons, consent) and names what it refuses. */
data class SessionForm(
    val date: String = "",
    val place: String = "",
    /** Lesson ids chosen from the lesson list. */
    val topics: Set<String> = emptySet(),
    val facilitators: List<Facilitator> = emptyList(),
    /** Registered persons ticked as present. */
    val attendees: Set<String> = emptySet(),
    /** Others, counted by sex and age group (no names). */
    val guests: Map<Pair<Sex, AgeGroup>, Int> = emptyMap(),
    val followUps: List<String> = emptyList(),
)

data class SessionLine(val id: String, val date: String, val summary: String)

data class SessionState(
    val sessions: List<SessionLine> = emptyList(),
    /** The lessons to choose topics from: id to title. */
    val lessons: List<Pair<String, String>> = emptyList(),
    val savedSessionId: String? = null,
    val refusal: Refusal? = null,
)

/** Records an information session (sosialisasi) and lists the sessions held. */
class SessionPresenter(private val vault: Vault, private val locale: Locale) {
    var state = SessionState()
        private set

    fun load(): SessionState = update { SessionState(sessions = sessions(), lessons = lessons()) }

    fun save(form: SessionForm): SessionState = update {
        val session = vault.addInfoSession(
            InfoSessionInput(
                date = form.date,
                place = form.place,
                topics = form.topics.toList(),
                facilitators = form.facilitators,
                attendees = form.attendees.toList(),
                guests = form.guests.filterValues { it > 0 }
                    .map { (group, count) -> GuestCount(group.first, group.second, count.toUInt()) },
                followUps = form.followUps.map(String::trim).filter(String::isNotEmpty),
            ),
        )
        SessionState(sessions = sessions(), lessons = state.lessons, savedSessionId = session.id)
    }

    private fun update(call: () -> SessionState): SessionState {
        state = try {
            call()
        } catch (error: MigranException) {
            state.copy(savedSessionId = null, refusal = refusal(error, locale))
        }
        return state
    }

    private fun lessons() = vault.lessons(locale).map { it.id to it.title }

    private fun sessions() = vault.listInfoSessions(null, null).map { s ->
        val attended = s.attendees.size + s.guests.sumOf { it.count.toInt() }
        SessionLine(s.id, s.date, listOf(s.date, s.place, s.topics.joinToString(", "), "$attended").joinToString(" · "))
    }
}
