import MigranCore
import SwiftUI

// Roles and follow links (issue 18): the role question, the follower's linking screen,
// the migrant's and the family's homes, the cadre's "link a phone" screen. The same
// screens as Android's presenters (android/screens: DeviceRolePresenter,
// FollowerLinkPresenter, MigrantHomePresenter, FamilyHomePresenter, LinkPhonePresenter);
// every rule and message is the core's. Not compiled here (no Swift toolchain).

/// Which home the unlocked app shows: the same rule as Android's `homeFor`.
enum Home {
    case chooseRole, register, migrant, family

    init(role: DeviceRole?) {
        switch role {
        case nil: self = .chooseRole
        case .cadre?, .officer?: self = .register
        case .migrant?: self = .migrant
        case .family?: self = .family
        }
    }
}

/// A follow text (a view, events) as the apps share it: the core's JSON file unchanged,
/// pasted back trimmed (Android's `FollowExchange`; docs/bindings.md says why).
enum FollowExchange {
    static func text(_ file: Data) -> String { String(decoding: file, as: UTF8.self) }

    static func file(_ text: String) -> Data { Data(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8) }
}

/// Whether `error` is the core's "this phone follows no link yet".
private func isNotFollowing(_ error: Error) -> Bool {
    if case MigranError.SyncRefused(let reason) = error, reason == .notFollowing { return true }
    return false
}

/// A localized format from the Follow table.
private func followText(_ key: String, _ arguments: [CVarArg]) -> String {
    String(format: String(localized: String.LocalizationValue(key), table: "Follow", bundle: .module), arguments: arguments)
}

/// White on #B00020 (6.5:1, above WCAG AA), bold: an emergency line in any list.
private struct EmergencyMark: ViewModifier {
    func body(content: Content) -> some View {
        content.bold().foregroundColor(.white).padding(4).background(Color(red: 0.69, green: 0, blue: 0.125))
    }
}

extension View {
    func markedEmergency() -> some View { modifier(EmergencyMark()) }
}

/// The unlocked app's home, chosen by the device's role (the role question first on a new phone).
public struct RoleHomeView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var role: DeviceRole?
    @State private var loaded = false

    public init(vault: Vault, locale: MigranCore.Locale) {
        self.vault = vault
        self.locale = locale
    }

    public var body: some View {
        Group {
            if loaded {
                switch Home(role: role) {
                case .chooseRole: RoleChoiceView(vault: vault, locale: locale) { role = $0 }
                case .register: PersonListView(vault: vault, locale: locale)
                case .migrant: NavigationStack { MigrantHomeView(vault: vault, locale: locale) }
                case .family: NavigationStack { FamilyHomeView(vault: vault, locale: locale) }
                }
            } else {
                ProgressView()
            }
        }
        .onAppear {
            // A role that cannot be read shows the question; choosing shows the core's refusal.
            role = try? vault.deviceRole()
            loaded = true
        }
    }
}

/// The set-up question: who uses this phone.
struct RoleChoiceView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let chosen: (DeviceRole) -> Void
    @State private var refusal: Refusal?

    private let roles: [(DeviceRole, String)] = [
        (.migrant, "follow.roleMigrant"),
        (.family, "follow.roleFamily"),
        (.cadre, "follow.roleCadre"),
        (.officer, "follow.roleOfficer"),
    ]

    var body: some View {
        NavigationStack {
            List {
                RefusalText(refusal: refusal)
                ForEach(Array(roles.enumerated()), id: \.offset) { _, choice in
                    Button { choose(choice.0) } label: { Text(LocalizedStringKey(choice.1), tableName: "Follow", bundle: .module) }
                }
            }
            .navigationTitle(Text("follow.roleTitle", tableName: "Follow", bundle: .module))
            .emergencyButton(vault: vault, locale: locale)
        }
    }

    private func choose(_ role: DeviceRole) {
        do {
            chosen(try vault.setDeviceRole(role: role))
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}

/// The follower's linking screen: this phone's code and fingerprint for the cadre, the
/// cadre's package pasted back, then the team's fingerprint to compare.
struct FollowerLinkView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var request: FollowRequest?
    @State private var followed: FollowedLink?
    @State private var pasted = ""
    @State private var refusal: Refusal?

    var body: some View {
        List {
            RefusalText(refusal: refusal)
            if let followed {
                Text(verbatim: followText("follow.linked", [followed.teamFingerprint])).font(.headline)
            } else if let request {
                Text("follow.linkExplain", tableName: "Follow", bundle: .module)
                Text(verbatim: followText("follow.fingerprint", [request.fingerprint])).font(.title3.monospaced())
                Text(verbatim: request.text).font(.caption.monospaced()).textSelection(.enabled)
                ShareLink(item: request.text) { Text("follow.shareRequest", tableName: "Follow", bundle: .module) }
                TextField(String(localized: "follow.packageHint", table: "Follow", bundle: .module), text: $pasted, axis: .vertical)
                Button { accept() } label: { Text("follow.accept", tableName: "Follow", bundle: .module) }
            }
        }
        .navigationTitle(Text("follow.linkTitle", tableName: "Follow", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear(perform: load)
    }

    private func load() {
        do {
            followed = try vault.followedLink()
        } catch let error where isNotFollowing(error) {
            do { request = try vault.followRequest() } catch { refusal = Refusal(error, locale: locale) }
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func accept() {
        do {
            followed = try vault.followAccept(package: pasted.trimmingCharacters(in: .whitespacesAndNewlines))
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}

/// The migrant's own home: the check-in, what the team sent and the exchange with the cadre.
/// The emergency button is in the toolbar, as on every screen.
struct MigrantHomeView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var view: MigranCore.MigrantFollowView?
    @State private var notLinked = false
    @State private var pasted = ""
    @State private var outgoing: String?
    @State private var refusal: Refusal?

    var body: some View {
        List {
            RefusalText(refusal: refusal)
            NavigationLink { CheckInView(vault: vault, locale: locale) } label: { Text("checkin.open", tableName: "CheckIn", bundle: .module) }
            if notLinked {
                Text("follow.notLinked", tableName: "Follow", bundle: .module).font(.headline)
                NavigationLink { FollowerLinkView(vault: vault, locale: locale) } label: { Text("follow.linkTitle", tableName: "Follow", bundle: .module) }
            }
            if let view {
                Text(verbatim: followText("follow.lastUpdate", [Int64(view.link.viewNumber), String(view.link.viewMadeAt.prefix(10))]))
                if view.departureDate != nil || view.destinationCountry != nil {
                    Text(verbatim: followText("follow.departure", [view.departureDate ?? "", view.destinationCountry ?? ""]))
                }
                ChecklistProgress(checklist: view.checklist)
                if !view.acknowledgements.isEmpty {
                    Section(header: Text("follow.answers", tableName: "Follow", bundle: .module)) {
                        ForEach(view.acknowledgements, id: \.alertId) { answer in
                            Text(verbatim: followText("follow.answerLine", [answer.by, String(answer.at.prefix(10))]))
                        }
                    }
                }
            }
            Section {
                TextField(String(localized: "follow.updateHint", table: "Follow", bundle: .module), text: $pasted, axis: .vertical)
                Button { receive() } label: { Text("follow.receive", tableName: "Follow", bundle: .module) }
                Button { send() } label: { Text("follow.sendToCadre", tableName: "Follow", bundle: .module) }
                if let outgoing {
                    ShareLink(item: outgoing) { Text("follow.sendToCadre", tableName: "Follow", bundle: .module) }
                }
            }
        }
        .navigationTitle(Text("follow.migrantTitle", tableName: "Follow", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear(perform: load)
    }

    private func load() {
        do {
            view = try vault.followedMigrantView(locale: locale)
            notLinked = false
        } catch let error where isNotFollowing(error) {
            notLinked = true
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func receive() {
        do {
            _ = try vault.followViewImport(view: FollowExchange.file(pasted))
            pasted = ""
            refusal = nil
            load()
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func send() {
        do {
            outgoing = FollowExchange.text(try vault.followEventsExport())
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}

/// The checklist in the core's plain words: progress, what blocks leaving, warnings, next steps.
private struct ChecklistProgress: View {
    let checklist: MigranCore.FamilyChecklistView

    var body: some View {
        Text(verbatim: followText("follow.progress", [Int64(checklist.done), Int64(checklist.total)])).font(.headline)
        ProgressView(value: Double(checklist.done), total: Double(max(checklist.total, 1)))
        if !checklist.legalBlocks.isEmpty {
            Text("follow.blocks", tableName: "Follow", bundle: .module).markedEmergency()
            ForEach(checklist.legalBlocks, id: \.self) { Text(verbatim: "• \($0)") }
        }
        ForEach(checklist.warnings, id: \.self) { Text(verbatim: $0) }
        Text("follow.nextSteps", tableName: "Follow", bundle: .module).font(.headline)
        ForEach(checklist.nextSteps, id: \.self) { Text(verbatim: "• \($0)") }
    }
}

/// The family's home: unanswered alerts first and marked, then the checklist progress.
struct FamilyHomeView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var view: MigranCore.FamilyFollowView?
    @State private var notLinked = false
    @State private var pasted = ""
    @State private var refusal: Refusal?

    var body: some View {
        List {
            RefusalText(refusal: refusal)
            if notLinked {
                Text("follow.notLinked", tableName: "Follow", bundle: .module).font(.headline)
                NavigationLink { FollowerLinkView(vault: vault, locale: locale) } label: { Text("follow.linkTitle", tableName: "Follow", bundle: .module) }
            }
            if let view {
                Text(verbatim: followText("follow.familyTitle", [view.checklist.firstName])).font(.title3)
                if !view.alerts.isEmpty {
                    Section(header: Text("follow.alertsTitle", tableName: "Follow", bundle: .module)) {
                        ForEach(Array(view.alerts.filter { !$0.acknowledged }.enumerated()), id: \.offset) { _, alert in
                            Text(verbatim: followText("follow.alertOpen", [alert.raisedOn])).markedEmergency()
                        }
                        ForEach(Array(view.alerts.filter { $0.acknowledged }.enumerated()), id: \.offset) { _, alert in
                            Text(verbatim: followText("follow.alertAnswered", [alert.raisedOn]))
                        }
                    }
                }
                ChecklistProgress(checklist: view.checklist)
                Text(verbatim: followText("follow.lastUpdate", [Int64(view.link.viewNumber), String(view.link.viewMadeAt.prefix(10))]))
            }
            Section {
                TextField(String(localized: "follow.updateHint", table: "Follow", bundle: .module), text: $pasted, axis: .vertical)
                Button { receive() } label: { Text("follow.receive", tableName: "Follow", bundle: .module) }
            }
        }
        .emergencyButton(vault: vault, locale: locale)
        .onAppear(perform: load)
    }

    private func load() {
        do {
            view = try vault.followedFamilyView(locale: locale)
            notLinked = false
        } catch let error where isNotFollowing(error) {
            notLinked = true
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func receive() {
        do {
            _ = try vault.followViewImport(view: FollowExchange.file(pasted))
            pasted = ""
            refusal = nil
            load()
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}

/// The cadre's "link a phone" screen for one person, from the person hub.
struct LinkPhoneView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let personId: String
    @State private var links: [FollowLink] = []
    @State private var alerts: [FollowAlert] = []
    @State private var request = ""
    @State private var fingerprint: String?
    @State private var family = false
    @State private var cadreName = ""
    @State private var cadrePhone = ""
    @State private var packageText: String?
    @State private var viewText: String?
    @State private var events = ""
    @State private var report: FollowEventsReport?
    @State private var needsTeam = false
    @State private var ending: String?
    @State private var refusal: Refusal?

    var body: some View {
        List {
            RefusalText(refusal: refusal)
            // Emergencies first: alerts nobody answered yet, marked, each with its answer.
            ForEach(alerts.filter { $0.acknowledgedAt == nil }, id: \.alertId) { alert in
                Text(verbatim: followText("follow.alertLine", [alert.missedCheckIn
                    ? String(localized: "follow.alertMissed", table: "Follow", bundle: .module) : alert.raisedAt])).markedEmergency()
                Button { act { _ = try vault.acknowledgeFollowAlert(alertId: alert.alertId, by: currentActorName()) } } label: {
                    Text("follow.acknowledge", tableName: "Follow", bundle: .module)
                }
            }
            ForEach(alerts.filter { $0.acknowledgedAt != nil }, id: \.alertId) { alert in
                Text(verbatim: followText("follow.acknowledged", [String((alert.acknowledgedAt ?? "").prefix(10))]))
            }
            if needsTeam {
                Text("follow.needsTeam", tableName: "Follow", bundle: .module)
                Button {
                    // In the role chosen at set-up: an officer's phone starts an officer's team.
                    act { _ = try vault.teamCreate(role: try vault.deviceRole() == .officer ? .officer : .cadre) }
                } label: { Text("follow.startTeam", tableName: "Follow", bundle: .module) }
            }
            Section(header: Text("follow.linkPhone", tableName: "Follow", bundle: .module)) {
                TextField(String(localized: "follow.requestHint", table: "Follow", bundle: .module), text: $request, axis: .vertical)
                Button { check() } label: { Text("follow.checkRequest", tableName: "Follow", bundle: .module) }
                if let fingerprint { Text(verbatim: followText("follow.compare", [fingerprint])).font(.title3.monospaced()) }
                Picker("", selection: $family) {
                    Text("follow.kindMigrant", tableName: "Follow", bundle: .module).tag(false)
                    Text("follow.kindFamily", tableName: "Follow", bundle: .module).tag(true)
                }
                TextField(String(localized: "follow.cadreName", table: "Follow", bundle: .module), text: $cadreName)
                TextField(String(localized: "follow.cadrePhone", table: "Follow", bundle: .module), text: $cadrePhone).phonePad()
                Button { link() } label: { Text("follow.makePackage", tableName: "Follow", bundle: .module) }
                if let packageText { ShareLink(item: packageText) { Text("follow.sharePackage", tableName: "Follow", bundle: .module) } }
            }
            Section(header: Text("follow.linksTitle", tableName: "Follow", bundle: .module)) {
                ForEach(links, id: \.linkId) { link in
                    let kind = link.kind == .migrant
                        ? String(localized: "follow.kindMigrant", table: "Follow", bundle: .module)
                        : String(localized: "follow.kindFamily", table: "Follow", bundle: .module)
                    if let ended = link.endedAt {
                        Text(verbatim: followText("follow.linkEnded", [kind, String(ended.prefix(10))]))
                    } else {
                        Text(verbatim: followText("follow.linkRunning", [kind, String(link.createdAt.prefix(10))]))
                        Button { act { viewText = FollowExchange.text(try vault.followViewExport(linkId: link.linkId)) } } label: {
                            Text("follow.sendUpdate", tableName: "Follow", bundle: .module)
                        }
                        Button(role: .destructive) { ending = link.linkId } label: { Text("follow.end", tableName: "Follow", bundle: .module) }
                    }
                }
                if let viewText { ShareLink(item: viewText) { Text("follow.shareUpdate", tableName: "Follow", bundle: .module) } }
            }
            Section {
                TextField(String(localized: "follow.eventsHint", table: "Follow", bundle: .module), text: $events, axis: .vertical)
                Button { receiveEvents() } label: { Text("follow.receiveEvents", tableName: "Follow", bundle: .module) }
                if let report { Text(verbatim: followText("follow.eventsReport", [Int64(report.newAlerts), Int64(report.updated)])) }
            }
        }
        .confirmationDialog(
            Text("follow.end", tableName: "Follow", bundle: .module),
            isPresented: Binding(get: { ending != nil }, set: { if !$0 { ending = nil } }),
            titleVisibility: .visible
        ) {
            Button { end(.phoneLost) } label: { Text("follow.endLost", tableName: "Follow", bundle: .module) }
            Button { end(.consentWithdrawn) } label: { Text("follow.endConsent", tableName: "Follow", bundle: .module) }
            Button { end(.noLongerNeeded) } label: { Text("follow.endNotNeeded", tableName: "Follow", bundle: .module) }
            Button(role: .cancel) { ending = nil } label: { Text("follow.cancel", tableName: "Follow", bundle: .module) }
        }
        .navigationTitle(Text("follow.linkPhone", tableName: "Follow", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear { act {} }
    }

    /// The cadre set in the settings answers (the core refuses a blank name).
    private func currentActorName() -> String { (try? vault.currentActor())?.name ?? "" }

    /// Runs a core call, then lists the links and alerts again; a refusal is the core's message.
    private func act(_ call: () throws -> Void) {
        do {
            try call()
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
        do {
            links = try vault.followLinks(personId: personId)
            alerts = try vault.followAlerts(personId: personId).sorted { ($0.acknowledgedAt == nil) && ($1.acknowledgedAt != nil) }
            needsTeam = try vault.syncStatus().team == nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func check() {
        act {
            packageText = nil
            fingerprint = try followRequestFingerprint(request: request.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    private func link() {
        let name = cadreName.trimmingCharacters(in: .whitespaces)
        let phone = cadrePhone.trimmingCharacters(in: .whitespaces)
        let contact = name.isEmpty && phone.isEmpty ? nil : CardContact(name: name, phone: phone, role: .cadre)
        act {
            let made = try vault.followLink(
                personId: personId, kind: family ? .family : .migrant,
                request: request.trimmingCharacters(in: .whitespacesAndNewlines), cadreContact: contact)
            packageText = made.text
            fingerprint = nil
        }
    }

    private func end(_ reason: LinkEndReason) {
        guard let linkId = ending else { return }
        ending = nil
        act {
            _ = try vault.endFollowLink(linkId: linkId, reason: reason)
            viewText = nil
        }
    }

    private func receiveEvents() {
        let pasted = events
        events = ""
        act { report = try vault.followEventsImport(events: FollowExchange.file(pasted)) }
    }
}
