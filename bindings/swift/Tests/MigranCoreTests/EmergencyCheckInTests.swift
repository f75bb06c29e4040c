// Mirrors bindings/kotlin/src/test/.../EmergencyCheckInTest.kt. Not compiled on the
// project's CI machine (no Swift toolchain there); run `swift test` after
// scripts/build-bindings.sh. Due, grace and the miss that queues the alert once need the
// core's injected clock: core/tests/emergency_checkin.rs.
import Foundation
import XCTest
@testable import MigranCore

final class EmergencyCheckInTests: XCTestCase {
    let daily = CheckInRequest(
        schedule: .every(minutes: 24 * 60), graceMinutes: 60, kind: .heldAgainstWill
    )

    func newTestVault() throws -> Vault {
        try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
    }

    func testSettingUpNeedsThePinAndTheLockedAppSeesWhenTheCheckInIsDue() throws {
        let vault = try newTestVault()
        let status = try vault.setCheckIn(request: daily)
        XCTAssertEqual(status.state, .waiting)
        XCTAssertEqual(status.everyMinutes, 24 * 60)
        XCTAssertEqual(status.kind, .heldAgainstWill)
        vault.lock()
        XCTAssertThrowsError(try vault.setCheckIn(request: daily)) {
            guard case MigranError.Locked = $0 else { return XCTFail("\($0)") }
        }
        let seen = try vault.checkInStatus()
        XCTAssertEqual(seen.state, .waiting)
        XCTAssertTrue((24 * 3600 - 60...24 * 3600).contains(seen.secondsUntilDue ?? 0), "\(String(describing: seen.secondsUntilDue))")
        XCTAssertEqual(seen.secondsUntilAlert, (seen.secondsUntilDue ?? 0) + 3600)
        let poll = try vault.pollCheckIn(location: GeoLocation(latitude: 22.3193, longitude: 114.1694), locale: .id)
        XCTAssertEqual(poll.status.state, .waiting)
        XCTAssertNil(poll.queued)
        XCTAssertEqual(try vault.emergencyOutboxSummary().pendingActions, 0)
    }

    func testSchedulesOutOfRangeAreTypedRefusalsNamingTheField() throws {
        let vault = try newTestVault()
        var tooOften = daily
        tooOften.schedule = .every(minutes: 5)
        XCTAssertThrowsError(try vault.setCheckIn(request: tooOften)) {
            guard case MigranError.Invalid(let field, let reason) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "check_in_minutes")
            XCTAssertEqual(reason, .outOfRange)
        }
        var past = daily
        past.schedule = .once(dueAt: "2020-01-01T00:00:00Z")
        XCTAssertThrowsError(try vault.setCheckIn(request: past)) {
            guard case MigranError.Invalid(let field, let reason) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "check_in_due_at")
            XCTAssertEqual(reason, .badDate)
        }
    }

    func testIAmFineAndCancelTakeThePinOnALockedVaultAWrongOneCounted() throws {
        let vault = try newTestVault()
        _ = try vault.setCheckIn(request: daily)
        vault.lock()
        XCTAssertThrowsError(try vault.checkInDone(pin: "999999")) {
            guard case MigranError.WrongPin = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try vault.status().failedAttempts, 1)
        XCTAssertEqual(try vault.checkInDone(pin: pin).state, .waiting)
        XCTAssertFalse(vault.isUnlocked())
        XCTAssertThrowsError(try vault.cancelCheckIn(pin: "999999")) {
            guard case MigranError.WrongPin = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try vault.checkInStatus().state, .waiting)
        XCTAssertEqual(try vault.cancelCheckIn(pin: pin).state, .off)
        XCTAssertThrowsError(try vault.checkInDone(pin: pin)) {
            guard case MigranError.NotFound = $0 else { return XCTFail("\($0)") }
        }
    }

    func testAOnceOnlyCheckInEndsWithIAmFine() throws {
        let vault = try newTestVault()
        let inSixHours = ISO8601DateFormatter().string(from: Date().addingTimeInterval(6 * 3600))
        var once = daily
        once.schedule = .once(dueAt: inSixHours)
        once.graceMinutes = 30
        let status = try vault.setCheckIn(request: once)
        XCTAssertEqual(status.state, .waiting)
        XCTAssertNil(status.everyMinutes)
        vault.lock()
        XCTAssertEqual(try vault.checkInDone(pin: pin).state, .off)
    }
}
