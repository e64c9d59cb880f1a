//! The public dashboard (政务公开): the plan's targets with value, target, status light with its words, a trend
//! sparkline, drill-down by org unit and year, and the date the data are as of. Readable without signing in and
//! without JavaScript; for the public the rendered page is cached per data version.

use std::sync::Arc;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use plantrack_core::period::Period;
use plantrack_core::plan::{OrgUnitCode, Plan};
use plantrack_core::progress::{Status, TargetStatus};
use plantrack_report::chart::{ChartText, Sparkline};
use serde::Deserialize;

use super::{OrPage, PageResult};
use crate::AppState;
use crate::cache::{CacheKey, Generation};
use crate::ctx::{AuthVia, Ctx};
use crate::i18n::{Lang, Tr};
use crate::layout::Chrome;
use crate::status::StatusSource;

/// `?org_unit=&period=`.
#[derive(Debug, Default, Deserialize)]
pub struct Drill {
    /// 区划代码.
    pub org_unit: Option<String>,
    /// Period: `2019`, `2020Q3` …
    pub period: Option<String>,
}

/// One target card.
pub struct Card {
    /// Target id.
    pub id: String,
    /// Name in the page language.
    pub name: String,
    /// Value with unit, or "—".
    pub value: String,
    /// "≥ 2.5%（2020）".
    pub target: String,
    /// CSS class of the light: met, on_track, at_risk, off_track, not_assessable.
    pub light: &'static str,
    /// Status words.
    pub status: &'static str,
    /// Why.
    pub explanation: String,
    /// Trend chart (SVG, escaped by the chart module).
    pub sparkline: String,
    /// Detail link.
    pub href: String,
}

/// An option of a select.
pub struct Opt {
    /// Value.
    pub value: String,
    /// Label.
    pub label: String,
    /// Selected.
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    plan_title: String,
    org_name: String,
    period: String,
    cards: Vec<Card>,
    org_options: Vec<Opt>,
    year_options: Vec<Opt>,
    data_as_of: String,
    counts: [usize; 5],
}

/// The status's light class and catalog key.
pub fn light(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Met => ("met", "status.met"),
        Status::OnTrack => ("on_track", "status.on_track"),
        Status::AtRisk => ("at_risk", "status.at_risk"),
        Status::OffTrack => ("off_track", "status.off_track"),
        Status::NotAssessable => ("not_assessable", "status.not_assessable"),
    }
}

/// A value with its unit ("2.30%", "35 家").
pub fn with_unit(value: &rust_decimal::Decimal, unit: &str) -> String {
    let sep = if unit == "%" || unit.is_empty() { "" } else { " " };
    format!("{value}{sep}{unit}")
}

/// A target as people write it: "≥ 2.5%（2020）", "≥ 50 家 (2020)".
pub fn target_text(
    tr: Tr,
    comparator: plantrack_core::plan::Comparator,
    value: &rust_decimal::Decimal,
    unit: &str,
    deadline: Period,
) -> String {
    let sign = match comparator {
        plantrack_core::plan::Comparator::AtLeast => "≥",
        plantrack_core::plan::Comparator::AtMost => "≤",
    };
    let v = with_unit(&value.normalize(), unit);
    if tr.is_zh() {
        format!("{sign} {v}（{deadline}）")
    } else {
        format!("{sign} {v} ({deadline})")
    }
}

/// The chart words in the page language.
pub fn chart_text(lang: Lang) -> ChartText {
    match lang {
        Lang::Zh => ChartText::zh(),
        Lang::En => ChartText::en(),
    }
}

/// Resolves `?org_unit=&period=` against the plan (defaults: the plan's org unit, the latest period with data).
pub fn resolve(
    plan: &Plan,
    q: &Drill,
    source: &StatusSource,
) -> Result<(OrgUnitCode, Period), plantrack_app::AppError> {
    let org = match q.org_unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => plan.meta().org_unit.clone(),
        Some(t) => OrgUnitCode::parse(t)
            .ok()
            .filter(|c| plan.org_unit(c).is_some())
            .ok_or_else(|| plantrack_app::AppError::NotFound {
                entity: "org_unit".into(),
                id: t.chars().take(20).collect(),
            })?,
    };
    let first = plan.meta().baseline.year();
    let last = plan.meta().last_year;
    let period = match q.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => source.default_period(),
        // Text that is no period is bad input (422); a period outside the plan's years is a page that does not
        // exist (404).
        Some(t) => Some(
            Period::parse(t)
                .map_err(|e| plantrack_app::AppError::invalid("period", e.to_string(), e.to_string()))?,
        )
        .filter(|p| (first..=last).contains(&p.year()))
        .ok_or_else(|| plantrack_app::AppError::NotFound {
            entity: "period".into(),
            id: t.chars().take(10).collect(),
        })?,
    };
    Ok((org, period))
}

/// Reports of `org` for each period of the series (for sparklines and charts).
pub async fn history(
    state: &AppState,
    g: &Generation,
    source: &StatusSource,
    org: &OrgUnitCode,
) -> Result<Vec<(Period, Arc<plantrack_core::progress::StatusReport>)>, plantrack_app::AppError> {
    let mut out = Vec::new();
    for p in source.periods() {
        out.push((p, state.report(g, org, p).await?));
    }
    Ok(out)
}

/// The value of a target in a report, if it is the period's own value (a period after the deadline is capped to
/// it and would repeat the deadline's value).
pub fn own_value(
    r: &plantrack_core::progress::StatusReport,
    id: &plantrack_core::plan::TargetId,
    p: Period,
) -> Option<rust_decimal::Decimal> {
    r.targets
        .iter()
        .find(|x| &x.id == id)
        .filter(|x| x.period == p)
        .and_then(|x| x.value)
}

/// Options of the period select.
pub fn period_options(source: &StatusSource, current: Period) -> Vec<Opt> {
    let mut ps = source.periods();
    if !ps.contains(&current) {
        ps.push(current);
    }
    ps.into_iter()
        .map(|p| Opt {
            value: p.to_string(),
            label: p.to_string(),
            selected: p == current,
        })
        .collect()
}

fn card(
    tr: Tr,
    t: &TargetStatus,
    history: &[(Period, Arc<plantrack_core::progress::StatusReport>)],
    org: &OrgUnitCode,
    period: Period,
) -> Card {
    let (class, key) = light(t.status);
    let name = tr.pick(&t.name_zh, &t.name_en).to_owned();
    let points: Vec<(String, Option<rust_decimal::Decimal>)> = history
        .iter()
        .map(|(p, r)| (p.to_string(), own_value(r, &t.id, *p)))
        .collect();
    let spark = Sparkline::new(format!("{name} {}", tr.t("dash.trend")), points)
        .target(t.target, Some(t.deadline.to_string()))
        .text(chart_text(tr.lang))
        .unit(t.unit.clone())
        .id(format!("sp-{}", t.id))
        .to_svg();
    Card {
        id: t.id.to_string(),
        name,
        value: t
            .value
            .as_ref()
            .map_or_else(|| "—".to_owned(), |v| with_unit(v, &t.unit)),
        target: target_text(tr, t.comparator, &t.target, &t.unit, t.deadline),
        light: class,
        status: tr.t(key),
        explanation: tr.pick(&t.explanation_zh, &t.explanation_en).to_owned(),
        sparkline: spark,
        href: format!("/targets/{}?org_unit={}&period={period}", t.id, org),
    }
}

/// `GET /` — the public dashboard.
pub async fn show(State(state): State<AppState>, ctx: Ctx, Query(q): Query<Drill>) -> PageResult {
    let g = state.generation().await.or_page(&ctx)?;
    // The public's page is the same for everyone: render it once per data version, language, org unit and period.
    // The key is the resolved drill-down, never the raw URL, so odd query strings cannot fill the cache.
    if matches!(ctx.auth, AuthVia::Anonymous) && ctx.flash.is_none() {
        let source = state.status_source(&g).await.or_page(&ctx)?;
        let (org, period) = resolve(&g.plan, &q, &source).or_page(&ctx)?;
        let key = CacheKey::new("dashboard", format!("{}|{org}|{period}", ctx.lang.code()));
        let mut canonical = ctx.clone();
        canonical.uri = format!("/?org_unit={org}&period={period}");
        let drill = Drill {
            org_unit: Some(org.to_string()),
            period: Some(period.to_string()),
        };
        let (st, g2) = (state.clone(), g.clone());
        let html: Arc<Bytes> = g
            .get_or_try(key, || async move {
                render_page(&st, &g2, &canonical, &drill).await.map(Bytes::from)
            })
            .await
            .or_page(&ctx)?;
        return Ok(Html(html.as_ref().clone()).into_response());
    }
    let html = render_page(&state, &g, &ctx, &q).await.or_page(&ctx)?;
    Ok(Html(html).into_response())
}

async fn render_page(
    state: &AppState,
    g: &Generation,
    ctx: &Ctx,
    q: &Drill,
) -> Result<String, plantrack_app::AppError> {
    let page = build(state, g, ctx, q).await?;
    page.render()
        .map_err(|e| plantrack_app::AppError::Unexpected(e.to_string().into()))
}

async fn build(
    state: &AppState,
    g: &Generation,
    ctx: &Ctx,
    q: &Drill,
) -> Result<DashboardPage, plantrack_app::AppError> {
    let tr = Tr::new(ctx.lang);
    let plan = &g.plan;
    let source = state.status_source(g).await?;
    let (org, period) = resolve(plan, q, &source)?;
    let report = state.report(g, &org, period).await?;
    let history = history(state, g, &source, &org).await?;
    let cards: Vec<Card> = report
        .targets
        .iter()
        .map(|t| card(tr, t, &history, &org, period))
        .collect();
    let mut counts = [0usize; 5];
    for t in &report.targets {
        let i = match t.status {
            Status::Met => 0,
            Status::OnTrack => 1,
            Status::AtRisk => 2,
            Status::OffTrack => 3,
            Status::NotAssessable => 4,
        };
        counts[i] += 1;
    }
    let org_name = plan
        .org_unit(&org)
        .map_or_else(|| org.to_string(), |u| tr.pick(&u.name_zh, &u.name_en).to_owned());
    let org_options = plan
        .org_units()
        .iter()
        .map(|u| Opt {
            value: u.code.to_string(),
            label: format!("{} {}", u.code, tr.pick(&u.name_zh, &u.name_en)),
            selected: u.code == org,
        })
        .collect();
    let year_options = period_options(&source, period);
    Ok(DashboardPage {
        c: Chrome::new(ctx, "dash.title", "dashboard"),
        plan_title: tr.pick(&plan.meta().title_zh, &plan.meta().title_en).to_owned(),
        org_name,
        period: period.to_string(),
        cards,
        org_options,
        year_options,
        data_as_of: tr.f(
            "dash.data_as_of",
            &[(
                "date",
                &source.as_of().map_or_else(|| "—".to_owned(), |d| d.to_string()),
            )],
        ),
        counts,
    })
}
