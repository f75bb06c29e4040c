package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class ScreeningTest {
    @Test
    fun `a sponsor sending a domestic worker to a moratorium country on a visit visa is critical`(): Unit = newVault().use { vault ->
        val siti = vault.addPerson(fakePerson("Siti Contoh", 1))
        vault.setJourney(
            siti.id,
            JourneyInput(Phase.PROSPECTIVE, "AE", Sector.DOMESTIC_WORK, null, null, "Pak Sponsor", null, null, null),
        )
        val questions = screeningQuestions(Locale.EN)
        assertTrue(questions.any { it.id == "work_visa" && it.text.contains("work visa") })
        val answers = listOf(ScreeningAnswer("work_visa", Answer.NO), ScreeningAnswer("recruiter_licensed", Answer.NO))
        val preview = vault.previewScreening(siti.id, answers)
        assertEquals(RiskLevel.CRITICAL, preview.level)
        assertTrue(vault.screeningHistory(siti.id).isEmpty())

        val record = vault.screenPerson(siti.id, ScreeningInput("Kader Contoh", answers))
        assertEquals(RiskLevel.CRITICAL, record.result.level)
        assertTrue(record.result.flags.any { it.id == "moratorium_domestic_work" })
        val followUp = vault.listFollowUps(siti.id).single()
        assertFalse(followUp.done)
        vault.completeFollowUp(followUp.id)
        assertTrue(vault.listFollowUps(siti.id).single().done)

        val again = vault.screenPerson(siti.id, ScreeningInput("Kader Contoh", answers + ScreeningAnswer("documents_held", Answer.YES)))
        assertEquals(listOf("documents_held"), again.change!!.flagsAdded)
        assertEquals(2, vault.screeningHistory(siti.id).size)
    }

    @Test
    fun `unknown answers are never taken as safe and bad answers name the field`(): Unit = newVault().use { vault ->
        val budi = vault.addPerson(fakePerson("Budi Contoh", 2))
        val empty = vault.previewScreening(budi.id, emptyList())
        assertFalse(empty.complete)
        assertNotEquals(RiskLevel.NONE, empty.level)
        assertTrue(empty.unknownQuestions.isNotEmpty())
        val bad = assertThrows<MigranException.Invalid> {
            vault.previewScreening(budi.id, listOf(ScreeningAnswer("favourite_colour", Answer.YES)))
        }
        assertEquals("question_id", bad.field)
    }
}
