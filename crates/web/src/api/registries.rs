//! `/api/v1/{registry}` and `/api/v1/{registry}/{id}` for talents, platforms, contracts, financing, funding and
//! achievements: list, create, read, replace at a version (409 with both versions when stale), delete at a version.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use plantrack_app::registries::{self, ListParams, RegistryKind, fields_from_json};
use plantrack_app::{AppError, Permission};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{body_text, json};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::ApiError;

/// List parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ListQ {
    /// Free-text search.
    pub q: Option<String>,
    /// Rows to skip.
    pub offset: Option<i64>,
    /// Page size (≤ 500, default 50).
    pub limit: Option<i64>,
}

/// `?version=` for deletes (or `If-Match: "N"`).
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct VersionQ {
    /// The version the client read.
    pub version: Option<i64>,
}

fn kind(slug: &str) -> Result<RegistryKind, AppError> {
    RegistryKind::parse(slug).ok_or_else(|| AppError::NotFound {
        entity: "registry".into(),
        id: slug.chars().take(30).collect(),
    })
}

fn fail(e: AppError) -> Response {
    ApiError(e).into_response()
}

/// List a registry.
#[utoipa::path(get, path = "/api/v1/{registry}", tag = "registries",
    params(("registry" = String, Path, description = "talents, platforms, contracts, financing, funding or achievements"), ListQ),
    responses(
        (status = 200, description = "`{\"items\": [{\"id\", \"version\", \"created_at\", \"updated_at\", \"values\": {field: text}}], \"total\", \"offset\", \"limit\"}`", body = serde_json::Value),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<ListQ>,
) -> Response {
    let run = async {
        ctx.principal.require(&Permission::ViewInternal)?;
        let k = kind(&slug)?;
        let p = ListParams {
            search: q.q.clone(),
            offset: q.offset.unwrap_or(0),
            limit: q.limit.unwrap_or(50),
        };
        registries::list(state.store(), &ctx.principal, k, &p).await
    };
    match run.await {
        Ok(v) => json(StatusCode::OK, &v),
        Err(e) => fail(e),
    }
}

/// Create a row.
#[utoipa::path(post, path = "/api/v1/{registry}", tag = "registries",
    params(("registry" = String, Path, description = "talents, platforms, contracts, financing, funding or achievements")),
    request_body(content = serde_json::Value, description = "The fields as a JSON object, e.g. talents: `{\"name\", \"category\", \"introduced_on\", \"employer_uscc\", \"org_unit_code\", \"note\"}`"),
    responses(
        (status = 201, description = "The stored row", body = serde_json::Value),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 409, description = "A row with the same key exists", body = super::ErrorBody),
        (status = 422, description = "Field errors", body = super::ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let run = async {
        ctx.principal.require(&Permission::EditRegistries)?;
        let k = kind(&slug)?;
        let text = body_text(&body).map_err(Fail::Resp)?;
        super::parse_body::<serde::de::IgnoredAny>(&body).map_err(Fail::Resp)?;
        let fields = fields_from_json(text)?;
        let g = state.generation().await?;
        Ok::<_, Fail>(registries::create(state.store(), &ctx.principal, &g.plan, k, &fields).await?)
    };
    match flat(run.await) {
        Ok(v) => json(StatusCode::CREATED, &v),
        Err(r) => r,
    }
}

/// A failure that is either a use-case error or an already built response (a malformed body).
enum Fail {
    App(AppError),
    Resp(Response),
}

impl From<AppError> for Fail {
    fn from(e: AppError) -> Self {
        Fail::App(e)
    }
}

fn flat<T>(r: Result<T, Fail>) -> Result<T, Response> {
    r.map_err(|e| match e {
        Fail::App(app) => fail(app),
        Fail::Resp(resp) => resp,
    })
}

/// Read a row.
#[utoipa::path(get, path = "/api/v1/{registry}/{id}", tag = "registries",
    params(("registry" = String, Path), ("id" = i64, Path)),
    responses(
        (status = 200, description = "The row with its version", body = serde_json::Value),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> Response {
    let run = async {
        ctx.principal.require(&Permission::ViewInternal)?;
        registries::get(state.store(), &ctx.principal, kind(&slug)?, id).await
    };
    match run.await {
        Ok(v) => json(StatusCode::OK, &v),
        Err(e) => fail(e),
    }
}

/// Replace a row if it is still at `version` (in the body).
#[utoipa::path(put, path = "/api/v1/{registry}/{id}", tag = "registries",
    params(("registry" = String, Path), ("id" = i64, Path)),
    request_body(content = serde_json::Value, description = "The fields and `\"version\"`: the version read"),
    responses(
        (status = 200, description = "The stored row (version + 1)", body = serde_json::Value),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody),
        (status = 409, description = "Stale version: `details` has `expected_version`, `actual_version` and the `current` row", body = super::ErrorBody),
        (status = 422, body = super::ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> Response {
    let run = async {
        ctx.principal.require(&Permission::EditRegistries)?;
        let k = kind(&slug)?;
        let text = body_text(&body).map_err(Fail::Resp)?;
        super::parse_body::<serde::de::IgnoredAny>(&body).map_err(Fail::Resp)?;
        let mut fields = fields_from_json(text)?;
        let version = fields
            .remove("version")
            .and_then(|v| v.and_then(|v| v.trim().parse::<i64>().ok()))
            .ok_or_else(|| AppError::invalid("version", "缺少版本号 version", "the version is missing"))?;
        let g = state.generation().await?;
        match registries::update(state.store(), &ctx.principal, &g.plan, k, id, version, &fields).await {
            Err(e @ AppError::Stale { .. }) => {
                let current = registries::get(state.store(), &ctx.principal, k, id).await?;
                Err(Fail::Resp(stale_with_current(&e, &current)))
            }
            other => Ok(other?),
        }
    };
    match flat(run.await) {
        Ok(v) => json(StatusCode::OK, &v),
        Err(r) => r,
    }
}

fn stale_with_current(e: &AppError, current: &registries::RegistryRow) -> Response {
    let (zh, en) = crate::error::messages(e);
    let mut details = crate::error::details(e);
    if let Some(obj) = details.as_object_mut() {
        obj.insert(
            "current".into(),
            serde_json::to_value(current).unwrap_or_default(),
        );
    }
    crate::error::json_error_with(StatusCode::CONFLICT, e.code(), &zh, &en, details)
}

fn if_match(h: &HeaderMap) -> Option<i64> {
    h.get(header::IF_MATCH)?
        .to_str()
        .ok()?
        .trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .ok()
}

/// Delete a row if it is still at `version` (`?version=` or `If-Match`).
#[utoipa::path(delete, path = "/api/v1/{registry}/{id}", tag = "registries",
    params(("registry" = String, Path), ("id" = i64, Path), VersionQ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, description = "Stale version", body = super::ErrorBody),
        (status = 422, description = "No version given", body = super::ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Query(v): Query<VersionQ>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        ctx.principal.require(&Permission::EditRegistries)?;
        let k = kind(&slug)?;
        let version = v.version.or_else(|| if_match(&headers)).ok_or_else(|| {
            AppError::invalid(
                "version",
                "缺少版本号（?version= 或 If-Match）",
                "the version is missing (?version= or If-Match)",
            )
        })?;
        registries::delete(state.store(), &ctx.principal, k, id, version).await
    };
    match run.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => fail(e),
    }
}
