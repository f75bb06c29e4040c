//! `migran role ...` and `migran follow ...`: the migrant's and the family's own phones,
//! linked to the team for one person (issue 18; docs/follow.md).
//!
//! On the follower's phone: `role set`, `follow request` (the `MEL1` text and its
//! fingerprint), `follow accept` (the cadre's `MEK1` package), `follow view-import`,
//! `follow show`, `follow events-export` (the migrant's alerts for the team) and
//! `follow forget`. On a cadre's device: `follow link`, `follow links`, `follow end`,
//! `follow view-export`, `follow events-import`, `follow alerts` and `follow ack`. On
//! both, `follow sync --relay URL`: the same views and events through the team's relay
//! (`core/src/follow/relay.rs`), the side chosen by the device's role.
//! Files are written as the team's sync files are (`files::write_export`: owner-only,
//! whole or not at all) and read with a bound (`files::read_bounded`).

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use migran_core::{
    follow_request_fingerprint, CardContact, CardContactRole, DeviceRole, FamilyFollowView, FollowAlert,
    FollowKind, FollowLink, FollowedLink, InvalidReason, LinkEndReason, MigranError, MigrantFollowView,
    SyncRefusal, MAX_BUNDLE_BYTES,
};
use serde_json::{json, Value};

use crate::args::{utf8, Args};
use crate::commands::{choice, confirm, open_unlocked, open_with_person, say};
use crate::files::{refuse_existing, write_export};
use crate::i18n::{locale, t, Text};
use crate::output::{outln, print_json, print_table};
use crate::team::{hand_over_request, not_in_team_said_plainly, read_at_most};
use crate::CliError;

/// The grammar of `migran role` (declared here, registered in `grammar`).
#[derive(clap::Args)]
#[allow(dead_code)] // The fields declare the grammar; the values are read through `Args`.
pub struct Role {
    #[command(subcommand)]
    command: Option<RoleSet>,
}

/// `migran role set ROLE`.
#[derive(Subcommand)]
#[allow(dead_code)]
pub enum RoleSet {
    Set {
        #[arg(value_name = "ROLE")]
        device_role: Option<OsString>,
    },
}

/// The grammar of `migran follow`.
#[derive(Subcommand)]
#[allow(dead_code)]
pub enum Follow {
    Request {
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long)]
        force: bool,
    },
    Link {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long = "kind", id = "follow_kind", value_name = "KIND")]
        kind: Option<OsString>,
        #[arg(long = "request", id = "follow_request", value_name = "REQUEST")]
        request: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        cadre_name: Option<OsString>,
        #[arg(long, value_name = "PHONE")]
        cadre_phone: Option<OsString>,
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long)]
        force: bool,
    },
    Accept {
        #[arg(id = "follow_package", value_name = "FILE")]
        package: Option<OsString>,
    },
    Links {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
    },
    End {
        #[arg(id = "follow_link", value_name = "LINK_ID")]
        link: Option<OsString>,
        #[arg(long = "reason", id = "end_reason", value_name = "REASON")]
        reason: Option<OsString>,
    },
    ViewExport {
        #[arg(id = "follow_link", value_name = "LINK_ID")]
        link: Option<OsString>,
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long)]
        force: bool,
    },
    ViewImport {
        #[arg(value_name = "FILE")]
        file: Option<OsString>,
    },
    Show,
    EventsExport {
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long)]
        force: bool,
    },
    EventsImport {
        #[arg(value_name = "FILE")]
        file: Option<OsString>,
    },
    Alerts {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
    },
    Ack {
        #[arg(id = "follow_alert", value_name = "ALERT_ID")]
        alert: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        by: Option<OsString>,
    },
    Forget {
        #[arg(long)]
        yes: bool,
    },
    Sync {
        #[arg(long, value_name = "ADDRESS")]
        relay: Option<OsString>,
    },
}

/// The help's words for `role ...` and `follow ...` (`help` asks here first).
pub fn about(path: &str) -> Option<Text> {
    let (id, en) = match path {
        "role" => (
            "peran perangkat ini: kader, perangkat desa, HP pekerja migran, atau HP keluarga",
            "what this device is for: a cadre's, the village officer's, the migrant's phone or the family's phone",
        ),
        "role set" => (
            "pilih peran perangkat ini (kader, perangkat-desa, migran, keluarga)",
            "choose what this device is for (cadre, officer, migrant, family)",
        ),
        "follow" => (
            "tautan ikuti: HP pekerja migran dan HP keluarga ditautkan ke tim untuk satu orang saja",
            "follow links: the migrant's and the family's own phones, linked to the team for one person only",
        ),
        "follow request" => (
            "di HP yang ingin mengikuti: tulis permintaan tautan (MEL1...) dan sidik jarinya",
            "on the phone that wants to follow: write its link request (MEL1...) and its fingerprint",
        ),
        "follow link" => (
            "tautkan HP itu ke satu orang setelah sidik jarinya dicocokkan; menulis paket untuknya",
            "link that phone to one person once its fingerprint is compared; writes the package for it",
        ),
        "follow accept" => (
            "di HP yang mengikuti: terima paket dari kader (MEK1...)",
            "on the following phone: accept the cadre's package (MEK1...)",
        ),
        "follow links" => (
            "tautan ikuti milik satu orang, termasuk yang sudah diakhiri",
            "one person's follow links, ended ones included",
        ),
        "follow end" => (
            "akhiri tautan seketika (persetujuan dicabut, HP hilang, tidak diperlukan lagi)",
            "end a link at once (consent withdrawn, phone lost, no longer needed)",
        ),
        "follow view-export" => (
            "tulis tampilan terbaru untuk HP tautan itu (tersegel dengan kunci tautan)",
            "write the latest view for the link's phone (sealed with the link key)",
        ),
        "follow view-import" => (
            "di HP yang mengikuti: terima tampilan yang lebih baru",
            "on the following phone: take in a newer view",
        ),
        "follow show" => (
            "di HP yang mengikuti: tampilan keluarga atau tampilan pekerja migran",
            "on the following phone: the family's or the migrant's view",
        ),
        "follow events-export" => (
            "di HP pekerja migran: tulis peringatan dan lapor aman yang terlewat untuk tim",
            "on the migrant's phone: write its alerts and missed check-ins for the team",
        ),
        "follow events-import" => (
            "terima berkas peringatan dari HP pekerja migran: masuk ke agenda",
            "take in the migrant phone's alerts file: they lead the agenda",
        ),
        "follow alerts" => (
            "peringatan dari HP pekerja migran, terbaru dulu",
            "alerts from migrants' phones, newest first",
        ),
        "follow ack" => (
            "catat bahwa tim menanggapi peringatan; HP pekerja migran melihatnya di tampilan berikut",
            "record that the team answered an alert; the migrant's phone sees it in the next view",
        ),
        "follow forget" => (
            "di HP yang mengikuti: lupakan tautan dan tampilannya",
            "on the following phone: forget the link and its view",
        ),
        "follow sync" => (
            "lewat relay (--relay ALAMAT): di perangkat kader mengirim tampilan dan mengambil peringatan semua tautan; di HP yang mengikuti mengirim peringatannya dan mengambil tampilan terbaru",
            "through the relay (--relay ADDRESS): on a cadre's device puts every link's view and takes the alerts; on a following phone sends its alerts and takes the newest view",
        ),
        _ => return None,
    };
    Some(t(id, en))
}

/// Help for the options and words only `role` and `follow` have.
pub fn arg_help(id: &str) -> Option<Text> {
    let (indonesian, english) = match id {
        "device_role" => (
            "peran: kader, perangkat-desa, migran, keluarga",
            "role: cadre, officer, migrant, family",
        ),
        "follow_kind" => (
            "untuk siapa: migran (HP orang itu sendiri) atau keluarga (perlu persetujuan berbagi dengan keluarga)",
            "for whom: migrant (the person's own phone) or family (needs consent to share with family)",
        ),
        "follow_request" => (
            "permintaan tautan (MEL1...): berkas, - untuk masukan standar, atau teksnya",
            "the link request (MEL1...): a file, - for standard input, or the text",
        ),
        "cadre_name" => (
            "nama kader untuk kartu darurat pekerja migran (bersama --cadre-phone)",
            "the cadre's name for the migrant's emergency card (with --cadre-phone)",
        ),
        "cadre_phone" => (
            "nomor telepon kader untuk kartu darurat (bersama --cadre-name)",
            "the cadre's phone number for the emergency card (with --cadre-name)",
        ),
        "follow_package" => (
            "paket dari kader (MEK1...): berkas, - untuk masukan standar, atau teksnya",
            "the cadre's package (MEK1...): a file, - for standard input, or the text",
        ),
        "follow_link" => ("ID tautan (lihat 'migran follow links')", "link ID (see 'migran follow links')"),
        "end_reason" => (
            "alasan: persetujuan-dicabut, hp-hilang, tidak-diperlukan",
            "reason: consent-withdrawn, phone-lost, no-longer-needed",
        ),
        "follow_alert" => (
            "ID peringatan (lihat 'migran follow alerts')",
            "alert ID (see 'migran follow alerts')",
        ),
        _ => return None,
    };
    Some(t(indonesian, english))
}

/// `migran role [set ROLE]`.
pub fn run_role(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        None => show_role(args),
        Some("set") => set_role(args),
        _ => Err(CliError::usage(
            "role | role set kader|perangkat-desa|migran|keluarga",
            "role | role set cadre|officer|migrant|family",
        )),
    }
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    let outcome = match second.as_deref() {
        Some("request") => request(args),
        Some("link") => link(args),
        Some("accept") => accept(args),
        Some("links") => links(args),
        Some("end") => end(args),
        Some("view-export") => view_export(args),
        Some("view-import") => view_import(args),
        Some("show") => show(args),
        Some("events-export") => events_export(args),
        Some("events-import") => events_import(args),
        Some("alerts") => alerts(args),
        Some("ack") => acknowledge(args),
        Some("forget") => forget(args),
        Some("sync") => sync_relay(args),
        _ => Err(CliError::usage(
            "follow request | follow link ORANG --kind migran|keluarga --request PERMINTAAN --out BERKAS | follow accept BERKAS | follow links ORANG | follow end ID_TAUTAN --reason ALASAN | follow view-export ID_TAUTAN --out BERKAS | follow view-import BERKAS | follow show | follow events-export --out BERKAS | follow events-import BERKAS | follow alerts [ORANG] | follow ack ID_PERINGATAN --by NAMA | follow forget | follow sync --relay ALAMAT",
            "follow request | follow link PERSON --kind migrant|family --request REQUEST --out FILE | follow accept FILE | follow links PERSON | follow end LINK_ID --reason REASON | follow view-export LINK_ID --out FILE | follow view-import FILE | follow show | follow events-export --out FILE | follow events-import FILE | follow alerts [PERSON] | follow ack ALERT_ID --by NAME | follow forget | follow sync --relay ADDRESS",
        )),
    };
    outcome
        .map_err(not_in_team_said_plainly)
        .map_err(not_following_said_plainly)
}

/// A phone that follows no one, asked for its view or its events, has not taken a step
/// yet: a failure (exit 1) that names the step, not a refused file (exit 7). A file it
/// was given keeps the core's refusal.
fn not_following_said_plainly(err: CliError) -> CliError {
    match err {
        CliError::Core(MigranError::SyncRefused {
            reason: SyncRefusal::NotFollowing,
        }) => CliError::Failed(t(
            "HP ini belum mengikuti siapa pun; tulis permintaan (migran follow request), lalu terima paket dari kader (migran follow accept BERKAS)",
            "this phone follows no one yet; write a request (migran follow request), then accept the cadre's package (migran follow accept FILE)",
        )),
        other => other,
    }
}

fn role_label(role: DeviceRole) -> Text {
    match role {
        DeviceRole::Cadre => t("kader", "cadre"),
        DeviceRole::Officer => t("perangkat desa", "village officer"),
        DeviceRole::Migrant => t("HP pekerja migran", "the migrant's phone"),
        DeviceRole::Family => t("HP keluarga", "the family's phone"),
    }
}

fn role_code(role: DeviceRole) -> &'static str {
    match role {
        DeviceRole::Cadre => "cadre",
        DeviceRole::Officer => "officer",
        DeviceRole::Migrant => "migrant",
        DeviceRole::Family => "family",
    }
}

fn show_role(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(1)?;
    let role = open_unlocked(args)?.device_role()?;
    if args.json {
        print_json(&json!({ "role": role.map(role_code) }));
        return Ok(());
    }
    match role {
        Some(role) => say(
            format!("Peran perangkat ini: {}", role_label(role).id),
            format!("This device's role: {}", role_label(role).en),
        ),
        None => say(
            "Peran perangkat ini belum dipilih: migran role set kader|perangkat-desa|migran|keluarga",
            "This device's role is not chosen yet: migran role set cadre|officer|migrant|family",
        ),
    }
    Ok(())
}

fn set_role(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let typed = args.word(2, "role")?;
    let role = choice(
        "role",
        &typed,
        &[
            (&["cadre", "kader"], DeviceRole::Cadre),
            (
                &["officer", "village-officer", "perangkat-desa"],
                DeviceRole::Officer,
            ),
            (&["migrant", "migran", "pmi"], DeviceRole::Migrant),
            (&["family", "keluarga"], DeviceRole::Family),
        ],
    )?;
    let role = open_unlocked(args)?.set_device_role(role).map_err(|err| match err {
        MigranError::Invalid { ref field, .. } if field == "role" => CliError::Refused(t(
            "perangkat dalam tim adalah perangkat kader atau perangkat desa, dan HP yang mengikuti tautan tetap pada jenis tautannya",
            "a device in a team is a cadre's or an officer's, and a phone following a link keeps that link's kind",
        )),
        other => CliError::Core(other),
    })?;
    if args.json {
        print_json(&json!({ "role": role_code(role) }));
        return Ok(());
    }
    say(
        format!("Peran perangkat ini: {}.", role_label(role).id),
        format!("This device's role: {}.", role_label(role).en),
    );
    Ok(())
}

/// The largest request or package read: a request is about 130 characters, a package a
/// few KiB (a certificate per team member and the first view).
const MAX_EXCHANGE_BYTES: u64 = MAX_BUNDLE_BYTES as u64;

/// A request or package from the word given: the text itself (`MEL1...`/`MEK1...`),
/// standard input (`-`) or a file.
fn read_exchange(word: &str, prefix: &str, field: &str) -> Result<String, CliError> {
    if word.starts_with(prefix) && !Path::new(word).exists() {
        return Ok(word.trim().to_string());
    }
    let bytes = if word == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_EXCHANGE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| CliError::Other("stdin".to_string()))?;
        bytes
    } else {
        read_at_most(word, MAX_EXCHANGE_BYTES)?
    };
    too_large_refused(&bytes)?;
    String::from_utf8(bytes)
        .map(|text| text.trim().to_string())
        .map_err(|_| {
            CliError::Core(MigranError::Invalid {
                field: field.to_string(),
                reason: InvalidReason::BadCharacters,
            })
        })
}

/// A view or events file, refused (as a sync file is) when larger than any can be,
/// before it is read whole.
fn read_follow_file(path: &str) -> Result<Vec<u8>, CliError> {
    let bytes = read_at_most(path, MAX_EXCHANGE_BYTES)?;
    too_large_refused(&bytes)?;
    Ok(bytes)
}

fn too_large_refused(bytes: &[u8]) -> Result<(), CliError> {
    if bytes.len() as u64 > MAX_EXCHANGE_BYTES {
        return Err(MigranError::SyncRefused {
            reason: SyncRefusal::Format,
        }
        .into());
    }
    Ok(())
}

/// `--out`, refused before any PIN is asked when it exists (unless `--force`).
fn out_file(args: &Args, required: bool) -> Result<Option<PathBuf>, CliError> {
    let out = match required {
        true => Some(args.required("out", "out")?),
        false => args.text("out", "out")?,
    };
    let out = out.map(PathBuf::from);
    if let Some(path) = &out {
        refuse_existing(path, args.flag("force"))?;
    }
    Ok(out)
}

fn request(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["out", "force"])?;
    args.no_words_after(2)?;
    let out = out_file(args, false)?;
    let request = open_unlocked(args)?.follow_request()?;
    hand_over_request(
        args,
        out.as_deref(),
        &request.text,
        &request.fingerprint,
        t(
            format!(
                "Sidik jari: {}. Bacakan kepada kader yang menautkan HP ini; di layarnya harus sama.",
                request.fingerprint
            ),
            format!(
                "Fingerprint: {}. Read it out to the cadre who links this phone; their screen must show the same.",
                request.fingerprint
            ),
        ),
        |path| {
            t(
                format!("Permintaan tautan ditulis ke {} (tidak rahasia).", path.display()),
                format!("Link request written to {} (nothing secret in it).", path.display()),
            )
        },
    )
}

fn kind_label(kind: FollowKind) -> Text {
    match kind {
        FollowKind::Migrant => t("HP pekerja migran", "the migrant's phone"),
        FollowKind::Family => t("HP keluarga", "the family's phone"),
    }
}

fn kind_code(kind: FollowKind) -> &'static str {
    match kind {
        FollowKind::Migrant => "migrant",
        FollowKind::Family => "family",
    }
}

fn reason_code(reason: LinkEndReason) -> &'static str {
    match reason {
        LinkEndReason::ConsentWithdrawn => "consent-withdrawn",
        LinkEndReason::PhoneLost => "phone-lost",
        LinkEndReason::NoLongerNeeded => "no-longer-needed",
    }
}

fn reason_label(reason: LinkEndReason) -> Text {
    match reason {
        LinkEndReason::ConsentWithdrawn => t("persetujuan dicabut", "consent withdrawn"),
        LinkEndReason::PhoneLost => t("HP hilang", "phone lost"),
        LinkEndReason::NoLongerNeeded => t("tidak diperlukan lagi", "no longer needed"),
    }
}

fn link_json(link: &FollowLink) -> Value {
    json!({
        "link_id": link.link_id,
        "person_id": link.person_id,
        "kind": kind_code(link.kind),
        "device_id": link.device_id,
        "created_at": link.created_at,
        "created_by": link.created_by,
        "ended_at": link.ended_at,
        "end_reason": link.end_reason.map(reason_code),
        "views_sent": link.views_sent,
    })
}

fn followed_json(link: &FollowedLink) -> Value {
    json!({
        "link_id": link.link_id,
        "kind": kind_code(link.kind),
        "team_fingerprint": link.team_fingerprint,
        "view_number": link.view_number,
        "view_made_at": link.view_made_at,
        "received_at": link.received_at,
    })
}

fn link(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["kind", "request", "cadre-name", "cadre-phone", "out", "force"])?;
    args.no_words_after(3)?;
    let reference = args.word(2, "person")?;
    let kind = choice(
        "kind",
        &args.required("kind", "kind")?,
        &[
            (&["migrant", "migran", "pmi"], FollowKind::Migrant),
            (&["family", "keluarga"], FollowKind::Family),
        ],
    )?;
    let cadre_contact = match (
        args.text("cadre-name", "name")?,
        args.text("cadre-phone", "phone")?,
    ) {
        (Some(name), Some(phone)) => Some(CardContact {
            name,
            phone,
            role: CardContactRole::Cadre,
        }),
        (None, None) => None,
        _ => {
            return Err(CliError::usage(
                "--cadre-name dan --cadre-phone diberikan bersama",
                "--cadre-name and --cadre-phone go together",
            ))
        }
    };
    let request = read_exchange(&args.required("request", "request")?, "MEL1", "request")?;
    let fingerprint = follow_request_fingerprint(request.clone())?;
    let out = out_file(args, true)?.unwrap_or_default();
    let (vault, person_id) = open_with_person(args, &reference)?;
    let package = vault.follow_link(person_id, kind, request, cadre_contact)?;
    write_export(&out, format!("{}\n", package.text).as_bytes(), args.flag("force"))?;
    if args.json {
        print_json(&json!({
            "link": link_json(&package.link),
            "request_fingerprint": fingerprint,
            "out": out.display().to_string(),
        }));
        return Ok(());
    }
    say(
        format!("Sidik jari permintaan: {fingerprint} (harus sama dengan layar HP itu)"),
        format!("Request fingerprint: {fingerprint} (must be the same as on that phone's screen)"),
    );
    say(
        format!(
            "Tautan {} dibuat untuk {}.",
            package.link.link_id,
            kind_label(kind).id
        ),
        format!("Link {} made for {}.", package.link.link_id, kind_label(kind).en),
    );
    say(
        format!(
            "Paket ditulis ke {} (kunci tautan di dalamnya hanya dapat dibuka HP itu). Di HP itu: migran follow accept BERKAS",
            out.display()
        ),
        format!(
            "Package written to {} (the link key in it opens on that phone only). On that phone: migran follow accept FILE",
            out.display()
        ),
    );
    Ok(())
}

fn say_followed(link: &FollowedLink) {
    say(
        format!("Tautan: {} ({})", link.link_id, kind_label(link.kind).id),
        format!("Link: {} ({})", link.link_id, kind_label(link.kind).en),
    );
    say(
        format!(
            "Tampilan ke-{}, dibuat {}, diterima {}",
            link.view_number, link.view_made_at, link.received_at
        ),
        format!(
            "View number {}, made {}, received {}",
            link.view_number, link.view_made_at, link.received_at
        ),
    );
}

fn accept(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let package = read_exchange(&args.word(2, "package")?, "MEK1", "package")?;
    let followed = open_unlocked(args)?.follow_accept(package)?;
    if args.json {
        print_json(&followed_json(&followed));
        return Ok(());
    }
    say(
        "HP ini sekarang mengikuti tautan.",
        "This phone now follows the link.",
    );
    say_followed(&followed);
    say(
        format!(
            "Sidik jari tim: {} (cocokkan dengan layar kader: migran team invite)",
            followed.team_fingerprint
        ),
        format!(
            "Team fingerprint: {} (compare it with the cadre's screen: migran team invite)",
            followed.team_fingerprint
        ),
    );
    Ok(())
}

fn links(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let reference = args.word(2, "person")?;
    let (vault, person_id) = open_with_person(args, &reference)?;
    let links = vault.follow_links(person_id)?;
    if args.json {
        print_json(&json!(links.iter().map(link_json).collect::<Vec<_>>()));
        return Ok(());
    }
    if links.is_empty() {
        say("Belum ada tautan ikuti.", "No follow links yet.");
        return Ok(());
    }
    let headers = [
        t("ID tautan", "Link ID"),
        t("Untuk", "For"),
        t("Dibuat", "Made"),
        t("Tampilan", "Views"),
        t("Keadaan", "State"),
    ]
    .iter()
    .map(|h| h.get().to_string())
    .collect::<Vec<_>>();
    let rows: Vec<Vec<String>> = links
        .iter()
        .map(|link| {
            let state = match (&link.ended_at, link.end_reason) {
                (Some(at), Some(reason)) => t(
                    format!("diakhiri {at} ({})", reason_label(reason).id),
                    format!("ended {at} ({})", reason_label(reason).en),
                ),
                (Some(at), None) => t(format!("diakhiri {at}"), format!("ended {at}")),
                (None, _) => t("aktif", "active"),
            };
            vec![
                link.link_id.clone(),
                kind_label(link.kind).get().to_string(),
                link.created_at.clone(),
                link.views_sent.to_string(),
                state.get().to_string(),
            ]
        })
        .collect();
    print_table(&headers, &rows);
    Ok(())
}

fn end(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["reason"])?;
    args.no_words_after(3)?;
    let link_id = args.word(2, "link")?.trim().to_lowercase();
    let reason = choice(
        "reason",
        &args.required("reason", "reason")?,
        &[
            (
                &["consent-withdrawn", "persetujuan-dicabut"],
                LinkEndReason::ConsentWithdrawn,
            ),
            (&["phone-lost", "hp-hilang"], LinkEndReason::PhoneLost),
            (
                &["no-longer-needed", "tidak-diperlukan"],
                LinkEndReason::NoLongerNeeded,
            ),
        ],
    )?;
    let link = open_unlocked(args)?.end_follow_link(link_id, reason)?;
    if args.json {
        print_json(&link_json(&link));
        return Ok(());
    }
    say(
        format!(
            "Tautan {} diakhiri ({}): tidak ada lagi tampilan untuknya, dan berkas darinya ditolak. Kirim berkas sinkronisasi ke anggota tim lain agar mereka tahu.",
            link.link_id,
            reason_label(reason).id
        ),
        format!(
            "Link {} ended ({}): no view is made for it any more and its files are refused. Send a sync file to the other team members so that they know.",
            link.link_id,
            reason_label(reason).en
        ),
    );
    Ok(())
}

fn view_export(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["out", "force"])?;
    args.no_words_after(3)?;
    let link_id = args.word(2, "link")?.trim().to_lowercase();
    let out = out_file(args, true)?.unwrap_or_default();
    let view = open_unlocked(args)?.follow_view_export(link_id.clone())?;
    write_export(&out, &view, args.flag("force"))?;
    if args.json {
        print_json(&json!({
            "link_id": link_id,
            "out": out.display().to_string(),
            "bytes": view.len(),
        }));
        return Ok(());
    }
    say(
        format!(
            "Tampilan untuk tautan {link_id} ditulis ke {} ({} bita), tersegel dengan kunci tautan. Di HP itu: migran follow view-import BERKAS",
            out.display(),
            view.len()
        ),
        format!(
            "View for link {link_id} written to {} ({} bytes), sealed with the link key. On that phone: migran follow view-import FILE",
            out.display(),
            view.len()
        ),
    );
    Ok(())
}

fn view_import(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let view = read_follow_file(&args.word(2, "file")?)?;
    let followed = open_unlocked(args)?.follow_view_import(view)?;
    if args.json {
        print_json(&followed_json(&followed));
        return Ok(());
    }
    say("Tampilan baru diterima.", "New view received.");
    say_followed(&followed);
    Ok(())
}

fn show(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(2)?;
    let vault = open_unlocked(args)?;
    match vault.followed_link()?.kind {
        FollowKind::Family => {
            let view = vault.followed_family_view(locale())?;
            if args.json {
                print_json(&family_json(&view));
            } else {
                print_family(&view);
            }
        }
        FollowKind::Migrant => {
            let view = vault.followed_migrant_view(locale())?;
            if args.json {
                print_json(&migrant_json(&view));
            } else {
                print_migrant(&view);
            }
        }
    }
    Ok(())
}

fn family_json(view: &FamilyFollowView) -> Value {
    json!({
        "kind": "family",
        "link": followed_json(&view.link),
        "checklist": crate::checklist::family_json(&view.checklist),
        "alerts": view.alerts.iter().map(|alert| json!({
            "raised_on": alert.raised_on,
            "kind": crate::emergency::kind_label(alert.kind).en,
            "acknowledged": alert.acknowledged,
        })).collect::<Vec<_>>(),
    })
}

fn migrant_json(view: &MigrantFollowView) -> Value {
    json!({
        "kind": "migrant",
        "link": followed_json(&view.link),
        "checklist": crate::checklist::family_json(&view.checklist),
        "destination_country": view.destination_country,
        "departure_date": view.departure_date,
        "card": view.card.as_ref().map(|card| json!({
            "full_name": card.full_name,
            "country": card.country,
            "contacts": card.contacts.len(),
        })),
        "acknowledgements": view.acknowledgements.iter().map(|ack| json!({
            "alert_id": ack.alert_id, "by": ack.by, "at": ack.at,
        })).collect::<Vec<_>>(),
    })
}

fn print_next_steps(steps: &[String]) {
    if steps.is_empty() {
        return;
    }
    say("Langkah berikutnya:", "Next steps:");
    for step in steps {
        outln!("  - {step}");
    }
}

fn print_family(view: &FamilyFollowView) {
    crate::checklist::print_family(&view.checklist);
    print_next_steps(&view.checklist.next_steps);
    for alert in &view.alerts {
        let kind = crate::emergency::kind_label(alert.kind);
        if alert.acknowledged {
            say(
                format!(
                    "Peringatan darurat {} ({}): sudah ditanggapi kader.",
                    alert.raised_on, kind.id
                ),
                format!(
                    "Emergency alert {} ({}): the cadre answered it.",
                    alert.raised_on, kind.en
                ),
            );
        } else {
            say(
                format!(
                    "Peringatan darurat {} ({}): belum ditanggapi kader.",
                    alert.raised_on, kind.id
                ),
                format!(
                    "Emergency alert {} ({}): not answered by the cadre yet.",
                    alert.raised_on, kind.en
                ),
            );
        }
    }
    say_followed(&view.link);
}

fn print_migrant(view: &MigrantFollowView) {
    let unknown = "-".to_string();
    say(
        format!(
            "Negara tujuan: {}; berangkat: {}",
            view.destination_country.as_ref().unwrap_or(&unknown),
            view.departure_date.as_ref().unwrap_or(&unknown)
        ),
        format!(
            "Destination: {}; departure: {}",
            view.destination_country.as_ref().unwrap_or(&unknown),
            view.departure_date.as_ref().unwrap_or(&unknown)
        ),
    );
    match &view.card {
        Some(card) => say(
            format!(
                "Kartu darurat: {} ({}), {} kontak; tombol darurat memakainya (migran emergency card show)",
                card.full_name,
                card.country,
                card.contacts.len()
            ),
            format!(
                "Emergency card: {} ({}), {} contacts; the emergency button uses it (migran emergency card show)",
                card.full_name,
                card.country,
                card.contacts.len()
            ),
        ),
        None => say(
            "Kartu darurat belum ada: negara tujuan belum dicatat kader.",
            "No emergency card yet: the cadre has not recorded the destination country.",
        ),
    }
    crate::checklist::print_family(&view.checklist);
    print_next_steps(&view.checklist.next_steps);
    for ack in &view.acknowledgements {
        say(
            format!(
                "Peringatan {} ditanggapi oleh {} ({})",
                ack.alert_id, ack.by, ack.at
            ),
            format!("Alert {} acknowledged by {} ({})", ack.alert_id, ack.by, ack.at),
        );
    }
    say_followed(&view.link);
}

fn events_export(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["out", "force"])?;
    args.no_words_after(2)?;
    let out = out_file(args, true)?.unwrap_or_default();
    let events = open_unlocked(args)?.follow_events_export()?;
    write_export(&out, &events, args.flag("force"))?;
    if args.json {
        print_json(&json!({ "out": out.display().to_string(), "bytes": events.len() }));
        return Ok(());
    }
    say(
        format!(
            "Peringatan untuk tim ditulis ke {} ({} bita), tersegel dengan kunci tautan. Di perangkat kader: migran follow events-import BERKAS",
            out.display(),
            events.len()
        ),
        format!(
            "Alerts for the team written to {} ({} bytes), sealed with the link key. On the cadre's device: migran follow events-import FILE",
            out.display(),
            events.len()
        ),
    );
    Ok(())
}

fn events_import(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let events = read_follow_file(&args.word(2, "file")?)?;
    let report = open_unlocked(args)?.follow_events_import(events)?;
    if args.json {
        print_json(&json!({ "new_alerts": report.new_alerts, "updated": report.updated }));
        return Ok(());
    }
    say(
        format!(
            "Peringatan baru: {}; diperbarui: {}.",
            report.new_alerts, report.updated
        ),
        format!("New alerts: {}; updated: {}.", report.new_alerts, report.updated),
    );
    if report.new_alerts > 0 {
        say(
            "Peringatan yang belum ditanggapi tampil paling atas di agenda: migran agenda",
            "Alerts not answered yet lead the agenda: migran agenda",
        );
    }
    Ok(())
}

fn alert_json(alert: &FollowAlert) -> Value {
    json!({
        "alert_id": alert.alert_id,
        "person_id": alert.person_id,
        "link_id": alert.link_id,
        "kind": crate::emergency::kind_label(alert.kind).en,
        "raised_at": alert.raised_at,
        "missed_check_in": alert.missed_check_in,
        "location": alert.location.as_ref().map(|l| json!({"latitude": l.latitude, "longitude": l.longitude})),
        "location_at": alert.location_at,
        "stopped_at": alert.stopped_at,
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": alert.acknowledged_at,
    })
}

fn alerts(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let (vault, person_id) = match args.words.get(2) {
        Some(_) => {
            let (vault, person_id) = open_with_person(args, &args.word(2, "person")?)?;
            (vault, Some(person_id))
        }
        None => (open_unlocked(args)?, None),
    };
    let alerts = vault.follow_alerts(person_id)?;
    if args.json {
        print_json(&json!(alerts.iter().map(alert_json).collect::<Vec<_>>()));
        return Ok(());
    }
    if alerts.is_empty() {
        say(
            "Tidak ada peringatan dari HP pekerja migran.",
            "No alerts from migrants' phones.",
        );
        return Ok(());
    }
    let headers = [
        t("Dikirim", "Raised"),
        t("ID peringatan", "Alert ID"),
        t("Orang", "Person"),
        t("Jenis", "Kind"),
        t("Lokasi", "Location"),
        t("Ditanggapi", "Acknowledged"),
    ]
    .iter()
    .map(|h| h.get().to_string())
    .collect::<Vec<_>>();
    let rows: Vec<Vec<String>> = alerts
        .iter()
        .map(|alert| {
            let mut kind = crate::emergency::kind_label(alert.kind).get().to_string();
            if alert.missed_check_in {
                kind.push_str(t(" (lapor aman terlewat)", " (missed check-in)").get());
            }
            let location = alert
                .location
                .as_ref()
                .map(|l| format!("{:.5},{:.5}", l.latitude, l.longitude))
                .unwrap_or_else(|| "-".to_string());
            let acknowledged = match (&alert.acknowledged_by, &alert.acknowledged_at) {
                (Some(by), Some(at)) => format!("{by} ({at})"),
                (Some(by), None) => by.clone(),
                _ => "-".to_string(),
            };
            vec![
                alert.raised_at.clone(),
                alert.alert_id.clone(),
                crate::person::short_id(&alert.person_id).to_string(),
                kind,
                location,
                acknowledged,
            ]
        })
        .collect();
    print_table(&headers, &rows);
    Ok(())
}

fn acknowledge(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["by"])?;
    args.no_words_after(3)?;
    let alert_id = args.word(2, "alert")?.trim().to_string();
    let by = args.required("by", "name")?;
    let alert = open_unlocked(args)?.acknowledge_follow_alert(alert_id, by)?;
    if args.json {
        print_json(&alert_json(&alert));
        return Ok(());
    }
    say(
        format!(
            "Tanggapan dicatat. HP pekerja migran melihatnya di tampilan berikut: migran follow view-export {} --out BERKAS",
            alert.link_id
        ),
        format!(
            "Acknowledgement recorded. The migrant's phone sees it in the next view: migran follow view-export {} --out FILE",
            alert.link_id
        ),
    );
    Ok(())
}

fn forget(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["yes"])?;
    args.no_words_after(2)?;
    let vault = open_unlocked(args)?;
    confirm(
        args,
        &t(
            "Lupakan tautan dan tampilannya di HP ini? (ya/tidak)",
            "Forget the link and its view on this phone? (yes/no)",
        ),
    )?;
    vault.forget_followed_link()?;
    if args.json {
        print_json(&json!({ "forgotten": true }));
        return Ok(());
    }
    say(
        "Tautan dan tampilannya dihapus dari HP ini.",
        "The link and its view were removed from this phone.",
    );
    Ok(())
}

/// `migran follow sync --relay URL`: the follow links through the relay. A team device
/// (cadre or officer) serves every link of the team; a following phone serves its own.
/// The device's role says which, as it says which home the apps open on.
fn sync_relay(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["relay"])?;
    args.no_words_after(2)?;
    let url = args.required("relay", "relay")?;
    let vault = open_unlocked(args)?;
    match vault.device_role()? {
        Some(role @ (DeviceRole::Cadre | DeviceRole::Officer)) => {
            let summary = vault.follow_sync_with_relay(url.clone())?;
            say_team_relay_summary(args, role, &summary, &url);
        }
        Some(role @ (DeviceRole::Migrant | DeviceRole::Family)) => {
            let summary = vault
                .followed_sync_with_relay(url)
                .map_err(channel_not_there_yet_said_plainly)?;
            say_followed_relay_summary(args, role, &summary);
        }
        None => {
            return Err(CliError::Failed(t(
                "peran perangkat ini belum dipilih: perangkat tim membuat atau bergabung dengan tim (migran team create, migran team join); HP yang mengikuti memilih perannya (migran role set migran|keluarga) lalu menulis permintaan (migran follow request)",
                "this device's role is not chosen yet: a team device makes or joins a team (migran team create, migran team join); a following phone chooses its role (migran role set migrant|family) and then writes a request (migran follow request)",
            )))
        }
    }
    Ok(())
}

/// A follower whose channel the relay does not know yet is told `NotEnrolled`, whose
/// words ("the member that admitted it must sync") fit a team device: the step missing
/// here is the cadre's `follow sync --relay`, named before the core's message. The exit
/// stays a relay problem's (8).
fn channel_not_there_yet_said_plainly(err: MigranError) -> MigranError {
    if let MigranError::RelayFailed {
        problem: migran_core::RelayProblem::NotEnrolled,
    } = err
    {
        eprintln!(
            "{}",
            t(
                "Tautan ini belum ada di relay: kader perlu menjalankan 'migran follow sync --relay ALAMAT' lebih dulu.",
                "This link is not on the relay yet: the cadre must run 'migran follow sync --relay ADDRESS' first.",
            )
            .get()
        );
    }
    err
}

fn say_team_relay_summary(
    args: &Args,
    role: DeviceRole,
    summary: &migran_core::follow::relay::FollowRelaySummary,
    url: &str,
) {
    if args.json {
        print_json(&json!({
            "role": role_code(role),
            "links_registered": summary.links_registered,
            "views_pushed": summary.views_pushed,
            "events_imported": summary.events_imported,
            "new_alerts": summary.new_alerts,
            "updated_alerts": summary.updated_alerts,
            "events_refused": summary.events_refused,
            "links_closed": summary.links_closed,
        }));
        return;
    }
    say(
        format!(
            "Tautan ikuti lewat relay: {} tautan baru didaftarkan; {} tampilan dikirim; {} berkas peringatan diterima ({} peringatan baru, {} diperbarui); {} berkas ditolak; {} saluran tautan yang diakhiri ditutup.",
            summary.links_registered,
            summary.views_pushed,
            summary.events_imported,
            summary.new_alerts,
            summary.updated_alerts,
            summary.events_refused,
            summary.links_closed
        ),
        format!(
            "Follow links through the relay: {} links registered; {} views sent; {} alerts files taken ({} new alerts, {} updated); {} files refused; {} channels of ended links closed.",
            summary.links_registered,
            summary.views_pushed,
            summary.events_imported,
            summary.new_alerts,
            summary.updated_alerts,
            summary.events_refused,
            summary.links_closed
        ),
    );
    if summary.new_alerts + summary.updated_alerts > 0 {
        say(
            "Peringatan yang belum ditanggapi tampil paling atas di agenda: migran agenda",
            "Alerts not answered yet lead the agenda: migran agenda",
        );
    }
    if summary.events_refused > 0 {
        say(
            "Berkas yang ditolak (diubah, atau bukan dari HP tautan itu) dilewati; berkas berikut dari HP itu menggantikannya.",
            "A refused file (altered, or not from the link's phone) is passed over; that phone's next file replaces it.",
        );
    }
    if summary.views_pushed > 0 {
        // Each view made numbers its link anew in the register; team sync carries the
        // numbers to the other members (core/src/follow/relay.rs).
        say(
            format!("Lalu sinkronkan tim: migran sync --relay {url}"),
            format!("Then sync the team: migran sync --relay {url}"),
        );
    }
}

fn say_followed_relay_summary(
    args: &Args,
    role: DeviceRole,
    summary: &migran_core::follow::relay::FollowedRelaySummary,
) {
    if args.json {
        print_json(&json!({
            "role": role_code(role),
            "events_pushed": summary.events_pushed,
            "view_received": summary.view_received,
            "link": followed_json(&summary.link),
        }));
        return;
    }
    if summary.events_pushed {
        say(
            "Peringatan dan lapor aman yang terlewat dikirim ke tim lewat relay.",
            "Alerts and missed check-ins sent to the team through the relay.",
        );
    }
    let number = summary.link.view_number;
    if summary.view_received {
        say(
            format!("Tampilan baru diterima (tampilan ke-{number}). Lihat: migran follow show"),
            format!("A newer view was received (view number {number}). See it: migran follow show"),
        );
    } else {
        say(
            format!("Tidak ada tampilan yang lebih baru; tetap tampilan ke-{number}."),
            format!("No newer view; still view number {number}."),
        );
    }
}
