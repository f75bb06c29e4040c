import MigranCore
import SwiftUI
#if os(iOS)
import UIKit
#endif

/// Who uses the app (name and role, for the audit log), the PIN, the idle lock and the
/// disguised icon. The language follows the phone's settings on iOS (per-app language in
/// the Settings app).
struct SettingsScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var name = ""
    @State private var village = false
    @State private var oldPin = ""
    @State private var newPin = ""
    @State private var done: String?
    @State private var refusal: Refusal?
    /// Read by `AppModel` at the next touch (this one): applies at once.
    @AppStorage(idleLockMinutesKey) private var idleMinutes = defaultIdleLockMinutes
    /// Whether the calculator icon shows; read from iOS, which keeps the choice over restarts.
    @State private var disguised = false

    var body: some View {
        Form {
            RefusalText(refusal: refusal)
            if let done { Text(done).font(.headline) }
            Section(header: Text("settings.actor", bundle: .module)) {
                TextField(String(localized: "settings.actorName", bundle: .module), text: $name)
                Picker(selection: $village) {
                    Text("settings.roleCadre", bundle: .module).tag(false)
                    Text("settings.roleVillageOfficer", bundle: .module).tag(true)
                } label: { Text("settings.role", bundle: .module) }
                Button { saveActor() } label: { Text("common.save", bundle: .module) }
            }
            Section(header: Text("settings.pin", bundle: .module)) {
                SecureField(String(localized: "settings.pinOld", bundle: .module), text: $oldPin).numberPad()
                SecureField(String(localized: "settings.pinNew", bundle: .module), text: $newPin).numberPad()
                Button { changePin() } label: { Text("settings.pinChange", bundle: .module) }
                // The duress PIN's own screen; this entry reads the same whether one is set or not.
                NavigationLink { DuressPinScreen(vault: vault, locale: locale) } label: {
                    Text("duress.title", tableName: "DuressPin", bundle: .module)
                }
            }
            #if os(iOS)
            // The disguise (issue 16): an alternate app icon; iOS itself tells the person it
            // changed. The name under the icon stays (iOS cannot change it at run time).
            Section(header: Text("disguise.title", tableName: "Discreet", bundle: .module)) {
                Toggle(isOn: Binding(get: { disguised }, set: { setDisguise($0) })) {
                    Text("disguise.on", tableName: "Discreet", bundle: .module)
                }
            }
            #endif
            Section(header: Text("settings.autoLock", bundle: .module)) {
                Picker(selection: $idleMinutes) {
                    ForEach(idleLockChoicesMinutes, id: \.self) { minutes in
                        Text(verbatim: "\(minutes)").tag(minutes)
                    }
                } label: { Text("settings.autoLock", bundle: .module) }
            }
        }
        .navigationTitle(Text("settings.title", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear {
            #if os(iOS)
            disguised = UIApplication.shared.alternateIconName == Self.disguiseIconName
            #endif
            do {
                let actor = try vault.currentActor()
                name = actor?.name ?? ""
                village = actor?.role == .villageOfficer
            } catch {
                refusal = Refusal(error, locale: locale)
            }
        }
    }

    #if os(iOS)
    /// The alternate icon's name in the app target's Info.plist (`CFBundleAlternateIcons`,
    /// docs/bindings.md); the package cannot hold an app icon.
    static let disguiseIconName = "CalculatorIcon"

    private func setDisguise(_ on: Bool) {
        guard UIApplication.shared.supportsAlternateIcons else { return }
        UIApplication.shared.setAlternateIconName(on ? Self.disguiseIconName : nil) { _ in
            // Whatever iOS did (it refuses while the app is not in front), show what it has.
            Task { @MainActor in disguised = UIApplication.shared.alternateIconName == Self.disguiseIconName }
        }
    }
    #endif

    private func saveActor() {
        do {
            try vault.setActor(actor: ActorInput(name: name, role: village ? .villageOfficer : .cadre))
            // Kept by the app and set again after each unlock (AppModel.unlock).
            UserDefaults.standard.set(name, forKey: "actorName")
            UserDefaults.standard.set(village, forKey: "actorIsVillageOfficer")
            done = String(localized: "common.saved", bundle: .module)
            refusal = nil
        } catch {
            done = nil
            refusal = Refusal(error, locale: locale)
        }
    }

    private func changePin() {
        let old = oldPin
        let new = newPin
        oldPin = ""
        newPin = ""
        do {
            try vault.changePin(oldPin: old, newPin: new)
            done = String(localized: "settings.pinChanged", bundle: .module)
            refusal = nil
        } catch {
            done = nil
            refusal = Refusal(error, locale: locale)
        }
    }
}
