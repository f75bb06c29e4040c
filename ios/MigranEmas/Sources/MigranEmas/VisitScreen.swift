import MigranCore
import SwiftUI

/// A home visit (who was there, topics, observations, a follow-up) and the visit history.
struct VisitScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let personId: String
    @State private var date = todayText()
    @State private var present = ""
    @State private var topics: Set<VisitTopic> = []
    @State private var observations = ""
    @State private var followUp = ""
    @State private var followUpDue = ""
    @State private var nextVisit = ""
    @State private var visits: [Visit] = []
    @State private var refusal: Refusal?

    private let allTopics: [VisitTopic] = [.safeMigration, .documents, .redFlags, .remittances, .reintegration, .other]

    var body: some View {
        Form {
            RefusalText(refusal: refusal)
            TextField(String(localized: "common.dateHint", bundle: .module), text: $date)
            TextField(String(localized: "visit.present", bundle: .module), text: $present)
            ForEach(allTopics, id: \.self) { topic in
                Toggle(visitTopicLabel(topic: topic, locale: locale), isOn: Binding(
                    get: { topics.contains(topic) },
                    set: { on in if on { topics.insert(topic) } else { topics.remove(topic) } }
                ))
            }
            TextField(String(localized: "visit.observations", bundle: .module), text: $observations)
            TextField(String(localized: "visit.followUp", bundle: .module), text: $followUp)
            TextField(String(localized: "visit.followUpDue", bundle: .module), text: $followUpDue)
            TextField(String(localized: "visit.next", bundle: .module), text: $nextVisit)
            Button { save() } label: { Text("common.save", bundle: .module) }
            Section(header: Text("common.history", bundle: .module)) {
                ForEach(visits, id: \.id) { visit in
                    VStack(alignment: .leading) {
                        Text(([visit.date, visit.cadre ?? ""] + visit.topics.map { visitTopicLabel(topic: $0, locale: locale) })
                            .filter { !$0.isEmpty }.joined(separator: " · ")).font(.headline)
                        if !visit.present.isEmpty { Text(visit.present.joined(separator: ", ")) }
                        if let observations = visit.observations { Text(observations) }
                        ForEach(visit.followUps, id: \.id) { item in
                            HStack {
                                Text("\(item.dueOn) · \(item.action)" + (item.doneOn.map { " ✓ \($0)" } ?? ""))
                                if item.doneOn == nil {
                                    Button { complete(item.id) } label: { Text("common.markDone", bundle: .module) }
                                }
                            }
                        }
                    }
                }
            }
        }
        .navigationTitle(Text("visit.title", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear(perform: load)
    }

    private func save() {
        let followUps = followUp.isEmpty && followUpDue.isEmpty ? [] : [VisitFollowUpInput(action: followUp, dueOn: followUpDue)]
        let input = VisitInput(
            date: date, cadre: nil,
            present: present.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            topics: Array(topics), observations: optional(observations), followUps: followUps, nextVisitOn: optional(nextVisit)
        )
        do {
            _ = try vault.addVisit(personId: personId, input: input)
            present = ""; observations = ""; followUp = ""; followUpDue = ""; nextVisit = ""; topics = []
            load()
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func complete(_ id: String) {
        do {
            _ = try vault.completeVisitFollowUp(followUpId: id, doneOn: nil, note: nil)
            load()
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func load() {
        do {
            visits = try vault.listVisits(personId: personId)
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}
