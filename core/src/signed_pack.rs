//! What every signed content pack shares (directory aside, which predates it): the
//! Ed25519 check against the publisher key compiled into the app, and the one row per
//! pack kind in `content_packs` that holds a newer pack installed at run time.
//!
//! Rollback (issue 19): a pack is installed only above every version this vault has
//! installed of its kind, kept as a sealed high-water mark in `content_pack_marks` that
//! deleting or editing the pack's row does not lower, and never below the release's own
//! minimum (the built-in pack's version; [`crate::agencies::RELEASE_MINIMUM_VERSION`]).
//! See docs/security.md, "Content packs: no rollback".
//!
//! Every pack also names, inside what is signed, the publisher key that signed it
//! (`key_id`) and the last day it may be installed (`expires`): see [`check_envelope`].

use chrono::NaiveDate;
use ring::signature::{UnparsedPublicKey, ED25519};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;

use crate::crypto::{DeviceKey, Place};
use crate::error::{MigranError, PackRejectReason, Result};
use crate::time::instant_text;
use crate::vault::Vault;

/// Locked schema step 8: one sealed high-water mark per pack kind.
pub(crate) const LOCKED_PACK_MARKS: &str = r#"
    CREATE TABLE content_pack_marks (
        kind  TEXT PRIMARY KEY,
        data  BLOB NOT NULL
    );
"#;

const MARK_PURPOSE: &str = "migran/v1/content-pack-marks";

/// A vault without a device secret (the CLI's test vaults) has nothing to seal with that
/// an attacker lacks; a fixed input still makes a mark that an SQL edit cannot forge
/// without this source, and keeps one code path.
const NO_DEVICE_SECRET: &[u8] = b"migran/v1/no-device-secret";

impl Vault {
    /// The key sealing the high-water marks: from the device secret, like the card, so an
    /// install works locked.
    pub(crate) fn pack_mark_key(&self) -> Result<DeviceKey> {
        mark_key(self.device_secret())
    }

    /// Installs `pack` (its signature already checked with `trusted_key` and its body
    /// parsed to `version`) as the pack of `kind`, if it is newer than the one in use
    /// (`current`, read in the same transaction), than the high-water mark and than the
    /// release's minimum, and names `trusted_key` and has not expired; else nothing changes.
    pub(crate) fn install_signed_pack(
        &self,
        signed: SignedPack<'_>,
        release_minimum: u32,
        current: impl FnOnce(&Connection, &DeviceKey) -> Result<Option<u32>>,
    ) -> Result<()> {
        let mark_key = self.pack_mark_key()?;
        let now = self.now();
        self.with_locked_store(|conn| {
            let in_use = current(conn, &mark_key)?;
            check_newer(
                conn,
                &mark_key,
                signed.kind,
                signed.version,
                in_use,
                release_minimum,
            )?;
            check_envelope(signed.pack, signed.trusted_key, now.date_naive())?;
            install(conn, &mark_key, &signed, &instant_text(now))
        })
    }
}

/// A pack whose signature was checked, on its way to being installed.
pub(crate) struct SignedPack<'a> {
    pub kind: &'a str,
    pub version: u32,
    pub pack: &'a [u8],
    pub signature: &'a [u8],
    /// The key the signature was checked with.
    pub trusted_key: &'a [u8],
}

/// [`Vault::pack_mark_key`] for a reader without a vault (the plan from a folder).
pub(crate) fn mark_key(device_secret: Option<&[u8]>) -> Result<DeviceKey> {
    DeviceKey::from_device_secret(device_secret.unwrap_or(NO_DEVICE_SECRET), MARK_PURPOSE)
}

fn mark_place(kind: &str) -> Place<'_> {
    Place {
        table: "content_pack_marks",
        row: kind,
        column: "data",
    }
}

/// The highest version of `kind` this vault has installed; `None` when none was, or when
/// the mark's row was deleted or no longer opens (then only the release minimum and the
/// installed pack stand: docs/security.md says what that leaves).
pub(crate) fn high_water(conn: &Connection, key: &DeviceKey, kind: &str) -> Result<Option<u32>> {
    let sealed: Option<Vec<u8>> = conn
        .query_row(
            "SELECT data FROM content_pack_marks WHERE kind = ?1",
            params![kind],
            |row| row.get(0),
        )
        .optional()?;
    Ok(sealed
        .and_then(|sealed| key.open(mark_place(kind), &sealed, "content pack").ok())
        .and_then(|plain| <[u8; 4]>::try_from(plain.as_slice()).ok())
        .map(u32::from_be_bytes))
}

/// Refuses `version` of `kind` unless it is at least the release's minimum and above both
/// the pack in use (`current`) and the high-water mark.
fn check_newer(
    conn: &Connection,
    key: &DeviceKey,
    kind: &str,
    version: u32,
    current: Option<u32>,
    release_minimum: u32,
) -> Result<()> {
    let seen = current.max(high_water(conn, key, kind)?);
    if version < release_minimum || seen.is_some_and(|seen| version <= seen) {
        return Err(rejected(PackRejectReason::Version));
    }
    Ok(())
}

/// What every signed pack carries besides its content, inside the signed bytes.
#[derive(Deserialize)]
struct Envelope {
    /// [`content_pack_key_id`] of the publisher key that signed the pack.
    key_id: Option<String>,
    /// `YYYY-MM-DD`: the last day the pack may be installed.
    expires: Option<String>,
}

/// A publisher key's id: the first 8 bytes of its SHA-256, in hex. Names the key a pack
/// was signed with, so that after a rotation a pack signed with a retired key is refused
/// for what it is, and an app carrying the next key beside the current one can pick it.
pub fn content_pack_key_id(public_key: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, public_key).as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// At install, after the signature and the version: the pack must name `trusted_key`
/// (its signer) and must not have expired by `today`. An expired pack is refused even
/// when it is newer than the one in use, so that an old pack kept by somebody cannot be
/// installed on a phone that never saw its successor (a new phone, a reinstall, a lost
/// high-water mark). A pack installed before its expiry stays in use after it: the
/// emergency numbers must not vanish on a date; their age shows in the directory list.
fn check_envelope(pack: &[u8], trusted_key: &[u8], today: NaiveDate) -> Result<()> {
    let envelope: Envelope = serde_json::from_slice(pack).map_err(|_| rejected(PackRejectReason::Format))?;
    if envelope.key_id.as_deref() != Some(content_pack_key_id(trusted_key).as_str()) {
        return Err(rejected(PackRejectReason::KeyId));
    }
    let expires = envelope
        .expires
        .and_then(|text| crate::time::parse_date("expires", &text).ok())
        .ok_or_else(|| rejected(PackRejectReason::Format))?;
    if expires < today {
        return Err(rejected(PackRejectReason::Expired));
    }
    Ok(())
}

pub(crate) fn rejected(reason: PackRejectReason) -> MigranError {
    MigranError::PackRejected { reason }
}

/// The largest lesson or agency pack read: many times the real ones, small enough that
/// parsing one never holds much memory.
pub const MAX_CONTENT_PACK_BYTES: usize = 4 * 1024 * 1024;

/// Parses and checks a pack's body with `parse`, as an install does after the signature,
/// within the size bound: for the fuzz targets (fuzz/), which cannot sign what they make up.
pub(crate) fn check_unsigned<T>(pack: &[u8], parse: fn(&[u8]) -> Result<T>) -> Result<()> {
    if pack.len() > MAX_CONTENT_PACK_BYTES {
        return Err(rejected(PackRejectReason::Format));
    }
    parse(pack).map(drop)
}

/// Checks `signature` over the exact bytes of `pack` with `public_key`.
pub(crate) fn check_signature(pack: &[u8], signature: &[u8], public_key: &[u8]) -> Result<()> {
    if pack.len() > MAX_CONTENT_PACK_BYTES {
        return Err(rejected(PackRejectReason::Format));
    }
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(pack, signature)
        .map_err(|_| rejected(PackRejectReason::Signature))
}

/// The pack of `kind` installed in the vault, with its signature, if any.
pub(crate) fn installed(conn: &Connection, kind: &str) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT body, signature FROM content_packs WHERE kind = ?1",
            params![kind],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

/// Keeps `pack` as the installed pack of `kind`, replacing the one before, and raises the
/// kind's high-water mark to `version`, in one transaction.
fn install(conn: &Connection, key: &DeviceKey, signed: &SignedPack<'_>, installed_at: &str) -> Result<()> {
    let (kind, version) = (signed.kind, signed.version);
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO content_packs (kind, version, body, signature, installed_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kind) DO UPDATE SET version = excluded.version, body = excluded.body,
             signature = excluded.signature, installed_at = excluded.installed_at",
        params![kind, version, signed.pack, signed.signature, installed_at],
    )?;
    let mark = high_water(&tx, key, kind)?.map_or(version, |seen| seen.max(version));
    tx.execute(
        "INSERT INTO content_pack_marks (kind, data) VALUES (?1, ?2)
         ON CONFLICT (kind) DO UPDATE SET data = excluded.data",
        params![kind, key.seal(mark_place(kind), &mark.to_be_bytes())?],
    )?;
    tx.commit()?;
    Ok(())
}

/// A date a source carries: `YYYY-MM-DD`, or `YYYY-MM` when the source gives only the month.
pub(crate) fn is_source_date(text: &str) -> bool {
    let month_only = text.len() == 7 && crate::time::parse_date("source_date", &format!("{text}-01")).is_ok();
    month_only || crate::time::parse_date("source_date", text).is_ok()
}
