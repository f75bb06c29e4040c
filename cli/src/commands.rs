//! The command's words to the function that runs them, and what every command shares:
//! finding and opening the vault, asking before an erasure, reading a choice, saying a
//! line. The commands themselves live in one module per group: `vault` (init, status,
//! PIN, wipe), `person`, `person_csv` (the register from and to a spreadsheet),
//! `contact`, `journey`, `document`, `follow_up`, `consent`,
//! `visits` (and the agenda), `cases`, `returns`, `screening`, `checklist`, `reports`
//! (report, audit, a person's export), `emergency`, `follow` (device roles and follow
//! links), `demo` and `help`.

use std::path::PathBuf;
use std::sync::Arc;

use migran_core::{ActorInput, ActorRole, InvalidReason, MigranError, SystemClock, Vault};

use crate::args::{utf8, Args};
use crate::i18n::t;
use crate::output::outln;
use crate::secrets;
use crate::CliError;

pub fn run(args: &Args) -> Result<(), CliError> {
    let first = args.words.first().map(|w| utf8(w, "command")).transpose()?;
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match (first.as_deref(), second.as_deref()) {
        (None, _) => crate::help::print(&[]),
        (Some("help"), _) => {
            let words: Vec<String> = args.words[1..]
                .iter()
                .map(|w| utf8(w, "command"))
                .collect::<Result<_, _>>()?;
            crate::help::print(&words)
        }
        (Some("completions"), _) => crate::help::completions(args),
        (Some("man"), _) => crate::help::man(),
        (Some("demo"), _) => {
            args.allow_only(&[])?;
            args.no_words_after(1)?;
            crate::demo::run()
        }
        (Some("init"), _) => crate::vault::init(args),
        (Some("status"), _) => crate::vault::status(args),
        (Some("unlock-check"), _) => crate::vault::unlock_check(args),
        (Some("change-pin"), _) => crate::vault::change_pin(args),
        (Some("duress-pin"), Some("set")) => crate::vault::set_duress_pin(args),
        (Some("duress-pin"), Some("remove")) => crate::vault::remove_duress_pin(args),
        (Some("wipe"), _) => crate::vault::wipe(args),
        (Some("person"), Some("add")) => crate::person::add(args),
        (Some("person"), Some("edit")) => crate::person::edit(args),
        (Some("person"), Some("list")) => crate::person::list(args),
        (Some("person"), Some("show")) => crate::person::show(args),
        (Some("person"), Some("find")) => crate::person::find(args),
        (Some("person"), Some("search")) => crate::person::search(args),
        (Some("person"), Some("archive")) => crate::person::archive(args),
        (Some("person"), Some("erase")) => crate::person::erase(args),
        (Some("contact"), Some("add")) => crate::contact::add(args),
        (Some("contact"), Some("remove")) => crate::contact::remove(args),
        (Some("journey"), Some("set")) => crate::journey::set(args),
        (Some("document"), Some("add")) => crate::document::add(args),
        (Some("document"), Some("remove")) => crate::document::remove(args),
        (Some("screen"), _) => crate::screening::run(args),
        (Some("checklist"), _) => crate::checklist::run(args),
        (Some("person"), Some("export")) => crate::reports::person_export(args),
        (Some("person"), Some("import")) => crate::person_csv::import(args),
        (Some("person"), Some("export-csv")) => crate::person_csv::export(args),
        (Some("consent"), _) => crate::consent::run(args),
        (Some("visit"), _) => crate::visits::run(args),
        (Some("agenda"), _) => crate::visits::agenda(args),
        (Some("lesson"), _) => crate::lessons::run(args),
        (Some("session"), _) => crate::sessions::run(args),
        (Some("agency"), _) => crate::agency::run(args),
        (Some("case"), _) => crate::cases::run(args),
        (Some("return"), _) => crate::returns::run(args),
        (Some("report"), _) => crate::reports::report(args),
        (Some("audit"), _) => crate::reports::audit(args),
        (Some("follow-up"), Some("list")) => crate::follow_up::list(args),
        (Some("follow-up"), Some("done")) => crate::follow_up::done(args),
        (Some("team"), _) => crate::team::run(args),
        (Some("sync"), _) => crate::sync::run(args),
        (Some("conflicts"), _) => crate::sync::run_conflicts(args),
        (Some("role"), _) => crate::follow::run_role(args),
        (Some("follow"), _) => crate::follow::run(args),
        (Some("backup"), _) => crate::backup::backup(args),
        (Some("restore"), _) => crate::backup::restore(args),
        (Some("emergency"), sub) => {
            let third = args.words.get(2).map(|w| utf8(w, "command")).transpose()?;
            crate::emergency::run(args, sub, third.as_deref())
        }
        // The words are not repeated: one may be a NIK or a name typed in the wrong place.
        (Some(_), _) => Err(CliError::usage(
            "kata perintah tidak dikenal",
            "unknown command word",
        )),
    }
}

pub(crate) fn vault_dir(args: &Args) -> Result<PathBuf, CliError> {
    let dir = args
        .vault
        .clone()
        .or_else(|| std::env::var_os("MIGRAN_VAULT"))
        .ok_or_else(|| CliError::usage("--vault FOLDER wajib diisi", "--vault DIR is required"))?;
    Ok(PathBuf::from(dir))
}

pub fn open_locked(args: &Args) -> Result<Arc<Vault>, CliError> {
    Ok(open_locked_with_key(args)?.0)
}

/// Opens the vault, locked, with the device key its folder holds (a `device.secret`, or
/// the key factor's `keys/`), and says which kind opened it.
pub fn open_locked_with_key(args: &Args) -> Result<(Arc<Vault>, &'static str), CliError> {
    let dir = vault_dir(args)?;
    let key = secrets::read_device_key(&dir)?;
    let kind = key.kind();
    let vault = match key {
        secrets::DeviceKey::Secret(secret) => {
            Vault::open_with_clock(&dir, Some(secret), Arc::new(SystemClock))?
        }
        secrets::DeviceKey::Factor(factor) => {
            Vault::open_with_factor_and_clock(&dir, factor, Arc::new(SystemClock))?
        }
        secrets::DeviceKey::Nothing => Vault::open_with_clock(&dir, None, Arc::new(SystemClock))?,
    };
    Ok((vault, kind))
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

/// Opens and unlocks the vault and finds the person a typed reference names (a full id, a
/// unique id prefix or a NIK: `person::resolve`).
pub fn open_with_person(args: &Args, reference: &str) -> Result<(Arc<Vault>, String), CliError> {
    let vault = open_unlocked(args)?;
    let person_id = crate::person::resolve(&vault, reference)?;
    Ok((vault, person_id))
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

/// Asks before an erasure unless `--yes` was given. Anything but yes (also no answer at
/// all, as from a script without a terminal) cancels, and a cancel exits 1 so that a
/// script does not take it for a done erasure.
pub fn confirm(args: &Args, question: &crate::i18n::Text) -> Result<(), CliError> {
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

pub fn choice<T: Copy>(field: &str, value: &str, options: &[(&[&str], T)]) -> Result<T, CliError> {
    let wanted = value.trim().to_lowercase().replace(['_', ' '], "-");
    options
        .iter()
        .find(|(names, _)| names.contains(&wanted.as_str()))
        .map(|(_, value)| *value)
        .ok_or_else(|| CliError::NotAChoice {
            field: field.to_string(),
            allowed: options
                .iter()
                .flat_map(|(names, _)| names.iter().copied())
                .collect::<Vec<_>>()
                .join(", "),
        })
}
