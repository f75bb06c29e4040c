//! Text in the form the phone's own text-to-speech reads correctly (Android
//! TextToSpeech, iOS AVSpeechSynthesizer, Bahasa Indonesia first): abbreviations from
//! [`ABBREVIATIONS`] expanded, phone numbers digit by digit, other numbers, percentages
//! and dates as words. Families most at risk often read little; no audio files needed.

use crate::error::Result;
use crate::i18n::Locale;

/// The abbreviations a speech engine would spell letter by letter or mispronounce, with
/// what they stand for in Bahasa Indonesia and in English.
pub const ABBREVIATIONS: &[(&str, &str, &str)] = &[
    (
        "KBRI",
        "Kedutaan Besar Republik Indonesia",
        "Embassy of the Republic of Indonesia",
    ),
    (
        "KJRI",
        "Konsulat Jenderal Republik Indonesia",
        "Consulate General of the Republic of Indonesia",
    ),
    (
        "KDEI",
        "Kantor Dagang dan Ekonomi Indonesia",
        "Indonesian Economic and Trade Office",
    ),
    (
        "KP2MI",
        "Kementerian Pelindungan Pekerja Migran Indonesia",
        "Ministry for the Protection of Indonesian Migrant Workers",
    ),
    (
        "KemenP2MI",
        "Kementerian Pelindungan Pekerja Migran Indonesia",
        "Ministry for the Protection of Indonesian Migrant Workers",
    ),
    (
        "BP2MI",
        "Badan Pelindungan Pekerja Migran Indonesia",
        "Indonesian Migrant Workers Protection Agency",
    ),
    (
        "BP3MI",
        "Balai Pelayanan Pelindungan Pekerja Migran Indonesia",
        "Indonesian Migrant Workers Protection Service Office",
    ),
    (
        "P3MI",
        "Perusahaan Penempatan Pekerja Migran Indonesia",
        "Indonesian migrant worker placement company",
    ),
    (
        "CPMI",
        "Calon Pekerja Migran Indonesia",
        "prospective Indonesian migrant worker",
    ),
    ("PMI", "Pekerja Migran Indonesia", "Indonesian migrant worker"),
    (
        "TPPO",
        "Tindak Pidana Perdagangan Orang",
        "the crime of human trafficking",
    ),
    ("WNI", "Warga Negara Indonesia", "Indonesian citizen"),
    ("Kemlu", "Kementerian Luar Negeri", "Ministry of Foreign Affairs"),
    ("Kemnaker", "Kementerian Ketenagakerjaan", "Ministry of Manpower"),
    ("Disnaker", "Dinas Tenaga Kerja", "manpower office"),
    (
        "SPSK",
        "Sistem Penempatan Satu Kanal",
        "single placement channel system",
    ),
    (
        "SKCK",
        "Surat Keterangan Catatan Kepolisian",
        "police record certificate",
    ),
    (
        "BPJS",
        "Badan Penyelenggara Jaminan Sosial",
        "social security agency",
    ),
    ("NIK", "Nomor Induk Kependudukan", "national identity number"),
    ("KTP", "Kartu Tanda Penduduk", "identity card"),
    ("OPP", "Orientasi Pra Pemberangkatan", "pre-departure orientation"),
    (
        "PAP",
        "Pembekalan Akhir Pemberangkatan",
        "final pre-departure briefing",
    ),
    ("UU", "Undang-Undang", "Law"),
    (
        "LSM",
        "Lembaga Swadaya Masyarakat",
        "non-governmental organisation",
    ),
];

/// The text in speakable form for `locale`'s speech engine. Never fails: a text it
/// cannot improve is returned as it is.
#[uniffi::export]
pub fn speakable_text(text: String, locale: Locale) -> Result<String> {
    Ok(speakable(&text, locale))
}

pub(crate) fn speakable(text: &str, locale: Locale) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_number =
            c.is_ascii_digit() || (c == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        let after_word = i > 0 && chars[i - 1].is_alphanumeric();
        if starts_number && !after_word {
            i = number_run(&chars, i, locale, &mut out);
        } else if c.is_alphabetic() {
            let end = (i..chars.len())
                .find(|&j| !chars[j].is_alphanumeric())
                .unwrap_or(chars.len());
            let word: String = chars[i..end].iter().collect();
            out.push_str(&expand_word(&word, locale));
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn expand_word(word: &str, locale: Locale) -> String {
    match ABBREVIATIONS.iter().find(|(short, _, _)| *short == word) {
        Some((_, id, en)) => match locale {
            Locale::Id => (*id).to_string(),
            Locale::En => (*en).to_string(),
        },
        None => word.to_string(),
    }
}

/// Reads the run of digits (with the `+`, spaces, hyphens, dots and commas inside it)
/// that starts at `start`, writes it in words and returns where the text goes on.
fn number_run(chars: &[char], start: usize, locale: Locale, out: &mut String) -> usize {
    // A group separator counts only when a digit follows it: "18 tahun" ends at the space.
    let mut end = start + 1;
    while end < chars.len() {
        let c = chars[end];
        let joins =
            matches!(c, ' ' | '-' | '.' | ',') && chars.get(end + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() || joins {
            end += if joins { 2 } else { 1 };
        } else {
            break;
        }
    }
    let run: String = chars[start..end].iter().collect();
    let digits = run.chars().filter(char::is_ascii_digit).count();
    if let Some(date) = iso_date(&run) {
        out.push_str(&date_words(date, locale));
    } else if is_phone(&run, digits) {
        out.push_str(&phone_words(&run, locale));
    } else {
        out.push_str(&plain_numbers(&run, locale));
    }
    let mut next = end;
    if chars.get(next) == Some(&'%') {
        out.push_str(match locale {
            Locale::Id => " persen",
            Locale::En => " percent",
        });
        next += 1;
    }
    // "3x24 jam": the "x" reads as "times", and what follows is a number again.
    if chars.get(next) == Some(&'x') && chars.get(next + 1).is_some_and(char::is_ascii_digit) {
        out.push_str(match locale {
            Locale::Id => " kali ",
            Locale::En => " times ",
        });
        return number_run(chars, next + 1, locale, out);
    }
    next
}

/// A phone number: an international one (`+62 ...`), one with a leading zero
/// (`0800-1000`), or a long number written in groups (`812 9007 0027`).
fn is_phone(run: &str, digits: usize) -> bool {
    let grouped = run.contains([' ', '-']);
    run.starts_with('+') || (run.starts_with('0') && digits >= 4) || (grouped && digits >= 7)
}

/// A phone number digit by digit, its groups separated by pauses.
pub(crate) fn phone_words(run: &str, locale: Locale) -> String {
    let groups: Vec<String> = run
        .split([' ', '-'])
        .filter(|group| !group.is_empty())
        .map(|group| {
            group
                .chars()
                .filter_map(|c| match c {
                    '+' => Some("plus".to_string()),
                    d => d.to_digit(10).map(|d| digit_word(d, locale).to_string()),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    // A comma between groups makes the engine pause where the number is grouped.
    groups.join(", ")
}

/// Numbers that are not phones: "5.088" (Indonesian thousands) or "5,088" (English),
/// ranges "21-50" and lists "110 112".
fn plain_numbers(run: &str, locale: Locale) -> String {
    let range_word = match locale {
        Locale::Id => " sampai ",
        Locale::En => " to ",
    };
    run.split(' ')
        .map(|part| {
            part.split('-')
                .map(|number| number_words_of(number, locale))
                .collect::<Vec<_>>()
                .join(range_word)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "5.088" or "5,088" is five thousand and eighty-eight when the groups after the first
/// have three digits; otherwise each part is read on its own.
fn number_words_of(text: &str, locale: Locale) -> String {
    let groups: Vec<&str> = text.split(['.', ',']).collect();
    let thousands = groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3);
    if thousands || groups.len() == 1 {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        match digits.parse::<u64>() {
            Ok(value) if digits.len() <= 15 => number_words(value, locale),
            _ => digits
                .chars()
                .filter_map(|d| d.to_digit(10))
                .map(|d| digit_word(d, locale))
                .collect::<Vec<_>>()
                .join(" "),
        }
    } else {
        let point = match locale {
            Locale::Id => " koma ",
            Locale::En => " point ",
        };
        groups
            .iter()
            .map(|g| number_words_of(g, locale))
            .collect::<Vec<_>>()
            .join(point)
    }
}

fn iso_date(run: &str) -> Option<chrono::NaiveDate> {
    (run.len() == 10)
        .then(|| chrono::NaiveDate::parse_from_str(run, "%Y-%m-%d").ok())
        .flatten()
}

fn date_words(date: chrono::NaiveDate, locale: Locale) -> String {
    use chrono::Datelike;
    const BULAN: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = date.month0() as usize;
    let day = number_words(u64::from(date.day()), locale);
    let year = number_words(u64::try_from(date.year()).unwrap_or(0), locale);
    match locale {
        Locale::Id => format!("{day} {} {year}", BULAN[month]),
        Locale::En => format!("{day} {} {year}", MONTHS[month]),
    }
}

fn digit_word(digit: u32, locale: Locale) -> &'static str {
    const ID: [&str; 10] = [
        "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    ];
    const EN: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let table = match locale {
        Locale::Id => &ID,
        Locale::En => &EN,
    };
    table.get(digit as usize).copied().unwrap_or("")
}

/// A whole number in words ("dua ribu dua puluh enam", "two thousand twenty-six").
pub(crate) fn number_words(value: u64, locale: Locale) -> String {
    match locale {
        Locale::Id => indonesian(value),
        Locale::En => english(value),
    }
}

fn indonesian(n: u64) -> String {
    let digit = |d: u64| digit_word(u32::try_from(d).unwrap_or(0), Locale::Id);
    let join = |head: String, rest: u64| {
        if rest == 0 {
            head
        } else {
            format!("{head} {}", indonesian(rest))
        }
    };
    match n {
        0..=9 => digit(n).to_string(),
        10 => "sepuluh".to_string(),
        11 => "sebelas".to_string(),
        12..=19 => format!("{} belas", digit(n - 10)),
        20..=99 => join(format!("{} puluh", digit(n / 10)), n % 10),
        100..=199 => join("seratus".to_string(), n % 100),
        200..=999 => join(format!("{} ratus", digit(n / 100)), n % 100),
        1_000..=1_999 => join("seribu".to_string(), n % 1_000),
        2_000..=999_999 => join(format!("{} ribu", indonesian(n / 1_000)), n % 1_000),
        1_000_000..=999_999_999 => join(format!("{} juta", indonesian(n / 1_000_000)), n % 1_000_000),
        1_000_000_000..=999_999_999_999 => join(
            format!("{} miliar", indonesian(n / 1_000_000_000)),
            n % 1_000_000_000,
        ),
        _ => join(
            format!("{} triliun", indonesian(n / 1_000_000_000_000)),
            n % 1_000_000_000_000,
        ),
    }
}

fn english(n: u64) -> String {
    const TEENS: [&str; 10] = [
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let join = |head: String, rest: u64| {
        if rest == 0 {
            head
        } else {
            format!("{head} {}", english(rest))
        }
    };
    let index = |d: u64| usize::try_from(d).unwrap_or(0);
    match n {
        0..=9 => digit_word(u32::try_from(n).unwrap_or(0), Locale::En).to_string(),
        10..=19 => TEENS[index(n - 10)].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[index(n / 10)].to_string(),
        20..=99 => format!("{}-{}", TENS[index(n / 10)], english(n % 10)),
        100..=999 => join(format!("{} hundred", english(n / 100)), n % 100),
        1_000..=999_999 => join(format!("{} thousand", english(n / 1_000)), n % 1_000),
        1_000_000..=999_999_999 => join(format!("{} million", english(n / 1_000_000)), n % 1_000_000),
        1_000_000_000..=999_999_999_999 => join(
            format!("{} billion", english(n / 1_000_000_000)),
            n % 1_000_000_000,
        ),
        _ => join(
            format!("{} trillion", english(n / 1_000_000_000_000)),
            n % 1_000_000_000_000,
        ),
    }
}
