//! The page chrome every HTML page shares (`templates/base.html`): title, navigation, language switch, help link,
//! the signed-in user with the log-out button, and the flash message.
//!
//! **Adding a section** (e.g. the supervision pages of issue 6): add one [`NavEntry`] to [`NAV`] (its label key in
//! both catalogs under `nav.*`), give each page template `{% extends "base.html" %}` and a field `c: Chrome` built
//! with [`Chrome::new`], and add the routes to the table in `routes.rs`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use plantrack_app::{Permission, Principal, Role};

use crate::ctx::{AuthVia, Ctx};
use crate::i18n::Tr;

/// One entry of the main navigation: its label key and, for a caller who may see it, its link.
pub struct NavEntry {
    /// Catalog key of the label.
    pub key: &'static str,
    /// The link for this caller, or `None` to hide the entry (hiding is cosmetic: the use cases enforce access).
    pub link: fn(&Principal) -> Option<String>,
}

fn internal(p: &Principal) -> bool {
    p.can(&Permission::ViewInternal)
}

/// The main navigation, in order.
pub const NAV: &[NavEntry] = &[
    NavEntry {
        key: "nav.dashboard",
        link: |_| Some("/".into()),
    },
    NavEntry {
        key: "nav.plan",
        link: |_| Some("/plan".into()),
    },
    NavEntry {
        key: "nav.enterprises",
        link: |p| {
            if internal(p) {
                Some("/enterprises".into())
            } else if let Principal::User {
                enterprise: Some(u), ..
            } = p
            {
                Some(format!("/enterprises/{u}"))
            } else {
                None
            }
        },
    },
    NavEntry {
        key: "nav.pool",
        link: |p| internal(p).then(|| "/enterprises/pool".into()),
    },
    NavEntry {
        key: "nav.registries",
        link: |p| internal(p).then(|| "/registries/talents".into()),
    },
    NavEntry {
        key: "nav.supervision",
        link: |p| {
            internal(p).then(|| {
                if matches!(
                    p,
                    Principal::User {
                        role: Role::Department,
                        ..
                    }
                ) {
                    "/supervision/todo".into()
                } else {
                    "/supervision".into()
                }
            })
        },
    },
    NavEntry {
        key: "nav.data",
        link: |p| p.can(&Permission::EnterObservations).then(|| "/data".into()),
    },
    NavEntry {
        key: "nav.imports",
        link: |p| p.can(&Permission::EditRegistries).then(|| "/imports".into()),
    },
    NavEntry {
        key: "nav.plans",
        link: |p| internal(p).then(|| "/plans".into()),
    },
    NavEntry {
        key: "nav.audit",
        link: |p| p.can(&Permission::ViewAudit).then(|| "/audit".into()),
    },
    NavEntry {
        key: "nav.accounts",
        link: |p| p.can(&Permission::ManageAccounts).then(|| "/accounts".into()),
    },
];

/// A rendered navigation link.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Label.
    pub label: &'static str,
    /// Target.
    pub href: String,
    /// The current section.
    pub current: bool,
}

/// What `base.html` needs.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// Translator.
    pub tr: Tr,
    /// Page title (already translated).
    pub title: String,
    /// Navigation for this caller.
    pub nav: Vec<NavLink>,
    /// Signed-in user's name and role label.
    pub user: Option<(String, &'static str)>,
    /// Form token.
    pub csrf: String,
    /// The language switch link.
    pub lang_href: String,
    /// Label of the other language.
    pub lang_label: &'static str,
    /// `lang` attribute of that label.
    pub lang_code: &'static str,
    /// The help link (user guide section).
    pub help_href: String,
    /// A message from the previous action.
    pub flash: Option<&'static str>,
    /// Which day the supervision pages show, when it is not today (the demo's, or fixed by `--today`).
    pub clock_note: Option<String>,
    /// For admins: the audit chain was found broken (the message, already translated).
    pub chain_alarm: Option<String>,
}

/// Catalog key of a role's name.
pub fn role_key(r: Role) -> &'static str {
    match r {
        Role::Admin => "role.admin",
        Role::Department => "role.department",
        Role::Leader => "role.leader",
        Role::Enterprise => "role.enterprise",
    }
}

fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Chrome {
    /// The chrome of a page titled by catalog key `title_key`, whose help is the guide's section `help`.
    pub fn new(ctx: &Ctx, title_key: &str, help: &str) -> Chrome {
        let tr = Tr::new(ctx.lang);
        Chrome::titled(ctx, tr.t(title_key).to_owned(), help)
    }

    /// The chrome of a page with a title that is data (an enterprise's name, a target's name).
    pub fn titled(ctx: &Ctx, title: String, help: &str) -> Chrome {
        let tr = Tr::new(ctx.lang);
        let path = ctx.uri.split('?').next().unwrap_or("/");
        let mut nav: Vec<NavLink> = NAV
            .iter()
            .filter_map(|e| {
                (e.link)(&ctx.principal).map(|href| NavLink {
                    label: tr.t(e.key),
                    href,
                    current: false,
                })
            })
            .collect();
        // The current section: the longest link that is the path or a parent of it, else the same first segment.
        let seg = |p: &str| {
            p.trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or("")
                .to_owned()
        };
        let base_of = |l: &NavLink| l.href.split('?').next().unwrap_or("").to_owned();
        let best = nav
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                let b = base_of(l);
                path == b || (b != "/" && path.starts_with(&format!("{b}/")))
            })
            .max_by_key(|(_, l)| l.href.len())
            .map(|(i, _)| i)
            .or_else(|| {
                nav.iter()
                    .position(|l| !seg(path).is_empty() && seg(&base_of(l)) == seg(path))
            })
            .or_else(|| (path.starts_with("/targets/")).then_some(0));
        if let Some(i) = best {
            nav[i].current = true;
        }
        let user = match &ctx.principal {
            Principal::User { username, role, .. } => Some((username.clone(), tr.t(role_key(*role)))),
            Principal::Public => None,
        };
        let other = ctx.lang.other();
        Chrome {
            tr,
            title,
            nav,
            user,
            csrf: match &ctx.auth {
                AuthVia::Session { csrf, .. } => csrf.clone(),
                _ => String::new(),
            },
            lang_href: format!("/lang/{}?next={}", other.code(), url_encode(&ctx.uri)),
            lang_label: Tr::new(other).t("lang.name"),
            lang_code: other.code(),
            help_href: format!("/guide#{help}"),
            clock_note: ctx.clock.fixed_day().map(|day| {
                let key = if ctx.clock.is_demo() {
                    "clock.demo"
                } else {
                    "clock.fixed"
                };
                tr.t(key).replace("{day}", &day.to_string())
            }),
            chain_alarm: ctx.chain_alarm.as_ref().map(|c| {
                let message = match ctx.lang {
                    crate::i18n::Lang::Zh => c.message_zh.clone(),
                    crate::i18n::Lang::En => c.message_en.clone(),
                };
                let at = jiff::Timestamp::from_millisecond(c.at_ms)
                    .map(|t| {
                        t.to_zoned_datetime(jiff::tz::TimeZone::system())
                            .strftime("%Y-%m-%d %H:%M")
                            .to_string()
                    })
                    .unwrap_or_default();
                tr.t("audit.chain_alarm")
                    .replace("{message}", &message.unwrap_or_default())
                    .replace("{at}", &at)
            }),
            flash: ctx
                .flash
                .as_deref()
                .and_then(|k| crate::i18n::catalog(ctx.lang).get(&format!("flash.{k}")))
                .map(String::as_str),
        }
    }
}

/// Renders a template into an HTML response with `status`.
pub fn render_status(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Renders a template into a 200 HTML response.
pub fn render(t: &impl Template) -> Response {
    render_status(StatusCode::OK, t)
}
