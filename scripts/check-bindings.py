#!/usr/bin/env python3
"""Checks the generated bindings: Swift is complete and Kotlin tests call everything.

The exported API is read from the generated Kotlin (what an app really sees): every FFI
entry point `uniffi_migran_core_fn_{func,constructor,method}_*` it binds, and every
exported type (record, enum, error, object, and trait the app implements). Then:
  1. the generated Swift declares every one of those functions and types, and its C
     header declares every entry point (there is no Swift toolchain here to compile it,
     so this is how CI knows the Swift package is complete);
  2. the Kotlin JVM tests (bindings/kotlin/src/test) and the XCTest tests call every
     function at least once (a constructor as `Object.name(`); a method of a trait the
     app implements (a callback such as ImportListener.onProgress, which the core calls)
     must be implemented by a test instead (`override fun name(` / `func name(`).
Exits non-zero, listing what is missing. Run scripts/build-bindings.sh first.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
KOTLIN_DIR = ROOT / "bindings/kotlin/generated/uniffi"
SWIFT = ROOT / "bindings/swift/Sources/MigranCore/MigranCore.swift"
HEADER = ROOT / "bindings/swift/Sources/MigranCoreFFI/include/MigranCoreFFI.h"
KOTLIN_TESTS = ROOT / "bindings/kotlin/src/test"
SWIFT_TESTS = ROOT / "bindings/swift/Tests"
PREFIX = "uniffi_migran_core_fn_"


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def exported(kotlin: str):
    """(functions, types) of the generated Kotlin. A function is (kind, owner, name,
    symbol): kind func/constructor/method, or callback for a method of a trait the app
    implements; owner None for a free function, else the object's or trait's name; name
    in camelCase as Kotlin and Swift spell it."""
    objects = set(re.findall(r"^open class (\w+)\s*:\s*Disposable", kotlin, re.M))
    # A trait the app implements (`#[uniffi::export(foreign)]`): Kotlin declares
    # `interface Name` (Swift `protocol Name`) and `open class NameImpl` for one from Rust.
    traits = {o[: -len("Impl")] for o in objects
              if o.endswith("Impl") and re.search(r"^public interface " + o[: -len("Impl")] + r"\b", kotlin, re.M)}
    types = set(re.findall(r"^(?:data class|enum class|sealed class) (\w+)", kotlin, re.M)) | objects | traits
    functions = set()
    # uniffi names an entry point after the Rust type name in lower case: `vault_`,
    # `importlistener_`. The longest name first, so that `FooImpl` is never taken for `Foo`.
    owners = sorted(objects | traits, key=len, reverse=True)
    for symbol in sorted(set(re.findall(PREFIX + r"(?:func|constructor|method)_\w+", kotlin))):
        rest = symbol[len(PREFIX):]
        kind, _, rest = rest.partition("_")
        if kind == "func":
            functions.add((kind, None, camel(rest), symbol))
            continue
        owner = next((o for o in owners if rest.startswith(o.lower() + "_")), None)
        if owner is None:
            raise SystemExit(f"cannot tell the object of {symbol} (objects: {sorted(owners)})")
        if owner in traits:
            kind = "callback"
        functions.add((kind, owner, camel(rest[len(owner) + 1:]), symbol))
    return functions, types


def main() -> int:
    kotlin_files = sorted(KOTLIN_DIR.rglob("*.kt")) if KOTLIN_DIR.exists() else []
    missing_inputs = [str(p) for p in (SWIFT, HEADER) if not p.exists()]
    if not kotlin_files:
        missing_inputs.insert(0, str(KOTLIN_DIR))
    if missing_inputs:
        print("missing generated bindings (run scripts/build-bindings.sh):", *missing_inputs, sep="\n  ")
        return 1
    kotlin = "\n".join(p.read_text(encoding="utf-8") for p in kotlin_files)
    if "package id.migranemas.core" not in kotlin:
        print("generated Kotlin is not in package id.migranemas.core: core/uniffi.toml was not applied")
        return 1
    functions, types = exported(kotlin)
    if len(functions) < 10 or not types:
        print(f"found only {len(functions)} functions and {len(types)} types: the parser is broken")
        return 1

    problems = []
    swift = SWIFT.read_text(encoding="utf-8")
    header = HEADER.read_text(encoding="utf-8")
    for kind, owner, name, symbol in sorted(functions, key=str):
        where = f"{owner}.{name}" if owner else name
        if kind == "constructor" and name == "new":
            pattern = r"\binit\s*\("  # the primary constructor is Swift's init
        elif kind == "constructor":
            pattern = r"static\s+func\s+`?" + re.escape(name) + r"`?\s*\("
        else:
            pattern = r"func\s+`?" + re.escape(name) + r"`?\s*\("
        if not re.search(pattern, swift):
            problems.append(f"Swift lacks {where}")
        if not re.search(r"\b" + re.escape(symbol) + r"\s*\(", header):
            problems.append(f"Swift header lacks {symbol}")
    for name in sorted(types):
        # Kotlin renames an error `FooError` to `FooException`; Swift keeps `FooError`.
        swift_name = re.sub(r"Exception$", "Error", name) if re.search(
            r"^sealed class " + re.escape(name) + r"\s*:\s*kotlin\.Exception", kotlin, re.M) else name
        if not re.search(r"\b(struct|enum|class|protocol)\s+" + re.escape(swift_name) + r"\b", swift):
            problems.append(f"Swift lacks type {name}")

    def uncalled(tests: str, implementation: str) -> list[str]:
        """What the tests never call, or, for a callback, never implement (`implementation`
        is the declaration a test writes: `override fun` in Kotlin, `func` in Swift)."""
        missing = []
        for kind, owner, name, _ in sorted(functions, key=str):
            if kind == "constructor":
                call = re.escape(owner) + (r"\s*\(" if name == "new" else r"\." + re.escape(name) + r"\s*\(")
            elif kind == "callback":
                call = implementation + r"\s+`?" + re.escape(name) + r"`?\s*\("
            else:
                call = r"[.\s(]" + re.escape(name) + r"\s*\("
            if not re.search(call, tests):
                missing.append(f"{owner}.{name}" + (" (a callback: implement it)" if kind == "callback" else "")
                               if owner else name)
        return missing

    # Only the JUnit classes count (*Test.kt), not the benchmark beside them.
    untested = uncalled("\n".join(p.read_text(encoding="utf-8") for p in sorted(KOTLIN_TESTS.rglob("*Test.kt"))),
                        r"\boverride\s+fun")
    problems += [f"no Kotlin test calls {name}" for name in untested]
    swift_untested = uncalled("\n".join(p.read_text(encoding="utf-8") for p in sorted(SWIFT_TESTS.rglob("*.swift"))),
                              r"\bfunc")
    problems += [f"no Swift test calls {name}" for name in swift_untested]

    for problem in problems:
        print(problem)
    print(f"{len(functions)} exported functions and {len(types)} types checked: "
          f"Swift complete: {'no' if any(p.startswith('Swift') for p in problems) else 'yes'}, "
          f"untested from Kotlin: {len(untested)}, from Swift: {len(swift_untested)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
