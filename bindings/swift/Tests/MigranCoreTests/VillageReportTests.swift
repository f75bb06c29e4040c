// Mirrors bindings/kotlin/src/test/.../VillageReportTest.kt: the village report on a small
// made-up village, its CSV, JSON and text. The expected counts are worked out by hand from
// who is in the village and what happened when. Helpers in CadreWorkTests.swift.
// Not compiled on the project's CI machine (no Swift toolchain there).
import Foundation
import XCTest
@testable import MigranCore

final class VillageReportTests: XCTestCase {
    private func counts(_ list: [ReportCount]) -> [String] {
        list.map { "\($0.key)=\($0.count)" }
    }

    private func journey(_ phase: Phase, _ country: String, _ sector: Sector, _ departure: String?) -> JourneyInput {
        JourneyInput(phase: phase, destinationCountry: country, sector: sector, employerName: nil, employerAddress: nil, agencyName: nil, agencyLicence: nil, departureDate: departure, contractEndDate: nil)
    }

    func testReportCountsByConsentAndPeriodAndNamesNobody() throws {
        let vault = try newTestVault()
        try vault.setActor(actor: cadreActor)
        let reporting = consentInput(.reporting, date: "2025-12-01")
        // Counted (reporting consent given, not archived):
        //  Siti: female, abroad in MY (domestic work), left 2026-02-10; a case of unpaid wages
        //        reported 2026-03-01, now in progress.
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 2))
        _ = try vault.recordConsent(personId: siti.id, input: reporting)
        _ = try vault.setJourney(personId: siti.id, input: journey(.abroad, "MY", .domesticWork, "2026-02-10"))
        let sitiCase = try vault.openCase(personId: siti.id, input: CaseInput(caseType: .unpaidWages, description: "Gaji Siti belum dibayar", reportedBy: .family, reportedOn: "2026-03-01"))
        _ = try vault.changeCaseStatus(caseId: sitiCase.id, change: StatusChangeInput(to: .inProgress, date: "2026-03-05", note: nil))
        //  Budi: male, preparing to go to TW (manufacturing), checklist not started; a case of
        //        abuse reported 2026-07-15 (after the period).
        let budi = try vault.addPerson(input: fakePerson("Budi Contoh", 1))
        _ = try vault.recordConsent(personId: budi.id, input: reporting)
        _ = try vault.setJourney(personId: budi.id, input: journey(.preDeparture, "TW", .manufacturing, nil))
        _ = try vault.openCase(personId: budi.id, input: CaseInput(caseType: .abuse, description: "Uraian Budi", reportedBy: .migrant, reportedOn: "2026-07-15"))
        //  Dewi: female, left for SG in 2025 (before the period), came back 2026-05-20 at the end
        //        of her contract needing health and economic help; training 2026-06-01 (in the
        //        period) and counselling 2026-07-10 (after it).
        let dewi = try vault.addPerson(input: fakePerson("Dewi Contoh", 4))
        _ = try vault.recordConsent(personId: dewi.id, input: reporting)
        _ = try vault.setJourney(personId: dewi.id, input: journey(.abroad, "SG", .caregiving, "2025-06-01"))
        let dewiReturn = try vault.recordReturn(personId: dewi.id, input: ReturnInput(
            returnDate: "2026-05-20", reason: .contractEnd, caseId: nil, condition: nil,
            needs: [.economic, .health], followUpPlan: nil, nextFollowUpOn: nil
        ))
        _ = try vault.addReintegrationService(returnId: dewiReturn.id, input: ServiceInput(kind: .training, date: "2026-06-01", provider: nil, note: nil))
        _ = try vault.addReintegrationService(returnId: dewiReturn.id, input: ServiceInput(kind: .counselling, date: "2026-07-10", provider: nil, note: nil))
        // Not counted, only in the total:
        //  Rina: never gave the reporting consent; abroad in MY, left 2026-03-01, a case.
        let rina = try vault.addPerson(input: fakePerson("Rina Contoh", 6))
        _ = try vault.setJourney(personId: rina.id, input: journey(.abroad, "MY", .domesticWork, "2026-03-01"))
        _ = try vault.openCase(personId: rina.id, input: CaseInput(caseType: .detention, description: "Uraian Rina", reportedBy: .family, reportedOn: "2026-03-05"))
        //  Ani: gave it, then withdrew it; abroad in MY.
        let ani = try vault.addPerson(input: fakePerson("Ani Contoh", 8))
        _ = try vault.recordConsent(personId: ani.id, input: reporting)
        _ = try vault.recordConsent(personId: ani.id, input: consentInput(.reporting, given: false, date: "2026-01-05"))
        _ = try vault.setJourney(personId: ani.id, input: journey(.abroad, "MY", .domesticWork, "2026-04-01"))
        // Neither counted nor in the total: Eko, archived.
        let eko = try vault.addPerson(input: fakePerson("Eko Contoh", 3))
        _ = try vault.recordConsent(personId: eko.id, input: reporting)
        _ = try vault.setJourney(personId: eko.id, input: journey(.abroad, "MY", .construction, "2026-02-01"))
        _ = try vault.setPersonArchived(id: eko.id, archived: true)

        let report = try vault.villageReport(request: ReportRequest(from: "2026-01-01", to: "2026-06-30", village: "Desa Contoh", officer: "Petugas Contoh"))
        XCTAssertEqual(report.periodFrom, "2026-01-01")
        XCTAssertEqual(report.periodTo, "2026-06-30")
        XCTAssertEqual(report.peopleCounted, 3) // Siti, Budi, Dewi
        XCTAssertEqual(report.peopleNotCounted, 2) // Rina, Ani
        XCTAssertEqual(counts(report.byPhase), ["prospective=0", "pre_departure=1", "abroad=1", "returned=1"])
        XCTAssertEqual(counts(report.bySex), ["female=2", "male=1"])
        // Only those preparing or abroad now: Siti (MY), Budi (TW); Dewi has come back.
        XCTAssertEqual(counts(report.byDestination), ["MY=1", "TW=1"])
        XCTAssertEqual(counts(report.bySector), ["domestic_work=1", "manufacturing=1"])
        XCTAssertEqual(report.departuresInPeriod, 1) // Siti; Dewi left in 2025
        XCTAssertEqual(counts(report.preDepartureCompleteness), ["complete=0", "incomplete=0", "not_started=1"])
        XCTAssertEqual(report.casesInPeriod, 1) // Siti's; Budi's is after the period, Rina's not counted
        XCTAssertEqual(counts(report.casesByType), [
            "unpaid_wages=1", "abuse=0", "document_seized=0", "missing_contact=0", "detention=0",
            "trafficking_suspicion=0", "death_or_illness=0", "deportation=0", "other=0",
        ])
        XCTAssertEqual(counts(report.casesByStatus), ["open=0", "referred=0", "in_progress=1", "resolved=0", "closed=0"])
        XCTAssertEqual(counts(report.screeningsByRisk), ["none=0", "low=0", "medium=0", "high=0", "critical=0"])
        XCTAssertEqual(report.returnsInPeriod, 1)
        XCTAssertEqual(counts(report.returnsByReason), ["contract_end=1", "early_return=0", "deported=0", "case=0"])
        XCTAssertEqual(counts(report.reintegrationNeeds), ["health=1", "legal=0", "psychosocial=0", "economic=1"])
        XCTAssertEqual(report.servicesInPeriod, 1)
        XCTAssertEqual(counts(report.servicesByKind), [
            "training=1", "business_support=0", "counselling=0", "health_care=0", "legal_aid=0", "other=0",
        ])

        // With no period: every event of the counted people.
        let allTime = try vault.villageReport(request: ReportRequest(from: nil, to: nil))
        XCTAssertNil(allTime.periodFrom)
        XCTAssertEqual(allTime.peopleCounted, 3)
        XCTAssertEqual(allTime.departuresInPeriod, 2) // Siti, Dewi
        XCTAssertEqual(allTime.casesInPeriod, 2) // Siti, Budi
        XCTAssertEqual(counts(allTime.casesByStatus), ["open=1", "referred=0", "in_progress=1", "resolved=0", "closed=0"])
        XCTAssertEqual(allTime.servicesInPeriod, 2)
        assertInvalid(try vault.villageReport(request: ReportRequest(from: "2026-06-30", to: "2026-01-01")), field: "to", reason: .inconsistent)

        // CSV: section,key,value lines, one per count.
        let csv = villageReportCsv(report: report)
        let lines = csv.components(separatedBy: "\r\n")
        XCTAssertEqual(lines.first, "section,key,value")
        XCTAssertEqual(lines.last, "", "every line ends in CRLF")
        let sections = [
            report.byPhase, report.bySex, report.byDestination, report.bySector, report.preDepartureCompleteness,
            report.casesByType, report.casesByStatus, report.screeningsByRisk, report.returnsByReason,
            report.reintegrationNeeds, report.servicesByKind, report.sessionAttendance, report.sessionTopics,
        ]
        XCTAssertEqual(lines.count - 1, 1 + 6 + 7 + sections.map(\.count).reduce(0, +), "header, meta, totals, counts")
        for line in [
            "meta,period_from,2026-01-01", "meta,period_to,2026-06-30", "meta,village,Desa Contoh",
            "meta,officer,Petugas Contoh", "total,people_counted,3",
            "total,people_not_counted,2", "total,departures_in_period,1", "by_phase,abroad,1", "by_destination,MY,1",
            "cases_by_status,in_progress,1", "returns_by_reason,contract_end,1", "services_by_kind,training,1",
        ] {
            XCTAssertTrue(lines.contains(line), "\(line) missing from\n\(csv)")
        }

        // JSON: the same report, field by field.
        let json = try villageReportJson(report: report)
        let doc = try parseJsonObject(json)
        XCTAssertEqual(doc.int("people_counted"), 3)
        XCTAssertEqual(doc.int("people_not_counted"), 2)
        XCTAssertEqual(doc.str("period_to"), "2026-06-30")
        let byPhase = try XCTUnwrap(doc.arr("by_phase"))
        XCTAssertEqual(byPhase[2].str("key"), "abroad")
        XCTAssertEqual(byPhase[2].int("count"), 1)
        XCTAssertEqual(doc.arr("by_destination")?.map { $0.str("key") }, ["MY", "TW"])
        XCTAssertEqual(doc.int("services_in_period"), 1)

        // Text, for reading out: both languages.
        let english = villageReportText(report: report, locale: .en)
        XCTAssertTrue(english.hasPrefix("Village report (period: 2026-01-01 .. 2026-06-30)\n"), english)
        XCTAssertTrue(english.contains("People counted: 3\n"), english)
        XCTAssertTrue(english.contains("\nBy phase\n  Prospective: 0\n  Pre-departure: 1\n  Working abroad: 1\n  Returned: 1\n"), english)
        let indonesian = villageReportText(report: report, locale: .id)
        XCTAssertTrue(indonesian.hasPrefix("Laporan desa (periode: 2026-01-01 .. 2026-06-30)\n"), indonesian)
        XCTAssertTrue(indonesian.contains("Orang yang dihitung: 3\n"), indonesian)
        XCTAssertTrue(indonesian.contains("Desa: Desa Contoh\nDibuat oleh: Petugas Contoh\n"), indonesian)
        XCTAssertTrue(villageReportText(report: allTime, locale: .en).hasPrefix("Village report (period: all time)"))
        XCTAssertTrue(villageReportText(report: allTime, locale: .id).hasPrefix("Laporan desa (periode: semua waktu)"))

        // Counts only: no name, NIK, phone, id or case detail in any form of the report.
        let people = [siti, budi, dewi, rina, ani, eko]
        var secrets = people.flatMap { [$0.fullName, $0.nik, $0.id, String(($0.phone ?? "").dropFirst())] }
        secrets += [sitiCase.id, dewiReturn.id, "Gaji Siti", "Uraian Budi", "Uraian Rina", "Dusun Contoh", "Kader Contoh"]
        for text in [csv, json, english, indonesian, "\(report)", villageReportCsv(report: allTime)] {
            for secret in secrets where !secret.isEmpty {
                XCTAssertFalse(text.contains(secret), "\(secret) in the report:\n\(text)")
            }
        }

        // Each report is in the audit log, naming nobody, with how many people it counted
        // (stored at the lock: a read costs no commit).
        let made = try vault.auditLog(query: AuditQuery(personId: nil, from: nil, to: nil, page: everyPage)).items.filter { $0.action == .report }
        XCTAssertEqual(made.count, 2)
        XCTAssertTrue(made.allSatisfy { $0.kind == .villageReport && $0.personId == nil && $0.recordId == nil && $0.count == 3 })
    }
}
