//! `migran init`, `status`, `unlock-check`, `change-pin` and `wipe`: the vault itself.

use std::path::Path;
use std::sync::Arc;

use migran_core::{MigranError, SystemClock, Vault, VaultSettings};
use serde_json::json;

use crate::args::Args;
use crate::commands::{confirm, open_locked, open_unlocked, say, vault_dir};
use crate::i18n::t;
use crate::output::print_json;
use crate::secrets;
use crate::CliError;

pub fn init(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["kdf-iterations", "free-attempts", "erase-after"])?;
    args.no_words_after(1)?;
    let dir = vault_dir(args)?;
    let settings = settings(args)?;
    match open_locked(args) {
        Ok(_) => return Err(MigranError::VaultExists.into()),
        // Nothing here, or the remains of an `init` killed or failed (a full disk) before
        // the vault's header was written: nothing to keep, start again.
        Err(CliError::Core(MigranError::NoVault)) => remove_remains(&dir)?,
        // A vault whose device key is lost or damaged is not replaced silently: `wipe`
        // erases it after asking.
        Err(CliError::Core(MigranError::DeviceSecretMismatch | MigranError::Invalid { .. })) => {
            return Err(MigranError::VaultExists.into())
        }
        Err(other) => return Err(other),
    }
    let pin = new_pin()?;
    let secret = secrets::create_device_secret(&dir)?;
    let created = Vault::create_with_clock(&dir, &pin, Some(secret), settings, Arc::new(SystemClock));
    if let Err(err) = created {
        // A vault that was not made must not leave a stray key file behind.
        secrets::remove_device_secret(&dir);
        return Err(err.into());
    }
    say(
        format!(
            "Brankas dibuat di {}. Kunci perangkat: {}/{}",
            dir.display(),
            dir.display(),
            secrets::DEVICE_SECRET_FILE
        ),
        format!(
            "Vault created in {}. Device key: {}/{}",
            dir.display(),
            dir.display(),
            secrets::DEVICE_SECRET_FILE
        ),
    );
    Ok(())
}

/// A new vault's settings from `--kdf-iterations`, `--free-attempts` and `--erase-after`
/// (`init`, `restore`).
pub fn settings(args: &Args) -> Result<VaultSettings, CliError> {
    let defaults = VaultSettings::default();
    Ok(VaultSettings {
        kdf_iterations: args
            .number("kdf-iterations", "kdf_iterations")?
            .unwrap_or(defaults.kdf_iterations),
        free_attempts: args
            .number("free-attempts", "free_attempts")?
            .unwrap_or(defaults.free_attempts),
        erase_after_failures: args.number("erase-after", "erase_after_failures")?,
    })
}

/// A new vault's PIN: from MIGRAN_PIN, or typed twice.
pub fn new_pin() -> Result<String, CliError> {
    let pin = secrets::read_pin("MIGRAN_PIN", &t("PIN baru: ", "New PIN: "))?;
    if std::env::var_os("MIGRAN_PIN").is_none() {
        let again = secrets::read_pin("MIGRAN_PIN", &t("Ulangi PIN: ", "Repeat PIN: "))?;
        if again != pin {
            return Err(pins_differ());
        }
    }
    Ok(pin)
}

pub fn status(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(1)?;
    let status = open_locked(args)?.status()?;
    if args.json {
        print_json(&json!({
            "failed_attempts": status.failed_attempts,
            "retry_after_seconds": status.retry_after_seconds,
            "uses_device_secret": status.uses_device_secret,
            "kdf_iterations": status.kdf_iterations,
            "free_attempts": status.free_attempts,
            "erase_after_failures": status.erase_after_failures,
        }));
        return Ok(());
    }
    say(
        format!("PIN salah berturut-turut: {}", status.failed_attempts),
        format!("Wrong PINs in a row: {}", status.failed_attempts),
    );
    say(
        format!("Harus menunggu: {} detik", status.retry_after_seconds),
        format!("Wait before next try: {} seconds", status.retry_after_seconds),
    );
    say(
        format!("Iterasi KDF: {}", status.kdf_iterations),
        format!("KDF iterations: {}", status.kdf_iterations),
    );
    say(
        format!("PIN salah tanpa menunggu: {}", status.free_attempts),
        format!("Wrong PINs before a wait: {}", status.free_attempts),
    );
    let (device_id, device_en) = if status.uses_device_secret {
        ("ya", "yes")
    } else {
        ("tidak", "no")
    };
    say(
        format!("Memakai kunci perangkat: {device_id}"),
        format!("Uses a device key: {device_en}"),
    );
    let erase = status
        .erase_after_failures
        .map_or("-".to_string(), |n| n.to_string());
    say(
        format!("Hapus otomatis setelah PIN salah: {erase}"),
        format!("Erase after wrong PINs: {erase}"),
    );
    Ok(())
}

pub fn unlock_check(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(1)?;
    open_unlocked(args)?;
    say(
        "PIN benar; brankas dapat dibuka.",
        "PIN correct; the vault opens.",
    );
    Ok(())
}

/// The old PIN is checked before the new one is asked for, so a mistyped old PIN is
/// known at once; a new PIN equal to the old one is refused.
pub fn change_pin(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(1)?;
    let vault = open_locked(args)?;
    let old = secrets::read_pin("MIGRAN_PIN", &t("PIN lama: ", "Old PIN: "))?;
    vault.unlock(old.clone())?;
    let new = secrets::read_pin("MIGRAN_NEW_PIN", &t("PIN baru: ", "New PIN: "))?;
    if std::env::var_os("MIGRAN_NEW_PIN").is_none() {
        let again = secrets::read_pin("MIGRAN_NEW_PIN", &t("Ulangi PIN baru: ", "Repeat new PIN: "))?;
        if again != new {
            return Err(pins_differ());
        }
    }
    if new == old {
        return Err(CliError::Refused(t(
            "PIN baru sama dengan PIN lama; pilih PIN lain",
            "the new PIN is the same as the old one; choose another",
        )));
    }
    vault.change_pin(old, new)?;
    say("PIN diganti.", "PIN changed.");
    Ok(())
}

/// The PIN typed twice did not match: invalid input (exit 5), not a wrong command.
fn pins_differ() -> CliError {
    CliError::Refused(t(
        "kedua PIN yang diketik tidak sama; ketik ulang PIN yang sama dua kali",
        "the two PINs typed differ; type the same PIN twice",
    ))
}

pub fn wipe(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["yes"])?;
    args.no_words_after(1)?;
    let dir = vault_dir(args)?;
    let vault = match open_locked(args) {
        Ok(vault) => vault,
        Err(CliError::Core(
            err @ (MigranError::NoVault | MigranError::DeviceSecretMismatch | MigranError::Invalid { .. }),
        )) => return wipe_unopenable(args, &dir, err),
        Err(other) => return Err(other),
    };
    confirm(
        args,
        &t(
            "Hapus SELURUH brankas tanpa bisa dipulihkan? (ya/tidak)",
            "Erase the WHOLE vault, beyond recovery? (yes/no)",
        ),
    )?;
    vault.wipe()?;
    secrets::remove_device_secret(&dir);
    say("Brankas dihapus.", "Vault erased.");
    Ok(())
}

/// `wipe` where no vault opens: the remains of an unfinished `init`, or a vault whose
/// device key is lost (nothing in it can be read again). Its files are deleted after the
/// same question; an empty folder is "no vault", as `status` says.
fn wipe_unopenable(args: &Args, dir: &Path, why: MigranError) -> Result<(), CliError> {
    if !has_vault_files(dir) {
        return Err(MigranError::NoVault.into());
    }
    let question = if why == MigranError::NoVault {
        t(
            "Di sini ada sisa brankas yang tidak selesai dibuat. Hapus? (ya/tidak)",
            "This folder holds the remains of a vault never finished. Delete them? (yes/no)",
        )
    } else {
        t(
            "Kunci perangkat tidak membuka brankas ini; isinya tidak dapat dibaca lagi. Hapus berkasnya? (ya/tidak)",
            "The device key does not open this vault; nothing in it can be read again. Delete its files? (yes/no)",
        )
    };
    confirm(args, &question)?;
    remove_remains(dir)?;
    say("Berkas brankas dihapus.", "Vault files deleted.");
    Ok(())
}

/// Deletes the vault files and the device key of a folder where no vault opens.
fn remove_remains(dir: &Path) -> Result<(), CliError> {
    if dir.exists() {
        Vault::remove_unopenable(dir, secrets::read_device_secret(dir)?)?;
    }
    secrets::remove_device_secret(dir);
    Ok(())
}

/// Whether `dir` holds any file a vault is made of (or begins with).
fn has_vault_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with("vault.db")
                || name.starts_with("locked.db")
                || name == secrets::DEVICE_SECRET_FILE
        })
    })
}
