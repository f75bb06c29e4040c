//! Team sync and backup as a village team runs them: the real `migran` binary, real vault
//! folders, bundle and backup files carried between them.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod support;

use support::{code, migran, stderr, stdout, PIN};

/// `migran` with extra environment (a recovery key, another language) and optional input.
fn migran_env(vault: &Path, args: &[&str], env: &[(&str, &str)], input: Option<&str>) -> Output {
    use std::io::Write;
    let mut command = Command::new(env!("CARGO_BIN_EXE_migran"));
    command
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("MIGRAN_PIN", PIN)
        .env_remove("MIGRAN_NEW_PIN")
        .env_remove("MIGRAN_RECOVERY_KEY")
        .env("MIGRAN_LANG", "en")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    if let Some(text) = input {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn ok(vault: &Path, args: &[&str]) -> String {
    let out = migran(vault, args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn json(vault: &Path, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    serde_json::from_str(&ok(vault, &args)).unwrap()
}

fn init(dir: &Path) {
    ok(dir, &["init", "--kdf-iterations", "10000"]);
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn add_person(vault: &Path, name: &str, nik: &str) -> String {
    json(
        vault,
        &[
            "person",
            "add",
            "--name",
            name,
            "--nik",
            nik,
            "--birth-date",
            "1998-04-12",
            "--sex",
            "P",
            "--village",
            "Desa Contoh",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn digest(vault: &Path) -> String {
    json(vault, &["sync", "status"])["register_digest"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A team of `n` vaults in `root`: the first (an officer) creates it; the others join,
/// the first by files, the next through standard input and the text itself.
fn team(root: &Path, n: usize) -> Vec<PathBuf> {
    let vaults: Vec<PathBuf> = (0..n).map(|i| root.join(format!("device{i}"))).collect();
    for vault in &vaults {
        init(vault);
    }
    let created = json(&vaults[0], &["team", "create", "--role", "officer"]);
    for (i, vault) in vaults.iter().enumerate().skip(1) {
        let joined = if i == 1 {
            let request = root.join(format!("request{i}.txt"));
            let asked = json(vault, &["team", "join", "--out", path(&request)]);
            let answer = root.join(format!("answer{i}.txt"));
            ok(
                &vaults[0],
                &[
                    "team",
                    "admit",
                    path(&request),
                    "--fingerprint",
                    asked["fingerprint"].as_str().unwrap(),
                    "--out",
                    path(&answer),
                ],
            );
            json(vault, &["team", "join", path(&answer)])
        } else {
            let asked = json(vault, &["team", "join"]);
            let out = migran_env(
                &vaults[0],
                &["team", "admit", "-", "--yes", "--json"],
                &[],
                Some(asked["request"].as_str().unwrap()),
            );
            assert_eq!(code(&out), 0, "{}", stderr(&out));
            let admitted: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
            assert_eq!(admitted["request_fingerprint"], asked["fingerprint"]);
            json(vault, &["team", "join", admitted["answer"].as_str().unwrap()])
        };
        // Both screens show the same team fingerprint: the last check of the enrolment.
        assert_eq!(joined["fingerprint"], created["fingerprint"]);
        assert_eq!(joined["team_id"], created["team_id"]);
    }
    vaults
}

/// Every device writes one bundle for the team and every other device imports it, until
/// all show one digest.
fn settle(root: &Path, vaults: &[PathBuf]) -> String {
    static SETTLED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let settle = SETTLED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    for round in 0..3 {
        for (i, from) in vaults.iter().enumerate() {
            let file = root.join(format!("settle{settle}-round{round}-from{i}.bundle"));
            ok(from, &["sync", "export", "--out", path(&file)]);
            for to in vaults.iter().filter(|to| *to != from) {
                ok(to, &["sync", "import", path(&file)]);
            }
        }
        let digests: Vec<String> = vaults.iter().map(|v| digest(v)).collect();
        if digests.iter().all(|d| *d == digests[0]) {
            return digests[0].clone();
        }
    }
    panic!("the devices did not converge");
}

#[test]
fn a_team_formed_by_the_cli_converges_and_a_conflict_is_listed_and_resolved() {
    let root = tempfile::tempdir().unwrap();
    let vaults = team(root.path(), 3);
    let devices = json(&vaults[0], &["team", "devices"]);
    assert_eq!(devices.as_array().unwrap().len(), 3);

    let siti = add_person(&vaults[0], "Siti Contoh", "3201000000000001");
    add_person(&vaults[1], "Dewi Contoh", "3201000000000002");
    add_person(&vaults[2], "Rina Contoh", "3201000000000003");
    settle(root.path(), &vaults);
    for vault in &vaults {
        assert_eq!(json(vault, &["person", "list", "--all"])["total"], 3);
    }

    // Two cadres correct the same person before they meet again.
    ok(&vaults[1], &["person", "edit", &siti, "--phone", "081200000011"]);
    ok(&vaults[2], &["person", "edit", &siti, "--phone", "081200000022"]);
    let agreed = settle(root.path(), &vaults);
    let mut conflict_ids = Vec::new();
    for vault in &vaults {
        let conflicts = json(vault, &["conflicts", "list"]);
        let conflicts = conflicts.as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0]["person_id"], siti.as_str());
        let field = conflicts[0]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == "phone")
            .unwrap()
            .clone();
        let mut phones = [
            field["kept"].as_str().unwrap().to_string(),
            field["losing"].as_str().unwrap().to_string(),
        ];
        phones.sort();
        assert_eq!(phones, ["+6281200000011", "+6281200000022"]);
        conflict_ids.push(conflicts[0]["id"].as_str().unwrap().to_string());
        assert_eq!(json(vault, &["sync", "status"])["unresolved_conflicts"], 1);
    }
    assert!(conflict_ids.iter().all(|id| *id == conflict_ids[0]));
    let text = ok(&vaults[0], &["conflicts", "list"]);
    assert!(text.contains("phone: current"), "{text}");

    // The officer keeps the other version (by an ID prefix); it wins everywhere.
    let losing = json(&vaults[0], &["conflicts", "list"])[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "phone")
        .unwrap()["losing"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &vaults[0],
        &["conflicts", "resolve", &conflict_ids[0][..8], "--keep", "other"],
    );
    let resolved = settle(root.path(), &vaults);
    assert_ne!(resolved, agreed);
    for vault in &vaults {
        assert_eq!(json(vault, &["conflicts", "list"]).as_array().unwrap().len(), 0);
        let shown = json(vault, &["person", "show", &siti]);
        assert_eq!(shown["person"]["phone"], losing.as_str(), "{shown}");
    }
    let out = migran(
        &vaults[0],
        &["conflicts", "resolve", &conflict_ids[0], "--keep", "other"],
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
}

#[test]
fn removed_tampered_and_replayed_bundles_are_refused_with_exit_7_and_change_nothing() {
    let root = tempfile::tempdir().unwrap();
    let vaults = team(root.path(), 3);
    add_person(&vaults[0], "Siti Contoh", "3201000000000001");
    settle(root.path(), &vaults);

    // A bundle imported twice is a replay.
    add_person(&vaults[1], "Dewi Contoh", "3201000000000002");
    let file = root.path().join("dewi.bundle");
    ok(&vaults[1], &["sync", "export", "--out", path(&file)]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "owner-only");
    }
    let bytes = std::fs::read(&file).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("Dewi"), "sealed");
    // Written once: an existing file is not replaced without --force.
    let out = migran(&vaults[1], &["sync", "export", "--out", path(&file)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(std::fs::read(&file).unwrap(), bytes);

    // A byte changed anywhere: refused, nothing changed.
    let before = digest(&vaults[0]);
    for at in [10, bytes.len() / 2, bytes.len() - 3] {
        let mut tampered = bytes.clone();
        tampered[at] ^= 0x01;
        let bad = root.path().join(format!("tampered{at}.bundle"));
        std::fs::write(&bad, &tampered).unwrap();
        let out = migran(&vaults[0], &["sync", "import", path(&bad)]);
        assert_eq!(code(&out), 7, "byte {at}: {}", stderr(&out));
        assert!(stderr(&out).contains("Nothing was changed"), "{}", stderr(&out));
        assert_eq!(digest(&vaults[0]), before, "byte {at}");
    }
    let out = migran_env(
        &vaults[0],
        &["sync", "import", path(&root.path().join("tampered10.bundle"))],
        &[("MIGRAN_LANG", "id")],
        None,
    );
    assert_eq!(code(&out), 7);
    assert!(
        stderr(&out).contains("Tidak ada data yang berubah"),
        "{}",
        stderr(&out)
    );
    let applied = json(&vaults[0], &["sync", "import", path(&file)]);
    assert!(applied["applied"].as_u64().unwrap() > 0, "{applied}");
    let after = digest(&vaults[0]);
    assert_ne!(after, before);
    let out = migran(&vaults[0], &["sync", "import", path(&file)]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("applied before"), "{}", stderr(&out));
    assert_eq!(digest(&vaults[0]), after);

    // The officer removes device 2 (a lost phone); its later bundles are refused.
    let removed = json(&vaults[2], &["sync", "status"])["device_id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&vaults[0], &["team", "remove", &removed[..10], "--yes"]);
    let devices = json(&vaults[0], &["team", "devices"]);
    let entry = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device_id"] == removed.as_str())
        .unwrap()
        .clone();
    assert_eq!(entry["removed"], true);
    add_person(&vaults[2], "Rina Contoh", "3201000000000003");
    let late = root.path().join("late.bundle");
    ok(&vaults[2], &["sync", "export", "--out", path(&late)]);
    let out = migran(&vaults[0], &["sync", "import", path(&late)]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("removed"), "{}", stderr(&out));
    assert_eq!(digest(&vaults[0]), after);
    // Device 1 hears of the removal with the officer's next bundle, then refuses too.
    let news = root.path().join("news.bundle");
    ok(&vaults[0], &["sync", "export", "--out", path(&news)]);
    ok(&vaults[1], &["sync", "import", path(&news)]);
    let out = migran(&vaults[1], &["sync", "import", path(&late)]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert_eq!(digest(&vaults[1]), after);
}

#[test]
fn backup_restores_into_a_fresh_folder_and_a_wrong_key_is_no_pin_failure() {
    let root = tempfile::tempdir().unwrap();
    let vaults = team(root.path(), 2);
    let ids: Vec<String> = (1..=5)
        .map(|n| {
            add_person(
                &vaults[0],
                &format!("Siti Contoh {n}"),
                &format!("320100000000000{n}"),
            )
        })
        .collect();
    settle(root.path(), &vaults);
    let original = digest(&vaults[0]);

    let file = root.path().join("village.backup");
    let made = json(&vaults[0], &["backup", "--out", path(&file)]);
    let recovery_key = made["recovery_key"].as_str().unwrap().to_string();
    assert_eq!(recovery_key.split('-').count(), 8, "{recovery_key}");
    let bytes = std::fs::read(&file).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "owner-only");
    }
    assert!(!String::from_utf8_lossy(&bytes).contains("Siti Contoh"), "sealed");
    assert!(
        !String::from_utf8_lossy(&bytes).contains("3201000000000001"),
        "sealed"
    );
    // Shown once: a later backup opens with the same key and does not show it again.
    let again = json(
        &vaults[0],
        &["backup", "--out", path(&root.path().join("later.backup"))],
    );
    assert!(again["recovery_key"].is_null(), "{again}");
    // Nor does the audit log hold it.
    let audit = ok(&vaults[0], &["audit", "--limit", "1000"]);
    assert!(!audit.contains(&recovery_key), "{audit}");

    let fresh = root.path().join("new-phone");
    let restore = |key: &str, backup: &Path| {
        migran_env(
            &fresh,
            &["restore", path(backup), "--kdf-iterations", "10000", "--json"],
            &[("MIGRAN_RECOVERY_KEY", key), ("MIGRAN_PIN", "735109")],
            None,
        )
    };
    let wrong = "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH";
    let out = restore(wrong, &file);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("recovery key"), "{}", stderr(&out));
    assert!(!fresh.join("vault.db").exists() && !fresh.join("keys").exists());
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x40;
    let damaged_file = root.path().join("damaged.backup");
    std::fs::write(&damaged_file, &damaged).unwrap();
    let out = restore(&recovery_key, &damaged_file);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(!fresh.join("vault.db").exists());
    // The original's PIN counter never moved.
    assert_eq!(json(&vaults[0], &["status"])["failed_attempts"], 0);

    let out = restore(&recovery_key.to_lowercase(), &file);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stdout(&out).contains(&recovery_key));
    let restored: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(restored["persons"], 5);
    assert!(restored["team"].is_object(), "{restored}");
    let status = migran_env(&fresh, &["status", "--json"], &[("MIGRAN_PIN", "735109")], None);
    let status: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap();
    assert_eq!(status["failed_attempts"], 0);
    // The restored vault has the key factor's files, as a vault made by init.
    assert_eq!(status["device_key"], "key-files");
    assert!(fresh.join("keys").join("locked.key").exists() && !fresh.join("device.secret").exists());
    let fresh_digest = migran_env(
        &fresh,
        &["sync", "status", "--json"],
        &[("MIGRAN_PIN", "735109")],
        None,
    );
    let fresh_digest: serde_json::Value = serde_json::from_str(&stdout(&fresh_digest)).unwrap();
    assert_eq!(fresh_digest["register_digest"], original.as_str());
    for id in &ids {
        let shown = migran_env(&fresh, &["person", "show", id], &[("MIGRAN_PIN", "735109")], None);
        assert_eq!(code(&shown), 0, "{id}: {}", stderr(&shown));
    }
    // The old PIN does not open the new vault; a restore never lands on an existing one.
    assert_eq!(code(&migran(&fresh, &["unlock-check"])), 3);
    let out = restore(&recovery_key, &file);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
}

#[test]
fn team_and_sync_commands_speak_indonesian_and_refuse_a_wrong_fingerprint() {
    let root = tempfile::tempdir().unwrap();
    let a = root.path().join("a");
    let b = root.path().join("b");
    init(&a);
    init(&b);
    let id = |vault: &Path, args: &[&str]| {
        let out = migran_env(vault, args, &[("MIGRAN_LANG", "id")], None);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        format!("{}{}", stdout(&out), stderr(&out))
    };
    // Before a team exists the step to take is named: no file was refused (exit 1, not 7).
    let out = migran(&a, &["team", "devices"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("migran team create"), "{}", stderr(&out));
    let mut seen = id(&a, &["team", "create"]);
    seen += &id(&a, &["team", "invite"]);
    let request = root.path().join("permintaan.txt");
    seen += &id(&b, &["team", "join", "--out", path(&request)]);
    let out = migran(
        &a,
        &[
            "team",
            "admit",
            path(&request),
            "--fingerprint",
            "AAAA-BBBB-CCCC-DDDD",
        ],
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("not admitted"), "{}", stderr(&out));
    assert_eq!(json(&a, &["team", "devices"]).as_array().unwrap().len(), 1);
    let out = migran(&a, &["team", "admit", "-"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    // Without --fingerprint the member is asked; no answer admits nobody.
    let out = migran(&a, &["team", "admit", path(&request)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(json(&a, &["team", "devices"]).as_array().unwrap().len(), 1);
    let out = migran_env(&a, &["team", "admit", path(&request)], &[], Some("ya\n"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let answer = stdout(&out).trim().to_string();
    assert!(answer.starts_with("MEA1"), "{answer}");
    seen += &id(&b, &["team", "join", &answer]);
    seen += &id(&a, &["team", "devices"]);
    let bundle = root.path().join("tim.bundle");
    seen += &id(&a, &["sync", "export", "--out", path(&bundle)]);
    seen += &id(&b, &["sync", "import", path(&bundle)]);
    seen += &id(&b, &["sync", "status"]);
    seen += &id(&b, &["conflicts", "list"]);
    seen += &id(&b, &["backup", "--out", path(&root.path().join("cadangan"))]);
    seen += &id(&b, &["help", "team"]);
    for english in ["Team ", "written", "Applied", "Backup", "the ", "This "] {
        assert!(!seen.contains(english), "'{english}' in: {seen}");
    }
}

/// A cheap pseudo-random sequence (no extra crate): the kill moments vary from run to
/// run, and the seed is printed so that a failure can be replayed.
fn next(state: &mut u64) -> u64 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *state >> 33
}

/// A vault folder with its `keys/` folder of key files.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn sync_import_killed_at_random_moments_leaves_none_or_all_of_the_bundle() {
    let root = tempfile::tempdir().unwrap();
    let vaults = team(root.path(), 2);
    // A large register, by the officer's spreadsheet import.
    let mut csv = "full_name,nik,birth_date,sex,phone,address,village,consent,consent_date\n".to_string();
    for n in 0..1500u32 {
        csv.push_str(&format!(
            "Warga Contoh {n},32010000{:08},1990-01-01,P,0812{n:08},Dusun Contoh,Desa Contoh,ya,2026-01-15\n",
            10_000 + n
        ));
    }
    let sheet = root.path().join("warga.csv");
    std::fs::write(&sheet, csv).unwrap();
    ok(&vaults[0], &["person", "import", path(&sheet)]);
    let bundle = root.path().join("big.bundle");
    ok(&vaults[0], &["sync", "export", "--out", path(&bundle)]);
    let before = digest(&vaults[1]);
    let after = digest(&vaults[0]);
    assert_ne!(before, after);

    let spawn = |vault: &Path| {
        Command::new(env!("CARGO_BIN_EXE_migran"))
            .arg("--vault")
            .arg(vault)
            .args(["sync", "import", path(&bundle)])
            .env("MIGRAN_PIN", PIN)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let timed = root.path().join("timed");
    copy_dir(&vaults[1], &timed);
    let started = std::time::Instant::now();
    assert!(spawn(&timed).wait().unwrap().success());
    let whole = started.elapsed();
    assert_eq!(digest(&timed), after);

    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("kill moments seed: {seed}");
    let (mut saw_before, mut saw_after) = (0, 0);
    for attempt in 0..16 {
        let dir = root.path().join(format!("attempt{attempt}"));
        copy_dir(&vaults[1], &dir);
        let share = (next(&mut seed) % 1000) as f64 / 1000.0;
        let mut child = spawn(&dir);
        std::thread::sleep(whole.mul_f64(share * 1.1));
        // SIGKILL: no destructor, no flush, no lock release runs.
        let _ = child.kill();
        child.wait().unwrap();
        let found = digest(&dir);
        assert!(
            found == before || found == after,
            "attempt {attempt} (at {share:.3} of the run): in between"
        );
        if found == before {
            saw_before += 1;
            // Nothing of it was kept: the same file still applies, whole.
            ok(&dir, &["sync", "import", path(&bundle)]);
        } else {
            saw_after += 1;
        }
        assert_eq!(digest(&dir), after, "attempt {attempt}");
    }
    eprintln!("killed before the commit {saw_before} times, after it {saw_after} times");
}
