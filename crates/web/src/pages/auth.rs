//! Signing in and out, and the language switch.
//!
//! The log-in form carries a double-submit token (the `pt_csrf` cookie, set when the form is shown); a successful
//! log-in sets the session cookie (HttpOnly, SameSite=Strict, Secure behind TLS) and follows `next` if it is a
//! local path. A failed log-in says only "wrong user name or password" and counts towards the throttle.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use plantrack_app::AppError;
use plantrack_app::auth::{self, Password};
use serde::Deserialize;

use super::{OrPage, PageResult};
use crate::AppState;
use crate::ctx::{AuthVia, Ctx, PRE_CSRF_COOKIE, SESSION_COOKIE, safe_next, see_other, set_cookie};
use crate::i18n::{LANG_COOKIE, Lang};
use crate::layout::{Chrome, render_status};

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    username: String,
    token: String,
    error: String,
}

/// `?next=`.
#[derive(Debug, Default, Deserialize)]
pub struct Next {
    /// Where to go after.
    pub next: Option<String>,
}

fn login_page(ctx: &Ctx, next: &str, username: &str, error: String, status: StatusCode) -> Response {
    // Reuse the browser's pre-session token if it has one, so that two open tabs both work.
    let token = ctx
        .pre_csrf
        .clone()
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(plantrack_store::accounts::new_secret);
    let page = LoginPage {
        c: Chrome::new(ctx, "auth.login_title", "login"),
        next: next.to_owned(),
        username: username.to_owned(),
        token: token.clone(),
        error,
    };
    let mut resp = render_status(status, &page);
    if let Ok(v) = set_cookie(PRE_CSRF_COOKIE, &token, Some(3600), ctx.secure, true).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// `GET /login`.
pub async fn login_form(ctx: Ctx, Query(q): Query<Next>) -> Response {
    login_page(
        &ctx,
        &safe_next(q.next.as_deref()),
        "",
        String::new(),
        StatusCode::OK,
    )
}

/// The log-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    /// User name.
    #[serde(default)]
    pub username: String,
    /// Password.
    #[serde(default)]
    pub password: String,
    /// Where to go after.
    #[serde(default)]
    pub next: Option<String>,
}

/// `POST /login`.
pub async fn login(State(state): State<AppState>, ctx: Ctx, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(f.next.as_deref());
    match auth::login(state.store(), &f.username, Password::new(f.password), &ctx.client).await {
        Ok(done) => {
            let mut resp = see_other(&ctx, &next, Some("signed_in"));
            let max_age = auth::SESSION_TTL.as_secs();
            if let Ok(v) = set_cookie(SESSION_COOKIE, &done.token, Some(max_age), ctx.secure, true).parse() {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            if let Ok(v) = set_cookie(PRE_CSRF_COOKIE, "", Some(0), ctx.secure, true).parse() {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Err(e @ (AppError::Invalid(_) | AppError::Throttled { .. })) => {
            let (zh, en) = match &e {
                AppError::Throttled {
                    message_zh,
                    message_en,
                    ..
                } => (message_zh.clone(), message_en.clone()),
                _ => ("用户名或密码不正确".into(), "wrong user name or password".into()),
            };
            let status = crate::error::status_of(&e);
            login_page(
                &ctx,
                &next,
                &f.username,
                ctx.lang.pick(&zh, &en).to_owned(),
                status,
            )
        }
        Err(e) => super::error_page(&ctx, &e),
    }
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let AuthVia::Session { token, .. } = &ctx.auth else {
        return Err(super::fail(&ctx, AppError::Unauthenticated));
    };
    auth::logout(state.store(), &ctx.principal, token)
        .await
        .or_page(&ctx)?;
    let mut resp = see_other(&ctx, "/", Some("signed_out"));
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", Some(0), ctx.secure, true).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// `GET /lang/{lang}?next=` — remembers the language for a year and goes back.
pub async fn switch_language(ctx: Ctx, Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let mut resp = see_other(&ctx, &safe_next(q.next.as_deref()), None);
    if let Ok(v) = set_cookie(LANG_COOKIE, lang.code(), Some(365 * 24 * 3600), ctx.secure, false).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp.into_response()
}
