//! The `migran` command as a village officer runs it: real binary, real vault folder.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const PIN: &str = "482615";

fn migran(vault: &Path, args: &[&str]) -> Output {
    migran_with(vault, args, &[("MIGRAN_PIN", PIN)])
}

fn migran_with(vault: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migran"));
    command
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env_remove("MIGRAN_PIN")
        .env_remove("MIGRAN_NEW_PIN")
        .env("MIGRAN_LANG", "en")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("migran runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn init(dir: &Path) {
    let out = migran(
        dir,
        &["init", "--kdf-iterations", "10000", "--free-attempts", "3"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

fn add_siti(dir: &Path) -> String {
    let out = migran(
        dir,
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
            "--phone",
            "0812-0000-0001",
            "--village",
            "Desa Contoh",
            "--json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let person: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    person["id"].as_str().unwrap().to_string()
}

#[test]
fn officer_registers_lists_shows_finds_and_searches() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());

    let list = migran(dir.path(), &["person", "list"]);
    assert_eq!(code(&list), 0);
    assert!(
        stdout(&list).contains("Siti Contoh") && stdout(&list).contains("1 of 1"),
        "{}",
        stdout(&list)
    );

    let list: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["person", "list", "--json"]).stdout).unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["phone"], "+6281200000001");

    for args in [
        vec![
            "contact",
            "add",
            &id,
            "--name",
            "Ibu Contoh",
            "--relation",
            "ibu",
            "--phone",
            "081299990001",
        ],
        vec![
            "journey",
            "set",
            &id,
            "--phase",
            "pre-departure",
            "--country",
            "TW",
            "--sector",
            "factory",
        ],
        vec![
            "document",
            "add",
            &id,
            "--kind",
            "paspor",
            "--number",
            "C 0000001",
            "--expires",
            "2031-10-01",
        ],
    ] {
        let out = migran(dir.path(), &args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    }
    let shown: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["person", "show", &id, "--json"]).stdout).unwrap();
    assert_eq!(shown["person"]["nik"], "3201000000000001");
    assert_eq!(shown["contacts"][0]["relation"], "Parent");
    assert_eq!(shown["journey"]["destination_country"], "TW");
    assert_eq!(shown["documents"][0]["number"], "C0000001");
    assert!(stdout(&migran(dir.path(), &["person", "show", &id])).contains("Family contacts"));

    for finder in [
        ["--nik", "3201 0000 0000 0001"],
        ["--phone", "+62 812 0000 0001"],
        ["--passport", "c0000001"],
    ] {
        let out = migran(dir.path(), &["person", "find", finder[0], finder[1], "--json"]);
        let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(found[0]["id"], id.as_str(), "{finder:?}");
    }
    let found: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["person", "search", "siti", "--json"]).stdout).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
}

#[test]
fn wrong_pin_exits_3_with_attempts_left_and_never_echoes_a_pin() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let out = migran_with(dir.path(), &["unlock-check"], &[("MIGRAN_PIN", "999999")]);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("2 attempts left"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("999999") && !stdout(&out).contains("999999"));
    migran_with(dir.path(), &["unlock-check"], &[("MIGRAN_PIN", "999998")]);
    migran_with(dir.path(), &["unlock-check"], &[("MIGRAN_PIN", "999997")]);
    let out = migran(dir.path(), &["unlock-check"]);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("Try again in"), "{}", stderr(&out));
    let status: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["failed_attempts"], 3);
    assert!(status["retry_after_seconds"].as_u64().unwrap() > 0);
}

#[test]
fn change_pin_makes_the_old_one_fail() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    add_siti(dir.path());
    let out = migran_with(
        dir.path(),
        &["change-pin"],
        &[("MIGRAN_PIN", PIN), ("MIGRAN_NEW_PIN", "777111")],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(code(&migran(dir.path(), &["unlock-check"])), 3);
    let out = migran_with(
        dir.path(),
        &["person", "list", "--json"],
        &[("MIGRAN_PIN", "777111")],
    );
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("Siti Contoh"));
}

#[test]
fn the_pin_can_come_from_standard_input_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_migran"))
        .arg("--vault")
        .arg(dir.path())
        .arg("unlock-check")
        .env_remove("MIGRAN_PIN")
        .env("MIGRAN_LANG", "en")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PIN}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stdout(&out).contains(PIN) && !stderr(&out).contains(PIN));
}

#[test]
fn exit_codes_tell_usage_not_found_and_invalid_apart() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(code(&migran(dir.path(), &["person", "list"])), 4, "no vault yet");
    init(dir.path());
    assert_eq!(
        code(&migran(dir.path(), &["init", "--kdf-iterations", "10000"])),
        1,
        "vault exists"
    );
    assert_eq!(code(&migran(dir.path(), &["frobnicate"])), 2);
    assert_eq!(
        code(&migran(dir.path(), &["person", "add", "--name", "Siti Contoh"])),
        2
    );
    assert_eq!(
        code(&migran(dir.path(), &["person", "list", "--colour", "red"])),
        2
    );
    assert_eq!(
        code(&migran(
            dir.path(),
            &["person", "show", "0123456789abcdef0123456789abcdef"]
        )),
        4
    );
    assert_eq!(
        code(&migran(
            dir.path(),
            &["person", "find", "--nik", "3201000000000009"]
        )),
        4
    );

    let base = [
        "person",
        "add",
        "--name",
        "Budi Contoh",
        "--sex",
        "M",
        "--village",
        "Desa Contoh",
    ];
    let cases: [(&str, &str, &str, &str); 5] = [
        ("320100000000002", "1998-04-12", "NIK", "too short"),
        ("3201000000000002", "1998-02-30", "birth date", "not a valid date"),
        ("3201000000000002", "12-04-1998", "birth date", "wrong format"),
        ("32010000000000AB", "1998-04-12", "NIK", "wrong format"),
        (
            "3201000000000002",
            "2099-01-01",
            "birth date",
            "out of the allowed range",
        ),
    ];
    for (nik, birth, field, reason) in cases {
        let mut args = base.to_vec();
        args.extend(["--nik", nik, "--birth-date", birth]);
        let out = migran(dir.path(), &args);
        assert_eq!(code(&out), 5, "{nik} {birth}");
        assert!(
            stderr(&out).contains(field) && stderr(&out).contains(reason),
            "{}",
            stderr(&out)
        );
    }
    let id = add_siti(dir.path());
    let out = migran(dir.path(), &["journey", "set", &id, "--country", "XX"]);
    assert_eq!(code(&out), 5);
    assert!(stderr(&out).contains("destination country"), "{}", stderr(&out));
    let out = migran(
        dir.path(),
        &["document", "add", &id, "--kind", "spaceship", "--number", "1"],
    );
    assert_eq!(code(&out), 5);
}

#[test]
fn a_value_that_is_not_utf8_is_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_migran"))
        .arg("--vault")
        .arg(dir.path())
        .args(["person", "add", "--name"])
        .arg(OsStr::from_bytes(b"Siti \xff\xfe Contoh"))
        .args([
            "--nik",
            "3201000000000001",
            "--birth-date",
            "1998-04-12",
            "--sex",
            "F",
            "--village",
            "Desa",
        ])
        .env("MIGRAN_PIN", PIN)
        .env("MIGRAN_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(code(&out), 5);
    assert!(stderr(&out).contains("full name"), "{}", stderr(&out));
    assert!(stderr(&out).contains("not allowed"), "{}", stderr(&out));
}

#[test]
fn erase_asks_first_and_then_leaves_nothing_readable() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let out = migran(dir.path(), &["person", "erase", &id]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("Cancelled"), "no answer on stdin means no");
    assert_eq!(code(&migran(dir.path(), &["person", "show", &id])), 0);
    assert_eq!(code(&migran(dir.path(), &["person", "erase", &id, "--yes"])), 0);
    assert_eq!(code(&migran(dir.path(), &["person", "show", &id])), 4);
    assert_eq!(
        code(&migran(
            dir.path(),
            &["person", "find", "--nik", "3201000000000001"]
        )),
        4
    );
}

#[test]
fn wipe_removes_the_vault_and_its_device_key() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    assert!(dir.path().join("device.secret").exists());
    assert_eq!(code(&migran(dir.path(), &["wipe", "--yes"])), 0);
    assert!(!dir.path().join("vault.db").exists());
    assert!(!dir.path().join("device.secret").exists());
    assert_eq!(code(&migran(dir.path(), &["status"])), 4);
}

#[cfg(unix)]
#[test]
fn the_device_key_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let mode = std::fs::metadata(dir.path().join("device.secret"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "mode {mode:o}");
}

#[test]
fn messages_are_indonesian_by_default() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_migran"))
        .arg("--vault")
        .arg(dir.path())
        .arg("unlock-check")
        .env("MIGRAN_PIN", "000000")
        .env_remove("MIGRAN_LANG")
        .env("LANG", "id_ID.UTF-8")
        .env_remove("LC_ALL")
        .output()
        .unwrap();
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("PIN salah"), "{}", stderr(&out));
}

#[test]
fn the_demo_runs_and_proves_no_plaintext_on_disk() {
    let out = Command::new(env!("CARGO_BIN_EXE_migran"))
        .arg("demo")
        .env("MIGRAN_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Wrong PIN"), "{text}");
    assert_eq!(text.matches("not found").count(), 5, "{text}");
}

#[test]
fn the_emergency_plan_works_without_a_pin_once_the_card_is_set_with_one() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let set = migran(
        dir.path(),
        &[
            "emergency",
            "card",
            "set",
            "--name",
            "Siti Contoh",
            "--country",
            "MY",
            "--passport",
            "C0000001",
            "--family",
            "Ibu Contoh:081299990001",
            "--cadre",
            "Kader Contoh:081299990002",
        ],
    );
    assert_eq!(code(&set), 0, "{}", stderr(&set));
    let no_pin: &[(&str, &str)] = &[];
    let card: serde_json::Value = serde_json::from_slice(
        &migran_with(dir.path(), &["emergency", "card", "show", "--json"], no_pin).stdout,
    )
    .unwrap();
    assert_eq!(card["passport_number"], "C0000001");

    let out = migran_with(
        dir.path(),
        &[
            "emergency",
            "plan",
            "--kind",
            "violence",
            "--lat",
            "3.1390",
            "--lon",
            "101.6869",
            "--json",
        ],
        no_pin,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["actions"][0]["number"], "999");
    assert_eq!(plan["actions"][1]["number"], "+60176688032");
    assert!(plan["message_id"]
        .as_str()
        .unwrap()
        .contains("maps.google.com/?q=3.13900,101.68690"));
    assert_eq!(plan["sms_id"]["fits_one_sms"], true);

    let out = migran_with(
        dir.path(),
        &["emergency", "plan", "--kind", "gaji", "--country", "TW"],
        no_pin,
    );
    assert!(stdout(&out).contains("+886287526170"), "{}", stdout(&out));

    let alert: serde_json::Value = serde_json::from_slice(
        &migran_with(
            dir.path(),
            &["emergency", "trigger", "--kind", "passport-taken", "--json"],
            no_pin,
        )
        .stdout,
    )
    .unwrap();
    let id = alert["id"].as_str().unwrap().to_string();
    let pending: serde_json::Value =
        serde_json::from_slice(&migran_with(dir.path(), &["emergency", "pending", "--json"], no_pin).stdout)
            .unwrap();
    assert_eq!(
        pending.as_array().unwrap().len(),
        alert["plan"]["actions"].as_array().unwrap().len()
    );
    assert_eq!(
        code(&migran_with(
            dir.path(),
            &["emergency", "ack", &id, "--by", "Kader Contoh"],
            no_pin
        )),
        0
    );
    let log: serde_json::Value =
        serde_json::from_slice(&migran_with(dir.path(), &["emergency", "log", "--json"], no_pin).stdout)
            .unwrap();
    assert_eq!(log[0]["acknowledged_by"], "Kader Contoh");

    assert_eq!(
        code(&migran_with(
            dir.path(),
            &["emergency", "plan", "--kind", "hiking"],
            no_pin
        )),
        5
    );
    assert_eq!(
        code(&migran_with(
            dir.path(),
            &["emergency", "plan", "--kind", "other", "--lat", "1"],
            no_pin
        )),
        2
    );
    let wrong_pin: &[(&str, &str)] = &[("MIGRAN_PIN", "000000")];
    let out = migran_with(
        dir.path(),
        &["emergency", "card", "set", "--name", "X", "--country", "MY"],
        wrong_pin,
    );
    assert_eq!(code(&out), 3, "changing the card needs the PIN: {}", stderr(&out));
}

#[test]
fn a_forged_directory_pack_is_refused_with_exit_5() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let pack = dir.path().join("pack.json");
    let signature = dir.path().join("pack.json.sig");
    std::fs::write(
        &pack,
        br#"{"kind":"emergency-directory","version":99,"verify_after_days":1,"national":[],"countries":{}}"#,
    )
    .unwrap();
    std::fs::write(&signature, "00".repeat(64)).unwrap();
    let out = migran(
        dir.path(),
        &[
            "emergency",
            "install-pack",
            pack.to_str().unwrap(),
            signature.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 5);
    assert!(stderr(&out).contains("signature"), "{}", stderr(&out));
}

#[test]
fn a_reader_that_stops_early_does_not_make_the_command_panic() {
    // `migran demo | head -3`: the pipe closes while the demo still has steps to print.
    let mut child = Command::new(env!("CARGO_BIN_EXE_migran"))
        .arg("demo")
        .env("MIGRAN_LANG", "en")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}
