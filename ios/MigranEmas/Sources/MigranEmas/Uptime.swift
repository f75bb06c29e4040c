import Foundation
import MigranCore

/// The phone's monotonic clock for the lockout (the core's `MonotonicTime`): the kernel's
/// boot time names the boot, and `CLOCK_MONOTONIC` counts from it, on Darwin through
/// sleep too (unlike `CLOCK_UPTIME_RAW` and `ProcessInfo.systemUptime`). With it a
/// lockout wait is not shortened by a wall clock set forward, and restarts in full after
/// a reboot (docs/security.md, "Lockout and the clock"). The kernel shifts its boot time
/// when the wall clock is set, which the core then takes for a reboot: the wait restarts,
/// never shortens. `nil` when the boot time cannot be read: the wall clock alone counts.
enum Uptime {
    static func now() -> MonotonicTime? {
        var boot = timeval()
        var size = MemoryLayout<timeval>.stride
        var mib: [Int32] = [CTL_KERN, KERN_BOOTTIME]
        guard sysctl(&mib, 2, &boot, &size, nil, 0) == 0, boot.tv_sec > 0 else { return nil }
        let nanos = clock_gettime_nsec_np(CLOCK_MONOTONIC)
        guard nanos > 0 else { return nil }
        return MonotonicTime(bootId: "boot-\(boot.tv_sec)", elapsedMillis: nanos / 1_000_000)
    }
}
