//! `POST /api/v1/imports/{kind}?dry_run=&file_name=` — the body is the file (XLSX or CSV); all or nothing, with the
//! row-by-row report.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plantrack_app::Permission;
use serde::Deserialize;
use utoipa::IntoParams;

use super::json;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::ApiError;

/// Options.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ImportParams {
    /// Check only, write nothing.
    pub dry_run: Option<bool>,
    /// The file's name (its extension tells XLSX from CSV).
    pub file_name: Option<String>,
}

/// Import a file.
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "data",
    params(("kind" = String, Path, description = "enterprises, qualifications, contracts, talents, platforms, observations, financing, funding or achievements"), ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The XLSX or CSV file"),
    responses(
        (status = 200, description = "`{\"rows\", \"inserted\", \"updated\", \"unchanged\", \"written\"}`", body = serde_json::Value),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 413, body = super::ErrorBody),
        (status = 422, description = "Every bad row with its row number, column and reason; nothing imported", body = super::ErrorBody),
    ))]
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(kind): Path<String>,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> Response {
    if let Err(e) = ctx.principal.require(&Permission::EditRegistries) {
        return ApiError(e).into_response();
    }
    let name = p.file_name.unwrap_or_else(|| format!("{kind}.csv"));
    match crate::pages::imports::run_import(
        &state,
        &ctx,
        &kind,
        &name,
        body.to_vec(),
        p.dry_run.unwrap_or(false),
    )
    .await
    {
        Ok(o) => json(
            StatusCode::OK,
            &serde_json::json!({
                "rows": o.rows, "inserted": o.inserted, "updated": o.updated, "unchanged": o.unchanged, "written": o.written
            }),
        ),
        Err(e) => ApiError(e).into_response(),
    }
}
