//! Data entry (数据填报): a department's observed data elements by org unit and year in a form grid; every cell is
//! checked and its message shown next to it; nothing is saved unless all cells are good.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use plantrack_app::observations::{self, EntryGrid, cell_field};
use plantrack_app::{AppError, Permission, Principal};
use serde::Deserialize;

use super::{OrPage, PageResult, fail, field_messages};
use crate::AppState;
use crate::ctx::{Ctx, see_other};
use crate::i18n::Tr;
use crate::layout::{Chrome, render, render_status};

#[derive(Template)]
#[template(path = "data/index.html")]
struct IndexPage {
    c: Chrome,
    departments: Vec<(String, String, usize)>,
}

/// `GET /data` — a department user goes to its own grid; an admin chooses a department.
pub async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let tr = Tr::new(ctx.lang);
    ctx.principal
        .require(&Permission::EnterObservations)
        .or_page(&ctx)?;
    if let Principal::User {
        department: Some(d), ..
    } = &ctx.principal
    {
        return Ok(see_other(&ctx, &format!("/data/{d}"), None));
    }
    let g = state.generation().await.or_page(&ctx)?;
    let departments = g
        .plan
        .departments()
        .iter()
        .filter(|d| ctx.principal.can(&Permission::ActForDepartment(d.id.as_str())))
        .map(|d| {
            (
                d.id.to_string(),
                tr.pick(&d.name_zh, &d.name_en).to_owned(),
                plantrack_app::plan::department_elements(&g.plan, &d.id).len(),
            )
        })
        .collect();
    Ok(render(&IndexPage {
        c: Chrome::new(&ctx, "data.title", "data"),
        departments,
    }))
}

/// `?org_unit=`.
#[derive(Debug, Default, Deserialize)]
pub struct OrgQ {
    /// 区划代码.
    pub org_unit: Option<String>,
}

/// A grid row.
pub struct GridRow {
    /// Element id.
    pub id: String,
    /// Name and unit.
    pub name: String,
    /// Cells: (field name, value, message, provenance, accessible label "element period").
    pub cells: Vec<(String, String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "data/grid.html")]
struct GridPage {
    c: Chrome,
    dept: String,
    dept_name: String,
    org_unit: String,
    org_options: Vec<(String, String, bool)>,
    periods: Vec<String>,
    rows: Vec<GridRow>,
    errors: usize,
    source: String,
}

fn grid_page(
    ctx: &Ctx,
    plan: &plantrack_core::plan::Plan,
    grid: &EntryGrid,
    submitted: Option<&BTreeMap<String, String>>,
    errors: &[plantrack_app::FieldError],
) -> Response {
    let tr = Tr::new(ctx.lang);
    let msgs = field_messages(ctx.lang, errors);
    let periods: Vec<String> = grid.periods.iter().map(ToString::to_string).collect();
    let rows = grid
        .elements
        .iter()
        .map(|e| {
            let el = plan.data_element(e);
            let name = el.map_or_else(
                || e.to_string(),
                |d| format!("{}（{}）", tr.pick(&d.name_zh, &d.name_en), d.unit),
            );
            let cells = periods
                .iter()
                .map(|p| {
                    let field = cell_field(e.as_str(), p);
                    let key = (e.to_string(), p.clone());
                    let value = submitted
                        .and_then(|s| s.get(&field).cloned())
                        .or_else(|| grid.values.get(&key).cloned())
                        .unwrap_or_default();
                    let prov = grid.provenance.get(&key).cloned().unwrap_or_default();
                    let label = format!("{name} {p}");
                    (
                        field.clone(),
                        value,
                        msgs.get(&field).cloned().unwrap_or_default(),
                        prov,
                        label,
                    )
                })
                .collect();
            GridRow {
                id: e.to_string(),
                name,
                cells,
            }
        })
        .collect();
    let dept = plan.department(&grid.department);
    let page = GridPage {
        c: Chrome::new(ctx, "data.title", "data"),
        dept: grid.department.to_string(),
        dept_name: dept.map_or_else(
            || grid.department.to_string(),
            |d| tr.pick(&d.name_zh, &d.name_en).to_owned(),
        ),
        org_unit: grid.org_unit.to_string(),
        org_options: plan
            .org_units()
            .iter()
            .map(|u| {
                (
                    u.code.to_string(),
                    format!("{} {}", u.code, tr.pick(&u.name_zh, &u.name_en)),
                    u.code == grid.org_unit,
                )
            })
            .collect(),
        periods,
        rows,
        errors: errors.len(),
        source: submitted
            .and_then(|s| s.get("source").cloned())
            .unwrap_or_default(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(status, &page)
}

/// `GET /data/{dept}?org_unit=`.
pub async fn grid(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(dept): Path<String>,
    Query(q): Query<OrgQ>,
) -> PageResult {
    let g = state.generation().await.or_page(&ctx)?;
    let grid = observations::entry_grid(
        state.store(),
        &ctx.principal,
        &g.plan,
        &dept,
        q.org_unit.as_deref(),
    )
    .await
    .or_page(&ctx)?;
    Ok(grid_page(&ctx, &g.plan, &grid, None, &[]))
}

/// `POST /data/{dept}` — cells `v.{element}.{period}`, `org_unit`, `source`.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(dept): Path<String>,
    Form(form): Form<BTreeMap<String, String>>,
) -> PageResult {
    let g = state.generation().await.or_page(&ctx)?;
    let org = form.get("org_unit").cloned();
    let source = form
        .get("source")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let source = source.or_else(|| Some(Tr::new(ctx.lang).t("data.manual").to_owned()));
    match observations::save_grid(
        state.store(),
        &ctx.principal,
        &g.plan,
        &dept,
        org.as_deref(),
        &form,
        source.as_deref(),
    )
    .await
    {
        Ok(_) => {
            let to = format!(
                "/data/{}?org_unit={}",
                super::url_encode(&dept),
                super::url_encode(&org.unwrap_or_default())
            );
            Ok(see_other(&ctx, &to, Some("saved")))
        }
        Err(AppError::Invalid(errs)) => {
            let grid =
                observations::entry_grid(state.store(), &ctx.principal, &g.plan, &dept, org.as_deref())
                    .await
                    .or_page(&ctx)?;
            Ok(grid_page(&ctx, &g.plan, &grid, Some(&form), &errs))
        }
        Err(e) => Err(fail(&ctx, e)),
    }
}
