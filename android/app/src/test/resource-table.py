#!/usr/bin/env python3
"""Writes the app's strings as a compiled resource table (resources.arsc) and its manifest
as binary XML (AndroidManifest.xml) into a resources.ap_ zip, the form Robolectric reads,
for the JVM run of the Activities.

Robolectric 4.14 only reads compiled resources (its legacy mode, which read res/*.xml,
was removed) and aapt2, which compiles them, is on Google's repository, not on Maven
Central. The app has string resources only, so this writes the table for them directly:
one package 0x7f, type 0x0f "string", entry i = the i-th name in sorted order — the same
ids scripts/android-r-stub.py gives R.string — with one row per folder (values = the
default, Bahasa Indonesia; values-en = English). Format: the ResTable chunks of
frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h.

The manifest gets what Gradle would add: the package (Gradle's namespace) and a uses-sdk
(min 24 as in build.gradle.kts; target 34, the framework the tests run on).

usage: resource-table.py RES_DIR MANIFEST PACKAGE OUT_FILE
"""
import pathlib
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zipfile

STRING_TYPE_ID = 0x0F  # scripts/android-r-stub.py: R.string ids are 0x7f0fNNNN
CONFIG_SIZE = 64


def unescape(text: str) -> str:
    """What aapt2 does to a plain string value: collapse whitespace, drop backslashes."""
    text = re.sub(r"\s+", " ", text.strip())
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def strings(folder: pathlib.Path) -> dict[str, str]:
    """Every string of one values folder: strings.xml and each screen's strings_<screen>.xml,
    as scripts/android-r-stub.py reads them (so the ids agree)."""
    found: dict[str, str] = {}
    for path in sorted(folder.glob("strings*.xml")):
        found.update({e.get("name"): unescape(e.text or "") for e in ET.parse(path).getroot().iter("string")})
    return found


def pad4(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def utf8_length(n: int) -> bytes:
    return struct.pack("B", n) if n < 0x80 else struct.pack(">H", n | 0x8000)


def string_pool(values: list[str]) -> bytes:
    """A UTF-8 ResStringPool (type 0x0001)."""
    data = b""
    offsets = []
    for value in values:
        offsets.append(len(data))
        encoded = value.encode("utf-8")
        data += utf8_length(len(value)) + utf8_length(len(encoded)) + encoded + b"\0"
    data = pad4(data)
    header_size = 28
    strings_start = header_size + 4 * len(values)
    size = strings_start + len(data)
    utf8_flag = 1 << 8
    header = struct.pack("<HHIIIIII", 0x0001, header_size, size, len(values), 0, utf8_flag, strings_start, 0)
    return header + struct.pack(f"<{len(values)}I", *offsets) + data


def config(language: str) -> bytes:
    """A ResTable_config that differs from the default only in its language."""
    lang = language.encode("ascii").ljust(2, b"\0") if language else b"\0\0"
    body = struct.pack("<I", CONFIG_SIZE) + b"\0" * 4 + lang + b"\0\0"
    return body.ljust(CONFIG_SIZE, b"\0")


def type_chunk(language: str, values: list[int]) -> bytes:
    """A ResTable_type (0x0201): one string entry per name, pointing into the global pool."""
    count = len(values)
    header_size = 20 + CONFIG_SIZE
    entries_start = header_size + 4 * count
    entries = b"".join(
        struct.pack("<HHI", 8, 0, key) + struct.pack("<HBBI", 8, 0, 0x03, value)
        for key, value in enumerate(values)
    )
    offsets = struct.pack(f"<{count}I", *(16 * i for i in range(count)))
    size = entries_start + len(entries)
    header = struct.pack("<HHIBBHII", 0x0201, header_size, size, STRING_TYPE_ID, 0, 0, count, entries_start)
    return header + config(language) + offsets + entries


def table(package: str, rows: list[tuple[str, dict[str, str]]]) -> bytes:
    names = sorted(rows[0][1])
    pool: list[str] = []
    types = []
    for language, texts in rows:
        start = len(pool)
        pool.extend(texts[name] for name in names)
        types.append(type_chunk(language, list(range(start, start + len(names)))))

    # Type ids count from 1; only "string" (0x0f) has entries, the names before it are placeholders.
    type_names = [f"unused{i}" for i in range(1, STRING_TYPE_ID)] + ["string"]
    type_strings = string_pool(type_names)
    key_strings = string_pool(names)
    locale_flag = 0x0004  # ACONFIGURATION_LOCALE: every string has a translation
    spec = struct.pack("<HHIBBHI", 0x0202, 16, 16 + 4 * len(names), STRING_TYPE_ID, 0, len(types), len(names))
    spec += struct.pack(f"<{len(names)}I", *([locale_flag] * len(names)))

    package_header_size = 288
    name = package.encode("utf-16-le").ljust(256, b"\0")
    body = type_strings + key_strings + spec + b"".join(types)
    type_strings_at = package_header_size
    key_strings_at = package_header_size + len(type_strings)
    package_chunk = struct.pack("<HHII", 0x0200, package_header_size, package_header_size + len(body), 0x7F)
    package_chunk += name + struct.pack("<IIIII", type_strings_at, len(type_names), key_strings_at, len(names), 0)
    package_chunk += body

    global_pool = string_pool(pool)
    size = 12 + len(global_pool) + len(package_chunk)
    return struct.pack("<HHII", 0x0002, 12, size, 1) + global_pool + package_chunk


ANDROID_NS = "http://schemas.android.com/apk/res/android"
# android.R.attr ids of the attributes the manifest uses (javap on android-all 14).
ANDROID_ATTRS = {
    "label": 0x01010001,
    "icon": 0x01010002,
    "name": 0x01010003,
    "permission": 0x01010006,
    "enabled": 0x0101000E,
    "exported": 0x01010010,
    "minSdkVersion": 0x0101020C,
    "targetSdkVersion": 0x01010270,
    "targetActivity": 0x01010202,
    "allowBackup": 0x01010280,
    "supportsRtl": 0x010103AF,
}
NO_INDEX = 0xFFFFFFFF


def binary_manifest(manifest: str, package: str, string_ids: dict[str, int]) -> bytes:
    """The text manifest as a ResXMLTree (chunk 0x0003), the form aapt2 writes."""
    root = ET.parse(manifest).getroot()
    root.set("package", package)
    uses_sdk = ET.Element("uses-sdk", {f"{{{ANDROID_NS}}}minSdkVersion": "24", f"{{{ANDROID_NS}}}targetSdkVersion": "34"})
    root.insert(0, uses_sdk)

    # Android attribute names come first in the pool, in the order of the resource map.
    pool = list(ANDROID_ATTRS)
    def index(text: str) -> int:
        if text not in pool:
            pool.append(text)
        return pool.index(text)

    prefix, uri = index("android"), index(ANDROID_NS)
    nodes = []

    def node(kind: int, body: bytes) -> bytes:
        return struct.pack("<HHIII", kind, 16, 16 + len(body), 1, NO_INDEX) + body

    def element(e: ET.Element) -> None:
        attributes = []
        for key, value in e.attrib.items():
            if key.startswith(f"{{{ANDROID_NS}}}"):
                name = key.split("}")[1]
                if value.startswith("@drawable/"):
                    # Only strings are compiled here; an icon matters to a launcher, not to the tests.
                    continue
                if value.startswith("@string/"):
                    typed, raw = (0x01, string_ids[value.removeprefix("@string/")]), NO_INDEX
                elif value in ("true", "false"):
                    typed, raw = (0x12, NO_INDEX if value == "true" else 0), NO_INDEX
                elif value.isdigit():
                    typed, raw = (0x10, int(value)), NO_INDEX
                else:
                    typed, raw = (0x03, index(value)), index(value)
                attributes.append((ANDROID_ATTRS[name], uri, index(name), raw, typed))
            else:
                attributes.append((0, NO_INDEX, index(key), index(value), (0x03, index(value))))
        # Sorted by resource id: Android reads attributes in that order.
        attributes.sort(key=lambda a: a[0])
        body = struct.pack("<IIHHHHHH", NO_INDEX, index(e.tag), 20, 20, len(attributes), 0, 0, 0)
        for _, ns, name, raw, (kind, data) in attributes:
            body += struct.pack("<III", ns, name, raw) + struct.pack("<HBBI", 8, 0, kind, data)
        nodes.append(node(0x0102, body))
        for child in e:
            element(child)
        nodes.append(node(0x0103, struct.pack("<II", NO_INDEX, index(e.tag))))

    element(root)
    chunks = node(0x0100, struct.pack("<II", prefix, uri)) + b"".join(nodes) + node(0x0101, struct.pack("<II", prefix, uri))
    ids = list(ANDROID_ATTRS.values())
    resource_map = struct.pack("<HHI", 0x0180, 8, 8 + 4 * len(ids)) + struct.pack(f"<{len(ids)}I", *ids)
    body = string_pool(pool) + resource_map + chunks
    return struct.pack("<HHI", 0x0003, 8, 8 + len(body)) + body


def main(res: str, manifest: str, package: str, out: str) -> int:
    res_dir = pathlib.Path(res)
    rows = [("", strings(res_dir / "values"))]
    for other in sorted(p for p in res_dir.glob("values-*") if any(p.glob("strings*.xml"))):
        rows.append((other.name.removeprefix("values-"), strings(other)))
    target = pathlib.Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as apk:
        apk.writestr("resources.arsc", table(package, rows))
        string_ids = {name: (0x7F << 24) | (STRING_TYPE_ID << 16) | i for i, name in enumerate(sorted(rows[0][1]))}
        apk.writestr("AndroidManifest.xml", binary_manifest(manifest, package, string_ids))
    print(f"{len(rows[0][1])} strings in {len(rows)} languages: {target}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
