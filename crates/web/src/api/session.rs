//! `POST|GET|DELETE /api/v1/session`: log in (sets the session cookie), who am I (with the CSRF token for unsafe
//! requests made with the cookie), log out.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use plantrack_app::auth::{self, Password};
use plantrack_app::{AppError, Principal};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{json, parse_body};
use crate::AppState;
use crate::ctx::{AuthVia, Ctx, SESSION_COOKIE, set_cookie};
use crate::error::ApiError;

/// `{"username", "password"}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginBody {
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Who is signed in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfo {
    /// User name.
    pub username: String,
    /// `admin`, `department`, `leader` or `enterprise`.
    pub role: String,
    /// Department id for department users.
    pub department: Option<String>,
    /// USCC for enterprise users.
    pub enterprise: Option<String>,
    /// Send as `X-CSRF-Token` with unsafe requests authenticated by the cookie (null with a bearer token).
    pub csrf_token: Option<String>,
}

fn info(p: &Principal, csrf: Option<String>) -> Option<SessionInfo> {
    match p {
        Principal::User {
            username,
            role,
            department,
            enterprise,
            ..
        } => Some(SessionInfo {
            username: username.clone(),
            role: role.as_str().to_owned(),
            department: department.clone(),
            enterprise: enterprise.clone(),
            csrf_token: csrf,
        }),
        Principal::Public => None,
    }
}

/// Log in.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", security(()), request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionInfo),
        (status = 400, description = "Malformed JSON", body = super::ErrorBody),
        (status = 401, description = "Wrong user name or password", body = super::ErrorBody),
        (status = 429, description = "Too many failures: locked for a while", body = super::ErrorBody),
    ))]
pub async fn login(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let b: LoginBody = match parse_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    match auth::login(state.store(), &b.username, Password::new(b.password), &ctx.client).await {
        Ok(done) => {
            let mut resp = json(
                StatusCode::OK,
                &info(&done.principal, Some(done.session.csrf_token.clone())),
            );
            if let Ok(v) = set_cookie(
                SESSION_COOKIE,
                &done.token,
                Some(auth::SESSION_TTL.as_secs()),
                ctx.secure,
                true,
            )
            .parse()
            {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Err(AppError::Invalid(_)) => crate::error::json_error_with(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "用户名或密码不正确",
            "wrong user name or password",
            serde_json::Value::Null,
        ),
        Err(e) => ApiError(e).into_response(),
    }
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses(
        (status = 200, description = "The signed-in user", body = SessionInfo),
        (status = 401, description = "Not signed in", body = super::ErrorBody),
    ))]
pub async fn whoami(ctx: Ctx) -> Response {
    let csrf = match &ctx.auth {
        AuthVia::Session { csrf, .. } => Some(csrf.clone()),
        _ => None,
    };
    match info(&ctx.principal, csrf) {
        Some(i) => json(StatusCode::OK, &i),
        None => ApiError(AppError::Unauthenticated).into_response(),
    }
}

/// Log out (ends the cookie's session).
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = super::ErrorBody),
    ))]
pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> Response {
    if matches!(ctx.principal, Principal::Public) {
        return ApiError(AppError::Unauthenticated).into_response();
    }
    if let AuthVia::Session { token, .. } = &ctx.auth
        && let Err(e) = auth::logout(state.store(), &ctx.principal, token).await
    {
        return ApiError(e).into_response();
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", Some(0), ctx.secure, true).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}
