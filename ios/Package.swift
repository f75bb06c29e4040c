// swift-tools-version:5.9
// The iOS app's SwiftUI screens, as a Swift package that Xcode opens directly
// (File > Open > this folder) and that the Xcode app target depends on (its entry point
// and Keychain helper are in App/). Thin: every rule, check and message comes from
// MigranCore. Not compiled on the project's CI machine (no Swift toolchain or Apple SDK
// there); scripts/check-ios-strings.py checks its string tables.
import PackageDescription

let package = Package(
    name: "MigranEmasApp",
    defaultLocalization: "id",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "MigranEmasScreens", targets: ["MigranEmas"]),
    ],
    dependencies: [
        .package(path: "../bindings/swift"),
    ],
    targets: [
        .target(
            name: "MigranEmas",
            dependencies: [.product(name: "MigranCore", package: "swift")],
            path: "MigranEmas/Sources/MigranEmas",
            resources: [.process("Resources")]
        ),
    ]
)
