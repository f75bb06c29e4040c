#!/usr/bin/env bash
# The relay's tests against a real PostgreSQL (docs/relay.md): installs PostgreSQL from
# Debian if missing, starts a throwaway cluster in a temporary folder on a free local
# port (as the `postgres` user: PostgreSQL refuses to run as root), creates a database,
# runs `cargo test -p migran-relay` with MIGRAN_RELAY_PG_URL set, and removes the
# cluster on exit, whatever happened.
#
# `bash scripts/relay-postgres.sh bench` instead runs the release load bench
# (`cargo bench -p migran-relay --bench load`, sized by RELAY_BENCH_*) against the same
# kind of cluster, with fsync on: its write rate and table sizes are the ones
# docs/relay.md#what-one-postgresql-holds quotes.
set -euo pipefail
cd "$(dirname "$0")/.."

find_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; fi
}

MODE=test
if [ "${1:-}" = bench ]; then
    MODE=bench
    shift
fi
# The tests need no durability; the bench measures a relay as it would run.
FSYNC=off
[ "$MODE" = bench ] && FSYNC=on

PG_BIN=$(find_bin)
if [ -z "$PG_BIN" ]; then
    echo "== installing PostgreSQL (Debian)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(find_bin)
fi
[ -n "$PG_BIN" ] || { echo "PostgreSQL not found after install" >&2; exit 1; }

# Whom the cluster runs as: root may not; a non-root caller runs it itself.
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

WORK=$(mktemp -d /tmp/migran-relay-pg.XXXXXX)
chmod 755 "$WORK"
[ "$(id -u)" = 0 ] && chown postgres "$WORK"
cleanup() {
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# A free port: ask the kernel for one.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT ($WORK, fsync=$FSYNC)"
as_pg "$PG_BIN/initdb" -D "$WORK/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=$FSYNC" start >/dev/null
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres migran_relay_test

export MIGRAN_RELAY_PG_URL="postgres://postgres@127.0.0.1:$PORT/migran_relay_test"
export PATH="$PG_BIN:$PATH" # the tests' pg_dump scan uses the cluster's own pg_dump
# relay/tests/client_pg_restart.rs stops and restarts this cluster under a client.
export MIGRAN_RELAY_PG_DATA="$WORK/data"
if [ "$MODE" = bench ]; then
    echo "== relay load bench on SQLite and PostgreSQL (release build)"
    cargo bench -p migran-relay --bench load "$@"
    exit 0
fi
echo "== relay tests on SQLite and PostgreSQL"
cargo test -p migran-relay "$@"
