//! Home visits: the cadre's log of visits to a person's household, with who was present,
//! what was discussed, what the cadre observed and the follow-ups agreed, each with a due
//! date. The agenda (module `agenda`) reads them.
//!
//! Layers: this file holds the types and the exported API; `input` checks what the cadre
//! typed into records; `store` keeps them in `vault.db` (one row per visit, one per
//! follow-up) and answers the agenda.

mod input;
mod store;
#[cfg(test)]
pub(crate) mod testing;

use serde::Serialize;

use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::error::{RecordKind, Result};
use crate::people::ensure_person;
use crate::time::date_text;
use crate::validate;
use crate::vault::Vault;

pub(crate) use input::optional_past_date;
pub(crate) use store::{agenda_signals, load_visits, JsonList, SCHEMA};

/// What was talked about in a home visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum VisitTopic {
    /// Safe, procedural migration: the official route, costs, rights.
    SafeMigration,
    /// Documents: what is needed, what is missing.
    Documents,
    /// Trafficking red flags (TPPO).
    RedFlags,
    /// Sending money home.
    Remittances,
    /// Coming back home and settling again (purna).
    Reintegration,
    /// Anything else.
    Other,
}

crate::storage_codes!(VisitTopic {
    SafeMigration => "safe_migration",
    Documents => "documents",
    RedFlags => "red_flags",
    Remittances => "remittances",
    Reintegration => "reintegration",
    Other => "other",
});

/// A follow-up agreed in a visit, as typed in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitFollowUpInput {
    /// What is to be done.
    pub action: String,
    /// `YYYY-MM-DD`, not before the visit.
    pub due_on: String,
}

/// A home visit, as the cadre types it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitInput {
    /// `YYYY-MM-DD`, not in the future.
    pub date: String,
    /// The cadre who visited; the vault's actor when `None`.
    pub cadre: Option<String>,
    /// Who was present (names or relations, as the cadre writes them).
    pub present: Vec<String>,
    /// What was talked about; repeats are dropped.
    pub topics: Vec<VisitTopic>,
    /// What the cadre observed; may span lines.
    pub observations: Option<String>,
    /// The follow-ups agreed, at most 20.
    pub follow_ups: Vec<VisitFollowUpInput>,
    /// When the next visit should be; the agenda's cadence by phase when `None`.
    pub next_visit_on: Option<String>,
}

/// A follow-up agreed in a home visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct VisitFollowUp {
    /// The follow-up's id, made by the core.
    pub id: String,
    /// The visit it was agreed in.
    pub visit_id: String,
    /// The person it is about.
    pub person_id: String,
    /// What is to be done.
    pub action: String,
    /// When it is due, `YYYY-MM-DD`.
    pub due_on: String,
    /// `None` while open.
    pub done_on: Option<String>,
    /// A note written when it was done; `None` when none.
    pub done_note: Option<String>,
}

/// A home visit to a person's household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Visit {
    /// The visit's id, made by the core.
    pub id: String,
    /// The person visited.
    pub person_id: String,
    /// The day of the visit, `YYYY-MM-DD`.
    pub date: String,
    /// The cadre who visited; `None` when neither given nor set as the vault's actor.
    pub cadre: Option<String>,
    /// Who was present.
    pub present: Vec<String>,
    /// What was talked about, each once.
    pub topics: Vec<VisitTopic>,
    /// What the cadre observed; `None` when nothing was written.
    pub observations: Option<String>,
    /// The follow-ups agreed, in the order given.
    pub follow_ups: Vec<VisitFollowUp>,
    /// When the next visit should be, `YYYY-MM-DD`; `None` to use the agenda's cadence.
    pub next_visit_on: Option<String>,
    /// When the visit was recorded, RFC 3339 UTC.
    pub created_at: String,
}

#[uniffi::export]
impl Vault {
    /// Logs a home visit and the follow-ups agreed in it. Needs the registration consent.
    pub fn add_visit(&self, person_id: String, input: VisitInput) -> Result<Visit> {
        self.write(|s| {
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let (visit, follow_ups) = input::new_visit(s, &person_id, &input)?;
            s.insert(&visit)?;
            s.audit(AuditAction::Create, RecordKind::Visit, &visit.id, &person_id);
            for follow_up in &follow_ups {
                s.insert(follow_up)?;
                s.audit(
                    AuditAction::Create,
                    RecordKind::VisitFollowUp,
                    &follow_up.id,
                    &person_id,
                );
            }
            Ok(visit.into_visit(follow_ups.into_iter().map(VisitFollowUp::from).collect()))
        })
    }

    /// A person's visits, newest first, with their follow-ups.
    pub fn list_visits(&self, person_id: String) -> Result<Vec<Visit>> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let visits = load_visits(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Visit,
                Some(&person_id),
                visits.len(),
            );
            Ok(visits)
        })
    }

    /// Marks a follow-up done (on `done_on`, today when `None`).
    pub fn complete_visit_follow_up(
        &self,
        follow_up_id: String,
        done_on: Option<String>,
        note: Option<String>,
    ) -> Result<VisitFollowUp> {
        let note = validate::optional_multiline("note", note.as_deref(), validate::LONG_TEXT_MAX)?;
        self.write(|s| {
            let mut follow_up: store::StoredVisitFollowUp = s.get(&follow_up_id)?;
            consent::require(s, &follow_up.person_id, ConsentPurpose::Registration)?;
            let done = optional_past_date(s, "done_on", done_on.as_deref())?.unwrap_or(s.today);
            follow_up.done_on = Some(date_text(done));
            follow_up.done_note = note.clone();
            s.upsert(&follow_up)?;
            s.audit(
                AuditAction::Update,
                RecordKind::VisitFollowUp,
                &follow_up.id,
                &follow_up.person_id,
            );
            Ok(follow_up.into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codes::StorageCode;

    #[test]
    fn every_stored_code_of_the_visit_enums_is_pinned() {
        let codes: Vec<&str> = VisitTopic::ALL.iter().map(|v| v.code()).collect();
        assert_eq!(
            codes.join(","),
            "safe_migration,documents,red_flags,remittances,reintegration,other"
        );
    }
}
