//! The words a person reads for the core's enums, in both languages, so the Android app,
//! the iOS app and the CLI say the same thing. Stored data and JSON keep the enums' own
//! names, which stay stable for scripts.

use crate::i18n::{Locale, LocalizedText};
use crate::people::{DocumentKind, Phase, Relation, Sector};

fn pick(locale: Locale, id: &str, en: &str) -> String {
    LocalizedText::new(id, en).get(locale).to_string()
}

#[uniffi::export]
pub fn phase_label(phase: Phase, locale: Locale) -> String {
    match phase {
        Phase::Prospective => pick(locale, "calon PMI", "prospective"),
        Phase::PreDeparture => pick(locale, "pra-penempatan", "pre-departure"),
        Phase::Abroad => pick(locale, "bekerja di luar negeri", "working abroad"),
        Phase::Returned => pick(locale, "purna (sudah pulang)", "returned"),
    }
}

#[uniffi::export]
pub fn sector_label(sector: Sector, locale: Locale) -> String {
    match sector {
        Sector::DomesticWork => pick(locale, "pekerja rumah tangga", "domestic work"),
        Sector::Caregiving => pick(locale, "perawat lansia", "caregiving"),
        Sector::Manufacturing => pick(locale, "pabrik/manufaktur", "manufacturing"),
        Sector::Construction => pick(locale, "konstruksi", "construction"),
        Sector::Agriculture => pick(locale, "perkebunan/pertanian", "agriculture"),
        Sector::Fishing => pick(locale, "perikanan/ABK", "fishing"),
        Sector::Hospitality => pick(locale, "perhotelan", "hospitality"),
        Sector::Other => pick(locale, "lainnya", "other"),
    }
}

#[uniffi::export]
pub fn relation_label(relation: Relation, locale: Locale) -> String {
    match relation {
        Relation::Spouse => pick(locale, "suami/istri", "spouse"),
        Relation::Parent => pick(locale, "orang tua", "parent"),
        Relation::Child => pick(locale, "anak", "child"),
        Relation::Sibling => pick(locale, "saudara kandung", "sibling"),
        Relation::Guardian => pick(locale, "wali", "guardian"),
        Relation::OtherRelative => pick(locale, "kerabat", "relative"),
        Relation::Other => pick(locale, "lainnya", "other"),
    }
}

#[uniffi::export]
pub fn document_kind_label(kind: DocumentKind, locale: Locale) -> String {
    match kind {
        DocumentKind::Ktp => pick(locale, "KTP", "identity card (KTP)"),
        DocumentKind::FamilyCard => pick(locale, "Kartu Keluarga", "family card (KK)"),
        DocumentKind::BirthCertificate => pick(locale, "akta kelahiran", "birth certificate"),
        DocumentKind::MarriageCertificate => pick(locale, "buku nikah", "marriage certificate"),
        DocumentKind::Passport => pick(locale, "paspor", "passport"),
        DocumentKind::WorkVisa => pick(locale, "visa kerja", "work visa"),
        DocumentKind::HealthCertificate => pick(locale, "surat keterangan sehat", "health certificate"),
        DocumentKind::CompetencyCertificate => {
            pick(locale, "sertifikat kompetensi", "competency certificate")
        }
        DocumentKind::PlacementAgreement => pick(locale, "perjanjian penempatan", "placement agreement"),
        DocumentKind::WorkAgreement => pick(locale, "perjanjian kerja", "work agreement"),
        DocumentKind::SocialSecurityCard => pick(locale, "kartu BPJS", "social security card (BPJS)"),
        DocumentKind::Other => pick(locale, "dokumen lain", "other document"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_differ_by_language_and_are_never_empty() {
        assert_eq!(phase_label(Phase::Returned, Locale::Id), "purna (sudah pulang)");
        assert_eq!(phase_label(Phase::Returned, Locale::En), "returned");
        for sector in [Sector::DomesticWork, Sector::Fishing, Sector::Other] {
            assert!(!sector_label(sector, Locale::Id).is_empty());
        }
        assert_eq!(relation_label(Relation::Parent, Locale::Id), "orang tua");
        assert_eq!(
            document_kind_label(DocumentKind::Passport, Locale::En),
            "passport"
        );
    }
}
