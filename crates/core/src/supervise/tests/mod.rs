//! Cross-module tests of the supervision engine: the workflow table, lights at their boundaries, reminders,
//! inspections, the scoring ledger and appeals, and property tests over random histories.

mod inspect;
mod lights;
mod props;
mod remind;
mod scoring;
mod workflow;

use jiff::civil::{Date, DateTime, date};
use rust_decimal::Decimal;

use super::*;

pub(super) fn d(y: i16, m: i8, day: i8) -> Date {
    date(y, m, day)
}

/// 09:00 on the day.
pub(super) fn at(y: i16, m: i8, day: i8) -> DateTime {
    date(y, m, day).at(9, 0, 0, 0)
}

pub(super) fn dept(id: &str) -> DepartmentId {
    DepartmentId::parse(id).unwrap()
}

pub(super) fn admin() -> Actor {
    Actor::admin(UserId::parse("duchashi").unwrap())
}

/// A user of 区经信局, the lead department of the test items.
pub(super) fn lead() -> Actor {
    Actor::department(UserId::parse("jingxin_user").unwrap(), dept("jingxin"))
}

/// A user of 区财政局, co-department of the test items.
pub(super) fn co() -> Actor {
    Actor::department(UserId::parse("caizheng_user").unwrap(), dept("caizheng"))
}

/// A user of 区人社局, unrelated to the test items.
pub(super) fn other() -> Actor {
    Actor::department(UserId::parse("renshe_user").unwrap(), dept("renshe"))
}

pub(super) fn leader() -> Actor {
    Actor::leader(UserId::parse("fenguan").unwrap())
}

pub(super) fn rules() -> SupervisionRules {
    SupervisionRules::default()
}

pub(super) fn pct(value: Decimal) -> Percent {
    Percent::new(value).unwrap()
}

/// A task led by `jingxin` with `caizheng` co-operating.
pub(super) fn spec(id: &str, deadline: Date, cycle: ReportingCycle) -> ItemSpec {
    ItemSpec {
        id: ItemId::parse(id).unwrap(),
        kind: ItemKind::Adhoc,
        title: format!("事项{id}"),
        lead_department: dept("jingxin"),
        co_departments: vec![dept("caizheng")],
        responsible_leader: Some("区长".into()),
        leader_in_charge: Some("副区长".into()),
        deadline,
        milestones: Vec::new(),
        targets: Vec::new(),
        cycle,
    }
}

/// Applies a command, panicking with the refusal if any.
pub(super) fn run(item: &mut SupervisedItem, actor: Actor, when: DateTime, action: Action, reason: &str) {
    let command = Command::new(actor, when, action).because(reason);
    if let Err(e) = item.apply(&command, &rules().reporting) {
        panic!("{e}");
    }
}

pub(super) fn report(percent: Decimal) -> Action {
    Action::ReportProgress(ProgressInput {
        period: None,
        percent: pct(percent),
        text: "进展".into(),
        evidence: Vec::new(),
        data_links: Vec::new(),
    })
}

pub(super) fn report_for(period: &str, percent: Decimal) -> Action {
    Action::ReportProgress(ProgressInput {
        period: Some(Period::parse(period).unwrap()),
        percent: pct(percent),
        text: "进展".into(),
        evidence: Vec::new(),
        data_links: Vec::new(),
    })
}

/// Registered, assigned and accepted on `registered` (assignment date = `registered`).
pub(super) fn accepted_item(
    id: &str,
    registered: Date,
    deadline: Date,
    cycle: ReportingCycle,
) -> SupervisedItem {
    let mut item = SupervisedItem::register(
        spec(id, deadline, cycle),
        admin(),
        registered.at(8, 0, 0, 0),
        "立项",
    )
    .unwrap();
    run(&mut item, admin(), registered.at(8, 30, 0, 0), Action::Assign, "");
    run(&mut item, lead(), registered.at(10, 0, 0, 0), Action::Accept, "");
    item
}
