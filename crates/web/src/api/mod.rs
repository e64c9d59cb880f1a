//! The JSON API under `/api/v1`: the same use cases and the same authorisation as the pages, documented by an
//! OpenAPI 3 document generated from these handlers (utoipa) at `/api/v1/openapi.json`, with the vendored Swagger
//! UI at `/api/docs/`.
//!
//! Callers authenticate with a bearer token (`plantrack token create NAME`) or the session cookie from
//! `POST /api/v1/session` (then unsafe methods need the `X-CSRF-Token` header that `GET /api/v1/session` returns).
//! Errors are `{"error": {"code", "message_zh", "message_en", "details"}}` (see `crate::error`).

pub mod audit;
pub mod contract;
pub mod enterprises;
pub mod extract;
pub mod imports;
pub mod observations;
pub mod plan;
pub mod registries;
pub mod session;
pub mod status;

use std::sync::LazyLock;

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::error::ApiError;
use plantrack_app::AppError;

/// The error body of every API error.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// `{"code", "message_zh", "message_en", "details"}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `unauthenticated`, `forbidden`, `not_found`, `invalid`, `stale_version`, `conflict`,
    /// `too_large`, `throttled`, `bad_request`, `internal`.
    pub code: String,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
    /// Field errors (`invalid`), both versions (`stale_version`), or null.
    pub details: serde_json::Value,
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::ctx::SESSION_COOKIE,
                "Session cookie from POST /api/v1/session; unsafe methods also need the X-CSRF-Token header",
            ))),
        );
    }
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "plantrack API",
        version = "1",
        description = "区县科技行动计划跟踪 — targets, enterprises, registries, data entry and audit of a district science-and-technology action plan. Errors: {\"error\": {\"code\", \"message_zh\", \"message_en\", \"details\"}}."
    ),
    paths(
        openapi_json,
        session::login,
        session::whoami,
        session::logout,
        status::status,
        plan::plan,
        enterprises::list,
        enterprises::upsert,
        enterprises::pool,
        enterprises::show,
        enterprises::evaluation,
        observations::upsert,
        imports::import,
        extract::extract,
        audit::list,
        registries::list,
        registries::create,
        registries::show,
        registries::update,
        registries::delete,
    ),
    components(schemas(ErrorBody, ErrorDetail, session::LoginBody, session::SessionInfo)),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    tags(
        (name = "session", description = "Log in and out (会话)"),
        (name = "status", description = "Targets and their status (目标完成情况), public"),
        (name = "enterprises", description = "Enterprises and their evaluation (企业)"),
        (name = "registries", description = "Registries (台账): talents, platforms, contracts, financing, funding, achievements"),
        (name = "data", description = "Observations and imports (数据填报与导入)"),
        (name = "audit", description = "Audit log (审计日志)"),
        (name = "plans", description = "Drafting a plan from a policy text (规划起草)"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI document as the handlers' attributes describe it (before [`contract::refine`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The OpenAPI document served: the handlers' description completed with the typed bodies, per-registry paths
/// and every error status ([`contract::refine`]).
pub fn openapi_document() -> serde_json::Value {
    let mut doc = serde_json::to_value(openapi()).unwrap_or_default();
    contract::refine(&mut doc);
    doc
}

static OPENAPI_JSON: LazyLock<String> =
    LazyLock::new(|| serde_json::to_string_pretty(&openapi_document()).unwrap_or_else(|_| "{}".to_owned()));

/// `GET /api/v1/openapi.json`.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "session", security(()),
    responses((status = 200, description = "This OpenAPI 3 document", body = serde_json::Value)))]
pub async fn openapi_json() -> Response {
    json_bytes(StatusCode::OK, Bytes::from_static(OPENAPI_JSON.as_bytes()))
}

/// A JSON response from already serialised bytes.
pub fn json_bytes(status: StatusCode, body: Bytes) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

/// A JSON response of `value`.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(v) => json_bytes(status, Bytes::from(v)),
        Err(e) => ApiError(AppError::Unexpected(Box::new(e))).into_response(),
    }
}

/// Parses a JSON body: malformed JSON is 400, JSON of the wrong shape 422 — both with the position and reason.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| {
        let (zh, en) = (format!("请求体有误：{e}"), format!("bad request body: {e}"));
        if e.is_syntax() || e.is_eof() || e.is_io() {
            crate::error::json_error_with(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &zh,
                &en,
                serde_json::Value::Null,
            )
        } else {
            crate::error::json_error(&AppError::invalid("body", zh, en))
        }
    })
}

/// The body as UTF-8 text (JSON), or 400.
pub fn body_text(body: &Bytes) -> Result<&str, Response> {
    std::str::from_utf8(body).map_err(|_| {
        crate::error::json_error_with(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "请求体不是 UTF-8",
            "the body is not UTF-8",
            serde_json::Value::Null,
        )
    })
}
