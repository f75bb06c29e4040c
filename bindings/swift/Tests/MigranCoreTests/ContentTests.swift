// Mirrors bindings/kotlin/src/test/.../ContentTest.kt. Not compiled here (no Swift toolchain).
import Foundation
import XCTest
@testable import MigranCore

final class ContentTests: XCTestCase {
    private func journey(_ country: String, _ sector: Sector) -> JourneyInput {
        JourneyInput(phase: .preDeparture, destinationCountry: country, sector: sector, employerName: nil, employerAddress: nil, agencyName: nil, agencyLicence: nil, departureDate: "2027-03-01", contractEndDate: nil)
    }

    private func person(_ name: String, _ n: Int, born: String) -> PersonInput {
        var input = fakePerson(name, n)
        input.birthDate = born
        return input
    }

    func testEveryDirectoryNumberHasItsSourceDateAndOldOnesAreToBeVerified() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        vault.lock()
        let entries = try vault.directoryEntries(locale: .en)
        XCTAssertTrue(entries.contains { $0.id == "kbri-seoul" && $0.role == .mission && $0.country == "KR" })
        XCTAssertEqual(entries.first { $0.id == "kbri-riyadh" }?.verify, true)
        // "To be verified": the source is older than the directory's 730 days on the core's
        // day, counted here so that the test means the same whenever it runs.
        let utc = DateFormatter()
        utc.calendar = Calendar(identifier: .gregorian)
        utc.locale = Foundation.Locale(identifier: "en_US_POSIX")
        utc.timeZone = TimeZone(identifier: "UTC")
        utc.dateFormat = "yyyy-MM-dd"
        let today = utc.date(from: utcDay())!
        for entry in entries {
            guard let source = entry.sourceDate else { continue }
            let old = utc.date(from: source).map { today.timeIntervalSince($0) > 730 * 86_400 } ?? true
            XCTAssertEqual(entry.verify, old, "\(entry.id), source \(source)")
        }
        XCTAssertEqual(entries.filter { $0.role == .domesticHotline }.map { $0.number }, ["0800-1000"])
        for entry in entries {
            XCTAssertTrue(entry.sourceDate != nil || entry.role == .localEmergency, entry.id)
        }
        XCTAssertEqual(try vault.directoryInfo().version, 3)
    }

    func testA17YearOldDomesticWorkerToSaudiArabiaIsBlockedUntilTheFactsChange() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        let dewi = try vault.addPerson(input: person("Dewi Contoh", 2, born: "2009-06-01"))
        _ = try vault.setJourney(personId: dewi.id, input: journey("SA", .domesticWork))
        let view = try vault.checklist(personId: dewi.id, locale: .en)
        XCTAssertEqual(view.summary.legalBlocks, ["age_not_yet_18", "single_channel_check"])
        XCTAssertFalse(view.summary.ready)
        XCTAssertEqual(view.warnings.first?.kind, .legalBlock)
        assertNotAllowed(
            try vault.setChecklistItem(personId: dewi.id, itemId: "age_not_yet_18", update: ChecklistItemUpdate(state: .done, by: nil, note: nil, documentId: nil), locale: .id),
            .legalBlock(item: "age_not_yet_18")
        )
        let channel = try vault.setPlacementFacts(personId: dewi.id, facts: PlacementFacts(feeCharged: nil, officialChannel: true), locale: .en)
        XCTAssertEqual(channel.summary.legalBlocks, ["age_not_yet_18"])
        XCTAssertEqual(channel.placement.officialChannel, true)
    }

    func testAChildsConsentComesFromAParentAndAnEmergencyReferralNeedsAReason() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        // Sixteen on the core's day, whenever the test runs.
        let child = try vault.addPerson(input: person("Dewi Contoh", 4, born: utcDay(offset: -16 * 365)))
        let asked = ConsentInput(purpose: .shareWithFamily, given: true, date: nil, note: nil)
        assertNotAllowed(try vault.recordConsent(personId: child.id, input: asked), .guardianConsentRequired)
        let mother = ConsentGiver(name: "Ibu Contoh", relationship: .parent)
        let record = try vault.recordGuardianConsent(personId: child.id, input: asked, givenBy: mother)
        XCTAssertEqual(record.givenBy, mother)

        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 6))
        let opened = try vault.openCase(personId: siti.id, input: CaseInput(caseType: .traffickingSuspicion, description: "Disekap", reportedBy: .family, reportedOn: nil))
        let referral = ReferralInput(agency: .kbri, office: nil, date: nil, note: nil)
        assertNotAllowed(try vault.referCaseInEmergency(caseId: opened.id, referral: referral, reason: ""), .consentMissing(purpose: .shareWithAgencies))
        XCTAssertEqual(try vault.referCaseInEmergency(caseId: opened.id, referral: referral, reason: "Disekap majikan").status, .referred)
        let processing = try vault.processingRecords(personId: siti.id)
        XCTAssertEqual(processing.count, 1)
        XCTAssertEqual(processing[0].basis, .vitalInterest)
        XCTAssertNil(processing[0].personToldOn)
        XCTAssertNotNil(try vault.recordPersonTold(recordId: processing[0].id, date: nil).personToldOn)

        let register = try lawfulBasis(purpose: .registration, locale: .en)
        XCTAssertEqual(register.bases, [.legalObligation, .publicTask])
        XCTAssertTrue(register.articles.contains("UU 18/2017 Pasal 42"))
    }
}
