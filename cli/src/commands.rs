//! One function per command. Each opens the vault it needs (locked or unlocked), calls
//! the core, and prints a table or JSON.

use std::path::PathBuf;
use std::sync::Arc;

use migran_core::{
    ActorInput, ActorRole, ContactInput, DocumentInput, DocumentKind, InvalidReason, JourneyInput, Lookup,
    MigranError, PageRequest, PersonInput, Phase, Relation, Sector, Sex, SystemClock, Vault, VaultSettings,
};
use serde_json::json;

use crate::args::{utf8, Args};
use crate::i18n::t;
use crate::output::{self, outln, print_json};
use crate::secrets;
use crate::CliError;

pub fn run(args: &Args) -> Result<(), CliError> {
    let first = args.words.first().map(|w| utf8(w, "command")).transpose()?;
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match (first.as_deref(), second.as_deref()) {
        (None, _) | (Some("help"), _) => {
            print_help();
            Ok(())
        }
        _ if args.flag("help") => {
            print_help();
            Ok(())
        }
        (Some("demo"), _) => {
            args.allow_only(&[])?;
            args.no_words_after(1)?;
            crate::demo::run()
        }
        (Some("init"), _) => init(args),
        (Some("status"), _) => status(args),
        (Some("unlock-check"), _) => unlock_check(args),
        (Some("change-pin"), _) => change_pin(args),
        (Some("wipe"), _) => wipe(args),
        (Some("person"), Some("add")) => person_add(args),
        (Some("person"), Some("list")) => person_list(args),
        (Some("person"), Some("show")) => person_show(args),
        (Some("person"), Some("find")) => person_find(args),
        (Some("person"), Some("search")) => person_search(args),
        (Some("person"), Some("archive")) => person_archive(args),
        (Some("person"), Some("erase")) => person_erase(args),
        (Some("contact"), Some("add")) => contact_add(args),
        (Some("journey"), Some("set")) => journey_set(args),
        (Some("document"), Some("add")) => document_add(args),
        (Some("screen"), _) => crate::screening::run(args),
        (Some("checklist"), _) => crate::checklist::run(args),
        (Some("person"), Some("export")) => crate::reports::person_export(args),
        (Some("consent"), _) => crate::consent::run(args),
        (Some("visit"), _) => crate::visits::run(args),
        (Some("agenda"), _) => crate::visits::agenda(args),
        (Some("case"), _) => crate::cases::run(args),
        (Some("return"), _) => crate::returns::run(args),
        (Some("report"), _) => crate::reports::report(args),
        (Some("audit"), _) => crate::reports::audit(args),
        (Some("follow-up"), Some("list")) => follow_up_list(args),
        (Some("follow-up"), Some("done")) => follow_up_done(args),
        (Some("emergency"), sub) => {
            let third = args.words.get(2).map(|w| utf8(w, "command")).transpose()?;
            crate::emergency::run(args, sub, third.as_deref())
        }
        (Some(command), sub) => {
            let words = format!("{command}{}", sub.map(|s| format!(" {s}")).unwrap_or_default());
            Err(CliError::usage(
                format!("perintah '{words}' tidak dikenal"),
                format!("unknown command '{words}'"),
            ))
        }
    }
}

fn vault_dir(args: &Args) -> Result<PathBuf, CliError> {
    let dir = args
        .vault
        .clone()
        .or_else(|| std::env::var_os("MIGRAN_VAULT"))
        .ok_or_else(|| CliError::usage("--vault FOLDER wajib diisi", "--vault DIR is required"))?;
    Ok(PathBuf::from(dir))
}

pub fn open_locked(args: &Args) -> Result<Arc<Vault>, CliError> {
    let dir = vault_dir(args)?;
    let secret = secrets::read_device_secret(&dir)?;
    Ok(Vault::open_with_clock(&dir, secret, Arc::new(SystemClock))?)
}

/// Opens and unlocks the vault. When MIGRAN_ACTOR names who is at the keyboard
/// (MIGRAN_ROLE: cadre, the default, village-officer, migrant, family or other), the
/// audit log records them for everything this command does.
pub fn open_unlocked(args: &Args) -> Result<Arc<Vault>, CliError> {
    let vault = open_locked(args)?;
    let pin = secrets::read_pin("MIGRAN_PIN", &t("PIN: ", "PIN: "))?;
    vault.unlock(pin)?;
    if let Some(name) = env_text("MIGRAN_ACTOR")? {
        let role = match env_text("MIGRAN_ROLE")? {
            None => ActorRole::Cadre,
            Some(role) => choice(
                "role",
                &role,
                &[
                    (&["cadre", "kader"], ActorRole::Cadre),
                    (
                        &["village-officer", "officer", "perangkat-desa"],
                        ActorRole::VillageOfficer,
                    ),
                    (&["migrant", "pmi"], ActorRole::Migrant),
                    (&["family", "keluarga"], ActorRole::Family),
                    (&["other", "lainnya"], ActorRole::Other),
                ],
            )?,
        };
        vault.set_actor(ActorInput { name, role })?;
    }
    Ok(vault)
}

/// An environment variable's text; a value that is not UTF-8 is refused, not ignored.
fn env_text(name: &str) -> Result<Option<String>, CliError> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(CliError::Core(MigranError::Invalid {
            field: name.to_lowercase(),
            reason: InvalidReason::BadCharacters,
        })),
    }
}

pub fn say(id: impl Into<String>, en: impl Into<String>) {
    outln!("{}", t(id, en).get());
}

fn init(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["kdf-iterations", "free-attempts", "erase-after"])?;
    args.no_words_after(1)?;
    let dir = vault_dir(args)?;
    let defaults = VaultSettings::default();
    let settings = VaultSettings {
        kdf_iterations: args
            .number("kdf-iterations", "kdf_iterations")?
            .unwrap_or(defaults.kdf_iterations),
        free_attempts: args
            .number("free-attempts", "free_attempts")?
            .unwrap_or(defaults.free_attempts),
        erase_after_failures: args.number("erase-after", "erase_after_failures")?,
    };
    if dir.join("vault.db").exists() {
        return Err(MigranError::VaultExists.into());
    }
    let pin = secrets::read_pin("MIGRAN_PIN", &t("PIN baru: ", "New PIN: "))?;
    if std::env::var_os("MIGRAN_PIN").is_none() {
        let again = secrets::read_pin("MIGRAN_PIN", &t("Ulangi PIN: ", "Repeat PIN: "))?;
        if again != pin {
            return Err(CliError::usage("kedua PIN tidak sama", "the two PINs differ"));
        }
    }
    let secret = secrets::create_device_secret(&dir)?;
    let created = Vault::create_with_clock(&dir, &pin, Some(secret), settings, Arc::new(SystemClock));
    if let Err(err) = created {
        // A vault that was not made must not leave a stray key file behind.
        secrets::remove_device_secret(&dir);
        return Err(err.into());
    }
    say(
        format!(
            "Brankas dibuat di {}. Kunci perangkat: {}/{}",
            dir.display(),
            dir.display(),
            secrets::DEVICE_SECRET_FILE
        ),
        format!(
            "Vault created in {}. Device key: {}/{}",
            dir.display(),
            dir.display(),
            secrets::DEVICE_SECRET_FILE
        ),
    );
    Ok(())
}

fn status(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(1)?;
    let status = open_locked(args)?.status()?;
    if args.json {
        print_json(&json!({
            "failed_attempts": status.failed_attempts,
            "retry_after_seconds": status.retry_after_seconds,
            "uses_device_secret": status.uses_device_secret,
            "kdf_iterations": status.kdf_iterations,
            "free_attempts": status.free_attempts,
            "erase_after_failures": status.erase_after_failures,
        }));
        return Ok(());
    }
    say(
        format!("PIN salah berturut-turut: {}", status.failed_attempts),
        format!("Wrong PINs in a row: {}", status.failed_attempts),
    );
    say(
        format!("Harus menunggu: {} detik", status.retry_after_seconds),
        format!("Wait before next try: {} seconds", status.retry_after_seconds),
    );
    say(
        format!("Iterasi KDF: {}", status.kdf_iterations),
        format!("KDF iterations: {}", status.kdf_iterations),
    );
    say(
        format!("PIN salah tanpa menunggu: {}", status.free_attempts),
        format!("Wrong PINs before a wait: {}", status.free_attempts),
    );
    let (device_id, device_en) = if status.uses_device_secret {
        ("ya", "yes")
    } else {
        ("tidak", "no")
    };
    say(
        format!("Memakai kunci perangkat: {device_id}"),
        format!("Uses a device key: {device_en}"),
    );
    let erase = status
        .erase_after_failures
        .map_or("-".to_string(), |n| n.to_string());
    say(
        format!("Hapus otomatis setelah PIN salah: {erase}"),
        format!("Erase after wrong PINs: {erase}"),
    );
    Ok(())
}

fn unlock_check(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(1)?;
    open_unlocked(args)?;
    say(
        "PIN benar; brankas dapat dibuka.",
        "PIN correct; the vault opens.",
    );
    Ok(())
}

fn change_pin(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(1)?;
    let vault = open_locked(args)?;
    let old = secrets::read_pin("MIGRAN_PIN", &t("PIN lama: ", "Old PIN: "))?;
    let new = secrets::read_pin("MIGRAN_NEW_PIN", &t("PIN baru: ", "New PIN: "))?;
    if std::env::var_os("MIGRAN_NEW_PIN").is_none() {
        let again = secrets::read_pin("MIGRAN_NEW_PIN", &t("Ulangi PIN baru: ", "Repeat new PIN: "))?;
        if again != new {
            return Err(CliError::usage("kedua PIN tidak sama", "the two PINs differ"));
        }
    }
    vault.change_pin(old, new)?;
    say("PIN diganti.", "PIN changed.");
    Ok(())
}

/// Asks before an erasure unless `--yes` was given. Anything but yes (also no answer at
/// all, as from a script without a terminal) cancels, and a cancel exits 1 so that a
/// script does not take it for a done erasure.
fn confirm(args: &Args, question: &crate::i18n::Text) -> Result<(), CliError> {
    if args.flag("yes") {
        return Ok(());
    }
    eprint!("{} ", question.get());
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|_| CliError::Other("stdin".to_string()))?;
    match answer.trim().to_lowercase().as_str() {
        "y" | "ya" | "yes" => Ok(()),
        _ => Err(CliError::Cancelled),
    }
}

fn wipe(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["yes"])?;
    args.no_words_after(1)?;
    let dir = vault_dir(args)?;
    let vault = open_locked(args)?;
    confirm(
        args,
        &t(
            "Hapus SELURUH brankas tanpa bisa dipulihkan? (ya/tidak)",
            "Erase the WHOLE vault, beyond recovery? (yes/no)",
        ),
    )?;
    vault.wipe()?;
    secrets::remove_device_secret(&dir);
    say("Brankas dihapus.", "Vault erased.");
    Ok(())
}

pub fn choice<T: Copy>(field: &str, value: &str, options: &[(&[&str], T)]) -> Result<T, CliError> {
    let wanted = value.trim().to_lowercase().replace(['_', ' '], "-");
    options
        .iter()
        .find(|(names, _)| names.contains(&wanted.as_str()))
        .map(|(_, value)| *value)
        .ok_or_else(|| {
            CliError::Core(MigranError::Invalid {
                field: field.to_string(),
                reason: InvalidReason::BadFormat,
            })
        })
}

fn sex(value: &str) -> Result<Sex, CliError> {
    choice(
        "sex",
        value,
        &[
            (&["f", "p", "female", "perempuan"], Sex::Female),
            (&["m", "l", "male", "laki-laki"], Sex::Male),
        ],
    )
}

fn person_input(args: &Args) -> Result<PersonInput, CliError> {
    Ok(PersonInput {
        full_name: args.required("name", "full_name")?,
        nik: args.required("nik", "nik")?,
        birth_date: args.required("birth-date", "birth_date")?,
        sex: sex(&args.required("sex", "sex")?)?,
        phone: args.text("phone", "phone")?,
        address: args.text("address", "address")?,
        village: args.required("village", "village")?,
    })
}

fn person_add(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["name", "nik", "birth-date", "sex", "phone", "address", "village"])?;
    args.no_words_after(2)?;
    let input = person_input(args)?;
    let person = open_unlocked(args)?.add_person(input)?;
    if args.json {
        print_json(&output::person_json(&person));
    } else {
        say(
            format!("Tercatat: {}", person.id),
            format!("Registered: {}", person.id),
        );
    }
    Ok(())
}

fn person_list(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["offset", "limit", "all"])?;
    args.no_words_after(2)?;
    let page = PageRequest {
        offset: args.number("offset", "offset")?.unwrap_or(0),
        limit: args.number("limit", "limit")?.unwrap_or(50),
    };
    let result = open_unlocked(args)?.list_persons(page, args.flag("all"))?;
    if args.json {
        print_json(&output::page_json(&result));
        return Ok(());
    }
    output::print_persons(&result.items);
    let shown = result.items.len() as u32;
    say(
        format!("{shown} dari {} orang (mulai {}).", result.total, page.offset),
        format!("{shown} of {} persons (from {}).", result.total, page.offset),
    );
    if let Some(next) = result.next_offset {
        say(
            format!("Halaman berikut: --offset {next}"),
            format!("Next page: --offset {next}"),
        );
    }
    Ok(())
}

fn person_show(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let id = args.word(2, "id")?;
    let vault = open_unlocked(args)?;
    let person = vault.get_person(id.clone())?;
    let contacts = vault.list_contacts(id.clone())?;
    let journey = vault.get_journey(id.clone())?;
    let documents = vault.list_documents(id)?;
    if args.json {
        print_json(&output::detail_json(
            &person,
            &contacts,
            journey.as_ref(),
            &documents,
        ));
    } else {
        output::print_detail(&person, &contacts, journey.as_ref(), &documents);
    }
    Ok(())
}

fn person_find(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["nik", "phone", "passport"])?;
    args.no_words_after(2)?;
    let given = [
        args.text("nik", "nik")?,
        args.text("phone", "phone")?,
        args.text("passport", "passport")?,
    ];
    if given.iter().flatten().count() > 1 {
        // Which one would win is not obvious; ask for one rather than guess.
        return Err(CliError::usage(
            "berikan hanya satu dari --nik, --phone, --passport",
            "give only one of --nik, --phone, --passport",
        ));
    }
    let lookup = if let Some(nik) = args.text("nik", "nik")? {
        Lookup::Nik { nik }
    } else if let Some(phone) = args.text("phone", "phone")? {
        Lookup::Phone { phone }
    } else if let Some(number) = args.text("passport", "passport")? {
        Lookup::Passport { number }
    } else {
        return Err(CliError::usage(
            "berikan --nik, --phone atau --passport",
            "give --nik, --phone or --passport",
        ));
    };
    let found = open_unlocked(args)?.find_persons(lookup)?;
    if args.json {
        print_json(&serde_json::Value::Array(
            found.iter().map(output::person_json).collect(),
        ));
    } else if !found.is_empty() {
        output::print_persons(&found);
    }
    // An exact lookup that matches nobody is "not found" (exit 4) whatever the output
    // format, so a script can rely on the exit code alone.
    if found.is_empty() {
        return Err(MigranError::NotFound {
            kind: migran_core::RecordKind::Person,
        }
        .into());
    }
    Ok(())
}

fn person_search(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["limit"])?;
    let words: Vec<String> = args
        .words
        .iter()
        .skip(2)
        .map(|w| utf8(w, "query"))
        .collect::<Result<_, _>>()?;
    if words.is_empty() {
        return Err(CliError::usage("NAMA belum diberikan", "NAME is missing"));
    }
    let limit = args.number("limit", "limit")?.unwrap_or(50);
    let found = open_unlocked(args)?.search_persons(words.join(" "), limit)?;
    if args.json {
        print_json(&serde_json::Value::Array(
            found.iter().map(output::person_json).collect(),
        ));
    } else {
        output::print_persons(&found);
    }
    Ok(())
}

fn person_archive(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["undo"])?;
    args.no_words_after(3)?;
    let id = args.word(2, "id")?;
    let person = open_unlocked(args)?.set_person_archived(id, !args.flag("undo"))?;
    if args.json {
        print_json(&output::person_json(&person));
    } else if person.archived {
        say("Diarsipkan.", "Archived.");
    } else {
        say("Dikembalikan dari arsip.", "Restored from the archive.");
    }
    Ok(())
}

fn person_erase(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["yes"])?;
    args.no_words_after(3)?;
    let id = args.word(2, "id")?;
    let vault = open_unlocked(args)?;
    vault.get_person(id.clone())?;
    confirm(
        args,
        &t(
            "Hapus orang ini dan semua datanya untuk selamanya? (ya/tidak)",
            "Erase this person and all their data for good? (yes/no)",
        ),
    )?;
    vault.erase_person(id)?;
    say("Data orang ini telah dihapus.", "The person's data was erased.");
    Ok(())
}

fn contact_add(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["name", "relation", "phone", "address"])?;
    args.no_words_after(3)?;
    let person_id = args.word(2, "person")?;
    let relation = choice(
        "relation",
        &args.required("relation", "relation")?,
        &[
            (&["spouse", "suami", "istri", "pasangan"], Relation::Spouse),
            (
                &["parent", "ayah", "ibu", "orang-tua", "orangtua"],
                Relation::Parent,
            ),
            (&["child", "anak"], Relation::Child),
            (&["sibling", "saudara", "kakak", "adik"], Relation::Sibling),
            (&["guardian", "wali"], Relation::Guardian),
            (
                &["relative", "other-relative", "kerabat"],
                Relation::OtherRelative,
            ),
            (&["other", "lainnya"], Relation::Other),
        ],
    )?;
    let input = ContactInput {
        name: args.required("name", "name")?,
        relation,
        phone: args.text("phone", "phone")?,
        address: args.text("address", "address")?,
    };
    let contact = open_unlocked(args)?.add_contact(person_id, input)?;
    if args.json {
        print_json(&serde_json::to_value(&contact).unwrap_or_default());
        return Ok(());
    }
    say(
        format!("Kontak dicatat: {}", contact.id),
        format!("Contact saved: {}", contact.id),
    );
    Ok(())
}

fn journey_set(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[
        "phase",
        "country",
        "sector",
        "employer",
        "employer-address",
        "agency",
        "agency-licence",
        "departure",
        "contract-end",
    ])?;
    args.no_words_after(3)?;
    let person_id = args.word(2, "person")?;
    let phase = args
        .text("phase", "phase")?
        .map(|value| {
            choice(
                "phase",
                &value,
                &[
                    (&["prospective", "calon", "minat"], Phase::Prospective),
                    (
                        &["pre-departure", "pra-penempatan", "persiapan"],
                        Phase::PreDeparture,
                    ),
                    (&["abroad", "bekerja", "luar-negeri"], Phase::Abroad),
                    (&["returned", "purna", "pulang"], Phase::Returned),
                ],
            )
        })
        .transpose()?;
    let sector = args
        .text("sector", "sector")?
        .map(|value| {
            choice(
                "sector",
                &value,
                &[
                    (
                        &["domestic-work", "domestic", "rumah-tangga", "prt"],
                        Sector::DomesticWork,
                    ),
                    (&["caregiving", "caregiver", "perawat-lansia"], Sector::Caregiving),
                    (&["manufacturing", "factory", "pabrik"], Sector::Manufacturing),
                    (&["construction", "konstruksi"], Sector::Construction),
                    (
                        &["agriculture", "plantation", "perkebunan", "pertanian"],
                        Sector::Agriculture,
                    ),
                    (&["fishing", "perikanan", "abk"], Sector::Fishing),
                    (&["hospitality", "hotel", "perhotelan"], Sector::Hospitality),
                    (&["other", "lainnya"], Sector::Other),
                ],
            )
        })
        .transpose()?;
    let input = JourneyInput {
        phase,
        destination_country: args.text("country", "destination_country")?,
        sector,
        employer_name: args.text("employer", "employer_name")?,
        employer_address: args.text("employer-address", "employer_address")?,
        agency_name: args.text("agency", "agency_name")?,
        agency_licence: args.text("agency-licence", "agency_licence")?,
        departure_date: args.text("departure", "departure_date")?,
        contract_end_date: args.text("contract-end", "contract_end_date")?,
    };
    let journey = open_unlocked(args)?.set_journey(person_id, input)?;
    if args.json {
        print_json(&serde_json::to_value(&journey).unwrap_or_default());
    } else {
        say("Perjalanan migrasi disimpan.", "Migration journey saved.");
    }
    Ok(())
}

fn document_add(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["kind", "number", "issued", "expires"])?;
    args.no_words_after(3)?;
    let person_id = args.word(2, "person")?;
    let kind = choice(
        "kind",
        &args.required("kind", "kind")?,
        &[
            (&["ktp"], DocumentKind::Ktp),
            (&["kk", "family-card", "kartu-keluarga"], DocumentKind::FamilyCard),
            (
                &["birth-certificate", "akta-lahir"],
                DocumentKind::BirthCertificate,
            ),
            (
                &["marriage-certificate", "buku-nikah"],
                DocumentKind::MarriageCertificate,
            ),
            (&["passport", "paspor"], DocumentKind::Passport),
            (&["work-visa", "visa-kerja"], DocumentKind::WorkVisa),
            (
                &["health-certificate", "surat-sehat"],
                DocumentKind::HealthCertificate,
            ),
            (
                &["competency-certificate", "sertifikat-kompetensi"],
                DocumentKind::CompetencyCertificate,
            ),
            (
                &["placement-agreement", "perjanjian-penempatan"],
                DocumentKind::PlacementAgreement,
            ),
            (
                &["work-agreement", "perjanjian-kerja"],
                DocumentKind::WorkAgreement,
            ),
            (&["social-security", "bpjs"], DocumentKind::SocialSecurityCard),
            (&["other", "lainnya"], DocumentKind::Other),
        ],
    )?;
    let input = DocumentInput {
        kind,
        number: args.required("number", "number")?,
        issued_on: args.text("issued", "issued_on")?,
        expires_on: args.text("expires", "expires_on")?,
    };
    let document = open_unlocked(args)?.add_document(person_id, input)?;
    if args.json {
        print_json(&serde_json::to_value(&document).unwrap_or_default());
        return Ok(());
    }
    say(
        format!("Dokumen dicatat: {}", document.id),
        format!("Document saved: {}", document.id),
    );
    Ok(())
}

fn follow_up_list(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let person_id = args.word(2, "person")?;
    let follow_ups = open_unlocked(args)?.list_follow_ups(person_id)?;
    if args.json {
        print_json(&serde_json::to_value(&follow_ups).unwrap_or_default());
        return Ok(());
    }
    for f in &follow_ups {
        let done = if f.done { "✓" } else { " " };
        outln!(
            "[{done}] {}  {}  {}",
            f.due_date,
            f.id,
            f.reason.get(crate::i18n::locale())
        );
    }
    Ok(())
}

fn follow_up_done(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let id = args.word(2, "id")?;
    open_unlocked(args)?.complete_follow_up(id)?;
    say("Tindak lanjut selesai.", "Follow-up done.");
    Ok(())
}

fn print_help() {
    let text = t(HELP_ID, HELP_EN);
    outln!("{}", text.get());
}

const HELP_ID: &str = "migran: catatan pekerja migran desa yang terenkripsi (Desa Migran Emas)

Pemakaian: migran --vault FOLDER PERINTAH [pilihan] [--json]
PIN dibaca dari MIGRAN_PIN atau ditanyakan tanpa ditampilkan; tidak pernah dari argumen.

Perintah:
  demo                              jalankan contoh singkat di folder sementara
  init [--kdf-iterations N] [--free-attempts N] [--erase-after N]
  status                            status kunci (tanpa PIN)
  unlock-check                      periksa PIN
  change-pin                        ganti PIN (PIN baru dari MIGRAN_NEW_PIN atau ditanyakan)
  person add --name --nik --birth-date YYYY-MM-DD --sex F|M --village [--phone] [--address]
  person list [--offset N] [--limit N] [--all]
  person show ID
  person find --nik N | --phone N | --passport N
  person search NAMA [--limit N]
  person archive ID [--undo]
  person erase ID [--yes]
  contact add ORANG --name --relation R [--phone] [--address]
  journey set ORANG --phase P [--country KODE] [--sector S] [--employer] [--employer-address]
              [--agency] [--agency-licence] [--departure TGL] [--contract-end TGL]
  document add ORANG --kind K --number N [--issued TGL] [--expires TGL]
  wipe [--yes]                      hapus seluruh brankas

Daftar periksa pra-penempatan:
  checklist show ORANG [--family]
  checklist set ORANG LANGKAH belum|proses|selesai|tidak-berlaku [--note] [--by] [--document ID]
  checklist marital-status ORANG lajang|kawin|cerai|cerai-mati

Penapisan TPPO:
  screen ORANG [--answers BERKAS.json] [--by NAMA]   (tanpa --answers: tanya satu per satu)
  screen history ORANG | screen questions
  follow-up list ORANG | follow-up done ID

Kerja kader (MIGRAN_ACTOR=NAMA [MIGRAN_ROLE=kader|perangkat-desa] mencatat siapa di log audit):
  consent show ORANG | consent history ORANG | consent text TUJUAN
  consent give|withdraw ORANG TUJUAN [--date TGL] [--note]
              TUJUAN: pendaftaran, keluarga, instansi, pelaporan
  visit add ORANG --date TGL [--cadre] [--present A,B] [--topics migrasi-aman,dokumen,tppo,...]
              [--observations] [--follow-up TINDAKAN --due TGL] [--next TGL]
  visit list ORANG | visit done ID_TINDAK_LANJUT [--date TGL] [--note]
  agenda [--on TGL] [--ahead HARI]
  case open ORANG --type JENIS --description TEKS --reported-by pmi|keluarga|kader|lainnya [--date TGL]
  case show ID | case list [ORANG] | case note ID TEKS [--date TGL]
  case status ID baru|dirujuk|ditangani|selesai|ditutup [--date TGL] [--note]
  case refer ID disnaker|kp2mi|kbri|polisi|lsm|lainnya [--office] [--date TGL] [--note]
  return add ORANG --date TGL --reason kontrak-selesai|pulang-awal|dideportasi|kasus [--case ID]
              [--condition] [--needs kesehatan,hukum,psikososial,ekonomi] [--plan] [--next TGL]
  return plan ID [--needs] [--plan] [--next TGL] | return list ORANG
  return service ID --kind pelatihan|pendampingan-usaha|konseling|... --date TGL [--provider] [--note]
  report [--from TGL] [--to TGL] [--csv | --json] [--out BERKAS]
  audit [--person ORANG] [--from TGL] [--to TGL] [--offset N] [--limit N]
  audit --export csv|json [--from TGL] [--to TGL] [--out BERKAS]
  person export ORANG [--out BERKAS]

Darurat (tanpa PIN kecuali 'card set'):
  emergency card set --name --country KODE [--passport] [--city] [--employer]
              [--employer-address] [--family-contact NAMA:TELP] [--cadre NAMA:TELP]
  emergency card show
  emergency plan --kind JENIS [--country KODE] [--lat X --lon Y]
  emergency trigger --kind JENIS [--country KODE] [--lat X --lon Y]
  emergency log | pending | ack ID --by NAMA | install-pack PAKET TANDATANGAN
  JENIS: kekerasan, sakit, disekap, paspor-ditahan, gaji, ditahan, pulang, lainnya

Kode keluar: 0 berhasil, 2 perintah salah, 3 PIN salah/terkunci, 4 tidak ditemukan,
5 isian tidak sah, 6 ditolak aturan (persetujuan, alur kasus,
urutan daftar periksa), 1 lainnya. Bahasa: MIGRAN_LANG=en untuk bahasa Inggris.";

const HELP_EN: &str = "migran: the village's encrypted register of migrant workers (Desa Migran Emas)

Usage: migran --vault DIR COMMAND [options] [--json]
The PIN is read from MIGRAN_PIN or asked without echo; never from an argument.

Commands:
  demo                              run a short scenario in a temporary folder
  init [--kdf-iterations N] [--free-attempts N] [--erase-after N]
  status                            lock status (no PIN needed)
  unlock-check                      check the PIN
  change-pin                        change the PIN (new PIN from MIGRAN_NEW_PIN or asked)
  person add --name --nik --birth-date YYYY-MM-DD --sex F|M --village [--phone] [--address]
  person list [--offset N] [--limit N] [--all]
  person show ID
  person find --nik N | --phone N | --passport N
  person search NAME [--limit N]
  person archive ID [--undo]
  person erase ID [--yes]
  contact add PERSON --name --relation R [--phone] [--address]
  journey set PERSON --phase P [--country CODE] [--sector S] [--employer] [--employer-address]
              [--agency] [--agency-licence] [--departure DATE] [--contract-end DATE]
  document add PERSON --kind K --number N [--issued DATE] [--expires DATE]
  wipe [--yes]                      erase the whole vault

Pre-departure checklist:
  checklist show PERSON [--family]
  checklist set PERSON ITEM not-started|in-progress|done|not-applicable [--note] [--by] [--document ID]
  checklist marital-status PERSON single|married|divorced|widowed

TPPO screening:
  screen PERSON [--answers FILE.json] [--by NAME]   (without --answers: asks each question)
  screen history PERSON | screen questions
  follow-up list PERSON | follow-up done ID

The cadre's work (MIGRAN_ACTOR=NAME [MIGRAN_ROLE=cadre|village-officer] names who acts in the audit log):
  consent show PERSON | consent history PERSON | consent text PURPOSE
  consent give|withdraw PERSON PURPOSE [--date DATE] [--note]
              PURPOSE: registration, family, agencies, reporting
  visit add PERSON --date DATE [--cadre] [--present A,B] [--topics safe-migration,documents,red-flags,...]
              [--observations] [--follow-up ACTION --due DATE] [--next DATE]
  visit list PERSON | visit done FOLLOW_UP_ID [--date DATE] [--note]
  agenda [--on DATE] [--ahead DAYS]
  case open PERSON --type TYPE --description TEXT --reported-by migrant|family|cadre|other [--date DATE]
  case show ID | case list [PERSON] | case note ID TEXT [--date DATE]
  case status ID open|referred|in-progress|resolved|closed [--date DATE] [--note]
  case refer ID disnaker|kp2mi|kbri|police|ngo|other [--office] [--date DATE] [--note]
  return add PERSON --date DATE --reason contract-end|early-return|deported|case [--case ID]
              [--condition] [--needs health,legal,psychosocial,economic] [--plan] [--next DATE]
  return plan ID [--needs] [--plan] [--next DATE] | return list PERSON
  return service ID --kind training|business-support|counselling|... --date DATE [--provider] [--note]
  report [--from DATE] [--to DATE] [--csv | --json] [--out FILE]
  audit [--person PERSON] [--from DATE] [--to DATE] [--offset N] [--limit N]
  audit --export csv|json [--from DATE] [--to DATE] [--out FILE]
  person export PERSON [--out FILE]

Emergency (no PIN except 'card set'):
  emergency card set --name --country CODE [--passport] [--city] [--employer]
              [--employer-address] [--family-contact NAME:PHONE] [--cadre NAME:PHONE]
  emergency card show
  emergency plan --kind KIND [--country CODE] [--lat X --lon Y]
  emergency trigger --kind KIND [--country CODE] [--lat X --lon Y]
  emergency log | pending | ack ID --by NAME | install-pack PACK SIGNATURE
  KIND: violence, medical, held, passport-taken, unpaid-wages, detention, go-home, other

Exit codes: 0 ok, 2 usage, 3 wrong PIN/locked out, 4 not found, 5 invalid input,
6 refused by a rule (consent, case workflow, checklist order), 1 other. Language: MIGRAN_LANG=en for English.";
