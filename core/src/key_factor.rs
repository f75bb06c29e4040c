//! The hardware key factor (issue 19): the core asks the platform for a keyed function
//! (HMAC-SHA256) of values it derives, computed with a key that stays in the hardware
//! (Android Keystore, StrongBox when present; iOS Secure Enclave; the CLI's owner-only key
//! file), instead of receiving a device secret. A vault made with a factor
//! ([`crate::Vault::create_with_factor`]) needs two of the factor's keys:
//! - the **locked key** ([`KeyPurpose::Locked`], id [`LOCKED_KEY_ID`]): usable while the
//!   phone is locked, so that the emergency button works; the key of `locked.db`, of the
//!   emergency data and of the lockout header's MAC come from its output;
//! - the **PIN key** ([`KeyPurpose::Pin`], a fresh id per PIN, kept in the sealed header):
//!   usable only while the phone is unlocked; its output over the stretched PIN is mixed
//!   into the key-encryption key, so that every guess at the PIN needs this phone's
//!   hardware. Changing the PIN makes a new PIN key and deletes the old one; an erase
//!   deletes the PIN key, a wipe both (docs/security.md, "The hardware key factor").

use std::path::{Path, PathBuf};
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::crypto::{self, SecretKey};
use crate::error::{KeyFactorProblem, MigranError, Result};

/// What a hardware key is for; the platform sets its access rules from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyPurpose {
    /// Mixed into the PIN's key: usable only while the phone is unlocked (Android
    /// `setUnlockedDeviceRequired(true)`; iOS `WhenUnlockedThisDeviceOnly`).
    Pin,
    /// Opens `locked.db` (the header and the emergency button's data): usable while the
    /// phone is locked, after its first unlock since boot.
    Locked,
}

/// The platform's side of the hardware key factor. Every key stays in the hardware: the
/// core only ever sees a key's output over inputs it chose. Keys are named by `key_id`
/// (the core picks them: [`LOCKED_KEY_ID`] and `pin-` with 16 hex digits), unique within
/// one factor; an app gives each vault its own factor (its own key name prefix).
/// Implementations throw `MigranError::KeyFactor { problem }`; any other exception is
/// taken as [`KeyFactorProblem::Platform`]. Called off the main thread, like the vault,
/// and while the vault holds its lock: an implementation must not call the vault.
#[uniffi::export(foreign)]
pub trait KeyFactor: Send + Sync {
    /// Makes a new random key named `key_id` for `purpose`, replacing any key of that name.
    fn create_key(&self, key_id: String, purpose: KeyPurpose) -> Result<()>;
    /// HMAC-SHA256 of `input` under the key `key_id` (32 bytes). A missing key is
    /// `KeyFactor { problem: KeyMissing }`.
    fn derive(&self, key_id: String, input: Vec<u8>) -> Result<Vec<u8>>;
    /// Deletes the key `key_id` for good; a key that does not exist is not an error.
    fn delete_key(&self, key_id: String) -> Result<()>;
}

/// The id of the locked key. Never rotated: `locked.db` is keyed from it.
pub const LOCKED_KEY_ID: &str = "locked";
/// What the locked key is asked for: its output is the vault's locked secret, in the
/// place a device secret has in vaults made without a factor.
const LOCKED_SECRET_INPUT: &[u8] = b"migran/v6/locked-secret";
const PIN_INPUT_LABEL: &[u8] = b"migran/v6/pin-factor\0";

/// A factor's answer as the core takes it: a platform's own failure keeps its problem,
/// anything else thrown (or an answer of the wrong size) is `Platform`.
fn factor_error(error: MigranError) -> MigranError {
    match error {
        MigranError::KeyFactor { .. } => error,
        _ => MigranError::KeyFactor {
            problem: KeyFactorProblem::Platform,
        },
    }
}

fn output(answer: Result<Vec<u8>>) -> Result<SecretKey> {
    let bytes = Zeroizing::new(answer.map_err(factor_error)?);
    SecretKey::from_slice(&bytes).ok_or(MigranError::KeyFactor {
        problem: KeyFactorProblem::Platform,
    })
}

pub(crate) fn create_key(factor: &dyn KeyFactor, key_id: &str, purpose: KeyPurpose) -> Result<()> {
    factor
        .create_key(key_id.to_string(), purpose)
        .map_err(factor_error)
}

pub(crate) fn delete_key(factor: &dyn KeyFactor, key_id: &str) -> Result<()> {
    factor.delete_key(key_id.to_string()).map_err(factor_error)
}

/// The vault's locked secret: the locked key's output over a fixed label. It keys
/// `locked.db`, the emergency data and the header's MAC as a device secret does.
pub(crate) fn locked_secret(factor: &dyn KeyFactor) -> Result<Zeroizing<Vec<u8>>> {
    let key = output(factor.derive(LOCKED_KEY_ID.to_string(), LOCKED_SECRET_INPUT.to_vec()))?;
    Ok(Zeroizing::new(key.expose().to_vec()))
}

/// A fresh PIN key id: `pin-` and 64 random bits in hex.
pub(crate) fn new_pin_key_id() -> Result<String> {
    let mut bytes = [0u8; 8];
    crypto::fill_random(&mut bytes)?;
    Ok(format!("pin-{}", crypto::hex_of(&bytes)))
}

/// The key-encryption key of a factor vault: the PIN stretched as the header says, the
/// PIN key's output over it, then HKDF (the output as key material, the stretched PIN as
/// salt). Without the PIN key no number of PIN guesses gives the KEK.
pub(crate) fn factor_kek(
    factor: &dyn KeyFactor,
    key_id: &str,
    pin: &str,
    salt: &[u8],
    kdf: crypto::PinKdf,
) -> Result<SecretKey> {
    let stretched = crypto::stretch_pin(pin, salt, kdf)?;
    // Sized up front: growing it would leave a copy of the stretched PIN in freed memory.
    let mut input = Zeroizing::new(Vec::with_capacity(PIN_INPUT_LABEL.len() + crypto::KEY_LEN));
    input.extend_from_slice(PIN_INPUT_LABEL);
    input.extend_from_slice(stretched.expose());
    let answer = factor.derive(key_id.to_string(), input.to_vec());
    let hardware = output(answer)?;
    crypto::derive_subkey(hardware.expose(), stretched.expose(), "migran/v6/kek-factor")
}

/// The CLI's factor, and the tests': keys in owner-only files (`<key_id>.key`, 32 random
/// bytes, 0600) in a folder of their own. Not hardware: whoever copies the folder has the
/// keys (docs/security.md says what this protects). Keep the folder apart from the vault's
/// so that a copy of the vault alone is not enough.
#[derive(Debug)]
pub struct FileKeyFactor {
    dir: PathBuf,
}

impl FileKeyFactor {
    /// A factor keeping its keys in `dir` (made, owner-only, at the first key).
    pub fn new(dir: &Path) -> Arc<FileKeyFactor> {
        Arc::new(FileKeyFactor {
            dir: dir.to_path_buf(),
        })
    }

    fn path(&self, key_id: &str) -> Result<PathBuf> {
        let fine = !key_id.is_empty()
            && key_id.len() <= 64
            && key_id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !fine {
            return Err(MigranError::invalid(
                "key_id",
                crate::error::InvalidReason::BadCharacters,
            ));
        }
        Ok(self.dir.join(format!("{key_id}.key")))
    }
}

impl KeyFactor for FileKeyFactor {
    fn create_key(&self, key_id: String, _purpose: KeyPurpose) -> Result<()> {
        let path = self.path(&key_id)?;
        std::fs::create_dir_all(&self.dir)?;
        crate::owner_only::restrict_to_owner(&self.dir)?;
        let key = SecretKey::random()?;
        let fresh = self.dir.join(format!("{key_id}.key.new"));
        write_owner_only(&fresh, key.expose())?;
        // Renamed into place: a key is never seen half written.
        std::fs::rename(&fresh, &path)?;
        Ok(())
    }

    fn derive(&self, key_id: String, input: Vec<u8>) -> Result<Vec<u8>> {
        // The input holds the stretched PIN (for the PIN key).
        let input = Zeroizing::new(input);
        let path = self.path(&key_id)?;
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => Zeroizing::new(bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(MigranError::KeyFactor {
                    problem: KeyFactorProblem::KeyMissing,
                })
            }
            Err(error) => return Err(error.into()),
        };
        let key = SecretKey::from_slice(&bytes).ok_or(MigranError::KeyFactor {
            problem: KeyFactorProblem::Platform,
        })?;
        let tag = Zeroizing::new(crypto::hmac_sha256(&key, &input));
        Ok(tag.to_vec())
    }

    fn delete_key(&self, key_id: String) -> Result<()> {
        let path = self.path(&key_id)?;
        if !path.exists() {
            return Ok(());
        }
        // Overwritten before removal: a file system that keeps the freed blocks keeps zeros.
        std::fs::write(&path, [0u8; crypto::KEY_LEN])?;
        std::fs::remove_file(&path)?;
        Ok(())
    }
}

#[cfg(unix)]
fn write_owner_only(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn write_owner_only(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes)?;
    crate::owner_only::restrict_to_owner(path)?;
    Ok(())
}
