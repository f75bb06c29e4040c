//! People in `vault.db`: one row per record, typed columns, ordinary indexes.

use std::collections::HashMap;

use rusqlite::{params, Row, ToSql};

use super::{input, Contact, IdentityDocument, Journey, Lookup, PageRequest, Person, PersonInput, Phase};
use crate::audit::AuditAction;
use crate::consent;
use crate::error::{MigranError, RecordKind, Result};
use crate::store::kernel::{stored_sql, Stored};
use crate::time::instant_text;
use crate::vault::Session;

/// Persons and what hangs off them; erasing a person cascades to every row that names
/// them (here and in the other capabilities' tables).
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE persons (
        id          TEXT PRIMARY KEY,
        full_name   TEXT NOT NULL,
        nik         TEXT NOT NULL UNIQUE,
        birth_date  TEXT NOT NULL,
        sex         TEXT NOT NULL,
        phone       TEXT,
        address     TEXT,
        village     TEXT NOT NULL,
        archived    INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    -- Listing order: registration time, then rowid (appended to every index entry).
    CREATE INDEX persons_by_creation ON persons (created_at);
    CREATE INDEX persons_by_phone ON persons (phone) WHERE phone IS NOT NULL;
    CREATE TABLE contacts (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        relation    TEXT NOT NULL,
        phone       TEXT,
        address     TEXT
    );
    CREATE INDEX contacts_by_person ON contacts (person_id);
    CREATE TABLE journeys (
        person_id            TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
        phase                TEXT NOT NULL,
        destination_country  TEXT,
        sector               TEXT,
        employer_name        TEXT,
        employer_address     TEXT,
        agency_name          TEXT,
        agency_licence       TEXT,
        departure_date       TEXT,
        contract_end_date    TEXT,
        updated_at           TEXT NOT NULL
    );
    CREATE TABLE documents (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        number      TEXT NOT NULL,
        issued_on   TEXT,
        expires_on  TEXT
    );
    CREATE INDEX documents_by_person ON documents (person_id);
    CREATE INDEX documents_by_number ON documents (kind, number);
"#;

impl Stored for Person {
    const KIND: RecordKind = RecordKind::Person;
    stored_sql!(table: "persons", key: "id", columns: [
        "full_name", "nik", "birth_date", "sex", "phone", "address", "village", "archived", "created_at", "updated_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.full_name,
            &self.nik,
            &self.birth_date,
            &self.sex,
            &self.phone,
            &self.address,
            &self.village,
            &self.archived,
            &self.created_at,
            &self.updated_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Person {
            id: row.get(0)?,
            full_name: row.get(1)?,
            nik: row.get(2)?,
            birth_date: row.get(3)?,
            sex: row.get(4)?,
            phone: row.get(5)?,
            address: row.get(6)?,
            village: row.get(7)?,
            archived: row.get(8)?,
            created_at: row.get(9)?,
            updated_at: row.get(10)?,
        })
    }
}

impl Stored for Contact {
    const KIND: RecordKind = RecordKind::Contact;
    stored_sql!(table: "contacts", key: "id", columns: ["person_id", "name", "relation", "phone", "address"]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.name,
            &self.relation,
            &self.phone,
            &self.address,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Contact {
            id: row.get(0)?,
            person_id: row.get(1)?,
            name: row.get(2)?,
            relation: row.get(3)?,
            phone: row.get(4)?,
            address: row.get(5)?,
        })
    }
}

impl Stored for Journey {
    const KIND: RecordKind = RecordKind::Journey;
    stored_sql!(table: "journeys", key: "person_id", columns: [
        "phase", "destination_country", "sector", "employer_name", "employer_address", "agency_name",
        "agency_licence", "departure_date", "contract_end_date", "updated_at",
    ]);

    fn key(&self) -> &str {
        &self.person_id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.person_id,
            &self.phase,
            &self.destination_country,
            &self.sector,
            &self.employer_name,
            &self.employer_address,
            &self.agency_name,
            &self.agency_licence,
            &self.departure_date,
            &self.contract_end_date,
            &self.updated_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Journey {
            person_id: row.get(0)?,
            phase: row.get(1)?,
            destination_country: row.get(2)?,
            sector: row.get(3)?,
            employer_name: row.get(4)?,
            employer_address: row.get(5)?,
            agency_name: row.get(6)?,
            agency_licence: row.get(7)?,
            departure_date: row.get(8)?,
            contract_end_date: row.get(9)?,
            updated_at: row.get(10)?,
        })
    }
}

impl Stored for IdentityDocument {
    const KIND: RecordKind = RecordKind::Document;
    stored_sql!(table: "documents", key: "id", columns: ["person_id", "kind", "number", "issued_on", "expires_on"]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.kind,
            &self.number,
            &self.issued_on,
            &self.expires_on,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(IdentityDocument {
            id: row.get(0)?,
            person_id: row.get(1)?,
            kind: row.get(2)?,
            number: row.get(3)?,
            issued_on: row.get(4)?,
            expires_on: row.get(5)?,
        })
    }
}

/// Registers a person (their registration consent with them: the app asks first).
pub(super) fn insert_person(s: &Session<'_>, input: &PersonInput) -> Result<Person> {
    let person = input::new_person(s, input)?;
    ensure_unique_nik(s, &person.nik, None)?;
    s.insert(&person)?;
    consent::record_at_registration(s, &person.id)?;
    s.audit(AuditAction::Create, RecordKind::Person, &person.id, &person.id);
    Ok(person)
}

pub(super) fn ensure_unique_nik(s: &Session<'_>, nik: &str, except: Option<&str>) -> Result<()> {
    let holders: Vec<Person> = s.select("WHERE nik = ?1", [nik])?;
    if holders.iter().any(|holder| Some(holder.id.as_str()) != except) {
        return Err(MigranError::Duplicate {
            field: "nik".to_string(),
        });
    }
    Ok(())
}

/// One page of persons in registration order, and how many the listing covers.
pub(super) fn page_of_persons(
    s: &Session<'_>,
    page: &PageRequest,
    include_archived: bool,
) -> Result<(Vec<Person>, u32)> {
    let total: u32 = s
        .conn
        .prepare_cached("SELECT COUNT(*) FROM persons WHERE archived = 0 OR ?1")?
        .query_row(params![include_archived], |row| row.get(0))?;
    let items = s.select(
        "WHERE archived = 0 OR ?1 ORDER BY created_at, rowid LIMIT ?2 OFFSET ?3",
        params![include_archived, page.limit, page.offset],
    )?;
    Ok((items, total))
}

/// Persons whose stored number equals the (normalized) one asked for, in registration
/// order. The equality is checked again on every row found: a lookup never returns a
/// record other than the one asked for, whatever the index holds.
pub(super) fn find_persons(s: &Session<'_>, lookup: &Lookup) -> Result<Vec<Person>> {
    let found: Vec<Person> = match lookup {
        Lookup::Nik { nik } => s
            .select::<Person, _>("WHERE nik = ?1", [nik])?
            .into_iter()
            .filter(|p| &p.nik == nik)
            .collect(),
        Lookup::Phone { phone } => s
            .select::<Person, _>("WHERE phone = ?1 ORDER BY created_at, rowid", [phone])?
            .into_iter()
            .filter(|p| p.phone.as_ref() == Some(phone))
            .collect(),
        Lookup::Passport { number } => {
            let holders: Vec<IdentityDocument> = s.select(
                "WHERE kind = ?1 AND number = ?2",
                params![super::DocumentKind::Passport, number],
            )?;
            let mut persons = Vec::new();
            for document in holders.iter().filter(|d| &d.number == number) {
                if !persons.iter().any(|p: &Person| p.id == document.person_id) {
                    persons.push(load_person(s, &document.person_id)?);
                }
            }
            persons.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
            persons
        }
    };
    Ok(found)
}

/// Persons whose name contains every word (already lowercased), by name, at most `limit`.
pub(super) fn search_persons(s: &Session<'_>, words: &[String], limit: usize) -> Result<Vec<Person>> {
    // Names are compared with Unicode lowercasing, which SQLite's lower() does not do:
    // the names are read (from the page cache, already decrypted) and matched here.
    let mut statement = s.conn.prepare_cached("SELECT id, full_name FROM persons")?;
    let names = statement
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|err| crate::store::kernel::storage_error(err, RecordKind::Person))?;
    let mut matches: Vec<(String, String)> = names
        .into_iter()
        .map(|(id, name)| (name.to_lowercase(), id))
        .filter(|(name, _)| words.iter().all(|word| name.contains(word.as_str())))
        .collect();
    matches.sort();
    matches.truncate(limit);
    matches.into_iter().map(|(_, id)| load_person(s, &id)).collect()
}

pub(crate) fn ensure_person(s: &Session<'_>, person_id: &str) -> Result<()> {
    let exists: bool = s
        .conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM persons WHERE id = ?1)")?
        .query_row(params![person_id], |row| row.get(0))?;
    if exists {
        Ok(())
    } else {
        Err(MigranError::NotFound {
            kind: RecordKind::Person,
        })
    }
}

pub(crate) fn load_person(s: &Session<'_>, id: &str) -> Result<Person> {
    s.get(id)
}

/// Every person, archived included, in registration order.
pub(crate) fn all_persons(s: &Session<'_>) -> Result<Vec<Person>> {
    s.select("ORDER BY created_at, rowid", [])
}

/// A record that belongs to one person and lives and dies alone: a family contact, an
/// identity document.
pub(crate) trait PersonDetail: Stored {
    fn person_id(&self) -> &str;
}

impl PersonDetail for Contact {
    fn person_id(&self) -> &str {
        &self.person_id
    }
}

impl PersonDetail for IdentityDocument {
    fn person_id(&self) -> &str {
        &self.person_id
    }
}

/// A person's records of one kind (contacts, documents), in the order they were added.
pub(crate) fn load_details<T: PersonDetail>(s: &Session<'_>, person_id: &str) -> Result<Vec<T>> {
    ensure_person(s, person_id)?;
    s.select("WHERE person_id = ?1 ORDER BY rowid", [person_id])
}

pub(crate) fn load_contacts(s: &Session<'_>, person_id: &str) -> Result<Vec<Contact>> {
    load_details(s, person_id)
}

pub(crate) fn load_documents(s: &Session<'_>, person_id: &str) -> Result<Vec<IdentityDocument>> {
    load_details(s, person_id)
}

pub(crate) fn load_journey(s: &Session<'_>, person_id: &str) -> Result<Option<Journey>> {
    s.find(person_id)
}

/// Moves a person's journey to `phase`, keeping the rest (a recorded return makes the
/// person `Returned`). Creates the journey when there is none.
pub(crate) fn set_phase(s: &Session<'_>, person_id: &str, phase: Phase) -> Result<()> {
    let updated_at = instant_text(s.now);
    let journey = match load_journey(s, person_id)? {
        Some(journey) => Journey {
            phase,
            updated_at,
            ..journey
        },
        None => input::journey(
            &super::JourneyInput {
                phase: Some(phase),
                ..Default::default()
            },
            person_id.to_string(),
            updated_at,
        )?,
    };
    s.upsert(&journey)?;
    s.audit(AuditAction::Update, RecordKind::Journey, person_id, person_id);
    Ok(())
}

/// Every journey, by person, for reports and the agenda.
pub(crate) fn all_journeys(s: &Session<'_>) -> Result<HashMap<String, Journey>> {
    Ok(s.select::<Journey, _>("", [])?
        .into_iter()
        .map(|journey| (journey.person_id.clone(), journey))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::Sex;
    use crate::store::codes::StorageCode;

    #[test]
    fn every_stored_code_of_the_people_enums_is_pinned() {
        let codes = |all: Vec<&'static str>| all.join(",");
        assert_eq!(codes(Sex::ALL.iter().map(|v| v.code()).collect()), "female,male");
        assert_eq!(
            codes(Phase::ALL.iter().map(|v| v.code()).collect()),
            "prospective,pre_departure,abroad,returned"
        );
    }
}
