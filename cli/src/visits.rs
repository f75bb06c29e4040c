//! `migran visit ...` and `migran agenda`: home visits with their follow-ups, and what is
//! due on a day.

use migran_core::{
    visit_topic_label, AgendaItem, AgendaKind, AgendaRequest, VisitFollowUpInput, VisitInput, VisitTopic,
};

use crate::args::{utf8, Args};
use crate::commands::{choice, open_unlocked, open_with_person, say};
use crate::i18n::{locale, t, Text};
use crate::output::{names_and_niks, outln, print_json, print_table};
use crate::CliError;

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        Some("add") => add(args),
        Some("list") => list(args),
        Some("done") => done(args),
        _ => Err(CliError::usage(
            "visit add ORANG --date TGL [...] | visit list ORANG | visit done ID_TINDAK_LANJUT [--date TGL] [--note]",
            "visit add PERSON --date DATE [...] | visit list PERSON | visit done FOLLOW_UP_ID [--date DATE] [--note]",
        )),
    }
}

/// Comma-separated values of an option, each read with `one`.
pub fn list_of<T>(
    text: Option<String>,
    one: impl Fn(&str) -> Result<T, CliError>,
) -> Result<Vec<T>, CliError> {
    text.map_or(Ok(Vec::new()), |text| {
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(one)
            .collect()
    })
}

fn topic(value: &str) -> Result<VisitTopic, CliError> {
    choice(
        "topics",
        value,
        &[
            (&["safe-migration", "migrasi-aman"], VisitTopic::SafeMigration),
            (&["documents", "dokumen"], VisitTopic::Documents),
            (&["red-flags", "tanda-bahaya", "tppo"], VisitTopic::RedFlags),
            (
                &["remittances", "remitansi", "kiriman-uang"],
                VisitTopic::Remittances,
            ),
            (&["reintegration", "reintegrasi"], VisitTopic::Reintegration),
            (&["other", "lainnya"], VisitTopic::Other),
        ],
    )
}

fn add(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[
        "date",
        "cadre",
        "present",
        "topics",
        "observations",
        "follow-up",
        "due",
        "next",
    ])?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let follow_ups = match (args.text("follow-up", "action")?, args.text("due", "due_on")?) {
        (Some(action), Some(due_on)) => vec![VisitFollowUpInput { action, due_on }],
        (None, None) => Vec::new(),
        _ => {
            return Err(CliError::usage(
                "--follow-up dan --due harus diberikan bersama",
                "--follow-up and --due go together",
            ))
        }
    };
    let input = VisitInput {
        date: args.required("date", "date")?,
        cadre: args.text("cadre", "cadre")?,
        present: list_of(args.text("present", "present")?, |name| Ok(name.to_string()))?,
        topics: list_of(args.text("topics", "topics")?, topic)?,
        observations: args.text("observations", "observations")?,
        follow_ups,
        next_visit_on: args.text("next", "next_visit_on")?,
    };
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let visit = vault.add_visit(person_id, input)?;
    if args.json {
        print_json(&serde_json::to_value(&visit).unwrap_or_default());
    } else {
        say(
            format!("Kunjungan {} dicatat: {}", visit.date, visit.id),
            format!("Visit of {} recorded: {}", visit.date, visit.id),
        );
        for follow_up in &visit.follow_ups {
            say(
                format!("Tindak lanjut {} (batas {})", follow_up.id, follow_up.due_on),
                format!("Follow-up {} (due {})", follow_up.id, follow_up.due_on),
            );
        }
    }
    Ok(())
}

fn list(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let visits = vault.list_visits(person_id)?;
    if args.json {
        print_json(&serde_json::to_value(&visits).unwrap_or_default());
        return Ok(());
    }
    for visit in &visits {
        let topics: Vec<String> = visit
            .topics
            .iter()
            .map(|topic| visit_topic_label(*topic, locale()))
            .collect();
        outln!(
            "{}  {}  {}  {}",
            visit.date,
            visit.id,
            visit.cadre.as_deref().unwrap_or("-"),
            topics.join(", ")
        );
        if let Some(observations) = &visit.observations {
            outln!("    {observations}");
        }
        for follow_up in &visit.follow_ups {
            let mark = if follow_up.done_on.is_some() { "x" } else { " " };
            outln!(
                "    [{mark}] {}  {}  {}",
                follow_up.due_on,
                follow_up.id,
                follow_up.action
            );
        }
    }
    Ok(())
}

fn done(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["date", "note"])?;
    let id = args.word(2, "id")?;
    args.no_words_after(3)?;
    let follow_up = open_unlocked(args)?.complete_visit_follow_up(
        id,
        args.text("date", "done_on")?,
        args.text("note", "note")?,
    )?;
    if args.json {
        print_json(&serde_json::to_value(&follow_up).unwrap_or_default());
    } else {
        let on = follow_up.done_on.unwrap_or_default();
        say(
            format!("Tindak lanjut selesai ({on})."),
            format!("Follow-up done ({on})."),
        );
    }
    Ok(())
}

/// The action an agenda row asks for and the command that completes it. A person is
/// named by the short end of their id, which every person command takes.
fn completing_command(item: &AgendaItem) -> Text {
    let person = crate::person::short_id(&item.person_id);
    let record = item.record_id.clone().unwrap_or_default();
    match item.kind {
        AgendaKind::VisitDue => t(
            format!("kunjungi: migran visit add {person} --date TGL"),
            format!("visit: migran visit add {person} --date DATE"),
        ),
        AgendaKind::FollowUpDue => t(
            format!("lakukan tindak lanjut: migran visit done {record}"),
            format!("do the follow-up: migran visit done {record}"),
        ),
        AgendaKind::ReintegrationFollowUpDue => t(
            format!("temui dan catat: migran return service {record} --kind JENIS --date TGL, lalu migran return plan {record} --next TGL"),
            format!("meet and record: migran return service {record} --kind KIND --date DATE, then migran return plan {record} --next DATE"),
        ),
        AgendaKind::MissingChecklistItems => t(
            format!("lengkapi bersama keluarga: migran checklist show {person}"),
            format!("complete with the family: migran checklist show {person}"),
        ),
        AgendaKind::ScreeningNotFollowedUp => t(
            format!("tindak lanjuti penapisan: migran follow-up done {record}"),
            format!("follow up the screening: migran follow-up done {record}"),
        ),
        AgendaKind::InviteToSession => t(
            format!("undang ke sesi berikut, lalu: migran session add ... --attendees {person}"),
            format!("invite to the next session, then: migran session add ... --attendees {person}"),
        ),
        AgendaKind::MigrantAlert | AgendaKind::MissedCheckIn => t(
            format!("hubungi sekarang, lalu: migran follow ack {record} --by NAMA"),
            format!("reach them now, then: migran follow ack {record} --by NAME"),
        ),
    }
}

/// `migran agenda [--on DATE] [--ahead DAYS]`.
pub fn agenda(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["on", "ahead"])?;
    args.no_words_after(1)?;
    let request = AgendaRequest {
        on: args.text("on", "on")?,
        look_ahead_days: args.number("ahead", "look_ahead_days")?.unwrap_or(7),
    };
    let vault = open_unlocked(args)?;
    let agenda = vault.agenda(request)?;
    if args.json {
        print_json(&serde_json::json!({
            "on": agenda.on,
            "items": agenda.items.iter().map(|item| serde_json::json!({
                "kind": format!("{:?}", item.kind),
                "person_id": item.person_id,
                "person_name": item.person_name,
                "record_id": item.record_id,
                "due_on": item.due_on,
                "days_overdue": item.days_overdue,
                "count": item.count,
                "text": item.text.get(locale()),
            })).collect::<Vec<_>>(),
        }));
        return Ok(());
    }
    say(
        format!("Agenda {} ({} hal)", agenda.on, agenda.items.len()),
        format!("Agenda for {} ({} items)", agenda.on, agenda.items.len()),
    );
    let people = names_and_niks(&vault, agenda.items.iter().map(|item| &item.person_id))?;
    let headers = vec![
        t("Nama", "Name").get().to_string(),
        "NIK".to_string(),
        t("Apa", "What").get().to_string(),
        t("Selesaikan dengan", "Complete with").get().to_string(),
    ];
    let rows: Vec<Vec<String>> = agenda
        .items
        .iter()
        .map(|item| {
            vec![
                item.person_name.clone(),
                people
                    .get(&item.person_id)
                    .map(|p| p.1.clone())
                    .unwrap_or_default(),
                item.text.get(locale()).to_string(),
                completing_command(item).get().to_string(),
            ]
        })
        .collect();
    print_table(&headers, &rows);
    Ok(())
}
