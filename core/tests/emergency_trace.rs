//! What a seized phone's `locked.db` tells of a press of the button (issue 19): nothing of
//! when, nothing of which kind. Read from outside the core, as someone holding the device
//! secret could (a rooted phone, locked).
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{ActionStatus, EmergencyCard, EmergencyKind, GeoLocation, Locale};
use support::*;

const KINDS: [EmergencyKind; 8] = [
    EmergencyKind::Violence,
    EmergencyKind::Medical,
    EmergencyKind::HeldAgainstWill,
    EmergencyKind::PassportTaken,
    EmergencyKind::UnpaidWages,
    EmergencyKind::Detention,
    EmergencyKind::WantToGoHome,
    EmergencyKind::Other,
];

fn card() -> EmergencyCard {
    fake_card("HK")
}

/// Every row of the outbox as stored: (id, seq, length of the sealed data).
fn scan(dir: &std::path::Path) -> Vec<(String, i64, i64)> {
    let conn = migran_core::testing::open_locked_store(dir, Some(&device_secret())).unwrap();
    let mut statement = conn
        .prepare("SELECT id, seq, length(data) FROM emergency_outbox ORDER BY seq")
        .unwrap();
    let rows = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn every_kind_of_alert_leaves_the_same_sealed_size_a_random_id_and_no_clear_time() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    vault.set_emergency_card(card()).unwrap();
    vault.lock();
    let here = GeoLocation {
        latitude: 22.31930,
        longitude: 114.16940,
        fix_time_epoch_ms: None,
    };
    let mut ids = Vec::new();
    for (n, kind) in KINDS.into_iter().enumerate() {
        // With and without a location, in both languages: the plans differ in length.
        let (location, locale) = match n % 2 {
            0 => (Some(here), Locale::Id),
            _ => (None, Locale::En),
        };
        let alert = vault.trigger_emergency(kind, None, location, locale).unwrap();
        ids.push(alert.id);
    }
    // Rows that changed after the press keep the size too.
    vault
        .record_emergency_action(ids[0].clone(), 0, ActionStatus::HandedToOs)
        .unwrap();
    vault
        .record_emergency_action(ids[0].clone(), 0, ActionStatus::Failed)
        .unwrap();
    vault
        .acknowledge_emergency(ids[2].clone(), "Kader Contoh dari Desa Contoh".into())
        .unwrap();

    let rows = scan(dir.path());
    assert_eq!(rows.len(), KINDS.len());
    let sizes: std::collections::BTreeSet<i64> = rows.iter().map(|(_, _, len)| *len).collect();
    assert_eq!(sizes.len(), 1, "sealed sizes per kind: {rows:?}");

    // The ids are the ones the API gave, in the order of the presses, all different.
    let stored: Vec<&String> = rows.iter().map(|(id, _, _)| id).collect();
    assert_eq!(stored, ids.iter().collect::<Vec<_>>());
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len());
    // No id carries the time it was made: read as the old ids were (48 bits of
    // milliseconds first), none falls within a day of now (a random one does so with a
    // chance of about 6 in 10 million).
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i128;
    for id in &ids {
        assert_eq!(id.len(), 32, "{id}");
        let millis = i128::from(u64::from_str_radix(&id[..12], 16).unwrap());
        assert!((millis - now_ms).abs() > 86_400_000, "id {id} encodes the time");
    }
    // Sorted ids do not give the order of the presses (all eight in order by chance: 1 in 40,320).
    let mut sorted = ids.clone();
    sorted.sort();
    assert_ne!(sorted, ids, "ids sort in the order they were made");

    // No column but the id, the order and the seal; the old table with its clear times is empty.
    let conn = migran_core::testing::open_locked_store(dir.path(), Some(&device_secret())).unwrap();
    let mut statement = conn
        .prepare("SELECT name FROM pragma_table_info('emergency_outbox')")
        .unwrap();
    let columns: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(columns, ["id", "seq", "data"]);
    let old: i64 = conn
        .query_row("SELECT count(*) FROM emergency_alerts", [], |row| row.get(0))
        .unwrap();
    assert_eq!(old, 0);

    // The log still gives them newest first, with the press time from inside the seal.
    let log = vault.emergency_log().unwrap();
    let logged: Vec<String> = log.iter().map(|a| a.id.clone()).collect();
    assert_eq!(logged, ids.iter().rev().cloned().collect::<Vec<_>>());
    assert!(log.iter().all(|a| a.created_at.starts_with("2026-11-28")));
    assert_eq!(log[KINDS.len() - 1].states[0].attempts, 1);
}
