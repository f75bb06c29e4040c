// Mirrors bindings/kotlin/src/test/.../FollowRelayTest.kt: a family phone follows through
// the real relay binary until the cadre ends the link (issue 18). Not compiled here (no
// Swift toolchain on the build machine).
import Foundation
import XCTest
@testable import MigranCore

final class FollowRelayTests: XCTestCase {
    #if os(macOS)
    func testAFamilyPhoneFollowsThroughARelayBinaryUntilTheLinkIsEnded() throws {
        let (relay, url) = try startTestRelay()
        defer {
            relay.terminate()
            relay.waitUntilExit()
        }
        let cadre = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        let family = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        _ = try cadre.teamCreate(role: .cadre)
        let siti = try cadre.addPerson(input: fakePerson("Siti Contoh", 1))
        _ = try cadre.recordConsent(personId: siti.id, input: consentInput(.shareWithFamily))
        _ = try cadre.syncWithRelay(url: url, listener: nil)
        _ = try family.setDeviceRole(role: .family)

        // Not following anyone yet, and a bad address: typed, nothing sent.
        XCTAssertThrowsError(try family.followedSyncWithRelay(url: url)) {
            guard case MigranError.SyncRefused(let reason) = $0, reason == .notFollowing else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try family.followedSyncWithRelay(url: "http://relay.desa-contoh.example")) {
            guard case MigranError.RelayFailed(let problem) = $0, problem == .badAddress else { return XCTFail("\($0)") }
        }

        let request = try family.followRequest()
        let package = try cadre.followLink(personId: siti.id, kind: .family, request: request.text, cadreContact: nil)
        _ = try family.followAccept(package: package.text)
        let served = try cadre.followSyncWithRelay(url: url)
        XCTAssertEqual(served.linksRegistered, 1)
        XCTAssertEqual(served.viewsPushed, 1)
        let synced = try family.followedSyncWithRelay(url: url)
        XCTAssertTrue(synced.viewReceived)
        XCTAssertFalse(synced.eventsPushed)
        XCTAssertEqual(synced.link.viewNumber, 2)
        XCTAssertEqual(try family.followedFamilyView(locale: .id).checklist.firstName, "Siti")

        _ = try cadre.endFollowLink(linkId: package.link.linkId, reason: .noLongerNeeded)
        XCTAssertEqual(try cadre.followSyncWithRelay(url: url).linksClosed, 1)
        XCTAssertThrowsError(try family.followedSyncWithRelay(url: url)) {
            guard case MigranError.SyncRefused(let reason) = $0, reason == .linkEnded else { return XCTFail("\($0)") }
            XCTAssertNotEqual(errorMessage(error: $0 as! MigranError, locale: .id), errorMessage(error: $0 as! MigranError, locale: .en))
        }
        // The view held stays until the phone's owner forgets the link.
        XCTAssertEqual(try family.followedLink().viewNumber, 2)
    }
    #endif
}
