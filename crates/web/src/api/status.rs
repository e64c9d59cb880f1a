//! `GET /api/v1/status?org_unit=&period=` — every target of the plan for an org unit and period: the same JSON as
//! `plantrack status --format json`. Public. Serialised once per data version, org unit and period.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plantrack_app::{AppError, Permission};
use plantrack_core::period::Period;
use plantrack_core::plan::OrgUnitCode;
use serde::Deserialize;
use utoipa::IntoParams;

use super::json_bytes;
use crate::AppState;
use crate::cache::CacheKey;
use crate::ctx::Ctx;
use crate::error::ApiError;

/// Query of the status.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct StatusParams {
    /// 区划代码 (GB/T 2260); default: the plan's own org unit.
    pub org_unit: Option<String>,
    /// `2019`, `2019Q3` or `2019-07`; default: the latest year with data.
    pub period: Option<String>,
}

/// Target statuses.
#[utoipa::path(get, path = "/api/v1/status", tag = "status", security(()), params(StatusParams),
    responses(
        (status = 200, description = "`{\"plan\", \"org_unit\", \"period\", \"targets\": [...]}` as printed by `plantrack status --format json`; numbers are decimal strings", body = serde_json::Value),
        (status = 422, description = "Unknown org unit or malformed period", body = super::ErrorBody),
    ))]
pub async fn status(State(state): State<AppState>, ctx: Ctx, Query(q): Query<StatusParams>) -> Response {
    match run(&state, &ctx, &q).await {
        Ok(b) => json_bytes(StatusCode::OK, b.as_ref().clone()),
        Err(e) => ApiError(e).into_response(),
    }
}

async fn run(state: &AppState, ctx: &Ctx, q: &StatusParams) -> Result<Arc<Bytes>, AppError> {
    ctx.principal.require(&Permission::ViewPublic)?;
    let g = state.generation().await?;
    let plan = g.plan.clone();
    let org = match q.org_unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => plan.meta().org_unit.clone(),
        Some(t) => OrgUnitCode::parse(t)
            .ok()
            .filter(|c| plan.org_unit(c).is_some())
            .ok_or_else(|| {
                AppError::invalid(
                    "org_unit",
                    format!("计划中没有区划 “{t}”"),
                    format!("no org unit “{t}” in the plan"),
                )
            })?,
    };
    let period = match q.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) => Period::parse(t).map_err(|e| {
            AppError::invalid(
                "period",
                e.to_string(),
                format!("not a period (2019, 2019Q3, 2019-07): {t:?}"),
            )
        })?,
        None => {
            let source = state.status_source(&g).await?;
            source.default_period()
        }
    };
    let key = CacheKey::new("status_json", format!("{org}/{period}"));
    let st = state.clone();
    let g2 = g.clone();
    g.get_or_try(key, || async move {
        let report = st.report(&g2, &org, period).await?;
        let mut v = serde_json::to_vec_pretty(report.as_ref()).map_err(AppError::unexpected)?;
        v.push(b'\n');
        Ok(Bytes::from(v))
    })
    .await
}
