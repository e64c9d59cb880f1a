//! `/api/v1/enterprises`: search, create or update master data and annual figures, one enterprise, its evaluation
//! (the same report `plantrack evaluate --format json` prints for it), and the cultivation pool.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use plantrack_app::enterprises::{self, EnterprisePatch};
use plantrack_app::{AppError, Permission};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{json, parse_body};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::ApiError;

/// Search parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Text in the name or USCC.
    pub q: Option<String>,
    /// Rows to skip.
    pub offset: Option<i64>,
    /// Page size (≤ 500, default 50).
    pub limit: Option<i64>,
}

/// `?as_of=YYYY-MM-DD`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AsOfParams {
    /// Evaluation date; default: 30 June after the latest annual report.
    pub as_of: Option<String>,
}

fn as_of(p: &AsOfParams) -> Result<Option<Date>, AppError> {
    match p.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => t
            .parse::<Date>()
            .map(Some)
            .map_err(|_| AppError::invalid("as_of", "日期应为 YYYY-MM-DD", "a date is YYYY-MM-DD")),
    }
}

fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

fn reply<T: serde::Serialize>(r: Result<T, AppError>, status: StatusCode) -> Response {
    match r {
        Ok(v) => json(status, &v),
        Err(e) => ApiError(e).into_response(),
    }
}

/// Search enterprises.
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "enterprises", params(SearchParams),
    responses(
        (status = 200, description = "`{\"items\": [{\"uscc\", \"name\", \"org_unit_code\", \"industry_code\", \"reported_year\"}], \"total\", \"offset\", \"limit\"}`", body = serde_json::Value),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
    ))]
pub async fn list(State(state): State<AppState>, ctx: Ctx, Query(p): Query<SearchParams>) -> Response {
    reply(
        enterprises::search(
            state.store(),
            &ctx.principal,
            p.q.as_deref(),
            p.offset.unwrap_or(0),
            p.limit.unwrap_or(50),
        )
        .await,
        StatusCode::OK,
    )
}

/// Create or update an enterprise with its annual figures (admins; an enterprise user for itself).
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "enterprises",
    request_body(content = serde_json::Value, description = "`{\"uscc\", \"name\", \"founded_on\", \"org_unit_code\", \"industry_code\", \"high_tech_field\", \"years\": [{\"year\", \"employees\", \"tech_staff\", \"sales_revenue\", … (万元)}]}`"),
    responses(
        (status = 200, description = "The stored master data", body = serde_json::Value),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 422, description = "Field errors", body = super::ErrorBody),
    ))]
pub async fn upsert(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    // Who may write anything at all is checked before the body is looked at.
    if !(ctx.principal.can(&Permission::EditRegistries)
        || matches!(
            &ctx.principal,
            plantrack_app::Principal::User {
                enterprise: Some(_),
                ..
            }
        ))
        && let Err(e) = ctx.principal.require(&Permission::EditRegistries)
    {
        return ApiError(e).into_response();
    }
    if let Err(r) = parse_body::<serde::de::IgnoredAny>(&body) {
        return r;
    }
    let input = match super::body_text(&body)
        .and_then(|t| EnterprisePatch::from_json(t).map_err(|e| ApiError(e).into_response()))
    {
        Ok(v) => v,
        Err(r) => return r,
    };
    let g = match state.generation().await {
        Ok(g) => g,
        Err(e) => return ApiError(e).into_response(),
    };
    reply(
        enterprises::upsert(state.store(), &ctx.principal, &g.plan, &input).await,
        StatusCode::OK,
    )
}

/// The cultivation pool (培育库) and the projected counts against the targets.
#[utoipa::path(get, path = "/api/v1/enterprises/pool", tag = "enterprises", params(AsOfParams),
    responses(
        (status = 200, description = "`{\"as_of\", \"year\", \"candidates\": [{\"uscc\", \"name\", \"programme\", \"lacks_zh\", \"lacks_en\", \"size\"}], \"tech_sme_now\", \"tech_sme_projected\", \"tech_sme_target\", \"high_tech_now\", \"high_tech_projected\", \"high_tech_target\", \"not_judged\"}`", body = serde_json::Value),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
    ))]
pub async fn pool(State(state): State<AppState>, ctx: Ctx, Query(p): Query<AsOfParams>) -> Response {
    let run = async {
        ctx.principal.require(&Permission::ViewInternal)?;
        let as_of = as_of(&p)?;
        let g = state.generation().await?;
        let (st, plan, who) = (state.clone(), g.plan.clone(), ctx.principal.clone());
        let key =
            crate::cache::CacheKey::new("pool", as_of.map_or_else(|| "—".to_owned(), |d| d.to_string()));
        g.get_or_try(key, || async move {
            enterprises::cultivation_pool(st.store(), &who, &plan, as_of, today()).await
        })
        .await
    };
    match run.await {
        Ok(v) => json(StatusCode::OK, v.as_ref()),
        Err(e) => ApiError(e).into_response(),
    }
}

/// One enterprise: master data, yearly figures, qualifications, records, and its evaluation.
#[utoipa::path(get, path = "/api/v1/enterprises/{uscc}", tag = "enterprises",
    params(("uscc" = String, Path, description = "统一社会信用代码"), AsOfParams),
    responses(
        (status = 200, description = "`{\"profile\": {...}, \"evaluation\": {\"Ok\": report} | {\"Err\": reason}}`", body = serde_json::Value),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(uscc): Path<String>,
    Query(p): Query<AsOfParams>,
) -> Response {
    let run = async {
        let d = as_of(&p)?;
        enterprises::view(state.store(), &ctx.principal, &uscc, d, today()).await
    };
    reply(run.await, StatusCode::OK)
}

/// The evaluation of one enterprise: the report `plantrack evaluate --format json` prints for it.
#[utoipa::path(get, path = "/api/v1/enterprises/{uscc}/evaluation", tag = "enterprises",
    params(("uscc" = String, Path, description = "统一社会信用代码"), AsOfParams),
    responses(
        (status = 200, description = "`{\"uscc\", \"as_of\", \"tech_sme\", \"high_tech\", \"above_scale_industrial\", \"rd_deduction\", \"gaps\"}`", body = serde_json::Value),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, description = "The stored data cannot be judged", body = super::ErrorBody),
    ))]
pub async fn evaluation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(uscc): Path<String>,
    Query(p): Query<AsOfParams>,
) -> Response {
    let run = async {
        let d = as_of(&p)?;
        enterprises::evaluation(state.store(), &ctx.principal, &uscc, d, today()).await
    };
    reply(run.await, StatusCode::OK)
}
