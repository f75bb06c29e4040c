//! `migran emergency ...`: the emergency card, plan, outbox and directory. A plan, the
//! card and the pending actions need no PIN, as on the phone.

use migran_core::{
    ActionStatus, CardContact, CardContactRole, CheckInRequest, CheckInSchedule, CheckInState, CheckInStatus,
    EmergencyAlert, EmergencyCard, EmergencyKind, EmergencyPlan, GeoLocation, MigranError, Vault,
};
use serde_json::{json, Value};

use std::path::Path;

use migran_core::MAX_DIRECTORY_PACK_BYTES;

use crate::args::Args;
use crate::commands::{choice, open_locked, open_unlocked, say, vault_dir};
use crate::files::read_bounded;
use crate::i18n::{locale, t, Text};
use crate::output::{outln, print_json};
use crate::CliError;

pub fn run(args: &Args, sub: Option<&str>, third: Option<&str>) -> Result<(), CliError> {
    match (sub, third) {
        (Some("card"), Some("set")) => card_set(args),
        (Some("card"), Some("show")) => card_show(args),
        (Some("plan"), _) => plan(args, false),
        (Some("trigger"), _) => plan(args, true),
        (Some("log"), _) => log(args),
        (Some("pending"), _) => pending(args),
        (Some("ack"), _) => acknowledge(args),
        (Some("install-pack"), _) => install_pack(args),
        (Some("card"), Some("clear")) => card_clear(args),
        (Some("checkin"), Some("set")) => check_in_set(args),
        (Some("checkin"), Some("done")) => check_in_done(args),
        (Some("checkin"), Some("status")) => check_in_status(args),
        (Some("checkin"), Some("cancel")) => check_in_cancel(args),
        (Some("directory"), _) => {
            args.allow_only(&[])?;
            args.no_words_after(2)?;
            crate::directory_report::run(&*open_locked(args)?, args.json)
        }
        _ => Err(CliError::usage(
            "emergency card set|card show|card clear|plan|trigger|log|pending|ack|install-pack|directory|checkin set|checkin done|checkin status|checkin cancel",
            "emergency card set|card show|card clear|plan|trigger|log|pending|ack|install-pack|directory|checkin set|checkin done|checkin status|checkin cancel",
        )),
    }
}

/// The contacts typed for `--family-contact` (repeatable) or `--cadre`: each value is
/// one or more `NAME:PHONE` entries separated by `,` or `;`. A name holds no `:`, a phone
/// only digits, `+`, spaces, dots, dashes and brackets; anything else is refused with the
/// form expected rather than read as part of a name.
fn contacts(args: &Args, option: &str, role: CardContactRole) -> Result<Vec<CardContact>, CliError> {
    let mut found = Vec::new();
    for value in args.texts(option, "contacts")? {
        for entry in value.split([',', ';']) {
            if entry.trim().is_empty() {
                continue;
            }
            found.push(contact_entry(entry, role)?);
        }
    }
    Ok(found)
}

fn contact_entry(entry: &str, role: CardContactRole) -> Result<CardContact, CliError> {
    let bad = || {
        CliError::usage(
            format!(
                "'{}' bukan NAMA:TELEPON (contoh: \"Ibu Contoh:081299990001\"; beberapa kontak dipisah koma atau --family-contact diulang)",
                entry.trim()
            ),
            format!(
                "'{}' is not NAME:PHONE (example: \"Ibu Contoh:081299990001\"; several contacts separated by commas or --family-contact repeated)",
                entry.trim()
            ),
        )
    };
    let mut pieces = entry.split(':');
    let (Some(name), Some(phone), None) = (pieces.next(), pieces.next(), pieces.next()) else {
        return Err(bad());
    };
    let (name, phone) = (name.trim(), phone.trim());
    let phone_like = phone.chars().any(|c| c.is_ascii_digit())
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.' | '-' | '(' | ')'));
    if name.is_empty() || !phone_like {
        return Err(bad());
    }
    Ok(CardContact {
        name: name.to_string(),
        phone: phone.to_string(),
        role,
    })
}

fn card_set(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[
        "name",
        "passport",
        "country",
        "city",
        "employer",
        "employer-address",
        "family-contact",
        "cadre",
    ])?;
    let mut card_contacts = contacts(args, "family-contact", CardContactRole::Family)?;
    card_contacts.extend(contacts(args, "cadre", CardContactRole::Cadre)?);
    let card = EmergencyCard {
        full_name: args.required("name", "full_name")?,
        passport_number: args.text("passport", "passport")?,
        country: args.required("country", "country")?,
        city: args.text("city", "city")?,
        employer_name: args.text("employer", "employer_name")?,
        employer_address: args.text("employer-address", "employer_address")?,
        contacts: card_contacts,
    };
    let vault = open_unlocked(args)?;
    let stored = vault.set_emergency_card(card)?;
    say("Kartu darurat disimpan:", "Emergency card saved:");
    print_card(&stored);
    warn_left_out(&vault, &stored)?;
    Ok(())
}

/// Names the card's details that the emergency SMS leaves out to stay short, measured on
/// the longest message (one with a location), so the owner can shorten them now rather
/// than find out in an emergency.
fn warn_left_out(vault: &Vault, card: &EmergencyCard) -> Result<(), CliError> {
    // The longest age words too: "119 mnt lalu" / "119 min ago".
    let somewhere = GeoLocation {
        latitude: -89.99999,
        longitude: -179.99999,
        fix_time_epoch_ms: Some((chrono::Utc::now() - chrono::Duration::minutes(119)).timestamp_millis()),
    };
    let plan = vault.emergency_plan(EmergencyKind::Violence, None, Some(somewhere), locale())?;
    let fields = [
        (
            card.passport_number.as_deref(),
            t("nomor paspor", "passport number"),
        ),
        (
            card.employer_address.as_deref(),
            t("alamat majikan", "employer address"),
        ),
        (card.employer_name.as_deref(), t("nama majikan", "employer name")),
        (card.city.as_deref(), t("kota", "city")),
    ];
    for (value, name) in fields {
        let Some(value) = value else { continue };
        if !plan.message_id.contains(value) {
            eprintln!(
                "{}",
                t(
                    format!("Peringatan: {} tidak muat dalam SMS darurat dan akan dilewati; persingkat bila penting.", name.id),
                    format!("Warning: the {} does not fit in the emergency SMS and will be left out; shorten it if it matters.", name.en),
                )
                .get()
            );
        }
    }
    if !plan.sms_id.fits_one_sms {
        eprintln!(
            "{}",
            t(
                format!(
                    "Catatan: pesan darurat menjadi {} SMS (huruf non-Latin dikirim sebagai UCS-2).",
                    plan.sms_id.parts
                ),
                format!(
                    "Note: the emergency message takes {} SMS (non-Latin letters are sent as UCS-2).",
                    plan.sms_id.parts
                ),
            )
            .get()
        );
    }
    Ok(())
}

fn card_show(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let card = open_locked(args)?.emergency_card()?;
    if args.json {
        print_json(&serde_json::to_value(&card).unwrap_or(Value::Null));
        return Ok(());
    }
    match card {
        Some(card) => print_card(&card),
        None => say("Belum ada kartu darurat.", "No emergency card yet."),
    }
    Ok(())
}

/// Deletes the card (after asking, or with `--yes`): a phone about to change hands, or
/// one that should no longer show where its owner works.
fn card_clear(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["yes"])?;
    args.no_words_after(3)?;
    let vault = open_unlocked(args)?;
    if vault.emergency_card()?.is_none() {
        say("Belum ada kartu darurat.", "No emergency card yet.");
        return Ok(());
    }
    crate::commands::confirm(
        args,
        &t(
            "Hapus kartu darurat dari ponsel ini? (ya/tidak)",
            "Delete the emergency card from this phone? (yes/no)",
        ),
    )?;
    vault.clear_emergency_card()?;
    say(
        "Kartu darurat dihapus. Tombol darurat tetap memakai nomor nasional dan perwakilan.",
        "Emergency card deleted. The button still uses the national and mission numbers.",
    );
    Ok(())
}

fn print_card(card: &EmergencyCard) {
    let line = |id: &str, en: &str, value: &str| outln!("  {:<20} {value}", t(id, en).get());
    line("Nama", "Name", &card.full_name);
    line(
        "Paspor",
        "Passport",
        card.passport_number.as_deref().unwrap_or("-"),
    );
    line("Negara", "Country", &card.country);
    line("Kota", "City", card.city.as_deref().unwrap_or("-"));
    line(
        "Majikan",
        "Employer",
        card.employer_name.as_deref().unwrap_or("-"),
    );
    line(
        "Alamat majikan",
        "Employer address",
        card.employer_address.as_deref().unwrap_or("-"),
    );
    for contact in &card.contacts {
        let role = match contact.role {
            CardContactRole::Family => t("Keluarga", "Family"),
            CardContactRole::Cadre => t("Kader", "Cadre"),
        };
        line(&role.id, &role.en, &format!("{} {}", contact.name, contact.phone));
    }
}

const KINDS: &[(&[&str], EmergencyKind)] = &[
    (&["violence", "kekerasan"], EmergencyKind::Violence),
    (&["medical", "sakit", "illness", "injury"], EmergencyKind::Medical),
    (
        &["held", "held-against-will", "disekap", "trafficking"],
        EmergencyKind::HeldAgainstWill,
    ),
    (
        &["passport-taken", "paspor-ditahan"],
        EmergencyKind::PassportTaken,
    ),
    (&["unpaid-wages", "gaji"], EmergencyKind::UnpaidWages),
    (&["detention", "ditahan"], EmergencyKind::Detention),
    (
        &["go-home", "want-to-go-home", "pulang"],
        EmergencyKind::WantToGoHome,
    ),
    (&["other", "lainnya"], EmergencyKind::Other),
];

/// The kind typed; an emergency is never refused for its kind: one missing or unknown
/// becomes "other", with a note.
fn kind(args: &Args) -> Result<EmergencyKind, CliError> {
    let typed = args.text("kind", "kind")?;
    let known = typed
        .as_deref()
        .and_then(|typed| choice("kind", typed, KINDS).ok());
    if known.is_none() {
        note(
            "jenis darurat tidak dikenal atau tidak diberikan; dipakai 'lainnya' (jenis: kekerasan, sakit, disekap, paspor-ditahan, gaji, ditahan, pulang, lainnya)",
            "emergency kind unknown or not given; using 'other' (kinds: violence, medical, held, passport-taken, unpaid-wages, detention, go-home, other)",
        );
    }
    Ok(known.unwrap_or(EmergencyKind::Other))
}

/// A line on standard error that explains what the plan did with a bad value.
fn note(id: &str, en: &str) {
    eprintln!(
        "migran: {}",
        t(format!("catatan: {id}."), format!("note: {en}.")).get()
    );
}

/// The location typed; a plan is never refused for it: a position that is incomplete,
/// not a number (a decimal comma) or out of range is left out, with a note. `--fix-age
/// MINUTES` says how old the position is (the message then says "5 mnt lalu"); an age
/// that is not a whole number of minutes is left out with a note (the position stays,
/// without an age), one older than the core takes (a month) leaves the position out.
fn location(args: &Args) -> Result<Option<GeoLocation>, CliError> {
    let Some(location) = position(args)? else {
        return Ok(None);
    };
    let Some(age) = args.text("fix-age", "location_fix_time")? else {
        return Ok(Some(location));
    };
    let Ok(minutes) = age.trim().parse::<u32>() else {
        note(
            "umur lokasi dilewati: --fix-age perlu jumlah menit bulat (mis. --fix-age 5)",
            "location age left out: --fix-age needs a whole number of minutes (e.g. --fix-age 5)",
        );
        return Ok(Some(location));
    };
    if i64::from(minutes) > migran_core::MAX_FIX_AGE_DAYS * 24 * 60 {
        note(
            "lokasi dilewati: lebih tua dari 30 hari, bisa menyesatkan penolong",
            "location left out: older than 30 days, it could mislead helpers",
        );
        return Ok(None);
    }
    let fixed = chrono::Utc::now() - chrono::Duration::minutes(i64::from(minutes));
    Ok(Some(GeoLocation {
        fix_time_epoch_ms: Some(fixed.timestamp_millis()),
        ..location
    }))
}

/// `--lat` and `--lon`, when both are decimal numbers on Earth; else left out with a note.
fn position(args: &Args) -> Result<Option<GeoLocation>, CliError> {
    let number = |option: &str| -> Result<Option<Result<f64, ()>>, CliError> {
        Ok(args
            .text(option, "location")?
            .map(|text| text.trim().parse::<f64>().map_err(|_| ())))
    };
    let (latitude, longitude) = (number("lat")?, number("lon")?);
    let location = match (latitude, longitude) {
        (None, None) => return Ok(None),
        (Some(Ok(latitude)), Some(Ok(longitude))) => Some(GeoLocation {
            latitude,
            longitude,
            fix_time_epoch_ms: None,
        }),
        _ => None,
    };
    let in_range = location.filter(|l| {
        l.latitude.is_finite()
            && l.longitude.is_finite()
            && (-90.0..=90.0).contains(&l.latitude)
            && (-180.0..=180.0).contains(&l.longitude)
    });
    if in_range.is_none() {
        note(
            "lokasi dilewati: perlu --lat dan --lon berupa angka desimal dengan titik (mis. --lat 22.3193 --lon 114.1694), lintang -90..90, bujur -180..180",
            "location left out: it needs --lat and --lon as decimal numbers with a point (e.g. --lat 22.3193 --lon 114.1694), latitude -90..90, longitude -180..180",
        );
    }
    Ok(in_range)
}

fn plan(args: &Args, record: bool) -> Result<(), CliError> {
    args.allow_only(&["kind", "country", "lat", "lon", "fix-age"])?;
    let kind = kind(args)?;
    let location = location(args)?;
    let country = args.text("country", "country")?.filter(|country| {
        let known = migran_core::is_country_code(&country.trim().to_ascii_uppercase());
        if !known {
            note(
                "kode negara dilewati: perlu kode ISO dua huruf (mis. HK, MY, SA); dipakai negara di kartu",
                "country code left out: it needs a two-letter ISO code (e.g. HK, MY, SA); the card's country is used",
            );
        }
        known
    });
    let vault = match open_locked(args) {
        Ok(vault) => vault,
        Err(err) => return plan_without_vault(args, &err.describe(), kind, country, location),
    };
    if record {
        let alert = match vault.trigger_emergency(kind, country.clone(), location, locale()) {
            Ok(alert) => alert,
            Err(err @ MigranError::Invalid { .. }) => return Err(err.into()),
            Err(err) => {
                let why = CliError::Core(err).describe();
                note(
                    &format!("peringatan tidak dapat dicatat ({why}); langkah di bawah tetap berlaku, jalankan sendiri"),
                    &format!("the alert could not be recorded ({why}); the steps below still hold, run them yourself"),
                );
                return show_plan(args, &vault.emergency_plan(kind, country, location, locale())?);
            }
        };
        if args.json {
            print_json(&alert_json(&alert));
        } else {
            say(
                format!("Peringatan dicatat: {}", alert.id),
                format!("Alert recorded: {}", alert.id),
            );
            print_plan(&alert.plan);
        }
        return Ok(());
    }
    show_plan(args, &vault.emergency_plan(kind, country, location, locale())?)
}

/// No vault opens (folder read-only, gone, files empty, damaged or wiped, device key
/// lost): the plan still comes. First from the card read without writing anything (a
/// read-only folder still holds it, and the family's number matters most); when even
/// that fails, from the built-in directory, with a warning that says why and that the
/// card's contacts are missing. A migrant whose phone storage was reset still gets the
/// mission's and the national hotlines' numbers.
fn plan_without_vault(
    args: &Args,
    why: &str,
    kind: EmergencyKind,
    country: Option<String>,
    location: Option<GeoLocation>,
) -> Result<(), CliError> {
    let read_only = read_only_plan(args, kind, country.clone(), location);
    if let Some((plan, true)) = &read_only {
        eprintln!(
            "migran: {}",
            t(
                format!(
                    "peringatan: brankas tidak dapat dibuka ({}); rencana ini dibaca dari kartu darurat tanpa menulis apa pun, jadi tidak dicatat.",
                    why
                ),
                format!(
                    "warning: the vault cannot be opened ({}); this plan was read from the emergency card without writing anything, so it is not recorded.",
                    why
                ),
            )
            .get()
        );
        return show_plan(args, plan);
    }
    eprintln!(
        "migran: {}",
        t(
            format!(
                "peringatan: brankas tidak dapat dibuka ({}); rencana ini dari direktori bawaan, tanpa kontak kartu darurat.",
                why
            ),
            format!(
                "warning: the vault cannot be opened ({}); this plan comes from the built-in directory, without the emergency card's contacts.",
                why
            ),
        )
        .get()
    );
    // A stored directory pack that still reads is newer than the built-in one.
    let plan = match read_only {
        Some((plan, _)) => plan,
        None => migran_core::emergency_plan_without_vault(kind, country, location, locale())?,
    };
    show_plan(args, &plan)
}

/// The plan from `locked.db` opened read-only and whether it holds the card's contacts,
/// or `None` when it cannot be read (then the built-in directory's plan is the answer).
/// A device key file that is refused (a link, unreadable) gives `None` too, as it does
/// for the normal open.
fn read_only_plan(
    args: &Args,
    kind: EmergencyKind,
    country: Option<String>,
    location: Option<GeoLocation>,
) -> Option<(EmergencyPlan, bool)> {
    let dir = vault_dir(args).ok()?;
    let plan = match crate::secrets::read_device_key(&dir).ok()? {
        crate::secrets::DeviceKey::Factor(factor) => {
            migran_core::emergency::emergency_plan_read_only_with_factor(
                &dir,
                factor.as_ref(),
                kind,
                country,
                location,
                locale(),
            )
        }
        crate::secrets::DeviceKey::Secret(secret) => migran_core::emergency::emergency_plan_read_only(
            &dir,
            Some(&secret),
            kind,
            country,
            location,
            locale(),
        ),
        crate::secrets::DeviceKey::Nothing => {
            migran_core::emergency::emergency_plan_read_only(&dir, None, kind, country, location, locale())
        }
    };
    plan.ok()
}

fn show_plan(args: &Args, plan: &EmergencyPlan) -> Result<(), CliError> {
    if args.json {
        print_json(&serde_json::to_value(plan).unwrap_or(Value::Null));
    } else {
        print_plan(plan);
    }
    Ok(())
}

fn print_plan(plan: &EmergencyPlan) {
    let country = plan
        .country_name
        .clone()
        .or(plan.country.clone())
        .unwrap_or_else(|| "?".to_string());
    say(
        format!("Rencana darurat ({country}):"),
        format!("Emergency plan ({country}):"),
    );
    for action in &plan.actions {
        let verify = if action.verify_hint {
            t(" [periksa nomor]", " [verify number]").get().to_string()
        } else {
            String::new()
        };
        outln!(
            "  {}. {} {} ({}){verify}",
            action.position + 1,
            channel_label(action.channel).get(),
            action.number,
            action.label
        );
    }
    outln!();
    say("Pesan (Indonesia):", "Message (Indonesian):");
    outln!("  {}", plan.message_id);
    outln!(
        "  [{}, {} {}, {}]",
        match plan.sms_id.encoding {
            migran_core::SmsEncoding::Gsm7 => "GSM-7",
            migran_core::SmsEncoding::Ucs2 => "UCS-2",
        },
        plan.sms_id.units,
        t("karakter", "characters").get(),
        if plan.sms_id.fits_one_sms {
            t("1 SMS", "1 SMS")
        } else {
            t("lebih dari 1 SMS", "more than 1 SMS")
        }
        .get()
    );
    say(
        "Pesan (Inggris, untuk layanan setempat):",
        "Message (English, for local services):",
    );
    outln!("  {}", plan.message_en);
}

fn channel_label(channel: migran_core::ActionChannel) -> Text {
    match channel {
        migran_core::ActionChannel::Call => t("Telepon", "Call"),
        migran_core::ActionChannel::Sms => t("SMS", "SMS"),
        migran_core::ActionChannel::WhatsApp => t("WhatsApp", "WhatsApp"),
    }
}

/// The kind's name in the words the command takes (`--kind`).
pub(crate) fn kind_label(kind: EmergencyKind) -> Text {
    match kind {
        EmergencyKind::Violence => t("kekerasan", "violence"),
        EmergencyKind::Medical => t("sakit", "medical"),
        EmergencyKind::HeldAgainstWill => t("disekap", "held"),
        EmergencyKind::PassportTaken => t("paspor-ditahan", "passport-taken"),
        EmergencyKind::UnpaidWages => t("gaji", "unpaid-wages"),
        EmergencyKind::Detention => t("ditahan", "detention"),
        EmergencyKind::WantToGoHome => t("pulang", "go-home"),
        EmergencyKind::Other => t("lainnya", "other"),
    }
}

fn alert_json(alert: &EmergencyAlert) -> Value {
    serde_json::to_value(alert).unwrap_or(Value::Null)
}

fn log(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let vault = open_locked(args)?;
    let alerts = match vault.emergency_log() {
        // Discreet mode: the log needs the PIN.
        Err(MigranError::Locked) => open_unlocked(args)?.emergency_log()?,
        other => other?,
    };
    if args.json {
        print_json(&Value::Array(alerts.iter().map(alert_json).collect()));
        return Ok(());
    }
    if alerts.is_empty() {
        say("Belum ada peringatan darurat.", "No emergency alerts yet.");
    }
    for alert in &alerts {
        let done = alert
            .states
            .iter()
            .filter(|s| {
                matches!(
                    s.status,
                    ActionStatus::Sent | ActionStatus::HandedToOs | ActionStatus::Acknowledged
                )
            })
            .count();
        let acknowledged = alert.acknowledged_by.clone().unwrap_or_else(|| "-".to_string());
        outln!(
            "{}  {}  {}  {done}/{} {}  {}: {acknowledged}",
            alert.created_at,
            alert.id,
            kind_label(alert.plan.kind).get(),
            alert.states.len(),
            t("langkah dijalankan", "steps run").get(),
            t("diterima oleh", "acknowledged by").get()
        );
    }
    Ok(())
}

fn pending(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let vault = open_locked(args)?;
    let pending = match vault.pending_emergency_actions() {
        // Discreet mode: each pending action names a recipient and a text, so the PIN.
        Err(MigranError::Locked) => open_unlocked(args)?.pending_emergency_actions()?,
        other => other?,
    };
    if args.json {
        let items: Vec<Value> = pending
            .iter()
            .map(|p| json!({"alert_id": p.alert_id, "attempts": p.attempts, "action": serde_json::to_value(&p.action).unwrap_or(Value::Null)}))
            .collect();
        print_json(&Value::Array(items));
        return Ok(());
    }
    if pending.is_empty() {
        say("Tidak ada langkah yang tertunda.", "No pending steps.");
    }
    for p in &pending {
        outln!(
            "{}  #{}  {} {}  ({})",
            p.alert_id,
            p.action.position,
            channel_label(p.action.channel).get(),
            p.action.number,
            p.attempts
        );
    }
    Ok(())
}

fn acknowledge(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["by"])?;
    let alert_id = args.word(2, "id")?;
    let by = args.required("by", "name")?;
    let vault = open_locked(args)?;
    match vault.acknowledge_emergency(alert_id.clone(), by.clone()) {
        // Discreet mode: acknowledging needs the PIN.
        Err(MigranError::Locked) => {
            open_unlocked(args)?.acknowledge_emergency(alert_id, by)?;
        }
        other => {
            other?;
        }
    }
    say("Tanda terima dicatat.", "Acknowledgement recorded.");
    Ok(())
}

fn install_pack(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let pack_path = args.word(2, "pack")?;
    let signature_path = args.word(3, "signature")?;
    let pack = read_bounded(Path::new(&pack_path), MAX_DIRECTORY_PACK_BYTES as u64)?;
    let bad_signature = || {
        CliError::Core(MigranError::PackRejected {
            reason: migran_core::PackRejectReason::Signature,
        })
    };
    // An Ed25519 signature is 64 bytes, 128 hex digits: a larger file is not one.
    let signature_bytes = read_bounded(Path::new(&signature_path), 1024)?;
    let signature_text = std::str::from_utf8(&signature_bytes).map_err(|_| bad_signature())?;
    let signature = unhex(signature_text.trim()).ok_or_else(bad_signature)?;
    let info = open_locked(args)?.install_directory_pack(pack, signature)?;
    say(
        format!("Direktori versi {} dipasang.", info.version),
        format!("Directory version {} installed.", info.version),
    );
    Ok(())
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The grace period when `--grace` is not given: an hour, so a check-in answered a little
/// late (no signal, asleep) does not alarm the family.
const DEFAULT_GRACE_MINUTES: u32 = 60;

/// `emergency checkin set --every HOURS | --at TIME [--grace MINUTES] [--kind KIND]`: with
/// the PIN, as on the phone (a new schedule ends the old one).
fn check_in_set(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["every", "at", "grace", "kind"])?;
    args.no_words_after(3)?;
    let schedule = match (
        args.text("every", "check_in_minutes")?,
        args.text("at", "check_in_due_at")?,
    ) {
        (Some(hours), None) => {
            let hours: u32 = hours.trim().parse().map_err(|_| {
                CliError::usage(
                    "--every perlu jumlah jam bulat (mis. --every 24)",
                    "--every needs a whole number of hours (e.g. --every 24)",
                )
            })?;
            CheckInSchedule::Every {
                minutes: hours.saturating_mul(60),
            }
        }
        (None, Some(due_at)) => CheckInSchedule::Once { due_at },
        _ => {
            return Err(CliError::usage(
                "berikan --every JAM atau --at WAKTU (salah satu)",
                "give --every HOURS or --at TIME (one of them)",
            ))
        }
    };
    let grace_minutes = match args.text("grace", "check_in_grace_minutes")? {
        None => DEFAULT_GRACE_MINUTES,
        Some(grace) => grace.trim().parse().map_err(|_| {
            CliError::usage(
                "--grace perlu jumlah menit bulat (mis. --grace 60)",
                "--grace needs a whole number of minutes (e.g. --grace 60)",
            )
        })?,
    };
    let kind = kind(args)?;
    let vault = open_unlocked(args)?;
    let status = vault.set_check_in(CheckInRequest {
        schedule,
        grace_minutes,
        kind,
    })?;
    say("Lapor aman dipasang.", "Check-in set.");
    print_check_in(args, &status, None);
    Ok(())
}

/// "I am fine": the PIN from MIGRAN_PIN or a prompt, checked without unlocking.
fn check_in_done(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let vault = open_locked(args)?;
    let pin = crate::secrets::read_pin("MIGRAN_PIN", &t("PIN: ", "PIN: "))?;
    let status = vault.check_in_done(pin)?;
    say("Tercatat: Anda baik-baik saja.", "Recorded: you are fine.");
    print_check_in(args, &status, None);
    Ok(())
}

/// Where the check-in stands, without the PIN. Like the app's wake-up, it queues the
/// prepared alert when the check-in was missed (once) and shows it, so the steps can be run.
fn check_in_status(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let poll = open_locked(args)?.poll_check_in(None, locale())?;
    print_check_in(args, &poll.status, poll.queued.as_ref());
    Ok(())
}

fn check_in_cancel(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let vault = open_locked(args)?;
    let pin = crate::secrets::read_pin("MIGRAN_PIN", &t("PIN: ", "PIN: "))?;
    let status = vault.cancel_check_in(pin)?;
    say("Lapor aman dihentikan.", "Check-ins stopped.");
    print_check_in(args, &status, None);
    Ok(())
}

fn check_in_json(status: &CheckInStatus, queued: Option<&EmergencyAlert>) -> Value {
    let state = match status.state {
        CheckInState::Off => "off",
        CheckInState::Waiting => "waiting",
        CheckInState::InGrace => "in_grace",
        CheckInState::Missed => "missed",
    };
    json!({
        "state": state,
        "every_minutes": status.every_minutes,
        "grace_minutes": status.grace_minutes,
        "due_at": status.due_at,
        "alert_at": status.alert_at,
        "seconds_until_due": status.seconds_until_due,
        "seconds_until_alert": status.seconds_until_alert,
        "missed_at": status.missed_at,
        "missed_alert_id": status.missed_alert_id,
        "queued": queued.map(alert_json),
    })
}

fn print_check_in(args: &Args, status: &CheckInStatus, queued: Option<&EmergencyAlert>) {
    if args.json {
        print_json(&check_in_json(status, queued));
        return;
    }
    let line = |id: &str, en: &str, value: &str| outln!("  {:<20} {value}", t(id, en).get());
    let state = match status.state {
        CheckInState::Off => t("tidak aktif", "off"),
        CheckInState::Waiting => t("menunggu", "waiting"),
        CheckInState::InGrace => t("jatuh tempo, masa tenggang", "due, in the grace period"),
        CheckInState::Missed => t("terlewat", "missed"),
    };
    line("Keadaan", "State", state.get());
    if let Some(minutes) = status.every_minutes {
        let every = t(format!("{minutes} menit"), format!("{minutes} min"));
        line("Setiap", "Every", every.get());
    }
    if let (Some(due_at), Some(alert_at)) = (&status.due_at, &status.alert_at) {
        line("Jatuh tempo", "Due", due_at);
        line("Peringatan pada", "Alert at", alert_at);
    }
    if let Some(missed_at) = &status.missed_at {
        line("Terlewat, dicatat", "Missed, queued", missed_at);
    }
    if let Some(alert) = queued {
        say(
            format!("Peringatan dicatat: {}", alert.id),
            format!("Alert recorded: {}", alert.id),
        );
        print_plan(&alert.plan);
    }
}
