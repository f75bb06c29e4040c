import MigranCore
import SwiftUI

/// The duress PIN (issue 16), the same behaviour as Android's `DuressPinPresenter`: set,
/// replace or remove a second PIN that opens an empty profile and silently queues the
/// emergency alert; both need the real PIN (checked by the core as at unlock). The screen
/// never says whether a duress PIN is set (the core cannot tell, and the app keeps no flag
/// of its own): it says only what was just done. Written, not compiled here (no Swift
/// toolchain); strings in the DuressPin table (scripts/check-ios-strings.py).
struct DuressPinScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var realPin = ""
    @State private var duressPin = ""
    @State private var repeated = ""
    @State private var done: String?
    @State private var refusal: Refusal?

    var body: some View {
        Form {
            RefusalText(refusal: refusal)
            if let done { Text(done).font(.headline) }
            Section {
                Text("duress.explain", tableName: "DuressPin", bundle: .module)
            }
            Section {
                SecureField(String(localized: "duress.realPin", table: "DuressPin", bundle: .module), text: $realPin).numberPad()
                SecureField(String(localized: "duress.newPin", table: "DuressPin", bundle: .module), text: $duressPin).numberPad()
                SecureField(String(localized: "duress.repeatPin", table: "DuressPin", bundle: .module), text: $repeated).numberPad()
                Button { save() } label: { Text("duress.set", tableName: "DuressPin", bundle: .module) }
                Button { dropDuressPin() } label: { Text("duress.remove", tableName: "DuressPin", bundle: .module) }
            }
        }
        .navigationTitle(Text("duress.title", tableName: "DuressPin", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
    }

    /// The typed PINs, the fields cleared at once.
    private func typedAndCleared() -> (String, String, String) {
        let typed = (realPin, duressPin, repeated)
        realPin = ""
        duressPin = ""
        repeated = ""
        return typed
    }

    private func save() {
        let (real, duress, again) = typedAndCleared()
        guard duress == again else {
            done = String(localized: "duress.entriesDiffer", table: "DuressPin", bundle: .module)
            refusal = nil
            return
        }
        run(String(localized: "duress.saved", table: "DuressPin", bundle: .module)) {
            try vault.setDuressPin(realPin: real, duressPin: duress)
        }
    }

    private func dropDuressPin() {
        let (real, _, _) = typedAndCleared()
        run(String(localized: "duress.removed", table: "DuressPin", bundle: .module)) {
            try vault.removeDuressPin(realPin: real)
        }
    }

    private func run(_ success: String, _ call: () throws -> Void) {
        do {
            try call()
            done = success
            refusal = nil
        } catch {
            done = nil
            refusal = Refusal(error, locale: locale)
        }
    }
}
