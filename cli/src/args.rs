//! Command-line words, read as the OS gives them. A value that is not valid UTF-8 is
//! refused with the field it was meant for, never turned into replacement characters.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;

use migran_core::{InvalidReason, MigranError};

use crate::CliError;

/// The command's words as clap parsed them against the grammar (`grammar`), laid out for
/// the commands: `words` holds the subcommand names and then the positional values, in
/// order; options and flags by their long name.
pub struct Args {
    pub vault: Option<OsString>,
    pub json: bool,
    pub words: Vec<OsString>,
    options: HashMap<String, Vec<OsString>>,
    flags: HashSet<String>,
}

impl Args {
    /// Parses the command line. `Ok(None)`: the help or the version was asked for and
    /// printed.
    pub fn parse(raw: impl IntoIterator<Item = OsString>) -> Result<Option<Args>, CliError> {
        let raw: Vec<OsString> = raw.into_iter().collect();
        // An option name that is not UTF-8 is invalid input like any other non-UTF-8
        // value (exit 5), not an unknown word.
        if raw
            .iter()
            .skip(1)
            .any(|word| word.to_str().is_none() && word.as_encoded_bytes().starts_with(b"--"))
        {
            return Err(invalid_characters("option"));
        }
        let command = crate::help::command();
        let matches = match command.clone().try_get_matches_from(raw) {
            Ok(matches) => matches,
            Err(error) => {
                if error.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    eprint!("{}", error.render());
                }
                return match crate::help::usage_error(&error) {
                    Some(usage) => Err(usage),
                    None => {
                        crate::output::write_out(format_args!("{}", error.render()));
                        Ok(None)
                    }
                };
            }
        };
        let mut args = Args {
            vault: None,
            json: false,
            words: Vec::new(),
            options: HashMap::new(),
            flags: HashSet::new(),
        };
        let mut command = &command;
        let mut matches = &matches;
        loop {
            args.take(command, matches);
            let Some((name, sub)) = matches.subcommand() else {
                break;
            };
            args.words.push(OsString::from(name));
            let Some(sub_command) = command.find_subcommand(name) else {
                break;
            };
            command = sub_command;
            matches = sub;
        }
        Ok(Some(args))
    }

    /// The values one level of the command line holds.
    fn take(&mut self, command: &clap::Command, matches: &clap::ArgMatches) {
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            if matches!(arg.get_action(), clap::ArgAction::SetTrue) {
                if matches.get_flag(id) {
                    match id {
                        "json" => self.json = true,
                        _ => {
                            let name = arg.get_long().unwrap_or(id).to_string();
                            self.flags.insert(name);
                        }
                    }
                }
                continue;
            }
            let is_from_command_line = matches
                .value_source(id)
                .is_some_and(|source| source == clap::parser::ValueSource::CommandLine);
            let Some(values) = matches.get_raw(id).filter(|_| is_from_command_line) else {
                continue;
            };
            let values: Vec<OsString> = values.map(OsString::from).collect();
            if arg.is_positional() {
                self.words.extend(values);
            } else if id == "vault" {
                self.vault = values.into_iter().last();
            } else {
                let name = arg.get_long().unwrap_or(id).to_string();
                self.options.entry(name).or_default().extend(values);
            }
        }
    }

    /// Whether `--option` was given at all (with any value, an empty one included).
    pub fn has(&self, option: &str) -> bool {
        self.options.contains_key(option)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(name)
    }

    /// The text of `--option`, checked for UTF-8 and reported under `field`.
    pub fn text(&self, option: &str, field: &str) -> Result<Option<String>, CliError> {
        self.options
            .get(option)
            .and_then(|values| values.last())
            .map(|value| utf8(value, field))
            .transpose()
    }

    /// Every value of a repeatable `--option`, in the order given.
    pub fn texts(&self, option: &str, field: &str) -> Result<Vec<String>, CliError> {
        self.options
            .get(option)
            .map(|values| values.iter().map(|value| utf8(value, field)).collect())
            .unwrap_or_else(|| Ok(Vec::new()))
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
