//! Normalisation of a policy text (文本规范化): pinyin glosses out, traditional → simplified, full-width ASCII
//! folded — with an [`OffsetMap`] from every position of the normalised text back to the original.
//!
//! Why each step:
//! - Mirror sites render simplified pages in traditional characters and gloss the converted characters with
//!   pinyin (`區(qū)`); the gloss is noise for matching and for people. It is removed only where lowercase pinyin
//!   (1–6 letters, tone marks as precomposed vowels, a real pinyin syllable) directly follows a CJK character, so
//!   real parentheses (`(GDP)`, `(R&D)`, `(一)`, `(2018—2020年)`, `(區經信局)`) survive.
//! - Traditional → simplified uses ferrous-opencc's `T2s` configuration (OpenCC's own phrase and character
//!   dictionaries, compiled into the binary, Apache-2.0, pure Rust). Every `T2s` dictionary entry has the same
//!   number of characters on both sides, so the conversion maps character *i* to character *i* and the offset map
//!   stays exact.
//! - Full-width ASCII variants (`，` `（` `）` `：` `％` `１２３`, U+FF01–U+FF5E, and the ideographic space) fold to
//!   ASCII, so that one set of patterns matches both spellings. CJK punctuation without an ASCII twin (`。` `、`
//!   `《》` `“”` `—`) stays. `\r\n` becomes `\n`.

use std::sync::OnceLock;

use ferrous_opencc::{OpenCC, config::BuiltinConfig};

/// A normalised text with its way back to the original (规范化文本).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedText {
    text: String,
    map: OffsetMap,
}

impl NormalizedText {
    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The map from byte offsets of the normalised text to byte offsets of the original.
    pub fn offsets(&self) -> &OffsetMap {
        &self.map
    }

    /// The original byte range of the normalised byte range `start..end` (both on char boundaries).
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.map.to_original_start(start);
        let e = if end > start {
            self.map.to_original_end(end)
        } else {
            s
        };
        (s, e.max(s))
    }

    pub fn into_string(self) -> String {
        self.text
    }
}

/// Maps byte offsets of the normalised text to byte offsets of the original text.
///
/// Stored as runs: inside a run every character has the same byte length in both texts and nothing was deleted,
/// so `original = run.original + (normalised - run.normalised)`. A run breaks at each deletion (a gloss, a `\r`)
/// and wherever a character changes its byte length (full-width → ASCII). Memory is proportional to the number
/// of such breaks, not to the text length.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OffsetMap {
    runs: Vec<Run>,
    normalized_len: usize,
    original_len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    normalized: usize,
    original: usize,
    /// Byte length of each character in the normalised text and in the original, for the whole run.
    norm_char_len: u8,
    orig_char_len: u8,
}

impl OffsetMap {
    fn push_char(&mut self, original: usize, orig_len: usize, norm_len: usize) {
        let normalized = self.normalized_len;
        let continues = self.runs.last().is_some_and(|r| {
            usize::from(r.norm_char_len) == norm_len
                && usize::from(r.orig_char_len) == orig_len
                && norm_len == orig_len
                && r.original + (normalized - r.normalized) == original
        });
        if !continues {
            self.runs.push(Run {
                normalized,
                original,
                norm_char_len: u8::try_from(norm_len).unwrap_or(4),
                orig_char_len: u8::try_from(orig_len).unwrap_or(4),
            });
        }
        self.normalized_len += norm_len;
        self.original_len = self.original_len.max(original + orig_len);
    }

    fn run_index(&self, normalized: usize) -> Option<usize> {
        match self.runs.binary_search_by(|r| r.normalized.cmp(&normalized)) {
            Ok(i) => Some(i),
            Err(0) => None,
            Err(i) => Some(i - 1),
        }
    }

    fn char_start(run: &Run, normalized: usize) -> usize {
        // Within a run both sides advance together; a run with differing char lengths holds one character.
        if run.norm_char_len == run.orig_char_len {
            run.original + (normalized - run.normalized)
        } else {
            let chars = (normalized - run.normalized) / usize::from(run.norm_char_len.max(1));
            run.original + chars * usize::from(run.orig_char_len)
        }
    }

    /// Original offset of the character that starts at `normalized` (or of the end, at the end).
    pub fn to_original_start(&self, normalized: usize) -> usize {
        if normalized >= self.normalized_len {
            return self.original_len;
        }
        match self.run_index(normalized).and_then(|i| self.runs.get(i)) {
            Some(run) => Self::char_start(run, normalized),
            None => 0,
        }
    }

    /// Original offset just after the character that ends at `normalized`: the end of a span never takes in a
    /// gloss that followed its last character.
    pub fn to_original_end(&self, normalized: usize) -> usize {
        if normalized == 0 {
            return 0;
        }
        let last = normalized.min(self.normalized_len).saturating_sub(1);
        match self.run_index(last).and_then(|i| self.runs.get(i)) {
            Some(run) => {
                let norm_len = usize::from(run.norm_char_len.max(1));
                let char_begin = run.normalized + (last - run.normalized) / norm_len * norm_len;
                Self::char_start(run, char_begin) + usize::from(run.orig_char_len)
            }
            None => 0,
        }
    }

    /// Length of the normalised text in bytes.
    pub fn normalized_len(&self) -> usize {
        self.normalized_len
    }
}

fn converter() -> Option<&'static OpenCC> {
    static T2S: OnceLock<Option<OpenCC>> = OnceLock::new();
    T2S.get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok())
        .as_ref()
}

/// Normalises a policy text: glosses out, traditional → simplified, full-width ASCII folded, `\r\n` → `\n`.
pub fn normalize(original: &str) -> NormalizedText {
    // Step 1: drop glosses and carriage returns, remembering each kept character's original offset.
    let mut kept = String::with_capacity(original.len());
    let mut kept_offsets: Vec<(usize, u8)> = Vec::with_capacity(original.len() / 2);
    let mut prev_is_cjk = false;
    let mut iter = original.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if prev_is_cjk
            && (c == '(' || c == '（')
            && let Some(len) = gloss_len(&original[i..])
        {
            // Skip the whole gloss; the CJK character before it stays the "previous" one.
            while iter.peek().is_some_and(|&(j, _)| j < i + len) {
                iter.next();
            }
            continue;
        }
        if c == '\r' && iter.peek().is_some_and(|&(_, n)| n == '\n') {
            continue;
        }
        prev_is_cjk = is_cjk(c);
        kept.push(c);
        kept_offsets.push((i, u8::try_from(c.len_utf8()).unwrap_or(4)));
    }

    // Step 2: traditional → simplified, only where there is anything Han to convert.
    let simplified = to_simplified(&kept);

    // Step 3: fold full-width forms while building the offset map.
    let mut text = String::with_capacity(simplified.len());
    let mut map = OffsetMap::default();
    for (c, &(orig, orig_len)) in simplified.chars().zip(kept_offsets.iter()) {
        let folded = fold_char(c);
        text.push(folded);
        map.push_char(orig, usize::from(orig_len), folded.len_utf8());
    }
    map.original_len = original.len();
    NormalizedText { text, map }
}

/// Traditional → simplified with the same number of characters as the input.
fn to_simplified(text: &str) -> String {
    let Some(cc) = converter() else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len());
    // Convert line by line: bounded work per call, and ASCII-only lines skip the dictionaries.
    for line in text.split_inclusive('\n') {
        if line.is_ascii() {
            out.push_str(line);
            continue;
        }
        let converted = cc.convert(line);
        if converted.chars().count() == line.chars().count() {
            out.push_str(&converted);
        } else {
            // Never expected (the T2s dictionaries are length-preserving), but the offset map must stay exact:
            // convert character by character instead.
            for c in line.chars() {
                let mut buf = [0u8; 4];
                let single = cc.convert(c.encode_utf8(&mut buf));
                let mut chars = single.chars();
                match (chars.next(), chars.next()) {
                    (Some(s), None) => out.push(s),
                    _ => out.push(c),
                }
            }
        }
    }
    out
}

/// Full-width ASCII variants and the ideographic space → ASCII; everything else unchanged.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Is `c` a CJK ideograph (the characters a gloss may follow)?
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{3007}')
}

/// If `s` starts with a pinyin gloss — `(` or `（`, one pinyin syllable of 1–6 lowercase letters, `)` or `）` —
/// its byte length.
fn gloss_len(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    let (_, open) = chars.next()?;
    if open != '(' && open != '（' {
        return None;
    }
    let mut syllable = String::new();
    for (i, c) in chars {
        if c == ')' || c == '）' {
            return is_pinyin_syllable(&syllable).then_some(i + c.len_utf8());
        }
        if syllable.chars().count() >= 6 {
            return None;
        }
        syllable.push(base_letter(c)?);
    }
    None
}

/// The toneless letter of a lowercase pinyin letter (`ā` → `a`, `ü` → `v`), or `None`.
fn base_letter(c: char) -> Option<char> {
    Some(match c {
        'a'..='z' => c,
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' | 'ê' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'v',
        'ń' | 'ň' | 'ǹ' => 'n',
        'ḿ' => 'm',
        _ => return None,
    })
}

const INITIALS: [&str; 23] = [
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c",
    "s", "y", "w",
];

const FINALS: [&str; 38] = [
    "a", "o", "e", "i", "u", "v", "ai", "ei", "ui", "ao", "ou", "iu", "ie", "ve", "ue", "er", "an", "en",
    "in", "un", "vn", "ang", "eng", "ing", "ong", "ia", "iao", "ian", "iang", "iong", "ua", "uo", "uai",
    "uan", "uang", "van", "io", "ueng",
];

/// Is `s` (toneless, `ü` as `v`) one pinyin syllable? Keeps `(km)` or `(ppm)` after a Chinese word as they are.
fn is_pinyin_syllable(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    if matches!(s, "m" | "n" | "ng" | "hm" | "hng" | "ê") {
        return true;
    }
    if FINALS.contains(&s) {
        return true;
    }
    INITIALS
        .iter()
        .any(|i| s.strip_prefix(i).is_some_and(|rest| FINALS.contains(&rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_ORIGINAL: &str = include_str!("../tests/fixtures/seed/plan-explanation.original.txt");
    const SEED_SIMPLIFIED: &str = include_str!("../tests/fixtures/seed/plan-explanation.simplified.txt");

    #[test]
    fn the_seed_normalises_to_the_published_simplified_text_byte_for_byte() {
        let n = normalize(SEED_ORIGINAL);
        assert_eq!(n.as_str(), SEED_SIMPLIFIED);
    }

    #[test]
    fn a_gloss_after_a_cjk_character_goes_and_real_parentheses_stay() {
        assert_eq!(normalize("區(qū)經(jīng)信局").as_str(), "区经信局");
        assert_eq!(normalize("總值(GDP)比重").as_str(), "总值(GDP)比重");
        assert_eq!(normalize("研發(R&D)經費").as_str(), "研发(R&D)经费");
        assert_eq!(normalize("(一)主要目標").as_str(), "(一)主要目标");
        assert_eq!(normalize("計劃(2018—2020年)").as_str(), "计划(2018—2020年)");
        assert_eq!(normalize("(區經信局)").as_str(), "(区经信局)");
    }

    #[test]
    fn a_gloss_in_full_width_parentheses_goes_too() {
        assert_eq!(normalize("區（qū）域").as_str(), "区域");
    }

    #[test]
    fn lowercase_that_is_not_pinyin_or_not_after_cjk_stays() {
        // `km` is no pinyin syllable; `(de)` after a digit follows no CJK character.
        assert_eq!(normalize("面积(km)").as_str(), "面积(km)");
        assert_eq!(normalize("5(de)").as_str(), "5(de)");
        // Seven letters is too long for a gloss.
        assert_eq!(normalize("區(zhuangg)").as_str(), "区(zhuangg)");
    }

    #[test]
    fn full_width_digits_and_punctuation_fold_to_ascii() {
        assert_eq!(normalize("增长１２．５％，（一）：").as_str(), "增长12.5%,(一):");
        assert_eq!(normalize("a\u{3000}b\r\nc").as_str(), "a b\nc");
    }

    #[test]
    fn offsets_map_back_over_glosses_and_folded_characters() {
        let original = "區(qū)域，達(dá)到2.5％";
        let n = normalize(original);
        assert_eq!(n.as_str(), "区域,达到2.5%");
        let s = n.as_str();
        let start = s.find("达到").unwrap();
        let end = s.len();
        let (os, oe) = n.original_range(start, end);
        assert_eq!(&original[os..oe], "達(dá)到2.5％");
        let start = s.find("区").unwrap();
        let end = start + "区".len();
        let (os, oe) = n.original_range(start, end);
        assert_eq!(
            &original[os..oe],
            "區",
            "the gloss after the last character stays outside the span"
        );
    }
}
