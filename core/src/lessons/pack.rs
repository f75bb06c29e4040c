//! The lesson pack: its format, its checks and the pack in use (the built-in one, or a
//! newer signed pack installed later).

use std::sync::OnceLock;

use rusqlite::Connection;
use serde::Deserialize;

use crate::crypto::DeviceKey;
use crate::emergency::directory;
use crate::error::{MigranError, PackRejectReason, Result};
use crate::i18n::LocalizedText;
use crate::signed_pack::{self, rejected};

pub(crate) const PACK_KIND: &str = "lessons";

const DEFAULT_PACK: &[u8] = include_bytes!("../../content/lessons/lessons.json");
const DEFAULT_SIGNATURE_HEX: &str = include_str!("../../content/lessons/lessons.json.sig");

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Statement {
    pub text: LocalizedText,
    /// Who said it and where; for a statement that `needs_source`, why none was found.
    pub source: String,
    /// The source's own date, `YYYY-MM-DD` or `YYYY-MM`; empty only when `needs_source`.
    #[serde(default)]
    pub source_date: String,
    /// Advice or a fact no dated source was found for: shown, and marked as such.
    #[serde(default)]
    pub needs_source: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Question {
    pub question: LocalizedText,
    pub options: Vec<LocalizedText>,
    /// Index of the right option.
    pub answer: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LessonContent {
    pub id: String,
    pub title: LocalizedText,
    /// ISO 3166-1 alpha-2 code for a destination lesson.
    pub country: Option<String>,
    pub statements: Vec<Statement>,
    /// Ids of emergency-directory entries: numbers are never copied into a lesson, so a
    /// corrected number in the directory is corrected in every lesson.
    #[serde(default)]
    pub contacts: Vec<String>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LessonPack {
    pub kind: String,
    pub version: u32,
    pub published: String,
    pub lessons: Vec<LessonContent>,
}

/// Checks the signature with `public_key`, then the pack's shape: every lesson in both
/// languages, every statement with a source and the source's date (or marked as needing
/// one), two or three check questions with a right answer among the options.
pub(crate) fn verify_with(pack: &[u8], signature: &[u8], public_key: &[u8]) -> Result<LessonPack> {
    signed_pack::check_signature(pack, signature, public_key)?;
    parse(pack)
}

/// Parses and checks a lesson pack's body as an install would after the signature, for
/// the fuzz targets (fuzz/), which cannot sign what they make up. Installs nothing.
#[doc(hidden)]
pub fn check_unsigned_lesson_pack(pack: &[u8]) -> Result<()> {
    signed_pack::check_unsigned(pack, parse)
}

fn parse(pack: &[u8]) -> Result<LessonPack> {
    let parsed: LessonPack = serde_json::from_slice(pack).map_err(|_| rejected(PackRejectReason::Format))?;
    if parsed.kind != PACK_KIND {
        return Err(rejected(PackRejectReason::Kind));
    }
    if crate::time::parse_date("published", &parsed.published).is_err() || parsed.lessons.is_empty() {
        return Err(rejected(PackRejectReason::Format));
    }
    for (i, lesson) in parsed.lessons.iter().enumerate() {
        let unique = !parsed.lessons[..i].iter().any(|other| other.id == lesson.id);
        let country_ok = lesson
            .country
            .as_deref()
            .is_none_or(crate::validate::is_country_code);
        if !unique || lesson.id.trim().is_empty() || !bilingual(&lesson.title) {
            return Err(rejected(PackRejectReason::Entry));
        }
        if !country_ok {
            return Err(rejected(PackRejectReason::Country));
        }
        if lesson.statements.is_empty()
            || !lesson.statements.iter().all(statement_ok)
            || !(2..=3).contains(&lesson.questions.len())
            || !lesson.questions.iter().all(question_ok)
        {
            return Err(rejected(PackRejectReason::Entry));
        }
    }
    Ok(parsed)
}

fn bilingual(text: &LocalizedText) -> bool {
    !text.id.trim().is_empty() && !text.en.trim().is_empty()
}

fn statement_ok(statement: &Statement) -> bool {
    let dated = if statement.needs_source {
        statement.source_date.is_empty()
    } else {
        signed_pack::is_source_date(&statement.source_date)
    };
    bilingual(&statement.text) && !statement.source.trim().is_empty() && dated
}

fn question_ok(question: &Question) -> bool {
    bilingual(&question.question)
        && question.options.len() >= 2
        && question.options.iter().all(bilingual)
        && (question.answer as usize) < question.options.len()
}

/// The pack built into the app, verified once.
pub(crate) fn default_pack() -> Result<&'static LessonPack> {
    static DEFAULT: OnceLock<std::result::Result<LessonPack, MigranError>> = OnceLock::new();
    DEFAULT
        .get_or_init(|| {
            let signature = directory::from_hex(DEFAULT_SIGNATURE_HEX.trim())?;
            verify_with(DEFAULT_PACK, &signature, &directory::publisher_key()?)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The installed pack if it still verifies, is newer than the built-in one and not older
/// than the high-water mark (an older signed pack put in its row by editing the database),
/// else the built-in one.
pub(crate) fn current_pack(
    conn: &Connection,
    trusted_key: &[u8],
    mark_key: &DeviceKey,
) -> Result<LessonPack> {
    let builtin = default_pack()?;
    let mark = signed_pack::high_water(conn, mark_key, PACK_KIND).unwrap_or(None);
    Ok(signed_pack::installed(conn, PACK_KIND)?
        .and_then(|(body, signature)| verify_with(&body, &signature, trusted_key).ok())
        .filter(|pack| pack.version > builtin.version && mark.is_none_or(|mark| pack.version >= mark))
        .unwrap_or_else(|| builtin.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    fn signed(pack: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        (
            key.sign(pack).as_ref().to_vec(),
            key.public_key().as_ref().to_vec(),
        )
    }

    fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
        let mut pack: serde_json::Value = serde_json::from_slice(DEFAULT_PACK).unwrap();
        edit(&mut pack);
        serde_json::to_vec(&pack).unwrap()
    }

    #[test]
    fn a_statement_without_a_date_is_refused_unless_marked_as_needing_a_source() {
        let undated = edited(|p| p["lessons"][0]["statements"][0]["source_date"] = "".into());
        let (signature, key) = signed(&undated);
        assert_eq!(
            verify_with(&undated, &signature, &key).err(),
            Some(rejected(PackRejectReason::Entry))
        );
        let marked = edited(|p| {
            p["lessons"][0]["statements"][0]["source_date"] = "".into();
            p["lessons"][0]["statements"][0]["needs_source"] = true.into();
        });
        let (signature, key) = signed(&marked);
        assert!(verify_with(&marked, &signature, &key).is_ok());
    }

    #[test]
    fn a_lesson_missing_english_or_with_one_question_or_a_wrong_answer_index_is_refused() {
        let edits: [fn(&mut serde_json::Value); 4] = [
            |p| p["lessons"][1]["title"]["en"] = " ".into(),
            |p| p["lessons"][1]["statements"][0]["text"]["en"] = "".into(),
            |p| {
                let one = p["lessons"][1]["questions"][0].clone();
                p["lessons"][1]["questions"] = serde_json::json!([one]);
            },
            |p| p["lessons"][1]["questions"][0]["answer"] = 9.into(),
        ];
        for edit in edits {
            let pack = edited(edit);
            let (signature, key) = signed(&pack);
            assert_eq!(
                verify_with(&pack, &signature, &key).err(),
                Some(rejected(PackRejectReason::Entry))
            );
        }
    }
}
