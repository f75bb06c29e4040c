// Mirrors bindings/kotlin/src/test/.../CadreWorkTest.kt: home visits and the agenda of an
// injected day, cases and their workflow, returns and reintegration. The helpers at the top
// are shared with ConsentAuditTests.swift and VillageReportTests.swift (as VaultTests.swift
// shares fakePerson). Not compiled on the project's CI machine (no Swift toolchain there);
// run `swift test` after scripts/build-bindings.sh.
//
// Dates are fixed days in the past (the vault runs on the system clock); people registered
// today are not due a visit on those days, so the agenda holds exactly what the visits and
// returns put on it.
import Foundation
import XCTest
@testable import MigranCore

let cadreActor = ActorInput(name: "Kader Contoh", role: .cadre)
// Qualified: the standard library has an `Actor` protocol too.
let kader = MigranCore.Actor(name: "Kader Contoh", role: .cadre)
/// Everything in one page (the core's largest page).
let everyPage = PageRequest(offset: 0, limit: 1000)

func newTestVault() throws -> Vault {
    try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
}

func consentInput(_ purpose: ConsentPurpose, given: Bool = true, date: String? = nil, note: String? = nil) -> ConsentInput {
    ConsentInput(purpose: purpose, given: given, date: date, note: note)
}

/// A day on the vault's clock (UTC, the system clock) as the core writes dates: today, or
/// `offset` days from it. Two days on is safely in the future, even at midnight.
func utcDay(offset: Int = 0) -> String {
    let formatter = DateFormatter()
    formatter.calendar = Calendar(identifier: .gregorian)
    formatter.locale = Foundation.Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.string(from: Date().addingTimeInterval(TimeInterval(offset * 86_400)))
}

func futureDay() -> String { utcDay(offset: 2) }

/// The call is refused by a rule, for this typed reason.
func assertNotAllowed<T>(_ body: @autoclosure () throws -> T, _ reason: NotAllowedReason, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard case MigranError.NotAllowed(let got) = error else { return XCTFail("\(error)", file: file, line: line) }
        XCTAssertEqual(got, reason, file: file, line: line)
    }
}

func assertInvalid<T>(_ body: @autoclosure () throws -> T, field: String, reason: InvalidReason? = nil, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard case MigranError.Invalid(let gotField, let gotReason) = error else { return XCTFail("\(error)", file: file, line: line) }
        XCTAssertEqual(gotField, field, file: file, line: line)
        if let reason = reason { XCTAssertEqual(gotReason, reason, file: file, line: line) }
    }
}

func assertNotFound<T>(_ body: @autoclosure () throws -> T, kind: RecordKind, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard case MigranError.NotFound(let gotKind) = error else { return XCTFail("\(error)", file: file, line: line) }
        XCTAssertEqual(gotKind, kind, file: file, line: line)
    }
}


/// A JSON document the core wrote, parsed by Foundation.
func parseJsonObject(_ text: String) throws -> [String: Any] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

func parseJsonArray(_ text: String) throws -> [[String: Any]] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
}

extension Dictionary where Key == String, Value == Any {
    func obj(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func arr(_ key: String) -> [[String: Any]]? { self[key] as? [[String: Any]] }
    func str(_ key: String) -> String? { self[key] as? String }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
}

/// One agenda line, comparable.
struct AgendaLine: Equatable {
    let kind: AgendaKind
    let name: String
    let days: Int64
}

final class CadreWorkTests: XCTestCase {
    private func agendaOn(_ vault: Vault, _ on: String, _ lookAheadDays: UInt32 = 0) throws -> [AgendaItem] {
        let agenda = try vault.agenda(request: AgendaRequest(on: on, lookAheadDays: lookAheadDays))
        XCTAssertEqual(agenda.on, on)
        return agenda.items
    }

    private func lines(_ items: [AgendaItem]) -> [AgendaLine] {
        items.map { AgendaLine(kind: $0.kind, name: $0.personName, days: $0.daysOverdue) }
    }

    func testVisitsAndFollowUpsMakeTheAgendaOfAnInjectedDay() throws {
        let vault = try newTestVault()
        try vault.setActor(actor: cadreActor)
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 2))
        let budi = try vault.addPerson(input: fakePerson("Budi Contoh", 1))
        let visit = try vault.addVisit(personId: siti.id, input: VisitInput(
            date: "2026-01-10", cadre: nil, present: ["Ibu Contoh", "Siti Contoh"],
            topics: [.remittances, .safeMigration, .safeMigration], observations: "Keluarga mendukung",
            followUps: [
                VisitFollowUpInput(action: "Bawa fotokopi KTP ke Disnaker", dueOn: "2026-01-20"),
                VisitFollowUpInput(action: "Cek izin P3MI", dueOn: "2026-03-01"),
            ],
            nextVisitOn: "2026-02-01"
        ))
        XCTAssertEqual(visit.cadre, "Kader Contoh", "the actor when no cadre is given")
        XCTAssertEqual(visit.topics, [.safeMigration, .remittances], "sorted, no repeats")
        XCTAssertEqual(visit.followUps.map(\.dueOn), ["2026-01-20", "2026-03-01"])
        XCTAssertTrue(visit.followUps.allSatisfy { $0.doneOn == nil && $0.visitId == visit.id && $0.personId == siti.id })
        // Budi came back; his reintegration follow-up is due on 3 February.
        _ = try vault.setJourney(personId: budi.id, input: JourneyInput(phase: .abroad, destinationCountry: "TW", sector: .manufacturing, employerName: nil, employerAddress: nil, agencyName: nil, agencyLicence: nil, departureDate: "2025-01-10", contractEndDate: nil))
        let budiReturn = try vault.recordReturn(personId: budi.id, input: ReturnInput(
            returnDate: "2026-01-05", reason: .earlyReturn, caseId: nil, condition: nil, needs: [],
            followUpPlan: nil, nextFollowUpOn: "2026-02-03"
        ))

        XCTAssertTrue(try agendaOn(vault, "2026-01-19").isEmpty)
        // 1 February: the first follow-up 12 days late, the visit the cadre set due today.
        let feb1 = try agendaOn(vault, "2026-02-01")
        XCTAssertEqual(lines(feb1), [
            AgendaLine(kind: .followUpDue, name: "Siti Contoh", days: 12),
            AgendaLine(kind: .visitDue, name: "Siti Contoh", days: 0),
        ])
        XCTAssertEqual(feb1[0].recordId, visit.followUps[0].id)
        XCTAssertEqual(feb1[0].personId, siti.id)
        XCTAssertEqual(feb1[0].dueOn, "2026-01-20")
        XCTAssertEqual(feb1[0].text.en, "Visit follow-up: 12 days overdue")
        XCTAssertEqual(feb1[0].text.id, "Tindak lanjut kunjungan: terlambat 12 hari")
        XCTAssertEqual(feb1[1].text.en, "Home visit: due today")
        // Three days ahead: Budi's reintegration follow-up, due in two days.
        let ahead = try agendaOn(vault, "2026-02-01", 3)
        XCTAssertEqual(lines(ahead), [
            AgendaLine(kind: .followUpDue, name: "Siti Contoh", days: 12),
            AgendaLine(kind: .visitDue, name: "Siti Contoh", days: 0),
            AgendaLine(kind: .reintegrationFollowUpDue, name: "Budi Contoh", days: -2),
        ])
        XCTAssertEqual(ahead[2].recordId, budiReturn.id)
        XCTAssertEqual(ahead[2].text.en, "Reintegration follow-up: due in 2 days")
        XCTAssertEqual(try agendaOn(vault, "2026-02-01", 30).count, 4, "the second follow-up, due 1 March")

        // Done: it leaves the agenda and the visit shows it.
        let done = try vault.completeVisitFollowUp(followUpId: visit.followUps[0].id, doneOn: "2026-01-18", note: "KTP sudah difotokopi")
        XCTAssertEqual(done.doneOn, "2026-01-18")
        XCTAssertEqual(done.doneNote, "KTP sudah difotokopi")
        XCTAssertEqual(lines(try agendaOn(vault, "2026-02-01")), [AgendaLine(kind: .visitDue, name: "Siti Contoh", days: 0)])
        XCTAssertEqual(try vault.listVisits(personId: siti.id).first?.followUps.first, done)
        assertInvalid(try vault.completeVisitFollowUp(followUpId: visit.followUps[1].id, doneOn: futureDay(), note: nil), field: "done_on")
        assertNotFound(try vault.completeVisitFollowUp(followUpId: "nobody", doneOn: nil, note: nil), kind: .visitFollowUp)

        // An older visit is listed after the newer one and does not move the agenda.
        let older = try vault.addVisit(personId: siti.id, input: VisitInput(
            date: "2025-12-15", cadre: "Kader Lain Contoh", present: [], topics: [.documents],
            observations: nil, followUps: [], nextVisitOn: nil
        ))
        XCTAssertEqual(try vault.listVisits(personId: siti.id).map(\.id), [visit.id, older.id])
        XCTAssertEqual(try agendaOn(vault, "2026-02-01").count, 1)

        // Bad visits name the field.
        assertInvalid(try vault.addVisit(personId: siti.id, input: VisitInput(date: futureDay(), cadre: nil, present: [], topics: [], observations: nil, followUps: [], nextVisitOn: nil)), field: "date", reason: .outOfRange)
        assertInvalid(try vault.addVisit(personId: siti.id, input: VisitInput(date: "2026-01-10", cadre: nil, present: [], topics: [], observations: nil, followUps: [VisitFollowUpInput(action: "x", dueOn: "2026-01-01")], nextVisitOn: nil)), field: "due_on", reason: .inconsistent)

        // The default day is today; the look-ahead is at most a quarter.
        let before = utcDay()
        let today = try vault.agenda(request: AgendaRequest(on: nil, lookAheadDays: 0)).on
        XCTAssertTrue(today == before || today == utcDay(), today)
        assertInvalid(try vault.agenda(request: AgendaRequest(on: nil, lookAheadDays: 93)), field: "look_ahead_days")

        // A person who withdraws the registration consent is no longer followed.
        _ = try vault.recordConsent(personId: siti.id, input: consentInput(.registration, given: false))
        let after = try agendaOn(vault, "2026-02-01", 3)
        XCTAssertFalse(after.contains { $0.personId == siti.id })
        XCTAssertEqual(after.count, 1)
    }

    func testCaseWorkflowAndReferralConsent() throws {
        let vault = try newTestVault()
        try vault.setActor(actor: cadreActor)
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 2))
        let budi = try vault.addPerson(input: fakePerson("Budi Contoh", 1))
        let opened = try vault.openCase(personId: siti.id, input: CaseInput(
            caseType: .unpaidWages, description: "Gaji tiga bulan belum dibayar", reportedBy: .family, reportedOn: "2026-03-01"
        ))
        XCTAssertEqual(opened.status, .`open`)
        XCTAssertEqual(opened.reportedOn, "2026-03-01")
        XCTAssertEqual(opened.personId, siti.id)

        // The buttons a UI shows, straight from the workflow.
        XCTAssertEqual(caseNextStatuses(from: .`open`), [.referred, .inProgress, .closed])
        XCTAssertEqual(caseNextStatuses(from: .referred), [.inProgress, .resolved])
        XCTAssertEqual(caseNextStatuses(from: .inProgress), [.referred, .resolved])
        XCTAssertEqual(caseNextStatuses(from: .resolved), [.inProgress, .closed])
        XCTAssertEqual(caseNextStatuses(from: .closed), [.inProgress])
        // Every other move is refused and named.
        let allStatuses: [CaseStatus] = [.`open`, .referred, .inProgress, .resolved, .closed]
        for to in allStatuses where !caseNextStatuses(from: .`open`).contains(to) {
            assertNotAllowed(
                try vault.changeCaseStatus(caseId: opened.id, change: StatusChangeInput(to: to, date: nil, note: "catatan")),
                .caseTransition(from: .`open`, to: to)
            )
        }
        XCTAssertThrowsError(try vault.changeCaseStatus(caseId: opened.id, change: StatusChangeInput(to: .resolved, date: nil, note: nil))) { error in
            guard case MigranError.NotAllowed(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, .caseTransition(from: .`open`, to: .resolved))
            XCTAssertEqual(errorMessage(error: error as! MigranError, locale: .en), "Not allowed: a case cannot go from 'open' to 'resolved'.")
        }
        // Closing a case nobody acted on needs the reason written down.
        assertInvalid(try vault.changeCaseStatus(caseId: opened.id, change: StatusChangeInput(to: .closed, date: nil, note: nil)), field: "note")

        // No referral without the consent to share with agencies; nothing changed.
        let agency = ReferralInput(agency: .disnaker, office: "Disnaker Kabupaten Contoh", date: "2026-03-03", note: "Berkas diantar")
        assertNotAllowed(try vault.referCase(caseId: opened.id, referral: agency), .consentMissing(purpose: .shareWithAgencies))
        XCTAssertEqual(try vault.getCase(caseId: opened.id).`case`.status, .`open`)
        XCTAssertEqual(try vault.getCase(caseId: opened.id).timeline.count, 1)

        _ = try vault.recordConsent(personId: siti.id, input: consentInput(.shareWithAgencies, date: "2026-03-02"))
        var beforeReport = agency
        beforeReport.date = "2026-02-20"
        assertInvalid(try vault.referCase(caseId: opened.id, referral: beforeReport), field: "date", reason: .inconsistent)
        XCTAssertEqual(try vault.referCase(caseId: opened.id, referral: agency).status, .referred)
        XCTAssertEqual(try vault.referCase(caseId: opened.id, referral: ReferralInput(agency: .kp2mi, office: nil, date: "2026-03-04", note: nil)).status, .referred)
        XCTAssertEqual(try vault.changeCaseStatus(caseId: opened.id, change: StatusChangeInput(to: .inProgress, date: "2026-03-05", note: nil)).status, .inProgress)
        let note = try vault.addCaseNote(caseId: opened.id, note: "Kader menelepon agen", date: "2026-03-06")
        XCTAssertEqual(note.change, .note)
        XCTAssertEqual(note.note, "Kader menelepon agen")
        XCTAssertEqual(note.actor, kader)
        assertInvalid(try vault.addCaseNote(caseId: opened.id, note: "  ", date: nil), field: "note")
        _ = try vault.changeCaseStatus(caseId: opened.id, change: StatusChangeInput(to: .resolved, date: "2026-03-20", note: "Gaji dibayar"))
        _ = try vault.changeCaseStatus(caseId: opened.id, change: StatusChangeInput(to: .closed, date: nil, note: nil))
        let reopened = try vault.changeCaseStatus(caseId: opened.id, change: StatusChangeInput(to: .inProgress, date: nil, note: "Agen ingkar janji"))
        XCTAssertEqual(reopened.status, .inProgress)

        // Withdrawn: no further referral.
        _ = try vault.recordConsent(personId: siti.id, input: consentInput(.shareWithAgencies, given: false))
        assertNotAllowed(try vault.referCase(caseId: opened.id, referral: ReferralInput(agency: .police, office: nil, date: nil, note: nil)), .consentWithdrawn(purpose: .shareWithAgencies))

        let detail = try vault.getCase(caseId: opened.id)
        XCTAssertEqual(detail.`case`, reopened)
        let today = String(siti.createdAt.prefix(10))
        XCTAssertEqual(detail.timeline.map(\.change), [
            .opened,
            .statusChanged(from: .`open`, to: .referred),
            .referred(agency: .disnaker, office: "Disnaker Kabupaten Contoh"),
            .referred(agency: .kp2mi, office: nil),
            .statusChanged(from: .referred, to: .inProgress),
            .note,
            .statusChanged(from: .inProgress, to: .resolved),
            .statusChanged(from: .resolved, to: .closed),
            .statusChanged(from: .closed, to: .inProgress),
        ])
        let dates = detail.timeline.map(\.date)
        XCTAssertEqual(Array(dates.prefix(7)), ["2026-03-01", "2026-03-03", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-20"])
        XCTAssertTrue(dates.dropFirst(7).allSatisfy { $0 >= today }, "\(dates)")
        XCTAssertTrue(detail.timeline.allSatisfy { $0.actor == kader && $0.caseId == opened.id })
        XCTAssertEqual(detail.timeline.suffix(3).map(\.note), ["Gaji dibayar", nil, "Agen ingkar janji"])
        XCTAssertEqual(detail.referrals.map(\.agency), [.disnaker, .kp2mi])
        XCTAssertEqual(detail.referrals[0].note, "Berkas diantar")
        XCTAssertEqual(detail.referrals[0].eventId, detail.timeline[2].id)

        // Lists: one person's, or the village's.
        let budiCase = try vault.openCase(personId: budi.id, input: CaseInput(caseType: .abuse, description: "Uraian contoh", reportedBy: .migrant, reportedOn: nil))
        XCTAssertEqual(try vault.listCases(personId: siti.id).map(\.id), [opened.id])
        XCTAssertEqual(try vault.listCases(personId: nil).map(\.id), [opened.id, budiCase.id])
        assertNotFound(try vault.listCases(personId: "nobody"), kind: .person)
        assertNotFound(try vault.getCase(caseId: "nobody"), kind: .`case`)
    }

    func testReturnPlanServicesAndFollowUp() throws {
        let vault = try newTestVault()
        try vault.setActor(actor: cadreActor)
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 2))
        let budi = try vault.addPerson(input: fakePerson("Budi Contoh", 1))
        _ = try vault.setJourney(personId: siti.id, input: JourneyInput(phase: .abroad, destinationCountry: "MY", sector: .domesticWork, employerName: nil, employerAddress: nil, agencyName: nil, agencyLicence: nil, departureDate: "2025-03-01", contractEndDate: nil))
        let sitiCase = try vault.openCase(personId: siti.id, input: CaseInput(caseType: .documentSeized, description: "Paspor ditahan majikan", reportedBy: .migrant, reportedOn: "2026-04-01"))
        let budiCase = try vault.openCase(personId: budi.id, input: CaseInput(caseType: .abuse, description: "Uraian contoh", reportedBy: .family, reportedOn: nil))

        let input = ReturnInput(
            returnDate: "2026-04-20", reason: .`case`, caseId: sitiCase.id, condition: "Lelah, sehat",
            needs: [.economic, .health, .economic], followUpPlan: "Pelatihan usaha", nextFollowUpOn: "2026-05-15"
        )
        // Someone else's case cannot be the reason; a return cannot be in the future.
        var otherCase = input
        otherCase.caseId = budiCase.id
        assertNotFound(try vault.recordReturn(personId: siti.id, input: otherCase), kind: .`case`)
        var future = input
        future.returnDate = futureDay()
        assertInvalid(try vault.recordReturn(personId: siti.id, input: future), field: "return_date")
        XCTAssertEqual(try vault.getJourney(personId: siti.id)?.phase, .abroad)

        let returned = try vault.recordReturn(personId: siti.id, input: input)
        XCTAssertEqual(returned.needs, [.health, .economic])
        XCTAssertEqual(returned.caseId, sitiCase.id)
        XCTAssertTrue(returned.services.isEmpty)
        let journey = try XCTUnwrap(try vault.getJourney(personId: siti.id))
        XCTAssertEqual(journey.phase, .returned)
        XCTAssertEqual(journey.destinationCountry, "MY")

        // The plan's follow-up cannot come before the return; nor a service.
        assertInvalid(try vault.updateReturnPlan(returnId: returned.id, input: ReturnPlanInput(needs: [.psychosocial], followUpPlan: "Konseling", nextFollowUpOn: "2026-04-01")), field: "next_follow_up_on", reason: .inconsistent)
        assertInvalid(try vault.addReintegrationService(returnId: returned.id, input: ServiceInput(kind: .training, date: "2026-04-01", provider: nil, note: nil)), field: "date")
        let training = try vault.addReintegrationService(returnId: returned.id, input: ServiceInput(kind: .training, date: "2026-05-02", provider: "BLK Contoh", note: "Menjahit"))
        XCTAssertEqual(training.returnId, returned.id)
        XCTAssertEqual(training.personId, siti.id)
        XCTAssertEqual(training.date, "2026-05-02")

        let updated = try vault.updateReturnPlan(returnId: returned.id, input: ReturnPlanInput(
            needs: [.psychosocial, .legal], followUpPlan: "Konseling dan bantuan hukum", nextFollowUpOn: "2026-06-01"
        ))
        XCTAssertEqual(updated.needs, [.legal, .psychosocial])
        XCTAssertEqual(updated.followUpPlan, "Konseling dan bantuan hukum")
        XCTAssertEqual(updated.nextFollowUpOn, "2026-06-01")
        XCTAssertEqual(updated.services, [training])
        XCTAssertEqual(updated.condition, "Lelah, sehat")
        XCTAssertEqual(try vault.listReturns(personId: siti.id), [updated])
        XCTAssertTrue(try vault.listReturns(personId: budi.id).isEmpty)
        assertNotFound(try vault.addReintegrationService(returnId: "nobody", input: ServiceInput(kind: .other, date: "2026-05-02", provider: nil, note: nil)), kind: .`return`)

        // The follow-up date is on the agenda: not on the old date, on the new one.
        XCTAssertFalse(try agendaOn(vault, "2026-05-15").contains { $0.kind == .reintegrationFollowUpDue })
        let due = try agendaOn(vault, "2026-06-01")
        XCTAssertEqual(due.count, 1)
        XCTAssertEqual(due.first?.kind, .reintegrationFollowUpDue)
        XCTAssertEqual(due.first?.recordId, returned.id)
        XCTAssertEqual(due.first?.personName, "Siti Contoh")
        XCTAssertEqual(due.first?.daysOverdue, 0)
        XCTAssertNil(due.first?.count)
    }
}
