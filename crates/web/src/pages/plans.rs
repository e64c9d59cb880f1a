//! Stored plans (计划库): the plan in force and the drafts drafted from policy texts (`/plans`), each shown with
//! the plan page's layout (`/plans/{plan}`) and downloadable as its TOML plan file (`/plans/{plan}/file`).
//! Internal users; drafting is the admin's (`pages::drafts`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use plantrack_app::Permission;
use plantrack_app::drafts::PlanSummary;

use super::plan::{StoredInfo, plan_page};
use super::{OrPage, PageResult};
use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::layout::{Chrome, render};

/// A row of the plans list.
pub struct PlanRow {
    /// Key (link).
    pub key: String,
    /// Title in the page's language.
    pub title: String,
    /// Plan period.
    pub period: String,
    /// Targets in the plan.
    pub targets: usize,
    /// Current revision.
    pub revision: i64,
    /// Catalog key of the state (in force / draft / stored).
    pub state: &'static str,
    /// When the current revision was stored (date and time, UTC).
    pub saved: String,
    /// Why this revision.
    pub note: String,
}

#[derive(Template)]
#[template(path = "plans/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<PlanRow>,
    embedded_in_force: bool,
    can_draft: bool,
}

fn state_key(s: &PlanSummary) -> &'static str {
    if s.in_force {
        "plans.in_force"
    } else if s.file.record.draft {
        "plans.draft_state"
    } else {
        "plans.stored_state"
    }
}

/// `GET /plans`.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let tr = Tr::new(ctx.lang);
    let plans = plantrack_app::drafts::stored_plans(state.store(), &ctx.principal)
        .await
        .or_page(&ctx)?;
    let rows = plans
        .iter()
        .map(|s| {
            let (title, period, targets) = match &s.plan {
                Some(p) => (
                    tr.pick(&p.meta().title_zh, &p.meta().title_en).to_owned(),
                    format!("{}–{}", p.meta().first_year, p.meta().last_year),
                    p.targets().len(),
                ),
                None => ("—".to_owned(), "—".to_owned(), 0),
            };
            PlanRow {
                key: s.file.record.plan_key.clone(),
                title,
                period,
                targets,
                revision: s.file.record.revision,
                state: state_key(s),
                saved: s.file.updated_at.strftime("%Y-%m-%d %H:%M").to_string(),
                note: s.file.record.note.clone().unwrap_or_default(),
            }
        })
        .collect();
    Ok(render(&ListPage {
        c: Chrome::new(&ctx, "plans.title", "drafts"),
        embedded_in_force: !plans.iter().any(|s| s.in_force),
        can_draft: ctx.principal.can(&Permission::ManagePlans),
        rows,
    }))
}

/// `GET /plans/{plan}`.
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(key): Path<String>) -> PageResult {
    let tr = Tr::new(ctx.lang);
    let s = plantrack_app::drafts::stored_plan(state.store(), &ctx.principal, &key)
        .await
        .or_page(&ctx)?;
    let info = StoredInfo {
        key: s.file.record.plan_key.clone(),
        revision: s.file.record.revision,
        draft: s.file.record.draft,
        in_force: s.in_force,
        note: s.file.record.note.clone().unwrap_or_default(),
    };
    let Some(plan) = &s.plan else {
        // A stored file that no longer reads (an older schema): still downloadable.
        let err = plantrack_app::AppError::Conflict(format!(
            "计划 “{key}” 的文件无法读取，请下载后检查 / the plan file of “{key}” does not read; download it to check"
        ));
        return Err(super::fail(&ctx, err));
    };
    let title = tr.pick(&plan.meta().title_zh, &plan.meta().title_en).to_owned();
    let c = Chrome::titled(&ctx, title, "drafts");
    Ok(render(&plan_page(c, tr, plan, Some(info))))
}

/// `GET /plans/{plan}/file` — the current revision's TOML, as stored.
pub async fn download(State(state): State<AppState>, ctx: Ctx, Path(key): Path<String>) -> PageResult {
    let s = plantrack_app::drafts::stored_plan(state.store(), &ctx.principal, &key)
        .await
        .or_page(&ctx)?;
    let name = format!("{}.toml", s.file.record.plan_key);
    let mut resp = s.file.record.content.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/toml; charset=utf-8"),
    );
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        super::url_encode(&name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
