//! The schedule light at every boundary, on both sides, and the freshness signal.

use rust_decimal_macros::dec;

use super::*;

fn light_on(item: &SupervisedItem, rules: &SupervisionRules, today: Date) -> LightAssessment {
    assess_schedule(item, rules, today).unwrap()
}

/// Assigned 2019-01-01, due 2019-12-31, monthly; reports every month on the 3rd at 100 % (far ahead), so only the
/// deadline rules can fire.
fn ahead_item() -> SupervisedItem {
    let mut item = accepted_item("ahead", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    for month in 2..=12 {
        run(&mut item, lead(), at(2019, month, 3), report(dec!(100)), "");
    }
    item
}

#[test]
fn blue_within_n_days_of_the_deadline_red_the_day_after() {
    let item = ahead_item();
    let r = rules();
    let green = light_on(&item, &r, d(2019, 12, 27));
    assert_eq!(
        (green.light, green.rule, green.inputs.days_left),
        (ScheduleLight::Green, LightRule::OnSchedule, 4)
    );
    let blue = light_on(&item, &r, d(2019, 12, 28));
    assert_eq!(
        (blue.light, blue.rule, blue.inputs.days_left),
        (ScheduleLight::Blue, LightRule::NearDeadline, 3)
    );
    let last_day = light_on(&item, &r, d(2019, 12, 31));
    assert_eq!(
        (last_day.light, last_day.inputs.days_left),
        (ScheduleLight::Blue, 0)
    );
    let red = light_on(&item, &r, d(2020, 1, 1));
    assert_eq!(
        (red.light, red.rule, red.inputs.days_left),
        (ScheduleLight::Red, LightRule::Overdue, -1)
    );
    assert_eq!(
        red.explain_zh(),
        "红灯：已超过办结时限 2019-12-31（超期 1 天），尚未办结"
    );
    assert_eq!(
        red.explain_en(),
        "red: past its deadline 2019-12-31 by 1 days and not closed"
    );
    // The threshold is a rule: with 0 days only the deadline day itself is blue.
    let mut strict = rules();
    strict.lights.near_deadline_days = 0;
    assert_eq!(
        light_on(&item, &strict, d(2019, 12, 30)).light,
        ScheduleLight::Green
    );
    assert_eq!(
        light_on(&item, &strict, d(2019, 12, 31)).light,
        ScheduleLight::Blue
    );
}

#[test]
fn closed_items_are_green_and_stay_green_after_the_deadline() {
    let mut item = ahead_item();
    run(&mut item, lead(), at(2019, 12, 20), Action::RequestClosure, "");
    run(&mut item, admin(), at(2019, 12, 21), Action::StartReview, "");
    run(&mut item, leader(), at(2019, 12, 22), Action::ApproveClosure, "");
    let a = light_on(&item, &rules(), d(2020, 3, 1));
    assert_eq!(
        (a.light, a.rule, a.fired.as_slice()),
        (ScheduleLight::Green, LightRule::Closed, &[LightRule::Closed][..])
    );
    // The day before the closure it was under review, ten days before the deadline: green, not closed.
    let before = light_on(&item, &rules(), d(2019, 12, 21));
    assert_eq!(
        (before.light, before.rule, before.inputs.state),
        (ScheduleLight::Green, LightRule::OnSchedule, State::UnderReview)
    );
}

/// A ten-day item (assigned 2019-01-01, due 2019-01-11) read linearly: on 2019-01-06 序时进度 is exactly 50 %.
fn linear_item(reported: Decimal) -> (SupervisedItem, SupervisionRules) {
    let mut item = accepted_item("linear", d(2019, 1, 1), d(2019, 1, 11), ReportingCycle::Monthly);
    run(&mut item, lead(), at(2019, 1, 6), report(reported), "");
    let mut r = rules();
    r.lights.expectation = ExpectationMethod::Linear;
    (item, r)
}

#[test]
fn yellow_only_when_behind_the_expected_progress_by_more_than_the_threshold() {
    let (at_threshold, r) = linear_item(dec!(40));
    let a = light_on(&at_threshold, &r, d(2019, 1, 6));
    let expected = a.inputs.expected.unwrap();
    assert_eq!(
        (expected.percent, expected.basis, expected.reference_date),
        (dec!(50), ExpectationBasis::Linear, d(2019, 1, 6))
    );
    assert_eq!(a.inputs.gap_points, Some(dec!(10)));
    assert_eq!(a.light, ScheduleLight::Green);

    let (behind, r) = linear_item(dec!(39.99));
    let a = light_on(&behind, &r, d(2019, 1, 6));
    assert_eq!(
        (a.light, a.rule),
        (ScheduleLight::Yellow, LightRule::BehindSchedule)
    );
    assert_eq!(a.inputs.gap_points, Some(dec!(10.01)));
    assert!(
        a.explain_zh().contains("序时进度 50%") && a.explain_zh().contains("落后 10 个百分点"),
        "{}",
        a.explain_zh()
    );
}

#[test]
fn red_for_lag_alone_only_when_configured_and_beyond_its_threshold() {
    let mut r = rules();
    r.lights.expectation = ExpectationMethod::Linear;
    r.lights.red_behind_schedule_points = Some(Points::whole(30));
    let (item, _) = linear_item(dec!(20));
    let a = light_on(&item, &r, d(2019, 1, 6));
    assert_eq!(
        (a.light, a.rule),
        (ScheduleLight::Yellow, LightRule::BehindSchedule)
    );
    let (item, _) = linear_item(dec!(19.99));
    let a = light_on(&item, &r, d(2019, 1, 6));
    assert_eq!(
        (a.light, a.rule),
        (ScheduleLight::Red, LightRule::FarBehindSchedule)
    );
    assert_eq!(
        a.fired,
        vec![LightRule::FarBehindSchedule, LightRule::BehindSchedule]
    );
    // Off by default.
    let (item, mut default_linear) = linear_item(dec!(0));
    default_linear.lights.expectation = ExpectationMethod::Linear;
    assert_eq!(
        light_on(&item, &default_linear, d(2019, 1, 6)).light,
        ScheduleLight::Yellow
    );
}

#[test]
fn the_step_expectation_waits_for_the_cycle_report_to_be_due() {
    // A quarterly item over 2019; the Q1 report says 25 %.
    let mut item = accepted_item("q", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Quarterly);
    run(&mut item, lead(), at(2019, 4, 8), report(dec!(22)), "");
    let step = rules();
    let mut linear = rules();
    linear.lights.expectation = ExpectationMethod::Linear;
    // On 2019-06-20 a daily expectation (47 %) makes the item look 25 points behind; the step expectation reads
    // 序时进度 at the end of Q1 (the latest quarter whose report is due), 89/364 = 24.45 %: on schedule.
    let on_step = light_on(&item, &step, d(2019, 6, 20));
    assert_eq!(on_step.inputs.expected.unwrap().reference_date, d(2019, 3, 31));
    assert_eq!(on_step.light, ScheduleLight::Green);
    assert_eq!(
        light_on(&item, &linear, d(2019, 6, 20)).light,
        ScheduleLight::Yellow
    );
    // Before any report is due (Q1's is due 10 April) there is no expectation at all.
    assert!(light_on(&item, &step, d(2019, 4, 10)).inputs.expected.is_none());
    assert!(expected_progress(&item.as_of(d(2019, 4, 11)).unwrap(), &step, d(2019, 4, 11)).is_some());
}

#[test]
fn milestones_with_expected_percents_step_the_expectation() {
    let mut s = spec("m", d(2019, 12, 31), ReportingCycle::Monthly);
    s.milestones = vec![
        Milestone {
            title: "完成调研".into(),
            due: d(2019, 3, 31),
            expected_percent: Some(pct(dec!(30))),
        },
        Milestone {
            title: "出台政策".into(),
            due: d(2019, 6, 30),
            expected_percent: Some(pct(dec!(60))),
        },
    ];
    let mut item = SupervisedItem::register(s, admin(), at(2019, 1, 1), "").unwrap();
    run(&mut item, admin(), at(2019, 1, 1), Action::Assign, "");
    run(&mut item, lead(), at(2019, 1, 2), Action::Accept, "");
    for month in 2..=4 {
        run(&mut item, lead(), at(2019, month, 1), report(dec!(20)), "");
    }
    // 2019-04-06: March's report is due (5 April), reference 31 March, milestone 30 % → gap 10: not behind.
    let a = light_on(&item, &rules(), d(2019, 4, 6));
    let e = a.inputs.expected.unwrap();
    assert_eq!((e.percent, e.basis), (dec!(30), ExpectationBasis::Milestones));
    assert_eq!(a.light, ScheduleLight::Green);
    // 2019-04-05: March's report is not yet due, reference end of February, no milestone passed → 0 %.
    assert_eq!(
        light_on(&item, &rules(), d(2019, 4, 5))
            .inputs
            .expected
            .unwrap()
            .percent,
        dec!(0)
    );
    // With 19.99 % reported the gap is 10.01: yellow.
    run(&mut item, lead(), at(2019, 4, 6), report(dec!(19.99)), "");
    assert_eq!(
        light_on(&item, &rules(), d(2019, 4, 6)).rule,
        LightRule::BehindSchedule
    );
}

#[test]
fn a_late_or_missing_latest_report_is_yellow_from_the_day_after_its_due_date() {
    let on_due_day = {
        let mut item = accepted_item("a", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
        run(&mut item, lead(), at(2019, 2, 5), report(dec!(10)), "");
        item
    };
    let day_late = {
        let mut item = accepted_item("b", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
        // After 5 February an unnamed report would go to February; January is named.
        run(
            &mut item,
            lead(),
            at(2019, 2, 6),
            report_for("2019-01", dec!(10)),
            "",
        );
        item
    };
    let never = accepted_item("c", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    let r = rules();
    assert_eq!(
        light_on(&on_due_day, &r, d(2019, 2, 10)).light,
        ScheduleLight::Green
    );
    let late = light_on(&day_late, &r, d(2019, 2, 10));
    assert_eq!(
        (late.light, late.rule),
        (ScheduleLight::Yellow, LightRule::LateReport)
    );
    assert_eq!(
        late.explain_zh(),
        "黄灯：2019年1月 的进展反馈应于 2019-02-05 前报送，2019-02-06 才报送（迟报）"
    );
    // Missing: not yet late on the due date, yellow the day after.
    assert_eq!(light_on(&never, &r, d(2019, 2, 5)).light, ScheduleLight::Green);
    let missing = light_on(&never, &r, d(2019, 2, 6));
    assert_eq!(
        (missing.light, missing.rule),
        (ScheduleLight::Yellow, LightRule::LateReport)
    );
    assert_eq!(missing.inputs.latest_due_slot.unwrap().state, SlotState::Missing);
    // Once the next cycle's report is on time, the light returns to green (温州: the gap made up).
    let mut recovered = day_late.clone();
    run(&mut recovered, lead(), at(2019, 3, 2), report(dec!(20)), "");
    assert_eq!(
        light_on(&recovered, &r, d(2019, 3, 10)).light,
        ScheduleLight::Green
    );
    // The rule can be switched off.
    let mut lenient = rules();
    lenient.lights.late_report_is_yellow = false;
    assert_eq!(
        light_on(&never, &lenient, d(2019, 2, 6)).light,
        ScheduleLight::Green
    );
}

#[test]
fn returned_items_are_yellow_and_the_most_severe_rule_decides() {
    let mut item = accepted_item("r", d(2019, 1, 1), d(2019, 1, 20), ReportingCycle::Monthly);
    run(&mut item, lead(), at(2019, 1, 15), report(dec!(90)), "");
    run(&mut item, admin(), at(2019, 1, 16), Action::Return, "材料不全");
    let a = light_on(&item, &rules(), d(2019, 1, 18));
    assert_eq!((a.light, a.rule), (ScheduleLight::Yellow, LightRule::Returned));
    assert_eq!(a.fired, vec![LightRule::Returned, LightRule::NearDeadline]);
    // The returned report no longer counts as reported progress.
    assert_eq!(a.inputs.reported_percent, None);
    let a = light_on(&item, &rules(), d(2019, 1, 21));
    assert_eq!((a.light, a.rule), (ScheduleLight::Red, LightRule::Overdue));
    assert!(a.fired.contains(&LightRule::Returned));
}

#[test]
fn a_past_light_is_reproduced_from_the_history_up_to_that_day() {
    let mut item = accepted_item("p", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    let before = light_on(&item, &rules(), d(2019, 2, 6));
    run(&mut item, lead(), at(2019, 2, 20), report(dec!(10)), "");
    run(&mut item, lead(), at(2019, 3, 1), report(dec!(10)), "");
    // Steps after 6 February do not change the light of 6 February.
    assert_eq!(light_on(&item, &rules(), d(2019, 2, 6)), before);
    assert_eq!(before.method, "schedule_light");
    assert_eq!(before.version, SCHEDULE_LIGHT_VERSION);
    assert!(assess_schedule(&item, &rules(), d(2018, 12, 31)).is_none());
}

#[test]
fn a_department_is_stale_when_the_latest_due_cycle_has_no_report() {
    let jingxin = dept("jingxin");
    let mut item = accepted_item("f", d(2019, 1, 1), d(2019, 12, 31), ReportingCycle::Monthly);
    let r = rules();
    let on = |items: &[SupervisedItem], day: Date| department_freshness(&jingxin, items, &r, day);
    assert_eq!(
        on(std::slice::from_ref(&item), d(2019, 2, 5)).signal,
        Freshness::NothingDue
    );
    let stale = on(std::slice::from_ref(&item), d(2019, 2, 6));
    assert_eq!(stale.signal, Freshness::Stale);
    assert_eq!(stale.owed.len(), 1);
    assert_eq!(
        (stale.owed[0].due, stale.owed[0].days_overdue),
        (d(2019, 2, 5), 1)
    );
    // January never reported, February reported: the latest due cycle is covered — current, not stale.
    run(
        &mut item,
        lead(),
        at(2019, 3, 4),
        report_for("2019-02", dec!(10)),
        "",
    );
    let current = on(std::slice::from_ref(&item), d(2019, 3, 6));
    assert_eq!(current.signal, Freshness::Current);
    assert_eq!(current.last_report_on, Some(d(2019, 3, 4)));
    // Other departments are not affected by this item.
    assert_eq!(
        department_freshness(&dept("renshe"), &[item], &r, d(2019, 3, 6)).signal,
        Freshness::NothingDue
    );
}
