import MigranCore
import SwiftUI

/// The emergency button, reachable from the unlock screen without the PIN. One tap on
/// what happened; each way to get help then opens the phone app, Messages or WhatsApp
/// with the number and the text filled in (the person presses send). The alert goes into
/// the core's outbox; if that fails, the plan alone is shown: the numbers must appear.
public struct EmergencyView: View {
    let vault: Vault?
    let locale: MigranCore.Locale
    @State private var alertId: String?
    @State private var plan: EmergencyPlan?
    @State private var message: String?
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
            } else if vault != nil {
                ForEach(Array(kinds.enumerated()), id: \.offset) { _, entry in
                    Button { press(entry.0) } label: { Text(entry.1, bundle: .module).font(.title3) }
                }
            }
        }
        .navigationTitle(Text("emergency.title", bundle: .module))
    }

    private func verb(_ channel: ActionChannel) -> String {
        switch channel {
        case .call: return String(localized: "emergency.call", bundle: .module)
        case .sms: return "SMS"
        case .whatsApp: return "WhatsApp"
        }
    }

    private func press(_ kind: EmergencyKind) {
        guard let vault else { return }
        do {
            let alert = try vault.triggerEmergency(kind: kind, country: nil, location: nil, locale: locale)
            alertId = alert.id
            plan = alert.plan
        } catch let outboxFailed as MigranError {
            message = errorMessage(error: outboxFailed, locale: locale)
            plan = try? vault.emergencyPlan(kind: kind, country: nil, location: nil, locale: locale)
        } catch {
            message = String(describing: error)
        }
    }

    private func handOver(_ action: EmergencyAction) {
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
        if let alertId {
            _ = try? vault?.recordEmergencyAction(alertId: alertId, position: action.position, status: .handedToOs)
        }
    }
}
