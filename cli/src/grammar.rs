//! The command's grammar, declared with clap's derive: every command, subcommand, word
//! and option, so that clap checks them, suggests the nearest when one is mistyped, and
//! writes the help per command, the completions and the man page.
//!
//! The help's words come from `help_text` in the person's language; the declarations
//! here carry only names. The values are handed to the commands as [`crate::args::Args`]
//! (built from the same matches), so a value that is not UTF-8 is still refused with the
//! field it was meant for.

// The fields declare the grammar; the commands read the values through `Args`, built
// from the same matches, so no field is read here.
#![allow(dead_code)]

use std::ffi::OsString;

use clap::{Args as ClapArgs, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "migran",
    version,
    disable_help_subcommand = true,
    allow_negative_numbers = true
)]
pub struct Cli {
    #[arg(long, global = true, value_name = "DIR")]
    vault: Option<OsString>,
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    Demo,
    Init {
        #[arg(long, value_name = "N")]
        kdf_iterations: Option<OsString>,
        #[arg(long, value_name = "N")]
        free_attempts: Option<OsString>,
        #[arg(long, value_name = "N")]
        erase_after: Option<OsString>,
        #[arg(long)]
        duress_pin: bool,
    },
    Status,
    UnlockCheck,
    ChangePin,
    #[command(subcommand)]
    DuressPin(DuressPin),
    Wipe {
        #[arg(long)]
        yes: bool,
    },
    #[command(subcommand)]
    Person(Person),
    #[command(subcommand)]
    Contact(Contact),
    #[command(subcommand)]
    Journey(Journey),
    #[command(subcommand)]
    Document(Document),
    Screen(Screen),
    #[command(subcommand)]
    Checklist(Checklist),
    #[command(subcommand)]
    FollowUp(FollowUp),
    #[command(subcommand)]
    Consent(Consent),
    #[command(subcommand)]
    Visit(Visit),
    #[command(subcommand)]
    Lesson(crate::lessons::LessonCommand),
    #[command(subcommand)]
    Session(crate::sessions::SessionCommand),
    #[command(subcommand)]
    Agency(crate::agency::AgencyCommand),
    Agenda {
        #[arg(long, value_name = "DATE")]
        on: Option<OsString>,
        #[arg(long, value_name = "DAYS")]
        ahead: Option<OsString>,
    },
    #[command(subcommand)]
    Case(Case),
    #[command(subcommand)]
    Return(Return),
    Report {
        #[arg(long, value_name = "DATE")]
        from: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        to: Option<OsString>,
        #[arg(long)]
        csv: bool,
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long)]
        force: bool,
        #[arg(long, value_name = "LANG")]
        lang: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        village: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        officer: Option<OsString>,
        #[arg(long, value_name = "ADDRESS")]
        relay: Option<OsString>,
        #[arg(long, value_name = "CODE")]
        district: Option<OsString>,
        #[arg(long, value_name = "CODE")]
        village_code: Option<OsString>,
    },
    Audit {
        #[arg(long, value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        from: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        to: Option<OsString>,
        #[arg(long, value_name = "N")]
        offset: Option<OsString>,
        #[arg(long, value_name = "N")]
        limit: Option<OsString>,
        #[arg(long, value_name = "FORMAT")]
        export: Option<OsString>,
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long)]
        force: bool,
    },
    #[command(subcommand)]
    Emergency(Emergency),
    // Team sync and backup (issue 12): the grammar lives in their modules.
    #[command(subcommand)]
    Team(crate::team::Team),
    Sync(crate::sync::Sync),
    #[command(subcommand)]
    Conflicts(crate::sync::Conflicts),
    Backup(crate::backup::Backup),
    Restore(crate::backup::Restore),
    // Device roles and follow links (issue 18): the grammar lives in their module.
    Role(crate::follow::Role),
    #[command(subcommand)]
    Follow(crate::follow::Follow),
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    Man,
    Help {
        #[arg(value_name = "COMMAND")]
        command: Vec<OsString>,
    },
}

#[derive(Subcommand)]
enum Person {
    Add(PersonFields),
    Edit {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[command(flatten)]
        fields: PersonFields,
    },
    List {
        #[arg(long, value_name = "N")]
        offset: Option<OsString>,
        #[arg(long, value_name = "N")]
        limit: Option<OsString>,
        #[arg(long)]
        all: bool,
    },
    Show {
        #[arg(value_name = "ID")]
        id: Option<OsString>,
    },
    Find {
        #[arg(long, value_name = "NIK")]
        nik: Option<OsString>,
        #[arg(long, value_name = "PHONE")]
        phone: Option<OsString>,
        #[arg(long, value_name = "NUMBER")]
        passport: Option<OsString>,
    },
    Search {
        #[arg(value_name = "NAME")]
        name: Vec<OsString>,
        #[arg(long, value_name = "N")]
        limit: Option<OsString>,
    },
    Archive {
        #[arg(value_name = "ID")]
        id: Option<OsString>,
        #[arg(long)]
        undo: bool,
    },
    Erase {
        #[arg(value_name = "ID")]
        id: Option<OsString>,
        #[arg(long)]
        yes: bool,
    },
    Import {
        #[arg(value_name = "FILE")]
        file: Option<OsString>,
        #[arg(long)]
        skip_invalid: bool,
        #[arg(long)]
        skip_duplicates: bool,
        #[arg(long)]
        without_consent: bool,
    },
    ExportCsv {
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        all: bool,
        #[arg(long, value_name = "SEPARATOR")]
        separator: Option<OsString>,
    },
    Export {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long, value_name = "FILE")]
        out: Option<OsString>,
        #[arg(long)]
        force: bool,
    },
}

#[derive(ClapArgs)]
struct PersonFields {
    #[arg(long, value_name = "NAME")]
    name: Option<OsString>,
    #[arg(long, value_name = "NIK")]
    nik: Option<OsString>,
    #[arg(long, value_name = "DATE")]
    birth_date: Option<OsString>,
    #[arg(long, value_name = "SEX")]
    sex: Option<OsString>,
    #[arg(long, value_name = "VILLAGE")]
    village: Option<OsString>,
    #[arg(long, value_name = "PHONE")]
    phone: Option<OsString>,
    #[arg(long, value_name = "ADDRESS")]
    address: Option<OsString>,
}

#[derive(Subcommand)]
enum Contact {
    Add {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        name: Option<OsString>,
        #[arg(long, value_name = "RELATION")]
        relation: Option<OsString>,
        #[arg(long, value_name = "PHONE")]
        phone: Option<OsString>,
        #[arg(long, value_name = "ADDRESS")]
        address: Option<OsString>,
    },
    Remove {
        #[arg(value_name = "CONTACT_ID")]
        id: Option<OsString>,
    },
}

#[derive(Subcommand)]
enum Journey {
    Set {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long, value_name = "PHASE")]
        phase: Option<OsString>,
        #[arg(long, value_name = "CODE")]
        country: Option<OsString>,
        #[arg(long, value_name = "SECTOR")]
        sector: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        employer: Option<OsString>,
        #[arg(long, value_name = "ADDRESS")]
        employer_address: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        agency: Option<OsString>,
        #[arg(long, value_name = "NUMBER")]
        agency_licence: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        departure: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        contract_end: Option<OsString>,
    },
}

#[derive(Subcommand)]
enum Document {
    Add {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long, value_name = "KIND")]
        kind: Option<OsString>,
        #[arg(long, value_name = "NUMBER")]
        number: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        issued: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        expires: Option<OsString>,
    },
    Remove {
        #[arg(value_name = "DOCUMENT_ID")]
        id: Option<OsString>,
    },
}

#[derive(ClapArgs)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct Screen {
    #[command(subcommand)]
    sub: Option<ScreenSub>,
    #[arg(value_name = "PERSON")]
    person: Option<OsString>,
    #[arg(long, value_name = "FILE")]
    answers: Option<OsString>,
    #[arg(long, value_name = "NAME")]
    by: Option<OsString>,
}

#[derive(Subcommand)]
enum ScreenSub {
    History {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
    },
    Questions,
}

#[derive(Subcommand)]
enum Checklist {
    Show {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long)]
        family: bool,
    },
    Set {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(value_name = "ITEM")]
        item: Option<OsString>,
        #[arg(value_name = "STATE")]
        state: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        note: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        by: Option<OsString>,
        #[arg(long, value_name = "DOCUMENT_ID")]
        document: Option<OsString>,
    },
    MaritalStatus {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(value_name = "STATUS")]
        status: Option<OsString>,
    },
    Placement {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long, value_name = "YES_NO")]
        fee_charged: Option<OsString>,
        #[arg(long, value_name = "YES_NO")]
        official_channel: Option<OsString>,
    },
}

#[derive(Subcommand)]
enum FollowUp {
    List {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
    },
    Done {
        #[arg(value_name = "FOLLOW_UP_ID")]
        id: Option<OsString>,
    },
}

#[derive(ClapArgs)]
struct ConsentRecord {
    #[arg(value_name = "PERSON")]
    person: Option<OsString>,
    #[arg(value_name = "PURPOSE")]
    purpose: Option<OsString>,
    #[arg(long, value_name = "DATE")]
    date: Option<OsString>,
    #[arg(long, value_name = "TEXT")]
    note: Option<OsString>,
    #[arg(long, value_name = "NAME")]
    given_by: Option<OsString>,
    #[arg(long, value_name = "RELATIONSHIP")]
    relationship: Option<OsString>,
}

#[derive(Subcommand)]
enum Consent {
    Show {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
    },
    Give(ConsentRecord),
    Withdraw(ConsentRecord),
    History {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
    },
    Text {
        #[arg(value_name = "PURPOSE")]
        purpose: Option<OsString>,
    },
    Processing {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
    },
    Told {
        #[arg(value_name = "RECORD_ID")]
        record: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        date: Option<OsString>,
    },
}

#[derive(Subcommand)]
enum Visit {
    Add {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        date: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        cadre: Option<OsString>,
        #[arg(long, value_name = "A,B")]
        present: Option<OsString>,
        #[arg(long, value_name = "TOPICS")]
        topics: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        observations: Option<OsString>,
        #[arg(long, value_name = "ACTION")]
        follow_up: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        due: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        next: Option<OsString>,
    },
    List {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
    },
    Done {
        #[arg(value_name = "FOLLOW_UP_ID")]
        id: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        date: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        note: Option<OsString>,
    },
}

#[derive(Subcommand)]
enum Case {
    Open {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long = "type", value_name = "TYPE")]
        case_type: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        description: Option<OsString>,
        #[arg(long, value_name = "REPORTER")]
        reported_by: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        date: Option<OsString>,
    },
    Show {
        #[arg(value_name = "CASE_ID")]
        id: Option<OsString>,
    },
    List {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
    },
    Note {
        #[arg(value_name = "CASE_ID")]
        id: Option<OsString>,
        #[arg(value_name = "TEXT")]
        text: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        date: Option<OsString>,
    },
    Status {
        #[arg(value_name = "CASE_ID")]
        id: Option<OsString>,
        #[arg(value_name = "STATUS")]
        status: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        date: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        note: Option<OsString>,
    },
    Refer {
        #[arg(value_name = "CASE_ID")]
        id: Option<OsString>,
        #[arg(value_name = "AGENCY")]
        agency: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        office: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        date: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        note: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        emergency_reason: Option<OsString>,
    },
}

#[derive(Subcommand)]
enum Return {
    Add {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        date: Option<OsString>,
        #[arg(long, value_name = "REASON")]
        reason: Option<OsString>,
        #[arg(long, value_name = "CASE_ID")]
        case: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        condition: Option<OsString>,
        #[arg(long, value_name = "NEEDS")]
        needs: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        plan: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        next: Option<OsString>,
    },
    Plan {
        #[arg(value_name = "RETURN_ID")]
        id: Option<OsString>,
        #[arg(long, value_name = "NEEDS")]
        needs: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        plan: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        next: Option<OsString>,
    },
    List {
        #[arg(value_name = "PERSON")]
        person: Option<OsString>,
    },
    Service {
        #[arg(value_name = "RETURN_ID")]
        id: Option<OsString>,
        #[arg(long, value_name = "KIND")]
        kind: Option<OsString>,
        #[arg(long, value_name = "DATE")]
        date: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        provider: Option<OsString>,
        #[arg(long, value_name = "TEXT")]
        note: Option<OsString>,
    },
}

#[derive(ClapArgs)]
struct EmergencyRequest {
    #[arg(long, value_name = "KIND")]
    kind: Option<OsString>,
    #[arg(long, value_name = "CODE")]
    country: Option<OsString>,
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    lat: Option<OsString>,
    #[arg(long, value_name = "Y", allow_hyphen_values = true)]
    lon: Option<OsString>,
    #[arg(long, value_name = "MINUTES")]
    fix_age: Option<OsString>,
}

#[derive(Subcommand)]
enum Emergency {
    #[command(subcommand)]
    Card(Card),
    Plan(EmergencyRequest),
    Trigger(EmergencyRequest),
    Log,
    Pending,
    Ack {
        #[arg(value_name = "ALERT_ID")]
        id: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        by: Option<OsString>,
    },
    InstallPack {
        #[arg(value_name = "PACK")]
        pack: Option<OsString>,
        #[arg(value_name = "SIGNATURE")]
        signature: Option<OsString>,
    },
    Directory,
    #[command(subcommand)]
    Checkin(Checkin),
}

#[derive(Subcommand)]
enum DuressPin {
    Set,
    Remove,
}

#[derive(Subcommand)]
enum Checkin {
    Set {
        #[arg(long, value_name = "HOURS")]
        every: Option<OsString>,
        #[arg(long, value_name = "TIME")]
        at: Option<OsString>,
        #[arg(long, value_name = "MINUTES")]
        grace: Option<OsString>,
        #[arg(long, value_name = "KIND")]
        kind: Option<OsString>,
    },
    Done,
    Status,
    Cancel,
}

#[derive(Subcommand)]
enum Card {
    Set {
        #[arg(long, value_name = "NAME")]
        name: Option<OsString>,
        #[arg(long, value_name = "CODE")]
        country: Option<OsString>,
        #[arg(long, value_name = "NUMBER")]
        passport: Option<OsString>,
        #[arg(long, value_name = "CITY")]
        city: Option<OsString>,
        #[arg(long, value_name = "NAME")]
        employer: Option<OsString>,
        #[arg(long, value_name = "ADDRESS")]
        employer_address: Option<OsString>,
        #[arg(long, value_name = "NAME:PHONE")]
        family_contact: Vec<OsString>,
        #[arg(long, value_name = "NAME:PHONE")]
        cadre: Option<OsString>,
    },
    Show,
    Clear {
        #[arg(long)]
        yes: bool,
    },
}
