import CryptoKit
import Foundation
import MigranCore
import Security

/// The vault's hardware key factor on iOS (docs/security.md, "The hardware key factor").
/// The Secure Enclave does no HMAC, only P-256 key agreement, so each key is:
/// - a P-256 private key made **inside the Secure Enclave** (never exportable; its
///   `dataRepresentation` is a blob only this phone's enclave can use), and
/// - the public half of a peer key made once in software, whose private half is dropped
///   at once, so nobody can compute the agreement except this enclave.
/// `derive` has the enclave agree with that peer, turns the agreement into an HMAC key with
/// HKDF, and returns HMAC-SHA256 of the input. The agreement passes through this process
/// for the length of the call (CryptoKit wipes it when freed): weaker than Android, where
/// the HMAC runs inside the Keystore, but it can be computed only on this phone, while the
/// key exists. Both are kept as Keychain items, `ThisDeviceOnly` (never in a backup):
/// - `.pin` keys `WhenUnlockedThisDeviceOnly`: a locked phone cannot compute PIN guesses;
/// - `.locked` keys `AfterFirstUnlockThisDeviceOnly`: the emergency button works locked.
/// Deleting the Keychain item destroys the key for good. Not compiled here (no Swift or
/// Apple SDK on the project's machines): build it in Xcode. The simulator has no enclave:
/// every call there fails with `KeyFactor(problem: .platform)`.
final class SecureEnclaveKeyFactor: KeyFactor, @unchecked Sendable {
    private let prefix: String

    /// `prefix` names this vault's Keychain items; give each vault its own.
    init(prefix: String) {
        self.prefix = prefix
    }

    func createKey(keyId: String, purpose: KeyPurpose) throws {
        guard SecureEnclave.isAvailable else { throw MigranError.KeyFactor(problem: .platform) }
        let protection = purpose == .pin
            ? kSecAttrAccessibleWhenUnlockedThisDeviceOnly
            : kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        var failure: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(nil, protection, .privateKeyUsage, &failure) else {
            throw MigranError.KeyFactor(problem: .platform)
        }
        do {
            let enclaveKey = try SecureEnclave.P256.KeyAgreement.PrivateKey(accessControl: access)
            let peer = P256.KeyAgreement.PrivateKey().publicKey
            var stored = Data()
            let blob = enclaveKey.dataRepresentation
            stored.append(contentsOf: withUnsafeBytes(of: UInt32(blob.count).bigEndian) { Data($0) })
            stored.append(blob)
            stored.append(peer.x963Representation)
            try deleteKey(keyId: keyId)
            var item = query(keyId)
            item[kSecValueData as String] = stored
            item[kSecAttrAccessible as String] = protection
            let added = SecItemAdd(item as CFDictionary, nil)
            guard added == errSecSuccess else { throw MigranError.KeyFactor(problem: Self.problem(added)) }
        } catch let typed as MigranError {
            throw typed
        } catch {
            throw MigranError.KeyFactor(problem: .platform)
        }
    }

    func derive(keyId: String, input: Data) throws -> Data {
        guard SecureEnclave.isAvailable else { throw MigranError.KeyFactor(problem: .platform) }
        var lookup = query(keyId)
        lookup[kSecReturnData as String] = true
        var found: AnyObject?
        let status = SecItemCopyMatching(lookup as CFDictionary, &found)
        guard status == errSecSuccess, let stored = found as? Data else {
            throw MigranError.KeyFactor(problem: Self.problem(status))
        }
        guard stored.count > 4 else { throw MigranError.KeyFactor(problem: .platform) }
        let length = stored.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        guard stored.count > 4 + length else { throw MigranError.KeyFactor(problem: .platform) }
        let blob = stored.subdata(in: 4..<(4 + length))
        let peerBytes = stored.subdata(in: (4 + length)..<stored.count)
        do {
            let enclaveKey = try SecureEnclave.P256.KeyAgreement.PrivateKey(dataRepresentation: blob)
            let peer = try P256.KeyAgreement.PublicKey(x963Representation: peerBytes)
            let agreed = try enclaveKey.sharedSecretFromKeyAgreement(with: peer)
            let key = agreed.hkdfDerivedSymmetricKey(
                using: SHA256.self,
                salt: Data(),
                sharedInfo: Data("migran/v6/secure-enclave-hmac".utf8),
                outputByteCount: 32
            )
            return Data(HMAC<SHA256>.authenticationCode(for: input, using: key))
        } catch {
            // Not `.invalidated`: the enclave also refuses a key it cannot use right now,
            // and that message tells the owner to restore a backup.
            throw MigranError.KeyFactor(problem: .platform)
        }
    }

    func deleteKey(keyId: String) throws {
        let status = SecItemDelete(query(keyId) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw MigranError.KeyFactor(problem: Self.problem(status))
        }
    }

    private func query(_ keyId: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: "id.migranemas.key-factor",
            kSecAttrAccount as String: prefix + keyId,
            kSecAttrSynchronizable as String: false,
        ]
    }

    private static func problem(_ status: OSStatus) -> KeyFactorProblem {
        switch status {
        case errSecItemNotFound: return .keyMissing
        // The phone is locked (a `WhenUnlocked` item) or the Keychain is not ready yet.
        case errSecInteractionNotAllowed: return .unavailable
        default: return .platform
        }
    }
}
