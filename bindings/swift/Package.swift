// swift-tools-version:5.9
// The Swift bindings of migran-core. Run scripts/build-bindings.sh first: it builds the
// library (target/debug/libmigran_core) and generates MigranCore.swift, the C header and
// the module map into Sources/. Then `swift test` here runs the XCTest suite against the
// real library. For the iOS app, link the xcframework instead (docs/bindings.md).
import Foundation
import PackageDescription

let libraryDir = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .appendingPathComponent("../../target/debug")
    .standardizedFileURL.path

let package = Package(
    name: "MigranCore",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "MigranCore", targets: ["MigranCore"]),
    ],
    targets: [
        .target(name: "MigranCoreFFI", path: "Sources/MigranCoreFFI"),
        .target(
            name: "MigranCore",
            dependencies: ["MigranCoreFFI"],
            path: "Sources/MigranCore",
            linkerSettings: [
                .linkedLibrary("migran_core"),
                .unsafeFlags(["-L\(libraryDir)", "-Xlinker", "-rpath", "-Xlinker", libraryDir]),
            ]
        ),
        .testTarget(name: "MigranCoreTests", dependencies: ["MigranCore"], path: "Tests/MigranCoreTests"),
    ]
)
