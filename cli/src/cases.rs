//! `migran case ...`: complaints (pengaduan) with their status workflow, referrals to
//! agencies and a timeline.

use migran_core::{
    agency_label, case_next_statuses, case_status_label, case_type_label, Agency, Case, CaseChange,
    CaseDetail, CaseInput, CaseStatus, CaseType, MigranError, ReferralInput, Reporter, StatusChangeInput,
};

use crate::args::{utf8, Args};
use crate::commands::{choice, open_unlocked, open_with_person, say};
use crate::i18n::{locale, t};
use crate::output::{outln, print_json, print_table};
use crate::CliError;

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        Some("open") => open(args),
        Some("show") => show(args),
        Some("list") => list(args),
        Some("status") => status(args),
        Some("refer") => refer(args),
        Some("note") => note(args),
        _ => Err(CliError::usage(
            "case open ORANG --type JENIS --description TEKS --reported-by PELAPOR [--date TGL] | case show ID | case list [ORANG] | case status ID STATUS [--date] [--note] | case refer ID INSTANSI [--office] [--date] [--note] [--emergency-reason TEKS] | case note ID TEKS [--date]",
            "case open PERSON --type TYPE --description TEXT --reported-by REPORTER [--date DATE] | case show ID | case list [PERSON] | case status ID STATUS [--date] [--note] | case refer ID AGENCY [--office] [--date] [--note] [--emergency-reason TEXT] | case note ID TEXT [--date]",
        )),
    }
}

fn case_type(value: &str) -> Result<CaseType, CliError> {
    choice(
        "case_type",
        value,
        &[
            (&["unpaid-wages", "gaji"], CaseType::UnpaidWages),
            (&["abuse", "kekerasan"], CaseType::Abuse),
            (&["document-seized", "dokumen-ditahan"], CaseType::DocumentSeized),
            (&["missing-contact", "hilang-kontak"], CaseType::MissingContact),
            (&["detention", "ditahan"], CaseType::Detention),
            (
                &["trafficking", "trafficking-suspicion", "tppo"],
                CaseType::TraffickingSuspicion,
            ),
            (
                &["death-or-illness", "meninggal-sakit", "sakit"],
                CaseType::DeathOrIllness,
            ),
            (&["deportation", "deportasi"], CaseType::Deportation),
            (&["other", "lainnya"], CaseType::Other),
        ],
    )
}

fn reporter(value: &str) -> Result<Reporter, CliError> {
    choice(
        "reported_by",
        value,
        &[
            (&["migrant", "pmi", "pekerja"], Reporter::Migrant),
            (&["family", "keluarga"], Reporter::Family),
            (&["cadre", "kader"], Reporter::Cadre),
            (&["other", "lainnya"], Reporter::Other),
        ],
    )
}

fn reporter_label(reporter: Reporter) -> crate::i18n::Text {
    match reporter {
        Reporter::Migrant => t("pekerja migran", "the migrant worker"),
        Reporter::Family => t("keluarga", "the family"),
        Reporter::Cadre => t("kader", "a cadre"),
        Reporter::Other => t("pihak lain", "someone else"),
    }
}

fn status_word(value: &str) -> Result<CaseStatus, CliError> {
    choice(
        "status",
        value,
        &[
            (&["open", "baru"], CaseStatus::Open),
            (&["referred", "dirujuk"], CaseStatus::Referred),
            (&["in-progress", "ditangani"], CaseStatus::InProgress),
            (&["resolved", "selesai"], CaseStatus::Resolved),
            (&["closed", "ditutup"], CaseStatus::Closed),
        ],
    )
}

fn agency(value: &str) -> Result<Agency, CliError> {
    choice(
        "agency",
        value,
        &[
            (&["disnaker"], Agency::Disnaker),
            (&["kp2mi", "bp3mi", "bp2mi"], Agency::Kp2mi),
            (&["kbri", "kjri", "embassy", "kedutaan"], Agency::Kbri),
            (&["police", "polisi"], Agency::Police),
            (&["ngo", "lsm"], Agency::Ngo),
            (&["other", "lainnya"], Agency::Other),
        ],
    )
}

/// The status as a command word `case status` accepts, in the person's language.
fn status_code(status: CaseStatus) -> String {
    let word = match status {
        CaseStatus::Open => t("baru", "open"),
        CaseStatus::Referred => t("dirujuk", "referred"),
        CaseStatus::InProgress => t("ditangani", "in-progress"),
        CaseStatus::Resolved => t("selesai", "resolved"),
        CaseStatus::Closed => t("ditutup", "closed"),
    };
    word.get().to_string()
}

fn open(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["type", "description", "reported-by", "date"])?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let input = CaseInput {
        case_type: case_type(&args.required("type", "case_type")?)?,
        description: args.required("description", "description")?,
        reported_by: reporter(&args.required("reported-by", "reported_by")?)?,
        reported_on: args.text("date", "reported_on")?,
    };
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let case = vault.open_case(person_id.clone(), input)?;
    print_case_saved(args, &case);
    if !args.json {
        let who = crate::output::name_and_nik(&vault.get_person(person_id)?);
        say(format!("Untuk: {who}"), format!("For: {who}"));
    }
    Ok(())
}

fn print_case_saved(args: &Args, case: &Case) {
    if args.json {
        print_json(&serde_json::to_value(case).unwrap_or_default());
    } else {
        let status = case_status_label(case.status, locale());
        say(
            format!("Kasus {}: {status}", case.id),
            format!("Case {}: {status}", case.id),
        );
    }
}

fn show(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let case_id = args.word(2, "id")?;
    args.no_words_after(3)?;
    let detail = open_unlocked(args)?.get_case(case_id)?;
    if args.json {
        print_json(&serde_json::to_value(&detail).unwrap_or_default());
    } else {
        print_detail(&detail);
    }
    Ok(())
}

fn print_detail(detail: &CaseDetail) {
    let case = &detail.case;
    let locale = locale();
    outln!(
        "{} · {} · {}",
        case.id,
        case_type_label(case.case_type, locale),
        case_status_label(case.status, locale)
    );
    let by = reporter_label(case.reported_by);
    say(
        format!("Dilaporkan {} oleh {}", case.reported_on, by.id),
        format!("Reported {} by {}", case.reported_on, by.en),
    );
    outln!("{}", case.description);
    say("Riwayat:", "Timeline:");
    for event in &detail.timeline {
        let what = match &event.change {
            CaseChange::Opened => t("dibuka", "opened").get().to_string(),
            CaseChange::StatusChanged { from, to } => format!(
                "{} -> {}",
                case_status_label(*from, locale),
                case_status_label(*to, locale)
            ),
            CaseChange::Referred { agency, office } => format!(
                "{} {}{}",
                t("dirujuk ke", "referred to").get(),
                agency_label(*agency, locale),
                office.as_deref().map(|o| format!(" ({o})")).unwrap_or_default()
            ),
            CaseChange::Note => t("catatan", "note").get().to_string(),
        };
        let who = event
            .actor
            .as_ref()
            .map(|a| format!(" [{}]", a.name))
            .unwrap_or_default();
        let note = event
            .note
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default();
        outln!("  {}  {what}{note}{who}", event.date);
    }
    let next: Vec<String> = case_next_statuses(case.status)
        .into_iter()
        .map(status_code)
        .collect();
    say(
        format!("Status berikutnya yang boleh: {}", next.join(", ")),
        format!("Allowed next statuses: {}", next.join(", ")),
    );
}

fn list(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let person_id = args.words.get(2).map(|w| utf8(w, "person")).transpose()?;
    args.no_words_after(3)?;
    let vault = open_unlocked(args)?;
    let person_id = person_id
        .map(|reference| crate::person::resolve(&vault, &reference))
        .transpose()?;
    let cases = vault.list_cases(person_id)?;
    if args.json {
        print_json(&serde_json::to_value(&cases).unwrap_or_default());
        return Ok(());
    }
    let people = crate::output::names_and_niks(&vault, cases.iter().map(|c| &c.person_id))?;
    let headers = vec![
        "ID".to_string(),
        t("Nama", "Name").get().to_string(),
        "NIK".to_string(),
        t("Dilaporkan", "Reported").get().to_string(),
        t("Jenis", "Type").get().to_string(),
        "Status".to_string(),
    ];
    let rows: Vec<Vec<String>> = cases
        .iter()
        .map(|c| {
            let (name, nik) = people.get(&c.person_id).cloned().unwrap_or_default();
            vec![
                c.id.clone(),
                name,
                nik,
                c.reported_on.clone(),
                case_type_label(c.case_type, locale()),
                case_status_label(c.status, locale()),
            ]
        })
        .collect();
    print_table(&headers, &rows);
    Ok(())
}

fn status(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["date", "note"])?;
    let case_id = args.word(2, "id")?;
    let to = status_word(&args.word(3, "status")?)?;
    args.no_words_after(4)?;
    let vault = open_unlocked(args)?;
    let change = StatusChangeInput {
        to,
        date: args.text("date", "date")?,
        note: args.text("note", "note")?,
    };
    match vault.change_case_status(case_id.clone(), change) {
        Ok(case) => {
            print_case_saved(args, &case);
            Ok(())
        }
        Err(refused @ MigranError::NotAllowed { .. }) => {
            // Name the moves that are allowed, so the cadre need not guess.
            if let Ok(detail) = vault.get_case(case_id) {
                let next: Vec<String> = case_next_statuses(detail.case.status)
                    .into_iter()
                    .map(status_code)
                    .collect();
                eprintln!(
                    "{}",
                    t(
                        format!("Status berikutnya yang boleh: {}", next.join(", ")),
                        format!("Allowed next statuses: {}", next.join(", ")),
                    )
                    .get()
                );
            }
            Err(refused.into())
        }
        Err(other) => Err(other.into()),
    }
}

fn refer(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["office", "date", "note", "emergency-reason"])?;
    let case_id = args.word(2, "id")?;
    let agency = agency(&args.word(3, "agency")?)?;
    args.no_words_after(4)?;
    let referral = ReferralInput {
        agency,
        office: args.text("office", "office")?,
        date: args.text("date", "date")?,
        note: args.text("note", "note")?,
    };
    // Without the person's consent to share with agencies, only a danger to their life or
    // safety allows the referral (vital interests); the reason is recorded.
    let vault = open_unlocked(args)?;
    let case = match args.text("emergency-reason", "emergency_reason")? {
        Some(reason) => vault.refer_case_in_emergency(case_id, referral, reason)?,
        None => vault.refer_case(case_id, referral)?,
    };
    print_case_saved(args, &case);
    Ok(())
}

fn note(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["date"])?;
    let case_id = args.word(2, "id")?;
    let text = args.word(3, "note")?;
    args.no_words_after(4)?;
    let event = open_unlocked(args)?.add_case_note(case_id, text, args.text("date", "date")?)?;
    if args.json {
        print_json(&serde_json::to_value(&event).unwrap_or_default());
    } else {
        say(
            format!("Catatan ditambahkan ({}).", event.date),
            format!("Note added ({}).", event.date),
        );
    }
    Ok(())
}
