package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The cadre's work through the Kotlin bindings: home visits and the agenda, cases and
 * their workflow, returns and reintegration. Dates are fixed days in the past (the vault
 * runs on the system clock); people registered today are not due a visit on those days,
 * so the agenda below holds exactly what the visits and returns put on it.
 */
class CadreWorkTest {
    private val kader = Actor("Kader Contoh", ActorRole.CADRE)

    private fun Vault.agendaOn(on: String, lookAheadDays: UInt = 0u) =
        agenda(AgendaRequest(on = on, lookAheadDays = lookAheadDays)).also { assertEquals(on, it.on) }.items

    private fun List<AgendaItem>.summary() = map { Triple(it.kind, it.personName, it.daysOverdue) }

    @Test
    fun `visits and their follow-ups make the agenda of an injected day`(): Unit = newVault().use { vault ->
        vault.setActor(CADRE)
        val siti = vault.addPerson(fakePerson("Siti Contoh", 2))
        val budi = vault.addPerson(fakePerson("Budi Contoh", 1))
        val visit = vault.addVisit(
            siti.id,
            VisitInput(
                date = "2026-01-10",
                cadre = null,
                present = listOf("Ibu Contoh", "Siti Contoh"),
                topics = listOf(VisitTopic.REMITTANCES, VisitTopic.SAFE_MIGRATION, VisitTopic.SAFE_MIGRATION),
                observations = "Keluarga mendukung",
                followUps = listOf(
                    VisitFollowUpInput("Bawa fotokopi KTP ke Disnaker", "2026-01-20"),
                    VisitFollowUpInput("Cek izin P3MI", "2026-03-01"),
                ),
                nextVisitOn = "2026-02-01",
            ),
        )
        assertEquals("Kader Contoh", visit.cadre, "the actor when no cadre is given")
        assertEquals(listOf(VisitTopic.SAFE_MIGRATION, VisitTopic.REMITTANCES), visit.topics, "sorted, no repeats")
        assertEquals(listOf("2026-01-20", "2026-03-01"), visit.followUps.map { it.dueOn })
        assertTrue(visit.followUps.all { it.doneOn == null && it.visitId == visit.id && it.personId == siti.id })
        // Budi came back; his reintegration follow-up is due on 3 February.
        vault.setJourney(budi.id, JourneyInput(Phase.ABROAD, "TW", Sector.MANUFACTURING, null, null, null, null, "2025-01-10", null))
        val budiReturn = vault.recordReturn(
            budi.id,
            ReturnInput("2026-01-05", ReturnReason.EARLY_RETURN, null, null, emptyList(), null, "2026-02-03"),
        )

        assertTrue(vault.agendaOn("2026-01-19").isEmpty())
        // 1 February: the first follow-up 12 days late, the visit the cadre set due today.
        val feb1 = vault.agendaOn("2026-02-01")
        assertEquals(
            listOf(
                Triple(AgendaKind.FOLLOW_UP_DUE, "Siti Contoh", 12L),
                Triple(AgendaKind.VISIT_DUE, "Siti Contoh", 0L),
            ),
            feb1.summary(),
        )
        val late = feb1[0]
        assertEquals(visit.followUps[0].id, late.recordId)
        assertEquals(siti.id, late.personId)
        assertEquals("2026-01-20", late.dueOn)
        assertEquals("Visit follow-up: 12 days overdue", late.text.en)
        assertEquals("Tindak lanjut kunjungan: terlambat 12 hari", late.text.id)
        assertEquals("Home visit: due today", feb1[1].text.en)
        // Three days ahead: Budi's reintegration follow-up, due in two days.
        assertEquals(
            listOf(
                Triple(AgendaKind.FOLLOW_UP_DUE, "Siti Contoh", 12L),
                Triple(AgendaKind.VISIT_DUE, "Siti Contoh", 0L),
                Triple(AgendaKind.REINTEGRATION_FOLLOW_UP_DUE, "Budi Contoh", -2L),
            ),
            vault.agendaOn("2026-02-01", 3u).summary(),
        )
        assertEquals(budiReturn.id, vault.agendaOn("2026-02-01", 3u)[2].recordId)
        assertEquals("Reintegration follow-up: due in 2 days", vault.agendaOn("2026-02-01", 3u)[2].text.en)
        assertEquals(4, vault.agendaOn("2026-02-01", 30u).size, "the second follow-up, due 1 March")

        // Done: it leaves the agenda and the visit shows it.
        val done = vault.completeVisitFollowUp(visit.followUps[0].id, "2026-01-18", "KTP sudah difotokopi")
        assertEquals("2026-01-18", done.doneOn)
        assertEquals("KTP sudah difotokopi", done.doneNote)
        assertEquals(listOf(Triple(AgendaKind.VISIT_DUE, "Siti Contoh", 0L)), vault.agendaOn("2026-02-01").summary())
        assertEquals(done, vault.listVisits(siti.id).single().followUps[0])
        assertEquals("done_on", assertThrows<MigranException.Invalid> {
            vault.completeVisitFollowUp(visit.followUps[1].id, futureDay(), null)
        }.field)
        assertEquals(RecordKind.VISIT_FOLLOW_UP, assertThrows<MigranException.NotFound> { vault.completeVisitFollowUp("nobody", null, null) }.kind)

        // An older visit is listed after the newer one and does not move the agenda.
        val older = vault.addVisit(
            siti.id,
            VisitInput("2025-12-15", "Kader Lain Contoh", emptyList(), listOf(VisitTopic.DOCUMENTS), null, emptyList(), null),
        )
        assertEquals(listOf(visit.id, older.id), vault.listVisits(siti.id).map { it.id })
        assertEquals(1, vault.agendaOn("2026-02-01").size)

        // Bad visits name the field.
        val future = assertThrows<MigranException.Invalid> {
            vault.addVisit(siti.id, VisitInput(futureDay(), null, emptyList(), emptyList(), null, emptyList(), null))
        }
        assertEquals("date", future.field)
        assertEquals(InvalidReason.OUT_OF_RANGE, future.reason)
        val early = assertThrows<MigranException.Invalid> {
            vault.addVisit(
                siti.id,
                VisitInput("2026-01-10", null, emptyList(), emptyList(), null, listOf(VisitFollowUpInput("x", "2026-01-01")), null),
            )
        }
        assertEquals("due_on", early.field)
        assertEquals(InvalidReason.INCONSISTENT, early.reason)

        // The default day is today; the look-ahead is at most a quarter.
        val before = todayUtc()
        val today = vault.agenda(AgendaRequest(on = null, lookAheadDays = 0u)).on
        assertTrue(today == before || today == todayUtc(), today)
        val tooFar = assertThrows<MigranException.Invalid> { vault.agenda(AgendaRequest(on = null, lookAheadDays = 93u)) }
        assertEquals("look_ahead_days", tooFar.field)

        // A person who withdraws the registration consent is no longer followed.
        vault.recordConsent(siti.id, consent(ConsentPurpose.REGISTRATION, given = false))
        assertTrue(vault.agendaOn("2026-02-01", 3u).none { it.personId == siti.id })
        assertEquals(1, vault.agendaOn("2026-02-01", 3u).size)
    }

    @Test
    fun `a case follows its workflow, and a referral needs the consent to share with agencies`(): Unit =
        newVault().use { vault ->
            vault.setActor(CADRE)
            val siti = vault.addPerson(fakePerson("Siti Contoh", 2))
            val budi = vault.addPerson(fakePerson("Budi Contoh", 1))
            val case = vault.openCase(
                siti.id,
                CaseInput(CaseType.UNPAID_WAGES, "Gaji tiga bulan belum dibayar", Reporter.FAMILY, "2026-03-01"),
            )
            assertEquals(CaseStatus.OPEN, case.status)
            assertEquals("2026-03-01", case.reportedOn)
            assertEquals(siti.id, case.personId)

            // The buttons a UI shows, straight from the workflow.
            assertEquals(listOf(CaseStatus.REFERRED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED), caseNextStatuses(CaseStatus.OPEN))
            assertEquals(listOf(CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED), caseNextStatuses(CaseStatus.REFERRED))
            assertEquals(listOf(CaseStatus.REFERRED, CaseStatus.RESOLVED), caseNextStatuses(CaseStatus.IN_PROGRESS))
            assertEquals(listOf(CaseStatus.IN_PROGRESS, CaseStatus.CLOSED), caseNextStatuses(CaseStatus.RESOLVED))
            assertEquals(listOf(CaseStatus.IN_PROGRESS), caseNextStatuses(CaseStatus.CLOSED))
            // Every other move is refused and named.
            for (to in CaseStatus.entries - caseNextStatuses(CaseStatus.OPEN).toSet()) {
                val refused = assertThrows<MigranException.NotAllowed> {
                    vault.changeCaseStatus(case.id, StatusChangeInput(to, null, "catatan"))
                }
                assertEquals(NotAllowedReason.CaseTransition(CaseStatus.OPEN, to), refused.reason)
            }
            val resolved = assertThrows<MigranException.NotAllowed> {
                vault.changeCaseStatus(case.id, StatusChangeInput(CaseStatus.RESOLVED, null, null))
            }
            assertEquals(NotAllowedReason.CaseTransition(from = CaseStatus.OPEN, to = CaseStatus.RESOLVED), resolved.reason)
            assertEquals("Not allowed: a case cannot go from 'open' to 'resolved'.", errorMessage(resolved, Locale.EN))
            // Closing a case nobody acted on needs the reason written down.
            val silent = assertThrows<MigranException.Invalid> {
                vault.changeCaseStatus(case.id, StatusChangeInput(CaseStatus.CLOSED, null, null))
            }
            assertEquals("note", silent.field)

            // No referral without the consent to share with agencies; nothing changed.
            val agency = ReferralInput(Agency.DISNAKER, "Disnaker Kabupaten Contoh", "2026-03-03", "Berkas diantar")
            val noConsent = assertThrows<MigranException.NotAllowed> { vault.referCase(case.id, agency) }
            assertEquals(NotAllowedReason.ConsentMissing(ConsentPurpose.SHARE_WITH_AGENCIES), noConsent.reason)
            assertEquals(CaseStatus.OPEN, vault.getCase(case.id).case.status)
            assertEquals(1, vault.getCase(case.id).timeline.size)

            vault.recordConsent(siti.id, consent(ConsentPurpose.SHARE_WITH_AGENCIES, date = "2026-03-02"))
            val beforeReport = assertThrows<MigranException.Invalid> {
                vault.referCase(case.id, agency.copy(date = "2026-02-20"))
            }
            assertEquals("date", beforeReport.field)
            assertEquals(InvalidReason.INCONSISTENT, beforeReport.reason)
            assertEquals(CaseStatus.REFERRED, vault.referCase(case.id, agency).status)
            assertEquals(CaseStatus.REFERRED, vault.referCase(case.id, ReferralInput(Agency.KP2MI, null, "2026-03-04", null)).status)
            assertEquals(
                CaseStatus.IN_PROGRESS,
                vault.changeCaseStatus(case.id, StatusChangeInput(CaseStatus.IN_PROGRESS, "2026-03-05", null)).status,
            )
            val note = vault.addCaseNote(case.id, "Kader menelepon agen", "2026-03-06")
            assertEquals(CaseChange.Note, note.change)
            assertEquals("Kader menelepon agen", note.note)
            assertEquals(kader, note.actor)
            assertEquals("note", assertThrows<MigranException.Invalid> { vault.addCaseNote(case.id, "  ", null) }.field)
            vault.changeCaseStatus(case.id, StatusChangeInput(CaseStatus.RESOLVED, "2026-03-20", "Gaji dibayar"))
            vault.changeCaseStatus(case.id, StatusChangeInput(CaseStatus.CLOSED, null, null))
            val reopened = vault.changeCaseStatus(case.id, StatusChangeInput(CaseStatus.IN_PROGRESS, null, "Agen ingkar janji"))
            assertEquals(CaseStatus.IN_PROGRESS, reopened.status)

            // Withdrawn: no further referral.
            vault.recordConsent(siti.id, consent(ConsentPurpose.SHARE_WITH_AGENCIES, given = false))
            assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.SHARE_WITH_AGENCIES), assertThrows<MigranException.NotAllowed> {
                vault.referCase(case.id, ReferralInput(Agency.POLICE, null, null, null))
            }.reason)

            val detail = vault.getCase(case.id)
            assertEquals(reopened, detail.case)
            val today = siti.createdAt.substring(0, 10)
            assertEquals(
                listOf(
                    CaseChange.Opened,
                    CaseChange.StatusChanged(CaseStatus.OPEN, CaseStatus.REFERRED),
                    CaseChange.Referred(Agency.DISNAKER, "Disnaker Kabupaten Contoh"),
                    CaseChange.Referred(Agency.KP2MI, null),
                    CaseChange.StatusChanged(CaseStatus.REFERRED, CaseStatus.IN_PROGRESS),
                    CaseChange.Note,
                    CaseChange.StatusChanged(CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED),
                    CaseChange.StatusChanged(CaseStatus.RESOLVED, CaseStatus.CLOSED),
                    CaseChange.StatusChanged(CaseStatus.CLOSED, CaseStatus.IN_PROGRESS),
                ),
                detail.timeline.map { it.change },
            )
            val dates = detail.timeline.map { it.date }
            assertEquals(
                listOf("2026-03-01", "2026-03-03", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-20"),
                dates.take(7),
            )
            assertTrue(dates.drop(7).all { it >= today }, "$dates")
            assertTrue(detail.timeline.all { it.actor == kader && it.caseId == case.id })
            assertEquals(listOf("Gaji dibayar", null, "Agen ingkar janji"), detail.timeline.takeLast(3).map { it.note })
            assertEquals(listOf(Agency.DISNAKER, Agency.KP2MI), detail.referrals.map { it.agency })
            assertEquals("Berkas diantar", detail.referrals[0].note)
            assertEquals(detail.timeline[2].id, detail.referrals[0].eventId)

            // Lists: one person's, or the village's.
            val budiCase = vault.openCase(budi.id, CaseInput(CaseType.ABUSE, "Uraian contoh", Reporter.MIGRANT, null))
            assertEquals(listOf(case.id), vault.listCases(siti.id).map { it.id })
            assertEquals(listOf(case.id, budiCase.id), vault.listCases(null).map { it.id })
            assertEquals(RecordKind.PERSON, assertThrows<MigranException.NotFound> { vault.listCases("nobody") }.kind)
            assertEquals(RecordKind.CASE, assertThrows<MigranException.NotFound> { vault.getCase("nobody") }.kind)
        }

    @Test
    fun `a return moves the journey on, its plan and services are kept, and its follow-up comes up`(): Unit =
        newVault().use { vault ->
            vault.setActor(CADRE)
            val siti = vault.addPerson(fakePerson("Siti Contoh", 2))
            val budi = vault.addPerson(fakePerson("Budi Contoh", 1))
            vault.setJourney(siti.id, JourneyInput(Phase.ABROAD, "MY", Sector.DOMESTIC_WORK, null, null, null, null, "2025-03-01", null))
            val case = vault.openCase(siti.id, CaseInput(CaseType.DOCUMENT_SEIZED, "Paspor ditahan majikan", Reporter.MIGRANT, "2026-04-01"))
            val budiCase = vault.openCase(budi.id, CaseInput(CaseType.ABUSE, "Uraian contoh", Reporter.FAMILY, null))

            val input = ReturnInput(
                returnDate = "2026-04-20",
                reason = ReturnReason.CASE,
                caseId = case.id,
                condition = "Lelah, sehat",
                needs = listOf(ReintegrationNeed.ECONOMIC, ReintegrationNeed.HEALTH, ReintegrationNeed.ECONOMIC),
                followUpPlan = "Pelatihan usaha",
                nextFollowUpOn = "2026-05-15",
            )
            // Someone else's case cannot be the reason; a return cannot be in the future.
            assertEquals(RecordKind.CASE, assertThrows<MigranException.NotFound> { vault.recordReturn(siti.id, input.copy(caseId = budiCase.id)) }.kind)
            val future = assertThrows<MigranException.Invalid> { vault.recordReturn(siti.id, input.copy(returnDate = futureDay())) }
            assertEquals("return_date", future.field)
            assertEquals(Phase.ABROAD, vault.getJourney(siti.id)!!.phase)

            val returned = vault.recordReturn(siti.id, input)
            assertEquals(listOf(ReintegrationNeed.HEALTH, ReintegrationNeed.ECONOMIC), returned.needs)
            assertEquals(case.id, returned.caseId)
            assertTrue(returned.services.isEmpty())
            val journey = vault.getJourney(siti.id)!!
            assertEquals(Phase.RETURNED, journey.phase)
            assertEquals("MY", journey.destinationCountry)

            // The plan's follow-up cannot come before the return.
            val early = assertThrows<MigranException.Invalid> {
                vault.updateReturnPlan(returned.id, ReturnPlanInput(listOf(ReintegrationNeed.PSYCHOSOCIAL), "Konseling", "2026-04-01"))
            }
            assertEquals("next_follow_up_on", early.field)
            assertEquals(InvalidReason.INCONSISTENT, early.reason)
            // Nor a service.
            val tooSoon = assertThrows<MigranException.Invalid> {
                vault.addReintegrationService(returned.id, ServiceInput(ServiceKind.TRAINING, "2026-04-01", null, null))
            }
            assertEquals("date", tooSoon.field)
            val training = vault.addReintegrationService(
                returned.id,
                ServiceInput(ServiceKind.TRAINING, "2026-05-02", "BLK Contoh", "Menjahit"),
            )
            assertEquals(returned.id, training.returnId)
            assertEquals(siti.id, training.personId)
            assertEquals("2026-05-02", training.date)

            val updated = vault.updateReturnPlan(
                returned.id,
                ReturnPlanInput(
                    listOf(ReintegrationNeed.PSYCHOSOCIAL, ReintegrationNeed.LEGAL),
                    "Konseling dan bantuan hukum",
                    "2026-06-01",
                ),
            )
            assertEquals(listOf(ReintegrationNeed.LEGAL, ReintegrationNeed.PSYCHOSOCIAL), updated.needs)
            assertEquals("Konseling dan bantuan hukum", updated.followUpPlan)
            assertEquals("2026-06-01", updated.nextFollowUpOn)
            assertEquals(listOf(training), updated.services)
            assertEquals("Lelah, sehat", updated.condition)
            assertEquals(listOf(updated), vault.listReturns(siti.id))
            assertTrue(vault.listReturns(budi.id).isEmpty())
            assertEquals(RecordKind.RETURN, assertThrows<MigranException.NotFound> {
                vault.addReintegrationService("nobody", ServiceInput(ServiceKind.OTHER, "2026-05-02", null, null))
            }.kind)

            // The follow-up date is on the agenda: not on the old date, on the new one.
            assertTrue(vault.agendaOn("2026-05-15").none { it.kind == AgendaKind.REINTEGRATION_FOLLOW_UP_DUE })
            val due = vault.agendaOn("2026-06-01").single()
            assertEquals(AgendaKind.REINTEGRATION_FOLLOW_UP_DUE, due.kind)
            assertEquals(returned.id, due.recordId)
            assertEquals("Siti Contoh", due.personName)
            assertEquals(0L, due.daysOverdue)
            assertNull(due.count)
        }
}
