//! Doors for tests only: open the vault's files with their keys, as a meddler holding the
//! keys (or a bug) could, to check what the files hold and how damage is handled. Not part
//! of the API the apps use (nothing here is exported through uniffi).

use std::path::Path;

use rusqlite::Connection;

use crate::crypto;
use crate::error::Result;
use crate::store::{self, Database};

/// `locked.db` of the vault in `dir`, opened with the key from `device_secret`.
pub fn open_locked_store(dir: &Path, device_secret: Option<&[u8]>) -> Result<Connection> {
    let key = crypto::locked_store_key(device_secret)?;
    store::open(dir, Database::Locked, &key, store::PageHmac::LOCKED_STORE, false)
}

/// The statements that create `vault.db`'s tables, so that a benchmark's plaintext
/// baseline holds exactly the same tables and indexes as the vault.
pub fn records_schema() -> Vec<&'static str> {
    store::records_schema()
}

/// Writes a plaintext copy of the unlocked vault's records to `path` (SQLCipher's
/// `sqlcipher_export`), so that a benchmark's baseline holds exactly the same rows,
/// tables and indexes without encryption.
pub fn plaintext_copy(vault: &crate::vault::Vault, path: &Path) -> Result<()> {
    let target = path
        .to_str()
        .ok_or_else(|| crate::error::MigranError::internal("the copy's path is not UTF-8"))?
        .replace('\'', "''");
    vault.read(|s| {
        s.conn.execute_batch(&format!(
            "ATTACH DATABASE '{target}' AS plaintext KEY '';
             SELECT sqlcipher_export('plaintext');
             DETACH DATABASE plaintext;"
        ))?;
        Ok(())
    })
}

/// The raw key of `locked.db` for `device_secret`: what someone holding the device
/// secret (or anyone, for a vault made without one) can derive, to decrypt the file's
/// pages and WAL frames one by one and look for what should be gone.
pub fn locked_store_key(device_secret: Option<&[u8]>) -> Result<[u8; crypto::KEY_LEN]> {
    let key = crypto::locked_store_key(device_secret)?;
    let mut raw = [0u8; crypto::KEY_LEN];
    raw.copy_from_slice(key.expose());
    Ok(raw)
}

/// The code (or rusqlite variant) behind this thread's last `StorageProblem::Other`, for a failing
/// test to print: the error itself carries only the category.
pub fn last_unlisted_storage_failure() -> Option<String> {
    crate::error::last_unlisted_storage_failure()
}

/// Sets the PIN of an unlocked or locked vault without the policy for new PINs, as a
/// vault made before the policy (4-digit PINs were allowed) would have it.
pub fn set_pin_without_policy(vault: &crate::vault::Vault, old_pin: &str, new_pin: &str) -> Result<()> {
    vault.replace_pin(old_pin, new_pin)
}

/// Whether the open profile of `vault` is the duress PIN's decoy. For tests only: the
/// apps get the same answer from a real and a duress unlock and have no call that tells
/// them apart (docs/security.md, "The duress PIN").
pub fn decoy_profile_is_open(vault: &crate::vault::Vault) -> bool {
    vault.decoy_is_open()
}
