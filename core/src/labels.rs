//! The words a person reads for the core's enums, in both languages, so the Android app,
//! the iOS app and the CLI say the same thing. Stored data and JSON keep the enums' own
//! names, which stay stable for scripts.

use crate::cases::{Agency, CaseStatus, CaseType};
use crate::consent::{ConsentPurpose, ConsentState};
use crate::i18n::{Locale, LocalizedText};
use crate::people::{DocumentKind, Phase, Relation, Sector};
use crate::reintegration::{ReintegrationNeed, ReturnReason, ServiceKind};
use crate::visits::VisitTopic;

fn pick(locale: Locale, id: &str, en: &str) -> String {
    LocalizedText::new(id, en).get(locale).to_string()
}

/// The word to show for a journey phase, in `locale`'s language.
#[uniffi::export]
pub fn phase_label(phase: Phase, locale: Locale) -> String {
    match phase {
        Phase::Prospective => pick(locale, "calon PMI", "prospective"),
        Phase::PreDeparture => pick(locale, "pra-penempatan", "pre-departure"),
        Phase::Abroad => pick(locale, "bekerja di luar negeri", "working abroad"),
        Phase::Returned => pick(locale, "purna (sudah pulang)", "returned"),
    }
}

/// The word to show for a work sector, in `locale`'s language.
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

/// The word to show for a family contact's relation, in `locale`'s language.
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
        Relation::Mother => pick(locale, "ibu", "mother"),
        Relation::Father => pick(locale, "ayah", "father"),
    }
}

/// The name to show for an identity document kind, in `locale`'s language.
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

/// The words to show for a case type, in `locale`'s language.
#[uniffi::export]
pub fn case_type_label(case_type: CaseType, locale: Locale) -> String {
    match case_type {
        CaseType::UnpaidWages => pick(locale, "gaji tidak dibayar", "unpaid wages"),
        CaseType::Abuse => pick(locale, "kekerasan", "abuse"),
        CaseType::DocumentSeized => pick(locale, "dokumen ditahan", "documents seized"),
        CaseType::MissingContact => pick(locale, "hilang kontak", "missing contact"),
        CaseType::Detention => pick(locale, "ditahan", "detention"),
        CaseType::TraffickingSuspicion => pick(locale, "dugaan TPPO", "suspected trafficking"),
        CaseType::DeathOrIllness => pick(locale, "meninggal atau sakit", "death or illness"),
        CaseType::Deportation => pick(locale, "deportasi", "deportation"),
        CaseType::Other => pick(locale, "lainnya", "other"),
    }
}

/// The word to show for a case status, in `locale`'s language.
#[uniffi::export]
pub fn case_status_label(status: CaseStatus, locale: Locale) -> String {
    match status {
        CaseStatus::Open => pick(locale, "baru", "open"),
        CaseStatus::Referred => pick(locale, "dirujuk", "referred"),
        CaseStatus::InProgress => pick(locale, "ditangani", "in progress"),
        CaseStatus::Resolved => pick(locale, "selesai", "resolved"),
        CaseStatus::Closed => pick(locale, "ditutup", "closed"),
    }
}

/// The name to show for an agency a case is referred to, in `locale`'s language.
#[uniffi::export]
pub fn agency_label(agency: Agency, locale: Locale) -> String {
    match agency {
        Agency::Disnaker => pick(locale, "Disnaker", "Disnaker (labour office)"),
        Agency::Kp2mi => pick(locale, "KP2MI/BP3MI", "KP2MI/BP3MI"),
        Agency::Kbri => pick(locale, "KBRI/KJRI", "embassy or consulate (KBRI/KJRI)"),
        Agency::Police => pick(locale, "polisi", "police"),
        Agency::Ngo => pick(locale, "LSM/pendamping", "NGO"),
        Agency::Other => pick(locale, "lainnya", "other"),
    }
}

/// The words to show for a home visit topic, in `locale`'s language.
#[uniffi::export]
pub fn visit_topic_label(topic: VisitTopic, locale: Locale) -> String {
    match topic {
        VisitTopic::SafeMigration => pick(locale, "migrasi aman", "safe migration"),
        VisitTopic::Documents => pick(locale, "dokumen", "documents"),
        VisitTopic::RedFlags => pick(locale, "tanda bahaya TPPO", "trafficking red flags"),
        VisitTopic::Remittances => pick(locale, "pengiriman uang", "remittances"),
        VisitTopic::Reintegration => pick(locale, "reintegrasi", "reintegration"),
        VisitTopic::Other => pick(locale, "lainnya", "other"),
    }
}

/// The words to show for why a migrant returned, in `locale`'s language.
#[uniffi::export]
pub fn return_reason_label(reason: ReturnReason, locale: Locale) -> String {
    match reason {
        ReturnReason::ContractEnd => pick(locale, "kontrak selesai", "contract ended"),
        ReturnReason::EarlyReturn => pick(locale, "pulang lebih awal", "early return"),
        ReturnReason::Deported => pick(locale, "dideportasi", "deported"),
        ReturnReason::Case => pick(locale, "karena kasus", "because of a case"),
    }
}

/// The word to show for a reintegration need, in `locale`'s language.
#[uniffi::export]
pub fn reintegration_need_label(need: ReintegrationNeed, locale: Locale) -> String {
    match need {
        ReintegrationNeed::Health => pick(locale, "kesehatan", "health"),
        ReintegrationNeed::Legal => pick(locale, "hukum", "legal"),
        ReintegrationNeed::Psychosocial => pick(locale, "psikososial", "psychosocial"),
        ReintegrationNeed::Economic => pick(locale, "ekonomi", "economic"),
    }
}

/// The words to show for a reintegration service kind, in `locale`'s language.
#[uniffi::export]
pub fn service_kind_label(kind: ServiceKind, locale: Locale) -> String {
    match kind {
        ServiceKind::Training => pick(locale, "pelatihan", "training"),
        ServiceKind::BusinessSupport => pick(locale, "pendampingan usaha", "business support"),
        ServiceKind::Counselling => pick(locale, "konseling", "counselling"),
        ServiceKind::HealthCare => pick(locale, "layanan kesehatan", "health care"),
        ServiceKind::LegalAid => pick(locale, "bantuan hukum", "legal aid"),
        ServiceKind::Other => pick(locale, "lainnya", "other"),
    }
}

/// The words to show for a consent purpose, in `locale`'s language.
#[uniffi::export]
pub fn consent_purpose_label(purpose: ConsentPurpose, locale: Locale) -> String {
    match purpose {
        ConsentPurpose::Registration => pick(locale, "pendaftaran", "registration"),
        ConsentPurpose::ShareWithFamily => pick(locale, "berbagi dengan keluarga", "sharing with family"),
        ConsentPurpose::ShareWithAgencies => pick(locale, "berbagi dengan instansi", "sharing with agencies"),
        ConsentPurpose::Reporting => pick(locale, "pelaporan desa", "village reporting"),
    }
}

/// The words to show for a consent's state, in `locale`'s language.
#[uniffi::export]
pub fn consent_state_label(state: ConsentState, locale: Locale) -> String {
    match state {
        ConsentState::Given => pick(locale, "diberikan", "given"),
        ConsentState::Withdrawn => pick(locale, "ditarik", "withdrawn"),
        ConsentState::NotAsked => pick(locale, "belum ditanyakan", "not asked"),
    }
}

/// The name to show for a kind of record (in the audit log), in `locale`'s language. Not
/// exported: the apps show record kinds only inside error messages, which carry them.
pub fn record_kind_label(kind: crate::error::RecordKind, locale: Locale) -> String {
    crate::i18n::record_kind(kind, locale).to_string()
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
        assert_eq!(relation_label(Relation::Mother, Locale::Id), "ibu");
        assert_eq!(relation_label(Relation::Father, Locale::En), "father");
        assert_eq!(
            document_kind_label(DocumentKind::Passport, Locale::En),
            "passport"
        );
        assert_eq!(case_status_label(CaseStatus::InProgress, Locale::Id), "ditangani");
        assert_eq!(
            consent_purpose_label(ConsentPurpose::ShareWithAgencies, Locale::En),
            "sharing with agencies"
        );
    }
}
