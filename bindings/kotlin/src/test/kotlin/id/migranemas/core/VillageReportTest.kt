package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The village report on a small made-up village, through the Kotlin bindings. The expected
 * counts are worked out by hand below from who is in the village and what happened when.
 */
class VillageReportTest {
    private fun counts(list: List<ReportCount>) = list.map { it.key to it.count.toInt() }

    private fun journey(phase: Phase, country: String, sector: Sector, departure: String?) =
        JourneyInput(phase, country, sector, null, null, null, null, departure, null)

    @Test
    fun `the report counts the village by consent and period, and its outputs name nobody`(): Unit = newVault().use { vault ->
        vault.setActor(CADRE)
        val reporting = consent(ConsentPurpose.REPORTING, date = "2025-12-01")
        // Counted (reporting consent given, not archived):
        //  Siti: female, abroad in MY (domestic work), left 2026-02-10; a case of unpaid wages
        //        reported 2026-03-01, now in progress.
        val siti = vault.addPerson(fakePerson("Siti Contoh", 2))
        vault.recordConsent(siti.id, reporting)
        vault.setJourney(siti.id, journey(Phase.ABROAD, "MY", Sector.DOMESTIC_WORK, "2026-02-10"))
        val sitiCase = vault.openCase(siti.id, CaseInput(CaseType.UNPAID_WAGES, "Gaji Siti belum dibayar", Reporter.FAMILY, "2026-03-01"))
        vault.changeCaseStatus(sitiCase.id, StatusChangeInput(CaseStatus.IN_PROGRESS, "2026-03-05", null))
        //  Budi: male, preparing to go to TW (manufacturing), checklist not started; a case of
        //        abuse reported 2026-07-15 (after the period).
        val budi = vault.addPerson(fakePerson("Budi Contoh", 1))
        vault.recordConsent(budi.id, reporting)
        vault.setJourney(budi.id, journey(Phase.PRE_DEPARTURE, "TW", Sector.MANUFACTURING, null))
        vault.openCase(budi.id, CaseInput(CaseType.ABUSE, "Uraian Budi", Reporter.MIGRANT, "2026-07-15"))
        //  Dewi: female, left for SG in 2025 (before the period), came back 2026-05-20 at the end
        //        of her contract needing health and economic help; training 2026-06-01 (in the
        //        period) and counselling 2026-07-10 (after it).
        val dewi = vault.addPerson(fakePerson("Dewi Contoh", 4))
        vault.recordConsent(dewi.id, reporting)
        vault.setJourney(dewi.id, journey(Phase.ABROAD, "SG", Sector.CAREGIVING, "2025-06-01"))
        val dewiReturn = vault.recordReturn(
            dewi.id,
            ReturnInput(
                "2026-05-20", ReturnReason.CONTRACT_END, null, null,
                listOf(ReintegrationNeed.ECONOMIC, ReintegrationNeed.HEALTH), null, null,
            ),
        )
        vault.addReintegrationService(dewiReturn.id, ServiceInput(ServiceKind.TRAINING, "2026-06-01", null, null))
        vault.addReintegrationService(dewiReturn.id, ServiceInput(ServiceKind.COUNSELLING, "2026-07-10", null, null))
        // Not counted, only in the total:
        //  Rina: never gave the reporting consent; abroad in MY, left 2026-03-01, a case.
        val rina = vault.addPerson(fakePerson("Rina Contoh", 6))
        vault.setJourney(rina.id, journey(Phase.ABROAD, "MY", Sector.DOMESTIC_WORK, "2026-03-01"))
        vault.openCase(rina.id, CaseInput(CaseType.DETENTION, "Uraian Rina", Reporter.FAMILY, "2026-03-05"))
        //  Ani: gave it, then withdrew it; abroad in MY.
        val ani = vault.addPerson(fakePerson("Ani Contoh", 8))
        vault.recordConsent(ani.id, reporting)
        vault.recordConsent(ani.id, consent(ConsentPurpose.REPORTING, given = false, date = "2026-01-05"))
        vault.setJourney(ani.id, journey(Phase.ABROAD, "MY", Sector.DOMESTIC_WORK, "2026-04-01"))
        // Neither counted nor in the total: Eko, archived.
        val eko = vault.addPerson(fakePerson("Eko Contoh", 3))
        vault.recordConsent(eko.id, reporting)
        vault.setJourney(eko.id, journey(Phase.ABROAD, "MY", Sector.CONSTRUCTION, "2026-02-01"))
        vault.setPersonArchived(eko.id, true)

        val report = vault.villageReport(
            ReportRequest(from = "2026-01-01", to = "2026-06-30", village = "Desa Contoh", officer = "Petugas Contoh"),
        )
        assertEquals("2026-01-01", report.periodFrom)
        assertEquals("2026-06-30", report.periodTo)
        assertEquals(3u, report.peopleCounted) // Siti, Budi, Dewi
        assertEquals(2u, report.peopleNotCounted) // Rina, Ani
        assertEquals(listOf("prospective" to 0, "pre_departure" to 1, "abroad" to 1, "returned" to 1), counts(report.byPhase))
        assertEquals(listOf("female" to 2, "male" to 1), counts(report.bySex))
        // Only those preparing or abroad now: Siti (MY), Budi (TW); Dewi has come back.
        assertEquals(listOf("MY" to 1, "TW" to 1), counts(report.byDestination))
        assertEquals(listOf("domestic_work" to 1, "manufacturing" to 1), counts(report.bySector))
        assertEquals(1u, report.departuresInPeriod) // Siti; Dewi left in 2025
        assertEquals(listOf("complete" to 0, "incomplete" to 0, "not_started" to 1), counts(report.preDepartureCompleteness))
        assertEquals(1u, report.casesInPeriod) // Siti's; Budi's is after the period, Rina's not counted
        assertEquals(
            listOf(
                "unpaid_wages" to 1, "abuse" to 0, "document_seized" to 0, "missing_contact" to 0, "detention" to 0,
                "trafficking_suspicion" to 0, "death_or_illness" to 0, "deportation" to 0, "other" to 0,
            ),
            counts(report.casesByType),
        )
        assertEquals(
            listOf("open" to 0, "referred" to 0, "in_progress" to 1, "resolved" to 0, "closed" to 0),
            counts(report.casesByStatus),
        )
        assertEquals(listOf("none" to 0, "low" to 0, "medium" to 0, "high" to 0, "critical" to 0), counts(report.screeningsByRisk))
        assertEquals(1u, report.returnsInPeriod)
        assertEquals(listOf("contract_end" to 1, "early_return" to 0, "deported" to 0, "case" to 0), counts(report.returnsByReason))
        assertEquals(listOf("health" to 1, "legal" to 0, "psychosocial" to 0, "economic" to 1), counts(report.reintegrationNeeds))
        assertEquals(1u, report.servicesInPeriod)
        assertEquals(
            listOf(
                "training" to 1, "business_support" to 0, "counselling" to 0, "health_care" to 0, "legal_aid" to 0, "other" to 0,
            ),
            counts(report.servicesByKind),
        )

        // With no period: every event of the counted people.
        val allTime = vault.villageReport(ReportRequest(null, null))
        assertNull(allTime.periodFrom)
        assertEquals(3u, allTime.peopleCounted)
        assertEquals(2u, allTime.departuresInPeriod) // Siti, Dewi
        assertEquals(2u, allTime.casesInPeriod) // Siti, Budi
        assertEquals(listOf("open" to 1, "referred" to 0, "in_progress" to 1, "resolved" to 0, "closed" to 0), counts(allTime.casesByStatus))
        assertEquals(2u, allTime.servicesInPeriod)
        val reversed = assertThrows<MigranException.Invalid> { vault.villageReport(ReportRequest("2026-06-30", "2026-01-01")) }
        assertEquals("to", reversed.field)
        assertEquals(InvalidReason.INCONSISTENT, reversed.reason)

        // CSV: section,key,value lines, one per count.
        val csv = villageReportCsv(report)
        val lines = csv.split("\r\n")
        assertEquals("section,key,value", lines.first())
        assertEquals("", lines.last(), "every line ends in CRLF")
        val sections = listOf(
            report.byPhase, report.bySex, report.byDestination, report.bySector, report.preDepartureCompleteness,
            report.casesByType, report.casesByStatus, report.screeningsByRisk, report.returnsByReason,
            report.reintegrationNeeds, report.servicesByKind, report.sessionAttendance, report.sessionTopics,
        )
        assertEquals(1 + 6 + 7 + sections.sumOf { it.size }, lines.size - 1, "header, meta, totals, counts")
        for (line in listOf(
            "meta,period_from,2026-01-01", "meta,period_to,2026-06-30", "meta,village,Desa Contoh",
            "meta,officer,Petugas Contoh", "total,people_counted,3",
            "total,people_not_counted,2", "total,departures_in_period,1", "by_phase,abroad,1", "by_destination,MY,1",
            "cases_by_status,in_progress,1", "returns_by_reason,contract_end,1", "services_by_kind,training,1",
        )) {
            assertTrue(line in lines, "$line missing from\n$csv")
        }

        // JSON: the same report, field by field.
        val json = villageReportJson(report)
        val doc = parseJson(json)
        assertEquals(3.0, doc.field("people_counted"))
        assertEquals(2.0, doc.field("people_not_counted"))
        assertEquals("2026-06-30", doc.field("period_to"))
        assertEquals("abroad", doc.field("by_phase").item(2).field("key"))
        assertEquals(1.0, doc.field("by_phase").item(2).field("count"))
        assertEquals(listOf("MY", "TW"), doc.field("by_destination").items().map { it.field("key") })
        assertEquals(1.0, doc.field("services_in_period"))

        // Text, for reading out: both languages.
        val english = villageReportText(report, Locale.EN)
        assertTrue(english.startsWith("Village report (period: 2026-01-01 .. 2026-06-30)\n"), english)
        assertTrue(english.contains("People counted: 3\n"), english)
        assertTrue(english.contains("\nBy phase\n  Prospective: 0\n  Pre-departure: 1\n  Working abroad: 1\n  Returned: 1\n"), english)
        val indonesian = villageReportText(report, Locale.ID)
        assertTrue(indonesian.startsWith("Laporan desa (periode: 2026-01-01 .. 2026-06-30)\n"), indonesian)
        assertTrue(indonesian.contains("Orang yang dihitung: 3\n"), indonesian)
        assertTrue(indonesian.contains("Desa: Desa Contoh\nDibuat oleh: Petugas Contoh\n"), indonesian)
        assertTrue(villageReportText(allTime, Locale.EN).startsWith("Village report (period: all time)"))
        assertTrue(villageReportText(allTime, Locale.ID).startsWith("Laporan desa (periode: semua waktu)"))

        // Counts only: no name, NIK, phone, id or case detail in any form of the report.
        val people = listOf(siti, budi, dewi, rina, ani, eko)
        val secrets = people.flatMap { listOf(it.fullName, it.nik, it.id, it.phone!!.removePrefix("+")) } +
            listOf(sitiCase.id, dewiReturn.id, "Gaji Siti", "Uraian Budi", "Uraian Rina", "Dusun Contoh", "Kader Contoh")
        for (text in listOf(csv, json, english, indonesian, report.toString(), villageReportCsv(allTime))) {
            for (secret in secrets) assertFalse(text.contains(secret), "$secret in the report:\n$text")
        }

        // Each report is in the audit log, naming nobody, with how many people it counted
        // (stored at the lock: a read costs no commit).
        val made = vault.auditLog(AuditQuery(null, null, null, ALL)).items.filter { it.action == AuditAction.REPORT }
        assertEquals(2, made.size)
        assertTrue(made.all { it.kind == RecordKind.VILLAGE_REPORT && it.personId == null && it.recordId == null && it.count == 3u })
    }
}
