//! What a refused value should have looked like, named after the core's field: the core
//! says which field and why ("wrong format"), this says what it expects, in both
//! languages, so nobody needs the manual to fix a typo.

use migran_core::InvalidReason;

use crate::i18n::{t, Text};

pub fn expected(field: &str, reason: InvalidReason) -> Option<Text> {
    use InvalidReason::*;
    // A field in a batch is named with its row ("3.nik").
    let field = field
        .split_once('.')
        .filter(|(row, _)| row.chars().all(|c| c.is_ascii_digit()))
        .map_or(field, |(_, inner)| inner);
    if is_date(field) && matches!(reason, BadFormat | BadDate | Empty) {
        return Some(t(
            "tanggal YYYY-MM-DD (tahun-bulan-tanggal), mis. 1998-04-12, bukan 12-04-1998",
            "a date YYYY-MM-DD (year-month-day), e.g. 1998-04-12, not 12-04-1998",
        ));
    }
    if is_date(field) && matches!(reason, OutOfRange | Inconsistent) {
        return Some(t(
            "tanggal yang mungkin: tidak di masa depan untuk yang sudah terjadi, dan akhir sesudah awal",
            "a possible date: not in the future for what already happened, and an end after its start",
        ));
    }
    let (id, en) = match (field, reason) {
        ("nik", _) => (
            "NIK 16 angka; spasi, titik dan tanda hubung boleh (3201-0000-0000-0001)",
            "a 16-digit NIK; spaces, dots and dashes allowed (3201-0000-0000-0001)",
        ),
        ("phone", _) => (
            "nomor telepon 8-15 angka, mis. 0812-3456-7890 atau +852 6773 0466",
            "a phone number of 8-15 digits, e.g. 0812-3456-7890 or +852 6773 0466",
        ),
        ("pin" | "new_pin", TooShort | TooLong | Empty) => (
            "PIN 6 sampai 128 karakter (PIN lama 4 angka tetap bisa membuka)",
            "a PIN of 6 to 128 characters (an old 4-digit PIN still opens)",
        ),
        ("pin" | "new_pin", Weak) => (
            "6 angka atau lebih tanpa pola: bukan 123456, 111111, 121212, 112233 atau garis papan tombol",
            "6 or more digits without a pattern: not 123456, 111111, 121212, 112233 or a keypad line",
        ),
        ("country" | "destination_country", _) => (
            "kode negara ISO dua huruf, mis. MY, HK, TW, SA, KR",
            "a two-letter ISO country code, e.g. MY, HK, TW, SA, KR",
        ),
        ("person", _) => (
            "ID orang 32 karakter, awalan unik ID paling sedikit 6 karakter, atau NIK 16 angka",
            "a 32-character person ID, a unique ID prefix of at least 6 characters, or a 16-digit NIK",
        ),
        ("limit", _) => ("angka 1 sampai 1000", "a number from 1 to 1000"),
        ("offset", _) => ("angka 0 atau lebih", "a number, 0 or more"),
        ("look_ahead_days" | "ahead", _) => ("jumlah hari 0 sampai 366", "a number of days, 0 to 366"),
        ("free_attempts", _) => ("angka 1 sampai 100", "a number from 1 to 100"),
        ("kdf_iterations", _) => (
            "angka bulat; kosongkan untuk nilai bawaan yang aman",
            "a whole number; leave it out for the safe default",
        ),
        ("location", _) => (
            "lintang -90..90 dan bujur -180..180, angka desimal dengan titik",
            "latitude -90..90 and longitude -180..180, decimals with a point",
        ),
        ("passport" | "number", BadFormat | TooLong | TooShort) => (
            "huruf dan angka saja (pemisah diabaikan), paling banyak 40",
            "letters and digits only (separators ignored), at most 40",
        ),
        (_, TooLong) if is_long_text(field) => ("paling banyak 2000 karakter", "at most 2000 characters"),
        (_, TooLong) => ("paling banyak 200 karakter", "at most 200 characters"),
        (_, BadCharacters) => (
            "teks tanpa karakter kendali (tab dan baris baru hanya di catatan dan alamat)",
            "text without control characters (tabs and new lines only in notes and addresses)",
        ),
        _ => return None,
    };
    Some(t(id, en))
}

fn is_date(field: &str) -> bool {
    matches!(
        field,
        "date" | "from" | "to" | "on" | "due" | "next" | "issued_on" | "expires_on" | "due_on"
    ) || field.ends_with("_date")
        || field.ends_with("_on")
}

fn is_long_text(field: &str) -> bool {
    matches!(
        field,
        "address" | "employer_address" | "note" | "description" | "observations" | "condition" | "plan"
    )
}
