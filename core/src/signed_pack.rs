//! What every signed content pack shares (directory aside, which predates it): the
//! Ed25519 check against the publisher key compiled into the app, and the one row per
//! pack kind in `content_packs` that holds a newer pack installed at run time.

use ring::signature::{UnparsedPublicKey, ED25519};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{MigranError, PackRejectReason, Result};

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

/// Keeps `pack` as the installed pack of `kind`, replacing the one before in one statement.
pub(crate) fn install(
    conn: &Connection,
    kind: &str,
    version: u32,
    pack: &[u8],
    signature: &[u8],
    installed_at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO content_packs (kind, version, body, signature, installed_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kind) DO UPDATE SET version = excluded.version, body = excluded.body,
             signature = excluded.signature, installed_at = excluded.installed_at",
        params![kind, version, pack, signature, installed_at],
    )?;
    Ok(())
}

/// A date a source carries: `YYYY-MM-DD`, or `YYYY-MM` when the source gives only the month.
pub(crate) fn is_source_date(text: &str) -> bool {
    let month_only = text.len() == 7 && crate::time::parse_date("source_date", &format!("{text}-01")).is_ok();
    month_only || crate::time::parse_date("source_date", text).is_ok()
}
