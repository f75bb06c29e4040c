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

/// `migran --vault <vault> <args>` as [`migran`], with more environment variables.
pub fn migran_with_env(vault: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migran"));
    command
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("MIGRAN_PIN", PIN)
        .env_remove("MIGRAN_NEW_PIN")
        .env("MIGRAN_LANG", "en")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("migran runs")
}

/// The folder of a CLI vault's key factor files.
pub fn key_folder(vault: &Path) -> std::path::PathBuf {
    vault.join("keys")
}

/// The names of the files in a vault's key folder, sorted; none when it is missing.
pub fn key_files(vault: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(key_folder(vault)) {
        Ok(entries) => entries
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// A vault as the CLI made them before the key factor (until 2026-12-03): made with a
/// device secret through the core, the secret in a 0600 `device.secret` beside it, [`PIN`]
/// as its PIN.
pub fn old_layout_vault(vault: &Path) {
    std::fs::create_dir_all(vault).unwrap();
    let secret = migran_core::new_device_secret().unwrap();
    let settings = migran_core::VaultSettings {
        kdf_iterations: 10_000,
        free_attempts: 3,
        ..migran_core::VaultSettings::default()
    };
    migran_core::Vault::create(
        vault.to_string_lossy().into_owned(),
        PIN.to_string(),
        Some(secret.clone()),
        settings,
    )
    .unwrap();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    options
        .open(vault.join("device.secret"))
        .unwrap()
        .write_all(&secret)
        .unwrap();
}

/// Registers Siti Contoh (the fake NIK 3201000000000001) in `vault` and returns her id.
pub fn add_siti(vault: &Path) -> String {
    let out = migran(
        vault,
        &[
            "person",
            "add",
            "--name",
            "Siti Contoh",
            "--nik",
            "3201000000000001",
            "--birth-date",
            "1998-04-12",
            "--sex",
            "F",
            "--village",
            "Desa Contoh",
            "--json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let person: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    person["id"].as_str().unwrap().to_string()
}
