//! Lessons, the recruiter check and information sessions on the real binary.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
mod support;

use support::{code, migran, ok, stderr};

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    serde_json::from_str(&ok(dir, &args)).unwrap()
}

fn content(path: &str) -> String {
    format!("{}/../core/content/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn init() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["init", "--kdf-iterations", "10000"]);
    dir
}

#[test]
fn lessons_are_listed_shown_with_sources_and_given_as_speakable_text() {
    let dir = init();
    let lessons = json(dir.path(), &["lesson", "list"]);
    let ids: Vec<&str> = lessons
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"costs") && ids.contains(&"destination-hk"),
        "{ids:?}"
    );

    let shown = ok(dir.path(), &["lesson", "show", "destination-hk"]);
    assert!(shown.contains("+852 5242 2240"), "{shown}");
    assert!(shown.contains("2025-11-27"), "{shown}");
    let lesson = json(dir.path(), &["lesson", "show", "contracts"]);
    assert!(lesson["statements"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["needs_source"] == true && s["source_date"].is_null()));

    let spoken = ok(dir.path(), &["lesson", "speak-text", "destination-hk"]);
    assert!(
        spoken.contains("Indonesian Migrant Workers Protection Service Office"),
        "{spoken}"
    );
    assert!(!spoken.contains("BP3MI"), "{spoken}");
    assert!(
        spoken.contains("plus eight five two, five two four two, two two four zero"),
        "{spoken}"
    );
    let out = migran(dir.path(), &["lesson", "show", "no-such-lesson"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let help = ok(dir.path(), &["help", "lesson", "speak-text"]);
    assert!(help.contains("text-to-speech"), "{help}");
}

#[test]
fn the_agency_check_answers_offline_and_a_revoked_agency_warns_in_the_checklist() {
    let dir = init();
    assert_eq!(
        json(dir.path(), &["agency", "check", "PT Contoh Penempatan"])["standing"],
        "no_registry"
    );
    let tampered = dir.path().join("tampered.json");
    std::fs::write(
        &tampered,
        std::fs::read_to_string(content("agencies/sample.json"))
            .unwrap()
            .replace("\"revoked\"", "\"active\""),
    )
    .unwrap();
    let sig = content("agencies/sample.json.sig");
    let out = migran(
        dir.path(),
        &["agency", "install", tampered.to_str().unwrap(), &sig],
    );
    assert_ne!(code(&out), 0, "a tampered list is refused");
    ok(
        dir.path(),
        &["agency", "install", &content("agencies/sample.json"), &sig],
    );

    let check = |query: &str| json(dir.path(), &["agency", "check", query])["standing"].clone();
    assert_eq!(check("kep-0001/contoh/2026"), "active");
    assert_eq!(check("PT Contoh Dibekukan Sejahtera"), "suspended");
    assert_eq!(check("KEP-0003/CONTOH/2026"), "revoked");
    assert_eq!(check("PT Tidak Ada Contoh"), "unknown");
    assert!(ok(dir.path(), &["agency", "check", "PT Contoh Penempatan"]).contains("SAMPLE"));

    let warned = |licence: &str| {
        let person = json(
            dir.path(),
            &[
                "person",
                "add",
                "--name",
                "Siti Contoh",
                "--nik",
                &format!("320100000000{licence}"),
                "--birth-date",
                "1998-04-12",
                "--sex",
                "F",
                "--village",
                "Desa Contoh",
            ],
        );
        let id = person["id"].as_str().unwrap().to_string();
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
                "--agency",
                "PT Contoh",
                "--agency-licence",
                &format!("KEP-{licence}/CONTOH/2026"),
            ],
        );
        let view = json(dir.path(), &["checklist", "show", &id]);
        view["warnings"].to_string().contains("AgencyNotInGoodStanding")
    };
    assert!(!warned("0001"), "an active agency raises no warning");
    assert!(warned("0003"), "a revoked one does");
    assert!(warned("0009"), "an unknown one does");
}

#[test]
fn a_session_is_recorded_listed_and_shown_and_reaches_the_persons_export() {
    let dir = init();
    let person = json(
        dir.path(),
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
        ],
    );
    let id = person["id"].as_str().unwrap().to_string();
    let today = chrono_today();
    let session = json(
        dir.path(),
        &[
            "session",
            "add",
            "--date",
            &today,
            "--place",
            "Balai Desa Contoh",
            "--topics",
            "costs,check-recruiter",
            "--facilitator",
            "Bu Kades Contoh:desa",
            "--facilitator",
            "Petugas Contoh:bp3mi",
            "--attendees",
            "3201000000000001",
            "--guests",
            "female:adult=3,male:under-18=2",
            "--follow-up",
            "Kunjungi keluarga",
        ],
    );
    let session_id = session["id"].as_str().unwrap().to_string();
    assert_eq!(session["attendees"], serde_json::json!([id]));
    assert_eq!(session["facilitators"][1]["organisation"], "bp3mi");
    let listed = json(dir.path(), &["session", "list", "--from", &today]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let shown = ok(dir.path(), &["session", "show", &session_id]);
    assert!(
        shown.contains("Balai Desa Contoh") && shown.contains(&format!("  {}", 6)),
        "{shown}"
    );
    let export = json(dir.path(), &["person", "export", &id]);
    assert_eq!(
        export["education"]["lessons"],
        serde_json::json!(["check-recruiter", "costs"])
    );
    // The checklist's orientation item shows the session and its lessons.
    let checklist = ok(dir.path(), &["checklist", "show", &id]);
    let orientation = checklist
        .lines()
        .skip_while(|line| !line.contains("pre_departure_orientation"))
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        orientation.contains(&format!(
            "Village information session {today}: costs, check-recruiter"
        )) && orientation.contains("Lessons covered: check-recruiter, costs"),
        "{checklist}"
    );
    let checklist = json(dir.path(), &["checklist", "show", &id]);
    let items = checklist["items"].as_array().unwrap();
    let with_education: Vec<&str> = items
        .iter()
        .filter(|item| !item["education"].is_null())
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert_eq!(with_education, vec!["pre_departure_orientation"]);
    let education = &items
        .iter()
        .find(|item| item["id"] == "pre_departure_orientation")
        .unwrap()["education"];
    assert_eq!(education["sessions"][0]["session_id"], session_id.as_str());
    assert_eq!(
        education["lessons"],
        serde_json::json!(["check-recruiter", "costs"])
    );

    let refused = |topics: &str, facilitator: &str| {
        let out = migran(
            dir.path(),
            &[
                "session",
                "add",
                "--date",
                &today,
                "--place",
                "Balai",
                "--topics",
                topics,
                "--facilitator",
                facilitator,
            ],
        );
        code(&out)
    };
    assert_eq!(
        refused("no-such-lesson", "Bu Kades Contoh:desa"),
        5,
        "an unknown lesson"
    );
    assert_ne!(
        refused("costs", "Bu Kades Contoh:partai"),
        0,
        "an unknown organisation"
    );
}

/// Today on the core's clock (UTC), as the core writes dates.
fn chrono_today() -> String {
    chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string()
}
