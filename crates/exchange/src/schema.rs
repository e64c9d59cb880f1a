//! What each import file looks like: the kinds of file and their fields come from the one registry spec in
//! `plantrack_core::registry` (Chinese header, English label, aliases, required, what a cell holds, the note a
//! template shows); this module matches a file's header row onto them.
//!
//! Templates, exports and `plantrack gen` write exactly these headers, so every file plantrack writes reads
//! back.

use std::collections::HashMap;

pub use plantrack_core::registry::{Field, FieldType, Kind, UnknownKind};

/// Normalise a header for matching: no spaces, ASCII parentheses, lower case, no trailing `*` (required
/// markers some offices add).
pub fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| !plantrack_core::registry::parse::is_space(*c))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect::<String>()
        .trim_end_matches('*')
        .trim_start_matches('*')
        .to_lowercase()
}

/// The header without a trailing unit in parentheses (`销售收入(万元)` → `销售收入`).
fn without_unit(h: &str) -> &str {
    match h.rfind('(') {
        Some(i) if h.ends_with(')') && i > 0 => &h[..i],
        _ => h,
    }
}

/// Lookup from every accepted header spelling to its column.
#[derive(Debug, Clone)]
pub struct HeaderIndex {
    by_name: HashMap<String, usize>,
}

impl HeaderIndex {
    /// The index of `kind`'s columns.
    pub fn new(kind: Kind) -> HeaderIndex {
        let mut by_name = HashMap::new();
        for (i, c) in kind.fields().iter().enumerate() {
            let h = normalize_header(c.zh);
            by_name.insert(without_unit(&h).to_owned(), i);
            by_name.insert(h, i);
            by_name.insert(c.key.to_owned(), i);
            for a in c.aliases.iter().chain([&c.en]) {
                let a = normalize_header(a);
                by_name.insert(without_unit(&a).to_owned(), i);
                by_name.insert(a, i);
            }
        }
        HeaderIndex { by_name }
    }

    /// The column a header names, if any.
    pub fn find(&self, header: &str) -> Option<usize> {
        let h = normalize_header(header);
        self.by_name
            .get(&h)
            .or_else(|| self.by_name.get(without_unit(&h)))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_chinese_with_full_width_parentheses_and_in_english() {
        let idx = HeaderIndex::new(Kind::Enterprises);
        let cols = Kind::Enterprises.fields();
        let at = |h: &str| idx.find(h).map(|i| cols[i].key);
        assert_eq!(at("销售收入(万元)"), Some("sales_revenue"));
        assert_eq!(at(" 销售收入（万元） "), Some("sales_revenue"));
        assert_eq!(at("销售收入"), Some("sales_revenue"));
        assert_eq!(at("*统一社会信用代码"), Some("uscc"));
        assert_eq!(at("USCC"), Some("uscc"));
        assert_eq!(at("Main Business Revenue"), Some("main_business_revenue"));
        assert_eq!(at("I类知识产权数"), Some("ip_class1"));
        assert_eq!(at("利润"), None);
    }

    #[test]
    fn every_accepted_spelling_names_one_column_only() {
        for kind in Kind::ALL {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for c in kind.fields() {
                let h = normalize_header(c.zh);
                for name in [h.clone(), without_unit(&h).to_owned(), c.key.to_owned()]
                    .into_iter()
                    .chain(c.aliases.iter().chain([&c.en]).flat_map(|a| {
                        let a = normalize_header(a);
                        [without_unit(&a).to_owned(), a]
                    }))
                {
                    if let Some(other) = seen.insert(name.clone(), c.key) {
                        assert_eq!(other, c.key, "{kind}: {name} names {other} and {}", c.key);
                    }
                }
            }
            assert_eq!(kind.name().parse::<Kind>().unwrap(), kind);
        }
        assert!(
            "firms"
                .parse::<Kind>()
                .unwrap_err()
                .to_string()
                .contains("enterprises")
        );
    }
}
