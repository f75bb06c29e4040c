//! Return and reintegration (purna: after work): when and why a migrant came back, in
//! what condition, what they need, the services they received and the follow-up plan.
//! Recording a return moves the person's journey to `Phase::Returned`.
//!
//! Layers: this file holds the types and the exported API; `store` keeps returns and
//! services in `vault.db` and answers the agenda and the report.

mod store;

use chrono::NaiveDate;
use serde::Serialize;

use crate::audit::AuditAction;
use crate::cases::Case;
use crate::consent::{self, ConsentPurpose};
use crate::crypto::new_row_id;
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::people::{self, ensure_person, Phase};
use crate::time::{date_text, instant_text, parse_date, parse_stored_date};
use crate::validate;
use crate::vault::Vault;
use crate::visits::{optional_past_date, JsonList};

pub(crate) use store::{agenda_signals, load_returns, SCHEMA};

/// Why a migrant came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum ReturnReason {
    /// The work contract ended (kontrak selesai).
    ContractEnd,
    /// Came back before the contract ended.
    EarlyReturn,
    /// Deported by the destination country.
    Deported,
    /// Came back because of a case (abuse, unpaid wages, trafficking ...).
    Case,
}

/// Every return reason, in the order the village report lists them.
pub const ALL_RETURN_REASONS: [ReturnReason; 4] = [
    ReturnReason::ContractEnd,
    ReturnReason::EarlyReturn,
    ReturnReason::Deported,
    ReturnReason::Case,
];

/// What a returned migrant needs help with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum ReintegrationNeed {
    /// Health care.
    Health,
    /// Legal help.
    Legal,
    /// Psychosocial support.
    Psychosocial,
    /// Income and livelihood.
    Economic,
}

/// Every reintegration need, in the order the village report lists them.
pub const ALL_NEEDS: [ReintegrationNeed; 4] = [
    ReintegrationNeed::Health,
    ReintegrationNeed::Legal,
    ReintegrationNeed::Psychosocial,
    ReintegrationNeed::Economic,
];

/// A kind of reintegration service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum ServiceKind {
    /// Vocational training (pelatihan).
    Training,
    /// Help starting or running a business (pendampingan usaha).
    BusinessSupport,
    /// Counselling (konseling).
    Counselling,
    /// Health care (layanan kesehatan).
    HealthCare,
    /// Legal aid (bantuan hukum).
    LegalAid,
    /// Any other service.
    Other,
}

/// Every service kind, in the order the village report lists them.
pub const ALL_SERVICE_KINDS: [ServiceKind; 6] = [
    ServiceKind::Training,
    ServiceKind::BusinessSupport,
    ServiceKind::Counselling,
    ServiceKind::HealthCare,
    ServiceKind::LegalAid,
    ServiceKind::Other,
];

crate::storage_codes!(ReturnReason {
    ContractEnd => "contract_end",
    EarlyReturn => "early_return",
    Deported => "deported",
    Case => "case",
});

crate::storage_codes!(ReintegrationNeed {
    Health => "health",
    Legal => "legal",
    Psychosocial => "psychosocial",
    Economic => "economic",
});

crate::storage_codes!(ServiceKind {
    Training => "training",
    BusinessSupport => "business_support",
    Counselling => "counselling",
    HealthCare => "health_care",
    LegalAid => "legal_aid",
    Other => "other",
});

/// A migrant's return home, as the cadre records it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReturnInput {
    /// `YYYY-MM-DD`, not in the future.
    pub return_date: String,
    /// Why the person came back.
    pub reason: ReturnReason,
    /// The case that brought the person back, when there is one.
    pub case_id: Option<String>,
    /// Condition on return (health, state of mind, belongings), as the cadre saw it.
    pub condition: Option<String>,
    /// What the person needs help with; repeats are dropped.
    pub needs: Vec<ReintegrationNeed>,
    /// The follow-up plan; may span lines.
    pub follow_up_plan: Option<String>,
    /// `YYYY-MM-DD`: when the cadre should follow up; it appears on the agenda.
    pub next_follow_up_on: Option<String>,
}

/// A new plan for a recorded return (after a follow-up visit); replaces needs, plan and date.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReturnPlanInput {
    /// What the person needs help with now; repeats are dropped.
    pub needs: Vec<ReintegrationNeed>,
    /// The follow-up plan; may span lines. `None` clears it.
    pub follow_up_plan: Option<String>,
    /// `YYYY-MM-DD`, not before the return date: the next follow-up; `None` clears it.
    pub next_follow_up_on: Option<String>,
}

/// A reintegration service received after a return.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceInput {
    /// What kind of service.
    pub kind: ServiceKind,
    /// `YYYY-MM-DD`, not in the future.
    pub date: String,
    /// Who gave it (a training centre, an NGO, the health centre).
    pub provider: Option<String>,
    /// A note; may span lines.
    pub note: Option<String>,
}

/// A reintegration service a returned migrant received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ReintegrationService {
    /// The service's id, made by the core.
    pub id: String,
    /// The return it belongs to.
    pub return_id: String,
    /// The person who received it.
    pub person_id: String,
    /// What kind of service.
    pub kind: ServiceKind,
    /// The day it was given, `YYYY-MM-DD`.
    pub date: String,
    /// Who gave it; `None` when not given.
    pub provider: Option<String>,
    /// The note written with it; `None` when none.
    pub note: Option<String>,
}

/// A migrant's return home, with the services received since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ReturnRecord {
    /// The return's id, made by the core.
    pub id: String,
    /// The person who came back.
    pub person_id: String,
    /// The day of return, `YYYY-MM-DD`.
    pub return_date: String,
    /// Why the person came back.
    pub reason: ReturnReason,
    /// The case that brought the person back; `None` when there is none.
    pub case_id: Option<String>,
    /// Condition on return, as the cadre saw it; `None` when not recorded.
    pub condition: Option<String>,
    /// What the person needs help with, each once, in declaration order.
    pub needs: Vec<ReintegrationNeed>,
    /// The follow-up plan; `None` when there is none.
    pub follow_up_plan: Option<String>,
    /// When the cadre should follow up, `YYYY-MM-DD`; `None` when not planned.
    pub next_follow_up_on: Option<String>,
    /// The services received, in the order recorded.
    pub services: Vec<ReintegrationService>,
    /// When the return was recorded, RFC 3339 UTC.
    pub created_at: String,
}

#[uniffi::export]
impl Vault {
    /// Records a return; the person's journey moves to `Returned`.
    pub fn record_return(&self, person_id: String, input: ReturnInput) -> Result<ReturnRecord> {
        let condition =
            validate::optional_multiline("condition", input.condition.as_deref(), validate::LONG_TEXT_MAX)?;
        let plan = validate::optional_multiline(
            "follow_up_plan",
            input.follow_up_plan.as_deref(),
            validate::LONG_TEXT_MAX,
        )?;
        self.write(|s| {
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let return_date = optional_past_date(s, "return_date", Some(&input.return_date))?
                .ok_or_else(|| MigranError::invalid("return_date", InvalidReason::Empty))?;
            if let Some(case_id) = &input.case_id {
                // Only a case of this person: another's is as good as none.
                let owner = s.find::<Case>(case_id)?.map(|case| case.person_id);
                if owner.as_deref() != Some(person_id.as_str()) {
                    return Err(MigranError::NotFound {
                        kind: RecordKind::Case,
                    });
                }
            }
            let row = store::StoredReturn {
                id: new_row_id()?,
                person_id: person_id.clone(),
                return_date: date_text(return_date),
                reason: input.reason,
                case_id: input.case_id.clone(),
                condition: condition.clone(),
                needs: needs(&input.needs),
                follow_up_plan: plan.clone(),
                next_follow_up_on: follow_up_date(input.next_follow_up_on.as_deref(), return_date)?,
                created_at: instant_text(s.now),
            };
            s.insert(&row)?;
            s.audit(AuditAction::Create, RecordKind::Return, &row.id, &person_id);
            people::set_phase(s, &person_id, Phase::Returned)?;
            Ok(row.into_record(Vec::new()))
        })
    }

    /// Replaces the needs and the follow-up plan of a return (after a follow-up visit).
    pub fn update_return_plan(&self, return_id: String, input: ReturnPlanInput) -> Result<ReturnRecord> {
        let plan = validate::optional_multiline(
            "follow_up_plan",
            input.follow_up_plan.as_deref(),
            validate::LONG_TEXT_MAX,
        )?;
        self.write(|s| {
            let mut row: store::StoredReturn = s.get(&return_id)?;
            consent::require(s, &row.person_id, ConsentPurpose::Registration)?;
            let returned = parse_stored_date(&row.return_date).ok_or(MigranError::Tampered {
                kind: RecordKind::Return,
            })?;
            row.needs = needs(&input.needs);
            row.follow_up_plan = plan.clone();
            row.next_follow_up_on = follow_up_date(input.next_follow_up_on.as_deref(), returned)?;
            s.upsert(&row)?;
            s.audit(
                AuditAction::Update,
                RecordKind::Return,
                &return_id,
                &row.person_id,
            );
            let services = store::services_of_return(s, &return_id)?;
            Ok(row.into_record(services))
        })
    }

    /// Records a reintegration service the returned migrant received.
    pub fn add_reintegration_service(
        &self,
        return_id: String,
        input: ServiceInput,
    ) -> Result<ReintegrationService> {
        let provider =
            validate::optional_text("provider", input.provider.as_deref(), validate::SHORT_TEXT_MAX)?;
        let note = validate::optional_multiline("note", input.note.as_deref(), validate::LONG_TEXT_MAX)?;
        self.write(|s| {
            let returned: store::StoredReturn = s.get(&return_id)?;
            consent::require(s, &returned.person_id, ConsentPurpose::Registration)?;
            let date = optional_past_date(s, "date", Some(&input.date))?
                .ok_or_else(|| MigranError::invalid("date", InvalidReason::Empty))?;
            if date_text(date) < returned.return_date {
                return Err(MigranError::invalid("date", InvalidReason::Inconsistent));
            }
            let row = store::StoredService {
                id: new_row_id()?,
                return_id: return_id.clone(),
                person_id: returned.person_id.clone(),
                kind: input.kind,
                date: date_text(date),
                provider: provider.clone(),
                note: note.clone(),
                created_at: instant_text(s.now),
            };
            s.insert(&row)?;
            s.audit(
                AuditAction::Create,
                RecordKind::ReintegrationService,
                &row.id,
                &row.person_id,
            );
            Ok(row.into())
        })
    }

    /// A person's returns, oldest first, each with its services.
    pub fn list_returns(&self, person_id: String) -> Result<Vec<ReturnRecord>> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let returns = load_returns(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Return,
                Some(&person_id),
                returns.len(),
            );
            Ok(returns)
        })
    }
}

/// The needs given, each once, in declaration order.
fn needs(given: &[ReintegrationNeed]) -> JsonList<ReintegrationNeed> {
    let mut needs = given.to_vec();
    needs.sort();
    needs.dedup();
    crate::store::codes::JsonColumn(needs)
}

fn follow_up_date(text: Option<&str>, returned: NaiveDate) -> Result<Option<String>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => {
            let date = parse_date("next_follow_up_on", text)?;
            if date < returned {
                return Err(MigranError::invalid(
                    "next_follow_up_on",
                    InvalidReason::Inconsistent,
                ));
            }
            Ok(Some(date_text(date)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codes::StorageCode;

    fn codes<T: StorageCode>() -> String {
        T::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(",")
    }

    #[test]
    fn every_stored_code_of_the_reintegration_enums_is_pinned() {
        assert_eq!(codes::<ReturnReason>(), "contract_end,early_return,deported,case");
        assert_eq!(codes::<ReintegrationNeed>(), "health,legal,psychosocial,economic");
        assert_eq!(
            codes::<ServiceKind>(),
            "training,business_support,counselling,health_care,legal_aid,other"
        );
        // The lists the report counts by hold every variant, in declaration order.
        assert_eq!(ALL_RETURN_REASONS.as_slice(), ReturnReason::ALL);
        assert_eq!(ALL_NEEDS.as_slice(), ReintegrationNeed::ALL);
        assert_eq!(ALL_SERVICE_KINDS.as_slice(), ServiceKind::ALL);
    }

    #[test]
    fn needs_are_stored_as_a_json_list_of_codes() {
        use rusqlite::types::{ToSql, ToSqlOutput, Value};
        let stored = needs(&[
            ReintegrationNeed::Economic,
            ReintegrationNeed::Psychosocial,
            ReintegrationNeed::Economic,
        ]);
        let text = match stored.to_sql().unwrap() {
            ToSqlOutput::Owned(Value::Text(text)) => text,
            other => panic!("{other:?}"),
        };
        assert_eq!(text, r#"["psychosocial","economic"]"#);
    }
}
