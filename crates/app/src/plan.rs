//! The plan in force (规划/行动计划) as the other use cases see it, and what the plan says about who owns which data (a department reports the observed
//! data elements of the targets its tasks serve).

use std::collections::BTreeSet;

use plantrack_core::plan::{DataElementId, DepartmentId, ElementSource, Plan};
use plantrack_store::Store;

use crate::access::{Permission, Principal};
use crate::error::AppError;

/// The plan in force (`status::current_plan`: the stored revision, else the embedded plan; its org-unit tree
/// extended with the store's org units).
pub async fn current_plan(store: &Store) -> Result<Plan, AppError> {
    Ok(crate::status::current_plan(store).await?.plan)
}

/// The plan as published (公开): anyone may read it.
pub fn view_plan<'p>(who: &Principal, plan: &'p Plan) -> Result<&'p Plan, AppError> {
    who.require(&Permission::ViewPublic)?;
    Ok(plan)
}

/// The data elements of a target's indicator.
fn target_elements(plan: &Plan, target: &plantrack_core::plan::TargetId) -> Vec<DataElementId> {
    plan.target(target)
        .and_then(|t| plan.indicator(&t.indicator))
        .map(|i| i.expression.elements().into_iter().cloned().collect())
        .unwrap_or_default()
}

/// The observed data elements a department reports: those behind the targets served by the tasks it leads or
/// co-leads (the plan names no separate data owner; the statistics bureau co-leads the tasks on R&D intensity).
pub fn department_elements(plan: &Plan, department: &DepartmentId) -> Vec<DataElementId> {
    let mut set = BTreeSet::new();
    for task in plan.tasks() {
        if &task.lead == department || task.co.contains(department) {
            for t in &task.serves {
                for e in target_elements(plan, t) {
                    set.insert(e);
                }
            }
        }
    }
    plan.data_elements()
        .iter()
        .filter(|e| matches!(e.source, ElementSource::Observed) && set.contains(&e.id))
        .map(|e| e.id.clone())
        .collect()
}

/// The departments that report a data element.
pub fn element_departments(plan: &Plan, element: &DataElementId) -> Vec<DepartmentId> {
    plan.departments()
        .iter()
        .filter(|d| department_elements(plan, &d.id).contains(element))
        .map(|d| d.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statistics_bureau_reports_gdp_and_rd_expenditure() {
        let plan = plantrack_core::plan::embedded::shuangtaizi().unwrap();
        let tongji = DepartmentId::parse("tongji").unwrap();
        let ids: Vec<String> = department_elements(&plan, &tongji)
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect();
        assert!(ids.contains(&"gdp".to_owned()), "{ids:?}");
        assert!(ids.contains(&"rd_expenditure".to_owned()), "{ids:?}");
        // Derived elements are never entered by hand.
        assert!(!ids.contains(&"tech_sme_count".to_owned()), "{ids:?}");
    }

    #[test]
    fn a_department_without_target_tasks_reports_nothing() {
        let plan = plantrack_core::plan::embedded::shuangtaizi().unwrap();
        let xuanchuan = DepartmentId::parse("xuanchuan").unwrap();
        assert!(department_elements(&plan, &xuanchuan).is_empty());
    }
}
