//! The screening answers file's JSON, decoded strictly: a UTF-8 byte order mark skipped,
//! bytes that are not UTF-8 and a question answered twice refused. Pure (serde only), so
//! the fuzz targets (fuzz/) compile it as it is.

use serde_json::Value;

/// Why an answers file was refused.
#[derive(Debug, PartialEq)]
pub enum AnswersJsonError {
    /// The bytes are not UTF-8.
    NotUtf8,
    /// A question appears twice; its id (letters, digits and `_` only).
    Duplicate(String),
    /// Not a JSON object.
    BadFormat,
}

const DUPLICATE: &str = "duplicate answer: ";

/// The entries of the answers object, in file order.
pub fn decode(bytes: &[u8]) -> Result<Vec<(String, Value)>, AnswersJsonError> {
    let text = std::str::from_utf8(bytes).map_err(|_| AnswersJsonError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let entries: UniqueEntries = serde_json::from_str(text).map_err(|err| {
        let message = err.to_string();
        match message.strip_prefix(DUPLICATE) {
            Some(rest) => {
                AnswersJsonError::Duplicate(rest.chars().take_while(|c| *c != ' ').take(64).collect())
            }
            None => AnswersJsonError::BadFormat,
        }
    })?;
    Ok(entries.0)
}

/// A JSON object's entries in file order, refusing a key given twice (a second answer
/// must not silently replace the first: it once dropped a High flag).
struct UniqueEntries(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for UniqueEntries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = UniqueEntries;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("an object of answers")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueEntries, A::Error> {
                let mut entries: Vec<(String, Value)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    if entries.iter().any(|(seen, _)| *seen == key) {
                        // The question id only (never an answer), to say which one.
                        let question: String = key
                            .chars()
                            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        return Err(serde::de::Error::custom(format!("{DUPLICATE}{question}")));
                    }
                    entries.push((key, value));
                }
                Ok(UniqueEntries(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_strictly() {
        assert_eq!(decode(b"\xef\xbb\xbf{\"a\": \"yes\"}").unwrap().len(), 1);
        assert_eq!(
            decode(b"{\"work_visa\": \"no\", \"work_visa\": \"?\"}"),
            Err(AnswersJsonError::Duplicate("work_visa".into()))
        );
        assert_eq!(decode(b"{\"a\": \"\xff\"}"), Err(AnswersJsonError::NotUtf8));
        assert_eq!(decode(b"[1]"), Err(AnswersJsonError::BadFormat));
    }
}
