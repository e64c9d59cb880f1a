//! Accounts and sessions: no server state outside the store (two instances on one database share sessions,
//! throttling and caches), cookie flags, CSRF, throttling, and log-in answers that reveal nothing.

use plantrack_store::testing::TestDb;
use plantrack_web::WebConfig;

use crate::helpers::{PASSWORD, Server, app_on, client, login};

#[tokio::test]
async fn two_instances_on_one_database_share_sessions_throttling_and_data() {
    for db in TestDb::all().await {
        let second_store = db.reopen().await.unwrap();
        let a = app_on(db).await;
        let b = Server::start(second_store, WebConfig::default()).await;

        // Log in on A, use the session on B (cookies are per host, not per port).
        let caller = login(a.base(), "tongji_user").await;
        let who: serde_json::Value = caller
            .http
            .get(format!("{}/api/v1/session", b.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(who["username"], "tongji_user");
        assert_eq!(who["role"], "department");

        // A write on B is seen by A at once (the data version invalidates A's cache).
        let before: serde_json::Value = client()
            .get(format!("{}/api/v1/status?period=2019", a.base()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let resp = caller
            .http
            .post(format!("{}/api/v1/observations", b.base))
            .header("x-csrf-token", caller.csrf.clone().unwrap())
            .json(&serde_json::json!([{"org_unit": "211102", "period": "2019", "data_element": "gdp", "value": "1"}]))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        let after: serde_json::Value = client()
            .get(format!("{}/api/v1/status?period=2019", a.base()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let rd = |v: &serde_json::Value| v["targets"][0]["value"].clone();
        assert_ne!(
            rd(&before),
            rd(&after),
            "R&D intensity must change when GDP changes"
        );

        // Log out on A: the session is gone on B too.
        let resp = caller
            .http
            .delete(format!("{}/api/v1/session", a.base()))
            .header("x-csrf-token", caller.csrf.clone().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204);
        let resp = caller
            .http
            .get(format!("{}/api/v1/session", b.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);

        // Throttling counted on A locks the user on B.
        for _ in 0..5 {
            let r = client()
                .post(format!("{}/api/v1/session", a.base()))
                .json(&serde_json::json!({"username": "leader", "password": "wrong-password"}))
                .send()
                .await
                .unwrap();
            assert!(r.status() == 401 || r.status() == 429, "{}", r.status());
        }
        let r = client()
            .post(format!("{}/api/v1/session", b.base))
            .json(&serde_json::json!({"username": "leader", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 429, "the right password is refused while locked");
        assert!(r.headers().get("retry-after").is_some());
        b.stop().await;
        a.finish().await;
    }
}

#[tokio::test]
async fn session_cookies_are_http_only_strict_and_secure_behind_tls() {
    let app = crate::helpers::sqlite_app().await;
    for (proto, secure) in [(None, false), (Some("https"), true)] {
        let mut req = client()
            .post(format!("{}/api/v1/session", app.base()))
            .json(&serde_json::json!({"username": "admin", "password": PASSWORD}));
        if let Some(p) = proto {
            req = req.header("x-forwarded-proto", p);
        }
        let resp = req.send().await.unwrap();
        let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("pt_session="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        assert_eq!(cookie.contains("Secure"), secure, "{cookie}");
    }
    app.finish().await;
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_get_the_same_answer() {
    let app = crate::helpers::sqlite_app().await;
    let mut bodies = Vec::new();
    for (user, pw) in [("nobody", "whatever-123"), ("admin", "wrong-password")] {
        let resp = client()
            .post(format!("{}/api/v1/session", app.base()))
            .json(&serde_json::json!({"username": user, "password": pw}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
        bodies.push(resp.text().await.unwrap());
    }
    assert_eq!(bodies[0], bodies[1]);
    app.finish().await;
}

#[tokio::test]
async fn state_changes_need_the_csrf_token_and_the_same_site() {
    let app = crate::helpers::sqlite_app().await;
    let caller = login(app.base(), "admin").await;
    let url = format!("{}/api/v1/talents", app.base());
    let body = serde_json::json!({"name": "测试", "category": "其他", "introduced_on": "2019-03-01", "org_unit_code": "211102"});
    // Cookie without token: refused.
    let r = caller.http.post(&url).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // Wrong token: refused.
    let r = caller
        .http
        .post(&url)
        .header("x-csrf-token", "0".repeat(64))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Right token, but from another site: refused.
    let r = caller
        .http
        .post(&url)
        .header("x-csrf-token", caller.csrf.clone().unwrap())
        .header("origin", "http://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = caller
        .http
        .post(&url)
        .header("x-csrf-token", caller.csrf.clone().unwrap())
        .header("sec-fetch-site", "cross-site")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Right token from this site: created.
    let r = caller
        .http
        .post(&url)
        .header("x-csrf-token", caller.csrf.clone().unwrap())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    // A page form without its token is refused too.
    let r = caller
        .http
        .post(format!("{}/registries/talents", app.base()))
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The log-in form without its double-submit token is refused.
    let r = client()
        .post(format!("{}/login", app.base()))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    app.finish().await;
}

#[tokio::test]
async fn the_login_form_signs_in_and_follows_only_local_next() {
    let app = crate::helpers::sqlite_app().await;
    let http = client();
    let html = http
        .get(format!("{}/login?next=//evil.example/x", app.base()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::form_token(&html).unwrap();
    let r = http
        .post(format!("{}/login", app.base()))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", "admin"),
            ("password", PASSWORD),
            ("next", "//evil.example/x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
    let r = http.get(format!("{}/accounts", app.base())).send().await.unwrap();
    assert_eq!(r.status(), 200);
    app.finish().await;
}
