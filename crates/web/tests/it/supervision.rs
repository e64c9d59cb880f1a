//! The supervision workflow end to end over HTTP (issue 6): a department submits a progress report with
//! evidence, the admin returns it, the department resubmits, asks to close, the admin reviews and closes — and
//! the department's score on the scoreboard page moves by the return (−2) and the on-time closure (+1). Also:
//! a report by another department and a forbidden attachment are refused with nothing changed; the board, the
//! to-do view, the inspection, scores and report pages render.

use jiff::civil::Date;
use plantrack_app::supervision::{Ctx, NewItem, add_item, local_now};
use plantrack_core::plan::ReportingCycle;
use reqwest::multipart::{Form, Part};

use crate::helpers::{Caller, TestApp, all_apps, login};

const ITEM: &str = "e2e-kepu";

async fn page(app: &TestApp, who: &Caller, path: &str) -> (u16, String) {
    let resp = who
        .http
        .get(format!("{}{path}", app.base()))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn step(app: &TestApp, who: &Caller, action: &str, reason: &str) -> u16 {
    let form = [
        ("_csrf", who.csrf.clone().unwrap_or_default()),
        ("action", action.to_owned()),
        ("reason", reason.to_owned()),
    ];
    who.http
        .post(format!("{}/supervision/items/{ITEM}/step", app.base()))
        .form(&form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn report(app: &TestApp, who: &Caller, percent: &str, file: (&str, &[u8])) -> u16 {
    let form = Form::new()
        .text("_csrf", who.csrf.clone().unwrap_or_default())
        .text("percent", percent.to_owned())
        .text("text", "完成阶段任务".to_owned())
        .part(
            "attachments",
            Part::bytes(file.1.to_vec()).file_name(file.0.to_owned()),
        );
    who.http
        .post(format!("{}/supervision/items/{ITEM}/report", app.base()))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// jingxin's score on this year's scoreboard page.
async fn score(app: &TestApp, who: &Caller) -> rust_decimal::Decimal {
    let (status, html) = page(app, who, "/supervision/scores").await;
    assert_eq!(status, 200);
    let row = html.split("data-department=\"jingxin\"").nth(1).unwrap();
    let cell = row.split("<td class=\"score\">").nth(1).unwrap();
    cell[..cell.find('<').unwrap()].parse().unwrap()
}

async fn version(app: &TestApp) -> i64 {
    app.db
        .store
        .supervised_item(
            &plantrack_app::plan::current_plan(&app.db.store)
                .await
                .unwrap()
                .meta()
                .id
                .to_string(),
            ITEM,
        )
        .await
        .unwrap()
        .unwrap()
        .version
}

#[tokio::test]
async fn report_return_resubmit_close_moves_the_score() {
    for app in all_apps().await {
        let plan = plantrack_app::plan::current_plan(&app.db.store).await.unwrap();
        let today = local_now().date();
        add_item(
            Ctx::new(&app.db.store, &plan),
            &plantrack_app::Principal::system(),
            NewItem {
                id: Some(ITEM.into()),
                title: "E2E 科普活动".into(),
                lead: "jingxin".into(),
                co: vec![],
                responsible_leader: None,
                leader_in_charge: None,
                deadline: Date::new(today.year() + 1, 12, 31).unwrap(),
                cycle: ReportingCycle::Quarterly,
                targets: vec![],
                milestones: vec![],
                assign: true,
            },
            local_now(),
        )
        .await
        .unwrap();
        let admin = login(app.base(), "admin").await;
        let dept = login(app.base(), "jingxin_user").await;
        let other = login(app.base(), "tongji_user").await;
        let pdf: &[u8] = b"%PDF-1.4\n%%EOF\n";

        let (status, html) = page(&app, &dept, &format!("/supervision/items/{ITEM}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("step-form"), "the lead department can sign");
        assert_eq!(step(&app, &dept, "accept", "").await, 303);
        let before = score(&app, &admin).await;

        // Refusals change nothing: another department, a forbidden file.
        let v = version(&app).await;
        assert_eq!(report(&app, &other, "20", ("a.pdf", pdf)).await, 403);
        assert_eq!(report(&app, &dept, "20", ("run.exe", b"MZ\x90")).await, 422);
        assert_eq!(version(&app).await, v);

        assert_eq!(report(&app, &dept, "20", ("进展.pdf", pdf)).await, 303);
        assert_eq!(step(&app, &admin, "return", "缺少佐证").await, 303);
        let (_, html) = page(&app, &dept, &format!("/supervision/items/{ITEM}")).await;
        assert!(
            html.contains("缺少佐证") && html.contains("returned"),
            "the return shows on the timeline"
        );
        let (_, todo) = page(&app, &dept, "/supervision/todo").await;
        assert!(
            todo.contains(ITEM),
            "the returned item is in the department's to-do"
        );
        assert_eq!(report(&app, &dept, "100", ("补充.pdf", pdf)).await, 303);
        assert_eq!(step(&app, &dept, "request_closure", "").await, 303);
        assert_eq!(step(&app, &admin, "start_review", "").await, 303);
        // A department may not approve its own closure.
        assert_eq!(step(&app, &dept, "approve_closure", "").await, 403);
        assert_eq!(step(&app, &admin, "approve_closure", "").await, 303);

        let after = score(&app, &admin).await;
        assert_eq!(
            after - before,
            rust_decimal::Decimal::from(-1),
            "−2 returned, +1 closed on time"
        );
        let (_, html) = page(&app, &admin, &format!("/supervision/items/{ITEM}")).await;
        assert!(html.contains("办结") || html.contains("closed"));

        for path in [
            "/supervision",
            "/supervision?light=red&on=2020-01-12",
            "/supervision/inspections?on=2020-01-12",
            "/supervision/scores?period=2019Q4",
            "/supervision/reports",
            "/supervision/reports/1",
            "/supervision/digest?on=2020-01-12",
        ] {
            let (status, _) = page(&app, &admin, path).await;
            assert_eq!(status, 200, "{path}");
        }
        let resp = admin
            .http
            .get(format!("{}/supervision/reports/1/file?format=docx", app.base()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.bytes().await.unwrap().starts_with(b"PK"));
        app.finish().await;
    }
}

/// The same workflow in a browser (headless Chromium; skipped without `PLANTRACK_CHROMEDRIVER`): the department
/// reports with an evidence file, the admin returns it, the department resubmits and asks to close, the admin
/// reviews and closes; screenshots of the supervision pages under `target/screenshots/`.
#[tokio::test]
async fn a_browser_walks_the_supervision_workflow() {
    use fantoccini::Locator;

    use crate::e2e::{browser, log_in, log_out, shot, start_driver, text_of};

    let Ok(binary) = std::env::var("PLANTRACK_CHROMEDRIVER") else {
        eprintln!("e2e skipped: PLANTRACK_CHROMEDRIVER is not set (CI sets it; see .ci/run)");
        return;
    };
    let app = crate::helpers::sqlite_app().await;
    let plan = plantrack_app::plan::current_plan(&app.db.store).await.unwrap();
    let today = local_now().date();
    add_item(
        Ctx::new(&app.db.store, &plan),
        &plantrack_app::Principal::system(),
        NewItem {
            id: Some(ITEM.into()),
            title: "E2E 科普活动".into(),
            lead: "jingxin".into(),
            co: vec![],
            responsible_leader: None,
            leader_in_charge: None,
            deadline: Date::new(today.year() + 1, 12, 31).unwrap(),
            cycle: ReportingCycle::Quarterly,
            targets: vec![],
            milestones: vec![],
            assign: true,
        },
        local_now(),
    )
    .await
    .unwrap();
    let base = app.base().to_owned();
    let driver = start_driver(&binary).await;
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&driver, profile.path()).await;
    let evidence = profile.path().join("佐证.pdf");
    std::fs::write(&evidence, b"%PDF-1.4\n%%EOF\n").unwrap();
    let item_url = format!("{base}/supervision/items/{ITEM}");

    let act = |action: &'static str, reason: &'static str| {
        let c = c.clone();
        let url = item_url.clone();
        async move {
            c.goto(&url).await.unwrap();
            c.find(Locator::Id("action"))
                .await
                .unwrap()
                .select_by_value(action)
                .await
                .unwrap();
            if !reason.is_empty() {
                c.find(Locator::Id("reason"))
                    .await
                    .unwrap()
                    .send_keys(reason)
                    .await
                    .unwrap();
            }
            c.find(Locator::Css("#step-form button[type=submit]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            c.wait().for_element(Locator::Css(".flash")).await.unwrap();
        }
    };
    let submit_report = |percent: &'static str| {
        let c = c.clone();
        let url = item_url.clone();
        let file = evidence.display().to_string();
        async move {
            c.goto(&url).await.unwrap();
            c.find(Locator::Id("percent"))
                .await
                .unwrap()
                .send_keys(percent)
                .await
                .unwrap();
            c.find(Locator::Id("text"))
                .await
                .unwrap()
                .send_keys("完成阶段任务，佐证见附件")
                .await
                .unwrap();
            c.find(Locator::Id("attachments"))
                .await
                .unwrap()
                .send_keys(&file)
                .await
                .unwrap();
            c.find(Locator::Css("#report-form button[type=submit]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            c.wait().for_element(Locator::Css(".flash")).await.unwrap();
        }
    };

    log_in(&c, &base, "jingxin_user").await;
    c.goto(&format!("{base}/supervision/todo")).await.unwrap();
    shot(&c, "30-supervision-todo").await;
    act("accept", "").await;
    submit_report("20").await;
    assert!(text_of(&c, "#attachments-list").await.contains("佐证.pdf"));
    log_out(&c).await;

    log_in(&c, &base, "admin").await;
    act("return", "请补充认定文件").await;
    assert!(text_of(&c, "#item-state").await.contains("退回"));
    log_out(&c).await;

    log_in(&c, &base, "jingxin_user").await;
    submit_report("100").await;
    act("request_closure", "").await;
    shot(&c, "31-supervision-item").await;
    log_out(&c).await;

    log_in(&c, &base, "admin").await;
    act("start_review", "").await;
    act("approve_closure", "").await;
    assert!(text_of(&c, "#item-state").await.contains("办结"));
    assert!(text_of(&c, "#timeline").await.contains("请补充认定文件"));
    for (name, path) in [
        ("32-supervision-board", "/supervision".to_owned()),
        (
            "33-supervision-inspections",
            "/supervision/inspections?on=2020-01-12".into(),
        ),
        ("34-supervision-scores", "/supervision/scores?period=2019".into()),
        ("35-supervision-report", "/supervision/reports/1".into()),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        assert!(c.find(Locator::Css("main h1")).await.is_ok(), "{path}");
        shot(&c, name).await;
    }
    c.close().await.unwrap();
    drop(driver);
    app.finish().await;
}

#[tokio::test]
async fn an_admin_records_an_inspection_whose_rectification_becomes_a_supervised_item() {
    let app = crate::helpers::sqlite_app().await;
    let admin = login(app.base(), "admin").await;
    let dept = login(app.base(), "jingxin_user").await;
    let today = local_now().date();
    let deadline = Date::new(today.year() + 1, 6, 30).unwrap().to_string();
    let form = |csrf: Option<String>| {
        vec![
            ("_csrf", csrf.unwrap_or_default()),
            ("id", "e2e-round".to_owned()),
            ("title", "专项督查".to_owned()),
            ("started_on", today.to_string()),
            ("departments", "jingxin".to_owned()),
            ("finding", "f1".to_owned()),
            ("description", "台账不全".to_owned()),
            ("department", "jingxin".to_owned()),
            ("rect_id", "e2e-rect".to_owned()),
            ("rect_title", "补齐台账".to_owned()),
            ("rect_deadline", deadline.clone()),
        ]
    };
    // A department may not record inspections.
    let resp = dept
        .http
        .post(format!("{}/supervision/inspections", app.base()))
        .form(&form(dept.csrf.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let resp = admin
        .http
        .post(format!("{}/supervision/inspections", app.base()))
        .form(&form(admin.csrf.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (status, html) = page(&app, &dept, "/supervision/items/e2e-rect").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("补齐台账") && html.contains("step-form"),
        "the owner can sign for it"
    );
    let (_, html) = page(&app, &admin, "/supervision/inspections").await;
    assert!(html.contains("专项督查") && html.contains("e2e-rect"));
    app.finish().await;
}
