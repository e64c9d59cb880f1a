//! The supervision pages (督导检查, issue 6 item 9): the board (by area, department, light), an item's page with
//! its timeline and a form for each action the caller may take, a department's own to-do view with its inbox,
//! the inspections, the scoreboard with the ledger and appeals, and the issued reports with the as-reported
//! comparison and the downloads. Every handler checks the caller first, then calls one use case of
//! `plantrack_app::supervision` / `plantrack_app::report`; the forms post (CSRF-guarded by the guard) and
//! redirect with a flash message. `?on=YYYY-MM-DD` shows any page as of a past day (the demo history is 2019).

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use jiff::civil::Date;
use plantrack_app::report::{
    AsReported, BulletinOptions, IssuedBulletin, ReportFormat, as_reported, build_bulletin, default_as_of,
    issue_report, issued_reports, render as render_bulletin,
};
use plantrack_app::supervision::actions::{ProgressRequest, StepRequest, Upload};
use plantrack_app::supervision::inspections::InspectionView;
use plantrack_app::supervision::scoring::LedgerView;
use plantrack_app::supervision::views::Todo;
use plantrack_app::supervision::{
    AttachmentPolicy, Board, Ctx as SvCtx, ItemPage, act, attachment, board, decide_appeal, file_appeal,
    inspections, item_page, ledger_view, report_progress, scoreboard, todo,
};
use plantrack_app::{AppError, FieldError, Permission};
use plantrack_core::period::Period;
use plantrack_core::supervise::{ActionKind, ScheduleLight, Scoreboard, State as ItemState};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{OrPage, PageResult, fail, url_encode};
use crate::AppState;
use crate::ctx::{Ctx, see_other};
use crate::layout::{Chrome, render};

/// `?on=` and the board's filters.
#[derive(Debug, Default, Deserialize)]
pub struct View {
    /// The day shown (default today).
    pub on: Option<String>,
    /// Board filter: area key.
    pub area: Option<String>,
    /// Board filter: department id.
    pub department: Option<String>,
    /// Board filter: light.
    pub light: Option<String>,
    /// Scoreboard period.
    pub period: Option<String>,
    /// Download format (`docx`, `xlsx`).
    pub format: Option<String>,
}

fn day(v: &View, ctx: &Ctx) -> Result<Date, AppError> {
    match v.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(ctx.clock.today()),
        Some(s) => s
            .parse()
            .map_err(|_| AppError::invalid("on", "日期应为 YYYY-MM-DD", "a date is YYYY-MM-DD")),
    }
}

/// The light's CSS class key and label.
pub fn light_label(tr: &crate::i18n::Tr, light: ScheduleLight) -> (&'static str, &'static str) {
    match light {
        ScheduleLight::Green => ("green", tr.pick("绿灯", "green")),
        ScheduleLight::Blue => ("blue", tr.pick("蓝灯", "blue")),
        ScheduleLight::Yellow => ("yellow", tr.pick("黄灯", "yellow")),
        ScheduleLight::Red => ("red", tr.pick("红灯", "red")),
    }
}

fn state_label(tr: &crate::i18n::Tr, s: ItemState) -> &'static str {
    tr.pick(s.name_zh(), s.name_en())
}

fn action_code(a: ActionKind) -> &'static str {
    match a {
        ActionKind::Register => "register",
        ActionKind::Assign => "assign",
        ActionKind::Accept => "accept",
        ActionKind::ReportProgress => "report_progress",
        ActionKind::RequestClosure => "request_closure",
        ActionKind::StartReview => "start_review",
        ActionKind::ApproveClosure => "approve_closure",
        ActionKind::Return => "return",
        ActionKind::RequestExtension => "request_extension",
        ActionKind::ApproveExtension => "approve_extension",
        ActionKind::RefuseExtension => "refuse_extension",
        ActionKind::Comment => "comment",
        ActionKind::Commend => "commend",
    }
}

fn parse_action(code: &str) -> Option<ActionKind> {
    ActionKind::ALL.into_iter().find(|a| action_code(*a) == code)
}

fn on_query(v: &View) -> String {
    v.on.as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| format!("?on={}", url_encode(s)))
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "supervision/board.html")]
struct BoardPage {
    c: Chrome,
    board: Board,
    areas: Vec<GroupRow>,
    departments: Vec<GroupRow>,
    rows: Vec<Row>,
    on: String,
}

/// A group's key, name, items, closed, and counts red, yellow, blue, green.
type GroupRow = (String, String, usize, usize, [usize; 4]);

fn group_rows(tr: &crate::i18n::Tr, groups: &[plantrack_app::supervision::LightCount]) -> Vec<GroupRow> {
    groups
        .iter()
        .map(|g| {
            let n = |l| g.lights.get(&l).copied().unwrap_or(0);
            (
                g.key.clone(),
                tr.pick(&g.name_zh, &g.name_en).to_owned(),
                g.total,
                g.closed,
                [
                    n(ScheduleLight::Red),
                    n(ScheduleLight::Yellow),
                    n(ScheduleLight::Blue),
                    n(ScheduleLight::Green),
                ],
            )
        })
        .collect()
}

/// A board row as the template shows it.
struct Row {
    key: String,
    title: String,
    area: String,
    lead: String,
    state: &'static str,
    deadline: String,
    light: (&'static str, &'static str),
    percent: String,
    why: String,
}

fn rows_of(c: &Chrome, board: &Board, v: &View) -> Vec<Row> {
    let light = v.light.as_deref().and_then(|l| match l {
        "green" => Some(ScheduleLight::Green),
        "blue" => Some(ScheduleLight::Blue),
        "yellow" => Some(ScheduleLight::Yellow),
        "red" => Some(ScheduleLight::Red),
        _ => None,
    });
    let nonempty = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
    board
        .filter(
            nonempty(&v.area).as_deref(),
            nonempty(&v.department).as_deref(),
            light,
        )
        .into_iter()
        .map(|r| Row {
            key: r.key.clone(),
            title: r.title.clone(),
            area: c.tr.pick(&r.area.name_zh, &r.area.name_en).to_owned(),
            lead: r.lead_name.clone(),
            state: state_label(&c.tr, r.state),
            deadline: r.deadline.to_string(),
            light: light_label(&c.tr, r.light),
            percent: r
                .percent
                .map_or_else(|| "—".into(), |p| format!("{}%", p.normalize())),
            why: c.tr.pick(&r.explanation_zh, &r.explanation_en).to_owned(),
        })
        .collect()
}

/// `GET /supervision` — the board.
pub async fn show_board(State(state): State<AppState>, ctx: Ctx, Query(v): Query<View>) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let today = day(&v, &ctx).or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let b = board(sv, &ctx.principal, today).await.or_page(&ctx)?;
    let c = Chrome::new(&ctx, "supervision.board", "supervision");
    let rows = rows_of(&c, &b, &v);
    Ok(render(&BoardPage {
        areas: group_rows(&c.tr, &b.by_area),
        departments: group_rows(&c.tr, &b.by_department),
        c,
        board: b,
        rows,
        on: on_query(&v),
    }))
}

#[derive(Template)]
#[template(path = "supervision/item.html")]
struct ItemPageView {
    c: Chrome,
    p: ItemPage,
    light: (&'static str, &'static str),
    state: &'static str,
    why: String,
    timeline: Vec<(String, String, String, String, String)>,
    reports: Vec<(u32, String, String, String, String, bool)>,
    steps: Vec<(&'static str, &'static str)>,
    slots: Vec<String>,
    /// The served targets: id, name, status class, status label, period.
    targets: Vec<(String, String, &'static str, String, String)>,
    can_report: bool,
    accept: String,
    key: String,
}

/// `GET /supervision/items/{item}` — the item with its timeline and forms.
pub async fn show_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    Query(v): Query<View>,
) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let today = day(&v, &ctx).or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let p = item_page(sv, &ctx.principal, &key, today).await.or_page(&ctx)?;
    let c = Chrome::titled(&ctx, p.row.title.clone(), "supervision");
    let tr = c.tr;
    let timeline = p
        .timeline
        .iter()
        .map(|t| {
            let kind = t.action.kind();
            (
                t.at.to_string().replace('T', " "),
                t.actor.user.to_string(),
                tr.pick(kind.name_zh(), kind.name_en()).to_owned(),
                format!(
                    "{} → {}",
                    t.from.map_or("—", |s| state_label(&tr, s)),
                    state_label(&tr, t.to)
                ),
                t.reason.clone(),
            )
        })
        .collect();
    let reports = p
        .reports
        .iter()
        .map(|r| {
            (
                r.number,
                r.period.to_string(),
                format!("{}%", r.percent.value().normalize()),
                r.submitted_at.to_string().replace('T', " "),
                r.text.clone(),
                r.returned.is_some(),
            )
        })
        .collect();
    let steps = p
        .allowed
        .iter()
        .filter(|a| **a != ActionKind::ReportProgress)
        .map(|a| (action_code(*a), tr.pick(a.name_zh(), a.name_en())))
        .collect();
    let slots = p
        .slots
        .iter()
        .map(|s| {
            use plantrack_core::supervise::SlotState as S;
            let st = match s.state {
                S::NotDueYet => tr.pick("未到期", "not due yet").to_owned(),
                S::OnTime { submitted_on } => format!("{} {submitted_on}", tr.pick("按时报送", "on time")),
                S::Late { submitted_on } => format!("{} {submitted_on}", tr.pick("迟报", "late")),
                S::Missing => tr.pick("未报", "missing").to_owned(),
                S::Exempt => tr.pick("免报", "not owed").to_owned(),
            };
            format!(
                "{} · {} {} · {st}",
                s.slot.period,
                tr.pick("应报", "due"),
                s.slot.due
            )
        })
        .collect();
    // The target status beside the schedule light (two signals per item, anchors.md §8).
    let source = state.status_source(&g).await.or_page(&ctx)?;
    let period = source.default_period();
    let org = g.plan.meta().org_unit.clone();
    let status = state.report(&g, &org, period).await.or_page(&ctx)?;
    let targets = p
        .row
        .targets
        .iter()
        .map(|id| {
            let t = status.targets.iter().find(|t| &t.id == id);
            (
                id.to_string(),
                t.map_or_else(|| id.to_string(), |t| tr.pick(&t.name_zh, &t.name_en).to_owned()),
                t.map_or("not_assessable", |t| t.status.name()),
                t.map_or_else(
                    || "—".to_owned(),
                    |t| tr.pick(t.status.label_zh(), t.status.name()).to_owned(),
                ),
                period.to_string(),
            )
        })
        .collect();
    Ok(render(&ItemPageView {
        targets,
        slots,
        light: light_label(&tr, p.row.light),
        state: state_label(&tr, p.row.state),
        why: tr.pick(&p.light.explain_zh(), &p.light.explain_en()).to_owned(),
        can_report: p.allowed.contains(&ActionKind::ReportProgress),
        accept: AttachmentPolicy::accepted_extensions()
            .iter()
            .map(|e| format!(".{e}"))
            .collect::<Vec<_>>()
            .join(","),
        timeline,
        reports,
        steps,
        key,
        c,
        p,
    }))
}

/// The step form.
#[derive(Debug, Deserialize)]
pub struct StepForm {
    /// Action code.
    #[serde(default)]
    pub action: String,
    /// Reason.
    #[serde(default)]
    pub reason: String,
    /// New deadline (extension).
    #[serde(default)]
    pub new_deadline: String,
    /// Version seen.
    #[serde(default)]
    pub version: String,
}

/// `POST /supervision/items/{item}/step`.
pub async fn take_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    axum::Form(form): axum::Form<StepForm>,
) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let Some(action) = parse_action(form.action.trim()) else {
        return Err(fail(
            &ctx,
            AppError::invalid("action", "请选择操作", "choose an action"),
        ));
    };
    let new_deadline =
        match form.new_deadline.trim() {
            "" => None,
            s => Some(s.parse::<Date>().map_err(|_| {
                AppError::invalid("new_deadline", "日期应为 YYYY-MM-DD", "a date is YYYY-MM-DD")
            })),
        }
        .transpose()
        .or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    act(
        sv,
        &ctx.principal,
        &key,
        StepRequest {
            action,
            reason: form.reason,
            new_deadline,
            expected_version: form.version.trim().parse().ok(),
        },
        ctx.clock.now(),
    )
    .await
    .or_page(&ctx)?;
    Ok(see_other(
        &ctx,
        &format!("/supervision/items/{}", url_encode(&key)),
        Some("supervision_step"),
    ))
}

/// `POST /supervision/items/{item}/report` (multipart: `_csrf`, `percent`, `text`, `period`, `data_links`,
/// `version`, `attachments`…).
pub async fn submit_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let bad = |e: String| {
        AppError::invalid(
            "attachments",
            format!("上传内容无法读取：{e}"),
            format!("the upload cannot be read: {e}"),
        )
    };
    let mut mp = mp.map_err(|e| bad(e.to_string())).or_page(&ctx)?;
    let mut percent = String::new();
    let mut text = String::new();
    let mut period = String::new();
    let mut links = String::new();
    let mut version = String::new();
    let mut attachments = Vec::new();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| bad(e.to_string()))
        .or_page(&ctx)?
    {
        let name = field.name().unwrap_or("").to_owned();
        if name == "attachments" {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let content = field
                .bytes()
                .await
                .map_err(|e| bad(e.to_string()))
                .or_page(&ctx)?;
            if !file_name.is_empty() || !content.is_empty() {
                attachments.push(Upload {
                    file_name,
                    content: content.to_vec(),
                });
            }
            continue;
        }
        let value = field.text().await.map_err(|e| bad(e.to_string())).or_page(&ctx)?;
        match name.as_str() {
            "percent" => percent = value,
            "text" => text = value,
            "period" => period = value,
            "data_links" => links = value,
            "version" => version = value,
            _ => {}
        }
    }
    let percent: Decimal = percent
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| {
            AppError::Invalid(vec![FieldError::new(
                "percent",
                "完成进度应为 0–100 的数",
                "percent must be a number 0–100",
            )])
        })
        .or_page(&ctx)?;
    let period = match period.trim() {
        "" => None,
        s => Some(Period::parse(s).map_err(|e| AppError::invalid("period", e.to_string(), e.to_string()))),
    }
    .transpose()
    .or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let policy = AttachmentPolicy {
        max_bytes: state
            .config()
            .max_upload_bytes
            .min(AttachmentPolicy::default().max_bytes),
        ..AttachmentPolicy::default()
    };
    report_progress(
        sv,
        &ctx.principal,
        &key,
        ProgressRequest {
            period,
            percent,
            text,
            data_links: links.split([',', '，', '\n', ' ']).map(str::to_owned).collect(),
            attachments,
            expected_version: version.trim().parse().ok(),
        },
        &policy,
        ctx.clock.now(),
    )
    .await
    .or_page(&ctx)?;
    Ok(see_other(
        &ctx,
        &format!("/supervision/items/{}", url_encode(&key)),
        Some("supervision_report"),
    ))
}

/// `GET /supervision/attachments/{id}` — an evidence file.
pub async fn download_attachment(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let file = attachment(sv, &ctx.principal, id).await.or_page(&ctx)?;
    Ok(file_response(
        file.content,
        &file.meta.media_type,
        &file.meta.file_name,
    ))
}

fn file_response(bytes: Vec<u8>, media_type: &str, name: &str) -> axum::response::Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let disposition = format!("attachment; filename*=UTF-8''{}", url_encode(name));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// An inbox line: item, title, what, urgency (class, label), detail, key, read.
type InboxRow = (
    String,
    String,
    String,
    (&'static str, &'static str),
    String,
    String,
    bool,
);

/// A rectification line: item, owner, deadline, state.
type RectRow = (String, String, String, String);

#[derive(Template)]
#[template(path = "supervision/todo.html")]
struct TodoPage {
    c: Chrome,
    todo: Todo,
    rows: Vec<Row>,
    inbox: Vec<InboxRow>,
    on: String,
}

/// `GET /supervision/todo` — the caller's own items and inbox.
pub async fn show_todo(State(state): State<AppState>, ctx: Ctx, Query(v): Query<View>) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let today = day(&v, &ctx).or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let t = todo(sv, &ctx.principal, today).await.or_page(&ctx)?;
    let c = Chrome::new(&ctx, "supervision.todo", "supervision");
    let fake_board = Board {
        today,
        rows: t.rows.clone(),
        by_area: Vec::new(),
        by_department: Vec::new(),
        by_light: Default::default(),
        freshness: Vec::new(),
    };
    let rows = rows_of(&c, &fake_board, &View::default());
    let inbox = t
        .inbox
        .iter()
        .map(|l| {
            let what = serde_json::to_value(&l.entry.reminder)
                .ok()
                .and_then(|v| v.get("reminder").and_then(|r| r.as_str()).map(str::to_owned))
                .unwrap_or_default();
            (
                l.entry.item.to_string(),
                l.entry.title.clone(),
                c.tr.t(&format!("supervision.reminder.{what}")).to_owned(),
                light_label(&c.tr, l.urgency),
                reminder_detail(&l.entry.reminder),
                l.key.clone(),
                l.read,
            )
        })
        .collect();
    Ok(render(&TodoPage {
        c,
        todo: t,
        rows,
        inbox,
        on: on_query(&v),
    }))
}

fn reminder_detail(r: &plantrack_core::supervise::Reminder) -> String {
    use plantrack_core::supervise::Reminder as R;
    match r {
        R::AwaitingAcceptance { assigned_on } => assigned_on.to_string(),
        R::ReportDueSoon { period, due, .. } | R::ReportOverdue { period, due, .. } => {
            format!("{period} · {due}")
        }
        R::DeadlineSoon { deadline, .. } | R::DeadlineOverdue { deadline, .. } => deadline.to_string(),
        R::Returned { reason, .. } => reason.clone(),
        R::AwaitingExtensionDecision { requested } => requested.to_string(),
        R::AwaitingReview | R::AwaitingClosureDecision => String::new(),
    }
}

#[derive(Template)]
#[template(path = "supervision/inspections.html")]
struct InspectionsPage {
    c: Chrome,
    can_manage: bool,
    rounds: Vec<(InspectionView, Vec<RectRow>)>,
}

/// `GET /supervision/inspections` — the rounds and their rectification.
pub async fn show_inspections(State(state): State<AppState>, ctx: Ctx, Query(v): Query<View>) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let today = day(&v, &ctx).or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let plan = g.plan.as_ref();
    let sv = SvCtx::new(state.store(), plan);
    let c = Chrome::new(&ctx, "supervision.inspections", "supervision");
    let rounds = inspections(sv, &ctx.principal, today)
        .await
        .or_page(&ctx)?
        .into_iter()
        .map(|r| {
            let lines = r
                .summary
                .lines
                .iter()
                .map(|l| {
                    (
                        l.item.to_string(),
                        sv.department_name(&l.owner),
                        l.deadline.to_string(),
                        match (l.state, l.closed_on) {
                            (Some(ItemState::Closed), Some(on)) => {
                                format!("{} {on}", state_label(&c.tr, ItemState::Closed))
                            }
                            (Some(s), _) => state_label(&c.tr, s).to_owned(),
                            (None, _) => "—".to_owned(),
                        },
                    )
                })
                .collect();
            (r, lines)
        })
        .collect();
    Ok(render(&InspectionsPage {
        can_manage: ctx.principal.can(&Permission::ManageSupervision),
        c,
        rounds,
    }))
}

#[derive(Template)]
#[template(path = "supervision/scores.html")]
struct ScoresPage {
    c: Chrome,
    board: Scoreboard,
    names: Vec<String>,
    ledger: LedgerView,
    entries: Vec<(plantrack_core::supervise::LedgerEntry, bool)>,
    period: String,
    can_decide: bool,
}

/// `GET /supervision/scores?period=2019Q4` — the scoreboard, the ledger and the appeals.
pub async fn show_scores(State(state): State<AppState>, ctx: Ctx, Query(v): Query<View>) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let today = day(&v, &ctx).or_page(&ctx)?;
    let period_text = v
        .period
        .clone()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| today.year().to_string());
    let period = Period::parse(period_text.trim())
        .map_err(|e| AppError::invalid("period", e.to_string(), e.to_string()))
        .or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let board = scoreboard(sv, &ctx.principal, period, today, None)
        .await
        .or_page(&ctx)?;
    let ledger = ledger_view(sv, &ctx.principal).await.or_page(&ctx)?;
    let names = board
        .rows
        .iter()
        .map(|r| sv.department_name(&r.department))
        .collect();
    let appealed: Vec<&str> = ledger.appeals.iter().map(|a| a.entry.as_str()).collect();
    let entries = ledger
        .entries
        .iter()
        .map(|e| {
            let appealable =
                e.points < Decimal::ZERO && e.reverses.is_none() && !appealed.contains(&e.key.as_str());
            (e.clone(), appealable)
        })
        .collect();
    Ok(render(&ScoresPage {
        entries,
        c: Chrome::new(&ctx, "supervision.scores", "supervision"),
        board,
        names,
        ledger,
        period: period.to_string(),
        can_decide: ctx.principal.can(&Permission::ManageSupervision),
    }))
}

/// The appeal forms.
#[derive(Debug, Deserialize)]
pub struct AppealForm {
    /// Ledger entry key (filing).
    #[serde(default)]
    pub entry: String,
    /// Reason.
    #[serde(default)]
    pub reason: String,
    /// `accept` or `reject` (deciding).
    #[serde(default)]
    pub decision: String,
}

/// `POST /supervision/appeals` — file an appeal.
pub async fn post_appeal(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(form): axum::Form<AppealForm>,
) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    if form.entry.trim().is_empty() {
        return Err(fail(
            &ctx,
            AppError::invalid("entry", "请选择扣分记录", "choose a deduction"),
        ));
    }
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    file_appeal(
        sv,
        &ctx.principal,
        form.entry.trim(),
        &form.reason,
        ctx.clock.now(),
    )
    .await
    .or_page(&ctx)?;
    Ok(see_other(&ctx, "/supervision/scores", Some("supervision_appeal")))
}

/// `POST /supervision/appeals/{n}/decide` — accept or reject appeal `appeal/n`.
pub async fn post_decision(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(n): Path<u32>,
    axum::Form(form): axum::Form<AppealForm>,
) -> PageResult {
    ctx.principal
        .require(&Permission::ManageSupervision)
        .or_page(&ctx)?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => {
            return Err(fail(
                &ctx,
                AppError::invalid("decision", "请选择成立或驳回", "choose accept or reject"),
            ));
        }
    };
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    decide_appeal(
        sv,
        &ctx.principal,
        &format!("appeal/{n}"),
        accept,
        &form.reason,
        ctx.clock.now(),
    )
    .await
    .or_page(&ctx)?;
    Ok(see_other(
        &ctx,
        "/supervision/scores",
        Some("supervision_decided"),
    ))
}

#[derive(Template)]
#[template(path = "supervision/reports.html")]
struct ReportsPage {
    c: Chrome,
    issued: Vec<IssuedBulletin>,
    can_issue: bool,
    period: String,
}

fn default_period(today: Date) -> String {
    // The last quarter that has ended.
    let q = (i32::from(today.month()) - 1) / 3;
    if q == 0 {
        format!("{}Q4", today.year() - 1)
    } else {
        format!("{}Q{q}", today.year())
    }
}

/// `GET /supervision/reports` — issued reports, the issue form and the downloads.
pub async fn show_reports(State(state): State<AppState>, ctx: Ctx, Query(v): Query<View>) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let today = day(&v, &ctx).or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let issued = issued_reports(sv, &ctx.principal).await.or_page(&ctx)?;
    Ok(render(&ReportsPage {
        c: Chrome::new(&ctx, "supervision.reports", "supervision"),
        issued,
        can_issue: ctx.principal.can(&Permission::ManageSupervision),
        period: v.period.clone().unwrap_or_else(|| default_period(today)),
    }))
}

/// The issue form.
#[derive(Debug, Deserialize)]
pub struct IssueForm {
    /// Period.
    #[serde(default)]
    pub period: String,
    /// 发文字号.
    #[serde(default)]
    pub number: String,
}

/// `POST /supervision/reports` — issue (freeze) a report.
pub async fn post_issue(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(form): axum::Form<IssueForm>,
) -> PageResult {
    ctx.principal
        .require(&Permission::ManageSupervision)
        .or_page(&ctx)?;
    let period = Period::parse(form.period.trim())
        .map_err(|e| AppError::invalid("period", e.to_string(), e.to_string()))
        .or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let options = BulletinOptions {
        number_line: Some(form.number.trim().to_owned()).filter(|s| !s.is_empty()),
        ..BulletinOptions::default()
    };
    let issued = issue_report(sv, &ctx.principal, period, &options, None, ctx.clock.now())
        .await
        .or_page(&ctx)?;
    Ok(see_other(
        &ctx,
        &format!("/supervision/reports/{}", issued.report_no),
        Some("supervision_issued"),
    ))
}

#[derive(Template)]
#[template(path = "supervision/report.html")]
struct ReportPage {
    c: Chrome,
    r: AsReported,
}

/// `GET /supervision/reports/{no}` — a report as issued next to today's figures, differences marked.
pub async fn show_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(no): Path<i64>,
    Query(v): Query<View>,
) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let today = day(&v, &ctx).or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let r = as_reported(sv, &ctx.principal, no, today, None)
        .await
        .or_page(&ctx)?;
    Ok(render(&ReportPage {
        c: Chrome::titled(&ctx, r.issued.bulletin.title.clone(), "supervision"),
        r,
    }))
}

fn format_of(v: &View) -> Result<ReportFormat, AppError> {
    match v.format.as_deref().unwrap_or("docx") {
        "xlsx" => Ok(ReportFormat::Xlsx),
        "docx" => Ok(ReportFormat::Docx),
        other => Err(AppError::invalid(
            "format",
            format!("格式 {other} 不支持（docx 或 xlsx）"),
            format!("format {other} is not supported (docx or xlsx)"),
        )),
    }
}

/// `GET /supervision/reports/{no}/file?format=docx` — an issued report's document, exactly as issued.
pub async fn download_issued(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(no): Path<i64>,
    Query(v): Query<View>,
) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let format = format_of(&v).or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let issued = issued_reports(sv, &ctx.principal)
        .await
        .or_page(&ctx)?
        .into_iter()
        .find(|r| r.report_no == no)
        .ok_or(AppError::NotFound {
            entity: "supervision_report".into(),
            id: no.to_string(),
        })
        .or_page(&ctx)?;
    let name = format!(
        "督导检查通报-{}-{no}.{}",
        issued.bulletin.period,
        format.extension()
    );
    let bytes = render_bulletin(issued.bulletin, format).await.or_page(&ctx)?;
    Ok(file_response(bytes, format.media_type(), &name))
}

/// `GET /supervision/report-file?period=2019Q4&format=docx` — today's figures for a period as a document.
pub async fn download_current(State(state): State<AppState>, ctx: Ctx, Query(v): Query<View>) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let format = format_of(&v).or_page(&ctx)?;
    let period = Period::parse(v.period.as_deref().unwrap_or("").trim())
        .map_err(|e| AppError::invalid("period", e.to_string(), e.to_string()))
        .or_page(&ctx)?;
    // `on` names the day the figures describe; without it, the period's end (or today while it runs).
    let today = ctx.clock.today();
    let as_of = match v.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(_) => day(&v, &ctx).or_page(&ctx)?,
        None => default_as_of(period, today),
    };
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let b = build_bulletin(
        sv,
        &ctx.principal,
        period,
        as_of,
        today.max(as_of),
        &BulletinOptions::default(),
        None,
    )
    .await
    .or_page(&ctx)?;
    let name = format!("督导检查通报-{period}.{}", format.extension());
    let bytes = render_bulletin(b, format).await.or_page(&ctx)?;
    Ok(file_response(bytes, format.media_type(), &name))
}

/// The inspection forms: a new round (with an optional first finding) or a finding added to a round; each
/// finding may order one rectification item.
#[derive(Debug, Default, Deserialize)]
pub struct InspectionForm {
    /// Round id (new round).
    #[serde(default)]
    pub id: String,
    /// Title (new round).
    #[serde(default)]
    pub title: String,
    /// First day (new round).
    #[serde(default)]
    pub started_on: String,
    /// Last day (new round).
    #[serde(default)]
    pub ended_on: String,
    /// Departments in scope, comma-separated ids (new round).
    #[serde(default)]
    pub departments: String,
    /// Finding id.
    #[serde(default)]
    pub finding: String,
    /// What was found.
    #[serde(default)]
    pub description: String,
    /// The department concerned.
    #[serde(default)]
    pub department: String,
    /// The item concerned.
    #[serde(default)]
    pub item: String,
    /// Rectification item id.
    #[serde(default)]
    pub rect_id: String,
    /// Rectification item title.
    #[serde(default)]
    pub rect_title: String,
    /// Rectification deadline.
    #[serde(default)]
    pub rect_deadline: String,
    /// Version (adding a finding).
    #[serde(default)]
    pub version: String,
}

fn date_field(field: &str, text: &str) -> Result<Option<Date>, FieldError> {
    match text.trim() {
        "" => Ok(None),
        s => s
            .parse()
            .map(Some)
            .map_err(|_| FieldError::new(field, "日期应为 YYYY-MM-DD", "a date is YYYY-MM-DD")),
    }
}

fn id_of<T, E: std::fmt::Display>(
    field: &str,
    raw: &str,
    parse: impl Fn(&str) -> Result<T, E>,
    problems: &mut Vec<FieldError>,
) -> Option<T> {
    match parse(raw.trim()) {
        Ok(v) => Some(v),
        Err(e) => {
            let text = e.to_string();
            let (zh, en) = text.split_once(" / ").unwrap_or((&text, &text));
            problems.push(FieldError::new(field, zh, en));
            None
        }
    }
}

/// The finding of a form, if its description is filled in.
fn finding_of(
    f: &InspectionForm,
    problems: &mut Vec<FieldError>,
) -> Option<plantrack_core::supervise::Finding> {
    use plantrack_core::supervise::{DepartmentId, Finding, FindingId, ItemId, RectificationSpec};
    if f.description.trim().is_empty() {
        return None;
    }
    let id = id_of("finding", &f.finding, |x: &str| FindingId::parse(x), problems);
    let department = id_of(
        "department",
        &f.department,
        |x: &str| DepartmentId::parse(x),
        problems,
    );
    let item = match f.item.trim() {
        "" => None,
        s => id_of("item", s, |x: &str| ItemId::parse(x), problems),
    };
    let mut rectifications = Vec::new();
    if !f.rect_title.trim().is_empty() {
        let rid = id_of("rect_id", &f.rect_id, |x: &str| ItemId::parse(x), problems);
        let deadline = match date_field("rect_deadline", &f.rect_deadline) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                problems.push(FieldError::new(
                    "rect_deadline",
                    "请填写整改时限",
                    "the rectification needs a deadline",
                ));
                None
            }
            Err(e) => {
                problems.push(e);
                None
            }
        };
        if let (Some(id), Some(deadline), Some(owner)) = (rid, deadline, department.clone()) {
            rectifications.push(RectificationSpec {
                id,
                title: f.rect_title.trim().to_owned(),
                owner,
                deadline,
                cycle: plantrack_core::plan::ReportingCycle::Monthly,
            });
        }
    }
    Some(Finding {
        id: id?,
        description: f.description.trim().to_owned(),
        department: department?,
        item,
        rectifications,
    })
}

/// `POST /supervision/inspections` — record a round (admins).
pub async fn post_inspection(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<InspectionForm>,
) -> PageResult {
    use plantrack_core::supervise::{DepartmentId, InspectionDraft, InspectionId, InspectionScope};
    ctx.principal
        .require(&Permission::ManageSupervision)
        .or_page(&ctx)?;
    let mut problems = Vec::new();
    let id = id_of("id", &f.id, |x: &str| InspectionId::parse(x), &mut problems);
    let started_on = match date_field("started_on", &f.started_on) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(FieldError::new(
                "started_on",
                "请填写开始日期",
                "the first day is required",
            ));
            None
        }
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let ended_on = date_field("ended_on", &f.ended_on).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    let departments: Vec<DepartmentId> = f
        .departments
        .split([',', '，', ' '])
        .filter(|s| !s.trim().is_empty())
        .filter_map(|d| id_of("departments", d, |x: &str| DepartmentId::parse(x), &mut problems))
        .collect();
    let finding = finding_of(&f, &mut problems);
    let (Some(id), Some(started_on), true) = (id, started_on, problems.is_empty()) else {
        return Err(fail(&ctx, AppError::Invalid(problems)));
    };
    let draft = InspectionDraft {
        id,
        title: f.title.trim().to_owned(),
        started_on,
        ended_on,
        scope: InspectionScope {
            departments,
            ..InspectionScope::default()
        },
        findings: finding.into_iter().collect(),
    };
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    plantrack_app::supervision::create_inspection(sv, &ctx.principal, draft, ctx.clock.now())
        .await
        .or_page(&ctx)?;
    Ok(see_other(
        &ctx,
        "/supervision/inspections",
        Some("supervision_step"),
    ))
}

/// `POST /supervision/inspections/{inspection}/findings` — add a finding (admins).
pub async fn post_finding(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(inspection): Path<String>,
    axum::Form(f): axum::Form<InspectionForm>,
) -> PageResult {
    ctx.principal
        .require(&Permission::ManageSupervision)
        .or_page(&ctx)?;
    let mut problems = Vec::new();
    let finding = finding_of(&f, &mut problems);
    let version = f.version.trim().parse::<i64>().ok();
    let (Some(finding), Some(version), true) = (finding, version, problems.is_empty()) else {
        if problems.is_empty() {
            problems.push(FieldError::new(
                "description",
                "请填写发现的问题",
                "describe the finding",
            ));
        }
        return Err(fail(&ctx, AppError::Invalid(problems)));
    };
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    plantrack_app::supervision::add_finding(
        sv,
        &ctx.principal,
        &inspection,
        finding,
        version,
        ctx.clock.now(),
    )
    .await
    .or_page(&ctx)?;
    Ok(see_other(
        &ctx,
        "/supervision/inspections",
        Some("supervision_step"),
    ))
}

/// The inbox keys to mark read.
#[derive(Debug, Default, Deserialize)]
pub struct MarkRead {
    /// Reminder keys.
    #[serde(default)]
    pub key: Vec<String>,
}

/// `POST /supervision/inbox/read` — mark inbox lines read.
pub async fn post_read(
    State(state): State<AppState>,
    ctx: Ctx,
    axum_extra::extract::Form(f): axum_extra::extract::Form<MarkRead>,
) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let keys: Vec<String> = f
        .key
        .into_iter()
        .take(500)
        .map(|k| k.chars().take(200).collect())
        .collect();
    plantrack_app::supervision::views::mark_read(sv, &ctx.principal, &keys)
        .await
        .or_page(&ctx)?;
    Ok(see_other(&ctx, "/supervision/todo", Some("supervision_read")))
}

#[derive(Template)]
#[template(path = "supervision/digest.html")]
struct DigestPage {
    c: Chrome,
    digest: plantrack_core::supervise::DailyDigest,
    lights: [usize; 4],
    departments: Vec<(String, usize, usize, usize, &'static str)>,
}

/// `GET /supervision/digest` — the daily digest (每日督办摘要).
pub async fn show_digest(State(state): State<AppState>, ctx: Ctx, Query(v): Query<View>) -> PageResult {
    ctx.principal.require(&Permission::ViewInternal).or_page(&ctx)?;
    let today = day(&v, &ctx).or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let sv = SvCtx::new(state.store(), g.plan.as_ref());
    let digest = plantrack_app::supervision::daily_digest(sv, &ctx.principal, today)
        .await
        .or_page(&ctx)?;
    let c = Chrome::new(&ctx, "supervision.digest", "supervision");
    let n = |l| digest.lights.get(&l).copied().unwrap_or(0);
    let lights = [
        n(ScheduleLight::Red),
        n(ScheduleLight::Yellow),
        n(ScheduleLight::Blue),
        n(ScheduleLight::Green),
    ];
    let departments = digest
        .by_department
        .iter()
        .map(|d| {
            use plantrack_core::supervise::Freshness as F;
            let fresh = match d.freshness.signal {
                F::Current => c.tr.pick("按时报送", "current"),
                F::Stale => c.tr.pick("本期未报", "stale"),
                F::NothingDue => c.tr.pick("暂无应报", "nothing due"),
            };
            (
                sv.department_name(&d.department),
                d.reports_missing,
                d.returned,
                d.overdue,
                fresh,
            )
        })
        .collect();
    Ok(render(&DigestPage {
        c,
        digest,
        lights,
        departments,
    }))
}
