//! CSV formula injection (OWASP, "CSV Injection"): a spreadsheet opening a CSV file runs a cell that begins
//! with `=`, `+`, `-` or `@` as a formula (and a tab or carriage return before one of them still counts), so a
//! name like `=HYPERLINK(...)` set by an enterprise user would run on the bureau's machine when an export is
//! opened. OWASP's rule: text cells that begin with one of those characters are written with a leading `'`,
//! which the spreadsheet shows as text and does not display.
//!
//! Import reverses it, so that an export imports back unchanged: a CSV text cell that begins with `'` followed
//! by one of those characters loses its first `'`. To keep the pair exact for text that itself begins with
//! quotes before such a character (`'=x`), the writer adds its `'` to any run of quotes followed by one — the
//! reader removes exactly one. Only text is guarded: a number (`-5`) or a date is written as it is. XLSX needs
//! none of this: its text cells are typed as text and never read as formulas.

use std::borrow::Cow;

/// The characters a spreadsheet takes as the start of a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `s` begins (after any run of `'`) with a formula character.
fn needs_guard(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(TRIGGERS)
}

/// The CSV form of a text cell: `'` prefixed when a spreadsheet would take it for a formula.
pub fn guard(text: &str) -> Cow<'_, str> {
    if needs_guard(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text of a CSV cell written by [`guard`] (or by a spreadsheet following the same rule).
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_guarded_and_unguarded() {
        for (text, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=x", "''=x"),
            ("'plain", "'plain"),
            ("双台子区", "双台子区"),
            ("", ""),
        ] {
            assert_eq!(guard(text), written, "{text:?}");
            assert_eq!(unguard(written), text, "{written:?}");
        }
    }
}
