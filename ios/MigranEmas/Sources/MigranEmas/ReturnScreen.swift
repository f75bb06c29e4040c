import MigranCore
import SwiftUI

/// Return and reintegration: the return (which moves the journey on) with needs and plan,
/// then the services given.
struct ReturnScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let personId: String
    @State private var date = todayText()
    @State private var needs: Set<ReintegrationNeed> = []
    @State private var condition = ""
    @State private var plan = ""
    @State private var nextFollowUp = ""
    @State private var provider = ""
    @State private var returns: [ReturnRecord] = []
    @State private var refusal: Refusal?

    private let reasons: [ReturnReason] = [.contractEnd, .earlyReturn, .deported, .`case`]
    private let allNeeds: [ReintegrationNeed] = [.health, .legal, .psychosocial, .economic]
    private let services: [ServiceKind] = [.training, .businessSupport, .counselling, .healthCare, .legalAid, .other]

    var body: some View {
        Form {
            RefusalText(refusal: refusal)
            TextField(String(localized: "common.dateHint", bundle: .module), text: $date)
            ForEach(allNeeds, id: \.self) { need in
                Toggle(reintegrationNeedLabel(need: need, locale: locale), isOn: Binding(
                    get: { needs.contains(need) },
                    set: { on in if on { needs.insert(need) } else { needs.remove(need) } }
                ))
            }
            TextField(String(localized: "return.condition", bundle: .module), text: $condition)
            TextField(String(localized: "return.plan", bundle: .module), text: $plan)
            TextField(String(localized: "return.nextFollowUp", bundle: .module), text: $nextFollowUp)
            Section(header: Text("return.record", bundle: .module)) {
                ForEach(reasons, id: \.self) { reason in
                    Button(returnReasonLabel(reason: reason, locale: locale)) { record(reason) }
                }
            }
            TextField(String(localized: "return.provider", bundle: .module), text: $provider)
            ForEach(returns, id: \.id) { item in
                Section(header: Text("\(item.returnDate) · \(returnReasonLabel(reason: item.reason, locale: locale))")) {
                    Text(item.needs.map { reintegrationNeedLabel(need: $0, locale: locale) }.joined(separator: ", "))
                    if let plan = item.followUpPlan { Text(plan) }
                    if let next = item.nextFollowUpOn { Text(String(localized: "checklist.due", bundle: .module) + " " + next) }
                    ForEach(item.services, id: \.id) { service in
                        Text(([service.date, serviceKindLabel(kind: service.kind, locale: locale)] + [service.provider].compactMap { $0 }).joined(separator: " · "))
                    }
                    ForEach(services, id: \.self) { kind in
                        Button(String(localized: "return.addService", bundle: .module) + ": " + serviceKindLabel(kind: kind, locale: locale)) {
                            update { _ = try vault.addReintegrationService(returnId: item.id, input: ServiceInput(kind: kind, date: date, provider: optional(provider), note: nil)) }
                        }
                    }
                }
            }
        }
        .navigationTitle(Text("return.title", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear { update {} }
    }

    private func record(_ reason: ReturnReason) {
        let input = ReturnInput(
            returnDate: date, reason: reason, caseId: nil, condition: optional(condition), needs: Array(needs),
            followUpPlan: optional(plan), nextFollowUpOn: optional(nextFollowUp)
        )
        update { _ = try vault.recordReturn(personId: personId, input: input) }
    }

    private func update(_ action: () throws -> Void) {
        do {
            try action()
            returns = try vault.listReturns(personId: personId)
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}
