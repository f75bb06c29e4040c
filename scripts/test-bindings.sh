#!/usr/bin/env bash
# What CI runs for the apps' side (.ci/run via scripts/test.sh):
#  1. builds the core for this machine and generates the Kotlin and Swift bindings;
#  2. checks, without a Swift toolchain, that the generated Swift class declares every
#     exported function with its labels and types, and that both the Kotlin and the Swift
#     tests call every function (comments and strings removed, receivers typed); tests that
#     checker against the ways it was once fooled; checks the iOS string tables;
#  3. Maven (bindings/pom.xml): the Kotlin bindings' JUnit tests against the real library,
#     the Android screen logic's JUnit tests, and the Android UI compiled against
#     android-all. Maven downloads its plugins and dependencies from Central on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-bindings.sh
# RelaySyncTest.kt starts a real relay (migran.relay.bin in bindings/kotlin/pom.xml).
cargo build -p migran-relay
python3 scripts/check-bindings.py
python3 scripts/test-check-bindings.py
python3 scripts/check-ios-strings.py
mvn -B -ntp -f bindings/pom.xml test
