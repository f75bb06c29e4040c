//! `migran team ...`: a village team's devices (docs/sync.md, "Membership").
//!
//! The enrolment is an exchange of two short texts that fit a QR code or a small file:
//! the joining device's **request** (`MEJ1...`, its public keys) and the member's
//! **answer** (`MEA1...`, the team key wrapped to that device). Neither holds a secret in
//! clear. Each is written with `--out FILE` (owner-only, whole or not at all) or, without
//! it, printed alone on standard output (for `qrencode`); it is read from a file, from
//! standard input (`-`) or as the text itself.

use std::ffi::OsString;
use std::io::Read;
use std::path::Path;

use clap::Subcommand;
use migran_core::{join_request_fingerprint, TeamDevice, TeamInfo, TeamRole, Vault};
use serde_json::json;

use crate::args::{utf8, Args};
use crate::commands::{choice, confirm, open_unlocked, say};
use crate::files::{refuse_existing, write_export};
use crate::i18n::{t, Text};
use crate::output::{outln, print_json, print_table};
use crate::CliError;

/// The grammar of `migran team` (declared here, registered in `grammar`).
#[derive(Subcommand)]
#[allow(dead_code)] // The fields declare the grammar; the values are read through `Args`.
pub enum Team {
    Create {
        #[arg(long, value_name = "ROLE")]
        role: Option<OsString>,
    },
    Invite,
    Join {
        #[arg(value_name = "ANSWER")]
        answer: Option<OsString>,
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long)]
        force: bool,
    },
    Admit {
        #[arg(value_name = "REQUEST")]
        request: Option<OsString>,
        #[arg(long, value_name = "ROLE")]
        role: Option<OsString>,
        #[arg(long, value_name = "CODE")]
        fingerprint: Option<OsString>,
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        yes: bool,
    },
    Devices,
    Remove {
        #[arg(value_name = "DEVICE")]
        device: Option<OsString>,
        #[arg(long)]
        yes: bool,
    },
}

/// The help's words for `team ...` and its options (`help` asks here first).
pub fn about(path: &str) -> Option<Text> {
    let (id, en) = match path {
        "team" => (
            "tim desa: perangkat kader dan perangkat desa yang berbagi satu register",
            "the village team: the cadres' and officer's devices that share one register",
        ),
        "team create" => (
            "buat tim baru dengan perangkat ini sebagai anggota pertama",
            "make a new team with this device as its first member",
        ),
        "team invite" => (
            "langkah untuk menambah perangkat, dan sidik jari tim",
            "the steps to add a device, and the team's fingerprint",
        ),
        "team join" => (
            "tanpa JAWABAN: tulis permintaan bergabung (untuk kode QR atau berkas); dengan JAWABAN: bergabung",
            "without ANSWER: write this device's join request (for a QR code or a file); with ANSWER: join",
        ),
        "team admit" => (
            "terima perangkat baru setelah sidik jarinya dicocokkan; menulis jawaban untuknya",
            "admit a new device once its fingerprint is compared; writes the answer for it",
        ),
        "team devices" => ("perangkat anggota tim", "the team's devices"),
        "team remove" => (
            "keluarkan perangkat (hilang, dicuri, berhenti): kunci tim diganti",
            "remove a device (lost, stolen, left): the team key is replaced",
        ),
        _ => return None,
    };
    Some(t(id, en))
}

/// Help for the options only `team`, `sync`, `conflicts`, `backup` and `restore` have.
pub fn arg_help(id: &str) -> Option<Text> {
    let (indonesian, english) = match id {
        "role" => (
            "peran: kader (bawaan) atau perangkat-desa",
            "role: cadre (default) or officer",
        ),
        "answer" => (
            "jawaban dari anggota tim (MEA1...): berkas, - untuk masukan standar, atau teksnya",
            "the member's answer (MEA1...): a file, - for standard input, or the text",
        ),
        "request" => (
            "permintaan bergabung (MEJ1...): berkas, - untuk masukan standar, atau teksnya",
            "the join request (MEJ1...): a file, - for standard input, or the text",
        ),
        "fingerprint" => (
            "sidik jari yang tampil di perangkat baru; harus sama",
            "the fingerprint the new device shows; must match",
        ),
        "device" => (
            "ID perangkat (atau awalan unik 6+ karakter)",
            "device ID (or a unique 6+ character prefix)",
        ),
        "relay" => (
            "alamat relay: https://... (http:// hanya untuk 127.0.0.1 atau localhost)",
            "the relay's address: https://... (http:// only for 127.0.0.1 or localhost)",
        ),
        "for_device" => (
            "hanya yang belum dimiliki perangkat ini (bawaan: untuk seluruh tim)",
            "only what this device lacks (default: for the whole team)",
        ),
        "bundle" => ("berkas sinkronisasi", "sync file"),
        "conflict" => (
            "ID konflik (atau awalan unik 6+ karakter)",
            "conflict ID (or a unique 6+ character prefix)",
        ),
        "keep" => (
            "yang dipakai: sekarang (versi yang tersimpan) atau lain (versi yang kalah)",
            "which to keep: current (the version held) or other (the losing version)",
        ),
        "new_key" => (
            "buat kunci pemulihan baru (cadangan lama tetap memakai kunci lama)",
            "make a new recovery key (older backups keep needing the old one)",
        ),
        "backup" => ("berkas cadangan", "backup file"),
        _ => return None,
    };
    Some(t(indonesian, english))
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    let outcome = match second.as_deref() {
        Some("create") => create(args),
        Some("invite") => invite(args),
        Some("join") => join(args),
        Some("admit") => admit(args),
        Some("devices") => devices(args),
        Some("remove") => remove(args),
        _ => Err(CliError::usage(
            "team create [--role PERAN] | team invite | team join [--out BERKAS] | team admit PERMINTAAN [--fingerprint KODE] [--out BERKAS] | team join JAWABAN | team devices | team remove PERANGKAT",
            "team create [--role ROLE] | team invite | team join [--out FILE] | team admit REQUEST [--fingerprint CODE] [--out FILE] | team join ANSWER | team devices | team remove DEVICE",
        )),
    };
    outcome.map_err(not_in_team_said_plainly)
}

/// The core says a device in no team refuses a sync file; for a command that reads no
/// file (`team devices`, `sync export`) that is no refused file but a step not taken
/// yet: a failure (exit 1) that names the step.
pub fn not_in_team_said_plainly(err: CliError) -> CliError {
    match err {
        CliError::Core(migran_core::MigranError::SyncRefused {
            reason: migran_core::SyncRefusal::NotInTeam,
        }) => CliError::Failed(t(
            "perangkat ini belum masuk tim; buat tim (migran team create) atau bergabung (migran team join)",
            "this device is in no team yet; make one (migran team create) or join one (migran team join)",
        )),
        other => other,
    }
}

fn role(args: &Args) -> Result<TeamRole, CliError> {
    match args.text("role", "role")? {
        None => Ok(TeamRole::Cadre),
        Some(value) => choice(
            "role",
            &value,
            &[
                (&["cadre", "kader"], TeamRole::Cadre),
                (
                    &["officer", "village-officer", "perangkat-desa"],
                    TeamRole::Officer,
                ),
            ],
        ),
    }
}

pub fn role_label(role: TeamRole) -> Text {
    match role {
        TeamRole::Cadre => t("kader", "cadre"),
        TeamRole::Officer => t("perangkat desa", "village officer"),
    }
}

fn role_code(role: TeamRole) -> &'static str {
    match role {
        TeamRole::Cadre => "cadre",
        TeamRole::Officer => "officer",
    }
}

pub fn team_json(team: &TeamInfo) -> serde_json::Value {
    json!({
        "team_id": team.team_id,
        "device_id": team.device_id,
        "role": role_code(team.role),
        "fingerprint": team.fingerprint,
        "active_members": team.active_members,
    })
}

fn say_team(team: &TeamInfo) {
    say(
        format!("Tim: {}", team.team_id),
        format!("Team: {}", team.team_id),
    );
    say(
        format!("Perangkat ini: {} ({})", team.device_id, role_label(team.role).id),
        format!("This device: {} ({})", team.device_id, role_label(team.role).en),
    );
    say(
        format!("Anggota aktif: {}", team.active_members),
        format!("Active members: {}", team.active_members),
    );
    say(
        format!(
            "Sidik jari tim: {} (sama di layar setiap anggota)",
            team.fingerprint
        ),
        format!(
            "Team fingerprint: {} (the same on every member's screen)",
            team.fingerprint
        ),
    );
}

fn create(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["role"])?;
    args.no_words_after(2)?;
    let role = role(args)?;
    let team = open_unlocked(args)?.team_create(role)?;
    if args.json {
        print_json(&team_json(&team));
        return Ok(());
    }
    say("Tim dibuat.", "Team created.");
    say_team(&team);
    Ok(())
}

fn invite(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(2)?;
    let status = open_unlocked(args)?.sync_status()?;
    let team = status.team.ok_or(migran_core::MigranError::SyncRefused {
        reason: migran_core::SyncRefusal::NotInTeam,
    })?;
    if args.json {
        print_json(&team_json(&team));
        return Ok(());
    }
    say_team(&team);
    say(
        "Untuk menambah perangkat:\n  1. di perangkat baru: migran team join --out permintaan.txt (atau tampilkan sebagai kode QR)\n  2. di sini, setelah sidik jari permintaan dibacakan: migran team admit permintaan.txt --fingerprint KODE --out jawaban.txt\n  3. di perangkat baru: migran team join jawaban.txt, lalu cocokkan sidik jari tim di atas\n  4. kirim berkas sinkronisasi: migran sync export --out tim.bundle",
        "To add a device:\n  1. on the new device: migran team join --out request.txt (or show it as a QR code)\n  2. here, once the request's fingerprint is read out: migran team admit request.txt --fingerprint CODE --out answer.txt\n  3. on the new device: migran team join answer.txt, then compare the team fingerprint above\n  4. send it a sync file: migran sync export --out team.bundle",
    );
    Ok(())
}

/// The largest enrolment text read: a request is about 130 characters, an answer a few
/// hundred bytes per member.
const MAX_EXCHANGE_BYTES: u64 = 1 << 20;

/// An enrolment text from the word given: the text itself (`MEJ1...`/`MEA1...`), standard
/// input (`-`) or a file.
fn read_exchange(word: &str, field: &str) -> Result<String, CliError> {
    if (word.starts_with("MEJ1") || word.starts_with("MEA1")) && !Path::new(word).exists() {
        return Ok(word.trim().to_string());
    }
    let bytes = if word == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_EXCHANGE_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|_| unreadable(word))?;
        bytes
    } else {
        read_at_most(word, MAX_EXCHANGE_BYTES)?
    };
    String::from_utf8(bytes)
        .map(|text| text.trim().to_string())
        .map_err(|_| {
            CliError::Core(migran_core::MigranError::Invalid {
                field: field.to_string(),
                reason: migran_core::InvalidReason::BadCharacters,
            })
        })
}

/// A file's bytes, at most `max` + 1 of them: a caller that gets more than `max` knows the
/// file is too large without having read it all.
pub fn read_at_most(path: &str, max: u64) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(max + 1).read_to_end(&mut bytes))
        .map_err(|_| unreadable(path))?;
    Ok(bytes)
}

fn unreadable(path: &str) -> CliError {
    CliError::Failed(t(
        format!("{path} tidak dapat dibaca"),
        format!("{path} cannot be read"),
    ))
}

fn out_path(args: &Args) -> Result<Option<std::path::PathBuf>, CliError> {
    Ok(args.text("out", "out")?.map(std::path::PathBuf::from))
}

fn join(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["out", "force"])?;
    args.no_words_after(3)?;
    match args.words.get(2) {
        Some(word) => {
            if args.has("out") {
                return Err(CliError::usage(
                    "--out hanya untuk permintaan bergabung (tanpa JAWABAN)",
                    "--out is for the join request only (without ANSWER)",
                ));
            }
            let answer = read_exchange(&utf8(word, "answer")?, "answer")?;
            accept(args, answer)
        }
        None => request(args),
    }
}

fn request(args: &Args) -> Result<(), CliError> {
    let out = out_path(args)?;
    if let Some(path) = &out {
        refuse_existing(path, args.flag("force"))?;
    }
    let request = open_unlocked(args)?.team_join_request()?;
    hand_over_request(
        args,
        out.as_deref(),
        &request.text,
        &request.fingerprint,
        t(
            format!(
                "Sidik jari: {}. Bacakan kepada anggota tim yang menerima perangkat ini; di layarnya harus sama.",
                request.fingerprint
            ),
            format!(
                "Fingerprint: {}. Read it out to the team member who admits this device; their screen must show the same.",
                request.fingerprint
            ),
        ),
        |path| {
            t(
                format!("Permintaan bergabung ditulis ke {} (tidak rahasia).", path.display()),
                format!("Join request written to {} (nothing secret in it).", path.display()),
            )
        },
    )
}

/// Hands over a request (to join a team, to link a phone; nothing secret in it): into
/// `out` when given, else alone on standard output, for a QR code (`| qrencode`); and the
/// fingerprint to read out, which the answering screen must show the same.
pub fn hand_over_request(
    args: &Args,
    out: Option<&Path>,
    text: &str,
    fingerprint: &str,
    read_out: Text,
    written_to: impl Fn(&Path) -> Text,
) -> Result<(), CliError> {
    if let Some(path) = out {
        write_export(path, format!("{text}\n").as_bytes(), args.flag("force"))?;
    }
    if args.json {
        print_json(&json!({
            "request": text,
            "fingerprint": fingerprint,
            "out": out.map(|p| p.display().to_string()),
        }));
        return Ok(());
    }
    match out {
        Some(path) => {
            outln!("{}", written_to(path).get());
            outln!("{}", read_out.get());
        }
        None => {
            outln!("{text}");
            eprintln!("{}", read_out.get());
        }
    }
    Ok(())
}

fn accept(args: &Args, answer: String) -> Result<(), CliError> {
    let team = open_unlocked(args)?.team_accept(answer)?;
    if args.json {
        print_json(&team_json(&team));
        return Ok(());
    }
    say("Perangkat ini sudah masuk tim.", "This device joined the team.");
    say_team(&team);
    say(
        "Cocokkan sidik jari tim dengan layar anggota yang menerima Anda. Data datang dengan berkas sinkronisasi pertama: migran sync import BERKAS",
        "Compare the team fingerprint with the admitting member's screen. The register comes with the first sync file: migran sync import FILE",
    );
    Ok(())
}

/// Fingerprints as people type them: case, spaces and dashes do not matter.
fn same_fingerprint(a: &str, b: &str) -> bool {
    let normal = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    normal(a) == normal(b)
}

fn admit(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["role", "fingerprint", "out", "force", "yes"])?;
    args.no_words_after(3)?;
    let role = role(args)?;
    let word = args.word(2, "request")?;
    if word == "-" && !args.has("fingerprint") && !args.flag("yes") {
        // Standard input carries the request, so it cannot carry the answer to the question.
        return Err(CliError::usage(
            "permintaan dari masukan standar (-) perlu --fingerprint KODE",
            "a request from standard input (-) needs --fingerprint CODE",
        ));
    }
    let request = read_exchange(&word, "request")?;
    let fingerprint = join_request_fingerprint(request.clone())?;
    let out = out_path(args)?;
    if let Some(path) = &out {
        refuse_existing(path, args.flag("force"))?;
    }
    match args.text("fingerprint", "fingerprint")? {
        Some(typed) if !same_fingerprint(&typed, &fingerprint) => {
            return Err(CliError::Refused(t(
                format!("sidik jari permintaan adalah {fingerprint}, bukan yang diketik; perangkat tidak diterima"),
                format!("the request's fingerprint is {fingerprint}, not the one typed; the device was not admitted"),
            )));
        }
        Some(_) => {}
        None => {
            eprintln!(
                "{}",
                t(
                    format!("Sidik jari permintaan: {fingerprint}"),
                    format!("Request fingerprint: {fingerprint}")
                )
                .get()
            );
            confirm(
                args,
                &t(
                    "Apakah layar perangkat baru menampilkan sidik jari yang sama? (ya/tidak)",
                    "Does the new device's screen show the same fingerprint? (yes/no)",
                ),
            )
            .map_err(|_| {
                CliError::Failed(t(
                    "dibatalkan; perangkat tidak diterima",
                    "cancelled; the device was not admitted",
                ))
            })?;
        }
    }
    let answer = open_unlocked(args)?.team_admit(request, role)?;
    if let Some(path) = &out {
        write_export(path, format!("{answer}\n").as_bytes(), args.flag("force"))?;
    }
    if args.json {
        print_json(&json!({
            "answer": answer,
            "request_fingerprint": fingerprint,
            "role": role_code(role),
            "out": out.as_ref().map(|p| p.display().to_string()),
        }));
        return Ok(());
    }
    let next = t(
        "Perangkat diterima. Di perangkat baru: migran team join JAWABAN, lalu kirim berkas sinkronisasi (migran sync export).",
        "Device admitted. On the new device: migran team join ANSWER, then send it a sync file (migran sync export).",
    );
    match &out {
        Some(path) => {
            say(
                format!(
                    "Jawaban ditulis ke {} (kunci tim di dalamnya hanya dapat dibuka perangkat itu).",
                    path.display()
                ),
                format!(
                    "Answer written to {} (the team key in it opens on that device only).",
                    path.display()
                ),
            );
            outln!("{}", next.get());
        }
        None => {
            outln!("{answer}");
            eprintln!("{}", next.get());
        }
    }
    Ok(())
}

/// A device named by its full id or a unique prefix of six or more characters.
pub fn resolve_device(vault: &Vault, reference: &str) -> Result<TeamDevice, CliError> {
    let reference = reference.trim().to_lowercase();
    let devices = vault.team_devices()?;
    let matching: Vec<&TeamDevice> = devices
        .iter()
        .filter(|device| {
            device.device_id == reference
                || (reference.len() >= 6 && device.device_id.starts_with(&reference))
        })
        .collect();
    match matching.as_slice() {
        [device] => Ok((*device).clone()),
        [] => Err(CliError::Refused(t(
            "tidak ada perangkat tim dengan ID itu (lihat 'migran team devices')",
            "no team device has that ID (see 'migran team devices')",
        ))),
        _ => Err(CliError::usage(
            "awalan ID perangkat cocok dengan lebih dari satu perangkat; ketik lebih panjang",
            "the device ID prefix matches more than one device; type more of it",
        )),
    }
}

fn devices(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(2)?;
    let devices = open_unlocked(args)?.team_devices()?;
    if args.json {
        let list: Vec<_> = devices
            .iter()
            .map(|device| {
                json!({
                    "device_id": device.device_id,
                    "role": role_code(device.role),
                    "admitted_by": device.admitted_by,
                    "removed": device.removed,
                    "this_device": device.this_device,
                })
            })
            .collect();
        print_json(&json!(list));
        return Ok(());
    }
    let headers = [
        t("ID perangkat", "Device ID"),
        t("Peran", "Role"),
        t("Diterima oleh", "Admitted by"),
        t("Keadaan", "State"),
    ]
    .iter()
    .map(|h| h.get().to_string())
    .collect::<Vec<_>>();
    let rows: Vec<Vec<String>> = devices
        .iter()
        .map(|device| {
            let state = if device.removed {
                t("dikeluarkan", "removed")
            } else if device.this_device {
                t("perangkat ini", "this device")
            } else {
                t("aktif", "active")
            };
            vec![
                device.device_id.clone(),
                role_label(device.role).get().to_string(),
                device.admitted_by.clone(),
                state.get().to_string(),
            ]
        })
        .collect();
    print_table(&headers, &rows);
    Ok(())
}

fn remove(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["yes"])?;
    args.no_words_after(3)?;
    let reference = args.word(2, "device")?;
    let vault = open_unlocked(args)?;
    let device = resolve_device(&vault, &reference)?;
    confirm(
        args,
        &t(
            format!(
                "Keluarkan perangkat {} dari tim? Ia tidak akan menerima data baru lagi. (ya/tidak)",
                device.device_id
            ),
            format!(
                "Remove device {} from the team? It will receive nothing new. (yes/no)",
                device.device_id
            ),
        ),
    )
    .map_err(|_| {
        CliError::Failed(t(
            "dibatalkan; perangkat tetap anggota",
            "cancelled; the device stays a member",
        ))
    })?;
    vault.team_remove(device.device_id.clone())?;
    if args.json {
        print_json(&json!({ "removed": device.device_id }));
        return Ok(());
    }
    say(
        format!(
            "Perangkat {} dikeluarkan; kunci tim diganti. Kirim berkas sinkronisasi ke anggota lain agar mereka tahu.",
            device.device_id
        ),
        format!(
            "Device {} removed; the team key was replaced. Send a sync file to the other members so that they know.",
            device.device_id
        ),
    );
    Ok(())
}
