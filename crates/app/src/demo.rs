//! Demo data (演示数据): a synthetic 双台子区 as of 30 September 2020 — the plan's last year, before its deadline
//! — with about 300 enterprises (240 in 双台子区, 20 in each sibling district) and their yearly figures
//! 2017–2020, 高新技术企业 certificates and 科技型中小企业 registrations, introduced talents, technology
//! contracts, platforms, IP-pledge financing, fiscal support, key technologies and new products, and the
//! statistics bureau's figures (GDP, R&D expenditure, high-tech value added) for 双台子区 and its siblings.
//!
//! Deterministic from a seed; every name says 演示 and every source says 合成, so that nothing here can pass for
//! real data. The 双台子区 registries are built to yearly counts (so the dashboard shows a living plan: targets
//! met, on track and at risk, as in `plans/shuangtaizi-demo-observations.csv`); the other districts are random.
//! [`ensure_demo`] seeds an empty store on the first `plantrack serve`.

use std::collections::BTreeSet;

use jiff::civil::{Date, date};
use plantrack_core::plan::embedded::{SHUANGTAIZI_PATH, SHUANGTAIZI_TOML};
use plantrack_core::plan::{ElementSource, OrgUnitLevel, Plan};
use plantrack_store::enterprises::{Enterprise, EnterpriseYearRow, Qualification};
use plantrack_store::observations::Observation;
use plantrack_store::org::{Department, OrgUnit};
use plantrack_store::registries::{
    Achievement, AchievementKind, FiscalSupport, IpPledgeFinancing, Platform, PlatformKind, Talent,
    TechContract,
};
use plantrack_store::{Actor, ListQuery, Record, Store, UpsertCounts};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::generate::{
    Firm, Rng, enterprise_name, figures, person_name, pick_industry, round2, synthetic_uscc,
};
use crate::{AppError, Permission, Principal};

/// The seed `plantrack demo` and `plantrack serve` use unless told otherwise.
pub const DEMO_SEED: u64 = 2018;

/// The source written on every demo observation.
pub const DEMO_SOURCE: &str = "演示数据（合成，非真实统计）/ synthetic demo data";

/// The last day the demo data speak of (the plan's last year, third quarter).
pub const DEMO_AS_OF: Date = date(2020, 9, 30);

/// The district the plan is for.
const DISTRICT: &str = "211102";
/// Its sibling districts (盘锦市).
const SIBLINGS: [&str; 3] = ["211103", "211104", "211122"];

/// The observed statistics of the demo (the observed elements of the plan helper's demo CSV).
const DEMO_STATISTICS: &str = include_str!("../../../plans/shuangtaizi-demo-observations.csv");

/// Everything the demo writes, built in memory (pure) before one transaction stores it.
#[derive(Debug, Clone, Default)]
pub struct DemoData {
    /// Org units of the plan.
    pub org_units: Vec<OrgUnit>,
    /// Departments of the plan.
    pub departments: Vec<Department>,
    /// Enterprise master data and yearly figures.
    pub enterprise_years: Vec<EnterpriseYearRow>,
    /// 高企 certificates and 科小 registrations.
    pub qualifications: Vec<Qualification>,
    /// Introduced talents.
    pub talents: Vec<Talent>,
    /// Platforms.
    pub platforms: Vec<Platform>,
    /// Technology contracts.
    pub contracts: Vec<TechContract>,
    /// IP-pledge financing.
    pub financing: Vec<IpPledgeFinancing>,
    /// Fiscal support paid out.
    pub funding: Vec<FiscalSupport>,
    /// Key technologies and new products.
    pub achievements: Vec<Achievement>,
    /// Statistics (observed data elements).
    pub observations: Vec<Observation>,
}

/// What `plantrack demo` stored, per registry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    /// The seed used.
    pub seed: u64,
    /// Rows per registry (inserted, updated, unchanged).
    pub counts: Vec<(String, UpsertCounts)>,
}

impl DemoSummary {
    /// Rows written or already there, all registries together.
    pub fn total_rows(&self) -> u64 {
        self.counts
            .iter()
            .map(|(_, c)| c.inserted + c.updated + c.unchanged)
            .sum()
    }
}

fn org_level(code: &plantrack_core::plan::OrgUnitCode) -> &'static str {
    match code.level() {
        OrgUnitLevel::Province => "province",
        OrgUnitLevel::Prefecture => "city",
        OrgUnitLevel::County => "district",
    }
}

/// The plan's org units and departments as store rows (valid since 1900: the tree predates the plan).
pub fn plan_rows(plan: &Plan) -> (Vec<OrgUnit>, Vec<Department>) {
    let units = plan
        .org_units()
        .iter()
        .map(|u| OrgUnit {
            code: u.code.to_string(),
            name: u.name_zh.clone(),
            parent_code: u.parent.as_ref().map(ToString::to_string),
            level: org_level(&u.code).to_owned(),
            valid_from: date(1900, 1, 1),
            valid_to: None,
        })
        .collect();
    let departments = plan
        .departments()
        .iter()
        .map(|d| Department {
            code: d.id.to_string(),
            name: d.name_zh.clone(),
            org_unit_code: Some(plan.meta().org_unit.to_string()),
        })
        .collect();
    (units, departments)
}

/// Store the embedded plan file, its org units and departments, unless already there (idempotent). Imports and
/// the demo call it so that the plan's org units are known in a fresh store.
pub async fn ensure_plan(store: &Store) -> Result<(), AppError> {
    let plan = Plan::from_toml(SHUANGTAIZI_TOML, SHUANGTAIZI_PATH).map_err(AppError::unexpected)?;
    let (units, departments) = plan_rows(&plan);
    let key = plan.meta().id.to_string();
    let have_plan = store.current_plan_file(&key).await?.is_some();
    let have_units = count::<OrgUnit>(store).await? > 0;
    if have_plan && have_units {
        return Ok(());
    }
    let mut tx = store.begin(Actor::system()).await?;
    if !have_plan {
        tx.save_plan_file(&key, SHUANGTAIZI_TOML, Some("内置计划 / embedded plan"))
            .await?;
    }
    tx.import_rows(&units).await?;
    tx.import_rows(&departments).await?;
    tx.commit().await?;
    Ok(())
}

async fn count<T: Record>(store: &Store) -> Result<i64, AppError> {
    Ok(store.list::<T>(&ListQuery::default().page(0, 1)).await?.total)
}

/// Whether the store holds no registry or observation rows (org units, departments, plans and accounts aside).
/// Runs at every start of the server: one probe per table, not a count.
pub async fn store_is_empty(store: &Store) -> Result<bool, AppError> {
    Ok(!(store.has_rows::<Enterprise>().await?
        || store.has_rows::<Observation>().await?
        || store.has_rows::<Talent>().await?
        || store.has_rows::<Platform>().await?
        || store.has_rows::<TechContract>().await?
        || store.has_rows::<IpPledgeFinancing>().await?
        || store.has_rows::<FiscalSupport>().await?
        || store.has_rows::<Achievement>().await?))
}

/// `plantrack serve` on first run: fill an empty store with the demo data (seed [`DEMO_SEED`]); leave a store
/// with data alone. Returns what was stored, or `None` when the store already had data.
pub async fn ensure_demo(store: &Store) -> Result<Option<DemoSummary>, AppError> {
    if !store_is_empty(store).await? {
        return Ok(None);
    }
    write_demo(store, &Actor::user("demo"), DEMO_SEED).await.map(Some)
}

/// `plantrack demo`: fill the store with the demo data. Refused when the store already holds data, unless
/// `force` (the demo rows are upserted by natural key, so running it twice with one seed changes nothing).
pub async fn load_demo(
    store: &Store,
    principal: &Principal,
    seed: u64,
    force: bool,
) -> Result<DemoSummary, AppError> {
    principal.require(&Permission::EditRegistries)?;
    principal.require(&Permission::EnterObservations)?;
    if !force && !store_is_empty(store).await? {
        return Err(AppError::Conflict(
            "数据库中已有数据,未写入演示数据(加 --force 仍然写入) / the store already holds data; nothing was \
             written (use --force to add the demo data anyway)"
                .into(),
        ));
    }
    write_demo(store, &principal.actor(), seed).await
}

async fn write_demo(store: &Store, actor: &Actor, seed: u64) -> Result<DemoSummary, AppError> {
    ensure_plan(store).await?;
    let data = build_demo(seed)?;
    let plan = build_plan()?;
    // All or nothing: the supervision history is played through the supervision use cases, one transaction
    // each, so it goes first and is removed again if it, or the registry rows' one transaction after it, fails
    // (disk full, say). The registry transaction records the demo import, which marks the whole load complete:
    // a history without that mark was interrupted (the process killed) and is replayed from the start.
    let seeded_now = demo_history(store, &plan).await?;
    match write_rows(store, actor, seed, &data).await {
        Ok(counts) => Ok(DemoSummary { seed, counts }),
        Err(e) => {
            if seeded_now {
                undo_history(store, &plan).await;
            }
            Err(e)
        }
    }
}

/// Plays the demo's supervision history unless the store has one; `true` when it was played now. A history
/// left incomplete by an earlier, interrupted load is removed first; if playing fails, what was played is
/// removed again.
async fn demo_history(store: &Store, plan: &Plan) -> Result<bool, AppError> {
    let key = plan.meta().id.to_string();
    if !store.has_import_of_kind("demo").await? {
        let items = store.supervised_items(&key).await?;
        let admin = crate::supervision::demo::demo_admin();
        let demo_admin = admin.actor_name();
        // Only a history that is wholly the demo's (every item registered by its 督查室 user) is taken for an
        // interrupted demo; anything else is real work and stays.
        let interrupted = !items.is_empty()
            && items.iter().all(|i| {
                i.record
                    .history
                    .first()
                    .is_some_and(|t| t.actor.user.to_string() == demo_admin)
            });
        if interrupted {
            let mut tx = store.begin(Actor::system()).await?;
            tx.clear_supervision_history(&key).await?;
            tx.commit().await?;
        }
    }
    match crate::supervision::seed_demo_history(store, plan).await {
        Ok(history) => Ok(history.seeded),
        Err(e) => {
            undo_history(store, plan).await;
            Err(e)
        }
    }
}

/// Removes a demo history that could not be completed; if even that fails (the disk is still full), the next
/// `plantrack demo` finds it incomplete and replays it.
async fn undo_history(store: &Store, plan: &Plan) {
    let key = plan.meta().id.to_string();
    let undone = async {
        let mut tx = store.begin(Actor::system()).await?;
        tx.clear_supervision_history(&key).await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = undone {
        tracing::warn!(error = %e, "could not remove the incomplete demo history; the next demo load replays it");
    }
}

/// The registry and observation rows of the demo, in one transaction, with the import record that marks the
/// demo load complete.
async fn write_rows(
    store: &Store,
    actor: &Actor,
    seed: u64,
    data: &DemoData,
) -> Result<Vec<(String, UpsertCounts)>, AppError> {
    let mut tx = store.begin(actor.clone()).await?;
    let mut counts = Vec::new();
    counts.push(("org_units".to_owned(), tx.import_rows(&data.org_units).await?));
    counts.push(("departments".to_owned(), tx.import_rows(&data.departments).await?));
    let (m, y) = tx.import_enterprise_years(&data.enterprise_years).await?;
    counts.push(("enterprises".to_owned(), m));
    counts.push(("enterprise_years".to_owned(), y));
    counts.push((
        "qualifications".to_owned(),
        tx.import_rows(&data.qualifications).await?,
    ));
    counts.push(("talents".to_owned(), tx.import_rows(&data.talents).await?));
    counts.push(("platforms".to_owned(), tx.import_rows(&data.platforms).await?));
    counts.push(("contracts".to_owned(), tx.import_rows(&data.contracts).await?));
    counts.push(("financing".to_owned(), tx.import_rows(&data.financing).await?));
    counts.push(("funding".to_owned(), tx.import_rows(&data.funding).await?));
    counts.push((
        "achievements".to_owned(),
        tx.import_rows(&data.achievements).await?,
    ));
    counts.push((
        "observations".to_owned(),
        tx.import_rows(&data.observations).await?,
    ));
    let total: u64 = counts
        .iter()
        .map(|(_, c)| c.inserted + c.updated + c.unchanged)
        .sum();
    tx.record_import(&plantrack_store::audit::ImportSummary {
        kind: "demo".into(),
        file_name: Some(format!("demo seed {seed}")),
        sha256: None,
        rows_total: total,
        counts: counts.iter().fold(UpsertCounts::default(), |mut a, (_, c)| {
            a += *c;
            a
        }),
    })
    .await?;
    tx.commit().await?;
    Ok(counts)
}

fn build_plan() -> Result<Plan, AppError> {
    Plan::from_toml(SHUANGTAIZI_TOML, SHUANGTAIZI_PATH).map_err(AppError::unexpected)
}

/// Yearly counts the 双台子区 registries are built to (as of each 31 December; 2020 as of 30 September).
struct DistrictPlan {
    /// 科技型中小企业 registrations per year, and for 2020 by the end of Q1, Q2, Q3.
    tech_sme: [(i32, usize); 3],
    tech_sme_2020: [usize; 3],
    /// 高企 certificates issued per year before the plan (2015, 2016, 2017), renewed / new after.
    high_tech_batches: [(i32, usize); 3],
    /// Target count of valid certificates at the end of 2018 and 2019.
    high_tech: [(i32, usize); 2],
    /// New certificates of 2020 (one by the end of Q2, one by Q3).
    high_tech_2020: [Date; 2],
    /// 科技型 规上工业 enterprises (those registered as 科小 besides the 高企) and those with an R&D institution.
    above_scale_sme: [(i32, usize); 4],
    with_rd: [(i32, usize); 4],
    /// 高端创新创业人才 per quarter.
    talents: [(i32, [usize; 4]); 4],
    /// 技术合同成交额 per quarter (万元).
    contracts: [(i32, [i64; 4]); 4],
    /// 产业技术研究院 recognition dates.
    institutes: [Date; 5],
}

const SHUANGTAIZI: DistrictPlan = DistrictPlan {
    tech_sme: [(2017, 22), (2018, 30), (2019, 41)],
    tech_sme_2020: [44, 48, 52],
    high_tech_batches: [(2015, 3), (2016, 3), (2017, 2)],
    high_tech: [(2018, 10), (2019, 13)],
    high_tech_2020: [date(2020, 5, 18), date(2020, 8, 21)],
    above_scale_sme: [(2017, 17), (2018, 18), (2019, 17), (2020, 16)],
    with_rd: [(2017, 15), (2018, 19), (2019, 24), (2020, 29)],
    talents: [
        (2017, [1, 0, 1, 0]),
        (2018, [1, 1, 1, 1]),
        (2019, [1, 2, 1, 1]),
        (2020, [2, 2, 1, 0]),
    ],
    contracts: [
        (2017, [1_700, 1_900, 2_100, 2_300]),
        (2018, [1_850, 2_100, 2_300, 2_470]),
        (2019, [1_849, 2_218, 2_496, 2_680]),
        (2020, [1_923, 2_307, 2_596, 0]),
    ],
    institutes: [
        date(2017, 6, 20),
        date(2018, 9, 12),
        date(2019, 5, 28),
        date(2020, 4, 16),
        date(2020, 8, 25),
    ],
};

const YEARS: std::ops::RangeInclusive<i32> = 2017..=2020;

fn quarter_bounds(year: i32, q: usize) -> (Date, Date) {
    let y = i16::try_from(year).unwrap_or(2020);
    let m = i8::try_from(q * 3 + 1).unwrap_or(1);
    let start = Date::new(y, m, 1).unwrap_or(DEMO_AS_OF);
    let end = Date::new(y, m + 2, 1)
        .map(Date::last_of_month)
        .unwrap_or(DEMO_AS_OF);
    (start, end.min(DEMO_AS_OF))
}

/// Build the demo data for `seed` (pure).
pub fn build_demo(seed: u64) -> Result<DemoData, AppError> {
    let plan = Plan::from_toml(SHUANGTAIZI_TOML, SHUANGTAIZI_PATH).map_err(AppError::unexpected)?;
    let (org_units, departments) = plan_rows(&plan);
    let root = Rng::new(seed);
    let mut d = DemoData {
        org_units,
        departments,
        ..DemoData::default()
    };
    let mut firms = district_firms(&mut root.fork(1), DISTRICT, 240, 36);
    shuangtaizi_qualifications(&mut root.fork(2), &mut firms, &mut d.qualifications);
    for (i, org) in SIBLINGS.iter().enumerate() {
        let mut rng = root.fork(10 + i as u64);
        let mut sib = district_firms(&mut rng, org, 20, 4);
        random_qualifications(&mut rng, &mut sib, &mut d.qualifications);
        firms.extend(sib);
    }
    for (i, f) in firms.iter().enumerate() {
        figures(&mut root.fork(100 + i as u64), f, YEARS, |r| {
            d.enterprise_years.push(r)
        });
    }
    talents(&mut root.fork(3), &mut d.talents);
    contracts(&mut root.fork(4), &firms, &mut d.contracts);
    platforms(&mut root.fork(5), &firms, &mut d.platforms);
    let (financing, funding) = money(&mut root.fork(6), &firms, &d.qualifications, &d.talents);
    d.financing = financing;
    d.funding = funding;
    achievements(&mut root.fork(7), &firms, &mut d.achievements);
    d.observations = statistics(&plan)?;
    Ok(d)
}

fn district_firms(rng: &mut Rng, org: &'static str, n: usize, above_scale: usize) -> Vec<Firm> {
    let place = match org {
        "211102" => "双台子",
        "211103" => "兴隆台",
        "211104" => "大洼",
        _ => "盘山",
    };
    (0..n)
        .map(|i| {
            let serial = i as u64 + 1;
            let industry = if i < above_scale {
                // 规上工业: manufacturing classes only.
                loop {
                    let x = pick_industry(rng);
                    if x.0.starts_with('C') {
                        break x;
                    }
                }
            } else {
                pick_industry(rng)
            };
            let founded = rng.day(date(1995, 1, 1), date(2016, 12, 31));
            let revenue = if i < above_scale {
                Decimal::from(rng.range(2_600, 30_000))
            } else {
                Decimal::from(rng.range(60, 1_800))
            };
            Firm {
                uscc: synthetic_uscc(org, serial),
                name: enterprise_name(rng, place, industry.2, serial),
                org,
                industry: industry.0,
                field: industry.3,
                founded,
                above_scale: i < above_scale,
                revenue,
                employees: if i < above_scale {
                    rng.range(120, 900)
                } else {
                    rng.range(8, 150)
                },
                rd_years: BTreeSet::new(),
                sme_years: BTreeSet::new(),
                high_tech: false,
            }
        })
        .collect()
}

/// 双台子区's certificates and registrations, built to [`SHUANGTAIZI`]'s counts. Firms 0..36 are 规上工业; the
/// 高企 are among them (firms 0..), the 规上 科小 registrants follow them, the other registrants are small firms.
fn shuangtaizi_qualifications(rng: &mut Rng, firms: &mut [Firm], out: &mut Vec<Qualification>) {
    let p = &SHUANGTAIZI;
    let mut number = 0u32;
    let mut next_number = |prefix: &str, year: i32| {
        number += 1;
        format!("{prefix}{year}21{number:06}")
    };
    // 高企: holders as (firm, issue date). Batches before the plan, then renewals and new certificates.
    let mut holders: Vec<(usize, Date)> = Vec::new();
    let mut next_firm = 0usize;
    let autumn = |rng: &mut Rng, y: i32| {
        let y = i16::try_from(y).unwrap_or(2017);
        rng.day(date(y, 10, 15), date(y, 12, 10))
    };
    for (year, n) in p.high_tech_batches {
        for _ in 0..n {
            holders.push((next_firm, autumn(rng, year)));
            next_firm += 1;
        }
    }
    let mut issued: Vec<(usize, Date)> = holders.clone();
    for (year, target) in p.high_tech {
        let end = date(i16::try_from(year).unwrap_or(2018), 12, 31);
        // Certificates issued three years earlier expire this year: renew all but one.
        let expiring: Vec<usize> = holders
            .iter()
            .enumerate()
            .filter(|(_, (_, on))| i32::from(on.year()) == year - 3)
            .map(|(i, _)| i)
            .collect();
        let mut lapsed = Vec::new();
        for (k, i) in expiring.iter().enumerate() {
            let (firm, on) = holders[*i];
            if k == 0 && year == 2018 {
                lapsed.push(*i);
                continue;
            }
            // Re-certified shortly before the old certificate expires (a span has one sign: two steps).
            let renewed = on
                .checked_add(jiff::Span::new().years(3))
                .and_then(|d| d.checked_sub(jiff::Span::new().days(rng.range(5, 30))))
                .unwrap_or(on);
            holders[*i] = (firm, renewed);
            issued.push((firm, renewed));
        }
        for i in lapsed.into_iter().rev() {
            holders.remove(i);
        }
        let valid = holders
            .iter()
            .filter(|(_, on)| Qualification::high_tech("", "", *on).valid_on(end))
            .count();
        for _ in valid..target {
            let on = autumn(rng, year);
            holders.push((next_firm, on));
            issued.push((next_firm, on));
            next_firm += 1;
        }
    }
    for on in p.high_tech_2020 {
        issued.push((next_firm, on));
        next_firm += 1;
    }
    let high_tech_firms = next_firm;
    for (firm, on) in issued {
        firms[firm].high_tech = true;
        out.push(Qualification::high_tech(
            firms[firm].uscc.clone(),
            next_number("GR", i32::from(on.year())),
            on,
        ));
    }

    // 科小 registrations: the 规上 registrants (after the 高企 firms) first, then small firms.
    let above_scale_firms: Vec<usize> = (high_tech_firms..firms.len())
        .filter(|i| firms[*i].above_scale)
        .collect();
    let small: Vec<usize> = (0..firms.len()).filter(|i| !firms[*i].above_scale).collect();
    for year in YEARS {
        let total_by_quarter: Vec<usize> = match year {
            2020 => p.tech_sme_2020.to_vec(),
            _ => vec![p.tech_sme.iter().find(|(y, _)| *y == year).map_or(0, |(_, n)| *n)],
        };
        let total = total_by_quarter.last().copied().unwrap_or(0);
        let big = p
            .above_scale_sme
            .iter()
            .find(|(y, _)| *y == year)
            .map_or(0, |(_, n)| *n)
            .min(above_scale_firms.len());
        // The same firms tend to register again: rotate the small registrants by a few each year.
        let offset = usize::try_from((year - 2017) * 3).unwrap_or(0);
        let mut chosen: Vec<usize> = above_scale_firms.iter().take(big).copied().collect();
        chosen.extend(small.iter().skip(offset).take(total.saturating_sub(big)).copied());
        let y16 = i16::try_from(year).unwrap_or(2017);
        for (k, firm) in chosen.into_iter().enumerate() {
            let on = if year == 2020 {
                // Spread over the quarters so that the counts by each quarter's end are the plan's.
                let q = total_by_quarter.iter().position(|n| k < *n).unwrap_or(2);
                let (s, e) = quarter_bounds(2020, q);
                rng.day(s, e)
            } else {
                rng.day(date(y16, 3, 1), date(y16, 11, 30))
            };
            firms[firm].sme_years.insert(year);
            out.push(Qualification::tech_sme(
                firms[firm].uscc.clone(),
                next_number("TS", year),
                on,
                y16,
            ));
        }
    }

    // R&D institutions among the 科技型 规上 firms, growing year by year (a firm keeps its institution).
    for (year, n) in p.with_rd {
        let tech: Vec<usize> = (0..firms.len())
            .filter(|i| firms[*i].above_scale)
            .filter(|i| {
                let f = &firms[*i];
                f.sme_years.contains(&year)
                    || out.iter().any(|q| {
                        q.uscc == f.uscc
                            && q.kind == plantrack_store::enterprises::QualificationKind::HighTech
                            && q.valid_on(date(i16::try_from(year).unwrap_or(2017), 12, 31).min(DEMO_AS_OF))
                    })
            })
            .collect();
        let mut have: Vec<usize> = tech
            .iter()
            .copied()
            .filter(|i| firms[*i].rd_years.contains(&(year - 1)))
            .collect();
        for i in &tech {
            if have.len() >= n {
                break;
            }
            if !have.contains(i) {
                have.push(*i);
            }
        }
        for i in have.into_iter().take(n) {
            firms[i].rd_years.insert(year);
        }
    }
}

/// Sibling districts: random registrations and certificates.
fn random_qualifications(rng: &mut Rng, firms: &mut [Firm], out: &mut Vec<Qualification>) {
    for (i, f) in firms.iter_mut().enumerate() {
        for year in YEARS {
            if rng.chance(30) {
                let y16 = i16::try_from(year).unwrap_or(2017);
                let end = if year == 2020 {
                    DEMO_AS_OF
                } else {
                    date(y16, 11, 30)
                };
                let on = rng.day(date(y16, 3, 1), end);
                f.sme_years.insert(year);
                out.push(Qualification::tech_sme(
                    f.uscc.clone(),
                    format!("TS{year}{}{i:04}", f.org),
                    on,
                    y16,
                ));
            }
            if rng.chance(25) {
                f.rd_years.insert(year);
            }
        }
        if f.above_scale && rng.chance(60) {
            let on = rng.day(date(2016, 10, 1), date(2019, 12, 10));
            f.high_tech = true;
            out.push(Qualification::high_tech(
                f.uscc.clone(),
                format!("GR{}{}{i:04}", on.year(), f.org),
                on,
            ));
        }
    }
}

const OTHER_TALENT: &[&str] = &["青年科技人才", "高技能人才", "博士后研究人员"];

fn talents(rng: &mut Rng, out: &mut Vec<Talent>) {
    let mut serial = 0u64;
    let mut push = |rng: &mut Rng, category: &str, on: Date, org: &str| {
        serial += 1;
        out.push(Talent {
            name: person_name(rng, serial),
            category: category.to_owned(),
            introduced_on: on,
            employer_uscc: Some(synthetic_uscc(org, rng.range(1, 36).unsigned_abs())),
            org_unit_code: org.to_owned(),
            note: Some("演示数据（合成）".into()),
        });
    };
    for (year, quarters) in SHUANGTAIZI.talents {
        for (q, n) in quarters.iter().enumerate() {
            let (s, e) = quarter_bounds(year, q);
            if s > DEMO_AS_OF {
                continue;
            }
            for _ in 0..*n {
                let on = rng.day(s, e);
                push(rng, plantrack_store::derive::HIGH_END_TALENT, on, DISTRICT);
            }
            for _ in 0..rng.range(1, 3) {
                let on = rng.day(s, e);
                let cat = rng.pick(OTHER_TALENT);
                push(rng, cat, on, DISTRICT);
            }
        }
    }
    for org in SIBLINGS {
        for year in YEARS {
            let y16 = i16::try_from(year).unwrap_or(2017);
            for _ in 0..rng.range(0, 3) {
                let on = rng.day(date(y16, 1, 1), date(y16, 12, 31).min(DEMO_AS_OF));
                push(rng, plantrack_store::derive::HIGH_END_TALENT, on, org);
            }
        }
    }
}

const CONTRACT_TYPES: &[&str] = &[
    "技术开发",
    "技术开发",
    "技术转让",
    "技术许可",
    "技术咨询",
    "技术服务",
    "技术服务",
];
const BUYERS: &[&str] = &[
    "辽宁某石化集团（演示）",
    "盘锦某化工园区企业（演示）",
    "大连某装备公司（演示）",
    "沈阳某研究院（演示）",
    "天津某新材料公司（演示）",
    "山东某炼化企业（演示）",
];

/// Split `total` 万元 into `n` positive amounts with two decimals that add up exactly.
fn split(rng: &mut Rng, total: Decimal, n: usize) -> Vec<Decimal> {
    let weights: Vec<i64> = (0..n).map(|_| rng.range(20, 100)).collect();
    let sum: i64 = weights.iter().sum::<i64>().max(1);
    let mut out: Vec<Decimal> = weights
        .iter()
        .map(|w| round2(total * Decimal::from(*w) / Decimal::from(sum)))
        .collect();
    let drift = total - out.iter().copied().sum::<Decimal>();
    if let Some(last) = out.last_mut() {
        *last += drift;
    }
    out
}

fn contracts(rng: &mut Rng, firms: &[Firm], out: &mut Vec<TechContract>) {
    let sellers: Vec<&Firm> = firms.iter().filter(|f| !f.field.is_empty()).collect();
    let mut serial = 0u64;
    let mut emit = |rng: &mut Rng, org: &str, on: Date, amount: Decimal| {
        serial += 1;
        let local: Vec<&&Firm> = sellers.iter().filter(|f| f.org == org).collect();
        let seller = if local.is_empty() {
            synthetic_uscc(org, 1)
        } else {
            rng.pick(&local).uscc.clone()
        };
        out.push(TechContract {
            contract_number: format!("{}21{}{serial:05}", on.year(), &org[2..]),
            contract_type: (*rng.pick(CONTRACT_TYPES)).to_owned(),
            registered_on: on,
            seller_uscc: seller,
            buyer_name: Some((*rng.pick(BUYERS)).to_owned()),
            turnover: amount,
            tech_turnover: Some(round2(amount * Decimal::new(rng.range(600, 950), 3))),
            org_unit_code: org.to_owned(),
        });
    };
    for (year, quarters) in SHUANGTAIZI.contracts {
        for (q, wan) in quarters.iter().enumerate() {
            let (s, e) = quarter_bounds(year, q);
            if *wan == 0 || s > DEMO_AS_OF {
                continue;
            }
            let n = usize::try_from(rng.range(4, 9)).unwrap_or(4);
            for amount in split(rng, Decimal::from(*wan), n) {
                let on = rng.day(s, e);
                emit(rng, DISTRICT, on, amount);
            }
        }
    }
    for org in SIBLINGS {
        let mut base = Decimal::from(rng.range(3_000, 12_000));
        for year in YEARS {
            base = round2(base * Decimal::new(rng.range(1040, 1220), 3));
            let quarters = if year == 2020 { 3 } else { 4 };
            for q in 0..quarters {
                let (s, e) = quarter_bounds(year, q);
                let n = usize::try_from(rng.range(2, 6)).unwrap_or(2);
                for amount in split(rng, round2(base / Decimal::from(4)), n) {
                    let on = rng.day(s, e);
                    emit(rng, org, on, amount);
                }
            }
        }
    }
}

fn platforms(rng: &mut Rng, firms: &[Firm], out: &mut Vec<Platform>) {
    let hosts: Vec<&Firm> = firms
        .iter()
        .filter(|f| f.org == DISTRICT && f.high_tech)
        .collect();
    const INSTITUTES: [&str; 5] = ["精细化工", "石油装备", "新材料", "智能制造", "农产品深加工"];
    for (i, on) in SHUANGTAIZI.institutes.iter().enumerate() {
        let host = hosts.get(i % hosts.len().max(1));
        out.push(Platform {
            name: format!(
                "双台子区{}产业技术研究院（演示）",
                INSTITUTES[i % INSTITUTES.len()]
            ),
            kind: PlatformKind::IndustrialTechInstitute,
            level: Some(if i < 2 { "市级" } else { "区级" }.into()),
            recognised_on: *on,
            revoked_on: None,
            org_unit_code: DISTRICT.into(),
            host_unit: host.map(|h| h.name.clone()),
            host_uscc: host.map(|h| h.uscc.clone()),
        });
    }
    let others = [
        (
            "双台子区创客空间（演示）",
            PlatformKind::MakerSpace,
            "市级",
            date(2016, 11, 3),
            None,
        ),
        (
            "辽河青年众创空间（演示）",
            PlatformKind::MakerSpace,
            "省级",
            date(2018, 6, 1),
            Some(date(2020, 3, 31)),
        ),
        (
            "双台子区科技企业孵化器（演示）",
            PlatformKind::Incubator,
            "省级",
            date(2017, 9, 15),
            None,
        ),
        (
            "红旗大街电商孵化基地（演示）",
            PlatformKind::Incubator,
            "市级",
            date(2019, 7, 8),
            None,
        ),
    ];
    for (name, kind, level, on, revoked) in others {
        out.push(Platform {
            name: name.into(),
            kind,
            level: Some(level.into()),
            recognised_on: on,
            revoked_on: revoked,
            org_unit_code: DISTRICT.into(),
            host_unit: Some("双台子区经济和信息化局（演示）".into()),
            host_uscc: None,
        });
    }
    for (i, org) in SIBLINGS.iter().enumerate() {
        if rng.chance(70) {
            out.push(Platform {
                name: format!("{org}区域产业技术研究院{i}（演示）"),
                kind: PlatformKind::IndustrialTechInstitute,
                level: Some("市级".into()),
                recognised_on: rng.day(date(2016, 1, 1), date(2019, 12, 31)),
                revoked_on: None,
                org_unit_code: (*org).into(),
                host_unit: None,
                host_uscc: None,
            });
        }
    }
}

const BANKS: &[&str] = &[
    "盘锦银行（演示）",
    "工商银行盘锦分行（演示）",
    "建设银行盘锦分行（演示）",
];

/// Financing and fiscal support, tied to the registries: a reward for each new 高企 certificate and each
/// 高端人才, R&D subsidies for firms with large R&D, IP-pledge loans for firms with patents.
fn money(
    rng: &mut Rng,
    firms: &[Firm],
    quals: &[Qualification],
    talents: &[Talent],
) -> (Vec<IpPledgeFinancing>, Vec<FiscalSupport>) {
    let mut d = DemoData::default();
    let by_uscc = |u: &str| firms.iter().find(|f| f.uscc == u);
    let pay_after = |on: Date, days: i64| on.checked_add(jiff::Span::new().days(days)).unwrap_or(on);
    for q in quals
        .iter()
        .filter(|q| q.kind == plantrack_store::enterprises::QualificationKind::HighTech)
    {
        let paid = pay_after(q.issued_on, 75);
        if paid > DEMO_AS_OF || q.issued_on.year() < 2017 {
            continue;
        }
        if let Some(f) = by_uscc(&q.uscc) {
            d.funding.push(FiscalSupport {
                program: "高新技术企业认定奖励".into(),
                recipient_name: f.name.clone(),
                recipient_uscc: Some(f.uscc.clone()),
                amount: Decimal::from(10),
                paid_on: paid,
                department_code: Some("caizheng".into()),
                org_unit_code: f.org.into(),
                document_number: Some(format!(
                    "双财指〔{}〕{}号（演示）",
                    paid.year(),
                    rng.range(10, 99)
                )),
            });
        }
    }
    for t in talents
        .iter()
        .filter(|t| t.category == plantrack_store::derive::HIGH_END_TALENT && t.org_unit_code == DISTRICT)
    {
        let paid = pay_after(t.introduced_on, 60);
        if paid > DEMO_AS_OF {
            continue;
        }
        d.funding.push(FiscalSupport {
            program: "高端人才引进补贴".into(),
            recipient_name: t.name.clone(),
            recipient_uscc: None,
            amount: Decimal::from(20),
            paid_on: paid,
            department_code: Some("renshe".into()),
            org_unit_code: DISTRICT.into(),
            document_number: None,
        });
    }
    for year in 2018..=2020 {
        let y16 = i16::try_from(year).unwrap_or(2018);
        let paid = date(y16, 6, 28);
        for f in firms.iter().filter(|f| f.org == DISTRICT && f.high_tech).take(8) {
            d.funding.push(FiscalSupport {
                program: "企业研发费用后补助".into(),
                recipient_name: f.name.clone(),
                recipient_uscc: Some(f.uscc.clone()),
                amount: Decimal::from(rng.range(5, 50)),
                paid_on: paid,
                department_code: Some("jingxin".into()),
                org_unit_code: DISTRICT.into(),
                document_number: Some(format!("双经信发〔{year}〕{}号（演示）", rng.range(10, 60))),
            });
        }
        for k in 0..rng.range(3, 6) {
            let f = rng.pick(firms);
            if f.org != DISTRICT {
                continue;
            }
            let on = rng.day(date(y16, 1, 10), date(y16, 12, 20).min(DEMO_AS_OF));
            d.financing.push(IpPledgeFinancing {
                registration_number: format!("Y{year}21{k:03}{}", &f.uscc[10..14]),
                uscc: f.uscc.clone(),
                pledgee: (*rng.pick(BANKS)).to_owned(),
                amount: Decimal::from(rng.range(100, 3_000)),
                registered_on: on,
                patent_count: Some(rng.range(1, 12)),
                org_unit_code: f.org.into(),
                note: Some("演示数据（合成）".into()),
            });
        }
    }
    (d.financing, d.funding)
}

fn achievements(rng: &mut Rng, firms: &[Firm], out: &mut Vec<Achievement>) {
    let owners: Vec<&Firm> = firms
        .iter()
        .filter(|f| f.org == DISTRICT && f.high_tech)
        .collect();
    let items = [
        (AchievementKind::KeyTechnology, "稠油催化裂解关键技术", "国际先进"),
        (
            AchievementKind::KeyTechnology,
            "高端聚烯烃催化剂制备技术",
            "国际先进",
        ),
        (
            AchievementKind::KeyTechnology,
            "油田采出水深度处理技术",
            "国内领先",
        ),
        (AchievementKind::NewProduct, "高纯电子级异丙醇", "填补国内空白"),
        (AchievementKind::NewProduct, "耐高温密封复合材料", "填补国内空白"),
        (AchievementKind::NewProduct, "智能井口控制装置", "国内领先"),
        (
            AchievementKind::NewProduct,
            "水稻秸秆基生物降解膜",
            "填补国内空白",
        ),
    ];
    for (i, (kind, title, level)) in items.into_iter().enumerate() {
        let owner = owners.get(i % owners.len().max(1));
        out.push(Achievement {
            kind,
            title: format!("{title}（演示）"),
            owner_name: owner.map_or_else(|| "演示企业".to_owned(), |o| o.name.clone()),
            owner_uscc: owner.map(|o| o.uscc.clone()),
            level: Some(level.into()),
            recognised_on: Some(rng.day(date(2018, 3, 1), date(2020, 9, 15))),
            evidence: Some(format!("科技成果评价报告 演示〔{}〕号", 100 + i)),
            org_unit_code: DISTRICT.into(),
        });
    }
}

/// The observed elements of the demo CSV, as stored observations.
fn statistics(plan: &Plan) -> Result<Vec<Observation>, AppError> {
    let observed: BTreeSet<&str> = plan
        .data_elements()
        .iter()
        .filter(|e| e.source == ElementSource::Observed)
        .map(|e| e.id.as_str())
        .collect();
    let mut out = Vec::new();
    for line in DEMO_STATISTICS.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let [org, period, element, value] = cells.as_slice() else {
            continue;
        };
        if !observed.contains(element) {
            continue;
        }
        let period = plantrack_core::period::Period::parse(period).map_err(AppError::unexpected)?;
        let value: Decimal = value
            .parse()
            .map_err(|_| AppError::invalid("value", "演示数据有误", "bad demo value"))?;
        out.push(Observation::new(
            *org,
            period,
            *element,
            value,
            Some(DEMO_SOURCE.to_owned()),
            Some("demo".to_owned()),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::PlanData;
    use plantrack_core::plan::OrgUnitCode;
    use plantrack_core::progress::Status;
    use plantrack_store::testing::TestDb;

    #[test]
    fn the_demo_is_deterministic_and_labelled_synthetic() {
        let a = build_demo(DEMO_SEED).unwrap();
        let b = build_demo(DEMO_SEED).unwrap();
        assert_eq!(a.enterprise_years, b.enterprise_years);
        assert_eq!(a.contracts, b.contracts);
        let firms: BTreeSet<&str> = a
            .enterprise_years
            .iter()
            .map(|r| r.enterprise.uscc.as_str())
            .collect();
        assert!((280..=320).contains(&firms.len()), "{}", firms.len());
        assert!(
            a.enterprise_years
                .iter()
                .all(|r| r.enterprise.name.contains("演示"))
        );
        assert!(
            a.observations
                .iter()
                .all(|o| o.source.as_deref() == Some(DEMO_SOURCE))
        );
        assert_ne!(build_demo(7).unwrap().contracts, a.contracts);
    }

    #[tokio::test]
    async fn the_demo_store_shows_a_living_plan() {
        let db = TestDb::sqlite().await;
        let store = &db.store;
        assert!(ensure_demo(store).await.unwrap().is_some());
        // A second call leaves the store alone.
        assert!(ensure_demo(store).await.unwrap().is_none());
        let data = PlanData::load(store).await.unwrap();
        let period = data.default_period().unwrap();
        assert_eq!(period.to_string(), "2020Q3");
        let report = data.status(&OrgUnitCode::parse(DISTRICT).unwrap(), period);
        let statuses: Vec<(String, Status, Option<Decimal>)> = report
            .targets
            .iter()
            .map(|t| (t.id.to_string(), t.status, t.value))
            .collect();
        for wanted in [Status::Met, Status::OnTrack, Status::AtRisk] {
            assert!(statuses.iter().any(|s| s.1 == wanted), "{statuses:?}");
        }
        let value = |id: &str| statuses.iter().find(|s| s.0 == id).and_then(|s| s.2).unwrap();
        assert_eq!(value("tech_smes"), Decimal::from(52));
        assert_eq!(value("high_tech_enterprises"), Decimal::from(15));
        assert_eq!(value("industrial_tech_institutes"), Decimal::from(5));
        assert_eq!(value("high_end_talents"), Decimal::from(14));
        assert_eq!(
            value("rd_institution_coverage"),
            "93.5".parse::<Decimal>().unwrap()
        );
        db.finish().await;
    }
}
