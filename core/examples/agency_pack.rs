//! Builds an (unsigned) P3MI agency list from a CSV export of the ministry's published
//! registry; sign the result with the `pack_signer` example.
//!
//!   cargo run -p migran-core --example agency_pack -- EXPORT.csv VERSION LIST_DATE SOURCE OUT.json [--sample]
//!
//! The CSV needs a header naming `nomor_izin` (or `licence`), `nama` (or `name`) and
//! `status` (`aktif`/`active`, `dibekukan`/`suspended`, `dicabut`/`revoked`). A bad row
//! stops the build and names its line. `--sample` marks a list of fake agencies.

use std::process::ExitCode;

use migran_core::{agency_pack_from_csv, Locale};

fn run(args: &[String]) -> Result<String, String> {
    let (csv, version, list_date, source, out, sample) = match args {
        [csv, version, list_date, source, out] => (csv, version, list_date, source, out, false),
        [csv, version, list_date, source, out, flag] if flag == "--sample" => {
            (csv, version, list_date, source, out, true)
        }
        _ => return Err("usage: agency_pack EXPORT.csv VERSION LIST_DATE SOURCE OUT.json [--sample]".into()),
    };
    let version: u32 = version.parse().map_err(|_| format!("not a version: {version}"))?;
    let bytes = std::fs::read(csv).map_err(|e| format!("{csv}: {e}"))?;
    let pack = agency_pack_from_csv(&bytes, version, list_date, source, sample)
        .map_err(|e| e.message(Locale::En))?;
    std::fs::write(out, &pack).map_err(|e| format!("{out}: {e}"))?;
    Ok(format!("wrote {out}; sign it with pack_signer"))
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
