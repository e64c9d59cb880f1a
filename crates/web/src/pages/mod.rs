//! The HTML pages, one module per resource, each handler thin: extract, call one use case, render its template
//! (`templates/<resource>/…`). Forms post and redirect (303) with a flash message; invalid input re-renders the
//! form with the messages next to their fields.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod data;
pub mod drafts;
pub mod enterprises;
pub mod guide;
pub mod imports;
pub mod plan;
pub mod plans;
pub mod registries;
pub mod supervision;
pub mod targets;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plantrack_app::{AppError, FieldError};

use crate::AppState;
use crate::ctx::{Ctx, see_other};
use crate::error::{log_if_internal, messages, status_of};
use crate::i18n::Lang;
use crate::layout::{Chrome, render_status};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    status: u16,
    message: String,
    details: Vec<String>,
}

fn pick(lang: Lang, e: &FieldError) -> String {
    let msg = lang.pick(&e.message_zh, &e.message_en);
    match e.row {
        Some(r) => format!("{} {r} · {}: {msg}", lang.pick("第", "row"), e.field),
        None => format!("{}: {msg}", e.field),
    }
}

/// The HTML response of an error: sign-in required → the log-in page (with `next`), anything else → an error page
/// with the status and a message in the page's language (never internals).
pub fn error_page(ctx: &Ctx, err: &AppError) -> Response {
    if matches!(err, AppError::Unauthenticated) {
        let next = crate::ctx::safe_next(Some(&ctx.uri));
        let to = format!("/login?next={}", url_encode(&next));
        return see_other(ctx, &to, None);
    }
    log_if_internal(err);
    let (zh, en) = messages(err);
    let details = match err {
        AppError::Invalid(errors) => errors.iter().map(|e| pick(ctx.lang, e)).collect(),
        _ => Vec::new(),
    };
    let status = status_of(err);
    let title_key = match status.as_u16() {
        403 => "error.forbidden",
        404 => "error.not_found",
        409 => "error.conflict",
        413 => "error.too_large",
        422 => "error.invalid",
        429 => "error.throttled",
        _ => "error.internal",
    };
    let page = ErrorPage {
        c: Chrome::new(ctx, title_key, "start"),
        status: status.as_u16(),
        message: ctx.lang.pick(&zh, &en).to_owned(),
        details,
    };
    render_status(status, &page)
}

/// An error page for a request the router or an extractor refused (malformed path, query or form): the status is
/// kept, the message is the refusal's text.
pub fn refusal_page(ctx: &Ctx, status: StatusCode, message: &str) -> Response {
    let title_key = match status.as_u16() {
        404 => "error.not_found",
        405 => "error.method",
        _ => "error.bad_request",
    };
    let page = ErrorPage {
        c: Chrome::new(ctx, title_key, "start"),
        status: status.as_u16(),
        message: message.to_owned(),
        details: Vec::new(),
    };
    render_status(status, &page)
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An error on its way to becoming an error page.
pub struct PageError(Response);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0
    }
}

/// What page handlers return.
pub type PageResult = Result<Response, PageError>;

/// Turns a use case's error into a page error with the request's chrome.
pub trait OrPage<T> {
    /// Maps the error to its error page.
    fn or_page(self, ctx: &Ctx) -> Result<T, PageError>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, ctx: &Ctx) -> Result<T, PageError> {
        self.map_err(|e| PageError(error_page(ctx, &e)))
    }
}

impl<T> OrPage<T> for Result<T, plantrack_store::StoreError> {
    fn or_page(self, ctx: &Ctx) -> Result<T, PageError> {
        self.map_err(|e| PageError(error_page(ctx, &AppError::from(e))))
    }
}

/// A page error from an application error.
#[allow(clippy::needless_pass_by_value)] // taken by value so that call sites read `fail(&ctx, AppError::…)`
pub fn fail(ctx: &Ctx, err: AppError) -> PageError {
    PageError(error_page(ctx, &err))
}

/// The fallback: 404 in JSON under `/api/`, as a page elsewhere.
pub async fn not_found(ctx: Ctx) -> Response {
    let err = AppError::NotFound {
        entity: "page".into(),
        id: ctx.uri.split('?').next().unwrap_or("").to_owned(),
    };
    if crate::ctx::is_api(&ctx.uri) {
        crate::error::json_error(&err)
    } else {
        error_page(&ctx, &err)
    }
}

/// `GET /healthz`: 200 when the store answers (for load balancers).
pub async fn health(State(state): State<AppState>) -> Response {
    match state.store().data_version().await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response()
        }
    }
}

/// Form messages by field, in the page's language, for messages in place.
pub fn field_messages(lang: Lang, errors: &[FieldError]) -> std::collections::BTreeMap<String, String> {
    let mut map = std::collections::BTreeMap::new();
    for e in errors {
        let msg = lang.pick(&e.message_zh, &e.message_en).to_owned();
        map.entry(e.field.clone())
            .and_modify(|m: &mut String| {
                m.push('；');
                m.push_str(&msg);
            })
            .or_insert(msg);
    }
    map
}

/// `Some("field message")` lookups in templates.
pub trait Msgs {
    /// The message of a field, or empty.
    fn of(&self, field: &str) -> &str;
}

impl Msgs for std::collections::BTreeMap<String, String> {
    fn of(&self, field: &str) -> &str {
        self.get(field).map_or("", String::as_str)
    }
}
