//! Enterprises (企业): master data, yearly figures (年报), qualifications (高新技术企业 certificates and
//! 科技型中小企业 registrations), and dated records (R&D institutions, incidents, awards, standards) — what the
//! qualification profile and the registry-derived data elements need.

use rust_decimal::Decimal;
use serde::Serialize;

use plantrack_core::qualify::input::{
    CertificateInput, IncidentInput, IpInput, NationalAwardInput, RdInstitutionInput, StandardLedInput,
};
use plantrack_core::qualify::{EnterpriseInput, Num, YearInput};

use crate::record::{Stored, UpsertCounts, record, select_list, stored_from_row};
use crate::sql::{Stmt, store_code};
use crate::{Store, StoreError, Tx};

pub use plantrack_core::registry::{
    Enterprise, EnterpriseRecord, EnterpriseRecordKind, EnterpriseYear, EnterpriseYearRow, Qualification,
    QualificationKind,
};

record!(Enterprise, "enterprise", key(uscc), search(uscc, name), order "name",
{ uscc, name, founded_on, org_unit_code, industry_code, high_tech_field, reported_year },
fn supersedes(&self, existing: &Self) -> bool {
    self.replaces_master_of(existing)
});
record!(EnterpriseYear, "enterprise_year", key(uscc, year), search(uscc), order "year desc, uscc",
    { uscc, year, org_unit_code, employees, tech_staff, sales_revenue, main_business_revenue, total_revenue,
      high_tech_revenue, total_assets, total_liabilities, total_cost, rd_expense, domestic_rd_expense,
      ip_class1, ip_class2, rd_institution_level, achievements_transformed, above_scale_industrial });
record!(Qualification, "qualification", key(kind, number), search(uscc, number), order "issued_on desc",
    { uscc, kind, number, issued_on, year, valid_until, revoked_on });
record!(EnterpriseRecord, "enterprise_record", key(uscc, kind, title, occurred_on), search(uscc, title),
    order "occurred_on desc", { uscc, kind, title, level, occurred_on, ended_on, detail, rank });
store_code!(QualificationKind);
store_code!(EnterpriseRecordKind);

/// Everything the store knows about one enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseProfile {
    /// Master data.
    pub enterprise: Stored<Enterprise>,
    /// Yearly figures, oldest first.
    pub years: Vec<Stored<EnterpriseYear>>,
    /// Certificates and registrations, oldest first.
    pub qualifications: Vec<Stored<Qualification>>,
    /// Dated records, oldest first.
    pub records: Vec<Stored<EnterpriseRecord>>,
}

impl EnterpriseProfile {
    /// The profile in the wire form the qualification rules read (`core::qualify::EnterpriseInput`):
    /// certificates from the qualifications (revoked ones left out), institutions, awards, standards and
    /// incidents from the dated records, the latest year's IP counts, and every year's figures. An R&D
    /// institution known only from a year's 研发机构级别 is dated 1 January of the first such year.
    pub fn to_input(&self) -> EnterpriseInput {
        let e = &self.enterprise.record;
        let num = |d: Option<Decimal>| d.map(Num);
        let count = |n: Option<i64>| n.map(|n| Num(Decimal::from(n)));
        let mut input = EnterpriseInput {
            uscc: e.uscc.clone(),
            name: e.name.clone(),
            registered_on: e.founded_on.map(|d| d.to_string()),
            industry_code: e.industry_code.clone(),
            high_tech_field: e.high_tech_field.clone(),
            ..EnterpriseInput::default()
        };
        for q in self
            .qualifications
            .iter()
            .map(|q| &q.record)
            .filter(|q| q.revoked_on.is_none())
        {
            input.certificates.push(CertificateInput {
                kind: q.kind.to_string(),
                issued_on: q.issued_on.to_string(),
            });
        }
        for r in self.records.iter().map(|r| &r.record) {
            let on = r.occurred_on.to_string();
            let level = r.level.clone().unwrap_or_default();
            match r.kind {
                EnterpriseRecordKind::RdInstitution if r.ended_on.is_none() => {
                    input.rd_institutions.push(RdInstitutionInput {
                        level,
                        recognized_on: on,
                    });
                }
                EnterpriseRecordKind::RdInstitution => {}
                EnterpriseRecordKind::Incident | EnterpriseRecordKind::Dishonesty => {
                    input.incidents.push(IncidentInput { kind: level, on });
                }
                EnterpriseRecordKind::Award => {
                    if let Some(rank) = r.rank {
                        input.national_awards.push(NationalAwardInput {
                            on,
                            rank: Num(Decimal::from(rank)),
                        });
                    }
                }
                EnterpriseRecordKind::Standard => input.standards_led.push(StandardLedInput { on, level }),
            }
        }
        if input.rd_institutions.is_empty()
            && let Some(first) = self
                .years
                .iter()
                .map(|y| &y.record)
                .find(|y| y.rd_institution_level.is_some())
        {
            input.rd_institutions.push(RdInstitutionInput {
                level: first.rd_institution_level.clone().unwrap_or_default(),
                recognized_on: format!("{}-01-01", first.year),
            });
        }
        if let Some(latest) = self.years.last().map(|y| &y.record) {
            input.ip = Some(IpInput {
                class_i: count(latest.ip_class1),
                class_ii: count(latest.ip_class2),
            });
        }
        input.years = self
            .years
            .iter()
            .map(|y| {
                let y = &y.record;
                YearInput {
                    year: Num(Decimal::from(y.year)),
                    employees: count(y.employees),
                    tech_staff: count(y.tech_staff),
                    sales_revenue: num(y.sales_revenue),
                    main_business_revenue: num(y.main_business_revenue),
                    total_revenue: num(y.total_revenue),
                    high_tech_revenue: num(y.high_tech_revenue),
                    total_assets: num(y.total_assets),
                    total_liabilities: num(y.total_liabilities),
                    cost_expense_total: num(y.total_cost),
                    rd_expense: num(y.rd_expense),
                    rd_expense_domestic: num(y.domestic_rd_expense),
                    conversions: count(y.achievements_transformed),
                    ..YearInput::default()
                }
            })
            .collect();
        input
    }
}

impl Tx {
    /// Import enterprise annual figures: master data (the latest year per USCC wins, never overwriting
    /// master data from a later report) and the yearly rows, upserted by USCC and by USCC + year.
    /// Returns (master counts, yearly counts). Inserts are covered by the import's summary audit event.
    pub async fn import_enterprise_years(
        &mut self,
        rows: &[EnterpriseYearRow],
    ) -> Result<(UpsertCounts, UpsertCounts), StoreError> {
        let mut latest: rustc_hash::FxHashMap<&str, &Enterprise> = rustc_hash::FxHashMap::default();
        let mut order: Vec<&str> = Vec::new();
        for r in rows {
            let e = &r.enterprise;
            match latest.get(e.uscc.as_str()) {
                Some(prev) if prev.reported_year > e.reported_year => {}
                Some(_) => {
                    latest.insert(&e.uscc, e);
                }
                None => {
                    order.push(&e.uscc);
                    latest.insert(&e.uscc, e);
                }
            }
        }
        let masters: Vec<Enterprise> = order
            .iter()
            .filter_map(|u| latest.get(u).map(|e| (*e).clone()))
            .collect();
        let m = self.import_rows(&masters).await?;
        let years: Vec<EnterpriseYear> = rows.iter().map(|r| r.figures.clone()).collect();
        let y = self.import_rows(&years).await?;
        Ok((m, y))
    }
}

impl Store {
    /// An enterprise by USCC.
    pub async fn enterprise_by_uscc(&self, uscc: &str) -> Result<Option<Stored<Enterprise>>, StoreError> {
        self.find_by_key::<Enterprise>(&[crate::ToParam::to_param(uscc)])
            .await
    }

    /// Master data, yearly figures, qualifications and records of one enterprise.
    pub async fn enterprise_profile(&self, uscc: &str) -> Result<EnterpriseProfile, StoreError> {
        let enterprise = self
            .enterprise_by_uscc(uscc)
            .await?
            .ok_or_else(|| StoreError::not_found("enterprise", uscc))?;
        let mut conn = self.pool.acquire().await?;
        let mut st = Stmt::new(select_list::<EnterpriseYear>());
        st.push(" where uscc = ").bind(uscc).push(" order by year");
        let years = st
            .query(self.backend())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(stored_from_row)
            .collect::<Result<_, _>>()?;
        let mut st = Stmt::new(select_list::<Qualification>());
        st.push(" where uscc = ")
            .bind(uscc)
            .push(" order by issued_on, number");
        let qualifications = st
            .query(self.backend())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(stored_from_row)
            .collect::<Result<_, _>>()?;
        let mut st = Stmt::new(select_list::<EnterpriseRecord>());
        st.push(" where uscc = ")
            .bind(uscc)
            .push(" order by occurred_on, title");
        let records = st
            .query(self.backend())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(stored_from_row)
            .collect::<Result<_, _>>()?;
        Ok(EnterpriseProfile {
            enterprise,
            years,
            qualifications,
            records,
        })
    }

    /// All yearly figures of `year` (for qualification screening across the district / province).
    pub async fn enterprise_years_of(&self, year: i32) -> Result<Vec<Stored<EnterpriseYear>>, StoreError> {
        let mut st = Stmt::new(select_list::<EnterpriseYear>());
        st.push(" where year = ").bind(year).push(" order by uscc");
        let mut conn = self.pool.acquire().await?;
        st.query(self.backend())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(stored_from_row)
            .collect()
    }
}
