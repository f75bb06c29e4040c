//! Conflicts: the losing version of a person edited on two devices at once, kept for
//! the cadre to see and resolve, never dropped.
//!
//! A conflict is a record of its own (`sync_conflicts`, written through the storage
//! kernel), so it travels like any record: its id is a hash of the person and the losing
//! version, and every device that meets the same loser makes the same conflict. Erasing
//! the person deletes their conflicts (foreign key), values and all.

use rusqlite::{Row, ToSql};
use serde_json::{Map, Value as Json};

use crate::crypto;
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::store::kernel::{stored_sql, Stored};
use crate::vault::Session;

use super::feed::{self, Version, PERSONS};
use super::rows;
use super::text::hex;
use super::{ConflictField, ConflictReason, SyncConflict};

/// A conflict as stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredConflict {
    id: String,
    person_id: String,
    reason: ConflictReason,
    losing_origin: String,
    losing_seq: i64,
    losing_hlc: i64,
    kept_hlc: i64,
    /// The losing version's columns, as a JSON object (column name to value).
    losing_values: String,
    resolved: bool,
    kept_losing: Option<bool>,
}

impl Stored for StoredConflict {
    const KIND: RecordKind = RecordKind::Person;
    stored_sql!(table: "sync_conflicts", key: "id", columns: [
        "person_id", "reason", "losing_origin", "losing_seq", "losing_hlc", "kept_hlc", "losing_values",
        "resolved", "kept_losing",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.reason,
            &self.losing_origin,
            &self.losing_seq,
            &self.losing_hlc,
            &self.kept_hlc,
            &self.losing_values,
            &self.resolved,
            &self.kept_losing,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredConflict {
            id: row.get(0)?,
            person_id: row.get(1)?,
            reason: row.get(2)?,
            losing_origin: row.get(3)?,
            losing_seq: row.get(4)?,
            losing_hlc: row.get(5)?,
            kept_hlc: row.get(6)?,
            losing_values: row.get(7)?,
            resolved: row.get(8)?,
            kept_losing: row.get(9)?,
        })
    }
}

fn conflict_id(person_id: &str, losing: &Version) -> String {
    let text = format!("{person_id}\0{}\0{}\0{}", losing.key, losing.origin, losing.seq);
    hex(&crypto::sha256(text.as_bytes())[..16])
}

fn object(columns: &[String], values: &[Json]) -> Result<String> {
    let map: Map<String, Json> = columns.iter().cloned().zip(values.iter().cloned()).collect();
    serde_json::to_string(&map).map_err(|_| MigranError::internal("a conflict did not serialise"))
}

fn store_new(s: &Session<'_>, conflict: StoredConflict) -> Result<()> {
    if s.find::<StoredConflict>(&conflict.id)?.is_none() {
        s.insert(&conflict)?;
    }
    Ok(())
}

/// Keeps `losing` (a person's version that lost to a concurrent edit) as a conflict.
pub(crate) fn record(
    s: &Session<'_>,
    losing: &Version,
    columns: &[String],
    values: &[Json],
    kept_hlc: u64,
) -> Result<()> {
    store_new(
        s,
        StoredConflict {
            id: conflict_id(&losing.key, losing),
            person_id: losing.key.clone(),
            reason: ConflictReason::ConcurrentEdit,
            losing_origin: losing.origin.clone(),
            losing_seq: losing.seq as i64,
            losing_hlc: losing.hlc as i64,
            kept_hlc: kept_hlc as i64,
            losing_values: object(columns, values)?,
            resolved: false,
            kept_losing: None,
        },
    )
}

/// Keeps a person from another device whose NIK a person here already has: it is not
/// applied, and the conflict hangs off the person holding the NIK.
pub(crate) fn record_taken_nik(
    s: &Session<'_>,
    incoming: &Version,
    columns: &[String],
    values: &[Json],
) -> Result<()> {
    let nik = columns
        .iter()
        .position(|column| column == "nik")
        .and_then(|at| values.get(at))
        .and_then(Json::as_str)
        .unwrap_or_default();
    let holder: Option<String> = s
        .conn
        .prepare_cached("SELECT id FROM persons WHERE nik = ?1")?
        .query_row([nik], |row| row.get(0))
        .ok();
    let Some(holder) = holder else {
        return Err(MigranError::internal("a NIK conflict without a holder"));
    };
    let kept_hlc = feed::version(s.conn, PERSONS, &holder)?.map_or(0, |version| version.hlc);
    store_new(
        s,
        StoredConflict {
            id: conflict_id(&holder, incoming),
            person_id: holder,
            reason: ConflictReason::NikTaken,
            losing_origin: incoming.origin.clone(),
            losing_seq: incoming.seq as i64,
            losing_hlc: incoming.hlc as i64,
            kept_hlc: kept_hlc as i64,
            losing_values: object(columns, values)?,
            resolved: false,
            kept_losing: None,
        },
    )
}

/// The conflicts not resolved yet, oldest loser first.
pub(crate) fn list(s: &Session<'_>) -> Result<Vec<SyncConflict>> {
    let stored: Vec<StoredConflict> = s.select("WHERE resolved = 0 ORDER BY losing_hlc, id", [])?;
    stored.iter().map(|conflict| view(s, conflict)).collect()
}

fn view(s: &Session<'_>, conflict: &StoredConflict) -> Result<SyncConflict> {
    let losing: Map<String, Json> =
        serde_json::from_str(&conflict.losing_values).map_err(|_| MigranError::Tampered {
            kind: RecordKind::Person,
        })?;
    let key_column = rows::key_column(s.conn, PERSONS)?;
    let kept = rows::read_row(s.conn, PERSONS, &key_column, &conflict.person_id)?.unwrap_or_default();
    let columns = rows::table_columns(s.conn, PERSONS)?;
    let mut fields = Vec::new();
    for (at, (column, _)) in columns.iter().enumerate() {
        let kept_value = kept.get(at).and_then(text_of);
        let losing_value = losing.get(column).and_then(text_of);
        if kept_value != losing_value && column != "updated_at" {
            fields.push(ConflictField {
                field: column.clone(),
                kept: kept_value,
                losing: losing_value,
            });
        }
    }
    Ok(SyncConflict {
        id: conflict.id.clone(),
        person_id: conflict.person_id.clone(),
        reason: conflict.reason,
        fields,
        kept_hlc: conflict.kept_hlc as u64,
        losing_hlc: conflict.losing_hlc as u64,
        losing_device: conflict.losing_origin.clone(),
    })
}

fn text_of(value: &Json) -> Option<String> {
    match value {
        Json::Null => None,
        Json::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// Resolves a conflict: keeps the current version, or writes the losing one back as a
/// new edit of this device (which then wins on every device).
pub(crate) fn resolve(s: &Session<'_>, id: &str, keep_losing: bool) -> Result<()> {
    let mut conflict: StoredConflict = s.get(id)?;
    if conflict.resolved {
        return Ok(());
    }
    if keep_losing {
        if conflict.reason == ConflictReason::NikTaken {
            return Err(MigranError::invalid("keep_losing", InvalidReason::Inconsistent));
        }
        let losing: Map<String, Json> =
            serde_json::from_str(&conflict.losing_values).map_err(|_| MigranError::Tampered {
                kind: RecordKind::Person,
            })?;
        let key_column = rows::key_column(s.conn, PERSONS)?;
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for (column, _) in rows::table_columns(s.conn, PERSONS)? {
            if let Some(value) = losing.get(&column) {
                values.push(if column == "updated_at" {
                    Json::String(crate::time::instant_text(s.now))
                } else {
                    value.clone()
                });
                columns.push(column);
            }
        }
        match rows::write_row(s.conn, PERSONS, &key_column, &columns, &values) {
            Ok(()) => {}
            Err(rows::WriteRefused::ValueTaken) => {
                return Err(MigranError::Duplicate {
                    field: "nik".to_string(),
                })
            }
            Err(rows::WriteRefused::ParentGone) => {
                return Err(MigranError::NotFound {
                    kind: RecordKind::Person,
                })
            }
            Err(rows::WriteRefused::Failed(err)) => return Err(err),
        }
        feed::record_local_write(
            s,
            PERSONS,
            &conflict.person_id,
            crate::store::kernel::WriteOp::Put,
        )?;
        s.audit(
            crate::audit::AuditAction::Update,
            RecordKind::Person,
            &conflict.person_id,
            &conflict.person_id,
        );
    }
    conflict.resolved = true;
    conflict.kept_losing = Some(keep_losing);
    s.upsert(&conflict)
}
