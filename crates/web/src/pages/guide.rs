//! The user guide (使用指南), reachable from every page's help link: `docs/guide.zh-CN.md` or `docs/guide.en.md`,
//! compiled in and rendered by the small Markdown renderer. Each page's help link points at its section.

use std::sync::LazyLock;

use askama::Template;
use axum::response::Response;

use crate::ctx::Ctx;
use crate::i18n::Lang;
use crate::layout::{Chrome, render};

static ZH: LazyLock<String> =
    LazyLock::new(|| crate::markdown::to_html(include_str!("../../../../docs/guide.zh-CN.md")));
static EN: LazyLock<String> =
    LazyLock::new(|| crate::markdown::to_html(include_str!("../../../../docs/guide.en.md")));

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    c: Chrome,
    body: &'static str,
}

/// `GET /guide`.
pub async fn show(ctx: Ctx) -> Response {
    let body: &'static str = match ctx.lang {
        Lang::Zh => ZH.as_str(),
        Lang::En => EN.as_str(),
    };
    render(&GuidePage {
        c: Chrome::new(&ctx, "guide.title", "start"),
        body,
    })
}
