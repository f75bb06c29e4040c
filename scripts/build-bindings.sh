#!/usr/bin/env bash
# Builds the core for this machine (debug, unstripped: bindgen reads the uniffi metadata
# from the library) and generates the Kotlin and Swift bindings from it (uniffi library
# mode, names from core/uniffi.toml). Generated code is never committed (.gitignore).
#   library -> target/debug/libmigran_core.so (.dylib on macOS)
#   Kotlin  -> bindings/kotlin/generated/uniffi/     (package id.migranemas.core)
#   Swift   -> bindings/swift/Sources/MigranCore/MigranCore.swift
#              bindings/swift/Sources/MigranCoreFFI/include/{MigranCoreFFI.h,module.modulemap}
# Kept outside Maven's target/ so that `mvn clean` does not delete the Kotlin sources.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -p migran-core -p uniffi-bindgen
lib=target/debug/libmigran_core.so
[ -f "$lib" ] || lib=target/debug/libmigran_core.dylib
bindgen=target/debug/uniffi-bindgen

kotlin_out=bindings/kotlin/generated/uniffi
rm -rf "$kotlin_out"
"$bindgen" generate --library "$lib" --language kotlin --no-format --out-dir "$kotlin_out"
if ! grep -rqs '^package id.migranemas.core' "$kotlin_out"; then
  echo "generated Kotlin is not in package id.migranemas.core: check core/uniffi.toml" >&2
  exit 1
fi

swift_tmp=$(mktemp -d)
trap 'rm -rf "$swift_tmp"' EXIT
"$bindgen" generate --library "$lib" --language swift --no-format --out-dir "$swift_tmp"
swift_src=bindings/swift/Sources
mkdir -p "$swift_src/MigranCore" "$swift_src/MigranCoreFFI/include"
cp "$swift_tmp/MigranCore.swift" "$swift_src/MigranCore/"
cp "$swift_tmp/MigranCoreFFI.h" "$swift_src/MigranCoreFFI/include/"
# SwiftPM finds a C target's module map by this exact name.
cp "$swift_tmp/MigranCoreFFI.modulemap" "$swift_src/MigranCoreFFI/include/module.modulemap"
echo "bindings generated from $lib: $kotlin_out, $swift_src"
