import MigranCore
import SwiftUI

/// The emergency button, reachable from the unlock screen without the PIN. One tap on
/// what happened; each way to get help then opens the phone app, Messages or WhatsApp
/// with the number and the text filled in (the person presses send). The alert goes into
/// the core's outbox; if that fails, the plan alone is shown: the numbers must appear.
/// The phone's last known location goes with the press ([LastLocation]); while the alert
/// is active the core offers a new one every few minutes, until the owner stops it or
/// someone confirms (the same behaviour as Android's `EmergencyPresenter`).
public struct EmergencyView: View {
    let vault: Vault?
    let locale: MigranCore.Locale
    @State private var alertId: String?
    @State private var plan: EmergencyPlan?
    @State private var message: String?
    @State private var offer: LocationUpdateOffer?
    @State private var update: LocationUpdate?
    @StateObject private var lastLocation = LastLocation()
    @Environment(\.openURL) private var openURL

    public init(vault: Vault?, locale: MigranCore.Locale) {
        self.vault = vault
        self.locale = locale
    }

    private let kinds: [(EmergencyKind, LocalizedStringKey)] = [
        (.violence, "emergency.violence"),
        (.medical, "emergency.medical"),
        (.heldAgainstWill, "emergency.held"),
        (.passportTaken, "emergency.passport"),
        (.unpaidWages, "emergency.wages"),
        (.detention, "emergency.detention"),
        (.wantToGoHome, "emergency.goHome"),
        (.other, "emergency.other"),
    ]

    public var body: some View {
        List {
            if vault == nil { Text("emergency.noVault", bundle: .module) }
            if let message { Text(message).foregroundColor(.red) }
            if let plan {
                if let country = plan.countryName { Text(country).font(.headline) }
                ForEach(plan.actions, id: \.position) { action in
                    Button { handOver(action) } label: {
                        Text(verbatim: "\(verb(action.channel)) \(action.label) (\(action.number))\(action.verifyHint ? " *" : "")")
                    }
                }
                if plan.actions.contains(where: { $0.verifyHint }) { Text("emergency.checkNumber", bundle: .module).font(.caption) }
                locationUpdateSection
            } else if vault != nil {
                ForEach(Array(kinds.enumerated()), id: \.offset) { _, entry in
                    Button { press(entry.0) } label: { Text(entry.1, bundle: .module).font(.title3) }
                }
            }
            // The check-in (issue 16) lives with the button: it works locked too.
            if let vault {
                NavigationLink { CheckInView(vault: vault, locale: locale) } label: {
                    Text("checkin.open", tableName: "CheckIn", bundle: .module)
                }
            }
        }
        .navigationTitle(Text("emergency.title", bundle: .module))
        // Asks the core again when its next update is due; restarts with each new offer.
        .task(id: offer?.dueAt) {
            guard let seconds = offer?.secondsUntilDue, offer?.status == .notYet else { return }
            try? await Task.sleep(nanoseconds: max(seconds, 1) * 1_000_000_000)
            if !Task.isCancelled { checkLocationUpdate() }
        }
    }

    /// The offer of a new location, its rows once sent, and the way to stop.
    @ViewBuilder private var locationUpdateSection: some View {
        if alertId != nil, let offer, offer.status == .due || offer.status == .notYet {
            if offer.status == .due {
                Button { sendLocationUpdate() } label: { Text("emergency.sendLocation", bundle: .module) }
            }
            if let update {
                ForEach(update.actions, id: \.position) { action in
                    Button { handOver(action, recorded: false) } label: {
                        Text(verbatim: "\(verb(action.channel)) \(action.label) (\(action.number)) · \(String(localized: "emergency.newLocation", bundle: .module))")
                    }
                }
            }
            Button { stopLocationUpdates() } label: { Text("emergency.stopLocation", bundle: .module) }
        }
    }

    private func verb(_ channel: ActionChannel) -> String {
        switch channel {
        case .call: return String(localized: "emergency.call", bundle: .module)
        case .sms: return "SMS"
        case .whatsApp: return "WhatsApp"
        }
    }

    /// The tap: the plan goes out at once, with the last known location when there is one.
    /// A location the core refuses (a fix from the future, older than a month) is left
    /// out rather than holding the plan back.
    private func press(_ kind: EmergencyKind) {
        guard let vault else { return }
        let here = lastLocation.lastKnown()
        do {
            let alert: EmergencyAlert
            do {
                alert = try vault.triggerEmergency(kind: kind, country: nil, location: here, locale: locale)
            } catch MigranError.Invalid(let field, _) where here != nil && field.hasPrefix("location") {
                alert = try vault.triggerEmergency(kind: kind, country: nil, location: nil, locale: locale)
            }
            alertId = alert.id
            plan = alert.plan
            checkLocationUpdate()
        } catch let outboxFailed as MigranError {
            message = errorMessage(error: outboxFailed, locale: locale)
            plan = (try? vault.emergencyPlan(kind: kind, country: nil, location: here, locale: locale))
                ?? (try? vault.emergencyPlan(kind: kind, country: nil, location: nil, locale: locale))
        } catch {
            message = String(describing: error)
        }
    }

    private func checkLocationUpdate() {
        guard let vault, let alertId else { return }
        do {
            offer = try vault.locationUpdateOffer(alertId: alertId)
        } catch let error as MigranError {
            message = errorMessage(error: error, locale: locale)
        } catch {
            message = String(describing: error)
        }
    }

    /// Without a location nothing is sent and the offer stays.
    private func sendLocationUpdate() {
        guard let vault, let alertId, let here = lastLocation.lastKnown() else { return }
        do {
            let sent = try vault.recordLocationUpdate(alertId: alertId, location: here)
            update = sent
            offer = sent.next
        } catch let error as MigranError {
            message = errorMessage(error: error, locale: locale)
        } catch {
            message = String(describing: error)
        }
    }

    private func stopLocationUpdates() {
        guard let vault, let alertId else { return }
        do {
            offer = try vault.stopLocationUpdates(alertId: alertId)
        } catch let error as MigranError {
            message = errorMessage(error: error, locale: locale)
        } catch {
            message = String(describing: error)
        }
    }

    /// Opens the phone app, Messages or WhatsApp; the press's own actions (`recorded`)
    /// report the hand-over to the outbox, an update's are not tracked there.
    private func handOver(_ action: EmergencyAction, recorded: Bool = true) {
        let digits = action.number.filter { $0.isNumber || $0 == "+" }
        let text = action.message.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
        let link: String
        switch action.channel {
        case .call: link = "tel:\(digits)"
        case .sms: link = "sms:\(digits)&body=\(text)"
        case .whatsApp: link = "https://wa.me/\(digits.filter { $0.isNumber })?text=\(text)"
        }
        guard let url = URL(string: link) else { return }
        openURL(url)
        if recorded, let alertId {
            _ = try? vault?.recordEmergencyAction(alertId: alertId, position: action.position, status: .handedToOs)
        }
    }
}
