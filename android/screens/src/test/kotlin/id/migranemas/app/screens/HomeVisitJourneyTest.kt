package id.migranemas.app.screens

import id.migranemas.core.AgendaKind
import id.migranemas.core.Agency
import id.migranemas.core.CaseStatus
import id.migranemas.core.CaseType
import id.migranemas.core.ConsentPurpose
import id.migranemas.core.ItemState
import id.migranemas.core.Locale
import id.migranemas.core.Reporter
import id.migranemas.core.RiskLevel
import id.migranemas.core.VisitTopic
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * One home visit end to end, only through the presenters the screens use: register,
 * consent read and given, a checklist step, a screening with a high result, its
 * follow-up on the agenda, a case opened and referred, and the village report counting it.
 */
class HomeVisitJourneyTest {
    @Test
    fun `a home visit from registration to the village report`() = cadreVault().use { v ->
        // Register (the register screen), then the hub.
        val saved = AddPersonPresenter(v, Locale.ID).submit(
            AddPersonForm("Siti Contoh", "3201000000000091", "1998-04-12", phone = "081200000091", village = "Desa Contoh"),
        ) as AddPersonResult.Saved
        val siti = saved.personId
        v.preDeparture(siti)
        val hub = PersonDetailPresenter(v, Locale.ID)
        assertTrue(hub.load(siti).registrationConsentGiven, "recorded with the registration")

        // Consent: read aloud, then given to share with agencies and to be counted.
        val consent = ConsentPresenter(v, Locale.ID, siti)
        assertTrue(consent.load().cards.first { it.purpose == ConsentPurpose.SHARE_WITH_AGENCIES }.textId.isNotBlank())
        for (purpose in listOf(ConsentPurpose.SHARE_WITH_AGENCIES, ConsentPurpose.REPORTING)) {
            assertNull(consent.give(purpose).refusal)
        }
        assertEquals(1u, ReportPresenter(v, Locale.ID).load().report!!.peopleCounted)

        // Checklist: the KTP is there.
        val checklist = ChecklistPresenter(v, Locale.ID, siti)
        val before = checklist.load().done
        assertEquals(before + 1, checklist.mark("ktp", ItemState.DONE).done)

        // Screening: the agent keeps her passport. High; saved; a follow-up in three days.
        val screening = ScreeningPresenter(v, Locale.ID, siti)
        assertEquals(RiskLevel.HIGH, screening.interview(passportHeld).outcome!!.level)
        val screened = screening.save()
        assertTrue(screened.saved)
        val followUpDue = screened.followUps.single().dueDate

        // The visit itself, with its own follow-up.
        val visit = VisitPresenter(v, Locale.ID, siti).save(
            VisitForm(
                date = today().toString(),
                present = listOf("Ibu Contoh", "Siti Contoh"),
                topics = setOf(VisitTopic.RED_FLAGS, VisitTopic.DOCUMENTS),
                observations = "Paspor dipegang agen",
                followUpAction = "Hubungi Disnaker soal paspor",
                followUpDue = today().plusDays(2).toString(),
            ),
        )
        assertNull(visit.refusal)

        // The agenda for the week: the screening not followed up and the visit's follow-up.
        val agenda = AgendaPresenter(v, Locale.ID).load(today().toString())
        val kinds = agenda.rows.filter { it.personId == siti }.map { it.kind }
        assertTrue(AgendaKind.SCREENING_NOT_FOLLOWED_UP in kinds, "$kinds (screening follow-up due $followUpDue)")
        assertTrue(AgendaKind.FOLLOW_UP_DUE in kinds, "$kinds")

        // A case opened and referred to Disnaker.
        val cases = CasePresenter(v, Locale.ID)
        cases.open(siti, CaseType.DOCUMENT_SEIZED, "Paspor ditahan agen", Reporter.CADRE)
        val referred = cases.refer(Agency.DISNAKER, "Disnaker Kabupaten Contoh")
        assertEquals(CaseStatus.REFERRED, referred.status)
        assertEquals(hub.load(siti).cases.single().caseId, referred.caseId)

        // The report counts her, the case and the high screening; the CSV says the same.
        val report = ReportPresenter(v, Locale.ID).load(today().minusDays(1).toString(), today().toString())
        val counted = report.report!!
        assertEquals(1u, counted.peopleCounted)
        assertEquals(1u, counted.casesInPeriod)
        assertEquals(1u, counted.casesByType.first { it.key == "document_seized" }.count)
        assertEquals(1u, counted.casesByStatus.first { it.key == "referred" }.count)
        assertEquals(1u, counted.screeningsByRisk.first { it.key == "high" }.count)
        assertTrue(report.csv.lines().any { it.startsWith("screenings_by_risk") && it.contains("high") && it.endsWith(",1") }, report.csv)
    }
}
