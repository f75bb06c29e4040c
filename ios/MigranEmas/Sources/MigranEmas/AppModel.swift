import Foundation
import MigranCore

/// How long stretching the PIN should take on this phone, at every unlock: a new vault's
/// Argon2id memory and passes are measured for it here (the core's `calibrateArgon2`,
/// off the main thread: memory first, up to its cap, then passes; never below its floor).
private let kdfTargetMillis: UInt32 = 1000

/// Holds the vault and runs core calls off the main thread. Views render its state.
@MainActor
public final class AppModel: ObservableObject {
    @Published public var vault: Vault?
    @Published public var unlockMessage: String?
    @Published public var retryAfterSeconds: UInt64 = 0

    // MigranCore.Locale, not Foundation's: both modules are imported wherever screens are.
    public let locale: MigranCore.Locale =
        Foundation.Locale.current.language.languageCode?.identifier == "en" ? .en : .id
    private var locked: Vault?
    private let directory: URL
    /// Set only for a vault made before the hardware key factor (it keeps opening so).
    private let deviceSecret: Data?
    private let keyFactor: KeyFactor

    /// The self-locking rule (`AppLock`): background, idle timeout, a late touch.
    private lazy var appLock = AppLock(
        now: monotonicSeconds,
        idleMinutes: self.storedIdleMinutes,
        lockVault: { [weak self] in self?.lockedNow() }
    )
    private var idleTask: Task<Void, Never>?
    private var inBackground = false

    /// `keyFactor` makes and uses the vault's Secure Enclave keys (docs/security.md, "The
    /// hardware key factor"); new vaults are made with it. `deviceSecret` is the Keychain
    /// item of a vault made before the factor, nil on phones that never had one: such a
    /// vault keeps opening with it and is not moved to the factor in place.
    public init(directory: URL, deviceSecret: Data?, keyFactor: KeyFactor) {
        self.directory = directory
        self.deviceSecret = deviceSecret
        self.keyFactor = keyFactor
    }

    /// Opens the existing vault, locked: with the device secret if it was made with one,
    /// else with the hardware key factor.
    private static func openExisting(path: String, deviceSecret: Data?, keyFactor: KeyFactor) throws -> Vault {
        if let deviceSecret {
            return try Vault.open(dir: path, deviceSecret: deviceSecret)
        }
        return try Vault.openWithFactor(dir: path, factor: keyFactor)
    }

    private var storedIdleMinutes: Int {
        let stored = UserDefaults.standard.integer(forKey: idleLockMinutesKey)
        return stored == 0 ? defaultIdleLockMinutes : stored
    }

    /// A touch anywhere in the window (the app target's touch watcher).
    public func touched() {
        guard appLock.used() else { return }
        // The settings may have changed the timeout (the picker was touched too).
        if storedIdleMinutes != appLock.idleMinutes {
            appLock.idleMinutes = storedIdleMinutes
            scheduleIdleCheck()
        }
    }

    /// `scenePhase` became `.background`: lock at once.
    public func wentToBackground() {
        inBackground = true
        appLock.wentToBackground()
    }

    /// `scenePhase` became `.active`: a session that ran out while the timer was
    /// suspended locks now, before anything is shown.
    public func becameActive() {
        inBackground = false
        appLock.idleMinutes = storedIdleMinutes
        if !appLock.lockIfIdle() { scheduleIdleCheck() }
    }

    private func scheduleIdleCheck() {
        idleTask?.cancel()
        guard let seconds = appLock.secondsUntilIdle() else { return }
        idleTask = Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            guard !Task.isCancelled, let self else { return }
            if !self.appLock.lockIfIdle() { self.scheduleIdleCheck() }
        }
    }

    /// The app locked itself: every screen with records goes (`RootView` shows the unlock
    /// screen once `vault` is nil), the core forgets the keys off the main thread, and
    /// the vault object is dropped: with `NSFileProtectionComplete` its files cannot be
    /// read once the phone locks, so it is opened again (locked) when next needed.
    private func lockedNow() {
        idleTask?.cancel()
        idleTask = nil
        let opened = vault ?? locked
        vault = nil
        locked = nil
        if let opened {
            Task.detached { opened.lock() }
        }
    }

    /// The vault opened locked, for what works without the PIN (the emergency button);
    /// nil when none was created on this phone. Unlocking later reuses it.
    public func lockedVault() -> Vault? {
        if let vault { return vault }
        if let opened = locked { return opened }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("vault.db").path) else { return nil }
        locked = try? Self.openExisting(path: directory.path, deviceSecret: deviceSecret, keyFactor: keyFactor)
        return locked
    }

    public func unlock(pin: String) async {
        let path = directory.path
        let secret = deviceSecret
        let factor = keyFactor
        let exists = FileManager.default.fileExists(atPath: directory.appendingPathComponent("vault.db").path)
        let reuse = locked
        do {
            let opened = try await Task.detached { () throws -> Vault in
                if !exists {
                    return try Vault.createWithFactorAndArgon2(
                        dir: path, pin: pin, factor: factor, settings: defaultVaultSettings(),
                        argon2: calibrateArgon2(targetMillis: kdfTargetMillis))
                }
                let vault = try reuse ?? Self.openExisting(path: path, deviceSecret: secret, keyFactor: factor)
                if let uptime = Uptime.now() {
                    try vault.unlockWithUptime(pin: pin, uptime: uptime)
                } else {
                    try vault.unlock(pin: pin)
                }
                return vault
            }.value
            // The core keeps the actor with the unlocked session only: set it again.
            if let name = UserDefaults.standard.string(forKey: "actorName") {
                let role: ActorRole = UserDefaults.standard.bool(forKey: "actorIsVillageOfficer") ? .villageOfficer : .cadre
                try? opened.setActor(actor: ActorInput(name: name, role: role))
            }
            vault = opened
            unlockMessage = nil
            appLock.idleMinutes = storedIdleMinutes
            appLock.unlocked()
            scheduleIdleCheck()
            // The app went to the background while the PIN was checked: lock again.
            if inBackground { appLock.lock() }
        } catch let error as MigranError {
            // Every text comes from the core: wrong PIN with attempts left, lockout, erased.
            unlockMessage = errorMessage(error: error, locale: locale)
            if case .LockedOut(let seconds) = error {
                retryAfterSeconds = seconds
                Task { [weak self] in
                    try? await Task.sleep(nanoseconds: seconds * 1_000_000_000)
                    self?.retryAfterSeconds = 0
                }
            }
        } catch {
            unlockMessage = String(describing: error)
        }
    }
}
