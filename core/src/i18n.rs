//! Bahasa Indonesia first, English second: the two languages of every text the core makes.

use serde::{Deserialize, Serialize};

/// The language of the texts the core makes (messages, labels, report lines, agenda items).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, uniffi::Enum)]
pub enum Locale {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    /// English.
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
    /// The text in Bahasa Indonesia.
    pub id: String,
    /// The text in English.
    pub en: String,
}

impl LocalizedText {
    /// A text from its Indonesian and English versions.
    pub fn new(id: &str, en: &str) -> Self {
        LocalizedText {
            id: id.to_string(),
            en: en.to_string(),
        }
    }

    /// The text in `locale`'s language.
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
        "device_id" => ("perangkat", "device"),
        "keep_losing" => ("pilihan versi", "version choice"),
        "recovery_key" => ("kunci pemulihan", "recovery key"),
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
        // Import of the register from a CSV file.
        "file" => ("berkas", "file"),
        "rows" => ("jumlah baris", "number of rows"),
        "row" => ("baris", "row"),
        "header" => ("baris judul", "header"),
        "consent" => ("persetujuan pendaftaran", "registration consent"),
        "consent_date" => ("tanggal persetujuan", "consent date"),
        "separator" => ("pemisah kolom", "column separator"),
        other => (other, other),
    };
    match locale {
        Locale::Id => id.to_string(),
        Locale::En => en.to_string(),
    }
}

/// The human name of a record kind named in `NotFound` or `Tampered`.
pub(crate) fn record_kind(kind: crate::error::RecordKind, locale: Locale) -> &'static str {
    use crate::error::RecordKind::*;
    let (id, en) = match kind {
        Vault => ("brankas", "Vault"),
        Person => ("orang", "Person"),
        Contact => ("kontak keluarga", "Family contact"),
        Journey => ("perjalanan migrasi", "Migration journey"),
        Document => ("dokumen", "Document"),
        Consent => ("persetujuan", "Consent"),
        AuditEntry => ("catatan audit", "Audit entry"),
        AuditLog => ("log audit", "Audit log"),
        Visit => ("kunjungan rumah", "Home visit"),
        VisitFollowUp => ("tindak lanjut kunjungan", "Visit follow-up"),
        Case => ("kasus", "Case"),
        CaseEvent => ("riwayat kasus", "Case history entry"),
        Return => ("kepulangan", "Return"),
        ReintegrationService => ("layanan reintegrasi", "Reintegration service"),
        Screening => ("penapisan", "Screening"),
        ScreeningFollowUp => ("tindak lanjut penapisan", "Screening follow-up"),
        Checklist => ("daftar periksa", "Checklist"),
        FamilyChecklist => ("daftar periksa keluarga", "Family checklist"),
        EmergencyCard => ("kartu darurat", "Emergency card"),
        EmergencySettings => ("pengaturan darurat", "Emergency settings"),
        EmergencyAlert => ("peringatan darurat", "Emergency alert"),
        ContentPack => ("paket data", "Content pack"),
        VillageReport => ("laporan desa", "Village report"),
        Agenda => ("agenda", "Agenda"),
        InfoSession => ("sesi informasi", "Information session"),
        SessionAttendance => ("kehadiran sesi informasi", "Session attendance"),
        FollowLink => ("tautan pengikut", "Follow link"),
        FollowAlert => ("peringatan dari HP migran", "Alert from a migrant's phone"),
    };
    match locale {
        Locale::Id => id,
        Locale::En => en,
    }
}

/// What to tell a person about a storage problem, and what they can do.
pub(crate) fn storage_problem(problem: crate::error::StorageProblem, locale: Locale) -> String {
    use crate::error::StorageProblem::*;
    let (id, en) = match problem {
        Busy => (
            "Brankas sedang dipakai program lain. Tunggu sebentar atau tutup program itu, lalu coba lagi.",
            "Another program is using the vault. Wait a moment or close it, then try again.",
        ),
        ReadOnly => (
            "Folder brankas tidak dapat ditulisi. Periksa izin folder atau penyimpanan.",
            "The vault's folder cannot be written. Check the folder's permissions or the storage.",
        ),
        DiskFull => (
            "Penyimpanan penuh. Kosongkan sebagian ruang, lalu coba lagi.",
            "The storage is full. Free some space, then try again.",
        ),
        CannotOpen => (
            "Berkas brankas tidak dapat dibuka. Periksa apakah folder masih ada dan dapat diakses.",
            "A vault file cannot be opened. Check that the folder exists and can be accessed.",
        ),
        NotADatabase => (
            "Berkas brankas tidak dapat dibaca dengan kunci ini: kunci perangkat salah atau berkas rusak.",
            "A vault file cannot be read with this key: the device key is wrong or the file is damaged.",
        ),
        Corrupt => (
            "Berkas brankas rusak. Pulihkan dari cadangan bila ada.",
            "A vault file is damaged. Restore it from a backup if there is one.",
        ),
        Io => (
            "Membaca atau menulis berkas brankas gagal. Coba lagi; bila berulang, periksa penyimpanan.",
            "Reading or writing a vault file failed. Try again; if it repeats, check the storage.",
        ),
        MalformedValue => (
            "Ada data tersimpan dalam bentuk yang tidak dikenal versi aplikasi ini.",
            "Some stored data is in a form this version of the app does not know.",
        ),
        Other => (
            "Penyimpanan gagal. Coba lagi; bila berulang, mohon laporkan.",
            "Storage failed. Try again; if it repeats, please report it.",
        ),
    };
    match locale {
        Locale::Id => id.to_string(),
        Locale::En => en.to_string(),
    }
}

/// Why a content pack was refused, as a clause.
pub(crate) fn pack_reject_reason(reason: crate::error::PackRejectReason, locale: Locale) -> &'static str {
    use crate::error::PackRejectReason::*;
    let (id, en) = match reason {
        Signature => (
            "tanda tangan tidak sah atau tidak ada",
            "the signature is missing or invalid",
        ),
        Version => (
            "tidak lebih baru dari yang dipakai",
            "it is not newer than the one in use",
        ),
        National => (
            "tidak memuat hotline nasional (KP2MI, Kemlu)",
            "it has no national hotline (KP2MI, Kemlu)",
        ),
        Kind => ("jenis paketnya salah", "it is a pack of another kind"),
        Entry => ("ada entri yang tidak sah", "an entry is malformed"),
        Country => ("ada kode negara yang tidak dikenal", "a country code is unknown"),
        Format => ("isinya tidak sesuai format", "its content is malformed"),
        KeyId => (
            "tidak menyebut kunci penerbit yang menandatanganinya",
            "it does not name the publisher key that signed it",
        ),
        Expired => ("masa berlakunya sudah habis", "its expiry date has passed"),
    };
    match locale {
        Locale::Id => id,
        Locale::En => en,
    }
}

pub(crate) fn backup_refusal(reason: crate::error::BackupRefusal, locale: Locale) -> &'static str {
    use crate::error::BackupRefusal::*;
    let (id, en) = match reason {
        Format => ("bukan berkas cadangan", "it is not a backup file"),
        UnsupportedVersion => (
            "dibuat oleh versi aplikasi yang lebih baru; perbarui aplikasi",
            "it was made by a newer app version; update the app",
        ),
        Damaged => (
            "berkasnya rusak atau diubah",
            "the file is damaged or was altered",
        ),
        WrongRecoveryKey => (
            "kunci pemulihan tidak cocok dengan cadangan ini",
            "the recovery key does not open this backup",
        ),
        NoRecoveryKey => (
            "belum ada kunci pemulihan; buat dulu",
            "there is no recovery key yet; make one first",
        ),
    };
    match locale {
        Locale::Id => id,
        Locale::En => en,
    }
}

pub(crate) fn sync_refusal(reason: crate::error::SyncRefusal, locale: Locale) -> &'static str {
    use crate::error::SyncRefusal::*;
    let (id, en) = match reason {
        Format => (
            "bukan berkas sinkronisasi, terpotong, atau terlalu besar",
            "it is not a sync file, it is cut short, or it is too large",
        ),
        UnsupportedVersion => (
            "dibuat oleh versi aplikasi yang lebih baru; perbarui aplikasi",
            "it was made by a newer app version; update the app",
        ),
        NotInTeam => (
            "perangkat ini belum masuk tim",
            "this device is not in a team yet",
        ),
        AlreadyInTeam => (
            "perangkat ini sudah masuk tim",
            "this device is already in a team",
        ),
        ForeignTeam => ("dibuat untuk tim lain", "it was made for another team"),
        NotForThisDevice => ("dibuat untuk perangkat lain", "it was made for another device"),
        UnknownDevice => (
            "ditandatangani perangkat yang bukan anggota tim",
            "it is signed by a device that is not a team member",
        ),
        RemovedDevice => (
            "perangkat pengirim atau perangkat ini sudah dikeluarkan dari tim",
            "the sending device, or this one, was removed from the team",
        ),
        Tampered => (
            "tanda tangan atau segelnya tidak cocok: berkas diubah atau rusak",
            "its signature or seal does not check: the file was altered or damaged",
        ),
        Replayed => (
            "berkas ini (atau yang lebih baru dari perangkat yang sama) sudah diterapkan",
            "this file (or a later one from the same device) was applied before",
        ),
        MissingEarlierChanges => (
            "berkas ini melanjutkan perubahan yang belum diterima perangkat ini; minta berkas baru",
            "it continues from changes this device has not received; ask for a new file",
        ),
        NoTeamKey => (
            "disegel dengan kunci tim yang tidak dimiliki perangkat ini",
            "it is sealed with a team key this device does not have",
        ),
        NotFollowing => (
            "HP ini belum ditautkan ke siapa pun; minta kader memindai kode HP ini",
            "this phone is not linked to anyone yet; ask the cadre to scan this phone's code",
        ),
        AlreadyFollowing => (
            "HP ini sudah ditautkan ke seseorang",
            "this phone is already linked to someone",
        ),
        LinkEnded => (
            "tautan ini sudah diakhiri; tidak ada lagi yang dikirim atau diterima lewat tautan ini",
            "this link was ended; nothing more is sent or taken through it",
        ),
        WrongLinkKind => (
            "dibuat untuk jenis tautan lain (migran atau keluarga)",
            "it was made for the other kind of link (migrant or family)",
        ),
    };
    match locale {
        Locale::Id => id,
        Locale::En => en,
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
        Weak => (
            "terlalu mudah ditebak (angka sama, berurutan, berulang atau pola papan tombol); pilih yang lain",
            "too easy to guess (one digit, a run, a repeat or a keypad pattern); choose another",
        ),
    };
    match locale {
        Locale::Id => id,
        Locale::En => en,
    }
}

/// The sentence for a `NotAllowed` reason, built from its typed fields.
pub(crate) fn not_allowed_reason(reason: &crate::error::NotAllowedReason, locale: Locale) -> String {
    use crate::error::NotAllowedReason::*;
    use crate::labels::{case_status_label, consent_purpose_label};
    let (id, en) = match reason {
        ConsentMissing { purpose } => (
            format!(
                "orang ini belum memberi persetujuan untuk {}. Mintalah persetujuannya lalu catat",
                consent_purpose_label(*purpose, Locale::Id)
            ),
            format!(
                "this person has not given consent for {}. Ask for it and record it first",
                consent_purpose_label(*purpose, Locale::En)
            ),
        ),
        ConsentWithdrawn { purpose } => (
            format!(
                "orang ini telah menarik persetujuan untuk {}",
                consent_purpose_label(*purpose, Locale::Id)
            ),
            format!(
                "this person has withdrawn consent for {}",
                consent_purpose_label(*purpose, Locale::En)
            ),
        ),
        CaseTransition { from, to } => (
            format!(
                "status kasus tidak dapat diubah dari '{}' ke '{}'",
                case_status_label(*from, Locale::Id),
                case_status_label(*to, Locale::Id)
            ),
            format!(
                "a case cannot go from '{}' to '{}'",
                case_status_label(*from, Locale::En),
                case_status_label(*to, Locale::En)
            ),
        ),
        ChecklistDependency { item, missing } => (
            format!(
                "langkah '{item}' belum bisa selesai: selesaikan dulu {}",
                missing.join(", ")
            ),
            format!(
                "step '{item}' cannot be done yet: first finish {}",
                missing.join(", ")
            ),
        ),
        DeviceSecretRequired => (
            "kartu darurat memerlukan kunci perangkat".to_string(),
            "the emergency card needs the device key".to_string(),
        ),
        LegalBlock { item } => (
            format!(
                "'{item}' adalah larangan hukum: tidak bisa ditandai selesai atau tidak berlaku; \
                 larangan hilang bila faktanya berubah"
            ),
            format!(
                "'{item}' is a legal block: it cannot be marked done or not applicable; \
                 it clears when the facts change"
            ),
        ),
        GuardianConsentRequired => (
            "orang ini belum 18 tahun: persetujuan harus diberikan orang tua atau wali, \
             dicatat dengan nama dan hubungannya (UU PDP Pasal 25)"
                .to_string(),
            "this person is under 18: consent must be given by a parent or guardian, \
             recorded with their name and relationship (UU PDP Pasal 25)"
                .to_string(),
        ),
    };
    match locale {
        Locale::Id => id,
        Locale::En => en,
    }
}
