//! One field of a registry row as every path sees it — file column, form field, API property, export column
//! and label: its key, its labels, whether it is required, and what its values are ([`FieldType`]).

use super::vocab::Vocabulary;

/// What a field holds, and so how its text is read and which values it refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Free text: trimmed, at most `max_chars` characters, no control characters (a multi-line field keeps
    /// line breaks and tabs).
    Text {
        /// Longest accepted text, in characters.
        max_chars: usize,
        /// Line breaks allowed.
        multiline: bool,
    },
    /// A code kept as text (certificate and contract numbers): never a number; at most `max_chars`.
    Code {
        /// Longest accepted code.
        max_chars: usize,
    },
    /// 统一社会信用代码 (GB 32100-2015, with its check digit).
    Uscc,
    /// A known org unit's code (GB/T 2260).
    OrgUnit,
    /// A calendar date.
    Date,
    /// An amount in 万元, ≥ 0.
    Amount,
    /// A whole number ≥ 0.
    Count,
    /// A four-digit year within [`YEARS`].
    Year,
    /// A reporting period (`2019`, `2019Q3`, `2019-07`).
    Period,
    /// A number ≥ 0 in the data element's own unit.
    Number,
    /// One term of a vocabulary.
    Choice(&'static Vocabulary),
    /// A GB/T 4754-2017 industry code.
    Industry,
    /// A data element of the plan (by id or Chinese name) that is observed, not derived.
    Element,
    /// A department of the plan (by id, full or short name).
    Department,
}

/// The years a report may be for: the oldest statistics the bureaus hold digitally to the end of the century.
/// (Files used to accept 1900–2999 and the API 1990–2100: the stricter range holds for both.)
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Names: enterprises, platforms, people, programmes (the longest registered company names are under 100).
pub const NAME: FieldType = FieldType::Text {
    max_chars: 200,
    multiline: false,
};
/// Short free text: categories, levels, sources.
pub const SHORT_TEXT: FieldType = FieldType::Text {
    max_chars: 100,
    multiline: false,
};
/// Notes and evidence.
pub const NOTE: FieldType = FieldType::Text {
    max_chars: 500,
    multiline: true,
};
/// Certificate, contract, registration and document numbers.
pub const CODE: FieldType = FieldType::Code { max_chars: 100 };

/// One field of a registry row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Stable key: the JSON property, the store's column and an accepted file header.
    pub key: &'static str,
    /// Chinese label, also the file header templates and exports write (with its unit: `销售收入(万元)`).
    pub zh: &'static str,
    /// English label (also accepted as a file header).
    pub en: &'static str,
    /// Other accepted file headers.
    pub aliases: &'static [&'static str],
    /// Every row must have a value.
    pub required: bool,
    /// What it holds.
    pub ty: FieldType,
    /// What to enter, in Chinese (templates' header notes, form hints).
    pub note_zh: &'static str,
    /// What to enter, in English.
    pub note_en: &'static str,
    /// Written by templates (false: accepted on import and written by exports only).
    pub in_template: bool,
    /// Shown as a column of the registry's list page.
    pub listed: bool,
}

impl Field {
    /// The longest text this field accepts, if it is text.
    pub fn max_chars(&self) -> Option<usize> {
        match self.ty {
            FieldType::Text { max_chars, .. } | FieldType::Code { max_chars } => Some(max_chars),
            FieldType::Uscc => Some(18),
            FieldType::OrgUnit => Some(12),
            _ => None,
        }
    }
}

/// The position of `key` in `fields`, at compile time: a builder that names a field the list lacks does not
/// compile.
pub const fn index(fields: &[Field], key: &str) -> usize {
    let mut i = 0;
    while i < fields.len() {
        if str_eq(fields[i].key, key) {
            return i;
        }
        i += 1;
    }
    panic!("no such field");
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
