//! A year of supervision history for the demo data (issue 6 item 10), played through the real use cases so
//! that the workflow, the ledger and the audit log are exactly what users would have produced:
//!
//! - 2019-01-08 every plan task is registered and assigned (立项, 交办); the lead departments sign on 01-10;
//! - quarterly progress reports through 2019Q4 (the monthly 督查 task monthly), mostly on time, some late, one
//!   missing month; one report returned by the leader in charge (退回) and resubmitted;
//! - a leader's commendation (肯定性批示);
//! - an admin-added item (交办事项) with an approved extension (延期), closed on time;
//! - the 2019Q3 inspection (督查) with two findings: one rectification closed on time, one closed late;
//! - appeals: one accepted (a reversal in the ledger), one rejected.
//!
//! The history ends on 2020-01-12, after the 2019Q4 reports were due, so the 2019Q4 通报 has a full quarter.

use jiff::civil::{Date, DateTime, date};
use plantrack_core::period::Period;
use plantrack_core::plan::{Plan, ReportingCycle};
use plantrack_core::supervise::{
    ActionKind, DepartmentId, Finding, FindingId, InspectionDraft, InspectionId, InspectionScope, ItemId,
    RectificationSpec, ScoreEventKind,
};
use plantrack_store::Store;
use rust_decimal::Decimal;
use serde::Serialize;

use super::actions::{NewItem, ProgressRequest, StepRequest, Upload};
use super::{
    AttachmentPolicy, Ctx, act, add_item, create_inspection, load_items, register_plan_tasks, report_progress,
};
use crate::{AppError, Principal, Role};

/// The day the demo history ends.
pub const DEMO_HISTORY_ENDS: Date = date(2020, 1, 12);

/// What [`seed_demo_history`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DemoHistory {
    /// Whether anything was written (false: the plan already had supervised items).
    pub seeded: bool,
    /// Workflow steps taken.
    pub steps: usize,
    /// Ledger entries recorded.
    pub ledger_entries: usize,
}

fn user(name: &str, role: Role, department: Option<&str>) -> Principal {
    Principal::User {
        id: 0,
        username: name.to_owned(),
        role,
        department: department.map(str::to_owned),
        enterprise: None,
        ip: None,
    }
}

/// The demo's 督查室 administrator.
pub fn demo_admin() -> Principal {
    user("duchashi", Role::Admin, None)
}

/// The demo's leader in charge (分管领导).
pub fn demo_leader() -> Principal {
    user("fenguan", Role::Leader, None)
}

/// The demo's reporter of a department (`{department}-tianbao`).
pub fn demo_department_user(department: &str) -> Principal {
    user(
        &format!("{department}-tianbao"),
        Role::Department,
        Some(department),
    )
}

fn at(d: Date, hour: i8) -> DateTime {
    d.at(hour, 0, 0, 0)
}

/// A tiny valid PDF, as the evidence of some reports.
const EVIDENCE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

enum Event {
    Report {
        who: Principal,
        item: String,
        period: Option<Period>,
        percent: Decimal,
        text: String,
        evidence: bool,
        data_links: Vec<String>,
    },
    Step {
        who: Principal,
        item: String,
        action: ActionKind,
        reason: String,
        new_deadline: Option<Date>,
    },
    AddItem(Box<NewItem>),
    Inspect(Box<InspectionDraft>),
    /// An appeal by the department charged with the first entry of `kind` (of `department`, when given),
    /// decided by the admin on `decided`.
    Appeal {
        kind: ScoreEventKind,
        department: Option<String>,
        reason: String,
        accept: bool,
        decision: String,
        decided: DateTime,
    },
}

/// The timeline as (when, what); played in time order, so that each step sees the world as it was that day.
struct Timeline(Vec<(DateTime, Event)>);

impl Timeline {
    fn step(&mut self, when: DateTime, who: &Principal, item: &str, action: ActionKind, reason: &str) {
        self.0.push((
            when,
            Event::Step {
                who: who.clone(),
                item: item.into(),
                action,
                reason: reason.into(),
                new_deadline: None,
            },
        ));
    }

    fn report(
        &mut self,
        when: DateTime,
        lead: &str,
        item: &str,
        period: Option<Period>,
        percent: Decimal,
        text: String,
    ) {
        self.0.push((
            when,
            Event::Report {
                who: demo_department_user(lead),
                item: item.into(),
                period,
                percent,
                text,
                evidence: false,
                data_links: Vec::new(),
            },
        ));
    }

    /// 申请办结 09:00, 开始复核 14:00, 批准办结 17:00 on `day`.
    fn close(&mut self, day: Date, lead: &str, item: &str) {
        self.step(
            at(day, 9),
            &demo_department_user(lead),
            item,
            ActionKind::RequestClosure,
            "",
        );
        self.step(at(day, 14), &demo_admin(), item, ActionKind::StartReview, "");
        self.step(at(day, 17), &demo_leader(), item, ActionKind::ApproveClosure, "");
    }
}

fn days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

fn id_err(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::unexpected(e)
}

/// Seeds the history into an empty supervision store of `plan`; does nothing when items exist already.
pub async fn seed_demo_history(store: &Store, plan: &Plan) -> Result<DemoHistory, AppError> {
    let ctx = Ctx::new(store, plan);
    if !load_items(ctx).await?.is_empty() {
        return Ok(DemoHistory::default());
    }
    let admin = demo_admin();
    let leader = demo_leader();
    register_plan_tasks(ctx, &admin, true, at(date(2019, 1, 8), 9)).await?;
    let mut t = Timeline(Vec::new());
    let rule = &plan.supervision().reporting;
    let tasks: Vec<_> = plan.tasks().cloned().collect();
    for (i, task) in tasks.iter().enumerate() {
        let key = task.id.to_string();
        let lead = task.lead.to_string();
        t.step(
            at(date(2019, 1, 10), 10),
            &demo_department_user(&lead),
            &key,
            ActionKind::Accept,
            "",
        );
        let periods: Vec<Period> = match task.cycle {
            ReportingCycle::Quarterly => (1..=4).filter_map(|q| Period::quarter_of(2019, q).ok()).collect(),
            // One month left unreported (August): a missing report, charged as late.
            ReportingCycle::Monthly => (1..=12)
                .filter(|m| *m != 8)
                .filter_map(|m| Period::month_of(2019, m).ok())
                .collect(),
        };
        let count = u32::try_from(periods.len()).unwrap_or(1);
        for (n, period) in periods.iter().enumerate() {
            let due = rule.due_date(task.cycle, *period);
            // Most reports come three days before the due date; every seventh task reports its second quarter
            // six days late, and the 知识产权 task its third.
            let late = (task.cycle == ReportingCycle::Quarterly && i % 7 == 3 && n == 1)
                || (key == "t3_ip_protection" && n == 2);
            let day = if late { days(due, 6) } else { days(due, -3) };
            // Two years to the deadline: half done by the end of 2019, spread over the year's reports.
            let n32 = u32::try_from(n).unwrap_or(0) + 1;
            let percent = (Decimal::from(50 * n32) / Decimal::from(count)).round_dp(1);
            t.0.push((
                at(day, 15),
                Event::Report {
                    who: demo_department_user(&lead),
                    item: key.clone(),
                    period: Some(*period),
                    percent,
                    text: format!(
                        "{}：本期按计划推进，完成阶段工作，累计完成约 {percent}%。",
                        task.title_zh
                    ),
                    evidence: n % 2 == 1,
                    data_links: task.serves.iter().take(1).map(ToString::to_string).collect(),
                },
            ));
        }
    }
    // The leader returns the incubator task's Q2 report (no evidence of the new incubator); it is resubmitted.
    t.step(
        at(date(2019, 7, 9), 11),
        &leader,
        "t2_incubators",
        ActionKind::Return,
        "未附新增孵化器认定文件，请补充佐证材料后重报",
    );
    t.0.push((
        at(date(2019, 7, 12), 16),
        Event::Report {
            who: demo_department_user("jingxin"),
            item: "t2_incubators".into(),
            period: Some(Period::quarter_of(2019, 2).map_err(id_err)?),
            percent: Decimal::from(25),
            text: "补充报送：新增市级孵化器1家，认定文件见附件。".into(),
            evidence: true,
            data_links: Vec::new(),
        },
    ));
    t.step(
        at(date(2019, 12, 20), 10),
        &leader,
        "t1_high_tech_enterprises",
        ActionKind::Commend,
        "高企培育成效明显，予以肯定",
    );
    adhoc_history(&mut t, rule);
    inspection_history(&mut t)?;
    // 区市场监管局 appeals its late Q3 report (accepted: the system was down that week); 区人社局 its overdue
    // rectification (rejected).
    t.0.push((
        at(date(2019, 10, 21), 10),
        Event::Appeal {
            kind: ScoreEventKind::LateReport,
            department: Some("shichang".into()),
            reason: "报送期间系统升级无法登录，已于恢复当日补报".into(),
            accept: true,
            decision: "经核实，10月上旬系统升级属实".into(),
            decided: at(date(2019, 10, 23), 10),
        },
    ));
    t.0.push((
        at(date(2019, 12, 19), 10),
        Event::Appeal {
            kind: ScoreEventKind::RectificationOverdue,
            department: None,
            reason: "资金拨付需财政审批，非本单位原因".into(),
            accept: false,
            decision: "整改时限系本单位确认，逾期理由不成立".into(),
            decided: at(date(2019, 12, 23), 10),
        },
    ));
    // Stable: events at the same instant keep the order they were written in.
    t.0.sort_by_key(|(when, _)| *when);
    let steps = t.0.len();
    for (when, event) in t.0 {
        play(ctx, &admin, when, event).await?;
    }
    super::refresh_ledger(ctx, DEMO_HISTORY_ENDS).await?;
    Ok(DemoHistory {
        seeded: true,
        steps,
        ledger_entries: store.score_entries(ctx.plan_key()).await?.len(),
    })
}

async fn play(ctx: Ctx<'_>, admin: &Principal, when: DateTime, event: Event) -> Result<(), AppError> {
    let policy = AttachmentPolicy::default();
    match event {
        Event::Report {
            who,
            item,
            period,
            percent,
            text,
            evidence,
            data_links,
        } => {
            let attachments = if evidence {
                vec![Upload {
                    file_name: format!("{item}-{}.pdf", when.date()),
                    content: EVIDENCE_PDF.to_vec(),
                }]
            } else {
                Vec::new()
            };
            let request = ProgressRequest {
                period,
                percent,
                text,
                data_links,
                attachments,
                expected_version: None,
            };
            report_progress(ctx, &who, &item, request, &policy, when).await?;
        }
        Event::Step {
            who,
            item,
            action,
            reason,
            new_deadline,
        } => {
            let request = StepRequest {
                action,
                reason,
                new_deadline,
                expected_version: None,
            };
            act(ctx, &who, &item, request, when).await?;
        }
        Event::AddItem(new) => {
            add_item(ctx, admin, *new, when).await?;
        }
        Event::Inspect(draft) => {
            create_inspection(ctx, admin, *draft, when).await?;
        }
        Event::Appeal {
            kind,
            department,
            reason,
            accept,
            decision,
            decided,
        } => {
            let entries = ctx.store.score_entries(ctx.plan_key()).await?;
            let Some(entry) = entries
                .iter()
                .find(|e| e.kind == kind && department.as_deref().is_none_or(|d| e.department.as_str() == d))
            else {
                return Ok(());
            };
            let appeal = super::file_appeal(
                ctx,
                &demo_department_user(entry.department.as_str()),
                &entry.key,
                &reason,
                when,
            )
            .await?;
            super::decide_appeal(ctx, admin, &appeal.id, accept, &decision, decided).await?;
        }
    }
    Ok(())
}

/// 交办事项: the 2019 science-popularisation week, led by 区科协, extended from September to November, closed
/// in November.
fn adhoc_history(t: &mut Timeline, rule: &plantrack_core::supervise::DueDateRule) {
    let key = "adhoc-2019-kepu";
    t.0.push((
        at(date(2019, 3, 5), 9),
        Event::AddItem(Box::new(NewItem {
            id: Some(key.into()),
            title: "组织2019年全区科技活动周暨科普宣传活动（区政府常务会议确定事项）".into(),
            lead: "kexie".into(),
            co: vec!["xuanchuan".into()],
            responsible_leader: Some("区长".into()),
            leader_in_charge: Some("分管副区长".into()),
            deadline: date(2019, 9, 30),
            cycle: ReportingCycle::Monthly,
            targets: Vec::new(),
            milestones: Vec::new(),
            assign: true,
        })),
    ));
    let kexie = demo_department_user("kexie");
    t.step(at(date(2019, 3, 6), 9), &kexie, key, ActionKind::Accept, "");
    for (m, pct) in [
        (3, 10),
        (4, 20),
        (5, 35),
        (6, 50),
        (7, 60),
        (8, 70),
        (9, 80),
        (10, 95),
    ] {
        if let Ok(period) = Period::month_of(2019, m) {
            let due = rule.due_date(ReportingCycle::Monthly, period);
            t.report(
                at(days(due, -1), 10),
                "kexie",
                key,
                Some(period),
                Decimal::from(pct),
                format!("科技活动周筹备：已完成 {pct}%。"),
            );
        }
    }
    t.0.push((
        at(date(2019, 9, 6), 10),
        Event::Step {
            who: kexie,
            item: key.into(),
            action: ActionKind::RequestExtension,
            reason: "活动周与全国科普日合并举办，时间调整至11月".into(),
            new_deadline: Some(date(2019, 11, 30)),
        },
    ));
    t.step(
        at(date(2019, 9, 9), 10),
        &demo_leader(),
        key,
        ActionKind::ApproveExtension,
        "",
    );
    t.close(date(2019, 11, 20), "kexie", key);
}

/// The 2019Q3 inspection and its two rectification items: one closed on time, one late.
fn inspection_history(t: &mut Timeline) -> Result<(), AppError> {
    let dept = |d: &str| DepartmentId::parse(d).map_err(id_err);
    let draft = InspectionDraft {
        id: InspectionId::parse("2019q3").map_err(id_err)?,
        title: "2019年第三季度重点任务督查".into(),
        started_on: date(2019, 9, 16),
        ended_on: Some(date(2019, 9, 20)),
        scope: InspectionScope {
            items: Vec::new(),
            targets: Vec::new(),
            departments: vec![dept("jingxin")?, dept("renshe")?, dept("shichang")?],
        },
        findings: vec![
            Finding {
                id: FindingId::parse("f1").map_err(id_err)?,
                description: "科技型中小企业入库培育台账不完整，部分企业缺少评价材料".into(),
                department: dept("jingxin")?,
                item: Some(ItemId::parse("t1_tech_smes").map_err(id_err)?),
                rectifications: vec![RectificationSpec {
                    id: ItemId::parse("rect-2019q3-1").map_err(id_err)?,
                    title: "补齐科技型中小企业培育台账及评价材料".into(),
                    owner: dept("jingxin")?,
                    deadline: date(2019, 10, 31),
                    cycle: ReportingCycle::Monthly,
                }],
            },
            Finding {
                id: FindingId::parse("f2").map_err(id_err)?,
                description: "高层次人才引进奖励政策兑现不及时".into(),
                department: dept("renshe")?,
                item: Some(ItemId::parse("t4_high_level_talents").map_err(id_err)?),
                rectifications: vec![RectificationSpec {
                    id: ItemId::parse("rect-2019q3-2").map_err(id_err)?,
                    title: "兑现2018年度高层次人才引进奖励资金".into(),
                    owner: dept("renshe")?,
                    deadline: date(2019, 11, 15),
                    cycle: ReportingCycle::Monthly,
                }],
            },
        ],
    };
    t.0.push((at(date(2019, 9, 20), 17), Event::Inspect(Box::new(draft))));
    let jx = demo_department_user("jingxin");
    t.step(
        at(date(2019, 9, 23), 9),
        &jx,
        "rect-2019q3-1",
        ActionKind::Accept,
        "",
    );
    t.0.push((
        at(date(2019, 10, 4), 10),
        Event::Report {
            who: jx,
            item: "rect-2019q3-1".into(),
            period: None,
            percent: Decimal::from(100),
            text: "已补齐42家企业的培育台账和评价材料。".into(),
            evidence: true,
            data_links: vec!["tech_smes".into()],
        },
    ));
    t.close(date(2019, 10, 25), "jingxin", "rect-2019q3-1");
    let rs = demo_department_user("renshe");
    t.step(
        at(date(2019, 9, 24), 9),
        &rs,
        "rect-2019q3-2",
        ActionKind::Accept,
        "",
    );
    for (day, pct) in [
        (date(2019, 10, 4), 40),
        (date(2019, 11, 4), 70),
        (date(2019, 12, 4), 90),
    ] {
        t.report(
            at(day, 11),
            "renshe",
            "rect-2019q3-2",
            None,
            Decimal::from(pct),
            format!("奖励资金兑现进度 {pct}%。"),
        );
    }
    t.close(date(2019, 12, 18), "renshe", "rect-2019q3-2");
    Ok(())
}
