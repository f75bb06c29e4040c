import Combine
import CoreLocation
import Foundation
import MigranCore

/// The phone's last known location for the emergency button (issue 16), read without
/// waiting for a new fix: the plan must go out at once. No permission is asked before the
/// button is first used; the first press asks ("when in use") and goes out without a
/// location, since a dialog must not hold the plan back; the location updates the core
/// offers afterwards carry it. The app target's Info.plist needs
/// `NSLocationWhenInUseUsageDescription` (docs/emergency.md). Not compiled here (no
/// Swift toolchain on the project's machine): written against CoreLocation's iOS 16 API.
final class LastLocation: NSObject, ObservableObject, CLLocationManagerDelegate {
    private let manager = CLLocationManager()
    private var asked = false

    override init() {
        super.init()
        manager.delegate = self
    }

    /// The last fix the system holds, with the time it was taken (the core says how old it
    /// is in the messages); `nil` without permission or without any fix yet.
    func lastKnown() -> GeoLocation? {
        switch manager.authorizationStatus {
        case .notDetermined:
            if !asked {
                asked = true
                manager.requestWhenInUseAuthorization()
            }
            return nil
        case .authorizedWhenInUse, .authorizedAlways:
            guard let fix = manager.location else {
                // None cached yet: one fix in the background, there for the next update.
                manager.requestLocation()
                return nil
            }
            return GeoLocation(
                latitude: fix.coordinate.latitude,
                longitude: fix.coordinate.longitude,
                fixTimeEpochMs: Int64((fix.timestamp.timeIntervalSince1970 * 1000).rounded())
            )
        default:
            return nil
        }
    }

    // `requestLocation()` needs both callbacks; the fix lands in `manager.location`.
    func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {}

    func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {}
}
