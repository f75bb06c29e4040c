// The iOS app target's entry point. Xcode: File > New > Project > iOS App named
// "MigranEmas" in ios/, delete its generated ContentView/App files, add this folder to the
// target, and add the local package ios/ (product MigranEmasScreens) and the
// MigranCoreFFI.xcframework (docs/bindings.md) to it. Everything else lives in the
// package: this file only wires the Keychain and the vault folder to the root view.
import MigranCore
import MigranEmas
import SwiftUI

@main
struct MigranEmasApp: App {
    @StateObject private var model: AppModel = {
        let support = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        let directory = support.appendingPathComponent("vault", isDirectory: true)
        // Failing to reach the Keychain is not recoverable here: the vault cannot be opened.
        let secret = try! DeviceSecret.load()
        return AppModel(directory: directory, deviceSecret: secret)
    }()

    var body: some Scene {
        WindowGroup { RootView(model: model) }
    }
}
