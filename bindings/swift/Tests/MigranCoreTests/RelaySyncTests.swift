// Mirrors bindings/kotlin/src/test/.../RelaySyncTest.kt: syncWithRelay against the real
// relay binary (`cargo build -p migran-relay`; MIGRAN_RELAY_BIN, or target/debug beside
// this repository). Not compiled here (no Swift toolchain on the build machine).
import Foundation
import XCTest
@testable import MigranCore

final class RelayRecorder: RelaySyncListener, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [RelaySyncStage] = []

    var stages: [RelaySyncStage] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func onProgress(stage: RelaySyncStage, done: UInt32, total: UInt32) {
        lock.lock()
        recorded.append(stage)
        lock.unlock()
    }
}

final class RelaySyncTests: XCTestCase {
    #if os(macOS)
    func testTwoVaultsConvergeThroughARelayBinary() throws {
        let (relay, url) = try startTestRelay()
        defer {
            relay.terminate()
            relay.waitUntilExit()
        }
        let officer = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        let cadre = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        _ = try officer.teamCreate(role: .officer)
        let request = try cadre.teamJoinRequest()
        _ = try cadre.teamAccept(admission: try officer.teamAdmit(request: request.text, role: .cadre))
        let siti = try officer.addPerson(input: fakePerson("Siti Contoh", 1))
        let budi = try cadre.addPerson(input: fakePerson("Budi Contoh", 2))

        // The cadre before the team's first device: not on the relay yet.
        XCTAssertThrowsError(try cadre.syncWithRelay(url: url, listener: nil)) {
            guard case MigranError.RelayFailed(let problem) = $0, problem == .teamNotRegistered else { return XCTFail("\($0)") }
            XCTAssertNotEqual(errorMessage(error: $0 as! MigranError, locale: .id), errorMessage(error: $0 as! MigranError, locale: .en))
        }

        let recorder = RelayRecorder()
        let first = try officer.syncWithRelay(url: url, listener: recorder)
        XCTAssertTrue(first.registeredTeam)
        XCTAssertEqual(first.devicesEnrolled, 1)
        XCTAssertEqual(first.bundlesPushed, 1)
        XCTAssertTrue(recorder.stages.contains(.enrolling) && recorder.stages.contains(.pushing))

        let second = try cadre.syncWithRelay(url: url, listener: RelayRecorder())
        XCTAssertEqual(second.bundlesPulled, 1)
        XCTAssertEqual(second.bundlesPushed, 1)
        _ = try officer.syncWithRelay(url: url, listener: nil)
        XCTAssertEqual(try officer.syncRegisterDigest(), try cadre.syncRegisterDigest())
        XCTAssertEqual(try cadre.getPerson(id: siti.id).fullName, "Siti Contoh")
        XCTAssertEqual(try officer.getPerson(id: budi.id).fullName, "Budi Contoh")

        // The officer told the team it holds everything; once the cadre took that, both
        // are up to date: nothing to send or receive.
        _ = try cadre.syncWithRelay(url: url, listener: nil)
        let quiet = try officer.syncWithRelay(url: url, listener: nil)
        XCTAssertEqual(quiet.bundlesPushed, 0)
        XCTAssertEqual(quiet.bundlesPulled, 0)

        // Plain HTTP to another machine is refused before anything is sent.
        XCTAssertThrowsError(try officer.syncWithRelay(url: "http://relay.desa-contoh.example", listener: nil)) {
            guard case MigranError.RelayFailed(let problem) = $0, problem == .badAddress else { return XCTFail("\($0)") }
        }

        // The village report's counts to the district roll-up: accepted, then replaced by
        // the same village's next report; another village is refused.
        let period = ReportRequest(from: "2026-01-01", to: "2026-06-30", village: "Desa Contoh Satu", officer: nil)
        let sent = try officer.submitDistrictReport(url: url, district: "99.01", villageCode: "99.01.01.2001", request: period)
        XCTAssertFalse(sent.replaced)
        XCTAssertEqual(sent.villageCode, "99.01.01.2001")
        XCTAssertEqual(sent.periodFrom, "2026-01-01")
        XCTAssertEqual(sent.peopleCounted, try officer.villageReport(request: period).peopleCounted)
        XCTAssertTrue(try officer.submitDistrictReport(url: url, district: "99.01", villageCode: "99.01.01.2001", request: period).replaced)
        let other = ReportRequest(from: "2026-01-01", to: "2026-06-30", village: "Desa Contoh Dua", officer: nil)
        XCTAssertThrowsError(try officer.submitDistrictReport(url: url, district: "99.01", villageCode: "99.01.01.2002", request: other)) {
            guard case MigranError.RelayFailed(let problem) = $0, problem == .wrongVillage else { return XCTFail("\($0)") }
        }
    }
    #endif
}
