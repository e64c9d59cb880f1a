//! `GET /api/v1/plan` — the plan in force (targets, indicators, tasks, safeguards, departments). Public.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plantrack_app::AppError;

use super::json_bytes;
use crate::AppState;
use crate::cache::CacheKey;
use crate::ctx::Ctx;
use crate::error::ApiError;

/// The plan.
#[utoipa::path(get, path = "/api/v1/plan", tag = "status", security(()),
    responses((status = 200, description = "The plan as data: meta, org units, departments, data elements, indicators, targets, goals, task areas, safeguards", body = serde_json::Value)))]
pub async fn plan(State(state): State<AppState>, ctx: Ctx) -> Response {
    let run = async {
        let g = state.generation().await?;
        plantrack_app::plan::view_plan(&ctx.principal, &g.plan)?;
        let plan = g.plan.clone();
        g.get_or_try(CacheKey::new("plan_json", ""), || async move {
            serde_json::to_vec(plan.as_ref())
                .map(Bytes::from)
                .map_err(AppError::unexpected)
        })
        .await
    };
    match run.await {
        Ok(b) => json_bytes(StatusCode::OK, b.as_ref().clone()),
        Err(e) => ApiError(e).into_response(),
    }
}
