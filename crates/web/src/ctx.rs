//! The request context and the guard every request passes: who is calling (session cookie or bearer token,
//! resolved through the store — no state in the server), in which language, and for state-changing requests the
//! checks against cross-site request forgery and oversized bodies.
//!
//! CSRF (OWASP): a request with an unsafe method is refused when `Sec-Fetch-Site` says it comes from another site
//! or `Origin` names another host; when it is authenticated by the session cookie it must also carry the session's
//! synchronizer token, in the `X-CSRF-Token` header or as the form field `_csrf` (for multipart forms: the first
//! field). The log-in form, which has no session yet, uses a double-submit token in the `pt_csrf` cookie. Bearer
//! tokens are not sent by browsers on their own, so API calls with one need no CSRF token.

use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::{HeaderMap, Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use plantrack_app::audit::RecordedCheck;
use plantrack_app::auth::{self, ClientInfo};
use plantrack_app::clock::Clock;
use plantrack_app::{AppError, Principal};

use crate::AppState;
use crate::i18n::Lang;

/// The session cookie (holds the raw session token; the store keeps its hash).
pub const SESSION_COOKIE: &str = "pt_session";
/// The pre-session CSRF cookie of the log-in form.
pub const PRE_CSRF_COOKIE: &str = "pt_csrf";
/// The flash-message cookie (holds a catalog key, shown once).
pub const FLASH_COOKIE: &str = "pt_flash";

/// How the caller is authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthVia {
    /// Not at all (the public).
    Anonymous,
    /// By the session cookie; carries the raw token (for log-out) and the synchronizer token for forms.
    Session {
        /// The cookie value.
        token: String,
        /// The session's CSRF token.
        csrf: String,
    },
    /// By an `Authorization: Bearer` API token.
    Bearer,
}

/// Who calls, in which language, from where.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The caller.
    pub principal: Principal,
    /// The page language.
    pub lang: Lang,
    /// How the caller is authenticated.
    pub auth: AuthVia,
    /// Client address and browser.
    pub client: ClientInfo,
    /// Path and query of the request (for navigation and `next=`).
    pub uri: String,
    /// Served over TLS (directly or behind a proxy that says so): cookies get `Secure`.
    pub secure: bool,
    /// A flash message key from the previous redirect.
    pub flash: Option<String>,
    /// The value of the pre-session CSRF cookie, if any.
    pub pre_csrf: Option<String>,
    /// Where "today" comes from (the demo store is seen on the day its supervision history ends).
    pub clock: Clock,
    /// For admins: the latest check of the audit chain, when it found the chain broken (a banner on every page).
    pub chain_alarm: Option<RecordedCheck>,
}

impl Ctx {
    /// The synchronizer token to put into forms (empty for the public).
    pub fn csrf(&self) -> &str {
        match &self.auth {
            AuthVia::Session { csrf, .. } => csrf,
            _ => "",
        }
    }

    /// A context for the public with default language (used when the guard did not run).
    pub fn public() -> Ctx {
        Ctx {
            principal: Principal::Public,
            lang: Lang::Zh,
            auth: AuthVia::Anonymous,
            client: ClientInfo::default(),
            uri: "/".into(),
            secure: false,
            flash: None,
            pre_csrf: None,
            clock: Clock::System,
            chain_alarm: None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Ctx>().cloned().unwrap_or_else(Ctx::public))
    }
}

/// Reads one cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, `Secure` over TLS; `max_age` None = session cookie.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool, http_only: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Strict");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// Whether a path belongs to the JSON API (errors in JSON).
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The largest body accepted on a path: file uploads get more room than forms and JSON.
pub fn body_limit(state: &AppState, path: &str) -> usize {
    if path.starts_with("/imports")
        || path.starts_with("/api/v1/imports/")
        || path.starts_with("/plans/")
        || path == "/api/v1/extract"
    {
        state.config().max_upload_bytes
    } else {
        state.config().max_body_bytes
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The host the request was addressed to.
fn host(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::HOST).and_then(|v| v.to_str().ok())
}

/// Refuses cross-site unsafe requests by `Sec-Fetch-Site` and `Origin`.
fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        return origin == "null" || host(headers).is_none_or(|h| h != origin_host);
    }
    false
}

/// The `_csrf` field of an urlencoded body (tokens are hex, so no decoding is needed).
fn form_token(body: &[u8]) -> Option<String> {
    std::str::from_utf8(body)
        .ok()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("_csrf="))
        .map(str::to_owned)
}

/// The first field of a multipart body, if it is `_csrf`.
async fn multipart_token(headers: &HeaderMap, body: &Bytes) -> Option<String> {
    let mut req = Request::new(Body::from(body.clone()));
    *req.headers_mut() = headers.clone();
    let mut mp = axum::extract::Multipart::from_request(req, &()).await.ok()?;
    let field = mp.next_field().await.ok()??;
    if field.name() != Some("_csrf") {
        return None;
    }
    field.text().await.ok()
}

/// The guard in front of every route: resolve the caller, check unsafe requests, add security headers.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let api = is_api(&path);
    let lang = Lang::from_headers(&parts.headers);
    let secure = state.config().secure_cookies
        || parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let forwarded = if state.config().trust_forwarded_for {
        parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(|s| s.trim().to_owned())
    } else {
        None
    };
    let client = ClientInfo {
        ip: forwarded.or(peer),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    };
    let mut ctx = Ctx {
        principal: Principal::Public,
        lang,
        auth: AuthVia::Anonymous,
        client,
        uri: parts
            .uri
            .path_and_query()
            .map_or_else(|| path.clone(), |p| p.as_str().to_owned()),
        secure,
        flash: cookie(&parts.headers, FLASH_COOKIE).map(str::to_owned),
        pre_csrf: cookie(&parts.headers, PRE_CSRF_COOKIE).map(str::to_owned),
        clock: state.config().clock,
        chain_alarm: None,
    };
    let fail = |ctx: &Ctx, err: AppError| -> Response {
        if api {
            crate::error::json_error(&err)
        } else {
            crate::pages::error_page(ctx, &err)
        }
    };

    // Who is calling.
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_owned());
    if let Some(token) = bearer {
        match auth::token_principal(state.store(), &token, &ctx.client).await {
            Ok(Some(p)) => {
                ctx.principal = p;
                ctx.auth = AuthVia::Bearer;
            }
            Ok(None) => return fail(&ctx, AppError::Unauthenticated),
            Err(e) => return fail(&ctx, e),
        }
    } else if let Some(token) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned) {
        match auth::session_principal(state.store(), &token).await {
            Ok(Some((session, p))) => {
                // Every change this request makes is audited with the client's address.
                ctx.principal = p.with_ip(ctx.client.ip.clone());
                ctx.auth = AuthVia::Session {
                    token,
                    csrf: session.csrf_token,
                };
            }
            Ok(None) => {}
            Err(e) => return fail(&ctx, e),
        }
    }

    // State-changing requests: same site, bounded body, synchronizer token.
    let body = if is_unsafe(&parts.method) {
        if cross_site(&parts.headers) {
            tracing::warn!(path, "cross-site request refused");
            audit_refusal(&state, &ctx, &parts.method, &path, 403).await;
            return fail(&ctx, AppError::Forbidden);
        }
        let limit = body_limit(&state, &path);
        let too_large = AppError::TooLarge {
            limit_bytes: u64::try_from(limit).unwrap_or(u64::MAX),
        };
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > limit) {
            return fail(&ctx, too_large);
        }
        let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
            return fail(&ctx, too_large);
        };
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let header_token = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let token = match header_token {
            Some(t) => Some(t),
            None if content_type.starts_with("application/x-www-form-urlencoded") => form_token(&bytes),
            None if content_type.starts_with("multipart/form-data") => {
                multipart_token(&parts.headers, &bytes).await
            }
            None => None,
        };
        let expected = match &ctx.auth {
            AuthVia::Session { csrf, .. } => Some(csrf.clone()),
            // The log-in form has no session yet: its token is the pre-session cookie (double submit).
            AuthVia::Anonymous if path == "/login" => Some(ctx.pre_csrf.clone().unwrap_or_default()),
            _ => None,
        };
        if let Some(expected) = expected
            && (expected.is_empty() || !token.is_some_and(|t| constant_time_eq(&t, &expected)))
        {
            tracing::warn!(path, "missing or wrong CSRF token");
            audit_refusal(&state, &ctx, &parts.method, &path, 403).await;
            return fail(&ctx, AppError::Forbidden);
        }
        Body::from(bytes)
    } else {
        body
    };

    if ctx.principal.role() == Some(plantrack_app::Role::Admin) {
        ctx.chain_alarm = state.chain_alarm().await;
    }
    let had_flash = ctx.flash.is_some();
    let method = parts.method.clone();
    parts.extensions.insert(ctx.clone());
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    // A write refused for want of a sign-in or a permission is a security event (the log-in endpoints audit
    // their own failures).
    let status = resp.status().as_u16();
    if is_unsafe(&method) && matches!(status, 401 | 403) && !is_login(&method, &path) {
        audit_refusal(&state, &ctx, &method, &path, status).await;
    }
    if is_refusal(&resp) {
        resp = refusal(&ctx, api, resp).await;
    }
    let shown = resp.status().is_success();
    let h = resp.headers_mut();
    if had_flash
        && shown
        && let Ok(v) = set_cookie(FLASH_COOKIE, "", Some(0), ctx.secure, true).parse()
    {
        h.append(header::SET_COOKIE, v);
    }
    security_headers(h, &path);
    resp
}

/// The log-in endpoints, which audit their failures themselves (`login_failed`, `login_locked`).
fn is_login(method: &Method, path: &str) -> bool {
    *method == Method::POST && (path == "/login" || path == "/api/v1/session")
}

/// Audit a refused write (`access_denied`); a failure to write the event is logged, the refusal stands.
async fn audit_refusal(state: &AppState, ctx: &Ctx, method: &Method, path: &str, status: u16) {
    if let Err(e) = plantrack_app::audit::record_access_denied(
        state.store(),
        &ctx.principal,
        ctx.client.ip.as_deref(),
        method.as_str(),
        path,
        status,
    )
    .await
    {
        tracing::error!(error = %e, path, "could not audit a refused request");
    }
}

/// A client error produced by the router or an extractor (a malformed path, query or body), recognised by its
/// plain-text or empty body — our own errors are JSON or HTML.
fn is_refusal(resp: &Response) -> bool {
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    resp.status().is_client_error() && (ct.is_empty() || ct.starts_with("text/plain"))
}

/// Turns a refusal into the same error body as every other error: JSON under `/api/`, a page elsewhere.
async fn refusal(ctx: &Ctx, api: bool, resp: Response) -> Response {
    let status = resp.status();
    let text = axum::body::to_bytes(resp.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let text = if text.trim().is_empty() {
        status.canonical_reason().unwrap_or("").to_owned()
    } else {
        text
    };
    if api {
        let code = match status.as_u16() {
            404 => "not_found",
            405 => "method_not_allowed",
            413 => "too_large",
            415 => "unsupported_media_type",
            422 => "invalid",
            _ => "bad_request",
        };
        crate::error::json_error_with(
            status,
            code,
            &format!("请求有误：{text}"),
            &format!("bad request: {text}"),
            serde_json::Value::Null,
        )
    } else {
        crate::pages::refusal_page(ctx, status, &text)
    }
}

/// Headers every response carries: a strict content security policy (no inline script, nothing from other
/// origins), no framing, no MIME sniffing, no referrer to other sites.
pub(crate) fn security_headers(h: &mut HeaderMap, path: &str) {
    use axum::http::HeaderValue;
    // The vendored Swagger UI bootstraps itself with an inline script.
    let csp = if path.starts_with("/api/docs") {
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
    } else {
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    };
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
}

/// A response that sends the browser elsewhere (303 See Other), optionally with a flash message key.
///
/// `to` is built by the server (a fixed path, or a user-given target that went through [`safe_next`] or
/// `url_encode`); should it still not be a valid header value, the browser is sent to `/` — a redirect never
/// fails with a 500.
pub fn see_other(ctx: &Ctx, to: &str, flash: Option<&str>) -> Response {
    use axum::http::{HeaderValue, StatusCode};
    let location = HeaderValue::from_str(to).unwrap_or_else(|_| {
        tracing::warn!(to, "redirect target is not a header value; sent to /");
        HeaderValue::from_static("/")
    });
    let mut resp = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    if let Some(key) = flash
        && let Ok(v) = set_cookie(FLASH_COOKIE, key, Some(60), ctx.secure, true).parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// The one gate for every redirect to a user-given target (`next=` after log-in, a language switch, the log-in
/// page's own `next`): the target is kept only when it is a path of this site, else `/`.
///
/// Kept: text that starts with one `/`, holds no control character (browsers drop tabs and line breaks from
/// URLs — WHATWG URL Standard, "basic URL parser" — so `/<TAB>/evil` would become `//evil`, another host), no
/// backslash (read as `/` by browsers in http URLs), no empty path segment (`//`) and no dot segment (`.`, `..`,
/// `%2e`: the URL Standard resolves them, which could produce `//host`). So normalisation leaves the path as it
/// is and it can never name an authority. Spaces and non-ASCII characters are percent-encoded (UTF-8), so the
/// result is always a valid `Location` header value.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(same_site_path).unwrap_or_else(|| "/".to_owned())
}

fn same_site_path(n: &str) -> Option<String> {
    if !n.starts_with('/') || n.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    let path = n.split(['?', '#']).next().unwrap_or("");
    let dot = |seg: &str| {
        let s = seg.to_ascii_lowercase().replace("%2e", ".");
        s == "." || s == ".."
    };
    // The first segment is the empty one before the leading `/`; an empty one later is a `//`.
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    if segments
        .iter()
        .enumerate()
        .any(|(i, seg)| (seg.is_empty() && i != last) || dot(seg))
    {
        return None;
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Some(out)
}

/// Whether `next` is what [`safe_next`] may return: a same-origin path a browser cannot read as another host.
pub fn is_safe_path(next: &str) -> bool {
    same_site_path(next).as_deref() == Some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_this_site() {
        assert_eq!(safe_next(Some("/enterprises?q=a")), "/enterprises?q=a");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn targets_that_a_browser_would_take_off_site_or_that_break_the_header_are_refused() {
        for bad in [
            "/\t/127.0.0.1:18099/x",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\0",
            "/\u{b}",
            "/\u{c}",
            "/\u{7f}",
            "/\u{85}",
            "/a\\b",
            "/.//evil.example",
            "/%2e//evil.example",
            "/a/..//evil.example",
            "/x//y",
            "/./",
            "/../",
            "",
            "evil",
            " /x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(
            safe_next(Some("/targets/x?period=2019&a=/b")),
            "/targets/x?period=2019&a=/b"
        );
        assert_eq!(safe_next(Some("/plan/")), "/plan/");
        assert_eq!(safe_next(Some("/企业 a")), "/%E4%BC%81%E4%B8%9A%20a");
        assert!(is_safe_path("/"));
        assert!(!is_safe_path("//x"));
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(cross_site(&h));
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(cross_site(&h));
    }

    #[test]
    fn the_form_token_is_found_among_fields() {
        assert_eq!(form_token(b"a=1&_csrf=abc&b=2").as_deref(), Some("abc"));
        assert_eq!(form_token(b"a=1"), None);
        assert!(
            constant_time_eq("abc", "abc") && !constant_time_eq("abc", "abd") && !constant_time_eq("a", "ab")
        );
    }
}
