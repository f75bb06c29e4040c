import MigranCore
import SwiftUI

/// What a screen shows when the core refuses: its message in the screen's language and
/// the typed facts to act on. The same shape as the Android presenters' `Refusal`.
struct Refusal {
    let message: String
    /// The refused input, as the core names it (`date`, `note`, ...).
    let field: String?
    /// Why a rule said no (consent missing, a case move, a checklist step).
    let reason: NotAllowedReason?
    /// The vault locked meanwhile: the app asks for the PIN again.
    let locked: Bool

    init(_ error: Error, locale: MigranCore.Locale) {
        guard let error = error as? MigranError else {
            message = String(describing: error)
            field = nil
            reason = nil
            locked = false
            return
        }
        message = errorMessage(error: error, locale: locale)
        switch error {
        case .Invalid(let field, _): self.field = field; reason = nil
        case .Duplicate(let field): self.field = field; reason = nil
        case .NotAllowed(let why): field = nil; reason = why
        default: field = nil; reason = nil
        }
        if case .Locked = error { locked = true } else { locked = false }
    }
}

extension LocalizedText {
    /// The core's two-language text in the screen's language.
    func pick(_ locale: MigranCore.Locale) -> String { locale == .en ? en : id }
}

/// The refusal's message in red, large enough to read in the sun.
struct RefusalText: View {
    let refusal: Refusal?

    var body: some View {
        if let refusal { Text(refusal.message).font(.body.bold()).foregroundColor(Color(red: 0.69, green: 0, blue: 0.125)) }
    }
}

/// The emergency button on every screen of the unlocked app: one tap away.
struct EmergencyToolbar: ViewModifier {
    let vault: Vault
    let locale: MigranCore.Locale

    func body(content: Content) -> some View {
        content.toolbar {
            ToolbarItem(placement: .primaryAction) {
                NavigationLink {
                    EmergencyView(vault: vault, locale: locale)
                } label: {
                    // White on #B00020: 6.5:1, above WCAG AA.
                    Text("emergency.title", bundle: .module)
                        .bold()
                        .foregroundColor(.white)
                        .padding(6)
                        .background(Color(red: 0.69, green: 0, blue: 0.125))
                }
                .accessibilityLabel(Text("emergency.title", bundle: .module))
            }
        }
    }
}

extension View {
    func emergencyButton(vault: Vault, locale: MigranCore.Locale) -> some View {
        modifier(EmergencyToolbar(vault: vault, locale: locale))
    }
}

/// Today as the phone's calendar sees it (`YYYY-MM-DD`), for the date fields.
func todayText() -> String {
    let formatter = DateFormatter()
    formatter.calendar = Calendar(identifier: .gregorian)
    formatter.locale = Foundation.Locale(identifier: "en_US_POSIX")
    formatter.timeZone = .current
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.string(from: Date())
}

/// nil for an empty field: the core reads "not given".
func optional(_ text: String) -> String? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    return trimmed.isEmpty ? nil : trimmed
}
