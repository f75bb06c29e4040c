// The real relay binary for the Swift tests that sync through it (RelaySyncTests,
// FollowRelayTests): one copy, as bindings/kotlin's TestRelay.kt. Not compiled here (no
// Swift toolchain on the build machine).
import Foundation
import XCTest

#if os(macOS)
/// The relay on SQLite in a temporary folder, on a port the system picks (port 0);
/// ready once it says where it listens (it binds before saying so, and names the port
/// it bound).
func startTestRelay() throws -> (Process, String) {
    let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let bin = ProcessInfo.processInfo.environment["MIGRAN_RELAY_BIN"]
        ?? repository.appendingPathComponent("target/debug/migran-relay").path
    guard FileManager.default.isExecutableFile(atPath: bin) else {
        throw XCTSkip("\(bin) missing: cargo build -p migran-relay")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: bin)
    process.arguments = ["--data", tempDir(), "--listen", "127.0.0.1:0"]
    let pipe = Pipe()
    process.standardError = pipe
    process.standardOutput = pipe
    try process.run()
    let marker = "listening on "
    var seen = ""
    var url: String?
    while url == nil {
        let chunk = pipe.fileHandleForReading.availableData
        if chunk.isEmpty { throw XCTSkip("the relay stopped before listening") }
        seen += String(decoding: chunk, as: UTF8.self)
        // Whole lines only: the last piece may end mid-line.
        let lines = seen.components(separatedBy: "\n").dropLast()
        if let line = lines.first(where: { $0.contains(marker) }),
           let at = line.range(of: marker) {
            url = String(line[at.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
    }
    // Later lines are read and dropped, so that a full pipe never blocks it.
    pipe.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
    return (process, url ?? "")
}
#endif
