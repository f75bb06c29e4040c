//! The emergency card: the few facts the button needs (name, passport, where the owner
//! works, who to tell), chosen and seen by the owner. Sealed with the device key so that
//! it opens while the vault is locked; changing it needs the PIN.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::{from_json, to_json};
use crate::audit::AuditAction;
use crate::crypto::{DeviceKey, Place};
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::time::instant_text;
use crate::validate;
use crate::vault::Vault;

const MAX_CARD_CONTACTS: usize = 10;

/// Who a card contact is to the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CardContactRole {
    /// Family at home; told first.
    Family,
    /// The village cadre (kader) who follows the owner; told after the family.
    Cadre,
}

crate::storage_codes!(CardContactRole {
    Family => "family",
    Cadre => "cadre",
});

/// A person the button tells by SMS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record, Zeroize)]
pub struct CardContact {
    /// The contact's name, at most 200 characters.
    pub name: String,
    /// Phone number in any common form; stored in international form (`+62...`).
    pub phone: String,
    /// Who the contact is to the owner.
    #[zeroize(skip)]
    pub role: CardContactRole,
}

/// The few facts the button needs, chosen and seen by the owner. Readable while locked.
/// The core's own copies (for a plan) are held in `Zeroizing` and wiped when dropped;
/// what is returned to the app is the app's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record, Zeroize)]
pub struct EmergencyCard {
    /// The owner's full name, at most 200 characters.
    pub full_name: String,
    /// The owner's passport number (upper-cased, separators dropped); `None` when not given.
    pub passport_number: Option<String>,
    /// ISO 3166-1 alpha-2 code of the country the owner works in.
    pub country: String,
    /// The city the owner works in; `None` when not given.
    pub city: Option<String>,
    /// The employer's name; `None` when not given.
    pub employer_name: Option<String>,
    /// The employer's address; may span lines. `None` when not given.
    pub employer_address: Option<String>,
    /// Who the button tells by SMS, at most 10.
    pub contacts: Vec<CardContact>,
}

const CARD: Place<'static> = Place {
    table: "emergency_card",
    row: "1",
    column: "data",
};

#[uniffi::export]
impl Vault {
    /// Sets the card (needs the PIN: nobody else may change where help is sent).
    pub fn set_emergency_card(&self, card: EmergencyCard) -> Result<EmergencyCard> {
        let card = checked_card(card)?;
        let key = self.emergency_key()?;
        let now = instant_text(self.now());
        self.write(|s| {
            let sealed = key.seal(CARD, &to_json(&card)?)?;
            s.locked.execute(
                "INSERT INTO emergency_card (id, updated_at, data) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, data = excluded.data",
                params![now, sealed],
            )?;
            s.audit_count(AuditAction::Update, RecordKind::EmergencyCard, None, 1);
            Ok(())
        })?;
        Ok(card)
    }

    /// The card as stored; readable while locked, so the owner sees what it holds.
    pub fn emergency_card(&self) -> Result<Option<EmergencyCard>> {
        let key = self.emergency_key()?;
        self.with_locked_store(|conn| load_card(conn, &key))
    }

    /// Deletes the card (needs the PIN); the WAL is emptied so no copy stays behind.
    pub fn clear_emergency_card(&self) -> Result<()> {
        self.write(|s| {
            let removed = s.locked.execute("DELETE FROM emergency_card", [])?;
            s.audit_count(AuditAction::Delete, RecordKind::EmergencyCard, None, removed);
            Ok(())
        })?;
        // The removed card must not survive in the locked store's WAL.
        self.with_locked_store(|conn| crate::store::checkpoint(conn))
    }
}

/// The stored card, if any; the decrypted JSON is wiped once parsed.
pub(super) fn load_card(conn: &Connection, key: &DeviceKey) -> Result<Option<EmergencyCard>> {
    let sealed: Option<Vec<u8>> = conn
        .query_row("SELECT data FROM emergency_card WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?;
    sealed
        .map(|sealed| from_json(&key.open(CARD, &sealed, "emergency")?))
        .transpose()
}

fn checked_card(card: EmergencyCard) -> Result<EmergencyCard> {
    if card.contacts.len() > MAX_CARD_CONTACTS {
        return Err(MigranError::invalid("contacts", InvalidReason::TooLong));
    }
    let short = |field: &str, value: Option<String>| {
        validate::optional_text(field, value.as_deref(), validate::SHORT_TEXT_MAX)
    };
    Ok(EmergencyCard {
        full_name: validate::required_text("full_name", &card.full_name, validate::SHORT_TEXT_MAX)?,
        passport_number: card
            .passport_number
            .filter(|p| !p.trim().is_empty())
            .map(|p| validate::document_number("passport", &p))
            .transpose()?,
        country: validate::country("country", &card.country)?,
        city: short("city", card.city)?,
        employer_name: short("employer_name", card.employer_name)?,
        employer_address: validate::optional_multiline(
            "employer_address",
            card.employer_address.as_deref(),
            validate::LONG_TEXT_MAX,
        )?,
        contacts: card
            .contacts
            .into_iter()
            .map(|c| {
                Ok(CardContact {
                    name: validate::required_text("name", &c.name, validate::SHORT_TEXT_MAX)?,
                    phone: validate::phone("phone", &c.phone)?,
                    role: c.role,
                })
            })
            .collect::<Result<_>>()?,
    })
}
