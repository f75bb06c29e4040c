package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

/** The repository's root, found from the test's working directory (Maven runs in the module). */
fun repoRoot(): Path {
    var dir: Path? = Paths.get("").toAbsolutePath()
    while (dir != null && !Files.isDirectory(dir.resolve("core/content"))) dir = dir.parent
    return dir ?: error("core/content not found above the working directory")
}

fun hexBytes(text: String): ByteArray = text.trim().chunked(2).map { it.toInt(16).toByte() }.toByteArray()

/** The obviously fake sample P3MI list and its signature, as shipped. */
fun samplePack(): Pair<ByteArray, ByteArray> {
    val dir = repoRoot().resolve("core/content/agencies")
    return Files.readAllBytes(dir.resolve("sample.json")) to hexBytes(Files.readString(dir.resolve("sample.json.sig")))
}

class EducationTest {
    @Test
    fun `lessons are listed, read with the directory's numbers and spoken with abbreviations expanded`(): Unit = newVault().use { vault ->
        vault.lock()
        val lessons = vault.lessons(Locale.ID)
        assertTrue(lessons.size >= 16)
        val hk = lessons.first { it.country == "HK" }
        val lesson = vault.lesson(hk.id, Locale.EN)
        assertTrue(lesson.contacts.any { it.directoryId == "kjri-hongkong-hotline" && it.number == "+852 5242 2240" })
        assertTrue(lesson.statements.all { it.needsSource || it.sourceDate != null })
        assertTrue(lesson.questions.size in 2..3)
        val spoken = vault.lessonSpeech(hk.id, Locale.ID)
        assertTrue(spoken.contains("Konsulat Jenderal Republik Indonesia"), spoken)
        assertFalse(spoken.contains("KJRI"))
        val missing = assertThrows<MigranException.NotFound> { vault.lesson("no-such-lesson", Locale.ID) }
        assertEquals(RecordKind.CONTENT_PACK, missing.kind)
        val info = vault.lessonPackInfo()
        assertFalse(info.installed)
        val refused = assertThrows<MigranException.PackRejected> {
            vault.installLessonPack("""{"kind":"lessons","version":99}""".toByteArray(), ByteArray(64))
        }
        assertEquals(PackRejectReason.SIGNATURE, refused.reason)
        assertEquals(info, vault.lessonPackInfo())
    }

    @Test
    fun `any text comes out speakable`() {
        assertEquals(
            "Hubungi Kedutaan Besar Republik Indonesia: plus enam dua, delapan satu dua, sembilan nol nol tujuh, nol nol dua tujuh",
            speakableText("Hubungi KBRI: +62 812 9007 0027", Locale.ID),
        )
        assertEquals("eighteen years", speakableText("18 years", Locale.EN))
    }

    @Test
    fun `the recruiter check looks agencies up offline and flags a revoked one`(): Unit = newVault().use { vault ->
        assertNull(vault.agencyRegistryInfo())
        assertEquals(AgencyStanding.NO_REGISTRY, vault.checkAgency("PT Contoh Penempatan", Locale.ID).standing)
        val (pack, signature) = samplePack()
        val info = vault.installAgencyPack(pack, signature)
        assertTrue(info.sample)
        assertEquals(info, vault.agencyRegistryInfo())
        assertEquals(AgencyStanding.ACTIVE, vault.checkAgency("pt contoh penempatan", Locale.ID).standing)
        val revoked = vault.checkAgency("KEP-0003/CONTOH/2026", Locale.EN)
        assertEquals(AgencyStanding.REVOKED, revoked.standing)
        assertTrue(revoked.explanation.contains("REVOKED"), revoked.explanation)
        assertEquals(AgencyStanding.UNKNOWN, vault.checkAgency("PT Tidak Ada Contoh", Locale.ID).standing)
        val tampered = String(pack).replace("\"revoked\"", "\"active\"").toByteArray()
        assertThrows<MigranException.PackRejected> { vault.installAgencyPack(tampered, signature) }
    }

    @Test
    fun `a session's attendance reaches the person's record, the agenda and the report`(): Unit = newVault().use { vault ->
        val ani = vault.addPerson(fakePerson("Siti Contoh", 1)).id
        val budi = vault.addPerson(fakePerson("Budi Contoh", 2)).id
        for (id in listOf(ani, budi)) {
            vault.recordConsent(id, consent(ConsentPurpose.REPORTING))
            vault.setJourney(id, JourneyInput(Phase.PRE_DEPARTURE, "MY", null, null, null, null, null, null, null))
        }
        val session = vault.addInfoSession(
            InfoSessionInput(
                date = todayUtc(),
                place = "Balai Desa Contoh",
                topics = listOf("costs", "check-recruiter", "costs"),
                facilitators = listOf(Facilitator("Petugas Contoh", FacilitatorOrganisation.BP3MI)),
                attendees = listOf(ani),
                guests = listOf(GuestCount(Sex.FEMALE, AgeGroup.ADULT, 4u)),
                followUps = listOf("Kunjungi keluarga Budi"),
            ),
        )
        assertEquals(listOf("costs", "check-recruiter"), session.topics)
        assertEquals(session, vault.infoSession(session.id))
        assertEquals(listOf(session), vault.listInfoSessions(null, null))
        assertEquals(listOf("check-recruiter", "costs"), vault.personEducation(ani).lessons)
        assertTrue(vault.personEducation(budi).sessions.isEmpty())
        // The checklist's orientation item, and only it, links to what the person learnt.
        val orientation = vault.checklist(ani, Locale.ID).items.filter { it.education != null }
        assertEquals(listOf("pre_departure_orientation"), orientation.map { it.id })
        assertEquals(vault.personEducation(ani), orientation.single().education)
        assertEquals(listOf(session.id), orientation.single().education!!.sessions.map { it.sessionId })
        val invited = vault.agenda(AgendaRequest(null, 0u)).items.filter { it.kind == AgendaKind.INVITE_TO_SESSION }
        assertEquals(listOf(budi), invited.map { it.personId })
        val report = vault.villageReport(ReportRequest(null, null, null, null))
        assertEquals(1u, report.sessionsInPeriod)
        assertEquals(mapOf("registered" to 1u, "others" to 4u), report.sessionAttendance.associate { it.key to it.count })
        val bad = assertThrows<MigranException.Invalid> {
            vault.addInfoSession(session.let { InfoSessionInput(it.date, it.place, listOf("no-such-lesson"), it.facilitators, listOf(), listOf(), listOf()) })
        }
        assertEquals("topics", bad.field)
    }
}
