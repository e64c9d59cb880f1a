//! The public dashboard (政务公开): the plan's targets with value, target, status light with its words, a trend
//! sparkline, drill-down by org unit and year, and the date the data are as of. Readable without signing in and
//! without JavaScript; for the public the rendered page is cached per data version.

use std::sync::Arc;

use askama::Template;
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

/// `?org_unit=&year=`.
#[derive(Debug, Default, Deserialize)]
pub struct Drill {
    /// 区划代码.
    pub org_unit: Option<String>,
    /// Year.
    pub year: Option<String>,
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
    year: i32,
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

/// The chart words in the page language.
pub fn chart_text(lang: Lang) -> ChartText {
    match lang {
        Lang::Zh => ChartText::zh(),
        Lang::En => ChartText::en(),
    }
}

/// Resolves `?org_unit=&year=` against the plan (defaults: the plan's org unit, the latest year with data).
pub fn resolve(plan: &Plan, q: &Drill, latest: i32) -> Result<(OrgUnitCode, i32), plantrack_app::AppError> {
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
    let years = plan_years(plan);
    let year = match q.year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => latest,
        Some(t) => t
            .parse::<i32>()
            .ok()
            .filter(|y| years.contains(y))
            .ok_or_else(|| plantrack_app::AppError::NotFound {
                entity: "year".into(),
                id: t.chars().take(10).collect(),
            })?,
    };
    Ok((org, year))
}

/// The years a plan's pages offer: from the baseline to the last plan year.
pub fn plan_years(plan: &Plan) -> Vec<i32> {
    (plan.meta().baseline.year()..=plan.meta().last_year).collect()
}

/// Values of every target of `org` for each plan year (for sparklines and series).
pub async fn yearly_values(
    state: &AppState,
    g: &Generation,
    org: &OrgUnitCode,
) -> Result<Vec<(i32, Arc<plantrack_core::progress::StatusReport>)>, plantrack_app::AppError> {
    let mut out = Vec::new();
    for y in plan_years(&g.plan) {
        if let Ok(p) = Period::year_of(y) {
            out.push((y, state.report(g, org, p).await?));
        }
    }
    Ok(out)
}

fn card(
    tr: Tr,
    t: &TargetStatus,
    history: &[(i32, Arc<plantrack_core::progress::StatusReport>)],
    org: &OrgUnitCode,
    year: i32,
) -> Card {
    let (class, key) = light(t.status);
    let name = tr.pick(&t.name_zh, &t.name_en).to_owned();
    let points: Vec<(String, Option<rust_decimal::Decimal>)> = history
        .iter()
        .map(|(y, r)| {
            let v = r.targets.iter().find(|x| x.id == t.id).and_then(|x| {
                // Only the year's own value (a capped period repeats the deadline's).
                (x.period.year() == *y).then_some(x.value).flatten()
            });
            (y.to_string(), v)
        })
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
        target: format!(
            "{} {}（{}）",
            t.comparator.symbol(),
            with_unit(&t.target.normalize(), &t.unit),
            t.deadline
        ),
        light: class,
        status: tr.t(key),
        explanation: tr.pick(&t.explanation_zh, &t.explanation_en).to_owned(),
        sparkline: spark,
        href: format!("/targets/{}?org_unit={}&year={year}", t.id, org),
    }
}

/// `GET /` — the public dashboard.
pub async fn show(State(state): State<AppState>, ctx: Ctx, Query(q): Query<Drill>) -> PageResult {
    let g = state.generation().await.or_page(&ctx)?;
    // The public's page is the same for everyone: render it once per data version, language and URL.
    if matches!(ctx.auth, AuthVia::Anonymous) && ctx.flash.is_none() {
        let key = CacheKey::new("dashboard", format!("{}|{}", ctx.lang.code(), ctx.uri));
        let (st, c2, g2) = (state.clone(), ctx.clone(), g.clone());
        let html: Arc<String> = g
            .get_or_try(key, || async move { render_page(&st, &g2, &c2, &q).await })
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
    let latest = source.latest_year(plan);
    let (org, year) = resolve(plan, q, latest)?;
    let period =
        Period::year_of(year).map_err(|e| plantrack_app::AppError::Unexpected(e.to_string().into()))?;
    let report = state.report(g, &org, period).await?;
    let history = yearly_values(state, g, &org).await?;
    let cards: Vec<Card> = report
        .targets
        .iter()
        .map(|t| card(tr, t, &history, &org, year))
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
    let year_options = plan_years(plan)
        .into_iter()
        .map(|y| Opt {
            value: y.to_string(),
            label: y.to_string(),
            selected: y == year,
        })
        .collect();
    Ok(DashboardPage {
        c: Chrome::new(ctx, "dash.title", "dashboard"),
        plan_title: tr.pick(&plan.meta().title_zh, &plan.meta().title_en).to_owned(),
        org_name,
        year,
        cards,
        org_options,
        year_options,
        data_as_of: tr.f("dash.data_as_of", &[("period", &latest.to_string())]),
        counts,
    })
}
