//! The use cases' one error type. The web maps it to HTTP status codes in one place
//! (`Unauthenticated` 401, `Forbidden` 403, `NotFound` 404, `Conflict`/`Stale` 409, `Invalid` 422,
//! `TooLarge` 413, `Throttled` 429, `Unexpected` 500); the CLI maps `Invalid` to exit code 2.

use plantrack_store::StoreError;
use serde::Serialize;

/// One field's problem, for messages in place next to a form field or an import cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Field name (form field, JSON key or column header).
    pub field: String,
    /// Row number in an import file (1-based, header = row 1), when the error is about a row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// Reason in Chinese.
    pub message_zh: String,
    /// Reason in English.
    pub message_en: String,
}

impl FieldError {
    /// A field error with both languages.
    pub fn new(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            row: None,
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }

    /// The same error located in a row of a file.
    pub fn at_row(mut self, row: u64) -> FieldError {
        self.row = Some(row);
        self
    }
}

/// Errors a use case returns.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not signed in (需要登录).
    #[error("需要登录 / sign-in required")]
    Unauthenticated,
    /// Signed in but not allowed (无权操作).
    #[error("无权执行此操作 / not allowed")]
    Forbidden,
    /// Signed in, but this step is not theirs to take, with the reason (a department acting on another's item,
    /// a leader reporting progress …): HTTP 403 like `Forbidden`, with a message that says why.
    #[error("{message}")]
    Denied {
        /// Why, Chinese then English (`中文 / English`).
        message: String,
    },
    /// No such thing (不存在).
    #[error("{entity} 不存在 / {entity} not found: {id}")]
    NotFound {
        /// What was looked for.
        entity: String,
        /// Its id.
        id: String,
    },
    /// The input is invalid; each problem names its field (and row).
    #[error("输入有误 / invalid input: {}", summary(.0))]
    Invalid(Vec<FieldError>),
    /// Someone else changed the row since it was read (optimistic concurrency).
    #[error(
        "数据已被他人修改 / the record was changed by someone else (expected version {expected}, now {actual})"
    )]
    Stale {
        /// Entity name.
        entity: String,
        /// Row id.
        id: i64,
        /// The version the caller edited.
        expected: i64,
        /// The version in the store now.
        actual: i64,
    },
    /// A uniqueness or reference conflict.
    #[error("{0}")]
    Conflict(String),
    /// The upload or body is too large.
    #[error("文件过大 / too large: limit {limit_bytes} bytes")]
    TooLarge {
        /// The limit that was exceeded.
        limit_bytes: u64,
    },
    /// Too many failed attempts (登录限制): refused until the lock expires.
    #[error("{message_zh} / {message_en}")]
    Throttled {
        /// Seconds until the lock expires (`Retry-After`).
        retry_after_secs: u64,
        /// Reason in Chinese.
        message_zh: String,
        /// Reason in English.
        message_en: String,
    },
    /// Our fault: logged, never shown in detail to the user.
    #[error("内部错误 / internal error")]
    Unexpected(#[source] anyhow_like::BoxError),
}

impl PartialEq for AppError {
    fn eq(&self, other: &Self) -> bool {
        // Compared in tests by kind and message.
        std::mem::discriminant(self) == std::mem::discriminant(other) && self.to_string() == other.to_string()
    }
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| match e.row {
            Some(r) => format!(
                "第{r}行 {}：{} / row {r} {}: {}",
                e.field, e.message_zh, e.field, e.message_en
            ),
            None => format!("{}：{} / {}: {}", e.field, e.message_zh, e.field, e.message_en),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    /// One invalid field.
    pub fn invalid(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, zh, en)])
    }

    /// Wrap an unexpected error.
    pub fn unexpected(err: impl std::error::Error + Send + Sync + 'static) -> AppError {
        AppError::Unexpected(Box::new(err))
    }

    /// The stable error code of the JSON API (`{"error": {"code", …}}`) and the i18n key prefix.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden | AppError::Denied { .. } => "forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::Invalid(_) => "invalid",
            AppError::Stale { .. } => "stale_version",
            AppError::Conflict(_) => "conflict",
            AppError::TooLarge { .. } => "too_large",
            AppError::Throttled { .. } => "throttled",
            AppError::Unexpected(_) => "internal",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound { entity, id } => AppError::NotFound {
                entity: entity.into_owned(),
                id,
            },
            StoreError::StaleVersion {
                entity,
                id,
                expected,
                actual,
            } => AppError::Stale {
                entity: entity.into_owned(),
                id,
                expected,
                actual,
            },
            e @ StoreError::Conflict { .. } => AppError::Conflict(e.to_string()),
            StoreError::Invalid {
                entity,
                field,
                reason,
            } => AppError::invalid(format!("{entity}.{field}"), reason.clone(), reason),
            other => AppError::unexpected(other),
        }
    }
}

/// A boxed error, without pulling anyhow into the library.
pub mod anyhow_like {
    /// Any error, boxed.
    pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_names_row_field_and_reason_in_both_languages() {
        let e = AppError::Invalid(vec![
            FieldError::new("科技人员数", "不能大于职工总数", "must not exceed employees").at_row(7),
        ]);
        let text = e.to_string();
        assert!(text.contains("第7行 科技人员数：不能大于职工总数"), "{text}");
        assert!(
            text.contains("row 7 科技人员数: must not exceed employees"),
            "{text}"
        );
        assert_eq!(e.code(), "invalid");
    }

    #[test]
    fn a_stale_store_write_becomes_a_stale_app_error() {
        let e: AppError = StoreError::StaleVersion {
            entity: "talent".into(),
            id: 3,
            expected: 1,
            actual: 2,
        }
        .into();
        assert_eq!(e.code(), "stale_version");
    }
}
