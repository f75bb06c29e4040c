import Foundation
import MigranCore
#if canImport(BackgroundTasks) && os(iOS)
import BackgroundTasks
#endif
#if canImport(UserNotifications)
import UserNotifications
#endif

/// The check-in's periodic wake-up on iOS (issue 16): a `BGAppRefreshTask` that polls the
/// check-in on the locked vault (`pollCheckIn`) and, when a miss queued the alert or the
/// check-in is due, posts a neutral local notification ("Reminders" / "Open the app.") that
/// opens the app; the alert then waits in the outbox, retried like the button's (the app
/// sends nothing itself: every message goes through Messages or WhatsApp by the person).
/// The same work as Android's `CheckInWakeUp`, which is tested on the JVM; this is not
/// compiled here.
///
/// To wire it in the Xcode app target (kept out of this package):
/// - Info.plist: `BGTaskSchedulerPermittedIdentifiers` = [`id.migranemas.checkin`] and
///   `UIBackgroundModes` = [`fetch`];
/// - `MigranEmasApp.init` (before launch ends): `CheckInWakeUp.registerTask(openLocked:locale:)`
///   with the vault folder and a closure opening the vault locked (the key factor or the
///   device secret, as `AppModel` does).
///
/// Limits: iOS decides when (and whether) a refresh runs: hours apart, never when the person
/// force-quit the app, so a check-in's alert may come late; and with the vault folder's
/// `NSFileProtectionComplete` (docs/bindings.md) the files cannot be read while the phone is
/// locked, so a refresh then finds nothing to read and waits for the next one. A lighter
/// protection class for `locked.db` would change the threat model: not done.
public enum CheckInWakeUp {
    public static let taskIdentifier = "id.migranemas.checkin"
    /// The earliest next run asked for; iOS may run it much later.
    static let period: TimeInterval = 15 * 60

    #if canImport(BackgroundTasks) && os(iOS)
    /// Registers the task's handler; call once, before the app finishes launching.
    public static func registerTask(openLocked: @escaping () -> Vault?, locale: MigranCore.Locale) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: taskIdentifier, using: nil) { task in
            guard let refresh = task as? BGAppRefreshTask else { return task.setTaskCompleted(success: false) }
            let work = Task.detached {
                let keepWatching = run(vault: openLocked(), locale: locale)
                if keepWatching { schedule() }
                refresh.setTaskCompleted(success: true)
            }
            refresh.expirationHandler = { work.cancel() }
        }
    }

    /// Asks iOS for the next run (while a check-in runs). Asking again replaces the request.
    public static func schedule() {
        let request = BGAppRefreshTaskRequest(identifier: taskIdentifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: period)
        try? BGTaskScheduler.shared.submit(request)
    }

    public static func stop() {
        BGTaskScheduler.shared.cancel(taskRequestWithIdentifier: taskIdentifier)
    }
    #else
    public static func schedule() {}
    public static func stop() {}
    #endif

    /// One wake-up: polls the check-in without a location (a background refresh has no
    /// fresh one, and asking for "always" location is not done); says whether to run again.
    /// The alert is queued by the core once; a second run returns none.
    static func run(vault: Vault?, locale: MigranCore.Locale) -> Bool {
        guard let vault else { return false }
        do {
            let poll = try vault.pollCheckIn(location: nil, locale: locale)
            if poll.queued != nil || poll.status.state == .inGrace { remind() }
            return poll.status.state != .off
        } catch MigranError.Erased {
            return false
        } catch {
            // Locked files (the phone is locked), busy: the next run asks again.
            return true
        }
    }

    /// Neutral words: nothing on the lock screen names an emergency.
    static func remind() {
        #if canImport(UserNotifications)
        let content = UNMutableNotificationContent()
        content.title = String(localized: "checkin.notificationTitle", table: "CheckIn", bundle: .module)
        content.body = String(localized: "checkin.notificationText", table: "CheckIn", bundle: .module)
        let request = UNNotificationRequest(identifier: taskIdentifier, content: content, trigger: nil)
        UNUserNotificationCenter.current().add(request)
        #endif
    }

    /// Asked when a check-in is set, not before.
    static func askForNotifications() {
        #if canImport(UserNotifications)
        UNUserNotificationCenter.current().requestAuthorization(options: [.alert, .sound]) { _, _ in }
        #endif
    }
}
