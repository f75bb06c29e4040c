//! People the village looks after: the person, their family contacts, their migration
//! journey and their identity documents. Every value is sealed; NIK, phone and passport
//! numbers are findable through blind indexes; names are searched after unlock in memory.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::crypto::{new_row_id, Place};
use crate::error::{InvalidReason, MigranError, Result};
use crate::time::{date_text, instant_text, latest_date_anywhere, parse_date};
use crate::validate;
use crate::vault::{Session, Vault};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, uniffi::Enum)]
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

/// The sealed part of a person row.
#[derive(Serialize, Deserialize)]
struct PersonData {
    full_name: String,
    nik: String,
    birth_date: String,
    sex: Sex,
    phone: Option<String>,
    address: Option<String>,
    village: String,
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
    /// Rows on this page that failed authentication (altered or moved); shown to the
    /// user as damaged rather than hiding the whole list.
    pub unreadable_ids: Vec<String>,
}

/// An exact-match lookup through a blind index.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Lookup {
    Nik { nik: String },
    Phone { phone: String },
    Passport { number: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
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

#[derive(Serialize, Deserialize)]
struct ContactData {
    name: String,
    relation: Relation,
    phone: Option<String>,
    address: Option<String>,
}

/// Where a person is on the journey (UU 18/2017: before, during and after work).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, uniffi::Enum)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, uniffi::Enum)]
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

#[derive(Serialize, Deserialize)]
struct JourneyData {
    phase: Phase,
    destination_country: Option<String>,
    sector: Option<Sector>,
    employer_name: Option<String>,
    employer_address: Option<String>,
    agency_name: Option<String>,
    agency_licence: Option<String>,
    departure_date: Option<String>,
    contract_end_date: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
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

#[derive(Serialize, Deserialize)]
struct DocumentData {
    kind: DocumentKind,
    number: String,
    issued_on: Option<String>,
    expires_on: Option<String>,
}

const NIK: &str = "nik";
const PHONE: &str = "phone";
const PASSPORT: &str = "passport";

const PERSONS: &str = "persons";
const CONTACTS: &str = "contacts";
const JOURNEYS: &str = "journeys";
const DOCUMENTS: &str = "documents";
const DATA: &str = "data";

#[uniffi::export]
impl Vault {
    pub fn add_person(&self, input: PersonInput) -> Result<Person> {
        self.write(|s| insert_person(s, &input))
    }

    /// Registers many persons at once (an import from a spreadsheet or another device):
    /// all of them, or none when one is refused. The refused field is named with its
    /// row, counted from 1: `"3.nik"`.
    pub fn import_persons(&self, inputs: Vec<PersonInput>) -> Result<Vec<Person>> {
        self.write(|s| {
            let mut added = Vec::with_capacity(inputs.len());
            for (index, input) in inputs.iter().enumerate() {
                let person = insert_person(s, input).map_err(|err| match err {
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
            s.audit(AuditAction::Read, "person", &id, &id);
            Ok(person)
        })
    }

    pub fn update_person(&self, id: String, input: PersonInput) -> Result<Person> {
        self.write(|s| {
            let existing = load_person(s, &id)?;
            consent::require(s, &id, ConsentPurpose::Registration)?;
            let data = person_data(s, &input)?;
            ensure_unique_nik(s, &data.nik, Some(&id))?;
            let now = instant_text(s.now);
            let sealed = s.keys.seal_json(place(PERSONS, &id), &data)?;
            s.conn.execute(
                "UPDATE persons SET data = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, sealed, now],
            )?;
            remove_lookup(s, NIK, &existing.nik, &id)?;
            if let Some(phone) = &existing.phone {
                remove_lookup(s, PHONE, phone, &id)?;
            }
            index_person(s, &id, &data)?;
            s.audit(AuditAction::Update, "person", &id, &id);
            Ok(person_from(id, data, existing.archived, existing.created_at, now))
        })
    }

    /// Archiving hides a person from the default list without deleting anything.
    pub fn set_person_archived(&self, id: String, archived: bool) -> Result<Person> {
        self.write(|s| {
            let changed = s.conn.execute(
                "UPDATE persons SET archived = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, archived, instant_text(s.now)],
            )?;
            if changed == 0 {
                return Err(MigranError::not_found("person"));
            }
            s.audit(AuditAction::Update, "person", &id, &id);
            load_person(s, &id)
        })
    }

    /// Erasure on request (UU PDP): the person's row and, through `ON DELETE CASCADE`,
    /// every row that hangs off it (contacts, journey, documents, index entries, and the
    /// records of later capabilities) are deleted, freed pages zeroed and the WAL emptied.
    /// The audit log keeps that things were done, but loses every link to the person.
    pub fn erase_person(&self, id: String) -> Result<()> {
        self.write(|s| {
            let deleted = s.conn.execute("DELETE FROM persons WHERE id = ?1", params![id])?;
            if deleted == 0 {
                return Err(MigranError::not_found("person"));
            }
            crate::audit::anonymise_person(s, &id)?;
            // Recorded without the id: the entry must not point back at the person.
            s.audit_count(AuditAction::Erase, "person", None, 1);
            Ok(())
        })?;
        self.checkpoint()
    }

    /// Persons in the order they were registered, a page at a time.
    pub fn list_persons(&self, page: PageRequest, include_archived: bool) -> Result<PersonPage> {
        check_page(&page)?;
        self.read(|s| {
            let total: u32 = s.conn.query_row(
                "SELECT COUNT(*) FROM persons WHERE archived = 0 OR ?1",
                params![include_archived],
                |row| row.get(0),
            )?;
            let mut statement = s.conn.prepare_cached(
                "SELECT id, created_at, updated_at, archived, data FROM persons
                 WHERE archived = 0 OR ?1 ORDER BY created_at, rowid LIMIT ?2 OFFSET ?3",
            )?;
            let rows = statement.query_map(params![include_archived, page.limit, page.offset], raw_person)?;
            let mut items = Vec::new();
            let mut unreadable_ids = Vec::new();
            for row in rows {
                let raw = row?;
                let id = raw.id.clone();
                match open_person(s, raw) {
                    Ok(person) => items.push(person),
                    Err(MigranError::Tampered { .. }) => unreadable_ids.push(id),
                    Err(other) => return Err(other),
                }
            }
            s.audit_count(AuditAction::List, "person", None, items.len());
            let seen = page
                .offset
                .saturating_add((items.len() + unreadable_ids.len()) as u32);
            Ok(PersonPage {
                items,
                total,
                next_offset: (seen < total).then_some(seen),
                unreadable_ids,
            })
        })
    }

    /// Exact match by NIK, phone or passport number (any common way of writing them).
    pub fn find_persons(&self, lookup: Lookup) -> Result<Vec<Person>> {
        let (kind, normalized) = match &lookup {
            Lookup::Nik { nik } => (NIK, validate::nik(nik)?),
            Lookup::Phone { phone } => (PHONE, validate::phone("phone", phone)?),
            Lookup::Passport { number } => (PASSPORT, validate::document_number("passport", number)?),
        };
        self.read(|s| {
            let digest = s.keys.blind_index(kind, &normalized);
            let mut statement = s.conn.prepare_cached(
                "SELECT p.id, p.created_at, p.updated_at, p.archived, p.data
                 FROM lookups l JOIN persons p ON p.id = l.person_id
                 WHERE l.kind = ?1 AND l.digest = ?2",
            )?;
            // Almost always one row: de-duplicate and order here rather than with SQL
            // temp B-trees, which cost more than the lookup itself.
            let mut raws = statement
                .query_map(params![kind, digest], raw_person)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            raws.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
            raws.dedup_by(|a, b| a.id == b.id);
            let found = raws
                .into_iter()
                .map(|raw| open_person(s, raw))
                .collect::<Result<Vec<_>>>()?;
            for person in &found {
                s.audit(AuditAction::Search, "person", &person.id, &person.id);
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
        if limit == 0 || limit > MAX_PAGE {
            return Err(MigranError::invalid("limit", InvalidReason::OutOfRange));
        }
        self.read(|s| {
            let mut found = Vec::new();
            for person in all_persons(s)? {
                let name = person.full_name.to_lowercase();
                if words.iter().all(|word| name.contains(word.as_str())) {
                    found.push(person);
                }
            }
            found.sort_by(|a, b| {
                a.full_name
                    .to_lowercase()
                    .cmp(&b.full_name.to_lowercase())
                    .then(a.id.cmp(&b.id))
            });
            found.truncate(limit as usize);
            s.audit_count(AuditAction::Search, "person", None, found.len());
            Ok(found)
        })
    }

    pub fn add_contact(&self, person_id: String, input: ContactInput) -> Result<Contact> {
        let data = ContactData {
            name: validate::required_text("name", &input.name, validate::SHORT_TEXT_MAX)?,
            relation: input.relation,
            phone: input
                .phone
                .as_deref()
                .map(|p| validate::phone("phone", p))
                .transpose()?,
            address: validate::optional_multiline(
                "address",
                input.address.as_deref(),
                validate::LONG_TEXT_MAX,
            )?,
        };
        self.write(|s| {
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let id = new_row_id()?;
            let sealed = s.keys.seal_json(place(CONTACTS, &id), &data)?;
            s.conn.execute(
                "INSERT INTO contacts (id, person_id, created_at, data) VALUES (?1, ?2, ?3, ?4)",
                params![id, person_id, instant_text(s.now), sealed],
            )?;
            s.audit(AuditAction::Create, "contact", &id, &person_id);
            Ok(contact_from(id, person_id.clone(), data))
        })
    }

    pub fn list_contacts(&self, person_id: String) -> Result<Vec<Contact>> {
        self.read(|s| {
            let contacts = load_contacts(s, &person_id)?;
            s.audit_count(AuditAction::List, "contact", Some(&person_id), contacts.len());
            Ok(contacts)
        })
    }

    pub fn remove_contact(&self, contact_id: String) -> Result<()> {
        self.write(|s| {
            let owner =
                owner_of(s, CONTACTS, &contact_id)?.ok_or_else(|| MigranError::not_found("contact"))?;
            s.conn
                .execute("DELETE FROM contacts WHERE id = ?1", params![contact_id])?;
            s.audit(AuditAction::Delete, "contact", &contact_id, &owner);
            Ok(())
        })?;
        self.checkpoint()
    }

    /// Sets (replaces) the person's current migration journey.
    pub fn set_journey(&self, person_id: String, input: JourneyInput) -> Result<Journey> {
        let data = journey_data(&input)?;
        self.write(|s| {
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let journey = store_journey(s, &person_id, data)?;
            s.audit(AuditAction::Update, "journey", &person_id, &person_id);
            Ok(journey)
        })
    }

    pub fn get_journey(&self, person_id: String) -> Result<Option<Journey>> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let journey = load_journey(s, &person_id)?;
            s.audit(AuditAction::Read, "journey", &person_id, &person_id);
            Ok(journey)
        })
    }

    pub fn add_document(&self, person_id: String, input: DocumentInput) -> Result<IdentityDocument> {
        let data = document_data(&input)?;
        self.write(|s| {
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let id = new_row_id()?;
            let sealed = s.keys.seal_json(place(DOCUMENTS, &id), &data)?;
            s.conn.execute(
                "INSERT INTO documents (id, person_id, created_at, data) VALUES (?1, ?2, ?3, ?4)",
                params![id, person_id, instant_text(s.now), sealed],
            )?;
            if data.kind == DocumentKind::Passport {
                add_lookup(s, PASSPORT, &data.number, &person_id, &id)?;
            }
            s.audit(AuditAction::Create, "document", &id, &person_id);
            Ok(document_from(id, person_id.clone(), data))
        })
    }

    pub fn list_documents(&self, person_id: String) -> Result<Vec<IdentityDocument>> {
        self.read(|s| {
            let documents = load_documents(s, &person_id)?;
            s.audit_count(AuditAction::List, "document", Some(&person_id), documents.len());
            Ok(documents)
        })
    }

    pub fn remove_document(&self, document_id: String) -> Result<()> {
        self.write(|s| {
            let owner =
                owner_of(s, DOCUMENTS, &document_id)?.ok_or_else(|| MigranError::not_found("document"))?;
            s.conn
                .execute("DELETE FROM documents WHERE id = ?1", params![document_id])?;
            s.audit(AuditAction::Delete, "document", &document_id, &owner);
            s.conn
                .execute("DELETE FROM lookups WHERE owner_id = ?1", params![document_id])?;
            Ok(())
        })?;
        self.checkpoint()
    }
}

fn place<'a>(table: &'static str, row: &'a str) -> Place<'a> {
    Place {
        table,
        row,
        column: DATA,
    }
}

fn insert_person(s: &Session<'_>, input: &PersonInput) -> Result<Person> {
    let data = person_data(s, input)?;
    let id = new_row_id()?;
    ensure_unique_nik(s, &data.nik, None)?;
    let now = instant_text(s.now);
    let sealed = s.keys.seal_json(place(PERSONS, &id), &data)?;
    s.conn
        .prepare_cached(
            "INSERT INTO persons (id, created_at, updated_at, archived, data) VALUES (?1, ?2, ?2, 0, ?3)",
        )?
        .execute(params![id, now, sealed])?;
    index_person(s, &id, &data)?;
    consent::record_at_registration(s, &id)?;
    s.audit(AuditAction::Create, "person", &id, &id);
    Ok(person_from(id, data, false, now.clone(), now))
}

/// The person who owns row `id` of `table` (contacts or documents), if it exists.
fn owner_of(s: &Session<'_>, table: &'static str, id: &str) -> Result<Option<String>> {
    let sql = match table {
        CONTACTS => "SELECT person_id FROM contacts WHERE id = ?1",
        _ => "SELECT person_id FROM documents WHERE id = ?1",
    };
    Ok(s.conn
        .prepare_cached(sql)?
        .query_row(params![id], |row| row.get(0))
        .optional()?)
}

/// Writes the person's journey (insert or replace).
fn store_journey(s: &Session<'_>, person_id: &str, data: JourneyData) -> Result<Journey> {
    let now = instant_text(s.now);
    let sealed = s.keys.seal_json(place(JOURNEYS, person_id), &data)?;
    s.conn.execute(
        "INSERT INTO journeys (person_id, updated_at, data) VALUES (?1, ?2, ?3)
         ON CONFLICT (person_id) DO UPDATE SET updated_at = excluded.updated_at, data = excluded.data",
        params![person_id, now, sealed],
    )?;
    Ok(journey_from(person_id.to_string(), data, now))
}

/// Moves a person's journey to `phase`, keeping the rest (a recorded return makes the
/// person `Returned`). Creates the journey when there is none.
pub(crate) fn set_phase(s: &Session<'_>, person_id: &str, phase: Phase) -> Result<()> {
    let data = match load_journey(s, person_id)? {
        Some(journey) => JourneyData {
            phase,
            destination_country: journey.destination_country,
            sector: journey.sector,
            employer_name: journey.employer_name,
            employer_address: journey.employer_address,
            agency_name: journey.agency_name,
            agency_licence: journey.agency_licence,
            departure_date: journey.departure_date,
            contract_end_date: journey.contract_end_date,
        },
        None => JourneyData {
            phase,
            destination_country: None,
            sector: None,
            employer_name: None,
            employer_address: None,
            agency_name: None,
            agency_licence: None,
            departure_date: None,
            contract_end_date: None,
        },
    };
    store_journey(s, person_id, data)?;
    s.audit(AuditAction::Update, "journey", person_id, person_id);
    Ok(())
}

/// What the village report needs of a person, without the rest of the row: the sealed
/// JSON is still opened whole (the AEAD needs it), but only `sex` is deserialised.
pub(crate) struct ReportPerson {
    pub id: String,
    pub archived: bool,
    pub sex: Sex,
}

pub(crate) fn report_persons(s: &Session<'_>) -> Result<Vec<ReportPerson>> {
    #[derive(Deserialize)]
    struct Slim {
        sex: Sex,
    }
    let mut statement = s
        .conn
        .prepare_cached("SELECT id, archived, data FROM persons ORDER BY created_at, rowid")?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, bool>(1)?,
            row.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    let mut persons = Vec::new();
    for row in rows {
        let (id, archived, sealed) = row?;
        match s.keys.open_json::<Slim>(place(PERSONS, &id), &sealed, "person") {
            Ok(slim) => persons.push(ReportPerson {
                id,
                archived,
                sex: slim.sex,
            }),
            Err(MigranError::Tampered { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(persons)
}

/// Every journey, by person, for reports and the agenda.
pub(crate) fn all_journeys(s: &Session<'_>) -> Result<std::collections::HashMap<String, Journey>> {
    let mut statement = s
        .conn
        .prepare_cached("SELECT person_id, updated_at, data FROM journeys")?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    let mut journeys = std::collections::HashMap::new();
    for row in rows {
        let (person_id, updated_at, sealed) = row?;
        match s
            .keys
            .open_json::<JourneyData>(place(JOURNEYS, &person_id), &sealed, "journey")
        {
            Ok(data) => {
                journeys.insert(person_id.clone(), journey_from(person_id, data, updated_at));
            }
            Err(MigranError::Tampered { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(journeys)
}

fn check_page(page: &PageRequest) -> Result<()> {
    if page.limit == 0 || page.limit > MAX_PAGE {
        return Err(MigranError::invalid("limit", InvalidReason::OutOfRange));
    }
    Ok(())
}

fn person_data(s: &Session<'_>, input: &PersonInput) -> Result<PersonData> {
    let birth = parse_date("birth_date", &input.birth_date)?;
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    if birth > latest_date_anywhere(s.now) || birth < earliest {
        return Err(MigranError::invalid("birth_date", InvalidReason::OutOfRange));
    }
    Ok(PersonData {
        full_name: validate::required_text("full_name", &input.full_name, validate::SHORT_TEXT_MAX)?,
        nik: validate::nik(&input.nik)?,
        birth_date: date_text(birth),
        sex: input.sex,
        phone: input
            .phone
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(|p| validate::phone("phone", p))
            .transpose()?,
        address: validate::optional_multiline("address", input.address.as_deref(), validate::LONG_TEXT_MAX)?,
        village: validate::required_text("village", &input.village, validate::SHORT_TEXT_MAX)?,
    })
}

fn journey_data(input: &JourneyInput) -> Result<JourneyData> {
    let short = |field, value: &Option<String>| {
        validate::optional_text(field, value.as_deref(), validate::SHORT_TEXT_MAX)
    };
    let date = |field, value: &Option<String>| -> Result<Option<NaiveDate>> {
        match value.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => parse_date(field, text).map(Some),
        }
    };
    let departure = date("departure_date", &input.departure_date)?;
    let contract_end = date("contract_end_date", &input.contract_end_date)?;
    if let (Some(start), Some(end)) = (departure, contract_end) {
        if end <= start {
            return Err(MigranError::invalid(
                "contract_end_date",
                InvalidReason::Inconsistent,
            ));
        }
    }
    Ok(JourneyData {
        phase: input.phase.unwrap_or(Phase::Prospective),
        destination_country: input
            .destination_country
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| validate::country("destination_country", c))
            .transpose()?,
        sector: input.sector,
        employer_name: short("employer_name", &input.employer_name)?,
        employer_address: validate::optional_multiline(
            "employer_address",
            input.employer_address.as_deref(),
            validate::LONG_TEXT_MAX,
        )?,
        agency_name: short("agency_name", &input.agency_name)?,
        agency_licence: short("agency_licence", &input.agency_licence)?,
        departure_date: departure.map(date_text),
        contract_end_date: contract_end.map(date_text),
    })
}

fn document_data(input: &DocumentInput) -> Result<DocumentData> {
    let issued = input
        .issued_on
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| parse_date("issued_on", t))
        .transpose()?;
    let expires = input
        .expires_on
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| parse_date("expires_on", t))
        .transpose()?;
    if let (Some(issued), Some(expires)) = (issued, expires) {
        if expires <= issued {
            return Err(MigranError::invalid("expires_on", InvalidReason::Inconsistent));
        }
    }
    Ok(DocumentData {
        kind: input.kind,
        number: validate::document_number("number", &input.number)?,
        issued_on: issued.map(date_text),
        expires_on: expires.map(date_text),
    })
}

fn ensure_unique_nik(s: &Session<'_>, nik: &str, except: Option<&str>) -> Result<()> {
    let digest = s.keys.blind_index(NIK, nik);
    let holder: Option<String> = s
        .conn
        .prepare_cached("SELECT person_id FROM lookups WHERE kind = ?1 AND digest = ?2 LIMIT 1")?
        .query_row(params![NIK, digest], |row| row.get(0))
        .optional()?;
    match holder {
        Some(holder) if Some(holder.as_str()) != except => Err(MigranError::Duplicate {
            field: "nik".to_string(),
        }),
        _ => Ok(()),
    }
}

fn index_person(s: &Session<'_>, id: &str, data: &PersonData) -> Result<()> {
    add_lookup(s, NIK, &data.nik, id, id)?;
    if let Some(phone) = &data.phone {
        add_lookup(s, PHONE, phone, id, id)?;
    }
    Ok(())
}

fn add_lookup(s: &Session<'_>, kind: &str, normalized: &str, person_id: &str, owner_id: &str) -> Result<()> {
    s.conn
        .prepare_cached("INSERT INTO lookups (kind, digest, person_id, owner_id) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![
            kind,
            s.keys.blind_index(kind, normalized),
            person_id,
            owner_id
        ])?;
    Ok(())
}

fn remove_lookup(s: &Session<'_>, kind: &str, normalized: &str, owner_id: &str) -> Result<()> {
    s.conn
        .prepare_cached("DELETE FROM lookups WHERE kind = ?1 AND digest = ?2 AND owner_id = ?3")?
        .execute(params![kind, s.keys.blind_index(kind, normalized), owner_id])?;
    Ok(())
}

pub(crate) fn ensure_person(s: &Session<'_>, person_id: &str) -> Result<()> {
    let exists: bool = s.conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM persons WHERE id = ?1)",
        params![person_id],
        |row| row.get(0),
    )?;
    if exists {
        Ok(())
    } else {
        Err(MigranError::not_found("person"))
    }
}

struct RawPerson {
    id: String,
    created_at: String,
    updated_at: String,
    archived: bool,
    data: Vec<u8>,
}

fn raw_person(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawPerson> {
    Ok(RawPerson {
        id: row.get(0)?,
        created_at: row.get(1)?,
        updated_at: row.get(2)?,
        archived: row.get(3)?,
        data: row.get(4)?,
    })
}

fn open_person(s: &Session<'_>, raw: RawPerson) -> Result<Person> {
    let data: PersonData = s.keys.open_json(place(PERSONS, &raw.id), &raw.data, "person")?;
    Ok(person_from(
        raw.id,
        data,
        raw.archived,
        raw.created_at,
        raw.updated_at,
    ))
}

pub(crate) fn load_person(s: &Session<'_>, id: &str) -> Result<Person> {
    let raw = s
        .conn
        .prepare_cached("SELECT id, created_at, updated_at, archived, data FROM persons WHERE id = ?1")?
        .query_row(params![id], raw_person)
        .optional()?
        .ok_or_else(|| MigranError::not_found("person"))?;
    open_person(s, raw)
}

/// Every readable person, archived included; damaged rows are skipped (they surface in
/// `list_persons` and `get_person`).
pub(crate) fn all_persons(s: &Session<'_>) -> Result<Vec<Person>> {
    let mut statement = s.conn.prepare_cached(
        "SELECT id, created_at, updated_at, archived, data FROM persons ORDER BY created_at, rowid",
    )?;
    let rows = statement.query_map([], raw_person)?;
    let mut persons = Vec::new();
    for row in rows {
        match open_person(s, row?) {
            Ok(person) => persons.push(person),
            Err(MigranError::Tampered { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(persons)
}

pub(crate) fn load_contacts(s: &Session<'_>, person_id: &str) -> Result<Vec<Contact>> {
    ensure_person(s, person_id)?;
    let mut statement = s
        .conn
        .prepare_cached("SELECT id, data FROM contacts WHERE person_id = ?1 ORDER BY created_at, rowid")?;
    let rows = statement.query_map(params![person_id], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
    })?;
    let mut contacts = Vec::new();
    for row in rows {
        let (id, sealed) = row?;
        let data: ContactData = s.keys.open_json(place(CONTACTS, &id), &sealed, "contact")?;
        contacts.push(contact_from(id, person_id.to_string(), data));
    }
    Ok(contacts)
}

pub(crate) fn load_journey(s: &Session<'_>, person_id: &str) -> Result<Option<Journey>> {
    let row: Option<(String, Vec<u8>)> = s
        .conn
        .query_row(
            "SELECT updated_at, data FROM journeys WHERE person_id = ?1",
            params![person_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    row.map(|(updated_at, sealed)| {
        let data: JourneyData = s.keys.open_json(place(JOURNEYS, person_id), &sealed, "journey")?;
        Ok(journey_from(person_id.to_string(), data, updated_at))
    })
    .transpose()
}

pub(crate) fn load_documents(s: &Session<'_>, person_id: &str) -> Result<Vec<IdentityDocument>> {
    ensure_person(s, person_id)?;
    let mut statement = s
        .conn
        .prepare_cached("SELECT id, data FROM documents WHERE person_id = ?1 ORDER BY created_at, rowid")?;
    let rows = statement.query_map(params![person_id], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
    })?;
    let mut documents = Vec::new();
    for row in rows {
        let (id, sealed) = row?;
        let data: DocumentData = s.keys.open_json(place(DOCUMENTS, &id), &sealed, "document")?;
        documents.push(document_from(id, person_id.to_string(), data));
    }
    Ok(documents)
}

fn person_from(
    id: String,
    data: PersonData,
    archived: bool,
    created_at: String,
    updated_at: String,
) -> Person {
    Person {
        id,
        full_name: data.full_name,
        nik: data.nik,
        birth_date: data.birth_date,
        sex: data.sex,
        phone: data.phone,
        address: data.address,
        village: data.village,
        archived,
        created_at,
        updated_at,
    }
}

fn contact_from(id: String, person_id: String, data: ContactData) -> Contact {
    Contact {
        id,
        person_id,
        name: data.name,
        relation: data.relation,
        phone: data.phone,
        address: data.address,
    }
}

fn journey_from(person_id: String, data: JourneyData, updated_at: String) -> Journey {
    Journey {
        person_id,
        phase: data.phase,
        destination_country: data.destination_country,
        sector: data.sector,
        employer_name: data.employer_name,
        employer_address: data.employer_address,
        agency_name: data.agency_name,
        agency_licence: data.agency_licence,
        departure_date: data.departure_date,
        contract_end_date: data.contract_end_date,
        updated_at,
    }
}

fn document_from(id: String, person_id: String, data: DocumentData) -> IdentityDocument {
    IdentityDocument {
        id,
        person_id,
        kind: data.kind,
        number: data.number,
        issued_on: data.issued_on,
        expires_on: data.expires_on,
    }
}
