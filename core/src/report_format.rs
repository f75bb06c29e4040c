//! Text formats the core hands out as strings (CSV, JSON), so that every front end
//! exports the same bytes.

/// How an export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ExportFormat {
    /// RFC 4180: comma separated, CRLF line ends, fields quoted when needed.
    Csv,
    /// Pretty-printed JSON.
    Json,
}

/// One CSV line (RFC 4180) ending in CRLF.
pub(crate) fn csv_line(fields: &[&str]) -> String {
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&csv_field(field));
    }
    line.push_str("\r\n");
    line
}

/// Quotes a field when it holds a separator, a quote or a line break, and defuses a
/// leading `=`, `+`, `-` or `@` (a spreadsheet would run it as a formula: an actor name
/// typed as `=HYPERLINK(...)` must stay text when an officer opens the export).
fn csv_field(field: &str) -> String {
    let formula = field.starts_with(['=', '+', '-', '@']);
    let text = if formula {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_line(&["a", "b"]), "a,b\r\n");
        assert_eq!(csv_line(&["a,b", "say \"hi\""]), "\"a,b\",\"say \"\"hi\"\"\"\r\n");
        assert_eq!(csv_line(&["=1+2", "@x", "ok"]), "'=1+2,'@x,ok\r\n");
        assert_eq!(csv_line(&["line\nbreak"]), "\"line\nbreak\"\r\n");
    }
}
