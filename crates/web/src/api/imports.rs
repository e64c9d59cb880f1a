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
    /// The SHA-256 a dry run reported: the import is refused if the file differs.
    pub sha256: Option<String>,
}

/// Import a file.
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "data",
    params(("kind" = String, Path, description = "enterprises, qualifications, contracts, talents, platforms, observations, financing, funding or achievements"), ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The XLSX or CSV file"),
    responses(
        (status = 200, description = "`{\"rows\", \"inserted\", \"updated\", \"unchanged\", \"written\", \"dry_run\", \"sha256\"}`", body = serde_json::Value),
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
    let name = p.file_name.clone().unwrap_or_else(|| format!("{kind}.csv"));
    let dry_run = p.dry_run.unwrap_or(false);
    let run = crate::pages::imports::run_import(
        &state,
        &ctx,
        &kind,
        &name,
        body.to_vec(),
        dry_run,
        p.sha256.clone(),
    );
    match run.await {
        Ok(o) if o.problems_total > 0 => {
            // All or nothing: the row report as the error's details, nothing imported.
            let details: Vec<serde_json::Value> = o
                .problems
                .iter()
                .map(|(row, column, value, zh, en)| {
                    serde_json::json!({"row": row, "field": column, "value": value, "message_zh": zh, "message_en": en})
                })
                .collect();
            crate::error::json_error_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                &format!("文件有 {} 处错误，未导入任何数据", o.problems_total),
                &format!("the file has {} problems; nothing was imported", o.problems_total),
                serde_json::Value::Array(details),
            )
        }
        Ok(o) => json(
            StatusCode::OK,
            &serde_json::json!({
                "rows": o.rows, "inserted": o.inserted, "updated": o.updated, "unchanged": o.unchanged,
                "written": o.written, "dry_run": dry_run, "sha256": o.sha256
            }),
        ),
        Err(e) => ApiError(e).into_response(),
    }
}
