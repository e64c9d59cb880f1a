//! The translation layer (界面语言): every user-visible string of the pages comes from one of two catalogs compiled
//! into the binary, `i18n/zh-CN.toml` (the default) and `i18n/en.toml`, which hold the same keys (a test checks it,
//! and another that every key a template uses exists).
//!
//! The language is Simplified Chinese unless the `pt_lang` cookie, set by the switch in every page's header, says
//! English. The browser's `Accept-Language` is deliberately not used: the district's pages are Chinese by default,
//! whatever the machine's locale.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::HeaderMap;

/// Name of the cookie that keeps the chosen language.
pub const LANG_COOKIE: &str = "pt_lang";

/// A user-interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// 简体中文 (default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The code used in cookies, URLs and `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Reads a code (`zh-CN`, `zh`, `en`, `en-GB` …).
    pub fn parse(code: &str) -> Option<Lang> {
        let c = code.trim().to_ascii_lowercase();
        if c.starts_with("zh") {
            Some(Lang::Zh)
        } else if c.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The other language (for the switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The cookie's language, else Chinese.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .and_then(|(_, v)| Lang::parse(v))
            .unwrap_or_default()
    }

    /// Picks the text of this language from a Chinese/English pair.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

type Catalog = HashMap<String, String>;

fn load(text: &str) -> Catalog {
    // The catalogs are ours and checked by tests; a broken one would fail every test, so an empty map is enough.
    let table: toml::Table = toml::from_str(text).unwrap_or_default();
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalog) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out),
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

/// The Chinese catalog text.
pub const ZH_TOML: &str = include_str!("../i18n/zh-CN.toml");
/// The English catalog text.
pub const EN_TOML: &str = include_str!("../i18n/en.toml");

static ZH: LazyLock<Catalog> = LazyLock::new(|| load(ZH_TOML));
static EN: LazyLock<Catalog> = LazyLock::new(|| load(EN_TOML));

/// The catalog of a language, as key → text (dotted keys).
pub fn catalog(lang: Lang) -> &'static HashMap<String, String> {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The translator handed to every template: `tr.t("nav.dashboard")`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tr {
    /// The language.
    pub lang: Lang,
}

impl Tr {
    /// A translator for `lang`.
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// The text of `key`; the key itself when missing (a test keeps that from happening).
    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        catalog(self.lang).get(key).map_or(key, String::as_str)
    }

    /// The text of `key` with `{name}` placeholders replaced.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_owned();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// Picks from a Chinese/English pair (names that come with the data: plan, targets, messages).
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(zh, en)
    }

    /// Whether the language is Chinese.
    pub fn is_zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    /// The language code.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_have_identical_keys() {
        let zh: std::collections::BTreeSet<_> = ZH.keys().collect();
        let en: std::collections::BTreeSet<_> = EN.keys().collect();
        assert!(!zh.is_empty(), "zh catalog is empty or does not parse");
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "zh only: {only_zh:?}; en only: {only_en:?}"
        );
        assert!(
            toml::from_str::<toml::Table>(ZH_TOML).is_ok() && toml::from_str::<toml::Table>(EN_TOML).is_ok()
        );
    }

    #[test]
    fn no_translation_is_empty_and_placeholders_agree() {
        for (k, zh) in ZH.iter() {
            let en = &EN[k];
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{k} is empty");
            let holes = |s: &str| {
                let mut v: Vec<String> = s
                    .match_indices('{')
                    .filter_map(|(i, _)| s[i..].find('}').map(|j| s[i..i + j + 1].to_owned()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(holes(zh), holes(en), "placeholders of {k}");
        }
    }

    #[test]
    fn chinese_unless_the_cookie_says_english() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::from_headers(&h), Lang::Zh);
        h.insert("accept-language", "en-GB,en;q=0.9".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::Zh);
        h.insert("cookie", "a=b; pt_lang=en".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::En);
        h.insert("cookie", "pt_lang=zh-CN".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::Zh);
    }
}
