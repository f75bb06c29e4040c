//! The migrations of the vault's two files, and the registry of data migrations.
//!
//! A schema step is a list of statements, one per capability: each capability keeps the
//! SQL of its own tables next to its code. Steps run in order inside a transaction and
//! set `PRAGMA user_version`; a shipped step is never edited, a change is a new step.
//! Step 1 is the first page-encrypted format (December 2026); no vault of the earlier,
//! row-sealed format exists in the field, so there is no converter
//! (docs/decisions/0008-page-encryption.md).

use crate::error::Result;
use crate::vault::Session;

/// `vault.db`: the records. Persons first: the other tables point at them.
pub(super) const MAIN: &[&[&str]] = &[
    &[
        crate::vault::MAIN_SCHEMA,
        crate::people::SCHEMA,
        crate::consent::SCHEMA,
        crate::audit::SCHEMA,
        crate::screening::SCHEMA,
        crate::checklist::SCHEMA,
        crate::visits::SCHEMA,
        crate::cases::SCHEMA,
        crate::reintegration::SCHEMA,
    ],
    // Reads' audit entries in compact blocks (data migration 1 moves step 1's batches).
    &[crate::audit::SCHEMA_BLOCKS],
    // The facts that clear the checklist's legal blocks (fee charged, official channel),
    // and who gave a child's consent, processing on another basis than consent.
    &[
        crate::checklist::SCHEMA_PLACEMENT_FACTS,
        crate::consent::SCHEMA_BASES,
    ],
    // Team sync: the change feed (a version per record), the team, conflicts.
    &[crate::sync::SCHEMA, crate::backup::SCHEMA],
    // Information sessions and who attended them (docs/education.md).
    &[crate::sessions::SCHEMA],
    // Where this device stands with each relay it syncs with (docs/relay.md).
    &[crate::sync::relay_client::SCHEMA],
    // The device's role and follow links: the migrant's and the family's phones (issue 18).
    &[crate::follow::SCHEMA],
];

/// `locked.db`: what works without the PIN.
pub(super) const LOCKED: &[&[&str]] = &[
    &[crate::vault::LOCKED_SCHEMA, crate::emergency::LOCKED_SCHEMA],
    // Which page HMAC the records' file uses (SHA-256 for vaults made from now on).
    &[crate::vault::LOCKED_PAGE_HMAC],
    // Wrong PINs really checked, counted apart from attempts begun (erasure follows them).
    &[crate::vault::LOCKED_WRONG_PINS],
    // The lockout header's generation and MAC (sealed at the first open by this build).
    &[crate::vault::LOCKED_HEADER_MAC],
    // The PIN's KDF (Argon2id, with its setting) and the latest time seen (issue 19).
    &[crate::vault::LOCKED_KDF_AND_CLOCK],
    // The hardware key factor's PIN key, and one retired by a PIN change (issue 19).
    &[crate::vault::LOCKED_KEY_FACTOR],
    // The outbox without a trace of when or what: random ids, an order, padded seals
    // (issue 19; rows of `emergency_alerts` are moved at the first call with the key).
    &[crate::emergency::LOCKED_OUTBOX],
    // Content packs' high-water marks: a deleted pack row no longer lets an older signed
    // pack back in (issue 19).
    &[crate::signed_pack::LOCKED_PACK_MARKS],
    // The check-in, one sealed and padded row (issue 16).
    &[crate::emergency::LOCKED_CHECK_IN],
    // The header's second key slot, always present: the duress PIN's or random (issue 16).
    &[crate::vault::LOCKED_SECOND_SLOT],
    // A sealed copy of the device's role, read locked and by the duress PIN's decoy, so
    // that both show the home of the phone's role (issue 18).
    &[crate::follow::LOCKED_ROLE],
];

/// A change to stored records that a new version needs (a renamed code, a value split in
/// two), run once per vault at unlock, in its own transaction, in version order.
pub(crate) struct DataMigration {
    /// The data version the vault has after this migration.
    pub version: u32,
    pub run: fn(&Session<'_>) -> Result<()>,
}

/// Every data migration, oldest first. A new vault starts at data version 0 and runs
/// them all at creation, so every vault goes the same way.
pub(crate) const DATA_MIGRATIONS: &[DataMigration] = &[
    DataMigration {
        version: 1,
        run: crate::audit::convert_json_batches,
    },
    // Rows stored before the change feed get a version, so they travel too.
    DataMigration {
        version: 2,
        run: crate::sync::version_existing_rows,
    },
    // Lawful bases (step 3) travel too: their rows from before the change feed get a
    // version (rows that have one are left alone).
    DataMigration {
        version: 3,
        run: crate::sync::version_existing_rows,
    },
];
