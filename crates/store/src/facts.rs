//! The registry facts the derived data elements need, loaded once and kept in memory, so that the values of
//! every rule for many periods and org units are computed without a query per (rule, period) — the status of a
//! whole province is a few queries plus arithmetic.
//!
//! [`RegistryFacts::derive`] gives exactly what [`Store::derive`](crate::Store::derive) gives (a test checks
//! both on the same rows, on both engines); `derive.rs` stays the reference and the source of the evidence
//! rows behind each figure.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Mutex;

use jiff::civil::Date;
use plantrack_core::period::Period;
use plantrack_core::plan::model::DerivationRule;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::derive::{DerivedValue, HIGH_END_TALENT, is_industrial, revenue_at_scale};
use crate::sql::{Stmt, bad_stored, get, parse_date, parse_decimal};
use crate::{Backend, Store, StoreError};

/// Index into [`RegistryFacts`]' org-unit codes.
type Org = u32;
/// Index into [`RegistryFacts`]' USCCs.
type Ent = u32;

#[derive(Debug, Clone, Copy)]
struct QualFact {
    ent: Ent,
    issued_on: Date,
    valid_until: Date,
    revoked_on: Option<Date>,
}

impl QualFact {
    /// Not revoked by `day` (a later revocation does not rewrite earlier counts).
    fn standing_on(&self, day: Date) -> bool {
        self.revoked_on.is_none_or(|r| r > day)
    }

    /// A 科技型中小企业 registration (of the year asked for) that counts as of `day`.
    fn tech_sme_on(&self, day: Date) -> bool {
        self.issued_on <= day && self.standing_on(day)
    }

    /// A 高新技术企业 certificate valid on `day`.
    fn high_tech_on(&self, day: Date) -> bool {
        self.issued_on <= day && self.valid_until >= day && self.standing_on(day)
    }
}

/// What a qualified enterprise's annual report for one year says that the counts need: its org unit and the
/// year's parts of the 规上工业 rule (the industry part comes from the master data).
#[derive(Debug, Clone, Copy)]
struct YearFact {
    org: Option<Org>,
    designated_above_scale: Option<bool>,
    revenue_at_scale: bool,
    has_rd_level: bool,
}

#[derive(Debug, Clone, Copy)]
struct DatedFact {
    org: Org,
    on: Date,
    until: Option<Date>,
    amount: Decimal,
}

/// What the derived data elements are computed from: qualifications, the master data and yearly figures of the
/// qualified enterprises, R&D-institution records, high-end talents, contracts and institutes.
///
/// Enterprises and org units are interned to dense indices, so the counts are array lookups: the status of a
/// province (hundreds of thousands of qualified enterprise-years, a hundred derivations) takes milliseconds once
/// loaded.
#[derive(Debug, Clone, Default)]
pub struct RegistryFacts {
    orgs: Vec<String>,
    org_index: FxHashMap<String, Org>,
    ent_index: FxHashMap<String, Ent>,
    /// 科技型中小企业 registrations by the year they count for.
    tech_smes: BTreeMap<i32, Vec<QualFact>>,
    /// 高新技术企业 certificates.
    high_techs: Vec<QualFact>,
    /// Per enterprise: the org unit of its master data.
    master_org: Vec<Option<Org>>,
    /// Per enterprise: its master data's industry is industrial (GB/T 4754 B, C, D).
    industrial: Vec<bool>,
    /// Per year, per enterprise: its annual report's facts.
    years: FxHashMap<i32, Vec<Option<YearFact>>>,
    rd_records: FxHashMap<Ent, Vec<(Date, Option<Date>)>>,
    talents: Vec<DatedFact>,
    contracts: Vec<DatedFact>,
    institutes: Vec<DatedFact>,
    latest: Option<Date>,
}

impl RegistryFacts {
    fn org(&mut self, code: &str) -> Org {
        if let Some(i) = self.org_index.get(code) {
            return *i;
        }
        let i = Org::try_from(self.orgs.len()).unwrap_or(Org::MAX);
        self.orgs.push(code.to_owned());
        self.org_index.insert(code.to_owned(), i);
        i
    }

    fn opt_org(&mut self, code: Option<&str>) -> Option<Org> {
        code.map(|c| self.org(c))
    }

    fn ent(&mut self, uscc: &str) -> Ent {
        if let Some(i) = self.ent_index.get(uscc) {
            return *i;
        }
        let i = Ent::try_from(self.ent_index.len()).unwrap_or(Ent::MAX);
        self.ent_index.insert(uscc.to_owned(), i);
        i
    }

    fn seen(&mut self, day: Date) {
        if self.latest.is_none_or(|l| l < day) {
            self.latest = Some(day);
        }
    }

    /// The latest date any registry row speaks of (an issue, registration, introduction or recognition date,
    /// or the last day of the latest year with annual figures); `None` when the registries are empty.
    pub fn latest_date(&self) -> Option<Date> {
        self.latest
    }

    /// Whether no registry row was loaded.
    pub fn is_empty(&self) -> bool {
        self.tech_smes.is_empty()
            && self.high_techs.is_empty()
            && self.talents.is_empty()
            && self.contracts.is_empty()
            && self.institutes.is_empty()
    }

    fn year_fact(&self, ent: Ent, year: i32) -> Option<&YearFact> {
        self.years
            .get(&year)
            .and_then(|v| v.get(ent as usize))
            .and_then(Option::as_ref)
    }

    /// The enterprise's org unit in `year`: that year's annual report, else its master data.
    fn ent_org(&self, ent: Ent, year: i32) -> Option<Org> {
        self.year_fact(ent, year)
            .and_then(|y| y.org)
            .or_else(|| self.master_org.get(ent as usize).copied().flatten())
    }

    fn has_rd_record(&self, ent: Ent, day: Date) -> bool {
        self.rd_records.get(&ent).is_some_and(|v| {
            v.iter()
                .any(|(from, to)| *from <= day && to.is_none_or(|t| t >= day))
        })
    }

    /// The enterprises qualified as of `end` for `year`: a 科技型中小企业 registration for the year, and (when
    /// `high_tech`) a 高新技术企业 certificate valid on `end`. Each enterprise once, as a mark per enterprise.
    fn qualified(&self, year: i32, end: Date, tech_sme: bool, high_tech: bool) -> Vec<bool> {
        let mut marked = vec![false; self.ent_index.len()];
        if tech_sme {
            for q in self.tech_smes.get(&year).map_or(&[][..], Vec::as_slice) {
                if q.tech_sme_on(end)
                    && let Some(m) = marked.get_mut(q.ent as usize)
                {
                    *m = true;
                }
            }
        }
        if high_tech {
            for q in &self.high_techs {
                if q.high_tech_on(end)
                    && let Some(m) = marked.get_mut(q.ent as usize)
                {
                    *m = true;
                }
            }
        }
        marked
    }

    /// Count the marked enterprises that `keep` accepts, each in its org unit of `year`.
    fn count_marked(
        &self,
        marked: &[bool],
        year: i32,
        keep: impl Fn(Ent) -> bool,
    ) -> FxHashMap<Option<Org>, Decimal> {
        let mut counts: FxHashMap<Option<Org>, u64> = FxHashMap::default();
        for (e, _) in marked.iter().enumerate().filter(|(_, m)| **m) {
            let e = Ent::try_from(e).unwrap_or(Ent::MAX);
            if keep(e) {
                *counts.entry(self.ent_org(e, year)).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .map(|(org, n)| (org, Decimal::from(n)))
            .collect()
    }

    /// The values of a derived element for `period`, one per org unit that has rows (zeros omitted), ordered by
    /// org unit — the same as [`Store::derive`](crate::Store::derive).
    pub fn derive(&self, rule: DerivationRule, period: Period) -> Vec<DerivedValue> {
        let year = period.year();
        let (start, end) = (period.start(), period.end());
        let mut sums: FxHashMap<Option<Org>, Decimal> = FxHashMap::default();
        match rule {
            DerivationRule::TechSmeRegistrations => {
                sums = self.count_marked(&self.qualified(year, end, true, false), year, |_| true);
            }
            DerivationRule::HighTechCertificatesValidAtYearEnd => {
                sums = self.count_marked(&self.qualified(year, end, false, true), year, |_| true);
            }
            DerivationRule::AboveScaleTechIndustrial | DerivationRule::AboveScaleTechIndustrialWithRd => {
                let with_rd = rule == DerivationRule::AboveScaleTechIndustrialWithRd;
                // Only enterprises with figures for the year count (the figures decide 规上).
                sums = self.count_marked(&self.qualified(year, end, true, true), year, |e| {
                    self.year_fact(e, year).is_some_and(|y| {
                        // derive::is_above_scale_industrial, from its parts.
                        let industrial = self.industrial.get(e as usize).copied().unwrap_or(false);
                        y.designated_above_scale
                            .unwrap_or(industrial && y.revenue_at_scale)
                            && (!with_rd || y.has_rd_level || self.has_rd_record(e, end))
                    })
                });
            }
            DerivationRule::HighEndTalentsIntroduced => {
                for t in self.talents.iter().filter(|t| start <= t.on && t.on <= end) {
                    *sums.entry(Some(t.org)).or_default() += Decimal::ONE;
                }
            }
            DerivationRule::TechContractTurnover => {
                for c in self.contracts.iter().filter(|c| start <= c.on && c.on <= end) {
                    *sums.entry(Some(c.org)).or_default() += c.amount;
                }
            }
            DerivationRule::IndustrialTechInstitutesRecognised => {
                for i in self
                    .institutes
                    .iter()
                    .filter(|i| i.on <= end && i.until.is_none_or(|r| r > end))
                {
                    *sums.entry(Some(i.org)).or_default() += Decimal::ONE;
                }
            }
        }
        let by_code: BTreeMap<String, Decimal> = sums
            .into_iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(org, v)| {
                let code = org
                    .and_then(|o| self.orgs.get(o as usize).cloned())
                    .unwrap_or_default();
                (code, v)
            })
            .fold(BTreeMap::new(), |mut m, (k, v)| {
                *m.entry(k).or_default() += v;
                m
            });
        by_code
            .into_iter()
            .map(|(org_unit_code, value)| DerivedValue { org_unit_code, value })
            .collect()
    }
}

/// A text column as decoded from the JSON rows: borrowed from the JSON text unless it held an escape.
type Text<'a> = Cow<'a, str>;

#[derive(Deserialize)]
struct QualRow<'a>(
    #[serde(borrow)] Text<'a>,
    #[serde(borrow)] Text<'a>,
    #[serde(borrow)] Text<'a>,
    i32,
    #[serde(borrow)] Text<'a>,
    #[serde(borrow)] Option<Text<'a>>,
);

#[derive(Deserialize)]
struct MasterRow<'a>(
    #[serde(borrow)] Text<'a>,
    #[serde(borrow)] Option<Text<'a>>,
    #[serde(borrow)] Option<Text<'a>>,
);

#[derive(Deserialize)]
struct YearRow<'a>(
    #[serde(borrow)] Text<'a>,
    i32,
    #[serde(borrow)] Option<Text<'a>>,
    #[serde(borrow)] Option<Text<'a>>,
    Option<i64>,
    #[serde(borrow)] Option<Text<'a>>,
);

#[derive(Deserialize)]
struct RecordRow<'a>(
    #[serde(borrow)] Text<'a>,
    #[serde(borrow)] Text<'a>,
    #[serde(borrow)] Option<Text<'a>>,
);

#[derive(Deserialize)]
struct DatedRow<'a>(
    #[serde(borrow)] Text<'a>,
    #[serde(borrow)] Option<Text<'a>>,
    #[serde(borrow)] Text<'a>,
    #[serde(borrow)] Option<Text<'a>>,
);

fn rows<'a, T: Deserialize<'a>>(table: &str, json: &'a str) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(json).map_err(|e| bad_stored(table, "row", &e.to_string()))
}

fn date(col: &str, s: &str) -> Result<Date, StoreError> {
    parse_date(col, s)
}

fn opt_date(col: &str, s: Option<&Text<'_>>) -> Result<Option<Date>, StoreError> {
    s.map(|s| parse_date(col, s)).transpose()
}

/// A slot in a per-enterprise vector, grown on demand (enterprises are interned in whatever order the queries
/// answer).
fn slot<T: Clone + Default>(v: &mut Vec<T>, ent: Ent) -> &mut T {
    let i = ent as usize;
    if v.len() <= i {
        v.resize(i + 1, T::default());
    }
    &mut v[i]
}

impl RegistryFacts {
    fn add_quals(&mut self, json: &str) -> Result<(), StoreError> {
        for QualRow(uscc, kind, issued_on, year, valid_until, revoked_on) in rows("qualification", json)? {
            let issued_on = date("issued_on", &issued_on)?;
            self.seen(issued_on);
            let q = QualFact {
                ent: self.ent(&uscc),
                issued_on,
                valid_until: date("valid_until", &valid_until)?,
                revoked_on: opt_date("revoked_on", revoked_on.as_ref())?,
            };
            if kind == "high_tech" {
                self.high_techs.push(q);
            } else {
                self.tech_smes.entry(year).or_default().push(q);
            }
        }
        Ok(())
    }

    fn add_masters(&mut self, json: &str) -> Result<(), StoreError> {
        for MasterRow(uscc, org, industry_code) in rows("enterprise", json)? {
            let ent = self.ent(&uscc);
            let org = self.opt_org(org.as_deref());
            *slot(&mut self.master_org, ent) = org;
            *slot(&mut self.industrial, ent) = is_industrial(industry_code.as_deref());
        }
        Ok(())
    }

    fn add_years(&mut self, json: &str) -> Result<(), StoreError> {
        for YearRow(uscc, year, org, revenue, designated, level) in rows("enterprise_year", json)? {
            let ent = self.ent(&uscc);
            let revenue = revenue
                .map(|r| parse_decimal("main_business_revenue", &r))
                .transpose()?;
            let fact = YearFact {
                org: self.opt_org(org.as_deref()),
                designated_above_scale: designated.map(|d| d != 0),
                revenue_at_scale: revenue_at_scale(year, revenue),
                has_rd_level: level.is_some_and(|l| !l.trim().is_empty()),
            };
            *slot(self.years.entry(year).or_default(), ent) = Some(fact);
        }
        Ok(())
    }

    fn add_rd_records(&mut self, json: &str) -> Result<(), StoreError> {
        for RecordRow(uscc, from, to) in rows("enterprise_record", json)? {
            let ent = self.ent(&uscc);
            let from = date("occurred_on", &from)?;
            let to = opt_date("ended_on", to.as_ref())?;
            self.rd_records.entry(ent).or_default().push((from, to));
        }
        Ok(())
    }

    /// Talents (0), contracts (1) or institutes (2).
    fn add_dated(&mut self, table: &str, json: &str, list: u8) -> Result<(), StoreError> {
        for DatedRow(on, until, org, amount) in rows(table, json)? {
            let on = date(table, &on)?;
            self.seen(on);
            let fact = DatedFact {
                org: self.org(&org),
                on,
                until: opt_date(table, until.as_ref())?,
                amount: match amount {
                    Some(a) => parse_decimal("turnover", &a)?,
                    None => Decimal::ONE,
                },
            };
            match list {
                0 => self.talents.push(fact),
                1 => self.contracts.push(fact),
                _ => self.institutes.push(fact),
            }
        }
        Ok(())
    }

    fn add_max_year(&mut self, year: Option<i64>) {
        if let Some(y) = year
            && let Ok(y) = i16::try_from(y)
            && let Ok(last) = Date::new(y, 12, 31)
        {
            self.seen(last);
        }
    }
}

impl Store {
    /// `select <aggregate of columns> as j …`: the rows as one JSON array of arrays, built by the database —
    /// one value to fetch instead of hundreds of thousands of rows, each of which costs the Any driver a channel
    /// hop and several allocations (a province's facts: 10 s row by row). Only the aggregate differs per
    /// engine; every column read here is text or integer on both, so the JSON is the same.
    fn json_select(&self, columns: &str, filter: Option<&str>) -> String {
        let filter = filter.map(|f| format!(" filter (where {f})")).unwrap_or_default();
        match self.backend() {
            Backend::Sqlite => {
                format!("select coalesce(json_group_array(json_array({columns})){filter}, '[]') as j")
            }
            Backend::Postgres => format!(
                "select coalesce(cast(json_agg(json_build_array({columns})){filter} as text), '[]') as j"
            ),
        }
    }

    async fn fetch_json(&self, st: Stmt) -> Result<sqlx::any::AnyRow, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(st.query(self.backend()).fetch_one(&mut *conn).await?)
    }

    async fn json_rows(&self, columns: &str, from: &str) -> Result<String, StoreError> {
        let row = self
            .fetch_json(Stmt::new(format!("{} {from}", self.json_select(columns, None))))
            .await?;
        get(&row, "j")
    }

    /// The qualified enterprises' yearly figures with ids up to `split` (or above it, when `upper`), and the
    /// latest year of any report there: one scan.
    async fn years_part(
        &self,
        in_qualified: &str,
        split: i64,
        upper: bool,
        with: &(impl Fn(&dyn Fn(&mut RegistryFacts) -> Result<(), StoreError>) -> Result<(), StoreError> + Sync),
    ) -> Result<(), StoreError> {
        let mut st = Stmt::new(format!(
            "{}, max(year) as y from enterprise_year where enterprise_year_id {} ",
            self.json_select(
                "uscc, year, org_unit_code, main_business_revenue, above_scale_industrial, rd_institution_level",
                Some(in_qualified),
            ),
            if upper { ">" } else { "<=" }
        ));
        st.bind(split);
        let row = self.fetch_json(st).await?;
        let (json, max_year): (String, Option<i64>) = (get(&row, "j")?, get(&row, "y")?);
        with(&|f| {
            f.add_max_year(max_year);
            f.add_years(&json)
        })
    }

    /// Load the registry facts behind every derived data element: a handful of queries run side by side on the
    /// pool's connections, each answering one JSON text that is decoded as soon as it arrives (while the
    /// database still builds the others).
    pub async fn registry_facts(&self) -> Result<RegistryFacts, StoreError> {
        let facts = Mutex::new(RegistryFacts::default());
        // Decoding holds the lock without awaiting; a poisoned lock means a decoder panicked.
        let with = |f: &dyn Fn(&mut RegistryFacts) -> Result<(), StoreError>| match facts.lock() {
            Ok(mut g) => f(&mut g),
            Err(p) => f(&mut p.into_inner()),
        };
        // SQLite answers `uscc in (subquery)` faster by scanning the table and probing the list than by an index
        // lookup per listed USCC (`+uscc` keeps the planner off the index): 0.6 s against 1.1 s for a province.
        let in_qualified = match self.backend() {
            Backend::Sqlite => "+uscc in (select uscc from qualification)",
            Backend::Postgres => "uscc in (select uscc from qualification)",
        };
        // The yearly figures are the largest table: two scans, each of half of it, on two connections.
        let split: i64 = get::<Option<i64>>(
            &self
                .fetch_json(Stmt::new(format!(
                    "select max({}) as m from enterprise_year",
                    "enterprise_year_id"
                )))
                .await?,
            "m",
        )?
        .unwrap_or(0)
            / 2;
        let talent = {
            let mut st = Stmt::new(format!(
                "{} from talent where category = ",
                self.json_select("introduced_on, null, org_unit_code, null", None)
            ));
            st.bind(HIGH_END_TALENT);
            st
        };
        tokio::try_join!(
            async {
                let json = self
                    .json_rows(
                        "uscc, kind, issued_on, year, valid_until, revoked_on",
                        "from qualification",
                    )
                    .await?;
                with(&|f| f.add_quals(&json))
            },
            // Master data and yearly figures of qualified enterprises only: the others are never counted.
            async {
                let json = self
                    .json_rows(
                        "uscc, org_unit_code, industry_code",
                        &format!("from enterprise where {in_qualified}"),
                    )
                    .await?;
                with(&|f| f.add_masters(&json))
            },
            self.years_part(in_qualified, split, false, &with),
            self.years_part(in_qualified, split, true, &with),
            async {
                let json = self
                    .json_rows(
                        "uscc, occurred_on, ended_on",
                        "from enterprise_record where kind = 'rd_institution'",
                    )
                    .await?;
                with(&|f| f.add_rd_records(&json))
            },
            async {
                let json: String = get(&self.fetch_json(talent).await?, "j")?;
                with(&|f| f.add_dated("talent", &json, 0))
            },
            async {
                let json = self
                    .json_rows(
                        "registered_on, null, org_unit_code, turnover",
                        "from tech_contract",
                    )
                    .await?;
                with(&|f| f.add_dated("tech_contract", &json, 1))
            },
            async {
                let json = self
                    .json_rows(
                        "recognised_on, revoked_on, org_unit_code, null",
                        "from platform where kind = 'industrial_tech_institute'",
                    )
                    .await?;
                with(&|f| f.add_dated("platform", &json, 2))
            },
        )?;
        Ok(match facts.into_inner() {
            Ok(f) => f,
            Err(p) => p.into_inner(),
        })
    }
}
