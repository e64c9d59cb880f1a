//! Text for people in both of the interface's languages (中文 and English), carried as one value so that no
//! layer has to split a "中文 / English" string apart again.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A sentence or phrase in Chinese and in English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Text {
    /// 中文.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// The two versions.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The version for a language tag (`zh…` → Chinese, anything else → English).
    pub fn pick(&self, lang: &str) -> &str {
        if lang.starts_with("zh") {
            &self.zh
        } else {
            &self.en
        }
    }
}

/// `中文 / English`, for logs and the terminal.
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.zh == self.en {
            f.write_str(&self.zh)
        } else {
            write!(f, "{} / {}", self.zh, self.en)
        }
    }
}
