#!/usr/bin/env python3
"""Checks the iOS screens' string tables without a Swift toolchain: every key the
SwiftUI sources use (`Text("key", bundle: .module)`, `String(localized: "key", ...)`)
exists in Bahasa Indonesia (the default) and English, and both tables hold the same keys."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = ROOT / "ios/MigranEmas/Sources/MigranEmas"


def table(locale: str) -> set[tuple[str, str]]:
    """(table, key) pairs: a screen may keep its own table (`Text("k", tableName: "CheckIn",
    bundle: .module)` reads CheckIn.strings) so that two people never edit one file."""
    pairs = set()
    for path in sorted((SOURCES / "Resources" / f"{locale}.lproj").glob("*.strings")):
        text = path.read_text(encoding="utf-8")
        pairs |= {(path.stem, key) for key in re.findall(r'^"([^"]+)"\s*=\s*"[^"]*";', text, re.M)}
    return pairs


def main() -> int:
    swift = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES.rglob("*.swift"))
    used = {("Localizable", key) for key in re.findall(r'Text\("([^"]+)",\s*bundle:\s*\.module', swift)}
    used |= {("Localizable", key) for key in re.findall(r'String\(localized:\s*"([^"]+)"(?!,\s*table:)', swift)}
    used |= set(
        (name, key) for key, name in re.findall(r'Text\("([^"]+)",\s*tableName:\s*"([^"]+)",\s*bundle:\s*\.module', swift)
    )
    used |= set((name, key) for key, name in re.findall(r'String\(localized:\s*"([^"]+)",\s*table:\s*"([^"]+)"', swift))
    tables = {locale: table(locale) for locale in ("id", "en")}
    problems = [f"{locale}.lproj/{t}.strings lacks {k}" for locale, keys in tables.items() for t, k in sorted(used - keys)]
    problems += [f"en.lproj/{t}.strings lacks {k}" for t, k in sorted(tables["id"] - tables["en"])]
    problems += [f"en.lproj/{t}.strings has {k}, id.lproj does not" for t, k in sorted(tables["en"] - tables["id"])]
    for problem in problems:
        print(problem)
    print(f"iOS strings: {len(used)} keys used, {len(tables['id'])} in id, {len(tables['en'])} in en, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
