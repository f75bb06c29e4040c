#!/usr/bin/env python3
"""Checks the generated bindings against the core's exported API.

The exported API is read from the Rust sources: every `pub fn` under `#[uniffi::export]`
(free functions and `impl` blocks). Then:
  1. the generated Swift declares every one of them (there is no Swift toolchain here to
     compile it, so this is how CI knows the Swift package is complete);
  2. the Kotlin JVM tests call every one of them at least once.
Exits non-zero, listing what is missing.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def exported_functions() -> set[str]:
    names = set()
    for source in sorted((ROOT / "core" / "src").rglob("*.rs")):
        lines = source.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            if lines[i].strip().startswith("#[uniffi::export"):
                j = i + 1
                while j < len(lines) and lines[j].strip().startswith(("#[", "///", "//")):
                    j += 1
                if j < len(lines):
                    free = re.match(r"\s*pub fn (\w+)", lines[j])
                    if free:
                        names.add(free.group(1))
                    elif re.match(r"\s*impl\b", lines[j]):
                        depth = lines[j].count("{") - lines[j].count("}")
                        k = j + 1
                        while k < len(lines) and depth > 0:
                            method = re.match(r"    pub fn (\w+)", lines[k])
                            if method:
                                names.add(method.group(1))
                            depth += lines[k].count("{") - lines[k].count("}")
                            k += 1
                i = j
            i += 1
    return names


def main() -> int:
    exported = exported_functions()
    if len(exported) < 10:
        print(f"found only {len(exported)} exported functions: the parser is broken")
        return 1
    problems = []

    swift = ROOT / "bindings/swift/Sources/MigranCore/MigranCore.swift"
    if not swift.exists():
        problems.append(f"{swift} is missing: run scripts/build-bindings.sh")
    else:
        text = swift.read_text(encoding="utf-8")
        for name in sorted(exported):
            if not re.search(r"func\s+`?" + re.escape(camel(name)) + r"`?\s*\(", text):
                problems.append(f"Swift lacks {camel(name)}")

    tests = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "bindings/kotlin/src/test").rglob("*.kt")
    )
    for name in sorted(exported):
        if not re.search(r"\b" + re.escape(camel(name)) + r"\s*\(", tests):
            problems.append(f"no Kotlin test calls {camel(name)}")

    for problem in problems:
        print(problem)
    print(f"{len(exported)} exported functions checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
