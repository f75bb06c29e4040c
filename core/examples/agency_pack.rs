//! Builds an (unsigned) P3MI agency list from a CSV export of the ministry's published
//! registry; sign the result with the `pack_signer` example.
//!
//!   cargo run -p migran-core --example agency_pack -- EXPORT.csv VERSION LIST_DATE SOURCE EXPIRES PUBLIC.pub OUT.json [--sample]
//!
//! EXPIRES (`YYYY-MM-DD`) is the last day the list can be installed; PUBLIC.pub is the
//! public half (hex) of the key that will sign it: the list names it, and an app refuses a
//! list naming another key.
//!
//! The CSV needs a header naming `nomor_izin` (or `licence`), `nama` (or `name`) and
//! `status` (`aktif`/`active`, `dibekukan`/`suspended`, `dicabut`/`revoked`). A bad row
//! stops the build and names its line. `--sample` marks a list of fake agencies.

use std::process::ExitCode;

use migran_core::{agency_pack_from_csv, Locale};

fn run(args: &[String]) -> Result<String, String> {
    let (csv, version, list_date, source, expires, public, out, sample) = match args {
        [csv, version, list_date, source, expires, public, out] => {
            (csv, version, list_date, source, expires, public, out, false)
        }
        [csv, version, list_date, source, expires, public, out, flag] if flag == "--sample" => {
            (csv, version, list_date, source, expires, public, out, true)
        }
        _ => return Err(
            "usage: agency_pack EXPORT.csv VERSION LIST_DATE SOURCE EXPIRES PUBLIC.pub OUT.json [--sample]"
                .into(),
        ),
    };
    let version: u32 = version.parse().map_err(|_| format!("not a version: {version}"))?;
    let bytes = std::fs::read(csv).map_err(|e| format!("{csv}: {e}"))?;
    let public_hex = std::fs::read_to_string(public).map_err(|e| format!("{public}: {e}"))?;
    let public_key = unhex(public_hex.trim()).ok_or_else(|| format!("{public}: not a hex key"))?;
    let pack = agency_pack_from_csv(&bytes, version, list_date, source, sample, &public_key, expires)
        .map_err(|e| e.message(Locale::En))?;
    std::fs::write(out, &pack).map_err(|e| format!("{out}: {e}"))?;
    Ok(format!("wrote {out}; sign it with pack_signer"))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("agency_pack: {message}");
            ExitCode::FAILURE
        }
    }
}
