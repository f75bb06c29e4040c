//! The person's rights of access and portability (UU PDP; the project's summary of the
//! law is unverified, see shared FACTS.md): everything the vault holds about one person,
//! as one JSON document they can take away.

use serde::Serialize;
use serde_json::{json, Value};

use crate::audit::{self, AuditAction};
use crate::error::{MigranError, RecordKind, Result};
use crate::time::instant_text;
use crate::vault::{Session, Vault};
use crate::{cases, checklist, consent, people, reintegration, screening, visits};

/// Format tag of the export, bumped when its shape changes.
const EXPORT_FORMAT: &str = "migran-person-export/1";

#[uniffi::export]
impl Vault {
    /// Everything held about one person, as JSON: the record, family contacts, journey,
    /// documents, consents, processing without consent (emergency referrals), visits
    /// and follow-ups, cases with their timelines, returns and services, the pre-departure checklist, screenings and their follow-ups, and
    /// the audit entries about them (who did what with their data). The emergency card
    /// is not in it: it belongs to the phone's owner, not to a person in the register,
    /// and `emergency_card` shows it to them.
    /// Needs no consent: it serves the person's own right.
    pub fn export_person(&self, person_id: String) -> Result<String> {
        // The export lists what was done with the person's data: every read until now.
        self.store_waiting_reads()?;
        self.read(|s| {
            let document = export(s, &person_id)?;
            s.audit(AuditAction::Export, RecordKind::Person, &person_id, &person_id);
            serde_json::to_string_pretty(&document)
                .map_err(|_| MigranError::internal("encoding the export failed"))
        })
    }
}

fn export(s: &Session<'_>, person_id: &str) -> Result<Value> {
    let person = people::load_person(s, person_id)?;
    let document = json!({
        "format": EXPORT_FORMAT,
        "exported_at": instant_text(s.now),
        "person": to_value(&person)?,
        "contacts": to_value(&people::load_contacts(s, person_id)?)?,
        "journey": to_value(&people::load_journey(s, person_id)?)?,
        "documents": to_value(&people::load_documents(s, person_id)?)?,
        "consents": to_value(&consent::load_history(s, person_id)?)?,
        "processing_without_consent": to_value(&consent::load_processing(s, person_id)?)?,
        "visits": to_value(&visits::load_visits(s, person_id)?)?,
        "cases": to_value(&cases::details_of(s, person_id)?)?,
        "returns": to_value(&reintegration::load_returns(s, person_id)?)?,
        "checklist": to_value(&checklist::view_on(s, person_id, s.today)?)?,
        "education": to_value(&crate::sessions::attended_by(s, person_id)?)?,
        "screening": screening::export_section(s, person_id)?,
        "audit": to_value(&audit::entries_about(s, person_id)?)?,
    });
    Ok(document)
}

fn to_value<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|_| MigranError::internal("encoding the export failed"))
}
