//! Hostile input never crashes a handler: a panic becomes a logged 500 with the error body (never an empty
//! reply), a period cut inside a character is a 4xx, `next=` only ever leads to a path of this site, and query
//! and form parameters of arbitrary Unicode get an answer below 500 with a body (property tests; the count is
//! `PROPTEST_CASES`, small by default so CI stays fast — `scripts/fuzz.sh` runs them longer).

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use plantrack_app::Principal;
use plantrack_store::testing::TestDb;
use plantrack_web::{AppState, WebConfig};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tower::ServiceExt;

use crate::helpers::{TestApp, client, login, sqlite_app};

/// `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Text a hostile client might send: any Unicode, characters around the troublesome places (CJK, combining
/// marks, controls, the ends of the surrogate gap, BOM, full-width digits, URL syntax), and long runs.
fn hostile_text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '一',
        '二',
        '〇',
        '２',
        '０',
        '\u{301}',
        '\u{0}',
        '\t',
        '\n',
        '\r',
        '\u{b}',
        '\u{c}',
        '\u{7f}',
        '\u{85}',
        '\u{d7ff}',
        '\u{e000}',
        '\u{feff}',
        '\u{fffd}',
        '\u{10ffff}',
        '😀',
        '%',
        '/',
        '\\',
        '?',
        '#',
        '&',
        '=',
        '+',
        '-',
        '@',
        '.',
        ' ',
        'Q',
        'q',
        '0',
        '1',
        '2',
        '9',
        'e',
        'E',
        '(',
        ')',
        '"',
        '\'',
        '<',
        '>',
    ]);
    prop_oneof![
        4 => any::<String>(),
        4 => prop::collection::vec(special, 0..24).prop_map(|v| v.into_iter().collect()),
        2 => (prop::sample::select(vec!["2019", "2019Q4", "2019-07", "211102", "/", "/targets/"]),
              prop::collection::vec(any::<char>(), 0..6))
            .prop_map(|(p, v)| format!("{p}{}", v.into_iter().collect::<String>())),
        1 => (any::<char>(), 1000usize..5000).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
}

/// Percent-encodes every byte that is not unreserved (RFC 3986 §2.3).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Status, content type and body of one request through the router (no network).
async fn call(router: &Router, req: Request<Body>) -> (u16, String, String) {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, ct, String::from_utf8_lossy(&body).into_owned())
}

/// A handler that panics (test only).
async fn boom() -> &'static str {
    panic!("test panic: secret detail")
}

#[tokio::test]
async fn a_panicking_route_answers_500_with_the_json_or_html_error_body() {
    let db = TestDb::sqlite().await;
    let extra: Router<AppState> = Router::new()
        .route("/api/v1/test-panic", axum::routing::get(boom))
        .route("/test-panic", axum::routing::get(boom));
    let router =
        plantrack_web::routes::router_with(AppState::new(db.store.clone(), WebConfig::default()), extra);
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();

    let (status, ct, body) = call(&router, get("/api/v1/test-panic")).await;
    assert_eq!(status, 500);
    assert!(ct.starts_with("application/json"), "{ct}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "internal", "{body}");
    assert!(!body.contains("secret detail"), "{body}");

    let (status, ct, body) = call(&router, get("/test-panic")).await;
    assert_eq!(status, 500);
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(body.contains("<html") && body.contains("500"), "{body}");
    assert!(!body.contains("secret detail"), "{body}");

    // The server goes on serving.
    let (status, _, _) = call(&router, get("/healthz")).await;
    assert_eq!(status, 200);
    db.finish().await;
}

/// The supervision item of the first link on the to-do page.
async fn some_item(app: &TestApp, caller: &crate::helpers::Caller) -> String {
    let html = caller
        .http
        .get(format!("{}/supervision", app.base()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let i = html.find("/supervision/items/").expect("an item link");
    let rest = &html[i + "/supervision/items/".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_period_cut_inside_a_character_is_refused_with_4xx_everywhere() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    let bad = "20%E4%B8%808"; // 20一8
    for path in [
        "/api/v1/status?period=",
        "/?period=",
        "/targets/rd_intensity?period=",
        "/supervision/scores?period=",
        "/supervision/report-file?period=",
    ] {
        let resp = admin.http.get(format!("{base}{path}{bad}")).send().await.unwrap();
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap();
        assert!(matches!(status, 400 | 422), "{path}: {status} {body}");
        assert!(!body.is_empty(), "{path}");
    }
    let csrf = admin.csrf.clone().unwrap();
    let obs = admin
        .http
        .post(format!("{base}/api/v1/observations"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!([{"org_unit": "211102", "period": "20一8", "data_element": "gdp", "value": "1"}]))
        .send()
        .await
        .unwrap();
    assert!(matches!(obs.status().as_u16(), 400 | 422), "{}", obs.status());
    let issue = admin
        .http
        .post(format!("{base}/supervision/reports"))
        .header("x-csrf-token", &csrf)
        .form(&[("period", "20一8")])
        .send()
        .await
        .unwrap();
    assert!(matches!(issue.status().as_u16(), 400 | 422), "{}", issue.status());
    let item = some_item(&app, &admin).await;
    let form = reqwest::multipart::Form::new()
        .text("percent", "50")
        .text("text", "进展")
        .text("period", "20一8");
    let report = admin
        .http
        .post(format!("{base}/supervision/items/{item}/report"))
        .header("x-csrf-token", &csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(
        matches!(report.status().as_u16(), 400 | 422),
        "{}",
        report.status()
    );
    app.finish().await;
}

#[tokio::test]
async fn next_leads_only_to_a_path_of_this_site_and_never_to_a_500() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let http = client();
    for (next, expected) in [
        ("/%09/127.0.0.1:18099/x", "/"),
        ("/%00", "/"),
        ("/%0b", "/"),
        ("/%0c", "/"),
        ("/%7f", "/"),
        ("/%5Cevil.example", "/"),
        ("/.//evil.example", "/"),
        ("/plan", "/plan"),
    ] {
        let resp = http
            .get(format!("{base}/lang/en?next={next}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303, "{next}");
        assert_eq!(resp.headers()[header::LOCATION], expected, "{next}");
    }
    // The log-in form carries the target and the log-in follows only a safe one.
    let page = http
        .get(format!("{base}/login?next=/%09/127.0.0.1:18099/x"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(!html.contains("127.0.0.1:18099"), "the form keeps an unsafe next");
    let token = crate::helpers::form_token(&html).unwrap();
    let resp = http
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", "admin"),
            ("password", crate::helpers::PASSWORD),
            ("next", "/\t/127.0.0.1:18099/x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()[header::LOCATION], "/");
    app.finish().await;
}

proptest! {
    #![proptest_config(Config { cases: cases(512), ..Config::default() })]

    /// Whatever `next` is, the result is a path of this site that survives a browser's URL parser unchanged.
    #[test]
    fn safe_next_always_returns_a_same_site_path(next in hostile_text()) {
        let out = plantrack_web::ctx::safe_next(Some(&next));
        prop_assert!(plantrack_web::ctx::is_safe_path(&out), "{out:?}");
        prop_assert!(out.starts_with('/') && !out.starts_with("//"), "{out:?}");
        prop_assert!(out.bytes().all(|b| b.is_ascii_graphic()), "{out:?}");
        prop_assert!(axum::http::HeaderValue::from_str(&out).is_ok());
        prop_assert!(!out.contains('\\') && !out.contains("//"), "{out:?}");
    }
}

/// Query and form parameters of arbitrary Unicode, on the routes that read them, as the admin (who may use all
/// of them): the answer is below 500 and has a body.
#[test]
fn query_and_form_parameters_never_crash_a_handler() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (db, router, bearer) = rt.block_on(async {
        let db = TestDb::sqlite().await;
        crate::helpers::seed(&db.store).await;
        let (token, _) =
            plantrack_app::accounts::create_token(&db.store, &Principal::system(), "admin", "fuzz")
                .await
                .unwrap();
        let router = plantrack_web::router(AppState::new(db.store.clone(), WebConfig::default()));
        (db, router, format!("Bearer {token}"))
    });
    const GETS: &[&str] = &[
        "/?period=",
        "/?org_unit=",
        "/targets/rd_intensity?period=",
        "/targets/rd_intensity?org_unit=",
        "/targets/",
        "/lang/en?next=",
        "/login?next=",
        "/enterprises?q=",
        "/enterprises/",
        "/registries/talents?q=",
        "/audit?entity=",
        "/audit?actor=",
        "/supervision/scores?period=",
        "/supervision/report-file?period=",
        "/supervision/items/",
        "/plans/",
        "/api/v1/status?period=",
        "/api/v1/status?org_unit=",
        "/api/v1/enterprises?q=",
        "/api/v1/enterprises/",
        "/api/v1/audit?entity=",
        "/api/v1/talents?q=",
        "/api/v1/talents/",
    ];
    let mut runner = TestRunner::new(Config {
        cases: cases(96),
        ..Config::default()
    });
    let result = runner.run(&(prop::sample::select(GETS), hostile_text()), |(route, text)| {
        let uri = format!("{route}{}", enc(&text));
        let req = Request::get(&uri)
            .header(header::AUTHORIZATION, &bearer)
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = rt.block_on(call(&router, req));
        prop_assert!(status < 500, "{uri}: {status} {body}");
        prop_assert!(
            !body.is_empty() || (300..400).contains(&status),
            "{uri}: {status} empty"
        );
        Ok(())
    });
    let json_runner = TestRunner::new(Config {
        cases: cases(48),
        ..Config::default()
    });
    let mut json_runner = json_runner;
    let json = json_runner.run(
        &(hostile_text(), hostile_text(), hostile_text()),
        |(org, period, value)| {
            let body = serde_json::json!([{"org_unit": org, "period": period, "data_element": "gdp", "value": value}]);
            let req = Request::post("/api/v1/observations")
                .header(header::AUTHORIZATION, &bearer)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            let (status, _, text) = rt.block_on(call(&router, req));
            prop_assert!(status < 500 && !text.is_empty(), "{body}: {status} {text}");
            Ok(())
        },
    );
    rt.block_on(db.finish());
    result.unwrap();
    json.unwrap();
}
