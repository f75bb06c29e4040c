//! Command-line words, read as the OS gives them. A value that is not valid UTF-8 is
//! refused with the field it was meant for, never turned into replacement characters.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;

use migran_core::{InvalidReason, MigranError};

use crate::CliError;

/// Options that take no value.
const FLAGS: &[&str] = &[
    "json",
    "all",
    "yes",
    "undo",
    "help",
    "family",
    "csv",
    "skip-invalid",
    "skip-duplicates",
    "without-consent",
    "force",
];

pub struct Args {
    pub vault: Option<OsString>,
    pub json: bool,
    pub words: Vec<OsString>,
    options: HashMap<String, OsString>,
    flags: HashSet<String>,
}

impl Args {
    pub fn parse(raw: impl IntoIterator<Item = OsString>) -> Result<Args, CliError> {
        let mut args = Args {
            vault: None,
            json: false,
            words: Vec::new(),
            options: HashMap::new(),
            flags: HashSet::new(),
        };
        let mut raw = raw.into_iter().skip(1);
        while let Some(word) = raw.next() {
            if word == "-h" {
                args.flags.insert("help".to_string());
                continue;
            }
            // An option name that is not UTF-8 would otherwise pass for a plain word and
            // be ignored; refuse it like any other non-UTF-8 value.
            if word.to_str().is_none() && word.as_encoded_bytes().starts_with(b"--") {
                return Err(invalid_characters("option"));
            }
            let Some(name) = word.to_str().and_then(|w| w.strip_prefix("--")) else {
                args.words.push(word);
                continue;
            };
            let (name, inline) = match name.split_once('=') {
                Some((name, value)) => (name.to_string(), Some(OsString::from(value))),
                None => (name.to_string(), None),
            };
            if FLAGS.contains(&name.as_str()) {
                match name.as_str() {
                    "json" => args.json = true,
                    _ => {
                        args.flags.insert(name);
                    }
                }
                continue;
            }
            let value = match inline {
                Some(value) => value,
                None => raw.next().ok_or_else(|| {
                    CliError::usage(format!("--{name} perlu nilai"), format!("--{name} needs a value"))
                })?,
            };
            if name == "vault" {
                args.vault = Some(value);
            } else if args.options.insert(name.clone(), value).is_some() {
                return Err(CliError::usage(
                    format!("--{name} diberikan dua kali"),
                    format!("--{name} given twice"),
                ));
            }
        }
        Ok(args)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(name)
    }

    /// The text of `--option`, checked for UTF-8 and reported under `field`.
    pub fn text(&self, option: &str, field: &str) -> Result<Option<String>, CliError> {
        self.options
            .get(option)
            .map(|value| utf8(value, field))
            .transpose()
    }

    pub fn required(&self, option: &str, field: &str) -> Result<String, CliError> {
        self.text(option, field)?.ok_or_else(|| {
            CliError::usage(
                format!("--{option} wajib diisi"),
                format!("--{option} is required"),
            )
        })
    }

    pub fn number(&self, option: &str, field: &str) -> Result<Option<u32>, CliError> {
        match self.text(option, field)? {
            None => Ok(None),
            Some(text) => text.trim().parse::<u32>().map(Some).map_err(|_| {
                CliError::Core(MigranError::Invalid {
                    field: field.to_string(),
                    reason: InvalidReason::BadFormat,
                })
            }),
        }
    }

    /// The `index`-th word after the command words, as UTF-8 text for `field`.
    pub fn word(&self, index: usize, field: &str) -> Result<String, CliError> {
        let value = self.words.get(index).ok_or_else(|| {
            let (id, en) = match field {
                "person" => ("ID orang", "the person ID"),
                "id" => ("ID", "the ID"),
                other => (other, other),
            };
            CliError::usage(format!("{id} belum diberikan"), format!("{en} is missing"))
        })?;
        utf8(value, field)
    }

    /// Refuses words beyond the `count` the command uses (`person show ID1 ID2` would
    /// otherwise silently show only the first).
    pub fn no_words_after(&self, count: usize) -> Result<(), CliError> {
        match self.words.get(count) {
            None => Ok(()),
            // The word itself is not echoed: it may be part of a name typed without quotes.
            Some(_) => Err(CliError::usage(
                "ada kata berlebih (isian yang memuat spasi perlu diapit tanda kutip)",
                "unexpected extra word (a value with spaces needs quotes)",
            )),
        }
    }

    /// Refuses options the command does not know, so a typo is not silently ignored.
    pub fn allow_only(&self, known: &[&str]) -> Result<(), CliError> {
        for name in self.options.keys().chain(self.flags.iter()) {
            if !known.contains(&name.as_str()) && name != "help" {
                return Err(CliError::usage(
                    format!("pilihan --{name} tidak dikenal"),
                    format!("unknown option --{name}"),
                ));
            }
        }
        Ok(())
    }
}

pub fn utf8(value: &OsString, field: &str) -> Result<String, CliError> {
    value
        .to_str()
        .map(str::to_string)
        .ok_or_else(|| invalid_characters(field))
}

fn invalid_characters(field: &str) -> CliError {
    CliError::Core(MigranError::Invalid {
        field: field.to_string(),
        reason: InvalidReason::BadCharacters,
    })
}
