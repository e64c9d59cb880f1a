//! Enterprise pages: the searchable list, one enterprise (master data, yearly figures, qualifications, the verdicts
//! with their conditions and what it lacks), and the cultivation pool (培育库) with the projected counts against the
//! plan's targets.

use askama::Template;
use axum::extract::{Path, Query, State};
use jiff::civil::Date;
use plantrack_app::enterprises::{self, EnterprisePage, PoolView};
use plantrack_core::qualify::EvaluationReport;
use plantrack_report::chart::{BarChart, Light, Orientation, StatusMark};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{OrPage, PageResult};
use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::layout::{Chrome, render};

/// `?q=&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Search text.
    pub q: Option<String>,
    /// Page number from 1.
    pub page: Option<i64>,
}

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "enterprises/list.html")]
struct ListPage {
    c: Chrome,
    q: String,
    list: EnterprisePage,
    page: i64,
    pages: i64,
}

/// `GET /enterprises`.
pub async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> PageResult {
    let page = q.page.unwrap_or(1).max(1);
    let list = enterprises::search(
        state.store(),
        &ctx.principal,
        q.q.as_deref(),
        (page - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await
    .or_page(&ctx)?;
    let pages = ((list.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    Ok(render(&ListPage {
        c: Chrome::new(&ctx, "ent.title", "enterprises"),
        q: q.q.unwrap_or_default(),
        list,
        page,
        pages,
    }))
}

/// `?as_of=YYYY-MM-DD`.
#[derive(Debug, Default, Deserialize)]
pub struct AsOf {
    /// Evaluation date.
    pub as_of: Option<String>,
}

fn parse_as_of(text: Option<&str>) -> Result<Option<Date>, plantrack_app::AppError> {
    match text.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse::<Date>().map(Some).map_err(|_| {
            plantrack_app::AppError::invalid("as_of", "日期应为 YYYY-MM-DD", "a date is YYYY-MM-DD")
        }),
    }
}

/// A verdict line for display.
pub struct Verdict {
    /// Programme name.
    pub name: &'static str,
    /// Light class.
    pub light: &'static str,
    /// Words.
    pub text: String,
    /// Conditions: (name, value, threshold, passed class, explanation).
    pub conditions: Vec<(String, String, String, &'static str, String)>,
    /// What it lacks.
    pub gaps: Vec<String>,
    /// Why it cannot be judged.
    pub missing: Option<String>,
}

#[derive(Template)]
#[template(path = "enterprises/show.html")]
struct ShowPage {
    c: Chrome,
    uscc: String,
    master: Vec<(&'static str, String)>,
    years: Vec<i32>,
    figures: Vec<(&'static str, Vec<String>)>,
    qualifications: Vec<(String, String, String, String, String)>,
    records: Vec<(String, String, String, String)>,
    as_of: String,
    verdicts: Vec<Verdict>,
    not_judged: Option<String>,
    above_scale: &'static str,
    deduction: Option<String>,
}

fn cond_class(p: Option<bool>) -> &'static str {
    match p {
        Some(true) => "pass",
        Some(false) => "fail",
        None => "unknown",
    }
}

fn verdicts(tr: Tr, r: &EvaluationReport) -> Vec<Verdict> {
    let conds = |cs: &[plantrack_core::qualify::output::ConditionReport]| {
        cs.iter()
            .map(|c| {
                (
                    tr.pick(&c.name_zh, &c.name_en).to_owned(),
                    c.value.clone().unwrap_or_else(|| "—".into()),
                    c.threshold.clone(),
                    cond_class(c.passed),
                    tr.pick(&c.explanation_zh, &c.explanation_en).to_owned(),
                )
            })
            .collect()
    };
    let gaps = |gs: &[plantrack_core::qualify::output::GapReport]| {
        gs.iter()
            .map(|g| tr.pick(&g.text_zh, &g.text_en).to_owned())
            .collect()
    };
    let ts = &r.tech_sme;
    let (light, text) = match ts.qualified {
        Some(true) => (
            "met",
            match ts.score {
                Some(s) => format!("{}（{s} {}）", tr.t("ent.qualified"), tr.t("ent.points")),
                None => tr.t("ent.qualified").to_owned(),
            },
        ),
        Some(false) => (
            "off_track",
            match ts.score {
                Some(s) => format!("{}（{s} {}）", tr.t("ent.not_qualified"), tr.t("ent.points")),
                None => tr.t("ent.not_qualified").to_owned(),
            },
        ),
        None => ("not_assessable", tr.t("ent.cannot_judge").to_owned()),
    };
    let ht = &r.high_tech;
    let score = if ht.innovation_score.min == ht.innovation_score.max {
        ht.innovation_score.min.to_string()
    } else {
        format!("{}–{}", ht.innovation_score.min, ht.innovation_score.max)
    };
    let (hl, hkey) = match ht.verdict.as_str() {
        "eligible" => ("met", "ent.eligible"),
        "not_eligible" => ("off_track", "ent.not_eligible"),
        "needs_expert_review" => ("at_risk", "ent.expert_review"),
        _ => ("not_assessable", "ent.cannot_judge"),
    };
    vec![
        Verdict {
            name: tr.t("ent.tech_sme"),
            light,
            text,
            conditions: conds(&ts.conditions),
            gaps: gaps(&r.gaps.tech_sme),
            missing: ts.missing.clone(),
        },
        Verdict {
            name: tr.t("ent.high_tech"),
            light: hl,
            text: format!(
                "{}（{} {score} {}）",
                tr.t(hkey),
                tr.t("ent.innovation_score"),
                tr.t("ent.points")
            ),
            conditions: conds(&ht.conditions),
            gaps: gaps(&r.gaps.high_tech),
            missing: ht.missing.clone(),
        },
    ]
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "—".into(), |x| x.to_string())
}

/// `GET /enterprises/{uscc}?as_of=`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(uscc): Path<String>,
    Query(q): Query<AsOf>,
) -> PageResult {
    let tr = Tr::new(ctx.lang);
    let as_of = parse_as_of(q.as_of.as_deref()).or_page(&ctx)?;
    let today = jiff::ZonedDateTime::now().date();
    let v = enterprises::view(state.store(), &ctx.principal, &uscc, as_of, today)
        .await
        .or_page(&ctx)?;
    let e = &v.profile.enterprise.record;
    let master = vec![
        ("ent.uscc", e.uscc.clone()),
        ("ent.name", e.name.clone()),
        ("ent.founded_on", opt(e.founded_on)),
        ("ent.org_unit", opt(e.org_unit_code.clone())),
        ("ent.industry", opt(e.industry_code.clone())),
        ("ent.field", opt(e.high_tech_field.clone())),
    ];
    let master = master.into_iter().map(|(k, v)| (tr.t(k), v)).collect();
    let ys: Vec<&plantrack_store::enterprises::EnterpriseYear> =
        v.profile.years.iter().map(|y| &y.record).collect();
    let row = |key: &'static str, f: &dyn Fn(&plantrack_store::enterprises::EnterpriseYear) -> String| {
        (tr.t(key), ys.iter().map(|y| f(y)).collect::<Vec<_>>())
    };
    let dec = |d: Option<Decimal>| opt(d.map(|d| d.normalize()));
    let figures = vec![
        row("fig.employees", &|y| opt(y.employees)),
        row("fig.tech_staff", &|y| opt(y.tech_staff)),
        row("fig.sales_revenue", &|y| dec(y.sales_revenue)),
        row("fig.main_business_revenue", &|y| dec(y.main_business_revenue)),
        row("fig.total_revenue", &|y| dec(y.total_revenue)),
        row("fig.high_tech_revenue", &|y| dec(y.high_tech_revenue)),
        row("fig.total_assets", &|y| dec(y.total_assets)),
        row("fig.total_cost", &|y| dec(y.total_cost)),
        row("fig.rd_expense", &|y| dec(y.rd_expense)),
        row("fig.domestic_rd_expense", &|y| dec(y.domestic_rd_expense)),
        row("fig.ip_class1", &|y| opt(y.ip_class1)),
        row("fig.ip_class2", &|y| opt(y.ip_class2)),
        row("fig.rd_institution", &|y| opt(y.rd_institution_level.clone())),
        row("fig.achievements", &|y| opt(y.achievements_transformed)),
    ];
    let qualifications = v
        .profile
        .qualifications
        .iter()
        .map(|q| {
            let q = &q.record;
            (
                tr.t(match q.kind {
                    plantrack_store::enterprises::QualificationKind::HighTech => "ent.high_tech",
                    plantrack_store::enterprises::QualificationKind::TechSme => "ent.tech_sme",
                })
                .to_owned(),
                q.number.clone(),
                q.issued_on.to_string(),
                q.valid_until.to_string(),
                opt(q.revoked_on),
            )
        })
        .collect();
    let records = v
        .profile
        .records
        .iter()
        .map(|r| {
            let r = &r.record;
            (
                r.kind.to_string(),
                r.title.clone(),
                opt(r.level.clone()),
                r.occurred_on.to_string(),
            )
        })
        .collect();
    let (verdict_list, not_judged, above, deduction, as_of_text) = match &v.evaluation {
        Ok(r) => (
            verdicts(tr, r),
            None,
            match r.above_scale_industrial {
                Some(true) => tr.t("common.yes"),
                Some(false) => tr.t("common.no"),
                None => "—",
            },
            r.rd_deduction.as_ref().map(|d| {
                tr.f(
                    "ent.deduction_text",
                    &[
                        ("year", &d.tax_year.to_string()),
                        ("extra", &d.extra_deduction.normalize().to_string()),
                        ("saving", &d.tax_saving.normalize().to_string()),
                    ],
                )
            }),
            r.as_of.to_string(),
        ),
        Err(reason) => (Vec::new(), Some(reason.clone()), "—", None, opt(as_of)),
    };
    Ok(render(&ShowPage {
        c: Chrome::titled(&ctx, e.name.clone(), "enterprises"),
        uscc: e.uscc.clone(),
        master,
        years: ys.iter().map(|y| y.year).collect(),
        figures,
        qualifications,
        records,
        as_of: as_of_text,
        verdicts: verdict_list,
        not_judged,
        above_scale: above,
        deduction,
    }))
}

#[derive(Template)]
#[template(path = "enterprises/pool.html")]
struct PoolPage {
    c: Chrome,
    pool: PoolView,
    chart: String,
    lacks: Vec<String>,
    programmes: Vec<&'static str>,
}

/// `GET /enterprises/pool?as_of=`.
pub async fn pool(State(state): State<AppState>, ctx: Ctx, Query(q): Query<AsOf>) -> PageResult {
    let tr = Tr::new(ctx.lang);
    let as_of = parse_as_of(q.as_of.as_deref()).or_page(&ctx)?;
    // Checked for every caller: the cached pool was computed for whoever asked first.
    ctx.principal
        .require(&plantrack_app::Permission::ViewInternal)
        .or_page(&ctx)?;
    let g = state.generation().await.or_page(&ctx)?;
    let today = jiff::ZonedDateTime::now().date();
    let (st, plan, who) = (state.clone(), g.plan.clone(), ctx.principal.clone());
    let key = crate::cache::CacheKey::new("pool", opt(as_of));
    // The pool judges every enterprise of the district: computed once per data version.
    let pool = g
        .get_or_try(key, || async move {
            enterprises::cultivation_pool(st.store(), &who, &plan, as_of, today).await
        })
        .await
        .or_page(&ctx)?;
    let pool = pool.as_ref().clone();
    let mark = |now: Decimal, target: Option<Decimal>| {
        let met = target.is_some_and(|t| now >= t);
        StatusMark::new(
            if met { Light::Blue } else { Light::Yellow },
            tr.t(if met { "status.met" } else { "pool.short" }),
        )
    };
    let mut chart = BarChart::new(tr.t("pool.chart"), Orientation::Horizontal)
        .text(super::dashboard::chart_text(ctx.lang))
        .id("pool-chart");
    for (label, now, projected, target) in [
        (
            tr.t("ent.tech_sme"),
            pool.tech_sme_now,
            pool.tech_sme_projected,
            pool.tech_sme_target,
        ),
        (
            tr.t("ent.high_tech"),
            pool.high_tech_now,
            pool.high_tech_projected,
            pool.high_tech_target,
        ),
    ] {
        chart = chart
            .bar_with_status(
                format!("{label} · {}", tr.t("pool.now")),
                Some(now),
                mark(now, target),
            )
            .bar_with_status(
                format!("{label} · {}", tr.t("pool.projected")),
                Some(projected),
                mark(projected, target),
            );
        if let Some(t) = target {
            chart = chart.bar(format!("{label} · {}", tr.t("pool.target")), Some(t));
        }
    }
    let lacks = pool
        .candidates
        .iter()
        .map(|c| tr.pick(&c.lacks_zh, &c.lacks_en).to_owned())
        .collect();
    let programmes = pool
        .candidates
        .iter()
        .map(|c| {
            tr.t(if c.programme == "tech_sme" {
                "ent.tech_sme"
            } else {
                "ent.high_tech"
            })
        })
        .collect();
    Ok(render(&PoolPage {
        c: Chrome::new(&ctx, "pool.title", "pool"),
        chart: chart.to_svg(),
        pool,
        lacks,
        programmes,
    }))
}
