//! Data elements derived from the registries (issue 4 §3; `core::plan::DerivationRule`): for a period, one value
//! per org unit where the registry rows are recorded (leaf level — the indicator engine sums up the tree).
//!
//! Official counts come from registrations and certificates, never from the qualification rules' forecasts.
//! An enterprise is counted in the org unit of that year's annual report, or of its master data when the year
//! has no report.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use plantrack_core::period::Period;
use plantrack_core::plan::model::DerivationRule;
use plantrack_core::qualify::IndustryCode;
use plantrack_core::qualify::above_scale::threshold_wan;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::sql::{Stmt, get};
use crate::{Store, StoreError};

/// One derived value: the element's value for an org unit and the period asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DerivedValue {
    /// 区划代码 (the rows' own org unit; no roll-up).
    pub org_unit_code: String,
    /// The value (a count, or 万元 for turnover).
    pub value: Decimal,
}

/// One registry row behind a derived value (for "the data behind each figure").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// 区划代码.
    pub org_unit_code: String,
    /// Table the row is in.
    pub entity: &'static str,
    /// Its natural key (USCC, contract number, name).
    pub key: String,
    /// What it contributes (1 for counts, the amount for sums).
    pub amount: Decimal,
}

/// The category of talent the plan counts (高端创新创业人才).
pub const HIGH_END_TALENT: &str = "高端创新创业人才";

/// Whether a year's figures make an enterprise 规上工业 (规模以上工业企业): the statistics bureau's designation
/// when recorded, else the rule — an industrial unit (GB/T 4754 sections B, C, D) with 主营业务收入 at or above
/// the year's threshold (国统字〔2010〕87号; `core::qualify::above_scale::threshold_wan`).
pub fn is_above_scale_industrial(
    year: i32,
    designated: Option<bool>,
    industry_code: Option<&str>,
    main_business_revenue: Option<Decimal>,
) -> bool {
    designated
        .unwrap_or_else(|| is_industrial(industry_code) && revenue_at_scale(year, main_business_revenue))
}

/// An industrial unit: GB/T 4754 sections B, C, D (the first part of the 规上工业 rule).
pub(crate) fn is_industrial(industry_code: Option<&str>) -> bool {
    industry_code
        .and_then(|c| IndustryCode::parse(c).ok())
        .is_some_and(|c| c.is_industrial())
}

/// 主营业务收入 at or above the year's threshold (the second part of the 规上工业 rule).
pub(crate) fn revenue_at_scale(year: i32, main_business_revenue: Option<Decimal>) -> bool {
    let threshold = threshold_wan(i16::try_from(year).unwrap_or(i16::MAX));
    main_business_revenue.is_some_and(|r| r >= threshold)
}

impl Store {
    /// The values of a derived element for `period`, one per org unit that has rows (zeros are omitted).
    pub async fn derive(
        &self,
        rule: DerivationRule,
        period: Period,
    ) -> Result<Vec<DerivedValue>, StoreError> {
        let evidence = self.derive_evidence(rule, period).await?;
        let mut sums: BTreeMap<String, Decimal> = BTreeMap::new();
        for e in evidence {
            *sums.entry(e.org_unit_code).or_default() += e.amount;
        }
        Ok(sums
            .into_iter()
            .map(|(org_unit_code, value)| DerivedValue { org_unit_code, value })
            .collect())
    }

    /// The registry rows that make up a derived element for `period`, ordered by org unit and key.
    pub async fn derive_evidence(
        &self,
        rule: DerivationRule,
        period: Period,
    ) -> Result<Vec<Evidence>, StoreError> {
        let year = i32::from(i16::try_from(period.year()).unwrap_or(i16::MAX));
        let (start, end) = (period.start(), period.end());
        let mut out = match rule {
            DerivationRule::TechSmeRegistrations => self.tech_sme_registered(year, end).await?,
            DerivationRule::HighTechCertificatesValidAtYearEnd => self.high_tech_valid_on(end).await?,
            DerivationRule::AboveScaleTechIndustrial => self.above_scale_tech(year, end, false).await?,
            DerivationRule::AboveScaleTechIndustrialWithRd => self.above_scale_tech(year, end, true).await?,
            DerivationRule::HighEndTalentsIntroduced => self.talents_introduced(start, end).await?,
            DerivationRule::TechContractTurnover => self.contract_turnover(start, end).await?,
            DerivationRule::IndustrialTechInstitutesRecognised => self.institutes_active_on(end).await?,
        };
        out.sort_by(|a, b| (&a.org_unit_code, &a.key).cmp(&(&b.org_unit_code, &b.key)));
        Ok(out)
    }

    async fn enterprise_evidence(&self, st: Stmt) -> Result<Vec<Evidence>, StoreError> {
        let rows = st.query(self.backend()).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Evidence {
                    org_unit_code: get::<Option<String>>(r, "org")?.unwrap_or_default(),
                    entity: "enterprise",
                    key: get(r, "uscc")?,
                    amount: Decimal::ONE,
                })
            })
            .collect()
    }

    /// Enterprises with a 科技型中小企业 registration for `year` issued by `day` and not revoked by then (a
    /// quarter's count is the year's registrations so far; a later revocation does not rewrite past counts).
    async fn tech_sme_registered(&self, year: i32, day: Date) -> Result<Vec<Evidence>, StoreError> {
        let mut st = Stmt::new(
            "select distinct q.uscc as uscc, coalesce(y.org_unit_code, e.org_unit_code) as org \
             from qualification q join enterprise e on e.uscc = q.uscc \
             left join enterprise_year y on y.uscc = q.uscc and y.year = ",
        );
        st.bind(year)
            .push(" where q.kind = 'tech_sme' and q.year = $1 and q.issued_on <= ")
            .bind(day)
            .push(" and (q.revoked_on is null or q.revoked_on > $2)");
        self.enterprise_evidence(st).await
    }

    /// Enterprises holding a 高新技术企业 certificate valid on `day`.
    async fn high_tech_valid_on(&self, day: Date) -> Result<Vec<Evidence>, StoreError> {
        let mut st = Stmt::new(
            "select distinct q.uscc as uscc, coalesce(y.org_unit_code, e.org_unit_code) as org \
             from qualification q join enterprise e on e.uscc = q.uscc \
             left join enterprise_year y on y.uscc = q.uscc and y.year = ",
        );
        st.bind(i32::from(day.year()));
        st.push(" where q.kind = 'high_tech' and q.issued_on <= ")
            .bind(day);
        st.push(" and q.valid_until >= $2 and (q.revoked_on is null or q.revoked_on > $2)");
        self.enterprise_evidence(st).await
    }

    /// 规上工业 ∩ 科技型 (a 科技型中小企业 registration in `year` or a 高企 certificate valid on `day`), optionally
    /// only those with an R&D institution (the year's 研发机构级别, or an institution record active on `day`).
    async fn above_scale_tech(
        &self,
        year: i32,
        day: Date,
        with_rd: bool,
    ) -> Result<Vec<Evidence>, StoreError> {
        // Only 科技型 enterprises are fetched (a few per cent of all); the 规上 test is exact, in Rust.
        let mut st = Stmt::new(
            "select y.uscc as uscc, coalesce(y.org_unit_code, e.org_unit_code) as org, e.industry_code as industry_code, \
             y.main_business_revenue as main_business_revenue, y.above_scale_industrial as above_scale_industrial, \
             y.rd_institution_level as rd_institution_level, \
             (select count(*) from enterprise_record r where r.uscc = y.uscc and r.kind = 'rd_institution' \
               and r.occurred_on <= ",
        );
        st.bind(day);
        st.push(" and (r.ended_on is null or r.ended_on >= $1)) as rd_records ");
        // Driven from the qualifications (few) into enterprise_year by its (uscc, year) key.
        st.push(
            "from (select distinct q.uscc from qualification q where \
             (q.revoked_on is null or q.revoked_on > $1) and \
             ((q.kind = 'tech_sme' and q.issued_on <= $1 and q.year = ",
        )
        .bind(year);
        st.push(
            ") or (q.kind = 'high_tech' and q.issued_on <= $1 and q.valid_until >= $1))) t \
             join enterprise_year y on y.uscc = t.uscc and y.year = $2 join enterprise e on e.uscc = y.uscc",
        );
        let rows = st.query(self.backend()).fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for r in &rows {
            let revenue: Option<Decimal> = get(r, "main_business_revenue")?;
            let designated: Option<bool> = get(r, "above_scale_industrial")?;
            let industry: Option<String> = get(r, "industry_code")?;
            if !is_above_scale_industrial(year, designated, industry.as_deref(), revenue) {
                continue;
            }
            let level: Option<String> = get(r, "rd_institution_level")?;
            let has_rd = level.is_some_and(|l| !l.trim().is_empty()) || get::<i64>(r, "rd_records")? > 0;
            if with_rd && !has_rd {
                continue;
            }
            out.push(Evidence {
                org_unit_code: get::<Option<String>>(r, "org")?.unwrap_or_default(),
                entity: "enterprise",
                key: get(r, "uscc")?,
                amount: Decimal::ONE,
            });
        }
        Ok(out)
    }

    /// Talents of category 高端创新创业人才 introduced within `start..=end`.
    async fn talents_introduced(&self, start: Date, end: Date) -> Result<Vec<Evidence>, StoreError> {
        let mut st = Stmt::new("select name, introduced_on, org_unit_code from talent where category = ");
        st.bind(HIGH_END_TALENT)
            .push(" and introduced_on >= ")
            .bind(start)
            .push(" and introduced_on <= ")
            .bind(end);
        let rows = st.query(self.backend()).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Evidence {
                    org_unit_code: get(r, "org_unit_code")?,
                    entity: "talent",
                    key: format!(
                        "{}/{}",
                        get::<String>(r, "name")?,
                        get::<String>(r, "introduced_on")?
                    ),
                    amount: Decimal::ONE,
                })
            })
            .collect()
    }

    /// Σ 成交额 of contracts registered within `start..=end`, by the seller's org unit (按地域一次登记).
    async fn contract_turnover(&self, start: Date, end: Date) -> Result<Vec<Evidence>, StoreError> {
        let mut st = Stmt::new(
            "select contract_number, org_unit_code, turnover from tech_contract where registered_on >= ",
        );
        st.bind(start).push(" and registered_on <= ").bind(end);
        let rows = st.query(self.backend()).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Evidence {
                    org_unit_code: get(r, "org_unit_code")?,
                    entity: "tech_contract",
                    key: get(r, "contract_number")?,
                    amount: get(r, "turnover")?,
                })
            })
            .collect()
    }

    /// 产业技术研究院 recognised on or before `day` and not revoked by then.
    async fn institutes_active_on(&self, day: Date) -> Result<Vec<Evidence>, StoreError> {
        let mut st = Stmt::new(
            "select name, org_unit_code from platform where kind = 'industrial_tech_institute' and recognised_on <= ",
        );
        st.bind(day).push(" and (revoked_on is null or revoked_on > $1)");
        let rows = st.query(self.backend()).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Evidence {
                    org_unit_code: get(r, "org_unit_code")?,
                    entity: "platform",
                    key: get(r, "name")?,
                    amount: Decimal::ONE,
                })
            })
            .collect()
    }

    /// Every rule's values for `period` (what the status computation needs from the registries).
    pub async fn derive_all(
        &self,
        period: Period,
    ) -> Result<HashMap<DerivationRule, Vec<DerivedValue>>, StoreError> {
        let mut out = HashMap::new();
        for rule in DerivationRule::ALL {
            out.insert(rule, self.derive(rule, period).await?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn above_scale_threshold_is_inclusive_and_industrial_only() {
        let c3511 = Some("C3511");
        assert!(is_above_scale_industrial(2019, None, c3511, Some(dec!(2000.00))));
        assert!(!is_above_scale_industrial(2019, None, c3511, Some(dec!(1999.99))));
        assert!(is_above_scale_industrial(2009, None, c3511, Some(dec!(500))));
        assert!(!is_above_scale_industrial(
            2019,
            None,
            Some("I6510"),
            Some(dec!(9000))
        ));
        assert!(!is_above_scale_industrial(2019, None, None, Some(dec!(9000))));
        assert!(is_above_scale_industrial(2019, Some(true), None, None));
        assert!(!is_above_scale_industrial(
            2019,
            Some(false),
            c3511,
            Some(dec!(9000))
        ));
    }
}
