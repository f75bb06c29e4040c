//! Returns and reintegration services in `vault.db`: one row each, typed columns; the
//! needs of a return in a JSON column (their storage codes).

use rusqlite::{Row, ToSql};

use super::{ReintegrationNeed, ReintegrationService, ReturnReason, ReturnRecord, ServiceKind};
use crate::agenda::{AgendaContext, AgendaKind, Signal};
use crate::error::{RecordKind, Result};
use crate::store::kernel::{storage_error, stored_sql, Stored};
use crate::time::{date_text, parse_stored_date};
use crate::vault::Session;
use crate::visits::JsonList;

/// Returns and the services given after them. A return may name the case that brought
/// the person back (a case of the same person; both go when the person is erased). The
/// report counts returns and services by date (`returns_by_date`, `services_by_date`);
/// the agenda reads each person's latest return (`returns_by_person`).
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE returns (
        id                 TEXT PRIMARY KEY,
        person_id          TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        return_date        TEXT NOT NULL,
        reason             TEXT NOT NULL,
        case_id            TEXT REFERENCES cases (id) ON DELETE SET NULL,
        condition          TEXT,
        needs              TEXT NOT NULL,
        follow_up_plan     TEXT,
        next_follow_up_on  TEXT,
        created_at         TEXT NOT NULL
    );
    CREATE INDEX returns_by_person ON returns (person_id, return_date, created_at);
    CREATE INDEX returns_by_date ON returns (return_date);
    CREATE INDEX returns_by_case ON returns (case_id);
    CREATE TABLE reintegration_services (
        id          TEXT PRIMARY KEY,
        return_id   TEXT NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        date        TEXT NOT NULL,
        provider    TEXT,
        note        TEXT,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX reintegration_services_by_person ON reintegration_services (person_id, created_at);
    CREATE INDEX reintegration_services_by_return ON reintegration_services (return_id, created_at);
    CREATE INDEX reintegration_services_by_date ON reintegration_services (date);
"#;

/// A return as its row holds it (the services are rows of their own).
pub(super) struct StoredReturn {
    pub id: String,
    pub person_id: String,
    pub return_date: String,
    pub reason: ReturnReason,
    pub case_id: Option<String>,
    pub condition: Option<String>,
    pub needs: JsonList<ReintegrationNeed>,
    pub follow_up_plan: Option<String>,
    pub next_follow_up_on: Option<String>,
    pub created_at: String,
}

impl StoredReturn {
    pub(super) fn into_record(self, services: Vec<ReintegrationService>) -> ReturnRecord {
        ReturnRecord {
            id: self.id,
            person_id: self.person_id,
            return_date: self.return_date,
            reason: self.reason,
            case_id: self.case_id,
            condition: self.condition,
            needs: self.needs.0,
            follow_up_plan: self.follow_up_plan,
            next_follow_up_on: self.next_follow_up_on,
            services,
            created_at: self.created_at,
        }
    }
}

impl Stored for StoredReturn {
    const KIND: RecordKind = RecordKind::Return;
    stored_sql!(table: "returns", key: "id", columns: [
        "person_id", "return_date", "reason", "case_id", "condition", "needs", "follow_up_plan",
        "next_follow_up_on", "created_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.return_date,
            &self.reason,
            &self.case_id,
            &self.condition,
            &self.needs,
            &self.follow_up_plan,
            &self.next_follow_up_on,
            &self.created_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredReturn {
            id: row.get(0)?,
            person_id: row.get(1)?,
            return_date: row.get(2)?,
            reason: row.get(3)?,
            case_id: row.get(4)?,
            condition: row.get(5)?,
            needs: row.get(6)?,
            follow_up_plan: row.get(7)?,
            next_follow_up_on: row.get(8)?,
            created_at: row.get(9)?,
        })
    }
}

/// A service as its row holds it: with the time it was recorded, for its order.
pub(super) struct StoredService {
    pub id: String,
    pub return_id: String,
    pub person_id: String,
    pub kind: ServiceKind,
    pub date: String,
    pub provider: Option<String>,
    pub note: Option<String>,
    pub created_at: String,
}

impl From<StoredService> for ReintegrationService {
    fn from(row: StoredService) -> Self {
        ReintegrationService {
            id: row.id,
            return_id: row.return_id,
            person_id: row.person_id,
            kind: row.kind,
            date: row.date,
            provider: row.provider,
            note: row.note,
        }
    }
}

impl Stored for StoredService {
    const KIND: RecordKind = RecordKind::ReintegrationService;
    stored_sql!(table: "reintegration_services", key: "id", columns: [
        "return_id", "person_id", "kind", "date", "provider", "note", "created_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.return_id,
            &self.person_id,
            &self.kind,
            &self.date,
            &self.provider,
            &self.note,
            &self.created_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredService {
            id: row.get(0)?,
            return_id: row.get(1)?,
            person_id: row.get(2)?,
            kind: row.get(3)?,
            date: row.get(4)?,
            provider: row.get(5)?,
            note: row.get(6)?,
            created_at: row.get(7)?,
        })
    }
}

/// The services given after one return, in the order recorded.
pub(super) fn services_of_return(s: &Session<'_>, return_id: &str) -> Result<Vec<ReintegrationService>> {
    let rows: Vec<StoredService> =
        s.select("WHERE return_id = ?1 ORDER BY created_at, rowid", [return_id])?;
    Ok(rows.into_iter().map(ReintegrationService::from).collect())
}

/// A person's returns, oldest first (by return date, then by when recorded), each with
/// its services.
pub(crate) fn load_returns(s: &Session<'_>, person_id: &str) -> Result<Vec<ReturnRecord>> {
    let mut by_return = s.select_grouped(
        "WHERE person_id = ?1 ORDER BY created_at, rowid",
        [person_id],
        |service: &StoredService| service.return_id.clone(),
    )?;
    let returns: Vec<StoredReturn> = s.select(
        "WHERE person_id = ?1 ORDER BY return_date, created_at, rowid",
        [person_id],
    )?;
    Ok(returns
        .into_iter()
        .map(|row| {
            let services = by_return.remove(&row.id).unwrap_or_default();
            row.into_record(services)
        })
        .collect())
}

/// Each person's latest return (by return date, then by when it was recorded), when it
/// sets a follow-up due on or before a day.
const LATEST_RETURNS_DUE: &str = "
    SELECT id, person_id, next_follow_up_on FROM (
        SELECT id, person_id, next_follow_up_on,
               row_number() OVER (
                   PARTITION BY person_id ORDER BY return_date DESC, created_at DESC, rowid DESC
               ) AS recency
        FROM returns
    )
    WHERE recency = 1 AND next_follow_up_on <= ?1";

/// The agenda's reintegration rule: the latest return of each followed person whose
/// `next_follow_up_on` falls on or before the horizon.
pub(crate) fn agenda_signals(s: &Session<'_>, ctx: &AgendaContext<'_>) -> Result<Vec<Signal>> {
    let mut statement = s.conn.prepare_cached(LATEST_RETURNS_DUE)?;
    let rows = statement
        .query_map([date_text(ctx.horizon)], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|err| storage_error(err, RecordKind::Return))?;
    Ok(rows
        .into_iter()
        .filter(|(_, person_id, _)| ctx.includes(person_id))
        .filter_map(|(return_id, person_id, next)| {
            let due = parse_stored_date(&next)?;
            Some(Signal {
                kind: AgendaKind::ReintegrationFollowUpDue,
                person_id,
                record_id: Some(return_id),
                due_on: Some(due),
                count: None,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::{ReintegrationNeed, ReturnInput, ReturnReason, ServiceInput, ServiceKind};
    use crate::cases::{CaseInput, CaseType, Reporter};
    use crate::error::{MigranError, RecordKind};
    use crate::visits::testing::{count, meddle, row_of, text, vault_with_person};

    /// A return because of a case, with a service; the return's id.
    fn record_return(vault: &crate::vault::Vault, person: &str) -> String {
        let case = vault
            .open_case(
                person.into(),
                CaseInput {
                    case_type: CaseType::UnpaidWages,
                    description: "Gaji tidak dibayar".into(),
                    reported_by: Reporter::Migrant,
                    reported_on: Some("2026-05-01".into()),
                },
            )
            .unwrap();
        let returned = vault
            .record_return(
                person.into(),
                ReturnInput {
                    return_date: "2026-05-20".into(),
                    reason: ReturnReason::Case,
                    case_id: Some(case.id),
                    condition: Some("Sehat".into()),
                    needs: vec![ReintegrationNeed::Legal, ReintegrationNeed::Economic],
                    follow_up_plan: None,
                    next_follow_up_on: Some("2026-07-01".into()),
                },
            )
            .unwrap();
        vault
            .add_reintegration_service(
                returned.id.clone(),
                ServiceInput {
                    kind: ServiceKind::BusinessSupport,
                    date: "2026-06-01".into(),
                    provider: Some("BLK Contoh".into()),
                    note: None,
                },
            )
            .unwrap();
        returned.id
    }

    #[test]
    fn a_return_and_its_services_are_rows_of_typed_columns_with_codes() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, person) = vault_with_person(dir.path());
        let return_id = record_return(&vault, &person);
        assert_eq!(
            row_of(
                &vault,
                "SELECT return_date, reason, needs, next_follow_up_on FROM returns"
            ),
            vec![
                text("2026-05-20"),
                text("case"),
                text(r#"["legal","economic"]"#),
                text("2026-07-01")
            ]
        );
        assert_eq!(
            row_of(
                &vault,
                "SELECT return_id, kind, date, provider FROM reintegration_services"
            ),
            vec![
                text(&return_id),
                text("business_support"),
                text("2026-06-01"),
                text("BLK Contoh")
            ]
        );
        let returns = vault.list_returns(person).unwrap();
        assert_eq!(returns.len(), 1);
        assert_eq!(returns[0].services[0].kind, ServiceKind::BusinessSupport);
    }

    #[test]
    fn a_need_stored_under_anything_but_its_code_reads_as_tampered() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, person) = vault_with_person(dir.path());
        record_return(&vault, &person);
        meddle(&vault, r#"UPDATE returns SET needs = '["Legal"]'"#);
        assert_eq!(
            vault.list_returns(person),
            Err(MigranError::Tampered {
                kind: RecordKind::Return
            })
        );
    }

    #[test]
    fn erasing_the_person_removes_their_returns_and_services() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, person) = vault_with_person(dir.path());
        record_return(&vault, &person);
        vault.erase_person(person).unwrap();
        for table in ["returns", "reintegration_services", "cases", "case_events"] {
            assert_eq!(count(&vault, table), 0, "{table}");
        }
    }
}
