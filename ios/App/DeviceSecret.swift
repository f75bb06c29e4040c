import Foundation
import MigranCore
import Security

/// The device secret of a vault made before the hardware key factor: 32 random bytes from
/// the core, kept in the Keychain on this device only (never in backups, never synced).
/// New vaults use `SecureEnclaveKeyFactor` and make no device secret (docs/security.md,
/// "The hardware key factor").
enum DeviceSecret {
    private static let query: [String: Any] = [
        kSecClass as String: kSecClassGenericPassword,
        kSecAttrService as String: "id.migranemas.device-secret",
        kSecAttrAccount as String: "vault",
    ]

    struct KeychainError: Error { let status: OSStatus }

    /// The stored secret, or nil when this phone never made one (nothing is created).
    static func existing() throws -> Data? {
        var lookup = query
        lookup[kSecReturnData as String] = true
        var found: AnyObject?
        let status = SecItemCopyMatching(lookup as CFDictionary, &found)
        if status == errSecSuccess, let data = found as? Data { return data }
        guard status == errSecItemNotFound else { throw KeychainError(status: status) }
        return nil
    }

    static func load() throws -> Data {
        var lookup = query
        lookup[kSecReturnData as String] = true
        var found: AnyObject?
        let status = SecItemCopyMatching(lookup as CFDictionary, &found)
        if status == errSecSuccess, let data = found as? Data { return data }
        guard status == errSecItemNotFound else { throw KeychainError(status: status) }

        let secret = try newDeviceSecret()
        var item = query
        item[kSecValueData as String] = secret
        item[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        let added = SecItemAdd(item as CFDictionary, nil)
        guard added == errSecSuccess else { throw KeychainError(status: added) }
        return secret
    }
}
