//! Drafting a plan from a policy text (issue 7) over HTTP: paste → review (the seed's eight targets beside the
//! text) → accept a subset → a new draft plan with exactly those targets, which reads with the plan parser and
//! leaves the plan in force alone; unusable input gives messages in place and stores nothing; the document's
//! HTML is escaped; the JSON twin answers what `plantrack extract` prints.

use plantrack_core::plan::Plan;
use plantrack_store::Store;
use plantrack_web::WebConfig;
use reqwest::multipart::{Form, Part};

use crate::helpers::{Caller, Server, TestApp, all_apps, form_token, login, sqlite_app};

const SEED: &str = include_str!("../../../text/tests/fixtures/seed/plan-explanation.original.txt");

/// "关于加快科技创新的实施方案\n到2020年，全区高新技术企业达到20家。\n" in GBK.
const GBK: &[u8] = &[
    185, 216, 211, 218, 188, 211, 191, 236, 191, 198, 188, 188, 180, 180, 208, 194, 181, 196, 202, 181, 202,
    169, 183, 189, 176, 184, 10, 181, 189, 50, 48, 50, 48, 196, 234, 163, 172, 200, 171, 199, 248, 184, 223,
    208, 194, 188, 188, 202, 245, 198, 243, 210, 181, 180, 239, 181, 189, 50, 48, 188, 210, 161, 163, 10,
];

/// The form token of `/plans/new` for this caller.
async fn token(base: &str, who: &Caller) -> String {
    let html = who
        .http
        .get(format!("{base}/plans/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    form_token(&html).expect("the extract form has a token")
}

/// `POST /plans/new` with pasted text and/or a file; (status, html).
async fn submit(base: &str, who: &Caller, text: &str, file: Option<(&str, Vec<u8>)>) -> (u16, String) {
    let mut form = Form::new()
        .text("_csrf", token(base, who).await)
        .text("text", text.to_owned());
    form = match file {
        Some((name, bytes)) => form.part("file", Part::bytes(bytes).file_name(name.to_owned())),
        // What a browser sends for a file input left empty.
        None => form.part("file", Part::bytes(Vec::new()).file_name(String::new())),
    };
    let resp = who
        .http
        .post(format!("{base}/plans/new"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// The value of the hidden input `name` in `html`.
fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let i = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} in the form"))
        + needle.len();
    html[i..i + html[i..].find('"').unwrap()].to_owned()
}

async fn plan_count(store: &Store) -> usize {
    store.plan_files().await.unwrap().len()
}

async fn accept(base: &str, who: &Caller, review: &str, accepted: &[usize]) -> reqwest::Response {
    let mut form = Form::new()
        .text("_csrf", form_token(review).unwrap())
        .text("source", hidden(review, "source"))
        .text("payload", hidden(review, "payload"));
    for i in accepted {
        form = form.text("accept", i.to_string());
    }
    who.http
        .post(format!("{base}/plans/accept"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn pasted_seed_text_is_reviewed_and_a_subset_becomes_a_draft_plan() {
    for app in all_apps().await {
        let base = app.base().to_owned();
        let admin = login(&base, "admin").await;
        let stored_before = plan_count(&app.db.store).await;

        let (status, html) = submit(&base, &admin, SEED, None).await;
        assert_eq!(status, 200, "{html}");
        // The eight targets, each with a checkbox and a highlighted evidence span linked both ways.
        assert_eq!(html.matches("name=\"accept\"").count(), 8, "{html}");
        for i in 0..8 {
            assert!(html.contains(&format!("<mark id=\"ev-{i}\">")), "evidence {i}");
            assert!(
                html.contains(&format!("href=\"#ev-{i}\"")),
                "row {i} links to its evidence"
            );
            assert!(
                html.contains(&format!("href=\"#t-{i}\"")),
                "evidence {i} links back"
            );
        }
        for id in [
            "rd_intensity",
            "high_tech_enterprises",
            "tech_contract_growth",
            "<code>growth&#62;=</code>",
        ] {
            assert!(html.contains(id), "{id}");
        }
        assert!(
            html.contains("<td class=\"num\">2.5</td>"),
            "value as a decimal string"
        );
        assert!(
            html.contains("id=\"task-tree\"") && html.contains("分类别抓培育"),
            "the task tree"
        );
        assert!(html.contains("<mark id=\"ev-0\">全社会研究与开发经费占国内生产总值(GDP)比重达到2.5%"));
        assert_eq!(
            plan_count(&app.db.store).await,
            stored_before,
            "reviewing stores nothing"
        );

        // Accept three of the eight.
        let resp = accept(&base, &admin, &html, &[0, 3, 6]).await;
        assert_eq!(resp.status(), 303);
        let to = resp.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(to, "/plans/draft_2018_2020");
        let page = admin.http.get(format!("{base}{to}")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        assert!(page.contains("id=\"stored-plan\"") && page.contains("草稿（未生效）"));
        assert!(page.contains("计划草稿已保存"), "the flash message");

        // The stored draft: exactly those targets, readable by the plan parser, guesses marked for review.
        let file = app
            .db
            .store
            .current_plan_file("draft_2018_2020")
            .await
            .unwrap()
            .unwrap();
        assert!(file.record.draft && file.record.revision == 1);
        let plan = Plan::from_toml(&file.record.content, "stored draft").unwrap();
        let ids: Vec<String> = plan.targets().iter().map(|t| t.id.to_string()).collect();
        assert_eq!(
            ids,
            ["rd_intensity", "high_tech_enterprises", "tech_contract_growth"]
        );
        assert!(file.record.content.contains("# REVIEW"));
        assert_eq!(plan_count(&app.db.store).await, stored_before + 1);

        // The plan in force is still the Shuangtaizi plan with its eight targets.
        let current = plantrack_app::plan::current_plan(&app.db.store).await.unwrap();
        assert_eq!(current.meta().id.to_string(), "shuangtaizi_2018_2020");
        assert_eq!(current.targets().len(), 8);
        let dash = admin
            .http
            .get(format!("{base}/plan"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!dash.contains("draft_2018_2020"));

        // Listed and downloadable.
        let list = admin
            .http
            .get(format!("{base}/plans"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            list.contains("id=\"plan-draft_2018_2020\"")
                && list.contains("id=\"plan-shuangtaizi_2018_2020\"")
        );
        let dl = admin
            .http
            .get(format!("{base}/plans/draft_2018_2020/file"))
            .send()
            .await
            .unwrap();
        assert_eq!(dl.status(), 200);
        assert!(
            dl.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("draft_2018_2020.toml")
        );
        assert_eq!(dl.text().await.unwrap(), file.record.content);

        // Audited, by the admin.
        let audit: serde_json::Value = admin
            .http
            .get(format!("{base}/api/v1/audit?entity=plan_file&actor=admin"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(audit["total"], 1, "{audit}");

        // The same text accepted again: a second draft under a key of its own.
        let resp = accept(&base, &admin, &html, &[1]).await;
        assert_eq!(resp.headers()["location"], "/plans/draft_2018_2020_2");
        app.finish().await;
    }
}

#[tokio::test]
async fn uploads_in_gbk_and_utf16_are_read_and_the_file_wins_over_the_paste() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    let (status, html) = submit(&base, &admin, "", Some(("方案.txt", GBK.to_vec()))).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("GBK/GB18030") && html.contains("方案.txt"));
    assert_eq!(html.matches("name=\"accept\"").count(), 1);
    assert!(html.contains("高新技术企业达到20家"));

    let mut utf16 = vec![0xFF, 0xFE];
    for u in "到2020年，技术合同成交额达到5亿元。".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let (status, html) = submit(&base, &admin, "这段粘贴的文字不用", Some(("u16.txt", utf16))).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("UTF-16LE") && html.contains("技术合同成交额"));
    assert!(!html.contains("这段粘贴的文字不用"));
    app.finish().await;
}

fn document(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../text/tests/fixtures/documents/");
    std::fs::read(format!("{path}{name}")).unwrap()
}

#[tokio::test]
async fn word_pdf_ofd_and_web_page_uploads_are_read_by_content_and_old_formats_are_refused() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    // The names say nothing: the content decides.
    for (file, kind, target) in [
        (
            "plan.docx",
            "Word (.docx)",
            "建设市级以上孵化器、众创空间、加速器10家",
        ),
        (
            "plan.pdf",
            "PDF",
            "高技术制造业增加值占规模以上工业增加值比重达到50%",
        ),
        ("dongtou-plan.ofd", "OFD", "跃居全省前40位"),
        ("dongtou-page.html", "HTML", "跃居全省前40位"),
    ] {
        let (status, html) = submit(&base, &admin, "", Some(("upload.bin", document(file)))).await;
        assert_eq!(status, 200, "{file}: {html}");
        assert!(html.contains(kind), "{file}: {kind}");
        assert!(html.contains(target), "{file}: {target}");
        assert!(html.matches("name=\"accept\"").count() >= 3, "{file}");
    }
    let before = plan_count(&app.db.store).await;
    for (file, message) in [("plan.doc", "另存为 .docx"), ("scan.pdf", "需要OCR")] {
        let (status, html) = submit(&base, &admin, "", Some(("upload.docx", document(file)))).await;
        assert_eq!(status, 422, "{file}");
        assert!(html.contains(message), "{file}: {html}");
    }
    assert_eq!(plan_count(&app.db.store).await, before);
    // The JSON twin reads the same documents from the request body.
    let system = plantrack_app::Principal::system();
    let (token, _) = plantrack_app::accounts::create_token(&app.db.store, &system, "admin", "t")
        .await
        .unwrap();
    let http = crate::helpers::client();
    let resp = http
        .post(format!("{base}/api/v1/extract"))
        .bearer_auth(&token)
        .header("content-type", "application/pdf")
        .body(document("plan.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let got: serde_json::Value = resp.json().await.unwrap();
    let targets = got["targets"].as_array().unwrap();
    assert!(targets.iter().any(|t| t["value"] == "50" && t["unit"] == "%"));
    assert!(
        targets.iter().any(|t| t["recurring"] == "yearly"),
        "每年安排…不少于500万元"
    );
    let resp = http
        .post(format!("{base}/api/v1/extract"))
        .bearer_auth(&token)
        .body(document("plan.doc"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert!(
        v["error"]["details"][0]["message_zh"]
            .as_str()
            .unwrap()
            .contains(".docx"),
        "{v}"
    );
    app.finish().await;
}

#[tokio::test]
async fn unusable_input_gets_a_message_in_place_and_stores_nothing() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    let before = plan_count(&app.db.store).await;
    let binary: Vec<u8> = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    for (text, file, field, message) in [
        ("", None, "text", "请粘贴政策文本或选择文件"),
        ("  \n ", None, "text", "请粘贴政策文本或选择文件"),
        ("", Some(("logo.png", binary.clone())), "file", "文件不是文本"),
        ("", Some(("empty.txt", Vec::new())), "file", "文件为空"),
        (
            "",
            Some(("latin1.txt", vec![0xE9, 0x74, 0xE9, 0x20, 0xFF, 0xFF])),
            "file",
            "无法识别文件编码",
        ),
    ] {
        let (status, html) = submit(&base, &admin, text, file).await;
        assert_eq!(status, 422, "{field}: {html}");
        assert!(
            html.contains(&format!("id=\"m-{field}\"")),
            "message next to {field}"
        );
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains("id=\"extract-form\""), "the form again");
    }
    // The pasted text stays in the form when it is refused for another reason (a control character).
    let (status, html) = submit(&base, &admin, "目标\u{1}文本", None).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"m-text\"") && html.contains("文件不是文本"));
    assert!(html.contains(">目标\u{1}文本</textarea>"), "the paste is kept");
    // A tampered review form: an index out of range, a bad payload.
    let (_, review) = submit(&base, &admin, SEED, None).await;
    let resp = accept(&base, &admin, &review, &[8]).await;
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("没有第 9 个目标"));
    let form = Form::new()
        .text("_csrf", form_token(&review).unwrap())
        .text("payload", "%%%");
    let resp = admin
        .http
        .post(format!("{base}/plans/accept"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert_eq!(plan_count(&app.db.store).await, before, "nothing stored");
    app.finish().await;
}

#[tokio::test]
async fn an_oversized_upload_is_refused_with_413_and_stores_nothing() {
    let db = plantrack_store::testing::TestDb::sqlite().await;
    let fx = crate::helpers::seed(&db.store).await;
    let config = WebConfig {
        max_upload_bytes: 64 * 1024,
        max_body_bytes: 16 * 1024,
        ..WebConfig::default()
    };
    let server = Server::start(db.store.clone(), config).await;
    let app = TestApp { db, server, fx };
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    let before = plan_count(&app.db.store).await;
    let big = "到2020年，高新技术企业达到20家。".repeat(4000);
    let (status, html) = submit(&base, &admin, "", Some(("big.txt", big.clone().into_bytes()))).await;
    assert_eq!(status, 413, "{html}");
    assert!(html.contains("413"));
    // Just under the upload limit is fine (more than a form's limit: the draft pages take uploads).
    let under: String = big.chars().take(10_000).collect();
    assert!(under.len() > 16 * 1024 && under.len() < 64 * 1024 - 4096);
    let (status, _) = submit(&base, &admin, &under, None).await;
    assert_eq!(status, 200);
    let resp = admin
        .http
        .post(format!("{base}/api/v1/extract"))
        .header("x-csrf-token", admin.csrf.clone().unwrap())
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], "too_large");
    assert_eq!(plan_count(&app.db.store).await, before);
    app.finish().await;
}

#[tokio::test]
async fn html_in_the_document_is_shown_as_text() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    let text = "<script>alert(\"x\")</script>关于<b>科技</b>的方案\n到2020年，全区高新技术企业达到20家<img src=x onerror=alert(1)>。\n";
    let (status, html) = submit(&base, &admin, text, None).await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("<script>alert"), "a script from the document");
    assert!(!html.contains("<img src=x"), "markup from the document");
    assert!(!html.contains("<b>科技</b>"));
    // askama's escapes: < &#60;  > &#62;  " &#34;
    assert!(
        html.contains("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;"),
        "{html}"
    );
    assert!(html.contains("&#60;img src=x onerror=alert(1)&#62;"), "{html}");
    assert!(html.contains("&#60;b&#62;科技&#60;/b&#62;"));
    assert_eq!(html.matches("name=\"accept\"").count(), 1);
    app.finish().await;
}

#[tokio::test]
async fn only_admins_draft_and_the_json_twin_prints_what_the_cli_prints() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let before = plan_count(&app.db.store).await;
    // A department user can neither open the form nor store a draft, even with a well-formed review form.
    let admin = login(&base, "admin").await;
    let (_, review) = submit(&base, &admin, SEED, None).await;
    let dept = login(&base, "tongji_user").await;
    let r = dept.http.get(format!("{base}/plans/new")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let form = Form::new()
        .text("_csrf", dept.csrf.clone().unwrap())
        .text("payload", hidden(&review, "payload"))
        .text("accept", "0");
    let r = dept
        .http
        .post(format!("{base}/plans/accept"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(plan_count(&app.db.store).await, before);
    // Internal users see the plans list, without the drafting button.
    let list = dept
        .http
        .get(format!("{base}/plans"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("id=\"plans\"") && !list.contains("id=\"new-draft\""));

    // The API twin: the JSON of `plantrack extract` (bearer token, no CSRF needed), for admins only.
    let system = plantrack_app::Principal::system();
    let (token, _) = plantrack_app::accounts::create_token(&app.db.store, &system, "admin", "t")
        .await
        .unwrap();
    let http = crate::helpers::client();
    let resp = http
        .post(format!("{base}/api/v1/extract"))
        .bearer_auth(&token)
        .header("content-type", "text/plain; charset=utf-8")
        .body(SEED)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let got: serde_json::Value = resp.json().await.unwrap();
    let want = serde_json::to_value(plantrack_text::extract(SEED).to_json()).unwrap();
    assert_eq!(got, want);
    assert_eq!(got["targets"].as_array().unwrap().len(), 8);
    assert_eq!(got["targets"][0]["value"], "2.5");
    let resp = http
        .post(format!("{base}/api/v1/extract"))
        .bearer_auth(&token)
        .body(vec![0u8, 1, 2, 3])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], "invalid");
    assert_eq!(v["error"]["details"][0]["field"], "body");
    let (leader_token, _) = plantrack_app::accounts::create_token(&app.db.store, &system, "leader", "t")
        .await
        .unwrap();
    let resp = http
        .post(format!("{base}/api/v1/extract"))
        .bearer_auth(&leader_token)
        .body(SEED)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    app.finish().await;
}

/// In Chromium: upload the seed text, untick one target, store the draft; screenshots under `target/screenshots/`.
#[tokio::test]
async fn a_browser_drafts_a_plan_from_the_seed_text() {
    use fantoccini::Locator;

    use crate::e2e::{browser, log_in, shot, start_driver, text_of};

    let Ok(binary) = std::env::var("PLANTRACK_CHROMEDRIVER") else {
        eprintln!("e2e skipped: PLANTRACK_CHROMEDRIVER is not set (CI sets it; see .ci/run)");
        return;
    };
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let driver = start_driver(&binary).await;
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&driver, profile.path()).await;
    log_in(&c, &base, "admin").await;

    // From the navigation to the form.
    c.goto(&format!("{base}/plans")).await.unwrap();
    shot(&c, "40-plans").await;
    c.find(Locator::Id("new-draft"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("extract-form")).await.unwrap();
    shot(&c, "41-draft-form").await;
    let file = profile.path().join("起草说明.txt");
    std::fs::write(&file, SEED).unwrap();
    c.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    c.find(Locator::Id("extract-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("draft-targets")).await.unwrap();
    let rows = c.find_all(Locator::Css("#draft-targets tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 8);
    assert_eq!(c.find_all(Locator::Css("#doc-text mark")).await.unwrap().len(), 8);
    assert_eq!(text_of(&c, "#target-count").await, "8");
    shot(&c, "42-draft-review").await;

    // Leave out the second target (高端创新创业人才) and store.
    c.find(Locator::Id("acc-1")).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("accept-draft"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("stored-plan")).await.unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/plans/draft_2018_2020")
    );
    shot(&c, "43-draft-plan").await;
    let stored = app
        .db
        .store
        .current_plan_file("draft_2018_2020")
        .await
        .unwrap()
        .unwrap();
    let plan = Plan::from_toml(&stored.record.content, "draft").unwrap();
    assert_eq!(plan.targets().len(), 7);
    assert!(plan.targets().iter().all(|t| t.id.as_str() != "high_end_talents"));

    c.close().await.unwrap();
    drop(driver);
    app.finish().await;
}
