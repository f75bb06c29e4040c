//! The command's own words, in Bahasa Indonesia (default) and English. The locale comes
//! from MIGRAN_LANG, else LC_ALL or LANG.

use std::sync::OnceLock;

use migran_core::Locale;

static LOCALE: OnceLock<Locale> = OnceLock::new();

pub fn locale() -> Locale {
    *LOCALE.get_or_init(|| {
        ["MIGRAN_LANG", "LC_ALL", "LANG"]
            .iter()
            .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()))
            .map_or(Locale::Id, |tag| Locale::from_tag(&tag))
    })
}

/// A text in both languages; shown in the current locale.
pub struct Text {
    pub id: String,
    pub en: String,
}

impl Text {
    pub fn get(&self) -> &str {
        match locale() {
            Locale::Id => &self.id,
            Locale::En => &self.en,
        }
    }
}

/// Builds a [`Text`]; both arguments may be `format!` results.
pub fn t(id: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        id: id.into(),
        en: en.into(),
    }
}

/// A text that reads the same in both languages (a command name, a code).
impl From<&str> for Text {
    fn from(same: &str) -> Self {
        t(same, same)
    }
}

impl From<String> for Text {
    fn from(same: String) -> Self {
        t(same.clone(), same)
    }
}
