//! What an import found: every problem with its row, column, the value as written and the reason in Chinese and
//! English. One problem anywhere means nothing is imported (all or nothing).

use std::fmt;

use serde::Serialize;

use crate::cell::Reason;

/// One problem of a file: about the whole file (`row` = None), its header, or one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Row number as the spreadsheet or text editor shows it (1-based); `None` for the file as a whole.
    pub row: Option<u64>,
    /// The column's header as written in the file (or the expected header when it is missing).
    pub column: Option<String>,
    /// The cell's value as written.
    pub value: Option<String>,
    /// Reason, Chinese.
    pub message_zh: String,
    /// Reason, English.
    pub message_en: String,
}

impl Problem {
    /// A problem of the whole file.
    pub fn file(zh: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem {
            row: None,
            column: None,
            value: None,
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }

    /// A problem of one cell.
    pub fn cell(row: u64, column: &str, value: Option<String>, reason: Reason) -> Problem {
        Problem {
            row: Some(row),
            column: Some(column.to_owned()),
            value: value.filter(|v| !v.is_empty()),
            message_zh: reason.zh,
            message_en: reason.en,
        }
    }

    /// A problem of a row as a whole (duplicates, cross-column checks).
    pub fn row(row: u64, column: Option<&str>, zh: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem {
            row: Some(row),
            column: column.map(str::to_owned),
            value: None,
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self
            .value
            .as_deref()
            .map(|v| format!(" {v:?}"))
            .unwrap_or_default();
        match (&self.row, &self.column) {
            (Some(r), Some(c)) => write!(
                f,
                "第{r}行「{c}」{value}: {} / row {r}, column {c}{value}: {}",
                self.message_zh, self.message_en
            ),
            (Some(r), None) => write!(f, "第{r}行: {} / row {r}: {}", self.message_zh, self.message_en),
            (None, Some(c)) => write!(
                f,
                "「{c}」: {} / column {c}: {}",
                self.message_zh, self.message_en
            ),
            (None, None) => write!(f, "{} / {}", self.message_zh, self.message_en),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_problem_names_row_column_value_and_reason_in_both_languages() {
        let p = Problem::cell(
            7,
            "科技人员数",
            Some("120".into()),
            Reason::new("不能大于职工总数", "must not exceed employees"),
        );
        assert_eq!(
            p.to_string(),
            "第7行「科技人员数」 \"120\": 不能大于职工总数 / row 7, column 科技人员数 \"120\": must not exceed employees"
        );
        assert_eq!(
            Problem::file("文件为空", "the file is empty").to_string(),
            "文件为空 / the file is empty"
        );
    }
}
