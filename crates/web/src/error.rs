//! The one place where a use case's [`AppError`] becomes an HTTP response: its status code, and either the JSON
//! error body of the API (`{"error": {"code", "message_zh", "message_en", "details"}}`) or an HTML error page.
//!
//! Internal errors are logged here, once, with their cause; the response says only "internal error" — never a
//! stack trace, a SQL statement or a file path.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use plantrack_app::{AppError, FieldError};
use serde::Serialize;

/// The HTTP status of an application error.
pub fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden | AppError::Denied { .. } => StatusCode::FORBIDDEN,
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Stale { .. } | AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The user-facing message of an error in Chinese and English (never internals).
pub fn messages(err: &AppError) -> (String, String) {
    match err {
        AppError::Unauthenticated => ("需要登录".into(), "sign-in required".into()),
        AppError::Forbidden => ("无权执行此操作".into(), "you are not allowed to do this".into()),
        AppError::Denied { message } => match message.split_once(" / ") {
            Some((zh, en)) => (zh.to_owned(), en.to_owned()),
            None => (message.clone(), message.clone()),
        },
        AppError::NotFound { entity, id } => (
            format!("{entity} “{id}” 不存在"),
            format!("{entity} “{id}” not found"),
        ),
        AppError::Invalid(errors) => {
            let n = errors.len();
            (
                format!("输入有误（{n} 处）"),
                format!("invalid input ({n} problems)"),
            )
        }
        AppError::Stale {
            entity,
            id,
            expected,
            actual,
        } => (
            format!("{entity} {id} 已被他人修改（您编辑的是第 {expected} 版，当前为第 {actual} 版）"),
            format!(
                "{entity} {id} was changed by someone else (you edited version {expected}, it is now {actual})"
            ),
        ),
        AppError::Conflict(msg) => {
            // Store messages are "中文 / English".
            match msg.split_once(" / ") {
                Some((zh, en)) => (zh.to_owned(), en.to_owned()),
                None => (msg.clone(), msg.clone()),
            }
        }
        AppError::TooLarge { limit_bytes } => (
            format!("请求过大（上限 {} MB）", limit_bytes / 1_048_576),
            format!("request too large (limit {} MB)", limit_bytes / 1_048_576),
        ),
        AppError::Throttled {
            message_zh,
            message_en,
            ..
        } => (message_zh.clone(), message_en.clone()),
        AppError::Unexpected(_) => ("内部错误，已记录".into(), "internal error (logged)".into()),
    }
}

/// The `details` of the JSON error: field errors for `invalid`, both versions for `stale_version`.
pub fn details(err: &AppError) -> serde_json::Value {
    match err {
        AppError::Invalid(errors) => serde_json::to_value(errors).unwrap_or_default(),
        AppError::Stale { expected, actual, .. } => {
            serde_json::json!({ "expected_version": expected, "actual_version": actual })
        }
        AppError::Throttled { retry_after_secs, .. } => {
            serde_json::json!({ "retry_after_secs": retry_after_secs })
        }
        AppError::TooLarge { limit_bytes } => serde_json::json!({ "limit_bytes": limit_bytes }),
        _ => serde_json::Value::Null,
    }
}

/// Logs an internal error once (the only place that sees its cause).
pub fn log_if_internal(err: &AppError) {
    if let AppError::Unexpected(cause) = err {
        tracing::error!(error = %cause, "internal error");
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorInner<'a>,
}

#[derive(Serialize)]
struct ErrorInner<'a> {
    code: &'a str,
    message_zh: String,
    message_en: String,
    details: serde_json::Value,
}

/// An error of the JSON API.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<plantrack_store::StoreError> for ApiError {
    fn from(e: plantrack_store::StoreError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(&self.0)
    }
}

/// The JSON error response of `err`.
pub fn json_error(err: &AppError) -> Response {
    log_if_internal(err);
    let (message_zh, message_en) = messages(err);
    let body = ErrorBody {
        error: ErrorInner {
            code: err.code(),
            message_zh,
            message_en,
            details: details(err),
        },
    };
    let mut resp = (status_of(err), axum::Json(body)).into_response();
    if let AppError::Throttled { retry_after_secs, .. } = err
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    if matches!(err, AppError::Unauthenticated) {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"plantrack\""),
        );
    }
    resp
}

/// A JSON error response with an explicit status and code (for errors that are not use-case errors: a malformed
/// body, wrong credentials at log-in).
pub fn json_error_with(
    status: axum::http::StatusCode,
    code: &str,
    zh: &str,
    en: &str,
    details: serde_json::Value,
) -> Response {
    let body = ErrorBody {
        error: ErrorInner {
            code,
            message_zh: zh.to_owned(),
            message_en: en.to_owned(),
            details,
        },
    };
    (status, axum::Json(body)).into_response()
}

/// Field errors by field name, for messages in place next to form fields.
pub fn by_field(errors: &[FieldError]) -> std::collections::BTreeMap<String, Vec<FieldError>> {
    let mut map: std::collections::BTreeMap<String, Vec<FieldError>> = std::collections::BTreeMap::new();
    for e in errors {
        map.entry(e.field.clone()).or_default().push(e.clone());
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_kind_has_its_status() {
        let cases = [
            (AppError::Unauthenticated, 401),
            (AppError::Forbidden, 403),
            (
                AppError::NotFound {
                    entity: "talent".into(),
                    id: "9".into(),
                },
                404,
            ),
            (AppError::invalid("x", "坏", "bad"), 422),
            (
                AppError::Stale {
                    entity: "talent".into(),
                    id: 1,
                    expected: 1,
                    actual: 2,
                },
                409,
            ),
            (AppError::Conflict("重复 / duplicate".into()), 409),
            (AppError::TooLarge { limit_bytes: 1 }, 413),
            (AppError::Unexpected("boom: select * from secret".into()), 500),
        ];
        for (e, code) in cases {
            assert_eq!(status_of(&e).as_u16(), code, "{e:?}");
        }
    }

    #[test]
    fn internal_errors_reveal_nothing() {
        let e = AppError::Unexpected("near \"selec\": syntax error in select * from app_user".into());
        let (zh, en) = messages(&e);
        assert!(!zh.contains("select") && !en.contains("select"));
        assert_eq!(details(&e), serde_json::Value::Null);
    }
}
