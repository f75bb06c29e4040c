import MigranCore
import SwiftUI

/// The pre-departure checklist grouped by kind, with what each step waits for, warnings
/// and due dates; a step is marked done by the cadre set in the settings, with one of the
/// person's documents as proof. Everything is the core's: a step done too early is refused.
struct ChecklistScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let personId: String
    @State private var view: MigranCore.ChecklistView?
    @State private var documents: [IdentityDocument] = []
    @State private var lessonTitles: [String: String] = [:]
    @State private var refusal: Refusal?

    var body: some View {
        List {
            RefusalText(refusal: refusal)
            if let view {
                Text(String(format: String(localized: "checklist.progress", bundle: .module), Int(view.summary.done), Int(view.summary.total))).font(.headline)
                ForEach(Array(view.warnings.enumerated()), id: \.offset) { _, warning in
                    Text("⚠ " + warning.message).fontWeight(warning.red ? .bold : .regular)
                }
                Picker(selection: Binding(get: { view.maritalStatus }, set: { status in
                    if let status { update { try vault.setMaritalStatus(personId: personId, status: status, locale: locale) } }
                })) {
                    Text("checklist.marital.single", bundle: .module).tag(MaritalStatus?.some(.single))
                    Text("checklist.marital.married", bundle: .module).tag(MaritalStatus?.some(.married))
                    Text("checklist.marital.divorced", bundle: .module).tag(MaritalStatus?.some(.divorced))
                    Text("checklist.marital.widowed", bundle: .module).tag(MaritalStatus?.some(.widowed))
                } label: { Text("checklist.marital", bundle: .module) }
                ForEach([ItemKind.requirement, .document, .step], id: \.self) { kind in
                    let items = view.items.filter { $0.kind == kind }
                    if !items.isEmpty {
                        Section(header: groupTitle(kind)) {
                            ForEach(items, id: \.id) { item in row(item, titles: view.items) }
                        }
                    }
                }
            }
        }
        .navigationTitle(Text("checklist.title", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear {
            update { try vault.checklist(personId: personId, locale: locale) }
            documents = (try? vault.listDocuments(personId: personId)) ?? []
            lessonTitles = Dictionary(((try? vault.lessons(locale: locale)) ?? []).map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        }
    }

    @ViewBuilder private func row(_ item: ChecklistItem, titles: [ChecklistItem]) -> some View {
        VStack(alignment: .leading, spacing: 4) {
            Text((item.state == .done ? "✓ " : "○ ") + item.title).font(.headline)
            Text(item.explanation).font(.body)
            if let due = item.dueDate { Text(String(localized: "checklist.due", bundle: .module) + " " + due) }
            if !item.blockedBy.isEmpty {
                let waits = item.blockedBy.map { id in titles.first { $0.id == id }?.title ?? id }.joined(separator: ", ")
                Text(String(localized: "checklist.waitsFor", bundle: .module) + " " + waits)
            }
            if item.conditionUnknown { Text("checklist.conditionUnknown", bundle: .module) }
            if let education = item.education {
                // The orientation item: the village sessions attended and their lessons.
                Text(String(localized: "checklist.sessions", bundle: .module) + " " + education.sessions.map { $0.date }.joined(separator: ", "))
                ForEach(education.lessons, id: \.self) { lessonId in
                    NavigationLink { LessonReaderView(vault: vault, locale: locale, lessonId: lessonId) } label: {
                        Text(lessonTitles[lessonId] ?? lessonId)
                    }
                }
            }
            if item.state != .done {
                Menu {
                    Button { mark(item, document: nil) } label: { Text("checklist.noDocument", bundle: .module) }
                    ForEach(documents, id: \.id) { document in
                        Button("\(documentKindLabel(kind: document.kind, locale: locale)) \(document.number)") { mark(item, document: document.id) }
                    }
                } label: { Text("checklist.markDone", bundle: .module) }
                .accessibilityLabel(Text("checklist.markDone", bundle: .module) + Text(": " + item.title))
            }
        }
    }

    private func groupTitle(_ kind: ItemKind) -> Text {
        switch kind {
        case .requirement: return Text("checklist.group.requirements", bundle: .module)
        case .document: return Text("checklist.group.documents", bundle: .module)
        case .step: return Text("checklist.group.steps", bundle: .module)
        }
    }

    private func mark(_ item: ChecklistItem, document: String?) {
        update {
            let by = try vault.currentActor()?.name
            let change = ChecklistItemUpdate(state: .done, by: by, note: nil, documentId: document)
            return try vault.setChecklistItem(personId: personId, itemId: item.id, update: change, locale: locale)
        }
    }

    /// The list stays as it was when the core refuses, with its message on top.
    private func update(_ call: () throws -> MigranCore.ChecklistView) {
        do {
            view = try call()
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}

/// What the family may see, only with the person's consent to share with the family.
struct FamilyChecklistScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let personId: String
    @State private var view: MigranCore.FamilyChecklistView?
    @State private var refusal: Refusal?

    var body: some View {
        List {
            RefusalText(refusal: refusal)
            if let view {
                Text(view.firstName).font(.title2)
                Text(String(format: String(localized: "checklist.progress", bundle: .module), Int(view.done), Int(view.total))).font(.headline)
                ForEach(view.warnings, id: \.self) { Text("⚠ " + $0) }
                ForEach(Array(view.items.enumerated()), id: \.offset) { _, item in
                    VStack(alignment: .leading) {
                        Text((item.state == .done ? "✓ " : "○ ") + item.title).font(.headline)
                        Text(item.text)
                        if let due = item.dueDate { Text(String(localized: "checklist.due", bundle: .module) + " " + due) }
                    }
                }
            }
        }
        .navigationTitle(Text("checklist.family", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear {
            do {
                view = try vault.familyChecklist(personId: personId, locale: locale)
                refusal = nil
            } catch {
                view = nil
                refusal = Refusal(error, locale: locale)
            }
        }
    }
}
