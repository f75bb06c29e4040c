//! The audit log (UU PDP accountability): every read and write of personal data, with who
//! did it, what kind of record, which record and when, and never a value.
//!
//! The rule for every capability: a method that returns or changes personal data calls
//! [`Session::audit`] (one record) or [`Session::audit_count`] (a list or a search) inside
//! its `read`/`write` closure. Entries are collected in the session and stored when it
//! ends well: in the write's own transaction, or right after a read (so a read that fails
//! to be recorded fails as a whole).
//!
//! Each entry is one sealed row; in the clear only its random id, its time and a keyed
//! digest of the person it concerns (to list "who touched this person" and to anonymise
//! on erasure) are stored. The actor's name is personal data of the cadre, so it is sealed
//! too. When a person is erased, their entries lose the person id, the record id and the
//! digest; what stays is that *someone's* record of a kind was read or changed by an
//! actor at a time (see docs/decisions/0006-audit-log.md for why the random id alone is
//! not enough).

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::crypto::{new_row_id, Place};
use crate::error::{MigranError, Result};
use crate::people::{PageRequest, MAX_PAGE};
use crate::report_format::{csv_line, ExportFormat};
use crate::time::{instant_text, parse_date};
use crate::validate;
use crate::vault::{Session, Vault};

const AUDIT: &str = "audit_log";
const PERSON_REF: &str = "audit-person";

/// The role of whoever uses the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
pub enum ActorRole {
    Cadre,
    VillageOfficer,
    /// The migrant worker on their own phone.
    Migrant,
    Family,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ActorInput {
    pub name: String,
    pub role: ActorRole,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct Actor {
    pub name: String,
    pub role: ActorRole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
pub enum AuditAction {
    Create,
    Read,
    Update,
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
}

impl AuditAction {
    fn code(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Read => "read",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::List => "list",
            AuditAction::Search => "search",
            AuditAction::Export => "export",
            AuditAction::Erase => "erase",
            AuditAction::Report => "report",
            AuditAction::ViewAudit => "view_audit",
        }
    }
}

fn role_code(role: ActorRole) -> &'static str {
    match role {
        ActorRole::Cadre => "cadre",
        ActorRole::VillageOfficer => "village_officer",
        ActorRole::Migrant => "migrant",
        ActorRole::Family => "family",
        ActorRole::Other => "other",
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct AuditEntry {
    pub id: String,
    /// RFC 3339 UTC instant.
    pub at: String,
    /// `None` when no actor was set (see [`Vault::set_actor`]).
    pub actor: Option<Actor>,
    pub action: AuditAction,
    /// Record kind: `person`, `contact`, `journey`, `document`, `consent`, `visit`,
    /// `follow_up`, `case`, `return`, `service`, `village_report`, `audit_log`, ...
    pub kind: String,
    pub record_id: Option<String>,
    pub person_id: Option<String>,
    /// How many records a list or search returned.
    pub count: Option<u32>,
    /// The person this entry was about has been erased; the ids were removed.
    pub subject_erased: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditQuery {
    /// Only entries about this person.
    pub person_id: Option<String>,
    /// `YYYY-MM-DD`, inclusive, UTC.
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: PageRequest,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub total: u32,
    pub next_offset: Option<u32>,
}

/// The sealed part of an entry.
#[derive(Serialize, Deserialize)]
struct EntryData {
    actor: Option<Actor>,
    action: AuditAction,
    kind: String,
    record_id: Option<String>,
    person_id: Option<String>,
    count: Option<u32>,
    #[serde(default)]
    subject_erased: bool,
}

/// An entry made during a session, stored when the session ends well.
pub(crate) struct PendingEntry {
    action: AuditAction,
    kind: &'static str,
    record_id: Option<String>,
    person_id: Option<String>,
    count: Option<u32>,
}

impl Session<'_> {
    /// Records that one record of `kind` belonging to `person_id` was read or changed.
    pub(crate) fn audit(&self, action: AuditAction, kind: &'static str, record_id: &str, person_id: &str) {
        self.pending_audit.borrow_mut().push(PendingEntry {
            action,
            kind,
            record_id: Some(record_id.to_string()),
            person_id: Some(person_id.to_string()),
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
        kind: &'static str,
        person_id: Option<&str>,
        count: usize,
    ) {
        self.pending_audit.borrow_mut().push(PendingEntry {
            action,
            kind,
            record_id: None,
            person_id: person_id.map(str::to_string),
            count: Some(u32::try_from(count).unwrap_or(u32::MAX)),
        });
    }
}

/// Stores the session's entries on its connection (inside the write's transaction).
pub(crate) fn store_pending(s: &Session<'_>) -> Result<()> {
    let pending = std::mem::take(&mut *s.pending_audit.borrow_mut());
    if pending.is_empty() {
        return Ok(());
    }
    let at = instant_text(s.now);
    let mut insert = s
        .conn
        .prepare_cached("INSERT INTO audit_log (id, at, person_ref, data) VALUES (?1, ?2, ?3, ?4)")?;
    for entry in pending {
        let id = new_row_id()?;
        let person_ref = entry
            .person_id
            .as_deref()
            .map(|person| s.keys.blind_index(PERSON_REF, person));
        let data = EntryData {
            actor: s.actor.cloned(),
            action: entry.action,
            kind: entry.kind.to_string(),
            record_id: entry.record_id,
            person_id: entry.person_id,
            count: entry.count,
            subject_erased: false,
        };
        let sealed = s.keys.seal_json(place(&id), &data)?;
        insert.execute(params![id, at, person_ref, sealed])?;
    }
    Ok(())
}

/// Stores a read's entries in one small transaction. With `synchronous=NORMAL` for that
/// commit: a read must not wait for a flash write (an fsync per record opened would make
/// every lookup tens of times slower on a phone); WAL keeps the log consistent, and the
/// next write or checkpoint makes it durable. A power cut may lose the last reads'
/// entries, never corrupt the log. Written in docs/decisions/0006-audit-log.md.
pub(crate) fn store_after_read(s: &Session<'_>) -> Result<()> {
    if s.pending_audit.borrow().is_empty() {
        return Ok(());
    }
    s.conn.pragma_update(None, "synchronous", "NORMAL")?;
    let stored = (|| {
        let tx = s.conn.unchecked_transaction()?;
        store_pending(s)?;
        tx.commit()?;
        Ok(())
    })();
    s.conn.pragma_update(None, "synchronous", "FULL")?;
    stored
}

/// Removes every link between the log and an erased person: their entries keep the
/// action, kind, time and actor, lose the person id, the record id and the digest.
pub(crate) fn anonymise_person(s: &Session<'_>, person_id: &str) -> Result<()> {
    let digest = s.keys.blind_index(PERSON_REF, person_id);
    let rows: Vec<(String, Vec<u8>)> = s
        .conn
        .prepare_cached("SELECT id, data FROM audit_log WHERE person_ref = ?1")?
        .query_map(params![digest], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = s
        .conn
        .prepare_cached("UPDATE audit_log SET person_ref = NULL, data = ?2 WHERE id = ?1")?;
    for (id, sealed) in rows {
        // A damaged entry cannot be rewritten; it is replaced by an anonymous one so the
        // person id it may hold does not survive.
        let mut data: EntryData = s
            .keys
            .open_json(place(&id), &sealed, "audit_entry")
            .unwrap_or(EntryData {
                actor: None,
                action: AuditAction::Read,
                kind: "unknown".to_string(),
                record_id: None,
                person_id: None,
                count: None,
                subject_erased: true,
            });
        data.record_id = None;
        data.person_id = None;
        data.subject_erased = true;
        let resealed = s.keys.seal_json(place(&id), &data)?;
        update.execute(params![id, resealed])?;
    }
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
        self.read(|s| {
            let person_ref = query
                .person_id
                .as_deref()
                .map(|person| s.keys.blind_index(PERSON_REF, person));
            let total: u32 = s.conn.query_row(
                "SELECT COUNT(*) FROM audit_log
                 WHERE at >= ?1 AND at < ?2 AND (?3 IS NULL OR person_ref = ?3)",
                params![range.from, range.until, person_ref],
                |row| row.get(0),
            )?;
            let items = load_entries(s, &range, person_ref.as_deref(), Some(query.page))?;
            s.audit_count(AuditAction::ViewAudit, "audit_log", None, items.len());
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
        self.read(|s| {
            let entries = load_entries(s, &range, None, None)?;
            s.audit_count(AuditAction::ViewAudit, "audit_log", None, entries.len());
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
    let digest = s.keys.blind_index(PERSON_REF, person_id);
    load_entries(s, &TimeRange::all(), Some(&digest), None)
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

fn load_entries(
    s: &Session<'_>,
    range: &TimeRange,
    person_ref: Option<&[u8]>,
    page: Option<PageRequest>,
) -> Result<Vec<AuditEntry>> {
    let (limit, offset) = page.map_or((-1i64, 0i64), |p| (i64::from(p.limit), i64::from(p.offset)));
    let mut statement = s.conn.prepare_cached(
        "SELECT id, at, data FROM audit_log
         WHERE at >= ?1 AND at < ?2 AND (?3 IS NULL OR person_ref = ?3)
         ORDER BY at, rowid LIMIT ?4 OFFSET ?5",
    )?;
    let rows = statement.query_map(
        params![range.from, range.until, person_ref, limit, offset],
        |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Vec<u8>>(2)?,
            ))
        },
    )?;
    let mut entries = Vec::new();
    for row in rows {
        let (id, at, sealed) = row?;
        let data: EntryData = s.keys.open_json(place(&id), &sealed, "audit_entry")?;
        entries.push(AuditEntry {
            id,
            at,
            actor: data.actor,
            action: data.action,
            kind: data.kind,
            record_id: data.record_id,
            person_id: data.person_id,
            count: data.count,
            subject_erased: data.subject_erased,
        });
    }
    Ok(entries)
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
            entry.actor.as_ref().map_or("", |a| role_code(a.role)),
            entry.actor.as_ref().map_or("", |a| a.name.as_str()),
            entry.action.code(),
            &entry.kind,
            entry.record_id.as_deref().unwrap_or(""),
            entry.person_id.as_deref().unwrap_or(""),
            &count,
            if entry.subject_erased { "true" } else { "false" },
        ]));
    }
    out
}

fn place(id: &str) -> Place<'_> {
    Place {
        table: AUDIT,
        row: id,
        column: "data",
    }
}
