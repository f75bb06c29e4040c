//! Lessons for the village's information sessions and for reading alone: short, in
//! Bahasa Indonesia and English, every statement with its source and the source's date,
//! each lesson with two or three check questions. The lessons are a signed content pack
//! (the publisher key of the emergency directory), so nobody can slip a false "rule"
//! onto a phone; destination lessons refer to the emergency directory's entries instead
//! of copying numbers. See docs/education.md.

mod pack;

#[doc(hidden)]
pub use pack::check_unsigned_lesson_pack;

use crate::emergency::directory;
use crate::error::{MigranError, RecordKind, Result};
use crate::i18n::Locale;
use crate::signed_pack;
use crate::vault::Vault;

pub(crate) use pack::{current_pack, default_pack, LessonPack};

/// One lesson in a list: enough to choose it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LessonSummary {
    /// The lesson's id in the pack (`costs`, `destination-my`).
    pub id: String,
    /// The title in the requested language.
    pub title: String,
    /// The destination (ISO 3166-1 alpha-2) of a destination lesson; `None` for the others.
    pub country: Option<String>,
}

/// One statement of a lesson with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LessonStatement {
    /// The statement in the requested language.
    pub text: String,
    /// Who said it and where; for a statement that needs a source, why none was found.
    pub source: String,
    /// The source's own date (`YYYY-MM-DD`, or `YYYY-MM`); `None` when it needs a source.
    pub source_date: Option<String>,
    /// No dated source was found: the app shows it as "source needed".
    pub needs_source: bool,
}

/// A number from the emergency directory that a lesson points to.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LessonContact {
    /// The directory entry's id (`kbri-kualalumpur`).
    pub directory_id: String,
    /// Who the number reaches, in the requested language.
    pub label: String,
    /// The number as the directory in use publishes it.
    pub number: String,
}

/// A check question at the end of a lesson.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckQuestion {
    /// The question in the requested language.
    pub question: String,
    /// The options, in the requested language.
    pub options: Vec<String>,
    /// Index of the right option in `options`.
    pub answer: u32,
}

/// A whole lesson, in one language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Lesson {
    /// The lesson's id in the pack.
    pub id: String,
    /// The title.
    pub title: String,
    /// The destination of a destination lesson.
    pub country: Option<String>,
    /// The statements, in order.
    pub statements: Vec<LessonStatement>,
    /// Numbers to call, taken from the emergency directory in use.
    pub contacts: Vec<LessonContact>,
    /// Two or three check questions.
    pub questions: Vec<CheckQuestion>,
}

/// Which lesson pack is in use.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LessonPackInfo {
    /// The pack's version; a pack is installed only if its version is higher.
    pub version: u32,
    /// When the publisher published it, `YYYY-MM-DD`.
    pub published: String,
    /// How many lessons it holds.
    pub lesson_count: u32,
    /// Whether a pack newer than the built-in one is installed and in use.
    pub installed: bool,
}

#[uniffi::export]
impl Vault {
    /// Every lesson of the pack in use, general lessons first, then by destination.
    /// Works locked: lessons are public content.
    pub fn lessons(&self, locale: Locale) -> Result<Vec<LessonSummary>> {
        let pack = self.lesson_pack()?;
        Ok(pack
            .lessons
            .iter()
            .map(|lesson| LessonSummary {
                id: lesson.id.clone(),
                title: lesson.title.get(locale).to_string(),
                country: lesson.country.clone(),
            })
            .collect())
    }

    /// One lesson with its sources, the directory's numbers it points to and its check
    /// questions. An unknown id is `NotFound { ContentPack }`. Works locked.
    pub fn lesson(&self, lesson_id: String, locale: Locale) -> Result<Lesson> {
        let pack = self.lesson_pack()?;
        let content = find(&pack, &lesson_id)?;
        let directory =
            self.with_locked_store(|conn| crate::emergency::current_directory(conn, self.device_secret()))?;
        let contacts = content
            .contacts
            .iter()
            .filter_map(|id| {
                directory
                    .entries()
                    .find(|(_, _, entry)| &entry.id == id)
                    .map(|(_, _, entry)| LessonContact {
                        directory_id: entry.id.clone(),
                        label: entry.label.get(locale).to_string(),
                        number: entry.number.clone(),
                    })
            })
            .collect();
        Ok(Lesson {
            id: content.id.clone(),
            title: content.title.get(locale).to_string(),
            country: content.country.clone(),
            statements: content
                .statements
                .iter()
                .map(|s| LessonStatement {
                    text: s.text.get(locale).to_string(),
                    source: s.source.clone(),
                    source_date: (!s.needs_source).then(|| s.source_date.clone()),
                    needs_source: s.needs_source,
                })
                .collect(),
            contacts,
            questions: content
                .questions
                .iter()
                .map(|q| CheckQuestion {
                    question: q.question.get(locale).to_string(),
                    options: q.options.iter().map(|o| o.get(locale).to_string()).collect(),
                    answer: q.answer,
                })
                .collect(),
        })
    }

    /// The lesson as the phone's text-to-speech should read it: title, statements,
    /// numbers to call and questions, with abbreviations, numbers and dates spelled out
    /// (see [`crate::speakable_text`]). Sources are left out: they are for the screen.
    pub fn lesson_speech(&self, lesson_id: String, locale: Locale) -> Result<String> {
        let lesson = self.lesson(lesson_id, locale)?;
        let speak = |text: &str| crate::speech::speakable(&sentence(text), locale);
        let mut script = vec![speak(&lesson.title)];
        script.extend(lesson.statements.iter().map(|s| speak(&s.text)));
        // A directory number is a phone number even when short (999): digit by digit.
        script.extend(lesson.contacts.iter().map(|c| {
            let label = crate::speech::speakable(&c.label, locale);
            format!("{label}: {}.", crate::speech::phone_words(&c.number, locale))
        }));
        for question in &lesson.questions {
            script.push(speak(&question.question));
            script.extend(question.options.iter().map(|option| speak(option)));
        }
        Ok(script.join(" "))
    }

    /// Which lesson pack is in use. Works locked.
    pub fn lesson_pack_info(&self) -> Result<LessonPackInfo> {
        info(&self.lesson_pack()?)
    }

    /// Installs a newer signed lesson pack (same publisher key as the directory). A bad
    /// signature, a malformed pack or one not newer than the one in use is refused, and
    /// the one in use stays. Works locked.
    pub fn install_lesson_pack(&self, pack: Vec<u8>, signature: Vec<u8>) -> Result<LessonPackInfo> {
        self.install_lesson_pack_trusting(&pack, &signature, &directory::publisher_key()?)
    }
}

impl Vault {
    fn lesson_pack(&self) -> Result<LessonPack> {
        let key = directory::publisher_key()?;
        let mark_key = self.pack_mark_key()?;
        self.with_locked_store(|conn| current_pack(conn, &key, &mark_key))
    }

    fn install_lesson_pack_trusting(
        &self,
        pack: &[u8],
        signature: &[u8],
        trusted_key: &[u8],
    ) -> Result<LessonPackInfo> {
        let candidate = pack::verify_with(pack, signature, trusted_key)?;
        let signed = signed_pack::SignedPack {
            kind: pack::PACK_KIND,
            version: candidate.version,
            pack,
            signature,
            trusted_key,
        };
        // The built-in lessons are this release's minimum; the pack in use is never below it.
        self.install_signed_pack(signed, pack::default_pack()?.version, |conn, mark_key| {
            Ok(Some(current_pack(conn, trusted_key, mark_key)?.version))
        })?;
        info(&candidate)
    }
}

/// Ends a part of the script with a full stop so the speech engine pauses after it.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '?', '!', ':']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

fn find<'a>(pack: &'a LessonPack, lesson_id: &str) -> Result<&'a pack::LessonContent> {
    pack.lessons
        .iter()
        .find(|lesson| lesson.id == lesson_id)
        .ok_or(MigranError::NotFound {
            kind: RecordKind::ContentPack,
        })
}

fn info(pack: &LessonPack) -> Result<LessonPackInfo> {
    Ok(LessonPackInfo {
        version: pack.version,
        published: pack.published.clone(),
        lesson_count: u32::try_from(pack.lessons.len()).unwrap_or(u32::MAX),
        installed: pack.version > default_pack()?.version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{Ed25519KeyPair, KeyPair};
    use rusqlite::params;

    /// Like the directory's: an older, validly signed lesson pack put back into the
    /// pack's row by editing `locked.db` is below the sealed high-water mark, so the
    /// built-in lessons are used, not the old pack's.
    #[test]
    fn an_older_signed_pack_written_back_into_its_row_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, _) = crate::visits::testing::vault_with_person(dir.path());
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let public = key.public_key().as_ref().to_vec();
        let pack_of = |version: u32| {
            let mut pack: serde_json::Value =
                serde_json::from_slice(include_bytes!("../../content/lessons/lessons.json")).unwrap();
            pack["version"] = version.into();
            pack["key_id"] = signed_pack::content_pack_key_id(&public).into();
            pack["expires"] = "2026-06-30".into();
            serde_json::to_vec(&pack).unwrap()
        };
        let in_use = || {
            vault
                .with_locked_store(|conn| current_pack(conn, &public, &vault.pack_mark_key()?))
                .unwrap()
                .version
        };
        let builtin = pack::default_pack().unwrap().version;
        for version in [builtin + 1, builtin + 2] {
            let pack = pack_of(version);
            vault
                .install_lesson_pack_trusting(&pack, key.sign(&pack).as_ref(), &public)
                .unwrap();
        }
        assert_eq!(in_use(), builtin + 2);

        let older = pack_of(builtin + 1);
        let signature = key.sign(&older).as_ref().to_vec();
        vault
            .with_locked_store(|conn| {
                conn.execute(
                    "UPDATE content_packs SET version = ?1, body = ?2, signature = ?3 WHERE kind = ?4",
                    params![builtin + 1, older, signature, pack::PACK_KIND],
                )?;
                Ok(())
            })
            .unwrap();
        assert_eq!(in_use(), builtin);
    }
}
