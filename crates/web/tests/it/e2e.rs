//! End-to-end tests in headless Chromium through ChromeDriver (fantoccini): the public dashboard shows the eight
//! targets; log-in; a department user enters data and cannot open another department's page; an import with a bad
//! row shows the row report and imports nothing; the language switch. Screenshots of the main pages are saved under
//! `target/screenshots/`.
//!
//! `PLANTRACK_CHROMEDRIVER` names the chromedriver binary (`.ci/run` exports it); without it the test says it was
//! skipped. The driver is started on a free port and stopped by its process id.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::helpers::{PASSWORD, sqlite_app};

/// The chromedriver process, killed when dropped.
pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) async fn start_driver(binary: &str) -> Driver {
    let port = free_port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Driver { child, url }
}

pub(crate) async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let chromium = std::env::var("PLANTRACK_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", format!("--user-data-dir={}", profile.display()),
                "--lang=zh-CN", "--window-size=1280,1000"
            ]
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap()
}

fn screenshots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).unwrap();
}

pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

pub(crate) async fn log_in(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("#login-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("form[action='/logout']"))
        .await
        .unwrap();
}

pub(crate) async fn log_out(c: &Client) {
    c.find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("login-link")).await.unwrap();
}

#[tokio::test]
async fn a_browser_walks_through_the_main_pages() {
    let Ok(binary) = std::env::var("PLANTRACK_CHROMEDRIVER") else {
        eprintln!("e2e skipped: PLANTRACK_CHROMEDRIVER is not set (CI sets it; see .ci/run)");
        return;
    };
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let driver = start_driver(&binary).await;
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&driver, profile.path()).await;

    // The public dashboard: eight targets with their status words, in Chinese.
    c.goto(&format!("{base}/")).await.unwrap();
    let cards = c.find_all(Locator::Css("#targets .target-card")).await.unwrap();
    assert_eq!(cards.len(), 8);
    for card in &cards {
        let status = card
            .find(Locator::Css(".status strong"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!status.is_empty());
    }
    assert_eq!(
        c.find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .as_deref(),
        Some("zh-CN")
    );
    assert!(text_of(&c, "h1").await.contains("目标完成情况"));
    shot(&c, "01-dashboard").await;
    c.goto(&format!("{base}/targets/rd_intensity")).await.unwrap();
    shot(&c, "02-target-detail").await;
    c.goto(&format!("{base}/plan")).await.unwrap();
    shot(&c, "03-plan").await;

    // The language switch, kept across pages.
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Id("lang-switch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang='en']"))
        .await
        .unwrap();
    assert!(text_of(&c, "h1").await.contains("Target status"));
    shot(&c, "04-dashboard-en").await;
    c.goto(&format!("{base}/plan")).await.unwrap();
    assert_eq!(
        c.find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .as_deref(),
        Some("en")
    );
    c.find(Locator::Id("lang-switch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang='zh-CN']"))
        .await
        .unwrap();

    // A department user enters data in its grid, sees a message in place for a bad cell, and cannot open another
    // department's grid.
    log_in(&c, &base, "tongji_user").await;
    c.goto(&format!("{base}/data")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/data/tongji"));
    let cell = c.find(Locator::Id("v.gdp.2019")).await.unwrap();
    cell.clear().await.unwrap();
    cell.send_keys("一千").await.unwrap();
    c.find(Locator::Id("save-grid"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("grid-errors")).await.unwrap();
    assert!(
        c.find(Locator::Id("m-v.gdp.2019")).await.is_ok(),
        "the message sits next to the cell"
    );
    shot(&c, "05-data-entry-error").await;
    let cell = c.find(Locator::Id("v.gdp.2019")).await.unwrap();
    cell.clear().await.unwrap();
    cell.send_keys("1234.5").await.unwrap();
    c.find(Locator::Id("save-grid"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".flash")).await.unwrap();
    let saved = c
        .find(Locator::Id("v.gdp.2019"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(saved.as_deref(), Some("1234.5"));
    shot(&c, "06-data-entry").await;
    c.goto(&format!("{base}/data/jingxin")).await.unwrap();
    assert!(text_of(&c, ".error-status").await.contains("403"));
    log_out(&c).await;

    // An admin imports a contracts file with one bad row: the row report, and nothing imported.
    log_in(&c, &base, "admin").await;
    shot(&c, "07-after-login").await;
    let before = app
        .db
        .store
        .list::<plantrack_store::registries::TechContract>(&plantrack_store::ListQuery::all())
        .await
        .unwrap()
        .total;
    let csv = format!(
        "合同登记编号,合同类型,登记日期,卖方统一社会信用代码,买方名称,成交额(万元),技术交易额(万元),所在区划代码\n\
         E2E-0001,技术开发,2020-03-01,{u},甲公司,120,100,211102\n\
         E2E-0002,技术开发,2020-13-01,{u},乙公司,80,60,211102\n",
        u = app.fx.uscc
    );
    let file = profile.path().join("contracts.csv");
    std::fs::write(&file, csv).unwrap();
    c.goto(&format!("{base}/imports")).await.unwrap();
    shot(&c, "08-import").await;
    c.find(Locator::Id("kind"))
        .await
        .unwrap()
        .select_by_value("contracts")
        .await
        .unwrap();
    c.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    c.find(Locator::Id("check-import"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("import-errors")).await.unwrap();
    let rows = c.find_all(Locator::Css("#import-errors tbody tr")).await.unwrap();
    assert!(!rows.is_empty());
    let first = rows[0].text().await.unwrap();
    assert!(first.contains('3'), "the bad row is row 3: {first}");
    shot(&c, "09-import-report").await;
    let after = app
        .db
        .store
        .list::<plantrack_store::registries::TechContract>(&plantrack_store::ListQuery::all())
        .await
        .unwrap()
        .total;
    assert_eq!(before, after, "nothing was imported");

    // The other main pages, for the record.
    let uscc = app.fx.uscc.clone();
    for (name, path) in [
        ("10-enterprises", "/enterprises".to_owned()),
        ("11-enterprise", format!("/enterprises/{uscc}")),
        ("12-pool", "/enterprises/pool".into()),
        ("13-registry", "/registries/contracts".into()),
        ("14-registry-form", "/registries/platforms/new".into()),
        ("15-audit", "/audit".into()),
        ("16-accounts", "/accounts".into()),
        ("17-guide", "/guide".into()),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        assert!(c.find(Locator::Css("main h1")).await.is_ok(), "{path}");
        shot(&c, name).await;
    }
    // Phone width: the dashboard reflows without a horizontal scroll bar.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/")).await.unwrap();
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth + 1;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        overflow,
        serde_json::Value::Bool(false),
        "horizontal overflow at phone width"
    );
    shot(&c, "18-dashboard-phone").await;

    c.close().await.unwrap();
    drop(driver);
    app.finish().await;
}
