// Mirrors bindings/kotlin/src/test/.../FollowRelayTest.kt: a family phone follows through
// the real relay binary until the cadre ends the link (issue 18). Not compiled here (no
// Swift toolchain on the build machine).
import Foundation
import XCTest
@testable import MigranCore

final class FollowRelayTests: XCTestCase {
    #if os(macOS)
    /// The relay on SQLite in a temporary folder, on a port the system picks, as in
    /// RelaySyncTests.
    private func startRelay() throws -> (Process, String) {
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let bin = ProcessInfo.processInfo.environment["MIGRAN_RELAY_BIN"]
            ?? repository.appendingPathComponent("target/debug/migran-relay").path
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            throw XCTSkip("\(bin) missing: cargo build -p migran-relay")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["--data", tempDir(), "--listen", "127.0.0.1:0"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let marker = "listening on "
        var seen = ""
        var url: String?
        while url == nil {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw XCTSkip("the relay stopped before listening") }
            seen += String(decoding: chunk, as: UTF8.self)
            let lines = seen.components(separatedBy: "\n").dropLast()
            if let line = lines.first(where: { $0.contains(marker) }),
               let at = line.range(of: marker) {
                url = String(line[at.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
        }
        pipe.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        return (process, url ?? "")
    }

    func testAFamilyPhoneFollowsThroughARelayBinaryUntilTheLinkIsEnded() throws {
        let (relay, url) = try startRelay()
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
