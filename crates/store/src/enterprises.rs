//! Enterprises (企业): master data, yearly figures (年报), qualifications (高新技术企业 certificates and
//! 科技型中小企业 registrations), and dated records (R&D institutions, incidents, awards, standards) — what the
//! qualification profile and the registry-derived data elements need.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use plantrack_core::qualify::input::{
    CertificateInput, IncidentInput, IpInput, NationalAwardInput, RdInstitutionInput, StandardLedInput,
};
use plantrack_core::qualify::{EnterpriseInput, Num, YearInput};

use crate::record::{Stored, UpsertCounts, record, select_list, stored_from_row};
use crate::sql::{Stmt, code_enum};
use crate::{Store, StoreError, Tx};

/// Enterprise master data (企业基本信息).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enterprise {
    /// 统一社会信用代码 (18 characters, checked by the caller).
    pub uscc: String,
    /// 企业名称.
    pub name: String,
    /// 成立日期.
    pub founded_on: Option<Date>,
    /// 所在区划代码.
    pub org_unit_code: Option<String>,
    /// 行业代码 (GB/T 4754).
    pub industry_code: Option<String>,
    /// 高新技术领域.
    pub high_tech_field: Option<String>,
    /// The annual report year these master data were taken from; an import of an older year does not
    /// overwrite them.
    pub reported_year: Option<i32>,
}
record!(Enterprise, "enterprise", key(uscc), search(uscc, name), order "name",
{ uscc, name, founded_on, org_unit_code, industry_code, high_tech_field, reported_year },
fn supersedes(&self, existing: &Self) -> bool {
    match (self.reported_year, existing.reported_year) {
        (Some(new), Some(old)) => new >= old,
        (None, Some(_)) => false,
        _ => true,
    }
});

/// One year's figures of an enterprise (年度数据); money in 万元.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EnterpriseYear {
    /// 统一社会信用代码.
    pub uscc: String,
    /// 年度.
    pub year: i32,
    /// 所在区划代码 that year.
    pub org_unit_code: Option<String>,
    /// 职工总数.
    pub employees: Option<i64>,
    /// 科技人员数.
    pub tech_staff: Option<i64>,
    /// 销售收入.
    pub sales_revenue: Option<Decimal>,
    /// 主营业务收入.
    pub main_business_revenue: Option<Decimal>,
    /// 总收入.
    pub total_revenue: Option<Decimal>,
    /// 高新技术产品(服务)收入.
    pub high_tech_revenue: Option<Decimal>,
    /// 资产总额.
    pub total_assets: Option<Decimal>,
    /// 负债总额.
    pub total_liabilities: Option<Decimal>,
    /// 成本费用支出总额.
    pub total_cost: Option<Decimal>,
    /// 研发费用.
    pub rd_expense: Option<Decimal>,
    /// 境内研发费用.
    pub domestic_rd_expense: Option<Decimal>,
    /// Ⅰ类知识产权数.
    pub ip_class1: Option<i64>,
    /// Ⅱ类知识产权数.
    pub ip_class2: Option<i64>,
    /// 研发机构级别 (国家级, 省级, 市级, 区级); `None` = no R&D institution.
    pub rd_institution_level: Option<String>,
    /// 科技成果转化数.
    pub achievements_transformed: Option<i64>,
    /// 规模以上工业企业 as designated by the statistics bureau; `None` = not stated (derive it by rule).
    pub above_scale_industrial: Option<bool>,
}
record!(EnterpriseYear, "enterprise_year", key(uscc, year), search(uscc), order "year desc, uscc",
    { uscc, year, org_unit_code, employees, tech_staff, sales_revenue, main_business_revenue, total_revenue,
      high_tech_revenue, total_assets, total_liabilities, total_cost, rd_expense, domestic_rd_expense,
      ip_class1, ip_class2, rd_institution_level, achievements_transformed, above_scale_industrial });

code_enum! {
    /// Kind of qualification (资质类型).
    pub enum QualificationKind {
        /// 高新技术企业 certificate.
        HighTech = "high_tech",
        /// 科技型中小企业 registration (入库登记).
        TechSme = "tech_sme",
    }
}

/// A qualification: a 高新技术企业 certificate or a 科技型中小企业 registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    /// 统一社会信用代码.
    pub uscc: String,
    /// Certificate or registration.
    pub kind: QualificationKind,
    /// 证书编号 / 登记编号.
    pub number: String,
    /// 发证日期 / 入库日期.
    pub issued_on: Date,
    /// The year it counts for (registration year; certificate's issue year).
    pub year: i32,
    /// Last day of validity.
    pub valid_until: Date,
    /// 撤销/取消 date, if revoked.
    pub revoked_on: Option<Date>,
}
record!(Qualification, "qualification", key(kind, number), search(uscc, number), order "issued_on desc",
    { uscc, kind, number, issued_on, year, valid_until, revoked_on });

impl Qualification {
    /// A 高新技术企业 certificate: valid for three years from the issue date
    /// (《高新技术企业认定管理办法》国科发火〔2016〕32号 第十五条), i.e. through the day before the third anniversary.
    /// A certificate issued on 29 February has its anniversary on 1 March (as `core::qualify::Certificate`).
    pub fn high_tech(uscc: impl Into<String>, number: impl Into<String>, issued_on: Date) -> Qualification {
        let anniversary_year = issued_on.year().saturating_add(3);
        let anniversary = Date::new(anniversary_year, issued_on.month(), issued_on.day())
            .or_else(|_| Date::new(anniversary_year, 3, 1))
            .unwrap_or(Date::MAX);
        let valid_until = anniversary.yesterday().unwrap_or(Date::MAX);
        Qualification {
            uscc: uscc.into(),
            kind: QualificationKind::HighTech,
            number: number.into(),
            issued_on,
            year: i32::from(issued_on.year()),
            valid_until,
            revoked_on: None,
        }
    }

    /// A 科技型中小企业 registration for `year`: the 登记编号 is valid for that year only
    /// (国科火字〔2019〕87号: 登记编号当年有效).
    pub fn tech_sme(
        uscc: impl Into<String>,
        number: impl Into<String>,
        issued_on: Date,
        year: i16,
    ) -> Qualification {
        Qualification {
            uscc: uscc.into(),
            kind: QualificationKind::TechSme,
            number: number.into(),
            issued_on,
            year: i32::from(year),
            valid_until: Date::new(year, 12, 31).unwrap_or(Date::MAX),
            revoked_on: None,
        }
    }

    /// Valid on `day` (issued, not expired, not revoked).
    pub fn valid_on(&self, day: Date) -> bool {
        self.issued_on <= day && day <= self.valid_until && self.revoked_on.is_none_or(|r| day < r)
    }
}

code_enum! {
    /// Kind of dated enterprise record.
    pub enum EnterpriseRecordKind {
        /// 研发机构 (`level`: national | provincial | municipal | enterprise, or 国家级 …; `ended_on` when
        /// dissolved).
        RdInstitution = "rd_institution",
        /// An adverse event (`level` holds the kind: major_safety, major_quality, environmental_violation,
        /// research_misconduct, abnormal_operation, serious_dishonesty, fraud — `core::qualify` ids or names).
        Incident = "incident",
        /// 国家级科技奖励 (`rank` = place among the winning units).
        Award = "award",
        /// 主导制定的标准 (`level`: international | national | industry, or 国际标准 …).
        Standard = "standard",
        /// 科研严重失信 / 经营异常名录 / 严重违法失信企业名单 (`level` as for incidents).
        Dishonesty = "dishonesty",
    }
}

/// A dated fact about an enterprise that a qualification rule looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseRecord {
    /// 统一社会信用代码.
    pub uscc: String,
    /// What kind of fact.
    pub kind: EnterpriseRecordKind,
    /// Name of the institution, award, standard or incident.
    pub title: String,
    /// Level (国家级, 省级, 国际标准, 行业标准 …).
    pub level: Option<String>,
    /// When it happened or was recognised.
    pub occurred_on: Date,
    /// When it ended (institution dissolved, listing lifted).
    pub ended_on: Option<Date>,
    /// Free text.
    pub detail: Option<String>,
    /// For an award: the enterprise's rank among the winning units (1 = first).
    pub rank: Option<i64>,
}
record!(EnterpriseRecord, "enterprise_record", key(uscc, kind, title, occurred_on), search(uscc, title),
    order "occurred_on desc", { uscc, kind, title, level, occurred_on, ended_on, detail, rank });

/// One row of an enterprise annual-figures import: master data and that year's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseYearRow {
    /// Master data (with `reported_year` = the figures' year).
    pub enterprise: Enterprise,
    /// The year's figures.
    pub figures: EnterpriseYear,
}

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
