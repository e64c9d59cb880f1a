//! Inboxes and the daily digest.

use rust_decimal_macros::dec;

use super::*;

fn kinds(entries: &[InboxEntry]) -> Vec<(String, &'static str)> {
    entries
        .iter()
        .map(|e| {
            let kind = match e.reminder {
                Reminder::AwaitingAcceptance { .. } => "awaiting_acceptance",
                Reminder::ReportDueSoon { .. } => "report_due_soon",
                Reminder::ReportOverdue { .. } => "report_overdue",
                Reminder::DeadlineSoon { .. } => "deadline_soon",
                Reminder::DeadlineOverdue { .. } => "deadline_overdue",
                Reminder::Returned { .. } => "returned",
                Reminder::AwaitingReview => "awaiting_review",
                Reminder::AwaitingClosureDecision => "awaiting_closure_decision",
                Reminder::AwaitingExtensionDecision { .. } => "awaiting_extension_decision",
            };
            (e.item.to_string(), kind)
        })
        .collect()
}

#[test]
fn a_report_is_due_soon_from_n_days_before_its_due_date() {
    let item = accepted_item("a", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    let items = [item];
    let r = rules();
    // January's report is due 5 February: reminded from 2 February (3 days), not on 1 February.
    assert!(inbox(&lead(), &items, &r, d(2019, 2, 1)).is_empty());
    let soon = inbox(&lead(), &items, &r, d(2019, 2, 2));
    assert_eq!(kinds(&soon), [("a".into(), "report_due_soon")]);
    assert!(matches!(
        soon[0].reminder,
        Reminder::ReportDueSoon { days_left: 3, .. }
    ));
    assert!(matches!(
        inbox(&lead(), &items, &r, d(2019, 2, 5))[0].reminder,
        Reminder::ReportDueSoon { days_left: 0, .. }
    ));
    let overdue = inbox(&lead(), &items, &r, d(2019, 2, 6));
    assert_eq!(kinds(&overdue), [("a".into(), "report_overdue")]);
    assert!(matches!(
        overdue[0].reminder,
        Reminder::ReportOverdue { days_overdue: 1, .. }
    ));
    // Other departments, co-departments included, see nothing of it.
    assert!(inbox(&other(), &items, &r, d(2019, 2, 6)).is_empty());
    assert!(inbox(&co(), &items, &r, d(2019, 2, 6)).is_empty());
}

#[test]
fn deadlines_returns_and_decisions_reach_the_right_people() {
    let rule = rules();
    // b: assigned, not signed for.
    let mut b = SupervisedItem::register(
        spec("b", d(2019, 6, 30), ReportingCycle::Quarterly),
        admin(),
        at(2019, 6, 1),
        "",
    )
    .unwrap();
    run(&mut b, admin(), at(2019, 6, 1), Action::Assign, "");
    // c: returned report.
    let mut c = accepted_item("c", d(2019, 6, 1), d(2019, 9, 30), ReportingCycle::Quarterly);
    run(&mut c, lead(), at(2019, 6, 10), report(dec!(30)), "");
    run(&mut c, admin(), at(2019, 6, 12), Action::Return, "数据无来源");
    // e: closure requested, with an extension pending.
    let mut e = accepted_item("e", d(2019, 6, 1), d(2019, 12, 31), ReportingCycle::Quarterly);
    run(
        &mut e,
        lead(),
        at(2019, 6, 2),
        Action::RequestExtension {
            new_deadline: d(2020, 3, 31),
        },
        "等待审批",
    );
    run(&mut e, lead(), at(2019, 6, 3), Action::RequestClosure, "");
    // f: under review.
    let mut f = accepted_item("f", d(2019, 6, 1), d(2019, 12, 31), ReportingCycle::Quarterly);
    run(&mut f, lead(), at(2019, 6, 2), Action::RequestClosure, "");
    run(&mut f, admin(), at(2019, 6, 3), Action::StartReview, "");
    let items = [b, c, e, f];
    let today = d(2019, 6, 28);

    let department = kinds(&inbox(&lead(), &items, &rule, today));
    assert_eq!(
        department,
        [
            ("b".into(), "awaiting_acceptance"),
            ("c".into(), "returned"),
            ("b".into(), "deadline_soon"),
        ]
    );
    let admin_view = kinds(&inbox(&admin(), &items, &rule, today));
    assert_eq!(
        admin_view,
        [
            ("e".into(), "awaiting_review"),
            ("e".into(), "awaiting_extension_decision"),
            ("f".into(), "awaiting_closure_decision"),
            ("b".into(), "deadline_soon"),
        ]
    );
    let leader_view = kinds(&inbox(&leader(), &items, &rule, today));
    assert_eq!(
        leader_view,
        [
            ("e".into(), "awaiting_extension_decision"),
            ("f".into(), "awaiting_closure_decision"),
            ("b".into(), "deadline_soon"),
        ]
    );
    // After b's deadline: overdue for everyone concerned, most urgent first.
    let late = inbox(&lead(), &items, &rule, d(2019, 7, 1));
    assert_eq!(kinds(&late)[0], ("b".into(), "deadline_overdue"));
    assert_eq!(late[0].reminder.urgency(), ScheduleLight::Red);
}

#[test]
fn the_digest_counts_lights_reminders_and_departments() {
    let rule = rules();
    let ok = {
        let mut i = accepted_item("ok", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
        run(&mut i, lead(), at(2019, 2, 3), report(dec!(20)), "");
        i
    };
    let missing = accepted_item("missing", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    let overdue = accepted_item("overdue", d(2019, 1, 1), d(2019, 2, 1), ReportingCycle::Monthly);
    let mut other_dept = spec("renshe_item", d(2019, 12, 31), ReportingCycle::Quarterly);
    other_dept.lead_department = dept("renshe");
    other_dept.co_departments.clear();
    let other_item = SupervisedItem::register(other_dept, admin(), at(2019, 1, 1), "").unwrap();
    let items = [ok, missing, overdue, other_item];
    let digest = daily_digest(
        &[dept("jingxin"), dept("caizheng")],
        &items,
        &rule,
        d(2019, 2, 10),
    );
    assert_eq!(digest.lights.get(&ScheduleLight::Red), Some(&1));
    assert_eq!(digest.lights.get(&ScheduleLight::Yellow), Some(&1));
    assert_eq!(digest.lights.get(&ScheduleLight::Green), Some(&2));
    assert_eq!(digest.closed, 0);
    let names: Vec<&str> = digest
        .by_department
        .iter()
        .map(|l| l.department.as_str())
        .collect();
    assert_eq!(names, ["jingxin", "caizheng", "renshe"]);
    let jingxin = &digest.by_department[0];
    assert_eq!(
        (jingxin.reports_missing, jingxin.overdue, jingxin.returned),
        (2, 1, 0)
    );
    assert_eq!(jingxin.freshness.signal, Freshness::Stale);
    assert_eq!(digest.by_department[1].freshness.signal, Freshness::NothingDue);
    assert_eq!(digest.entries[0].reminder.urgency(), ScheduleLight::Red);
}
