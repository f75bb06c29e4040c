//! `migran init`, `status`, `unlock-check`, `change-pin`, `duress-pin` and `wipe`: the
//! vault itself.

use std::path::Path;
use std::sync::Arc;

use migran_core::{Argon2Settings, MigranError, SystemClock, Vault, VaultSettings};
use serde_json::json;

use crate::args::Args;
use crate::commands::{confirm, open_locked, open_locked_with_key, open_unlocked, say, vault_dir};
use crate::i18n::t;
use crate::output::print_json;
use crate::secrets;
use crate::CliError;

pub fn init(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["kdf-iterations", "free-attempts", "erase-after", "duress-pin"])?;
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
        Err(CliError::Core(err)) if unopenable_key(&err) => return Err(MigranError::VaultExists.into()),
        Err(other) => return Err(other),
    }
    let pin = new_pin()?;
    // Asked before anything is made, so that a mistyped duress PIN leaves no vault behind.
    let duress = if args.flag("duress-pin") {
        Some(new_duress_pin(&pin)?)
    } else {
        None
    };
    let factor = secrets::create_key_folder(&dir)?;
    let argon2 = Argon2Settings::for_iterations(settings.kdf_iterations);
    let created =
        Vault::create_with_factor_and_clock(&dir, &pin, factor, settings, argon2, Arc::new(SystemClock));
    let vault = match created {
        Ok(vault) => vault,
        Err(err) => {
            // A vault that was not made must not leave stray key files behind.
            let _ = secrets::remove_key_folder(&dir);
            return Err(err.into());
        }
    };
    if let Some(duress) = duress {
        if let Err(err) = vault.set_duress_pin(pin.clone(), duress) {
            // All or nothing: a vault without the duress PIN asked for is erased again.
            let _ = vault.wipe();
            let _ = secrets::remove_key_folder(&dir);
            return Err(err.into());
        }
    }
    let keys = dir.join(secrets::KEY_FOLDER);
    say(
        format!(
            "Brankas dibuat di {}. Kunci perangkat (berkas khusus pemilik): {}",
            dir.display(),
            keys.display()
        ),
        format!(
            "Vault created in {}. Device keys (owner-only files): {}",
            dir.display(),
            keys.display()
        ),
    );
    Ok(())
}

/// Errors of a vault whose device key does not open it (lost, damaged, another one):
/// nothing in it can be read again.
fn unopenable_key(err: &MigranError) -> bool {
    matches!(
        err,
        MigranError::DeviceSecretMismatch | MigranError::Invalid { .. } | MigranError::KeyFactor { .. }
    )
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
    let (vault, key_kind) = open_locked_with_key(args)?;
    let status = vault.status()?;
    if args.json {
        print_json(&json!({
            "failed_attempts": status.failed_attempts,
            "retry_after_seconds": status.retry_after_seconds,
            "uses_device_secret": status.uses_device_secret,
            "device_key": key_kind,
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
    // Which key opened it: the core's status says only that one did.
    let (key_id, key_en) = match key_kind {
        "key-files" => (
            "berkas kunci khusus pemilik (folder keys/)",
            "owner-only key files (folder keys/)",
        ),
        "device-secret" => (
            "rahasia perangkat (berkas device.secret, cara lama)",
            "device secret (file device.secret, the older way)",
        ),
        _ => ("tidak ada", "none"),
    };
    say(
        format!("Kunci perangkat: {key_id}"),
        format!("Device key: {key_en}"),
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

/// A duress PIN: from MIGRAN_DURESS_PIN, or typed twice; refused when it is the real PIN
/// (the core refuses it too, and checks the PIN policy).
fn new_duress_pin(real_pin: &str) -> Result<String, CliError> {
    let prompt = t("PIN paksaan: ", "Duress PIN: ");
    let pin = secrets::read_pin("MIGRAN_DURESS_PIN", &prompt)?;
    if std::env::var_os("MIGRAN_DURESS_PIN").is_none() {
        let again = secrets::read_pin(
            "MIGRAN_DURESS_PIN",
            &t("Ulangi PIN paksaan: ", "Repeat duress PIN: "),
        )?;
        if again != pin {
            return Err(pins_differ());
        }
    }
    if pin == real_pin {
        return Err(CliError::Refused(t(
            "PIN paksaan sama dengan PIN asli; pilih PIN lain",
            "the duress PIN is the same as the real PIN; choose another",
        )));
    }
    Ok(pin)
}

/// `duress-pin set`: the real PIN is checked first (an unlock, counted like any), then the
/// duress PIN is asked for and stored in the header's second slot.
pub fn set_duress_pin(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(2)?;
    let vault = open_locked(args)?;
    let real = secrets::read_pin("MIGRAN_PIN", &t("PIN asli: ", "Real PIN: "))?;
    vault.unlock(real.clone())?;
    let duress = new_duress_pin(&real)?;
    vault.set_duress_pin(real, duress)?;
    say(
        "PIN paksaan disimpan. Bila PIN asli diganti, PIN paksaan terhapus: pasang lagi sesudahnya.",
        "Duress PIN stored. Changing the real PIN removes it: set it again afterwards.",
    );
    Ok(())
}

/// `duress-pin remove`: with the real PIN; not an error when none is set (the CLI cannot
/// tell, by design: nothing in the files says whether one is).
pub fn remove_duress_pin(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(2)?;
    let vault = open_locked(args)?;
    let real = secrets::read_pin("MIGRAN_PIN", &t("PIN asli: ", "Real PIN: "))?;
    vault.unlock(real.clone())?;
    vault.remove_duress_pin(real)?;
    say("Tidak ada PIN paksaan lagi.", "No duress PIN any more.");
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
        Err(CliError::Core(err)) if err == MigranError::NoVault || unopenable_key(&err) => {
            return wipe_unopenable(args, &dir, err)
        }
        Err(other) => return Err(other),
    };
    confirm(
        args,
        &t(
            "Hapus SELURUH brankas tanpa bisa dipulihkan? (ya/tidak)",
            "Erase the WHOLE vault, beyond recovery? (yes/no)",
        ),
    )?;
    // The core deletes the factor's keys it knows of (the locked key, the PIN key and a
    // retired one); then what is left of `keys/` (a PIN key a killed `change-pin` made)
    // goes, and the folder, which `init` made.
    let wiped = vault.wipe();
    secrets::remove_device_secret(&dir);
    secrets::remove_key_folder(&dir)?;
    wiped?;
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
        // The core decides what the files are by opening them. For a vault of the key
        // factor, which the caller has already failed to open with its keys, the files
        // are opened without a device key: they do not open (so are deleted) unless they
        // are a vault made without one, which is then refused as `VaultExists`.
        let secret = match secrets::read_device_key(dir)? {
            secrets::DeviceKey::Secret(secret) => Some(secret),
            secrets::DeviceKey::Factor(_) | secrets::DeviceKey::Nothing => None,
        };
        Vault::remove_unopenable(dir, secret)?;
    }
    secrets::remove_device_secret(dir);
    secrets::remove_key_folder(dir)?;
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
    }) || secrets::has_key_files(dir)
}
