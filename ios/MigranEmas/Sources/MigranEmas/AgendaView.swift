import MigranCore
import SwiftUI

/// The cadre's day: what is due today and in the week ahead, most overdue first. The
/// core decides what is due and words it in both languages; this view picks one.
public struct AgendaView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var items: [AgendaItem] = []
    @State private var message: String?

    public init(vault: Vault, locale: MigranCore.Locale) {
        self.vault = vault
        self.locale = locale
    }

    public var body: some View {
        List {
            if let message { Text(message).foregroundColor(.red) }
            if message == nil && items.isEmpty { Text("agenda.empty", bundle: .module) }
            ForEach(Array(items.enumerated()), id: \.offset) { _, item in
                if isEmergency(item.kind) {
                    // Someone may be in danger now (the core puts these first): marked, and
                    // straight to where the alert is answered.
                    NavigationLink { LinkPhoneView(vault: vault, locale: locale, personId: item.personId) } label: {
                        VStack(alignment: .leading) {
                            Text(item.personName)
                            Text(locale == .en ? item.text.en : item.text.id).font(.caption)
                        }
                        .markedEmergency()
                    }
                } else {
                    NavigationLink(value: item.personId) {
                        VStack(alignment: .leading) {
                            Text(item.personName)
                            Text(locale == .en ? item.text.en : item.text.id)
                                .font(.caption)
                                .fontWeight(item.daysOverdue > 0 ? .bold : .regular)
                        }
                    }
                }
            }
        }
        .navigationTitle(Text("agenda.title", bundle: .module))
        .onAppear { load() }
    }

    /// An alert from the migrant's phone or a missed check-in nobody answered (issue 18).
    private func isEmergency(_ kind: AgendaKind) -> Bool {
        switch kind {
        case .migrantAlert, .missedCheckIn: return true
        case .visitDue, .followUpDue, .reintegrationFollowUpDue, .missingChecklistItems, .screeningNotFollowedUp, .inviteToSession: return false
        }
    }

    private func load() {
        do {
            // The device's own date: the core's "today" is UTC, a day behind before 07:00 WIB.
            let formatter = DateFormatter()
            formatter.calendar = Calendar(identifier: .gregorian)
            formatter.locale = Foundation.Locale(identifier: "en_US_POSIX")
            formatter.timeZone = .current
            formatter.dateFormat = "yyyy-MM-dd"
            let today = formatter.string(from: Date())
            items = try vault.agenda(request: AgendaRequest(on: today, lookAheadDays: 7)).items
            message = nil
        } catch let error as MigranError {
            message = errorMessage(error: error, locale: locale)
        } catch {
            message = String(describing: error)
        }
    }
}
