//! Gap to qualify (培育): for an enterprise that fails, the smallest sets of changes that would make it qualify,
//! each change with its amount ("研发费用 +35.2 万元 → 5.00 %", "+2 科技人员", "+1 Ⅰ类知识产权"), ordered by size;
//! and across many enterprises, the ranking of the closest candidates (the cultivation pool, 培育库).
//!
//! Levers are the figures an enterprise can move: 研发费用 (spent in China, so 境内研发 and 成本费用 rise with it),
//! 科技人员 (hired, so 职工 rises too), 知识产权, and for 高企 the share of 高新技术产品(服务)收入 in 总收入. Waiting
//! (age, an incident's 365 days) is reported but changes no figure. Sizes use the planning weights of
//! [`GapCosts`](super::rules::GapCosts). Every option is checked by applying it and judging again, so an option is
//! never shown unless the rule itself accepts the changed profile.

use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};
use rust_decimal_macros::dec;

use super::check::{Check, day_number};
use super::high_tech::{self, HighTechOutcome, HighTechVerdict, ht_employees, ht_tech_staff};
use super::input::Num;
use super::profile::{EnterpriseProfile, IncidentKind};
use super::rules::Rules;
use super::tech_sme::{self, RD_COST_BANDS, RD_SALES_BANDS, STAFF_BANDS, TechSmeOutcome, TechSmeVerdict};
use super::uscc::Uscc;
use super::{Evaluation, evaluate};

/// What a change moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// 研发费用 (境内) added to the year.
    RdExpense,
    /// 科技人员 hired in the year (职工 rise by as many).
    TechStaff,
    /// Ⅰ类知识产权 items.
    ClassIIp,
    /// Ⅱ类知识产权 items.
    ClassIIIp,
    /// 高新技术产品(服务)收入 within the same 总收入.
    HighTechRevenue,
    /// Days to wait before applying (age, or an incident's 365 days); changes no figure.
    Wait,
}

impl ChangeKind {
    /// JSON id.
    pub fn id(self) -> &'static str {
        match self {
            ChangeKind::RdExpense => "rd_expense",
            ChangeKind::TechStaff => "tech_staff",
            ChangeKind::ClassIIp => "class_i_ip",
            ChangeKind::ClassIIIp => "class_ii_ip",
            ChangeKind::HighTechRevenue => "high_tech_revenue",
            ChangeKind::Wait => "wait",
        }
    }
}

/// One change: `amount` (万元, persons, items or days) of `kind` in fiscal year `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub year: i16,
    pub amount: Decimal,
    /// The ratio reached (a fraction), when the change aims at one.
    pub result: Option<Decimal>,
}

/// Changes applied together; `size` in 万元-equivalents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapOption {
    pub changes: Vec<Change>,
    pub size: Decimal,
}

/// Gap options per rule set, smallest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gaps {
    pub tech_sme: Vec<GapOption>,
    pub high_tech: Vec<GapOption>,
}

/// How many options are kept per rule set.
const MAX_OPTIONS: usize = 5;

fn ceil_cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity)
        .max(dec!(0.01))
}

fn ceil_persons(d: Decimal) -> Decimal {
    d.ceil().max(Decimal::ONE)
}

fn size_of(changes: &[Change], rules: &Rules) -> Decimal {
    let w = &rules.gap_costs;
    changes
        .iter()
        .map(|c| match c.kind {
            ChangeKind::RdExpense => c.amount * w.per_rd_wan,
            ChangeKind::TechStaff => c.amount * w.per_tech_staff,
            ChangeKind::ClassIIp => c.amount * w.per_class_i_ip,
            ChangeKind::ClassIIIp => c.amount * w.per_class_ii_ip,
            ChangeKind::HighTechRevenue => c.amount * w.per_high_tech_revenue_wan,
            ChangeKind::Wait => Decimal::ZERO,
        })
        .sum()
}

/// Applies the changes of a gap option to a profile (through its input, so the result is checked like any
/// input). `Wait` changes no figure.
pub fn apply_gap(p: &EnterpriseProfile, option: &GapOption) -> EnterpriseProfile {
    let mut input = p.to_input();
    let add = |n: &mut Option<Num>, x: Decimal| {
        if let Some(v) = n {
            v.0 += x;
        }
    };
    for c in &option.changes {
        let year = input.years.iter_mut().find(|y| y.year.0 == Decimal::from(c.year));
        match (c.kind, year) {
            (ChangeKind::RdExpense, Some(y)) => {
                add(&mut y.rd_expense, c.amount);
                add(&mut y.rd_expense_domestic, c.amount);
                add(&mut y.cost_expense_total, c.amount);
            }
            (ChangeKind::TechStaff, Some(y)) => {
                add(&mut y.tech_staff, c.amount);
                add(&mut y.employees, c.amount);
                for m in y
                    .tech_staff_monthly
                    .iter_mut()
                    .flatten()
                    .chain(y.employees_monthly.iter_mut().flatten())
                {
                    m.0 += c.amount;
                }
            }
            (ChangeKind::HighTechRevenue, Some(y)) => add(&mut y.high_tech_revenue, c.amount),
            (ChangeKind::ClassIIp | ChangeKind::ClassIIIp, _) => {
                let ip = input.ip.get_or_insert_with(Default::default);
                let slot = if c.kind == ChangeKind::ClassIIp {
                    &mut ip.class_i
                } else {
                    &mut ip.class_ii
                };
                slot.get_or_insert(Num(Decimal::ZERO)).0 += c.amount;
            }
            _ => {}
        }
    }
    EnterpriseProfile::from_input(&input).unwrap_or_else(|_| p.clone())
}

/// Gaps for both rule sets, from an evaluation of the same profile.
pub fn gaps(p: &EnterpriseProfile, e: &Evaluation, rules: &Rules) -> Gaps {
    Gaps {
        tech_sme: tech_sme_gap(p, &e.tech_sme, rules),
        high_tech: high_tech_gap(p, &e.high_tech, rules),
    }
}

/// A lever's ladder: (points reached, the change, or none for "as is").
type Ladder = Vec<(u8, Option<Change>)>;

/// 科技型中小企业: combinations of staff, R&D and IP that reach ≥ 60 with 科技人员指标 ≠ 0, keeping only those
/// where no single change could be smaller.
fn tech_sme_gap(p: &EnterpriseProfile, v: &TechSmeVerdict, rules: &Rules) -> Vec<GapOption> {
    if v.outcome != TechSmeOutcome::NotQualified || v.eligibility() != Check::Pass {
        return Vec::new();
    }
    let Some(y) = p.year(v.data_year) else {
        return Vec::new();
    };
    let year = v.data_year;

    // A: hire n so that (t + n) / (e + n) ≥ pct, keeping 职工 ≤ 500.
    let mut staff: Ladder = vec![(v.staff_points.min, None)];
    if let (Some(t), Some(e)) = (tech_sme::sme_tech_staff(y), tech_sme::sme_employees(y)) {
        for (pct, pts) in STAFF_BANDS.iter().rev() {
            if *pts <= v.staff_points.min {
                continue;
            }
            let mut n = ceil_persons((pct * e - Decimal::ONE_HUNDRED * t) / (Decimal::ONE_HUNDRED - pct));
            while tech_sme::staff_points(t + n, e + n) < *pts {
                n += Decimal::ONE;
            }
            if e + n <= tech_sme::MAX_EMPLOYEES {
                let result = (t + n).checked_div(e + n);
                staff.push((
                    *pts,
                    Some(Change {
                        kind: ChangeKind::TechStaff,
                        year,
                        amount: n,
                        result,
                    }),
                ));
            }
        }
    }

    // B: add X of R&D (cost rises with it); the cheaper of B1 and B2 for each band.
    let b0 = v.rd_points().min;
    let mut rd: Ladder = vec![(b0, None)];
    if let Some(r) = y.rd_expense {
        let sales = y.sales_revenue.filter(|s| *s > Decimal::ZERO);
        let cost = y.cost_expense_total;
        for ((p1, pts), (p2, _)) in RD_SALES_BANDS.iter().rev().zip(RD_COST_BANDS.iter().rev()) {
            if *pts <= b0 {
                continue;
            }
            let via_sales = sales.map(|s| (ceil_cents(p1 * s / Decimal::ONE_HUNDRED - r), s));
            let via_cost =
                cost.map(|c| ceil_cents((p2 * c - Decimal::ONE_HUNDRED * r) / (Decimal::ONE_HUNDRED - p2)));
            let x = match (via_sales.map(|v| v.0), via_cost) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => continue,
            };
            // Report the ratio of the measure that reaches the band.
            let result = match via_sales {
                Some((_, s)) if tech_sme::rd_sales_points(r + x, s) >= *pts => (r + x).checked_div(s),
                _ => cost.and_then(|c| (r + x).checked_div(c + x)),
            };
            rd.push((
                *pts,
                Some(Change {
                    kind: ChangeKind::RdExpense,
                    year,
                    amount: x,
                    result,
                }),
            ));
        }
    }

    // C: Ⅱ类 up to 4, or one Ⅰ类.
    let mut ip: Ladder = vec![(v.ip_points, None)];
    if p.ip.class_i == 0 {
        for k in p.ip.class_ii + 1..=4 {
            let amount = Decimal::from(k - p.ip.class_ii);
            ip.push((
                tech_sme::ip_points(super::IpHoldings {
                    class_i: 0,
                    class_ii: k,
                }),
                Some(Change {
                    kind: ChangeKind::ClassIIIp,
                    year,
                    amount,
                    result: None,
                }),
            ));
        }
        ip.push((
            30,
            Some(Change {
                kind: ChangeKind::ClassIIp,
                year,
                amount: Decimal::ONE,
                result: None,
            }),
        ));
    }

    let feasible = |a: u8, b: u8, c: u8| a > 0 && a + b + c >= tech_sme::PASS_SCORE;
    let mut options = Vec::new();
    for (i, (a, ca)) in staff.iter().enumerate() {
        for (j, (b, cb)) in rd.iter().enumerate() {
            for (k, (c, cc)) in ip.iter().enumerate() {
                if !feasible(*a, *b, *c) {
                    continue;
                }
                // Minimal: stepping any used lever one rung down must fail.
                let minimal = (i == 0 || !feasible(staff[i - 1].0, *b, *c))
                    && (j == 0 || !feasible(*a, rd[j - 1].0, *c))
                    && (k == 0 || !feasible(*a, *b, ip[k - 1].0));
                if !minimal {
                    continue;
                }
                let changes: Vec<Change> = [*ca, *cb, *cc].into_iter().flatten().collect();
                if changes.is_empty() {
                    continue;
                }
                options.push(GapOption {
                    size: size_of(&changes, rules),
                    changes,
                });
            }
        }
    }
    finish(options, |o| {
        let q = apply_gap(p, o);
        tech_sme::evaluate(&q, v.as_of, rules).qualified() == Some(true)
    })
}

/// Sorts by size (then fewer changes), keeps those the rule accepts, at most [`MAX_OPTIONS`].
fn finish(mut options: Vec<GapOption>, accepted: impl Fn(&GapOption) -> bool) -> Vec<GapOption> {
    options.sort_by_key(|o| (o.size, o.changes.len()));
    options.dedup();
    options
        .into_iter()
        .filter(|o| accepted(o))
        .take(MAX_OPTIONS)
        .collect()
}

/// 高新技术企业: every failing hard condition must be fixed (they are not alternatives); IP is the lever for both
/// condition (二) and the score. Not offered when the 领域 is missing (no figure can fix it) or figures are absent.
fn high_tech_gap(p: &EnterpriseProfile, v: &HighTechVerdict, rules: &Rules) -> Vec<GapOption> {
    if v.outcome != HighTechOutcome::NotEligible || v.field == Check::Fail {
        return Vec::new();
    }
    let hard = [
        v.age,
        v.ip_owned,
        v.tech_staff,
        v.rd_ratio,
        v.domestic_rd,
        v.high_tech_revenue,
        v.record,
    ];
    if hard.iter().any(|c| matches!(c, Check::Unknown(_))) {
        return Vec::new();
    }
    let year = v.last_year;
    let latest = p.year(year);
    let mut base = Vec::new();

    // Waiting: 365 days of age, and 365 days since the last blocking incident.
    let today = day_number(v.as_of);
    let mut wait = 0i32;
    if let (Check::Fail, Some(d)) = (v.age, v.age_days) {
        wait = wait.max(high_tech::MIN_AGE_DAYS - d);
    }
    for i in &p.incidents {
        if matches!(
            i.kind,
            IncidentKind::MajorSafety | IncidentKind::MajorQuality | IncidentKind::EnvironmentalViolation
        ) && i.on <= v.as_of
        {
            wait = wait.max(365 - (today - day_number(i.on)));
        }
    }
    if wait > 0 {
        base.push(Change {
            kind: ChangeKind::Wait,
            year,
            amount: Decimal::from(wait),
            result: None,
        });
    }

    if v.tech_staff == Check::Fail
        && let Some(y) = latest
        && let (Some(t), Some(e)) = (ht_tech_staff(y), ht_employees(y))
    {
        let pct = high_tech::MIN_TECH_STAFF_PCT;
        let n = ceil_persons((pct * e - Decimal::ONE_HUNDRED * t) / (Decimal::ONE_HUNDRED - pct));
        base.push(Change {
            kind: ChangeKind::TechStaff,
            year,
            amount: n,
            result: (t + n).checked_div(e + n),
        });
    }

    if (v.rd_ratio == Check::Fail || v.domestic_rd == Check::Fail)
        && let (Some(r), Some(s), Some(d), Some(req)) =
            (v.rd_total, v.sales_total, v.domestic_total, v.required_rd_pct())
    {
        let mut x = Decimal::ZERO;
        if v.rd_ratio == Check::Fail && s > Decimal::ZERO {
            x = x.max(ceil_cents(req * s / Decimal::ONE_HUNDRED - r));
        }
        if v.domestic_rd == Check::Fail {
            let dp = high_tech::MIN_DOMESTIC_RD_PCT;
            x = x.max(ceil_cents(
                (dp * r - Decimal::ONE_HUNDRED * d) / (Decimal::ONE_HUNDRED - dp),
            ));
        }
        if x > Decimal::ZERO {
            base.push(Change {
                kind: ChangeKind::RdExpense,
                year,
                amount: x,
                result: (r + x).checked_div(s),
            });
        }
    }

    if v.high_tech_revenue == Check::Fail
        && let Some(y) = latest
        && let (Some(h), Some(t)) = (y.high_tech_revenue, y.total_revenue)
        && t > Decimal::ZERO
    {
        let x = ceil_cents(high_tech::MIN_HIGH_TECH_REVENUE_PCT * t / Decimal::ONE_HUNDRED - h).min(t - h);
        base.push(Change {
            kind: ChangeKind::HighTechRevenue,
            year,
            amount: x,
            result: (h + x).checked_div(t),
        });
    }

    // IP alternatives: none, +1 Ⅰ类, or Ⅱ类 up to the next bands of 知识产权数量 (1, 3, 5 items).
    let mut ip_options: Vec<Option<Change>> = vec![None];
    if p.ip.class_i == 0 {
        ip_options.push(Some(Change {
            kind: ChangeKind::ClassIIp,
            year,
            amount: Decimal::ONE,
            result: None,
        }));
        for target in [1u32, 3, 5] {
            if target > p.ip.class_ii {
                ip_options.push(Some(Change {
                    kind: ChangeKind::ClassIIIp,
                    year,
                    amount: Decimal::from(target - p.ip.class_ii),
                    result: None,
                }));
            }
        }
    }

    let options: Vec<GapOption> = ip_options
        .into_iter()
        .map(|ip| {
            let changes: Vec<Change> = base.iter().copied().chain(ip).collect();
            GapOption {
                size: size_of(&changes, rules),
                changes,
            }
        })
        .filter(|o| !o.changes.is_empty())
        .collect();
    // Accepted when, waiting aside, nothing rules the enterprise out any more.
    let accepted = |o: &GapOption| {
        let q = apply_gap(p, o);
        let w = high_tech::evaluate(&q, v.as_of, rules);
        let figures = Check::all(&[
            w.ip_owned,
            w.field,
            w.tech_staff,
            w.rd_ratio,
            w.domestic_rd,
            w.high_tech_revenue,
        ]);
        figures == Check::Pass && w.score.total().max >= high_tech::PASS_SCORE
    };
    let mut kept = finish(options, accepted);
    // An IP option is only worth listing if no cheaper accepted option exists with fewer IP items of the same kind.
    kept.dedup_by(|later, earlier| {
        later.changes.len() == earlier.changes.len()
            && later
                .changes
                .iter()
                .zip(&earlier.changes)
                .all(|(a, b)| a.kind == b.kind)
    });
    kept
}

/// Which programme a cultivation candidate is close to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Programme {
    /// 科技型中小企业
    TechSme,
    /// 高新技术企业
    HighTech,
}

/// A 培育库 entry: an enterprise that does not qualify yet, with its smallest gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Position in the slice given to [`cultivation_pool`].
    pub index: usize,
    pub uscc: Uscc,
    pub programme: Programme,
    /// The smallest option.
    pub gap: GapOption,
}

/// The cultivation pool (培育库): every enterprise that fails a programme but can be brought over the line, with its
/// smallest gap, closest first (by size, then number of changes, then input order). An enterprise can appear once
/// per programme.
pub fn cultivation_pool(profiles: &[EnterpriseProfile], as_of: Date, rules: &Rules) -> Vec<Candidate> {
    let mut pool = Vec::new();
    for (index, p) in profiles.iter().enumerate() {
        let e = evaluate(p, as_of, rules);
        let g = gaps(p, &e, rules);
        for (programme, options) in [
            (Programme::TechSme, g.tech_sme),
            (Programme::HighTech, g.high_tech),
        ] {
            if let Some(gap) = options.into_iter().next() {
                pool.push(Candidate {
                    index,
                    uscc: p.uscc,
                    programme,
                    gap,
                });
            }
        }
    }
    pool.sort_by(|a, b| {
        (a.gap.size, a.gap.changes.len(), a.index).cmp(&(b.gap.size, b.gap.changes.len(), b.index))
    });
    pool
}
