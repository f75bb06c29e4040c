// Mirrors bindings/kotlin/src/test/.../DuressPinTest.kt. Not compiled on the project's CI
// machine (no Swift toolchain there); run `swift test` after scripts/build-bindings.sh.
// The files, the decoy and the lockout counts are checked in core/tests/duress_pin.rs.
import Foundation
import XCTest
@testable import MigranCore

final class DuressPinTests: XCTestCase {
    let duressPin = "580241"
    let card = EmergencyCard(
        fullName: "Siti Contoh", passportNumber: "C0000001", country: "HK", city: nil,
        employerName: nil, employerAddress: "Flat 1, Jalan Contoh",
        contacts: [
            CardContact(name: "Ibu Contoh", phone: "081299990001", role: .family),
            CardContact(name: "Kader Contoh", phone: "081299990002", role: .cadre),
        ]
    )

    func newTestVault() throws -> Vault {
        try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
    }

    func testTheDuressPinUnlocksLikeTheRealOneIntoAnEmptyRegisterAndQueuesTheAlert() throws {
        let vault = try newTestVault()
        _ = try vault.addPerson(input: fakePerson("Siti Contoh", 1))
        _ = try vault.setEmergencyCard(card: card)
        try vault.setDuressPin(realPin: pin, duressPin: duressPin)
        vault.lock()

        try vault.unlock(pin: duressPin)
        XCTAssertTrue(vault.isUnlocked())
        XCTAssertEqual(try vault.listPersons(page: PageRequest(offset: 0, limit: 100), includeArchived: true).total, 0)
        let log = try vault.emergencyLog()
        XCTAssertEqual(log.count, 1)
        XCTAssertEqual(log[0].plan.kind, .heldAgainstWill)
        XCTAssertTrue(log[0].plan.actions.allSatisfy { $0.channel != .call })
        XCTAssertEqual(try vault.status().failedAttempts, 0)

        vault.lock()
        try vault.unlock(pin: pin)
        XCTAssertEqual(try vault.listPersons(page: PageRequest(offset: 0, limit: 100), includeArchived: true).total, 1)
    }

    func testSettingIsRefusedLockedWithAWrongRealPinOrWithAPinThePolicyRefuses() throws {
        let vault = try newTestVault()
        XCTAssertThrowsError(try vault.setDuressPin(realPin: pin, duressPin: pin)) {
            guard case MigranError.Invalid(let field, let reason) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "duress_pin")
            XCTAssertEqual(reason, .inconsistent)
        }
        XCTAssertThrowsError(try vault.setDuressPin(realPin: pin, duressPin: "123456")) {
            guard case MigranError.Invalid(_, let reason) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(reason, .weak)
        }
        XCTAssertThrowsError(try vault.setDuressPin(realPin: "975310", duressPin: duressPin)) {
            guard case MigranError.WrongPin = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try vault.status().failedAttempts, 1)
        vault.lock()
        XCTAssertThrowsError(try vault.setDuressPin(realPin: pin, duressPin: duressPin)) {
            guard case MigranError.Locked = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try vault.removeDuressPin(realPin: pin)) {
            guard case MigranError.Locked = $0 else { return XCTFail("\($0)") }
        }
    }

    func testRemovingItMakesTheDuressPinAWrongPinAgain() throws {
        let vault = try newTestVault()
        try vault.setDuressPin(realPin: pin, duressPin: duressPin)
        try vault.removeDuressPin(realPin: pin)
        try vault.removeDuressPin(realPin: pin)
        vault.lock()
        XCTAssertThrowsError(try vault.unlock(pin: duressPin)) {
            guard case MigranError.WrongPin = $0 else { return XCTFail("\($0)") }
        }
        try vault.unlock(pin: pin)
    }

    func testACheckInAnsweredWithTheDuressPinLooksAnsweredAndQueuesTheAlert() throws {
        let vault = try newTestVault()
        _ = try vault.setEmergencyCard(card: card)
        try vault.setDuressPin(realPin: pin, duressPin: duressPin)
        _ = try vault.setCheckIn(request: CheckInRequest(schedule: .every(minutes: 24 * 60), graceMinutes: 60, kind: .violence))
        vault.lock()
        XCTAssertEqual(try vault.checkInDone(pin: duressPin).state, .waiting)
        let perAlert = try vault.emergencyOutboxSummary().pendingActions
        XCTAssertGreaterThan(perAlert, 0)
        XCTAssertEqual(try vault.cancelCheckIn(pin: duressPin).state, .off)
        XCTAssertEqual(try vault.emergencyOutboxSummary().pendingActions, 2 * perAlert)
    }
}
