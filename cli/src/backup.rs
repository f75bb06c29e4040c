//! `migran backup` and `migran restore`: the whole vault as one file sealed under a
//! recovery key that is shown once, and a new vault made from it on another device
//! (docs/sync.md, "Backup and restore").

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use migran_core::{BackupRefusal, MigranError, PageRequest, SystemClock, Vault};
use serde_json::json;

use crate::args::Args;
use crate::commands::{open_unlocked, say, vault_dir};
use crate::files::{refuse_existing, write_export};
use crate::i18n::{t, Text};
use crate::output::{outln, print_json};
use crate::secrets;
use crate::team::{read_at_most, team_json};
use crate::CliError;

/// The options of `migran backup` (declared here, registered in `grammar`).
#[derive(clap::Args)]
#[allow(dead_code)] // The fields declare the grammar; the values are read through `Args`.
pub struct Backup {
    #[arg(long, value_name = "FILE")]
    out: Option<OsString>,
    #[arg(long)]
    force: bool,
    #[arg(long)]
    new_key: bool,
}

/// The options of `migran restore`.
#[derive(clap::Args)]
#[allow(dead_code)]
pub struct Restore {
    #[arg(value_name = "FILE")]
    backup: Option<OsString>,
    #[arg(long, value_name = "N")]
    kdf_iterations: Option<OsString>,
    #[arg(long, value_name = "N")]
    free_attempts: Option<OsString>,
    #[arg(long, value_name = "N")]
    erase_after: Option<OsString>,
}

/// The help's words for `backup` and `restore`.
pub fn about(path: &str) -> Option<Text> {
    let (id, en) = match path {
        "backup" => (
            "cadangkan seluruh brankas ke satu berkas terenkripsi (kunci pemulihan ditampilkan sekali)",
            "back up the whole vault into one encrypted file (the recovery key is shown once)",
        ),
        "restore" => (
            "pulihkan cadangan ke folder baru (--vault) dengan PIN baru; kunci pemulihan dari MIGRAN_RECOVERY_KEY atau ditanyakan",
            "restore a backup into a new folder (--vault) with a new PIN; the recovery key from MIGRAN_RECOVERY_KEY or asked",
        ),
        _ => return None,
    };
    Some(t(id, en))
}

/// The largest backup read (the core refuses larger ones too).
const MAX_BACKUP_BYTES: u64 = 1 << 30;

pub fn backup(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["out", "force", "new-key"])?;
    args.no_words_after(1)?;
    let path = PathBuf::from(args.required("out", "out")?);
    let force = args.flag("force");
    refuse_existing(&path, force)?;
    let vault = open_unlocked(args)?;
    let mut new_key = if args.flag("new-key") {
        Some(vault.backup_new_recovery_key()?)
    } else {
        None
    };
    let bytes = match vault.backup_export() {
        Err(MigranError::BackupRefused {
            reason: BackupRefusal::NoRecoveryKey,
        }) if new_key.is_none() => {
            new_key = Some(vault.backup_new_recovery_key()?);
            vault.backup_export()?
        }
        other => other?,
    };
    write_export(&path, &bytes, force)?;
    if args.json {
        print_json(&json!({
            "out": path.display().to_string(),
            "bytes": bytes.len(),
            "recovery_key": new_key,
        }));
        return Ok(());
    }
    say(
        format!(
            "Cadangan ditulis ke {} ({} bita), terenkripsi. Simpan di tempat lain dari ponsel ini.",
            path.display(),
            bytes.len()
        ),
        format!(
            "Backup written to {} ({} bytes), encrypted. Keep it somewhere other than this phone.",
            path.display(),
            bytes.len()
        ),
    );
    match &new_key {
        Some(key) => {
            say(
                "KUNCI PEMULIHAN (hanya ditampilkan sekali; tulis di kertas dan simpan terpisah dari cadangan):",
                "RECOVERY KEY (shown only this once; write it on paper and keep it apart from the backup):",
            );
            outln!("    {key}");
        }
        None => say(
            "Cadangan ini dibuka dengan kunci pemulihan yang sudah Anda catat sebelumnya.",
            "This backup opens with the recovery key you wrote down before.",
        ),
    }
    Ok(())
}

pub fn restore(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["kdf-iterations", "free-attempts", "erase-after"])?;
    args.no_words_after(2)?;
    let file = args.word(1, "file")?;
    let dir = vault_dir(args)?;
    let settings = crate::vault::settings(args)?;
    if dir.join("vault.db").exists() {
        return Err(MigranError::VaultExists.into());
    }
    // A larger file is read no further and refused by the core as not a backup.
    let backup = read_at_most(&file, MAX_BACKUP_BYTES)?;
    // The recovery key never comes from an argument (arguments show in the process list).
    let recovery_key = secrets::read_pin("MIGRAN_RECOVERY_KEY", &t("Kunci pemulihan: ", "Recovery key: "))?;
    let pin = crate::vault::new_pin()?;
    let factor = secrets::create_key_folder(&dir)?;
    let restored = Vault::restore_backup_with_factor_and_clock(
        &dir,
        &pin,
        factor,
        settings,
        &backup,
        &recovery_key,
        Arc::new(SystemClock),
    );
    let vault = match restored {
        Ok(vault) => vault,
        Err(err) => {
            // Nothing was made: no key file may stay behind either.
            let _ = secrets::remove_key_folder(&dir);
            return Err(err.into());
        }
    };
    let persons = vault
        .list_persons(PageRequest { offset: 0, limit: 1 }, true)?
        .total;
    let team = vault.sync_status()?.team;
    if args.json {
        print_json(&json!({
            "vault": dir.display().to_string(),
            "persons": persons,
            "team": team.as_ref().map(team_json),
        }));
        return Ok(());
    }
    say(
        format!(
            "Cadangan dipulihkan ke {} dengan PIN baru: {} orang.",
            dir.display(),
            persons
        ),
        format!(
            "Backup restored into {} with the new PIN: {} persons.",
            dir.display(),
            persons
        ),
    );
    if team.is_some() {
        say(
            "Perangkat ini tetap anggota tim. Kirim dulu berkas sinkronisasi ke tim (migran sync export), lalu terima berkas mereka.",
            "This device is still a team member. First send the team a sync file (migran sync export), then import theirs.",
        );
    }
    say(
        "Kartu darurat tidak ikut dicadangkan: isi lagi dengan 'migran emergency card set'.",
        "The emergency card is not in a backup: set it again with 'migran emergency card set'.",
    );
    Ok(())
}
