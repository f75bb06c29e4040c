//! Consent per person and purpose, with its full history, and the lawful basis of each
//! processing (UU PDP, UU 27/2022; docs/decisions/0009-lawful-bases.md):
//! - Pasal 20(2) lawful bases: (a) explicit consent for stated purposes, (c) a legal
//!   obligation, (d) the data subject's vital interests, (e) a public task. The village
//!   register rests on the village's duty (UU 18/2017 Pasal 42: (c)/(e)); a referral in an
//!   emergency may rest on vital interests (d), with the reason recorded and the person
//!   told afterwards ([`ProcessingRecord`]); everything else on consent (a).
//! - Pasal 22: consent written or recorded, separable per purpose, plain language (one
//!   record per purpose, [`consent_text`]); Pasal 24: the controller proves it (the
//!   history); Pasal 9: it can be withdrawn (always allowed here).
//! - Pasal 25: a child's data needs a parent's or guardian's consent: a person under 18
//!   gives consent only through [`Vault::record_guardian_consent`], recorded with who gave it.
//! - Pasal 4(2): health, criminal-record, child and financial data are specific data,
//!   which makes a DPIA mandatory (Pasal 34); a breach is notified within 3x24 h (Pasal 46).
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
use crate::error::{InvalidReason, MigranError, NotAllowedReason, RecordKind, Result};
use crate::i18n::Locale;
use crate::people::ensure_person;
use crate::store::kernel::{stored_sql, Stored};
use crate::time::{age_on, date_text, instant_text, latest_date_anywhere, parse_date};
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

/// Schema step 3: who gave a consent for a child (UU PDP Pasal 25), and processing done
/// on another lawful basis than consent (a referral in an emergency), with its reason
/// and when the person was told.
pub(crate) const SCHEMA_BASES: &str = r#"
    ALTER TABLE consents ADD COLUMN given_by_name TEXT;
    ALTER TABLE consents ADD COLUMN given_by_relationship TEXT;
    CREATE TABLE processing_bases (
        id                TEXT PRIMARY KEY,
        person_id         TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        purpose           TEXT NOT NULL,
        basis             TEXT NOT NULL,
        reason            TEXT NOT NULL,
        date              TEXT NOT NULL,
        recorded_by_name  TEXT,
        recorded_by_role  TEXT,
        recorded_at       TEXT NOT NULL,
        person_told_on    TEXT
    );
    CREATE INDEX processing_bases_by_person ON processing_bases (person_id, date);
"#;

/// The lawful basis of a processing (UU PDP Pasal 20 ayat (2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LawfulBasis {
    /// (a) Explicit, valid consent for one or more stated purposes.
    Consent,
    /// (c) A legal obligation of the controller (the village's duties, UU 18/2017 Pasal 42).
    LegalObligation,
    /// (d) Protecting the vital interests of the person.
    VitalInterest,
    /// (e) A task in the public interest or public service under the law.
    PublicTask,
}

crate::storage_codes!(LawfulBasis {
    Consent => "consent",
    LegalObligation => "legal_obligation",
    VitalInterest => "vital_interest",
    PublicTask => "public_task",
});

/// Who gave consent for a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum GuardianRelationship {
    /// A parent (orang tua).
    Parent,
    /// A guardian (wali).
    Guardian,
}

crate::storage_codes!(GuardianRelationship {
    Parent => "parent",
    Guardian => "guardian",
});

/// The parent or guardian who gave a child's consent (UU PDP Pasal 25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ConsentGiver {
    /// Their name, at most 200 characters.
    pub name: String,
    /// Parent or guardian.
    pub relationship: GuardianRelationship,
}

/// Why a purpose may be processed, with the articles, for the cadre and the docs.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LawfulBasisInfo {
    /// What the processing is for.
    pub purpose: ConsentPurpose,
    /// The bases the processing rests on, the usual one first.
    pub bases: Vec<LawfulBasis>,
    /// The articles, e.g. `UU PDP Pasal 20 ayat (2) huruf c dan e; UU 18/2017 Pasal 42`.
    pub articles: String,
    /// The explanation in the requested language.
    pub explanation: String,
}

/// A processing done on another basis than consent (a referral in an emergency under
/// vital interests), with its reason; the person is told afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ProcessingRecord {
    /// The record's id, made by the core.
    pub id: String,
    /// The person whose data was processed.
    pub person_id: String,
    /// What the data was processed for.
    pub purpose: ConsentPurpose,
    /// The basis it rested on.
    pub basis: LawfulBasis,
    /// Why (the danger), as recorded.
    pub reason: String,
    /// The day of the processing, `YYYY-MM-DD`.
    pub date: String,
    /// Who recorded it.
    pub recorded_by: Option<Actor>,
    /// The day the person was told, `YYYY-MM-DD`; `None` while they still have to be.
    pub person_told_on: Option<String>,
}

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
    /// The parent or guardian who gave it for a child; `None` when the person gave it.
    pub given_by: Option<ConsentGiver>,
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
    given_by_name: Option<String>,
    given_by_relationship: Option<GuardianRelationship>,
}

impl Stored for StoredConsent {
    const KIND: RecordKind = RecordKind::Consent;
    stored_sql!(table: "consents", key: "id", columns: [
        "person_id", "purpose", "given", "date", "note", "recorded_by_name", "recorded_by_role", "recorded_at",
        "given_by_name", "given_by_relationship",
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
            &self.given_by_name,
            &self.given_by_relationship,
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
            given_by_name: row.get(9)?,
            given_by_relationship: row.get(10)?,
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
            given_by: match (row.given_by_name, row.given_by_relationship) {
                (Some(name), Some(relationship)) => Some(ConsentGiver { name, relationship }),
                _ => None,
            },
        }
    }
}

/// A processing on another basis than consent, as its row holds it.
struct StoredProcessing {
    id: String,
    person_id: String,
    purpose: ConsentPurpose,
    basis: LawfulBasis,
    reason: String,
    date: String,
    recorded_by_name: Option<String>,
    recorded_by_role: Option<ActorRole>,
    recorded_at: String,
    person_told_on: Option<String>,
}

impl Stored for StoredProcessing {
    const KIND: RecordKind = RecordKind::Consent;
    stored_sql!(table: "processing_bases", key: "id", columns: [
        "person_id", "purpose", "basis", "reason", "date", "recorded_by_name", "recorded_by_role",
        "recorded_at", "person_told_on",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn rusqlite::ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.purpose,
            &self.basis,
            &self.reason,
            &self.date,
            &self.recorded_by_name,
            &self.recorded_by_role,
            &self.recorded_at,
            &self.person_told_on,
        ]
    }

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredProcessing {
            id: row.get(0)?,
            person_id: row.get(1)?,
            purpose: row.get(2)?,
            basis: row.get(3)?,
            reason: row.get(4)?,
            date: row.get(5)?,
            recorded_by_name: row.get(6)?,
            recorded_by_role: row.get(7)?,
            recorded_at: row.get(8)?,
            person_told_on: row.get(9)?,
        })
    }
}

impl From<&StoredProcessing> for ProcessingRecord {
    fn from(row: &StoredProcessing) -> Self {
        ProcessingRecord {
            id: row.id.clone(),
            person_id: row.person_id.clone(),
            purpose: row.purpose,
            basis: row.basis,
            reason: row.reason.clone(),
            date: row.date.clone(),
            recorded_by: match (&row.recorded_by_name, row.recorded_by_role) {
                (Some(name), Some(role)) => Some(Actor {
                    name: name.clone(),
                    role,
                }),
                _ => None,
            },
            person_told_on: row.person_told_on.clone(),
        }
    }
}

#[uniffi::export]
impl Vault {
    /// Records that a consent was given or withdrawn. Allowed whatever the current state:
    /// withdrawing must always be possible. A person under 18 cannot give consent this
    /// way (`NotAllowed` with `GuardianConsentRequired`): a parent or guardian gives it,
    /// with `record_guardian_consent` (UU PDP Pasal 25).
    pub fn record_consent(&self, person_id: String, input: ConsentInput) -> Result<ConsentRecord> {
        self.record_consent_given_by(person_id, input, None)
    }

    /// Records a consent a parent or guardian gave (or withdrew) for a child, with who
    /// they are (UU PDP Pasal 25). For an adult `Invalid { field: "given_by" }`: an
    /// adult gives their own consent.
    pub fn record_guardian_consent(
        &self,
        person_id: String,
        input: ConsentInput,
        given_by: ConsentGiver,
    ) -> Result<ConsentRecord> {
        self.record_consent_given_by(person_id, input, Some(given_by))
    }

    /// Every processing of a person's data on another basis than consent (referrals in
    /// an emergency), oldest first, with whether the person has been told.
    pub fn processing_records(&self, person_id: String) -> Result<Vec<ProcessingRecord>> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let records = load_processing(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Consent,
                Some(&person_id),
                records.len(),
            );
            Ok(records)
        })
    }

    /// Records the day the person was told about a processing done without their
    /// consent (today when `None`; not before the processing, not in the future).
    pub fn record_person_told(&self, record_id: String, date: Option<String>) -> Result<ProcessingRecord> {
        self.write(|s| {
            let mut row: StoredProcessing = s.get(&record_id)?;
            let date = consent_date(s, date.as_deref())?;
            if date < row.date {
                return Err(MigranError::invalid("date", InvalidReason::OutOfRange));
            }
            row.person_told_on = Some(date);
            s.upsert(&row)?;
            s.audit(AuditAction::Update, RecordKind::Consent, &row.id, &row.person_id);
            Ok(ProcessingRecord::from(&row))
        })
    }
}

impl Vault {
    fn record_consent_given_by(
        &self,
        person_id: String,
        input: ConsentInput,
        given_by: Option<ConsentGiver>,
    ) -> Result<ConsentRecord> {
        let note = validate::optional_multiline("note", input.note.as_deref(), validate::LONG_TEXT_MAX)?;
        let given_by = given_by
            .map(|giver| {
                let name = validate::optional_text("given_by", Some(&giver.name), validate::SHORT_TEXT_MAX)?
                    .ok_or_else(|| MigranError::invalid("given_by", InvalidReason::Empty))?;
                Ok::<_, MigranError>(ConsentGiver {
                    name,
                    relationship: giver.relationship,
                })
            })
            .transpose()?;
        self.write(|s| {
            ensure_person(s, &person_id)?;
            let date = consent_date(s, input.date.as_deref())?;
            let child = is_child(s, &person_id)?;
            match (&given_by, child) {
                // A child's consent is the parent's or guardian's; withdrawing stays open
                // to the child too.
                (None, true) if input.given && input.purpose != ConsentPurpose::Registration => {
                    return Err(MigranError::not_allowed(
                        NotAllowedReason::GuardianConsentRequired,
                    ))
                }
                (Some(_), false) => {
                    return Err(MigranError::invalid("given_by", InvalidReason::Inconsistent))
                }
                _ => {}
            }
            record_given_by(
                s,
                &person_id,
                input.purpose,
                input.given,
                date,
                note.clone(),
                given_by.clone(),
            )
        })
    }
}

#[uniffi::export]
impl Vault {
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

/// Why a purpose may be processed: its lawful bases and articles (UU PDP Pasal 20 ayat (2)).
#[uniffi::export]
pub fn lawful_basis(purpose: ConsentPurpose, locale: Locale) -> Result<LawfulBasisInfo> {
    let (bases, articles, id, en) = match purpose {
        ConsentPurpose::Registration => (
            vec![LawfulBasis::LegalObligation, LawfulBasis::PublicTask],
            "UU PDP Pasal 20 ayat (2) huruf c dan e; UU 18/2017 Pasal 42",
            "Desa wajib memverifikasi dan mencatat data calon pekerja migran (UU 18/2017 Pasal 42). Aplikasi tetap mencatat persetujuan orang itu dan menghormati penarikannya.",
            "The village must verify and record prospective migrant workers' data (UU 18/2017 Pasal 42). The app still records the person's agreement and honours its withdrawal.",
        ),
        ConsentPurpose::ShareWithAgencies => (
            vec![LawfulBasis::Consent, LawfulBasis::VitalInterest],
            "UU PDP Pasal 20 ayat (2) huruf a dan d; Pasal 22; Pasal 24",
            "Dengan persetujuan orang itu. Dalam keadaan darurat yang mengancam nyawa atau keselamatannya, rujukan boleh tanpa persetujuan demi kepentingan vitalnya: alasannya dicatat dan orang itu diberi tahu sesudahnya.",
            "With the person's consent. In an emergency that threatens their life or safety a referral may go without it, for their vital interests: the reason is recorded and the person is told afterwards.",
        ),
        ConsentPurpose::ShareWithFamily | ConsentPurpose::Reporting => (
            vec![LawfulBasis::Consent],
            "UU PDP Pasal 20 ayat (2) huruf a; Pasal 22; Pasal 24; Pasal 9",
            "Hanya dengan persetujuan tertulis atau terekam untuk tujuan ini, yang dapat ditarik kapan saja. Untuk anak di bawah 18 tahun, persetujuan diberikan orang tua atau wali (Pasal 25).",
            "Only with written or recorded consent for this purpose, which can be withdrawn at any time. For a child under 18 a parent or guardian gives it (Pasal 25).",
        ),
    };
    Ok(LawfulBasisInfo {
        purpose,
        bases,
        articles: articles.to_string(),
        explanation: match locale {
            Locale::Id => id.to_string(),
            Locale::En => en.to_string(),
        },
    })
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
    record_given_by(s, person_id, purpose, given, date, note, None)
}

/// Stores one consent change with the parent or guardian who gave it, if any.
fn record_given_by(
    s: &Session<'_>,
    person_id: &str,
    purpose: ConsentPurpose,
    given: bool,
    date: String,
    note: Option<String>,
    given_by: Option<ConsentGiver>,
) -> Result<ConsentRecord> {
    let (given_by_name, given_by_relationship) = match given_by {
        Some(giver) => (Some(giver.name), Some(giver.relationship)),
        None => (None, None),
    };
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
        given_by_name,
        given_by_relationship,
    };
    s.insert(&row)?;
    s.audit(AuditAction::Create, RecordKind::Consent, &row.id, person_id);
    if purpose == ConsentPurpose::ShareWithFamily && !given {
        crate::follow::end_family_links(s, person_id)?;
    }
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

/// Whether the person is under 18 on the session's day (UU PDP Pasal 25 gives no age;
/// the project uses the age of majority of UU 18/2017 Pasal 5). An unreadable birth date
/// counts as a child: the stricter rule.
fn is_child(s: &Session<'_>, person_id: &str) -> Result<bool> {
    let person = crate::people::load_person(s, person_id)?;
    Ok(parse_date("birth_date", &person.birth_date)
        .map_or(true, |birth| age_on(birth, s.now.date_naive()) < 18))
}

/// Fails with `NotAllowed` (`consent_missing:<purpose>` or `consent_withdrawn:<purpose>`)
/// unless the person's latest record for `purpose` says given; for a child, given by a
/// parent or guardian (`GuardianConsentRequired` otherwise), except the registration,
/// which rests on the village's legal duty.
pub(crate) fn require(s: &Session<'_>, person_id: &str, purpose: ConsentPurpose) -> Result<()> {
    let history = load_history(s, person_id)?;
    let state = current(&history)
        .into_iter()
        .find(|status| status.purpose == purpose)
        .map_or(ConsentState::NotAsked, |status| status.state);
    match state {
        ConsentState::Given if purpose != ConsentPurpose::Registration => {
            let latest = history.iter().rev().find(|record| record.purpose == purpose);
            if latest.is_some_and(|record| record.given_by.is_none()) && is_child(s, person_id)? {
                return Err(MigranError::not_allowed(
                    NotAllowedReason::GuardianConsentRequired,
                ));
            }
            Ok(())
        }
        ConsentState::Given => Ok(()),
        ConsentState::Withdrawn => Err(MigranError::not_allowed(
            crate::error::NotAllowedReason::ConsentWithdrawn { purpose },
        )),
        ConsentState::NotAsked => Err(MigranError::not_allowed(
            crate::error::NotAllowedReason::ConsentMissing { purpose },
        )),
    }
}

/// Allows processing for `purpose` in an emergency without the person's consent, on
/// their vital interests (UU PDP Pasal 20 ayat (2) huruf d): with consent given, nothing
/// more is needed; without it, a reason must be given, and is recorded so the person
/// can be told afterwards. Without consent and reason: the consent refusal.
pub(crate) fn require_or_vital_interest(
    s: &Session<'_>,
    person_id: &str,
    purpose: ConsentPurpose,
    reason: &str,
) -> Result<Option<ProcessingRecord>> {
    match require(s, person_id, purpose) {
        Ok(()) => Ok(None),
        Err(refusal) => {
            let Some(reason) = validate::optional_multiline("reason", Some(reason), validate::LONG_TEXT_MAX)?
            else {
                return Err(refusal);
            };
            let row = StoredProcessing {
                id: new_row_id()?,
                person_id: person_id.to_string(),
                purpose,
                basis: LawfulBasis::VitalInterest,
                reason,
                date: date_text(s.now.date_naive()),
                recorded_by_name: s.actor.map(|a| a.name.clone()),
                recorded_by_role: s.actor.map(|a| a.role),
                recorded_at: instant_text(s.now),
                person_told_on: None,
            };
            s.insert(&row)?;
            s.audit(AuditAction::Create, RecordKind::Consent, &row.id, person_id);
            Ok(Some(ProcessingRecord::from(&row)))
        }
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

/// Every processing of the person's data on another basis than consent, oldest first.
pub(crate) fn load_processing(s: &Session<'_>, person_id: &str) -> Result<Vec<ProcessingRecord>> {
    let rows: Vec<StoredProcessing> = s.select("WHERE person_id = ?1 ORDER BY date, rowid", [person_id])?;
    Ok(rows.iter().map(ProcessingRecord::from).collect())
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
            given_by: None,
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
