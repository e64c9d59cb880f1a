//! 统一社会信用代码 (unified social credit code), GB 32100-2015.
//!
//! Owns the 18-character code: its 31-character alphabet (digits and upper-case letters without I, O, Z, S, V),
//! the six-digit 登记管理机关行政区划码 at positions 3–8 and the check digit at position 18. The nine characters at
//! positions 9–17 are the organisation code (组织机构代码) of GB 11714-1997, whose own check digit is only reported as
//! a warning: codes issued to bodies without a prior organisation code do not always satisfy it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// GB 32100-2015 §4.1: the code alphabet, in value order (value = index).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100-2015 §4.3: weight of position i (1-based) is 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// GB 11714-1997: weights of the eight body characters of the organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A valid 统一社会信用代码 (GB 32100-2015). Stored as its 18 ASCII bytes; `Copy` so that verdicts can carry it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uscc([u8; 18]);

/// Why a string is not a 统一社会信用代码. Positions are 1-based, as printed on the licence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error(
        "统一社会信用代码应为 18 位，实为 {found} 位 / a unified social credit code has 18 characters, found {found}"
    )]
    Length { found: usize },
    #[error(
        "统一社会信用代码第 {position} 位的 '{found}' 不在代码字符集中（不得使用 I、O、Z、S、V 及小写以外的符号） / \
         character '{found}' at position {position} is not in the GB 32100 alphabet (no I, O, Z, S, V)"
    )]
    Character { position: usize, found: char },
    #[error(
        "统一社会信用代码第 {position} 位应为数字（第 3–8 位为登记管理机关行政区划码），实为 '{found}' / \
         position {position} must be a digit (positions 3–8 are the administrative-division code), found '{found}'"
    )]
    RegionDigit { position: usize, found: char },
    #[error(
        "统一社会信用代码第 18 位校验码应为 '{expected}'，实为 '{found}' / check digit at position 18 should be \
         '{expected}', found '{found}'"
    )]
    CheckDigit { expected: char, found: char },
}

/// A doubt about a code that is otherwise valid: reported, never fatal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccWarning {
    /// The organisation code at positions 9–17 fails its GB 11714 check (its check digit is position 17).
    OrganisationCheck { expected: char, found: char },
}

impl fmt::Display for UsccWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsccWarning::OrganisationCheck { expected, found } => write!(
                f,
                "第 9–17 位组织机构代码的校验码（第 17 位）按 GB 11714 应为 '{expected}'，实为 '{found}' / the embedded \
                 organisation code fails its GB 11714 check: position 17 should be '{expected}', found '{found}'"
            ),
        }
    }
}

fn value_of(byte: u8) -> Option<u32> {
    ALPHABET.iter().position(|&b| b == byte).map(|v| v as u32)
}

/// GB 32100-2015 §4.3: C18 = 31 − (Σ Ci·Wi mod 31), where 31 maps to 0.
fn check_char(first17: &[u8; 17]) -> Option<u8> {
    let mut sum = 0u32;
    for (b, w) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*b)? * w;
    }
    let c = (31 - sum % 31) % 31;
    Some(ALPHABET[c as usize])
}

/// GB 11714-1997: C9 = 11 − (Σ Ci·Wi mod 11); 10 is written 'X', 11 is written '0'. Letters count 10–35.
fn organisation_check_char(body: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (b, w) in body.iter().zip(ORG_WEIGHTS) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        c => b'0' + c as u8,
    })
}

impl Uscc {
    /// Parses a code. Surrounding whitespace is ignored and lower-case letters are accepted as upper-case (forms
    /// and spreadsheets often carry both); anything else that is not GB 32100 is an error naming the position.
    pub fn parse(s: &str) -> Result<Self, UsccError> {
        let s = s.trim();
        let found = s.chars().count();
        if found != 18 {
            return Err(UsccError::Length { found });
        }
        let mut bytes = [0u8; 18];
        for (i, ch) in s.chars().enumerate() {
            let up = ch.to_ascii_uppercase();
            if !up.is_ascii() || value_of(up as u8).is_none() {
                return Err(UsccError::Character {
                    position: i + 1,
                    found: ch,
                });
            }
            bytes[i] = up as u8;
        }
        for (i, b) in bytes.iter().enumerate().take(8).skip(2) {
            if !b.is_ascii_digit() {
                return Err(UsccError::RegionDigit {
                    position: i + 1,
                    found: char::from(*b),
                });
            }
        }
        let mut first17 = [0u8; 17];
        first17.copy_from_slice(&bytes[..17]);
        // Every byte is in the alphabet by now, so the check character exists.
        let expected = check_char(&first17).unwrap_or(b'0');
        if bytes[17] != expected {
            return Err(UsccError::CheckDigit {
                expected: char::from(expected),
                found: char::from(bytes[17]),
            });
        }
        Ok(Uscc(bytes))
    }

    /// Completes 17 characters with their GB 32100 check digit (for generating test and demo codes).
    pub fn with_check_digit(first17: &str) -> Result<Self, UsccError> {
        let len = first17.trim().chars().count();
        if len != 17 {
            return Err(UsccError::Length { found: len + 1 });
        }
        let mut probe = String::with_capacity(18);
        probe.push_str(first17.trim());
        probe.push('0');
        match Self::parse(&probe) {
            Ok(code) => Ok(code),
            Err(UsccError::CheckDigit { expected, .. }) => {
                probe.pop();
                probe.push(expected);
                Self::parse(&probe)
            }
            Err(e) => Err(e),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only bytes of the ASCII alphabet are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// 登记管理部门代码 (position 1), e.g. '9' for 工商 (market regulation).
    pub fn registration_authority(&self) -> char {
        char::from(self.0[0])
    }

    /// 登记管理机关行政区划码 (positions 3–8, GB/T 2260).
    pub fn region_code(&self) -> &str {
        &self.as_str()[2..8]
    }

    /// 组织机构代码 (positions 9–17, GB 11714).
    pub fn organisation_code(&self) -> &str {
        &self.as_str()[8..17]
    }

    /// GB 11714 check of the embedded organisation code, as a warning.
    pub fn warnings(&self) -> Option<UsccWarning> {
        let expected = organisation_check_char(&self.0[8..16])?;
        let found = self.0[16];
        (expected != found).then(|| UsccWarning::OrganisationCheck {
            expected: char::from(expected),
            found: char::from(found),
        })
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.as_str())
    }
}

impl FromStr for Uscc {
    type Err = UsccError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Uscc::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // A code printed in GB 32100-2015 explanatory material and on public licences.
    const KNOWN: &str = "91350100M000100Y43";

    #[test]
    fn a_published_code_is_accepted() {
        let code = Uscc::parse(KNOWN).unwrap();
        assert_eq!(code.as_str(), KNOWN);
        assert_eq!(code.region_code(), "350100");
        assert_eq!(code.organisation_code(), "M000100Y4");
        assert_eq!(code.registration_authority(), '9');
    }

    #[test]
    fn lower_case_and_spaces_are_normalised() {
        let code = Uscc::parse(" 91350100m000100y43 ").unwrap();
        assert_eq!(code.as_str(), KNOWN);
    }

    #[test]
    fn credit_code_with_bad_check_digit_is_rejected() {
        let err = Uscc::parse("91350100M000100Y44").unwrap_err();
        assert_eq!(
            err,
            UsccError::CheckDigit {
                expected: '3',
                found: '4'
            }
        );
        assert!(err.to_string().contains("第 18 位"));
    }

    #[test]
    fn wrong_length_is_rejected_with_the_length() {
        assert_eq!(
            Uscc::parse("91350100M000100Y4").unwrap_err(),
            UsccError::Length { found: 17 }
        );
        assert_eq!(Uscc::parse("").unwrap_err(), UsccError::Length { found: 0 });
    }

    #[test]
    fn letters_outside_the_alphabet_name_their_position() {
        for (bad, pos) in [
            ('I', 9),
            ('O', 10),
            ('Z', 11),
            ('S', 12),
            ('V', 13),
            ('-', 14),
            ('中', 15),
        ] {
            let mut s: Vec<char> = KNOWN.chars().collect();
            s[pos - 1] = bad;
            let s: String = s.into_iter().collect();
            assert_eq!(
                Uscc::parse(&s).unwrap_err(),
                UsccError::Character {
                    position: pos,
                    found: bad
                }
            );
        }
    }

    #[test]
    fn region_code_must_be_digits() {
        let err = Uscc::with_check_digit("913A0100M000100Y4").unwrap_err();
        assert_eq!(
            err,
            UsccError::RegionDigit {
                position: 4,
                found: 'A'
            }
        );
    }

    #[test]
    fn embedded_organisation_code_is_checked_as_a_warning() {
        // M000100Y4: GB 11714 check of M000100Y is 4 — no warning.
        assert_eq!(Uscc::parse(KNOWN).unwrap().warnings(), None);
        // Change the organisation body but recompute the GB 32100 check digit: valid code, failing org check.
        let code = Uscc::with_check_digit("91350100M000100Y5").unwrap();
        assert_eq!(
            code.warnings(),
            Some(UsccWarning::OrganisationCheck {
                expected: '4',
                found: '5'
            })
        );
    }

    #[test]
    fn serde_round_trips_and_rejects_bad_codes() {
        let code: Uscc = serde_json::from_str(&format!("\"{KNOWN}\"")).unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{KNOWN}\""));
        assert!(serde_json::from_str::<Uscc>("\"91350100M000100Y44\"").is_err());
    }

    fn alphabet_char() -> impl Strategy<Value = char> {
        (0usize..31).prop_map(|i| char::from(ALPHABET[i]))
    }

    proptest! {
        #[test]
        fn completed_codes_always_parse(
            head in proptest::collection::vec(alphabet_char(), 2),
            region in "[0-9]{6}",
            tail in proptest::collection::vec(alphabet_char(), 9),
        ) {
            let first17: String = head.into_iter().chain(region.chars()).chain(tail).collect();
            let code = Uscc::with_check_digit(&first17).unwrap();
            prop_assert_eq!(&code.as_str()[..17], first17.as_str());
            prop_assert_eq!(Uscc::parse(code.as_str()).unwrap(), code);
        }

        #[test]
        fn any_single_substitution_is_detected(
            region in "[0-9]{6}",
            tail in proptest::collection::vec(alphabet_char(), 9),
            pos in 0usize..18,
            delta in 1u32..31,
        ) {
            // A weighted mod-31 check with weights coprime to 31 catches every single-character error.
            let first17: String = "91".chars().chain(region.chars()).chain(tail).collect();
            let code = Uscc::with_check_digit(&first17).unwrap();
            let mut bytes = code.0;
            let v = value_of(bytes[pos]).unwrap();
            bytes[pos] = ALPHABET[((v + delta) % 31) as usize];
            let s = std::str::from_utf8(&bytes).unwrap();
            prop_assert!(Uscc::parse(s).is_err());
        }
    }
}
