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

use std::collections::HashMap;
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
    // Step 1: drop glosses and carriage returns. `deletions` records, for each place something was dropped, the
    // byte offset in `kept` and in `original` of the next kept character.
    let mut kept = String::with_capacity(original.len());
    let mut deletions: Vec<(usize, usize)> = Vec::new();
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
            deletions.push((kept.len(), i + len));
            continue;
        }
        if c == '\r' && iter.peek().is_some_and(|&(_, n)| n == '\n') {
            deletions.push((kept.len(), i + 1));
            continue;
        }
        prev_is_cjk = is_cjk(c);
        kept.push(c);
    }

    // Step 2: traditional → simplified (character for character).
    let simplified = to_simplified(&kept);

    // Step 3: fold full-width forms while building the offset map; `kept` and `simplified` advance together.
    let mut text = String::with_capacity(simplified.len());
    let mut map = OffsetMap::default();
    let mut shift: isize = 0; // original offset − kept offset, updated at each deletion
    let mut next_deletion = deletions.iter().peekable();
    for ((kept_at, kc), c) in kept.char_indices().zip(simplified.chars()) {
        while let Some(&&(at, orig)) = next_deletion.peek() {
            if at > kept_at {
                break;
            }
            shift = orig as isize - at as isize;
            next_deletion.next();
        }
        let orig = kept_at.saturating_add_signed(shift);
        let folded = fold_char(c);
        text.push(folded);
        map.push_char(orig, kc.len_utf8(), folded.len_utf8());
    }
    map.original_len = original.len();
    NormalizedText { text, map }
}

/// Characters whose conversion inside some OpenCC `TSPhrases` entry differs from their conversion alone
/// (乾乾淨淨 → 干干净净, 瞭解 → 了解, 答覆 → 答复). Derived from ferrous-opencc 0.4.0's `TSPhrases.txt` and
/// `TSCharacters.txt` (every phrase position where the phrase's first value differs from the character's first
/// value); regenerate when the crate's dictionaries change.
fn is_phrase_sensitive(c: char) -> bool {
    matches!(
        c,
        '么' | '乾'
            | '俱'
            | '吒'
            | '噁'
            | '彷'
            | '徵'
            | '於'
            | '昇'
            | '沈'
            | '濛'
            | '牴'
            | '畫'
            | '瞭'
            | '薹'
            | '藉'
            | '衹'
            | '覆'
            | '鉅'
            | '鍊'
            | '鍾'
            | '麼'
            | '麽'
    )
}

/// Single-character conversions, computed once per character per text: a flat table over the CJK blocks where
/// nearly all characters fall (U+3400–U+9FFF), a map for the rest.
struct CharCache<'a> {
    cc: &'a OpenCC,
    table: Vec<char>,
    other: HashMap<char, char>,
}

impl<'a> CharCache<'a> {
    const FIRST: u32 = 0x3400;
    const LAST: u32 = 0x9FFF;

    fn new(cc: &'a OpenCC) -> Self {
        Self {
            cc,
            table: Vec::new(),
            other: HashMap::new(),
        }
    }

    fn get(&mut self, c: char) -> char {
        let code = u32::from(c);
        if (Self::FIRST..=Self::LAST).contains(&code) {
            if self.table.is_empty() {
                self.table = vec!['\0'; (Self::LAST - Self::FIRST + 1) as usize];
            }
            let slot = &mut self.table[(code - Self::FIRST) as usize];
            if *slot == '\0' {
                *slot = convert_char(self.cc, c);
            }
            *slot
        } else {
            let cc = self.cc;
            *self.other.entry(c).or_insert_with(|| convert_char(cc, c))
        }
    }
}

/// Traditional → simplified with the same number of characters as the input.
///
/// OpenCC matches phrases then characters at every position, which is slow on a large text (about 1 µs per
/// character). A run of CJK characters with no phrase-sensitive character converts exactly as its characters
/// convert alone (every phrase over it yields the characters' own conversions), so such runs are converted
/// character by character through a cache of OpenCC's own single-character results; only runs holding a
/// phrase-sensitive character go through OpenCC's phrase matching, whole (phrase keys are CJK-only, so a run
/// boundary is never inside a phrase).
fn to_simplified(text: &str) -> String {
    let Some(cc) = converter() else {
        return text.to_owned();
    };
    let mut cache = CharCache::new(cc);
    let mut out = String::with_capacity(text.len());
    let mut run_start: Option<usize> = None;
    let mut sensitive = false;
    let flush = |run: &str, sensitive: bool, out: &mut String, cache: &mut CharCache<'_>| {
        if sensitive {
            convert_run(cc, run, out);
        } else {
            out.extend(run.chars().map(|c| cache.get(c)));
        }
    };
    for (i, c) in text.char_indices() {
        if is_cjk(c) {
            if run_start.is_none() {
                run_start = Some(i);
                sensitive = false;
            }
            sensitive |= is_phrase_sensitive(c);
            continue;
        }
        if let Some(st) = run_start.take() {
            flush(&text[st..i], sensitive, &mut out, &mut cache);
        }
        out.push(c);
    }
    if let Some(st) = run_start {
        flush(&text[st..], sensitive, &mut out, &mut cache);
    }
    out
}

/// One character through OpenCC (its character dictionary, as no phrase is a single character).
fn convert_char(cc: &OpenCC, c: char) -> char {
    let mut buf = [0u8; 4];
    let converted = cc.convert(c.encode_utf8(&mut buf));
    let mut chars = converted.chars();
    match (chars.next(), chars.next()) {
        (Some(s), None) => s,
        _ => c,
    }
}

/// A CJK run through OpenCC's phrase matching, keeping the character count.
fn convert_run(cc: &OpenCC, run: &str, out: &mut String) {
    let converted = cc.convert(run);
    if converted.chars().count() == run.chars().count() {
        out.push_str(&converted);
    } else {
        // Never expected (the T2s dictionaries are length-preserving), but the offset map must stay exact.
        out.extend(run.chars().map(|c| convert_char(cc, c)));
    }
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
    fn phrase_sensitive_characters_convert_by_phrase() {
        assert_eq!(normalize("乾乾淨淨").as_str(), "干干净净");
        assert_eq!(normalize("一目瞭然,答覆,瞭望").as_str(), "一目了然,答复,瞭望");
        assert_eq!(normalize("沈默").as_str(), "沉默");
        // Outside the phrases the same characters convert alone.
        assert_eq!(normalize("發展").as_str(), "发展");
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

    use proptest::prelude::*;

    /// Pieces of already-normal text: simplified words, ASCII, real parentheses, lowercase that is no gloss.
    fn plain_piece() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "科技",
            "企业",
            "高新技术",
            "达到",
            "研发机构",
            "增速",
            "到2020年",
            "2.5%",
            "15人以上",
            ",",
            "。",
            "、",
            "《行动计划》",
            "(GDP)",
            "(R&D)",
            "(一)",
            "(2018—2020年)",
            "(区经信局)",
            "\n",
            " ",
            "abc",
            " km",
            "5(de)",
            "—",
            "“六个倍增”",
            "ICP备06000634号-1",
            "显著",
            "发展",
        ])
        .prop_map(str::to_owned)
    }

    /// Pieces of a mirror-site text: traditional characters, some glossed, full-width punctuation.
    fn glossed_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            plain_piece(),
            prop::sample::select(vec![
                "區(qū)",
                "經(jīng)濟(jì)",
                "發(fā)展",
                "帶",
                "計劃",
                "達(dá)到",
                "（一）",
                "，",
                "２．５％",
                "\u{3000}",
                "企業(yè)",
                "(GDP)",
                "區（qū）",
                "\r\n",
            ])
            .prop_map(str::to_owned),
        ]
    }

    proptest! {
        /// The run-wise conversion is OpenCC's conversion of the whole text, phrases included.
        #[test]
        fn run_wise_conversion_equals_opencc(pieces in prop::collection::vec(prop::sample::select(vec![
            "乾", "乾淨", "乾乾淨淨", "瞭解", "一目瞭然", "瞭望", "答覆", "覆盆子", "反覆", "於", "於是", "計畫", "畫",
            "沈默", "沈", "藉口", "藉", "麼", "什麼", "發展", "經濟", "區", "科技", "企業", "鍾", "鍊", "徵", "昇",
            ",", "2", " ", "a", "(", "〇",
        ]), 0..30)) {
            let text: String = pieces.concat();
            let cc = converter().unwrap();
            prop_assert_eq!(to_simplified(&text), cc.convert(&text));
        }

        /// Text without glosses, already simplified and half-width, comes out unchanged, and every offset maps
        /// to itself.
        #[test]
        fn normalisation_never_changes_text_without_glosses(pieces in prop::collection::vec(plain_piece(), 0..40)) {
            let text: String = pieces.concat();
            let n = normalize(&text);
            prop_assert_eq!(n.as_str(), text.as_str());
            for (i, c) in text.char_indices() {
                prop_assert_eq!(n.original_range(i, i + c.len_utf8()), (i, i + c.len_utf8()));
            }
        }

        /// Every character of the normalised text maps back to exactly one character of the original (never to a
        /// gloss), in order, and normalises to itself.
        #[test]
        fn offsets_map_back_to_the_original_character(pieces in prop::collection::vec(glossed_piece(), 0..40)) {
            let original: String = pieces.concat();
            let n = normalize(&original);
            let mut last_end = 0;
            for (i, c) in n.as_str().char_indices() {
                let (os, oe) = n.original_range(i, i + c.len_utf8());
                prop_assert!(os >= last_end, "offsets go forward");
                let orig = &original[os..oe];
                prop_assert_eq!(orig.chars().count(), 1, "one original char for {:?}: {:?}", c, orig);
                let o = orig.chars().next().unwrap();
                prop_assert!(o == c || fold_char(o) == c || (is_cjk(o) && is_cjk(c)), "{:?} → {:?}", o, c);
                last_end = oe;
            }
            // A whole-text span maps to the whole original, minus nothing but glosses and \r at the edges.
            if !n.as_str().is_empty() {
                let (os, oe) = n.original_range(0, n.as_str().len());
                prop_assert!(os <= 3 && oe <= original.len());
            }
        }
    }
}
