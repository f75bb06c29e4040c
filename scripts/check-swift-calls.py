#!/usr/bin/env python3
"""Checks Swift code against the generated Swift bindings, without a Swift compiler.

There is no Swift toolchain on the project's machines, so the XCTest suite and the iOS
screens are never compiled here. This catches what a reviewer misses most, with the
tree-sitter Swift grammar:
  1. syntax: no ERROR or MISSING node in any file;
  2. every call of a function, method, initializer or enum case that the generated module
     (or the checked files themselves) declares uses argument labels matching one of its
     declarations (parameters with a default may be left out);
  3. every call of a function declared `throws` is under a `try` within its closure.
It does not infer types: a method is matched by name whatever its receiver (receivers
bound to an NSLock are skipped), and argument types are not checked. A clean run is not
a compiled build: run `swift test` where Swift exists.

Optional, not part of CI (it needs two packages from PyPI):
  python3 -m venv /tmp/ts && /tmp/ts/bin/pip install tree-sitter tree-sitter-swift
  bash scripts/build-bindings.sh
  /tmp/ts/bin/python scripts/check-swift-calls.py            # the XCTest suite and ios/
  /tmp/ts/bin/python scripts/check-swift-calls.py FILE.swift ...
"""
import pathlib
import sys

import tree_sitter
import tree_sitter_swift

ROOT = pathlib.Path(__file__).resolve().parent.parent
GENERATED = ROOT / "bindings/swift/Sources/MigranCore/MigranCore.swift"

lang = tree_sitter.Language(tree_sitter_swift.language())
parser = tree_sitter.Parser(lang)

def text(src, n):
    return src[n.start_byte:n.end_byte].decode()

def walk(n):
    yield n
    for c in n.children:
        yield from walk(c)

funcs = {}    # name -> [(params, throws, where)]
inits = {}    # type -> [params]
cases = {}    # case name -> [params]

def params_of(src, decl):
    """[(label or None, has_default)] of a declaration's parameters."""
    out = []
    kids = decl.children
    for i, c in enumerate(kids):
        if c.type == "parameter":
            ext = c.child_by_field_name("external_name")
            name = c.child_by_field_name("name")
            label = text(src, ext) if ext is not None else text(src, name)
            out.append([None if label == "_" else label, False])
        elif c.type == "=" and out:
            out[-1][1] = True
    return [tuple(p) for p in out]

def enclosing_type(n):
    p = n.parent
    while p is not None:
        if p.type in ("class_declaration", "protocol_declaration"):
            name = p.child_by_field_name("name")
            return name
        p = p.parent
    return None

def collect(path, generated):
    src = path.read_bytes()
    tree = parser.parse(src)
    for n in walk(tree.root_node):
        if n.type in ("function_declaration", "protocol_function_declaration", "init_declaration"):
            owner = enclosing_type(n)
            owner_name = text(src, owner).strip("`") if owner is not None else None
            if generated and owner_name and (owner_name.startswith("FfiConverter") or owner_name.startswith("Uniffi")):
                continue
            if generated:
                mods = next((c for c in n.children if c.type == "modifiers"), None)
                mtext = text(src, mods) if mods is not None else ""
                if n.type != "protocol_function_declaration" and "public" not in mtext and "open" not in mtext:
                    continue
            throws = any(c.type == "throws" for c in n.children)
            ps = params_of(src, n)
            if n.type == "init_declaration":
                if owner_name:
                    inits.setdefault(owner_name, []).append((ps, throws))
            else:
                name = text(src, n.child_by_field_name("name")).strip("`")
                funcs.setdefault(name, []).append((ps, throws, f"{path.name}:{owner_name}"))
        elif n.type == "enum_entry" and generated:
            # case name(label: T, ...) ; possibly several per entry
            kids = list(n.children)
            i = 0
            while i < len(kids):
                k = kids[i]
                if k.type == "simple_identifier":
                    name = text(src, k).strip("`")
                    labels = []
                    if i + 1 < len(kids) and kids[i + 1].type == "enum_type_parameters":
                        tp = kids[i + 1]
                        # labels are simple_identifiers followed by ':'
                        tk = list(tp.children)
                        for j, c in enumerate(tk):
                            if c.type == "simple_identifier" and j + 1 < len(tk) and tk[j + 1].type == ":":
                                labels.append((text(src, c), False))
                    cases.setdefault(name, []).append((labels, False))
                i += 1

def matches(call_labels, params, trailing):
    i = 0
    for label, has_default in params:
        if i < len(call_labels) and call_labels[i] == label:
            i += 1
        elif has_default:
            continue
        elif trailing and i == len(call_labels):
            trailing = False  # a trailing closure fills it
        else:
            return False
    return i == len(call_labels)

problems = []
def check(path):
    src = path.read_bytes()
    tree = parser.parse(src)
    for n in walk(tree.root_node):
        if n.type == "ERROR" or n.is_missing:
            problems.append(f"{path.name}:{n.start_point[0]+1}: syntax: {n.type} {text(src, n)[:60]!r}")
    # Receivers the checker knows are not the module's (it does not infer types): names
    # bound to a Foundation lock, whose lock()/unlock() are not Vault.unlock(pin:).
    foreign = set()
    for n in walk(tree.root_node):
        if n.type == "property_declaration" and "NSLock()" in text(src, n):
            name = n.child_by_field_name("name")
            if name is not None:
                foreign.add(text(src, name))
    for n in walk(tree.root_node):
        if n.type != "call_expression":
            continue
        if n.children[0].type == "navigation_expression":
            target = n.children[0].child_by_field_name("target")
            if target is not None and text(src, target) in foreign:
                continue
        callee, suffix = n.children[0], n.children[-1]
        if suffix.type != "call_suffix":
            continue
        args = next((c for c in suffix.children if c.type == "value_arguments"), None)
        trailing = any(c.type == "lambda_literal" for c in suffix.children) or any(c.type == "annotated_lambda" for c in suffix.children)
        labels = []
        if args is not None:
            for a in args.children:
                if a.type == "value_argument":
                    lab = next((c for c in a.children if c.type == "value_argument_label"), None)
                    labels.append(text(src, lab) if lab is not None else None)
        kind = None
        if callee.type == "simple_identifier":
            name = text(src, callee)
            if name in inits:
                kind, decls = "init", [(p, t) for p, t in inits[name]]
            elif name in funcs:
                kind, decls = "func", [(p, t) for p, t, _ in funcs[name]]
        elif callee.type == "navigation_expression":
            suf = callee.child_by_field_name("suffix")
            name_node = suf.child_by_field_name("suffix") if suf is not None else None
            if name_node is None:
                continue
            name = text(src, name_node).strip("`")
            if name in funcs:
                kind, decls = "method", [(p, t) for p, t, _ in funcs[name]]
            elif name in cases:
                kind, decls = "case", cases[name]
        elif callee.type == "prefix_expression" and text(src, callee).startswith("."):
            name = text(src, callee.child_by_field_name("target")).strip("`")
            if name in cases:
                kind, decls = "case", cases[name] + [(p, t) for p, t, _ in funcs.get(name, [])]
            elif name in funcs:
                kind, decls = "func", [(p, t) for p, t, _ in funcs[name]]
        if kind is None:
            continue
        ok = [d for d in decls if matches(labels, d[0], trailing)]
        line = n.start_point[0] + 1
        if not ok:
            problems.append(f"{path.name}:{line}: {kind} {name}({', '.join((l or '_') + ':' for l in labels)}) matches none of "
                            + "; ".join("(" + ", ".join((l or '_') + (':=' if d else ':') for l, d in p) + ")" for p, _ in decls))
            continue
        if kind in ("func", "method", "init") and all(t for _, t in ok):
            p = n.parent
            covered = False
            while p is not None and p.type not in ("lambda_literal", "function_declaration", "source_file"):
                if p.type == "try_expression":
                    covered = True
                    break
                p = p.parent
            if not covered:
                problems.append(f"{path.name}:{line}: throwing {name}(...) without try")

def main() -> int:
    if not GENERATED.exists():
        print(f"missing {GENERATED}: run scripts/build-bindings.sh first")
        return 1
    if len(sys.argv) > 1:
        groups = [[pathlib.Path(p) for p in sys.argv[1:]]]
    else:
        # Each group is checked on its own: the tests' helpers are not the app's.
        groups = [sorted((ROOT / "bindings/swift/Tests").rglob("*.swift")), sorted((ROOT / "ios").rglob("*.swift"))]
    total = 0
    for files in groups:
        funcs.clear(), inits.clear(), cases.clear()
        collect(GENERATED, True)
        for f in files:
            collect(f, False)
        for f in files:
            check(f)
        total += len(files)
    print(f"declarations in the generated Swift: {len(funcs)} functions and methods, {len(inits)} types with "
          f"initializers, {len(cases)} enum cases")
    for p in problems:
        print(p)
    print(f"{len(problems)} problems in {total} Swift files")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
