#!/usr/bin/env python3
"""Checks the generated bindings: Swift is complete and the tests call everything.

The exported API is read from the generated Kotlin (what an app really sees): every FFI
entry point `uniffi_migran_core_fn_{func,constructor,method}_*` it calls, and the Kotlin
function whose body calls it gives the name, the parameter names and types and the
return type. Then:
  1. the generated Swift *class* (not its protocol) declares each method with the same
     labels, parameter types and return type, each free function likewise at top level,
     each type; and its C header declares every entry point. There is no Swift toolchain
     here, so this is how CI knows the Swift package is complete;
  2. the Kotlin JVM tests (*Test.kt) and the XCTest tests call every function at least
     once, read after comments and string literals are removed, and a method call counts
     only when its receiver's type is known to be the method's object: a variable
     declared with that type or initialised from a call whose return type is known (a
     constructor, an exported function, a test helper with a declared return type), a
     lambda parameter of `expr.use { v ->`, or a chain of such calls. A method of a trait
     the app implements (a callback such as ImportListener.onProgress, which the core
     calls) must be implemented by a test instead (`override fun name(` / `func name(`).
Exits non-zero, listing what is missing. Run scripts/build-bindings.sh first.
Paths can be given for the checker's own test (scripts/test-check-bindings.py):
  check-bindings.py [--kotlin-tests DIR] [--swift-tests DIR] [--swift FILE]
"""
import argparse
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

KOTLIN_TO_SWIFT = {
    "kotlin.String": "String", "kotlin.ByteArray": "Data", "kotlin.Boolean": "Bool",
    "kotlin.UByte": "UInt8", "kotlin.UShort": "UInt16", "kotlin.UInt": "UInt32", "kotlin.ULong": "UInt64",
    "kotlin.Byte": "Int8", "kotlin.Short": "Int16", "kotlin.Int": "Int32", "kotlin.Long": "Int64",
    "kotlin.Float": "Float", "kotlin.Double": "Double",
}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


# ---------------------------------------------------------------- source text helpers

def strip_code(text: str) -> str:
    """The text with comments and string/char literals blanked (newlines kept), for
    Kotlin and Swift alike: a call in a comment or a string is no call."""
    out = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('"""', i):
            j = text.find('"""', i + 3)
            j = n if j < 0 else j + 3
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text[i] in "\"'":
            quote, j = text[i], i + 1
            while j < n and text[j] != quote and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(" " * (j - i))
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def matching(text: str, start: int, open_: str, close: str) -> int:
    """Index just past the bracket that closes the one at `start`."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == open_:
            depth += 1
        elif text[i] == close:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def split_top(text: str) -> list[str]:
    """Splits a parameter list at the commas outside brackets."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "(<[{":
            depth += 1
        elif ch in ")>]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current))
    return [p.strip() for p in parts]


# ---------------------------------------------------------------- the exported API

def swift_type(kotlin_type: str) -> str:
    t = kotlin_type.strip().replace("`", "")
    # Kotlin renames an error `FooError` to `FooException`; Swift keeps `FooError`.
    t = re.sub(r"^(\w+)Exception$", r"\1Error", t)
    if t.endswith("?"):
        return swift_type(t[:-1]) + "?"
    m = re.fullmatch(r"(?:kotlin\.collections\.)?List<(.+)>", t)
    if m:
        return "[" + swift_type(m.group(1)) + "]"
    m = re.fullmatch(r"(?:kotlin\.collections\.)?Map<(.+)>", t)
    if m:
        key, value = split_top(m.group(1))
        return "[" + swift_type(key) + ": " + swift_type(value) + "]"
    return KOTLIN_TO_SWIFT.get(t, t)


def kotlin_declaration(kotlin: str, at: int):
    """The Kotlin function whose body contains position `at`: (name, [(param, type)],
    return type or None)."""
    starts = [m for m in re.finditer(r"\bfun\s+`?(\w+)`?\s*\(", kotlin[:at])]
    if not starts:
        return None
    m = starts[-1]
    close = matching(kotlin, m.end() - 1, "(", ")")
    params = []
    for part in split_top(kotlin[m.end():close - 1]):
        name, _, typ = part.partition(":")
        params.append((name.strip().strip("`"), swift_type(typ.split("=")[0])))
    tail = re.match(r"\s*(?::\s*([^{=]+?))?\s*[{=]", kotlin[close:])
    ret = tail.group(1).strip() if tail and tail.group(1) else None
    return m.group(1), params, (swift_type(ret) if ret and ret != "kotlin.Unit" else None)


def exported(kotlin: str):
    """(functions, types). A function is a dict: kind func/constructor/method, or callback
    for a method of a trait the app implements; owner None for a free function; name,
    params [(name, Swift type)], ret (Swift type or None), symbol."""
    objects = set(re.findall(r"^open class (\w+)\s*:\s*Disposable", kotlin, re.M))
    traits = {o[: -len("Impl")] for o in objects
              if o.endswith("Impl") and re.search(r"^public interface " + o[: -len("Impl")] + r"\b", kotlin, re.M)}
    types = set(re.findall(r"^(?:data class|enum class|sealed class) (\w+)", kotlin, re.M)) | objects | traits
    owners = sorted(objects | traits, key=len, reverse=True)
    functions = {}
    for call in re.finditer(r"UniffiLib\.(" + PREFIX + r"(?:func|constructor|method)_\w+)\s*\(", kotlin):
        symbol = call.group(1)
        if symbol in functions:
            continue
        rest = symbol[len(PREFIX):]
        kind, _, rest = rest.partition("_")
        owner = None
        if kind != "func":
            owner = next((o for o in owners if rest.startswith(o.lower() + "_")), None)
            if owner is None:
                raise SystemExit(f"cannot tell the object of {symbol} (objects: {sorted(owners)})")
            if owner in traits:
                kind = "callback"
            rest = rest[len(owner) + 1:]
        declared = kotlin_declaration(kotlin, call.start())
        name = camel(rest)
        if kind == "callback" or declared is None or declared[0] != name:
            params, ret = None, None  # a callback's body is in the app; only its name is checked
        else:
            _, params, ret = declared
        functions[symbol] = {"kind": kind, "owner": owner, "name": name, "params": params, "ret": ret,
                             "symbol": symbol}
    return list(functions.values()), types


# ---------------------------------------------------------------- Swift completeness

def swift_members(swift: str, body_start: int, body_end: int, pattern: str):
    """Every declaration in swift[body_start:body_end] matching `pattern` (a regex ending
    at the opening parenthesis of its parameters): [(labels and types, return type)]."""
    found = []
    for m in re.finditer(pattern, swift[body_start:body_end]):
        open_at = body_start + m.end() - 1
        close = matching(swift, open_at, "(", ")")
        params = []
        for part in split_top(swift[open_at + 1:close - 1]):
            names, _, typ = part.partition(":")
            label = names.split()[0]
            params.append((label, typ.split("=")[0].strip()))
        tail = re.match(r"[^{]*?->\s*([^{]+?)\s*\{", swift[close:])
        found.append((params, tail.group(1).strip() if tail else None))
    return found


def class_body(swift: str, owner: str):
    m = re.search(r"^open class " + re.escape(owner) + r"\s*:[^{]*\{", swift, re.M)
    if not m:
        return None
    return m.end(), matching(swift, m.end() - 1, "{", "}")


def swift_problems(functions, types, kotlin: str, swift: str, header: str) -> list[str]:
    problems = []
    for f in sorted(functions, key=lambda f: f["symbol"]):
        where = f"{f['owner']}.{f['name']}" if f["owner"] else f["name"]
        if not re.search(r"\b" + re.escape(f["symbol"]) + r"\s*\(", header):
            problems.append(f"Swift header lacks {f['symbol']}")
        if f["kind"] == "callback":
            if not re.search(r"func\s+" + re.escape(f["name"]) + r"\s*\(", swift):
                problems.append(f"Swift lacks {where}")
            continue
        if f["owner"]:
            body = class_body(swift, f["owner"])
            if body is None:
                problems.append(f"Swift lacks the class {f['owner']}")
                continue
            if f["kind"] == "constructor" and f["name"] == "new":
                pattern = r"(?:public\s+)?(?:convenience\s+)?init\s*\("
            elif f["kind"] == "constructor":
                pattern = r"public\s+static\s+func\s+`?" + re.escape(f["name"]) + r"`?\s*\("
            else:
                pattern = r"open\s+func\s+`?" + re.escape(f["name"]) + r"`?\s*\("
            members = swift_members(swift, body[0], body[1], pattern)
        else:
            members = swift_members(swift, 0, len(swift),
                                    r"(?m)^public\s+func\s+`?" + re.escape(f["name"]) + r"`?\s*\(")
        if not members:
            problems.append(f"Swift class lacks {where}" if f["owner"] else f"Swift lacks {where}")
            continue
        expected_ret = f["owner"] if f["kind"] == "constructor" and f["name"] != "new" else f["ret"]
        if f["kind"] == "constructor" and f["name"] == "new":
            expected_ret = None
        if f["params"] is not None and (f["params"], expected_ret) not in members:
            problems.append(f"Swift {where} differs: expected {f['params']} -> {expected_ret}, "
                            f"found {members}")
    for name in sorted(types):
        # Kotlin renames an error `FooError` to `FooException`; Swift keeps `FooError`.
        swift_name = re.sub(r"Exception$", "Error", name) if re.search(
            r"^sealed class " + re.escape(name) + r"\s*:\s*kotlin\.Exception", kotlin, re.M) else name
        if not re.search(r"\b(struct|enum|class|protocol)\s+" + re.escape(swift_name) + r"\b", swift):
            problems.append(f"Swift lacks type {name}")
    return problems


# ---------------------------------------------------------------- calls in the tests

class Typer:
    """Knows the types of names in test code, as far as declarations tell."""

    def __init__(self, functions, types, code: str, swift_style: bool):
        self.types = types
        self.swift = swift_style
        self.returns = {}   # free function (exported or test helper) -> type
        self.methods = {}   # (owner, method) -> return type
        self.ctors = {}     # (owner, name) -> owner
        for f in functions:
            if f["kind"] == "func":
                self.returns[f["name"]] = base(f["ret"])
            elif f["kind"] == "method":
                self.methods[(f["owner"], f["name"])] = base(f["ret"])
            elif f["kind"] == "constructor":
                self.ctors[(f["owner"], f["name"])] = f["owner"]
        # Test helpers with a declared return type: `fun newVault(...): Vault`,
        # `func newTestVault() throws -> Vault`.
        for m in re.finditer(r"\b(?:fun|func)\s+(\w+)\s*(?:<[^>]*>)?\s*\(", code):
            close = matching(code, m.end() - 1, "(", ")")
            ret = (re.match(r"[^{\n=]*?->\s*([\w.]+)", code[close:]) if swift_style
                   else re.match(r"\s*:\s*([\w.]+)", code[close:]))
            if ret:
                self.returns[m.group(1)] = base(ret.group(1))
        # Every place a name gets a type, in the order of the text: a name means what its
        # nearest declaration before the use says (each test declares its own `vault`).
        self.code = code
        self.bindings = {}
        events = []
        # `name: Type` (a parameter, a lambda's or an annotated variable); a type that is
        # not exported hides an earlier `name` of an exported type.
        for m in re.finditer(r"\b(\w+)\s*:\s*([A-Z]\w*)\??\s*(?=[,)=\n{]|->)", code):
            events.append((m.start(), m.group(1), "type", m.group(2) if m.group(2) in types else None))
        for m in re.finditer(r"\b(?:val|var|let)\s+(\w+)\s*(?::\s*([\w.]+)\??\s*)?=\s*", code):
            if m.group(2):
                events.append((m.start(), m.group(1), "type", m.group(2) if m.group(2) in types else None))
            else:
                events.append((m.start(), m.group(1), "expr", m.end()))
        for m in re.finditer(r"\.(?:use|let|also)\s*\{\s*(\w+)\s*->", code):
            events.append((m.start(1), m.group(1), "receiver", m.start()))
        for at, name, how, what in sorted(events, key=lambda e: e[0]):
            if how == "type":
                typ = what
            elif how == "expr":
                typ = self.type_of(expression_at(code, what), at)
            else:
                typ = self.type_of(receiver_before(code, what), what)
            self.bindings.setdefault(name, []).append((at, typ))

    def lookup(self, name: str, at: int):
        if name == "it" and not self.swift:
            # Kotlin's implicit parameter: the receiver of the enclosing `.use {`/`.let {`.
            depth, i = 0, at
            while i > 0:
                i -= 1
                if self.code[i] == "}":
                    depth += 1
                elif self.code[i] == "{":
                    if depth == 0:
                        lambda_of = re.search(r"\.(?:use|let|also)\s*$", self.code[:i])
                        if lambda_of:
                            return self.type_of(receiver_before(self.code, lambda_of.start()), lambda_of.start())
                        return None
                    depth -= 1
            return None
        earlier = [typ for pos, typ in self.bindings.get(name, []) if pos < at]
        return earlier[-1] if earlier else None

    def type_of(self, expr: str, at: int):
        expr = re.sub(r"^(?:try[!?]?|await)\s+", "", expr.strip())
        expr = re.sub(r"^(?:try[!?]?|await)\s+", "", expr)
        m = re.match(r"(\w+)", expr)
        if not m:
            return None
        head, rest = m.group(1), expr[m.end():]
        typ = None
        call = re.match(r"\s*\(", rest)
        if call:
            rest = rest[matching(rest, call.end() - 1, "(", ")"):]
            if head in self.types and head[0].isupper():
                typ = head
            else:
                typ = self.returns.get(head)
        elif head in self.types:
            ctor = re.match(r"\.(\w+)\s*\(", rest)
            if not ctor or (head, ctor.group(1)) not in self.ctors:
                return None
            typ = head
            rest = rest[matching(rest, ctor.end() - 1, "(", ")"):]
        else:
            typ = self.lookup(head, at)
        while typ:
            rest = re.sub(r"^\s*(?:!!|!|\?)", "", rest)
            step = re.match(r"\s*\??\.(\w+)\s*\(", rest)
            if not step:
                break
            typ = self.methods.get((typ, step.group(1)))
            rest = rest[matching(rest, step.end() - 1, "(", ")"):]
        return typ if typ and not rest.strip(" \t;!?") else None


def base(typ):
    return typ.rstrip("?") if typ else None


def expression_at(code: str, start: int) -> str:
    """The expression starting at `start`, up to the end of its line (brackets followed
    across lines)."""
    i, depth = start, 0
    while i < len(code):
        ch = code[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch in "{" and depth == 0:
            break
        elif ch == "\n" and depth <= 0:
            break
        i += 1
    return code[start:i]


def receiver_before(code: str, dot: int) -> str:
    """The receiver expression that ends just before the `.` at `dot`."""
    i = dot
    while True:
        j = i
        while j > 0 and code[j - 1] in " \t":
            j -= 1
        if j > 0 and code[j - 1] in "!?":
            j -= 1
        if j > 0 and code[j - 1] == ")":
            depth, k = 0, j - 1
            while k >= 0:
                if code[k] == ")":
                    depth += 1
                elif code[k] == "(":
                    depth -= 1
                    if depth == 0:
                        break
                k -= 1
            j = k
        k = j
        while k > 0 and (code[k - 1].isalnum() or code[k - 1] == "_"):
            k -= 1
        if k == j:
            return code[j:dot]
        if k > 0 and code[k - 1] == "." or (k > 1 and code[k - 2:k] == "?."):
            i = k - 1 if code[k - 1] == "." else k - 2
            continue
        start = k
        while start > 0 and code[start - 1] in " \t":
            start -= 1
        prefix = re.search(r"(?:try[!?]?|await)\s*$", code[:start])
        return code[prefix.start() if prefix else k:dot]


def uncalled(functions, types, tests: list[str], helpers: list[str], swift_style: bool) -> list[str]:
    """What the `tests` never call; `helpers` (shared fixtures) only tell return types."""
    helper_code = "\n".join(strip_code(s) for s in helpers)
    code = "\n".join(strip_code(s) for s in tests)
    typer = Typer(functions, types, helper_code + "\n" + code, swift_style)
    offset = len(helper_code) + 1
    called = set()
    code = typer.code
    for m in re.finditer(r"(\??\.)\s*(\w+)\s*(?:\(|\{)", code):
        if m.start() < offset:
            continue
        receiver = receiver_before(code, m.start())
        name = m.group(2)
        bare = re.sub(r"^\s*(?:(?:try[!?]?|await)\s+)*", "", receiver).strip()
        if re.fullmatch(r"\w+", bare) and bare in types:
            called.add((bare, name, "constructor"))
            continue
        typ = typer.type_of(receiver, m.start())
        if typ:
            called.add((typ, name, "method"))
    for m in re.finditer(r"(?<![\w.])(\w+)\s*\(", code):
        if m.start() < offset:
            continue
        before = code[max(0, m.start() - 6):m.start()]
        if re.search(r"\b(?:fun|func)\s+$", before):
            continue
        called.add((None, m.group(1), "func"))
        if m.group(1) in types:
            called.add((m.group(1), "new", "constructor"))
    implementation = r"\bfunc" if swift_style else r"\boverride\s+fun"
    missing = []
    for f in sorted(functions, key=lambda f: (f["owner"] or "", f["name"])):
        where = f"{f['owner']}.{f['name']}" if f["owner"] else f["name"]
        if f["kind"] == "callback":
            if not re.search(implementation + r"\s+`?" + re.escape(f["name"]) + r"`?\s*\(", code[offset:]):
                missing.append(where + " (a callback: implement it)")
        elif (f["owner"], f["name"], f["kind"]) not in called:
            missing.append(where)
    return missing


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kotlin-tests", type=pathlib.Path, default=KOTLIN_TESTS)
    parser.add_argument("--swift-tests", type=pathlib.Path, default=SWIFT_TESTS)
    parser.add_argument("--swift", type=pathlib.Path, default=SWIFT)
    args = parser.parse_args(argv)
    kotlin_files = sorted(KOTLIN_DIR.rglob("*.kt")) if KOTLIN_DIR.exists() else []
    missing_inputs = [str(p) for p in (args.swift, HEADER) if not p.exists()]
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
    unparsed = [f["symbol"] for f in functions if f["kind"] != "callback" and f["params"] is None]
    if len(functions) < 10 or not types or unparsed:
        print(f"found {len(functions)} functions and {len(types)} types, unparsed: {unparsed}: "
              "the parser is broken")
        return 1

    problems = swift_problems(functions, types, kotlin, args.swift.read_text(encoding="utf-8"),
                              HEADER.read_text(encoding="utf-8"))
    # Only the JUnit classes count (*Test.kt), not the fixtures or the benchmark beside
    # them; the fixtures tell the return types of the helpers the tests call.
    kotlin_files = sorted(args.kotlin_tests.rglob("*.kt"))
    untested = uncalled(functions, types,
                        [p.read_text(encoding="utf-8") for p in kotlin_files if p.name.endswith("Test.kt")],
                        [p.read_text(encoding="utf-8") for p in kotlin_files if not p.name.endswith("Test.kt")],
                        swift_style=False)
    problems += [f"no Kotlin test calls {name}" for name in untested]
    swift_sources = [p.read_text(encoding="utf-8") for p in sorted(args.swift_tests.rglob("*.swift"))]
    swift_untested = uncalled(functions, types, swift_sources, [], swift_style=True)
    problems += [f"no Swift test calls {name}" for name in swift_untested]

    for problem in problems:
        print(problem)
    print(f"{len(functions)} exported functions and {len(types)} types checked: "
          f"Swift complete: {'no' if any(p.startswith('Swift') for p in problems) else 'yes'}, "
          f"untested from Kotlin: {len(untested)}, from Swift: {len(swift_untested)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
