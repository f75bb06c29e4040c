//! Running the real `migran` binary against a vault folder, shared by the CLI test files
//! that need nothing more than a run and its output.
// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

pub const PIN: &str = "482615";

/// `migran --vault <vault> <args>` with the PIN given, English messages, and no stdin.
pub fn migran(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migran"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("MIGRAN_PIN", PIN)
        .env_remove("MIGRAN_NEW_PIN")
        .env("MIGRAN_LANG", "en")
        .stdin(Stdio::null())
        .output()
        .expect("migran runs")
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `migran` and returns its output, failing the test (with stderr) unless it exits 0.
pub fn ok(vault: &Path, args: &[&str]) -> String {
    let out = migran(vault, args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// `migran --vault <vault> <args>` with another PIN than [`PIN`] (a typo, a guess).
pub fn migran_with_pin(vault: &Path, args: &[&str], pin: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migran"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("MIGRAN_PIN", pin)
        .env("MIGRAN_LANG", "en")
        .stdin(Stdio::null())
        .output()
        .expect("migran runs")
}
