#!/usr/bin/env bash
# The `migran` command (and the core under it) compiles for Windows: `cargo check` for
# x86_64-pc-windows-gnu with the MinGW cross compiler, which the bundled SQLCipher and
# OpenSSL need. Installs the compiler (Debian) and the Rust target when missing. Nothing
# is run on Windows here: docs/cli.md says what that does and does not prove.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq gcc-mingw-w64-x86-64
fi
rustup target list --installed | grep -q '^x86_64-pc-windows-gnu$' ||
  rustup target add x86_64-pc-windows-gnu

# Its own target folder: the cross build must not invalidate the native one.
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/windows-check" \
  cargo check -p migran-cli --target x86_64-pc-windows-gnu
