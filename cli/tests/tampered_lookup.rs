//! A lookup (`person find --nik`, a short reference) never returns a record other than the
//! one asked for, whatever is changed in the vault's file (issue 14, item 7). Real binary.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

mod support;

use support::{code, key_files, key_folder, migran, stderr, stdout};

const SITI: &str = "3201000000000001";
const DEWI: &str = "3201000000000002";
const PAGE: usize = 4096;

fn add(dir: &Path, name: &str, nik: &str) -> String {
    let out = migran(
        dir,
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

/// Runs the lookups on a damaged copy: each either fails or names exactly Siti.
fn assert_never_another(dir: &Path, siti_id: &str, case: &str) {
    let lookups: [&[&str]; 2] = [
        &["person", "find", "--nik", SITI, "--json"],
        &["person", "show", &siti_id[..8], "--json"],
    ];
    for args in lookups {
        let out = migran(dir, args);
        if code(&out) != 0 {
            continue;
        }
        let text = stdout(&out);
        assert!(
            !text.contains(DEWI),
            "{case} {args:?} returned another person: {text}"
        );
        assert!(
            !text.contains("Dewi"),
            "{case} {args:?} returned another person: {text}"
        );
        assert!(text.contains(siti_id), "{case} {args:?}: {text}");
    }
}

#[test]
fn no_tampering_of_the_file_makes_a_lookup_return_another_person() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("vault");
    let out = migran(&vault, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let siti = add(&vault, "Siti Contoh", SITI);
    add(&vault, "Dewi Contoh", DEWI);
    let original = std::fs::read(vault.join("vault.db")).unwrap();
    let pages = original.len() / PAGE;
    let copy = root.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(vault.join("locked.db"), copy.join("locked.db")).unwrap();
    std::fs::create_dir_all(key_folder(&copy)).unwrap();
    for key in key_files(&vault) {
        std::fs::copy(key_folder(&vault).join(&key), key_folder(&copy).join(&key)).unwrap();
    }
    // The untouched copy finds her: the records are in the copied file, not a WAL.
    std::fs::write(copy.join("vault.db"), &original).unwrap();
    let out = migran(&copy, &["person", "find", "--nik", SITI, "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains(&siti));
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    // Every page swapped with the next, a byte changed in every third page: about 130
    // runs of the binary.
    for page in 0..pages {
        if page % 3 == 0 {
            let mut bytes = original.clone();
            bytes[page * PAGE + PAGE / 2] ^= 0x41;
            cases.push((format!("byte in page {page}"), bytes));
        }
        // Each page swapped with the next (a row moved to another place).
        if page + 1 < pages {
            let mut bytes = original.clone();
            let (a, b) = bytes.split_at_mut((page + 1) * PAGE);
            a[page * PAGE..].swap_with_slice(&mut b[..PAGE]);
            cases.push((format!("pages {page} and {} swapped", page + 1), bytes));
        }
    }
    for (case, bytes) in cases {
        std::fs::write(copy.join("vault.db"), &bytes).unwrap();
        assert_never_another(&copy, &siti, &case);
    }
}
