//! `GET /api/v1/audit` — the audit log, filterable, newest first.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plantrack_app::Permission;
use serde::Deserialize;
use utoipa::IntoParams;

use super::json;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::pages::audit::{AuditFilter, to_query};

/// Filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AuditParams {
    /// Entity (table), e.g. `talent`.
    pub entity: Option<String>,
    /// Row id.
    pub entity_id: Option<String>,
    /// Actor (user name).
    pub actor: Option<String>,
    /// Action: create, update, delete, import, login …
    pub action: Option<String>,
    /// From date `YYYY-MM-DD` (inclusive).
    pub from: Option<String>,
    /// Until date `YYYY-MM-DD` (inclusive).
    pub until: Option<String>,
    /// Rows to skip.
    pub offset: Option<i64>,
    /// Page size (≤ 1000, default 50).
    pub limit: Option<i64>,
}

/// Audit events.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses(
        (status = 200, description = "`{\"items\": [{\"id\", \"at\", \"actor\", \"ip\", \"action\", \"entity\", \"entity_id\", \"before\", \"after\"}], \"total\", \"offset\", \"limit\"}`", body = serde_json::Value),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody),
    ))]
pub async fn list(State(state): State<AppState>, ctx: Ctx, Query(p): Query<AuditParams>) -> Response {
    let run = async {
        ctx.principal.require(&Permission::ViewAudit)?;
        let f = AuditFilter {
            entity: p.entity.clone(),
            entity_id: p.entity_id.clone(),
            actor: p.actor.clone(),
            action: p.action.clone(),
            from: p.from.clone(),
            until: p.until.clone(),
            page: None,
        };
        let mut q = to_query(&f, p.limit.unwrap_or(50).clamp(1, 1000))?;
        q.offset = p.offset.unwrap_or(0).max(0);
        Ok::<_, plantrack_app::AppError>(state.store().audit_events(&q).await?)
    };
    match run.await {
        Ok(page) => json(StatusCode::OK, &page),
        Err(e) => ApiError(e).into_response(),
    }
}
