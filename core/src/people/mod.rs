//! People the village looks after: the person, their family contacts, their migration
//! journey and their identity documents.
//!
//! Laid out by layer: this file holds the types and the calls the apps make;
//! `input` turns what people type into checked records; `store` keeps them in
//! `vault.db` (typed columns, real indexes on NIK, phone and passport numbers).

pub(crate) mod csv;
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
    all_journeys, all_persons, ensure_person, load_contacts, load_details, load_documents, load_journey,
    load_person, set_phase, PersonDetail, SCHEMA,
};

/// A person's sex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum Sex {
    /// Female (perempuan).
    Female,
    /// Male (laki-laki).
    Male,
}

/// What a cadre or officer types to register a person.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PersonInput {
    /// Full name, at most 200 characters.
    pub full_name: String,
    /// NIK: the 16-digit national identity number.
    pub nik: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// The person's sex.
    pub sex: Sex,
    /// Phone number in any common form (`0812...`, `62812...`, `+62 812-...`); stored as
    /// `+62...`. `None` or blank: no phone.
    pub phone: Option<String>,
    /// Home address; may span lines. `None` or blank: none given.
    pub address: Option<String>,
    /// The village (desa) the person lives in.
    pub village: String,
}

/// A registered person, as the vault keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct Person {
    /// The person's id, made by the core.
    pub id: String,
    /// Full name.
    pub full_name: String,
    /// NIK: the 16-digit national identity number, unique in the vault.
    pub nik: String,
    /// Birth date, `YYYY-MM-DD`.
    pub birth_date: String,
    /// The person's sex.
    pub sex: Sex,
    /// International form, `+62...`.
    pub phone: Option<String>,
    /// Home address; `None` when not given.
    pub address: Option<String>,
    /// The village (desa) the person lives in.
    pub village: String,
    /// Whether the person is archived: hidden from the default list, nothing deleted.
    pub archived: bool,
    /// When the person was registered, RFC 3339 UTC.
    pub created_at: String,
    /// When the record last changed, RFC 3339 UTC.
    pub updated_at: String,
}

/// Which page of a long list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct PageRequest {
    /// How many items to skip: 0 for the first page, then the previous page's `next_offset`.
    pub offset: u32,
    /// 1 to [`MAX_PAGE`].
    pub limit: u32,
}

/// The largest page a list returns (a `limit` above it is refused as `OutOfRange`).
pub const MAX_PAGE: u32 = 1_000;

/// One page of the register.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PersonPage {
    /// The persons on this page, in registration order.
    pub items: Vec<Person>,
    /// All persons the listing covers, across pages.
    pub total: u32,
    /// Where the next page starts; `None` on the last page.
    pub next_offset: Option<u32>,
}

/// An exact-match lookup by an identifying number.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Lookup {
    /// By NIK.
    Nik {
        /// The NIK, 16 digits (spaces, dots and dashes ignored).
        nik: String,
    },
    /// By the person's own phone number.
    Phone {
        /// The number in any common form (`0812...`, `+62...`).
        phone: String,
    },
    /// By the number of a passport registered as the person's document.
    Passport {
        /// The passport number (case and separators ignored).
        number: String,
    },
}

/// How a family contact is related to the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Relation {
    /// Husband or wife (suami/istri).
    Spouse,
    /// A parent, when which one is not said (orang tua).
    Parent,
    /// Son or daughter (anak).
    Child,
    /// Brother or sister (saudara kandung).
    Sibling,
    /// Legal guardian (wali).
    Guardian,
    /// Another relative (kerabat).
    OtherRelative,
    /// Not a relative.
    Other,
    /// Mother (ibu).
    Mother,
    /// Father (ayah).
    Father,
}

/// A family contact as typed in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContactInput {
    /// The contact's name, at most 200 characters.
    pub name: String,
    /// How the contact is related to the person.
    pub relation: Relation,
    /// Phone number in any common form; stored as `+62...`. `None` or blank: no phone.
    pub phone: Option<String>,
    /// Address; may span lines. `None` or blank: none given.
    pub address: Option<String>,
}

/// A family contact of a person: who to reach at home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct Contact {
    /// The contact's id, made by the core.
    pub id: String,
    /// The person this contact belongs to.
    pub person_id: String,
    /// The contact's name.
    pub name: String,
    /// How the contact is related to the person.
    pub relation: Relation,
    /// Phone number, `+62...` (international form); `None` when not given.
    pub phone: Option<String>,
    /// Address; `None` when not given.
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

/// The sector a migrant works in abroad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum Sector {
    /// Domestic work for an individual employer (pengguna perseorangan).
    DomesticWork,
    /// Caring for the elderly (perawat lansia).
    Caregiving,
    /// Factories (pabrik).
    Manufacturing,
    /// Construction work.
    Construction,
    /// Plantations and farms.
    Agriculture,
    /// Fishing, also as a ship's crew (ABK).
    Fishing,
    /// Hotels (perhotelan).
    Hospitality,
    /// Any other sector.
    Other,
}

/// A person's migration journey as typed in. Every field is optional; blank text counts
/// as not given.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct JourneyInput {
    /// The phase; `Prospective` when `None`.
    pub phase: Option<Phase>,
    /// ISO 3166-1 alpha-2, e.g. `MY`, `TW`, `HK`.
    pub destination_country: Option<String>,
    /// The work sector, when known.
    pub sector: Option<Sector>,
    /// The employer's name, at most 200 characters.
    pub employer_name: Option<String>,
    /// The employer's address; may span lines.
    pub employer_address: Option<String>,
    /// The placement agency (P3MI, Perusahaan Penempatan Pekerja Migran Indonesia).
    pub agency_name: Option<String>,
    /// The P3MI's licence number.
    pub agency_licence: Option<String>,
    /// `YYYY-MM-DD`.
    pub departure_date: Option<String>,
    /// `YYYY-MM-DD`; must be after `departure_date` when both are given.
    pub contract_end_date: Option<String>,
}

/// A person's migration journey: where they are going or working, for whom, through
/// which placement agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct Journey {
    /// The person whose journey this is.
    pub person_id: String,
    /// Where the person is on the journey.
    pub phase: Phase,
    /// Destination country, ISO 3166-1 alpha-2 (`MY`); `None` when not known yet.
    pub destination_country: Option<String>,
    /// The work sector; `None` when not known.
    pub sector: Option<Sector>,
    /// The employer's name; `None` when not known.
    pub employer_name: Option<String>,
    /// The employer's address; `None` when not known.
    pub employer_address: Option<String>,
    /// The placement agency (P3MI); `None` when not known.
    pub agency_name: Option<String>,
    /// The P3MI's licence number; `None` when not known.
    pub agency_licence: Option<String>,
    /// Departure date, `YYYY-MM-DD`; `None` when not known.
    pub departure_date: Option<String>,
    /// End of the work contract, `YYYY-MM-DD`; `None` when not known.
    pub contract_end_date: Option<String>,
    /// When the journey last changed, RFC 3339 UTC.
    pub updated_at: String,
}

/// The kind of an identity or migration document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum DocumentKind {
    /// KTP: identity card.
    Ktp,
    /// KK (Kartu Keluarga): family card.
    FamilyCard,
    /// Birth certificate (akta kelahiran).
    BirthCertificate,
    /// Marriage certificate (buku nikah).
    MarriageCertificate,
    /// Passport.
    Passport,
    /// Work visa.
    WorkVisa,
    /// Health certificate (surat keterangan sehat).
    HealthCertificate,
    /// Competency certificate (sertifikat kompetensi).
    CompetencyCertificate,
    /// Placement agreement with the P3MI (perjanjian penempatan).
    PlacementAgreement,
    /// Work agreement with the employer (perjanjian kerja).
    WorkAgreement,
    /// BPJS Ketenagakerjaan (social security) membership card.
    SocialSecurityCard,
    /// Any other document.
    Other,
}

/// An identity document as typed in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DocumentInput {
    /// What kind of document it is.
    pub kind: DocumentKind,
    /// The document's number; letters and digits, upper-cased, separators (space, `-`, `.`,
    /// `/`) dropped.
    pub number: String,
    /// Issue date, `YYYY-MM-DD`; `None` or blank when not known.
    pub issued_on: Option<String>,
    /// Expiry date, `YYYY-MM-DD`; must be after `issued_on` when both are given.
    pub expires_on: Option<String>,
}

/// An identity document of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct IdentityDocument {
    /// The document's id, made by the core.
    pub id: String,
    /// The person the document belongs to.
    pub person_id: String,
    /// What kind of document it is.
    pub kind: DocumentKind,
    /// The document's number, upper-cased, without separators.
    pub number: String,
    /// Issue date, `YYYY-MM-DD`; `None` when not known.
    pub issued_on: Option<String>,
    /// Expiry date, `YYYY-MM-DD`; `None` when not known.
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
    Mother => "mother",
    Father => "father",
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
    /// Registers a person, with their registration consent (the app asks for it first).
    /// `Duplicate { field: "nik" }` when the NIK is already registered.
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

    /// One person by id; `NotFound` when there is none.
    pub fn get_person(&self, id: String) -> Result<Person> {
        self.read(|s| {
            let person = load_person(s, &id)?;
            s.audit(AuditAction::Read, RecordKind::Person, &id, &id);
            Ok(person)
        })
    }

    /// Replaces a person's details (archived flag and registration time kept). Needs their
    /// registration consent; `Duplicate { field: "nik" }` when another person has the NIK.
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

    /// Adds a family contact to a person; needs their registration consent.
    pub fn add_contact(&self, person_id: String, input: ContactInput) -> Result<Contact> {
        self.add_detail(input::contact(&input, person_id)?)
    }

    /// A person's family contacts, in the order they were added.
    pub fn list_contacts(&self, person_id: String) -> Result<Vec<Contact>> {
        self.list_details(&person_id)
    }

    /// Deletes a family contact; the WAL is emptied so no copy of it stays behind.
    pub fn remove_contact(&self, contact_id: String) -> Result<()> {
        self.remove_detail::<Contact>(&contact_id)
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

    /// The person's migration journey; `None` when none was set.
    pub fn get_journey(&self, person_id: String) -> Result<Option<Journey>> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let journey = load_journey(s, &person_id)?;
            s.audit(AuditAction::Read, RecordKind::Journey, &person_id, &person_id);
            Ok(journey)
        })
    }

    /// Adds an identity document to a person; needs their registration consent.
    pub fn add_document(&self, person_id: String, input: DocumentInput) -> Result<IdentityDocument> {
        self.add_detail(input::document(&input, person_id)?)
    }

    /// A person's identity documents, in the order they were added.
    pub fn list_documents(&self, person_id: String) -> Result<Vec<IdentityDocument>> {
        self.list_details(&person_id)
    }

    /// Deletes an identity document; the WAL is emptied so no copy of it stays behind.
    pub fn remove_document(&self, document_id: String) -> Result<()> {
        self.remove_detail::<IdentityDocument>(&document_id)
    }
}

/// What contacts and documents share (not exported: generic).
impl Vault {
    /// Adds a contact or document to its person; needs their registration consent.
    fn add_detail<T: PersonDetail>(&self, detail: T) -> Result<T> {
        self.write(|s| {
            let person_id = detail.person_id();
            ensure_person(s, person_id)?;
            consent::require(s, person_id, ConsentPurpose::Registration)?;
            s.insert(&detail)?;
            s.audit(AuditAction::Create, T::KIND, detail.key(), person_id);
            Ok(detail)
        })
    }

    fn list_details<T: PersonDetail>(&self, person_id: &str) -> Result<Vec<T>> {
        self.read(|s| {
            let details: Vec<T> = load_details(s, person_id)?;
            s.audit_count(AuditAction::List, T::KIND, Some(person_id), details.len());
            Ok(details)
        })
    }

    /// Deletes a contact or document; the WAL is emptied so no copy of it stays behind.
    fn remove_detail<T: PersonDetail>(&self, id: &str) -> Result<()> {
        self.write(|s| {
            let detail: T = s.get(id)?;
            s.remove::<T>(id)?;
            s.audit(AuditAction::Delete, T::KIND, id, detail.person_id());
            Ok(())
        })?;
        self.checkpoint()
    }
}
