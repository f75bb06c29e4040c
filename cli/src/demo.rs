//! `migran demo`: a short, realistic scenario on a fresh vault in a temporary folder,
//! told step by step. All people in it are made up.

use std::path::Path;
use std::sync::Arc;

use migran_core::{
    Argon2Settings, ContactInput, DocumentInput, DocumentKind, FileKeyFactor, JourneyInput, Lookup,
    PageRequest, PersonInput, Phase, Relation, Sector, Sex, SystemClock, Vault, VaultSettings,
};

use crate::i18n::{locale, t};
use crate::output::{self, outln};
use crate::CliError;

const DEMO_PIN: &str = "135790";

fn step(number: u32, id: &str, en: &str) {
    outln!();
    outln!("[{number}] {}", t(id, en).get());
}

fn fake(name: &str, nik: &str, sex: Sex, phone: &str) -> PersonInput {
    PersonInput {
        full_name: name.to_string(),
        nik: nik.to_string(),
        birth_date: "1999-08-17".to_string(),
        sex,
        phone: Some(phone.to_string()),
        address: Some("Dusun Contoh RT 001 RW 002".to_string()),
        village: "Desa Contoh".to_string(),
    }
}

pub fn run() -> Result<(), CliError> {
    let folder = tempfile::tempdir().map_err(|_| CliError::Other("temporary folder".to_string()))?;
    let dir = folder.path().join("vault");
    outln!(
        "{}",
        t(
            "Contoh Migran Emas: semua orang di sini rekaan.",
            "Migran Emas demo: everyone here is made up."
        )
        .get()
    );

    step(
        1,
        "Membuat brankas terenkripsi dengan PIN dan kunci perangkat (berkas kunci khusus pemilik).",
        "Creating an encrypted vault with a PIN and device keys (owner-only key files).",
    );
    let settings = VaultSettings {
        kdf_iterations: 100_000,
        ..VaultSettings::default()
    };
    // The key factor's files as the CLI's own vaults have them, in a folder beside the
    // vault's: the scan of step 8 reads the vault's folder, and key files are no records.
    let factor = FileKeyFactor::new(&folder.path().join("keys"));
    let argon2 = Argon2Settings::for_iterations(settings.kdf_iterations);
    let vault = Vault::create_with_factor_and_clock(
        &dir,
        DEMO_PIN,
        factor.clone(),
        settings,
        argon2,
        Arc::new(SystemClock),
    )?;
    outln!("    {} {}", t("Folder:", "Folder:").get(), dir.display());

    step(
        2,
        "Kader mendaftarkan tiga warga.",
        "A cadre registers three villagers.",
    );
    let siti = vault.add_person(fake(
        "Siti Contoh",
        "3201000000000001",
        Sex::Female,
        "081200000001",
    ))?;
    let budi = vault.add_person(fake("Budi Contoh", "3201000000000002", Sex::Male, "081200000002"))?;
    vault.add_person(fake(
        "Dewi Contoh",
        "3201000000000003",
        Sex::Female,
        "081200000003",
    ))?;
    let page = vault.list_persons(PageRequest { offset: 0, limit: 50 }, false)?;
    output::print_persons(&page.items);

    step(
        3,
        "Siti bersiap berangkat ke Taiwan: kontak ibunya, rencana kerja, dan paspornya dicatat.",
        "Siti prepares to leave for Taiwan: her mother's contact, her placement and passport are recorded.",
    );
    vault.add_contact(
        siti.id.clone(),
        ContactInput {
            name: "Ibu Contoh".to_string(),
            relation: Relation::Mother,
            phone: Some("081299990001".to_string()),
            address: None,
        },
    )?;
    vault.set_journey(
        siti.id.clone(),
        JourneyInput {
            phase: Some(Phase::PreDeparture),
            destination_country: Some("TW".to_string()),
            sector: Some(Sector::Manufacturing),
            employer_name: Some("Contoh Electronics Co.".to_string()),
            agency_name: Some("PT Contoh Penempatan Resmi".to_string()),
            agency_licence: Some("KEP-000/CONTOH/2026".to_string()),
            departure_date: Some("2027-03-01".to_string()),
            contract_end_date: Some("2030-02-28".to_string()),
            ..JourneyInput::default()
        },
    )?;
    vault.add_document(
        siti.id.clone(),
        DocumentInput {
            kind: DocumentKind::Passport,
            number: "C0000001".to_string(),
            issued_on: Some("2026-10-01".to_string()),
            expires_on: Some("2031-10-01".to_string()),
        },
    )?;

    step(
        4,
        "Petugas desa mencari Siti dengan NIK, lalu dengan nomor paspor, lalu dengan nama.",
        "The village officer finds Siti by NIK, then by passport number, then by name.",
    );
    let by_nik = vault.find_persons(Lookup::Nik {
        nik: "3201 0000 0000 0001".to_string(),
    })?;
    let by_passport = vault.find_persons(Lookup::Passport {
        number: "c-0000001".to_string(),
    })?;
    let by_name = vault.search_persons("siti".to_string(), 10)?;
    for (label, found) in [
        (t("NIK 3201 0000 0000 0001", "NIK 3201 0000 0000 0001"), &by_nik),
        (t("paspor c-0000001", "passport c-0000001"), &by_passport),
        (t("nama \"siti\"", "name \"siti\""), &by_name),
    ] {
        let names: Vec<&str> = found.iter().map(|p| p.full_name.as_str()).collect();
        outln!("    {:<26} -> {}", label.get(), names.join(", "));
    }

    step(
        5,
        "Seseorang mencoba PIN yang salah.",
        "Someone tries a wrong PIN.",
    );
    vault.lock();
    match vault.unlock("000000".to_string()) {
        Err(err) => outln!("    {}", err.message(locale())),
        Ok(()) => return Err(CliError::Other("a wrong PIN was accepted".to_string())),
    }
    vault.unlock(DEMO_PIN.to_string())?;
    outln!(
        "    {}",
        t("PIN yang benar tetap berfungsi.", "The right PIN still works.").get()
    );

    step(
        6,
        "PIN diganti; data tetap utuh.",
        "The PIN is changed; the data stays intact.",
    );
    vault.change_pin(DEMO_PIN.to_string(), "246813".to_string())?;
    drop(vault);
    let vault = Vault::open_with_factor_and_clock(&dir, factor, Arc::new(SystemClock))?;
    vault.unlock("246813".to_string())?;
    print_count(&vault)?;

    step(
        7,
        "Budi meminta datanya dihapus (UU PDP); datanya hilang dari brankas.",
        "Budi asks for his data to be erased (UU PDP); it is gone from the vault.",
    );
    vault.erase_person(budi.id.clone())?;
    print_count(&vault)?;

    step(
        8,
        "Berkas brankas diperiksa: tidak ada nama, NIK, atau nomor telepon yang tersimpan terbuka.",
        "The vault files are scanned: no name, NIK or phone number is stored in the clear.",
    );
    let mut leaked = false;
    for marker in [
        "Siti Contoh",
        "Budi Contoh",
        "3201000000000001",
        "6281200000001",
        "C0000001",
    ] {
        let hits = files_containing(&dir, marker)?;
        let verdict = if hits.is_empty() {
            t("tidak ditemukan", "not found").get().to_string()
        } else {
            leaked = true;
            format!("{} {hits:?}", t("DITEMUKAN di", "FOUND in").get())
        };
        outln!("    {marker:<18} {verdict}");
    }
    if leaked {
        return Err(CliError::Failed(t(
            "teks terbuka ditemukan di berkas brankas",
            "plaintext found in the vault files",
        )));
    }
    outln!();
    outln!(
        "{}",
        t(
            "Selesai. Folder sementara dihapus.",
            "Done. The temporary folder is removed."
        )
        .get()
    );
    Ok(())
}

/// How many persons the register holds now.
fn print_count(vault: &Vault) -> Result<(), CliError> {
    let total = vault
        .list_persons(PageRequest { offset: 0, limit: 1 }, false)?
        .total;
    outln!("    {} {total}", t("Orang tercatat:", "Persons on record:").get());
    Ok(())
}

/// The vault files that contain `marker`, as UTF-8 or UTF-16. A folder or file that
/// cannot be read fails the scan: "not found" must mean the bytes were looked at.
fn files_containing(dir: &Path, marker: &str) -> Result<Vec<String>, CliError> {
    let unreadable = |what: &Path| {
        CliError::Failed(t(
            format!("pemeriksaan tidak dapat membaca {}", what.display()),
            format!("the scan cannot read {}", what.display()),
        ))
    };
    let utf16le: Vec<u8> = marker.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let patterns = [marker.as_bytes().to_vec(), utf16le];
    let entries = std::fs::read_dir(dir).map_err(|_| unreadable(dir))?;
    let mut hits = Vec::new();
    let mut scanned = 0;
    for entry in entries {
        let path = entry.map_err(|_| unreadable(dir))?.path();
        let bytes = std::fs::read(&path).map_err(|_| unreadable(&path))?;
        scanned += 1;
        if patterns.iter().any(|pattern| {
            bytes
                .windows(pattern.len())
                .any(|window| window == pattern.as_slice())
        }) {
            hits.push(
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    if scanned == 0 {
        return Err(unreadable(dir));
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plaintext_scan_fails_when_it_cannot_read_what_it_should_scan() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        assert!(matches!(
            files_containing(&missing, "Siti Contoh"),
            Err(CliError::Failed(_))
        ));
        assert!(
            matches!(
                files_containing(dir.path(), "Siti Contoh"),
                Err(CliError::Failed(_))
            ),
            "empty"
        );
        std::fs::write(dir.path().join("vault.db"), b"..Siti Contoh..").unwrap();
        assert_eq!(
            files_containing(dir.path(), "Siti Contoh").ok(),
            Some(vec!["vault.db".to_string()])
        );
        assert_eq!(files_containing(dir.path(), "Budi Contoh").ok(), Some(vec![]));
        // A directory where a file is expected cannot be read as one.
        std::fs::create_dir(dir.path().join("vault.db-wal")).unwrap();
        assert!(matches!(
            files_containing(dir.path(), "Budi Contoh"),
            Err(CliError::Failed(_))
        ));
    }
}
