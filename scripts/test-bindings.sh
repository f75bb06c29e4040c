#!/usr/bin/env bash
# Generates the bindings from a fresh build of the core, checks that Swift declares and
# Kotlin tests call every exported function, then runs the JVM tests: the Kotlin
# bindings against the real library, and the Android app's plain-Kotlin screen logic.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-bindings.sh
python3 scripts/check-bindings.py
mvn -B -ntp -f bindings/pom.xml test
