#!/usr/bin/env python3
"""The checker's own test: scripts/check-bindings.py must pass on the real tests and
bindings, and fail on each way it was once fooled (issue 22). Each case copies the
Kotlin tests, the Swift tests and the generated Swift into a temporary folder, changes
one thing, runs the checker on the copy and expects the named problem. Run
scripts/build-bindings.sh first (scripts/test-bindings.sh does both)."""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHECKER = ROOT / "scripts/check-bindings.py"
KOTLIN_TESTS = ROOT / "bindings/kotlin/src/test"
SWIFT_TESTS = ROOT / "bindings/swift/Tests"
SWIFT = ROOT / "bindings/swift/Sources/MigranCore/MigranCore.swift"

# Vault.wipe is called in a few tests of each language, always on a vault.
KOTLIN_CALL = re.compile(r"^.*\.wipe\(\).*$", re.M)
SWIFT_CALL = re.compile(r"^.*\.wipe\(\).*$", re.M)


def copy(work: pathlib.Path):
    kotlin = work / "kotlin"
    swift_tests = work / "swift-tests"
    shutil.copytree(KOTLIN_TESTS, kotlin)
    shutil.copytree(SWIFT_TESTS, swift_tests)
    shutil.copy(SWIFT, work / "MigranCore.swift")
    return kotlin, swift_tests, work / "MigranCore.swift"


def without_wipe_calls(folder: pathlib.Path, pattern, suffix: str) -> pathlib.Path:
    """Removes every line that calls `.wipe()`; returns a test file to add a fooling to."""
    removed = 0
    target = None
    for path in sorted(folder.rglob("*" + suffix)):
        text = path.read_text(encoding="utf-8")
        new, count = pattern.subn("", text)
        removed += count
        if count:
            path.write_text(new, encoding="utf-8")
            target = path
    assert removed and target, f"no .wipe() call found under {folder}: the test needs a new example"
    return target


def append_inside_last_class(path: pathlib.Path, code: str):
    """Adds `code` before the file's last closing brace (inside the test class)."""
    text = path.read_text(encoding="utf-8")
    end = text.rstrip().rfind("}")
    path.write_text(text[:end] + code + "\n" + text[end:], encoding="utf-8")


def kotlin_fooling(code: str, top_level: str = ""):
    def change(kotlin, swift_tests, swift):
        target = without_wipe_calls(kotlin, KOTLIN_CALL, "Test.kt")
        append_inside_last_class(target, code)
        if top_level:
            target.write_text(target.read_text(encoding="utf-8") + top_level, encoding="utf-8")
    return change


def swift_test_fooling(code: str):
    def change(kotlin, swift_tests, swift):
        target = without_wipe_calls(swift_tests, SWIFT_CALL, ".swift")
        append_inside_last_class(target, code)
    return change


def swift_class_change(old: str, new: str):
    """Changes the Vault class of the generated Swift (its protocol stays as it is)."""
    def change(kotlin, swift_tests, swift):
        text = swift.read_text(encoding="utf-8")
        start = text.index("\nopen class Vault:")
        at = text.index(old, start)
        swift.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return change


def delete_swift_method(name: str):
    def change(kotlin, swift_tests, swift):
        text = swift.read_text(encoding="utf-8")
        start = text.index("\nopen class Vault:")
        at = text.index(f"open func {name}(", start)
        end = text.index("\nopen func ", at + 1)
        swift.write_text(text[:at] + text[end + 1:], encoding="utf-8")
    return change


CASES = [
    ("a Kotlin call in a line comment", kotlin_fooling("\n    // vault.wipe()\n"),
     "no Kotlin test calls Vault.wipe"),
    ("a Kotlin call in a block comment", kotlin_fooling("\n    /* newVault().use { vault -> vault.wipe() } */\n"),
     "no Kotlin test calls Vault.wipe"),
    ("a Kotlin call in a string", kotlin_fooling('\n    val decoy = "newVault().use { vault -> vault.wipe() }"\n'),
     "no Kotlin test calls Vault.wipe"),
    ("a Kotlin call in a raw string", kotlin_fooling('\n    val decoy = """\n        vault.wipe()\n    """\n'),
     "no Kotlin test calls Vault.wipe"),
    ("a method of another Kotlin object with the same name",
     kotlin_fooling("\n    @Test\n    fun decoy() {\n        val vault = Shredder()\n        vault.wipe()\n    }\n",
                    "\nclass Shredder {\n    fun wipe() {}\n}\n"),
     "no Kotlin test calls Vault.wipe"),
    ("a Kotlin parameter of another type named like a vault",
     kotlin_fooling("\n    fun decoy(vault: Shredder) {\n        vault.wipe()\n    }\n",
                    "\nclass Shredder {\n    fun wipe() {}\n}\n"),
     "no Kotlin test calls Vault.wipe"),
    ("a Swift call in a comment", swift_test_fooling("\n    // try vault.wipe()\n"),
     "no Swift test calls Vault.wipe"),
    ("a Swift call in a string", swift_test_fooling('\n    let decoy = "try vault.wipe()"\n'),
     "no Swift test calls Vault.wipe"),
    ("a method of another Swift object with the same name",
     swift_test_fooling("\n    func testDecoy() {\n        let vault = Shredder()\n        vault.wipe()\n    }\n"),
     "no Swift test calls Vault.wipe"),
    ("a method deleted from the Swift class (the protocol keeps it)", delete_swift_method("wipe"),
     "Swift class lacks Vault.wipe"),
    ("a Swift method with another label", swift_class_change("open func unlock(pin: String)", "open func unlock(code: String)"),
     "Swift Vault.unlock differs"),
    ("a Swift method with another parameter type", swift_class_change("open func unlock(pin: String)", "open func unlock(pin: Data)"),
     "Swift Vault.unlock differs"),
    ("a Swift method with another parameter count",
     swift_class_change("open func unlock(pin: String)", "open func unlock(pin: String, again: Bool)"),
     "Swift Vault.unlock differs"),
]


# The same edits with a real call instead of a fooling: the checker passes, so a fooling
# above is caught for what it is, not because the lines were removed.
CONTROLS = [
    ("a real Kotlin call added back",
     kotlin_fooling("\n    @Test\n    fun realCall() {\n        newVault().use { vault -> vault.wipe() }\n    }\n")),
    ("a real Swift call added back",
     swift_test_fooling("\n    func testRealCall() throws {\n        let vault = try Vault.create(dir: tempDir(), pin: pin, "
                        "deviceSecret: nil, settings: fastSettings())\n        try vault.wipe()\n    }\n")),
]


def run(kotlin, swift_tests, swift):
    return subprocess.run(
        [sys.executable, str(CHECKER), "--kotlin-tests", str(kotlin), "--swift-tests", str(swift_tests),
         "--swift", str(swift)],
        capture_output=True, text=True)


def main() -> int:
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp) / "unchanged"
        work.mkdir()
        baseline = run(*copy(work))
        if baseline.returncode != 0:
            failures.append(f"the unchanged copy fails the checker:\n{baseline.stdout}{baseline.stderr}")
        for name, change in CONTROLS:
            work = pathlib.Path(tmp) / re.sub(r"\W+", "-", name)
            work.mkdir()
            paths = copy(work)
            change(*paths)
            result = run(*paths)
            if result.returncode != 0:
                failures.append(f"control fails: {name}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
            else:
                print(f"passes: {name}")
        for name, change, expected in CASES:
            work = pathlib.Path(tmp) / re.sub(r"\W+", "-", name)
            work.mkdir()
            paths = copy(work)
            change(*paths)
            result = run(*paths)
            if result.returncode == 0 or expected not in result.stdout:
                failures.append(f"not caught: {name} (expected '{expected}', exit {result.returncode}):\n"
                                f"{result.stdout[-2000:]}{result.stderr[-2000:]}")
            else:
                print(f"caught: {name}")
    for failure in failures:
        print(failure)
    print(f"{len(CASES) - len([f for f in failures if f.startswith('not caught')])} of {len(CASES)} foolings caught"
          + ("" if not failures else f", {len(failures)} problems"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
