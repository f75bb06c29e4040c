//! Checklists in `vault.db`: one row of facts per person, one typed row per person and
//! item that was ever set, and the states of retired items. All writes go through the
//! storage kernel.

use std::collections::BTreeMap;

use rusqlite::{Row, ToSql};

use super::pack::Pack;
use super::rules::Context;
use super::{ItemState, MaritalStatus, PlacementFacts};
use crate::error::{RecordKind, Result};
use crate::people::{self, IdentityDocument, Journey, Person};
use crate::store::kernel::{stored_sql, Stored};
use crate::time::instant_text;
use crate::vault::Session;

/// The checklist's tables. An item without a row is not started, so a person's
/// progress is counted from these rows and the pack (`progress`). Rows of a person go
/// with them.
pub(crate) const SCHEMA: &str = r#"
    -- What the checklist keeps about a person besides item states: the pack version
    -- the states follow, and the marital status (not part of the person record).
    CREATE TABLE checklists (
        person_id       TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
        pack_version    INTEGER NOT NULL,
        marital_status  TEXT,
        updated_at      TEXT NOT NULL
    );
    -- One row per person and item of the current pack that was ever set. The key is
    -- `person_id/item_id`: the kernel keys a record by one column, and the same item
    -- set on two devices is the same row.
    CREATE TABLE checklist_items (
        id           TEXT PRIMARY KEY,
        person_id    TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        item_id      TEXT NOT NULL,
        state        TEXT NOT NULL,
        done_on      TEXT,
        done_by      TEXT,
        note         TEXT,
        document_id  TEXT REFERENCES documents (id) ON DELETE SET NULL,
        updated_at   TEXT NOT NULL,
        UNIQUE (person_id, item_id)
    );
    CREATE INDEX checklist_items_by_document ON checklist_items (document_id)
        WHERE document_id IS NOT NULL;
    -- Items an older pack asked and a newer one dropped: their last state, kept as
    -- history. Same key as `checklist_items`.
    CREATE TABLE checklist_retired (
        id                  TEXT PRIMARY KEY,
        person_id           TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        item_id             TEXT NOT NULL,
        state               TEXT NOT NULL,
        retired_in_version  INTEGER NOT NULL,
        UNIQUE (person_id, item_id)
    );
"#;

/// Schema step 3: the facts that clear two legal blocks, recorded by the cadre. NULL
/// (older vaults, or never recorded) reads as "no".
pub(crate) const SCHEMA_PLACEMENT_FACTS: &str = r#"
    ALTER TABLE checklists ADD COLUMN placement_fee_charged INTEGER;
    ALTER TABLE checklists ADD COLUMN official_channel INTEGER;
"#;

/// The key of a person's item row (and of a retired item's row).
pub(super) fn item_key(person_id: &str, item_id: &str) -> String {
    format!("{person_id}/{item_id}")
}

/// A person's row in `checklists`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StoredChecklist {
    person_id: String,
    pack_version: u32,
    marital_status: Option<MaritalStatus>,
    updated_at: String,
    placement_fee_charged: Option<bool>,
    official_channel: Option<bool>,
}

/// One item's state for one person: a row of `checklist_items`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredItem {
    pub id: String,
    pub person_id: String,
    pub item_id: String,
    pub state: ItemState,
    /// `YYYY-MM-DD`, while the state is done.
    pub done_on: Option<String>,
    pub done_by: Option<String>,
    pub note: Option<String>,
    pub document_id: Option<String>,
    pub updated_at: String,
}

/// A retired item's last state: a row of `checklist_retired`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredRetired {
    pub id: String,
    pub person_id: String,
    pub item_id: String,
    pub state: ItemState,
    pub retired_in_version: u32,
}

impl Stored for StoredChecklist {
    const KIND: RecordKind = RecordKind::Checklist;
    stored_sql!(table: "checklists", key: "person_id", columns: [
        "pack_version", "marital_status", "updated_at", "placement_fee_charged", "official_channel",
    ]);

    fn key(&self) -> &str {
        &self.person_id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.person_id,
            &self.pack_version,
            &self.marital_status,
            &self.updated_at,
            &self.placement_fee_charged,
            &self.official_channel,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredChecklist {
            person_id: row.get(0)?,
            pack_version: row.get(1)?,
            marital_status: row.get(2)?,
            updated_at: row.get(3)?,
            placement_fee_charged: row.get(4)?,
            official_channel: row.get(5)?,
        })
    }
}

impl Stored for StoredItem {
    const KIND: RecordKind = RecordKind::Checklist;
    stored_sql!(table: "checklist_items", key: "id", columns: [
        "person_id", "item_id", "state", "done_on", "done_by", "note", "document_id", "updated_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.item_id,
            &self.state,
            &self.done_on,
            &self.done_by,
            &self.note,
            &self.document_id,
            &self.updated_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredItem {
            id: row.get(0)?,
            person_id: row.get(1)?,
            item_id: row.get(2)?,
            state: row.get(3)?,
            done_on: row.get(4)?,
            done_by: row.get(5)?,
            note: row.get(6)?,
            document_id: row.get(7)?,
            updated_at: row.get(8)?,
        })
    }
}

impl Stored for StoredRetired {
    const KIND: RecordKind = RecordKind::Checklist;
    stored_sql!(table: "checklist_retired", key: "id", columns: [
        "person_id", "item_id", "state", "retired_in_version",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.item_id,
            &self.state,
            &self.retired_in_version,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredRetired {
            id: row.get(0)?,
            person_id: row.get(1)?,
            item_id: row.get(2)?,
            state: row.get(3)?,
            retired_in_version: row.get(4)?,
        })
    }
}

/// A person's checklist as stored, by item id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Checklist {
    pub person_id: String,
    /// The pack version the stored states follow.
    pub pack_version: u32,
    pub marital_status: Option<MaritalStatus>,
    pub placement: PlacementFacts,
    pub items: BTreeMap<String, StoredItem>,
    pub retired: BTreeMap<String, StoredRetired>,
}

impl Checklist {
    /// A checklist nothing was stored for yet: it follows `pack_version`.
    pub fn empty(person_id: &str, pack_version: u32) -> Checklist {
        Checklist {
            person_id: person_id.to_string(),
            pack_version,
            marital_status: None,
            placement: PlacementFacts::default(),
            items: BTreeMap::new(),
            retired: BTreeMap::new(),
        }
    }
}

/// The person's checklist as stored (`NotFound` for an unknown person). One that was
/// never written follows `pack`. A row this build cannot read fails as `Tampered`.
pub(super) fn load(s: &Session<'_>, person_id: &str, pack: &Pack) -> Result<Checklist> {
    people::ensure_person(s, person_id)?;
    let Some(facts) = s.find::<StoredChecklist>(person_id)? else {
        return Ok(Checklist::empty(person_id, pack.version));
    };
    let items: Vec<StoredItem> = s.select("WHERE person_id = ?1", [person_id])?;
    let retired: Vec<StoredRetired> = s.select("WHERE person_id = ?1", [person_id])?;
    Ok(Checklist {
        person_id: facts.person_id,
        pack_version: facts.pack_version,
        marital_status: facts.marital_status,
        placement: PlacementFacts {
            fee_charged: facts.placement_fee_charged,
            official_channel: facts.official_channel,
        },
        items: items.into_iter().map(|row| (row.item_id.clone(), row)).collect(),
        retired: retired
            .into_iter()
            .map(|row| (row.item_id.clone(), row))
            .collect(),
    })
}

/// Stores `after`, the person's checklist as changed from `before` (as loaded): the
/// facts row (which records when the checklist last changed), then the item and retired
/// rows that differ; rows `after` no longer has are removed.
pub(super) fn save(s: &Session<'_>, before: &Checklist, after: &Checklist) -> Result<()> {
    s.upsert(&StoredChecklist {
        person_id: after.person_id.clone(),
        pack_version: after.pack_version,
        marital_status: after.marital_status,
        updated_at: instant_text(s.now),
        placement_fee_charged: after.placement.fee_charged,
        official_channel: after.placement.official_channel,
    })?;
    for (item_id, row) in &before.items {
        if !after.items.contains_key(item_id) {
            s.remove::<StoredItem>(&row.id)?;
        }
    }
    for (item_id, row) in &after.items {
        if before.items.get(item_id) != Some(row) {
            s.upsert(row)?;
        }
    }
    for (item_id, row) in &before.retired {
        if !after.retired.contains_key(item_id) {
            s.remove::<StoredRetired>(&row.id)?;
        }
    }
    for (item_id, row) in &after.retired {
        if before.retired.get(item_id) != Some(row) {
            s.upsert(row)?;
        }
    }
    Ok(())
}

/// What the rules need of the person besides the checklist, loaded once.
pub(super) struct Subject {
    pub person: Person,
    pub journey: Option<Journey>,
    pub documents: Vec<IdentityDocument>,
    /// The recorded P3MI checked against the installed agency list.
    pub agency: Option<crate::agencies::AgencyCheck>,
    /// The village sessions the person attended and the lessons they covered.
    pub education: crate::sessions::PersonEducation,
}

impl Subject {
    pub fn context(&self, today: chrono::NaiveDate) -> Context<'_> {
        Context {
            person: &self.person,
            journey: self.journey.as_ref(),
            documents: &self.documents,
            today,
            agency: self.agency.as_ref(),
            education: Some(&self.education),
        }
    }
}

pub(super) fn subject(s: &Session<'_>, person_id: &str) -> Result<Subject> {
    Ok(Subject {
        person: people::load_person(s, person_id)?,
        journey: people::load_journey(s, person_id)?,
        documents: people::load_documents(s, person_id)?,
        agency: {
            let journey = people::load_journey(s, person_id)?;
            crate::agencies::check_recorded(
                s.locked,
                journey.as_ref().and_then(|j| j.agency_licence.as_deref()),
                journey.as_ref().and_then(|j| j.agency_name.as_deref()),
                crate::i18n::Locale::Id,
            )?
        },
        education: {
            let education = crate::sessions::attended_by(s, person_id)?;
            // The checklist now shows who attended what: read like `person_education`.
            if !education.sessions.is_empty() {
                s.audit_count(
                    crate::audit::AuditAction::List,
                    crate::error::RecordKind::SessionAttendance,
                    Some(person_id),
                    education.sessions.len(),
                );
            }
            education
        },
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::checklist::ChecklistItemUpdate;
    use crate::i18n::Locale;
    use crate::people::{PersonInput, Sex};
    use crate::vault::{Vault, VaultSettings};

    struct Fixed;

    impl crate::time::Clock for Fixed {
        fn now(&self) -> chrono::DateTime<chrono::Utc> {
            use chrono::TimeZone;
            chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()
        }
    }

    fn update(state: ItemState, note: &str) -> ChecklistItemUpdate {
        ChecklistItemUpdate {
            state,
            by: Some("Kader Contoh".into()),
            note: Some(note.into()),
            document_id: None,
        }
    }

    #[test]
    fn every_change_of_an_item_is_stored_in_its_one_row() {
        let dir = tempfile::tempdir().unwrap();
        let settings = VaultSettings {
            kdf_iterations: crate::MIN_KDF_ITERATIONS,
            ..VaultSettings::default()
        };
        let vault = Vault::create_with_clock(dir.path(), "246810", None, settings, Arc::new(Fixed)).unwrap();
        let person = vault
            .add_person(PersonInput {
                full_name: "Siti Contoh".into(),
                nik: "3201000000000001".into(),
                birth_date: "1998-04-12".into(),
                sex: Sex::Female,
                phone: None,
                address: None,
                village: "Desa Contoh".into(),
            })
            .unwrap();
        let id = person.id;
        let ktp =
            |view: crate::checklist::ChecklistView| view.items.into_iter().find(|i| i.id == "ktp").unwrap();
        let stored = |vault: &Vault| {
            vault
                .read(|s| s.select::<StoredItem, _>("WHERE person_id = ?1", [&id]))
                .unwrap()
        };

        vault
            .set_checklist_item(
                id.clone(),
                "ktp".into(),
                update(ItemState::InProgress, "satu"),
                Locale::Id,
            )
            .unwrap();
        vault
            .set_checklist_item(
                id.clone(),
                "ktp".into(),
                update(ItemState::Done, "dua"),
                Locale::Id,
            )
            .unwrap();
        let done = ktp(vault.checklist(id.clone(), Locale::Id).unwrap());
        assert_eq!(
            (done.state, done.note.as_deref(), done.done_by.as_deref()),
            (ItemState::Done, Some("dua"), Some("Kader Contoh"))
        );
        let done_on = done.done_on.clone();
        assert_eq!(done_on.as_deref(), Some("2026-11-28"), "the day it was done");
        // Done again (a note corrected): still done since the same day.
        vault
            .set_checklist_item(
                id.clone(),
                "ktp".into(),
                update(ItemState::Done, "tiga"),
                Locale::Id,
            )
            .unwrap();
        let again = ktp(vault.checklist(id.clone(), Locale::Id).unwrap());
        assert_eq!((again.note.as_deref(), again.done_on), (Some("tiga"), done_on));
        let rows = stored(&vault);
        assert_eq!(rows.len(), 1, "one row per person and item");
        assert_eq!(
            (rows[0].id.clone(), rows[0].state),
            (item_key(&id, "ktp"), ItemState::Done)
        );

        vault
            .set_checklist_item(
                id.clone(),
                "ktp".into(),
                update(ItemState::NotStarted, "empat"),
                Locale::Id,
            )
            .unwrap();
        let undone = ktp(vault.checklist(id.clone(), Locale::Id).unwrap());
        assert_eq!((undone.state, undone.done_on), (ItemState::NotStarted, None));
        vault
            .set_marital_status(id.clone(), MaritalStatus::Married, Locale::Id)
            .unwrap();
        let facts = vault.read(|s| s.get::<StoredChecklist>(&id)).unwrap();
        assert_eq!(
            (facts.pack_version, facts.marital_status),
            (
                super::super::pack::pack().unwrap().version,
                Some(MaritalStatus::Married)
            )
        );
        assert_eq!(stored(&vault)[0].note.as_deref(), Some("empat"));

        // A linked document that is removed leaves no dangling link behind.
        let document = vault
            .add_document(
                id.clone(),
                crate::people::DocumentInput {
                    kind: crate::people::DocumentKind::Passport,
                    number: "C0000001".into(),
                    issued_on: None,
                    expires_on: None,
                },
            )
            .unwrap();
        let linked = ChecklistItemUpdate {
            document_id: Some(document.id.clone()),
            ..update(ItemState::InProgress, "lima")
        };
        vault
            .set_checklist_item(id.clone(), "passport".into(), linked, Locale::Id)
            .unwrap();
        vault.remove_document(document.id).unwrap();
        let passport = vault
            .read(|s| s.get::<StoredItem>(&item_key(&id, "passport")))
            .unwrap();
        assert_eq!(
            (passport.state, passport.document_id),
            (ItemState::InProgress, None)
        );
    }
}
