#!/usr/bin/env bash
# Runs the tests again under a clock moved ahead (libfaketime), so that a test that
# depends on today's real date (a "date bomb") fails now rather than on the day it goes
# off. docs/testing.md says what it covers and what it costs.
#
#   bash scripts/test-future-clocks.sh            Rust under +1y and +5y, Kotlin under +5y
#   MIGRAN_CLOCKS_RUST="+1y" MIGRAN_CLOCKS_KOTLIN="" bash scripts/test-future-clocks.sh
#
# Offsets are libfaketime's relative form ("+1y" is 365 days, "+5y" 1825 days). Only the
# test processes see the moved clock: everything is built first under the real one, and
# monotonic clocks are left alone (busy timeouts, JVM timers).
set -euo pipefail
cd "$(dirname "$0")/.."

rust_clocks=${MIGRAN_CLOCKS_RUST-"+1y +5y"}
kotlin_clocks=${MIGRAN_CLOCKS_KOTLIN-"+5y"}

find_faketime() {
  local candidate
  for candidate in \
    /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 \
    /usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1 \
    /usr/lib/faketime/libfaketimeMT.so.1; do
    if [ -f "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  dpkg -L libfaketime 2>/dev/null | grep 'libfaketimeMT.so.1$' | head -n 1
}

faketime_lib=$(find_faketime || true)
if [ -z "$faketime_lib" ]; then
  apt-get update -qq
  apt-get install -y -qq libfaketime
  faketime_lib=$(find_faketime)
fi

# A hung run must fail, not hold CI: rustdoc, for one, deadlocks at start under the
# preload (so doctests are left out below; the workspace has none that run).
under_clock() {
  local offset=$1
  shift
  LD_PRELOAD="$faketime_lib" FAKETIME="$offset" FAKETIME_DONT_FAKE_MONOTONIC=1 \
    timeout --signal=KILL "${MIGRAN_CLOCKS_TIMEOUT:-1800}" "$@"
}

# The preload must really move the clock, or every run below proves nothing.
for offset in $rust_clocks $kotlin_clocks; do
  real_year=$(date -u +%Y)
  faked_year=$(under_clock "$offset" date -u +%Y)
  if [ "$faked_year" -le "$real_year" ]; then
    echo "libfaketime did not move the clock for $offset ($faked_year): stopping" >&2
    exit 1
  fi
done

if [ -n "$rust_clocks" ]; then
  # Unit, binary and integration tests; no doctests (see under_clock), no benches.
  targets=(--workspace --lib --bins --tests)
  cargo test "${targets[@]}" --no-run --quiet
  for offset in $rust_clocks; do
    echo "== Rust tests under the clock $offset ($(under_clock "$offset" date -u +%F))"
    under_clock "$offset" cargo test "${targets[@]}" --quiet
  done
fi

if [ -n "$kotlin_clocks" ]; then
  bash scripts/build-bindings.sh
  # Compiled and installed into the local repository (tests skipped) under the real
  # clock: the Kotlin compile daemon cannot be reached under a moved one ("Failed
  # connecting to the daemon"), and surefire, run alone below, must find each module's
  # sibling (android/screens needs the bindings' jar). Only the JUnit run sees the moved
  # clock, offline: a moved clock would make Central's certificate look expired.
  mvn -B -ntp -q -f bindings/pom.xml install -DskipTests
  for offset in $kotlin_clocks; do
    echo "== Kotlin tests under the clock $offset ($(under_clock "$offset" date -u +%F))"
    # Not the Activities under Robolectric: its main looper spins without end when the
    # wall clock is moved (seen: minutes at full CPU for a 13 s run). They hold no date
    # logic of their own; the presenters they show are tested here (android/screens).
    under_clock "$offset" mvn -B -ntp -o -fae -f bindings/pom.xml \
      -pl '!id.migranemas:migran-app-ui-compile-check' \
      org.apache.maven.plugins:maven-surefire-plugin:3.5.4:test
  done
fi
