// Mirrors bindings/kotlin/src/test/.../EmergencyTest.kt. Not compiled on the project's CI
// machine (no Swift toolchain there); run `swift test` after scripts/build-bindings.sh.
import Foundation
import XCTest
@testable import MigranCore

final class EmergencyTests: XCTestCase {
    let card = EmergencyCard(
        fullName: "Siti Contoh", passportNumber: "C0000001", country: "HK", city: "Kowloon",
        employerName: "Keluarga Contoh", employerAddress: "Flat 1, Jalan Contoh",
        contacts: [
            CardContact(name: "Ibu Contoh", phone: "081299990001", role: .family),
            CardContact(name: "Kader Contoh", phone: "081299990002", role: .cadre),
        ]
    )

    func testButtonWorksWhenNoVaultOpensAtAll() throws {
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(repeating: 0x5a, count: 4096).write(to: URL(fileURLWithPath: dir).appendingPathComponent("locked.db"))
        XCTAssertThrowsError(try Vault.open(dir: dir, deviceSecret: try newDeviceSecret()))
        let plan = try emergencyPlanWithoutVault(kind: .heldAgainstWill, country: "HK", location: nil, locale: .en)
        XCTAssertTrue(plan.cardUnreadable)
        XCTAssertTrue(plan.actions.contains { $0.recipient == .mission })
        XCTAssertTrue(plan.actions.contains { $0.recipient == .nationalHotline })
        XCTAssertThrowsError(try emergencyPlanWithoutVault(kind: .other, country: nil, location: GeoLocation(latitude: 91, longitude: 0), locale: .id)) {
            guard case MigranError.Invalid = $0 else { return XCTFail("\($0)") }
        }
    }

    func testButtonWorksLockedAndPutsLocalPoliceFirstForViolence() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        _ = try vault.setEmergencyCard(card: card)
        vault.lock()
        XCTAssertEqual(try vault.emergencyCard()?.contacts[0].phone, "+6281299990001")
        let plan = try vault.emergencyPlan(kind: .violence, country: nil, location: GeoLocation(latitude: 22.3193, longitude: 114.1694), locale: .id)
        XCTAssertEqual(plan.country, "HK")
        XCTAssertEqual(plan.actions[0].recipient, .localEmergency)
        XCTAssertEqual(plan.actions[0].number, "999")
        XCTAssertEqual(plan.actions[1].recipient, .mission)
        XCTAssertTrue(plan.actions.contains { $0.channel == .whatsApp && $0.recipient == .nationalHotline })
        XCTAssertTrue(plan.messageId.hasPrefix("DARURAT PMI"), plan.messageId)
        XCTAssertTrue(plan.smsId.fitsOneSms)
        XCTAssertEqual(smsSize(text: plan.messageId).encoding, .gsm7)
        XCTAssertEqual(smsSize(text: "Siti Ŝontoh").encoding, .ucs2)
        XCTAssertThrowsError(try vault.setEmergencyCard(card: card)) {
            guard case MigranError.Locked = $0 else { return XCTFail("\($0)") }
        }
        try vault.unlock(pin: pin)
        try vault.clearEmergencyCard()
        XCTAssertNil(try vault.emergencyCard())
    }

    func testTriggerStaysInTheOutboxAcrossARestart() throws {
        let dir = tempDir()
        let secret = try newDeviceSecret()
        let alertId: String
        do {
            let vault = try Vault.create(dir: dir, pin: pin, deviceSecret: secret, settings: fastSettings())
            _ = try vault.setEmergencyCard(card: card)
            vault.lock()
            let alert = try vault.triggerEmergency(kind: .passportTaken, country: "MY", location: nil, locale: .id)
            let state = try vault.recordEmergencyAction(alertId: alert.id, position: 0, status: .handedToOs)
            XCTAssertEqual(state.status, .handedToOs)
            XCTAssertEqual(state.attempts, 1)
            alertId = alert.id
        }
        let vault = try Vault.open(dir: dir, deviceSecret: secret)
        let pending = try vault.pendingEmergencyActions()
        XCTAssertFalse(pending.isEmpty)
        XCTAssertFalse(pending.contains { $0.action.position == 0 })
        XCTAssertTrue(pending.allSatisfy { $0.alertId == alertId })
        XCTAssertEqual(try vault.acknowledgeEmergency(alertId: alertId, by: "Kader Contoh").acknowledgedBy, "Kader Contoh")
        XCTAssertTrue(try vault.pendingEmergencyActions().isEmpty)
        XCTAssertEqual(try vault.emergencyLog().count, 1)
    }

    func testEmergencyCardNeedsTheDeviceSecret() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        assertNotAllowed(try vault.setEmergencyCard(card: card), .deviceSecretRequired)
        assertNotAllowed(try vault.emergencyCard(), .deviceSecretRequired)
        XCTAssertThrowsError(try vault.setEmergencyCard(card: card)) {
            XCTAssertEqual(errorMessage(error: $0 as! MigranError, locale: .en), "Not allowed: the emergency card needs the device key.")
        }
    }

    func testDiscreetModeNeedsThePinForTheLogPendingAndAcknowledging() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        XCTAssertFalse(try vault.emergencySettings().discreet)
        try vault.setEmergencySettings(settings: EmergencySettings(discreet: true))
        vault.lock()
        let alert = try vault.triggerEmergency(kind: .other, country: "TW", location: nil, locale: .id)
        XCTAssertThrowsError(try vault.emergencyLog())
        XCTAssertThrowsError(try vault.pendingEmergencyActions()) {
            guard case MigranError.Locked = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try vault.acknowledgeEmergency(alertId: alert.id, by: "Kader Contoh")) {
            guard case MigranError.Locked = $0 else { return XCTFail("\($0)") }
        }
        // What the locked button may show: counts only.
        _ = try vault.recordEmergencyAction(alertId: alert.id, position: 0, status: .failed)
        let summary = try vault.emergencyOutboxSummary()
        XCTAssertEqual(Int(summary.pendingActions), alert.plan.actions.count)
        XCTAssertTrue(summary.anyFailed)
        try vault.unlock(pin: pin)
        XCTAssertEqual(try vault.emergencyLog().count, 1)
        XCTAssertEqual(try vault.pendingEmergencyActions().count, Int(summary.pendingActions))
    }

    func testForgedDirectoryPackIsRefused() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        let before = try vault.directoryInfo()
        XCTAssertFalse(before.installed)
        XCTAssertTrue(before.countries.contains("MY"))
        let forged = #"{"kind":"emergency-directory","version":99,"verify_after_days":1,"national":[],"countries":{}}"#
        XCTAssertThrowsError(try vault.installDirectoryPack(pack: Data(forged.utf8), signature: Data(count: 64))) {
            guard case MigranError.PackRejected(let reason) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(reason, .signature)
            XCTAssertTrue(errorMessage(error: $0 as! MigranError, locale: .en).contains("signature"))
        }
        XCTAssertEqual(try vault.directoryInfo(), before)
    }
}
