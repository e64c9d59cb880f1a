//! Registry pages (台账): list with search, create, edit with the version check — a stale edit shows both versions
//! side by side instead of overwriting —, delete with confirmation. The same use cases as `/api/v1/{registry}`.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use plantrack_app::registries::{self, Fields, ListParams, RegistryKind, RegistryPage, RegistryRow};
use plantrack_app::{AppError, Permission};
use plantrack_core::registry::{Field, FieldType};
use serde::Deserialize;

use super::{OrPage, PageResult, fail, field_messages};
use crate::AppState;
use crate::ctx::{Ctx, see_other};
use crate::i18n::{Tr, catalog};
use crate::layout::{Chrome, render, render_status};

/// A form field for display.
pub struct FieldView {
    /// Name.
    pub name: &'static str,
    /// Label.
    pub label: String,
    /// `text`, `date`, `number` or `select`.
    pub input: &'static str,
    /// Options of a select: (value, label).
    pub options: Vec<(String, String)>,
    /// Current value.
    pub value: String,
    /// Required.
    pub required: bool,
    /// Message in place.
    pub error: String,
}

fn label_of(tr: Tr, key: &str) -> String {
    catalog(tr.lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// A field's label in the page's language (from the registry spec, as templates and exports label it).
fn field_label(tr: Tr, f: &Field) -> String {
    tr.pick(f.zh, f.en).to_owned()
}

/// A stored value as people read it: a vocabulary term by its label, anything else as stored.
fn shown(tr: Tr, f: &Field, value: &str) -> String {
    match f.ty {
        FieldType::Choice(v) => tr.pick(v.zh(value), v.en(value)).to_owned(),
        _ => value.to_owned(),
    }
}

fn fields_view(
    tr: Tr,
    kind: RegistryKind,
    values: &BTreeMap<String, String>,
    errors: &BTreeMap<String, String>,
) -> Vec<FieldView> {
    kind.fields()
        .iter()
        .map(|f| {
            let (input, options) = match f.ty {
                FieldType::Date => ("date", Vec::new()),
                FieldType::Amount | FieldType::Count | FieldType::Number => ("number", Vec::new()),
                FieldType::Choice(v) => (
                    "select",
                    v.terms
                        .iter()
                        .map(|t| (t.code.to_owned(), tr.pick(t.zh, t.en).to_owned()))
                        .collect(),
                ),
                _ => ("text", Vec::new()),
            };
            FieldView {
                name: f.key,
                label: field_label(tr, f),
                input,
                options,
                value: values.get(f.key).cloned().unwrap_or_default(),
                required: f.required,
                error: errors.get(f.key).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

fn kind_of(ctx: &Ctx, slug: &str) -> Result<RegistryKind, super::PageError> {
    RegistryKind::parse(slug).ok_or_else(|| {
        fail(
            ctx,
            AppError::NotFound {
                entity: "registry".into(),
                id: slug.chars().take(30).collect(),
            },
        )
    })
}

fn tabs(tr: Tr, current: RegistryKind) -> Vec<(String, String, bool)> {
    RegistryKind::ALL
        .iter()
        .map(|k| {
            (
                format!("/registries/{}", k.slug()),
                label_of(tr, &format!("reg.{}", k.slug())),
                *k == current,
            )
        })
        .collect()
}

/// `?q=&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQ {
    /// Search.
    pub q: Option<String>,
    /// Page from 1.
    pub page: Option<i64>,
}

#[derive(Template)]
#[template(path = "registries/list.html")]
struct ListPage {
    c: Chrome,
    slug: &'static str,
    tabs: Vec<(String, String, bool)>,
    columns: Vec<(&'static str, String)>,
    rows: Vec<(RegistryRow, Vec<String>)>,
    list_total: i64,
    q: String,
    page: i64,
    pages: i64,
    can_edit: bool,
}

const PAGE_SIZE: i64 = 50;

/// `GET /registries/{registry}`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<ListQ>,
) -> PageResult {
    let tr = Tr::new(ctx.lang);
    let kind = kind_of(&ctx, &slug)?;
    let page = q.page.unwrap_or(1).max(1);
    let params = ListParams {
        search: q.q.clone(),
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let list: RegistryPage = registries::list(state.store(), &ctx.principal, kind, &params)
        .await
        .or_page(&ctx)?;
    let listed: Vec<&Field> = kind.fields().iter().filter(|f| f.listed).collect();
    let columns: Vec<(&'static str, String)> = listed.iter().map(|f| (f.key, field_label(tr, f))).collect();
    let rows = list
        .items
        .iter()
        .map(|r| {
            let cells = listed
                .iter()
                .map(|f| shown(tr, f, r.values.get(f.key).map_or("", String::as_str)))
                .collect();
            (r.clone(), cells)
        })
        .collect();
    Ok(render(&ListPage {
        c: Chrome::titled(&ctx, label_of(tr, &format!("reg.{}", kind.slug())), "registries"),
        slug: kind.slug(),
        tabs: tabs(tr, kind),
        columns,
        rows,
        list_total: list.total,
        q: q.q.unwrap_or_default(),
        page,
        pages: ((list.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        can_edit: ctx.principal.can(&Permission::EditRegistries),
    }))
}

#[derive(Template)]
#[template(path = "registries/form.html")]
struct FormPage {
    c: Chrome,
    slug: &'static str,
    action: String,
    fields: Vec<FieldView>,
    version: Option<i64>,
    errors: Vec<String>,
}

fn form_page(
    ctx: &Ctx,
    kind: RegistryKind,
    id: Option<i64>,
    version: Option<i64>,
    values: &BTreeMap<String, String>,
    err: Option<&[plantrack_app::FieldError]>,
) -> Response {
    let tr = Tr::new(ctx.lang);
    let msgs = err.map(|e| field_messages(ctx.lang, e)).unwrap_or_default();
    // Messages for fields the form does not show (e.g. the natural key as a whole) go on top.
    let others = err
        .unwrap_or(&[])
        .iter()
        .filter(|e| !kind.fields().iter().any(|f| f.key == e.field))
        .map(|e| format!("{}: {}", e.field, tr.pick(&e.message_zh, &e.message_en)))
        .collect();
    let title = format!(
        "{} · {}",
        label_of(tr, &format!("reg.{}", kind.slug())),
        tr.t(if id.is_some() { "reg.edit" } else { "reg.new" })
    );
    let page = FormPage {
        c: Chrome::titled(ctx, title, "registries"),
        slug: kind.slug(),
        action: match id {
            Some(id) => format!("/registries/{}/{id}", kind.slug()),
            None => format!("/registries/{}", kind.slug()),
        },
        fields: fields_view(tr, kind, values, &msgs),
        version,
        errors: others,
    };
    let status = if err.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(status, &page)
}

/// `GET /registries/{registry}/new`.
pub async fn new_form(ctx: Ctx, Path(slug): Path<String>) -> PageResult {
    let kind = kind_of(&ctx, &slug)?;
    ctx.principal.require(&Permission::EditRegistries).or_page(&ctx)?;
    Ok(form_page(&ctx, kind, None, None, &BTreeMap::new(), None))
}

fn clean(mut form: BTreeMap<String, String>) -> (Fields, Option<i64>) {
    form.remove("_csrf");
    let version = form.remove("version").and_then(|v| v.trim().parse().ok());
    form.remove("id");
    (form, version)
}

/// `POST /registries/{registry}`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<BTreeMap<String, String>>,
) -> PageResult {
    let kind = kind_of(&ctx, &slug)?;
    let g = state.generation().await.or_page(&ctx)?;
    let (fields, _) = clean(form);
    match registries::create(
        state.store(),
        &ctx.principal,
        &g.plan,
        kind,
        &registries::patch_of(&fields),
    )
    .await
    {
        Ok(_) => Ok(see_other(
            &ctx,
            &format!("/registries/{}", kind.slug()),
            Some("saved"),
        )),
        Err(AppError::Invalid(errs)) => Ok(form_page(&ctx, kind, None, None, &fields, Some(&errs))),
        Err(AppError::Conflict(msg)) => {
            let e = plantrack_app::FieldError::new("key", msg.clone(), msg);
            Ok(form_page(&ctx, kind, None, None, &fields, Some(&[e])))
        }
        Err(e) => Err(fail(&ctx, e)),
    }
}

/// `GET /registries/{registry}/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> PageResult {
    let kind = kind_of(&ctx, &slug)?;
    ctx.principal.require(&Permission::EditRegistries).or_page(&ctx)?;
    let row = registries::get(state.store(), &ctx.principal, kind, id)
        .await
        .or_page(&ctx)?;
    Ok(form_page(
        &ctx,
        kind,
        Some(id),
        Some(row.version),
        &row.values,
        None,
    ))
}

#[derive(Template)]
#[template(path = "registries/conflict.html")]
struct ConflictPage {
    c: Chrome,
    slug: &'static str,
    id: i64,
    rows: Vec<(String, String, String, bool)>,
    mine: Vec<(String, String)>,
    current_version: i64,
    your_version: i64,
    deleting: bool,
}

fn conflict_page(
    ctx: &Ctx,
    kind: RegistryKind,
    current: &RegistryRow,
    mine: &Fields,
    your_version: i64,
    deleting: bool,
) -> Response {
    let tr = Tr::new(ctx.lang);
    let rows = kind
        .fields()
        .iter()
        .map(|f| {
            let cur = current.values.get(f.key).cloned().unwrap_or_default();
            let my = mine.get(f.key).cloned().unwrap_or_default();
            let differs = !deleting && cur.trim() != my.trim();
            (field_label(tr, f), my, cur, differs)
        })
        .collect();
    render_status(
        StatusCode::CONFLICT,
        &ConflictPage {
            c: Chrome::new(ctx, "reg.conflict_title", "registries"),
            slug: kind.slug(),
            id: current.id,
            rows,
            mine: mine.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            current_version: current.version,
            your_version,
            deleting,
        },
    )
}

/// `POST /registries/{registry}/{id}` — update at the version the form was loaded with.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Form(form): Form<BTreeMap<String, String>>,
) -> PageResult {
    let kind = kind_of(&ctx, &slug)?;
    let g = state.generation().await.or_page(&ctx)?;
    // Who may is decided before the input is looked at.
    ctx.principal.require(&Permission::EditRegistries).or_page(&ctx)?;
    let (fields, version) = clean(form);
    let Some(version) = version else {
        return Err(fail(
            &ctx,
            AppError::invalid("version", "缺少版本号", "the version is missing"),
        ));
    };
    match registries::update(
        state.store(),
        &ctx.principal,
        &g.plan,
        kind,
        id,
        version,
        &registries::patch_of(&fields),
    )
    .await
    {
        Ok(_) => Ok(see_other(
            &ctx,
            &format!("/registries/{}", kind.slug()),
            Some("saved"),
        )),
        Err(AppError::Invalid(errs)) => Ok(form_page(
            &ctx,
            kind,
            Some(id),
            Some(version),
            &fields,
            Some(&errs),
        )),
        Err(AppError::Stale { .. }) => {
            let current = registries::get(state.store(), &ctx.principal, kind, id)
                .await
                .or_page(&ctx)?;
            Ok(conflict_page(&ctx, kind, &current, &fields, version, false))
        }
        Err(AppError::Conflict(msg)) => {
            let e = plantrack_app::FieldError::new("key", msg.clone(), msg);
            Ok(form_page(
                &ctx,
                kind,
                Some(id),
                Some(version),
                &fields,
                Some(&[e]),
            ))
        }
        Err(e) => Err(fail(&ctx, e)),
    }
}

#[derive(Template)]
#[template(path = "registries/delete.html")]
struct DeletePage {
    c: Chrome,
    slug: &'static str,
    row: RegistryRow,
    fields: Vec<(String, String)>,
}

/// `GET /registries/{registry}/{id}/delete` — the confirmation.
pub async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> PageResult {
    let tr = Tr::new(ctx.lang);
    let kind = kind_of(&ctx, &slug)?;
    ctx.principal.require(&Permission::EditRegistries).or_page(&ctx)?;
    let row = registries::get(state.store(), &ctx.principal, kind, id)
        .await
        .or_page(&ctx)?;
    let fields = kind
        .fields()
        .iter()
        .map(|f| {
            (
                field_label(tr, f),
                shown(tr, f, row.values.get(f.key).map_or("", String::as_str)),
            )
        })
        .collect();
    Ok(render(&DeletePage {
        c: Chrome::new(&ctx, "reg.delete_title", "registries"),
        slug: kind.slug(),
        row,
        fields,
    }))
}

/// `POST /registries/{registry}/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Form(form): Form<BTreeMap<String, String>>,
) -> PageResult {
    let kind = kind_of(&ctx, &slug)?;
    ctx.principal.require(&Permission::EditRegistries).or_page(&ctx)?;
    let (_, version) = clean(form);
    let Some(version) = version else {
        return Err(fail(
            &ctx,
            AppError::invalid("version", "缺少版本号", "the version is missing"),
        ));
    };
    match registries::delete(state.store(), &ctx.principal, kind, id, version).await {
        Ok(()) => Ok(see_other(
            &ctx,
            &format!("/registries/{}", kind.slug()),
            Some("deleted"),
        )),
        Err(AppError::Stale { .. }) => {
            let current = registries::get(state.store(), &ctx.principal, kind, id)
                .await
                .or_page(&ctx)?;
            Ok(conflict_page(
                &ctx,
                kind,
                &current,
                &current.values.clone(),
                version,
                true,
            ))
        }
        Err(e) => Err(fail(&ctx, e)),
    }
}
