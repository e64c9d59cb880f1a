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
