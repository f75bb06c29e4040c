//! Cases and their timelines in `vault.db`: one row per case, one per event, typed
//! columns. A referral is an event of kind `referred`; there is no table of its own.

use rusqlite::{Row, ToSql};

use super::{Agency, Case, CaseChange, CaseDetail, CaseEvent, CaseStatus, Referral};
use crate::audit::{Actor, ActorRole, AuditAction};
use crate::crypto::new_row_id;
use crate::error::{MigranError, RecordKind, Result};
use crate::store::kernel::{stored_sql, Stored};
use crate::time::instant_text;
use crate::vault::Session;

/// Cases and their events. An event's `kind` says which of `from_status`/`to_status`
/// (a status change) or `agency`/`office` (a referral) it fills; the CHECKs keep a row
/// from holding a change it cannot be read back as. The report counts cases by the day
/// they were reported (`cases_by_report_date`).
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE cases (
        id           TEXT PRIMARY KEY,
        person_id    TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        case_type    TEXT NOT NULL,
        description  TEXT NOT NULL,
        reported_by  TEXT NOT NULL,
        reported_on  TEXT NOT NULL,
        status       TEXT NOT NULL,
        opened_at    TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    CREATE INDEX cases_by_person ON cases (person_id, opened_at);
    CREATE INDEX cases_by_report_date ON cases (reported_on);
    CREATE TABLE case_events (
        id           TEXT PRIMARY KEY,
        case_id      TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        person_id    TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        date         TEXT NOT NULL,
        kind         TEXT NOT NULL,
        from_status  TEXT,
        to_status    TEXT,
        agency       TEXT,
        office       TEXT,
        note         TEXT,
        actor_name   TEXT,
        actor_role   TEXT,
        recorded_at  TEXT NOT NULL,
        CHECK ((kind = 'status_changed') = (from_status IS NOT NULL AND to_status IS NOT NULL)),
        CHECK ((kind = 'referred') = (agency IS NOT NULL)),
        CHECK (kind = 'referred' OR office IS NULL)
    );
    CREATE INDEX case_events_by_case ON case_events (case_id, recorded_at);
    CREATE INDEX case_events_by_person ON case_events (person_id);
"#;

/// The kind of a timeline line, stored in `case_events.kind`; the variant of
/// [`CaseChange`] without its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeKind {
    Opened,
    StatusChanged,
    Referred,
    Note,
}

crate::storage_codes!(ChangeKind {
    Opened => "opened",
    StatusChanged => "status_changed",
    Referred => "referred",
    Note => "note",
});

impl Stored for Case {
    const KIND: RecordKind = RecordKind::Case;
    stored_sql!(table: "cases", key: "id", columns: [
        "person_id", "case_type", "description", "reported_by", "reported_on", "status", "opened_at", "updated_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.case_type,
            &self.description,
            &self.reported_by,
            &self.reported_on,
            &self.status,
            &self.opened_at,
            &self.updated_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Case {
            id: row.get(0)?,
            person_id: row.get(1)?,
            case_type: row.get(2)?,
            description: row.get(3)?,
            reported_by: row.get(4)?,
            reported_on: row.get(5)?,
            status: row.get(6)?,
            opened_at: row.get(7)?,
            updated_at: row.get(8)?,
        })
    }
}

/// A timeline line as its row holds it: the change flattened into columns, the actor
/// in two, and the person, so that erasing them removes the line.
struct StoredCaseEvent {
    id: String,
    case_id: String,
    person_id: String,
    date: String,
    kind: ChangeKind,
    from_status: Option<CaseStatus>,
    to_status: Option<CaseStatus>,
    agency: Option<Agency>,
    office: Option<String>,
    note: Option<String>,
    actor_name: Option<String>,
    actor_role: Option<ActorRole>,
    recorded_at: String,
}

impl StoredCaseEvent {
    /// The event as the API shows it; a row whose columns do not make a change of its
    /// kind was altered.
    fn into_event(self) -> Result<CaseEvent> {
        let tampered = MigranError::Tampered {
            kind: RecordKind::CaseEvent,
        };
        let change = match (self.kind, self.from_status, self.to_status, self.agency) {
            (ChangeKind::Opened, None, None, None) => CaseChange::Opened,
            (ChangeKind::Note, None, None, None) => CaseChange::Note,
            (ChangeKind::StatusChanged, Some(from), Some(to), None) => CaseChange::StatusChanged { from, to },
            (ChangeKind::Referred, None, None, Some(agency)) => CaseChange::Referred {
                agency,
                office: self.office,
            },
            _ => return Err(tampered),
        };
        let actor = match (self.actor_name, self.actor_role) {
            (Some(name), Some(role)) => Some(Actor { name, role }),
            (None, None) => None,
            _ => return Err(tampered),
        };
        Ok(CaseEvent {
            id: self.id,
            case_id: self.case_id,
            date: self.date,
            change,
            note: self.note,
            actor,
            recorded_at: self.recorded_at,
        })
    }
}

impl Stored for StoredCaseEvent {
    const KIND: RecordKind = RecordKind::CaseEvent;
    stored_sql!(table: "case_events", key: "id", columns: [
        "case_id", "person_id", "date", "kind", "from_status", "to_status", "agency", "office", "note",
        "actor_name", "actor_role", "recorded_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.case_id,
            &self.person_id,
            &self.date,
            &self.kind,
            &self.from_status,
            &self.to_status,
            &self.agency,
            &self.office,
            &self.note,
            &self.actor_name,
            &self.actor_role,
            &self.recorded_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredCaseEvent {
            id: row.get(0)?,
            case_id: row.get(1)?,
            person_id: row.get(2)?,
            date: row.get(3)?,
            kind: row.get(4)?,
            from_status: row.get(5)?,
            to_status: row.get(6)?,
            agency: row.get(7)?,
            office: row.get(8)?,
            note: row.get(9)?,
            actor_name: row.get(10)?,
            actor_role: row.get(11)?,
            recorded_at: row.get(12)?,
        })
    }
}

/// Adds a line to the case's timeline, by the session's actor, recorded now.
pub(super) fn add_event(
    s: &Session<'_>,
    case: &Case,
    date: String,
    change: CaseChange,
    note: Option<String>,
) -> Result<CaseEvent> {
    let (kind, from_status, to_status, agency, office) = match change {
        CaseChange::Opened => (ChangeKind::Opened, None, None, None, None),
        CaseChange::Note => (ChangeKind::Note, None, None, None, None),
        CaseChange::StatusChanged { from, to } => {
            (ChangeKind::StatusChanged, Some(from), Some(to), None, None)
        }
        CaseChange::Referred { agency, office } => (ChangeKind::Referred, None, None, Some(agency), office),
    };
    let row = StoredCaseEvent {
        id: new_row_id()?,
        case_id: case.id.clone(),
        person_id: case.person_id.clone(),
        date,
        kind,
        from_status,
        to_status,
        agency,
        office,
        note,
        actor_name: s.actor.map(|actor| actor.name.clone()),
        actor_role: s.actor.map(|actor| actor.role),
        recorded_at: instant_text(s.now),
    };
    s.insert(&row)?;
    s.audit(AuditAction::Update, RecordKind::Case, &case.id, &case.person_id);
    row.into_event()
}

/// The case with its timeline (oldest first) and its referrals.
pub(super) fn load_detail(s: &Session<'_>, case: Case) -> Result<CaseDetail> {
    let rows: Vec<StoredCaseEvent> =
        s.select("WHERE case_id = ?1 ORDER BY recorded_at, rowid", [&case.id])?;
    let timeline = rows
        .into_iter()
        .map(StoredCaseEvent::into_event)
        .collect::<Result<Vec<_>>>()?;
    let referrals = timeline
        .iter()
        .filter_map(|event| match &event.change {
            CaseChange::Referred { agency, office } => Some(Referral {
                event_id: event.id.clone(),
                agency: *agency,
                office: office.clone(),
                date: event.date.clone(),
                note: event.note.clone(),
            }),
            _ => None,
        })
        .collect();
    Ok(CaseDetail {
        case,
        timeline,
        referrals,
    })
}

/// A person's cases, or every case when `person_id` is `None`; in the order opened.
pub(crate) fn load_cases(s: &Session<'_>, person_id: Option<&str>) -> Result<Vec<Case>> {
    match person_id {
        Some(person_id) => s.select("WHERE person_id = ?1 ORDER BY opened_at, rowid", [person_id]),
        None => s.select("ORDER BY opened_at, rowid", []),
    }
}

/// A person's cases with their timelines, for the person's export.
pub(crate) fn details_of(s: &Session<'_>, person_id: &str) -> Result<Vec<CaseDetail>> {
    load_cases(s, Some(person_id))?
        .into_iter()
        .map(|case| load_detail(s, case))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{Agency, CaseInput, CaseStatus, CaseType, ReferralInput, Reporter, StatusChangeInput};
    use crate::consent::{ConsentInput, ConsentPurpose};
    use crate::error::{MigranError, RecordKind};
    use crate::visits::testing::{count, meddle, row_of, text, vault_with_person};

    fn open_referred_case(vault: &crate::vault::Vault, person: &str) -> String {
        let case = vault
            .open_case(
                person.into(),
                CaseInput {
                    case_type: CaseType::TraffickingSuspicion,
                    description: "Dijanjikan kerja, paspor ditahan".into(),
                    reported_by: Reporter::Family,
                    reported_on: Some("2026-06-01".into()),
                },
            )
            .unwrap();
        vault
            .change_case_status(
                case.id.clone(),
                StatusChangeInput {
                    to: CaseStatus::InProgress,
                    date: Some("2026-06-02".into()),
                    note: None,
                },
            )
            .unwrap();
        vault
            .record_consent(
                person.into(),
                ConsentInput {
                    purpose: ConsentPurpose::ShareWithAgencies,
                    given: true,
                    date: None,
                    note: None,
                },
            )
            .unwrap();
        vault
            .refer_case(
                case.id.clone(),
                ReferralInput {
                    agency: Agency::Kp2mi,
                    office: Some("BP3MI Jawa Barat".into()),
                    date: Some("2026-06-03".into()),
                    note: Some("Berkas diserahkan".into()),
                },
            )
            .unwrap();
        case.id
    }

    #[test]
    fn a_case_and_its_timeline_are_rows_of_typed_columns_with_codes() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, person) = vault_with_person(dir.path());
        let case_id = open_referred_case(&vault, &person);
        assert_eq!(
            row_of(
                &vault,
                "SELECT case_type, reported_by, reported_on, status FROM cases"
            ),
            vec![
                text("trafficking_suspicion"),
                text("family"),
                text("2026-06-01"),
                text("referred")
            ]
        );
        assert_eq!(
            row_of(
                &vault,
                "SELECT group_concat(kind || ':' || coalesce(from_status, '-') || ':' || \
                 coalesce(to_status, '-') || ':' || coalesce(agency, '-'), ' ') \
                 FROM (SELECT * FROM case_events ORDER BY recorded_at, rowid)"
            ),
            vec![text(
                "opened:-:-:- status_changed:open:in_progress:- \
                 status_changed:in_progress:referred:- referred:-:-:kp2mi"
            )]
        );
        let detail = vault.get_case(case_id).unwrap();
        assert_eq!(detail.timeline.len(), 4);
        assert_eq!(detail.referrals.len(), 1);
        assert_eq!(detail.referrals[0].office.as_deref(), Some("BP3MI Jawa Barat"));
        assert_eq!(detail.referrals[0].note.as_deref(), Some("Berkas diserahkan"));
    }

    #[test]
    fn a_status_or_a_change_that_is_not_a_known_code_reads_as_tampered() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, person) = vault_with_person(dir.path());
        let case_id = open_referred_case(&vault, &person);
        meddle(&vault, "UPDATE cases SET status = 'Referred'");
        assert_eq!(
            vault.get_case(case_id.clone()),
            Err(MigranError::Tampered {
                kind: RecordKind::Case
            })
        );
        meddle(&vault, "UPDATE cases SET status = 'referred'");
        assert!(vault.get_case(case_id.clone()).is_ok());
        meddle(
            &vault,
            "UPDATE case_events SET kind = 'Opened' WHERE kind = 'opened'",
        );
        assert_eq!(
            vault.get_case(case_id),
            Err(MigranError::Tampered {
                kind: RecordKind::CaseEvent
            })
        );
    }

    #[test]
    fn an_event_whose_columns_contradict_its_kind_is_refused_by_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, person) = vault_with_person(dir.path());
        open_referred_case(&vault, &person);
        let refused = vault.write(|s| {
            s.conn
                .execute("UPDATE case_events SET agency = 'kbri' WHERE kind = 'opened'", [])?;
            Ok(())
        });
        assert!(matches!(refused, Err(MigranError::Storage { .. })), "{refused:?}");
    }

    #[test]
    fn erasing_the_person_removes_their_cases_and_timelines() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, person) = vault_with_person(dir.path());
        open_referred_case(&vault, &person);
        assert_eq!(count(&vault, "case_events"), 4);
        vault.erase_person(person).unwrap();
        assert_eq!(count(&vault, "cases"), 0);
        assert_eq!(count(&vault, "case_events"), 0);
    }
}
