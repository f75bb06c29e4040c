//! `migran document add|remove`: a person's identity documents.

use migran_core::{DocumentInput, DocumentKind};

use crate::args::Args;
use crate::commands::{choice, open_unlocked, say};
use crate::output::print_json;
use crate::CliError;

pub fn add(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["kind", "number", "issued", "expires"])?;
    args.no_words_after(3)?;
    let person_id = args.word(2, "person")?;
    let kind = choice(
        "kind",
        &args.required("kind", "kind")?,
        &[
            (&["ktp"], DocumentKind::Ktp),
            (&["kk", "family-card", "kartu-keluarga"], DocumentKind::FamilyCard),
            (
                &["birth-certificate", "akta-lahir"],
                DocumentKind::BirthCertificate,
            ),
            (
                &["marriage-certificate", "buku-nikah"],
                DocumentKind::MarriageCertificate,
            ),
            (&["passport", "paspor"], DocumentKind::Passport),
            (&["work-visa", "visa-kerja"], DocumentKind::WorkVisa),
            (
                &["health-certificate", "surat-sehat"],
                DocumentKind::HealthCertificate,
            ),
            (
                &["competency-certificate", "sertifikat-kompetensi"],
                DocumentKind::CompetencyCertificate,
            ),
            (
                &["placement-agreement", "perjanjian-penempatan"],
                DocumentKind::PlacementAgreement,
            ),
            (
                &["work-agreement", "perjanjian-kerja"],
                DocumentKind::WorkAgreement,
            ),
            (&["social-security", "bpjs"], DocumentKind::SocialSecurityCard),
            (&["other", "lainnya"], DocumentKind::Other),
        ],
    )?;
    let input = DocumentInput {
        kind,
        number: args.required("number", "number")?,
        issued_on: args.text("issued", "issued_on")?,
        expires_on: args.text("expires", "expires_on")?,
    };
    let vault = open_unlocked(args)?;
    let person_id = crate::person::resolve(&vault, &person_id)?;
    let document = vault.add_document(person_id, input)?;
    if args.json {
        print_json(&serde_json::to_value(&document).unwrap_or_default());
        return Ok(());
    }
    say(
        format!("Dokumen dicatat: {}", document.id),
        format!("Document saved: {}", document.id),
    );
    Ok(())
}

pub fn remove(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let id = args.word(2, "id")?;
    open_unlocked(args)?.remove_document(id)?;
    say("Dokumen dihapus.", "Document removed.");
    Ok(())
}
