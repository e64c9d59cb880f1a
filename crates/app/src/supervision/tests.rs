//! Use-case tests on SQLite and (with PLANTRACK_TEST_PG_URL) PostgreSQL: permissions, bad input refused with
//! nothing changed, the submit → return → resubmit → close flow with its scores, the ledger reproducing the
//! scoreboard, inspections, appeals, inboxes and the demo history.
#![allow(clippy::unwrap_used)]

use jiff::civil::{Date, DateTime, date};
use plantrack_core::period::Period;
use plantrack_core::plan::Plan;
use plantrack_core::supervise::{ActionKind, Ledger, ScheduleLight, ScoreEventKind, State, SupervisedItem};
use plantrack_store::for_each_backend;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::actions::{ProgressRequest, StepRequest, Upload};
use super::demo::{DEMO_HISTORY_ENDS, demo_admin, demo_department_user, demo_leader};
use super::*;
use crate::{AppError, Principal};

fn plan() -> Plan {
    plantrack_core::plan::embedded::shuangtaizi().unwrap()
}

fn at(y: i16, m: i8, d: i8) -> DateTime {
    date(y, m, d).at(10, 0, 0, 0)
}

const TASK: &str = "t2_incubators"; // led by jingxin, co: renshe, caizheng

fn step(action: ActionKind, reason: &str) -> StepRequest {
    StepRequest {
        action,
        reason: reason.into(),
        new_deadline: None,
        expected_version: None,
    }
}

fn progress(percent: Decimal, attachments: Vec<Upload>) -> ProgressRequest {
    ProgressRequest {
        period: None,
        percent,
        text: "本季度新增孵化器1家".into(),
        data_links: vec!["tech_smes".into()],
        attachments,
        expected_version: None,
    }
}

fn pdf(name: &str) -> Upload {
    Upload {
        file_name: name.into(),
        content: b"%PDF-1.4\n%%EOF\n".to_vec(),
    }
}

/// Registers and assigns every plan task on 2019-01-08, and the lead of TASK signs on 01-10.
async fn setup(ctx: Ctx<'_>) {
    let summary = register_plan_tasks(ctx, &demo_admin(), true, at(2019, 1, 8))
        .await
        .unwrap();
    assert_eq!(summary.registered.len(), ctx.plan.tasks().count());
    act(
        ctx,
        &demo_department_user("jingxin"),
        TASK,
        step(ActionKind::Accept, ""),
        at(2019, 1, 10),
    )
    .await
    .unwrap();
}

fn invalid_field(err: &AppError) -> Vec<String> {
    match err {
        AppError::Invalid(v) => v.iter().map(|e| e.field.clone()).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn version(ctx: Ctx<'_>, key: &str) -> i64 {
    load_item(ctx, key).await.unwrap().version
}

#[tokio::test]
async fn only_the_lead_department_reports_and_refusals_change_nothing() {
    let plan = plan();
    for_each_backend!(|db| {
        let ctx = Ctx::new(&db.store, &plan);
        setup(ctx).await;
        let before = version(ctx, TASK).await;
        let policy = AttachmentPolicy::default();

        // Another department (even a co-department) may not report on the task.
        let err = report_progress(
            ctx,
            &demo_department_user("renshe"),
            TASK,
            progress(dec!(20), vec![pdf("a.pdf")]),
            &policy,
            at(2019, 4, 2),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Denied { .. }), "{err:?}");
        assert!(err.to_string().contains("jingxin"), "{err}");
        // A leader comments and decides, never reports.
        let err = report_progress(
            ctx,
            &demo_leader(),
            TASK,
            progress(dec!(20), vec![]),
            &policy,
            at(2019, 4, 2),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Denied { .. }), "{err:?}");
        // An enterprise user or the public takes no part.
        assert_eq!(
            report_progress(
                ctx,
                &Principal::Public,
                TASK,
                progress(dec!(20), vec![]),
                &policy,
                at(2019, 4, 2)
            )
            .await
            .unwrap_err(),
            AppError::Unauthenticated
        );
        // A department may not approve anything.
        let err = act(
            ctx,
            &demo_department_user("jingxin"),
            TASK,
            step(ActionKind::ApproveClosure, ""),
            at(2019, 4, 2),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Denied { .. }), "{err:?}");

        assert_eq!(version(ctx, TASK).await, before);
        assert!(
            db.store
                .attachments_of(ctx.plan_key(), TASK)
                .await
                .unwrap()
                .is_empty()
        );
    });
}

#[tokio::test]
async fn bad_reports_are_refused_with_every_problem_named_and_nothing_stored() {
    let plan = plan();
    for_each_backend!(|db| {
        let ctx = Ctx::new(&db.store, &plan);
        setup(ctx).await;
        let before = version(ctx, TASK).await;
        let policy = AttachmentPolicy {
            max_bytes: 1024,
            max_files: 3,
        };
        let lead = demo_department_user("jingxin");
        let too_large = Upload {
            file_name: "big.pdf".into(),
            content: [b"%PDF-".as_slice(), &[0u8; 2000]].concat(),
        };
        let exe = Upload {
            file_name: "run.exe".into(),
            content: b"MZ\x90\x00".to_vec(),
        };
        let disguised = Upload {
            file_name: "report.pdf".into(),
            content: b"MZ\x90\x00".to_vec(),
        };
        let mut request = progress(dec!(120), vec![too_large, exe, disguised, pdf("ok.pdf")]);
        request.text = "  ".into();
        request.data_links = vec!["not a link".into()];
        let err = report_progress(ctx, &lead, TASK, request, &policy, at(2019, 4, 2))
            .await
            .unwrap_err();
        let fields = invalid_field(&err);
        for f in ["percent", "text", "data_links", "attachments"] {
            assert!(fields.iter().any(|x| x == f), "{f} missing in {err}");
        }
        let text = err.to_string();
        assert!(
            text.contains("超过上限") && text.contains("类型不允许") && text.contains("内容不是"),
            "{text}"
        );
        assert_eq!(version(ctx, TASK).await, before);
        assert!(
            db.store
                .attachments_of(ctx.plan_key(), TASK)
                .await
                .unwrap()
                .is_empty()
        );

        // An extension to a past date is refused on its field.
        let err = act(
            ctx,
            &lead,
            TASK,
            StepRequest {
                action: ActionKind::RequestExtension,
                reason: "需要更多时间".into(),
                new_deadline: Some(date(2019, 3, 1)),
                expected_version: None,
            },
            at(2019, 4, 2),
        )
        .await
        .unwrap_err();
        assert_eq!(invalid_field(&err), ["new_deadline"]);
        assert!(err.to_string().contains("早于今天"), "{err}");
        // A stale version is refused.
        let err = act(
            ctx,
            &lead,
            TASK,
            StepRequest {
                expected_version: Some(before - 1),
                ..step(ActionKind::Comment, "说明")
            },
            at(2019, 4, 2),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Stale { .. }), "{err:?}");
        assert_eq!(version(ctx, TASK).await, before);
    });
}

fn score(board: &plantrack_core::supervise::Scoreboard, dept: &str) -> Decimal {
    board
        .rows
        .iter()
        .find(|r| r.department.as_str() == dept)
        .unwrap()
        .score
}

#[tokio::test]
async fn submit_return_resubmit_close_moves_the_score_and_a_closed_task_takes_no_report() {
    let plan = plan();
    for_each_backend!(|db| {
        let ctx = Ctx::new(&db.store, &plan);
        setup(ctx).await;
        let admin = demo_admin();
        let lead = demo_department_user("jingxin");
        let policy = AttachmentPolicy::default();
        let q2 = Period::parse("2019Q2").unwrap();
        let today = date(2019, 4, 30);
        let base = score(
            &scoreboard(ctx, &admin, q2, today, None).await.unwrap(),
            "jingxin",
        );

        let done = report_progress(
            ctx,
            &lead,
            TASK,
            progress(dec!(20), vec![pdf("孵化器.pdf")]),
            &policy,
            at(2019, 4, 2),
        )
        .await
        .unwrap();
        assert_eq!(done.step.to, State::InProgress);
        let files = db.store.attachments_of(ctx.plan_key(), TASK).await.unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(
            attachment(ctx, &admin, files[0].id).await.unwrap().content,
            b"%PDF-1.4\n%%EOF\n"
        );

        act(
            ctx,
            &admin,
            TASK,
            step(ActionKind::Return, "缺少认定文件"),
            at(2019, 4, 3),
        )
        .await
        .unwrap();
        let page = item_page(ctx, &lead, TASK, date(2019, 4, 3)).await.unwrap();
        assert_eq!(page.row.state, State::Returned);
        assert_eq!(page.row.light, ScheduleLight::Yellow);
        assert!(page.allowed.contains(&ActionKind::ReportProgress));
        let inbox = inbox(ctx, &lead, date(2019, 4, 3)).await.unwrap();
        assert!(
            inbox.iter().any(|l| l.key.starts_with("t2_incubators/returned/")),
            "{inbox:?}"
        );

        report_progress(
            ctx,
            &lead,
            TASK,
            progress(dec!(25), vec![pdf("认定文件.pdf")]),
            &policy,
            at(2019, 4, 5),
        )
        .await
        .unwrap();
        act(
            ctx,
            &lead,
            TASK,
            step(ActionKind::RequestClosure, ""),
            at(2019, 4, 8),
        )
        .await
        .unwrap();
        act(
            ctx,
            &admin,
            TASK,
            step(ActionKind::StartReview, ""),
            at(2019, 4, 9),
        )
        .await
        .unwrap();
        act(
            ctx,
            &admin,
            TASK,
            step(ActionKind::ApproveClosure, ""),
            at(2019, 4, 10),
        )
        .await
        .unwrap();

        // −2 for the return, +1 for closing on time; the Q2 board counts both (both in April).
        let after = score(
            &scoreboard(ctx, &admin, q2, today, None).await.unwrap(),
            "jingxin",
        );
        assert_eq!(after - base, dec!(-1));
        let ledger = scoring::ledger_view(ctx, &lead).await.unwrap();
        let kinds: Vec<ScoreEventKind> = ledger
            .entries
            .iter()
            .filter(|e| e.item.as_ref().is_some_and(|i| i.as_str() == TASK))
            .map(|e| e.kind)
            .collect();
        assert!(
            kinds.contains(&ScoreEventKind::ReturnedReport) && kinds.contains(&ScoreEventKind::ClosedOnTime),
            "{kinds:?}"
        );

        // A closed task takes no more reports.
        let before = version(ctx, TASK).await;
        let err = report_progress(
            ctx,
            &lead,
            TASK,
            progress(dec!(30), vec![pdf("x.pdf")]),
            &policy,
            at(2019, 4, 12),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("已办结"), "{err}");
        assert_eq!(invalid_field(&err), ["action"]);
        assert_eq!(version(ctx, TASK).await, before);
        assert_eq!(
            db.store.attachments_of(ctx.plan_key(), TASK).await.unwrap().len(),
            2
        );
    });
}

/// The stored ledger and a ledger derived afresh from the stored items give the same scoreboard.
async fn ledger_reproduces_scoreboard(ctx: Ctx<'_>, today: Date) {
    refresh_ledger(ctx, today).await.unwrap();
    let items: Vec<SupervisedItem> = load_items(ctx)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.item)
        .collect();
    let stored = Ledger::from_parts(ctx.store.score_entries(ctx.plan_key()).await.unwrap(), vec![]).unwrap();
    let mut fresh = Ledger::new();
    fresh.update(&items, ctx.rules(), today);
    for p in ["2019Q1", "2019Q2", "2019Q3", "2019Q4", "2019"] {
        let period = Period::parse(p).unwrap();
        let depts = ctx.departments();
        assert_eq!(
            stored.scoreboard(period, &depts, &ctx.rules().scoring, None),
            fresh.scoreboard(period, &depts, &ctx.rules().scoring, None),
            "{p}"
        );
    }
}

#[tokio::test]
async fn the_demo_history_has_the_whole_workflow_and_its_ledger_reproduces_the_scoreboard() {
    let plan = plan();
    for_each_backend!(|db| {
        let ctx = Ctx::new(&db.store, &plan);
        let seeded = seed_demo_history(&db.store, &plan).await.unwrap();
        assert!(seeded.seeded && seeded.steps > 90, "{seeded:?}");
        // Seeding twice does nothing.
        assert!(!seed_demo_history(&db.store, &plan).await.unwrap().seeded);

        let items = load_items(ctx).await.unwrap();
        assert_eq!(items.len(), plan.tasks().count() + 3);
        let entries = db.store.score_entries(ctx.plan_key()).await.unwrap();
        for kind in [
            ScoreEventKind::LateReport,
            ScoreEventKind::ReturnedReport,
            ScoreEventKind::ClosedOnTime,
            ScoreEventKind::LeaderCommendation,
            ScoreEventKind::RectificationOverdue,
            ScoreEventKind::Reversal,
        ] {
            assert!(entries.iter().any(|e| e.kind == kind), "no {kind:?}");
        }
        let appeals = db.store.appeals(ctx.plan_key()).await.unwrap();
        assert_eq!(appeals.len(), 2);
        let views = inspections(ctx, &demo_admin(), DEMO_HISTORY_ENDS).await.unwrap();
        assert_eq!(views.len(), 1);
        assert!(views[0].summary.complete, "{:?}", views[0].summary);
        let board = board(ctx, &demo_leader(), DEMO_HISTORY_ENDS).await.unwrap();
        assert_eq!(board.rows.len(), items.len());
        assert!(board.by_area.len() >= 5);
        // Areas in plan order, then the admin-added and rectification items.
        let first_area = &plan.task_areas()[0].id.to_string();
        assert_eq!(&board.by_area[0].key, first_area);
        assert_eq!(board.by_area.last().unwrap().key, "rectification");

        // Without appeals, the stored ledger equals one derived afresh from the stored history.
        let ledger_without_reversals = Ledger::from_parts(
            entries
                .iter()
                .filter(|e| e.kind != ScoreEventKind::Reversal)
                .cloned()
                .collect(),
            vec![],
        )
        .unwrap();
        let all: Vec<SupervisedItem> = items.into_iter().map(|l| l.item).collect();
        let mut fresh = Ledger::new();
        fresh.update(&all, ctx.rules(), DEMO_HISTORY_ENDS);
        let q4 = Period::parse("2019").unwrap();
        assert_eq!(
            ledger_without_reversals.scoreboard(q4, &ctx.departments(), &ctx.rules().scoring, None),
            fresh.scoreboard(q4, &ctx.departments(), &ctx.rules().scoring, None)
        );
        ledger_reproduces_scoreboard_with_appeals(ctx).await;
    });
}

async fn ledger_reproduces_scoreboard_with_appeals(ctx: Ctx<'_>) {
    // The accepted appeal reverses its deduction: the department's year score is the fresh derivation + the
    // reversal.
    let view = scoring::ledger_view(ctx, &demo_admin()).await.unwrap();
    let reversal = view
        .entries
        .iter()
        .find(|e| e.kind == ScoreEventKind::Reversal)
        .unwrap();
    let year = Period::parse("2019").unwrap();
    let with = Ledger::from_parts(view.entries.clone(), view.appeals.clone()).unwrap();
    let without = Ledger::from_parts(
        view.entries
            .iter()
            .filter(|e| e.kind != ScoreEventKind::Reversal)
            .cloned()
            .collect(),
        vec![],
    )
    .unwrap();
    let d = &reversal.department;
    let a = with.scoreboard(year, &ctx.departments(), &ctx.rules().scoring, None);
    let b = without.scoreboard(year, &ctx.departments(), &ctx.rules().scoring, None);
    assert_eq!(a.row(d).unwrap().score - b.row(d).unwrap().score, reversal.points);
}

#[tokio::test]
async fn a_fresh_flow_ledger_matches_a_fresh_derivation() {
    let plan = plan();
    for_each_backend!(|db| {
        let ctx = Ctx::new(&db.store, &plan);
        setup(ctx).await;
        // Nothing reported all year: every quarterly slot is late for every task.
        ledger_reproduces_scoreboard(ctx, date(2019, 12, 31)).await;
        let board = scoreboard(
            ctx,
            &demo_leader(),
            Period::parse("2019Q2").unwrap(),
            date(2019, 12, 31),
            None,
        )
        .await
        .unwrap();
        assert!(board.rows.iter().all(|r| r.score <= board.base));
    });
}
