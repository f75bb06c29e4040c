//! `migran return ...`: a migrant's return (purna), their needs, the reintegration
//! services they received and the follow-up plan.

use migran_core::{
    reintegration_need_label, return_reason_label, service_kind_label, ReintegrationNeed, ReturnInput,
    ReturnPlanInput, ReturnReason, ReturnRecord, ServiceInput, ServiceKind,
};

use crate::args::{utf8, Args};
use crate::commands::{choice, open_unlocked, open_with_person, say};
use crate::i18n::locale;
use crate::output::{outln, print_json};
use crate::visits::list_of;
use crate::CliError;

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        Some("add") => add(args),
        Some("plan") => plan(args),
        Some("service") => service(args),
        Some("list") => list(args),
        _ => Err(CliError::usage(
            "return add ORANG --date TGL --reason ALASAN [--case ID] [--condition] [--needs a,b] [--plan] [--next TGL] | return plan ID_KEPULANGAN [--needs] [--plan] [--next] | return service ID_KEPULANGAN --kind JENIS --date TGL [--provider] [--note] | return list ORANG",
            "return add PERSON --date DATE --reason REASON [--case ID] [--condition] [--needs a,b] [--plan] [--next DATE] | return plan RETURN_ID [--needs] [--plan] [--next] | return service RETURN_ID --kind KIND --date DATE [--provider] [--note] | return list PERSON",
        )),
    }
}

fn reason(value: &str) -> Result<ReturnReason, CliError> {
    choice(
        "reason",
        value,
        &[
            (&["contract-end", "kontrak-selesai"], ReturnReason::ContractEnd),
            (&["early-return", "pulang-awal"], ReturnReason::EarlyReturn),
            (&["deported", "dideportasi"], ReturnReason::Deported),
            (&["case", "kasus"], ReturnReason::Case),
        ],
    )
}

fn need(value: &str) -> Result<ReintegrationNeed, CliError> {
    choice(
        "needs",
        value,
        &[
            (&["health", "kesehatan"], ReintegrationNeed::Health),
            (&["legal", "hukum"], ReintegrationNeed::Legal),
            (&["psychosocial", "psikososial"], ReintegrationNeed::Psychosocial),
            (&["economic", "ekonomi"], ReintegrationNeed::Economic),
        ],
    )
}

fn kind(value: &str) -> Result<ServiceKind, CliError> {
    choice(
        "kind",
        value,
        &[
            (&["training", "pelatihan"], ServiceKind::Training),
            (
                &["business-support", "pendampingan-usaha"],
                ServiceKind::BusinessSupport,
            ),
            (
                &["counselling", "counseling", "konseling"],
                ServiceKind::Counselling,
            ),
            (&["health-care", "layanan-kesehatan"], ServiceKind::HealthCare),
            (&["legal-aid", "bantuan-hukum"], ServiceKind::LegalAid),
            (&["other", "lainnya"], ServiceKind::Other),
        ],
    )
}

fn add(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["date", "reason", "case", "condition", "needs", "plan", "next"])?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let input = ReturnInput {
        return_date: args.required("date", "return_date")?,
        reason: reason(&args.required("reason", "reason")?)?,
        case_id: args.text("case", "id")?,
        condition: args.text("condition", "condition")?,
        needs: list_of(args.text("needs", "needs")?, need)?,
        follow_up_plan: args.text("plan", "follow_up_plan")?,
        next_follow_up_on: args.text("next", "next_follow_up_on")?,
    };
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let record = vault.record_return(person_id, input)?;
    print_saved(args, &record);
    Ok(())
}

fn plan(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["needs", "plan", "next"])?;
    let return_id = args.word(2, "id")?;
    args.no_words_after(3)?;
    let input = ReturnPlanInput {
        needs: list_of(args.text("needs", "needs")?, need)?,
        follow_up_plan: args.text("plan", "follow_up_plan")?,
        next_follow_up_on: args.text("next", "next_follow_up_on")?,
    };
    let record = open_unlocked(args)?.update_return_plan(return_id, input)?;
    print_saved(args, &record);
    Ok(())
}

fn print_saved(args: &Args, record: &ReturnRecord) {
    if args.json {
        print_json(&serde_json::to_value(record).unwrap_or_default());
    } else {
        say(
            format!("Kepulangan {} dicatat: {}", record.return_date, record.id),
            format!("Return of {} recorded: {}", record.return_date, record.id),
        );
    }
}

fn service(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["kind", "date", "provider", "note"])?;
    let return_id = args.word(2, "id")?;
    args.no_words_after(3)?;
    let input = ServiceInput {
        kind: kind(&args.required("kind", "kind")?)?,
        date: args.required("date", "date")?,
        provider: args.text("provider", "provider")?,
        note: args.text("note", "note")?,
    };
    let service = open_unlocked(args)?.add_reintegration_service(return_id, input)?;
    if args.json {
        print_json(&serde_json::to_value(&service).unwrap_or_default());
    } else {
        let what = service_kind_label(service.kind, locale());
        say(
            format!("Layanan dicatat: {what} ({}).", service.date),
            format!("Service recorded: {what} ({}).", service.date),
        );
    }
    Ok(())
}

fn list(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let returns = vault.list_returns(person_id)?;
    if args.json {
        print_json(&serde_json::to_value(&returns).unwrap_or_default());
        return Ok(());
    }
    let locale = locale();
    for record in &returns {
        let needs: Vec<String> = record
            .needs
            .iter()
            .map(|n| reintegration_need_label(*n, locale))
            .collect();
        outln!(
            "{}  {}  {}  [{}]",
            record.return_date,
            record.id,
            return_reason_label(record.reason, locale),
            needs.join(", ")
        );
        if let Some(condition) = &record.condition {
            outln!("    {condition}");
        }
        if let Some(plan) = &record.follow_up_plan {
            let next = record.next_follow_up_on.as_deref().unwrap_or("-");
            outln!("    {plan} ({next})");
        }
        for service in &record.services {
            outln!(
                "    + {}  {}  {}",
                service.date,
                service_kind_label(service.kind, locale),
                service.provider.as_deref().unwrap_or("")
            );
        }
    }
    Ok(())
}
