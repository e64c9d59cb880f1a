//! Accounts (账户管理, admin only): users with role, department or enterprise, disabling and password resets, and
//! API tokens (shown once when created, revocable).

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use plantrack_app::accounts::{self, NewUser, UserChange, UserView};
use plantrack_app::auth::Password;
use plantrack_app::{AppError, Role};
use plantrack_store::accounts::ApiToken;
use serde::Deserialize;

use super::{OrPage, PageResult, fail, field_messages};
use crate::AppState;
use crate::ctx::{Ctx, see_other};
use crate::i18n::Tr;
use crate::layout::{Chrome, render, render_status, role_key};

#[derive(Template)]
#[template(path = "accounts/list.html")]
struct ListPage {
    c: Chrome,
    users: Vec<(UserView, &'static str)>,
}

/// `GET /accounts`.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let tr = Tr::new(ctx.lang);
    let users = accounts::list_users(state.store(), &ctx.principal)
        .await
        .or_page(&ctx)?;
    Ok(render(&ListPage {
        c: Chrome::new(&ctx, "acc.title", "accounts"),
        users: users
            .into_iter()
            .map(|u| {
                let r = tr.t(role_key(u.role));
                (u, r)
            })
            .collect(),
    }))
}

/// The user form.
#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    /// Login name (new users).
    #[serde(default)]
    pub username: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Role id.
    #[serde(default)]
    pub role: String,
    /// Department id.
    #[serde(default)]
    pub department: String,
    /// Enterprise USCC.
    #[serde(default)]
    pub enterprise: String,
    /// Password (new users) or new password (edit; empty = unchanged).
    #[serde(default)]
    pub password: String,
    /// Disabled checkbox.
    #[serde(default)]
    pub disabled: Option<String>,
    /// Version (edit).
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Template)]
#[template(path = "accounts/form.html")]
struct FormPage {
    c: Chrome,
    action: String,
    editing: bool,
    f: UserFormView,
    roles: Vec<(&'static str, &'static str)>,
    departments: Vec<(String, String)>,
    errors: BTreeMap<String, String>,
    tokens: Vec<ApiToken>,
    user_id: i64,
}

/// What the form shows.
#[derive(Debug, Default, Clone)]
pub struct UserFormView {
    username: String,
    display_name: String,
    role: String,
    department: String,
    enterprise: String,
    disabled: bool,
    version: i64,
}

fn form_page(
    ctx: &Ctx,
    plan: &plantrack_core::plan::Plan,
    id: Option<i64>,
    f: UserFormView,
    errors: &[plantrack_app::FieldError],
    tokens: Vec<ApiToken>,
) -> Response {
    let tr = Tr::new(ctx.lang);
    let page = FormPage {
        c: Chrome::new(ctx, if id.is_some() { "acc.edit" } else { "acc.new" }, "accounts"),
        action: id.map_or_else(|| "/accounts".to_owned(), |i| format!("/accounts/{i}")),
        editing: id.is_some(),
        f,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), tr.t(role_key(*r))))
            .collect(),
        departments: plan
            .departments()
            .iter()
            .map(|d| (d.id.to_string(), tr.pick(&d.name_zh, &d.name_en).to_owned()))
            .collect(),
        errors: field_messages(ctx.lang, errors),
        tokens,
        user_id: id.unwrap_or(0),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(status, &page)
}

fn view_of(f: &UserForm) -> UserFormView {
    UserFormView {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        department: f.department.clone(),
        enterprise: f.enterprise.clone(),
        disabled: f.disabled.is_some(),
        version: f.version.unwrap_or(0),
    }
}

fn parse_role(s: &str) -> Result<Role, AppError> {
    s.parse::<Role>()
        .map_err(|e| AppError::invalid("role", e.to_string(), e.to_string()))
}

/// `GET /accounts/new`.
pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.principal
        .require(&plantrack_app::Permission::ManageAccounts)
        .or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let f = UserFormView {
        role: "department".into(),
        ..UserFormView::default()
    };
    Ok(form_page(&ctx, &g.plan, None, f, &[], Vec::new()))
}

/// `POST /accounts`.
pub async fn create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<UserForm>) -> PageResult {
    let g = state.generation().await.or_page(&ctx)?;
    ctx.principal
        .require(&plantrack_app::Permission::ManageAccounts)
        .or_page(&ctx)?;
    let role = match parse_role(&f.role) {
        Ok(r) => r,
        Err(AppError::Invalid(e)) => return Ok(form_page(&ctx, &g.plan, None, view_of(&f), &e, Vec::new())),
        Err(e) => return Err(fail(&ctx, e)),
    };
    let new = NewUser {
        username: f.username.clone(),
        display_name: Some(f.display_name.clone()),
        role,
        department: Some(f.department.clone()),
        enterprise: Some(f.enterprise.clone()),
        password: Password::new(f.password.clone()),
    };
    match accounts::add_user(state.store(), &ctx.principal, &g.plan, new).await {
        Ok(_) => Ok(see_other(&ctx, "/accounts", Some("saved"))),
        Err(AppError::Invalid(e)) => Ok(form_page(&ctx, &g.plan, None, view_of(&f), &e, Vec::new())),
        Err(e) => Err(fail(&ctx, e)),
    }
}

/// `GET /accounts/{id}/edit`.
pub async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let g = state.generation().await.or_page(&ctx)?;
    let u = accounts::get_user(state.store(), &ctx.principal, id)
        .await
        .or_page(&ctx)?;
    let tokens = accounts::tokens_of(state.store(), &ctx.principal, id)
        .await
        .or_page(&ctx)?;
    let f = UserFormView {
        username: u.username,
        display_name: u.display_name.unwrap_or_default(),
        role: u.role.as_str().to_owned(),
        department: u.department.unwrap_or_default(),
        enterprise: u.enterprise.unwrap_or_default(),
        disabled: u.disabled,
        version: u.version,
    };
    Ok(form_page(&ctx, &g.plan, Some(id), f, &[], tokens))
}

/// `POST /accounts/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<UserForm>,
) -> PageResult {
    let g = state.generation().await.or_page(&ctx)?;
    let current = accounts::get_user(state.store(), &ctx.principal, id)
        .await
        .or_page(&ctx)?;
    let mut view = view_of(&f);
    view.username = current.username.clone();
    let role = match parse_role(&f.role) {
        Ok(r) => r,
        Err(AppError::Invalid(e)) => return Ok(form_page(&ctx, &g.plan, Some(id), view, &e, Vec::new())),
        Err(e) => return Err(fail(&ctx, e)),
    };
    let change = UserChange {
        display_name: Some(f.display_name.clone()),
        role,
        department: Some(f.department.clone()),
        enterprise: Some(f.enterprise.clone()),
        disabled: f.disabled.is_some(),
        new_password: (!f.password.is_empty()).then(|| Password::new(f.password.clone())),
    };
    let version = f.version.unwrap_or(current.version);
    match accounts::update_user(state.store(), &ctx.principal, &g.plan, id, version, change).await {
        Ok(_) => Ok(see_other(&ctx, "/accounts", Some("saved"))),
        Err(AppError::Invalid(e)) => Ok(form_page(&ctx, &g.plan, Some(id), view, &e, Vec::new())),
        Err(e) => Err(fail(&ctx, e)),
    }
}

#[derive(Template)]
#[template(path = "accounts/token.html")]
struct TokenPage {
    c: Chrome,
    username: String,
    token: String,
}

/// The token form.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    /// Label.
    #[serde(default)]
    pub name: String,
}

/// `POST /accounts/{id}/tokens` — shows the new token once.
pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<TokenForm>,
) -> PageResult {
    let u = accounts::get_user(state.store(), &ctx.principal, id)
        .await
        .or_page(&ctx)?;
    let (token, _) = accounts::create_token(state.store(), &ctx.principal, &u.username, &f.name)
        .await
        .or_page(&ctx)?;
    let mut resp = render(&TokenPage {
        c: Chrome::new(&ctx, "acc.token_title", "accounts"),
        username: u.username,
        token,
    });
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

/// `POST /accounts/tokens/{id}/revoke`.
pub async fn revoke_token(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    accounts::revoke_token(state.store(), &ctx.principal, id)
        .await
        .or_page(&ctx)?;
    Ok(see_other(&ctx, "/accounts", Some("revoked")))
}
