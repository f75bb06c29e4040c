//! `migran follow sync --relay URL` on the real binary against a real relay (SQLite,
//! started in the test on 127.0.0.1; issue 18): the cadre's device in a team on the relay,
//! Siti's own phone and her family's, linked with the file commands, then served through
//! the relay until her consent to share with family is withdrawn.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[path = "support/relay.rs"]
mod relay;
mod support;

use relay::Relay;
use support::{add_siti, code, migran, migran_with_env, ok, stderr, stdout};

fn json(vault: &Path, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    serde_json::from_str(&ok(vault, &args)).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Links `phone` to Siti with the file commands (request, package, accept); the link id.
fn link(cadre: &Path, phone: &Path, siti: &str, kind: &str, files: &Path) -> String {
    let request = files.join(format!("request-{kind}.txt"));
    ok(phone, &["follow", "request", "--out", path(&request)]);
    let package = files.join(format!("package-{kind}.txt"));
    let linked = json(
        cadre,
        &[
            "follow",
            "link",
            siti,
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
    let accepted = json(phone, &["follow", "accept", path(&package)]);
    assert_eq!(accepted["view_number"], 1);
    linked["link"]["link_id"].as_str().unwrap().to_string()
}

fn done_items(family: &Path) -> u64 {
    json(family, &["follow", "show"])["checklist"]["done"]
        .as_u64()
        .unwrap()
}

#[test]
fn views_and_alerts_travel_through_the_relay_until_the_consent_is_withdrawn() {
    let root = tempfile::tempdir().unwrap();
    let relay = Relay::start(&root.path().join("relay"));
    let url = relay.url();
    let (cadre, siti_phone, family) = (
        root.path().join("cadre"),
        root.path().join("siti"),
        root.path().join("family"),
    );
    let files = root.path().join("carried");
    std::fs::create_dir_all(&files).unwrap();
    for vault in [&cadre, &siti_phone, &family] {
        ok(vault, &["init", "--kdf-iterations", "10000"]);
    }

    // The cadre's device: a team on the relay (its first device), Siti registered with her
    // journey and her consent to share with family.
    ok(&cadre, &["team", "create"]);
    ok(&cadre, &["sync", "--relay", &url]);
    let siti = add_siti(&cadre);
    ok(
        &cadre,
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
    ok(&cadre, &["consent", "give", &siti, "family"]);
    ok(&siti_phone, &["role", "set", "migrant"]);
    ok(&family, &["role", "set", "keluarga"]);

    // A device with no role is told both ways to begin.
    let stranger = root.path().join("stranger");
    ok(&stranger, &["init", "--kdf-iterations", "10000"]);
    let out = migran(&stranger, &["follow", "sync", "--relay", &url]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("migran team create") && stderr(&out).contains("migran role set"),
        "{}",
        stderr(&out)
    );
    // A phone that follows no one yet names the missing step (exit 1).
    let out = migran(&family, &["follow", "sync", "--relay", &url]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("migran follow request"), "{}", stderr(&out));

    let siti_link = link(&cadre, &siti_phone, &siti, "migrant", &files);
    let family_link = link(&cadre, &family, &siti, "family", &files);
    assert_ne!(siti_link, family_link);

    // Before the cadre put the link on the relay, the family's phone is told whose step
    // is missing: a relay problem (exit 8).
    let out = migran(&family, &["follow", "sync", "--relay", &url]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the cadre must run 'migran follow sync --relay"),
        "{}",
        stderr(&out)
    );

    // The cadre ticks an item; its follow sync registers both channels and puts the views.
    let before = done_items(&family);
    ok(
        &cadre,
        &["checklist", "set", &siti, "ktp", "done", "--by", "Kader Contoh"],
    );
    let served = json(&cadre, &["follow", "sync", "--relay", &url]);
    assert_eq!(served["role"], "cadre", "{served}");
    assert_eq!(served["links_registered"], 2, "{served}");
    assert_eq!(served["views_pushed"], 2, "{served}");
    assert_eq!(served["events_imported"], 0, "{served}");
    assert_eq!(served["links_closed"], 0, "{served}");

    // The family's phone receives view 2 and shows the ticked item.
    let received = json(&family, &["follow", "sync", "--relay", &url]);
    assert_eq!(received["role"], "family", "{received}");
    assert_eq!(received["view_received"], true, "{received}");
    assert_eq!(received["events_pushed"], false, "{received}");
    assert_eq!(received["link"]["link_id"], family_link.as_str());
    assert_eq!(received["link"]["view_number"], 2, "{received}");
    assert_eq!(done_items(&family), before + 1);
    let shown = ok(&family, &["follow", "show"]);
    assert!(
        shown.contains(&format!("Siti's departure preparation: {} of", before + 1)),
        "{shown}"
    );
    // Nothing newer: said so, the view number kept.
    let again = ok(&family, &["follow", "sync", "--relay", &url]);
    assert!(again.contains("No newer view; still view number 2"), "{again}");
    let again = migran_with_env(
        &family,
        &["follow", "sync", "--relay", &url],
        &[("MIGRAN_LANG", "id")],
    );
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stdout(&again).contains("Tidak ada tampilan yang lebih baru; tetap tampilan ke-2"),
        "{}",
        stdout(&again)
    );

    // Abroad, Siti presses the button; her phone's follow sync pushes its events.
    let alert = json(&siti_phone, &["emergency", "trigger", "--kind", "held"]);
    let alert_id = alert["id"].as_str().unwrap().to_string();
    let pushed = ok(&siti_phone, &["follow", "sync", "--relay", &url]);
    assert!(
        pushed.contains("Alerts and missed check-ins sent to the team through the relay."),
        "{pushed}"
    );
    assert!(
        pushed.contains("A newer view was received (view number 2)"),
        "{pushed}"
    );

    // The cadre's next follow sync imports them: the alert leads the agenda.
    let out = migran_with_env(
        &cadre,
        &["follow", "sync", "--relay", &url],
        &[("MIGRAN_LANG", "id")],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1 berkas peringatan diterima (1 peringatan baru, 0 diperbarui)"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("migran agenda"), "{}", stdout(&out));
    let agenda = json(&cadre, &["agenda"]);
    assert_eq!(agenda["items"][0]["kind"], "MigrantAlert", "{agenda}");
    assert_eq!(agenda["items"][0]["record_id"], alert_id.as_str());
    assert_eq!(agenda["items"][0]["person_id"], siti.as_str());
    let table = ok(&cadre, &["agenda"]);
    let first_row = table.lines().nth(3).unwrap_or_default();
    assert!(first_row.contains("Siti Contoh"), "{table}");

    // Consent withdrawn: the cadre's next follow sync closes the family's channel (and
    // still serves Siti's link); the family's phone is then refused with LinkEnded.
    let family_view = json(&family, &["follow", "show"])["link"]["view_number"].clone();
    ok(&cadre, &["consent", "withdraw", &siti, "family"]);
    let closed = json(&cadre, &["follow", "sync", "--relay", &url]);
    assert_eq!(closed["links_closed"], 1, "{closed}");
    assert_eq!(closed["views_pushed"], 1, "{closed}");
    let out = migran(&family, &["follow", "sync", "--relay", &url]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("this link was ended"), "{}", stderr(&out));
    let out = migran_with_env(
        &family,
        &["follow", "sync", "--relay", &url],
        &[("MIGRAN_LANG", "id")],
    );
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("tautan ini sudah diakhiri"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        json(&family, &["follow", "show"])["link"]["view_number"],
        family_view,
        "the view held stays, nothing newer came"
    );
    // Closed once: the next follow sync closes nothing more.
    let quiet = json(&cadre, &["follow", "sync", "--relay", &url]);
    assert_eq!(quiet["links_closed"], 0, "{quiet}");
}

#[test]
fn follow_sync_needs_a_relay_address_and_refuses_a_bad_one() {
    let root = tempfile::tempdir().unwrap();
    let cadre = root.path().join("cadre");
    ok(&cadre, &["init", "--kdf-iterations", "10000"]);
    ok(&cadre, &["team", "create"]);
    let out = migran(&cadre, &["follow", "sync"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--relay"), "{}", stderr(&out));
    // Plain HTTP to another machine is refused before anything is sent (exit 8).
    let out = migran(
        &cadre,
        &["follow", "sync", "--relay", "http://relay.desa-contoh.example"],
    );
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("https://"), "{}", stderr(&out));
}
