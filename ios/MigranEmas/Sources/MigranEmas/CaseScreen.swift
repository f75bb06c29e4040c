import MigranCore
import SwiftUI

/// Opens a case for a person (type, what happened), reported by the family.
struct OpenCaseScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let personId: String
    @State private var description = ""
    @State private var opened: String?
    @State private var refusal: Refusal?

    private let types: [CaseType] = [
        .unpaidWages, .abuse, .documentSeized, .missingContact, .detention,
        .traffickingSuspicion, .deathOrIllness, .deportation, .other,
    ]

    var body: some View {
        Form {
            RefusalText(refusal: refusal)
            TextField(String(localized: "case.description", bundle: .module), text: $description)
            ForEach(types, id: \.self) { type in
                Button(caseTypeLabel(caseType: type, locale: locale)) { open(type) }
            }
        }
        .navigationTitle(Text("case.open", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .navigationDestination(isPresented: Binding(get: { opened != nil }, set: { if !$0 { opened = nil } })) {
            if let opened { CaseScreen(vault: vault, locale: locale, caseId: opened) }
        }
    }

    private func open(_ type: CaseType) {
        do {
            opened = try vault.openCase(personId: personId, input: CaseInput(caseType: type, description: description, reportedBy: .family, reportedOn: nil)).id
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}

/// A case: its timeline, only the status buttons the core's workflow allows, notes and referrals.
struct CaseScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let caseId: String
    @State private var detail: CaseDetail?
    @State private var note = ""
    @State private var refusal: Refusal?

    private let agencies: [Agency] = [.disnaker, .kp2mi, .kbri, .police, .ngo, .other]

    var body: some View {
        List {
            RefusalText(refusal: refusal)
            if let detail {
                Text(caseTypeLabel(caseType: detail.case.caseType, locale: locale)).font(.title2)
                Text(caseStatusLabel(status: detail.case.status, locale: locale)).font(.headline)
                Text(detail.case.description)
                TextField(String(localized: "case.note", bundle: .module), text: $note)
                ForEach(caseNextStatuses(from: detail.case.status), id: \.self) { to in
                    Button(caseStatusLabel(status: to, locale: locale)) {
                        update { _ = try vault.changeCaseStatus(caseId: caseId, change: StatusChangeInput(to: to, date: nil, note: optional(note))) }
                    }
                }
                Button { update { _ = try vault.addCaseNote(caseId: caseId, note: note, date: nil) } } label: { Text("case.addNote", bundle: .module) }
                Section(header: Text("case.refer", bundle: .module)) {
                    ForEach(agencies, id: \.self) { agency in
                        Button(agencyLabel(agency: agency, locale: locale)) {
                            update { _ = try vault.referCase(caseId: caseId, referral: ReferralInput(agency: agency, office: nil, date: nil, note: optional(note))) }
                        }
                    }
                }
                Section(header: Text("case.timeline", bundle: .module)) {
                    ForEach(detail.timeline, id: \.id) { event in Text(line(event)) }
                }
                Section(header: Text("case.referrals", bundle: .module)) {
                    ForEach(detail.referrals, id: \.eventId) { referral in
                        Text(([referral.date, agencyLabel(agency: referral.agency, locale: locale)] + [referral.office, referral.note].compactMap { $0 })
                            .joined(separator: " · "))
                    }
                }
            }
        }
        .navigationTitle(Text("case.title", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear { update {} }
    }

    private func line(_ event: CaseEvent) -> String {
        var what: String?
        switch event.change {
        case .opened: what = caseStatusLabel(status: .open, locale: locale)
        case .statusChanged(let from, let to):
            what = caseStatusLabel(status: from, locale: locale) + " → " + caseStatusLabel(status: to, locale: locale)
        case .referred(let agency, let office):
            what = ([agencyLabel(agency: agency, locale: locale)] + [office].compactMap { $0 }).joined(separator: ", ")
        case .note: what = nil
        }
        return ([event.date] + [what, event.note, event.actor?.name].compactMap { $0 }).joined(separator: " · ")
    }

    /// Runs the action, then reloads; a refusal keeps the case as it was, message on top.
    private func update(_ action: () throws -> Void) {
        do {
            try action()
            detail = try vault.getCase(caseId: caseId)
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}
