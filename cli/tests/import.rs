//! `migran person import` and `migran person export-csv` as a village officer runs them:
//! real binary, real vault folder, real files.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Stdio};

mod support;

use support::{code, migran, stderr, stdout, PIN};

fn init(dir: &Path) {
    let out = migran(dir, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

fn nik(n: u32) -> String {
    format!("32010000{n:08}")
}

/// A made-up person's row, with registration consent given on 2026-01-15.
fn row(n: u32) -> String {
    format!(
        "Siti Contoh {n},{},1998-04-12,{},0812{n:08},\"Dusun Contoh, RT {n:03}\",Desa Contoh,ya,2026-01-15\n",
        nik(n),
        if n.is_multiple_of(2) { "P" } else { "L" },
    )
}

fn write_file(dir: &Path, name: &str, rows: &[String]) -> String {
    let mut text = "full_name,nik,birth_date,sex,phone,address,village,consent,consent_date\n".to_string();
    for row in rows {
        text.push_str(row);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn total(vault: &Path) -> u64 {
    let out = migran(vault, &["person", "list", "--all", "--limit", "1", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let page: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    page["total"].as_u64().unwrap()
}

/// The NIK column of an exported file (the second field of every line but the header).
fn exported_niks(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|line| line.split(',').nth(1).map(str::to_string))
        .filter(|field| field.len() == 16 && field.bytes().all(|b| b.is_ascii_digit()))
        .collect()
}

#[test]
fn ten_thousand_rows_with_three_bad_ones_then_the_fixed_file() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    init(&vault);
    let good: Vec<String> = (1..=10_000).map(row).collect();
    let mut bad = good.clone();
    bad[99] = bad[99].replace(&nik(100), "320100000000100");
    bad[4999] = bad[4999].replace("1998-04-12", "1998-02-30");
    bad[9998] = bad[9998].replace(",L,", ",X,");
    let bad_file = write_file(dir.path(), "bad.csv", &bad);

    let out = migran(&vault, &["person", "import", &bad_file]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        vec![
            "Line 101, NIK (national identity number): too short.",
            "Line 5001, birth date: not a valid date.",
            "Line 10000, sex: wrong format.",
        ]
    );
    assert!(
        stderr(&out).contains("nothing was imported: 3 problems"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains('\r'),
        "no progress bar when stderr is not a terminal"
    );
    assert_eq!(total(&vault), 0);

    // The same in Indonesian, as JSON for a script.
    let out = Command::new(env!("CARGO_BIN_EXE_migran"))
        .args([
            "--vault",
            vault.to_str().unwrap(),
            "person",
            "import",
            &bad_file,
            "--json",
        ])
        .env("MIGRAN_PIN", PIN)
        .env("MIGRAN_LANG", "id")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&out), 5);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["refused"], true);
    assert_eq!(report["issues"][0]["line"], 101);
    assert_eq!(report["issues"][0]["field"], "nik");
    assert_eq!(report["issues"][0]["problem"], "Invalid");
    assert_eq!(report["issues"][0]["reason"], "TooShort");
    assert_eq!(report["issues"][0]["message"], "Baris 101, NIK: terlalu pendek.");
    assert!(stderr(&out).contains("tidak ada yang diimpor"));

    let good_file = write_file(dir.path(), "good.csv", &good);
    let out = migran(&vault, &["person", "import", &good_file]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("10000 persons registered from 10000 rows (10000 with registration consent).")
    );
    let batch = stdout(&out)
        .lines()
        .find_map(|line| line.strip_prefix("Audit log: import ").map(str::to_string))
        .expect("the batch is named");
    assert_eq!(total(&vault), 10_000);
    for n in [1, 5_000, 10_000] {
        let out = migran(&vault, &["person", "find", "--nik", &nik(n), "--json"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let found: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(found[0]["full_name"], format!("Siti Contoh {n}"));
    }
    // Every NIK is in the register (each one found by NIK is shown in the core's tests).
    let export = dir.path().join("register.csv");
    let out = migran(
        &vault,
        &["person", "export-csv", "--out", export.to_str().unwrap()],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut niks = exported_niks(&export);
    niks.sort();
    assert_eq!(niks, (1..=10_000).map(nik).collect::<Vec<_>>());

    // One audit entry for the batch, with its count.
    let out = migran(&vault, &["audit", "--json", "--limit", "1000"]);
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let imports: Vec<&serde_json::Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "import")
        .collect();
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0]["record_id"], batch.as_str());
    assert_eq!(imports[0]["count"], 10_000);
    assert_eq!(imports[0]["kind"], "person");
    assert!(log["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["action"] != "create"));
}

#[test]
fn a_semicolon_file_with_a_bom_from_an_indonesian_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    init(&vault);
    let path = dir.path().join("excel.csv");
    std::fs::write(
        &path,
        "\u{feff}Nama;NIK;Tanggal Lahir;Jenis Kelamin;Telepon;Alamat;Desa;Persetujuan;Tanggal Persetujuan\r\n\
         Siti Contoh;3201000000000001;1998-04-12;Perempuan;0812-0000-0001;\"Dusun Contoh; RT 001\";Desa Contoh;Ya;2026-01-15\r\n",
    )
    .unwrap();
    let out = migran(&vault, &["person", "import", path.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = migran(&vault, &["person", "find", "--phone", "+6281200000001", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let found: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(found[0]["address"], "Dusun Contoh; RT 001");
    let id = found[0]["id"].as_str().unwrap().to_string();
    let out = migran(&vault, &["consent", "history", &id, "--json"]);
    assert!(stdout(&out).contains("2026-01-15"), "{}", stdout(&out));
}

#[test]
fn duplicates_and_bad_rows_are_refused_or_skipped_as_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    init(&vault);
    let first = write_file(dir.path(), "first.csv", &[row(1), row(2)]);
    assert_eq!(code(&migran(&vault, &["person", "import", &first])), 0);

    let next = write_file(
        dir.path(),
        "next.csv",
        &[row(2), row(3), row(3), row(4).replace("Desa Contoh", "")],
    );
    let out = migran(&vault, &["person", "import", &next]);
    assert_eq!(code(&out), 5);
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        vec![
            "Line 2, NIK (national identity number): already registered.",
            "Line 4, NIK (national identity number): the same as on line 3.",
            "Line 5, village: required.",
        ]
    );
    assert_eq!(total(&vault), 2);

    // Skipping duplicates alone is not enough while a row is bad.
    let out = migran(&vault, &["person", "import", &next, "--skip-duplicates"]);
    assert_eq!(code(&out), 5);
    assert_eq!(total(&vault), 2);

    let out = migran(&vault, &["person", "import", &next, "--skip-invalid"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1 persons registered from 4 rows"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("3 rows skipped"));
    assert_eq!(total(&vault), 3);
}

#[test]
fn rows_without_consent_are_refused_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    init(&vault);
    let path = dir.path().join("bare.csv");
    std::fs::write(
        &path,
        "nama,nik,tanggal_lahir,jk,desa\nSiti Contoh,3201000000000001,1998-04-12,P,Desa Contoh\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let out = migran(&vault, &["person", "import", file]);
    assert_eq!(code(&out), 5);
    assert_eq!(
        stdout(&out).trim(),
        "Line 1, registration consent: the header has no such column."
    );
    assert!(stderr(&out).contains("--without-consent"), "{}", stderr(&out));

    let out = migran(&vault, &["person", "import", file, "--without-consent"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("(0 with registration consent)"));
    assert!(stdout(&out).contains("migran consent give PERSON registration"));
    let out = migran(&vault, &["person", "find", "--nik", "3201000000000001", "--json"]);
    let found: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let id = found[0]["id"].as_str().unwrap();
    // Nothing new is recorded about the person until the consent is.
    let out = migran(&vault, &["journey", "set", id, "--phase", "calon"]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
}

#[test]
fn oversized_input_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    init(&vault);
    // A sparse file larger than the bound: refused from its size, not read.
    let big = dir.path().join("big.csv");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(migran_core::MAX_IMPORT_BYTES + 1).unwrap();
    let out = migran(&vault, &["person", "import", big.to_str().unwrap()]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Invalid 'file': too long."),
        "{}",
        stderr(&out)
    );

    // A stream that never ends, with memory capped at 256 MiB: cut at the bound and
    // refused, not read until memory runs out.
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 262144 && exec \"$0\" --vault \"$1\" person import /dev/zero")
        .arg(env!("CARGO_BIN_EXE_migran"))
        .arg(&vault)
        .env("MIGRAN_PIN", PIN)
        .env("MIGRAN_LANG", "en")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Invalid 'file': too long."),
        "{}",
        stderr(&out)
    );

    let out = migran(
        &vault,
        &[
            "person",
            "import",
            dir.path().join("missing.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
    assert_eq!(total(&vault), 0);
}

#[test]
fn export_csv_is_owner_only_atomic_and_never_overwrites_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    init(&vault);
    let file = write_file(dir.path(), "in.csv", &[row(1), row(2)]);
    assert_eq!(code(&migran(&vault, &["person", "import", &file])), 0);

    let outdir = dir.path().join("out");
    std::fs::create_dir(&outdir).unwrap();
    let path = outdir.join("daftar.csv");
    let target = path.to_str().unwrap();
    let out = migran(&vault, &["person", "export-csv", "--out", target]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let first = std::fs::read_to_string(&path).unwrap();
    assert!(first
        .starts_with("\u{feff}full_name,nik,birth_date,sex,phone,address,village,consent,consent_date\r\n"));
    assert!(first.contains("Siti Contoh 1,3201000000000001,1998-04-12,male,'+6281200000001,\"Dusun Contoh, RT 001\",Desa Contoh,yes,2026-01-15\r\n"));

    // An existing file is kept unless --force.
    std::fs::write(&path, "keep me").unwrap();
    let out = migran(&vault, &["person", "export-csv", "--out", target]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("already exists; add --force"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
    let out = migran(
        &vault,
        &[
            "person",
            "export-csv",
            "--out",
            target,
            "--force",
            "--separator",
            ";",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(std::fs::read_to_string(&path).unwrap().contains("full_name;nik;"));
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let names: Vec<_> = std::fs::read_dir(&outdir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("daftar.csv")],
        "no temporary file left"
    );

    // The export imports into another vault.
    let other = dir.path().join("other");
    init(&other);
    let out = migran(&other, &["person", "import", target]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(total(&other), 2);

    // Usage errors exit 2.
    for words in [
        &["person", "export-csv"][..],
        &["person", "export-csv", "--out", target, "--separator", "|"][..],
        &["person", "import"][..],
        &["person", "import", target, "--skip-everything"][..],
        &["person", "import", target, "extra"][..],
    ] {
        let out = migran(&vault, words);
        let expected = if words.contains(&"|") { 5 } else { 2 };
        assert_eq!(code(&out), expected, "{words:?}: {}", stderr(&out));
    }
}

#[test]
fn a_progress_bar_is_drawn_on_a_terminal() {
    // `script` gives the command a terminal; skipped where it is not installed.
    if Command::new("script").arg("--version").output().is_err() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    init(&vault);
    let rows: Vec<String> = (1..=2_000).map(row).collect();
    let file = write_file(dir.path(), "in.csv", &rows);
    let command = format!(
        "{} --vault {} person import {}",
        env!("CARGO_BIN_EXE_migran"),
        vault.display(),
        file
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("MIGRAN_PIN", PIN)
        .env("MIGRAN_LANG", "en")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let seen = stdout(&out);
    assert_eq!(code(&out), 0, "{seen}");
    assert!(
        seen.contains("Checking [##############################] 100% (2000/2000)"),
        "{seen}"
    );
    assert!(seen.contains("Saving ["), "{seen}");
    assert!(seen.contains("2000 persons registered"), "{seen}");
}
