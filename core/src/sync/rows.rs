//! Rows of the synced tables read and written by column name, whatever the record kind:
//! a bundle carries a table's column names once and each row's values in that order, so
//! a device whose build has the same columns in another order still applies it.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value as Json;

use crate::error::{MigranError, Result};

use super::SyncRefusal;

/// The primary key column of a synced table (every one has a single-column key).
pub(crate) fn key_column(conn: &Connection, table: &str) -> Result<String> {
    let mut key = None;
    for (name, pk) in table_columns(conn, table)? {
        if pk {
            key = Some(name);
        }
    }
    key.ok_or_else(|| MigranError::internal("a synced table has no key column"))
}

/// A table's columns in their stored order, each with whether it is the key.
pub(crate) fn table_columns(conn: &Connection, table: &str) -> Result<Vec<(String, bool)>> {
    Ok(conn
        .prepare_cached("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?
        .query_map([table], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? > 0))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The row of `table` with `key`, as JSON values in the table's column order.
pub(crate) fn read_row(
    conn: &Connection,
    table: &str,
    key_column: &str,
    key: &str,
) -> Result<Option<Vec<Json>>> {
    let mut statement = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE {key_column} = ?1"))?;
    let count = statement.column_count();
    Ok(statement
        .query_row([key], |row| {
            (0..count)
                .map(|index| row.get::<_, Value>(index).map(to_json))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .optional()?)
}

/// Writes a row (insert, or replace every given column of the row with the same key).
/// The SQLite error is returned as is: the caller tells a foreign key or uniqueness
/// refusal (a parent erased, a NIK held) from a real failure.
pub(crate) fn write_row(
    conn: &Connection,
    table: &str,
    key_column: &str,
    columns: &[String],
    values: &[Json],
) -> std::result::Result<(), WriteRefused> {
    let names = columns.join(", ");
    let slots = (1..=columns.len())
        .map(|n| format!("?{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let updates = columns
        .iter()
        .map(|column| format!("{column} = excluded.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO {table} ({names}) VALUES ({slots}) ON CONFLICT ({key_column}) DO UPDATE SET {updates}"
    );
    let values: Vec<Value> = values.iter().map(from_json).collect::<Result<_>>()?;
    match conn
        .prepare_cached(&sql)
        .and_then(|mut statement| statement.execute(rusqlite::params_from_iter(values.iter())))
    {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(code, _))
            if code.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            Err(WriteRefused::ParentGone)
        }
        Err(rusqlite::Error::SqliteFailure(code, _))
            if code.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            Err(WriteRefused::ValueTaken)
        }
        Err(err) => Err(WriteRefused::Failed(err.into())),
    }
}

/// Why a row from a bundle was not written.
pub(crate) enum WriteRefused {
    /// A foreign key: the row's parent was erased or deleted here.
    ParentGone,
    /// A unique value (a NIK) is held by another record here.
    ValueTaken,
    /// Anything else: the import fails as a whole.
    Failed(MigranError),
}

impl From<MigranError> for WriteRefused {
    fn from(err: MigranError) -> Self {
        WriteRefused::Failed(err)
    }
}

/// Deletes a row; nothing to delete is fine.
pub(crate) fn delete_row(conn: &Connection, table: &str, key_column: &str, key: &str) -> Result<()> {
    conn.prepare_cached(&format!("DELETE FROM {table} WHERE {key_column} = ?1"))?
        .execute([key])?;
    Ok(())
}

pub(crate) fn to_json(value: Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Integer(number) => Json::from(number),
        Value::Real(number) => Json::from(number),
        Value::Text(text) => Json::String(text),
        Value::Blob(bytes) => serde_json::json!({ "blob": crate::sync::text::hex(&bytes) }),
    }
}

pub(crate) fn from_json(value: &Json) -> Result<Value> {
    let malformed = || MigranError::SyncRefused {
        reason: SyncRefusal::Format,
    };
    Ok(match value {
        Json::Null => Value::Null,
        Json::Bool(flag) => Value::Integer(i64::from(*flag)),
        Json::Number(number) => match number.as_i64() {
            Some(integer) => Value::Integer(integer),
            None => Value::Real(number.as_f64().ok_or_else(malformed)?),
        },
        Json::String(text) => Value::Text(text.clone()),
        Json::Object(object) => {
            let hex = object.get("blob").and_then(Json::as_str).ok_or_else(malformed)?;
            Value::Blob(crate::sync::text::from_hex(hex).ok_or_else(malformed)?)
        }
        Json::Array(_) => return Err(malformed()),
    })
}
