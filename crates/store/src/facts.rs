//! The registry facts the derived data elements need, loaded once and kept in memory, so that the values of
//! every rule for many periods and org units are computed without a query per (rule, period) — the status of a
//! whole province is a few queries plus arithmetic.
//!
//! [`RegistryFacts::derive`] gives exactly what [`Store::derive`](crate::Store::derive) gives (a test checks
//! both on the same rows, on both engines); `derive.rs` stays the reference and the source of the evidence
//! rows behind each figure.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use plantrack_core::period::Period;
use plantrack_core::plan::model::DerivationRule;
use rust_decimal::Decimal;

use crate::derive::{DerivedValue, HIGH_END_TALENT, is_above_scale_industrial};
use crate::sql::{Stmt, get};
use crate::{Store, StoreError};

/// Index into [`RegistryFacts`]' org-unit codes.
type Org = u32;
/// Index into [`RegistryFacts`]' USCCs.
type Ent = u32;

#[derive(Debug, Clone, Copy)]
struct QualFact {
    ent: Ent,
    high_tech: bool,
    issued_on: Date,
    year: i32,
    valid_until: Date,
    revoked_on: Option<Date>,
}

impl QualFact {
    /// Not revoked by `day` (a later revocation does not rewrite earlier counts).
    fn standing_on(&self, day: Date) -> bool {
        self.revoked_on.is_none_or(|r| r > day)
    }

    /// A 科技型中小企业 registration that counts for `year` as of `day`.
    fn tech_sme_for(&self, year: i32, day: Date) -> bool {
        !self.high_tech && self.year == year && self.issued_on <= day && self.standing_on(day)
    }

    /// A 高新技术企业 certificate valid on `day`.
    fn high_tech_on(&self, day: Date) -> bool {
        self.high_tech && self.issued_on <= day && self.valid_until >= day && self.standing_on(day)
    }
}

#[derive(Debug, Clone, Default)]
struct MasterFact {
    org: Option<Org>,
    industry_code: Option<String>,
}

#[derive(Debug, Clone)]
struct YearFact {
    org: Option<Org>,
    main_business_revenue: Option<Decimal>,
    above_scale_industrial: Option<bool>,
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
#[derive(Debug, Clone, Default)]
pub struct RegistryFacts {
    orgs: Vec<String>,
    org_index: HashMap<String, Org>,
    usccs: Vec<String>,
    ent_index: HashMap<String, Ent>,
    quals: Vec<QualFact>,
    masters: HashMap<Ent, MasterFact>,
    years: HashMap<(Ent, i32), YearFact>,
    rd_records: HashMap<Ent, Vec<(Date, Option<Date>)>>,
    talents: Vec<DatedFact>,
    contracts: Vec<DatedFact>,
    institutes: Vec<DatedFact>,
    latest: Option<Date>,
}

impl RegistryFacts {
    fn org(&mut self, code: Option<String>) -> Option<Org> {
        let code = code?;
        if let Some(i) = self.org_index.get(&code) {
            return Some(*i);
        }
        let i = Org::try_from(self.orgs.len()).unwrap_or(Org::MAX);
        self.orgs.push(code.clone());
        self.org_index.insert(code, i);
        Some(i)
    }

    fn ent(&mut self, uscc: String) -> Ent {
        if let Some(i) = self.ent_index.get(&uscc) {
            return *i;
        }
        let i = Ent::try_from(self.usccs.len()).unwrap_or(Ent::MAX);
        self.usccs.push(uscc.clone());
        self.ent_index.insert(uscc, i);
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
        self.quals.is_empty()
            && self.talents.is_empty()
            && self.contracts.is_empty()
            && self.institutes.is_empty()
    }

    /// The enterprise's org unit in `year`: that year's annual report, else its master data.
    fn ent_org(&self, ent: Ent, year: i32) -> Option<Org> {
        self.years
            .get(&(ent, year))
            .and_then(|y| y.org)
            .or_else(|| self.masters.get(&ent).and_then(|m| m.org))
    }

    fn has_rd_record(&self, ent: Ent, day: Date) -> bool {
        self.rd_records.get(&ent).is_some_and(|v| {
            v.iter()
                .any(|(from, to)| *from <= day && to.is_none_or(|t| t >= day))
        })
    }

    /// Count each enterprise once, in its org unit of `year`.
    fn count_ents(&self, sums: &mut HashMap<Option<Org>, Decimal>, mut ents: Vec<Ent>, year: i32) {
        ents.sort_unstable();
        ents.dedup();
        for e in ents {
            *sums.entry(self.ent_org(e, year)).or_default() += Decimal::ONE;
        }
    }

    /// The values of a derived element for `period`, one per org unit that has rows (zeros omitted), ordered by
    /// org unit — the same as [`Store::derive`](crate::Store::derive).
    pub fn derive(&self, rule: DerivationRule, period: Period) -> Vec<DerivedValue> {
        let year = period.year();
        let (start, end) = (period.start(), period.end());
        let mut sums: HashMap<Option<Org>, Decimal> = HashMap::new();
        match rule {
            DerivationRule::TechSmeRegistrations => {
                let ents: Vec<Ent> = self
                    .quals
                    .iter()
                    .filter(|q| q.tech_sme_for(year, end))
                    .map(|q| q.ent)
                    .collect();
                self.count_ents(&mut sums, ents, year);
            }
            DerivationRule::HighTechCertificatesValidAtYearEnd => {
                let ents: Vec<Ent> = self
                    .quals
                    .iter()
                    .filter(|q| q.high_tech_on(end))
                    .map(|q| q.ent)
                    .collect();
                self.count_ents(&mut sums, ents, year);
            }
            DerivationRule::AboveScaleTechIndustrial | DerivationRule::AboveScaleTechIndustrialWithRd => {
                let with_rd = rule == DerivationRule::AboveScaleTechIndustrialWithRd;
                let mut ents: Vec<Ent> = self
                    .quals
                    .iter()
                    .filter(|q| q.tech_sme_for(year, end) || q.high_tech_on(end))
                    .map(|q| q.ent)
                    .collect();
                ents.sort_unstable();
                ents.dedup();
                // Only enterprises with figures for the year count (the figures decide 规上).
                ents.retain(|e| {
                    let Some(y) = self.years.get(&(*e, year)) else {
                        return false;
                    };
                    let industry = self.masters.get(e).and_then(|m| m.industry_code.as_deref());
                    is_above_scale_industrial(
                        year,
                        y.above_scale_industrial,
                        industry,
                        y.main_business_revenue,
                    ) && (!with_rd || y.has_rd_level || self.has_rd_record(*e, end))
                });
                self.count_ents(&mut sums, ents, year);
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

impl Store {
    /// Load the registry facts behind every derived data element (a handful of queries over the whole store).
    pub async fn registry_facts(&self) -> Result<RegistryFacts, StoreError> {
        let mut f = RegistryFacts::default();
        let mut conn = self.pool.acquire().await?;

        let st = Stmt::new("select uscc, kind, issued_on, year, valid_until, revoked_on from qualification");
        for r in st.query(self.backend()).fetch_all(&mut *conn).await? {
            let ent = f.ent(get(&r, "uscc")?);
            let kind: String = get(&r, "kind")?;
            let issued_on: Date = get(&r, "issued_on")?;
            f.seen(issued_on);
            f.quals.push(QualFact {
                ent,
                high_tech: kind == "high_tech",
                issued_on,
                year: get::<i32>(&r, "year")?,
                valid_until: get(&r, "valid_until")?,
                revoked_on: get(&r, "revoked_on")?,
            });
        }

        // Master data and yearly figures of qualified enterprises only: the others are never counted.
        let st = Stmt::new(
            "select e.uscc as uscc, e.org_unit_code as org_unit_code, e.industry_code as industry_code \
             from (select distinct uscc from qualification) q join enterprise e on e.uscc = q.uscc",
        );
        for r in st.query(self.backend()).fetch_all(&mut *conn).await? {
            let ent = f.ent(get(&r, "uscc")?);
            let org = f.org(get(&r, "org_unit_code")?);
            f.masters.insert(
                ent,
                MasterFact {
                    org,
                    industry_code: get(&r, "industry_code")?,
                },
            );
        }
        let st = Stmt::new(
            "select y.uscc as uscc, y.year as year, y.org_unit_code as org_unit_code, \
             y.main_business_revenue as main_business_revenue, y.above_scale_industrial as above_scale_industrial, \
             y.rd_institution_level as rd_institution_level \
             from (select distinct uscc from qualification) q join enterprise_year y on y.uscc = q.uscc",
        );
        for r in st.query(self.backend()).fetch_all(&mut *conn).await? {
            let ent = f.ent(get(&r, "uscc")?);
            let year: i32 = get(&r, "year")?;
            let org = f.org(get(&r, "org_unit_code")?);
            let level: Option<String> = get(&r, "rd_institution_level")?;
            f.years.insert(
                (ent, year),
                YearFact {
                    org,
                    main_business_revenue: get(&r, "main_business_revenue")?,
                    above_scale_industrial: get(&r, "above_scale_industrial")?,
                    has_rd_level: level.is_some_and(|l| !l.trim().is_empty()),
                },
            );
        }
        let st = Stmt::new("select max(year) as y from enterprise_year");
        if let Some(y) = get::<Option<i64>>(&st.query(self.backend()).fetch_one(&mut *conn).await?, "y")?
            && let Ok(y) = i16::try_from(y)
            && let Ok(last) = Date::new(y, 12, 31)
        {
            f.seen(last);
        }

        let st = Stmt::new(
            "select uscc, occurred_on, ended_on from enterprise_record where kind = 'rd_institution'",
        );
        for r in st.query(self.backend()).fetch_all(&mut *conn).await? {
            let ent = f.ent(get(&r, "uscc")?);
            let from: Date = get(&r, "occurred_on")?;
            let to: Option<Date> = get(&r, "ended_on")?;
            f.rd_records.entry(ent).or_default().push((from, to));
        }

        let mut st = Stmt::new("select introduced_on, org_unit_code from talent where category = ");
        st.bind(HIGH_END_TALENT);
        for r in st.query(self.backend()).fetch_all(&mut *conn).await? {
            let on: Date = get(&r, "introduced_on")?;
            f.seen(on);
            if let Some(org) = f.org(Some(get(&r, "org_unit_code")?)) {
                f.talents.push(DatedFact {
                    org,
                    on,
                    until: None,
                    amount: Decimal::ONE,
                });
            }
        }

        let st = Stmt::new("select registered_on, org_unit_code, turnover from tech_contract");
        for r in st.query(self.backend()).fetch_all(&mut *conn).await? {
            let on: Date = get(&r, "registered_on")?;
            f.seen(on);
            if let Some(org) = f.org(Some(get(&r, "org_unit_code")?)) {
                f.contracts.push(DatedFact {
                    org,
                    on,
                    until: None,
                    amount: get(&r, "turnover")?,
                });
            }
        }

        let st = Stmt::new(
            "select recognised_on, revoked_on, org_unit_code from platform where kind = 'industrial_tech_institute'",
        );
        for r in st.query(self.backend()).fetch_all(&mut *conn).await? {
            let on: Date = get(&r, "recognised_on")?;
            f.seen(on);
            if let Some(org) = f.org(Some(get(&r, "org_unit_code")?)) {
                f.institutes.push(DatedFact {
                    org,
                    on,
                    until: get(&r, "revoked_on")?,
                    amount: Decimal::ONE,
                });
            }
        }
        Ok(f)
    }
}
