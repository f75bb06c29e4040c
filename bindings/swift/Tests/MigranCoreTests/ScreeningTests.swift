// Mirrors bindings/kotlin/src/test/.../ScreeningTest.kt. Not compiled here (no Swift toolchain).
import Foundation
import XCTest
@testable import MigranCore

final class ScreeningTests: XCTestCase {
    func testCriticalScreeningOpensAFollowUp() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        let siti = try vault.addPerson(input: fakePerson("Siti Contoh", 1))
        _ = try vault.setJourney(personId: siti.id, input: JourneyInput(phase: .prospective, destinationCountry: "AE", sector: .domesticWork, employerName: nil, employerAddress: nil, agencyName: "Pak Sponsor", agencyLicence: nil, departureDate: nil, contractEndDate: nil))
        XCTAssertFalse(try screeningQuestions(locale: .id).isEmpty)
        let answers = [ScreeningAnswer(questionId: "work_visa", answer: .no), ScreeningAnswer(questionId: "recruiter_licensed", answer: .no)]
        XCTAssertEqual(try vault.previewScreening(personId: siti.id, answers: answers).level, .critical)
        let record = try vault.screenPerson(personId: siti.id, input: ScreeningInput(screenedBy: "Kader Contoh", answers: answers))
        XCTAssertEqual(record.result.level, .critical)
        XCTAssertEqual(try vault.screeningHistory(personId: siti.id).count, 1)
        let followUp = try XCTUnwrap(try vault.listFollowUps(personId: siti.id).first)
        try vault.completeFollowUp(followUpId: followUp.id)
        XCTAssertTrue(try vault.listFollowUps(personId: siti.id)[0].done)
    }

    func testUnknownAnswersAreNeverSafe() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        let budi = try vault.addPerson(input: fakePerson("Budi Contoh", 2))
        let result = try vault.previewScreening(personId: budi.id, answers: [])
        XCTAssertFalse(result.complete)
        XCTAssertNotEqual(result.level, RiskLevel.none)
    }
}
