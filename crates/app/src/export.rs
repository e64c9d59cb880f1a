//! Exports (导出) and templates (导入模板): any registry as XLSX or CSV with the import headers (so an export
//! imports back unchanged), and the indicator table — every observed and derived data-element value per org
//! unit and period — whose CSV is the `org_unit,period,data_element,value` file `plantrack status --data` reads.

use std::collections::HashMap;

use plantrack_core::plan::ElementSource;
use plantrack_exchange::Kind;
use plantrack_exchange::write::{CsvOut, Out, ToRow, export_workbook, table_workbook, template};
use plantrack_store::enterprises::{Enterprise, EnterpriseYear, EnterpriseYearRow, Qualification};
use plantrack_store::observations::Observation;
use plantrack_store::org::OrgUnit;
use plantrack_store::registries::{
    Achievement, FiscalSupport, IpPledgeFinancing, Platform, Talent, TechContract,
};
use plantrack_store::{ListQuery, Record, Store};

use crate::status::PlanData;
use crate::{AppError, Permission, Principal};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportWhat {
    /// One registry, with its import headers.
    Registry(Kind),
    /// The indicator table: observed and derived values per org unit, period and data element.
    IndicatorTable,
}

impl std::str::FromStr for ExportWhat {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, AppError> {
        let t = s.trim().replace('-', "_").to_lowercase();
        if matches!(t.as_str(), "indicators" | "indicator_table" | "指标数据") {
            return Ok(ExportWhat::IndicatorTable);
        }
        s.parse::<Kind>().map(ExportWhat::Registry).map_err(|e| {
            AppError::invalid(
                "kind",
                format!("{e}(或 indicators 指标数据表)"),
                format!("{e} (or indicators, the indicator table)"),
            )
        })
    }
}

/// XLSX or CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A workbook.
    Xlsx,
    /// UTF-8 CSV with BOM.
    Csv,
}

impl ExportFormat {
    /// The format a file name asks for (`.csv` → CSV, anything else XLSX).
    pub fn for_file(name: &str) -> ExportFormat {
        if name.to_lowercase().ends_with(".csv") {
            ExportFormat::Csv
        } else {
            ExportFormat::Xlsx
        }
    }
}

/// Page size when reading a registry out.
const PAGE: i64 = 10_000;

async fn all<T: Record>(store: &Store) -> Result<Vec<T>, AppError> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page = store.list::<T>(&ListQuery::default().page(offset, PAGE)).await?;
        let n = page.items.len() as i64;
        out.extend(page.items.into_iter().map(|s| s.record));
        offset += n;
        if n < PAGE || offset >= page.total {
            return Ok(out);
        }
    }
}

fn encode<T: ToRow>(rows: &[T], format: ExportFormat) -> Result<Vec<u8>, AppError> {
    match format {
        ExportFormat::Xlsx => export_workbook(rows).map_err(|e| xlsx_error(&e, rows.len())),
        ExportFormat::Csv => {
            let mut w = CsvOut::new(T::KIND, Vec::new()).map_err(AppError::unexpected)?;
            for r in rows {
                w.row(r).map_err(AppError::unexpected)?;
            }
            w.finish().map_err(AppError::unexpected)
        }
    }
}

fn xlsx_error(e: &plantrack_report::xlsx::XlsxError, rows: usize) -> AppError {
    if rows >= 1_048_575 {
        AppError::invalid(
            "format",
            format!("{rows} 行超过 Excel 的行数上限,请导出为 CSV"),
            format!("{rows} rows are beyond Excel's row limit; export as CSV"),
        )
    } else {
        AppError::unexpected(std::io::Error::other(e.to_string()))
    }
}

/// The enterprise annual figures joined with their master data (every stored year), ordered by USCC and year.
pub async fn enterprise_rows(store: &Store) -> Result<Vec<EnterpriseYearRow>, AppError> {
    let masters: HashMap<String, Enterprise> = all::<Enterprise>(store)
        .await?
        .into_iter()
        .map(|e| (e.uscc.clone(), e))
        .collect();
    let mut years = all::<EnterpriseYear>(store).await?;
    years.sort_by(|a, b| (&a.uscc, a.year).cmp(&(&b.uscc, b.year)));
    Ok(years
        .into_iter()
        .filter_map(|y| {
            masters.get(&y.uscc).map(|e| EnterpriseYearRow {
                enterprise: e.clone(),
                figures: y,
            })
        })
        .collect())
}

/// Export a registry or the indicator table. Registries are internal; the indicator table is public (it is
/// what the public dashboard shows).
pub async fn export(
    store: &Store,
    principal: &Principal,
    what: ExportWhat,
    format: ExportFormat,
) -> Result<Vec<u8>, AppError> {
    match what {
        ExportWhat::IndicatorTable => {
            principal.require(&Permission::ViewPublic)?;
            indicator_table(store, format).await
        }
        ExportWhat::Registry(kind) => {
            principal.require(&Permission::ViewInternal)?;
            match kind {
                Kind::Enterprises => encode(&enterprise_rows(store).await?, format),
                Kind::Qualifications => encode(&all::<Qualification>(store).await?, format),
                Kind::Contracts => encode(&all::<TechContract>(store).await?, format),
                Kind::Talents => encode(&all::<Talent>(store).await?, format),
                Kind::Platforms => encode(&all::<Platform>(store).await?, format),
                Kind::Observations => encode(&all::<Observation>(store).await?, format),
                Kind::Financing => encode(&all::<IpPledgeFinancing>(store).await?, format),
                Kind::Funding => encode(&all::<FiscalSupport>(store).await?, format),
                Kind::Achievements => encode(&all::<Achievement>(store).await?, format),
                Kind::OrgUnits => encode(&all::<OrgUnit>(store).await?, format),
            }
        }
    }
}

/// The CSV header of the indicator table (the `status --data` format).
pub const INDICATOR_TABLE_CSV_HEADER: [&str; 4] = ["org_unit", "period", "data_element", "value"];

async fn indicator_table(store: &Store, format: ExportFormat) -> Result<Vec<u8>, AppError> {
    let data = PlanData::load(store).await?;
    let plan = data.plan();
    let mut rows: Vec<_> = data.observations().iter().collect();
    rows.sort_by(|a, b| {
        (a.org_unit.as_str(), a.element.as_str(), a.period).cmp(&(
            b.org_unit.as_str(),
            b.element.as_str(),
            b.period,
        ))
    });
    match format {
        ExportFormat::Csv => {
            let mut w = CsvOut::with_headers(&INDICATOR_TABLE_CSV_HEADER, Vec::new())
                .map_err(AppError::unexpected)?;
            for o in rows {
                w.cells(&[
                    Out::Text(o.org_unit.to_string()),
                    Out::Text(o.period.to_string()),
                    Out::Text(o.element.to_string()),
                    Out::Number(o.value),
                ])
                .map_err(AppError::unexpected)?;
            }
            w.finish().map_err(AppError::unexpected)
        }
        ExportFormat::Xlsx => {
            let headers = [
                "区划代码 org_unit",
                "区划名称",
                "期间 period",
                "数据项 data_element",
                "数据项名称",
                "数值 value",
                "单位",
                "来源 source",
            ];
            let table: Vec<Vec<Out>> = rows
                .into_iter()
                .map(|o| {
                    let unit = plan.org_unit(o.org_unit);
                    let el = plan.data_element(o.element);
                    let source = match el.map(|e| e.source) {
                        Some(ElementSource::Derived(rule)) => format!("台账计算 derived: {}", rule.name()),
                        _ => "统计数据 observed".to_owned(),
                    };
                    vec![
                        Out::Text(o.org_unit.to_string()),
                        Out::Text(unit.map(|u| u.name_zh.clone()).unwrap_or_default()),
                        Out::Text(o.period.to_string()),
                        Out::Text(o.element.to_string()),
                        Out::Text(el.map(|e| e.name_zh.clone()).unwrap_or_default()),
                        Out::Number(o.value),
                        Out::Text(el.map(|e| e.unit.clone()).unwrap_or_default()),
                        Out::Text(source),
                    ]
                })
                .collect();
            let n = table.len();
            table_workbook("指标数据", &headers, table).map_err(|e| xlsx_error(&e, n))
        }
    }
}

/// The import template of a kind (public: anyone may download a blank form).
pub fn template_file(kind: Kind) -> Result<Vec<u8>, AppError> {
    template(kind).map_err(|e| AppError::unexpected(std::io::Error::other(e.to_string())))
}
