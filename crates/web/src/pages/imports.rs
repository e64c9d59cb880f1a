//! Import (数据导入): upload an XLSX or CSV file, see the row-by-row report of a dry run, confirm; and template
//! downloads. All or nothing: one bad row and nothing is imported.
//!
//! No server state between the two steps: the confirmation form carries the checked file back (base64), and the
//! file is checked again in full before it is written.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine;
use plantrack_app::import::ImportRequest;
use plantrack_app::{AppError, Permission};
use plantrack_exchange::Kind;

use super::{OrPage, PageResult, fail};
use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::layout::{Chrome, render, render_status};

/// The kinds of file that can be imported, in menu order (`org_units` too: a province loads its districts first).
pub const KINDS: [&str; 10] = [
    "enterprises",
    "qualifications",
    "contracts",
    "talents",
    "platforms",
    "observations",
    "financing",
    "funding",
    "achievements",
    "org_units",
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
    /// Hex SHA-256 of the file (the confirmation must send the same file).
    pub sha256: String,
    /// Every problem: (row, column, value, reason zh, reason en). Any problem means nothing was imported.
    pub problems: Vec<(Option<u64>, String, String, String, String)>,
    /// Problems in all (the list may be cut).
    pub problems_total: u64,
}

/// Parses an import kind.
pub fn parse_kind(kind: &str) -> Result<Kind, AppError> {
    kind.parse::<Kind>().map_err(|_| {
        AppError::invalid(
            "kind",
            format!("未知的导入类型 “{kind}”（可用：{}）", KINDS.join(", ")),
            format!("unknown import kind “{kind}” (one of {})", KINDS.join(", ")),
        )
    })
}

/// Runs an import (or its dry run) through `app::import`: all or nothing, every bad row reported.
pub async fn run_import(
    state: &AppState,
    ctx: &Ctx,
    kind: &str,
    file_name: &str,
    bytes: Vec<u8>,
    dry_run: bool,
    expect_sha256: Option<String>,
) -> Result<Outcome, AppError> {
    ctx.principal.require(&Permission::EditRegistries)?;
    let kind = parse_kind(kind)?;
    let report = plantrack_app::import::import(
        state.store(),
        &ctx.principal,
        ImportRequest {
            kind,
            file_name: file_name.to_owned(),
            bytes,
            dry_run,
            expect_sha256,
        },
        None,
    )
    .await?;
    let mut o = Outcome {
        rows: report.rows_total,
        written: report.imported,
        sha256: report.sha256.clone(),
        problems_total: report.problems_total,
        ..Outcome::default()
    };
    for (_, c) in &report.counts {
        o.inserted += c.inserted;
        o.updated += c.updated;
        o.unchanged += c.unchanged;
    }
    o.problems = report
        .problems
        .iter()
        .map(|p| {
            (
                p.row,
                p.column.clone().unwrap_or_default(),
                p.value.clone().unwrap_or_default(),
                p.message_zh.clone(),
                p.message_en.clone(),
            )
        })
        .collect();
    Ok(o)
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
    errors: Vec<(String, String, String, String)>,
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
    let mut sha256: Option<String> = None;
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
            "sha256" => {
                sha256 = Some(field.text().await.map_err(|e| bad(e.to_string())).or_page(&ctx)?);
            }
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
    let outcome = run_import(
        &state,
        &ctx,
        &kind,
        &file_name,
        bytes,
        !confirm,
        sha256.filter(|_| confirm),
    )
    .await
    .or_page(&ctx)?;
    let errors: Vec<(String, String, String, String)> = outcome
        .problems
        .iter()
        .map(|(row, col, value, zh, en)| {
            (
                row.map_or_else(|| "—".into(), |r| r.to_string()),
                col.clone(),
                value.clone(),
                tr.pick(zh, en).to_owned(),
            )
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &ReportPage {
            c: Chrome::new(&ctx, "import.report_title", "imports"),
            kind,
            kind_label,
            file_name,
            payload: if outcome.written || !errors.is_empty() {
                String::new()
            } else {
                payload
            },
            errors,
            outcome: Some(outcome),
        },
    ))
}

/// `GET /imports/templates/{kind}` — the XLSX template with header notes and drop-down lists.
pub async fn template(ctx: Ctx, Path(kind): Path<String>) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let k = parse_kind(&kind).map_err(|_| AppError::NotFound {
        entity: "template".into(),
        id: kind.chars().take(30).collect(),
    });
    let k = k.or_page(&ctx)?;
    let bytes = plantrack_app::export::template_file(k).or_page(&ctx)?;
    let name = format!("{}模板.xlsx", k.name_zh());
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    // RFC 6266: an ASCII fallback and the UTF-8 name.
    let disposition = format!(
        "attachment; filename=\"{}.xlsx\"; filename*=UTF-8''{}",
        k.name(),
        super::url_encode(&name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
