//! Follow links through the `migran` command (issue 18): three vault folders, the cadre's,
//! Siti's own phone and her family's, and the files carried between them by hand. The
//! real binary, as a cadre and the phones' owners would run it.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

mod support;

use support::{add_siti, code, migran, ok, stderr, stdout};

fn json(vault: &Path, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    serde_json::from_str(&ok(vault, &args)).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The three devices of the journey, each its own vault folder, and a folder for the
/// files carried between them.
struct Devices {
    cadre: PathBuf,
    siti: PathBuf,
    family: PathBuf,
    files: PathBuf,
    siti_id: String,
}

impl Devices {
    fn file(&self, name: &str) -> PathBuf {
        self.files.join(name)
    }
}

/// The cadre's device in a team of its own, with Siti registered (her journey to
/// Malaysia, her passport, her mother's phone), and two phones that chose their role.
fn devices(root: &Path) -> Devices {
    let devices = Devices {
        cadre: root.join("cadre"),
        siti: root.join("siti"),
        family: root.join("family"),
        files: root.join("carried"),
        siti_id: String::new(),
    };
    std::fs::create_dir_all(&devices.files).unwrap();
    for vault in [&devices.cadre, &devices.siti, &devices.family] {
        ok(vault, &["init", "--kdf-iterations", "10000"]);
    }
    ok(&devices.cadre, &["team", "create"]);
    let siti = add_siti(&devices.cadre);
    ok(
        &devices.cadre,
        &[
            "journey",
            "set",
            &siti,
            "--country",
            "MY",
            "--departure",
            "2027-03-01",
        ],
    );
    ok(
        &devices.cadre,
        &[
            "document",
            "add",
            &siti,
            "--kind",
            "passport",
            "--number",
            "C0000001",
            "--expires",
            "2031-01-01",
        ],
    );
    ok(
        &devices.cadre,
        &[
            "contact",
            "add",
            &siti,
            "--name",
            "Ibu Contoh",
            "--relation",
            "mother",
            "--phone",
            "081299990001",
        ],
    );
    ok(&devices.siti, &["role", "set", "migrant"]);
    ok(&devices.family, &["role", "set", "keluarga"]);
    assert_eq!(json(&devices.siti, &["role"])["role"], "migrant");
    assert_eq!(json(&devices.family, &["role"])["role"], "family");
    Devices {
        siti_id: siti,
        ..devices
    }
}

/// Links a phone to Siti: its request as a file, the cadre's package as a file, the
/// phone accepting it. Both sides show the same request fingerprint and team
/// fingerprint. Returns the link's id.
fn link(devices: &Devices, phone: &Path, kind: &str) -> String {
    let request = devices.file(&format!("request-{kind}.txt"));
    let asked = json(phone, &["follow", "request", "--out", path(&request)]);
    assert!(std::fs::read_to_string(&request).unwrap().starts_with("MEL1"));
    let package = devices.file(&format!("package-{kind}.txt"));
    let linked = json(
        &devices.cadre,
        &[
            "follow",
            "link",
            &devices.siti_id,
            "--kind",
            kind,
            "--request",
            path(&request),
            "--cadre-name",
            "Kader Contoh",
            "--cadre-phone",
            "081299990002",
            "--out",
            path(&package),
        ],
    );
    assert_eq!(linked["request_fingerprint"], asked["fingerprint"]);
    assert_eq!(linked["link"]["kind"], kind);
    let accepted = json(phone, &["follow", "accept", path(&package)]);
    let link_id = linked["link"]["link_id"].as_str().unwrap().to_string();
    assert_eq!(accepted["link_id"], link_id.as_str());
    assert_eq!(accepted["view_number"], 1);
    let team = json(&devices.cadre, &["team", "invite"]);
    assert_eq!(accepted["team_fingerprint"], team["fingerprint"]);
    link_id
}

fn done_items(family: &Path) -> u64 {
    json(family, &["follow", "show"])["checklist"]["done"]
        .as_u64()
        .unwrap()
}

#[test]
fn the_journey_from_registration_to_an_acknowledged_alert_through_the_command() {
    let root = tempfile::tempdir().unwrap();
    let devices = devices(root.path());
    let siti = devices.siti_id.clone();

    // Without her consent to share with family, no family link: the hint says what to do.
    let request = devices.file("early-request.txt");
    ok(&devices.family, &["follow", "request", "--out", path(&request)]);
    let refused = migran(
        &devices.cadre,
        &[
            "follow",
            "link",
            &siti,
            "--kind",
            "family",
            "--request",
            path(&request),
            "--out",
            path(&devices.file("early-package.txt")),
        ],
    );
    assert_eq!(code(&refused), 6, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("migran consent give PERSON family"),
        "{}",
        stderr(&refused)
    );
    assert!(!devices.file("early-package.txt").exists());
    ok(&devices.cadre, &["consent", "give", &siti, "family"]);

    // Siti's phone imports her package: her card is on the button at once.
    let siti_link = link(&devices, &devices.siti, "migrant");
    let card = ok(&devices.siti, &["emergency", "card", "show"]);
    assert!(card.contains("Siti Contoh") && card.contains("MY"), "{card}");
    let her_view = json(&devices.siti, &["follow", "show"]);
    assert_eq!(her_view["kind"], "migrant");
    assert_eq!(her_view["departure_date"], "2027-03-01");

    // Her family's phone links; the cadre ticks an item; after the view the family sees it.
    let family_link = link(&devices, &devices.family, "family");
    let before = done_items(&devices.family);
    ok(
        &devices.cadre,
        &["checklist", "set", &siti, "ktp", "done", "--by", "Kader Contoh"],
    );
    let view = devices.file("family-view-2.bin");
    ok(
        &devices.cadre,
        &["follow", "view-export", &family_link, "--out", path(&view)],
    );
    let imported = json(&devices.family, &["follow", "view-import", path(&view)]);
    assert_eq!(imported["view_number"], 2);
    assert_eq!(done_items(&devices.family), before + 1);
    let shown = ok(&devices.family, &["follow", "show"]);
    assert!(
        shown.contains(&format!("Siti's departure preparation: {} of", before + 1)),
        "{shown}"
    );
    assert!(
        !shown.contains("3201000000000001"),
        "no NIK on the family's phone: {shown}"
    );

    // Abroad, Siti presses the button; after the events file the alert leads the agenda.
    let alert = json(&devices.siti, &["emergency", "trigger", "--kind", "held"]);
    let alert_id = alert["id"].as_str().unwrap().to_string();
    let events = devices.file("events-1.bin");
    ok(
        &devices.siti,
        &["follow", "events-export", "--out", path(&events)],
    );
    let report = json(&devices.cadre, &["follow", "events-import", path(&events)]);
    assert_eq!(
        (report["new_alerts"].as_u64(), report["updated"].as_u64()),
        (Some(1), Some(0))
    );
    let agenda = json(&devices.cadre, &["agenda"]);
    assert_eq!(agenda["items"][0]["kind"], "MigrantAlert", "{agenda}");
    assert_eq!(agenda["items"][0]["record_id"], alert_id.as_str());
    assert_eq!(agenda["items"][0]["person_id"], siti.as_str());
    let table = ok(&devices.cadre, &["agenda"]);
    let first_row = table.lines().nth(3).unwrap_or_default();
    assert!(
        first_row.contains("Siti Contoh") && first_row.contains(&format!("migran follow ack {alert_id}")),
        "{table}"
    );
    let listed = ok(&devices.cadre, &["follow", "alerts", &siti]);
    assert!(listed.contains(&alert_id) && listed.contains("held"), "{listed}");

    // The cadre acknowledges; Siti's emergency log shows it after the next view.
    ok(
        &devices.cadre,
        &["follow", "ack", &alert_id, "--by", "Kader Contoh"],
    );
    let agenda = json(&devices.cadre, &["agenda"]);
    assert!(
        agenda["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|item| item["kind"] != "MigrantAlert"),
        "{agenda}"
    );
    let view = devices.file("siti-view-2.bin");
    ok(
        &devices.cadre,
        &["follow", "view-export", &siti_link, "--out", path(&view)],
    );
    ok(&devices.siti, &["follow", "view-import", path(&view)]);
    let log = ok(&devices.siti, &["emergency", "log"]);
    let line = log.lines().find(|line| line.contains(&alert_id)).unwrap();
    assert!(line.contains("acknowledged by: Kader Contoh"), "{log}");

    // The family is told an alert was raised and answered, not what it said.
    let view = devices.file("family-view-3.bin");
    ok(
        &devices.cadre,
        &["follow", "view-export", &family_link, "--out", path(&view)],
    );
    ok(&devices.family, &["follow", "view-import", path(&view)]);
    let shown = json(&devices.family, &["follow", "show"]);
    assert_eq!(shown["alerts"][0]["acknowledged"], true, "{shown}");
    let said = ok(&devices.family, &["follow", "show"]);
    assert!(said.contains("the cadre answered it"), "{said}");
}

#[test]
fn consent_withdrawn_ends_the_family_link_and_its_view_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let devices = devices(root.path());
    let siti = devices.siti_id.clone();
    ok(&devices.cadre, &["consent", "give", &siti, "family"]);
    let family_link = link(&devices, &devices.family, "family");
    ok(&devices.cadre, &["consent", "withdraw", &siti, "family"]);

    let view = devices.file("after-withdrawal.bin");
    let refused = migran(
        &devices.cadre,
        &["follow", "view-export", &family_link, "--out", path(&view)],
    );
    assert_eq!(code(&refused), 7, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("this link was ended"),
        "{}",
        stderr(&refused)
    );
    assert!(!view.exists(), "nothing was written");
    let links = json(&devices.cadre, &["follow", "links", &siti]);
    assert_eq!(links[0]["end_reason"], "consent-withdrawn", "{links}");
    let table = ok(&devices.cadre, &["follow", "links", &siti]);
    assert!(table.contains("consent withdrawn"), "{table}");
}

#[test]
fn a_link_ended_by_hand_is_listed_and_refuses_its_views() {
    let root = tempfile::tempdir().unwrap();
    let devices = devices(root.path());
    let siti_link = link(&devices, &devices.siti, "migrant");
    let ended = json(
        &devices.cadre,
        &["follow", "end", &siti_link, "--reason", "phone-lost"],
    );
    assert_eq!(ended["end_reason"], "phone-lost");
    assert!(ended["ended_at"].is_string());
    let refused = migran(
        &devices.cadre,
        &[
            "follow",
            "view-export",
            &siti_link,
            "--out",
            path(&devices.file("view.bin")),
        ],
    );
    assert_eq!(code(&refused), 7, "{}", stderr(&refused));
    let bad_reason = migran(
        &devices.cadre,
        &["follow", "end", &siti_link, "--reason", "bored"],
    );
    assert_eq!(code(&bad_reason), 5, "{}", stderr(&bad_reason));
}

#[test]
fn garbage_and_altered_files_are_refused_and_change_nothing() {
    let root = tempfile::tempdir().unwrap();
    let devices = devices(root.path());
    let siti = devices.siti_id.clone();
    ok(&devices.cadre, &["consent", "give", &siti, "family"]);
    let family_link = link(&devices, &devices.family, "family");
    let siti_link = link(&devices, &devices.siti, "migrant");

    let garbage = devices.file("garbage.bin");
    std::fs::write(&garbage, b"this is no view, only words carried by mistake\n").unwrap();
    for (vault, command) in [
        (&devices.family, "view-import"),
        (&devices.cadre, "events-import"),
        (&devices.siti, "accept"),
    ] {
        let out = migran(vault, &["follow", command, path(&garbage)]);
        assert_ne!(code(&out), 0, "{command}");
        assert!(
            stderr(&out).starts_with("migran: ") && stderr(&out).len() > 20,
            "{command}: a clear message: {}",
            stderr(&out)
        );
    }

    // A real view with one character changed: the seal or signature does not check.
    let view = devices.file("view.bin");
    ok(
        &devices.cadre,
        &["follow", "view-export", &family_link, "--out", path(&view)],
    );
    let mut bytes = std::fs::read(&view).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    let altered = devices.file("altered.bin");
    std::fs::write(&altered, &bytes).unwrap();
    let out = migran(&devices.family, &["follow", "view-import", path(&altered)]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Refused") || stderr(&out).contains("refused"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        json(&devices.family, &["follow", "show"])["link"]["view_number"],
        1
    );

    // The untouched view is taken once; the same file again is a replay.
    ok(&devices.family, &["follow", "view-import", path(&view)]);
    let replayed = migran(&devices.family, &["follow", "view-import", path(&view)]);
    assert_eq!(code(&replayed), 7, "{}", stderr(&replayed));

    // A migrant's view is not for the family's phone.
    let migrant_view = devices.file("migrant-view.bin");
    ok(
        &devices.cadre,
        &["follow", "view-export", &siti_link, "--out", path(&migrant_view)],
    );
    let out = migran(&devices.family, &["follow", "view-import", path(&migrant_view)]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));

    // A phone that follows no one says which step is missing.
    let stranger = root.path().join("stranger");
    ok(&stranger, &["init", "--kdf-iterations", "10000"]);
    let out = migran(&stranger, &["follow", "show"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("migran follow request"), "{}", stderr(&out));
}

#[test]
fn roles_the_request_on_standard_output_and_forgetting_a_link() {
    let root = tempfile::tempdir().unwrap();
    let devices = devices(root.path());
    // A device in a team cannot become a migrant's phone.
    let out = migran(&devices.cadre, &["role", "set", "migrant"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(json(&devices.cadre, &["role"])["role"], "cadre");
    let out = migran(&devices.siti, &["role", "set", "astronaut"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));

    // Without --out the request is alone on standard output (for a QR code), the
    // fingerprint on standard error; the cadre takes the text itself.
    let out = migran(&devices.family, &["follow", "request"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out).trim().to_string();
    assert!(text.starts_with("MEL1") && !text.contains(' '), "{text}");
    assert!(stderr(&out).contains("Fingerprint: "), "{}", stderr(&out));
    // Into a folder that does not exist: refused with the file named, exit 1.
    let nowhere = devices.file("no-such-folder/request.txt");
    let out = migran(&devices.family, &["follow", "request", "--out", path(&nowhere)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    ok(&devices.cadre, &["consent", "give", &devices.siti_id, "family"]);
    let package = devices.file("package.txt");
    let said = ok(
        &devices.cadre,
        &[
            "follow",
            "link",
            &devices.siti_id,
            "--kind",
            "family",
            "--request",
            &text,
            "--out",
            path(&package),
        ],
    );
    assert!(said.contains("Request fingerprint: "), "{said}");
    // An existing file is not replaced without --force.
    let again = migran(
        &devices.cadre,
        &[
            "follow",
            "link",
            &devices.siti_id,
            "--kind",
            "family",
            "--request",
            &text,
            "--out",
            path(&package),
        ],
    );
    assert_eq!(code(&again), 1, "{}", stderr(&again));
    ok(&devices.family, &["follow", "accept", path(&package)]);
    let again = migran(&devices.family, &["follow", "accept", path(&package)]);
    assert_eq!(code(&again), 7, "already following: {}", stderr(&again));

    ok(&devices.family, &["follow", "forget", "--yes"]);
    let out = migran(&devices.family, &["follow", "show"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
}
