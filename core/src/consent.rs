//! Consent per person and purpose (UU PDP, UU 27/2022; the project's summary of that law
//! is not yet checked against its text, see shared FACTS.md), with its full history.
//!
//! Which operation needs which consent (docs/decisions/0005-consent.md):
//! - `Registration`: recorded as given when a person is registered (the app asks before
//!   it calls `add_person`). While it is withdrawn nothing new is recorded about the
//!   person (updates, contacts, journey, documents, visits, cases, returns); reading,
//!   exporting and erasing stay possible, because they serve the person's own rights.
//! - `ShareWithAgencies`: referring a case to an agency.
//! - `ShareWithFamily`: what the family sees (checklist view, emergency alerts); checked
//!   by those modules with `require`.
//! - `Reporting`: only people with this consent are counted in the village report's
//!   breakdowns; the others appear as one total.

use std::collections::HashMap;

use serde::Serialize;

use crate::audit::{Actor, ActorRole, AuditAction};
use crate::crypto::new_row_id;
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::i18n::Locale;
use crate::people::ensure_person;
use crate::store::kernel::{stored_sql, Stored};
use crate::time::{date_text, instant_text, latest_date_anywhere, parse_date};
use crate::validate;
use crate::vault::{Session, Vault};

/// Every consent change, one row each; the current state is the latest per purpose.
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE consents (
        id                TEXT PRIMARY KEY,
        person_id         TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        purpose           TEXT NOT NULL,
        given             INTEGER NOT NULL,
        date              TEXT NOT NULL,
        note              TEXT,
        recorded_by_name  TEXT,
        recorded_by_role  TEXT,
        recorded_at       TEXT NOT NULL
    );
    CREATE INDEX consents_by_person ON consents (person_id, date);
"#;

/// What a person's consent is for; each purpose is given or withdrawn on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum ConsentPurpose {
    /// Keeping the person's record in the village register at all.
    Registration,
    /// Showing the person's checklist and alerts to their family.
    ShareWithFamily,
    /// Passing case details to agencies (Disnaker, KP2MI/BP3MI, KBRI, police, NGOs).
    ShareWithAgencies,
    /// Being counted in the village's reports upward (counts only, no personal data).
    Reporting,
}

/// Every purpose, in the order `consents` lists them.
pub const ALL_PURPOSES: [ConsentPurpose; 4] = [
    ConsentPurpose::Registration,
    ConsentPurpose::ShareWithFamily,
    ConsentPurpose::ShareWithAgencies,
    ConsentPurpose::Reporting,
];

crate::storage_codes!(ConsentPurpose {
    Registration => "registration",
    ShareWithFamily => "share_with_family",
    ShareWithAgencies => "share_with_agencies",
    Reporting => "reporting",
});

impl ConsentPurpose {
    fn index(self) -> usize {
        match self {
            ConsentPurpose::Registration => 0,
            ConsentPurpose::ShareWithFamily => 1,
            ConsentPurpose::ShareWithAgencies => 2,
            ConsentPurpose::Reporting => 3,
        }
    }
}

/// A consent given or withdrawn, as the cadre records it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsentInput {
    /// What the consent is for.
    pub purpose: ConsentPurpose,
    /// `true`: given; `false`: withdrawn (or refused).
    pub given: bool,
    /// `YYYY-MM-DD`; today when `None`. Not in the future.
    pub date: Option<String>,
    /// How it was given (a signed form, orally before a witness, ...).
    pub note: Option<String>,
}

/// One change of consent, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ConsentRecord {
    /// The record's id, made by the core.
    pub id: String,
    /// The person whose consent it is.
    pub person_id: String,
    /// What the consent is for.
    pub purpose: ConsentPurpose,
    /// `true`: given; `false`: withdrawn (or refused).
    pub given: bool,
    /// The day it was given or withdrawn, `YYYY-MM-DD`.
    pub date: String,
    /// How it was given (a signed form, orally before a witness, ...); `None` when not noted.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<Actor>,
    /// When it was recorded, RFC 3339 UTC.
    pub recorded_at: String,
}

/// Where a purpose stands for a person: the latest record decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, uniffi::Enum)]
pub enum ConsentState {
    /// Given.
    Given,
    /// Withdrawn or refused.
    Withdrawn,
    /// Never recorded.
    NotAsked,
}

/// Where one purpose stands for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ConsentStatus {
    /// What the consent is for.
    pub purpose: ConsentPurpose,
    /// Given, withdrawn or never asked.
    pub state: ConsentState,
    /// Date of the record that set the state.
    pub since: Option<String>,
}

/// A consent change as its row holds it.
struct StoredConsent {
    id: String,
    person_id: String,
    purpose: ConsentPurpose,
    given: bool,
    date: String,
    note: Option<String>,
    recorded_by_name: Option<String>,
    recorded_by_role: Option<ActorRole>,
    recorded_at: String,
}

impl Stored for StoredConsent {
    const KIND: RecordKind = RecordKind::Consent;
    stored_sql!(table: "consents", key: "id", columns: [
        "person_id", "purpose", "given", "date", "note", "recorded_by_name", "recorded_by_role", "recorded_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn rusqlite::ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.purpose,
            &self.given,
            &self.date,
            &self.note,
            &self.recorded_by_name,
            &self.recorded_by_role,
            &self.recorded_at,
        ]
    }

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredConsent {
            id: row.get(0)?,
            person_id: row.get(1)?,
            purpose: row.get(2)?,
            given: row.get(3)?,
            date: row.get(4)?,
            note: row.get(5)?,
            recorded_by_name: row.get(6)?,
            recorded_by_role: row.get(7)?,
            recorded_at: row.get(8)?,
        })
    }
}

impl From<StoredConsent> for ConsentRecord {
    fn from(row: StoredConsent) -> Self {
        let recorded_by = match (row.recorded_by_name, row.recorded_by_role) {
            (Some(name), Some(role)) => Some(Actor { name, role }),
            _ => None,
        };
        ConsentRecord {
            id: row.id,
            person_id: row.person_id,
            purpose: row.purpose,
            given: row.given,
            date: row.date,
            note: row.note,
            recorded_by,
            recorded_at: row.recorded_at,
        }
    }
}

#[uniffi::export]
impl Vault {
    /// Records that a consent was given or withdrawn. Allowed whatever the current state:
    /// withdrawing must always be possible.
    pub fn record_consent(&self, person_id: String, input: ConsentInput) -> Result<ConsentRecord> {
        let note = validate::optional_multiline("note", input.note.as_deref(), validate::LONG_TEXT_MAX)?;
        self.write(|s| {
            ensure_person(s, &person_id)?;
            let date = consent_date(s, input.date.as_deref())?;
            let record = record(s, &person_id, input.purpose, input.given, date, note.clone())?;
            Ok(record)
        })
    }

    /// The current state of every purpose for a person.
    pub fn consents(&self, person_id: String) -> Result<Vec<ConsentStatus>> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let history = load_history(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Consent,
                Some(&person_id),
                history.len(),
            );
            Ok(current(&history))
        })
    }

    /// Every consent change of a person, oldest first.
    pub fn consent_history(&self, person_id: String) -> Result<Vec<ConsentRecord>> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let history = load_history(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Consent,
                Some(&person_id),
                history.len(),
            );
            Ok(history)
        })
    }
}

/// The sentence the cadre reads to the person before recording a consent. Plain words,
/// not legal text.
#[uniffi::export]
pub fn consent_text(purpose: ConsentPurpose, locale: Locale) -> String {
    let (id, en) = match purpose {
        ConsentPurpose::Registration => (
            "Data Anda (nama, NIK, alamat, kontak keluarga, dokumen, rencana kerja) dicatat oleh desa untuk mendampingi dan melindungi Anda sebelum, selama dan sesudah bekerja di luar negeri. Anda boleh melihat, meminta salinan, memperbaiki atau menghapus data ini kapan saja.",
            "Your data (name, NIK, address, family contacts, documents, work plans) is recorded by the village to accompany and protect you before, during and after working abroad. You may see, copy, correct or erase it at any time.",
        ),
        ConsentPurpose::ShareWithFamily => (
            "Keluarga yang Anda tunjuk boleh melihat daftar persiapan keberangkatan Anda dan menerima tanda darurat dari Anda.",
            "The family members you name may see your pre-departure checklist and receive your emergency alerts.",
        ),
        ConsentPurpose::ShareWithAgencies => (
            "Bila ada masalah, kader boleh meneruskan keterangan kasus Anda kepada instansi yang membantu (Disnaker, KP2MI/BP3MI, KBRI/KJRI, polisi, LSM).",
            "If there is a problem, the cadre may pass the details of your case to the agencies that help (Disnaker, KP2MI/BP3MI, the embassy or consulate, police, NGOs).",
        ),
        ConsentPurpose::Reporting => (
            "Anda boleh dihitung dalam laporan desa ke kabupaten. Laporan hanya berisi jumlah, tanpa nama atau data pribadi.",
            "You may be counted in the village's reports to the district. Reports hold only numbers, no names or personal data.",
        ),
    };
    match locale {
        Locale::Id => id.to_string(),
        Locale::En => en.to_string(),
    }
}

/// Stores one consent change; used by `record_consent` and at registration.
pub(crate) fn record(
    s: &Session<'_>,
    person_id: &str,
    purpose: ConsentPurpose,
    given: bool,
    date: String,
    note: Option<String>,
) -> Result<ConsentRecord> {
    let row = StoredConsent {
        id: new_row_id()?,
        person_id: person_id.to_string(),
        purpose,
        given,
        date,
        note,
        recorded_by_name: s.actor.map(|a| a.name.clone()),
        recorded_by_role: s.actor.map(|a| a.role),
        recorded_at: instant_text(s.now),
    };
    s.insert(&row)?;
    s.audit(AuditAction::Create, RecordKind::Consent, &row.id, person_id);
    Ok(row.into())
}

/// Registration implies the registration consent: the app asks before calling
/// `add_person`, and the record of that answer is made here, dated the registration day.
pub(crate) fn record_at_registration(s: &Session<'_>, person_id: &str) -> Result<()> {
    record(
        s,
        person_id,
        ConsentPurpose::Registration,
        true,
        date_text(s.now.date_naive()),
        None,
    )?;
    Ok(())
}

/// Fails with `NotAllowed` (`consent_missing:<purpose>` or `consent_withdrawn:<purpose>`)
/// unless the person's latest record for `purpose` says given.
pub(crate) fn require(s: &Session<'_>, person_id: &str, purpose: ConsentPurpose) -> Result<()> {
    let history = load_history(s, person_id)?;
    let state = current(&history)
        .into_iter()
        .find(|status| status.purpose == purpose)
        .map_or(ConsentState::NotAsked, |status| status.state);
    match state {
        ConsentState::Given => Ok(()),
        ConsentState::Withdrawn => Err(MigranError::not_allowed(
            crate::error::NotAllowedReason::ConsentWithdrawn { purpose },
        )),
        ConsentState::NotAsked => Err(MigranError::not_allowed(
            crate::error::NotAllowedReason::ConsentMissing { purpose },
        )),
    }
}

/// Whether `purpose` is given in a row of [`all_current`].
pub(crate) fn is_given(states: &[bool; 4], purpose: ConsentPurpose) -> bool {
    states[purpose.index()]
}

/// For reports: each person's current state per purpose (`true` given), one pass over
/// the table.
pub(crate) fn all_current(s: &Session<'_>) -> Result<HashMap<String, [bool; 4]>> {
    // In order of the date set, then of recording: the last row per purpose decides.
    let mut statement = s
        .conn
        .prepare_cached("SELECT person_id, purpose, given FROM consents ORDER BY date, rowid")?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, ConsentPurpose>(1)?,
            row.get::<_, bool>(2)?,
        ))
    })?;
    let mut current: HashMap<String, [bool; 4]> = HashMap::new();
    for row in rows {
        let (person_id, purpose, given) = row?;
        current.entry(person_id).or_default()[purpose.index()] = given;
    }
    Ok(current)
}

pub(crate) fn load_history(s: &Session<'_>, person_id: &str) -> Result<Vec<ConsentRecord>> {
    // Ordered by the date the consent was given or withdrawn; same day: as recorded.
    let rows: Vec<StoredConsent> = s.select("WHERE person_id = ?1 ORDER BY date, rowid", [person_id])?;
    Ok(rows.into_iter().map(ConsentRecord::from).collect())
}

/// The state each purpose is in after `history` (sorted by date, then recording order).
fn current(history: &[ConsentRecord]) -> Vec<ConsentStatus> {
    ALL_PURPOSES
        .iter()
        .map(|&purpose| {
            let last = history.iter().rev().find(|record| record.purpose == purpose);
            ConsentStatus {
                purpose,
                state: match last {
                    None => ConsentState::NotAsked,
                    Some(record) if record.given => ConsentState::Given,
                    Some(_) => ConsentState::Withdrawn,
                },
                since: last.map(|record| record.date.clone()),
            }
        })
        .collect()
}

fn consent_date(s: &Session<'_>, date: Option<&str>) -> Result<String> {
    let today = s.now.date_naive();
    match date.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(date_text(today)),
        Some(text) => {
            let date = parse_date("date", text)?;
            if date > latest_date_anywhere(s.now) {
                return Err(MigranError::invalid("date", InvalidReason::OutOfRange));
            }
            Ok(date_text(date))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(purpose: ConsentPurpose, given: bool, date: &str) -> ConsentRecord {
        ConsentRecord {
            id: date.to_string(),
            person_id: "p".to_string(),
            purpose,
            given,
            date: date.to_string(),
            note: None,
            recorded_by: None,
            recorded_at: String::new(),
        }
    }

    #[test]
    fn the_latest_change_per_purpose_decides() {
        let history = vec![
            change(ConsentPurpose::Reporting, true, "2026-01-01"),
            change(ConsentPurpose::Registration, true, "2026-01-01"),
            change(ConsentPurpose::Reporting, false, "2026-03-01"),
        ];
        let states = current(&history);
        let state = |purpose| {
            states
                .iter()
                .find(|s| s.purpose == purpose)
                .map(|s| (s.state, s.since.clone()))
                .unwrap()
        };
        assert_eq!(
            state(ConsentPurpose::Reporting),
            (ConsentState::Withdrawn, Some("2026-03-01".to_string()))
        );
        assert_eq!(state(ConsentPurpose::Registration).0, ConsentState::Given);
        assert_eq!(
            state(ConsentPurpose::ShareWithFamily),
            (ConsentState::NotAsked, None)
        );
    }
}
