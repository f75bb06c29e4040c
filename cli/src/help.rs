//! The help in the person's language: `migran help [COMMAND...]`, `--help` on any
//! command, and the words clap's messages would otherwise say in English. The grammar
//! (`grammar`) declares names only; every sentence a person reads is here, in both
//! languages.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Command, CommandFactory};

use crate::grammar::Cli;
use crate::i18n::{locale, t, Text};
use crate::CliError;
use migran_core::Locale;

/// The whole grammar with its help in the current language. Built first, so that every
/// subcommand's words exist (derive defers them) and its usage line says `migran ...`.
pub fn command() -> Command {
    let mut command = Cli::command();
    command.build();
    localize(command, "")
}

/// `migran help [COMMAND...]`: the help of the command named, or the list of commands.
pub fn print(words: &[String]) -> Result<(), CliError> {
    let mut command = command();
    let mut current = &mut command;
    for word in words {
        current = current.find_subcommand_mut(word).ok_or_else(|| {
            CliError::usage(
                format!("tidak ada bantuan untuk '{}'", words.join(" ")),
                format!("no help for '{}'", words.join(" ")),
            )
        })?;
    }
    crate::output::outln!("{}", current.render_help());
    Ok(())
}

fn localize(command: Command, path: &str) -> Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    let options = t("Pilihan", "Options");
    let words = t("Isian", "Arguments");
    let mut command = command
        .about(command_about(path).get().to_string())
        .help_template(t(TEMPLATE_ID, TEMPLATE_EN).get().to_string())
        .subcommand_help_heading(t("Perintah", "Commands").get().to_string())
        .mut_args(|arg| {
            let heading = if arg.is_positional() { &words } else { &options };
            let help = match arg.get_id().as_str() {
                "help" => t("tampilkan bantuan perintah ini", "show this command's help"),
                "version" => t("tampilkan versi", "show the version"),
                other => arg_help(other),
            };
            let arg = arg
                .help(help.get().to_string())
                .help_heading(heading.get().to_string());
            indonesian_value_names(arg)
        });
    if locale() == Locale::Id {
        command = indonesian_usage(command);
    }
    if path.is_empty() {
        command = command.after_help(t(AFTER_ID, AFTER_EN).get().to_string());
    }
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        command = command.mut_subcommand(&name, |sub| localize(sub, &sub_path));
    }
    command
}

/// In Indonesian, an option's placeholders (`<NAME>`) in Indonesian too (`<NAMA>`), and
/// the allowed values left to the help text, which lists them in the person's words.
fn indonesian_value_names(arg: clap::Arg) -> clap::Arg {
    if locale() != Locale::Id {
        return arg;
    }
    let names: Vec<String> = arg
        .get_value_names()
        .unwrap_or_default()
        .iter()
        .map(|name| indonesian_placeholder(name.as_str()))
        .collect();
    let arg = arg.hide_possible_values(true);
    if names.is_empty() {
        arg
    } else {
        arg.value_names(names)
    }
}

/// `NAME:PHONE` → `NAMA:TELEPON`: each word of a placeholder, separators kept.
fn indonesian_placeholder(name: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for c in name.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        out.push_str(placeholder_word(&word));
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

fn placeholder_word(word: &str) -> &str {
    match word {
        "ACTION" => "TINDAKAN",
        "ADDRESS" => "ALAMAT",
        "AGE" => "UMUR",
        "AGENCY" => "INSTANSI",
        "ALERT_ID" => "ID_PERINGATAN",
        "ANSWER" => "JAWABAN",
        "CASE_ID" => "ID_KASUS",
        "CITY" => "KOTA",
        "CODE" => "KODE",
        "COMMAND" => "PERINTAH",
        "CONFLICT_ID" => "ID_KONFLIK",
        "CONTACT_ID" => "ID_KONTAK",
        "DATE" => "TANGGAL",
        "DAYS" => "HARI",
        "DEVICE" => "PERANGKAT",
        "DIR" => "FOLDER",
        "DOCUMENT_ID" => "ID_DOKUMEN",
        "FILE" => "BERKAS",
        "HOURS" => "JAM",
        "FOLLOW_UP_ID" => "ID_TINDAK_LANJUT",
        "ITEM" => "LANGKAH",
        "KIND" | "TYPE" => "JENIS",
        "LANG" => "BAHASA",
        "LESSON" | "LESSONS" => "PELAJARAN",
        "LICENCE_OR_NAME" => "IZIN_ATAU_NAMA",
        "LINK_ID" => "ID_TAUTAN",
        "MINUTES" => "MENIT",
        "NAME" => "NAMA",
        "NEEDS" => "KEBUTUHAN",
        "NUMBER" => "NOMOR",
        "PACK" => "PAKET",
        "PERSON" => "ORANG",
        "PHASE" => "TAHAP",
        "PHONE" => "TELEPON",
        "PURPOSE" => "TUJUAN",
        "REASON" => "ALASAN",
        "RECORD_ID" => "ID_CATATAN",
        "RELATION" | "RELATIONSHIP" => "HUBUNGAN",
        "REPORTER" => "PELAPOR",
        "REQUEST" => "PERMINTAAN",
        "RETURN_ID" => "ID_KEPULANGAN",
        "ROLE" => "PERAN",
        "SECTOR" => "SEKTOR",
        "SEPARATOR" => "PEMISAH",
        "SESSION_ID" => "ID_SESI",
        "SEX" => "KELAMIN",
        "SIGNATURE" => "TANDA_TANGAN",
        "STATE" => "KEADAAN",
        "TEXT" => "TEKS",
        "TIME" => "WAKTU",
        "TOPICS" => "TOPIK",
        "VILLAGE" => "DESA",
        "WHICH" => "YANG_MANA",
        "YES_NO" => "YA_TIDAK",
        // Letters, numbers, codes and names that read the same (N, X, NIK, ID, SHELL).
        same => same,
    }
}

/// The usage line as clap writes it, with its English words (`[OPTIONS]`, `<COMMAND>`)
/// in Indonesian and its second line aligned under the longer heading.
fn indonesian_usage(command: Command) -> Command {
    let mut command = command.subcommand_value_name("PERINTAH");
    let rendered = command.render_usage().to_string();
    let usage = rendered
        .trim_start_matches("Usage: ")
        .trim_end()
        .replace("[OPTIONS]", "[PILIHAN]")
        .replace("\n       ", "\n           ");
    command.override_usage(usage)
}

const TEMPLATE_ID: &str = "{about-with-newline}\nPemakaian: {usage}\n\n{all-args}{after-help}";
const TEMPLATE_EN: &str = "{about-with-newline}\nUsage: {usage}\n\n{all-args}{after-help}";

const AFTER_ID: &str =
    "PIN dibaca dari MIGRAN_PIN atau ditanyakan tanpa ditampilkan; tidak pernah dari argumen.
Kode keluar: 0 berhasil, 2 perintah salah, 3 PIN salah/terkunci/masalah kunci, 4 tidak ditemukan,
5 isian tidak sah, 6 ditolak aturan (persetujuan, alur kasus, urutan daftar periksa),
7 berkas sinkronisasi atau cadangan ditolak, 8 masalah relay, 1 lainnya.
Bahasa: MIGRAN_LANG=en untuk bahasa Inggris. Bantuan satu perintah: migran help PERINTAH [SUB].";
const AFTER_EN: &str = "The PIN is read from MIGRAN_PIN or asked without echo; never from an argument.
Exit codes: 0 ok, 2 usage, 3 wrong PIN/locked out/key problem, 4 not found, 5 invalid input,
6 refused by a rule (consent, case workflow, checklist order), 7 sync file or backup
refused, 8 relay problem, 1 other.
Language: MIGRAN_LANG=en for English. Help on one command: migran help COMMAND [SUB].";

fn command_about(path: &str) -> Text {
    // Team sync and backup keep their help beside their commands.
    if let Some(text) = crate::team::about(path)
        .or_else(|| crate::sync::about(path))
        .or_else(|| crate::backup::about(path))
        .or_else(|| crate::follow::about(path))
    {
        return text;
    }
    let (id, en) = match path {
        "" => (
            "migran: catatan pekerja migran desa yang terenkripsi (Desa Migran Emas)",
            "migran: the village's encrypted register of migrant workers (Desa Migran Emas)",
        ),
        "demo" => (
            "jalankan contoh singkat di folder sementara",
            "run a short scenario in a temporary folder",
        ),
        "init" => (
            "buat brankas baru (PIN baru ditanyakan)",
            "create a new vault (asks for the new PIN)",
        ),
        "status" => ("status kunci (tanpa PIN)", "lock status (no PIN needed)"),
        "unlock-check" => ("periksa PIN", "check the PIN"),
        "change-pin" => (
            "ganti PIN (PIN lama diperiksa dulu; PIN baru dari MIGRAN_NEW_PIN atau ditanyakan)",
            "change the PIN (the old PIN is checked first; the new one from MIGRAN_NEW_PIN or asked)",
        ),
        "wipe" => ("hapus seluruh brankas", "erase the whole vault"),
        "duress-pin" => (
            "PIN paksaan: PIN kedua yang membuka profil kosong dan diam-diam mengirim peringatan darurat",
            "the duress PIN: a second PIN that opens an empty profile and silently queues the emergency alert",
        ),
        "duress-pin set" => (
            "pasang atau ganti PIN paksaan (PIN asli dari MIGRAN_PIN, PIN paksaan dari MIGRAN_DURESS_PIN atau ditanyakan)",
            "set or replace the duress PIN (the real PIN from MIGRAN_PIN, the duress PIN from MIGRAN_DURESS_PIN or asked)",
        ),
        "duress-pin remove" => (
            "hapus PIN paksaan (PIN asli dari MIGRAN_PIN atau ditanyakan)",
            "remove the duress PIN (the real PIN from MIGRAN_PIN or asked)",
        ),
        "person" => (
            "register orang: tambah, ubah, lihat, cari, arsip, hapus",
            "the register: add, edit, show, find, archive, erase",
        ),
        "person add" => ("catat orang baru", "register a person"),
        "person edit" => (
            "ubah data orang; hanya isian yang diberikan yang berubah",
            "correct a person's details; only the fields given change",
        ),
        "person list" => ("daftar orang, per halaman", "list persons, a page at a time"),
        "person show" => ("semua data satu orang", "everything about one person"),
        "person find" => (
            "cari tepat menurut NIK, telepon atau paspor",
            "exact lookup by NIK, phone or passport",
        ),
        "person search" => ("cari menurut nama", "search by name"),
        "person archive" => (
            "arsipkan orang (atau kembalikan dengan --undo)",
            "archive a person (or restore with --undo)",
        ),
        "person erase" => (
            "hapus orang dan semua datanya untuk selamanya",
            "erase a person and all their data for good",
        ),
        "person import" => (
            "impor register dari berkas CSV",
            "import the register from a CSV file",
        ),
        "person export-csv" => (
            "ekspor register ke berkas CSV",
            "export the register to a CSV file",
        ),
        "person export" => (
            "semua data satu orang sebagai JSON (hak atas data)",
            "everything about one person as JSON (right of access)",
        ),
        "contact" => ("kontak keluarga", "family contacts"),
        "contact add" => ("tambah kontak keluarga", "add a family contact"),
        "contact remove" => (
            "hapus kontak keluarga (ID dari 'person show')",
            "remove a family contact (ID from 'person show')",
        ),
        "journey" => ("perjalanan migrasi", "the migration journey"),
        "journey set" => (
            "ubah perjalanan; hanya isian yang diberikan yang berubah, isian kosong dihapus",
            "change the journey; only the fields given change, an empty value clears",
        ),
        "document" => (
            "dokumen identitas dan migrasi",
            "identity and migration documents",
        ),
        "document add" => ("tambah dokumen", "add a document"),
        "document remove" => (
            "hapus dokumen (ID dari 'person show')",
            "remove a document (ID from 'person show')",
        ),
        "screen" => (
            "penapisan TPPO: tanpa --answers ditanya satu per satu",
            "TPPO screening: without --answers each question is asked",
        ),
        "screen history" => ("penapisan sebelumnya", "earlier screenings"),
        "screen questions" => ("daftar pertanyaan", "the questions"),
        "checklist" => ("daftar periksa pra-penempatan", "the pre-departure checklist"),
        "checklist show" => (
            "daftar periksa seseorang (--family: untuk keluarga)",
            "a person's checklist (--family: for the family)",
        ),
        "checklist set" => ("ubah status satu langkah", "set one item's state"),
        "checklist marital-status" => ("catat status perkawinan", "record the marital status"),
        "checklist placement" => (
            "catat fakta penempatan: biaya yang dipungut, jalur resmi",
            "record placement facts: fee charged, official channel",
        ),
        "follow-up" => ("tindak lanjut penapisan", "screening follow-ups"),
        "follow-up list" => ("tindak lanjut seseorang", "a person's follow-ups"),
        "follow-up done" => ("tandai tindak lanjut selesai", "mark a follow-up done"),
        "consent" => (
            "persetujuan (dibacakan dan dicatat)",
            "consent (read out and recorded)",
        ),
        "consent show" => ("persetujuan yang berlaku", "the consents in force"),
        "consent give" => ("catat persetujuan", "record a consent"),
        "consent withdraw" => ("catat penarikan persetujuan", "record a withdrawal"),
        "consent history" => ("riwayat persetujuan", "the consent history"),
        "consent text" => ("teks yang dibacakan", "the text to read out"),
        "consent processing" => (
            "pemrosesan tanpa persetujuan (rujukan darurat) dan apakah orangnya sudah diberi tahu",
            "processing without consent (emergency referrals) and whether the person was told",
        ),
        "consent told" => (
            "catat bahwa orangnya sudah diberi tahu tentang rujukan darurat",
            "record that the person was told about an emergency referral",
        ),
        "visit" => ("kunjungan rumah", "home visits"),
        "visit add" => ("catat kunjungan", "record a visit"),
        "visit list" => ("kunjungan seseorang", "a person's visits"),
        "visit done" => (
            "tandai tindak lanjut kunjungan selesai",
            "mark a visit follow-up done",
        ),
        "lesson" => (
            "pelajaran migrasi aman (luring, bersumber)",
            "safe-migration lessons (offline, sourced)",
        ),
        "lesson list" => ("daftar pelajaran", "list the lessons"),
        "lesson show" => (
            "satu pelajaran dengan sumber dan pertanyaan",
            "one lesson with its sources and questions",
        ),
        "lesson speak-text" => (
            "teks pelajaran untuk dibacakan mesin suara ponsel",
            "the lesson's text for the phone's text-to-speech",
        ),
        "session" => (
            "sesi informasi (sosialisasi)",
            "information sessions (sosialisasi)",
        ),
        "session add" => ("catat sesi yang sudah diadakan", "record a session held"),
        "session list" => ("sesi dalam periode", "sessions in a period"),
        "session show" => ("satu sesi", "one session"),
        "agency" => (
            "periksa perusahaan penempatan (P3MI)",
            "check a placement agency (P3MI)",
        ),
        "agency check" => (
            "cari nomor izin atau nama di daftar P3MI yang terpasang",
            "look a licence number or name up in the installed P3MI list",
        ),
        "agency install" => (
            "pasang daftar P3MI bertanda tangan (dari daftar resmi kementerian)",
            "install a signed P3MI list (from the ministry's published registry)",
        ),
        "agenda" => (
            "yang jatuh tempo hari ini dan mendatang, dengan perintah untuk menyelesaikannya",
            "what is due today and ahead, with the command that completes it",
        ),
        "case" => ("kasus", "cases"),
        "case open" => ("buka kasus", "open a case"),
        "case show" => ("satu kasus", "one case"),
        "case list" => ("daftar kasus", "list cases"),
        "case note" => ("tambah catatan", "add a note"),
        "case status" => ("ubah status kasus", "change a case's status"),
        "case refer" => ("rujuk kasus ke instansi", "refer a case to an agency"),
        "return" => ("kepulangan dan reintegrasi", "returns and reintegration"),
        "return add" => ("catat kepulangan", "record a return"),
        "return plan" => ("ubah rencana reintegrasi", "change the reintegration plan"),
        "return list" => ("kepulangan seseorang", "a person's returns"),
        "return service" => ("catat layanan reintegrasi", "record a reintegration service"),
        "report" => (
            "laporan desa (bawaan: teks; --csv atau --json; --relay untuk mengirim jumlahnya ke kabupaten)",
            "the village report (default: text; --csv or --json; --relay to send its counts to the district)",
        ),
        "audit" => ("log audit", "the audit log"),
        "emergency" => (
            "tombol darurat (tanpa PIN kecuali 'card set')",
            "the emergency button (no PIN except 'card set')",
        ),
        "emergency card" => ("kartu darurat", "the emergency card"),
        "emergency card set" => (
            "isi kartu darurat (perlu PIN)",
            "set the emergency card (needs the PIN)",
        ),
        "emergency card show" => ("tampilkan kartu darurat", "show the emergency card"),
        "emergency card clear" => (
            "hapus kartu darurat dari ponsel ini (tombol darurat tetap memakai nomor nasional dan perwakilan)",
            "delete the emergency card from this phone (the button still uses the national and mission numbers)",
        ),
        "emergency directory" => (
            "semua nomor direktori darurat dengan umur sumbernya; yang perlu diperiksa ulang ditandai *",
            "every number of the emergency directory with the age of its source; those to re-check marked *",
        ),
        "emergency plan" => (
            "rencana darurat tanpa mencatat",
            "the emergency plan, without recording it",
        ),
        "emergency trigger" => (
            "catat peringatan darurat dan rencananya",
            "record an emergency alert and its plan",
        ),
        "emergency log" => ("peringatan yang tercatat", "the recorded alerts"),
        "emergency pending" => ("langkah yang belum dijalankan", "steps not yet run"),
        "emergency ack" => ("catat tanda terima", "record an acknowledgement"),
        "emergency checkin" => (
            "lapor aman berkala; bila terlewat, peringatan yang disiapkan masuk kotak keluar",
            "check-ins; a missed one queues the prepared alert in the outbox",
        ),
        "emergency checkin set" => (
            "minta dicek setiap --every JAM atau sekali --at WAKTU (perlu PIN)",
            "ask to be checked on every --every HOURS or once --at TIME (needs the PIN)",
        ),
        "emergency checkin done" => (
            "saya baik-baik saja: geser jadwal berikutnya (perlu PIN)",
            "I am fine: move the next due time (needs the PIN)",
        ),
        "emergency checkin status" => (
            "keadaan lapor aman; yang terlewat memasukkan peringatannya ke kotak keluar (tanpa PIN)",
            "where the check-in stands; a missed one queues its alert in the outbox (no PIN)",
        ),
        "emergency checkin cancel" => (
            "hentikan lapor aman (perlu PIN)",
            "stop the check-ins (needs the PIN)",
        ),
        "emergency install-pack" => (
            "pasang paket direktori bertanda tangan",
            "install a signed directory pack",
        ),
        "completions" => (
            "skrip pelengkapan shell (bash, zsh, fish, powershell, elvish)",
            "shell completion script (bash, zsh, fish, powershell, elvish)",
        ),
        "man" => ("halaman manual (man page)", "the man page"),
        "help" => (
            "bantuan satu perintah: migran help person add",
            "help on one command: migran help person add",
        ),
        _ => ("", ""),
    };
    t(id, en)
}

fn arg_help(id: &str) -> Text {
    if let Some(text) = crate::team::arg_help(id).or_else(|| crate::follow::arg_help(id)) {
        return text;
    }
    let (indonesian, english) = match id {
        "vault" => ("folder brankas (atau MIGRAN_VAULT)", "the vault folder (or MIGRAN_VAULT)"),
        "json" => ("keluaran JSON untuk skrip", "JSON output for scripts"),
        "kdf_iterations" => ("putaran KDF (bawaan aman; kecil hanya untuk uji)", "KDF rounds (safe default; small only for tests)"),
        "free_attempts" => ("PIN salah sebelum harus menunggu", "wrong PINs before a wait"),
        "erase_after" => ("hapus brankas setelah N PIN salah", "erase the vault after N wrong PINs"),
        "duress_pin" => (
            "pasang juga PIN paksaan (dari MIGRAN_DURESS_PIN atau ditanyakan; tidak pernah dari argumen)",
            "also set a duress PIN (from MIGRAN_DURESS_PIN or asked; never from an argument)",
        ),
        "yes" => ("tanpa bertanya lagi", "without asking again"),
        "name" => ("nama lengkap", "full name"),
        "nik" => ("NIK, 16 angka (spasi, titik, tanda hubung boleh)", "NIK, 16 digits (spaces, dots, dashes allowed)"),
        "birth_date" => ("tanggal lahir YYYY-MM-DD", "birth date YYYY-MM-DD"),
        "sex" => ("P (perempuan) atau L (laki-laki)", "F (female) or M (male)"),
        "village" => ("desa", "village"),
        "phone" => ("nomor telepon (0812..., +62...)", "phone number (0812..., +62...)"),
        "address" => ("alamat", "address"),
        "person" => (
            "orang: ID, awalan ID 6+ karakter, atau NIK",
            "person: ID, an ID prefix of 6+ characters, or NIK",
        ),
        "id" => ("ID (atau awalan unik 6+ karakter untuk orang)", "ID (or a unique 6+ character prefix for a person)"),
        "offset" => ("mulai dari baris ke-N", "start at row N"),
        "limit" => ("paling banyak N baris (1-1000)", "at most N rows (1-1000)"),
        "all" => ("termasuk yang diarsipkan", "archived ones included"),
        "passport" => ("nomor paspor", "passport number"),
        "undo" => ("kembalikan dari arsip", "restore from the archive"),
        "file" => ("berkas", "file"),
        "skip_invalid" => ("lewati baris yang tidak sah", "skip invalid rows"),
        "skip_duplicates" => ("lewati orang yang sudah ada", "skip persons already registered"),
        "without_consent" => ("impor tanpa persetujuan tercatat", "import without recorded consent"),
        "out" => ("berkas keluaran", "output file"),
        "force" => ("timpa berkas yang sudah ada", "overwrite an existing file"),
        "separator" => ("pemisah kolom: , atau ;", "column separator: , or ;"),
        "relation" => (
            "hubungan: ibu, ayah, orang-tua, pasangan, anak, saudara, wali, kerabat, lainnya",
            "relation: mother, father, parent, spouse, child, sibling, guardian, relative, other",
        ),
        "phase" => (
            "tahap: calon, pra-penempatan, bekerja, purna",
            "phase: prospective, pre-departure, abroad, returned",
        ),
        "country" => ("kode negara ISO dua huruf (MY, HK, SA, ...)", "two-letter ISO country code (MY, HK, SA, ...)"),
        "sector" => (
            "sektor: rumah-tangga, perawat-lansia, pabrik, konstruksi, perkebunan, perikanan, perhotelan, lainnya",
            "sector: domestic-work, caregiving, manufacturing, construction, agriculture, fishing, hospitality, other",
        ),
        "employer" => ("nama majikan", "employer's name"),
        "employer_address" => ("alamat majikan (huruf apa pun)", "employer's address (any script)"),
        "agency" => ("P3MI (perusahaan penempatan)", "P3MI (placement agency)"),
        "agency_licence" => ("nomor izin P3MI", "the P3MI's licence number"),
        "departure" => ("tanggal berangkat YYYY-MM-DD", "departure date YYYY-MM-DD"),
        "contract_end" => ("akhir kontrak YYYY-MM-DD", "contract end YYYY-MM-DD"),
        "kind" => ("jenis", "kind"),
        "number" => ("nomor", "number"),
        "issued" => ("tanggal terbit YYYY-MM-DD", "issue date YYYY-MM-DD"),
        "expires" => ("berlaku sampai YYYY-MM-DD", "expiry date YYYY-MM-DD"),
        "answers" => ("jawaban dalam berkas JSON", "answers in a JSON file"),
        "by" => ("nama yang mencatat", "name of who records it"),
        "family" => ("tampilan untuk keluarga", "the family's view"),
        "item" => ("langkah daftar periksa", "checklist item"),
        "state" => (
            "belum, proses, selesai, tidak-berlaku",
            "not-started, in-progress, done, not-applicable",
        ),
        "note" => ("catatan", "note"),
        "document" => ("ID dokumen sebagai bukti", "ID of the document as evidence"),
        "status" => ("status", "status"),
        "purpose" => (
            "tujuan: pendaftaran, keluarga, instansi, pelaporan",
            "purpose: registration, family, agencies, reporting",
        ),
        "date" => ("tanggal YYYY-MM-DD (bawaan: hari ini)", "date YYYY-MM-DD (default: today)"),
        "cadre" => ("kader", "cadre"),
        "present" => ("yang hadir, dipisah koma", "who was present, comma-separated"),
        "topics" => ("topik, dipisah koma", "topics, comma-separated"),
        "observations" => ("pengamatan", "observations"),
        "follow_up" => ("tindakan lanjutan (perlu --due)", "follow-up action (needs --due)"),
        "due" => ("jatuh tempo YYYY-MM-DD", "due date YYYY-MM-DD"),
        "next" => ("kunjungan berikut YYYY-MM-DD", "next visit YYYY-MM-DD"),
        "on" => ("hari agenda YYYY-MM-DD (bawaan: hari ini, waktu setempat)", "the agenda's day YYYY-MM-DD (default: today, local time)"),
        "ahead" => ("hari ke depan", "days ahead"),
        "case_type" => ("jenis kasus", "case type"),
        "description" => ("uraian", "description"),
        "reported_by" => ("pelapor: pmi, keluarga, kader, lainnya", "reporter: migrant, family, cadre, other"),
        "text" => ("teks", "text"),
        "agency_name" | "office" => ("kantor", "office"),
        "emergency_reason" => (
            "rujuk tanpa persetujuan karena nyawa atau keselamatannya terancam: bahayanya (dicatat, orangnya diberi tahu sesudahnya)",
            "refer without consent because their life or safety is at risk: the danger (recorded; the person is told afterwards)",
        ),
        "given_by" => (
            "untuk anak di bawah 18 tahun: nama orang tua atau wali yang memberi persetujuan",
            "for a child under 18: name of the parent or guardian who gives consent",
        ),
        "relationship" => ("orang-tua atau wali (dengan --given-by)", "parent or guardian (with --given-by)"),
        "record" => ("ID catatan pemrosesan (dari 'consent processing')", "ID of the processing record (from 'consent processing')"),
        "fee_charged" => ("ya atau tidak: biaya penempatan dipungut dari pekerja", "yes or no: a placement fee was charged to the worker"),
        "official_channel" => ("ya atau tidak: melalui jalur resmi (SPSK)", "yes or no: through the official channel (SPSK)"),
        "reason" => (
            "alasan: kontrak-selesai, pulang-awal, dideportasi, kasus",
            "reason: contract-end, early-return, deported, case",
        ),
        "case" => ("ID kasus", "case ID"),
        "condition" => ("keadaan saat pulang", "condition on return"),
        "needs" => ("kebutuhan: kesehatan, hukum, psikososial, ekonomi", "needs: health, legal, psychosocial, economic"),
        "plan" => ("rencana", "plan"),
        "provider" => ("pemberi layanan", "provider"),
        "from" => ("dari tanggal YYYY-MM-DD", "from date YYYY-MM-DD"),
        "to" => ("sampai tanggal YYYY-MM-DD", "to date YYYY-MM-DD"),
        "csv" => ("keluaran CSV", "CSV output"),
        "lang" => ("bahasa laporan: id (bawaan) atau en", "report language: id (default) or en"),
        "officer" => ("pembuat laporan (bawaan: MIGRAN_ACTOR)", "who makes the report (default: MIGRAN_ACTOR)"),
        "district" => (
            "kode kabupaten tujuan laporan (dengan --relay), mis. 32.01",
            "the district code the report goes to (with --relay), e.g. 32.01",
        ),
        "village_code" => (
            "kode desa (dengan --relay), mis. 32.01.01.2001",
            "the village code (with --relay), e.g. 32.01.01.2001",
        ),
        "export" => ("ekspor: csv atau json", "export: csv or json"),
        "lat" => ("lintang, angka desimal dengan titik (-90..90)", "latitude, decimal with a point (-90..90)"),
        "lon" => ("bujur, angka desimal dengan titik (-180..180)", "longitude, decimal with a point (-180..180)"),
        "every" => (
            "setiap berapa jam (angka bulat, 1 sampai 168)",
            "every how many hours (a whole number, 1 to 168)",
        ),
        "at" => (
            "sekali pada waktu ini, RFC 3339 (mis. 2026-12-05T18:00:00+08:00)",
            "once at this time, RFC 3339 (e.g. 2026-12-05T18:00:00+08:00)",
        ),
        "grace" => (
            "menit tenggang sesudah jatuh tempo sebelum peringatan (bawaan 60)",
            "minutes of grace after the due time before the alert (default 60)",
        ),
        "fix_age" => (
            "umur lokasi dalam menit (pesan menyebut \"5 mnt lalu\")",
            "how old the location is, in minutes (the message says \"5 min ago\")",
        ),
        "city" => ("kota", "city"),
        "family_contact" => (
            "kontak keluarga NAMA:TELEPON; beberapa dipisah koma, atau ulangi pilihan ini",
            "family contact NAME:PHONE; several separated by commas, or repeat this option",
        ),
        "pack" => ("berkas paket", "pack file"),
        "lesson" => ("id pelajaran (lihat: migran lesson list)", "lesson id (see: migran lesson list)"),
        "query" => ("nomor izin atau nama P3MI", "P3MI licence number or name"),
        "place" => ("tempat sesi", "where the session was held"),
        "facilitator" => (
            "fasilitator NAMA:ORG (desa, bp3mi, disnaker, lsm, tokoh-masyarakat); ulangi untuk beberapa",
            "facilitator NAME:ORG (village, bp3mi, disnaker, ngo, community-leader); repeat for several",
        ),
        "attendees" => ("warga terdaftar yang hadir (id atau NIK), dipisah koma", "registered attendees (id or NIK), comma-separated"),
        "guests" => (
            "peserta lain JENIS:UMUR=N (perempuan|laki-laki : anak|dewasa|lansia), dipisah koma",
            "other attendees SEX:AGE=N (female|male : under-18|adult|older), comma-separated",
        ),
        "session_follow_up" => ("tindak lanjut yang disepakati; ulangi untuk beberapa", "follow-up agreed; repeat for several"),
        "signature" => ("berkas tanda tangan (hex)", "signature file (hex)"),
        "shell" => ("bash, zsh, fish, powershell, elvish", "bash, zsh, fish, powershell, elvish"),
        "command" => ("perintah", "command"),
        "sub" => ("", ""),
        _ => ("", ""),
    };
    t(indonesian, english)
}

/// A clap error in the person's language. `--help` and `--version` are not errors: they
/// are printed and end the command with 0 (`None`).
pub fn usage_error(error: &clap::Error) -> Option<CliError> {
    let context = |kind: ContextKind| -> Vec<String> {
        match error.get(kind) {
            Some(ContextValue::String(s)) => vec![s.clone()],
            Some(ContextValue::Strings(list)) => list.clone(),
            _ => Vec::new(),
        }
    };
    let first = |kind: ContextKind| context(kind).into_iter().next().unwrap_or_default();
    let option_name = |arg: String| arg.split([' ', '=']).next().unwrap_or_default().to_string();
    let suggestion = |kind: ContextKind| -> (String, String) {
        // clap lists the candidates by rising similarity: the best one is the last.
        match context(kind).last() {
            Some(s) => (
                format!(" (maksud Anda '{s}'?)"),
                format!(" (did you mean '{s}'?)"),
            ),
            None => (String::new(), String::new()),
        }
    };
    let (id, en) = match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return None,
        ErrorKind::InvalidSubcommand => {
            // The word itself is not repeated: it may be a NIK or a name typed in the
            // wrong place, and error output ends up in logs and screenshots.
            let (id_hint, en_hint) = suggestion(ContextKind::SuggestedSubcommand);
            (
                format!("kata perintah tidak dikenal{id_hint}"),
                format!("unknown command word{en_hint}"),
            )
        }
        ErrorKind::UnknownArgument => {
            let word = first(ContextKind::InvalidArg);
            if word.starts_with('-') {
                let name = option_name(word);
                let (id_hint, en_hint) = suggestion(ContextKind::SuggestedArg);
                (
                    format!("pilihan {name} tidak dikenal{id_hint}"),
                    format!("unknown option {name}{en_hint}"),
                )
            } else {
                // The word itself is not echoed: it may be part of a name typed without quotes.
                (
                    "ada kata berlebih (isian yang memuat spasi perlu diapit tanda kutip)".to_string(),
                    "unexpected extra word (a value with spaces needs quotes)".to_string(),
                )
            }
        }
        ErrorKind::InvalidValue if first(ContextKind::InvalidValue).is_empty() => {
            let name = option_name(first(ContextKind::InvalidArg));
            (format!("{name} perlu nilai"), format!("{name} needs a value"))
        }
        ErrorKind::InvalidValue => {
            let name = option_name(first(ContextKind::InvalidArg));
            let allowed = context(ContextKind::ValidValue).join(", ");
            (
                format!("nilai {name} tidak sah; pilihan: {allowed}"),
                format!("invalid value for {name}; allowed: {allowed}"),
            )
        }
        ErrorKind::ArgumentConflict => {
            let name = option_name(first(ContextKind::InvalidArg));
            let other: Vec<String> = context(ContextKind::PriorArg)
                .into_iter()
                .map(option_name)
                .collect();
            if other.is_empty() || other.contains(&name) {
                (
                    format!("{name} diberikan dua kali"),
                    format!("{name} given twice"),
                )
            } else {
                let other = other.join(", ");
                (
                    format!("{name} dan {other} tidak dapat dipakai bersama"),
                    format!("{name} and {other} cannot be used together"),
                )
            }
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let path = first(ContextKind::InvalidSubcommand);
            (
                format!(
                    "perintah belum lengkap{}; lihat 'migran help {path}'",
                    spaced(&path)
                ),
                format!("incomplete command{}; see 'migran help {path}'", spaced(&path)),
            )
        }
        ErrorKind::MissingRequiredArgument => {
            let missing: Vec<String> = context(ContextKind::InvalidArg)
                .into_iter()
                .map(|a| a.trim_matches(['<', '>']).to_string())
                .collect();
            let missing = missing.join(", ");
            (
                format!("{missing} belum diberikan"),
                format!("{missing} is missing"),
            )
        }
        ErrorKind::InvalidUtf8 => (
            "ada kata yang bukan teks UTF-8".to_string(),
            "a word is not UTF-8 text".to_string(),
        ),
        _ => (
            "susunan perintah tidak dikenal".to_string(),
            "the command's words are not understood".to_string(),
        ),
    };
    Some(CliError::usage(id, en))
}

fn spaced(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" ('{path}')")
    }
}

/// `migran completions SHELL`: the completion script for the shell, on standard output.
pub fn completions(args: &crate::args::Args) -> Result<(), CliError> {
    use std::str::FromStr;
    let name = args.word(1, "shell")?;
    let shell = clap_complete::Shell::from_str(&name).map_err(|_| {
        CliError::usage(
            "SHELL: bash, zsh, fish, powershell atau elvish",
            "SHELL: bash, zsh, fish, powershell or elvish",
        )
    })?;
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut command(), "migran", &mut buffer);
    crate::output::write_bytes(&buffer);
    Ok(())
}

/// `migran man`: the man page (roff), on standard output.
pub fn man() -> Result<(), CliError> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(command())
        .render(&mut buffer)
        .map_err(|_| CliError::Other("man".to_string()))?;
    crate::output::write_bytes(&buffer);
    Ok(())
}
