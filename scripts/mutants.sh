#!/usr/bin/env bash
# Mutation testing of the modules that guard people (docs/testing.md): cargo-mutants
# changes the code one small way at a time (a condition negated, a function returning a
# default) and runs the core's tests; a mutant the tests do not notice ("missed") is a
# gap in the tests or code that does not matter, and each is fixed or explained in
# docs/testing.md. Slow on 2 cores (one incremental build and test run per mutant): not
# part of CI. Installs cargo-mutants from crates.io when it is missing.
#
#   bash scripts/mutants.sh                      every guarding module
#   bash scripts/mutants.sh core/src/consent.rs  one or more files
#   MIGRAN_MUTANTS_TIMEOUT=120 bash scripts/mutants.sh ...   seconds per test run
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
  cargo install --locked cargo-mutants
fi

modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  modules=(
    core/src/crypto.rs
    core/src/vault.rs
    core/src/consent.rs
    core/src/checklist/rules.rs
    core/src/screening/rules.rs
    core/src/emergency/plan.rs
  )
fi

for module in "${modules[@]}"; do
  name=$(echo "$module" | tr '/.' '__')
  echo "== $module"
  # The core's own tests only (`--package`: its unit and integration tests): the CLI and
  # journeys add minutes per mutant and test the same code through it. A non-zero exit
  # (some mutants missed) does not stop the other modules.
  nice -n 15 cargo mutants --package migran-core --file "$module" \
    --timeout "${MIGRAN_MUTANTS_TIMEOUT:-300}" --output "target/mutants/$name" || true
  if [ -f "target/mutants/$name/mutants.out/outcomes.json" ]; then
    for outcome in caught missed timeout unviable; do
      count=$(grep -c "^" "target/mutants/$name/mutants.out/$outcome.txt" 2>/dev/null || true)
      echo "   $outcome: ${count:-0}"
    done
    echo "   missed mutants: target/mutants/$name/mutants.out/missed.txt"
  fi
done
