//! For the unit tests of the cadre's records (visits, cases, reintegration): a vault on
//! a fixed day with one person, and a look at the rows behind the API.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::types::Value;

use crate::people::{PersonInput, Sex};
use crate::time::Clock;
use crate::vault::{Vault, VaultSettings};

pub(crate) struct FixedClock(pub(crate) DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A vault on 2026-06-15 (10:00 UTC) in `dir`, with one registered person; their id.
pub(crate) fn vault_with_person(dir: &std::path::Path) -> (Arc<Vault>, String) {
    let clock = Utc.with_ymd_and_hms(2026, 6, 15, 10, 0, 0).single().unwrap();
    let settings = VaultSettings {
        kdf_iterations: crate::MIN_KDF_ITERATIONS,
        ..VaultSettings::default()
    };
    let vault = Vault::create_with_clock(dir, "246810", None, settings, Arc::new(FixedClock(clock))).unwrap();
    let person = vault
        .add_person(PersonInput {
            full_name: "Siti Contoh".into(),
            nik: "3201000000000001".into(),
            birth_date: "1998-04-12".into(),
            sex: Sex::Female,
            phone: None,
            address: None,
            village: "Desa Contoh".into(),
        })
        .unwrap();
    (vault, person.id)
}

/// The values `sql` selects in its first row, as SQLite holds them.
pub(crate) fn row_of(vault: &Vault, sql: &str) -> Vec<Value> {
    vault
        .read(|s| {
            Ok(s.conn.query_row(sql, [], |row| {
                (0..row.as_ref().column_count())
                    .map(|i| row.get::<_, Value>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })?)
        })
        .unwrap()
}

/// Runs `sql` on the vault's database, as a meddler holding the key could.
pub(crate) fn meddle(vault: &Vault, sql: &str) {
    vault
        .write(|s| {
            s.conn.execute_batch(sql)?;
            Ok(())
        })
        .unwrap();
}

/// How many rows `table` holds.
pub(crate) fn count(vault: &Vault, table: &str) -> i64 {
    match row_of(vault, &format!("SELECT count(*) FROM {table}")).as_slice() {
        [Value::Integer(n)] => *n,
        other => panic!("{other:?}"),
    }
}

/// A text value.
pub(crate) fn text(value: &str) -> Value {
    Value::Text(value.to_string())
}
