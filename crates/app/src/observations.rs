//! Data entry (数据填报): the observed data elements a department reports, by org unit and period, in a grid; and
//! the bulk upsert of observations behind `POST /api/v1/observations`.
//!
//! Only *observed* elements are entered: a derived element (科技型中小企业数, 技术合同成交额 …) is computed from the
//! registries, and entering it is refused with a message saying so. A department user enters only the elements of
//! its own department ([`crate::plan::department_elements`]); every cell is checked and nothing is written unless
//! all are good.

use std::collections::{BTreeMap, HashMap};

use plantrack_core::period::Period;
use plantrack_core::plan::{DataElementId, DepartmentId, ElementSource, OrgUnitCode, Plan};
use plantrack_store::observations::Observation;
use plantrack_store::{Store, UpsertCounts};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::access::{Permission, Principal};
use crate::error::{AppError, FieldError};
use crate::plan::{department_elements, element_departments};

/// One observation as submitted (a grid cell or an element of the API's array).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservationInput {
    /// 区划代码.
    pub org_unit: String,
    /// Period `2019`, `2019Q3`, `2019-07`.
    pub period: String,
    /// Data element id.
    pub data_element: String,
    /// The value as text (exact decimal).
    pub value: String,
    /// Where it comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// The grid of one department's elements for one org unit over the plan's years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryGrid {
    /// The department.
    pub department: DepartmentId,
    /// The org unit shown.
    pub org_unit: OrgUnitCode,
    /// The periods (columns).
    pub periods: Vec<Period>,
    /// The elements (rows).
    pub elements: Vec<DataElementId>,
    /// Current values: (element, period) → value text.
    pub values: BTreeMap<(String, String), String>,
    /// Who entered each value and from which source: (element, period) → "source · who".
    pub provenance: BTreeMap<(String, String), String>,
}

/// The field name of a grid cell in forms and error messages: `v.{element}.{period}`.
pub fn cell_field(element: &str, period: &str) -> String {
    format!("v.{element}.{period}")
}

/// The years a grid shows: from the plan's baseline year to its last year.
pub fn grid_periods(plan: &Plan) -> Vec<Period> {
    (plan.meta().baseline.year()..=plan.meta().last_year)
        .filter_map(|y| Period::year_of(y).ok())
        .collect()
}

fn require_department(who: &Principal, plan: &Plan, department: &str) -> Result<DepartmentId, AppError> {
    who.require(&Permission::EnterObservations)?;
    let id = DepartmentId::parse(department)
        .ok()
        .filter(|d| plan.department(d).is_some())
        .ok_or_else(|| AppError::NotFound {
            entity: "department".into(),
            id: department.to_owned(),
        })?;
    who.require(&Permission::ActForDepartment(id.as_str()))?;
    Ok(id)
}

fn org_unit_of(plan: &Plan, text: Option<&str>) -> Result<OrgUnitCode, AppError> {
    match text.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(plan.meta().org_unit.clone()),
        Some(t) => OrgUnitCode::parse(t)
            .ok()
            .filter(|c| plan.org_unit(c).is_some())
            .ok_or_else(|| {
                AppError::invalid(
                    "org_unit",
                    format!("计划中没有区划 “{t}”"),
                    format!("no org unit “{t}” in the plan"),
                )
            }),
    }
}

/// The entry grid of `department` for `org_unit` (default: the plan's own).
pub async fn entry_grid(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    department: &str,
    org_unit: Option<&str>,
) -> Result<EntryGrid, AppError> {
    let department = require_department(who, plan, department)?;
    let org_unit = org_unit_of(plan, org_unit)?;
    let periods = grid_periods(plan);
    let elements = department_elements(plan, &department);
    let mut values = BTreeMap::new();
    let mut provenance = BTreeMap::new();
    if let (Some(first), Some(last)) = (periods.first(), periods.last()) {
        let wanted: Vec<String> = elements.iter().map(|e| e.as_str().to_owned()).collect();
        let rows = store
            .observations_in(
                org_unit.as_str(),
                last.end(),
                first.start(),
                last.end(),
                Some(&wanted),
            )
            .await?;
        for r in rows
            .iter()
            .filter(|r| r.record.org_unit_code == org_unit.as_str())
        {
            let key = (r.record.data_element.clone(), r.record.period.clone());
            values.insert(key.clone(), r.record.value.normalize().to_string());
            let who = [r.record.source.as_deref(), r.record.entered_by.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            provenance.insert(key, who);
        }
    }
    Ok(EntryGrid {
        department,
        org_unit,
        periods,
        elements,
        values,
        provenance,
    })
}

/// Checks submitted observations against the plan and the caller's scope; every problem names its field (grid
/// cells: [`cell_field`]) and, for the API, its 1-based position as `row`.
pub fn check_inputs(
    who: &Principal,
    plan: &Plan,
    inputs: &[ObservationInput],
    grid_fields: bool,
) -> Result<Vec<Observation>, AppError> {
    who.require(&Permission::EnterObservations)?;
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(inputs.len());
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    for (i, inp) in inputs.iter().enumerate() {
        let row = u64::try_from(i + 1).unwrap_or(u64::MAX);
        let field = |name: &str| {
            if grid_fields {
                cell_field(inp.data_element.trim(), inp.period.trim())
            } else {
                name.to_owned()
            }
        };
        let err = |name: &str, zh: String, en: String| {
            let e = FieldError::new(field(name), zh, en);
            if grid_fields { e } else { e.at_row(row) }
        };
        let before = errors.len();
        let org = OrgUnitCode::parse(inp.org_unit.trim())
            .ok()
            .filter(|c| plan.org_unit(c).is_some());
        if org.is_none() {
            errors.push(err(
                "org_unit",
                format!("计划中没有区划 “{}”", inp.org_unit),
                format!("no org unit “{}” in the plan", inp.org_unit),
            ));
        }
        let period = Period::parse(inp.period.trim()).ok();
        if period.is_none() {
            errors.push(err(
                "period",
                format!("期间格式不对：“{}”（应为 2019、2019Q3 或 2019-07）", inp.period),
                format!("not a period: “{}” (2019, 2019Q3 or 2019-07)", inp.period),
            ));
        }
        let element = DataElementId::parse(inp.data_element.trim())
            .ok()
            .and_then(|id| plan.data_element(&id).cloned());
        match &element {
            None => errors.push(err(
                "data_element",
                format!("计划中没有数据项 “{}”", inp.data_element),
                format!("no data element “{}” in the plan", inp.data_element),
            )),
            Some(e) => {
                if let ElementSource::Derived(rule) = e.source {
                    errors.push(err(
                        "data_element",
                        format!("“{}” 由台账自动计算（{}），不能填报", e.name_zh, rule.name()),
                        format!(
                            "“{}” is computed from the registries ({}); it cannot be entered",
                            e.name_en,
                            rule.name()
                        ),
                    ));
                } else {
                    let owners = element_departments(plan, &e.id);
                    if !owners
                        .iter()
                        .any(|d| who.can(&Permission::ActForDepartment(d.as_str())))
                    {
                        errors.push(err(
                            "data_element",
                            format!("“{}” 不属于本部门填报的数据", e.name_zh),
                            format!("“{}” is not reported by your department", e.name_en),
                        ));
                    }
                }
            }
        }
        let value = match inp.value.trim().parse::<Decimal>() {
            Ok(v) if v.is_sign_negative() && !v.is_zero() => {
                errors.push(err(
                    "value",
                    "数值不能为负".into(),
                    "the value cannot be negative".into(),
                ));
                None
            }
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(err(
                    "value",
                    format!("不是数字：“{}”（不写单位和千位分隔符）", inp.value),
                    format!("not a number: “{}” (no unit, no thousands separators)", inp.value),
                ));
                None
            }
        };
        let source = inp.source.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if source.is_some_and(|s| s.chars().count() > 200) {
            errors.push(err(
                "source",
                "来源最多 200 个字符".into(),
                "the source has at most 200 characters".into(),
            ));
        }
        if errors.len() > before {
            continue;
        }
        if let (Some(org), Some(period), Some(element), Some(value)) = (org, period, element, value) {
            let key = (
                org.as_str().to_owned(),
                period.to_string(),
                element.id.as_str().to_owned(),
            );
            if let Some(first) = seen.insert(key, i + 1) {
                errors.push(err(
                    "data_element",
                    format!("与第 {first} 条重复"),
                    format!("duplicates entry {first}"),
                ));
                continue;
            }
            out.push(Observation::new(
                org.as_str(),
                period,
                element.id.as_str(),
                value,
                source.map(str::to_owned),
                Some(who.actor_name().to_owned()),
            ));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Upserts observations (all or nothing) by org unit + period + element; returns what changed.
pub async fn upsert(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    inputs: &[ObservationInput],
) -> Result<UpsertCounts, AppError> {
    let rows = check_inputs(who, plan, inputs, false)?;
    write(store, who, &rows).await
}

async fn write(store: &Store, who: &Principal, rows: &[Observation]) -> Result<UpsertCounts, AppError> {
    if rows.is_empty() {
        return Ok(UpsertCounts::default());
    }
    let mut tx = store.begin(who.actor()).await?;
    let counts = tx.upsert_many(rows).await?;
    tx.commit().await?;
    Ok(counts)
}

/// Saves a grid: cells as `v.{element}.{period}` → text. Empty cells and unchanged values are left alone. Only the
/// department's own elements and the grid's periods are accepted.
pub async fn save_grid(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    department: &str,
    org_unit: Option<&str>,
    cells: &BTreeMap<String, String>,
    source: Option<&str>,
) -> Result<UpsertCounts, AppError> {
    let grid = entry_grid(store, who, plan, department, org_unit).await?;
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in cells {
        let Some(rest) = name.strip_prefix("v.") else {
            continue;
        };
        let text = text.trim();
        let Some((element, period)) = rest.split_once('.') else {
            errors.push(FieldError::new(name.clone(), "未知的单元格", "unknown cell"));
            continue;
        };
        let in_grid = grid.elements.iter().any(|e| e.as_str() == element)
            && grid.periods.iter().any(|p| p.to_string() == period);
        if !in_grid {
            errors.push(FieldError::new(
                name.clone(),
                "不属于本表的单元格",
                "not a cell of this grid",
            ));
            continue;
        }
        if text.is_empty()
            || grid
                .values
                .get(&(element.to_owned(), period.to_owned()))
                .map(String::as_str)
                == Some(text)
        {
            continue;
        }
        inputs.push(ObservationInput {
            org_unit: grid.org_unit.as_str().to_owned(),
            period: period.to_owned(),
            data_element: element.to_owned(),
            value: text.to_owned(),
            source: source.map(str::to_owned),
        });
    }
    match check_inputs(who, plan, &inputs, true) {
        Ok(rows) if errors.is_empty() => write(store, who, &rows).await,
        Ok(_) => Err(AppError::Invalid(errors)),
        Err(AppError::Invalid(more)) => {
            errors.extend(more);
            Err(AppError::Invalid(errors))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;

    fn plan() -> Plan {
        plantrack_core::plan::embedded::shuangtaizi().unwrap()
    }

    fn dept(d: &str) -> Principal {
        Principal::User {
            id: 2,
            username: "d".into(),
            role: Role::Department,
            department: Some(d.into()),
            enterprise: None,
            ip: None,
        }
    }

    fn input(element: &str, value: &str) -> ObservationInput {
        ObservationInput {
            org_unit: "211102".into(),
            period: "2019".into(),
            data_element: element.into(),
            value: value.into(),
            source: None,
        }
    }

    #[test]
    fn the_statistics_bureau_enters_gdp() {
        let rows = check_inputs(&dept("tongji"), &plan(), &[input("gdp", "1234.5")], false).unwrap();
        assert_eq!(rows[0].value, "1234.5".parse::<Decimal>().unwrap());
        assert_eq!(rows[0].entered_by.as_deref(), Some("d"));
    }

    #[test]
    fn derived_elements_and_other_departments_data_are_refused() {
        let Err(AppError::Invalid(errs)) = check_inputs(
            &dept("xuanchuan"),
            &plan(),
            &[input("tech_sme_count", "3"), input("gdp", "1")],
            false,
        ) else {
            panic!("expected invalid")
        };
        assert!(errs[0].message_zh.contains("不能填报"), "{errs:?}");
        assert!(
            errs[1].message_en.contains("not reported by your department"),
            "{errs:?}"
        );
        assert_eq!(errs[1].row, Some(2));
    }

    #[test]
    fn bad_cells_are_reported_in_place_and_duplicates_caught() {
        let Err(AppError::Invalid(errs)) = check_inputs(
            &dept("tongji"),
            &plan(),
            &[
                input("gdp", "-1"),
                input("rd_expenditure", "1,000"),
                input("gdp", "2"),
                input("gdp", "3"),
            ],
            true,
        ) else {
            panic!("expected invalid")
        };
        assert_eq!(errs[0].field, "v.gdp.2019");
        assert_eq!(errs[1].field, "v.rd_expenditure.2019");
        assert!(errs[2].message_zh.contains("重复"), "{errs:?}");
    }
}
