//! `migran help` (also `-h`, `--help`): every command in a few lines, in the person's
//! language.

use crate::i18n::t;
use crate::output::outln;

pub fn print() {
    let text = t(HELP_ID, HELP_EN);
    outln!("{}", text.get());
}

const HELP_ID: &str = "migran: catatan pekerja migran desa yang terenkripsi (Desa Migran Emas)

Pemakaian: migran --vault FOLDER PERINTAH [pilihan] [--json]
PIN dibaca dari MIGRAN_PIN atau ditanyakan tanpa ditampilkan; tidak pernah dari argumen.

Perintah:
  demo                              jalankan contoh singkat di folder sementara
  init [--kdf-iterations N] [--free-attempts N] [--erase-after N]
  status                            status kunci (tanpa PIN)
  unlock-check                      periksa PIN
  change-pin                        ganti PIN (PIN baru dari MIGRAN_NEW_PIN atau ditanyakan)
  person add --name --nik --birth-date YYYY-MM-DD --sex F|M --village [--phone] [--address]
  person list [--offset N] [--limit N] [--all]
  person show ID
  person find --nik N | --phone N | --passport N
  person search NAMA [--limit N]
  person archive ID [--undo]
  person erase ID [--yes]
  person import BERKAS.csv [--skip-invalid] [--skip-duplicates] [--without-consent]
  person export-csv --out BERKAS [--force] [--all] [--separator ,|;]
  contact add ORANG --name --relation R [--phone] [--address]
  journey set ORANG --phase P [--country KODE] [--sector S] [--employer] [--employer-address]
              [--agency] [--agency-licence] [--departure TGL] [--contract-end TGL]
  document add ORANG --kind K --number N [--issued TGL] [--expires TGL]
  wipe [--yes]                      hapus seluruh brankas

Daftar periksa pra-penempatan:
  checklist show ORANG [--family]
  checklist set ORANG LANGKAH belum|proses|selesai|tidak-berlaku [--note] [--by] [--document ID]
  checklist marital-status ORANG lajang|kawin|cerai|cerai-mati

Penapisan TPPO:
  screen ORANG [--answers BERKAS.json] [--by NAMA]   (tanpa --answers: tanya satu per satu)
  screen history ORANG | screen questions
  follow-up list ORANG | follow-up done ID

Kerja kader (MIGRAN_ACTOR=NAMA [MIGRAN_ROLE=kader|perangkat-desa] mencatat siapa di log audit):
  consent show ORANG | consent history ORANG | consent text TUJUAN
  consent give|withdraw ORANG TUJUAN [--date TGL] [--note]
              TUJUAN: pendaftaran, keluarga, instansi, pelaporan
  visit add ORANG --date TGL [--cadre] [--present A,B] [--topics migrasi-aman,dokumen,tppo,...]
              [--observations] [--follow-up TINDAKAN --due TGL] [--next TGL]
  visit list ORANG | visit done ID_TINDAK_LANJUT [--date TGL] [--note]
  agenda [--on TGL] [--ahead HARI]
  case open ORANG --type JENIS --description TEKS --reported-by pmi|keluarga|kader|lainnya [--date TGL]
  case show ID | case list [ORANG] | case note ID TEKS [--date TGL]
  case status ID baru|dirujuk|ditangani|selesai|ditutup [--date TGL] [--note]
  case refer ID disnaker|kp2mi|kbri|polisi|lsm|lainnya [--office] [--date TGL] [--note]
  return add ORANG --date TGL --reason kontrak-selesai|pulang-awal|dideportasi|kasus [--case ID]
              [--condition] [--needs kesehatan,hukum,psikososial,ekonomi] [--plan] [--next TGL]
  return plan ID [--needs] [--plan] [--next TGL] | return list ORANG
  return service ID --kind pelatihan|pendampingan-usaha|konseling|... --date TGL [--provider] [--note]
  report [--from TGL] [--to TGL] [--csv | --json] [--out BERKAS]
  audit [--person ORANG] [--from TGL] [--to TGL] [--offset N] [--limit N]
  audit --export csv|json [--from TGL] [--to TGL] [--out BERKAS]
  person export ORANG [--out BERKAS]

Darurat (tanpa PIN kecuali 'card set'):
  emergency card set --name --country KODE [--passport] [--city] [--employer]
              [--employer-address] [--family-contact NAMA:TELP] [--cadre NAMA:TELP]
  emergency card show
  emergency plan --kind JENIS [--country KODE] [--lat X --lon Y]
  emergency trigger --kind JENIS [--country KODE] [--lat X --lon Y]
  emergency log | pending | ack ID --by NAMA | install-pack PAKET TANDATANGAN
  JENIS: kekerasan, sakit, disekap, paspor-ditahan, gaji, ditahan, pulang, lainnya

Kode keluar: 0 berhasil, 2 perintah salah, 3 PIN salah/terkunci, 4 tidak ditemukan,
5 isian tidak sah, 6 ditolak aturan (persetujuan, alur kasus,
urutan daftar periksa), 1 lainnya. Bahasa: MIGRAN_LANG=en untuk bahasa Inggris.";

const HELP_EN: &str = "migran: the village's encrypted register of migrant workers (Desa Migran Emas)

Usage: migran --vault DIR COMMAND [options] [--json]
The PIN is read from MIGRAN_PIN or asked without echo; never from an argument.

Commands:
  demo                              run a short scenario in a temporary folder
  init [--kdf-iterations N] [--free-attempts N] [--erase-after N]
  status                            lock status (no PIN needed)
  unlock-check                      check the PIN
  change-pin                        change the PIN (new PIN from MIGRAN_NEW_PIN or asked)
  person add --name --nik --birth-date YYYY-MM-DD --sex F|M --village [--phone] [--address]
  person list [--offset N] [--limit N] [--all]
  person show ID
  person find --nik N | --phone N | --passport N
  person search NAME [--limit N]
  person archive ID [--undo]
  person erase ID [--yes]
  person import FILE.csv [--skip-invalid] [--skip-duplicates] [--without-consent]
  person export-csv --out FILE [--force] [--all] [--separator ,|;]
  contact add PERSON --name --relation R [--phone] [--address]
  journey set PERSON --phase P [--country CODE] [--sector S] [--employer] [--employer-address]
              [--agency] [--agency-licence] [--departure DATE] [--contract-end DATE]
  document add PERSON --kind K --number N [--issued DATE] [--expires DATE]
  wipe [--yes]                      erase the whole vault

Pre-departure checklist:
  checklist show PERSON [--family]
  checklist set PERSON ITEM not-started|in-progress|done|not-applicable [--note] [--by] [--document ID]
  checklist marital-status PERSON single|married|divorced|widowed

TPPO screening:
  screen PERSON [--answers FILE.json] [--by NAME]   (without --answers: asks each question)
  screen history PERSON | screen questions
  follow-up list PERSON | follow-up done ID

The cadre's work (MIGRAN_ACTOR=NAME [MIGRAN_ROLE=cadre|village-officer] names who acts in the audit log):
  consent show PERSON | consent history PERSON | consent text PURPOSE
  consent give|withdraw PERSON PURPOSE [--date DATE] [--note]
              PURPOSE: registration, family, agencies, reporting
  visit add PERSON --date DATE [--cadre] [--present A,B] [--topics safe-migration,documents,red-flags,...]
              [--observations] [--follow-up ACTION --due DATE] [--next DATE]
  visit list PERSON | visit done FOLLOW_UP_ID [--date DATE] [--note]
  agenda [--on DATE] [--ahead DAYS]
  case open PERSON --type TYPE --description TEXT --reported-by migrant|family|cadre|other [--date DATE]
  case show ID | case list [PERSON] | case note ID TEXT [--date DATE]
  case status ID open|referred|in-progress|resolved|closed [--date DATE] [--note]
  case refer ID disnaker|kp2mi|kbri|police|ngo|other [--office] [--date DATE] [--note]
  return add PERSON --date DATE --reason contract-end|early-return|deported|case [--case ID]
              [--condition] [--needs health,legal,psychosocial,economic] [--plan] [--next DATE]
  return plan ID [--needs] [--plan] [--next DATE] | return list PERSON
  return service ID --kind training|business-support|counselling|... --date DATE [--provider] [--note]
  report [--from DATE] [--to DATE] [--csv | --json] [--out FILE]
  audit [--person PERSON] [--from DATE] [--to DATE] [--offset N] [--limit N]
  audit --export csv|json [--from DATE] [--to DATE] [--out FILE]
  person export PERSON [--out FILE]

Emergency (no PIN except 'card set'):
  emergency card set --name --country CODE [--passport] [--city] [--employer]
              [--employer-address] [--family-contact NAME:PHONE] [--cadre NAME:PHONE]
  emergency card show
  emergency plan --kind KIND [--country CODE] [--lat X --lon Y]
  emergency trigger --kind KIND [--country CODE] [--lat X --lon Y]
  emergency log | pending | ack ID --by NAME | install-pack PACK SIGNATURE
  KIND: violence, medical, held, passport-taken, unpaid-wages, detention, go-home, other

Exit codes: 0 ok, 2 usage, 3 wrong PIN/locked out, 4 not found, 5 invalid input,
6 refused by a rule (consent, case workflow, checklist order), 1 other. Language: MIGRAN_LANG=en for English.";
