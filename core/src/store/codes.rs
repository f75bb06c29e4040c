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

/// Every stored enum and its codes, in the order `docs/storage.md` lists them.
#[cfg(test)]
pub(crate) fn every_stored_enum() -> Vec<(&'static str, Vec<&'static str>)> {
    fn codes<T: StorageCode>() -> Vec<&'static str> {
        T::ALL.iter().map(|v| v.code()).collect()
    }
    vec![
        ("RecordKind", codes::<crate::error::RecordKind>()),
        ("TeamRole", codes::<crate::sync::TeamRole>()),
        ("ConflictReason", codes::<crate::sync::ConflictReason>()),
        ("Sex", codes::<crate::people::Sex>()),
        ("Relation", codes::<crate::people::Relation>()),
        ("Phase", codes::<crate::people::Phase>()),
        ("Sector", codes::<crate::people::Sector>()),
        ("DocumentKind", codes::<crate::people::DocumentKind>()),
        ("ConsentPurpose", codes::<crate::consent::ConsentPurpose>()),
        ("LawfulBasis", codes::<crate::consent::LawfulBasis>()),
        (
            "GuardianRelationship",
            codes::<crate::consent::GuardianRelationship>(),
        ),
        ("ActorRole", codes::<crate::audit::ActorRole>()),
        ("AuditAction", codes::<crate::audit::AuditAction>()),
        ("ItemState", codes::<crate::checklist::ItemState>()),
        ("MaritalStatus", codes::<crate::checklist::MaritalStatus>()),
        ("ItemKind", codes::<crate::checklist::ItemKind>()),
        ("WarningKind", codes::<crate::checklist::WarningKind>()),
        ("RiskLevel", codes::<crate::screening::RiskLevel>()),
        ("Answer", codes::<crate::screening::Answer>()),
        ("VisitTopic", codes::<crate::visits::VisitTopic>()),
        (
            "FacilitatorOrganisation",
            codes::<crate::sessions::FacilitatorOrganisation>(),
        ),
        ("AgeGroup", codes::<crate::sessions::AgeGroup>()),
        ("CaseType", codes::<crate::cases::CaseType>()),
        ("CaseStatus", codes::<crate::cases::CaseStatus>()),
        ("Reporter", codes::<crate::cases::Reporter>()),
        ("Agency", codes::<crate::cases::Agency>()),
        ("case event kind", codes::<crate::cases::store::ChangeKind>()),
        ("ReturnReason", codes::<crate::reintegration::ReturnReason>()),
        (
            "ReintegrationNeed",
            codes::<crate::reintegration::ReintegrationNeed>(),
        ),
        ("ServiceKind", codes::<crate::reintegration::ServiceKind>()),
        ("EmergencyKind", codes::<crate::emergency::EmergencyKind>()),
        ("ActionChannel", codes::<crate::emergency::ActionChannel>()),
        ("Recipient", codes::<crate::emergency::Recipient>()),
        ("ActionStatus", codes::<crate::emergency::ActionStatus>()),
        ("CardContactRole", codes::<crate::emergency::CardContactRole>()),
        ("SmsEncoding", codes::<crate::emergency::SmsEncoding>()),
        ("PageHmac", codes::<crate::store::PageHmac>()),
        ("KdfKind", codes::<crate::vault::KdfKind>()),
        ("DeviceRole", codes::<crate::follow::DeviceRole>()),
        ("FollowKind", codes::<crate::follow::FollowKind>()),
        ("LinkEndReason", codes::<crate::follow::LinkEndReason>()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "<!-- codes: begin (written by store::codes::tests) -->";
    const END: &str = "<!-- codes: end -->";

    fn table() -> String {
        let mut out = String::from("| stored enum | codes |\n|---|---|\n");
        for (name, codes) in every_stored_enum() {
            out.push_str(&format!(
                "| {name} | {} |\n",
                codes
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out
    }

    /// docs/storage.md lists exactly the codes the build stores. A code changed in the
    /// source without the doc (or the other way round) fails here; a code changed in
    /// both fails the committed test vault (`core/tests/vector.rs`).
    /// `MIGRAN_WRITE_DOCS=1` rewrites the list after a deliberate addition.
    #[test]
    fn docs_storage_md_lists_every_stored_code() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/storage.md");
        let doc = std::fs::read_to_string(&path).unwrap();
        let (head, rest) = doc.split_once(BEGIN).expect("the begin marker");
        let (_, tail) = rest.split_once(END).expect("the end marker");
        let written = format!("{head}{BEGIN}\n{}{END}{tail}", table());
        if std::env::var("MIGRAN_WRITE_DOCS").as_deref() == Ok("1") {
            std::fs::write(&path, &written).unwrap();
        }
        assert!(
            doc == written,
            "docs/storage.md does not list the codes this build stores"
        );
    }

    #[test]
    fn codes_are_unique_within_an_enum_and_snake_case() {
        for (name, codes) in every_stored_enum() {
            let mut seen = std::collections::HashSet::new();
            for code in codes {
                assert!(seen.insert(code), "{name}: {code} twice");
                assert!(
                    code.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "{name}: {code}"
                );
            }
        }
    }
}
