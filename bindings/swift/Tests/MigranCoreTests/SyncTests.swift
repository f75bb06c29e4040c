// Mirrors bindings/kotlin/src/test/.../SyncTest.kt: team sync and backup through the
// Swift bindings.
import Foundation
import XCTest
@testable import MigranCore

final class SyncTests: XCTestCase {
    private func team() throws -> (Vault, Vault) {
        let officer = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        let cadre = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        _ = try officer.teamCreate(role: .officer)
        let request = try cadre.teamJoinRequest()
        XCTAssertEqual(try joinRequestFingerprint(request: request.text), request.fingerprint)
        let admission = try officer.teamAdmit(request: request.text, role: .cadre)
        let joined = try cadre.teamAccept(admission: admission)
        XCTAssertEqual(try officer.syncStatus().team?.fingerprint, joined.fingerprint)
        return (officer, cadre)
    }

    func testJoinAndReceiveTheRegister() throws {
        let (officer, cadre) = try team()
        let person = try officer.addPerson(input: fakePerson("Siti Contoh", 1))
        let cadreId = try cadre.syncStatus().deviceId
        let report = try cadre.syncImport(bundle: try officer.syncExport(forDevice: cadreId))
        XCTAssertGreaterThan(report.applied, 0)
        XCTAssertEqual(try cadre.getPerson(id: person.id).fullName, "Siti Contoh")
        XCTAssertEqual(try officer.syncRegisterDigest(), try cadre.syncRegisterDigest())
        XCTAssertEqual(try cadre.teamDevices().count, 2)
        let again = try officer.syncExport(forDevice: nil)
        _ = try cadre.syncImport(bundle: again)
        XCTAssertThrowsError(try cadre.syncImport(bundle: again)) {
            guard case MigranError.SyncRefused(let reason) = $0, reason == .replayed else { return XCTFail("\($0)") }
        }
    }

    func testConflictAndRemoval() throws {
        let (officer, cadre) = try team()
        let person = try officer.addPerson(input: fakePerson("Siti Contoh", 1))
        let cadreId = try cadre.syncStatus().deviceId
        let officerId = try officer.syncStatus().deviceId
        _ = try cadre.syncImport(bundle: try officer.syncExport(forDevice: cadreId))
        _ = try officer.updatePerson(id: person.id, input: fakePerson("Siti Contoh Satu", 1))
        Thread.sleep(forTimeInterval: 0.005)
        _ = try cadre.updatePerson(id: person.id, input: fakePerson("Siti Contoh Dua", 1))
        _ = try officer.syncImport(bundle: try cadre.syncExport(forDevice: officerId))
        let conflicts = try officer.listConflicts()
        XCTAssertEqual(conflicts.count, 1)
        XCTAssertEqual(conflicts.first?.reason, .concurrentEdit)
        try officer.resolveConflict(id: conflicts[0].id, keepLosing: false)
        XCTAssertTrue(try officer.listConflicts().isEmpty)

        let fromCadre = try cadre.syncExport(forDevice: officerId)
        try officer.teamRemove(deviceId: cadreId)
        XCTAssertTrue(try officer.teamDevices().contains { $0.deviceId == cadreId && $0.removed })
        XCTAssertThrowsError(try officer.syncImport(bundle: fromCadre)) {
            guard case MigranError.SyncRefused(let reason) = $0, reason == .removedDevice else { return XCTFail("\($0)") }
        }
    }

    func testBackupAndRestore() throws {
        let old = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        _ = try old.addPerson(input: fakePerson("Warga Cadangan", 5))
        let wrongKey = try old.backupNewRecoveryKey()
        let key = try old.backupNewRecoveryKey()
        let backup = try old.backupExport()
        let dir = tempDir()
        XCTAssertThrowsError(try Vault.restoreBackup(
            dir: dir, pin: "135790", deviceSecret: try newDeviceSecret(), settings: fastSettings(),
            backup: backup, recoveryKey: wrongKey
        )) {
            guard case MigranError.BackupRefused(let reason) = $0, reason == .wrongRecoveryKey else { return XCTFail("\($0)") }
        }
        let restored = try Vault.restoreBackup(
            dir: dir, pin: "135790", deviceSecret: try newDeviceSecret(), settings: fastSettings(),
            backup: backup, recoveryKey: key
        )
        XCTAssertEqual(try restored.listPersons(page: PageRequest(offset: 0, limit: 10), includeArchived: true).total, 1)
        XCTAssertEqual(try old.syncRegisterDigest(), try restored.syncRegisterDigest())
    }
}
