#!/usr/bin/env bash
# Runs every fuzz target (fuzz/) for SECONDS each, installing the nightly toolchain and
# cargo-fuzz first if they are missing. Crashes are kept in fuzz/artifacts/TARGET/ and end
# the script with a failure; turn each into a regression test. Prints the executions per
# target at the end (docs/security.md records them). Naming targets runs only those.
#   scripts/fuzz.sh 60
#   scripts/fuzz.sh 30 cli_args lesson_pack
set -euo pipefail
seconds="${1:-60}"
shift || true
cd "$(dirname "$0")/.."

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo +nightly fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked

targets="${*:-$(cd fuzz && cargo +nightly fuzz list)}"
cd fuzz
build_log=$(mktemp)
if ! cargo +nightly fuzz build --release >"$build_log" 2>&1; then
  # The whole reason, not three lines of a stack trace (all stop 28's CI showed), and
  # last, since CI's report keeps only the end of the output.
  tail -n 60 "$build_log" >&2
  echo "fuzz: building the targets FAILED; its error lines:" >&2
  grep -n -i -E 'error|panicked|no space left' "$build_log" | head -n 40 >&2 || true
  df -h . >&2
  rm -f "$build_log"
  exit 1
fi
tail -n 3 "$build_log"
rm -f "$build_log"
failed=0
summary=""
for target in $targets; do
  mkdir -p "corpus/$target"
  log=$(mktemp)
  # cli_args prints the help for many inputs: its stdout and stderr are closed (libFuzzer
  # keeps its own report and the crash's stack trace).
  quiet=()
  [ "$target" = cli_args ] && quiet=(-close_fd_mask=3)
  # -rss_limit_mb: a parser that holds more than this for one input is a finding too.
  if ! cargo +nightly fuzz run --release "$target" "corpus/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 "${quiet[@]}" >"$log" 2>&1; then
    failed=1
    echo "fuzz: $target FAILED; see fuzz/artifacts/$target/" >&2
    tail -n 40 "$log" >&2
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
  summary+="$target ${runs:-?}"$'\n'
  rm -f "$log"
done
printf 'executions per target (%s s each):\n%s' "$seconds" "$summary"
exit "$failed"
