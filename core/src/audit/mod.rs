//! The audit log (UU PDP accountability): every read and write of personal data, with who
//! did it, what kind of record, which record and when, and never a value.
//!
//! The rule for every capability: a method that returns or changes personal data calls
//! `Session::audit` (one record) or `Session::audit_count` (a list or a search) inside
//! its `read`/`write` closure. A write's entries are stored in its own transaction. A
//! read's entries wait in memory and are stored with the next write, at lock, or in a
//! batch (see `Vault::read`): a read must not cost a durable commit. The loss window (the
//! entries of the last reads before the process is killed) is stated in
//! docs/security.md.
//!
//! Entries live inside the page-encrypted `vault.db`: a write's as rows of `audit_log`,
//! reads' as compact blocks (`blocks`); the log is merged from both. When a person is
//! erased, their entries lose the person id and the record id; what stays is that
//! *someone's* record of a kind was read or changed by an actor at a time
//! (docs/decisions/0006-audit-log.md).

use rusqlite::params;
use serde::Serialize;

use crate::crypto::new_row_id;
use crate::error::{MigranError, RecordKind, Result};
use crate::people::{PageRequest, MAX_PAGE};
use crate::report_format::{csv_line, ExportFormat};
use crate::store::codes::StorageCode;
use crate::store::kernel::{stored_sql, Stored};
use crate::time::{instant_text, parse_date};
use crate::validate;
use crate::vault::{Session, Vault};

mod blocks;
pub(crate) use blocks::{convert_json_batches, SCHEMA_BLOCKS};

/// The log's tables as schema step 1 made them (step 2 replaced the JSON batches and
/// their view with [`blocks`]; a shipped step is never edited). No foreign key to
/// persons: entries outlive an erased person, anonymised.
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE audit_log (
        id              TEXT PRIMARY KEY,
        at              TEXT NOT NULL,
        actor_name      TEXT,
        actor_role      TEXT,
        action          TEXT NOT NULL,
        kind            TEXT NOT NULL,
        record_id       TEXT,
        person_id       TEXT,
        count           INTEGER,
        subject_erased  INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX audit_by_time ON audit_log (at);
    CREATE INDEX audit_by_person ON audit_log (person_id) WHERE person_id IS NOT NULL;
    -- Reads' entries, stored a batch per row: one insert for up to 1,000 reads. Each
    -- entry is a JSON array [id, at, actor_name, actor_role, action, kind, record_id,
    -- person_id, count, subject_erased].
    CREATE TABLE audit_read_batches (
        id          TEXT PRIMARY KEY,
        first_at    TEXT NOT NULL,
        last_at     TEXT NOT NULL,
        entries     TEXT NOT NULL
    );
    CREATE INDEX audit_read_batches_by_time ON audit_read_batches (first_at, last_at);
    -- Every entry, written or read, one row each.
    CREATE VIEW audit_entries AS
        SELECT id, at, actor_name, actor_role, action, kind, record_id, person_id, count, subject_erased
        FROM audit_log
        UNION ALL
        SELECT e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3, e.value ->> 4, e.value ->> 5,
               e.value ->> 6, e.value ->> 7, e.value ->> 8, e.value ->> 9
        FROM audit_read_batches b, json_each(b.entries) e;
"#;

/// The role of whoever uses the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ActorRole {
    /// A field cadre (kader).
    Cadre,
    /// A village officer.
    VillageOfficer,
    /// The migrant worker on their own phone.
    Migrant,
    /// A family member.
    Family,
    /// Anyone else.
    Other,
}

/// Who is using the vault, as the app or the CLI gives it to [`Vault::set_actor`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ActorInput {
    /// The person's name, at most 200 characters.
    pub name: String,
    /// Their role.
    pub role: ActorRole,
}

/// Who did something, as audit entries, consent records and case events name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, uniffi::Record)]
pub struct Actor {
    /// The person's name.
    pub name: String,
    /// Their role.
    pub role: ActorRole,
}

/// What was done, as an audit entry records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum AuditAction {
    /// A record was created.
    Create,
    /// A record was opened.
    Read,
    /// A record was changed.
    Update,
    /// A record was deleted.
    Delete,
    /// A page of a list, or all records of a kind for one person.
    List,
    /// A search or exact lookup.
    Search,
    /// Everything about one person, exported (access and portability).
    Export,
    /// A person erased on request.
    Erase,
    /// A village report made (aggregates only).
    Report,
    /// The audit log itself viewed or exported.
    ViewAudit,
    /// Records registered in one batch (an import from a file): one entry names the batch
    /// (`record_id`) and how many records it holds (`count`).
    Import,
}

crate::storage_codes!(ActorRole {
    Cadre => "cadre",
    VillageOfficer => "village_officer",
    Migrant => "migrant",
    Family => "family",
    Other => "other",
});

crate::storage_codes!(AuditAction {
    Create => "create",
    Read => "read",
    Update => "update",
    Delete => "delete",
    List => "list",
    Search => "search",
    Export => "export",
    Erase => "erase",
    Report => "report",
    ViewAudit => "view_audit",
    Import => "import",
});

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct AuditEntry {
    /// The entry's id, made by the core.
    pub id: String,
    /// RFC 3339 UTC instant.
    pub at: String,
    /// `None` when no actor was set (see [`Vault::set_actor`]).
    pub actor: Option<Actor>,
    /// What was done.
    pub action: AuditAction,
    /// What kind of record.
    pub kind: RecordKind,
    /// The record's id (the batch's id for an import); `None` for lists, searches and
    /// counts, and once the person was erased.
    pub record_id: Option<String>,
    /// The person the record belongs to; `None` when not about one person, and once the
    /// person was erased.
    pub person_id: Option<String>,
    /// How many records a list or search returned.
    pub count: Option<u32>,
    /// The person this entry was about has been erased; the ids were removed.
    pub subject_erased: bool,
}

/// Which entries of the audit log to show.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditQuery {
    /// Only entries about this person.
    pub person_id: Option<String>,
    /// `YYYY-MM-DD`, inclusive, UTC.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive, UTC; not before `from`.
    pub to: Option<String>,
    /// Which page.
    pub page: PageRequest,
}

/// One page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditPage {
    /// The entries on this page, oldest first.
    pub items: Vec<AuditEntry>,
    /// All entries the query covers, across pages.
    pub total: u32,
    /// Where the next page starts; `None` on the last page.
    pub next_offset: Option<u32>,
}

/// An entry made during a session, stored when the session ends well (a write) or
/// later in a batch (a read).
pub(crate) struct PendingEntry {
    at: chrono::DateTime<chrono::Utc>,
    actor: Option<Actor>,
    action: AuditAction,
    kind: RecordKind,
    record_id: Option<blocks::EntryId>,
    person_id: Option<blocks::EntryId>,
    count: Option<u32>,
}

impl PendingEntry {
    pub(crate) fn made_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.at
    }
}

impl Session<'_> {
    /// Records that one record of `kind` belonging to `person_id` was read or changed.
    pub(crate) fn audit(&self, action: AuditAction, kind: RecordKind, record_id: &str, person_id: &str) {
        self.pending_audit.borrow_mut().push(PendingEntry {
            at: self.now,
            actor: self.actor.cloned(),
            action,
            kind,
            record_id: Some(blocks::EntryId::new(record_id)),
            person_id: Some(blocks::EntryId::new(person_id)),
            count: None,
        });
    }

    /// Records a list or search that returned `count` records of `kind`, of one person
    /// (`person_id`) or of many (`None`). Lists record the count, not every id: a scroll
    /// through the register would otherwise write thousands of entries; opening a
    /// record is what is logged by id.
    pub(crate) fn audit_count(
        &self,
        action: AuditAction,
        kind: RecordKind,
        person_id: Option<&str>,
        count: usize,
    ) {
        self.pending_audit.borrow_mut().push(PendingEntry {
            at: self.now,
            actor: self.actor.cloned(),
            action,
            kind,
            record_id: None,
            person_id: person_id.map(blocks::EntryId::new),
            count: Some(u32::try_from(count).unwrap_or(u32::MAX)),
        });
    }

    /// Runs `work`, which registers a batch of records of `kind` and returns how many,
    /// and records the batch as one entry naming it (`batch_id`) and its count, in place
    /// of the entries `work` made for each record. Each record's later reads and writes
    /// are audited one by one as usual.
    pub(crate) fn audit_batch(
        &self,
        action: AuditAction,
        kind: RecordKind,
        batch_id: &str,
        work: impl FnOnce() -> Result<usize>,
    ) -> Result<usize> {
        let mark = self.pending_audit.borrow().len();
        let count = work()?;
        let mut pending = self.pending_audit.borrow_mut();
        pending.truncate(mark);
        pending.push(PendingEntry {
            at: self.now,
            actor: self.actor.cloned(),
            action,
            kind,
            record_id: Some(blocks::EntryId::new(batch_id)),
            person_id: None,
            count: Some(u32::try_from(count).unwrap_or(u32::MAX)),
        });
        Ok(count)
    }
}

/// An entry as its row holds it.
struct StoredEntry {
    id: String,
    at: String,
    actor_name: Option<String>,
    actor_role: Option<ActorRole>,
    action: AuditAction,
    kind: RecordKind,
    record_id: Option<String>,
    person_id: Option<String>,
    count: Option<u32>,
    subject_erased: bool,
}

impl Stored for StoredEntry {
    const KIND: RecordKind = RecordKind::AuditEntry;
    stored_sql!(table: "audit_log", key: "id", columns: [
        "at", "actor_name", "actor_role", "action", "kind", "record_id", "person_id", "count", "subject_erased",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn rusqlite::ToSql> {
        vec![
            &self.id,
            &self.at,
            &self.actor_name,
            &self.actor_role,
            &self.action,
            &self.kind,
            &self.record_id,
            &self.person_id,
            &self.count,
            &self.subject_erased,
        ]
    }

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredEntry {
            id: row.get(0)?,
            at: row.get(1)?,
            actor_name: row.get(2)?,
            actor_role: row.get(3)?,
            action: row.get(4)?,
            kind: row.get(5)?,
            record_id: row.get(6)?,
            person_id: row.get(7)?,
            count: row.get(8)?,
            subject_erased: row.get(9)?,
        })
    }
}

impl From<StoredEntry> for AuditEntry {
    fn from(row: StoredEntry) -> Self {
        let actor = match (row.actor_name, row.actor_role) {
            (Some(name), Some(role)) => Some(Actor { name, role }),
            _ => None,
        };
        AuditEntry {
            id: row.id,
            at: row.at,
            actor,
            action: row.action,
            kind: row.kind,
            record_id: row.record_id,
            person_id: row.person_id,
            count: row.count,
            subject_erased: row.subject_erased,
        }
    }
}

/// Stores the session's own entries (inside the write's transaction).
pub(crate) fn store_pending(s: &Session<'_>) -> Result<()> {
    let pending = std::mem::take(&mut *s.pending_audit.borrow_mut());
    store_entries(s, &pending)
}

/// Stores entries one row each (a write's own entries).
fn store_entries(s: &Session<'_>, entries: &[PendingEntry]) -> Result<()> {
    for entry in entries {
        s.insert(&stored(entry)?)?;
    }
    Ok(())
}

/// Stores the entries of reads that waited for a commit as one block (see
/// [`blocks`]). The block's id is made now, so its entries sort after the writes
/// committed before them and before the write that stores them.
pub(crate) fn store_read_batch(s: &Session<'_>, entries: &[PendingEntry]) -> Result<()> {
    let entries: Vec<blocks::EntryRef<'_>> = entries
        .iter()
        .map(|entry| blocks::EntryRef {
            id: None,
            at: entry.at,
            actor: entry.actor.as_ref(),
            action: entry.action,
            kind: entry.kind,
            record_id: entry.record_id.as_ref(),
            person_id: entry.person_id.as_ref(),
            count: entry.count,
            subject_erased: false,
        })
        .collect();
    blocks::store(s, &entries)
}

fn stored(entry: &PendingEntry) -> Result<StoredEntry> {
    Ok(StoredEntry {
        id: new_row_id()?,
        at: instant_text(entry.at),
        actor_name: entry.actor.as_ref().map(|a| a.name.clone()),
        actor_role: entry.actor.as_ref().map(|a| a.role),
        action: entry.action,
        kind: entry.kind,
        record_id: entry.record_id.as_ref().map(blocks::EntryId::text),
        person_id: entry.person_id.as_ref().map(blocks::EntryId::text),
        count: entry.count,
        subject_erased: false,
    })
}

/// Removes every link between the log and an erased person: their entries keep the
/// action, kind, time and actor, lose the person id and the record id.
pub(crate) fn anonymise_person(s: &Session<'_>, person_id: &str) -> Result<()> {
    s.conn
        .prepare_cached(
            "UPDATE audit_log SET person_id = NULL, record_id = NULL, subject_erased = 1
             WHERE person_id = ?1",
        )?
        .execute(params![person_id])?;
    blocks::anonymise_person(s, person_id)?;
    Ok(())
}

#[uniffi::export]
impl Vault {
    /// Says who is using the vault from now until it is locked: every audit entry
    /// records this actor. Set it after each unlock (the app from its login, the CLI from
    /// its configuration).
    pub fn set_actor(&self, actor: ActorInput) -> Result<()> {
        let actor = Actor {
            name: validate::required_text("actor_name", &actor.name, validate::SHORT_TEXT_MAX)?,
            role: actor.role,
        };
        self.set_actor_state(Some(actor))
    }

    /// Who the audit log names for what is done now; `None` until `set_actor`.
    pub fn current_actor(&self) -> Result<Option<Actor>> {
        Ok(self.actor_state())
    }

    /// The audit log, oldest first, a page at a time. Viewing it is itself recorded.
    pub fn audit_log(&self, query: AuditQuery) -> Result<AuditPage> {
        if query.page.limit == 0 || query.page.limit > MAX_PAGE {
            return Err(MigranError::invalid(
                "limit",
                crate::error::InvalidReason::OutOfRange,
            ));
        }
        let range = TimeRange::from_dates(query.from.as_deref(), query.to.as_deref())?;
        self.store_waiting_reads()?;
        self.read(|s| {
            let (items, total) = load_entries(s, &range, query.person_id.as_deref(), Some(query.page))?;
            s.audit_count(AuditAction::ViewAudit, RecordKind::AuditLog, None, items.len());
            let seen = query.page.offset.saturating_add(items.len() as u32);
            Ok(AuditPage {
                items,
                total,
                next_offset: (seen < total).then_some(seen),
            })
        })
    }

    /// The audit log of a period as CSV or JSON, for an inspector or the data protection
    /// officer. Holds actors' names (who did what) and record ids, never record values.
    pub fn export_audit_log(
        &self,
        from: Option<String>,
        to: Option<String>,
        format: ExportFormat,
    ) -> Result<String> {
        let range = TimeRange::from_dates(from.as_deref(), to.as_deref())?;
        self.store_waiting_reads()?;
        self.read(|s| {
            let (entries, _) = load_entries(s, &range, None, None)?;
            s.audit_count(AuditAction::ViewAudit, RecordKind::AuditLog, None, entries.len());
            match format {
                ExportFormat::Json => serde_json::to_string_pretty(&entries)
                    .map_err(|_| MigranError::internal("encoding the audit log failed")),
                ExportFormat::Csv => Ok(entries_csv(&entries)),
            }
        })
    }
}

/// Entries about one person, for their export (what was done with their data).
pub(crate) fn entries_about(s: &Session<'_>, person_id: &str) -> Result<Vec<AuditEntry>> {
    Ok(load_entries(s, &TimeRange::all(), Some(person_id), None)?.0)
}

struct TimeRange {
    from: String,
    until: String,
}

impl TimeRange {
    fn all() -> Self {
        TimeRange {
            from: String::new(),
            until: "~".to_string(),
        }
    }

    /// Instants are stored as RFC 3339 text, which sorts like time: a date range becomes
    /// a text range `[from 00:00, day after to 00:00)`.
    fn from_dates(from: Option<&str>, to: Option<&str>) -> Result<Self> {
        let mut range = TimeRange::all();
        let from = from
            .filter(|t| !t.trim().is_empty())
            .map(|t| parse_date("from", t))
            .transpose()?;
        let to = to
            .filter(|t| !t.trim().is_empty())
            .map(|t| parse_date("to", t))
            .transpose()?;
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                return Err(MigranError::invalid(
                    "to",
                    crate::error::InvalidReason::Inconsistent,
                ));
            }
        }
        if let Some(from) = from {
            range.from = crate::time::date_text(from);
        }
        if let Some(to) = to.and_then(|to| to.succ_opt()) {
            range.until = crate::time::date_text(to);
        }
        Ok(range)
    }
}

/// The entries of a period (of one person when given) in the order they were made, by
/// time then id (ids increase in the order they are made, reads' before the write that
/// stored them), a page of them when asked, with how many there are in all.
fn load_entries(
    s: &Session<'_>,
    range: &TimeRange,
    person_id: Option<&str>,
    page: Option<PageRequest>,
) -> Result<(Vec<AuditEntry>, u32)> {
    let mut statement = s.conn.prepare_cached(
        "SELECT id, at, actor_name, actor_role, action, kind, record_id, person_id, count, subject_erased
         FROM audit_log WHERE at >= ?1 AND at < ?2 AND (?3 IS NULL OR person_id = ?3)",
    )?;
    let mut entries: Vec<AuditEntry> = statement
        .query_map(params![range.from, range.until, person_id], StoredEntry::from_row)?
        .map(|row| row.map(AuditEntry::from))
        .collect::<rusqlite::Result<_>>()
        .map_err(|err| crate::store::kernel::storage_error(err, RecordKind::AuditEntry))?;
    entries.extend(blocks::entries_between(s, &range.from, &range.until, person_id)?);
    entries.sort_unstable_by(|a, b| (&a.at, &a.id).cmp(&(&b.at, &b.id)));
    let total = u32::try_from(entries.len()).unwrap_or(u32::MAX);
    if let Some(page) = page {
        let start = (page.offset as usize).min(entries.len());
        let end = start.saturating_add(page.limit as usize).min(entries.len());
        entries.truncate(end);
        entries.drain(..start);
    }
    Ok((entries, total))
}

fn entries_csv(entries: &[AuditEntry]) -> String {
    let mut out = csv_line(&[
        "at",
        "actor_role",
        "actor_name",
        "action",
        "kind",
        "record_id",
        "person_id",
        "count",
        "subject_erased",
    ]);
    for entry in entries {
        let count = entry.count.map(|c| c.to_string()).unwrap_or_default();
        out.push_str(&csv_line(&[
            &entry.at,
            entry.actor.as_ref().map_or("", |a| a.role.code()),
            entry.actor.as_ref().map_or("", |a| a.name.as_str()),
            entry.action.code(),
            entry.kind.code(),
            entry.record_id.as_deref().unwrap_or(""),
            entry.person_id.as_deref().unwrap_or(""),
            &count,
            if entry.subject_erased { "true" } else { "false" },
        ]));
    }
    out
}
