//! How results are shown: a readable table, or JSON with `--json`.

use migran_core::{
    Contact, DocumentKind, IdentityDocument, Journey, Person, PersonPage, Phase, Relation, Sector,
};
use serde_json::{json, Value};

use crate::i18n::t;

/// `println!` that never panics. When the reader goes away (`migran person list | head`)
/// `println!` would panic on the broken pipe; here the failed write is ignored and the
/// command finishes what it was doing (the demo still removes its temporary folder).
macro_rules! outln {
    () => {
        $crate::output::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

pub fn write_out(text: std::fmt::Arguments) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_fmt(text);
}

/// Bytes to standard output, with the same care for a closed pipe as `outln!`.
pub fn write_bytes(bytes: &[u8]) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(bytes);
}

pub fn print_json(value: &Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => outln!("{text}"),
        Err(_) => outln!("{value}"),
    }
}

pub fn person_json(person: &Person) -> Value {
    serde_json::to_value(person).unwrap_or(Value::Null)
}

pub fn page_json(page: &PersonPage) -> Value {
    json!({
        "items": page.items.iter().map(person_json).collect::<Vec<_>>(),
        "total": page.total,
        "next_offset": page.next_offset,
    })
}

pub fn detail_json(
    person: &Person,
    contacts: &[Contact],
    journey: Option<&Journey>,
    documents: &[IdentityDocument],
) -> Value {
    json!({
        "person": person_json(person),
        "contacts": serde_json::to_value(contacts).unwrap_or(Value::Null),
        "journey": serde_json::to_value(journey).unwrap_or(Value::Null),
        "documents": serde_json::to_value(documents).unwrap_or(Value::Null),
    })
}

/// A table with a header row; columns as wide as their widest cell.
pub fn print_table(headers: &[String], rows: &[Vec<String>]) {
    // Direction overrides are refused on input; any stored before that are dropped here so
    // that no cell can reorder its neighbours (one person's NIK read as another's).
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| {
                    cell.chars()
                        .filter(|c| !migran_core::is_direction_override(*c))
                        .collect()
                })
                .collect()
        })
        .collect();
    let rows = &rows;
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| format!("{cell:<width$}", width = widths[i]))
            .collect();
        outln!("{}", padded.join("  ").trim_end());
    };
    line(headers);
    line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>());
    for row in rows {
        line(row);
    }
}

pub fn person_rows(persons: &[Person]) -> (Vec<String>, Vec<Vec<String>>) {
    let headers = vec![
        "ID".to_string(),
        t("Nama", "Name").get().to_string(),
        "NIK".to_string(),
        t("Lahir", "Born").get().to_string(),
        t("JK", "Sex").get().to_string(),
        t("Telepon", "Phone").get().to_string(),
        t("Desa", "Village").get().to_string(),
    ];
    let rows = persons
        .iter()
        .map(|p| {
            vec![
                crate::person::short_id(&p.id).to_string(),
                if p.archived {
                    format!("{} {}", p.full_name, t("(arsip)", "(archived)").get())
                } else {
                    p.full_name.clone()
                },
                masked_nik(&p.nik),
                p.birth_date.clone(),
                sex_letter(p.sex).to_string(),
                p.phone.clone().unwrap_or_default(),
                p.village.clone(),
            ]
        })
        .collect();
    (headers, rows)
}

/// The last four digits of a NIK, the rest hidden: enough to tell two people apart in a
/// list, too little to be used as the number.
pub fn masked_nik(nik: &str) -> String {
    let digits: Vec<char> = nik.chars().collect();
    let shown: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("{}{shown}", "*".repeat(digits.len().saturating_sub(4)))
}

/// "Siti Contoh (NIK ************0001)": who a confirmation or a list row is about.
pub fn name_and_nik(person: &Person) -> String {
    format!("{} (NIK {})", person.full_name, masked_nik(&person.nik))
}

/// Name and masked NIK of each person in `ids`, read once per person, for list rows.
pub fn names_and_niks<'a>(
    vault: &migran_core::Vault,
    ids: impl IntoIterator<Item = &'a String>,
) -> Result<std::collections::HashMap<String, (String, String)>, migran_core::MigranError> {
    let mut found = std::collections::HashMap::new();
    for id in ids {
        if !found.contains_key(id) {
            let person = vault.get_person(id.clone())?;
            found.insert(id.clone(), (person.full_name, masked_nik(&person.nik)));
        }
    }
    Ok(found)
}

pub fn sex_letter(sex: migran_core::Sex) -> &'static str {
    match sex {
        migran_core::Sex::Female => "P/F",
        migran_core::Sex::Male => "L/M",
    }
}

pub fn print_persons(persons: &[Person]) {
    if persons.is_empty() {
        outln!("{}", t("(tidak ada data)", "(nothing found)").get());
        return;
    }
    let (headers, rows) = person_rows(persons);
    print_table(&headers, &rows);
}

pub fn print_detail(
    person: &Person,
    contacts: &[Contact],
    journey: Option<&Journey>,
    documents: &[IdentityDocument],
) {
    let field = |id: &str, en: &str, value: &str| outln!("{:<22} {value}", t(id, en).get());
    field("ID", "ID", &person.id);
    field("Nama lengkap", "Full name", &person.full_name);
    field("NIK", "NIK", &person.nik);
    field("Tanggal lahir", "Birth date", &person.birth_date);
    field("Jenis kelamin", "Sex", sex_letter(person.sex));
    field("Telepon", "Phone", person.phone.as_deref().unwrap_or("-"));
    field("Alamat", "Address", person.address.as_deref().unwrap_or("-"));
    field("Desa", "Village", &person.village);
    let archived = if person.archived {
        t("ya", "yes")
    } else {
        t("tidak", "no")
    };
    field("Diarsipkan", "Archived", archived.get());
    field("Dicatat", "Registered", &person.created_at);
    outln!();
    outln!("{}", t("Kontak keluarga", "Family contacts").get());
    if contacts.is_empty() {
        outln!("  -");
    }
    for c in contacts {
        outln!(
            "  {} ({}) {}  [{}]",
            c.name,
            relation_label(c.relation),
            c.phone.as_deref().unwrap_or("-"),
            c.id
        );
        if let Some(address) = &c.address {
            outln!("    {address}");
        }
    }
    outln!();
    print_journey(journey);
    outln!();
    outln!("{}", t("Dokumen", "Documents").get());
    if documents.is_empty() {
        outln!("  -");
    }
    for d in documents {
        outln!(
            "  {} {}  {} .. {}  [{}]",
            document_label(d.kind),
            d.number,
            d.issued_on.as_deref().unwrap_or("?"),
            d.expires_on.as_deref().unwrap_or("?"),
            d.id
        );
    }
}

pub fn print_journey(journey: Option<&Journey>) {
    outln!("{}", t("Perjalanan migrasi", "Migration journey").get());
    match journey {
        None => outln!("  -"),
        Some(j) => {
            outln!(
                "  {}  {}  {}",
                phase_label(j.phase),
                j.destination_country.as_deref().unwrap_or("-"),
                j.sector.map(sector_label).unwrap_or_default()
            );
            if let Some(employer) = &j.employer_name {
                outln!("  {}: {employer}", t("Pemberi kerja", "Employer").get());
            }
            if let Some(address) = &j.employer_address {
                outln!(
                    "  {}: {address}",
                    t("Alamat pemberi kerja", "Employer address").get()
                );
            }
            if j.agency_name.is_some() || j.agency_licence.is_some() {
                outln!(
                    "  P3MI: {} ({})",
                    j.agency_name.as_deref().unwrap_or("-"),
                    j.agency_licence
                        .as_deref()
                        .unwrap_or(t("tanpa izin tercatat", "no licence recorded").get())
                );
            }
            outln!(
                "  {}: {}  {}: {}",
                t("Berangkat", "Departure").get(),
                j.departure_date.as_deref().unwrap_or("-"),
                t("Akhir kontrak", "Contract end").get(),
                j.contract_end_date.as_deref().unwrap_or("-")
            );
        }
    }
}

// The words a person reads for the core's enums come from the core (`labels`), so the
// apps and the command agree. JSON keeps the enums' own names for scripts.

pub fn phase_label(phase: Phase) -> String {
    migran_core::phase_label(phase, crate::i18n::locale())
}

pub fn sector_label(sector: Sector) -> String {
    migran_core::sector_label(sector, crate::i18n::locale())
}

pub fn relation_label(relation: Relation) -> String {
    migran_core::relation_label(relation, crate::i18n::locale())
}

pub fn document_label(kind: DocumentKind) -> String {
    migran_core::document_kind_label(kind, crate::i18n::locale())
}
