import MigranCore
import SwiftUI

/// The app's root: the unlock screen until the vault is open, then the home of the device's role.
public struct RootView: View {
    @ObservedObject var model: AppModel
    @Environment(\.scenePhase) private var scenePhase

    public init(model: AppModel) { self.model = model }

    public var body: some View {
        ZStack {
            if let vault = model.vault {
                // The home follows the device's role (issue 18): the question first on a new phone.
                RoleHomeView(vault: vault, locale: model.locale)
            } else {
                NavigationStack { UnlockView(model: model) }
            }
            // The app switcher shows a snapshot taken as the app leaves the front: it
            // shows this cover, not the register (Android's FLAG_SECURE does the same).
            if scenePhase != .active { PrivacyCover() }
        }
        .onChange(of: scenePhase) { phase in
            switch phase {
            case .background: model.wentToBackground()
            case .active: model.becameActive()
            default: break
            }
        }
    }
}

/// What the app switcher and a glance at an inactive app see: the name, nothing else.
struct PrivacyCover: View {
    var body: some View {
        ZStack {
            Color.white.ignoresSafeArea()
            Text("app.name", bundle: .module).font(.largeTitle).foregroundColor(.black)
        }
    }
}

extension View {
    /// A number pad on iOS; nothing elsewhere (the package also builds for macOS).
    func numberPad() -> some View {
        #if os(iOS)
        return keyboardType(.numberPad)
        #else
        return self
        #endif
    }

    func phonePad() -> some View {
        #if os(iOS)
        return keyboardType(.phonePad)
        #else
        return self
        #endif
    }
}

public struct UnlockView: View {
    @ObservedObject var model: AppModel
    @State private var pin = ""
    /// The quick wipe's neutral question is showing.
    @State private var askingToReset = false
    /// Set after a wipe: the screen says nothing more than a new phone's would.
    @State private var wipeMessage: String?

    public init(model: AppModel) { self.model = model }

    public var body: some View {
        VStack(spacing: 16) {
            // The emergency button needs no PIN: first on the screen.
            NavigationLink {
                EmergencyView(vault: model.lockedVault(), locale: model.locale)
            } label: {
                Text("emergency.title", bundle: .module).font(.title).bold()
            }
            // The quick wipe (issue 16): a long press on the title, which nobody does by
            // accident and nothing on screen points to, then the words of any app's reset.
            Text("unlock.title", bundle: .module).font(.title2)
                .onLongPressGesture(minimumDuration: 1.5) { askingToReset = true }
                .confirmationDialog(
                    Text("reset.question", tableName: "Discreet", bundle: .module),
                    isPresented: $askingToReset,
                    titleVisibility: .visible
                ) {
                    Button(role: .destructive) { reset() } label: { Text("reset.confirm", tableName: "Discreet", bundle: .module) }
                    Button(role: .cancel) {} label: { Text("reset.cancel", tableName: "Discreet", bundle: .module) }
                }
            if let wipeMessage { Text(wipeMessage).foregroundColor(.red) }
            SecureField("PIN", text: $pin).numberPad().textFieldStyle(.roundedBorder)
            Button {
                let typed = pin
                pin = ""
                Task { await model.unlock(pin: typed) }
            } label: { Text("unlock.open", bundle: .module) }
            .disabled(model.retryAfterSeconds > 0)
            if let message = model.unlockMessage { Text(message).foregroundColor(.red) }
        }
        .padding()
    }

    /// Wipes the vault without the PIN (the core destroys the key, the Secure Enclave keys
    /// and the files) as Android's `UnlockPresenter.wipe`: no message after it, the next
    /// PIN makes a new vault (`AppModel.unlock` creates one when no vault file exists).
    /// Known gap: `AppModel` keeps its locked `Vault` object until the next lock; its calls
    /// then answer `Erased` (the emergency screen shows that message) until the app
    /// leaves the front. `AppModel` is not this change's file: a `forgetVault()` there would close it.
    private func reset() {
        guard let vault = model.lockedVault() else { return }
        do {
            try vault.wipe()
            wipeMessage = nil
        } catch MigranError.KeyFactor {
            // A Secure Enclave key that would not go: the files are erased all the same.
            wipeMessage = nil
        } catch {
            wipeMessage = Refusal(error, locale: model.locale).message
        }
        CheckInWakeUp.stop()
    }
}

public struct PersonListView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var persons: [Person] = []
    @State private var query = ""
    @State private var message: String?

    public init(vault: Vault, locale: MigranCore.Locale) {
        self.vault = vault
        self.locale = locale
    }

    public var body: some View {
        NavigationStack {
            List {
                if let message { Text(message).foregroundColor(.red) }
                ForEach(persons, id: \.id) { person in
                    NavigationLink(value: person.id) {
                        VStack(alignment: .leading) {
                            Text(person.fullName)
                            Text(person.village).font(.caption)
                        }
                    }
                }
            }
            .navigationTitle(Text("persons.title", bundle: .module))
            .navigationDestination(for: String.self) { PersonDetailView(vault: vault, locale: locale, personId: $0) }
            .searchable(text: $query, prompt: Text("persons.search", bundle: .module))
            .onSubmit(of: .search) { load() }
            .toolbar {
                NavigationLink { AgendaView(vault: vault, locale: locale) } label: { Text("agenda.title", bundle: .module) }
                NavigationLink { AddPersonView(vault: vault, locale: locale) } label: { Text("persons.add", bundle: .module) }
                NavigationLink { ReportScreen(vault: vault, locale: locale) } label: { Text("report.title", bundle: .module) }
                NavigationLink { EmergencyCardScreen(vault: vault, locale: locale) } label: { Text("card.title", bundle: .module) }
                NavigationLink { SettingsScreen(vault: vault, locale: locale) } label: { Text("settings.title", bundle: .module) }
                NavigationLink { LessonListView(vault: vault, locale: locale) } label: { Text("lessons.title", bundle: .module) }
                NavigationLink { SessionScreen(vault: vault, locale: locale) } label: { Text("sessions.title", bundle: .module) }
            }
            .emergencyButton(vault: vault, locale: locale)
            .onAppear { load() }
        }
    }

    private func load() {
        do {
            persons = query.trimmingCharacters(in: .whitespaces).isEmpty
                ? try vault.listPersons(page: PageRequest(offset: 0, limit: 200), includeArchived: false).items
                : try vault.searchPersons(query: query, limit: 200)
            message = nil
        } catch let error as MigranError {
            message = errorMessage(error: error, locale: locale)
        } catch {
            message = String(describing: error)
        }
    }
}

public struct PersonDetailView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let personId: String
    @State private var person: Person?
    @State private var contacts: [Contact] = []
    @State private var journey: Journey?
    @State private var documents: [IdentityDocument] = []
    @State private var consents: [ConsentStatus] = []
    @State private var cases: [Case] = []
    @State private var message: String?
    @Environment(\.dismiss) private var dismiss

    /// Nearly every action needs the registration consent: the hub asks for it first.
    private var registrationGiven: Bool { consents.contains { $0.purpose == .registration && $0.state == .given } }

    public var body: some View {
        List {
            if let message { Text(message).foregroundColor(.red) }
            if let person {
                Section {
                    Text(person.fullName).font(.title3)
                    Text("NIK \(person.nik)")
                    Text("\(person.birthDate) · \(person.village)")
                    if let phone = person.phone { Text(phone) }
                }
            }
            Section(header: Text("consent.title", bundle: .module)) {
                if !registrationGiven { Text("person.consentFirst", bundle: .module).font(.headline) }
                ForEach(consents, id: \.purpose) { status in
                    Text(consentPurposeLabel(purpose: status.purpose, locale: locale) + ": "
                        + consentStateLabel(state: status.state, locale: locale) + (status.since.map { " (\($0))" } ?? ""))
                }
            }
            Section {
                NavigationLink { ConsentScreen(vault: vault, locale: locale, personId: personId) } label: { Text("consent.title", bundle: .module) }
                NavigationLink { ChecklistScreen(vault: vault, locale: locale, personId: personId) } label: { Text("checklist.title", bundle: .module) }
                NavigationLink { FamilyChecklistScreen(vault: vault, locale: locale, personId: personId) } label: { Text("checklist.family", bundle: .module) }
                NavigationLink { ScreeningScreen(vault: vault, locale: locale, personId: personId) } label: { Text("screening.title", bundle: .module) }
                NavigationLink { VisitScreen(vault: vault, locale: locale, personId: personId) } label: { Text("visit.title", bundle: .module) }
                NavigationLink { OpenCaseScreen(vault: vault, locale: locale, personId: personId) } label: { Text("case.open", bundle: .module) }
                NavigationLink { ReturnScreen(vault: vault, locale: locale, personId: personId) } label: { Text("return.title", bundle: .module) }
                NavigationLink { LinkPhoneView(vault: vault, locale: locale, personId: personId) } label: { Text("follow.linkPhone", tableName: "Follow", bundle: .module) }
            }
            Section(header: Text("case.title", bundle: .module)) {
                ForEach(cases, id: \.id) { item in
                    NavigationLink { CaseScreen(vault: vault, locale: locale, caseId: item.id) } label: {
                        Text("\(caseTypeLabel(caseType: item.caseType, locale: locale)) · \(caseStatusLabel(status: item.status, locale: locale)) · \(item.reportedOn)")
                    }
                }
            }
            Section(header: Text("person.contacts", bundle: .module)) {
                ForEach(contacts, id: \.id) { Text("\($0.name) (\(relationLabel(relation: $0.relation, locale: locale))) \($0.phone ?? "")") }
            }
            Section(header: Text("person.journey", bundle: .module)) {
                if let journey {
                    Text([phaseLabel(phase: journey.phase, locale: locale), journey.destinationCountry,
                          journey.sector.map { sectorLabel(sector: $0, locale: locale) }]
                        .compactMap { $0 }.joined(separator: " · "))
                }
            }
            Section(header: Text("person.documents", bundle: .module)) {
                ForEach(documents, id: \.id) { Text("\(documentKindLabel(kind: $0.kind, locale: locale)) \($0.number) → \($0.expiresOn ?? "")") }
            }
            Button(role: .destructive) {
                do {
                    try vault.erasePerson(id: personId)
                    dismiss()
                } catch let error as MigranError {
                    message = errorMessage(error: error, locale: locale)
                } catch {}
            } label: { Text("person.erase", bundle: .module) }
        }
        .emergencyButton(vault: vault, locale: locale)
        .onAppear(perform: load)
    }

    private func load() {
        do {
            consents = try vault.consents(personId: personId)
            cases = try vault.listCases(personId: personId)
            person = try vault.getPerson(id: personId)
            contacts = try vault.listContacts(personId: personId)
            journey = try vault.getJourney(personId: personId)
            documents = try vault.listDocuments(personId: personId)
        } catch let error as MigranError {
            message = errorMessage(error: error, locale: locale)
        } catch {}
    }
}

public struct AddPersonView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var fullName = ""
    @State private var nik = ""
    @State private var birthDate = ""
    @State private var female = true
    @State private var phone = ""
    @State private var village = ""
    @State private var message: String?
    @Environment(\.dismiss) private var dismiss

    public var body: some View {
        Form {
            TextField(String(localized: "add.fullName", bundle: .module), text: $fullName)
            TextField(String(localized: "add.nik", bundle: .module), text: $nik).numberPad()
            TextField(String(localized: "add.birthDate", bundle: .module), text: $birthDate)
            Picker("", selection: $female) {
                Text("add.female", bundle: .module).tag(true)
                Text("add.male", bundle: .module).tag(false)
            }
            TextField(String(localized: "add.phone", bundle: .module), text: $phone).phonePad()
            TextField(String(localized: "add.village", bundle: .module), text: $village)
            if let message { Text(message).foregroundColor(.red) }
            Button { save() } label: { Text("add.save", bundle: .module) }
        }
    }

    private func save() {
        let input = PersonInput(
            fullName: fullName, nik: nik, birthDate: birthDate, sex: female ? .female : .male,
            phone: phone.isEmpty ? nil : phone, address: nil, village: village
        )
        do {
            _ = try vault.addPerson(input: input)
            dismiss()
        } catch let error as MigranError {
            message = errorMessage(error: error, locale: locale)
        } catch {}
    }
}
