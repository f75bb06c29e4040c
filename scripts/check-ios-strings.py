#!/usr/bin/env python3
"""Checks the iOS screens' string tables without a Swift toolchain: every key the
SwiftUI sources use (`Text("key", bundle: .module)`, `String(localized: "key", ...)`)
exists in Bahasa Indonesia (the default) and English, and both tables hold the same keys."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = ROOT / "ios/MigranEmas/Sources/MigranEmas"


def table(locale: str) -> set[str]:
    text = (SOURCES / "Resources" / f"{locale}.lproj" / "Localizable.strings").read_text(encoding="utf-8")
    return set(re.findall(r'^"([^"]+)"\s*=\s*"[^"]*";', text, re.M))


def main() -> int:
    swift = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES.rglob("*.swift"))
    used = set(re.findall(r'Text\("([^"]+)",\s*bundle:\s*\.module', swift))
    used |= set(re.findall(r'String\(localized:\s*"([^"]+)"', swift))
    tables = {locale: table(locale) for locale in ("id", "en")}
    problems = [f"{locale}.lproj lacks {key}" for locale, keys in tables.items() for key in sorted(used - keys)]
    problems += [f"en.lproj lacks {key}" for key in sorted(tables["id"] - tables["en"])]
    problems += [f"en.lproj has {key}, id.lproj does not" for key in sorted(tables["en"] - tables["id"])]
    for problem in problems:
        print(problem)
    print(f"iOS strings: {len(used)} keys used, {len(tables['id'])} in id, {len(tables['en'])} in en, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
