import Foundation

/// The vault's folder on the phone: its files encrypted under a key the phone discards
/// ten seconds after it locks (`NSFileProtectionComplete`), and left out of iCloud and
/// computer backups (`isExcludedFromBackup`): a backup would carry the files off the
/// device, where only the device secret stands between them and PIN guessing.
enum VaultFolder {
    /// Makes the folder if needed and applies both to it and to every file in it. Called
    /// at launch and each time the app leaves the front: SQLite makes its `-wal` and
    /// `-shm` files during a session, and the class is set on them here at the latest
    /// (new files in a protected folder take its class; this also covers older vaults).
    /// The app target should also carry the `com.apple.developer.default-data-protection`
    /// entitlement set to `NSFileProtectionComplete` (docs/bindings.md).
    static func protect(_ directory: URL) throws {
        let files = FileManager.default
        let complete: [FileAttributeKey: Any] = [.protectionKey: FileProtectionType.complete]
        try files.createDirectory(at: directory, withIntermediateDirectories: true, attributes: complete)
        try files.setAttributes(complete, ofItemAtPath: directory.path)
        for name in try files.contentsOfDirectory(atPath: directory.path) {
            try files.setAttributes(complete, ofItemAtPath: directory.appendingPathComponent(name).path)
        }
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        var folder = directory
        try folder.setResourceValues(values)
    }
}
