#!/usr/bin/env bash
# Every test of the project, in the order that fails fastest. README's test command;
# CI (.ci/run) calls it too.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format and lint"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

echo "== Rust tests (core, CLI, journeys)"
cargo test --workspace
bash scripts/relay-postgres.sh # the relay tests again, on a throwaway PostgreSQL

echo "== Kotlin bindings on the JVM, Swift completeness"
bash scripts/test-bindings.sh
