//! Storage codes: the names under which every stored enum is written, in the database,
//! in JSON columns, in exports and (later) in sync bundles.
//!
//! A code is chosen once and never changes: it is independent of the Rust variant's name
//! (renaming a variant must not change a vault) and of the display labels (`labels`).
//! `docs/storage.md` lists every code; `store::codes::tests` pins them, and the committed
//! test vault (`core/tests/vectors/`) fails to open if one changes.

/// An enum with a fixed storage code per variant.
pub trait StorageCode: Sized + Copy + 'static {
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    /// The stored name of the variant.
    fn code(self) -> &'static str;
    /// The variant stored under `code`; `None` for a code this build does not know.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

/// Declares the storage codes of a unit-only enum and derives from them the SQL column
/// conversions and the serde form (a string: the code).
///
/// ```ignore
/// storage_codes!(Sex { Female => "female", Male => "male" });
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! storage_codes {
    ($ty:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $crate::store::codes::StorageCode for $ty {
            const ALL: &'static [Self] = &[$($ty::$variant),+];
            fn code(self) -> &'static str {
                match self {
                    $($ty::$variant => $code),+
                }
            }
        }

        impl rusqlite::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                use $crate::store::codes::StorageCode;
                Ok(rusqlite::types::ToSqlOutput::Borrowed(
                    rusqlite::types::ValueRef::Text(self.code().as_bytes()),
                ))
            }
        }

        impl rusqlite::types::FromSql for $ty {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                use $crate::store::codes::StorageCode;
                let text = value.as_str()?;
                $ty::from_code(text).ok_or(rusqlite::types::FromSqlError::InvalidType)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                use $crate::store::codes::StorageCode;
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                use $crate::store::codes::StorageCode;
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                $ty::from_code(&text).ok_or_else(|| {
                    serde::de::Error::custom(concat!("unknown ", stringify!($ty), " code"))
                })
            }
        }
    };
}

/// A JSON TEXT column holding a `T` (a short list of names or codes, a small nested
/// value). Enums in it are written by their storage codes (their serde form), never by
/// Rust names. A value that does not parse reads as a conversion failure, which the
/// kernel reports as `Tampered` for the record's kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct JsonColumn<T>(pub T);

impl<T: serde::Serialize> rusqlite::ToSql for JsonColumn<T> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        let text = serde_json::to_string(&self.0)
            .map_err(|err| rusqlite::Error::ToSqlConversionFailure(Box::new(err)))?;
        Ok(rusqlite::types::ToSqlOutput::Owned(rusqlite::types::Value::Text(
            text,
        )))
    }
}

impl<T: serde::de::DeserializeOwned> rusqlite::types::FromSql for JsonColumn<T> {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        serde_json::from_str(value.as_str()?)
            .map(JsonColumn)
            .map_err(|err| rusqlite::types::FromSqlError::Other(Box::new(err)))
    }
}
