//! The complete authorisation matrix: every route of `routes::routes()` × every role (and the public), with the
//! expected answer derived from the route's declared access by an independent table here — so a new route is
//! tested the moment it is added, and a handler that does not enforce its declaration fails.
//!
//! Allowed means the request got past authorisation: not 401, not 403, not a redirect to the log-in page, and
//! no server error. Denied means 401 (API) or a redirect to the log-in page (pages) for the public, and 403 for
//! signed-in users. Scoped routes are tried with the caller's own department or enterprise and with another.

use plantrack_app::Role;
use plantrack_web::routes::{Access, routes};
use reqwest::Method;

use crate::helpers::{Caller, Fixtures, TestApp, all_apps, form_token, login, public, username};

/// Who may, by declaration. `own` says whether the path's department or enterprise is the caller's own.
fn allowed(access: Access, role: Option<Role>, own: bool) -> bool {
    use Access as A;
    use Role as R;
    match (access, role) {
        (A::Public, _) => true,
        (_, None) => false,
        (A::SignedIn, Some(_)) => true,
        (A::Internal, Some(r)) => matches!(r, R::Admin | R::Department | R::Leader),
        (A::Audit, Some(r)) => matches!(r, R::Admin | R::Leader),
        (A::EditRegistries | A::Accounts | A::ManageSupervision | A::ManagePlans, Some(r)) => r == R::Admin,
        (A::EnterData, Some(r)) => matches!(r, R::Admin | R::Department),
        (A::OwnDepartment, Some(r)) => r == R::Admin || (r == R::Department && own),
        (A::ViewEnterprise, Some(r)) => {
            matches!(r, R::Admin | R::Department | R::Leader) || (r == R::Enterprise && own)
        }
        (A::EditEnterprise, Some(r)) => r == R::Admin || (r == R::Enterprise && own),
    }
}

/// One concrete request of a route.
pub(crate) struct Case {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) own: bool,
}

/// The concrete requests of a route: placeholders filled from the fixtures; registry routes for every registry;
/// scoped routes with the caller's own scope and another one.
pub(crate) fn cases(method: &str, path: &str, fx: &Fixtures) -> Vec<Case> {
    let method: Method = method.parse().unwrap();
    let mut out = Vec::new();
    let registries: Vec<&str> = if path.contains("{registry}") {
        crate::helpers::REGISTRIES.to_vec()
    } else {
        vec![""]
    };
    for reg in registries {
        let fill = |dept: &str, uscc: &str| {
            let id = if path.starts_with("/accounts/tokens/") {
                fx.token_id
            } else if path.starts_with("/accounts/") {
                fx.leader_id
            } else {
                fx.rows.get(reg).copied().unwrap_or(1)
            };
            path.replace("{target}", "rd_intensity")
                .replace("{lang}", "en")
                .replace("{*path}", "app.css")
                .replace("{registry}", reg)
                .replace("{id}", &id.to_string())
                .replace("{kind}", "talents")
                .replace("{dept}", dept)
                .replace("{uscc}", uscc)
                .replace("{item}", "t2_incubators")
                .replace("{inspection}", "2019q3")
                .replace("{n}", "1")
                .replace("{no}", "1")
                .replace("{plan}", "shuangtaizi_2018_2020")
        };
        out.push(Case {
            method: method.clone(),
            path: fill(&fx.dept, &fx.uscc),
            own: true,
        });
        if path.contains("{dept}") {
            out.push(Case {
                method: method.clone(),
                path: fill(&fx.other_dept, &fx.uscc),
                own: false,
            });
        }
        if path.contains("{uscc}") {
            out.push(Case {
                method: method.clone(),
                path: fill(&fx.dept, &fx.other_uscc),
                own: false,
            });
        }
    }
    out
}

/// What the server answered, classified.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Allowed(u16),
    Denied(u16),
    ServerError(u16),
}

async fn ask(app: &TestApp, caller: &Caller, case: &Case, body_uscc: &str) -> Answer {
    let url = format!("{}{}", app.base(), case.path);
    let api = case.path.starts_with("/api/");
    let mut req = caller.http.request(case.method.clone(), &url);
    if case.method != Method::GET {
        if api {
            let body = match case.path.as_str() {
                "/api/v1/enterprises" => {
                    serde_json::json!({"uscc": body_uscc, "name": "矩阵测试企业"}).to_string()
                }
                "/api/v1/observations" => "[]".to_owned(),
                _ => "{}".to_owned(),
            };
            req = req.header("content-type", "application/json").body(body);
            if let Some(t) = &caller.csrf {
                req = req.header("x-csrf-token", t);
            }
        } else {
            let mut token = caller.csrf.clone();
            if token.is_none() && case.path == "/login" {
                // The log-in form's own token (double submit with the cookie the form sets).
                let html = caller
                    .http
                    .get(format!("{}/login", app.base()))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                token = form_token(&html);
            }
            let body = format!("_csrf={}", token.unwrap_or_default());
            req = req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
        }
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if status >= 500 {
        let text = resp.text().await.unwrap_or_default();
        eprintln!(
            "{} {} → {status}: {}",
            case.method,
            case.path,
            text.chars().take(300).collect::<String>()
        );
        return Answer::ServerError(status);
    }
    if status == 401 || status == 403 || (status == 303 && location.starts_with("/login")) {
        Answer::Denied(status)
    } else {
        Answer::Allowed(status)
    }
}

/// Signs the role in again (after a route that ends the session).
async fn caller_for(app: &TestApp, role: Option<Role>) -> Caller {
    match role {
        Some(r) => login(app.base(), username(r)).await,
        None => public(),
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_declared() {
    for app in all_apps().await {
        let roles = [
            None,
            Some(Role::Admin),
            Some(Role::Department),
            Some(Role::Leader),
            Some(Role::Enterprise),
        ];
        let mut failures = Vec::new();
        let mut checked = 0;
        for role in roles {
            let mut caller = caller_for(&app, role).await;
            for def in routes() {
                for case in cases(def.method, def.path, &app.fx) {
                    // The enterprise user writes its own enterprise; the others write another one.
                    let own_body = case.own && role == Some(Role::Enterprise);
                    let body_uscc = if own_body {
                        app.fx.uscc.clone()
                    } else {
                        app.fx.other_uscc.clone()
                    };
                    let own = if def.access == Access::EditEnterprise {
                        own_body
                    } else {
                        case.own
                    };
                    let expect = allowed(def.access, role, own);
                    let got = ask(&app, &caller, &case, &body_uscc).await;
                    checked += 1;
                    let ok = match (&got, expect) {
                        (Answer::Allowed(s), true) => ![404, 405].contains(s),
                        (Answer::Denied(s), false) => match role {
                            None => *s == 401 || *s == 303,
                            Some(_) => *s == 403,
                        },
                        _ => false,
                    };
                    if !ok {
                        failures.push(format!(
                            "{:?} {} {} (own scope: {own}): expected {}, got {got:?}",
                            role,
                            case.method,
                            case.path,
                            if expect { "allowed" } else { "denied" }
                        ));
                    }
                    if def.path.contains("logout")
                        || (def.path == "/api/v1/session" && def.method == "DELETE")
                        || (def.path == "/login" && def.method == "POST")
                    {
                        caller = caller_for(&app, role).await;
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {checked} cases wrong:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(checked > 500, "only {checked} cases");
        app.finish().await;
    }
}

#[tokio::test]
async fn bearer_tokens_carry_their_users_role_through_the_api() {
    let app = crate::helpers::sqlite_app().await;
    let system = plantrack_app::Principal::system();
    for role in [Role::Admin, Role::Department, Role::Leader, Role::Enterprise] {
        let (token, _) = plantrack_app::accounts::create_token(&app.db.store, &system, username(role), "t")
            .await
            .unwrap();
        let http = crate::helpers::client();
        for def in routes()
            .iter()
            .filter(|d| d.path.starts_with("/api/v1/") && d.method == "GET")
        {
            for case in cases(def.method, def.path, &app.fx) {
                let resp = http
                    .get(format!("{}{}", app.base(), case.path))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                let s = resp.status().as_u16();
                let expect = allowed(def.access, Some(role), case.own);
                assert!(s < 500, "{role:?} {}: {s}", case.path);
                assert_eq!(
                    s != 403 && s != 401,
                    expect,
                    "{role:?} bearer {} → {s}",
                    case.path
                );
            }
        }
    }
    // A wrong or revoked token is refused outright.
    let resp = crate::helpers::client()
        .get(format!("{}/api/v1/plan", app.base()))
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    app.finish().await;
}

#[test]
fn the_openapi_document_lists_exactly_the_api_routes_of_the_table() {
    let doc = plantrack_web::api::openapi();
    let mut documented: Vec<String> = doc
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            let mut m = Vec::new();
            if item.get.is_some() {
                m.push(format!("GET {path}"));
            }
            if item.post.is_some() {
                m.push(format!("POST {path}"));
            }
            if item.put.is_some() {
                m.push(format!("PUT {path}"));
            }
            if item.delete.is_some() {
                m.push(format!("DELETE {path}"));
            }
            m
        })
        .collect();
    let mut table: Vec<String> = routes()
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    documented.sort();
    table.sort();
    assert_eq!(documented, table);
}
