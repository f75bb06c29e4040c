//! `migran agency check|install`: the recruiter check against the installed, signed
//! P3MI list, offline. The real list comes from the ministry's published registry
//! (docs/education.md); no PIN needed.

use clap::Subcommand;
use std::ffi::OsString;

use migran_core::{AgencyStanding, MigranError};

use crate::args::{utf8, Args};
use crate::commands::{open_locked, say};
use crate::i18n::{locale, t};
use crate::output::{outln, print_json};
use crate::CliError;

/// The grammar of `migran agency` (help text in `help`).
#[derive(Subcommand)]
#[allow(dead_code)] // Declares the grammar; the values are read through `Args`.
pub enum AgencyCommand {
    Check {
        #[arg(value_name = "LICENCE_OR_NAME")]
        query: Option<OsString>,
    },
    Install {
        #[arg(value_name = "PACK")]
        pack: Option<OsString>,
        #[arg(value_name = "SIGNATURE")]
        signature: Option<OsString>,
    },
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        Some("check") => check(args),
        Some("install") => install(args),
        _ => Err(CliError::usage(
            "agency check NOMOR_IZIN_ATAU_NAMA | agency install PAKET TANDA_TANGAN",
            "agency check LICENCE_OR_NAME | agency install PACK SIGNATURE",
        )),
    }
}

fn standing_word(standing: AgencyStanding) -> &'static str {
    match standing {
        AgencyStanding::Active => "active",
        AgencyStanding::Suspended => "suspended",
        AgencyStanding::Revoked => "revoked",
        AgencyStanding::Unknown => "unknown",
        AgencyStanding::NoRegistry => "no_registry",
    }
}

fn check(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let query = args.word(2, "query")?;
    args.no_words_after(3)?;
    let check = open_locked(args)?.check_agency(query, locale())?;
    if args.json {
        print_json(&serde_json::json!({
            "standing": standing_word(check.standing),
            "agency": check.agency.as_ref().map(|a| serde_json::json!({"licence": a.licence, "name": a.name})),
            "list_date": check.list_date,
            "sample": check.sample,
            "explanation": check.explanation,
        }));
        return Ok(());
    }
    if let Some(agency) = &check.agency {
        outln!("{}  {}", agency.licence, agency.name);
    }
    outln!("{}", check.explanation);
    if let Some(date) = &check.list_date {
        say(format!("Daftar tanggal {date}"), format!("List of {date}"));
    }
    if check.sample {
        outln!(
            "{}",
            t(
                "CONTOH: daftar ini berisi data palsu untuk latihan, bukan daftar kementerian.",
                "SAMPLE: this list holds fake data for training, not the ministry's list.",
            )
            .get()
        );
    }
    Ok(())
}

fn install(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let pack_path = args.word(2, "pack")?;
    let signature_path = args.word(3, "signature")?;
    args.no_words_after(4)?;
    let pack = crate::files::read_bounded(
        std::path::Path::new(&pack_path),
        migran_core::MAX_CONTENT_PACK_BYTES as u64,
    )?;
    let signature_bytes = crate::files::read_bounded(std::path::Path::new(&signature_path), 1024)?;
    let signature_text = String::from_utf8_lossy(&signature_bytes);
    let signature =
        crate::emergency::unhex(signature_text.trim()).ok_or(CliError::Core(MigranError::PackRejected {
            reason: migran_core::PackRejectReason::Signature,
        }))?;
    let info = open_locked(args)?.install_agency_pack(pack, signature)?;
    if args.json {
        print_json(&serde_json::json!({
            "version": info.version, "list_date": info.list_date, "sample": info.sample,
            "agency_count": info.agency_count,
        }));
    } else {
        say(
            format!(
                "Daftar P3MI tanggal {} dipasang ({} perusahaan).",
                info.list_date, info.agency_count
            ),
            format!(
                "P3MI list of {} installed ({} agencies).",
                info.list_date, info.agency_count
            ),
        );
    }
    Ok(())
}
