//! People the village looks after: the person, their family contacts, their migration
//! journey and their identity documents.
//!
//! Laid out by layer: this file holds the types and the calls the apps make;
//! `input` turns what people type into checked records; `store` keeps them in
//! `vault.db` (typed columns, real indexes on NIK, phone and passport numbers).

mod csv;
mod import;
mod input;
mod store;

use serde::{Deserialize, Serialize};

use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::error::{MigranError, RecordKind, Result};
use crate::time::instant_text;
use crate::validate;
use crate::vault::Vault;

pub use import::{
    import_issue_message, CsvExportOptions, CsvSeparator, ImportIssue, ImportListener, ImportOptions,
    ImportProblem, ImportReport, ImportStage, ProgressFn, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS,
};
pub(crate) use store::{
    all_journeys, all_persons, ensure_person, load_contacts, load_documents, load_journey, load_person,
    set_phase, SCHEMA,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum Sex {
    Female,
    Male,
}

/// What a cadre or officer types to register a person.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PersonInput {
    pub full_name: String,
    /// NIK: the 16-digit national identity number.
    pub nik: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub sex: Sex,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub village: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct Person {
    pub id: String,
    pub full_name: String,
    pub nik: String,
    pub birth_date: String,
    pub sex: Sex,
    /// International form, `+62...`.
    pub phone: Option<String>,
    pub address: Option<String>,
    pub village: String,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct PageRequest {
    pub offset: u32,
    /// 1 to [`MAX_PAGE`].
    pub limit: u32,
}

pub const MAX_PAGE: u32 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PersonPage {
    pub items: Vec<Person>,
    /// All persons the listing covers, across pages.
    pub total: u32,
    /// Where the next page starts; `None` on the last page.
    pub next_offset: Option<u32>,
}

/// An exact-match lookup by an identifying number.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Lookup {
    Nik { nik: String },
    Phone { phone: String },
    Passport { number: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Relation {
    Spouse,
    Parent,
    Child,
    Sibling,
    Guardian,
    OtherRelative,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContactInput {
    pub name: String,
    pub relation: Relation,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct Contact {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub relation: Relation,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// Where a person is on the journey (UU 18/2017: before, during and after work).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum Phase {
    /// Thinking of going; not yet in the formal process.
    Prospective,
    /// In the formal process: documents, training, orientation (pra-penempatan).
    PreDeparture,
    /// Working abroad (masa bekerja).
    Abroad,
    /// Back home (purna).
    Returned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum Sector {
    /// Domestic work for an individual employer (pengguna perseorangan).
    DomesticWork,
    Caregiving,
    Manufacturing,
    Construction,
    Agriculture,
    Fishing,
    Hospitality,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct JourneyInput {
    pub phase: Option<Phase>,
    /// ISO 3166-1 alpha-2, e.g. `MY`, `TW`, `HK`.
    pub destination_country: Option<String>,
    pub sector: Option<Sector>,
    pub employer_name: Option<String>,
    pub employer_address: Option<String>,
    /// The placement agency (P3MI, Perusahaan Penempatan Pekerja Migran Indonesia).
    pub agency_name: Option<String>,
    pub agency_licence: Option<String>,
    /// `YYYY-MM-DD`.
    pub departure_date: Option<String>,
    pub contract_end_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct Journey {
    pub person_id: String,
    pub phase: Phase,
    pub destination_country: Option<String>,
    pub sector: Option<Sector>,
    pub employer_name: Option<String>,
    pub employer_address: Option<String>,
    pub agency_name: Option<String>,
    pub agency_licence: Option<String>,
    pub departure_date: Option<String>,
    pub contract_end_date: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum DocumentKind {
    /// KTP: identity card.
    Ktp,
    /// KK (Kartu Keluarga): family card.
    FamilyCard,
    BirthCertificate,
    MarriageCertificate,
    Passport,
    WorkVisa,
    HealthCertificate,
    CompetencyCertificate,
    PlacementAgreement,
    WorkAgreement,
    /// BPJS Ketenagakerjaan (social security) membership card.
    SocialSecurityCard,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DocumentInput {
    pub kind: DocumentKind,
    pub number: String,
    pub issued_on: Option<String>,
    pub expires_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct IdentityDocument {
    pub id: String,
    pub person_id: String,
    pub kind: DocumentKind,
    pub number: String,
    pub issued_on: Option<String>,
    pub expires_on: Option<String>,
}

crate::storage_codes!(Sex {
    Female => "female",
    Male => "male",
});

crate::storage_codes!(Relation {
    Spouse => "spouse",
    Parent => "parent",
    Child => "child",
    Sibling => "sibling",
    Guardian => "guardian",
    OtherRelative => "other_relative",
    Other => "other",
});

crate::storage_codes!(Phase {
    Prospective => "prospective",
    PreDeparture => "pre_departure",
    Abroad => "abroad",
    Returned => "returned",
});

crate::storage_codes!(Sector {
    DomesticWork => "domestic_work",
    Caregiving => "caregiving",
    Manufacturing => "manufacturing",
    Construction => "construction",
    Agriculture => "agriculture",
    Fishing => "fishing",
    Hospitality => "hospitality",
    Other => "other",
});

crate::storage_codes!(DocumentKind {
    Ktp => "ktp",
    FamilyCard => "family_card",
    BirthCertificate => "birth_certificate",
    MarriageCertificate => "marriage_certificate",
    Passport => "passport",
    WorkVisa => "work_visa",
    HealthCertificate => "health_certificate",
    CompetencyCertificate => "competency_certificate",
    PlacementAgreement => "placement_agreement",
    WorkAgreement => "work_agreement",
    SocialSecurityCard => "social_security_card",
    Other => "other",
});

#[uniffi::export]
impl Vault {
    pub fn add_person(&self, input: PersonInput) -> Result<Person> {
        self.write(|s| store::insert_person(s, &input))
    }

    /// Registers many persons at once (an import from a spreadsheet or another device):
    /// all of them, or none when one is refused. The refused field is named with its
    /// row, counted from 1: `"3.nik"`.
    pub fn import_persons(&self, inputs: Vec<PersonInput>) -> Result<Vec<Person>> {
        self.write(|s| {
            let mut added = Vec::with_capacity(inputs.len());
            for (index, input) in inputs.iter().enumerate() {
                let person = store::insert_person(s, input).map_err(|err| match err {
                    MigranError::Invalid { field, reason } => MigranError::Invalid {
                        field: format!("{}.{field}", index + 1),
                        reason,
                    },
                    MigranError::Duplicate { field } => MigranError::Duplicate {
                        field: format!("{}.{field}", index + 1),
                    },
                    other => other,
                })?;
                added.push(person);
            }
            Ok(added)
        })
    }

    pub fn get_person(&self, id: String) -> Result<Person> {
        self.read(|s| {
            let person = load_person(s, &id)?;
            s.audit(AuditAction::Read, RecordKind::Person, &id, &id);
            Ok(person)
        })
    }

    pub fn update_person(&self, id: String, input: PersonInput) -> Result<Person> {
        self.write(|s| {
            let existing = load_person(s, &id)?;
            consent::require(s, &id, ConsentPurpose::Registration)?;
            let mut person = input::person(s, &input, id.clone(), existing.created_at.clone())?;
            person.archived = existing.archived;
            store::ensure_unique_nik(s, &person.nik, Some(&id))?;
            s.upsert(&person)?;
            s.audit(AuditAction::Update, RecordKind::Person, &id, &id);
            Ok(person)
        })
    }

    /// Archiving hides a person from the default list without deleting anything.
    pub fn set_person_archived(&self, id: String, archived: bool) -> Result<Person> {
        self.write(|s| {
            let mut person = load_person(s, &id)?;
            person.archived = archived;
            person.updated_at = instant_text(s.now);
            s.upsert(&person)?;
            s.audit(AuditAction::Update, RecordKind::Person, &id, &id);
            Ok(person)
        })
    }

    /// Erasure on request (UU PDP): the person's row and, through `ON DELETE CASCADE`,
    /// every row that hangs off it (contacts, journey, documents, and the records of
    /// later capabilities) are deleted, freed pages zeroed and the WAL emptied. The
    /// audit log keeps that things were done, but loses every link to the person.
    pub fn erase_person(&self, id: String) -> Result<()> {
        self.write(|s| {
            if !s.remove::<Person>(&id)? {
                return Err(MigranError::NotFound {
                    kind: RecordKind::Person,
                });
            }
            crate::audit::anonymise_person(s, &id)?;
            // Recorded without the id: the entry must not point back at the person.
            s.audit_count(AuditAction::Erase, RecordKind::Person, None, 1);
            Ok(())
        })?;
        self.checkpoint()
    }

    /// Persons in the order they were registered, a page at a time.
    pub fn list_persons(&self, page: PageRequest, include_archived: bool) -> Result<PersonPage> {
        input::check_page(&page)?;
        self.read(|s| {
            let (items, total) = store::page_of_persons(s, &page, include_archived)?;
            s.audit_count(AuditAction::List, RecordKind::Person, None, items.len());
            let seen = page.offset.saturating_add(items.len() as u32);
            Ok(PersonPage {
                items,
                total,
                next_offset: (seen < total).then_some(seen),
            })
        })
    }

    /// Exact match by NIK, phone or passport number (any common way of writing them).
    /// Only persons whose stored number is the one asked for are returned.
    pub fn find_persons(&self, lookup: Lookup) -> Result<Vec<Person>> {
        let lookup = input::normalized_lookup(&lookup)?;
        self.read(|s| {
            let found = store::find_persons(s, &lookup)?;
            for person in &found {
                s.audit(AuditAction::Search, RecordKind::Person, &person.id, &person.id);
            }
            Ok(found)
        })
    }

    /// Persons whose name contains every word of `query`, ignoring case; by name.
    pub fn search_persons(&self, query: String, limit: u32) -> Result<Vec<Person>> {
        let words: Vec<String> = validate::required_text("query", &query, validate::SHORT_TEXT_MAX)?
            .to_lowercase()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        input::check_page(&PageRequest { offset: 0, limit })?;
        self.read(|s| {
            let found = store::search_persons(s, &words, limit as usize)?;
            s.audit_count(AuditAction::Search, RecordKind::Person, None, found.len());
            Ok(found)
        })
    }

    pub fn add_contact(&self, person_id: String, input: ContactInput) -> Result<Contact> {
        let contact = input::contact(&input, person_id.clone())?;
        self.write(|s| {
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            s.insert(&contact)?;
            s.audit(AuditAction::Create, RecordKind::Contact, &contact.id, &person_id);
            Ok(contact)
        })
    }

    pub fn list_contacts(&self, person_id: String) -> Result<Vec<Contact>> {
        self.read(|s| {
            let contacts = load_contacts(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Contact,
                Some(&person_id),
                contacts.len(),
            );
            Ok(contacts)
        })
    }

    pub fn remove_contact(&self, contact_id: String) -> Result<()> {
        self.write(|s| {
            let contact: Contact = s.get(&contact_id)?;
            s.remove::<Contact>(&contact_id)?;
            s.audit(
                AuditAction::Delete,
                RecordKind::Contact,
                &contact_id,
                &contact.person_id,
            );
            Ok(())
        })?;
        self.checkpoint()
    }

    /// Sets (replaces) the person's current migration journey.
    pub fn set_journey(&self, person_id: String, input: JourneyInput) -> Result<Journey> {
        self.write(|s| {
            let journey = input::journey(&input, person_id.clone(), instant_text(s.now))?;
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            s.upsert(&journey)?;
            s.audit(AuditAction::Update, RecordKind::Journey, &person_id, &person_id);
            Ok(journey)
        })
    }

    pub fn get_journey(&self, person_id: String) -> Result<Option<Journey>> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let journey = load_journey(s, &person_id)?;
            s.audit(AuditAction::Read, RecordKind::Journey, &person_id, &person_id);
            Ok(journey)
        })
    }

    pub fn add_document(&self, person_id: String, input: DocumentInput) -> Result<IdentityDocument> {
        let document = input::document(&input, person_id.clone())?;
        self.write(|s| {
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            s.insert(&document)?;
            s.audit(
                AuditAction::Create,
                RecordKind::Document,
                &document.id,
                &person_id,
            );
            Ok(document)
        })
    }

    pub fn list_documents(&self, person_id: String) -> Result<Vec<IdentityDocument>> {
        self.read(|s| {
            let documents = load_documents(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Document,
                Some(&person_id),
                documents.len(),
            );
            Ok(documents)
        })
    }

    pub fn remove_document(&self, document_id: String) -> Result<()> {
        self.write(|s| {
            let document: IdentityDocument = s.get(&document_id)?;
            s.remove::<IdentityDocument>(&document_id)?;
            s.audit(
                AuditAction::Delete,
                RecordKind::Document,
                &document_id,
                &document.person_id,
            );
            Ok(())
        })?;
        self.checkpoint()
    }
}
