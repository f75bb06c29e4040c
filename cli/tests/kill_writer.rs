//! A writer killed with SIGKILL at random moments, many times: every write the command
//! acknowledged is still there and the vault opens every time (issue 14). Real binary.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::Duration;

mod support;

use support::{code, migran, stderr, stdout, PIN};

#[test]
fn acknowledged_writes_survive_kill_9_at_random_moments() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("vault");
    let out = migran(&vault, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // How long one whole write takes on this machine, so the kills below land anywhere
    // from before the PIN check to after the commit whether the machine is busy or
    // quiet: a fixed window (120 ms once) let a quiet machine finish most writes before
    // the kill, and the test failed for want of kills.
    let started = std::time::Instant::now();
    let out = migran(
        &vault,
        &[
            "person",
            "add",
            "--name",
            "Siti Contoh",
            "--nik",
            "3201000000000000",
            "--birth-date",
            "1998-04-12",
            "--sex",
            "F",
            "--village",
            "Desa Contoh",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let whole_write_micros = (started.elapsed().as_micros() as u64).max(1_000);
    let mut acknowledged: Vec<String> = vec!["3201000000000000".to_string()];
    let mut killed = 0;
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
        | 1;
    for round in 0..60u32 {
        let nik = format!("32010000{:08}", round + 1);
        let mut writer = Command::new(env!("CARGO_BIN_EXE_migran"))
            .arg("--vault")
            .arg(&vault)
            .args(["person", "add", "--name", "Siti Contoh", "--nik", &nik])
            .args([
                "--birth-date",
                "1998-04-12",
                "--sex",
                "F",
                "--village",
                "Desa Contoh",
            ])
            .env("MIGRAN_PIN", PIN)
            .env("MIGRAN_LANG", "en")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Anywhere from before the PIN check to a little after the commit.
        std::thread::sleep(Duration::from_micros(seed % (whole_write_micros * 5 / 4)));
        // SIGKILL: no destructor, no flush, as when a phone ends the app.
        match writer.try_wait().unwrap() {
            Some(status) => {
                if status.success() {
                    acknowledged.push(nik);
                }
            }
            None => {
                writer.kill().unwrap();
                writer.wait().unwrap();
                killed += 1;
            }
        }
        let out = migran(&vault, &["unlock-check"]);
        assert_eq!(
            code(&out),
            0,
            "round {round}: the vault does not open: {}",
            stderr(&out)
        );
    }
    assert!(
        killed >= 5 && acknowledged.len() > 1,
        "killed {killed}, acknowledged {}",
        acknowledged.len()
    );
    let out = migran(&vault, &["--json", "person", "list", "--limit", "1000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let listed: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let stored: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|person| person["nik"].as_str().unwrap())
        .collect();
    for nik in &acknowledged {
        assert!(stored.contains(&nik.as_str()), "acknowledged {nik} lost");
    }
}
