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
#   MIGRAN_MUTANTS_TIMEOUT=120    seconds per test run of one mutant (default 300)
#   MIGRAN_MUTANTS_BUDGET=1800    seconds for the whole script (default: no bound); when
#                                 it runs out cargo-mutants is interrupted, puts the
#                                 source back and keeps the outcomes counted so far
#   MIGRAN_MUTANTS_ALL_TESTS=1    every test of the core for each mutant, instead of the
#                                 module's own (its unit tests and the integration tests
#                                 that exercise it; see test_targets below)
#   MIGRAN_MUTANTS_IN_PLACE=1     mutate this worktree itself (below)
#   MIGRAN_MUTANTS_FILTER='(in|replace) (crypto_erase|Vault::wipe)\b'
#                                 only the mutants whose name matches this regex
#                                 (cargo-mutants --re): a module too big for the time
#                                 at hand, tested on the functions that guard the most
#
# By default the mutants are built in a copy of the tree (cargo-mutants' default, the
# worktree is never changed) but into this worktree's target/ (CARGO_TARGET_DIR), so
# the dependencies are not compiled from cold a second time; the core itself is, once
# per run (its path differs). With MIGRAN_MUTANTS_IN_PLACE=1 cargo-mutants changes the
# files of this worktree and reuses its incremental build: faster to start, but do not
# edit or commit while it runs, and after an interrupted run check `git diff core/src`
# (cargo-mutants puts each file back, unless it is killed with SIGKILL).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! cargo mutants --version >/dev/null 2>&1; then
  cargo install --locked cargo-mutants
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  modules=(
    core/src/emergency/plan.rs
    core/src/screening/rules.rs
    core/src/checklist/rules.rs
    core/src/crypto.rs
    core/src/consent.rs
    core/src/vault.rs
  )
fi

# The integration tests that exercise a module, besides the core's unit tests (--lib).
# A mutant these miss may still be caught by another test of the core; a run with
# MIGRAN_MUTANTS_ALL_TESTS=1 settles that, at several times the cost.
test_targets() {
  case "$1" in
    core/src/emergency/*) echo "emergency emergency_plan emergency_location" ;;
    core/src/screening/*) echo "screening" ;;
    # The agency-standing warning is checked in agencies.rs (a checklist with a listed
    # agency); without it the == / != mutant in warnings() is missed.
    core/src/checklist/*) echo "checklist agencies" ;;
    # Withdrawing the consent to share with family ends the family's follow links.
    core/src/consent.rs) echo "consent_audit lawful_bases cadre follow" ;;
    # The lockout's clock rules are tested in lockout_clock.rs.
    # Older headers' MAC layouts are checked by opening the committed vectors (vector.rs);
    # the hardware key factor's PIN keys (made, retired, deleted) in key_factor.rs.
    core/src/crypto.rs) echo "vault erasure lockout_clock vector duress_pin key_factor" ;;
    # The vault's date is read by the emergency plan (a directory entry due for checking),
    # the actor it keeps by the audit log (consent_audit.rs).
    core/src/vault.rs) echo "vault erasure lockout_clock vector duress_pin key_factor emergency consent_audit" ;;
  esac
}

limit=()
if [ -n "${MIGRAN_MUTANTS_BUDGET:-}" ]; then
  # SIGINT when the budget runs out: cargo-mutants stops the running mutant, restores
  # its copy and writes the outcomes counted so far.
  limit=(timeout --signal=INT --kill-after=60 "$MIGRAN_MUTANTS_BUDGET")
fi
files=()
tests=()
for module in "${modules[@]}"; do
  files+=(--file "$module")
  for test in $(test_targets "$module"); do
    case " ${tests[*]} " in *" $test "*) ;; *) tests+=("$test") ;; esac
  done
done
# Passed to every cargo command (-C), the build as well as the test run: cargo-mutants
# builds with `cargo test --no-run`, which would otherwise link every test binary of
# the core for each mutant.
targets=()
if [ -z "${MIGRAN_MUTANTS_ALL_TESTS:-}" ]; then
  targets=(-C --lib)
  for test in "${tests[@]}"; do targets+=(-C --test -C "$test"); done
fi

# One run for all the modules: each run builds the core once from cold in its copy of
# the tree. The core's own tests only (`--package`): the CLI and journeys add minutes
# per mutant and test the same code through it. A non-zero exit (some mutants missed,
# or the budget ran out) still reports.
out=target/mutants/mutants.out
# cargo-mutants makes only the last folder of --output: a fresh clone has no target/.
mkdir -p target
place=()
if [ -n "${MIGRAN_MUTANTS_IN_PLACE:-}" ]; then
  place=(--in-place)
fi
filter=()
if [ -n "${MIGRAN_MUTANTS_FILTER:-}" ]; then
  filter=(--re "$MIGRAN_MUTANTS_FILTER")
fi
"${limit[@]}" nice -n 15 cargo mutants --package migran-core "${files[@]}" "${place[@]}" "${filter[@]}" \
  "${targets[@]}" --timeout "${MIGRAN_MUTANTS_TIMEOUT:-300}" --output target/mutants || true
if [ -f "$out/outcomes.json" ]; then
  for module in "${modules[@]}"; do
    echo "== $module"
    for outcome in caught missed timeout unviable; do
      count=$(grep -c "^$module:" "$out/$outcome.txt" 2>/dev/null || true)
      echo "   $outcome: ${count:-0}"
    done
  done
  echo "missed mutants: $out/missed.txt"
fi
