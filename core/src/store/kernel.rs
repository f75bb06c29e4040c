//! The storage kernel: one way to write, read and delete a record of any kind.
//!
//! A record kind implements [`Stored`] (its table, its columns, how a row maps to the
//! record) with the SQL made by [`stored_sql!`]; capability modules then call
//! `Session::insert`, `upsert`, `remove`, `get`, `find`, `select` and `select_grouped`.
//! Every write of a record passes through [`Session::record_written`], the single place
//! where the change feed for team sync hooks in. Aggregates (reports, counts) are plain
//! SQL on the session's connection.

use std::collections::HashMap;

use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, Params, Row};

use crate::error::{MigranError, RecordKind, Result};
use crate::vault::Session;

/// A record kind stored as one row of one table of `vault.db`.
pub(crate) trait Stored: Sized {
    /// What the record is, in errors, audit entries and (later) the change feed.
    const KIND: RecordKind;
    /// The table, which names the record's kind in the change feed (kinds such as the
    /// checklist's share one `KIND` over several tables).
    const TABLE: &'static str;
    /// `SELECT <key>, <columns...> FROM <table>`, made by [`stored_sql!`].
    const SELECT: &'static str;
    /// `SELECT ... WHERE <key> = ?1`.
    const BY_KEY: &'static str;
    const INSERT: &'static str;
    /// Insert, or replace every column of the row with the same key. Not SQLite's
    /// `REPLACE`, which deletes first and so would cascade to the rows that hang off it.
    const UPSERT: &'static str;
    const DELETE: &'static str;
    /// The key column and the other columns: what `values` and `from_row` handle.
    const COLUMN_COUNT: usize;

    /// The primary key's value.
    fn key(&self) -> &str;
    /// The column values in the order of the columns given to [`stored_sql!`], key first.
    fn values(&self) -> Vec<&dyn ToSql>;
    /// The record from a row selected by `SELECT` (columns in the same order).
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self>;
}

/// The SQL of a [`Stored`] kind from its table, key column and other columns; used
/// inside its `impl Stored` block.
macro_rules! stored_sql {
    (table: $table:literal, key: $key:literal, columns: [$($column:literal),* $(,)?]) => {
        const TABLE: &'static str = $table;
        const SELECT: &'static str = concat!("SELECT ", $key $(, ", ", $column)*, " FROM ", $table);
        const BY_KEY: &'static str =
            concat!("SELECT ", $key $(, ", ", $column)*, " FROM ", $table, " WHERE ", $key, " = ?1");
        const INSERT: &'static str = concat!(
            "INSERT INTO ", $table, " (", $key $(, ", ", $column)*, ") VALUES (:", $key $(, ", :", $column)*, ")"
        );
        const UPSERT: &'static str = concat!(
            "INSERT INTO ", $table, " (", $key $(, ", ", $column)*, ") VALUES (:", $key $(, ", :", $column)*, ")",
            " ON CONFLICT (", $key, ") DO UPDATE SET " $(, $column, " = excluded.", $column, ", ")*, $key, " = excluded.", $key
        );
        const DELETE: &'static str = concat!("DELETE FROM ", $table, " WHERE ", $key, " = ?1");
        const COLUMN_COUNT: usize = 1 + [$($column),*].len();
    };
}
pub(crate) use stored_sql;

/// What happened to a record, for the change feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteOp {
    /// Written (inserted or replaced).
    Put,
    /// Deleted (an erased person: every row about them).
    Delete,
}

impl Session<'_> {
    /// Adds a new record; a record with the same key is an error.
    pub(crate) fn insert<T: Stored>(&self, record: &T) -> Result<()> {
        self.execute_record(T::INSERT, record)?;
        self.record_written(T::TABLE, record.key(), WriteOp::Put)
    }

    /// Adds the record, or replaces the one with the same key.
    pub(crate) fn upsert<T: Stored>(&self, record: &T) -> Result<()> {
        self.execute_record(T::UPSERT, record)?;
        self.record_written(T::TABLE, record.key(), WriteOp::Put)
    }

    /// Deletes the record with `key` (and, through foreign keys, what hangs off it).
    /// `false` when there was none.
    pub(crate) fn remove<T: Stored>(&self, key: &str) -> Result<bool> {
        let deleted = self
            .conn
            .prepare_cached(T::DELETE)
            .and_then(|mut statement| statement.execute([key]))
            .map_err(|err| storage_error(err, T::KIND))?;
        if deleted > 0 {
            self.record_written(T::TABLE, key, WriteOp::Delete)?;
        }
        Ok(deleted > 0)
    }

    /// The record with `key`; `NotFound` naming the kind when there is none.
    pub(crate) fn get<T: Stored>(&self, key: &str) -> Result<T> {
        self.find(key)?.ok_or(MigranError::NotFound { kind: T::KIND })
    }

    /// The record with `key`, if any.
    pub(crate) fn find<T: Stored>(&self, key: &str) -> Result<Option<T>> {
        self.conn
            .prepare_cached(T::BY_KEY)
            .and_then(|mut statement| statement.query_row([key], T::from_row).optional())
            .map_err(|err| storage_error(err, T::KIND))
    }

    /// The records `filter` selects: a `WHERE`/`ORDER BY`/`LIMIT` tail for the kind's
    /// `SELECT`, with its parameters.
    pub(crate) fn select<T: Stored, P: Params>(&self, filter: &'static str, params: P) -> Result<Vec<T>> {
        let sql = select_sql(T::SELECT, filter);
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut statement| statement.query_map(params, T::from_row)?.collect())
            .map_err(|err| storage_error(err, T::KIND))
    }

    /// The records `filter` selects, each made into what the API returns and grouped
    /// under the record it belongs to (a visit's follow-ups, a return's services), in the
    /// order selected.
    pub(crate) fn select_grouped<T: Stored, Item: From<T>, P: Params>(
        &self,
        filter: &'static str,
        params: P,
        owner: impl Fn(&T) -> String,
    ) -> Result<HashMap<String, Vec<Item>>> {
        let mut grouped: HashMap<String, Vec<Item>> = HashMap::new();
        for row in self.select::<T, P>(filter, params)? {
            grouped.entry(owner(&row)).or_default().push(row.into());
        }
        Ok(grouped)
    }

    fn execute_record<T: Stored>(&self, sql: &str, record: &T) -> Result<()> {
        let values = record.values();
        if values.len() != T::COLUMN_COUNT {
            return Err(MigranError::internal(
                "a record's values do not match its columns",
            ));
        }
        self.conn
            .prepare_cached(sql)
            .and_then(|mut statement| statement.execute(values.as_slice()))
            .map_err(|err| storage_error(err, T::KIND))?;
        Ok(())
    }

    /// Every write of a record ends here: the change feed gives the record a new version
    /// in the same transaction (docs/sync.md), so a write and its version are stored
    /// together or not at all.
    fn record_written(&self, table: &'static str, key: &str, op: WriteOp) -> Result<()> {
        crate::sync::record_local_write(self, table, key, op)
    }
}

thread_local! {
    /// The SQL of each (kind, filter) pair `select` has built. A lookup goes through
    /// `select`, and formatting its statement anew before the statement cache could find
    /// it was 1.5 % of the lookup. Both parts are `'static`, so their addresses and
    /// lengths name them.
    static SELECTS: std::cell::RefCell<std::collections::HashMap<[usize; 4], std::rc::Rc<str>>> =
        Default::default();
}

fn select_sql(select: &'static str, filter: &'static str) -> std::rc::Rc<str> {
    let key = [
        select.as_ptr() as usize,
        select.len(),
        filter.as_ptr() as usize,
        filter.len(),
    ];
    SELECTS.with(|built| {
        built
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| format!("{select} {filter}").into())
            .clone()
    })
}

/// A SQLite error while handling a record of `kind`: a damaged page or a value this build
/// cannot read means the record was altered (`Tampered`); the rest is a storage problem.
pub(crate) fn storage_error(err: rusqlite::Error, kind: RecordKind) -> MigranError {
    use rusqlite::ffi::ErrorCode;
    match &err {
        rusqlite::Error::SqliteFailure(code, _)
            if matches!(code.code, ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) =>
        {
            MigranError::Tampered { kind }
        }
        rusqlite::Error::FromSqlConversionFailure(..) | rusqlite::Error::InvalidColumnType(..) => {
            MigranError::Tampered { kind }
        }
        _ => MigranError::from(err),
    }
}
