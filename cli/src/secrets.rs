//! The PIN and the device secret. The PIN comes from `MIGRAN_PIN` or a prompt without
//! echo, never from an argument (arguments show in the process list and shell history).
//! The device secret is 32 random bytes in a 0600 file beside the database.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use migran_core::{InvalidReason, MigranError};

use crate::i18n::Text;
use crate::CliError;

pub const DEVICE_SECRET_FILE: &str = "device.secret";

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

/// Creates the device secret file, readable by the owner only.
pub fn create_device_secret(dir: &Path) -> Result<Vec<u8>, CliError> {
    let secret = migran_core::new_device_secret()?;
    // A folder made here is private to the officer's user account: the files are
    // encrypted, but other accounts on a shared laptop need not even see them.
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
    let path = dir.join(DEVICE_SECRET_FILE);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path).map_err(|err| {
        if err.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::Core(MigranError::VaultExists)
        } else {
            CliError::Other("device.secret".to_string())
        }
    })?;
    file.write_all(&secret)
        .and_then(|_| file.sync_all())
        .map_err(|_| CliError::Other("device.secret".to_string()))?;
    Ok(secret)
}

pub fn remove_device_secret(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(DEVICE_SECRET_FILE));
}
