// Mirrors bindings/kotlin/src/test/.../KeyFactorTest.kt: the hardware key factor
// implemented in Swift (docs/security.md, "The hardware key factor"). On the phone the
// factor is ios/MigranEmas/.../SecureEnclaveKeyFactor.swift; here HMAC-SHA256 over keys in
// a dictionary stands in for it. Not compiled on the project's CI machine (no Swift there).
import Foundation
import XCTest
@testable import MigranCore
#if canImport(CryptoKit)
import CryptoKit
#endif

/// Every call written down; told to fail as the keychain does with the phone locked.
final class TestKeyFactor: KeyFactor, @unchecked Sendable {
    struct Exploded: Error {}
    private let lock = NSLock()
    private var stored: [String: Data] = [:]
    private var recorded: [String] = []
    private var failure: KeyFactorProblem?
    private var explode = false

    var keys: [String: Data] { lock.lock(); defer { lock.unlock() }; return stored }
    var calls: [String] { lock.lock(); defer { lock.unlock() }; return recorded }
    var pinKeys: [String] { keys.keys.filter { $0.hasPrefix("pin-") } }

    func fail(with problem: KeyFactorProblem?, explode: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        failure = problem
        self.explode = explode
    }

    func createKey(keyId: String, purpose: KeyPurpose) throws {
        // The system generator (SystemRandomNumberGenerator): a test key, on any platform.
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        lock.lock(); defer { lock.unlock() }
        recorded.append("create \(keyId) \(purpose)")
        stored[keyId] = Data(bytes)
    }

    func derive(keyId: String, input: Data) throws -> Data {
        lock.lock()
        recorded.append("derive \(keyId)")
        let key = stored[keyId]
        let (failure, explode) = (self.failure, self.explode)
        lock.unlock()
        if keyId.hasPrefix("pin-") {
            if let failure { throw MigranError.KeyFactor(problem: failure) }
            if explode { throw Exploded() }
        }
        guard let key else { throw MigranError.KeyFactor(problem: .keyMissing) }
        #if canImport(CryptoKit)
        return Data(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: key)))
        #else
        // Without CryptoKit (Linux): any keyed function of the input will do for the test.
        var out = [UInt8](repeating: 0, count: 32)
        for (i, byte) in (key + input).enumerated() { out[i % 32] = out[i % 32] &* 31 &+ byte }
        return Data(out)
        #endif
    }

    func deleteKey(keyId: String) throws {
        lock.lock(); defer { lock.unlock() }
        recorded.append("delete \(keyId)")
        stored.removeValue(forKey: keyId)
    }
}

final class KeyFactorTests: XCTestCase {
    func testOpensWithItsFactorAndPinNeverWithoutItOrAnother() throws {
        let dir = tempDir()
        let factor = TestKeyFactor()
        let vault = try Vault.createWithFactor(dir: dir, pin: pin, factor: factor, settings: fastSettings())
        _ = try vault.addPerson(input: fakePerson("Siti Contoh", 1))
        vault.lock()
        XCTAssertEqual(factor.pinKeys.count, 1)
        XCTAssertNotNil(factor.keys["locked"])

        let reopened = try Vault.openWithFactor(dir: dir, factor: factor)
        try reopened.unlock(pin: pin)
        XCTAssertEqual(try reopened.listPersons(page: PageRequest(offset: 0, limit: 10), includeArchived: false).total, 1)

        XCTAssertThrowsError(try Vault.open(dir: dir, deviceSecret: nil)) {
            guard case MigranError.DeviceSecretMismatch = $0 else { return XCTFail("\($0)") }
        }
        let other = TestKeyFactor()
        try other.createKey(keyId: "locked", purpose: .locked)
        XCTAssertThrowsError(try Vault.openWithFactor(dir: dir, factor: other)) {
            guard case MigranError.DeviceSecretMismatch = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try Vault.openWithFactor(dir: dir, factor: TestKeyFactor())) {
            guard case MigranError.KeyFactor(problem: .keyMissing) = $0 else { return XCTFail("\($0)") }
        }
    }

    func testAVaultMadeWithTheCalibratedArgon2SettingOpensAndAnOutOfRangeOneIsRefused() throws {
        let calibrated = try calibrateArgon2(targetMillis: 50)
        XCTAssertTrue(calibrated.memoryKib >= 19 * 1024 && calibrated.passes >= 2 && calibrated.lanes == 1, "\(calibrated)")
        let dir = tempDir()
        let factor = TestKeyFactor()
        var tooLittle = calibrated
        tooLittle.memoryKib = 64
        XCTAssertThrowsError(try Vault.createWithFactorAndArgon2(dir: dir, pin: pin, factor: factor, settings: fastSettings(), argon2: tooLittle)) {
            guard case MigranError.Invalid(let field, _) = $0, field == "argon2_memory_kib" else { return XCTFail("\($0)") }
        }
        XCTAssertTrue(factor.keys.isEmpty)
        let vault = try Vault.createWithFactorAndArgon2(dir: dir, pin: pin, factor: factor, settings: fastSettings(), argon2: calibrated)
        _ = try vault.addPerson(input: fakePerson("Siti Contoh", 1))
        vault.lock()
        let reopened = try Vault.openWithFactor(dir: dir, factor: factor)
        try reopened.unlock(pin: pin)
        XCTAssertEqual(try reopened.listPersons(page: PageRequest(offset: 0, limit: 10), includeArchived: false).total, 1)
    }

    func testPinChangeMakesANewPinKeyAndDeletesTheOld() throws {
        let factor = TestKeyFactor()
        let vault = try Vault.createWithFactor(dir: tempDir(), pin: pin, factor: factor, settings: fastSettings())
        let old = try XCTUnwrap(factor.pinKeys.first)
        try vault.changePin(oldPin: pin, newPin: "318527")
        let new = try XCTUnwrap(factor.pinKeys.first)
        XCTAssertNotEqual(old, new)
        XCTAssertEqual(factor.pinKeys.count, 1)
        XCTAssertTrue(factor.calls.contains("delete \(old)"), "\(factor.calls)")
        vault.lock()
        XCTAssertThrowsError(try vault.unlock(pin: pin)) {
            guard case MigranError.WrongPin = $0 else { return XCTFail("\($0)") }
        }
        try vault.unlock(pin: "318527")
    }

    func testWipeDeletesEveryKey() throws {
        let factor = TestKeyFactor()
        let vault = try Vault.createWithFactor(dir: tempDir(), pin: pin, factor: factor, settings: fastSettings())
        try vault.wipe()
        XCTAssertTrue(factor.keys.isEmpty, "\(factor.keys.keys)")
    }

    func testAFailingFactorIsATypedBilingualErrorNeverAWrongPin() throws {
        let factor = TestKeyFactor()
        let vault = try Vault.createWithFactor(dir: tempDir(), pin: pin, factor: factor, settings: fastSettings(eraseAfter: 3))
        vault.lock()
        factor.fail(with: .unavailable)
        for _ in 0..<4 {
            XCTAssertThrowsError(try vault.unlock(pin: pin)) { error in
                guard case MigranError.KeyFactor(problem: .unavailable) = error else { return XCTFail("\(error)") }
                let migran = error as! MigranError
                XCTAssertNotEqual(errorMessage(error: migran, locale: .id), errorMessage(error: migran, locale: .en))
            }
        }
        factor.fail(with: nil, explode: true)
        XCTAssertThrowsError(try vault.unlock(pin: pin)) {
            guard case MigranError.KeyFactor(problem: .platform) = $0 else { return XCTFail("\($0)") }
        }
        factor.fail(with: nil)
        try vault.unlock(pin: pin)
        XCTAssertEqual(try vault.status().failedAttempts, 0)
    }
}
