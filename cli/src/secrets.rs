//! The PIN and the vault's device key. The PIN comes from `MIGRAN_PIN` or a prompt
//! without echo, never from an argument (arguments show in the process list and shell
//! history). A vault made now has the core's key factor in owner-only files
//! (`FileKeyFactor`: 32-byte 0600 `<id>.key` files in the 0700 folder `keys/` inside the
//! vault's folder); a vault made before 2026-12-04 has the device secret, 32 random bytes
//! in the 0600 file `device.secret` beside the database, and keeps it (docs/cli.md).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use migran_core::{FileKeyFactor, InvalidReason, MigranError};

use crate::i18n::Text;
use crate::CliError;

pub const DEVICE_SECRET_FILE: &str = "device.secret";
/// The folder, inside the vault's, of the key factor's files.
pub const KEY_FOLDER: &str = "keys";

/// What opens a vault folder's locked store, from the files the CLI keeps there.
pub enum DeviceKey {
    /// `device.secret`: a vault made before the key factor.
    Secret(Vec<u8>),
    /// `keys/`: a vault made with the key factor.
    Factor(Arc<FileKeyFactor>),
    /// Neither file: no vault, or one made without a device key.
    Nothing,
}

impl DeviceKey {
    /// The kind's name in `status --json`.
    pub fn kind(&self) -> &'static str {
        match self {
            DeviceKey::Secret(_) => "device-secret",
            DeviceKey::Factor(_) => "key-files",
            DeviceKey::Nothing => "none",
        }
    }
}

/// The folder's device key. The kind is told by the file the CLI made, not by trying
/// each: `device.secret` first, so that a vault made before the key factor opens exactly
/// as it did; then `keys/`. Opening then proves it (another key gives
/// `DeviceSecretMismatch` or `KeyFactor`, never a wrong PIN).
pub fn read_device_key(dir: &Path) -> Result<DeviceKey, CliError> {
    if let Some(secret) = read_device_secret(dir)? {
        return Ok(DeviceKey::Secret(secret));
    }
    Ok(match key_folder(dir)? {
        Some(folder) => DeviceKey::Factor(FileKeyFactor::new(&folder)),
        None => DeviceKey::Nothing,
    })
}

/// `keys/` if it exists. A link (or a file) in its place is refused, as for
/// `device.secret`: it could point the vault at keys another user controls; a folder
/// others can open is used, with a warning.
fn key_folder(dir: &Path) -> Result<Option<PathBuf>, CliError> {
    let path = dir.join(KEY_FOLDER);
    let metadata = match std::fs::symlink_metadata(&path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(_) => return Err(CliError::Other(KEY_FOLDER.to_string())),
    };
    if !metadata.file_type().is_dir() {
        return Err(not_a_key_folder(&path));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "migran: {}",
                crate::i18n::t(
                    format!(
                        "peringatan: folder kunci {} dapat dibuka pengguna lain; jalankan: chmod 700 {}",
                        path.display(),
                        path.display()
                    ),
                    format!(
                        "warning: the key folder {} is open to other users; run: chmod 700 {}",
                        path.display(),
                        path.display()
                    ),
                )
                .get()
            );
        }
    }
    Ok(Some(path))
}

fn not_a_key_folder(path: &Path) -> CliError {
    CliError::Refused(crate::i18n::t(
        format!(
            "{} bukan folder biasa (mungkin tautan); kunci perangkat tidak dipakai",
            path.display()
        ),
        format!(
            "{} is not a plain folder (perhaps a link); the device keys are not used",
            path.display()
        ),
    ))
}

/// The vault's folder (made owner-only if missing) and in it a new, empty, owner-only
/// key folder for a new vault's key factor. A key folder already there (once the remains
/// of an unfinished vault are gone) holds files the CLI did not make: refused, so that
/// `wipe` never deletes a folder it did not make.
pub fn create_key_folder(dir: &Path) -> Result<Arc<FileKeyFactor>, CliError> {
    make_vault_folder(dir)?;
    let path = dir.join(KEY_FOLDER);
    // Only unix sets a mode on the builder; the Windows check warned of an unused `mut`.
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut folder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        folder.mode(0o700);
    }
    match folder.create(&path) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            if key_folder(dir)?.is_some() {
                return Err(CliError::Failed(crate::i18n::t(
                    format!(
                        "{} sudah ada; kunci brankas baru perlu folder baru (pindahkan isinya atau pilih folder brankas lain)",
                        path.display()
                    ),
                    format!(
                        "{} already exists; a new vault's keys need a new folder (move what is in it, or choose another vault folder)",
                        path.display()
                    ),
                )));
            }
            return Err(not_a_key_folder(&path));
        }
        Err(_) => return Err(CliError::Other(KEY_FOLDER.to_string())),
    }
    Ok(FileKeyFactor::new(&path))
}

/// Deletes the key factor's files from `keys/` (each overwritten with zeros first, as the
/// core's factor deletes a key), then the folder once empty. Only files named as the core
/// names its keys (`locked.key`, `pin-<hex>.key`, and `.new` halves of a key being
/// written) are touched: anything else stays, and so does the folder holding it.
pub fn remove_key_folder(dir: &Path) -> Result<(), CliError> {
    let Some(path) = key_folder(dir)? else {
        return Ok(());
    };
    let factor = FileKeyFactor::new(&path);
    let entries = std::fs::read_dir(&path).map_err(|_| CliError::Other(KEY_FOLDER.to_string()))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(id) = name.strip_suffix(".key").filter(|id| is_key_id(id)) {
            migran_core::KeyFactor::delete_key(factor.as_ref(), id.to_string())?;
        } else if name.strip_suffix(".key.new").is_some_and(is_key_id) {
            let half = entry.path();
            let _ = std::fs::write(&half, [0u8; 32]);
            let _ = std::fs::remove_file(&half);
        }
    }
    // Fails, and leaves the folder, when anything else is in it.
    let _ = std::fs::remove_dir(&path);
    Ok(())
}

/// Whether `id` is a key id the core makes: its locked key or a PIN key.
fn is_key_id(id: &str) -> bool {
    id == migran_core::LOCKED_KEY_ID
        || id
            .strip_prefix("pin-")
            .is_some_and(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether `keys/` holds any file of the key factor (the remains of a vault).
pub fn has_key_files(dir: &Path) -> bool {
    std::fs::read_dir(dir.join(KEY_FOLDER)).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.strip_suffix(".key").is_some_and(is_key_id)
        })
    })
}

/// Reads a PIN from `env_var`, else asks for it on the terminal without echo, else reads
/// one line from standard input (for scripts that pipe it in).
pub fn read_pin(env_var: &str, prompt: &Text) -> Result<String, CliError> {
    if let Some(value) = std::env::var_os(env_var) {
        return value.into_string().map_err(|_| {
            CliError::Core(MigranError::Invalid {
                field: "pin".to_string(),
                reason: InvalidReason::BadCharacters,
            })
        });
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(prompt.get()).map_err(|_| CliError::Other("terminal".to_string()));
    }
    eprint!("{}", prompt.get());
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|_| {
        CliError::Core(MigranError::Invalid {
            field: "pin".to_string(),
            reason: InvalidReason::BadCharacters,
        })
    })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// The device secret, if its file exists. A link in its place is refused (it could
/// point the vault at a key another user controls, or read one it should not); a file
/// that others can read is used, with a warning to make it owner-only.
pub fn read_device_secret(dir: &Path) -> Result<Option<Vec<u8>>, CliError> {
    let path = dir.join(DEVICE_SECRET_FILE);
    let metadata = match std::fs::symlink_metadata(&path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(_) => return Err(CliError::Other(DEVICE_SECRET_FILE.to_string())),
    };
    if !metadata.file_type().is_file() {
        return Err(CliError::Refused(crate::i18n::t(
            format!(
                "{} bukan berkas biasa (mungkin tautan); kunci perangkat tidak dipakai",
                path.display()
            ),
            format!(
                "{} is not a plain file (perhaps a link); the device key is not used",
                path.display()
            ),
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "migran: {}",
                crate::i18n::t(
                    format!(
                        "peringatan: {} dapat dibaca pengguna lain; jalankan: chmod 600 {}",
                        path.display(),
                        path.display()
                    ),
                    format!(
                        "warning: {} is readable by other users; run: chmod 600 {}",
                        path.display(),
                        path.display()
                    ),
                )
                .get()
            );
        }
    }
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(_) => Err(CliError::Other(DEVICE_SECRET_FILE.to_string())),
    }
}

/// The vault's folder, made if missing. A folder made here is private to the officer's
/// user account: the files are encrypted, but other accounts on a shared laptop need not
/// even see them.
fn make_vault_folder(dir: &Path) -> Result<(), CliError> {
    let mut folder = std::fs::DirBuilder::new();
    folder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        folder.mode(0o700);
    }
    folder
        .create(dir)
        .map_err(|_| CliError::Other("vault folder".to_string()))?;
    // Windows: an owner-only access list on the folder, passed on to every file made in it.
    #[cfg(windows)]
    let _ = migran_core::owner_only::restrict_to_owner(dir);
    Ok(())
}

pub fn remove_device_secret(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(DEVICE_SECRET_FILE));
}
