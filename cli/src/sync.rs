//! `migran sync ...` and `migran conflicts ...`: bundles of changes carried between a
//! team's devices by file (a USB stick, a Bluetooth share, a WhatsApp document), and the
//! person versions that lost to a concurrent edit (docs/sync.md).

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use clap::Subcommand;
use migran_core::{
    ConflictReason, MigranError, RelaySyncListener, RelaySyncStage, SyncConflict, SyncRefusal,
    MAX_BUNDLE_BYTES,
};
use serde_json::json;

use crate::args::{utf8, Args};
use crate::commands::{choice, open_unlocked, say};
use crate::files::{refuse_existing, write_export};
use crate::i18n::{t, Text};
use crate::output::{outln, print_json};
use crate::progress::Bar;
use crate::team::{not_in_team_said_plainly, read_at_most, resolve_device, team_json};
use crate::CliError;

/// The grammar of `migran sync` (declared here, registered in `grammar`): by file with a
/// subcommand, or through a relay with `--relay`.
#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, arg_required_else_help = true)]
#[allow(dead_code)] // The fields declare the grammar; the values are read through `Args`.
pub struct Sync {
    #[arg(long, value_name = "ADDRESS")]
    relay: Option<OsString>,
    #[command(subcommand)]
    command: Option<SyncFile>,
}

/// `migran sync export|import|status`.
#[derive(Subcommand)]
#[allow(dead_code)]
pub enum SyncFile {
    Export {
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long = "for", value_name = "DEVICE")]
        for_device: Option<OsString>,
        #[arg(long)]
        force: bool,
    },
    Import {
        #[arg(value_name = "FILE")]
        bundle: Option<OsString>,
    },
    Status,
}

/// The grammar of `migran conflicts`.
#[derive(Subcommand)]
#[allow(dead_code)]
pub enum Conflicts {
    List,
    Resolve {
        #[arg(value_name = "CONFLICT_ID")]
        conflict: Option<OsString>,
        #[arg(long, value_name = "WHICH")]
        keep: Option<OsString>,
    },
}

/// The help's words for `sync ...` and `conflicts ...`.
pub fn about(path: &str) -> Option<Text> {
    let (id, en) = match path {
        "sync" => (
            "sinkronisasi tim lewat berkas (USB, Bluetooth, dokumen WhatsApp) atau lewat relay (--relay ALAMAT)",
            "team sync by file (USB stick, Bluetooth, WhatsApp document) or through a relay (--relay ADDRESS)",
        ),
        "sync export" => (
            "tulis berkas perubahan yang belum dimiliki anggota lain (tersegel, bertanda tangan)",
            "write a file of the changes other members lack (sealed and signed)",
        ),
        "sync import" => (
            "terapkan berkas sinkronisasi: semua atau tidak sama sekali",
            "apply a sync file: all of it or nothing",
        ),
        "sync status" => (
            "tim, jumlah perubahan, konflik, dan ringkasan register (sama: register sama)",
            "team, changes held, conflicts and the register's digest (same digest: same register)",
        ),
        "conflicts" => (
            "versi data orang yang kalah karena diubah bersamaan di dua perangkat",
            "person versions that lost to an edit made at the same time on another device",
        ),
        "conflicts list" => ("konflik yang belum diselesaikan", "conflicts not resolved yet"),
        "conflicts resolve" => (
            "selesaikan konflik: pakai versi sekarang atau versi lain",
            "resolve a conflict: keep the current version or the other one",
        ),
        _ => return None,
    };
    Some(t(id, en))
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        None if args.text("relay", "relay")?.is_some() => relay(args).map_err(not_in_team_said_plainly),
        Some("export") => export(args).map_err(not_in_team_said_plainly),
        Some("import") => import(args),
        Some("status") => status(args),
        _ => Err(CliError::usage(
            "sync --relay ALAMAT | sync export --out BERKAS [--for PERANGKAT] | sync import BERKAS | sync status",
            "sync --relay ADDRESS | sync export --out FILE [--for DEVICE] | sync import FILE | sync status",
        )),
    }
}

pub fn run_conflicts(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        Some("list") => list(args),
        Some("resolve") => resolve(args),
        _ => Err(CliError::usage(
            "conflicts list | conflicts resolve ID --keep sekarang|lain",
            "conflicts list | conflicts resolve ID --keep current|other",
        )),
    }
}

/// The progress of a relay sync: a bar on a terminal, otherwise a line per stage's end
/// (a log gets no carriage returns).
struct RelayProgress {
    bar: Mutex<Bar>,
    plain: bool,
    said: Mutex<Option<(RelaySyncStage, u32)>>,
}

fn stage_label(stage: RelaySyncStage) -> Text {
    match stage {
        RelaySyncStage::Enrolling => t("Mendaftarkan perangkat", "Enrolling devices"),
        RelaySyncStage::Pushing => t("Mengirim", "Sending"),
        RelaySyncStage::Pulling => t("Menerima", "Receiving"),
    }
}

impl RelaySyncListener for RelayProgress {
    fn on_progress(&self, stage: RelaySyncStage, done: u32, total: u32) -> Result<(), MigranError> {
        let label = stage_label(stage);
        if !self.plain {
            self.bar
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .update(label.get(), done, total);
            return Ok(());
        }
        let mut said = self.said.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if done == total && total > 0 && *said != Some((stage, done)) {
            eprintln!("{}: {done}/{total}", label.get());
            *said = Some((stage, done));
        }
        Ok(())
    }
}

fn relay(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["relay"])?;
    args.no_words_after(1)?;
    let url = args.required("relay", "relay")?;
    let vault = open_unlocked(args)?;
    let bar = Bar::on_stderr();
    let progress = Arc::new(RelayProgress {
        plain: !bar.is_terminal(),
        bar: Mutex::new(bar),
        said: Mutex::new(None),
    });
    let listener: Arc<dyn RelaySyncListener> = progress.clone();
    let summary = vault.sync_with_relay(url, Some(listener));
    progress
        .bar
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .finish();
    let summary = summary?;
    let unresolved = vault.sync_status()?.unresolved_conflicts;
    if args.json {
        print_json(&json!({
            "registered_team": summary.registered_team,
            "devices_enrolled": summary.devices_enrolled,
            "devices_removed": summary.devices_removed,
            "bundles_pushed": summary.bundles_pushed,
            "bundles_pulled": summary.bundles_pulled,
            "bundles_skipped": summary.bundles_skipped,
            "changes_applied": summary.changes_applied,
            "conflicts": summary.conflicts,
            "cursor": summary.cursor,
            "unresolved_conflicts": unresolved,
        }));
        return Ok(());
    }
    if summary.registered_team {
        say(
            "Tim didaftarkan di relay (perangkat pertama tim).",
            "The team was registered on the relay (the team's first device).",
        );
    }
    if summary.devices_enrolled + summary.devices_removed > 0 {
        say(
            format!(
                "Perangkat didaftarkan: {}; dikeluarkan: {}.",
                summary.devices_enrolled, summary.devices_removed
            ),
            format!(
                "Devices enrolled: {}; removed: {}.",
                summary.devices_enrolled, summary.devices_removed
            ),
        );
    }
    say(
        format!(
            "Sinkron dengan relay: dikirim {} berkas; diterima {} berkas ({} perubahan diterapkan, {} konflik baru); dilewati {}.",
            summary.bundles_pushed, summary.bundles_pulled, summary.changes_applied, summary.conflicts, summary.bundles_skipped
        ),
        format!(
            "Synced with the relay: {} bundles sent; {} received ({} changes applied, {} new conflicts); {} passed over.",
            summary.bundles_pushed, summary.bundles_pulled, summary.changes_applied, summary.conflicts, summary.bundles_skipped
        ),
    );
    if unresolved > 0 {
        say(
            format!("{unresolved} konflik menunggu keputusan: migran conflicts list"),
            format!("{unresolved} conflicts wait for a decision: migran conflicts list"),
        );
    }
    Ok(())
}

fn export(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["out", "for", "force"])?;
    args.no_words_after(2)?;
    let path = PathBuf::from(args.required("out", "out")?);
    let force = args.flag("force");
    refuse_existing(&path, force)?;
    let vault = open_unlocked(args)?;
    let for_device = match args.text("for", "device")? {
        Some(reference) => Some(resolve_device(&vault, &reference)?.device_id),
        None => None,
    };
    let bundle = vault.sync_export(for_device.clone())?;
    write_export(&path, &bundle, force)?;
    if args.json {
        print_json(&json!({
            "out": path.display().to_string(),
            "bytes": bundle.len(),
            "for": for_device,
        }));
        return Ok(());
    }
    let whom = match &for_device {
        Some(device) => t(format!("perangkat {device}"), format!("device {device}")),
        None => t("seluruh tim", "the whole team"),
    };
    say(
        format!(
            "Berkas sinkronisasi untuk {} ditulis ke {} ({} bita). Isinya tersegel dengan kunci tim: boleh dibawa lewat USB, Bluetooth atau WhatsApp.",
            whom.id,
            path.display(),
            bundle.len()
        ),
        format!(
            "Sync file for {} written to {} ({} bytes). It is sealed with the team key: it may travel by USB stick, Bluetooth or WhatsApp.",
            whom.en,
            path.display(),
            bundle.len()
        ),
    );
    Ok(())
}

/// Reads a bundle, refusing one larger than any bundle can be before reading it all.
fn read_bundle(path: &str) -> Result<Vec<u8>, CliError> {
    let bytes = read_at_most(path, MAX_BUNDLE_BYTES as u64)?;
    if bytes.len() > MAX_BUNDLE_BYTES {
        return Err(MigranError::SyncRefused {
            reason: SyncRefusal::Format,
        }
        .into());
    }
    Ok(bytes)
}

fn import(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let path = args.word(2, "file")?;
    let bundle = read_bundle(&path)?;
    let vault = open_unlocked(args)?;
    let report = vault.sync_import(bundle)?;
    let unresolved = vault.sync_status()?.unresolved_conflicts;
    if args.json {
        print_json(&json!({
            "applied": report.applied,
            "unchanged": report.unchanged,
            "erased": report.erased,
            "dropped": report.dropped,
            "conflicts": report.conflicts,
            "unresolved_conflicts": unresolved,
        }));
        return Ok(());
    }
    say(
        format!(
            "Diterapkan: {} perubahan; sudah ada: {}; orang dihapus: {}; dilewati (datanya sudah dihapus): {}; konflik baru: {}.",
            report.applied, report.unchanged, report.erased, report.dropped, report.conflicts
        ),
        format!(
            "Applied: {} changes; already held: {}; persons erased: {}; skipped (their record was erased): {}; new conflicts: {}.",
            report.applied, report.unchanged, report.erased, report.dropped, report.conflicts
        ),
    );
    if unresolved > 0 {
        say(
            format!("{unresolved} konflik menunggu keputusan: migran conflicts list"),
            format!("{unresolved} conflicts wait for a decision: migran conflicts list"),
        );
    }
    Ok(())
}

fn status(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(2)?;
    let vault = open_unlocked(args)?;
    let status = vault.sync_status()?;
    let digest = vault.sync_register_digest()?;
    if args.json {
        print_json(&json!({
            "device_id": status.device_id,
            "team": status.team.as_ref().map(team_json),
            "changes_held": status.changes_held,
            "unresolved_conflicts": status.unresolved_conflicts,
            "register_digest": digest,
        }));
        return Ok(());
    }
    say(
        format!("Perangkat ini: {}", status.device_id),
        format!("This device: {}", status.device_id),
    );
    match &status.team {
        Some(team) => say(
            format!(
                "Tim: {} ({} anggota aktif), sidik jari {}",
                team.team_id, team.active_members, team.fingerprint
            ),
            format!(
                "Team: {} ({} active members), fingerprint {}",
                team.team_id, team.active_members, team.fingerprint
            ),
        ),
        None => say(
            "Belum masuk tim (migran team create, atau migran team join).",
            "Not in a team yet (migran team create, or migran team join).",
        ),
    }
    say(
        format!("Perubahan tersimpan: {}", status.changes_held),
        format!("Changes held: {}", status.changes_held),
    );
    say(
        format!("Konflik belum diselesaikan: {}", status.unresolved_conflicts),
        format!("Unresolved conflicts: {}", status.unresolved_conflicts),
    );
    say(
        format!("Ringkasan register: {digest} (sama di dua perangkat: register sama)"),
        format!("Register digest: {digest} (the same on two devices: the same register)"),
    );
    Ok(())
}

fn reason_code(reason: ConflictReason) -> &'static str {
    match reason {
        ConflictReason::ConcurrentEdit => "concurrent_edit",
        ConflictReason::NikTaken => "nik_taken",
    }
}

fn reason_label(reason: ConflictReason) -> Text {
    match reason {
        ConflictReason::ConcurrentEdit => t(
            "diubah bersamaan di dua perangkat",
            "edited at the same time on two devices",
        ),
        ConflictReason::NikTaken => t(
            "NIK yang sama didaftarkan dua kali; gabungkan dengan tangan",
            "the same NIK registered twice; merge by hand",
        ),
    }
}

fn conflict_json(conflict: &SyncConflict) -> serde_json::Value {
    json!({
        "id": conflict.id,
        "person_id": conflict.person_id,
        "reason": reason_code(conflict.reason),
        "losing_device": conflict.losing_device,
        "kept_hlc": conflict.kept_hlc,
        "losing_hlc": conflict.losing_hlc,
        "fields": conflict.fields.iter().map(|field| json!({
            "field": field.field,
            "kept": field.kept,
            "losing": field.losing,
        })).collect::<Vec<_>>(),
    })
}

fn list(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(2)?;
    let conflicts = open_unlocked(args)?.list_conflicts()?;
    if args.json {
        print_json(&json!(conflicts.iter().map(conflict_json).collect::<Vec<_>>()));
        return Ok(());
    }
    if conflicts.is_empty() {
        say("Tidak ada konflik.", "No conflicts.");
        return Ok(());
    }
    let empty = "-".to_string();
    for conflict in &conflicts {
        say(
            format!(
                "Konflik {} (orang {}): {}; versi lain dari perangkat {}",
                conflict.id,
                conflict.person_id,
                reason_label(conflict.reason).id,
                conflict.losing_device
            ),
            format!(
                "Conflict {} (person {}): {}; the other version is from device {}",
                conflict.id,
                conflict.person_id,
                reason_label(conflict.reason).en,
                conflict.losing_device
            ),
        );
        for field in &conflict.fields {
            say(
                format!(
                    "  {}: sekarang {} | lain {}",
                    field.field,
                    field.kept.as_ref().unwrap_or(&empty),
                    field.losing.as_ref().unwrap_or(&empty)
                ),
                format!(
                    "  {}: current {} | other {}",
                    field.field,
                    field.kept.as_ref().unwrap_or(&empty),
                    field.losing.as_ref().unwrap_or(&empty)
                ),
            );
        }
    }
    outln!();
    say(
        "Selesaikan: migran conflicts resolve ID --keep sekarang|lain",
        "Resolve: migran conflicts resolve ID --keep current|other",
    );
    Ok(())
}

fn resolve(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["keep"])?;
    args.no_words_after(3)?;
    let reference = args.word(2, "conflict")?.trim().to_lowercase();
    let keep_losing = choice(
        "keep",
        &args.required("keep", "keep")?,
        &[
            (&["current", "kept", "sekarang"], false),
            (&["other", "losing", "lain"], true),
        ],
    )?;
    let vault = open_unlocked(args)?;
    let conflicts = vault.list_conflicts()?;
    let matching: Vec<&SyncConflict> = conflicts
        .iter()
        .filter(|c| c.id == reference || (reference.len() >= 6 && c.id.starts_with(&reference)))
        .collect();
    let conflict = match matching.as_slice() {
        [conflict] => *conflict,
        [] => {
            return Err(CliError::Refused(t(
                "tidak ada konflik terbuka dengan ID itu (lihat 'migran conflicts list')",
                "no open conflict has that ID (see 'migran conflicts list')",
            )))
        }
        _ => {
            return Err(CliError::usage(
                "awalan ID konflik cocok dengan lebih dari satu; ketik lebih panjang",
                "the conflict ID prefix matches more than one; type more of it",
            ))
        }
    };
    vault.resolve_conflict(conflict.id.clone(), keep_losing)?;
    if args.json {
        print_json(&json!({ "resolved": conflict.id, "kept_other": keep_losing }));
        return Ok(());
    }
    if keep_losing {
        say(
            "Konflik diselesaikan: versi lain dipakai dan akan menang di setiap perangkat setelah sinkronisasi.",
            "Conflict resolved: the other version is kept and wins on every device after the next sync.",
        );
    } else {
        say(
            "Konflik diselesaikan: versi sekarang tetap dipakai.",
            "Conflict resolved: the current version stays.",
        );
    }
    Ok(())
}
