//! A target's detail page: its series by year and org unit (chart and table), the status with its explanation —
//! method, thresholds, the inputs it used —, the forecast, the other methods beside the official one, and the
//! data behind each figure: the aggregated data-element inputs for everyone, and for internal users the very
//! observations and registry rows they were computed from.

use askama::Template;
use axum::extract::{Path, Query, State};
use plantrack_app::{AppError, Permission};
use plantrack_core::indicator::Window;
use plantrack_core::plan::{ElementSource, OrgUnitCode, TargetId};
use plantrack_core::progress::{Assessment, TargetStatus};
use plantrack_report::chart::LineChart;
use rust_decimal::Decimal;

use super::dashboard::{
    Drill, Opt, history, light, own_value, period_options, resolve, target_text, with_unit,
};
use super::{OrPage, PageResult};
use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::layout::{Chrome, render};

/// One method's result for display.
pub struct MethodView {
    /// `growth_ratio@1` …
    pub method: String,
    /// Light class.
    pub light: &'static str,
    /// Status words.
    pub status: &'static str,
    /// Why.
    pub explanation: String,
    /// Ratio P.
    pub ratio: String,
    /// "≥ 0.95 → 进度正常" …
    pub thresholds: Vec<String>,
    /// Inputs as (label, value).
    pub inputs: Vec<(String, String)>,
}

/// A data-element input of the value.
pub struct InputView {
    /// Element id.
    pub element: String,
    /// Element name.
    pub name: String,
    /// Window (e.g. `2019`, `2018–2019`).
    pub window: String,
    /// Aggregated value.
    pub value: String,
    /// How it is sourced.
    pub source: String,
}

/// A row behind an input (internal users).
pub struct EvidenceRow {
    /// Element.
    pub element: String,
    /// Org unit.
    pub org_unit: String,
    /// What (observation period, or registry + key).
    pub what: String,
    /// Amount.
    pub amount: String,
    /// Source / who.
    pub source: String,
}

#[derive(Template)]
#[template(path = "target.html")]
struct TargetPage {
    c: Chrome,
    text: String,
    org_name: String,
    org_code: String,
    period: String,
    value: String,
    target: String,
    official: MethodView,
    others: Vec<MethodView>,
    forecast: Option<String>,
    chart: String,
    series_orgs: Vec<String>,
    series_rows: Vec<(String, Vec<String>)>,
    inputs: Vec<InputView>,
    evidence: Option<Vec<EvidenceRow>>,
    evidence_more: usize,
    org_options: Vec<Opt>,
    year_options: Vec<Opt>,
    target_id: String,
}

fn window_text(w: Window) -> String {
    let ps = w.periods();
    match (ps.first(), ps.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => "—".into(),
    }
}

fn method_view(tr: Tr, a: &Assessment, unit: &str) -> MethodView {
    let (class, key) = light(a.status);
    let i = &a.inputs;
    let mut inputs = Vec::new();
    let mut push = |k: &str, v: String| inputs.push((tr.t(k).to_owned(), v));
    if let Some(p) = &i.base {
        push(
            "method.base",
            format!(
                "{} = {}",
                p.period,
                with_unit(&p.value.round_dp(4).normalize(), unit)
            ),
        );
    }
    if let Some(p) = &i.current {
        push(
            "method.current",
            format!(
                "{} = {}",
                p.period,
                with_unit(&p.value.round_dp(4).normalize(), unit)
            ),
        );
    }
    push(
        "method.target",
        format!("{} ({})", with_unit(&i.target.normalize(), unit), i.deadline),
    );
    let frac = |d: &Decimal| format!("{}%", (d * Decimal::from(100)).round_dp(2).normalize());
    if let (Some(e), Some(t)) = (&i.elapsed_years, &i.total_years) {
        push("method.years", format!("{} / {}", e.normalize(), t.normalize()));
    }
    if let Some(c) = &i.cagr_actual {
        push("method.cagr_actual", frac(c));
    }
    if let Some(c) = &i.cagr_required {
        push("method.cagr_required", frac(c));
    }
    if let Some(s) = &i.elapsed_share {
        push("method.elapsed_share", frac(s));
    }
    if let Some(v) = &i.expected_value {
        push("method.expected", with_unit(&v.round_dp(4).normalize(), unit));
    }
    if !i.rates.is_empty() {
        let rates: Vec<String> = i
            .rates
            .iter()
            .map(|p| format!("{} {}%", p.period, p.value.round_dp(2).normalize()))
            .collect();
        push("method.rates", rates.join("，"));
    }
    if let Some(r) = &i.achieved_rate {
        push("method.achieved_rate", format!("{}%", r.round_dp(2).normalize()));
    }
    MethodView {
        method: a.method.to_string(),
        light: class,
        status: tr.t(key),
        explanation: tr.pick(&a.explanation_zh, &a.explanation_en).to_owned(),
        ratio: a.ratio.map_or_else(|| "—".into(), |r| r.normalize().to_string()),
        thresholds: a
            .thresholds
            .iter()
            .map(|t| format!("P ≥ {} → {}", t.from.normalize(), tr.t(light(t.status).1)))
            .collect(),
        inputs,
    }
}

fn find<'a>(r: &'a plantrack_core::progress::StatusReport, id: &TargetId) -> Option<&'a TargetStatus> {
    r.targets.iter().find(|t| &t.id == id)
}

/// `GET /targets/{target}?org_unit=&year=`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(target): Path<String>,
    Query(q): Query<Drill>,
) -> PageResult {
    let tr = Tr::new(ctx.lang);
    let g = state.generation().await.or_page(&ctx)?;
    let plan = g.plan.clone();
    let not_found = || AppError::NotFound {
        entity: "target".into(),
        id: target.chars().take(40).collect(),
    };
    let id = TargetId::parse(&target).map_err(|_| not_found()).or_page(&ctx)?;
    let def = plan.target(&id).ok_or_else(not_found).or_page(&ctx)?.clone();
    let source = state.status_source(&g).await.or_page(&ctx)?;
    let (org, period) = resolve(&plan, &q, &source).or_page(&ctx)?;
    let report = state.report(&g, &org, period).await.or_page(&ctx)?;
    let t = find(&report, &id).ok_or_else(not_found).or_page(&ctx)?.clone();
    let name = tr.pick(&t.name_zh, &t.name_en).to_owned();

    // Series: this org unit and its units below, or beside it when it has none.
    let mut orgs: Vec<OrgUnitCode> = vec![org.clone()];
    let children: Vec<OrgUnitCode> = plan.children(&org).map(|u| u.code.clone()).collect();
    if children.is_empty() {
        if let Some(parent) = plan.org_unit(&org).and_then(|u| u.parent.clone()) {
            orgs.extend(
                plan.children(&parent)
                    .map(|u| u.code.clone())
                    .filter(|c| c != &org),
            );
        }
    } else {
        orgs.extend(children);
    }
    let periods = source.periods();
    let mut series: Vec<(OrgUnitCode, Vec<Option<Decimal>>)> = Vec::new();
    for o in &orgs {
        let hist = history(&state, &g, &source, o).await.or_page(&ctx)?;
        let values: Vec<Option<Decimal>> = hist.iter().map(|(p, r)| own_value(r, &id, *p)).collect();
        if o == &org || values.iter().any(Option::is_some) {
            series.push((o.clone(), values));
        }
    }
    let org_label = |c: &OrgUnitCode| {
        plan.org_unit(c)
            .map_or_else(|| c.to_string(), |u| tr.pick(&u.name_zh, &u.name_en).to_owned())
    };
    let mut chart = LineChart::new(name.clone(), periods.iter().map(ToString::to_string))
        .unit(t.unit.clone())
        .text(super::dashboard::chart_text(ctx.lang))
        .target(t.target, None)
        .deadline(t.deadline.to_string(), None)
        .id(format!("line-{}", t.id));
    for (o, values) in &series {
        chart = chart.series(org_label(o), values.clone());
    }
    let series_orgs = series.iter().map(|(o, _)| org_label(o)).collect();
    let series_rows = periods
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let cells = series
                .iter()
                .map(|(_, v)| {
                    v.get(i)
                        .copied()
                        .flatten()
                        .map_or_else(|| "—".into(), |d| d.to_string())
                })
                .collect();
            (p.to_string(), cells)
        })
        .collect();

    // The data behind the figure.
    let inputs: Vec<InputView> = t
        .inputs
        .iter()
        .map(|i| {
            let el = plan.data_element(&i.element);
            InputView {
                element: i.element.to_string(),
                name: el.map_or_else(
                    || i.element.to_string(),
                    |e| tr.pick(&e.name_zh, &e.name_en).to_owned(),
                ),
                window: window_text(i.window),
                value: i.value.map_or_else(
                    || "—".into(),
                    |v| with_unit(&v.normalize(), el.map_or("", |e| e.unit.as_str())),
                ),
                source: match el.map(|e| e.source) {
                    Some(ElementSource::Derived(rule)) => {
                        format!("{}（{}）", tr.t("target.derived"), rule.name())
                    }
                    _ => tr.t("target.observed").to_owned(),
                },
            }
        })
        .collect();
    let mut evidence = None;
    let mut evidence_more = 0;
    if ctx.principal.can(&Permission::ViewInternal) {
        let mut rows = Vec::new();
        let limit = 300;
        for i in &t.inputs {
            let Some(el) = plan.data_element(&i.element) else {
                continue;
            };
            for p in i.window.periods() {
                match el.source {
                    ElementSource::Derived(rule) => {
                        let subtree = subtree(&plan, &org);
                        let ev = state.store().derive_evidence(rule, p).await.or_page(&ctx)?;
                        for e in ev.into_iter().filter(|e| subtree.contains(&e.org_unit_code)) {
                            if rows.len() >= limit {
                                evidence_more += 1;
                                continue;
                            }
                            rows.push(EvidenceRow {
                                element: i.element.to_string(),
                                org_unit: e.org_unit_code,
                                what: format!("{} {} · {}", p, e.entity, e.key),
                                amount: e.amount.normalize().to_string(),
                                source: tr.t("target.registry").to_owned(),
                            });
                        }
                    }
                    ElementSource::Observed => {
                        let obs = state
                            .store()
                            .observations_in(
                                org.as_str(),
                                p.end(),
                                p.start(),
                                p.end(),
                                Some(&[i.element.to_string()]),
                            )
                            .await
                            .or_page(&ctx)?;
                        for o in obs {
                            if rows.len() >= limit {
                                evidence_more += 1;
                                continue;
                            }
                            let o = o.record;
                            rows.push(EvidenceRow {
                                element: o.data_element,
                                org_unit: o.org_unit_code,
                                what: o.period,
                                amount: o.value.normalize().to_string(),
                                source: [o.source, o.entered_by]
                                    .into_iter()
                                    .flatten()
                                    .collect::<Vec<_>>()
                                    .join(" · "),
                            });
                        }
                    }
                }
            }
        }
        evidence = Some(rows);
    }
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
    let page = TargetPage {
        c: Chrome::titled(&ctx, name, "targets"),
        text: def.text_zh.clone(),
        org_name: org_label(&org),
        org_code: org.to_string(),
        period: period.to_string(),
        value: t
            .value
            .as_ref()
            .map_or_else(|| "—".into(), |v| with_unit(v, &t.unit)),
        target: target_text(tr, t.comparator, &t.target, &t.unit, t.deadline),
        official: method_view(tr, &t.assessment, &t.unit),
        others: t
            .other_methods
            .iter()
            .map(|a| method_view(tr, a, &t.unit))
            .collect(),
        forecast: t.forecast.as_ref().map(|f| {
            let mut s = format!(
                "{}：{}（{}）",
                f.period,
                with_unit(&f.value.round_dp(2).normalize(), &t.unit),
                f.method
            );
            if f.capped_at_ceiling {
                s.push_str(tr.t("target.capped"));
            }
            s
        }),
        chart: chart.to_svg(),
        series_orgs,
        series_rows,
        inputs,
        evidence,
        evidence_more,
        org_options,
        year_options,
        target_id: t.id.to_string(),
    };
    Ok(render(&page))
}

/// The codes of `org` and the plan's units below it.
pub fn subtree(plan: &plantrack_core::plan::Plan, org: &OrgUnitCode) -> Vec<String> {
    let mut out = vec![org.to_string()];
    let mut i = 0;
    while i < out.len() {
        if let Ok(c) = OrgUnitCode::parse(&out[i]) {
            out.extend(plan.children(&c).map(|u| u.code.to_string()));
        }
        i += 1;
    }
    out
}
