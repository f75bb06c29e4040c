//! Bahasa Indonesia first, English second: the two languages of every text the core makes.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, uniffi::Enum)]
pub enum Locale {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    En,
}

impl Locale {
    /// Picks a locale from a POSIX-style language tag (`en_US.UTF-8`, `id`, `en`).
    /// Anything that is not English falls back to Indonesian.
    pub fn from_tag(tag: &str) -> Locale {
        if tag.to_ascii_lowercase().starts_with("en") {
            Locale::En
        } else {
            Locale::Id
        }
    }
}

/// A text in both languages, as content packs and rules carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct LocalizedText {
    pub id: String,
    pub en: String,
}

impl LocalizedText {
    pub fn new(id: &str, en: &str) -> Self {
        LocalizedText {
            id: id.to_string(),
            en: en.to_string(),
        }
    }

    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::Id => &self.id,
            Locale::En => &self.en,
        }
    }
}

/// The human name of a field named in an `Invalid` or `Duplicate` error.
pub(crate) fn field_name(field: &str, locale: Locale) -> String {
    // A field in a batch is named with its row: "3.nik".
    if let Some((row, inner)) = field.split_once('.') {
        if row.chars().all(|c| c.is_ascii_digit()) {
            let inner = field_name(inner, locale);
            return match locale {
                Locale::Id => format!("baris {row}: {inner}"),
                Locale::En => format!("row {row}: {inner}"),
            };
        }
    }
    let (id, en) = match field {
        "pin" => ("PIN", "PIN"),
        "new_pin" => ("PIN baru", "new PIN"),
        "full_name" => ("nama lengkap", "full name"),
        "nik" => ("NIK", "NIK (national identity number)"),
        "birth_date" => ("tanggal lahir", "birth date"),
        "phone" => ("nomor telepon", "phone number"),
        "address" => ("alamat", "address"),
        "village" => ("desa", "village"),
        "relation" => ("hubungan", "relation"),
        "name" => ("nama", "name"),
        "destination_country" => ("negara tujuan", "destination country"),
        "employer_name" => ("nama pemberi kerja", "employer name"),
        "employer_address" => ("alamat pemberi kerja", "employer address"),
        "agency_name" => ("nama P3MI", "placement agency (P3MI) name"),
        "agency_licence" => ("nomor izin P3MI", "placement agency licence number"),
        "departure_date" => ("tanggal berangkat", "departure date"),
        "contract_end_date" => ("tanggal akhir kontrak", "contract end date"),
        "number" => ("nomor dokumen", "document number"),
        "passport" => ("nomor paspor", "passport number"),
        "issued_on" => ("tanggal terbit", "issue date"),
        "expires_on" => ("tanggal kedaluwarsa", "expiry date"),
        "kdf_iterations" => ("jumlah iterasi KDF", "KDF iterations"),
        "device_secret" => ("kunci perangkat", "device key"),
        "limit" => ("jumlah per halaman", "page size"),
        "query" => ("kata pencarian", "search text"),
        "sector" => ("sektor", "sector"),
        "note" => ("catatan", "note"),
        "city" => ("kota", "city"),
        "question_id" => ("pertanyaan", "question"),
        "answers" => ("jawaban", "answers"),
        "item" => ("langkah daftar periksa", "checklist item"),
        "sex" => ("jenis kelamin", "sex"),
        "phase" => ("tahap", "phase"),
        "kind" => ("jenis", "kind"),
        "id" => ("ID", "ID"),
        "offset" => ("mulai dari", "offset"),
        "free_attempts" => ("jumlah percobaan bebas", "free attempts"),
        "erase_after_failures" => ("hapus setelah PIN salah", "erase after wrong PINs"),
        "option" => ("pilihan perintah", "command option"),
        "command" => ("perintah", "command"),
        "pack" => ("paket data", "content pack"),
        "by" => ("nama pelaksana", "done by"),
        "screened_by" => ("nama penapis", "screener's name"),
        "country" => ("negara", "country"),
        "contacts" => ("daftar kontak", "contact list"),
        "location" => ("lokasi", "location"),
        "position" => ("nomor langkah", "step number"),
        "actor_name" => ("nama pengguna", "user name"),
        "date" => ("tanggal", "date"),
        "from" => ("tanggal mulai", "start date"),
        "to" => ("tanggal akhir", "end date"),
        "on" => ("tanggal agenda", "agenda date"),
        "look_ahead_days" => ("jumlah hari ke depan", "days ahead"),
        "cadre" => ("kader", "cadre"),
        "present" => ("yang hadir", "people present"),
        "observations" => ("pengamatan", "observations"),
        "follow_ups" => ("tindak lanjut", "follow-ups"),
        "action" => ("tindakan", "action"),
        "due_on" => ("tanggal jatuh tempo", "due date"),
        "done_on" => ("tanggal selesai", "date done"),
        "next_visit_on" => ("tanggal kunjungan berikutnya", "next visit date"),
        "description" => ("uraian", "description"),
        "reported_on" => ("tanggal laporan", "report date"),
        "office" => ("kantor instansi", "agency office"),
        "return_date" => ("tanggal pulang", "return date"),
        "condition" => ("kondisi saat pulang", "condition on return"),
        "follow_up_plan" => ("rencana tindak lanjut", "follow-up plan"),
        "next_follow_up_on" => ("tanggal tindak lanjut berikutnya", "next follow-up date"),
        "provider" => ("pemberi layanan", "provider"),
        "purpose" => ("tujuan persetujuan", "consent purpose"),
        "status" => ("status", "status"),
        "agency" => ("instansi", "agency"),
        "role" => ("peran", "role"),
        "migran_role" => ("peran (MIGRAN_ROLE)", "role (MIGRAN_ROLE)"),
        "migran_actor" => ("nama pelaku (MIGRAN_ACTOR)", "actor name (MIGRAN_ACTOR)"),
        "topics" => ("topik kunjungan", "visit topics"),
        "format" => ("format", "format"),
        "reason" => ("alasan", "reason"),
        "needs" => ("kebutuhan", "needs"),
        "case_type" => ("jenis kasus", "case type"),
        "reported_by" => ("pelapor", "reported by"),
        "out" => ("berkas keluaran", "output file"),
        other => (other, other),
    };
    match locale {
        Locale::Id => id.to_string(),
        Locale::En => en.to_string(),
    }
}

/// The human name of a record kind named in `NotFound` or `Tampered`.
pub(crate) fn record_kind(kind: &str, locale: Locale) -> String {
    let (id, en) = match kind {
        "person" => ("orang", "Person"),
        "contact" => ("kontak keluarga", "Family contact"),
        "journey" => ("perjalanan migrasi", "Migration journey"),
        "document" => ("dokumen", "Document"),
        "vault" => ("brankas", "Vault"),
        "emergency" => ("darurat", "Emergency"),
        "screening" => ("penapisan", "Screening"),
        "checklist" => ("daftar periksa", "Checklist"),
        "follow_up" => ("tindak lanjut", "Follow-up"),
        "consent" => ("persetujuan", "Consent"),
        "audit_entry" => ("catatan audit", "Audit entry"),
        "visit" => ("kunjungan rumah", "Home visit"),
        "case" => ("kasus", "Case"),
        "case_event" => ("riwayat kasus", "Case history entry"),
        "return" => ("kepulangan", "Return"),
        "service" => ("layanan reintegrasi", "Reintegration service"),
        other => (other, other),
    };
    match locale {
        Locale::Id => id.to_string(),
        Locale::En => en.to_string(),
    }
}

pub(crate) fn invalid_reason(reason: crate::error::InvalidReason, locale: Locale) -> &'static str {
    use crate::error::InvalidReason::*;
    let (id, en) = match reason {
        Empty => ("wajib diisi", "required"),
        TooLong => ("terlalu panjang", "too long"),
        TooShort => ("terlalu pendek", "too short"),
        BadFormat => ("bentuknya tidak sesuai", "wrong format"),
        BadDate => ("tanggal tidak sah", "not a valid date"),
        UnknownCountry => (
            "kode negara tidak dikenal (pakai kode ISO dua huruf, mis. MY)",
            "unknown country code (use the two-letter ISO code, e.g. MY)",
        ),
        OutOfRange => ("di luar batas yang diizinkan", "out of the allowed range"),
        BadCharacters => (
            "berisi karakter yang tidak diizinkan",
            "contains characters that are not allowed",
        ),
        Inconsistent => ("bertentangan dengan isian lain", "contradicts another field"),
    };
    match locale {
        Locale::Id => id,
        Locale::En => en,
    }
}

/// The sentence for a `NotAllowed` reason code. Codes are fixed strings made of enum
/// codes (`consent_missing:reporting`, `case_transition:open->resolved`), never values;
/// an unknown code is shown as it is.
pub(crate) fn not_allowed_reason(reason: &str, locale: Locale) -> String {
    let purpose = |code: &str| -> (&'static str, &'static str) {
        match code {
            "registration" => ("pendaftaran", "registration"),
            "share_with_family" => ("berbagi dengan keluarga", "sharing with family"),
            "share_with_agencies" => ("berbagi dengan instansi", "sharing with agencies"),
            "reporting" => ("pelaporan", "reporting"),
            _ => ("(tidak dikenal)", "(unknown)"),
        }
    };
    let status = |code: &str| -> (&'static str, &'static str) {
        match code {
            "open" => ("baru", "open"),
            "referred" => ("dirujuk", "referred"),
            "in_progress" => ("ditangani", "in progress"),
            "resolved" => ("selesai", "resolved"),
            "closed" => ("ditutup", "closed"),
            _ => ("(tidak dikenal)", "(unknown)"),
        }
    };
    let (id, en) = if let Some(code) = reason.strip_prefix("consent_missing:") {
        let (pid, pen) = purpose(code);
        (
            format!("orang ini belum memberi persetujuan untuk {pid}. Mintalah persetujuannya lalu catat"),
            format!("this person has not given consent for {pen}. Ask for it and record it first"),
        )
    } else if let Some(code) = reason.strip_prefix("consent_withdrawn:") {
        let (pid, pen) = purpose(code);
        (
            format!("orang ini telah menarik persetujuan untuk {pid}"),
            format!("this person has withdrawn consent for {pen}"),
        )
    } else if let Some((from, to)) = reason
        .strip_prefix("case_transition:")
        .and_then(|pair| pair.split_once("->"))
    {
        let ((fid, fen), (tid, ten)) = (status(from), status(to));
        (
            format!("status kasus tidak dapat diubah dari '{fid}' ke '{tid}'"),
            format!("a case cannot go from '{fen}' to '{ten}'"),
        )
    } else {
        (reason.to_string(), reason.to_string())
    };
    match locale {
        Locale::Id => id,
        Locale::En => en,
    }
}
