//! `migran session add|list|show`: information sessions (sosialisasi) held in the
//! village, with the lessons covered, the facilitators, who attended and the follow-ups.

use clap::Subcommand;
use std::ffi::OsString;

use migran_core::{
    AgeGroup, Facilitator, FacilitatorOrganisation, GuestCount, InfoSession, InfoSessionInput, Sex,
};

use crate::args::{utf8, Args};
use crate::commands::{choice, open_unlocked, say};
use crate::output::{outln, print_json};
use crate::visits::list_of;
use crate::CliError;

/// The grammar of `migran session` (help text in `help`).
#[derive(Subcommand)]
#[allow(dead_code)] // Declares the grammar; the values are read through `Args`.
pub enum SessionCommand {
    Add {
        #[arg(long, value_name = "DATE")]
        date: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        place: Option<OsString>,
        #[arg(long, value_name = "LESSONS")]
        topics: Option<OsString>,
        #[arg(long, value_name = "NAME:ORG")]
        facilitator: Vec<OsString>,
        #[arg(long, value_name = "P1,P2")]
        attendees: Option<OsString>,
        #[arg(long, value_name = "SEX:AGE=N,...")]
        guests: Option<OsString>,
        #[arg(long = "follow-up", id = "session_follow_up", value_name = "TEXT")]
        follow_up: Vec<OsString>,
    },
    List {
        #[arg(long, value_name = "DATE")]
        from: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        to: Option<OsString>,
    },
    Show {
        #[arg(value_name = "SESSION_ID")]
        id: Option<OsString>,
    },
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        Some("add") => add(args),
        Some("list") => list(args),
        Some("show") => show(args),
        _ => Err(CliError::usage(
            "session add --date TGL --place TEMPAT --topics PELAJARAN --facilitator NAMA:ORG [...] | session list [--from TGL] [--to TGL] | session show ID",
            "session add --date DATE --place PLACE --topics LESSONS --facilitator NAME:ORG [...] | session list [--from DATE] [--to DATE] | session show ID",
        )),
    }
}

fn organisation(value: &str) -> Result<FacilitatorOrganisation, CliError> {
    choice(
        "facilitator",
        value,
        &[
            (&["village", "desa"], FacilitatorOrganisation::Village),
            (&["bp3mi"], FacilitatorOrganisation::Bp3mi),
            (&["disnaker"], FacilitatorOrganisation::Disnaker),
            (&["ngo", "lsm"], FacilitatorOrganisation::Ngo),
            (
                &["community-leader", "tokoh-masyarakat"],
                FacilitatorOrganisation::CommunityLeader,
            ),
        ],
    )
}

fn facilitator(value: &str) -> Result<Facilitator, CliError> {
    let (name, org) = value.rsplit_once(':').ok_or_else(|| {
        CliError::usage(
            "--facilitator NAMA:ORG (org: desa, bp3mi, disnaker, lsm, tokoh-masyarakat)",
            "--facilitator NAME:ORG (org: village, bp3mi, disnaker, ngo, community-leader)",
        )
    })?;
    Ok(Facilitator {
        name: name.trim().to_string(),
        organisation: organisation(org.trim())?,
    })
}

/// `female:adult=3`: sex, age group and count of attendees who are not registered.
fn guest(value: &str) -> Result<GuestCount, CliError> {
    let usage = || {
        CliError::usage(
            "--guests JENIS:UMUR=N (perempuan|laki-laki : anak|dewasa|lansia), dipisah koma",
            "--guests SEX:AGE=N (female|male : under-18|adult|older), comma-separated",
        )
    };
    let (group, count) = value.split_once('=').ok_or_else(usage)?;
    let (sex, age) = group.split_once(':').ok_or_else(usage)?;
    let count: u32 = count.trim().parse().map_err(|_| usage())?;
    Ok(GuestCount {
        sex: choice(
            "guests",
            sex.trim(),
            &[
                (&["female", "perempuan", "p"], Sex::Female),
                (&["male", "laki-laki", "l"], Sex::Male),
            ],
        )?,
        age_group: choice(
            "guests",
            age.trim(),
            &[
                (&["under-18", "anak"], AgeGroup::Under18),
                (&["adult", "dewasa"], AgeGroup::Adult),
                (&["older", "lansia"], AgeGroup::Older),
            ],
        )?,
        count,
    })
}

fn add(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[
        "date",
        "place",
        "topics",
        "facilitator",
        "attendees",
        "guests",
        "follow-up",
    ])?;
    args.no_words_after(2)?;
    let facilitators = args
        .texts("facilitator", "facilitators")?
        .iter()
        .map(|text| facilitator(text))
        .collect::<Result<Vec<_>, _>>()?;
    let references = list_of(args.text("attendees", "attendees")?, |r| Ok(r.to_string()))?;
    let mut input = InfoSessionInput {
        date: args.required("date", "date")?,
        place: args.required("place", "place")?,
        topics: list_of(args.text("topics", "topics")?, |t| Ok(t.to_string()))?,
        facilitators,
        attendees: Vec::new(),
        guests: list_of(args.text("guests", "guests")?, guest)?,
        follow_ups: args.texts("follow-up", "follow_ups")?,
    };
    let vault = open_unlocked(args)?;
    for reference in &references {
        input.attendees.push(crate::person::resolve(&vault, reference)?);
    }
    let session = vault.add_info_session(input)?;
    if args.json {
        print_json(&serde_json::to_value(&session).unwrap_or_default());
    } else {
        say(
            format!(
                "Sesi informasi {} dicatat: {} (hadir {})",
                session.date,
                session.id,
                session.attendance()
            ),
            format!(
                "Information session of {} recorded: {} ({} attended)",
                session.date,
                session.id,
                session.attendance()
            ),
        );
    }
    Ok(())
}

fn line(session: &InfoSession) {
    outln!(
        "{}  {}  {}  {}  {}",
        session.date,
        session.id,
        session.place,
        session.attendance(),
        session.topics.join(",")
    );
}

fn list(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["from", "to"])?;
    args.no_words_after(2)?;
    let sessions =
        open_unlocked(args)?.list_info_sessions(args.text("from", "from")?, args.text("to", "to")?)?;
    if args.json {
        print_json(&serde_json::to_value(&sessions).unwrap_or_default());
    } else {
        sessions.iter().for_each(line);
    }
    Ok(())
}

fn show(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let id = args.word(2, "id")?;
    args.no_words_after(3)?;
    let session = open_unlocked(args)?.info_session(id)?;
    if args.json {
        print_json(&serde_json::to_value(&session).unwrap_or_default());
        return Ok(());
    }
    line(&session);
    for f in &session.facilitators {
        outln!("  {} ({:?})", f.name, f.organisation);
    }
    for person in &session.attendees {
        outln!("  + {person}");
    }
    for g in &session.guests {
        outln!("  {:?} {:?}: {}", g.sex, g.age_group, g.count);
    }
    for follow_up in &session.follow_ups {
        outln!("  -> {follow_up}");
    }
    Ok(())
}
