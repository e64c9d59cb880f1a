//! `POST /api/v1/extract` — the body is a policy document: .docx, .pdf with text, .ofd, a web page, or plain text
//! (UTF-8, UTF-16 with a byte-order mark, or GBK/GB18030), recognised by its content;
//! the answer is the JSON of `plantrack extract`: the normalised text, the targets with their evidence spans and
//! the task tree. Nothing is stored (the web's review page stores the accepted targets as a draft plan).

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::json;
use crate::ctx::Ctx;
use crate::error::ApiError;

/// Extract the targets and task tree of a policy text.
#[utoipa::path(post, path = "/api/v1/extract", tag = "plans",
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The policy document: .docx, .pdf with a text layer, .ofd, an HTML page, or plain text in UTF-8 (with or without BOM), UTF-16 with a BOM, or GBK/GB18030 — recognised by its content, whatever the Content-Type"),
    responses(
        (status = 200, description = "`{\"title\", \"document_year\", \"plan_period\", \"normalized_text\", \"targets\": [{\"indicator\", \"target_id\", \"comparator\", \"value\", \"unit\", \"deadline\", \"evidence\", \"start\", \"end\", \"lead_department\", \"confidence\", …}], \"tasks\"}` — the same document as `plantrack extract --format json`; `value` is a decimal string, `start`/`end` byte offsets into `normalized_text`", body = serde_json::Value),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 413, body = super::ErrorBody),
        (status = 422, description = "Empty, blank, binary or undecodable text; an old .doc/.wps file; a scanned PDF without text; a damaged or encrypted document", body = super::ErrorBody),
    ))]
pub async fn extract(ctx: Ctx, body: Bytes) -> Response {
    match plantrack_app::drafts::read_document(&ctx.principal, "body", &body).await {
        Ok(doc) => json(StatusCode::OK, &doc.extraction.to_json()),
        Err(e) => ApiError(e).into_response(),
    }
}
