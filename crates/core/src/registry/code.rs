//! Enumerations stored by a stable text code (`high_tech`, `maker_space` …), each tied to the vocabulary that
//! gives its labels.

use super::vocab::{Term, Vocabulary};

/// A text enumeration stored by its stable code.
pub trait Code: Sized + Copy + 'static {
    /// Every value.
    const ALL: &'static [Self];
    /// The vocabulary with the labels.
    const VOCABULARY: &'static Vocabulary;
    /// The stored code.
    fn code(self) -> &'static str;
    /// The value stored as `code`.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
    /// The value a user's text names (label, code or alias).
    fn find(text: &str) -> Option<Self> {
        Self::VOCABULARY.find(text).and_then(|t| Self::from_code(t.code))
    }
    /// The term with the labels (every code is in its vocabulary: a test walks them).
    fn term(self) -> Option<&'static Term> {
        Self::VOCABULARY.term(self.code())
    }
}

/// Unknown code or label for a code enumeration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{text}” 不是{list_zh}之一 / “{text}” is not a {list_en}")]
pub struct UnknownCode {
    /// What was given.
    pub text: String,
    /// The vocabulary's Chinese name.
    pub list_zh: &'static str,
    /// The vocabulary's English name.
    pub list_en: &'static str,
}

/// Declare a code enumeration over a vocabulary: serde, `Display` and `FromStr` use the code (`FromStr` also
/// accepts the labels and aliases).
macro_rules! code_enum {
    ($(#[$m:meta])* pub enum $name:ident in $vocab:path { $($(#[$vm:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $code)] $variant),+ }

        impl $crate::registry::Code for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            const VOCABULARY: &'static $crate::registry::Vocabulary = &$vocab;
            fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::registry::Code::code(*self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::registry::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$name as $crate::registry::Code>::find(s).ok_or_else(|| $crate::registry::UnknownCode {
                    text: s.to_owned(),
                    list_zh: $vocab.zh,
                    list_en: $vocab.en,
                })
            }
        }
    };
}
pub(crate) use code_enum;
