package id.migranemas.app.screens

import id.migranemas.core.AgeGroup
import id.migranemas.core.ConsentPurpose
import id.migranemas.core.Facilitator
import id.migranemas.core.FacilitatorOrganisation
import id.migranemas.core.Locale
import id.migranemas.core.NotAllowedReason
import id.migranemas.core.Sex
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Records what would have been read aloud, instead of Android's TextToSpeech. */
class RecordingSpeaker : Speaker {
    val spoken = mutableListOf<Pair<String, Locale>>()
    var stops = 0

    override fun speak(text: String, locale: Locale) {
        spoken += text to locale
    }

    override fun stop() {
        stops += 1
    }
}

class EducationScreenTest {
    @Test
    fun `read aloud hands the speaker the lesson in speakable form, in the screen's language`() = testVault().use { v ->
        v.lock()
        val speaker = RecordingSpeaker()
        val reader = LessonReaderPresenter(v, Locale.ID, speaker)
        val hk = reader.load().lessons.first { it.country == "HK" }
        // Nothing open: nothing to read.
        assertTrue(reader.readAloud().let { !it.reading })
        assertTrue(speaker.spoken.isEmpty())

        val open = reader.open(hk.id).open!!
        assertTrue(open.contacts.isNotEmpty())
        val state = reader.readAloud()
        assertTrue(state.reading)
        val (text, locale) = speaker.spoken.single()
        assertEquals(Locale.ID, locale)
        assertTrue(text.startsWith(open.title), text)
        assertTrue(text.contains("Konsulat Jenderal Republik Indonesia"), text)
        assertFalse(text.contains("KJRI"), text)
        assertTrue(text.contains("plus delapan lima dua"), text)

        assertFalse(reader.stopReading().reading)
        val right = open.questions[0].answer.toInt()
        assertEquals(mapOf(0 to true), reader.answer(0, right).answers)
        assertEquals(false, reader.answer(1, open.questions[1].answer.toInt() + 1).answers[1])

        val missing = reader.open("no-such-lesson")
        assertNotNull(missing.refusal)
        assertEquals(1, speaker.spoken.size)
    }

    @Test
    fun `the session form records attendance and shows the core's refusal for a withdrawn consent`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 61)
        val budi = v.register("Budi Contoh", 62)
        val sessions = SessionPresenter(v, Locale.ID)
        val loaded = sessions.load()
        assertTrue(loaded.sessions.isEmpty())
        assertTrue(loaded.lessons.any { it.first == "costs" })
        val form = SessionForm(
            date = today().toString(),
            place = "Balai Desa Contoh",
            topics = setOf("costs", "check-recruiter"),
            facilitators = listOf(Facilitator("Petugas Contoh", FacilitatorOrganisation.DISNAKER)),
            attendees = setOf(siti, budi),
            guests = mapOf((Sex.FEMALE to AgeGroup.ADULT) to 3, (Sex.MALE to AgeGroup.UNDER18) to 0),
            followUps = listOf(" Kunjungi keluarga Budi ", ""),
        )
        v.withdrawRegistration(budi)
        val refused = sessions.save(form)
        assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.REGISTRATION), refused.refusal!!.reason)
        assertNull(refused.savedSessionId)

        val saved = sessions.save(form.copy(attendees = setOf(siti)))
        assertNull(saved.refusal)
        val line = saved.sessions.single()
        assertEquals(saved.savedSessionId, line.id)
        assertTrue(line.summary.endsWith("· 4"), line.summary)
        assertEquals(listOf("check-recruiter", "costs"), v.personEducation(siti).lessons)

        // The checklist's orientation row shows the session and its lessons by title.
        val rows = ChecklistPresenter(v, Locale.ID, siti).load().groups.flatMap { it.rows }
        val learnt = rows.mapNotNull { row -> row.learnt?.let { row.id to it } }.single()
        assertEquals("pre_departure_orientation", learnt.first)
        assertEquals(listOf(today().toString()), learnt.second.sessionDates)
        val titles = v.lessons(Locale.ID).associate { it.id to it.title }
        assertEquals(listOf(titles["check-recruiter"], titles["costs"]), learnt.second.lessons.map { it.title })
        assertTrue(ChecklistPresenter(v, Locale.ID, budi).load().groups.flatMap { it.rows }.none { it.learnt != null })
    }
}
