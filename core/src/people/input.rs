//! What people type, checked and normalized into records. Every refusal names the field.

use chrono::NaiveDate;

use super::{
    Contact, ContactInput, DocumentInput, IdentityDocument, Journey, JourneyInput, Lookup, PageRequest,
    Person, PersonInput, Phase, MAX_PAGE,
};
use crate::crypto::new_row_id;
use crate::error::{InvalidReason, MigranError, Result};
use crate::time::{date_text, instant_text, latest_date_anywhere, parse_date};
use crate::validate;
use crate::vault::Session;

/// A person record from `input`, with the given id and registration time; not archived,
/// updated now.
pub(super) fn person(s: &Session<'_>, input: &PersonInput, id: String, created_at: String) -> Result<Person> {
    let birth = parse_date("birth_date", &input.birth_date)?;
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    if birth > latest_date_anywhere(s.now) || birth < earliest {
        return Err(MigranError::invalid("birth_date", InvalidReason::OutOfRange));
    }
    Ok(Person {
        id,
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
        archived: false,
        created_at,
        updated_at: instant_text(s.now),
    })
}

/// A new person record registered now.
pub(super) fn new_person(s: &Session<'_>, input: &PersonInput) -> Result<Person> {
    person(s, input, new_row_id()?, instant_text(s.now))
}

pub(super) fn contact(input: &ContactInput, person_id: String) -> Result<Contact> {
    Ok(Contact {
        id: new_row_id()?,
        person_id,
        name: validate::required_text("name", &input.name, validate::SHORT_TEXT_MAX)?,
        relation: input.relation,
        phone: input
            .phone
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(|p| validate::phone("phone", p))
            .transpose()?,
        address: validate::optional_multiline("address", input.address.as_deref(), validate::LONG_TEXT_MAX)?,
    })
}

pub(super) fn journey(input: &JourneyInput, person_id: String, updated_at: String) -> Result<Journey> {
    let short = |field, value: &Option<String>| {
        validate::optional_text(field, value.as_deref(), validate::SHORT_TEXT_MAX)
    };
    let departure = optional_date("departure_date", input.departure_date.as_deref())?;
    let contract_end = optional_date("contract_end_date", input.contract_end_date.as_deref())?;
    if let (Some(start), Some(end)) = (departure, contract_end) {
        if end <= start {
            return Err(MigranError::invalid(
                "contract_end_date",
                InvalidReason::Inconsistent,
            ));
        }
    }
    Ok(Journey {
        person_id,
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
        updated_at,
    })
}

pub(super) fn document(input: &DocumentInput, person_id: String) -> Result<IdentityDocument> {
    let issued = optional_date("issued_on", input.issued_on.as_deref())?;
    let expires = optional_date("expires_on", input.expires_on.as_deref())?;
    if let (Some(issued), Some(expires)) = (issued, expires) {
        if expires <= issued {
            return Err(MigranError::invalid("expires_on", InvalidReason::Inconsistent));
        }
    }
    Ok(IdentityDocument {
        id: new_row_id()?,
        person_id,
        kind: input.kind,
        number: validate::document_number("number", &input.number)?,
        issued_on: issued.map(date_text),
        expires_on: expires.map(date_text),
    })
}

/// The lookup with its number written the way it is stored.
pub(super) fn normalized_lookup(lookup: &Lookup) -> Result<Lookup> {
    Ok(match lookup {
        Lookup::Nik { nik } => Lookup::Nik {
            nik: validate::nik(nik)?,
        },
        Lookup::Phone { phone } => Lookup::Phone {
            phone: validate::phone("phone", phone)?,
        },
        Lookup::Passport { number } => Lookup::Passport {
            number: validate::document_number("passport", number)?,
        },
    })
}

pub(super) fn check_page(page: &PageRequest) -> Result<()> {
    if page.limit == 0 || page.limit > MAX_PAGE {
        return Err(MigranError::invalid("limit", InvalidReason::OutOfRange));
    }
    Ok(())
}

fn optional_date(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>> {
    match value.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => parse_date(field, text).map(Some),
    }
}
