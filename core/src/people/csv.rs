//! CSV as spreadsheets write it (RFC 4180), read with bounds and line numbers, and
//! written back the same way.
//!
//! Reading: UTF-8 with or without a byte order mark; `,` or `;` as separator (Excel in
//! an Indonesian locale writes `;`), detected from the header line; fields quoted with
//! `"` and `""` inside; lines ended by CRLF, LF or a lone CR. Each record remembers the
//! line it starts on (a quoted field may span lines), so that a refusal points at the
//! line a person sees in their editor. A record is never held beyond
//! [`MAX_RECORD_BYTES`]: a file that never closes a quote costs no more memory than one
//! long row.
//!
//! Hand-written rather than the `csv` crate: the format needed is small, the reader must
//! report lines and bounds in its own terms, and every dependency adds to the size of
//! the library shipped in the phone apps.

/// The longest record kept, in bytes; a longer one is reported, not read.
pub(super) const MAX_RECORD_BYTES: usize = 64 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What is wrong with a record's shape (its values are checked later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// A quoted field is not closed before the end of the file.
    UnclosedQuote,
    /// Text follows the closing quote of a field (`"Siti" Contoh`).
    TextAfterQuote,
    /// The record is longer than [`MAX_RECORD_BYTES`].
    TooLong,
}

/// One record of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// The line the record starts on, counted from 1.
    pub line: u32,
    /// The fields' bytes, unquoted. UTF-8 is checked by the caller, field by field.
    pub fields: Vec<Vec<u8>>,
    /// The first shape problem and the field (counted from 0) where it was found.
    pub malformed: Option<(Malformed, usize)>,
}

impl Record {
    /// A line with nothing on it (or only separators and spaces), as spreadsheets leave
    /// at the end of a sheet.
    pub fn is_blank(&self) -> bool {
        self.malformed.is_none()
            && self
                .fields
                .iter()
                .all(|field| field.iter().all(|b| b.is_ascii_whitespace()))
    }
}

/// Reads the records of a CSV text one at a time.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    separator: u8,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing read of the field yet but spaces (which a quote may follow).
    Start,
    Unquoted,
    Quoted,
    /// After the closing quote of a quoted field.
    Closed,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, past a UTF-8 byte order mark, with the separator the first
    /// line uses.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        Reader {
            bytes,
            pos: 0,
            line: 1,
            separator: detect_separator(bytes),
        }
    }

    #[cfg(test)]
    pub fn separator(&self) -> u8 {
        self.separator
    }

    /// The next byte, if any, without consuming it.
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Consumes a line end that starts with `byte` (already consumed): CRLF, LF or CR.
    fn end_line(&mut self, byte: u8) {
        if byte == b'\r' && self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        self.line = self.line.saturating_add(1);
    }
}

impl Iterator for Reader<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let mut record = Record {
            line: self.line,
            fields: Vec::new(),
            malformed: None,
        };
        let mut field: Vec<u8> = Vec::new();
        let mut size = 0usize;
        let mut state = State::Start;
        loop {
            let Some(byte) = self.peek() else {
                if state == State::Quoted {
                    flag(&mut record, Malformed::UnclosedQuote);
                }
                record.fields.push(field);
                return Some(record);
            };
            self.pos += 1;
            size += 1;
            if size > MAX_RECORD_BYTES && record.malformed != Some((Malformed::TooLong, 0)) {
                // Keep scanning to the record's end, but keep nothing more of it.
                record.malformed = Some((Malformed::TooLong, 0));
                record.fields.clear();
                field = Vec::new();
            }
            let keep = record.malformed != Some((Malformed::TooLong, 0));
            match state {
                State::Start | State::Unquoted | State::Closed => {
                    if byte == self.separator {
                        if keep {
                            record.fields.push(std::mem::take(&mut field));
                        }
                        state = State::Start;
                    } else if byte == b'\n' || byte == b'\r' {
                        self.end_line(byte);
                        if keep {
                            record.fields.push(field);
                        }
                        return Some(record);
                    } else if state == State::Closed {
                        if byte != b' ' && byte != b'\t' {
                            flag(&mut record, Malformed::TextAfterQuote);
                        }
                    } else if byte == b'"' && state == State::Start {
                        // Spaces before an opening quote are not part of the value.
                        field.clear();
                        state = State::Quoted;
                    } else {
                        if keep {
                            field.push(byte);
                        }
                        if byte != b' ' && byte != b'\t' {
                            state = State::Unquoted;
                        }
                    }
                }
                State::Quoted => match byte {
                    b'"' if self.peek() == Some(b'"') => {
                        self.pos += 1;
                        size += 1;
                        if keep {
                            field.push(b'"');
                        }
                    }
                    b'"' => state = State::Closed,
                    b'\n' | b'\r' => {
                        // A line break inside a value (a multi-line address) is kept as
                        // LF, whatever the file's line ends.
                        self.end_line(byte);
                        if keep {
                            field.push(b'\n');
                        }
                    }
                    _ => {
                        if keep {
                            field.push(byte);
                        }
                    }
                },
            }
        }
    }
}

/// Notes the record's first shape problem, in the field being read.
fn flag(record: &mut Record, problem: Malformed) {
    if record.malformed.is_none() {
        record.malformed = Some((problem, record.fields.len()));
    }
}

/// `;` when the first line holds more semicolons than commas outside quotes, else `,`.
fn detect_separator(bytes: &[u8]) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0usize, 0usize, false);
    for &byte in bytes.iter().take(MAX_RECORD_BYTES) {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            b'\n' | b'\r' if !quoted => break,
            _ => {}
        }
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// Undoes the defusing of [`push_line`]: a value written as `'=...` (or `'+`, `'-`,
/// `'@`) was `=...` before it was exported.
pub(super) fn undefuse(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => value,
    }
}

/// Appends one CSV line (RFC 4180, CRLF) with `separator` to `out`. A field is quoted
/// when it holds the separator, a quote, a line break or spaces at its ends; a leading
/// `=`, `+`, `-` or `@` is defused with `'` (a spreadsheet would run it as a formula, and
/// turn `+62812...` into a number), as in every export of the core.
pub(super) fn push_line(out: &mut String, fields: &[&str], separator: char) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        let defused = field.starts_with(['=', '+', '-', '@']);
        let needs_quotes = field.contains([separator, '"', '\r', '\n'])
            || field.starts_with([' ', '\t'])
            || field.ends_with([' ', '\t']);
        if needs_quotes {
            out.push('"');
        }
        if defused {
            out.push('\'');
        }
        for c in field.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        if needs_quotes {
            out.push('"');
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = (u32, Vec<String>, Option<(Malformed, usize)>);

    fn records(text: &str) -> Vec<Read> {
        Reader::new(text.as_bytes())
            .map(|r| {
                (
                    r.line,
                    r.fields
                        .into_iter()
                        .map(|f| String::from_utf8(f).unwrap())
                        .collect(),
                    r.malformed,
                )
            })
            .collect()
    }

    fn fields(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn fields_quotes_and_line_ends() {
        let got = records("a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\"multi\r\nline\",,z\rlast,\"\",");
        assert_eq!(
            got,
            vec![
                (1, fields(&["a", "b", "c"]), None),
                (2, fields(&["1", "x, \"y\"", "3"]), None),
                (3, fields(&["multi\nline", "", "z"]), None),
                (5, fields(&["last", "", ""]), None),
            ]
        );
    }

    #[test]
    fn separator_is_detected_from_the_header_and_a_bom_is_skipped() {
        let reader = Reader::new("\u{feff}nama;nik;\"a,b,c\"\n1;2;3".as_bytes());
        assert_eq!(reader.separator(), b';');
        let got: Vec<_> = reader.map(|r| r.fields.len()).collect();
        assert_eq!(got, vec![3, 3]);
        assert_eq!(Reader::new(b"nama,nik;x").separator(), b',');
        assert_eq!(Reader::new(b"nama").separator(), b',');
    }

    #[test]
    fn shape_problems_are_flagged_with_their_field() {
        let got = records("a,\"b\" c,d\nx,\"never closed\ny,z\n");
        assert_eq!(got[0].2, Some((Malformed::TextAfterQuote, 1)));
        assert_eq!(got[1].0, 2);
        assert_eq!(got[1].2, Some((Malformed::UnclosedQuote, 1)));
        assert_eq!(got.len(), 2);
        // Spaces around a quoted value are not part of it.
        assert_eq!(records(" \"a\" ,b")[0].1, fields(&["a", "b"]));
    }

    #[test]
    fn a_record_longer_than_the_bound_is_flagged_and_not_kept() {
        let mut text = String::from("a,\"");
        text.push_str(&"x".repeat(MAX_RECORD_BYTES * 2));
        text.push_str("\"\nnext,row\n");
        let got = Reader::new(text.as_bytes()).collect::<Vec<_>>();
        assert_eq!(got[0].malformed, Some((Malformed::TooLong, 0)));
        assert!(got[0].fields.iter().map(Vec::len).sum::<usize>() <= MAX_RECORD_BYTES);
        assert_eq!(got[1].line, 2);
        assert_eq!(got[1].fields, vec![b"next".to_vec(), b"row".to_vec()]);
    }

    #[test]
    fn blank_lines_are_recognised() {
        let got: Vec<bool> = Reader::new(b"a,b\n\n , \n1,2\n").map(|r| r.is_blank()).collect();
        assert_eq!(got, vec![false, true, true, false]);
    }

    #[test]
    fn lines_written_read_back_the_same() {
        let values = [
            "Siti \"Ina\" Contoh",
            "+6281200000001",
            "Dusun Contoh\nRT 001; RW 002",
            " spaced ",
            "=1+2",
            "",
        ];
        for separator in [',', ';'] {
            let mut out = String::new();
            push_line(&mut out, &values, separator);
            let mut reader = Reader::new(out.as_bytes());
            reader.separator = separator as u8;
            let back: Vec<String> = reader
                .next()
                .unwrap()
                .fields
                .into_iter()
                .map(|f| undefuse(&String::from_utf8(f).unwrap()).to_string())
                .collect();
            assert_eq!(back, values);
        }
        let mut out = String::new();
        push_line(&mut out, &["+62812", "@x", "a,b"], ',');
        assert_eq!(out, "'+62812,'@x,\"a,b\"\r\n");
    }
}
