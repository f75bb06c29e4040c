// Mirrors bindings/kotlin/src/test: the same journeys through the Swift bindings
// (scripts/check-bindings.py checks that these tests call every exported function).
// Not compiled on the project's CI machine (no Swift toolchain there); run `swift test`
// on a Mac or a Linux machine with Swift after scripts/build-bindings.sh.
import Foundation
import XCTest
@testable import MigranCore

let pin = "246810"

func fastSettings(freeAttempts: UInt32 = 5, eraseAfter: UInt32? = nil) -> VaultSettings {
    VaultSettings(kdfIterations: 10_000, freeAttempts: freeAttempts, eraseAfterFailures: eraseAfter)
}

func tempDir() -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("migran-swift-\(UUID().uuidString)")
    return url.path
}

func fakePerson(_ name: String, _ n: Int) -> PersonInput {
    let digits = String(format: "%08d", n)
    return PersonInput(
        fullName: name, nik: "32010000" + digits, birthDate: "1998-04-12",
        sex: n % 2 == 0 ? .female : .male, phone: "+62812" + digits,
        address: "Dusun Contoh", village: "Desa Contoh"
    )
}

final class VaultTests: XCTestCase {
    func testCreateLockAndReopen() throws {
        let dir = tempDir()
        let secret = try newDeviceSecret()
        XCTAssertEqual(secret.count, 32)
        let vault = try Vault.create(dir: dir, pin: pin, deviceSecret: secret, settings: fastSettings())
        _ = try vault.addPerson(input: fakePerson("Siti Contoh", 1))
        vault.lock()
        XCTAssertFalse(vault.isUnlocked())
        XCTAssertThrowsError(try vault.listPersons(page: PageRequest(offset: 0, limit: 10), includeArchived: false)) {
            guard case MigranError.Locked = $0 else { return XCTFail("\($0)") }
        }
        let reopened = try Vault.open(dir: dir, deviceSecret: secret)
        try reopened.unlock(pin: pin)
        XCTAssertEqual(try reopened.listPersons(page: PageRequest(offset: 0, limit: 10), includeArchived: false).total, 1)
        XCTAssertTrue(try reopened.status().usesDeviceSecret)
    }

    func testWrongPinThenLockout() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings(freeAttempts: 2))
        vault.lock()
        XCTAssertThrowsError(try vault.unlock(pin: "111111")) {
            guard case MigranError.WrongPin(let left) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(left, 1)
        }
        XCTAssertThrowsError(try vault.unlock(pin: "111112"))
        XCTAssertThrowsError(try vault.unlock(pin: pin)) { error in
            guard case MigranError.LockedOut(let seconds) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(seconds, 30)
            XCTAssertTrue(errorMessage(error: error as! MigranError, locale: .id).contains("30 detik"))
        }
    }

    func testEraseAfterFailures() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings(freeAttempts: 10, eraseAfter: 3))
        vault.lock()
        XCTAssertThrowsError(try vault.unlock(pin: "000001"))
        XCTAssertThrowsError(try vault.unlock(pin: "000002"))
        XCTAssertThrowsError(try vault.unlock(pin: "000003")) {
            guard case MigranError.Erased = $0 else { return XCTFail("\($0)") }
        }
    }

    func testChangePinAndWipe() throws {
        let dir = tempDir()
        let vault = try Vault.create(dir: dir, pin: pin, deviceSecret: nil, settings: fastSettings())
        XCTAssertThrowsError(try vault.changePin(oldPin: pin, newPin: "112233")) {
            guard case MigranError.Invalid(let field, let reason) = $0, field == "new_pin", reason == .weak else {
                return XCTFail("\($0)")
            }
        }
        try vault.changePin(oldPin: pin, newPin: "135790")
        vault.lock()
        XCTAssertThrowsError(try vault.unlock(pin: pin))
        try vault.unlock(pin: "135790")
        try vault.wipe()
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/vault.db"))
    }

    func testPeopleJourney() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        let siti = try vault.addPerson(input: fakePerson("Siti Aminah Contoh", 1))
        _ = try vault.importPersons(inputs: [fakePerson("Budi Contoh", 2), fakePerson("Dewi Contoh", 3)])
        XCTAssertEqual(try vault.getPerson(id: siti.id), siti)
        _ = try vault.updatePerson(id: siti.id, input: fakePerson("Siti Contoh", 1))
        _ = try vault.setPersonArchived(id: siti.id, archived: true)
        XCTAssertEqual(try vault.listPersons(page: PageRequest(offset: 0, limit: 10), includeArchived: false).total, 2)
        let mother = try vault.addContact(personId: siti.id, input: ContactInput(name: "Ibu Contoh", relation: .parent, phone: "081299990001", address: nil))
        XCTAssertEqual(try vault.listContacts(personId: siti.id), [mother])
        _ = try vault.setJourney(personId: siti.id, input: JourneyInput(phase: .preDeparture, destinationCountry: "TW", sector: .manufacturing, employerName: nil, employerAddress: nil, agencyName: nil, agencyLicence: nil, departureDate: nil, contractEndDate: nil))
        XCTAssertEqual(try vault.getJourney(personId: siti.id)?.destinationCountry, "TW")
        let passport = try vault.addDocument(personId: siti.id, input: DocumentInput(kind: .passport, number: "C1234567", issuedOn: nil, expiresOn: nil))
        XCTAssertEqual(try vault.listDocuments(personId: siti.id), [passport])
        XCTAssertEqual(try vault.findPersons(lookup: .passport(number: "c 1234567")).map(\.id), [siti.id])
        XCTAssertEqual(try vault.findPersons(lookup: .nik(nik: siti.nik)).count, 1)
        XCTAssertEqual(try vault.findPersons(lookup: .phone(phone: "081200000001")).count, 1)
        XCTAssertEqual(try vault.searchPersons(query: "budi", limit: 5).count, 1)
        try vault.removeDocument(documentId: passport.id)
        try vault.removeContact(contactId: mother.id)
        try vault.erasePerson(id: siti.id)
        assertNotFound(try vault.getPerson(id: siti.id), kind: .person)
    }

    func testPages() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        _ = try vault.importPersons(inputs: (0..<25).map { fakePerson("Warga Contoh \($0)", $0) })
        let first = try vault.listPersons(page: PageRequest(offset: 0, limit: 10), includeArchived: false)
        XCTAssertEqual(first.total, 25)
        XCTAssertEqual(first.items.count, 10)
        XCTAssertEqual(first.nextOffset, 10)
        let last = try vault.listPersons(page: PageRequest(offset: 20, limit: 10), includeArchived: false)
        XCTAssertEqual(last.items.count, 5)
        XCTAssertNil(last.nextOffset)
        XCTAssertThrowsError(try vault.listPersons(page: PageRequest(offset: 0, limit: 0), includeArchived: false)) {
            guard case MigranError.Invalid = $0 else { return XCTFail("\($0)") }
        }
    }

    func testADamagedVaultFileIsATypedErrorForTheWholeQueryNeverData() throws {
        let dir = tempDir()
        let secret = try newDeviceSecret()
        do {
            let vault = try Vault.create(dir: dir, pin: pin, deviceSecret: secret, settings: fastSettings())
            _ = try vault.importPersons(inputs: (1...300).map { fakePerson("Warga Contoh \($0)", $0) })
        }
        // One bit flipped in each page of the file's second half, where the records are
        // (unlock reads the first pages).
        let file = URL(fileURLWithPath: dir + "/vault.db")
        var bytes = try Data(contentsOf: file)
        let pageSize = 4096
        let pages = bytes.count / pageSize
        for page in (pages / 2)..<pages {
            bytes[bytes.startIndex + page * pageSize + pageSize / 2] ^= 0x20
        }
        try bytes.write(to: file)

        let vault = try Vault.open(dir: dir, deviceSecret: secret)
        try vault.unlock(pin: pin)
        XCTAssertThrowsError(try vault.listPersons(page: PageRequest(offset: 0, limit: 1000), includeArchived: true)) { error in
            // The page's authentication failed: a damaged file, or altered person records.
            switch error {
            case MigranError.Storage(problem: .corrupt), MigranError.Tampered(kind: .person): break
            default: XCTFail("damage reported as \(error)")
            }
            XCTAssertFalse(errorMessage(error: error as! MigranError, locale: .en).contains("Warga Contoh"))
            XCTAssertTrue(errorMessage(error: error as! MigranError, locale: .id).contains("rusak"))
        }
    }

    func testErrorsNameTheFieldInBothLanguages() throws {
        let dir = tempDir()
        _ = try Vault.create(dir: dir, pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        XCTAssertThrowsError(try Vault.open(dir: dir, deviceSecret: nil)) {
            guard case MigranError.DeviceSecretMismatch = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try Vault.open(dir: tempDir(), deviceSecret: nil)) {
            guard case MigranError.NoVault = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try Vault.create(dir: tempDir(), pin: "12", deviceSecret: nil, settings: fastSettings())) { error in
            guard case MigranError.Invalid(let field, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "pin")
            XCTAssertEqual(reason, .tooShort)
            XCTAssertTrue(errorMessage(error: error as! MigranError, locale: .id).contains("terlalu pendek"))
            XCTAssertFalse(errorMessage(error: error as! MigranError, locale: .en).isEmpty)
        }
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        _ = try vault.addPerson(input: fakePerson("Siti Contoh", 1))
        XCTAssertThrowsError(try vault.addPerson(input: fakePerson("Kembar", 1))) {
            guard case MigranError.Duplicate(let field) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "nik")
        }
    }

    func testSeveralThreadsAtOnce() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings())
        let failures = NSLock()
        var errors: [Error] = []
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            do {
                for i in 0..<25 { _ = try vault.addPerson(input: fakePerson("Warga Contoh \(t)-\(i)", t * 100 + i)) }
                for _ in 0..<10 { _ = try vault.listPersons(page: PageRequest(offset: 0, limit: 50), includeArchived: false) }
            } catch {
                failures.lock(); errors.append(error); failures.unlock()
            }
        }
        XCTAssertTrue(errors.isEmpty, "\(errors)")
        XCTAssertEqual(try vault.listPersons(page: PageRequest(offset: 0, limit: 1000), includeArchived: false).total, 100)
    }

    func testLibraryFacts() throws {
        XCTAssertFalse(coreVersion().isEmpty)
        XCTAssertEqual(defaultVaultSettings().kdfIterations, 600_000)
        XCTAssertGreaterThanOrEqual(try calibrateKdfIterations(targetMillis: 20), 10_000)
    }

    // Mirrors UptimeTest.kt: a wait set with the monotonic clock runs on it, and another
    // boot id (a restart) starts a pending wait again in full.
    func testAWaitSetWithTheMonotonicClockRestartsAfterAReboot() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: nil, settings: fastSettings(freeAttempts: 1))
        vault.lock()
        XCTAssertThrowsError(try vault.unlockWithUptime(pin: "318527", uptime: MonotonicTime(bootId: "boot-1", elapsedMillis: 100_000))) {
            guard case MigranError.WrongPin(let left) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(left, 0)
        }
        let waiting = try vault.statusWithUptime(uptime: MonotonicTime(bootId: "boot-1", elapsedMillis: 100_000))
        XCTAssertEqual(waiting.failedAttempts, 1)
        XCTAssertTrue((29...30).contains(waiting.retryAfterSeconds), "\(waiting)")
        XCTAssertThrowsError(try vault.unlockWithUptime(pin: pin, uptime: MonotonicTime(bootId: "boot-2", elapsedMillis: 1_000))) {
            guard case MigranError.LockedOut(let seconds) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue((29...30).contains(seconds), "\(seconds)")
        }
        XCTAssertThrowsError(try vault.statusWithUptime(uptime: MonotonicTime(bootId: "", elapsedMillis: 1))) {
            guard case MigranError.Invalid(let field, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "boot_id")
        }
    }
}
