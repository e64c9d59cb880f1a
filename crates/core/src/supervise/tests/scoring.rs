//! The scoring ledger: derived events, the scoreboard, appeals, replay.

use rust_decimal_macros::dec;

use super::*;

fn score(ledger: &Ledger, period: &str, department: &str, as_of: Option<Date>) -> Decimal {
    let board = ledger.scoreboard(
        Period::parse(period).unwrap(),
        &[dept("jingxin")],
        &rules().scoring,
        as_of,
    );
    board.row(&dept(department)).unwrap().score
}

fn keys(entries: &[LedgerEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.key.as_str()).collect()
}

/// The E2E story in the domain: a department submits a report, the admin returns it, the department
/// resubmits, the admin closes the task — and the score changes accordingly.
#[test]
fn submit_return_resubmit_close_changes_the_score() {
    let mut item = accepted_item("t1", d(2019, 10, 8), d(2019, 12, 31), ReportingCycle::Quarterly);
    let mut ledger = Ledger::new();
    run(&mut item, lead(), at(2019, 10, 20), report(dec!(60)), "");
    ledger.update(std::slice::from_ref(&item), &rules(), d(2019, 10, 20));
    assert_eq!(score(&ledger, "2019Q4", "jingxin", None), dec!(100));

    run(
        &mut item,
        admin(),
        at(2019, 10, 22),
        Action::Return,
        "缺少佐证材料",
    );
    let fresh = ledger.update(std::slice::from_ref(&item), &rules(), d(2019, 10, 22));
    assert_eq!(keys(&fresh), ["returned_report/t1/5"]);
    assert_eq!(fresh[0].points, dec!(-2));
    assert_eq!(score(&ledger, "2019Q4", "jingxin", None), dec!(98));

    run(&mut item, lead(), at(2019, 10, 25), report(dec!(60)), "");
    run(
        &mut item,
        lead(),
        at(2019, 12, 1),
        Action::RequestClosure,
        "已完成",
    );
    run(&mut item, admin(), at(2019, 12, 2), Action::StartReview, "");
    run(&mut item, admin(), at(2019, 12, 3), Action::ApproveClosure, "");
    let fresh = ledger.update(std::slice::from_ref(&item), &rules(), d(2020, 1, 31));
    assert_eq!(keys(&fresh), ["closed_on_time/t1"]);
    assert_eq!(score(&ledger, "2019Q4", "jingxin", None), dec!(99));
    assert_eq!(score(&ledger, "2019", "jingxin", None), dec!(99));
    // Another quarter starts from the base again.
    assert_eq!(score(&ledger, "2020Q1", "jingxin", None), dec!(100));
}

#[test]
fn a_late_slot_costs_once_whether_the_report_comes_late_or_never() {
    let mut late = accepted_item("late", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    run(
        &mut late,
        lead(),
        at(2019, 2, 9),
        report_for("2019-01", dec!(5)),
        "",
    );
    let never = accepted_item("never", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    let entries = derive_entries(&[late, never], &rules(), d(2019, 2, 28));
    assert_eq!(
        keys(&entries),
        ["late_report/late/2019-01", "late_report/never/2019-01"]
    );
    assert!(
        entries
            .iter()
            .all(|e| e.effective_on == d(2019, 2, 6) && e.points == dec!(-1))
    );
    // On the due date itself nothing is late yet.
    let never = accepted_item("never", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    assert!(derive_entries(&[never], &rules(), d(2019, 2, 5)).is_empty());
}

#[test]
fn overdue_items_rectification_and_commendations_are_scored_by_kind() {
    let mut overdue = accepted_item("o", d(2019, 3, 1), d(2019, 3, 31), ReportingCycle::Monthly);
    run(&mut overdue, lead(), at(2019, 3, 20), report(dec!(50)), "");
    run(
        &mut overdue,
        leader(),
        at(2019, 3, 21),
        Action::Commend,
        "思路清晰",
    );
    let mut s = spec("z", d(2019, 3, 31), ReportingCycle::Monthly);
    s.kind = ItemKind::Rectification {
        inspection: InspectionId::parse("dc2019q1").unwrap(),
        finding: FindingId::parse("f1").unwrap(),
    };
    let mut rect = SupervisedItem::register(s, admin(), at(2019, 3, 1), "").unwrap();
    run(&mut rect, admin(), at(2019, 3, 1), Action::Assign, "");
    run(&mut rect, lead(), at(2019, 3, 2), Action::Accept, "");
    run(&mut rect, lead(), at(2019, 3, 25), report(dec!(80)), "");
    let items = [overdue, rect];
    let entries = derive_entries(&items, &rules(), d(2019, 4, 30));
    let summary: Vec<(&str, Decimal, Date)> = entries
        .iter()
        .map(|e| (e.key.as_str(), e.points, e.effective_on))
        .collect();
    assert_eq!(
        summary,
        [
            ("leader_commendation/o/5", dec!(1), d(2019, 3, 21)),
            ("overdue_item/o", dec!(-2), d(2019, 4, 1)),
            ("rectification_overdue/z", dec!(-3), d(2019, 4, 1)),
        ]
    );
    // Not overdue on the deadline itself.
    assert_eq!(derive_entries(&items, &rules(), d(2019, 3, 31)).len(), 1);
    // A zero-point rule writes nothing.
    let mut no_bonus = rules();
    no_bonus.scoring.bonus.leader_commendation = Points::ZERO;
    assert_eq!(derive_entries(&items, &no_bonus, d(2019, 3, 31)).len(), 0);
}

#[test]
fn an_extension_granted_in_time_avoids_the_overdue_deduction_but_a_late_closure_does_not() {
    let mut extended = accepted_item("x", d(2019, 3, 1), d(2019, 3, 31), ReportingCycle::Quarterly);
    run(
        &mut extended,
        lead(),
        at(2019, 3, 20),
        Action::RequestExtension {
            new_deadline: d(2019, 5, 31),
        },
        "资金未到位",
    );
    run(
        &mut extended,
        leader(),
        at(2019, 3, 28),
        Action::ApproveExtension,
        "",
    );
    let mut closed_late = accepted_item("y", d(2019, 3, 1), d(2019, 3, 31), ReportingCycle::Quarterly);
    run(
        &mut closed_late,
        lead(),
        at(2019, 4, 2),
        Action::RequestClosure,
        "",
    );
    run(&mut closed_late, admin(), at(2019, 4, 3), Action::StartReview, "");
    run(
        &mut closed_late,
        admin(),
        at(2019, 4, 4),
        Action::ApproveClosure,
        "",
    );
    // An extension approved after the deadline came too late for the days already overdue.
    let mut extended_late = accepted_item("w", d(2019, 3, 1), d(2019, 3, 31), ReportingCycle::Quarterly);
    run(
        &mut extended_late,
        lead(),
        at(2019, 4, 2),
        Action::RequestExtension {
            new_deadline: d(2019, 5, 31),
        },
        "补办",
    );
    run(
        &mut extended_late,
        admin(),
        at(2019, 4, 3),
        Action::ApproveExtension,
        "",
    );
    // As of 10 April (Q1's report still on time).
    let entries = derive_entries(&[extended, closed_late, extended_late], &rules(), d(2019, 4, 10));
    assert_eq!(keys(&entries), ["overdue_item/w", "overdue_item/y"]);
    assert_eq!(entries[0].effective_on, d(2019, 4, 1));
}

#[test]
fn an_accepted_appeal_appends_a_reversal_and_the_ledger_keeps_both() {
    let never = accepted_item("n", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    let mut ledger = Ledger::new();
    ledger.update(&[never], &rules(), d(2019, 2, 10));
    assert_eq!(score(&ledger, "2019Q1", "jingxin", None), dec!(99));
    let entry = "late_report/n/2019-01";

    // Refusals: a bonus-free unknown entry, a leader, another department, no reason.
    assert_eq!(
        ledger
            .file_appeal("nope", &lead(), at(2019, 2, 11), "x")
            .unwrap_err()
            .code(),
        "supervise.unknown_ledger_entry"
    );
    assert!(
        ledger
            .file_appeal(entry, &leader(), at(2019, 2, 11), "x")
            .is_err()
    );
    assert!(ledger.file_appeal(entry, &other(), at(2019, 2, 11), "x").is_err());
    assert!(ledger.file_appeal(entry, &lead(), at(2019, 2, 11), " ").is_err());
    let appeal = ledger
        .file_appeal(entry, &lead(), at(2019, 2, 11), "系统故障无法报送")
        .unwrap();
    assert_eq!(appeal.id, "appeal/1");
    assert!(
        ledger
            .file_appeal(entry, &lead(), at(2019, 2, 12), "再次申诉")
            .is_err()
    );
    // Only an admin decides.
    assert!(
        ledger
            .decide_appeal("appeal/1", &leader(), at(2019, 2, 13), true, "")
            .is_err()
    );
    assert_eq!(
        ledger
            .decide_appeal("appeal/9", &admin(), at(2019, 2, 13), true, "")
            .unwrap_err()
            .code(),
        "supervise.unknown_appeal"
    );
    let reversal = ledger
        .decide_appeal("appeal/1", &admin(), at(2019, 4, 2), true, "经核实属实")
        .unwrap()
        .unwrap();
    assert_eq!(
        (reversal.points, reversal.effective_on, reversal.recorded_on),
        (dec!(1), d(2019, 2, 6), d(2019, 4, 2))
    );
    assert!(
        ledger
            .decide_appeal("appeal/1", &admin(), at(2019, 4, 3), false, "改判")
            .is_err()
    );

    // Both entries stay; the corrected Q1 score is back to the base, while the Q1 board as it stood on 31 March
    // (before the decision) still shows the deduction.
    assert_eq!(keys(ledger.entries()), [entry, "reversal/appeal/1"]);
    assert_eq!(score(&ledger, "2019Q1", "jingxin", None), dec!(100));
    assert_eq!(
        score(&ledger, "2019Q1", "jingxin", Some(d(2019, 3, 31))),
        dec!(99)
    );
    let row = ledger.scoreboard(Period::parse("2019Q1").unwrap(), &[], &rules().scoring, None);
    let row = row.row(&dept("jingxin")).unwrap();
    assert_eq!((row.deductions, row.reversals), (dec!(-1), dec!(1)));
    // A reversal is not itself appealable; deriving again does not bring the deduction back twice.
    assert!(
        ledger
            .file_appeal("reversal/appeal/1", &lead(), at(2019, 4, 5), "x")
            .is_err()
    );
    let never = accepted_item("n", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    let fresh = ledger.update(&[never], &rules(), d(2019, 4, 6));
    assert_eq!(keys(&fresh), ["late_report/n/2019-02", "late_report/n/2019-03"]);
    // The ledger survives storage.
    let stored = serde_json::to_string(&ledger).unwrap();
    assert_eq!(serde_json::from_str::<Ledger>(&stored).unwrap(), ledger);
    assert_eq!(
        Ledger::from_parts(ledger.entries().to_vec(), ledger.appeals().to_vec()).unwrap(),
        ledger
    );
}

#[test]
fn a_rejected_appeal_keeps_the_deduction_and_needs_a_reason() {
    let never = accepted_item("n", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    let mut ledger = Ledger::new();
    ledger.update(&[never], &rules(), d(2019, 2, 10));
    ledger
        .file_appeal("late_report/n/2019-01", &admin(), at(2019, 2, 11), "代部门申诉")
        .unwrap();
    assert!(
        ledger
            .decide_appeal("appeal/1", &admin(), at(2019, 2, 12), false, "")
            .is_err()
    );
    assert_eq!(
        ledger
            .decide_appeal("appeal/1", &admin(), at(2019, 2, 12), false, "理由不成立")
            .unwrap(),
        None
    );
    assert_eq!(ledger.entries().len(), 1);
    assert_eq!(
        ledger.appeals()[0].decision.as_ref().map(|d| d.accepted),
        Some(false)
    );
    assert_eq!(score(&ledger, "2019Q1", "jingxin", None), dec!(99));
}

#[test]
fn scoreboards_rank_departments_and_share_ranks_on_ties() {
    let mut ledger = Ledger::new();
    let entry = |key: &str, department: &str, points: Decimal| LedgerEntry {
        key: key.into(),
        department: dept(department),
        kind: if points < Decimal::ZERO {
            ScoreEventKind::LateReport
        } else {
            ScoreEventKind::ClosedOnTime
        },
        points,
        effective_on: d(2019, 5, 1),
        recorded_on: d(2019, 5, 1),
        item: None,
        reverses: None,
        appeal: None,
        detail: String::new(),
    };
    ledger.record(vec![
        entry("a", "jingxin", dec!(-1)),
        entry("b", "caizheng", dec!(-1)),
        entry("c", "kexie", dec!(2)),
    ]);
    let board = ledger.scoreboard(
        Period::parse("2019").unwrap(),
        &[dept("renshe")],
        &rules().scoring,
        None,
    );
    let ranks: Vec<(&str, Decimal, u32)> = board
        .rows
        .iter()
        .map(|r| (r.department.as_str(), r.score, r.rank))
        .collect();
    assert_eq!(
        ranks,
        [
            ("kexie", dec!(102), 1),
            ("renshe", dec!(100), 2),
            ("caizheng", dec!(99), 3),
            ("jingxin", dec!(99), 3)
        ]
    );
    // A stored ledger with a duplicate key is refused.
    let dup = vec![entry("a", "jingxin", dec!(-1)), entry("a", "jingxin", dec!(-1))];
    assert!(Ledger::from_parts(dup, Vec::new()).is_err());
}
