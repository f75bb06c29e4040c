//! The `migran` command as a village officer runs it: real binary, real vault folder.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod support;
use support::{key_files, key_folder, old_layout_vault};

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
    let output = command.output().expect("migran runs");
    // Whatever the command and its outcome, no PIN it was given is ever printed.
    for (key, value) in env {
        if key.ends_with("PIN") {
            assert!(
                !stdout(&output).contains(value) && !stderr(&output).contains(value),
                "{key} printed by {args:?}"
            );
        }
    }
    output
}

/// Runs the command with `typed` on standard input, as a script or a person at a pipe would.
fn migran_typing(vault: &Path, args: &[&str], env: &[(&str, &str)], typed: &str) -> Output {
    use std::io::Write;
    let mut command = Command::new(env!("CARGO_BIN_EXE_migran"));
    command
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env_remove("MIGRAN_PIN")
        .env_remove("MIGRAN_NEW_PIN")
        .env("MIGRAN_LANG", "en")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("migran runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(typed.as_bytes())
        .expect("input written");
    child.wait_with_output().expect("migran finishes")
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
    // `ibu` stays a mother (and is shown as "ibu"), not the generic "orang tua".
    assert_eq!(shown["contacts"][0]["relation"], "mother");
    let shown_id = stdout(&migran_with(
        dir.path(),
        &["person", "show", &id],
        &[("MIGRAN_PIN", PIN), ("MIGRAN_LANG", "id")],
    ));
    assert!(shown_id.contains("Ibu Contoh (ibu)"), "{shown_id}");
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
    let out = migran_typing(dir.path(), &["unlock-check"], &[], &format!("{PIN}\n"));
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
    assert_eq!(
        code(&out),
        1,
        "no answer on stdin means no, and a script must see it"
    );
    assert!(stderr(&out).contains("Cancelled"), "{}", stderr(&out));
    let out = migran_typing(
        dir.path(),
        &["person", "erase", &id],
        &[("MIGRAN_PIN", PIN)],
        "tidak\n",
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Erase Siti Contoh (NIK ************0001)"),
        "the question is asked, naming the person: {}",
        stderr(&out)
    );
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
    assert!(!key_files(dir.path()).is_empty());
    assert_eq!(code(&migran(dir.path(), &["wipe", "--yes"])), 0);
    assert!(!dir.path().join("vault.db").exists());
    assert!(!key_folder(dir.path()).exists(), "{:?}", key_files(dir.path()));
    assert_eq!(code(&migran(dir.path(), &["status"])), 4);
    // A vault of the older layout loses its device.secret the same way.
    let old = tempfile::tempdir().unwrap();
    old_layout_vault(old.path());
    assert_eq!(code(&migran(old.path(), &["wipe", "--yes"])), 0);
    assert!(!old.path().join("vault.db").exists());
    assert!(!old.path().join("device.secret").exists());
}

#[cfg(unix)]
#[test]
fn the_device_key_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let keys = key_files(dir.path());
    assert!(!keys.is_empty());
    for key in keys {
        let mode = std::fs::metadata(key_folder(dir.path()).join(&key))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{key}: mode {mode:o}");
    }
    let parent = tempfile::tempdir().unwrap();
    let made = parent.path().join("desa-contoh");
    init(&made);
    let mode = std::fs::metadata(&made).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "a folder made by init is private: {mode:o}");
}

#[test]
fn messages_are_indonesian_by_default() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    // No locale set at all, then an Indonesian one: both speak Indonesian.
    for lang in [None, Some("id_ID.UTF-8")] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_migran"));
        command
            .arg("--vault")
            .arg(dir.path())
            .arg("unlock-check")
            .env("MIGRAN_PIN", "000000")
            .env_remove("MIGRAN_LANG")
            .env_remove("LC_ALL")
            .env_remove("LANG");
        if let Some(lang) = lang {
            command.env("LANG", lang);
        }
        let out = command.output().unwrap();
        assert_eq!(code(&out), 3, "{lang:?}");
        assert!(stderr(&out).contains("PIN salah"), "{lang:?}: {}", stderr(&out));
    }
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
            "--family-contact",
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

    // How old the position is (issue 16): the messages say it; a bad age is left out.
    let with_age = |age: &str| {
        migran_with(
            dir.path(),
            &[
                "emergency",
                "plan",
                "--kind",
                "violence",
                "--lat",
                "3.139",
                "--lon",
                "101.6869",
                "--fix-age",
                age,
                "--json",
            ],
            no_pin,
        )
    };
    let out = with_age("5");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = plan["message_id"].as_str().unwrap();
    assert!(
        message.contains("Lokasi 5 mnt lalu: https://maps.google.com/?q=3.13900,101.68690"),
        "{message}"
    );
    assert_eq!(plan["sms_id"]["fits_one_sms"], true);
    let out = with_age("lima");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("--fix-age"), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = plan["message_id"].as_str().unwrap();
    assert!(
        message.contains("Lokasi https://maps.google.com/?q=3.13900,101.68690"),
        "{message}"
    );
    let out = with_age("50000");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!plan["message_id"].as_str().unwrap().contains("maps.google.com"));

    let out = migran_with(
        dir.path(),
        &["emergency", "plan", "--kind", "gaji", "--country", "TW"],
        no_pin,
    );
    assert!(stdout(&out).contains("+886901132000"), "{}", stdout(&out));

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

#[test]
fn an_erasure_confirmed_with_ya_on_standard_input_goes_ahead() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let out = migran_typing(
        dir.path(),
        &["person", "erase", &id],
        &[("MIGRAN_PIN", PIN)],
        "ya\n",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(code(&migran(dir.path(), &["person", "show", &id])), 4);
}

#[test]
fn wipe_without_yes_asks_and_keeps_the_vault_when_not_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    add_siti(dir.path());
    let out = migran(dir.path(), &["wipe"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("WHOLE vault"), "{}", stderr(&out));
    assert!(key_folder(dir.path()).join("locked.key").exists());
    let list: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["person", "list", "--json"]).stdout).unwrap();
    assert_eq!(list["total"], 1);
}

#[test]
fn archived_persons_leave_the_default_list_and_come_back_with_undo() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let out = migran(dir.path(), &["person", "archive", &id, "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let person: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(person["archived"], true);

    let total = |extra: &[&str]| {
        let mut args = vec!["person", "list", "--json"];
        args.extend(extra);
        let list: serde_json::Value = serde_json::from_slice(&migran(dir.path(), &args).stdout).unwrap();
        list["total"].as_u64().unwrap()
    };
    assert_eq!(total(&[]), 0);
    assert_eq!(total(&["--all"]), 1);
    assert!(stdout(&migran(dir.path(), &["person", "list", "--all"])).contains("(archived)"));

    assert_eq!(
        code(&migran(dir.path(), &["person", "archive", &id, "--undo"])),
        0
    );
    assert_eq!(total(&[]), 1);
}

#[test]
fn the_register_is_paged() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    for n in 1..=3 {
        let nik = format!("320100000000000{n}");
        let name = format!("Orang Contoh {n}");
        let out = migran(
            dir.path(),
            &[
                "person",
                "add",
                "--name",
                &name,
                "--nik",
                &nik,
                "--birth-date",
                "2000-01-01",
                "--sex",
                "L",
                "--village",
                "Desa Contoh",
                "--address",
                "Dusun Contoh RT 001",
            ],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let page = |args: &[&str]| -> serde_json::Value {
        let out = migran(dir.path(), args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let first = page(&["person", "list", "--limit", "2", "--json"]);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["total"], 3);
    assert_eq!(first["next_offset"], 2);
    assert_eq!(first["items"][0]["address"], "Dusun Contoh RT 001");
    let second = page(&["person", "list", "--offset", "2", "--limit", "2", "--json"]);
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["full_name"], "Orang Contoh 3");
    assert!(second["next_offset"].is_null());
    let plain = stdout(&migran(dir.path(), &["person", "list", "--limit", "2"]));
    assert!(
        plain.contains("2 of 3") && plain.contains("--offset 2"),
        "{plain}"
    );
}

#[test]
fn writes_answer_in_json_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let out = migran(
        dir.path(),
        &[
            "contact",
            "add",
            &id,
            "--name",
            "Ibu Contoh",
            "--relation",
            "parent",
            "--json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let contact: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(contact["name"], "Ibu Contoh");
    let out = migran(
        dir.path(),
        &[
            "document",
            "add",
            &id,
            "--kind",
            "ktp",
            "--number",
            "3201000000000001",
            "--json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(document["kind"], "ktp");
    let out = migran(
        dir.path(),
        &[
            "journey",
            "set",
            &id,
            "--phase",
            "abroad",
            "--country",
            "MY",
            "--agency",
            "PT Contoh Penempatan",
            "--agency-licence",
            "KEP-000/CONTOH",
            "--departure",
            "2026-01-05",
            "--contract-end",
            "2028-01-04",
            "--json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let journey: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(journey["phase"], "abroad");
    assert_eq!(journey["agency_licence"], "KEP-000/CONTOH");
    let shown = stdout(&migran(dir.path(), &["person", "show", &id]));
    assert!(
        shown.contains("Ibu Contoh")
            && shown.contains("PT Contoh Penempatan")
            && shown.contains("2028-01-04"),
        "{shown}"
    );
    assert!(
        shown.contains("working abroad")
            && shown.contains("(parent)")
            && shown.contains("identity card (KTP)"),
        "enums read as words, not code names: {shown}"
    );
    let shown_id = stdout(&migran_with(
        dir.path(),
        &["person", "show", &id],
        &[("MIGRAN_PIN", PIN), ("MIGRAN_LANG", "id")],
    ));
    assert!(
        shown_id.contains("bekerja di luar negeri") && shown_id.contains("(orang tua)"),
        "{shown_id}"
    );
}

#[test]
fn more_usage_errors_exit_2_without_echoing_values() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    // A name typed without quotes leaves a stray word behind.
    let out = migran(dir.path(), &["person", "show", &id, "Rahasia"]);
    assert_eq!(code(&out), 2);
    assert!(!stderr(&out).contains("Rahasia"), "{}", stderr(&out));
    assert_eq!(
        code(&migran(dir.path(), &["person", "list", "--limit"])),
        2,
        "missing value"
    );
    assert_eq!(
        code(&migran(
            dir.path(),
            &["person", "list", "--limit", "1", "--limit", "2"]
        )),
        2
    );
    assert_eq!(code(&migran(dir.path(), &["person", "find"])), 2);
    assert_eq!(
        code(&migran(
            dir.path(),
            &[
                "person",
                "find",
                "--nik",
                "3201000000000001",
                "--phone",
                "081200000001"
            ]
        )),
        2,
        "one lookup at a time"
    );
    assert_eq!(code(&migran(dir.path(), &["person", "search"])), 2);
    assert_eq!(code(&migran(dir.path(), &["person"])), 2);
    assert_eq!(code(&migran(dir.path(), &["unlock-check", "--yes"])), 2);
    let out = Command::new(env!("CARGO_BIN_EXE_migran"))
        .args(["person", "list"])
        .env_remove("MIGRAN_VAULT")
        .env("MIGRAN_PIN", PIN)
        .env("MIGRAN_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "no --vault");
    assert!(stderr(&out).contains("--vault"), "{}", stderr(&out));
    for help in [&["help"][..], &["--help"], &["-h"], &["person", "add", "--help"]] {
        let out = migran(dir.path(), help);
        assert_eq!(code(&out), 0, "{help:?}");
        assert!(stdout(&out).contains("Usage: migran"), "{help:?}");
    }
    let out = migran_with(dir.path(), &["help"], &[("MIGRAN_LANG", "id")]);
    assert!(stdout(&out).contains("Pemakaian: migran"), "{}", stdout(&out));
    let out = migran_with(
        dir.path(),
        &["person", "show"],
        &[("MIGRAN_PIN", PIN), ("MIGRAN_LANG", "id")],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("ID belum diberikan"),
        "the detail too is in Indonesian: {}",
        stderr(&out)
    );
}

#[test]
fn duplicates_and_bad_numbers_exit_5() {
    let dir = tempfile::tempdir().unwrap();
    add_siti_fails_without_vault(dir.path());
    init(dir.path());
    add_siti(dir.path());
    let out = migran(
        dir.path(),
        &[
            "person",
            "add",
            "--name",
            "Siti Contoh Lain",
            "--nik",
            "3201 0000 0000 0001",
            "--birth-date",
            "1998-04-12",
            "--sex",
            "F",
            "--village",
            "Desa Contoh",
        ],
    );
    assert_eq!(code(&out), 5, "same NIK, written differently");
    assert!(stderr(&out).contains("NIK"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("3201"), "the NIK itself is not echoed");
    let out = migran(dir.path(), &["person", "list", "--limit", "ten"]);
    assert_eq!(code(&out), 5);
    assert!(stderr(&out).contains("page size"), "{}", stderr(&out));
    let out = migran(
        dir.path(),
        &[
            "person",
            "add",
            "--name",
            "X",
            "--nik",
            "3201000000000002",
            "--birth-date",
            "1998-04-12",
            "--sex",
            "Q",
            "--village",
            "Desa",
        ],
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("sex"), "{}", stderr(&out));
    let out = migran(
        dir.path(),
        &[
            "person",
            "add",
            "--name",
            "",
            "--nik",
            "3201000000000002",
            "--birth-date",
            "1998-04-12",
            "--sex",
            "M",
            "--village",
            "Desa",
        ],
    );
    assert_eq!(code(&out), 5, "empty name");
    assert!(stderr(&out).contains("full name"), "{}", stderr(&out));
    let long_name = "Contoh ".repeat(200);
    let out = migran(
        dir.path(),
        &[
            "person",
            "add",
            "--name",
            &long_name,
            "--nik",
            "3201000000000002",
            "--birth-date",
            "1998-04-12",
            "--sex",
            "M",
            "--village",
            "Desa",
        ],
    );
    assert_eq!(code(&out), 5, "oversized name");
    let out = migran(dir.path(), &["init", "--kdf-iterations", "many"]);
    assert_eq!(code(&out), 5);
}

fn add_siti_fails_without_vault(dir: &Path) {
    let out = migran(dir, &["person", "find", "--nik", "3201000000000001"]);
    assert_eq!(code(&out), 4, "no vault is 'not found': {}", stderr(&out));
}

#[test]
fn an_exact_lookup_that_matches_nobody_exits_4_also_in_json() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    add_siti(dir.path());
    let out = migran(
        dir.path(),
        &["person", "find", "--passport", "X9999999", "--json"],
    );
    assert_eq!(code(&out), 4);
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found, serde_json::json!([]));
    // A name search is a query, not a lookup: no match is an empty answer.
    let out = migran(dir.path(), &["person", "search", "Nobody", "Contoh", "--json"]);
    assert_eq!(code(&out), 0);
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found, serde_json::json!([]));
    let out = migran(dir.path(), &["person", "search", "Siti", "Contoh"]);
    assert!(stdout(&out).contains("Siti Contoh"), "{}", stdout(&out));
}

#[test]
fn values_and_option_names_that_are_not_utf8_are_refused_with_exit_5() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let run = |words: Vec<&OsStr>| {
        Command::new(env!("CARGO_BIN_EXE_migran"))
            .arg("--vault")
            .arg(dir.path())
            .args(words)
            .env("MIGRAN_PIN", PIN)
            .env("MIGRAN_LANG", "en")
            .output()
            .unwrap()
    };
    let bad = OsStr::from_bytes(b"\xc3\x28");
    let out = run(vec![OsStr::new("person"), OsStr::new("show"), bad]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    let out = run(vec![
        OsStr::new("person"),
        OsStr::new("find"),
        OsStr::new("--phone"),
        bad,
    ]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("phone number"), "{}", stderr(&out));
    let out = run(vec![
        OsStr::new("person"),
        OsStr::new("list"),
        OsStr::from_bytes(b"--\xffall"),
    ]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("option"), "{}", stderr(&out));
    let out = run(vec![OsStr::new("person"), OsStr::new("search"), bad]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("search text"), "{}", stderr(&out));
    let out = Command::new(env!("CARGO_BIN_EXE_migran"))
        .arg("--vault")
        .arg(dir.path())
        .arg("unlock-check")
        .env("MIGRAN_PIN", OsStr::from_bytes(b"48\xff615"))
        .env("MIGRAN_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(code(&out), 5, "a PIN that is not UTF-8: {}", stderr(&out));
    assert!(stderr(&out).contains("PIN"), "{}", stderr(&out));
    let status: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["failed_attempts"], 0, "an unreadable PIN costs no attempt");
}

#[test]
fn a_missing_or_foreign_device_key_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    add_siti(dir.path());
    let key = key_folder(dir.path()).join("locked.key");
    let original = std::fs::read(&key).unwrap();
    assert_eq!(original.len(), 32);
    std::fs::write(&key, [7u8; 32]).unwrap();
    let out = migran(dir.path(), &["person", "list"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("device key"), "{}", stderr(&out));
    // A key file gone is the factor's own error, named as such, and a key problem (3).
    std::fs::remove_file(&key).unwrap();
    let out = migran(dir.path(), &["person", "list"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("hardware key"), "{}", stderr(&out));
    std::fs::write(&key, &original).unwrap();
    assert_eq!(code(&migran(dir.path(), &["person", "list"])), 0);
    // The older layout: a device.secret of another device, or none.
    let old = tempfile::tempdir().unwrap();
    old_layout_vault(old.path());
    let key = old.path().join("device.secret");
    let original = std::fs::read(&key).unwrap();
    std::fs::write(&key, [7u8; 32]).unwrap();
    let out = migran(old.path(), &["person", "list"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("device key"), "{}", stderr(&out));
    std::fs::remove_file(&key).unwrap();
    assert_eq!(code(&migran(old.path(), &["person", "list"])), 3);
    std::fs::write(&key, &original).unwrap();
    assert_eq!(code(&migran(old.path(), &["person", "list"])), 0);
}

#[test]
fn a_vault_set_to_erase_itself_is_gone_after_too_many_wrong_pins() {
    let dir = tempfile::tempdir().unwrap();
    let out = migran(
        dir.path(),
        &["init", "--kdf-iterations", "10000", "--erase-after", "2"],
    );
    assert_eq!(code(&out), 5, "the core allows no fewer than 3: {}", stderr(&out));
    assert!(
        !dir.path().join("device.secret").exists() && !key_folder(dir.path()).exists(),
        "a failed init leaves no key behind"
    );
    let out = migran(
        dir.path(),
        &[
            "init",
            "--kdf-iterations",
            "10000",
            "--free-attempts",
            "5",
            "--erase-after",
            "3",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    add_siti(dir.path());
    for wrong in ["111111", "222222", "333333"] {
        let out = migran_with(dir.path(), &["unlock-check"], &[("MIGRAN_PIN", wrong)]);
        assert_eq!(code(&out), 3, "{}", stderr(&out));
    }
    let out = migran(dir.path(), &["person", "list"]);
    assert_eq!(code(&out), 3, "even the right PIN");
    assert!(stderr(&out).contains("erased"), "{}", stderr(&out));
}

#[test]
fn change_pin_reads_old_and_new_pins_from_standard_input_when_no_terminal() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let out = migran_typing(
        dir.path(),
        &["change-pin"],
        &[],
        &format!("{PIN}\n913572\n913572\n"),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for secret in [PIN, "913572"] {
        assert!(!stdout(&out).contains(secret) && !stderr(&out).contains(secret));
    }
    let out = migran_with(dir.path(), &["unlock-check"], &[("MIGRAN_PIN", "913572")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn ask_again_names_the_questions_and_the_screener_is_the_actor_at_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let questions = migran_core::screening_questions(migran_core::Locale::En).unwrap();
    let answers = dir.path().join("answers.json");
    let every: serde_json::Map<String, serde_json::Value> = questions
        .iter()
        .map(|q| (q.id.clone(), "unknown".into()))
        .collect();
    std::fs::write(&answers, serde_json::Value::Object(every).to_string()).unwrap();
    let out = migran_with(
        dir.path(),
        &["screen", &id, "--answers", answers.to_str().unwrap()],
        &[("MIGRAN_PIN", PIN), ("MIGRAN_ACTOR", "Kader Contoh")],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let asked = text.split("ask again:").nth(1).unwrap_or_default();
    for question in &questions {
        assert!(asked.contains(&question.text), "{}: {text}", question.text);
        assert!(!asked.contains(&format!("- {}\n", question.id)), "{text}");
    }
    let history = ok(dir.path(), &["screen", "history", &id]);
    assert!(
        history.contains("(Kader Contoh)") && !history.contains("migran CLI"),
        "{history}"
    );
}

#[test]
fn status_needs_no_pin_and_reads_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let out = migran_with(dir.path(), &["status"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("KDF iterations: 10000"), "{}", stdout(&out));
    let out = migran_with(dir.path(), &["status"], &[("MIGRAN_LANG", "id")]);
    assert!(stdout(&out).contains("Iterasi KDF: 10000"), "{}", stdout(&out));
    let status: serde_json::Value =
        serde_json::from_slice(&migran_with(dir.path(), &["status", "--json"], &[]).stdout).unwrap();
    assert_eq!(status["uses_device_secret"], true);
    assert_eq!(status["device_key"], "key-files");
    assert_eq!(status["free_attempts"], 3);
}

#[test]
fn a_cadre_screens_from_a_file_and_interactively_and_sees_the_history() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    assert_eq!(
        code(&migran(
            dir.path(),
            &[
                "journey",
                "set",
                &id,
                "--phase",
                "calon",
                "--country",
                "AE",
                "--sector",
                "prt"
            ]
        )),
        0
    );
    let answers = dir.path().join("answers.json");
    std::fs::write(
        &answers,
        r#"{"work_visa": "no", "recruiter_licensed": "no", "fees_paid": "unknown"}"#,
    )
    .unwrap();
    let out = migran(
        dir.path(),
        &[
            "screen",
            &id,
            "--answers",
            answers.to_str().unwrap(),
            "--by",
            "Kader Contoh",
        ],
    );
    assert_eq!(code(&out), 5, "a file that leaves questions out stores nothing");
    assert!(stderr(&out).contains("nothing was stored"), "{}", stderr(&out));
    let history: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["screen", "history", &id, "--json"]).stdout).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 0);
    let mut every: serde_json::Map<String, serde_json::Value> =
        migran_core::screening_questions(migran_core::Locale::En)
            .unwrap()
            .into_iter()
            .map(|q| (q.id, "unknown".into()))
            .collect();
    every.insert("work_visa".into(), "no".into());
    every.insert("recruiter_licensed".into(), "no".into());
    std::fs::write(&answers, serde_json::Value::Object(every).to_string()).unwrap();
    let out = migran(
        dir.path(),
        &[
            "screen",
            &id,
            "--answers",
            answers.to_str().unwrap(),
            "--by",
            "Kader Contoh",
            "--json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["result"]["level"], "critical");
    assert!(record["result"]["unknown_questions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q == "fees_paid"));

    // Interactive: every answer "don't know" except documents held.
    let questions = migran_core::screening_questions(migran_core::Locale::En).unwrap();
    let typed: String = questions
        .iter()
        .map(|q| if q.id == "documents_held" { "y\n" } else { "?\n" })
        .collect();
    let out = migran_typing(
        dir.path(),
        &["screen", &id, "--by", "Kader Contoh"],
        &[("MIGRAN_PIN", PIN)],
        &typed,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Passport or documents held"),
        "{}",
        stdout(&out)
    );

    let history = migran(dir.path(), &["screen", "history", &id]);
    assert!(
        stdout(&history).contains("Since the previous one"),
        "{}",
        stdout(&history)
    );
    let follow_ups: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["follow-up", "list", &id, "--json"]).stdout).unwrap();
    assert_eq!(
        follow_ups.as_array().unwrap().len(),
        1,
        "one open follow-up per person, however often re-screened: {follow_ups}"
    );

    // Input that ends before the last question stores nothing.
    let out = migran_typing(dir.path(), &["screen", &id], &[("MIGRAN_PIN", PIN)], "y\nn\n");
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing was stored"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&questions.last().unwrap().text),
        "the questions still to ask are named: {}",
        stderr(&out)
    );
    let history: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["screen", "history", &id, "--json"]).stdout).unwrap();
    assert_eq!(
        history.as_array().unwrap().len(),
        2,
        "still only the two complete screenings"
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"work_visa": "perhaps"}"#).unwrap();
    assert_eq!(
        code(&migran(
            dir.path(),
            &["screen", &id, "--answers", bad.to_str().unwrap()]
        )),
        5
    );
}

#[test]
fn the_checklist_shows_blocks_and_a_family_view_without_sensitive_detail() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    assert_eq!(
        code(&migran(
            dir.path(),
            &[
                "journey",
                "set",
                &id,
                "--phase",
                "pre-departure",
                "--country",
                "TW",
                "--departure",
                "2027-03-01"
            ]
        )),
        0
    );
    let shown: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["checklist", "show", &id, "--json"]).stdout).unwrap();
    assert!(shown["summary"]["total"].as_u64().unwrap() > 10);
    let out = migran(dir.path(), &["checklist", "set", &id, "work_visa", "done"]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(stderr(&out).contains("first finish passport"), "{}", stderr(&out));
    let out = migran(
        dir.path(),
        &[
            "checklist",
            "set",
            &id,
            "ktp",
            "selesai",
            "--by",
            "Kader Contoh",
            "--note",
            "dicek",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("1 of"), "{}", stdout(&out));
    assert_eq!(
        code(&migran(
            dir.path(),
            &["checklist", "marital-status", &id, "kawin"]
        )),
        0
    );
    // The family sees it only once the person agreed to share it with them.
    let refused = migran(dir.path(), &["checklist", "show", &id, "--family"]);
    assert_eq!(code(&refused), 6, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("sharing with family"),
        "{}",
        stderr(&refused)
    );
    let out = migran(dir.path(), &["consent", "give", &id, "family"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let family = migran(dir.path(), &["checklist", "show", &id, "--family"]);
    assert_eq!(code(&family), 0, "{}", stderr(&family));
    let text = stdout(&family);
    assert!(text.contains("Siti's departure preparation: 1 of"), "{text}");
    for secret in ["3201000000000001", "Kader Contoh", "dicek", "Contoh"] {
        assert!(!text.contains(secret), "family view shows {secret}: {text}");
    }
    assert_eq!(
        code(&migran(dir.path(), &["checklist", "set", &id, "ktp", "maybe"])),
        5
    );
}

/// Runs a command that must succeed and returns its standard output.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = migran(dir, args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn json_of(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut with_json = args.to_vec();
    with_json.push("--json");
    serde_json::from_str(&ok(dir, &with_json)).unwrap()
}

#[test]
fn a_visit_and_its_follow_up_show_on_the_agenda_of_the_day_until_done() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let visit = json_of(
        dir.path(),
        &[
            "visit",
            "add",
            &id,
            "--date",
            "2026-01-10",
            "--topics",
            "migrasi-aman,tppo",
            "--present",
            "Ibu Contoh, Bapak Contoh",
            "--follow-up",
            "Bawa fotokopi KTP",
            "--due",
            "2026-01-20",
        ],
    );
    let follow_up = visit["follow_ups"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        visit["topics"],
        serde_json::json!(["safe_migration", "red_flags"])
    );
    assert_eq!(visit["present"].as_array().unwrap().len(), 2);

    // On 25 January the follow-up is five days late; on 15 January not yet due.
    let agenda = json_of(dir.path(), &["agenda", "--on", "2026-01-25", "--ahead", "0"]);
    let items = agenda["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["record_id"] == follow_up.as_str() && i["days_overdue"] == 5),
        "{agenda}"
    );
    let text = ok(dir.path(), &["agenda", "--on", "2026-01-25", "--ahead", "0"]);
    assert!(text.contains("Visit follow-up: 5 days overdue"), "{text}");
    let early = json_of(dir.path(), &["agenda", "--on", "2026-01-15", "--ahead", "0"]);
    assert!(early["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["record_id"] != follow_up.as_str()));

    let listed = ok(dir.path(), &["visit", "list", &id]);
    assert!(
        listed.contains("2026-01-10") && listed.contains("Bawa fotokopi KTP"),
        "{listed}"
    );
    assert!(
        listed.contains("safe migration, trafficking red flags"),
        "{listed}"
    );
    ok(dir.path(), &["visit", "done", &follow_up, "--date", "2026-01-21"]);
    let after = json_of(dir.path(), &["agenda", "--on", "2026-01-25", "--ahead", "0"]);
    assert!(after["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["record_id"] != follow_up.as_str()));

    // A follow-up without a due date is a usage error; a bad topic names the field.
    let out = migran(
        dir.path(),
        &["visit", "add", &id, "--date", "2026-01-10", "--follow-up", "x"],
    );
    assert_eq!(code(&out), 2);
    let out = migran(
        dir.path(),
        &["visit", "add", &id, "--date", "2026-01-10", "--topics", "gossip"],
    );
    assert_eq!(code(&out), 5);
    assert!(
        stderr(&out).contains("topics") || stderr(&out).contains("topic"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_case_follows_its_workflow_and_a_referral_needs_consent() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let case = json_of(
        dir.path(),
        &[
            "case",
            "open",
            &id,
            "--type",
            "dokumen-ditahan",
            "--description",
            "Paspor ditahan majikan",
            "--reported-by",
            "keluarga",
            "--date",
            "2026-02-01",
        ],
    );
    let case_id = case["id"].as_str().unwrap().to_string();
    assert_eq!(case["status"], "open");

    // An illegal move: exit 6, said in both languages, with the moves that are allowed.
    let out = migran(dir.path(), &["case", "status", &case_id, "resolved"]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a case cannot go from 'open' to 'resolved'"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("Allowed next statuses: referred, in-progress, closed"),
        "{}",
        stderr(&out)
    );
    let indonesian = migran_with(
        dir.path(),
        &["case", "status", &case_id, "selesai"],
        &[("MIGRAN_PIN", PIN), ("MIGRAN_LANG", "id")],
    );
    assert_eq!(code(&indonesian), 6);
    assert!(
        stderr(&indonesian).contains("tidak dapat diubah dari 'baru' ke 'selesai'"),
        "{}",
        stderr(&indonesian)
    );

    // Referral: refused without the consent to share with agencies, accepted after it.
    let out = migran(dir.path(), &["case", "refer", &case_id, "kbri"]);
    assert_eq!(code(&out), 6);
    assert!(stderr(&out).contains("sharing with agencies"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("migran consent give PERSON agencies"),
        "{}",
        stderr(&out)
    );
    ok(
        dir.path(),
        &["consent", "give", &id, "instansi", "--date", "2026-02-02"],
    );
    let referred = json_of(
        dir.path(),
        &[
            "case",
            "refer",
            &case_id,
            "kbri",
            "--office",
            "KBRI Kuala Lumpur",
            "--date",
            "2026-02-03",
        ],
    );
    assert_eq!(referred["status"], "referred");
    ok(
        dir.path(),
        &["case", "status", &case_id, "ditangani", "--date", "2026-02-05"],
    );
    ok(
        dir.path(),
        &[
            "case",
            "note",
            &case_id,
            "Majikan dihubungi",
            "--date",
            "2026-02-06",
        ],
    );
    ok(
        dir.path(),
        &[
            "case",
            "status",
            &case_id,
            "resolved",
            "--note",
            "Paspor kembali",
            "--date",
            "2026-02-10",
        ],
    );
    ok(
        dir.path(),
        &["case", "status", &case_id, "closed", "--date", "2026-02-11"],
    );

    let detail = json_of(dir.path(), &["case", "show", &case_id]);
    // Opened, open -> referred, the referral, -> in progress, the note, -> resolved, -> closed.
    assert_eq!(detail["timeline"].as_array().unwrap().len(), 7, "{detail}");
    assert_eq!(detail["referrals"][0]["office"], "KBRI Kuala Lumpur");
    let shown = ok(dir.path(), &["case", "show", &case_id]);
    assert!(shown.contains("documents seized · closed"), "{shown}");
    assert!(
        shown.contains("referred to embassy or consulate (KBRI/KJRI) (KBRI Kuala Lumpur)"),
        "{shown}"
    );
    let listed = ok(dir.path(), &["case", "list", &id]);
    assert!(listed.contains(&case_id) && listed.contains("closed"), "{listed}");

    // Withdrawn registration consent: nothing new may be recorded.
    ok(dir.path(), &["consent", "withdraw", &id, "pendaftaran"]);
    let out = migran(dir.path(), &["case", "note", &case_id, "Lagi"]);
    assert_eq!(code(&out), 6);
    assert!(
        stderr(&out).contains("withdrawn consent for registration"),
        "{}",
        stderr(&out)
    );
    let history = json_of(dir.path(), &["consent", "history", &id]);
    assert_eq!(history.as_array().unwrap().len(), 3);
    let states = ok(dir.path(), &["consent", "show", &id]);
    assert!(
        states.contains("withdrawn") && states.contains("given"),
        "{states}"
    );
}

#[test]
fn a_return_with_services_shows_in_the_report_which_names_nobody() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    ok(
        dir.path(),
        &[
            "journey",
            "set",
            &id,
            "--phase",
            "abroad",
            "--country",
            "MY",
            "--sector",
            "domestic-work",
        ],
    );
    let returned = json_of(
        dir.path(),
        &[
            "return",
            "add",
            &id,
            "--date",
            "2026-03-01",
            "--reason",
            "dideportasi",
            "--condition",
            "Sakit Xqvmarker",
            "--needs",
            "kesehatan,ekonomi",
            "--next",
            "2026-03-15",
        ],
    );
    let return_id = returned["id"].as_str().unwrap().to_string();
    ok(
        dir.path(),
        &[
            "return",
            "service",
            &return_id,
            "--kind",
            "konseling",
            "--date",
            "2026-03-05",
            "--provider",
            "Puskesmas Xqvmarker",
        ],
    );
    ok(
        dir.path(),
        &[
            "return",
            "plan",
            &return_id,
            "--needs",
            "ekonomi",
            "--plan",
            "Pelatihan usaha",
            "--next",
            "2026-04-01",
        ],
    );
    let listed = ok(dir.path(), &["return", "list", &id]);
    assert!(
        listed.contains("deported") && listed.contains("economic") && listed.contains("counselling"),
        "{listed}"
    );

    // Not counted until the person agrees to be reported; then broken down.
    let report = json_of(dir.path(), &["report"]);
    assert_eq!(report["people_counted"], 0);
    assert_eq!(report["people_not_counted"], 1);
    ok(dir.path(), &["consent", "give", &id, "reporting"]);
    let report = json_of(
        dir.path(),
        &["report", "--from", "2026-01-01", "--to", "2026-12-31"],
    );
    assert_eq!(report["people_counted"], 1);
    assert_eq!(report["returns_in_period"], 1);
    assert!(report["returns_by_reason"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["key"] == "deported" && c["count"] == 1));
    let csv = ok(dir.path(), &["report", "--csv"]);
    assert!(csv.starts_with("section,key,value"), "{csv}");
    assert!(csv.contains("returns_by_reason,deported,1"), "{csv}");
    let text = ok(dir.path(), &["report"]);
    assert!(
        text.contains("Returns by reason") && text.contains("Deported: 1"),
        "{text}"
    );
    for output in [&csv, &text, &report.to_string()] {
        for secret in ["Siti", "3201000000000001", "Xqvmarker", id.as_str()] {
            assert!(!output.contains(secret), "{secret} in the report: {output}");
        }
    }
    // Written to a file readable by the owner only.
    let file = dir.path().join("laporan.csv");
    ok(dir.path(), &["report", "--csv", "--out", file.to_str().unwrap()]);
    let without_time = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| !line.starts_with("meta,generated_at"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        without_time(&std::fs::read_to_string(&file).unwrap()),
        without_time(&csv)
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn the_audit_log_names_the_actor_and_holds_no_value_and_the_export_holds_everything() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let as_cadre = [
        ("MIGRAN_PIN", PIN),
        ("MIGRAN_ACTOR", "Kader Contoh"),
        ("MIGRAN_ROLE", "kader"),
    ];
    let out = migran_with(dir.path(), &["person", "show", &id], &as_cadre);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = migran_with(
        dir.path(),
        &[
            "visit",
            "add",
            &id,
            "--date",
            "2026-01-10",
            "--observations",
            "Rumah Xqvmarker",
        ],
        &as_cadre,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let log = json_of(dir.path(), &["audit", "--person", &id]);
    let items = log["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "read" && e["kind"] == "person" && e["actor"]["name"] == "Kader Contoh"),
        "{log}"
    );
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "create" && e["kind"] == "visit"),
        "{log}"
    );
    let table = ok(dir.path(), &["audit"]);
    assert!(
        table.contains("Kader Contoh") && table.contains("visit"),
        "{table}"
    );
    let csv = ok(dir.path(), &["audit", "--export", "csv"]);
    let json = ok(dir.path(), &["audit", "--export", "json"]);
    for output in [&table, &csv, &json, &log.to_string()] {
        for secret in ["Siti", "3201000000000001", "Xqvmarker", "6281200000001"] {
            assert!(!output.contains(secret), "{secret} in the audit log: {output}");
        }
    }
    let out = migran(dir.path(), &["audit", "--export", "xml"]);
    assert_eq!(code(&out), 5);
    let out = migran_with(
        dir.path(),
        &["person", "show", &id],
        &[
            ("MIGRAN_PIN", PIN),
            ("MIGRAN_ACTOR", "Kader"),
            ("MIGRAN_ROLE", "wizard"),
        ],
    );
    assert_eq!(code(&out), 5, "an unknown role is refused, not ignored");

    // The person's export: everything about Siti, written owner-only.
    let export = json_of(dir.path(), &["person", "export", &id]);
    assert_eq!(export["format"], "migran-person-export/1");
    assert_eq!(export["person"]["full_name"], "Siti Contoh");
    assert_eq!(export["visits"][0]["observations"], "Rumah Xqvmarker");
    assert!(export["audit"].as_array().unwrap().len() >= 3);
    let file = dir.path().join("siti.json");
    ok(
        dir.path(),
        &["person", "export", &id, "--out", file.to_str().unwrap()],
    );
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["person"]["nik"], "3201000000000001");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(code(&migran(dir.path(), &["person", "export", "nobody"])), 4);
}

#[test]
fn the_consent_text_is_read_out_in_the_cadres_language() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let english = ok(dir.path(), &["consent", "text", "agencies"]);
    let out = migran_with(
        dir.path(),
        &["consent", "text", "instansi"],
        &[("MIGRAN_LANG", "id")],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_ne!(english, stdout(&out));
    assert!(english.contains("agencies"), "{english}");
    assert_eq!(code(&migran(dir.path(), &["consent", "text", "gossip"])), 5);
}

#[test]
fn a_partial_journey_set_keeps_the_other_fields_and_shows_the_result() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let full = migran(
        dir.path(),
        &[
            "journey",
            "set",
            &id,
            "--phase",
            "pre-departure",
            "--country",
            "MY",
            "--sector",
            "manufacturing",
            "--agency",
            "PT Contoh Penempatan",
            "--departure",
            "2026-01-05",
        ],
    );
    assert_eq!(code(&full), 0, "{}", stderr(&full));
    let out = migran(
        dir.path(),
        &["journey", "set", &id, "--agency-licence", "KEP-000/CONTOH"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("PT Contoh Penempatan (KEP-000/CONTOH)") && stdout(&out).contains("2026-01-05"),
        "the result is shown: {}",
        stdout(&out)
    );
    let out = migran(dir.path(), &["journey", "set", &id, "--country", "KR", "--json"]);
    let journey: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(journey["destination_country"], "KR");
    assert_eq!(journey["phase"], "pre_departure");
    assert_eq!(journey["sector"], "manufacturing");
    assert_eq!(journey["agency_name"], "PT Contoh Penempatan");
    assert_eq!(journey["agency_licence"], "KEP-000/CONTOH");
    assert_eq!(journey["departure_date"], "2026-01-05");

    let cleared = migran(
        dir.path(),
        &["journey", "set", &id, "--agency-licence", "", "--json"],
    );
    let journey: serde_json::Value = serde_json::from_slice(&cleared.stdout).unwrap();
    assert_eq!(
        journey["agency_licence"],
        serde_json::Value::Null,
        "an empty value clears"
    );
    assert_eq!(journey["agency_name"], "PT Contoh Penempatan");

    let nothing = migran(dir.path(), &["journey", "set", &id]);
    assert_eq!(code(&nothing), 2, "a set with no field is a usage error");
}

fn plan_json(dir: &Path, args: &[&str]) -> (serde_json::Value, String) {
    let out = migran_with(dir, args, &[]);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    (serde_json::from_slice(&out.stdout).unwrap(), stderr(&out))
}

#[test]
fn several_family_contacts_and_a_chinese_address_all_reach_the_plan() {
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
            "HK",
            "--employer-address",
            "香港九龍旺角道1號",
            "--family-contact",
            "Ibu Contoh:081299990001, Ayah Contoh:081299990003",
            "--family-contact",
            "Kakak Contoh:081299990004",
            "--cadre",
            "Kader Contoh:081299990002",
        ],
    );
    assert_eq!(code(&set), 0, "{}", stderr(&set));
    let (plan, _) = plan_json(
        dir.path(),
        &[
            "emergency",
            "plan",
            "--kind",
            "violence",
            "--lat",
            "22.3193",
            "--lon",
            "114.1694",
            "--json",
        ],
    );
    let family: Vec<(&str, &str)> = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["recipient"] == "family")
        .map(|a| (a["label"].as_str().unwrap(), a["number"].as_str().unwrap()))
        .collect();
    assert_eq!(
        family,
        [
            ("Ibu Contoh", "+6281299990001"),
            ("Ayah Contoh", "+6281299990003"),
            ("Kakak Contoh", "+6281299990004")
        ]
    );
    for message in [&plan["message_id"], &plan["message_en"]] {
        let message = message.as_str().unwrap();
        assert!(message.contains("香港九龍旺角道1號"), "{message}");
        assert!(
            message.contains("maps.google.com"),
            "the location stays: {message}"
        );
    }
    assert_eq!(plan["sms_id"]["encoding"], "ucs2");

    for bad in [
        "Ibu Contoh",
        "Ibu:Contoh:0812",
        ":081299990001",
        "Ibu Contoh:nomor",
    ] {
        let out = migran(
            dir.path(),
            &[
                "emergency",
                "card",
                "set",
                "--name",
                "X",
                "--country",
                "HK",
                "--family-contact",
                bad,
            ],
        );
        assert_eq!(code(&out), 2, "{bad}: {}", stderr(&out));
        assert!(stderr(&out).contains("NAME:PHONE"), "{}", stderr(&out));
    }
}

#[test]
fn an_unknown_kind_or_a_bad_location_still_gives_a_plan_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let (plan, note) = plan_json(
        dir.path(),
        &["emergency", "plan", "--kind", "xyz", "--country", "HK", "--json"],
    );
    assert_eq!(plan["kind"], "other");
    assert!(note.contains("other"), "{note}");
    let (plan, _) = plan_json(dir.path(), &["emergency", "plan", "--country", "HK", "--json"]);
    assert_eq!(plan["kind"], "other", "no kind is 'other' too");
    for location in [
        ["--lat", "22,3193", "--lon", "114,1694"],
        ["--lat", "91", "--lon", "114.1694"],
        ["--lat", "22.3193", "--lon", "x"],
    ] {
        let mut args = vec![
            "emergency",
            "plan",
            "--kind",
            "violence",
            "--country",
            "HK",
            "--json",
        ];
        args.extend(location);
        let (plan, note) = plan_json(dir.path(), &args);
        assert!(!plan["actions"].as_array().unwrap().is_empty());
        assert!(
            !plan["message_id"].as_str().unwrap().contains("maps"),
            "{location:?}"
        );
        assert!(
            note.contains("location left out") && note.contains("22.3193"),
            "{note}"
        );
    }
    let (plan, note) = plan_json(
        dir.path(),
        &["emergency", "plan", "--kind", "violence", "--lat", "1", "--json"],
    );
    assert!(!plan["actions"].as_array().unwrap().is_empty());
    assert!(note.contains("location left out"), "{note}");
    let out = migran_with(
        dir.path(),
        &[
            "emergency",
            "trigger",
            "--kind",
            "hiking",
            "--country",
            "ZZ",
            "--lat",
            "22,3",
        ],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("Alert recorded"), "{}", stdout(&out));
}

#[test]
fn a_person_is_named_by_an_id_prefix_or_suffix_or_a_nik_with_any_separators() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    for reference in [
        id[..6].to_string(),
        id[..6].to_uppercase(),
        id[id.len() - 8..].to_string(),
        "3201000000000001".to_string(),
        "3201-0000-0000-0001".to_string(),
        "3201.0000.0000.0001".to_string(),
    ] {
        let shown: serde_json::Value =
            serde_json::from_str(&ok(dir.path(), &["person", "show", &reference, "--json"])).unwrap();
        assert_eq!(shown["person"]["id"], id.as_str(), "{reference}");
    }
    let out = migran(dir.path(), &["checklist", "show", &id[id.len() - 6..]]);
    assert_eq!(code(&out), 0, "every person command takes it: {}", stderr(&out));
    let out = migran(dir.path(), &["person", "show", &id[..5]]);
    assert_eq!(code(&out), 4, "5 characters are too few: {}", stderr(&out));
    assert!(stderr(&out).contains("last 6+ characters"), "{}", stderr(&out));
    assert_eq!(code(&migran(dir.path(), &["person", "show", "abcdef"])), 4);

    // Lists show the short id and the NIK's last 4 digits; confirmations name the person.
    let list = ok(dir.path(), &["person", "list"]);
    assert!(
        list.contains(&id[id.len() - 8..]) && !list.contains(&id),
        "{list}"
    );
    assert!(
        list.contains("************0001") && !list.contains("3201000000000001"),
        "{list}"
    );
    let out = migran(
        dir.path(),
        &[
            "person",
            "add",
            "--name",
            "Budi Contoh",
            "--nik",
            "3201-0000-0000-0002",
            "--birth-date",
            "1990-01-01",
            "--sex",
            "M",
            "--village",
            "Desa Contoh",
        ],
    );
    assert_eq!(code(&out), 0, "a NIK with dashes is taken: {}", stderr(&out));
    assert!(
        stdout(&out).contains("Budi Contoh (NIK ************0002)"),
        "{}",
        stdout(&out)
    );
    let out = migran_typing(
        dir.path(),
        &["person", "erase", "3201000000000002"],
        &[("MIGRAN_PIN", PIN)],
        "no\n",
    );
    assert_eq!(code(&out), 1, "cancelled");
    assert!(
        stderr(&out).contains("Erase Budi Contoh (NIK ************0002)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_is_per_command_with_version_suggestions_completions_and_a_man_page() {
    let dir = tempfile::tempdir().unwrap();
    for words in [&["help", "person", "add"][..], &["person", "add", "--help"]] {
        let out = migran(dir.path(), words);
        assert_eq!(code(&out), 0, "{words:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("Usage: migran person add") && text.contains("--birth-date"),
            "{text}"
        );
        assert!(
            !text.contains("emergency") && !text.contains("checklist"),
            "only that command: {text}"
        );
    }
    let out = migran_with(dir.path(), &["help", "journey", "set"], &[("MIGRAN_LANG", "id")]);
    assert!(
        stdout(&out).contains("Pemakaian: migran journey set"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("hanya isian yang diberikan"),
        "{}",
        stdout(&out)
    );
    let out = migran(dir.path(), &["--version"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains(env!("CARGO_PKG_VERSION")),
        "{}",
        stdout(&out)
    );
    let out = migran(dir.path(), &["persn", "list"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("did you mean 'person'"), "{}", stderr(&out));
    let out = migran(dir.path(), &["person", "list", "--limt", "5"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("did you mean '--limit'"),
        "{}",
        stderr(&out)
    );
    let out = migran_with(dir.path(), &["persn"], &[("MIGRAN_LANG", "id")]);
    assert!(stderr(&out).contains("maksud Anda 'person'"), "{}", stderr(&out));
    let out = migran(dir.path(), &["completions", "bash"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("migran") && stdout(&out).contains("export-csv"),
        "{}",
        stdout(&out)
    );
    let out = migran(dir.path(), &["man"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with(".ie") || stdout(&out).contains(".TH"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn refused_values_say_what_is_expected_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let add = |birth: &str, nik: &str, lang: &str| {
        migran_with(
            dir.path(),
            &[
                "person",
                "add",
                "--name",
                "Siti Contoh",
                "--nik",
                nik,
                "--birth-date",
                birth,
                "--sex",
                "F",
                "--village",
                "Desa Contoh",
            ],
            &[("MIGRAN_PIN", PIN), ("MIGRAN_LANG", lang)],
        )
    };
    let out = add("12-04-1998", "3201000000000001", "en");
    assert_eq!(code(&out), 5);
    assert!(
        stderr(&out).contains("YYYY-MM-DD") && stderr(&out).contains("not 12-04-1998"),
        "{}",
        stderr(&out)
    );
    let out = add("12-04-1998", "3201000000000001", "id");
    assert!(
        stderr(&out).contains("Yang diharapkan: tanggal YYYY-MM-DD"),
        "{}",
        stderr(&out)
    );
    let out = add("1998-04-12", "3201-0000-0000", "en");
    assert_eq!(code(&out), 5);
    assert!(stderr(&out).contains("16-digit NIK"), "{}", stderr(&out));
    let out = add("1998-04-12", "3201000000000001", "en");
    let id: String = stdout(&out).trim().rsplit(' ').next().unwrap().to_string();
    let out = migran(dir.path(), &["person", "edit", &id, "--sex", "X"]);
    assert_eq!(code(&out), 5);
    assert!(
        stderr(&out).contains("Allowed: f, p, female, perempuan, m, l, male, laki-laki"),
        "{}",
        stderr(&out)
    );
    let out = migran(dir.path(), &["person", "list", "--limit", "5000"]);
    assert_eq!(code(&out), 5);
    assert!(stderr(&out).contains("from 1 to 1000"), "{}", stderr(&out));
}

#[test]
fn mistakes_are_corrected_with_edit_and_remove() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let out = migran(
        dir.path(),
        &["person", "edit", &id, "--name", "Siti Contoh Dua", "--json"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let person: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(person["full_name"], "Siti Contoh Dua");
    assert_eq!(person["phone"], "+6281200000001", "the other fields stay");
    assert_eq!(person["birth_date"], "1998-04-12");

    let add_mother = || {
        migran(
            dir.path(),
            &[
                "contact",
                "add",
                &id,
                "--name",
                "Ibu Contoh",
                "--relation",
                "ibu",
                "--json",
            ],
        )
    };
    let first: serde_json::Value = serde_json::from_slice(&add_mother().stdout).unwrap();
    let out = add_mother();
    assert_eq!(code(&out), 0);
    assert!(
        stderr(&out).contains("Warning: a contact with the same name"),
        "{}",
        stderr(&out)
    );
    ok(dir.path(), &["contact", "remove", first["id"].as_str().unwrap()]);
    let document: serde_json::Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "document", "add", &id, "--kind", "paspor", "--number", "C0000001", "--json",
        ],
    ))
    .unwrap();
    ok(
        dir.path(),
        &["document", "remove", document["id"].as_str().unwrap()],
    );
    let shown: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["person", "show", &id, "--json"])).unwrap();
    assert_eq!(shown["contacts"].as_array().unwrap().len(), 1);
    assert_eq!(shown["documents"].as_array().unwrap().len(), 0);
}

#[test]
fn change_pin_checks_the_old_pin_first_and_refuses_the_same_pin_and_a_mismatch_is_not_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let out = migran_with(
        dir.path(),
        &["change-pin"],
        &[("MIGRAN_PIN", PIN), ("MIGRAN_NEW_PIN", PIN)],
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("same as the old one"), "{}", stderr(&out));
    // A wrong old PIN is reported before any new PIN is asked for.
    let out = migran_typing(dir.path(), &["change-pin"], &[("MIGRAN_PIN", "000000")], "");
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(!stderr(&out).contains("New PIN"), "{}", stderr(&out));
    let out = migran_typing(
        dir.path(),
        &["change-pin"],
        &[("MIGRAN_PIN", PIN)],
        "135790\n135791\n",
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the two PINs typed differ") && !stderr(&out).contains("command"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_report_names_village_officer_and_day_counts_only_past_departures_and_refuses_csv_with_json() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    ok(dir.path(), &["consent", "give", &id, "reporting"]);
    ok(
        dir.path(),
        &[
            "journey",
            "set",
            &id,
            "--phase",
            "pre-departure",
            "--country",
            "TW",
            "--departure",
            "2099-01-05",
        ],
    );
    let report = json_of(
        dir.path(),
        &[
            "report",
            "--village",
            "Desa Contoh",
            "--officer",
            "Petugas Contoh",
        ],
    );
    assert_eq!(
        report["departures_in_period"], 0,
        "a planned departure is not a departure yet"
    );
    assert_eq!(report["village"], "Desa Contoh");
    let text = migran_with(
        dir.path(),
        &["report", "--village", "Desa Contoh"],
        &[
            ("MIGRAN_PIN", PIN),
            ("MIGRAN_LANG", "id"),
            ("MIGRAN_ACTOR", "Petugas Contoh"),
        ],
    );
    let text = stdout(&text);
    assert!(
        text.contains("Desa: Desa Contoh") && text.contains("Dibuat oleh: Petugas Contoh"),
        "{text}"
    );
    assert!(text.contains("Tanggal dibuat: 20"), "{text}");
    let csv = stdout(&migran_with(
        dir.path(),
        &["report", "--csv"],
        &[("MIGRAN_PIN", PIN), ("MIGRAN_LANG", "id")],
    ));
    assert!(csv.starts_with("bagian,kunci,nilai"), "{csv}");
    let csv = stdout(&migran_with(
        dir.path(),
        &["report", "--csv", "--lang", "en"],
        &[("MIGRAN_PIN", PIN), ("MIGRAN_LANG", "id")],
    ));
    assert!(csv.starts_with("section,key,value"), "{csv}");
    let out = migran(dir.path(), &["report", "--csv", "--json"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    // Without the reporting consent, a note says how to record it.
    let out = migran(
        dir.path(),
        &[
            "person",
            "add",
            "--name",
            "Budi Contoh",
            "--nik",
            "3201000000000002",
            "--birth-date",
            "1990-01-01",
            "--sex",
            "M",
            "--village",
            "Desa Contoh",
        ],
    );
    assert_eq!(code(&out), 0);
    let out = migran(dir.path(), &["report"]);
    assert!(
        stderr(&out).contains("migran consent give PERSON reporting"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_agenda_s_today_is_the_local_date_of_the_injected_time_zone_and_rows_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    // UTC+14 and UTC-12: at most hours of the day the two dates differ from UTC's; each
    // must be its own zone's date (computed around the call, in case midnight passes).
    for (zone, hours) in [("Etc/GMT-14", 14), ("Etc/GMT+12", -12), ("Asia/Jakarta", 7)] {
        let local = || {
            (chrono::Utc::now() + chrono::Duration::hours(hours))
                .date_naive()
                .to_string()
        };
        let before = local();
        let out = migran_with(
            dir.path(),
            &["agenda", "--json"],
            &[("MIGRAN_PIN", PIN), ("TZ", zone)],
        );
        let after = local();
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let agenda: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let on = agenda["on"].as_str().unwrap();
        assert!(on == before || on == after, "{zone}: {on}, expected {before}");
    }
    ok(
        dir.path(),
        &[
            "visit",
            "add",
            &id,
            "--date",
            "2026-01-10",
            "--follow-up",
            "Antar paspor",
            "--due",
            "2026-01-12",
        ],
    );
    let agenda = ok(dir.path(), &["agenda", "--on", "2026-01-12", "--ahead", "0"]);
    assert!(
        agenda.contains("Siti Contoh") && agenda.contains("************0001"),
        "{agenda}"
    );
    assert!(agenda.contains("migran visit done "), "{agenda}");
}

/// English words that must not show in the Indonesian output (whole words, as printed).
const ENGLISH: &[&str] = &[
    "Call",
    "Sms",
    "CRITICAL",
    "HIGH",
    "Critical",
    "High",
    "referred",
    "create",
    "read",
    "update",
    "Passport",
    "Registered",
    "saved",
    "recorded",
    "Name",
    "Phone",
    "Village",
    "Warning",
    "Note",
    "Risk",
    "level",
    "Emergency",
    "Message",
    "items",
    "Since",
    "Action",
    "Basis",
    "found",
    "Failed",
    "Wrong",
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Print",
    "the",
    "and",
    "with",
    "not",
    "yet",
    "Family",
    "Cadre",
    "Employer",
    "Address",
    "City",
    "Country",
    "Departure",
    "Journey",
    "Documents",
    "Contacts",
    "open",
    "closed",
    "in_progress",
    "OtherRelative",
    "Parent",
];

#[test]
fn the_indonesian_output_of_every_command_has_no_english_words() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let answers = dir.path().join("answers.json");
    let every: serde_json::Map<String, serde_json::Value> =
        migran_core::screening_questions(migran_core::Locale::En)
            .unwrap()
            .into_iter()
            .map(|q| (q.id, "no".into()))
            .collect();
    std::fs::write(&answers, serde_json::Value::Object(every).to_string()).unwrap();
    let answers = answers.to_str().unwrap();
    let env: &[(&str, &str)] = &[
        ("MIGRAN_PIN", PIN),
        ("MIGRAN_LANG", "id"),
        ("MIGRAN_ACTOR", "Kader Contoh"),
    ];
    let seen = std::cell::RefCell::new(String::new());
    let run = |args: &[&str]| -> String {
        let out = migran_with(dir.path(), args, env);
        assert!(code(&out) == 0, "{args:?}: {}", stderr(&out));
        if !args.contains(&"--json") {
            seen.borrow_mut()
                .push_str(&format!("\n{}{}", stdout(&out), stderr(&out)));
        }
        stdout(&out)
    };
    let added = run(&[
        "person",
        "add",
        "--name",
        "Siti Contoh",
        "--nik",
        "3201000000000001",
        "--birth-date",
        "1998-04-12",
        "--sex",
        "P",
        "--phone",
        "081200000001",
        "--village",
        "Desa Contoh",
    ]);
    let id = added.trim().rsplit(' ').next().unwrap().to_string();
    for args in [
        vec!["person", "list"],
        vec!["person", "edit", &id, "--address", "Jalan Contoh 1"],
        vec![
            "journey",
            "set",
            &id,
            "--phase",
            "pra-penempatan",
            "--country",
            "MY",
            "--sector",
            "pabrik",
        ],
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
        vec!["document", "add", &id, "--kind", "paspor", "--number", "C0000001"],
        vec!["person", "show", &id],
        vec!["checklist", "show", &id],
        vec!["consent", "show", &id],
        vec!["consent", "history", &id],
        vec!["consent", "give", &id, "pelaporan"],
        vec!["consent", "processing", &id],
        vec!["checklist", "placement", &id, "--fee-charged", "tidak"],
        vec!["screen", &id, "--answers", answers],
        vec!["screen", "history", &id],
        vec!["follow-up", "list", &id],
        vec![
            "visit",
            "add",
            &id,
            "--date",
            "2026-01-10",
            "--topics",
            "tppo",
            "--follow-up",
            "Antar KTP",
            "--due",
            "2026-01-12",
        ],
        vec!["visit", "list", &id],
        vec!["agenda", "--on", "2026-01-12"],
        vec![
            "case",
            "open",
            &id,
            "--type",
            "gaji",
            "--description",
            "Gaji belum dibayar",
            "--reported-by",
            "keluarga",
            "--date",
            "2026-01-11",
        ],
        vec!["case", "list"],
        vec![
            "return",
            "add",
            &id,
            "--date",
            "2026-02-01",
            "--reason",
            "kontrak-selesai",
            "--needs",
            "ekonomi",
            "--next",
            "2026-03-01",
        ],
        vec!["return", "list", &id],
        vec!["report"],
        vec!["audit", "--limit", "30"],
        vec!["status"],
        vec!["unlock-check"],
        vec![
            "emergency",
            "card",
            "set",
            "--name",
            "Siti Contoh",
            "--country",
            "HK",
            "--family-contact",
            "Ibu Contoh:081299990001",
        ],
        vec!["emergency", "card", "show"],
        vec![
            "emergency",
            "plan",
            "--kind",
            "kekerasan",
            "--lat",
            "22.3193",
            "--lon",
            "114.1694",
        ],
        vec!["emergency", "trigger", "--kind", "xyz"],
        vec!["emergency", "log"],
        vec!["emergency", "pending"],
    ] {
        run(&args);
    }
    let case_list = run(&["case", "list", &id, "--json"]);
    let case: serde_json::Value = serde_json::from_str(&case_list).unwrap();
    let case_id = case[0]["id"].as_str().unwrap().to_string();
    run(&["case", "status", &case_id, "ditangani"]);
    run(&["case", "note", &case_id, "Sudah ditelepon"]);
    run(&["case", "show", &case_id]);
    let listed = run(&["case", "list"]);
    assert!(
        listed.contains("Siti Contoh") && listed.contains("************0001"),
        "{listed}"
    );
    // The message for local services is English by design; command words are the
    // command's own (`migran visit done`).
    let seen: String = seen
        .into_inner()
        .lines()
        .filter(|line| !line.contains("EMERGENCY, Indonesian worker"))
        .map(|line| line.split("migran ").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let words: Vec<&str> = seen
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| ENGLISH.contains(w))
        .collect();
    assert!(
        words.is_empty(),
        "English words {words:?} in the Indonesian output:\n{seen}"
    );
}

/// Every command and subcommand the help lists, walked down from `migran help`.
fn command_paths(dir: &Path) -> Vec<Vec<String>> {
    let mut paths = vec![Vec::new()];
    let mut next = 0;
    while next < paths.len() {
        let path: Vec<String> = paths[next].clone();
        next += 1;
        let mut words = vec!["help"];
        words.extend(path.iter().map(String::as_str));
        let help = stdout(&migran(dir, &words));
        let listed = help
            .lines()
            .skip_while(|line| *line != "Commands:")
            .skip(1)
            .take_while(|line| line.starts_with("  "));
        for line in listed {
            let name = line.split_whitespace().next().unwrap().to_string();
            if name != "help" {
                let mut sub = path.clone();
                sub.push(name);
                paths.push(sub);
            }
        }
    }
    paths
}

/// The words inside `<...>` and `[...]`: the usage's and the options' placeholders.
fn placeholder_words(help: &str) -> std::collections::BTreeSet<String> {
    let mut words = std::collections::BTreeSet::new();
    let mut inside = String::new();
    let mut depth = 0;
    for c in help.chars() {
        match c {
            '<' | '[' => depth += 1,
            '>' | ']' if depth > 0 => {
                depth -= 1;
                words.extend(
                    inside
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .filter(|w| !w.is_empty())
                        .map(str::to_string),
                );
                inside.clear();
            }
            c if depth > 0 => inside.push(c),
            _ => {}
        }
    }
    words
}

#[test]
fn the_indonesian_help_of_every_command_and_subcommand_has_no_english_words() {
    let dir = tempfile::tempdir().unwrap();
    let paths = command_paths(dir.path());
    assert!(
        paths.iter().any(|p| p == &["emergency", "card", "set"]) && paths.len() > 100,
        "every level is walked: {paths:?}"
    );
    // Placeholders that read the same in both languages: letters, numbers, codes.
    const SAME: &[&str] = &[
        "A", "B", "N", "X", "Y", "NIK", "ID", "SHELL", "ORG", "P1", "P2", "SUB", "FORMAT", "STATUS",
    ];
    const HELP_WORDS: &[&str] = &[
        "OPTIONS", "COMMAND", "possible", "values", "default", "help", "version", "Show",
    ];
    let mut problems = Vec::new();
    for path in &paths {
        let mut words: Vec<&str> = path.iter().map(String::as_str).collect();
        words.push("--help");
        let english = migran(dir.path(), &words);
        let indonesian = migran_with(dir.path(), &words, &[("MIGRAN_LANG", "id")]);
        assert_eq!(code(&indonesian), 0, "{words:?}: {}", stderr(&indonesian));
        let (english, indonesian) = (stdout(&english), stdout(&indonesian));
        assert!(
            indonesian.contains("Pemakaian: migran"),
            "{words:?}: {indonesian}"
        );
        let english_placeholders = placeholder_words(&english);
        for word in placeholder_words(&indonesian) {
            if english_placeholders.contains(&word) && !SAME.contains(&word.as_str()) {
                problems.push(format!("{words:?}: <{word}>"));
            }
        }
        let mut in_commands = false;
        for line in indonesian.lines() {
            let listed_command = in_commands && line.starts_with("  ");
            in_commands = line == "Perintah:" || listed_command;
            // Command words and option names are the command's own, in every language.
            let line = line.split("migran ").next().unwrap_or_default();
            let prose = line
                .split_whitespace()
                .skip(usize::from(listed_command))
                .filter(|word| !word.starts_with('-'))
                .collect::<Vec<_>>()
                .join(" ");
            for word in prose.split(|c: char| !c.is_alphanumeric() && c != '_') {
                if ENGLISH.contains(&word) || HELP_WORDS.contains(&word) {
                    problems.push(format!("{words:?}: {word} in '{line}'"));
                }
            }
        }
    }
    let root = stdout(&migran_with(dir.path(), &["-h"], &[("MIGRAN_LANG", "id")]));
    assert!(root.contains("Pemakaian: migran [PILIHAN]"), "{root}");
    assert!(
        problems.is_empty(),
        "English in the Indonesian help:\n{}",
        problems.join("\n")
    );
}

#[test]
fn names_that_show_nothing_or_reorder_a_list_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    for name in ["\u{200B}\u{200D}", "\u{0301}\u{0308}", "Siti \u{202E}1000"] {
        let out = migran(
            dir.path(),
            &[
                "person",
                "add",
                "--name",
                name,
                "--nik",
                "3201000000000009",
                "--birth-date",
                "1998-04-12",
                "--sex",
                "F",
                "--village",
                "Desa Contoh",
            ],
        );
        assert_eq!(code(&out), 5, "{name:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains(name), "the value is never echoed");
    }
    let found = migran(dir.path(), &["person", "find", "--nik", "3201000000000009"]);
    assert_eq!(code(&found), 4, "nothing was registered: {}", stdout(&found));
}

#[test]
fn the_emergency_card_can_be_cleared_and_the_plan_still_names_the_mission() {
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
            "--family-contact",
            "Ibu Contoh:081299990001",
        ],
    );
    assert_eq!(code(&set), 0, "{}", stderr(&set));
    // Without --yes and no one to answer: nothing is deleted.
    let unconfirmed = migran(dir.path(), &["emergency", "card", "clear"]);
    assert_eq!(code(&unconfirmed), 1, "{}", stderr(&unconfirmed));
    let still = stdout(&migran(dir.path(), &["emergency", "card", "show", "--json"]));
    assert!(still.contains("Siti Contoh"), "{still}");

    let cleared = migran(dir.path(), &["emergency", "card", "clear", "--yes"]);
    assert_eq!(code(&cleared), 0, "{}", stderr(&cleared));
    let card = stdout(&migran(dir.path(), &["emergency", "card", "show", "--json"]));
    assert_eq!(card.trim(), "null");
    let plan = migran(
        dir.path(),
        &[
            "emergency",
            "plan",
            "--kind",
            "violence",
            "--country",
            "MY",
            "--json",
        ],
    );
    assert_eq!(code(&plan), 0, "{}", stderr(&plan));
    let plan = stdout(&plan);
    assert!(
        !plan.contains("081299990001") && !plan.contains("6281299990001"),
        "{plan}"
    );
    assert!(
        plan.contains("\"kbri-kualalumpur\""),
        "the mission is still named: {plan}"
    );
}

#[test]
fn the_directory_report_lists_every_number_with_the_age_of_its_source() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let no_pin: &[(&str, &str)] = &[];
    let out = migran_with(dir.path(), &["emergency", "directory", "--json"], no_pin);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = entries.as_array().unwrap();
    assert!(entries.len() > 10, "{entries:?}");
    assert!(entries
        .iter()
        .any(|e| e["role"] == "mission" && e["country"] == "MY"));
    assert!(entries
        .iter()
        .all(|e| e["number"].as_str().is_some_and(|n| !n.is_empty())));
    let text = stdout(&migran_with(
        dir.path(),
        &["emergency", "directory"],
        &[("MIGRAN_LANG", "id")],
    ));
    assert!(
        text.contains("perwakilan") && !text.contains(" mission "),
        "{text}"
    );
}

/// `emergency checkin set|done|status|cancel` (issue 16): set with the PIN, status without
/// it, done and cancel checked like an unlock (a wrong PIN is exit 3 and counted). The
/// miss itself needs the core's injected clock: core/tests/emergency_checkin.rs.
#[test]
fn a_check_in_is_set_with_the_pin_shown_without_it_and_ended_with_it() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let no_pin: &[(&str, &str)] = &[];
    let status_json = || -> serde_json::Value {
        let out = migran_with(dir.path(), &["emergency", "checkin", "status", "--json"], no_pin);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(status_json()["state"], "off");

    let out = migran(dir.path(), &["emergency", "checkin", "set"]);
    assert_eq!(code(&out), 2, "--every or --at: {}", stderr(&out));
    let out = migran(
        dir.path(),
        &["emergency", "checkin", "set", "--at", "2020-01-01T00:00:00Z"],
    );
    assert_eq!(code(&out), 5, "a time in the past: {}", stderr(&out));
    let out = migran_with(
        dir.path(),
        &["emergency", "checkin", "set", "--every", "24"],
        &[("MIGRAN_PIN", "000000")],
    );
    assert_eq!(code(&out), 3, "setting up needs the PIN: {}", stderr(&out));

    let out = migran(
        dir.path(),
        &[
            "emergency",
            "checkin",
            "set",
            "--every",
            "24",
            "--grace",
            "30",
            "--kind",
            "disekap",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let status = status_json();
    assert_eq!(status["state"], "waiting");
    assert_eq!(status["every_minutes"], 24 * 60);
    assert_eq!(status["grace_minutes"], 30);
    assert_eq!(status["queued"], serde_json::Value::Null);

    let out = migran_with(
        dir.path(),
        &["emergency", "checkin", "done"],
        &[("MIGRAN_PIN", "000000")],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let vault_status: serde_json::Value =
        serde_json::from_slice(&migran(dir.path(), &["status", "--json"]).stdout).unwrap();
    assert_eq!(vault_status["failed_attempts"], 1, "{vault_status}");
    let out = migran(dir.path(), &["emergency", "checkin", "done"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("you are fine"), "{}", stdout(&out));

    let out = migran_with(
        dir.path(),
        &["emergency", "checkin", "cancel"],
        &[("MIGRAN_PIN", "000000")],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_eq!(status_json()["state"], "waiting");
    let out = migran_with(
        dir.path(),
        &["emergency", "checkin", "cancel"],
        &[("MIGRAN_PIN", PIN), ("MIGRAN_LANG", "id")],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("Lapor aman dihentikan"), "{}", stdout(&out));
    assert_eq!(status_json()["state"], "off");
}
