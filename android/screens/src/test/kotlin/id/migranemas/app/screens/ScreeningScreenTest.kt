package id.migranemas.app.screens

import id.migranemas.core.ActorInput
import id.migranemas.core.ActorRole
import id.migranemas.core.Answer
import id.migranemas.core.ConsentPurpose
import id.migranemas.core.Locale
import id.migranemas.core.NotAllowedReason
import id.migranemas.core.RiskLevel
import id.migranemas.core.Vault
import id.migranemas.core.screeningQuestions
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The answers of someone whose passport the agent keeps, all else in order: high. */
val passportHeld = mapOf(
    "recruiter_licensed" to Answer.YES,
    "work_visa" to Answer.YES,
    "official_route" to Answer.YES,
    "written_contract" to Answer.YES,
    "fees_paid" to Answer.NO,
    "debt_to_recruiter" to Answer.NO,
    "documents_held" to Answer.YES,
    "registered_disnaker" to Answer.YES,
    "age_documents_changed" to Answer.NO,
    "domestic_work" to Answer.NO,
    "unrealistic_promise" to Answer.NO,
)

/** Walks the interview answering from [answers] ("don't know" for any other question). */
fun ScreeningPresenter.interview(answers: Map<String, Answer>): ScreeningState {
    var shown = start()
    while (shown.question != null) shown = answer(answers[shown.question!!.id] ?: Answer.UNKNOWN)
    return shown
}

class ScreeningScreenTest {
    private fun screened(v: Vault, n: Int): String {
        val siti = v.register("Siti Contoh", n)
        v.preDeparture(siti)
        return siti
    }

    @Test
    fun `one question at a time, back keeps the answer, and the result carries the flags and the follow-up`() = cadreVault().use { v ->
        val siti = screened(v, 31)
        val screening = ScreeningPresenter(v, Locale.EN, siti)
        val first = screening.start()
        val questions = screeningQuestions(Locale.EN)
        assertEquals(questions.first(), first.question)
        assertEquals(1, first.position)
        assertEquals(questions.size, first.count)
        assertNull(first.answered)
        val second = screening.answer(Answer.YES)
        assertEquals(questions[1], second.question)
        val back = screening.back()
        assertEquals(questions[0], back.question)
        assertEquals(Answer.YES, back.answered)
        assertEquals(back, screening.back(), "nothing before the first question")

        val result = screening.interview(passportHeld)
        assertNull(result.question)
        val outcome = result.outcome!!
        assertEquals(RiskLevel.HIGH, outcome.level)
        val flag = outcome.flags.single()
        assertEquals("documents_held", flag.id)
        assertTrue(flag.action.isNotBlank() && flag.title.isNotBlank())
        assertFalse(result.saved)
        assertTrue(v.screeningHistory(siti).isEmpty(), "the result is a preview until saved")

        val saved = screening.save()
        assertTrue(saved.saved)
        assertEquals(RiskLevel.HIGH, saved.outcome!!.level)
        assertEquals("Kader Contoh", v.screeningHistory(siti).single().screenedBy)
        val followUp = saved.followUps.single()
        assertFalse(followUp.done)
        assertEquals(today().plusDays(3).toString(), followUp.dueDate)
        // Opened again later, the interview starts with the follow-up still open.
        val again = ScreeningPresenter(v, Locale.EN, siti).start()
        assertEquals(listOf(followUp), again.followUps)
        assertEquals(1, again.position)
        val followedUp = screening.completeFollowUp(followUp.id)
        assertTrue(followedUp.followUps.single().done)
        assertEquals(followedUp, screening.save(), "saved once")
        assertEquals(1, v.screeningHistory(siti).size)
    }

    @Test
    fun `don't know is never safe, and the questions to ask again are named`() = cadreVault().use { v ->
        val siti = screened(v, 32)
        val unknown = ScreeningPresenter(v, Locale.ID, siti).interview(emptyMap()).outcome!!
        assertFalse(unknown.complete)
        assertNotEquals(RiskLevel.NONE, unknown.level)
        val texts = screeningQuestions(Locale.ID).map { it.text }
        assertTrue(unknown.askAgain.isNotEmpty() && texts.containsAll(unknown.askAgain), "${unknown.askAgain}")
    }

    @Test
    fun `saving needs the registration consent, a named cadre and an open vault`() = cadreVault(withActor = false).use { v ->
        val siti = screened(v, 33)
        v.withdrawRegistration(siti)
        val screening = ScreeningPresenter(v, Locale.EN, siti)
        screening.interview(passportHeld)
        // No cadre set in the settings: the core refuses a screening by nobody, naming the field.
        val nobody = screening.save()
        assertFalse(nobody.saved)
        assertEquals("screened_by", nobody.refusal!!.field)
        assertEquals(RiskLevel.HIGH, nobody.outcome!!.level, "the result stays on screen")

        v.setActor(ActorInput("Kader Contoh", ActorRole.CADRE))
        val refused = screening.save()
        assertFalse(refused.saved)
        assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.REGISTRATION), refused.refusal!!.reason)
        v.consentTo(siti, ConsentPurpose.REGISTRATION)
        assertTrue(screening.save().saved)

        v.lock()
        val afterLock = ScreeningPresenter(v, Locale.EN, siti).interview(passportHeld)
        assertTrue(afterLock.refusal!!.locked)
        assertNull(afterLock.outcome)
    }
}
