//! Identifiers of the things a plan names: org units (GB/T 2260 codes) and the plan's own ids for data
//! elements, indicators, targets, goals, departments, task areas, tasks and safeguard measures.
//!
//! Every id is a newtype with a private field, built by `parse`, so that a misspelt id is refused at the edge
//! (plan file, CSV, URL) and the rest of the code can trust it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a text is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// An org-unit code that is not six ASCII digits.
    #[error("区划代码应为6位数字(GB/T 2260) / org-unit code must be 6 digits per GB/T 2260: {0:?}")]
    OrgUnitCode(String),
    /// Six digits, but the first two are no province of GB/T 2260.
    #[error(
        "区划代码的前两位不是已知的省级代码(GB/T 2260) / org-unit code has an unknown province prefix {prefix:?} (GB/T 2260): {text:?}"
    )]
    OrgUnitProvince {
        /// The first two digits.
        prefix: String,
        /// The code given.
        text: String,
    },
    /// Six digits with a known province, but a county pair under a `00` prefecture pair (`210011`).
    #[error(
        "区划代码不成立:地级两位为00时县级两位也须为00(GB/T 2260) / org-unit code is not a GB/T 2260 code: a county pair under prefecture pair 00: {0:?}"
    )]
    OrgUnitCounty(String),
    /// A plan id that is not `lower_snake_case` ASCII.
    #[error(
        "{kind}标识应为小写字母开头的 a-z、0-9、_ 组合(最长64) / {kind} id must be lower_snake_case ASCII starting with a letter (at most 64): {text:?}"
    )]
    Ident {
        /// What kind of id was expected (e.g. `target`).
        kind: &'static str,
        /// The text given.
        text: String,
    },
}

/// Administrative division code (行政区划代码) per GB/T 2260: six digits, `PPCCDD` — province, prefecture,
/// county. `210000` 辽宁省, `211100` 盘锦市, `211102` 双台子区.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgUnitCode(String);

/// Province-level prefixes in use (GB/T 2260-2007 and its updates): the first two digits of every code.
const PROVINCE_PREFIXES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
];

/// The administrative level a GB/T 2260 code denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitLevel {
    /// 省级 (code ends in `0000`)
    Province,
    /// 地级 (code ends in `00`)
    Prefecture,
    /// 县级 (区、县、县级市)
    County,
}

impl OrgUnitCode {
    /// Reads a six-digit code with a known province prefix.
    pub fn parse(text: &str) -> Result<OrgUnitCode, IdError> {
        let t = text.trim();
        if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::OrgUnitCode(text.to_string()));
        }
        // Six ASCII digits: every byte index below is a character boundary.
        let (province, prefecture, county) = (&t[..2], &t[2..4], &t[4..]);
        if !PROVINCE_PREFIXES.contains(&province) {
            return Err(IdError::OrgUnitProvince {
                prefix: province.to_string(),
                text: text.to_string(),
            });
        }
        // A county digit pair under a `00` prefecture pair is not a code (`210011`).
        if prefecture == "00" && county != "00" {
            return Err(IdError::OrgUnitCounty(text.to_string()));
        }
        Ok(OrgUnitCode(t.to_string()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Province, prefecture or county, read from the code's trailing zeros.
    pub fn level(&self) -> OrgUnitLevel {
        if self.0.ends_with("0000") {
            OrgUnitLevel::Province
        } else if self.0.ends_with("00") {
            OrgUnitLevel::Prefecture
        } else {
            OrgUnitLevel::County
        }
    }

    /// The code of the unit one level up that the numbering implies (`211102` → `211100` → `210000`).
    /// Directly administered units (e.g. a county-level city under the province, `xx90xx`) still map to the
    /// implied prefecture; the plan file's explicit parent link is authoritative.
    pub fn implied_parent(&self) -> Option<OrgUnitCode> {
        // `parse` admits six ASCII digits only, so these byte slices are on character boundaries.
        match self.level() {
            OrgUnitLevel::Province => None,
            OrgUnitLevel::Prefecture => Some(OrgUnitCode(format!("{}0000", &self.0[..2]))),
            OrgUnitLevel::County => Some(OrgUnitCode(format!("{}00", &self.0[..4]))),
        }
    }
}

impl fmt::Display for OrgUnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for OrgUnitCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgUnitCode::parse(s)
    }
}

impl Serialize for OrgUnitCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OrgUnitCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Accept `211102` written as a TOML/JSON integer as well as a string.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Text(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Int(n) => n.to_string(),
            Raw::Text(t) => t,
        };
        OrgUnitCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn is_ident(t: &str) -> bool {
    let mut bytes = t.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && t.len() <= 64
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

macro_rules! plan_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Reads a `lower_snake_case` ASCII id (letter first, then letters, digits, `_`; at most 64).
            pub fn parse(text: &str) -> Result<$name, IdError> {
                if is_ident(text) {
                    Ok($name(text.to_string()))
                } else {
                    Err(IdError::Ident { kind: $kind, text: text.to_string() })
                }
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

plan_id!(
    /// A data element (数据项): one number reported or derived per org unit and period, e.g. `gdp`,
    /// `rd_expenditure`, `tech_sme_count`. Also the name used in indicator expressions.
    DataElementId,
    "数据项 data element"
);
plan_id!(
    /// An indicator (指标): an expression over data elements, e.g. `rd_intensity`.
    IndicatorId,
    "指标 indicator"
);
plan_id!(
    /// A quantitative target (量化目标), e.g. `rd_intensity`, `tech_smes`.
    TargetId,
    "目标 target"
);
plan_id!(
    /// A qualitative goal (定性目标) tracked by records, e.g. `key_technologies`.
    GoalId,
    "定性目标 goal"
);
plan_id!(
    /// A department (部门/单位), e.g. `jingxin` for 区经信局.
    DepartmentId,
    "部门 department"
);
plan_id!(
    /// One of the key-task areas (重点任务方面), e.g. `cultivate_entities`.
    TaskAreaId,
    "任务方面 task area"
);
plan_id!(
    /// A task (任务/督办事项), e.g. `t1_high_tech_cultivation`.
    TaskId,
    "任务 task"
);
plan_id!(
    /// A safeguard measure (保障措施), e.g. `coordination`.
    SafeguardId,
    "保障措施 safeguard"
);
plan_id!(
    /// A plan (规划/行动计划) as a whole, e.g. `shuangtaizi_2018_2020`.
    PlanId,
    "计划 plan"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_unit_codes_of_the_plan_parse_with_their_level() {
        let c = OrgUnitCode::parse("211102").unwrap();
        assert_eq!(c.level(), OrgUnitLevel::County);
        assert_eq!(c.implied_parent().unwrap().as_str(), "211100");
        let city = OrgUnitCode::parse("211100").unwrap();
        assert_eq!(city.level(), OrgUnitLevel::Prefecture);
        assert_eq!(city.implied_parent().unwrap().as_str(), "210000");
        let prov = OrgUnitCode::parse("210000").unwrap();
        assert_eq!(prov.level(), OrgUnitLevel::Province);
        assert_eq!(prov.implied_parent(), None);
    }

    #[test]
    fn bad_org_unit_codes_are_rejected() {
        for bad in ["21110", "2111020", "99 1102", "991102", "21A102", "210011", ""] {
            assert!(OrgUnitCode::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn the_error_says_which_part_of_an_org_unit_code_is_wrong() {
        let unknown = OrgUnitCode::parse("999999").unwrap_err();
        assert!(matches!(&unknown, IdError::OrgUnitProvince { prefix, .. } if prefix == "99"));
        assert!(!unknown.to_string().contains("6 digits"), "{unknown}");
        assert!(unknown.to_string().contains("province prefix"), "{unknown}");
        assert!(matches!(
            OrgUnitCode::parse("210011"),
            Err(IdError::OrgUnitCounty(_))
        ));
        assert!(matches!(
            OrgUnitCode::parse("21110"),
            Err(IdError::OrgUnitCode(_))
        ));
        assert!(matches!(
            OrgUnitCode::parse("二一一一〇二"),
            Err(IdError::OrgUnitCode(_))
        ));
    }

    #[test]
    fn org_unit_codes_deserialize_from_integers_and_strings() {
        let a: OrgUnitCode = serde_json::from_str("211102").unwrap();
        let b: OrgUnitCode = serde_json::from_str("\"211102\"").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn plan_ids_are_lower_snake_case() {
        assert!(TargetId::parse("rd_intensity").is_ok());
        assert!(DataElementId::parse("above_scale_tech_industrial_with_rd").is_ok());
        for bad in ["RD", "1abc", "rd-intensity", "rd intensity", "", "研发"] {
            assert!(TargetId::parse(bad).is_err(), "{bad} accepted");
        }
        let err = DataElementId::parse("GDP").unwrap_err().to_string();
        assert!(err.contains("data element") && err.contains("GDP"), "{err}");
    }
}
