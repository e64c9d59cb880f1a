//! The one table of routes. The router is built from it, and the authorisation-matrix test walks it (every route ×
//! every role), so a route cannot be added without declaring who may use it — and the declaration is tested
//! against what the handler's use case actually enforces.
//!
//! **Adding routes** (e.g. issue 6's supervision pages): append [`RouteDef`]s to [`routes`] (or write a
//! `pub fn routes() -> Vec<RouteDef>` in your module and chain it in here). Page paths use the chrome of
//! `layout.rs`; API paths start with `/api/v1/` and also need an entry in `api::ApiDoc`'s `paths(...)`.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, delete, get, post, put};

use crate::{AppState, api, assets, pages};

/// Who a route declares it is for. The handler's use case enforces it; the matrix test checks both agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// Internal users: admin, department, leader (`ViewInternal`).
    Internal,
    /// The audit log: admin, leader (`ViewAudit`).
    Audit,
    /// Registry editors: admin (`EditRegistries`).
    EditRegistries,
    /// Data entry: admin, department (`EnterObservations`).
    EnterData,
    /// A department's own pages (`{dept}` in the path): admin, and the department user of that department.
    OwnDepartment,
    /// One enterprise (`{uscc}` in the path): internal users, and the enterprise itself (`ViewEnterprise`).
    ViewEnterprise,
    /// Writing one enterprise's data (USCC in the body): admin, and the enterprise itself (`EditEnterprise`).
    EditEnterprise,
    /// Accounts: admin (`ManageAccounts`).
    Accounts,
    /// Supervision management — issue reports, decide appeals: admin (`ManageSupervision`).
    ManageSupervision,
    /// Drafting a new plan from a policy text (规划起草): admin (`ManagePlans`).
    ManagePlans,
}

/// One route: method, path (axum syntax), declared access, and the handler.
pub struct RouteDef {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// Path with `{param}` segments.
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
    /// The handler as a method router.
    pub handler: fn() -> MethodRouter<AppState>,
}

const fn r(
    method: &'static str,
    path: &'static str,
    access: Access,
    handler: fn() -> MethodRouter<AppState>,
) -> RouteDef {
    RouteDef {
        method,
        path,
        access,
        handler,
    }
}

/// Every route of the application.
pub fn routes() -> Vec<RouteDef> {
    use Access as A;
    vec![
        // Public pages.
        r("GET", "/", A::Public, || get(pages::dashboard::show)),
        r("GET", "/targets/{target}", A::Public, || {
            get(pages::targets::show)
        }),
        r("GET", "/plan", A::Public, || get(pages::plan::show)),
        r("GET", "/guide", A::Public, || get(pages::guide::show)),
        r("GET", "/lang/{lang}", A::Public, || {
            get(pages::auth::switch_language)
        }),
        r("GET", "/static/{*path}", A::Public, || get(assets::serve_asset)),
        r("GET", "/healthz", A::Public, || get(pages::health)),
        r("GET", "/login", A::Public, || get(pages::auth::login_form)),
        r("POST", "/login", A::Public, || post(pages::auth::login)),
        r("POST", "/logout", A::SignedIn, || post(pages::auth::logout)),
        // Enterprises.
        r("GET", "/enterprises", A::Internal, || {
            get(pages::enterprises::list)
        }),
        r("GET", "/enterprises/pool", A::Internal, || {
            get(pages::enterprises::pool)
        }),
        r("GET", "/enterprises/{uscc}", A::ViewEnterprise, || {
            get(pages::enterprises::show)
        }),
        // Registries.
        r("GET", "/registries/{registry}", A::Internal, || {
            get(pages::registries::list)
        }),
        r("POST", "/registries/{registry}", A::EditRegistries, || {
            post(pages::registries::create)
        }),
        r("GET", "/registries/{registry}/new", A::EditRegistries, || {
            get(pages::registries::new_form)
        }),
        r(
            "GET",
            "/registries/{registry}/{id}/edit",
            A::EditRegistries,
            || get(pages::registries::edit_form),
        ),
        r("POST", "/registries/{registry}/{id}", A::EditRegistries, || {
            post(pages::registries::update)
        }),
        r(
            "GET",
            "/registries/{registry}/{id}/delete",
            A::EditRegistries,
            || get(pages::registries::confirm_delete),
        ),
        r(
            "POST",
            "/registries/{registry}/{id}/delete",
            A::EditRegistries,
            || post(pages::registries::delete),
        ),
        // Data entry.
        r("GET", "/data", A::EnterData, || get(pages::data::index)),
        r("GET", "/data/{dept}", A::OwnDepartment, || get(pages::data::grid)),
        r("POST", "/data/{dept}", A::OwnDepartment, || {
            post(pages::data::save)
        }),
        // Import.
        r("GET", "/imports", A::EditRegistries, || get(pages::imports::form)),
        r("POST", "/imports", A::EditRegistries, || {
            post(pages::imports::upload)
        }),
        r("GET", "/imports/templates/{kind}", A::Internal, || {
            get(pages::imports::template)
        }),
        // Stored plans, and drafting a new one from a policy text (issue 7). `/plans/new` is matched before
        // `/plans/{plan}` (a static segment wins in axum).
        r("GET", "/plans", A::Internal, || get(pages::plans::list)),
        r("GET", "/plans/new", A::ManagePlans, || get(pages::drafts::form)),
        r("POST", "/plans/new", A::ManagePlans, || {
            post(pages::drafts::review)
        }),
        r("POST", "/plans/accept", A::ManagePlans, || {
            post(pages::drafts::accept)
        }),
        r("GET", "/plans/{plan}", A::Internal, || get(pages::plans::show)),
        r("GET", "/plans/{plan}/file", A::Internal, || {
            get(pages::plans::download)
        }),
        // Audit log.
        r("GET", "/audit", A::Audit, || get(pages::audit::list)),
        // Accounts.
        r("GET", "/accounts", A::Accounts, || get(pages::accounts::list)),
        r("POST", "/accounts", A::Accounts, || post(pages::accounts::create)),
        r("GET", "/accounts/new", A::Accounts, || {
            get(pages::accounts::new_form)
        }),
        r("GET", "/accounts/{id}/edit", A::Accounts, || {
            get(pages::accounts::edit_form)
        }),
        r("POST", "/accounts/{id}", A::Accounts, || {
            post(pages::accounts::update)
        }),
        r("POST", "/accounts/{id}/tokens", A::Accounts, || {
            post(pages::accounts::create_token)
        }),
        r("POST", "/accounts/tokens/{id}/revoke", A::Accounts, || {
            post(pages::accounts::revoke_token)
        }),
        // Supervision (督导检查, issue 6): workflow steps are `Internal` at the door; the use case decides who may
        // take which step on which item.
        r("GET", "/supervision", A::Internal, || {
            get(pages::supervision::show_board)
        }),
        r("GET", "/supervision/todo", A::Internal, || {
            get(pages::supervision::show_todo)
        }),
        r("POST", "/supervision/inbox/read", A::Internal, || {
            post(pages::supervision::post_read)
        }),
        r("GET", "/supervision/digest", A::Internal, || {
            get(pages::supervision::show_digest)
        }),
        r("GET", "/supervision/items/{item}", A::Internal, || {
            get(pages::supervision::show_item)
        }),
        r("POST", "/supervision/items/{item}/step", A::Internal, || {
            post(pages::supervision::take_step)
        }),
        r("POST", "/supervision/items/{item}/report", A::Internal, || {
            post(pages::supervision::submit_report)
        }),
        r("GET", "/supervision/attachments/{id}", A::Internal, || {
            get(pages::supervision::download_attachment)
        }),
        r("GET", "/supervision/inspections", A::Internal, || {
            get(pages::supervision::show_inspections)
        }),
        r("POST", "/supervision/inspections", A::ManageSupervision, || {
            post(pages::supervision::post_inspection)
        }),
        r(
            "POST",
            "/supervision/inspections/{inspection}/findings",
            A::ManageSupervision,
            || post(pages::supervision::post_finding),
        ),
        r("GET", "/supervision/scores", A::Internal, || {
            get(pages::supervision::show_scores)
        }),
        r("POST", "/supervision/appeals", A::Internal, || {
            post(pages::supervision::post_appeal)
        }),
        r(
            "POST",
            "/supervision/appeals/{n}/decide",
            A::ManageSupervision,
            || post(pages::supervision::post_decision),
        ),
        r("GET", "/supervision/reports", A::Internal, || {
            get(pages::supervision::show_reports)
        }),
        r("POST", "/supervision/reports", A::ManageSupervision, || {
            post(pages::supervision::post_issue)
        }),
        r("GET", "/supervision/reports/{no}", A::Internal, || {
            get(pages::supervision::show_report)
        }),
        r("GET", "/supervision/reports/{no}/file", A::Internal, || {
            get(pages::supervision::download_issued)
        }),
        r("GET", "/supervision/report-file", A::Internal, || {
            get(pages::supervision::download_current)
        }),
        // JSON API.
        r("GET", "/api/v1/openapi.json", A::Public, || {
            get(api::openapi_json)
        }),
        r("POST", "/api/v1/session", A::Public, || post(api::session::login)),
        r("GET", "/api/v1/session", A::SignedIn, || {
            get(api::session::whoami)
        }),
        r("DELETE", "/api/v1/session", A::SignedIn, || {
            delete(api::session::logout)
        }),
        r("GET", "/api/v1/status", A::Public, || get(api::status::status)),
        r("GET", "/api/v1/plan", A::Public, || get(api::plan::plan)),
        r("GET", "/api/v1/enterprises", A::Internal, || {
            get(api::enterprises::list)
        }),
        r("POST", "/api/v1/enterprises", A::EditEnterprise, || {
            post(api::enterprises::upsert)
        }),
        r("GET", "/api/v1/enterprises/pool", A::Internal, || {
            get(api::enterprises::pool)
        }),
        r("GET", "/api/v1/enterprises/{uscc}", A::ViewEnterprise, || {
            get(api::enterprises::show)
        }),
        r(
            "GET",
            "/api/v1/enterprises/{uscc}/evaluation",
            A::ViewEnterprise,
            || get(api::enterprises::evaluation),
        ),
        r("POST", "/api/v1/observations", A::EnterData, || {
            post(api::observations::upsert)
        }),
        r("POST", "/api/v1/imports/{kind}", A::EditRegistries, || {
            post(api::imports::import)
        }),
        r("POST", "/api/v1/extract", A::ManagePlans, || {
            post(api::extract::extract)
        }),
        r("GET", "/api/v1/audit", A::Audit, || get(api::audit::list)),
        r("GET", "/api/v1/{registry}", A::Internal, || {
            get(api::registries::list)
        }),
        r("POST", "/api/v1/{registry}", A::EditRegistries, || {
            post(api::registries::create)
        }),
        r("GET", "/api/v1/{registry}/{id}", A::Internal, || {
            get(api::registries::show)
        }),
        r("PUT", "/api/v1/{registry}/{id}", A::EditRegistries, || {
            put(api::registries::update)
        }),
        r("DELETE", "/api/v1/{registry}/{id}", A::EditRegistries, || {
            delete(api::registries::delete)
        }),
    ]
}

/// The router: every route of the table, the API documentation UI, a JSON/HTML 404, behind the guard.
pub fn router(state: AppState) -> Router {
    router_with(state, Router::new())
}

/// [`router`] with `extra` routes behind the same layers — for tests that need a route the application does
/// not have (one that panics, say).
#[doc(hidden)]
pub fn router_with(state: AppState, extra: Router<AppState>) -> Router {
    let mut router: Router<AppState> = extra;
    for def in routes() {
        router = router.route(def.path, (def.handler)());
    }
    // The UI only (vendored, nothing from the network); the document itself is the table's `openapi.json` route.
    let docs: Router<AppState> = utoipa_swagger_ui::SwaggerUi::new("/api/docs")
        .config(utoipa_swagger_ui::Config::from("/api/v1/openapi.json"))
        .into();
    router
        .merge(docs)
        .fallback(pages::not_found)
        // The guard enforces the limits itself (413 in JSON or HTML); extractors must not cut below it.
        .layer(DefaultBodyLimit::max(
            state.config().max_upload_bytes.max(state.config().max_body_bytes),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::ctx::guard,
        ))
        // Outermost: a panic anywhere inside becomes a logged 500 with the error body of its path.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            crate::panic::caught,
        ))
        .layer(axum::middleware::from_fn(crate::panic::error_body))
        .with_state(state)
}
