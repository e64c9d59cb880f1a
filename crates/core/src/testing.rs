//! Small plans and data for tests of the engines (compiled only for tests).

use rust_decimal::Decimal;

use crate::indicator::Observations;
use crate::period::Period;
use crate::plan::{DataElementId, OrgUnitCode, Plan};

/// A province (210000) with one city (211100) of two districts (211102, 211103), a flow pair for ratios
/// (`num`, `den`), a stock (`count`), and indicators `ratio = num / den * 100`, `count`, `growth = yoy(ytd(num))`,
/// `total = cum(num)`; plan period 2018–2020, baseline 2017. `extra` is appended (more targets).
pub fn mini_plan(extra: &str) -> Plan {
    let text = format!(
        r#"
schema = 1
[plan]
id = "mini"
title_zh = "测试"
title_en = "test"
issuing_body_zh = "局"
issuing_body_en = "bureau"
adopting_body_zh = "政府"
adopting_body_en = "government"
first_year = 2018
last_year = 2020
baseline = "2017"
org_unit = "211102"

[[org_units]]
code = "210000"
name_zh = "省"
name_en = "province"
[[org_units]]
code = "211100"
name_zh = "市"
name_en = "city"
parent = "210000"
[[org_units]]
code = "211102"
name_zh = "区一"
name_en = "district one"
parent = "211100"
[[org_units]]
code = "211103"
name_zh = "区二"
name_en = "district two"
parent = "211100"

[[data_elements]]
id = "num"
name_zh = "分子"
name_en = "numerator"
kind = "flow"
unit = "万元"
[[data_elements]]
id = "den"
name_zh = "分母"
name_en = "denominator"
kind = "flow"
unit = "万元"
[[data_elements]]
id = "count"
name_zh = "个数"
name_en = "count"
kind = "stock"
unit = "家"

[[indicators]]
id = "ratio"
name_zh = "比重"
name_en = "ratio"
unit = "%"
expression = "num / den * 100"
[[indicators]]
id = "count"
name_zh = "个数"
name_en = "count"
unit = "家"
expression = "count"
[[indicators]]
id = "growth"
name_zh = "增速"
name_en = "growth"
unit = "%"
expression = "yoy(ytd(num))"
[[indicators]]
id = "total"
name_zh = "累计"
name_en = "cumulative"
unit = "万元"
expression = "cum(num)"

{extra}
"#
    );
    Plan::from_toml(&text, "mini.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Builds observations from `(org, period, element, value)` rows.
pub fn data(rows: &[(&str, &str, &str, &str)]) -> Observations {
    let mut t = Observations::new();
    for (o, p, e, v) in rows {
        t.insert(
            OrgUnitCode::parse(o).unwrap(),
            Period::parse(p).unwrap(),
            DataElementId::parse(e).unwrap(),
            v.parse::<Decimal>().unwrap(),
        )
        .unwrap();
    }
    t
}
