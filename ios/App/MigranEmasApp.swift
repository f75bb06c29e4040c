// The iOS app target's entry point. Xcode: File > New > Project > iOS App named
// "MigranEmas" in ios/, delete its generated ContentView/App files, add this folder to the
// target, and add the local package ios/ (product MigranEmasScreens) and the
// MigranCoreFFI.xcframework (docs/bindings.md) to it. Everything else lives in the
// package: this file only wires the Keychain, the Secure Enclave key factor and the
// vault folder to the root view.
import MigranCore
import MigranEmas
import SwiftUI

/// The vault's folder in Application Support.
private let vaultDirectory: URL = FileManager.default
    .urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
    .appendingPathComponent("vault", isDirectory: true)

@main
struct MigranEmasApp: App {
    @StateObject private var model: AppModel = {
        // Best effort: a folder the protection cannot be set on still holds an encrypted
        // vault, and the emergency button must not depend on it.
        try? VaultFolder.protect(vaultDirectory)
        // A device secret exists only for a vault made before the hardware key factor; a
        // Keychain that cannot be read here is taken as none (the open then fails with a
        // typed error the unlock screen shows, instead of the app dying at launch).
        let secret = try? DeviceSecret.existing()
        return AppModel(
            directory: vaultDirectory,
            deviceSecret: secret,
            keyFactor: SecureEnclaveKeyFactor(prefix: "id.migranemas.vault.")
        )
    }()
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            // RootView locks on .background and covers the screen while not active.
            RootView(model: model)
                .background(TouchWatcher { model.touched() })
        }
        .onChange(of: scenePhase) { phase in
            if phase == .background { try? VaultFolder.protect(vaultDirectory) }
        }
    }
}
