// Mirrors bindings/kotlin/src/test/.../EmergencyLocationTest.kt. Not compiled on the
// project's CI machine (no Swift toolchain there); run `swift test` after
// scripts/build-bindings.sh.
import Foundation
import XCTest
@testable import MigranCore

final class EmergencyLocationTests: XCTestCase {
    let card = EmergencyCard(
        fullName: "Siti Contoh", passportNumber: "C0000001", country: "HK", city: "Kowloon",
        employerName: "Keluarga Contoh", employerAddress: "Flat 1, Jalan Contoh",
        contacts: [
            CardContact(name: "Ibu Contoh", phone: "081299990001", role: .family),
            CardContact(name: "Kader Contoh", phone: "081299990002", role: .cadre),
        ]
    )

    /// Hong Kong, taken `minutesAgo` minutes before now on the phone's clock.
    func fix(_ minutesAgo: Int64) -> GeoLocation {
        GeoLocation(
            latitude: 22.3193, longitude: 114.1694,
            fixTimeEpochMs: Int64(Date().timeIntervalSince1970 * 1000) - minutesAgo * 60_000
        )
    }

    func testMessagesCarryTheMapLinkAndTheAgeOfTheFixInOneSms() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        try vault.setEmergencyCard(card: card)
        vault.lock()
        let plan = try vault.emergencyPlan(kind: .violence, country: nil, location: fix(5), locale: .id)
        let link = "https://maps.google.com/?q=22.31930,114.16940"
        XCTAssertTrue(plan.messageId.contains("Lokasi 5 mnt lalu: \(link)"), plan.messageId)
        XCTAssertTrue(plan.messageEn.contains("Location 5 min ago: \(link)"), plan.messageEn)
        XCTAssertTrue(plan.smsId.fitsOneSms && plan.smsEn.fitsOneSms)
        let plain = try vault.emergencyPlan(kind: .violence, country: nil, location: GeoLocation(latitude: 22.3193, longitude: 114.1694), locale: .id)
        XCTAssertTrue(plain.messageId.contains("Lokasi \(link)"), plain.messageId)
        XCTAssertThrowsError(try vault.emergencyPlan(kind: .other, country: nil, location: fix(-60), locale: .id)) {
            guard case MigranError.Invalid(let field, let reason) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "location_fix_time")
            XCTAssertEqual(reason, .badDate)
        }
    }

    func testActiveAlertOffersLocationUpdatesUntilTheOwnerStopsThem() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        try vault.setEmergencyCard(card: card)
        XCTAssertEqual(try vault.emergencySettings().locationUpdateMinutes, 10)
        vault.lock()
        let located = try vault.triggerEmergency(kind: .violence, country: nil, location: fix(1), locale: .id)
        let waiting = try vault.locationUpdateOffer(alertId: located.id)
        XCTAssertEqual(waiting.status, .notYet)
        XCTAssertTrue((590...600).contains(waiting.secondsUntilDue ?? 0), "\(String(describing: waiting.secondsUntilDue))")
        let blind = try vault.triggerEmergency(kind: .other, country: nil, location: nil, locale: .id)
        XCTAssertEqual(try vault.locationUpdateOffer(alertId: blind.id).status, .due)
        let update = try vault.recordLocationUpdate(alertId: blind.id, location: fix(0))
        XCTAssertTrue(update.messageId.contains("maps.google.com"), update.messageId)
        XCTAssertFalse(update.actions.isEmpty)
        XCTAssertTrue(update.actions.allSatisfy { $0.channel != .call })
        XCTAssertEqual(update.next.status, .notYet)
        let stopped = try vault.stopLocationUpdates(alertId: located.id)
        XCTAssertEqual(stopped.status, .stopped)
        XCTAssertNil(stopped.dueAt)
        try vault.unlock(pin: pin)
        _ = try vault.acknowledgeEmergency(alertId: blind.id, by: "Kader Contoh")
        XCTAssertEqual(try vault.locationUpdateOffer(alertId: blind.id).status, .acknowledged)
        try vault.setEmergencySettings(settings: EmergencySettings(discreet: false, locationUpdateMinutes: 0))
        let off = try vault.triggerEmergency(kind: .other, country: nil, location: nil, locale: .id)
        XCTAssertEqual(try vault.locationUpdateOffer(alertId: off.id).status, .off)
    }
}
