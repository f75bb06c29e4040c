import MigranCore
import SwiftUI

/// The emergency card the button plans from (country, a family contact, the cadre), and
/// the outbox: what is pending with its attempts, each alert's actions, acknowledgement.
struct EmergencyCardScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var fullName = ""
    @State private var country = ""
    @State private var city = ""
    @State private var familyName = ""
    @State private var familyPhone = ""
    @State private var cadreName = ""
    @State private var cadrePhone = ""
    @State private var acknowledgedBy = ""
    @State private var pending: [PendingAction] = []
    @State private var log: [EmergencyAlert] = []
    @State private var saved = false
    @State private var refusal: Refusal?

    var body: some View {
        Form {
            RefusalText(refusal: refusal)
            if saved { Text("common.saved", bundle: .module) }
            TextField(String(localized: "card.fullName", bundle: .module), text: $fullName)
            TextField(String(localized: "card.country", bundle: .module), text: $country)
            TextField(String(localized: "card.city", bundle: .module), text: $city)
            TextField(String(localized: "card.familyName", bundle: .module), text: $familyName)
            TextField(String(localized: "card.familyPhone", bundle: .module), text: $familyPhone).phonePad()
            TextField(String(localized: "card.cadreName", bundle: .module), text: $cadreName)
            TextField(String(localized: "card.cadrePhone", bundle: .module), text: $cadrePhone).phonePad()
            Button { save() } label: { Text("common.save", bundle: .module) }
            Section(header: Text("outbox.pending", bundle: .module)) {
                ForEach(Array(pending.enumerated()), id: \.offset) { _, item in
                    Text("\(item.action.label) (\(item.action.number)) ×\(item.attempts)")
                }
            }
            Section(header: Text("outbox.title", bundle: .module)) {
                TextField(String(localized: "outbox.acknowledgedBy", bundle: .module), text: $acknowledgedBy)
                ForEach(log, id: \.id) { alert in
                    VStack(alignment: .leading) {
                        Text(([alert.createdAt] + [alert.plan.countryName].compactMap { $0 }).joined(separator: " · ")).font(.headline)
                        ForEach(alert.states, id: \.position) { state in
                            let label = alert.plan.actions.first { $0.position == state.position }?.label ?? ""
                            Text("\(label): \(statusWords(state.status)) ×\(state.attempts)")
                        }
                        if alert.acknowledgedAt == nil {
                            Button { acknowledge(alert.id) } label: { Text("outbox.acknowledge", bundle: .module) }
                        }
                    }
                }
            }
        }
        .navigationTitle(Text("card.title", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear {
            update {
                guard let card = try vault.emergencyCard() else { return }
                fullName = card.fullName
                country = card.country
                city = card.city ?? ""
                if let family = card.contacts.first(where: { $0.role == .family }) { familyName = family.name; familyPhone = family.phone }
                if let cadre = card.contacts.first(where: { $0.role == .cadre }) { cadreName = cadre.name; cadrePhone = cadre.phone }
            }
        }
    }

    private func save() {
        let contacts = [(familyName, familyPhone, CardContactRole.family), (cadreName, cadrePhone, CardContactRole.cadre)]
            .filter { !$0.0.isEmpty || !$0.1.isEmpty }
            .map { CardContact(name: $0.0, phone: $0.1, role: $0.2) }
        let card = EmergencyCard(
            fullName: fullName, passportNumber: nil, country: country, city: optional(city),
            employerName: nil, employerAddress: nil, contacts: contacts
        )
        update { _ = try vault.setEmergencyCard(card: card) }
        saved = refusal == nil
    }

    private func acknowledge(_ alertId: String) {
        update { _ = try vault.acknowledgeEmergency(alertId: alertId, by: acknowledgedBy) }
    }

    private func update(_ action: () throws -> Void) {
        do {
            try action()
            pending = try vault.pendingEmergencyActions()
            log = try vault.emergencyLog()
            refusal = nil
        } catch {
            saved = false
            refusal = Refusal(error, locale: locale)
        }
    }

    private func statusWords(_ status: ActionStatus) -> String {
        switch status {
        case .composed: return String(localized: "outbox.composed", bundle: .module)
        case .handedToOs: return String(localized: "outbox.handedOver", bundle: .module)
        case .sent: return String(localized: "outbox.sent", bundle: .module)
        case .failed: return String(localized: "outbox.failed", bundle: .module)
        case .acknowledged: return String(localized: "outbox.acknowledged", bundle: .module)
        }
    }
}
