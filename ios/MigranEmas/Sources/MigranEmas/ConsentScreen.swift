import MigranCore
import SwiftUI

/// Consent read aloud from the screen: each purpose in Bahasa Indonesia and in English,
/// large, then given or withdrawn on the date typed (today when left empty).
struct ConsentScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let personId: String
    @State private var statuses: [ConsentStatus] = []
    @State private var history: [ConsentRecord] = []
    @State private var date = ""
    @State private var refusal: Refusal?

    var body: some View {
        List {
            RefusalText(refusal: refusal)
            TextField(String(localized: "common.dateHint", bundle: .module), text: $date)
            ForEach(statuses, id: \.purpose) { status in
                Section(header: Text(consentPurposeLabel(purpose: status.purpose, locale: locale)).font(.title3)) {
                    Text(consentText(purpose: status.purpose, locale: .id)).font(.title3)
                    Text(consentText(purpose: status.purpose, locale: .en)).font(.title3)
                    Text(consentStateLabel(state: status.state, locale: locale) + (status.since.map { " (\($0))" } ?? "")).font(.headline)
                    if status.state == .given {
                        Button { record(status.purpose, given: false) } label: { Text("consent.withdraw", bundle: .module) }
                    } else {
                        Button { record(status.purpose, given: true) } label: { Text("consent.give", bundle: .module) }
                    }
                }
            }
            Section(header: Text("common.history", bundle: .module)) {
                ForEach(history, id: \.id) { entry in
                    let decided = consentStateLabel(state: entry.given ? .given : .withdrawn, locale: locale)
                    Text("\(entry.date) · \(consentPurposeLabel(purpose: entry.purpose, locale: locale)): \(decided)" + (entry.recordedBy.map { " · \($0.name)" } ?? ""))
                }
            }
        }
        .navigationTitle(Text("consent.title", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear(perform: load)
    }

    private func record(_ purpose: ConsentPurpose, given: Bool) {
        do {
            _ = try vault.recordConsent(personId: personId, input: ConsentInput(purpose: purpose, given: given, date: optional(date), note: nil))
            load()
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func load() {
        do {
            statuses = try vault.consents(personId: personId)
            history = try vault.consentHistory(personId: personId)
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}
