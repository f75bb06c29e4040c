//! Files the command reads from outside: bounded whatever they are (a device that never
//! ends), parsed strictly (issue 14). Real binary, real files.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Stdio};

mod support;

use support::{add_siti, code, migran, stderr, stdout, PIN};

fn init(dir: &Path) {
    let out = migran(dir, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

/// `migran` with its address space limited to 512 MiB (`ulimit -v`): reading a stream
/// without a bound would fail here with an allocation abort, not with exit 5.
fn migran_in_little_memory(vault: &Path, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 524288; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_migran"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("MIGRAN_PIN", PIN)
        .env("MIGRAN_LANG", "en")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn endless_streams_are_refused_after_the_bound_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let cases: &[&[&str]] = &[
        &["screen", &id, "--answers", "/dev/zero", "--by", "Kader Contoh"],
        &["person", "import", "/dev/zero"],
        &["emergency", "install-pack", "/dev/zero", "/dev/zero"],
    ];
    for args in cases {
        let out = migran_in_little_memory(dir.path(), args);
        assert_eq!(code(&out), 5, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("too long"), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn an_oversized_directory_pack_is_refused_before_it_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let pack = dir.path().join("pack.json");
    let file = std::fs::File::create(&pack).unwrap();
    // Sparse: 10 GB on paper, nothing on disk.
    file.set_len(10_000_000_000).unwrap();
    let signature = dir.path().join("pack.sig");
    std::fs::write(&signature, "00".repeat(64)).unwrap();
    let out = migran_in_little_memory(
        dir.path(),
        &[
            "emergency",
            "install-pack",
            pack.to_str().unwrap(),
            signature.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
}

fn every_answer(value: &str) -> Vec<(String, String)> {
    migran_core::screening_questions(migran_core::Locale::En)
        .unwrap()
        .into_iter()
        .map(|q| (q.id, value.to_string()))
        .collect()
}

fn answers_json(answers: &[(String, String)]) -> String {
    let entries: Vec<String> = answers
        .iter()
        .map(|(question, answer)| format!("\"{question}\": \"{answer}\""))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

#[test]
fn an_answers_file_with_a_byte_order_mark_is_read() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let file = dir.path().join("answers.json");
    let mut bytes = vec![0xef, 0xbb, 0xbf];
    bytes.extend(answers_json(&every_answer("unknown")).into_bytes());
    std::fs::write(&file, bytes).unwrap();
    let out = migran(
        dir.path(),
        &[
            "screen",
            &id,
            "--answers",
            file.to_str().unwrap(),
            "--by",
            "Kader Contoh",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn a_question_answered_twice_is_refused_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let mut answers = every_answer("unknown");
    // "no" to the first question, then "unknown": taking the last would hide the "no".
    let first = answers[0].0.clone();
    answers.insert(0, (first.clone(), "no".to_string()));
    let file = dir.path().join("answers.json");
    std::fs::write(&file, answers_json(&answers)).unwrap();
    let out = migran(
        dir.path(),
        &[
            "screen",
            &id,
            "--answers",
            file.to_str().unwrap(),
            "--by",
            "Kader Contoh",
        ],
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{first} is answered twice")),
        "{}",
        stderr(&out)
    );
    let history = migran(dir.path(), &["screen", "history", &id, "--json"]);
    assert_eq!(stdout(&history).trim(), "[]");
}

#[test]
fn an_answers_file_that_is_not_utf8_exits_5() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = add_siti(dir.path());
    let file = dir.path().join("answers.json");
    let mut bytes = answers_json(&every_answer("unknown")).into_bytes();
    bytes.insert(3, 0xff);
    std::fs::write(&file, bytes).unwrap();
    let out = migran(
        dir.path(),
        &[
            "screen",
            &id,
            "--answers",
            file.to_str().unwrap(),
            "--by",
            "Kader Contoh",
        ],
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
}
