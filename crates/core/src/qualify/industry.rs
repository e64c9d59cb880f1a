//! 国民经济行业分类 (GB/T 4754-2017): an enterprise's industry code and the section (门类) it belongs to.
//!
//! Owns only what the qualification rules need: the division (大类, two digits) → section (门类, one letter) table,
//! so that "industry in sections B, C or D" (规上工业) and the 加计扣除 negative list can be decided from a code
//! such as `C3511`, `3511` or `35`.

use std::fmt;

/// 门类 of GB/T 4754-2017, with the division ranges (大类 01–97) that belong to it.
const SECTIONS: [(char, u8, u8, &str); 20] = [
    ('A', 1, 5, "农、林、牧、渔业"),
    ('B', 6, 12, "采矿业"),
    ('C', 13, 43, "制造业"),
    ('D', 44, 46, "电力、热力、燃气及水生产和供应业"),
    ('E', 47, 50, "建筑业"),
    ('F', 51, 52, "批发和零售业"),
    ('G', 53, 60, "交通运输、仓储和邮政业"),
    ('H', 61, 62, "住宿和餐饮业"),
    ('I', 63, 65, "信息传输、软件和信息技术服务业"),
    ('J', 66, 69, "金融业"),
    ('K', 70, 70, "房地产业"),
    ('L', 71, 72, "租赁和商务服务业"),
    ('M', 73, 75, "科学研究和技术服务业"),
    ('N', 76, 79, "水利、环境和公共设施管理业"),
    ('O', 80, 82, "居民服务、修理和其他服务业"),
    ('P', 83, 83, "教育"),
    ('Q', 84, 85, "卫生和社会工作"),
    ('R', 86, 90, "文化、体育和娱乐业"),
    ('S', 91, 96, "公共管理、社会保障和社会组织"),
    ('T', 97, 97, "国际组织"),
];

/// An industry code of GB/T 4754-2017: section letter plus 2–4 digits (大类, 中类 or 小类), e.g. `C3511`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndustryCode {
    section: char,
    digits: [u8; 4],
    len: u8,
}

/// Why a string is not a GB/T 4754-2017 code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndustryCodeError {
    #[error(
        "行业代码 '{0}' 格式不对，应为门类字母加 2–4 位数字（如 C3511）或 2–4 位数字 / industry code '{0}' must be a section \
         letter and 2–4 digits (e.g. C3511) or 2–4 digits"
    )]
    Format(String),
    #[error(
        "行业代码 '{0}' 的大类不存在于 GB/T 4754-2017 / industry code '{0}': no such division in GB/T 4754-2017"
    )]
    UnknownDivision(String),
    #[error(
        "行业代码 '{code}' 的门类字母应为 {expected}（大类 {division} 属于 {expected} 门类） / industry code '{code}': \
         division {division} belongs to section {expected}"
    )]
    SectionMismatch {
        code: String,
        expected: char,
        division: u8,
    },
}

impl IndustryCode {
    /// Parses `C3511`, `c3511`, `3511`, `C35` or `35`. A given section letter must agree with the division.
    pub fn parse(s: &str) -> Result<Self, IndustryCodeError> {
        let t = s.trim();
        let (letter, rest) = match t.chars().next() {
            // An ASCII letter is one byte, so byte 1 is the next character's boundary.
            Some(c) if c.is_ascii_alphabetic() => (Some(c.to_ascii_uppercase()), &t[1..]),
            _ => (None, t),
        };
        if !(2..=4).contains(&rest.len()) || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IndustryCodeError::Format(s.to_owned()));
        }
        let b = rest.as_bytes();
        let division = (b[0] - b'0') * 10 + (b[1] - b'0');
        let section = SECTIONS
            .iter()
            .find(|(_, lo, hi, _)| (*lo..=*hi).contains(&division))
            .map(|(c, ..)| *c)
            .ok_or_else(|| IndustryCodeError::UnknownDivision(s.to_owned()))?;
        if let Some(l) = letter
            && l != section
        {
            return Err(IndustryCodeError::SectionMismatch {
                code: s.to_owned(),
                expected: section,
                division,
            });
        }
        let mut digits = [0u8; 4];
        digits[..b.len()].copy_from_slice(b);
        Ok(IndustryCode {
            section,
            digits,
            len: b.len() as u8,
        })
    }

    /// 门类 letter (A–T).
    pub fn section(&self) -> char {
        self.section
    }

    /// 大类 (two-digit division), 1–97.
    pub fn division(&self) -> u8 {
        (self.digits[0] - b'0') * 10 + (self.digits[1] - b'0')
    }

    /// The section's Chinese name (门类名称).
    pub fn section_name(&self) -> &'static str {
        SECTIONS
            .iter()
            .find(|(c, ..)| *c == self.section)
            .map_or("", |s| s.3)
    }

    /// 工业 in the statistical sense: sections B (采矿业), C (制造业), D (电力、热力、燃气及水生产和供应业).
    pub fn is_industrial(&self) -> bool {
        matches!(self.section, 'B' | 'C' | 'D')
    }

    /// 制造业 (section C).
    pub fn is_manufacturing(&self) -> bool {
        self.section == 'C'
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.section)?;
        for d in &self.digits[..usize::from(self.len)] {
            write!(f, "{}", char::from(*d))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_with_and_without_letter_resolve_to_the_same_section() {
        let a = IndustryCode::parse("C3511").unwrap();
        let b = IndustryCode::parse("3511").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.section(), 'C');
        assert_eq!(a.to_string(), "C3511");
        assert!(a.is_industrial() && a.is_manufacturing());
    }

    #[test]
    fn section_borders_follow_gb_t_4754_2017() {
        for (code, section) in [
            ("05", 'A'),
            ("06", 'B'),
            ("12", 'B'),
            ("13", 'C'),
            ("43", 'C'),
            ("44", 'D'),
            ("46", 'D'),
            ("47", 'E'),
        ] {
            assert_eq!(IndustryCode::parse(code).unwrap().section(), section, "{code}");
        }
        assert_eq!(IndustryCode::parse("5123").unwrap().section(), 'F');
        assert_eq!(IndustryCode::parse("90").unwrap().section(), 'R');
    }

    #[test]
    fn bad_codes_are_rejected_with_a_reason() {
        assert!(matches!(
            IndustryCode::parse("X"),
            Err(IndustryCodeError::Format(_))
        ));
        assert!(matches!(
            IndustryCode::parse("C35111"),
            Err(IndustryCodeError::Format(_))
        ));
        assert!(matches!(
            IndustryCode::parse("00"),
            Err(IndustryCodeError::UnknownDivision(_))
        ));
        assert!(matches!(
            IndustryCode::parse("98"),
            Err(IndustryCodeError::UnknownDivision(_))
        ));
        assert!(matches!(
            IndustryCode::parse("F3511"),
            Err(IndustryCodeError::SectionMismatch {
                expected: 'C',
                division: 35,
                ..
            })
        ));
    }
}
