//! Applying another device's changes: deterministic, whatever order they arrive in
//! (docs/sync.md, "Merge").
//!
//! - A version whose lineage includes the held one replaces it; one the held version
//!   includes is ignored; concurrent versions are ordered by HLC, then origin device id,
//!   and the winner's lineage becomes both histories.
//! - An erased person (a deleted `persons` version) is a tombstone nothing overwrites;
//!   a row whose parent is gone is dropped, as the erasure dropped its siblings.
//! - A concurrent edit of a person keeps the losing version as a conflict record.

use serde_json::Value as Json;

use crate::error::Result;
use crate::vault::Session;

use super::conflicts;
use super::feed::{self, Relation, Version, PERSONS};
use super::rows::{self, WriteRefused};

/// A change as a bundle carries it: the version and, unless deleted, the row.
pub(crate) struct Incoming<'a> {
    pub version: Version,
    pub columns: &'a [String],
    pub values: Option<&'a [Json]>,
    /// The table's key column here.
    pub key_column: &'a str,
}

/// What applying a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applied {
    /// Already held, or older than what is held.
    Unchanged,
    /// Written (or deleted).
    Written,
    /// A person erased here.
    Erased,
    /// Dropped: its parent was erased here.
    Dropped,
    /// Kept apart as a conflict (a concurrent person edit's loser, a NIK held here).
    Conflict,
}

pub(crate) fn apply(s: &Session<'_>, incoming: &Incoming<'_>) -> Result<Applied> {
    let change = &incoming.version;
    let key_column = incoming.key_column;
    let held = feed::version(s.conn, &change.table, &change.key)?;
    if change.table == PERSONS {
        if held.as_ref().is_some_and(|held| held.deleted) {
            return Ok(Applied::Unchanged);
        }
        if change.deleted {
            rows::delete_row(s.conn, PERSONS, key_column, &change.key)?;
            crate::audit::anonymise_person(s, &change.key)?;
            let lineage = match &held {
                Some(held) => held.lineage.union(&change.lineage),
                None => change.lineage.clone(),
            };
            feed::store_version(
                s.conn,
                &Version {
                    lineage,
                    ..change.clone()
                },
            )?;
            return Ok(Applied::Erased);
        }
    }
    let Some(held) = held else {
        return write(s, incoming, key_column, change.clone());
    };
    match held.lineage.relation(&change.lineage) {
        Relation::Same | Relation::Older => Ok(Applied::Unchanged),
        Relation::Newer => write(s, incoming, key_column, change.clone()),
        Relation::Concurrent => {
            let lineage = held.lineage.union(&change.lineage);
            let incoming_wins = change.clock_order() > held.clock_order();
            let person_edit = change.table == PERSONS && !held.deleted && !change.deleted;
            if incoming_wins {
                let losing = if person_edit {
                    rows::read_row(s.conn, PERSONS, key_column, &change.key)?
                } else {
                    None
                };
                let applied = write(
                    s,
                    incoming,
                    key_column,
                    Version {
                        lineage,
                        ..change.clone()
                    },
                )?;
                if let (Some(losing), Applied::Written) = (losing, applied) {
                    let columns = column_names(s, PERSONS)?;
                    conflicts::record(s, &held, &columns, &losing, change.hlc)?;
                    return Ok(Applied::Conflict);
                }
                Ok(applied)
            } else {
                feed::store_version(
                    s.conn,
                    &Version {
                        lineage,
                        ..held.clone()
                    },
                )?;
                if let (true, Some(values)) = (person_edit, incoming.values) {
                    conflicts::record(s, change, incoming.columns, values, held.hlc)?;
                    return Ok(Applied::Conflict);
                }
                Ok(Applied::Unchanged)
            }
        }
    }
}

/// Writes (or deletes) the incoming row and stores `version` for it.
fn write(s: &Session<'_>, incoming: &Incoming<'_>, key_column: &str, version: Version) -> Result<Applied> {
    match incoming.values {
        None => rows::delete_row(s.conn, &version.table, key_column, &version.key)?,
        Some(values) => match rows::write_row(s.conn, &version.table, key_column, incoming.columns, values) {
            Ok(()) => {}
            Err(WriteRefused::ParentGone) => return Ok(Applied::Dropped),
            Err(WriteRefused::ValueTaken) if version.table == PERSONS => {
                conflicts::record_taken_nik(s, &version, incoming.columns, values)?;
                return Ok(Applied::Conflict);
            }
            Err(WriteRefused::ValueTaken) => return Ok(Applied::Dropped),
            Err(WriteRefused::Failed(err)) => return Err(err),
        },
    }
    feed::store_version(s.conn, &version)?;
    Ok(Applied::Written)
}

fn column_names(s: &Session<'_>, table: &str) -> Result<Vec<String>> {
    Ok(rows::table_columns(s.conn, table)?
        .into_iter()
        .map(|(name, _)| name)
        .collect())
}
