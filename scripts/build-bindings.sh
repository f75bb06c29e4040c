#!/usr/bin/env bash
# Builds the core for this machine and generates the Kotlin and Swift bindings from the
# built library (uniffi library mode). Generated code is never committed.
#   Kotlin -> bindings/kotlin/target/generated-sources/uniffi/
#   Swift  -> bindings/swift/Sources/MigranCore/ and Sources/MigranCoreFFI/
# The library stays in target/debug (unstripped: bindgen reads its metadata).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -p migran-core -p uniffi-bindgen
lib=target/debug/libmigran_core.so
[ -f "$lib" ] || lib=target/debug/libmigran_core.dylib
bindgen=target/debug/uniffi-bindgen

kotlin_out=bindings/kotlin/target/generated-sources/uniffi
rm -rf "$kotlin_out"
"$bindgen" generate --library "$lib" --language kotlin --no-format --out-dir "$kotlin_out"

swift_tmp=$(mktemp -d)
"$bindgen" generate --library "$lib" --language swift --no-format --out-dir "$swift_tmp"
mkdir -p bindings/swift/Sources/MigranCore bindings/swift/Sources/MigranCoreFFI/include
cp "$swift_tmp/MigranCore.swift" bindings/swift/Sources/MigranCore/
cp "$swift_tmp/MigranCoreFFI.h" bindings/swift/Sources/MigranCoreFFI/include/
cp "$swift_tmp/MigranCoreFFI.modulemap" bindings/swift/Sources/MigranCoreFFI/include/module.modulemap
rm -rf "$swift_tmp"
echo "bindings generated: $kotlin_out, bindings/swift/Sources"
