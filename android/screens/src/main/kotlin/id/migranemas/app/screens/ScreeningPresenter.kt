package id.migranemas.app.screens

import id.migranemas.core.Answer
import id.migranemas.core.FollowUp
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.RiskLevel
import id.migranemas.core.ScreeningAnswer
import id.migranemas.core.ScreeningInput
import id.migranemas.core.ScreeningQuestion
import id.migranemas.core.ScreeningResult
import id.migranemas.core.Vault
import id.migranemas.core.screeningQuestions

/** A red flag as the result shows it, in the screen's language. */
data class FlagLine(val id: String, val severity: RiskLevel, val title: String, val explanation: String, val reasons: List<String>, val action: String)

data class FollowUpLine(val id: String, val dueDate: String, val reason: String, val done: Boolean)

data class ScreeningOutcome(
    val level: RiskLevel,
    val flags: List<FlagLine>,
    /** Questions whose "don't know" leaves a flag undecided: worth asking again. */
    val askAgain: List<String>,
    val complete: Boolean,
)

data class ScreeningState(
    /** The question on screen, or null once all were asked (then [outcome] is shown). */
    val question: ScreeningQuestion? = null,
    /** 1-based position of [question], and how many there are. */
    val position: Int = 0,
    val count: Int = 0,
    /** The answer given earlier to the question on screen (after going back). */
    val answered: Answer? = null,
    val outcome: ScreeningOutcome? = null,
    /** The screening is stored; [followUps] are what the core now asks of the cadre. */
    val saved: Boolean = false,
    val followUps: List<FollowUpLine> = emptyList(),
    val refusal: Refusal? = null,
)

/**
 * The TPPO screening as an interview: one question at a time, in the catalogue's order,
 * each with yes, no and "don't know" (the core never takes "don't know" as safe). At the
 * end the core assesses the answers (nothing stored yet); saving stores the screening,
 * which opens a follow-up when the level is high or critical.
 */
class ScreeningPresenter(
    private val vault: Vault,
    private val locale: Locale,
    private val personId: String,
) {
    private var questions: List<ScreeningQuestion> = emptyList()
    private val answers = linkedMapOf<String, Answer>()
    private var index = 0

    var state = ScreeningState()
        private set

    /** The first question, with the follow-ups earlier screenings left open (to mark done from here). */
    fun start(): ScreeningState {
        state = try {
            questions = screeningQuestions(locale)
            answers.clear()
            index = 0
            ask().copy(followUps = followUps())
        } catch (error: MigranException) {
            ScreeningState(refusal = refusal(error, locale))
        }
        return state
    }

    fun answer(answer: Answer): ScreeningState {
        val question = state.question ?: return state
        answers[question.id] = answer
        index += 1
        state = if (index < questions.size) ask() else assess()
        return state
    }

    fun back(): ScreeningState {
        if (index == 0) return state
        index -= 1
        state = ask()
        return state
    }

    /** Stores the screening under the name of the cadre set in the settings. */
    fun save(): ScreeningState {
        if (state.outcome == null || state.saved) return state
        state = try {
            val screenedBy = vault.currentActor()?.name.orEmpty()
            val record = vault.screenPerson(personId, ScreeningInput(screenedBy, given()))
            state.copy(outcome = outcome(record.result), saved = true, followUps = followUps(), refusal = null)
        } catch (error: MigranException) {
            state.copy(refusal = refusal(error, locale))
        }
        return state
    }

    fun completeFollowUp(followUpId: String): ScreeningState {
        state = try {
            vault.completeFollowUp(followUpId)
            state.copy(followUps = followUps(), refusal = null)
        } catch (error: MigranException) {
            state.copy(refusal = refusal(error, locale))
        }
        return state
    }

    private fun ask(): ScreeningState {
        val question = questions[index]
        return ScreeningState(question = question, position = index + 1, count = questions.size, answered = answers[question.id])
    }

    private fun assess(): ScreeningState = try {
        ScreeningState(count = questions.size, position = questions.size, outcome = outcome(vault.previewScreening(personId, given())))
    } catch (error: MigranException) {
        ScreeningState(count = questions.size, position = questions.size, refusal = refusal(error, locale))
    }

    private fun given() = answers.map { (id, answer) -> ScreeningAnswer(id, answer) }

    private fun outcome(result: ScreeningResult): ScreeningOutcome {
        val texts = questions.associate { it.id to it.text }
        return ScreeningOutcome(
            level = result.level,
            flags = result.flags.map { f ->
                FlagLine(f.id, f.severity, f.title.pick(locale), f.explanation.pick(locale), f.reasons.map { it.pick(locale) }, f.action.pick(locale))
            },
            askAgain = result.unknownQuestions.map { texts[it] ?: it },
            complete = result.complete,
        )
    }

    private fun followUps() = vault.listFollowUps(personId).map(::followUpLine)

    private fun followUpLine(f: FollowUp) = FollowUpLine(f.id, f.dueDate, f.reason.pick(locale), f.done)
}
