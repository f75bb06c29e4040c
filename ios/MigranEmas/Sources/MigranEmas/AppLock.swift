import Foundation

/// The idle timeouts the settings offer, in minutes (as on Android).
public let idleLockChoicesMinutes: [Int] = [1, 2, 5, 10]

/// Two minutes: long enough to read a record aloud, short enough that a phone put down is locked.
public let defaultIdleLockMinutes = 2

/// The `UserDefaults` key of the chosen timeout.
public let idleLockMinutesKey = "idleLockMinutes"

/// When the app locks the vault by itself (issue 19), the same rule as Android's
/// `AppLock` (android/screens, tested there on the JVM; this copy is not compiled on the
/// project's machines): locked when the app goes to the background, after `idleMinutes`
/// without a touch, and when a touch comes after that time (it locks instead of extending
/// a session that had run out). `now` is in seconds, monotonic and counting while the
/// phone sleeps (`AppModel` uses Darwin's `CLOCK_MONOTONIC`); a clock that goes back ends
/// the session. `lockVault` is called on every lock, also when already locked.
@MainActor
public final class AppLock {
    private let now: () -> TimeInterval
    private let lockVault: () -> Void
    private var lastUse: TimeInterval = 0

    public private(set) var isLocked = true

    public var idleMinutes: Int {
        didSet { if !idleLockChoicesMinutes.contains(idleMinutes) { idleMinutes = defaultIdleLockMinutes } }
    }

    public init(now: @escaping () -> TimeInterval, idleMinutes: Int = defaultIdleLockMinutes, lockVault: @escaping () -> Void) {
        self.now = now
        self.lockVault = lockVault
        self.idleMinutes = idleLockChoicesMinutes.contains(idleMinutes) ? idleMinutes : defaultIdleLockMinutes
    }

    private var timeout: TimeInterval { TimeInterval(idleMinutes * 60) }

    /// The PIN opened the vault: the session starts now.
    public func unlocked() {
        isLocked = false
        lastUse = now()
    }

    /// A touch anywhere; returns whether the session is still open.
    @discardableResult
    public func used() -> Bool {
        if isLocked || lockIfIdle() { return false }
        lastUse = now()
        return true
    }

    /// The scene went to the background (`scenePhase == .background`).
    public func wentToBackground() {
        lock()
    }

    /// Locks when the session has run out; returns whether it locked now.
    @discardableResult
    public func lockIfIdle() -> Bool {
        if isLocked { return false }
        let idle = now() - lastUse
        if idle < 0 || idle >= timeout {
            lock()
            return true
        }
        return false
    }

    /// When the timer should look again, or nil while locked.
    public func secondsUntilIdle() -> TimeInterval? {
        if isLocked { return nil }
        return min(max(timeout - (now() - lastUse), 0), timeout)
    }

    public func lock() {
        isLocked = true
        lockVault()
    }
}

/// Seconds since boot including sleep (Darwin's `CLOCK_MONOTONIC`), never set back by the
/// user; `ProcessInfo.systemUptime` stops while the phone sleeps.
public func monotonicSeconds() -> TimeInterval {
    TimeInterval(clock_gettime_nsec_np(CLOCK_MONOTONIC)) / 1_000_000_000
}
