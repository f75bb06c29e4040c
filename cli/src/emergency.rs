//! `migran emergency ...`: the emergency card, plan, outbox and directory. A plan, the
//! card and the pending actions need no PIN, as on the phone.

use migran_core::{
    ActionStatus, CardContact, CardContactRole, EmergencyAlert, EmergencyCard, EmergencyKind, EmergencyPlan,
    GeoLocation, InvalidReason, MigranError,
};
use serde_json::{json, Value};

use crate::args::Args;
use crate::commands::{choice, open_locked, open_unlocked, say};
use crate::i18n::{locale, t};
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
        _ => Err(CliError::usage(
            "emergency card set|card show|plan|trigger|log|pending|ack|install-pack",
            "emergency card set|card show|plan|trigger|log|pending|ack|install-pack",
        )),
    }
}

/// `NAME:PHONE` as typed for `--family` and `--cadre`.
fn contact(args: &Args, option: &str, role: CardContactRole) -> Result<Option<CardContact>, CliError> {
    let Some(text) = args.text(option, "contacts")? else {
        return Ok(None);
    };
    let (name, phone) = text.rsplit_once(':').ok_or_else(|| {
        CliError::Core(MigranError::Invalid {
            field: "contacts".to_string(),
            reason: InvalidReason::BadFormat,
        })
    })?;
    Ok(Some(CardContact {
        name: name.to_string(),
        phone: phone.to_string(),
        role,
    }))
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
    let contacts = [
        contact(args, "family-contact", CardContactRole::Family)?,
        contact(args, "cadre", CardContactRole::Cadre)?,
    ]
    .into_iter()
    .flatten()
    .collect();
    let card = EmergencyCard {
        full_name: args.required("name", "full_name")?,
        passport_number: args.text("passport", "passport")?,
        country: args.required("country", "country")?,
        city: args.text("city", "city")?,
        employer_name: args.text("employer", "employer_name")?,
        employer_address: args.text("employer-address", "employer_address")?,
        contacts,
    };
    let stored = open_unlocked(args)?.set_emergency_card(card)?;
    say("Kartu darurat disimpan:", "Emergency card saved:");
    print_card(&stored);
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

fn kind(args: &Args) -> Result<EmergencyKind, CliError> {
    choice(
        "kind",
        &args.required("kind", "kind")?,
        &[
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
        ],
    )
}

fn coordinate(args: &Args, option: &str) -> Result<Option<f64>, CliError> {
    args.text(option, "location")?
        .map(|text| {
            text.trim().parse::<f64>().map_err(|_| {
                CliError::Core(MigranError::Invalid {
                    field: "location".to_string(),
                    reason: InvalidReason::BadFormat,
                })
            })
        })
        .transpose()
}

fn plan(args: &Args, record: bool) -> Result<(), CliError> {
    args.allow_only(&["kind", "country", "lat", "lon"])?;
    let kind = kind(args)?;
    let location = match (coordinate(args, "lat")?, coordinate(args, "lon")?) {
        (Some(latitude), Some(longitude)) => Some(GeoLocation { latitude, longitude }),
        (None, None) => None,
        _ => {
            return Err(CliError::usage(
                "--lat dan --lon harus diberikan bersama",
                "--lat and --lon go together",
            ))
        }
    };
    let country = args.text("country", "country")?;
    let vault = open_locked(args)?;
    if record {
        let alert = vault.trigger_emergency(kind, country, location, locale())?;
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
    let plan = vault.emergency_plan(kind, country, location, locale())?;
    if args.json {
        print_json(&serde_json::to_value(&plan).unwrap_or(Value::Null));
    } else {
        print_plan(&plan);
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
            "  {}. {:?} {} ({}){verify}",
            action.position + 1,
            action.channel,
            action.number,
            action.label
        );
    }
    outln!();
    say("Pesan (Indonesia):", "Message (Indonesian):");
    outln!("  {}", plan.message_id);
    outln!(
        "  [{:?}, {} {}, {}]",
        plan.sms_id.encoding,
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
            "{}  {}  {:?}  {done}/{} {}  {}: {acknowledged}",
            alert.created_at,
            alert.id,
            alert.plan.kind,
            alert.states.len(),
            t("langkah dijalankan", "steps run").get(),
            t("diterima oleh", "acknowledged by").get()
        );
    }
    Ok(())
}

fn pending(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let pending = open_locked(args)?.pending_emergency_actions()?;
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
            "{}  #{}  {:?} {}  ({})",
            p.alert_id,
            p.action.position,
            p.action.channel,
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
    open_locked(args)?.acknowledge_emergency(alert_id, by)?;
    say("Tanda terima dicatat.", "Acknowledgement recorded.");
    Ok(())
}

fn install_pack(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let pack_path = args.word(2, "pack")?;
    let signature_path = args.word(3, "signature")?;
    let pack = std::fs::read(&pack_path).map_err(|_| CliError::Other("pack file".to_string()))?;
    let signature_text = std::fs::read_to_string(&signature_path)
        .map_err(|_| CliError::Other("signature file".to_string()))?;
    let signature = unhex(signature_text.trim()).ok_or(CliError::Core(MigranError::PackRejected {
        reason: migran_core::PackRejectReason::Signature,
    }))?;
    let info = open_locked(args)?.install_directory_pack(pack, signature)?;
    say(
        format!("Direktori versi {} dipasang.", info.version),
        format!("Directory version {} installed.", info.version),
    );
    Ok(())
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
