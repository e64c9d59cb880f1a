//! Bad input and attacks (issue 5): oversized bodies refused with 413 on pages, uploads and the API, whether the
//! size is declared or not; error pages that reveal no internals; no template that turns escaping off for
//! anything but markup the server builds itself.

use plantrack_web::WebConfig;

use crate::helpers::{Caller, Server, TestApp, form_token, login, sqlite_app};

/// The app of `sqlite_app` served a second time with small limits (forms and JSON 2 KiB, uploads 8 KiB).
async fn small_limits(app: &TestApp) -> Server {
    Server::start(
        app.db.store.clone(),
        WebConfig {
            max_body_bytes: 2048,
            max_upload_bytes: 8192,
            ..WebConfig::default()
        },
    )
    .await
}

/// Sends `POST path` with a chunked body (no `Content-Length`, so only the read limit can stop it) of `prefix`
/// padded to `n` bytes, leaving the body unterminated (the server must answer without waiting for its end), and
/// returns the status code of the answer.
async fn post_chunked(base: &str, path: &str, headers: &[(&str, &str)], prefix: &str, n: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let mut data = prefix.as_bytes().to_vec();
    data.resize(n, b'a');
    for chunk in data.chunks(1000) {
        let mut c = format!("{:x}\r\n", chunk.len()).into_bytes();
        c.extend_from_slice(chunk);
        c.extend_from_slice(b"\r\n");
        // The server may stop reading once the limit is passed.
        if s.write_all(&c).await.is_err() {
            break;
        }
    }
    let mut buf = vec![0u8; 512];
    let got = tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut buf))
        .await
        .expect("no answer before the body ended")
        .unwrap();
    let line = String::from_utf8_lossy(&buf[..got]);
    line.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {line}"))
}

/// Signs in without a cookie jar: the `Cookie` header value and the session's CSRF token.
async fn raw_session(base: &str, user: &str) -> (String, String) {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": user, "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("pt_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let v: serde_json::Value = r.json().await.unwrap();
    (cookie, v["csrf_token"].as_str().unwrap().to_owned())
}

async fn csrf_of(caller: &Caller, base: &str, page: &str) -> String {
    let html = caller
        .http
        .get(format!("{base}{page}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    form_token(&html).unwrap()
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413_on_pages_uploads_and_the_api() {
    let app = sqlite_app().await;
    let server = small_limits(&app).await;
    let base = server.base.clone();
    let admin = login(&base, "admin").await;
    let csrf = csrf_of(&admin, &base, "/registries/talents/new").await;

    // A page form over the limit, declared: the HTML error page, 413.
    let big_name = "名".repeat(1000);
    let r = admin
        .http
        .post(format!("{base}/registries/talents"))
        .form(&[("_csrf", csrf.as_str()), ("name", big_name.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("class=\"error-status\"") && html.contains("413"),
        "{html}"
    );

    // The same, streamed without a length.
    let (cookie, session_csrf) = raw_session(&base, "admin").await;
    let form_headers = [
        ("Cookie", cookie.as_str()),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    let prefix = format!("_csrf={session_csrf}&name=");
    assert_eq!(
        post_chunked(&base, "/registries/talents", &form_headers, &prefix, 3000).await,
        413
    );

    // An upload may be larger than a form, but not larger than its own limit.
    let csv = |n: usize| {
        let mut s = "合同登记编号,合同类型\n".to_owned();
        while s.len() < n {
            s.push_str("X-1,技术开发\n");
        }
        s
    };
    let upload = |n: usize| {
        reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("kind", "contracts")
            .part(
                "file",
                reqwest::multipart::Part::bytes(csv(n).into_bytes()).file_name("c.csv"),
            )
    };
    let r = admin
        .http
        .post(format!("{base}/imports"))
        .multipart(upload(4000))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 413, "an upload within its limit");
    let r = admin
        .http
        .post(format!("{base}/imports"))
        .multipart(upload(20_000))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);

    // The API: JSON errors, declared length or not.
    let api_csrf = admin.csrf.clone().unwrap();
    let r = admin
        .http
        .post(format!("{base}/api/v1/talents"))
        .header("x-csrf-token", &api_csrf)
        .json(&serde_json::json!({"name": big_name}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "too_large");
    assert_eq!(v["error"]["details"]["limit_bytes"], 2048);
    let api_headers = [
        ("Cookie", cookie.as_str()),
        ("X-CSRF-Token", session_csrf.as_str()),
        ("Content-Type", "application/json"),
    ];
    assert_eq!(
        post_chunked(&base, "/api/v1/observations", &api_headers, "[", 3000).await,
        413
    );
    let r = admin
        .http
        .post(format!("{base}/api/v1/imports/contracts"))
        .header("x-csrf-token", &api_csrf)
        .header("content-type", "text/csv")
        .body(csv(20_000))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    server.stop().await;
    app.finish().await;
}

/// What must never reach a browser or an API client.
const INTERNALS: [&str; 9] = [
    "no such table",
    "select ",
    "SELECT ",
    "sqlx",
    "sqlite",
    "panicked",
    "stack backtrace",
    ".rs:",
    "/src/",
];

#[tokio::test]
async fn a_failing_database_gives_an_error_page_without_sql_or_traces() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    // Break the store under the running server: the talent table is gone.
    sqlx::query("alter table talent rename to talent_gone")
        .execute(app.db.store.pool())
        .await
        .unwrap();
    for (path, api) in [("/registries/talents", false), ("/api/v1/talents", true)] {
        let r = admin.http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 500, "{path}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
        let body = r.text().await.unwrap();
        if api {
            assert!(ct.starts_with("application/json"));
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["error"]["code"], "internal");
            assert_eq!(v["error"]["details"], serde_json::Value::Null);
        } else {
            assert!(ct.starts_with("text/html"));
            assert!(body.contains("class=\"error-status\""));
        }
        for bad in INTERNALS {
            assert!(!body.contains(bad), "{path} reveals {bad:?}: {body}");
        }
    }
    sqlx::query("alter table talent_gone rename to talent")
        .execute(app.db.store.pool())
        .await
        .unwrap();
    app.finish().await;
}

/// Askama escapes every `{{ }}` in `.html` templates; `|safe` turns that off. Each use must be markup the
/// server builds itself from escaped parts — listed here with the reason, so a new one is reviewed.
#[test]
fn escaping_is_turned_off_only_for_markup_the_server_builds() {
    let allowed = [
        // SVG of plantrack_report::chart, which escapes every text it puts in.
        ("dashboard.html", "{{ k.sparkline|safe }}"),
        ("target.html", "{{ chart|safe }}"),
        ("enterprises/pool.html", "{{ chart|safe }}"),
        // A query string of percent-encoded values (pages::audit).
        ("audit/list.html", "{{ query|safe }}"),
        // The user guide, rendered from the embedded Markdown by crate::markdown, which escapes text.
        ("guide.html", "{{ body|safe }}"),
    ];
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut found = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            assert!(
                !text.contains("{% autoescape false") && !text.contains("escape(\"none\")"),
                "{name} turns escaping off"
            );
            let mut from = 0;
            while let Some(i) = text[from..].find("|safe") {
                let at = from + i;
                let start = text[..at].rfind("{{").unwrap();
                let end = at + text[at..].find("}}").unwrap() + 2;
                found.push((name.clone(), text[start..end].to_owned()));
                from = end;
            }
        }
    }
    for (file, expr) in &found {
        assert!(
            allowed.iter().any(|(f, e)| f == file && e == expr),
            "{file}: {expr} — not known to be safe; escape it or add it here with the reason"
        );
    }
    // Every listed use still exists (a stale entry would hide nothing, but keeps the list honest).
    for (f, e) in allowed {
        assert!(
            found.iter().any(|(ff, ee)| ff == f && ee == e),
            "{f}: {e} no longer used"
        );
    }
}
