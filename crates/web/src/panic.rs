//! A panic in a handler (or in the guard) becomes a logged 500 with the usual error body — JSON under `/api/`, an
//! HTML page elsewhere — never a dropped connection. tower-http's `CatchPanicLayer` catches the unwind; its
//! response carries a marker that [`error_body`], the outermost layer, replaces by the body the path calls for.

use std::any::Any;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use plantrack_app::AppError;

use crate::ctx::{Ctx, is_api, security_headers};
use crate::i18n::Lang;

/// Marks the response that stands for a caught panic.
#[derive(Debug, Clone, Copy)]
struct Panicked;

/// The response of `CatchPanicLayer`: logs the panic's message (never shown to the caller), marks the response.
#[allow(clippy::needless_pass_by_value)] // the signature CatchPanicLayer::custom asks for
pub fn caught(err: Box<dyn Any + Send + 'static>) -> Response {
    let message = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "a request handler panicked");
    let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    resp.extensions_mut().insert(Panicked);
    resp
}

/// Gives a caught panic's 500 the error body of the path: JSON for the API, a page otherwise.
pub async fn error_body(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let lang = Lang::from_headers(req.headers());
    let resp = next.run(req).await;
    if resp.extensions().get::<Panicked>().is_none() {
        return resp;
    }
    let err = AppError::Unexpected("a request handler panicked".into());
    let mut resp = if is_api(&path) {
        crate::error::json_error(&err)
    } else {
        let mut ctx = Ctx::public();
        ctx.lang = lang;
        crate::pages::error_page(&ctx, &err)
    };
    security_headers(resp.headers_mut(), &path);
    resp
}
