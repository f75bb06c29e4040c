// Mirrors bindings/kotlin/src/test/.../ChecklistTest.kt. Not compiled here (no Swift toolchain).
import Foundation
import XCTest
@testable import MigranCore

final class ChecklistTests: XCTestCase {
    func testFamilyFollowsTheChecklist() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 2))
        _ = try vault.setJourney(personId: siti.id, input: JourneyInput(phase: .preDeparture, destinationCountry: "HK", sector: .caregiving, employerName: nil, employerAddress: nil, agencyName: nil, agencyLicence: nil, departureDate: "2027-03-01", contractEndDate: "2029-02-28"))
        XCTAssertEqual(try vault.checklistPackVersion(), 2)
        XCTAssertTrue(try vault.checklist(personId: siti.id, locale: .id).items.contains { $0.id == "passport" })
        // A step that needs others is refused with the item and what it still needs, typed.
        XCTAssertThrowsError(try vault.setChecklistItem(personId: siti.id, itemId: "work_visa", update: ChecklistItemUpdate(state: .done, by: nil, note: nil, documentId: nil), locale: .id)) { error in
            guard case MigranError.NotAllowed(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, .checklistDependency(item: "work_visa", missing: ["passport", "work_agreement"]))
            XCTAssertEqual(
                errorMessage(error: error as! MigranError, locale: .en),
                "Not allowed: step 'work_visa' cannot be done yet: first finish passport, work_agreement."
            )
        }
        XCTAssertEqual(try vault.checklist(personId: siti.id, locale: .id).items.first { $0.id == "work_visa" }?.state, .notStarted)
        _ = try vault.setMaritalStatus(personId: siti.id, status: .married, locale: .en)
        let after = try vault.setChecklistItem(personId: siti.id, itemId: "ktp", update: ChecklistItemUpdate(state: .done, by: "Kader Contoh", note: nil, documentId: nil), locale: .en)
        XCTAssertEqual(after.summary.done, 1)
        // What the family sees needs Siti's consent to share with her family.
        assertNotAllowed(try vault.familyChecklist(personId: siti.id, locale: .id), .consentMissing(purpose: .shareWithFamily))
        _ = try vault.recordConsent(personId: siti.id, input: ConsentInput(purpose: .shareWithFamily, given: true, date: nil, note: nil))
        let family = try vault.familyChecklist(personId: siti.id, locale: .id)
        XCTAssertEqual(family.firstName, "Siti")
        XCTAssertEqual(family.done, 1)
    }
}
