// Mirrors bindings/kotlin/src/test/.../ConsentAuditTest.kt: consent and its enforcement,
// the actor, the audit log and the person's export. Helpers in CadreWorkTests.swift.
// Not compiled on the project's CI machine (no Swift toolchain there).
import Foundation
import XCTest
@testable import MigranCore

final class ConsentAuditTests: XCTestCase {
    private func everything(_ page: PageRequest = everyPage) -> AuditQuery {
        AuditQuery(personId: nil, from: nil, to: nil, page: page)
    }

    private func about(_ personId: String) -> AuditQuery {
        AuditQuery(personId: personId, from: nil, to: nil, page: everyPage)
    }

    func testRegistrationConsentFamilyConsentAndWithdrawal() throws {
        let vault = try newTestVault()
        try vault.setActor(actor: cadreActor)
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 2))
        let today = String(siti.createdAt.prefix(10))
        XCTAssertEqual(try vault.consents(personId: siti.id), [
            ConsentStatus(purpose: .registration, state: .given, since: today),
            ConsentStatus(purpose: .shareWithFamily, state: .notAsked, since: nil),
            ConsentStatus(purpose: .shareWithAgencies, state: .notAsked, since: nil),
            ConsentStatus(purpose: .reporting, state: .notAsked, since: nil),
        ])

        XCTAssertThrowsError(try vault.familyChecklist(personId: siti.id, locale: .en)) { error in
            guard case MigranError.NotAllowed(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, .consentMissing(purpose: .shareWithFamily))
            XCTAssertEqual(
                errorMessage(error: error as! MigranError, locale: .en),
                "Not allowed: this person has not given consent for sharing with family. Ask for it and record it first."
            )
        }
        let given = try vault.recordConsent(personId: siti.id, input: consentInput(.shareWithFamily, date: "2026-01-15", note: "Formulir ditandatangani"))
        XCTAssertTrue(given.given)
        XCTAssertEqual(given.date, "2026-01-15")
        XCTAssertEqual(given.personId, siti.id)
        XCTAssertEqual(given.recordedBy, kader)
        XCTAssertEqual(try vault.familyChecklist(personId: siti.id, locale: .en).firstName, "Siti")

        _ = try vault.recordConsent(personId: siti.id, input: consentInput(.shareWithFamily, given: false, date: "2026-02-01"))
        assertNotAllowed(try vault.familyChecklist(personId: siti.id, locale: .en), .consentWithdrawn(purpose: .shareWithFamily))
        XCTAssertEqual(try vault.consents(personId: siti.id)[1], ConsentStatus(purpose: .shareWithFamily, state: .withdrawn, since: "2026-02-01"))

        // A consent is never dated in the future, nor recorded for nobody.
        assertInvalid(try vault.recordConsent(personId: siti.id, input: consentInput(.reporting, date: futureDay())), field: "date", reason: .outOfRange)
        assertNotFound(try vault.recordConsent(personId: "nobody", input: consentInput(.reporting)), kind: .person)
        XCTAssertEqual(try vault.consents(personId: siti.id)[3].state, .notAsked)

        // The history is ordered by the date of each change, not by when it was typed in.
        let history = try vault.consentHistory(personId: siti.id)
        XCTAssertEqual(history.map(\.purpose), [.shareWithFamily, .shareWithFamily, .registration])
        XCTAssertEqual(history.map(\.given), [true, false, true])
        XCTAssertEqual(history.map(\.date), ["2026-01-15", "2026-02-01", today])
        XCTAssertEqual(history.map(\.note), ["Formulir ditandatangani", nil, nil])
        XCTAssertTrue(history.allSatisfy { $0.personId == siti.id && $0.recordedBy == kader })
    }

    func testWithdrawnRegistrationStopsNewRecordsButNotTheExport() throws {
        let vault = try newTestVault()
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 2))
        _ = try vault.recordConsent(personId: siti.id, input: consentInput(.registration, given: false))
        let visit = VisitInput(date: "2026-01-10", cadre: "Kader Contoh", present: [], topics: [.safeMigration], observations: nil, followUps: [], nextVisitOn: nil)
        assertNotAllowed(try vault.addVisit(personId: siti.id, input: visit), .consentWithdrawn(purpose: .registration))
        assertNotAllowed(try vault.openCase(personId: siti.id, input: CaseInput(caseType: .abuse, description: "Uraian contoh", reportedBy: .family, reportedOn: nil)), .consentWithdrawn(purpose: .registration))
        XCTAssertTrue(try vault.listVisits(personId: siti.id).isEmpty)
        XCTAssertEqual(try parseJsonObject(try vault.exportPerson(personId: siti.id)).obj("person")?.str("full_name"), "Siti Contoh")

        _ = try vault.recordConsent(personId: siti.id, input: consentInput(.registration))
        _ = try vault.addVisit(personId: siti.id, input: visit)
        XCTAssertEqual(try vault.listVisits(personId: siti.id).count, 1)
        XCTAssertEqual(try vault.consentHistory(personId: siti.id).map(\.given), [true, false, true])
    }

    func testConsentTextsInBothLanguages() {
        let purposes: [ConsentPurpose] = [.registration, .shareWithFamily, .shareWithAgencies, .reporting]
        for locale in [MigranCore.Locale.id, MigranCore.Locale.en] {
            let texts = purposes.map { consentText(purpose: $0, locale: locale) }
            XCTAssertEqual(Set(texts).count, purposes.count, "\(locale): \(texts)")
            XCTAssertTrue(texts.allSatisfy { $0.count > 40 }, "\(locale): \(texts)")
        }
        XCTAssertNotEqual(consentText(purpose: .registration, locale: .id), consentText(purpose: .registration, locale: .en))
        XCTAssertTrue(consentText(purpose: .reporting, locale: .en).contains("no names"))
        XCTAssertTrue(consentText(purpose: .shareWithAgencies, locale: .id).contains("Disnaker"))
        XCTAssertTrue(consentText(purpose: .shareWithFamily, locale: .id).contains("Keluarga"))
    }

    func testActorIsNamedUntilLock() throws {
        let dir = tempDir()
        let secret = try newDeviceSecret()
        let vault = try Vault.create(dir: dir, pin: pin, deviceSecret: secret, settings: fastSettings())
        XCTAssertNil(try vault.currentActor())
        assertInvalid(try vault.setActor(actor: ActorInput(name: "  ", role: .cadre)), field: "actor_name")
        try vault.setActor(actor: cadreActor)
        XCTAssertEqual(try vault.currentActor(), kader)
        try vault.setActor(actor: ActorInput(name: "Pak Kades Contoh", role: .villageOfficer))
        XCTAssertEqual(try vault.currentActor(), MigranCore.Actor(name: "Pak Kades Contoh", role: .villageOfficer))
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 2))

        vault.lock()
        XCTAssertNil(try vault.currentActor(), "the actor is forgotten on lock")
        XCTAssertThrowsError(try vault.setActor(actor: cadreActor)) {
            guard case MigranError.Locked = $0 else { return XCTFail("\($0)") }
        }
        try vault.unlock(pin: pin)
        XCTAssertNil(try vault.currentActor(), "nor remembered after unlock")
        _ = try vault.getPerson(id: siti.id)

        let entries = try vault.auditLog(query: about(siti.id)).items
        let created = entries.filter { $0.action == .create && $0.kind == .person }
        XCTAssertEqual(created.count, 1)
        XCTAssertEqual(created.first?.actor, MigranCore.Actor(name: "Pak Kades Contoh", role: .villageOfficer))
        let read = entries.filter { $0.action == .read && $0.kind == .person }
        XCTAssertEqual(read.count, 1)
        XCTAssertNil(read.first?.actor)

        // The handle reopened from disk starts without an actor too.
        let reopened = try Vault.open(dir: dir, deviceSecret: secret)
        try reopened.unlock(pin: pin)
        XCTAssertNil(try reopened.currentActor())
    }

    func testAuditLogHoldsWhoAndWhenButNeverAValue() throws {
        let vault = try newTestVault()
        try vault.setActor(actor: cadreActor)
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 2))
        let budi = try vault.addPerson(input: fakePerson("Budi Contoh", 1))
        _ = try vault.getPerson(id: siti.id)
        _ = try vault.addContact(personId: siti.id, input: ContactInput(name: "Ibu Rahasia Contoh", relation: .parent, phone: "081211112222", address: nil))
        let opened = try vault.openCase(personId: siti.id, input: CaseInput(caseType: .traffickingSuspicion, description: "Uraian rahasia kasus", reportedBy: .migrant, reportedOn: nil))
        _ = try vault.getCase(caseId: opened.id)
        _ = try vault.recordConsent(personId: siti.id, input: consentInput(.reporting, note: "Catatan rahasia persetujuan"))
        _ = try vault.villageReport(request: ReportRequest(from: nil, to: nil))
        // Reads cost no commit: their entries wait in memory until the next write or the lock.

        let aboutSiti = try vault.auditLog(query: about(siti.id))
        let seen = aboutSiti.items.map { "\($0.action)/\($0.kind)" }
        let wanted: [(AuditAction, RecordKind)] = [
            (.create, .person), (.create, .consent), (.read, .person), (.create, .contact), (.create, .`case`), (.read, .`case`),
        ]
        for (action, kind) in wanted {
            XCTAssertTrue(aboutSiti.items.contains { $0.action == action && $0.kind == kind }, "\(action)/\(kind) missing from \(seen)")
        }
        XCTAssertTrue(aboutSiti.items.contains { $0.action == .read && $0.kind == .`case` && $0.recordId == opened.id })
        XCTAssertTrue(aboutSiti.items.allSatisfy { $0.personId == siti.id && $0.actor == kader && !$0.subjectErased })
        XCTAssertEqual(Int(aboutSiti.total), aboutSiti.items.count)
        XCTAssertNil(aboutSiti.nextOffset)

        let all = try vault.auditLog(query: everything())
        XCTAssertGreaterThan(all.total, aboutSiti.total)
        XCTAssertTrue(all.items.contains { $0.personId == budi.id })
        // The report names nobody; it counts Siti, the only one with the reporting consent.
        let reports = all.items.filter { $0.action == .report }
        XCTAssertEqual(reports.count, 1)
        XCTAssertEqual(reports.first?.kind, .villageReport)
        XCTAssertNil(reports.first?.personId)
        XCTAssertNil(reports.first?.recordId)
        XCTAssertEqual(reports.first?.count, 1)
        // Viewing the log is itself logged.
        XCTAssertTrue(all.items.contains { $0.action == .viewAudit && $0.kind == .auditLog && $0.count == aboutSiti.total })

        // Pages follow one another.
        let first = try vault.auditLog(query: everything(PageRequest(offset: 0, limit: 2)))
        XCTAssertEqual(first.items.count, 2)
        XCTAssertEqual(first.nextOffset, 2)
        let second = try vault.auditLog(query: everything(PageRequest(offset: 2, limit: 2)))
        XCTAssertEqual(second.items.map(\.id), all.items[2..<4].map(\.id))
        assertInvalid(try vault.auditLog(query: everything(PageRequest(offset: 0, limit: 0))), field: "limit")

        // Periods: whole days, inclusive; a reversed one is refused.
        XCTAssertEqual(try vault.auditLog(query: AuditQuery(personId: nil, from: futureDay(), to: nil, page: everyPage)).total, 0)
        XCTAssertEqual(try vault.auditLog(query: AuditQuery(personId: nil, from: nil, to: "2026-01-01", page: everyPage)).total, 0)
        let sinceJanuary = try vault.auditLog(query: AuditQuery(personId: nil, from: "2026-01-01", to: nil, page: everyPage)).total
        XCTAssertEqual(try vault.auditLog(query: everything()).total, sinceJanuary + 1, "the view just before is the only new entry")
        assertInvalid(try vault.auditLog(query: AuditQuery(personId: nil, from: "2026-06-30", to: "2026-01-01", page: everyPage)), field: "to", reason: .inconsistent)
        assertInvalid(try vault.auditLog(query: AuditQuery(personId: nil, from: "30/06/2026", to: nil, page: everyPage)), field: "from")

        // Exports: JSON and CSV of the same entries.
        let total = Int(try vault.auditLog(query: everything()).total)
        let json = try vault.exportAuditLog(from: nil, to: nil, format: .json)
        let entries = try parseJsonArray(json)
        XCTAssertEqual(entries.count, total + 1, "every entry, and the view just before")
        // Stored codes, as in the CSV: never Rust variant names.
        let created = try XCTUnwrap(entries.first { $0.str("action") == "create" && $0.str("kind") == "person" })
        XCTAssertEqual(created.obj("actor")?.str("name"), "Kader Contoh")
        XCTAssertEqual(created.obj("actor")?.str("role"), "cadre")
        XCTAssertEqual(created.str("person_id"), siti.id)
        let csv = try vault.exportAuditLog(from: nil, to: nil, format: .csv)
        let header = "at,actor_role,actor_name,action,kind,record_id,person_id,count,subject_erased\r\n"
        XCTAssertTrue(csv.hasPrefix(header), csv)
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(lines.count, 1 + total + 2, "header, the entries, the view and the JSON export")
        XCTAssertTrue(lines.contains { $0.hasSuffix(",cadre,Kader Contoh,create,person,\(siti.id),\(siti.id),,false") }, csv)
        XCTAssertTrue(lines.contains { $0.contains(",cadre,Kader Contoh,report,village_report,,,1,false") }, csv)
        XCTAssertEqual(try vault.exportAuditLog(from: futureDay(), to: nil, format: .csv), header)
        assertInvalid(try vault.exportAuditLog(from: "2026-06-30", to: "2026-01-01", format: .json), field: "to")

        // Who and what kind, never a value: no name, NIK, phone, address, note or case detail.
        let secrets = [
            "Siti Contoh", "Budi Contoh", siti.nik, budi.nik, "81200000002", "81200000001", "Dusun Contoh",
            "Ibu Rahasia", "81211112222", "Uraian rahasia", "Catatan rahasia", "traffickingSuspicion", "Trafficking",
        ]
        for text in [json, csv, "\(all)"] {
            for secret in secrets {
                XCTAssertFalse(text.contains(secret), "\(secret) in the audit log")
            }
        }
    }

    func testPersonExportHoldsEverythingAboutThemAndNobodyElse() throws {
        let vault = try newTestVault()
        try vault.setActor(actor: cadreActor)
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 2))
        let budi = try vault.addPerson(input: fakePerson("Budi Contoh", 1))
        _ = try vault.addContact(personId: siti.id, input: ContactInput(name: "Ibu Contoh", relation: .parent, phone: nil, address: nil))
        _ = try vault.setJourney(personId: siti.id, input: JourneyInput(phase: .abroad, destinationCountry: "MY", sector: .domesticWork, employerName: nil, employerAddress: nil, agencyName: nil, agencyLicence: nil, departureDate: "2026-02-10", contractEndDate: nil))
        _ = try vault.recordConsent(personId: siti.id, input: consentInput(.shareWithAgencies, date: "2026-02-01"))
        _ = try vault.addVisit(personId: siti.id, input: VisitInput(
            date: "2026-01-10", cadre: nil, present: ["Ibu Contoh"], topics: [.remittances], observations: "Rumah rapi",
            followUps: [VisitFollowUpInput(action: "Cek kontrak kerja", dueOn: "2026-01-20")], nextVisitOn: nil
        ))
        let opened = try vault.openCase(personId: siti.id, input: CaseInput(caseType: .unpaidWages, description: "Gaji belum dibayar", reportedBy: .family, reportedOn: "2026-03-01"))
        _ = try vault.referCase(caseId: opened.id, referral: ReferralInput(agency: .kbri, office: "KBRI Kuala Lumpur", date: "2026-03-02", note: nil))
        let returned = try vault.recordReturn(personId: siti.id, input: ReturnInput(returnDate: "2026-04-20", reason: .`case`, caseId: opened.id, condition: nil, needs: [.legal], followUpPlan: nil, nextFollowUpOn: nil))
        _ = try vault.addReintegrationService(returnId: returned.id, input: ServiceInput(kind: .legalAid, date: "2026-04-25", provider: "LBH Contoh", note: nil))
        _ = try vault.openCase(personId: budi.id, input: CaseInput(caseType: .abuse, description: "Kasus orang lain", reportedBy: .migrant, reportedOn: nil))

        let text = try vault.exportPerson(personId: siti.id)
        let doc = try parseJsonObject(text)
        XCTAssertEqual(doc.str("format"), "migran-person-export/1")
        XCTAssertEqual(doc.obj("person")?.str("full_name"), "Siti Contoh")
        XCTAssertEqual(doc.obj("person")?.str("nik"), siti.nik)
        XCTAssertEqual(doc.arr("contacts")?.first?.str("name"), "Ibu Contoh")
        XCTAssertEqual(doc.obj("journey")?.str("phase"), "returned")
        XCTAssertEqual(doc.obj("journey")?.str("destination_country"), "MY")
        XCTAssertEqual(doc.arr("consents")?.map { $0.str("purpose") }, ["share_with_agencies", "registration"])
        let visit = try XCTUnwrap(doc.arr("visits")?.first)
        XCTAssertEqual(visit.str("observations"), "Rumah rapi")
        XCTAssertEqual(visit.str("cadre"), "Kader Contoh", "the actor visited")
        XCTAssertEqual(visit.arr("follow_ups")?.first?.str("action"), "Cek kontrak kerja")
        let cases = try XCTUnwrap(doc.arr("cases"))
        XCTAssertEqual(cases.count, 1)
        XCTAssertEqual(cases[0].obj("case")?.str("description"), "Gaji belum dibayar")
        XCTAssertEqual(cases[0].arr("timeline")?.first?.str("change"), "opened")
        XCTAssertEqual(cases[0].arr("referrals")?.first?.str("agency"), "kbri")
        let returns = try XCTUnwrap(doc.arr("returns"))
        XCTAssertEqual(returns.count, 1)
        XCTAssertEqual(returns[0].str("reason"), "case")
        XCTAssertEqual(returns[0].str("case_id"), opened.id)
        XCTAssertEqual(returns[0].arr("services")?.first?.str("kind"), "legal_aid")
        XCTAssertNotNil(doc.obj("checklist"))
        XCTAssertEqual(doc.obj("screening")?.arr("screenings")?.count, 0)
        let audit = try XCTUnwrap(doc.arr("audit"))
        XCTAssertGreaterThanOrEqual(audit.count, 8)
        XCTAssertTrue(audit.allSatisfy { $0.str("person_id") == siti.id })
        XCTAssertTrue(audit.contains { $0.str("action") == "create" && $0.str("kind") == "return" })
        // Nobody else.
        for other in ["Budi Contoh", budi.id, budi.nik, "Kasus orang lain"] {
            XCTAssertFalse(text.contains(other), other)
        }

        // The export itself is in the log; an unknown person is not found.
        XCTAssertTrue(try vault.auditLog(query: about(siti.id)).items.contains {
            $0.action == .export && $0.kind == .person && $0.recordId == siti.id
        })
        assertNotFound(try vault.exportPerson(personId: "nobody"), kind: .person)
    }
}
