// Mirrors bindings/kotlin/src/test/.../ImportTest.kt: the register in bulk through the
// Swift bindings. A CSV file (its bytes) imported with a progress listener written in
// Swift, every bad row reported by line and field with nothing written, and an export
// that imports into another vault unchanged. Helpers (newTestVault, everyPage,
// assertInvalid, ...) are in CadreWorkTests.swift. All people are made
// up (NIK 32010000000000nn, "... Contoh").
// Not compiled on the project's CI machine (no Swift toolchain there); run `swift test`
// after scripts/build-bindings.sh.
import Foundation
import XCTest
@testable import MigranCore

/// The progress listener an app would write: it only records what it is told. The core
/// calls it on the importing thread, hence the lock.
final class ImportRecorder: ImportListener, @unchecked Sendable {
    struct Call: Equatable {
        let stage: ImportStage
        let done: UInt32
        let total: UInt32
    }

    private let lock = NSLock()
    private var recorded: [Call] = []

    var calls: [Call] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func onProgress(stage: ImportStage, done: UInt32, total: UInt32) {
        lock.lock()
        recorded.append(Call(stage: stage, done: done, total: total))
        lock.unlock()
    }
}

/// A listener with a bug: it throws once the rows are being written.
final class BrokenListener: ImportListener, @unchecked Sendable {
    struct Bug: Error {}
    private let lock = NSLock()
    private var recorded: [(ImportStage, UInt32)] = []

    var calls: [(ImportStage, UInt32)] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func onProgress(stage: ImportStage, done: UInt32, total: UInt32) throws {
        lock.lock()
        recorded.append((stage, done))
        lock.unlock()
        if stage == .writing && done > 0 { throw Bug() }
    }
}

final class ImportTests: XCTestCase {
    private let header = "full_name,nik,birth_date,sex,phone,address,village,consent,consent_date\n"

    private func digits(_ n: Int, _ width: Int) -> String {
        String(format: "%0\(width)d", n)
    }

    private func nik(_ n: Int) -> String { "32010000" + digits(n, 8) }

    /// One made-up person's row, with registration consent given on 2026-01-15.
    private func row(_ n: Int) -> String {
        let sex = n % 2 == 0 ? "P" : "L"
        return "Siti Contoh \(n),\(nik(n)),1998-04-12,\(sex),0812\(digits(n, 8)),\"Dusun Contoh, RT \(digits(n, 3))\",Desa Contoh,ya,2026-01-15\n"
    }

    private func file(_ rows: [String]) -> Data { Data((header + rows.joined()).utf8) }

    private func registered(_ vault: Vault) throws -> UInt32 {
        try vault.listPersons(page: everyPage, includeArchived: true).total
    }

    private func auditEntries(_ vault: Vault) throws -> [AuditEntry] {
        try vault.auditLog(query: AuditQuery(personId: nil, from: nil, to: nil, page: everyPage)).items
    }

    private func onePerson(_ vault: Vault, nik: String) throws -> Person {
        let found = try vault.findPersons(lookup: .nik(nik: nik))
        XCTAssertEqual(found.count, 1, nik)
        return try XCTUnwrap(found.first)
    }

    func testValidFileRegistersEveryoneWithTheirConsentAuditedAsOneBatch() throws {
        let vault = try newTestVault()
        try vault.setActor(actor: cadreActor)
        let recorder = ImportRecorder()
        let report = try vault.importPersonsCsv(csv: file((1...3).map(row)), options: ImportOptions(), listener: recorder)
        let batchId = try XCTUnwrap(report.batchId)
        XCTAssertEqual(report, ImportReport(rows: 3, imported: 3, withConsent: 3, skipped: 0, issues: [], refused: false, batchId: batchId))
        XCTAssertEqual(try registered(vault), 3)

        for n in 1...3 {
            let person = try onePerson(vault, nik: nik(n))
            let sex: Sex = n % 2 == 0 ? .female : .male
            XCTAssertEqual(person.fullName, "Siti Contoh \(n)")
            XCTAssertEqual(person.birthDate, "1998-04-12")
            XCTAssertEqual(person.sex, sex)
            XCTAssertEqual(person.phone, "+62812" + digits(n, 8))
            XCTAssertEqual(person.address, "Dusun Contoh, RT " + digits(n, 3), "the quoted comma is kept")
            XCTAssertEqual(try vault.consents(personId: person.id).first, ConsentStatus(purpose: .registration, state: .given, since: "2026-01-15"))
        }

        // The listener, implemented in Swift, was called from the core: checking from 0 to
        // 3, then writing from 0 to 3.
        let calls = recorder.calls
        XCTAssertEqual(calls.first, ImportRecorder.Call(stage: .checking, done: 0, total: 3))
        XCTAssertEqual(calls.last, ImportRecorder.Call(stage: .writing, done: 3, total: 3))
        XCTAssertTrue(calls.contains(ImportRecorder.Call(stage: .checking, done: 3, total: 3)), "\(calls)")
        XCTAssertTrue(calls.contains(ImportRecorder.Call(stage: .writing, done: 0, total: 3)), "\(calls)")
        XCTAssertTrue(calls.allSatisfy { $0.total == 3 && $0.done <= $0.total }, "\(calls)")
        let firstWrite = try XCTUnwrap(calls.firstIndex { $0.stage == .writing })
        XCTAssertTrue(calls[..<firstWrite].allSatisfy { $0.stage == .checking }, "checking, then writing: \(calls)")

        // One audit entry names the batch and its count; none per person.
        let entries = try auditEntries(vault)
        let batches = entries.filter { $0.action == .`import` }
        XCTAssertEqual(batches.count, 1)
        let batch = try XCTUnwrap(batches.first)
        XCTAssertEqual(batch.kind, .person)
        XCTAssertEqual(batch.recordId, batchId)
        XCTAssertEqual(batch.count, 3)
        XCTAssertNil(batch.personId)
        XCTAssertEqual(batch.actor, kader)
        XCTAssertFalse(entries.contains { $0.action == .create && $0.kind == .person }, "\(entries)")
    }

    func testBadRowsAreEachReportedByLineAndFieldAndNothingIsWritten() throws {
        let vault = try newTestVault()
        let recorder = ImportRecorder()
        var rows = (1...6).map(row)
        rows[1] = rows[1].replacingOccurrences(of: nik(2), with: "320100000000002") // line 3: 15 digits
        rows[2] = rows[2].replacingOccurrences(of: "1998-04-12", with: "1998-02-30") // line 4: no such day
        rows[3] = rows[3].replacingOccurrences(of: ",P,", with: ",X,")
            .replacingOccurrences(of: ",ya,2026-01-15", with: ",tidak,") // line 5: two problems
        rows[5] = rows[5].replacingOccurrences(of: nik(6), with: nik(1)) // line 7: the NIK of line 2
        let report = try vault.importPersonsCsv(csv: file(rows), options: ImportOptions(), listener: recorder)
        XCTAssertTrue(report.refused)
        XCTAssertEqual(report.rows, 6)
        XCTAssertEqual(report.imported, 0)
        XCTAssertEqual(report.withConsent, 0)
        XCTAssertNil(report.batchId)
        XCTAssertEqual(report.issues, [
            ImportIssue(line: 3, field: "nik", problem: .invalid(reason: .tooShort)),
            ImportIssue(line: 4, field: "birth_date", problem: .invalid(reason: .badDate)),
            ImportIssue(line: 5, field: "sex", problem: .invalid(reason: .badFormat)),
            ImportIssue(line: 5, field: "consent", problem: .consentMissing),
            ImportIssue(line: 7, field: "nik", problem: .duplicateInFile(firstLine: 2)),
        ])
        XCTAssertEqual(try registered(vault), 0, "nothing is written")
        XCTAssertFalse(recorder.calls.contains { $0.stage == .writing }, "\(recorder.calls)")
        XCTAssertFalse(try auditEntries(vault).contains { $0.action == .`import` })
        // The issues name positions and fields, never a value from the file.
        XCTAssertFalse("\(report)".contains("Siti Contoh"), "\(report)")

        // With skipInvalid the good rows go in and the others are counted as skipped.
        let skipped = try vault.importPersonsCsv(csv: file(rows), options: ImportOptions(skipInvalid: true), listener: nil)
        XCTAssertFalse(skipped.refused)
        XCTAssertEqual([skipped.imported, skipped.skipped, skipped.withConsent], [2, 4, 2])
        XCTAssertEqual(skipped.issues, report.issues)
        XCTAssertEqual(try vault.listPersons(page: everyPage, includeArchived: true).items.map(\.fullName), ["Siti Contoh 1", "Siti Contoh 5"])

        // Rows already in the vault: refused, or skipped when asked.
        let again = file([row(1), row(7)])
        let duplicate = try vault.importPersonsCsv(csv: again, options: ImportOptions(), listener: nil)
        XCTAssertTrue(duplicate.refused)
        XCTAssertEqual(duplicate.issues, [ImportIssue(line: 2, field: "nik", problem: .duplicateInVault)])
        let skipDuplicates = try vault.importPersonsCsv(csv: again, options: ImportOptions(skipDuplicates: true), listener: nil)
        XCTAssertEqual([skipDuplicates.imported, skipDuplicates.skipped], [1, 1])
        XCTAssertEqual(try registered(vault), 3)
    }

    func testAListenerThatThrowsIsNotCalledAgainAndTheImportCarriesOn() throws {
        let vault = try newTestVault()
        let broken = BrokenListener()
        // 300 rows: progress comes about every hundredth, so many calls would follow.
        let report = try vault.importPersonsCsv(csv: file((1...300).map(row)), options: ImportOptions(), listener: broken)
        XCTAssertEqual(report.imported, 300)
        XCTAssertEqual(broken.calls.filter { $0.0 == .writing && $0.1 > 0 }.count, 1)
        XCTAssertEqual(try registered(vault), 300)
    }

    func testTheHeaderIsCheckedBeforeAnyRow() throws {
        let vault = try newTestVault()
        let text = "nama,nik,nik,hobi,desa,persetujuan\nSiti Contoh,3201000000000001,1,2,Desa Contoh,ya\n"
        let report = try vault.importPersonsCsv(csv: Data(text.utf8), options: ImportOptions(), listener: nil)
        XCTAssertTrue(report.refused)
        XCTAssertEqual(report.issues, [
            ImportIssue(line: 1, field: "nik", problem: .repeatedColumn(column: 3)),
            ImportIssue(line: 1, field: "header", problem: .unknownColumn(column: 4)),
            ImportIssue(line: 1, field: "birth_date", problem: .missingColumn),
            ImportIssue(line: 1, field: "sex", problem: .missingColumn),
        ])
        // A row with too few fields, and a quote that is never closed.
        let short = file([row(1), "Siti Contoh,3201000000000002\n", "\"Budi Contoh,3201000000000003\n"])
        XCTAssertEqual(try vault.importPersonsCsv(csv: short, options: ImportOptions(), listener: nil).issues, [
            ImportIssue(line: 3, field: "row", problem: .fieldCount(expected: 9, found: 2)),
            ImportIssue(line: 4, field: "full_name", problem: .unclosedQuote),
        ])
        XCTAssertEqual(try registered(vault), 0)
    }

    func testByteOrderMarkSemicolonsAndIndonesianHeadersAreRead() throws {
        let vault = try newTestVault()
        let text = "\u{FEFF}Nama Lengkap;NIK;Tanggal Lahir;Jenis Kelamin;No. HP;Alamat;Desa;Persetujuan;Tanggal Persetujuan\r\n"
            + "\"Siti \"\"Ina\"\" Contoh\";3201 0000 0000 0001;1998-04-12;perempuan;0812-0000-0001;\"Dusun Contoh; RT 001\";Desa Contoh;ya;2026-01-15\r\n"
            + "\r\n"
            + "Budi Contoh;3201000000000002;1990-01-01;L;;;Desa Contoh;YA;\r\n"
        let report = try vault.importPersonsCsv(csv: Data(text.utf8), options: ImportOptions(), listener: nil)
        XCTAssertEqual(report.issues, [])
        XCTAssertEqual([report.rows, report.imported], [2, 2])
        let siti = try onePerson(vault, nik: "3201000000000001")
        XCTAssertEqual(siti.fullName, "Siti \"Ina\" Contoh")
        XCTAssertEqual(siti.phone, "+6281200000001")
        XCTAssertEqual(siti.address, "Dusun Contoh; RT 001")
        let budi = try onePerson(vault, nik: "3201000000000002")
        XCTAssertNil(budi.phone)
        XCTAssertEqual(try vault.consentHistory(personId: budi.id).map(\.date), [utcDay()], "consent given without a date: the import day")
    }

    func testRegistrationConsentIsRecordedOnlyWhenTheFileSaysItWasGiven() throws {
        let vault = try newTestVault()
        let rows = [row(1), row(2).replacingOccurrences(of: ",ya,2026-01-15", with: ",tidak,")]
        XCTAssertEqual(
            try vault.importPersonsCsv(csv: file(rows), options: ImportOptions(), listener: nil).issues,
            [ImportIssue(line: 3, field: "consent", problem: .consentMissing)]
        )
        let report = try vault.importPersonsCsv(csv: file(rows), options: ImportOptions(withoutConsent: true), listener: nil)
        XCTAssertEqual([report.imported, report.withConsent], [2, 1])
        let ani = try onePerson(vault, nik: nik(2))
        XCTAssertEqual(try vault.consents(personId: ani.id).first?.state, .notAsked)
        // Nothing new is recorded about her until the cadre has asked: a typed refusal.
        let journey = JourneyInput(phase: .prospective, destinationCountry: nil, sector: nil, employerName: nil, employerAddress: nil, agencyName: nil, agencyLicence: nil, departureDate: nil, contractEndDate: nil)
        assertNotAllowed(try vault.setJourney(personId: ani.id, input: journey), .consentMissing(purpose: .registration))
        _ = try vault.recordConsent(personId: ani.id, input: consentInput(.registration))
        XCTAssertEqual(try vault.setJourney(personId: ani.id, input: journey).phase, .prospective)
    }

    func testAFileThatCannotBeReadAtAllIsRefusedWholeNamingTheFile() throws {
        let vault = try newTestVault()
        for empty in ["", "\u{FEFF}", "\n\n"] {
            assertInvalid(try vault.importPersonsCsv(csv: Data(empty.utf8), options: ImportOptions(), listener: nil), field: "file", reason: .empty)
        }
        // "Unicode text" from a spreadsheet is UTF-16: refused, to be saved as CSV UTF-8.
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(try XCTUnwrap(header.data(using: .utf16LittleEndian)))
        XCTAssertThrowsError(try vault.importPersonsCsv(csv: utf16, options: ImportOptions(), listener: nil)) { error in
            guard case MigranError.Invalid(let field, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "file")
            XCTAssertEqual(reason, .badFormat)
            XCTAssertEqual(errorMessage(error: error as! MigranError, locale: .id), "Isian 'berkas' tidak sah: bentuknya tidak sesuai.")
        }
        // A row in Windows-1252 names its field.
        var latin1 = file([row(1)])
        latin1.append(try XCTUnwrap("Jos\u{E9} Contoh,\(nik(2)),1990-01-01,L,,,Desa Contoh,ya,\n".data(using: .isoLatin1)))
        XCTAssertEqual(
            try vault.importPersonsCsv(csv: latin1, options: ImportOptions(), listener: nil).issues,
            [ImportIssue(line: 3, field: "full_name", problem: .invalid(reason: .badCharacters))]
        )
        XCTAssertEqual(try registered(vault), 0)
    }

    func testAnExportImportsIntoAnotherVaultUnchanged() throws {
        var rows = (1...6).map(row)
        rows[0] = "\"=HYPERLINK(\"\"x\"\")\",\(nik(1)),1998-04-12,P,,\"Dusun \"\"Baru\"\"\nRT 1\",Desa Contoh,ya,2025-12-01\n"
        rows[1] = row(2).replacingOccurrences(of: ",ya,2026-01-15", with: ",,")
        let source = try newTestVault()
        let target = try newTestVault()
        try source.setActor(actor: cadreActor)
        XCTAssertEqual(try source.importPersonsCsv(csv: file(rows), options: ImportOptions(withoutConsent: true), listener: nil).imported, 6)
        let archived = try onePerson(source, nik: nik(3))
        _ = try source.setPersonArchived(id: archived.id, archived: true)

        let active = try source.exportPersonsCsv(options: CsvExportOptions(separator: .comma))
        XCTAssertTrue(active.hasPrefix("\u{FEFF}full_name,nik,birth_date,sex,phone,address,village,consent,consent_date\r\n"), active)
        XCTAssertFalse(active.contains(nik(3)), "archived persons are left out by default")
        XCTAssertTrue(active.contains("'=HYPERLINK"), "a formula is defused")
        XCTAssertTrue(active.contains("Siti Contoh 2,\(nik(2)),1998-04-12,female,'+6281200000002,"), "a phone number stays text: \(active)")
        XCTAssertTrue(active.contains(",no,\r\n"), "Siti 2 gave no consent: \(active)")
        XCTAssertTrue(active.contains(",yes,2025-12-01\r\n"), active)

        let everyone = try source.exportPersonsCsv(options: CsvExportOptions(includeArchived: true, separator: .semicolon))
        XCTAssertTrue(everyone.hasPrefix("\u{FEFF}full_name;nik;birth_date;sex;phone;address;village;consent;consent_date\r\n"))
        XCTAssertTrue(everyone.contains(nik(3)))
        let exports = try auditEntries(source).filter { $0.action == .export && $0.kind == .person && $0.personId == nil }
        XCTAssertEqual(exports.map(\.count), [5, 6])

        let report = try target.importPersonsCsv(csv: Data(everyone.utf8), options: ImportOptions(withoutConsent: true), listener: nil)
        XCTAssertEqual(report.issues, [])
        XCTAssertEqual([report.imported, report.withConsent], [6, 5])
        func key(_ p: Person) -> [String?] { [p.fullName, p.nik, p.birthDate, "\(p.sex)", p.phone, p.address, p.village] }
        let before = try source.listPersons(page: everyPage, includeArchived: true).items.map(key)
        XCTAssertEqual(try target.listPersons(page: everyPage, includeArchived: true).items.map(key), before)
        let firstRow = try XCTUnwrap(before.first)
        XCTAssertEqual(firstRow[0], "=HYPERLINK(\"x\")")
        XCTAssertEqual(firstRow[5], "Dusun \"Baru\"\nRT 1")
        let first = try onePerson(target, nik: nik(1))
        XCTAssertEqual(try target.consentHistory(personId: first.id).map(\.date), ["2025-12-01"])
        let second = try onePerson(target, nik: nik(2))
        XCTAssertTrue(try target.consentHistory(personId: second.id).isEmpty)
    }

    func testIssuesAreSaidInBothLanguagesWithoutTheValues() {
        let short = ImportIssue(line: 12, field: "nik", problem: .invalid(reason: .tooShort))
        XCTAssertEqual(importIssueMessage(issue: short, locale: .id), "Baris 12, NIK: terlalu pendek.")
        XCTAssertEqual(importIssueMessage(issue: short, locale: .en), "Line 12, NIK (national identity number): too short.")
        XCTAssertEqual(
            importIssueMessage(issue: ImportIssue(line: 12, field: "nik", problem: .duplicateInFile(firstLine: 3)), locale: .id),
            "Baris 12, NIK: sama dengan baris 3."
        )
        XCTAssertEqual(
            importIssueMessage(issue: ImportIssue(line: 4, field: "consent", problem: .consentMissing), locale: .en),
            "Line 4, registration consent: does not say that registration consent was given."
        )
        XCTAssertEqual(
            importIssueMessage(issue: ImportIssue(line: 1, field: "header", problem: .unknownColumn(column: 4)), locale: .id),
            "Baris 1, baris judul: kolom ke-4 tidak dikenal."
        )
        XCTAssertEqual(
            importIssueMessage(issue: ImportIssue(line: 3, field: "row", problem: .fieldCount(expected: 9, found: 2)), locale: .en),
            "Line 3, row: has 2 fields instead of 9."
        )
        // Every problem has its own sentence in each language.
        let problems: [ImportProblem] = [
            .invalid(reason: .empty), .missingColumn, .unknownColumn(column: 2), .repeatedColumn(column: 2),
            .fieldCount(expected: 9, found: 2), .unclosedQuote, .textAfterQuote, .rowTooLong,
            .duplicateInFile(firstLine: 2), .duplicateInVault, .consentMissing,
        ]
        for locale in [MigranCore.Locale.id, MigranCore.Locale.en] {
            let sentences = problems.map { importIssueMessage(issue: ImportIssue(line: 5, field: "nik", problem: $0), locale: locale) }
            XCTAssertEqual(Set(sentences).count, problems.count, "\(locale): \(sentences)")
            let start = locale == .id ? "Baris 5, NIK: " : "Line 5, NIK"
            XCTAssertTrue(sentences.allSatisfy { $0.hasPrefix(start) }, "\(sentences)")
        }
    }
}
