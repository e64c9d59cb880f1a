//! Raw bytes → text (解码): UTF-8 (with or without BOM), UTF-16 with a BOM, and GBK/GB18030 — the encodings
//! Chinese government sites and Windows tools produce. Empty, binary and oversized input is refused with a
//! reason in Chinese and English, never guessed at.

use std::borrow::Cow;

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use crate::document::DocumentFormat;

/// The largest text accepted (字节上限). Policy documents are tens of kilobytes; 32 MiB leaves room for a whole
/// yearbook while keeping time and memory bounded.
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;

/// Which encoding the bytes were in (原始编码).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// GBK or its superset GB18030 (国标码).
    Gb18030,
}

/// A decoded text, the encoding it came in and the kind of document it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText {
    pub text: String,
    pub encoding: SourceEncoding,
    /// Plain text, or the document format the text was read from (its encoding is then UTF-8).
    pub format: DocumentFormat,
}

/// Why bytes are not a usable text (输入不可用).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("文件为空 / the file is empty")]
    Empty,
    #[error("文件只有空白 / the file holds only whitespace")]
    Blank,
    #[error(
        "文件过大:{size} 字节,上限 {limit} 字节 / the file is too large: {size} bytes, the limit is {limit} bytes"
    )]
    TooLarge { size: usize, limit: usize },
    #[error(
        "文件不是文本(在第 {offset} 字节处发现二进制内容) / the file is not text (binary content at byte {offset})"
    )]
    Binary { offset: usize },
    #[error(
        "无法识别文件编码(既不是 UTF-8 也不是 GBK/GB18030,第 {offset} 字节起无法解码) / unknown encoding: neither UTF-8 nor GBK/GB18030 (undecodable from byte {offset})"
    )]
    UnknownEncoding { offset: usize },
    #[error(
        "这是旧版 Word/WPS 二进制文件(.doc/.wps),无法读取:请在 Word 或 WPS 中另存为 .docx(或 PDF、OFD)后再上传 / this is an old binary Word/WPS file (.doc/.wps), which cannot be read: save it as .docx (or PDF, OFD) in Word or WPS and upload that"
    )]
    LegacyOffice,
    #[error(
        "这是扫描件 PDF,没有文字层,需要OCR:请上传带文字的 PDF、.docx 或 OFD / this PDF is a scan without a text layer and would need OCR: upload a PDF with text, a .docx or an OFD"
    )]
    ScannedPdf,
    #[error(
        "PDF 使用了无法解码的字体编码,读不出文字:请上传 .docx 或 OFD,或另存为带文字的 PDF / the PDF's fonts cannot be decoded into text: upload a .docx or an OFD, or save it again as a PDF with text"
    )]
    PdfFonts,
    #[error("文件已加密,无法读取:请上传未加密的文件 / the file is encrypted: upload it without a password")]
    Encrypted,
    #[error(
        "压缩包里没有可读的文档(支持 .docx、.pdf、.ofd、网页和文本;表格请用导入功能) / the archive holds no readable document (.docx, .pdf, .ofd, web pages and text are read; spreadsheets go through the import)"
    )]
    NotADocument,
    #[error("{format} 文件已损坏或格式不对:{reason} / the {format} file is damaged or malformed: {reason}")]
    Unreadable { format: &'static str, reason: String },
}

/// Reads the bytes of a document — .docx, .pdf, .ofd, a web page or plain text, told apart by their content —
/// into text; see [`crate::document`]. Old binary .doc/.wps files and scanned PDFs are refused with their reason.
pub fn decode(bytes: &[u8]) -> Result<DecodedText, DecodeError> {
    crate::document::read_document(bytes)
}

/// Decodes the raw bytes of a plain text.
///
/// Order: size limit; UTF-8/UTF-16 byte-order marks; valid UTF-8; GB18030 (which also reads GBK and GB2312)
/// when it decodes without a single error. Control characters other than tab, newline, carriage return and form
/// feed mean binary content, in any encoding.
pub fn decode_text(bytes: &[u8]) -> Result<DecodedText, DecodeError> {
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(DecodeError::TooLarge {
            size: bytes.len(),
            limit: MAX_TEXT_BYTES,
        });
    }
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let (text, encoding): (Cow<'_, str>, SourceEncoding) =
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            match std::str::from_utf8(rest) {
                Ok(s) => (Cow::Borrowed(s), SourceEncoding::Utf8),
                Err(e) => {
                    return Err(DecodeError::UnknownEncoding {
                        offset: 3 + e.valid_up_to(),
                    });
                }
            }
        } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
            (utf16(rest, true)?, SourceEncoding::Utf16Le)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
            (utf16(rest, false)?, SourceEncoding::Utf16Be)
        } else {
            // A NUL byte never occurs in UTF-8 or GBK text: binary, whatever else it might decode as.
            if let Some(offset) = bytes.iter().position(|&b| b == 0) {
                return Err(DecodeError::Binary { offset });
            }
            match std::str::from_utf8(bytes) {
                Ok(s) => (Cow::Borrowed(s), SourceEncoding::Utf8),
                Err(utf8_err) => {
                    let (decoded, had_errors) = GB18030.decode_without_bom_handling(bytes);
                    if had_errors {
                        return Err(DecodeError::UnknownEncoding {
                            offset: utf8_err.valid_up_to(),
                        });
                    }
                    (decoded, SourceEncoding::Gb18030)
                }
            }
        };
    if let Some(offset) = first_binary_char(&text) {
        return Err(DecodeError::Binary { offset });
    }
    if text.trim().is_empty() {
        return Err(DecodeError::Blank);
    }
    Ok(DecodedText {
        text: text.into_owned(),
        encoding,
        format: DocumentFormat::PlainText,
    })
}

fn utf16(bytes: &[u8], little_endian: bool) -> Result<Cow<'_, str>, DecodeError> {
    let enc = if little_endian { UTF_16LE } else { UTF_16BE };
    let (decoded, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(DecodeError::UnknownEncoding { offset: 2 });
    }
    Ok(decoded)
}

/// Byte offset (in the decoded text) of the first control character no text file contains.
fn first_binary_char(text: &str) -> Option<usize> {
    text.char_indices()
        .find(|&(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}' | '\u{85}'))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_is_read() {
        let d = decode("高新技术企业".as_bytes()).unwrap();
        assert_eq!(d.text, "高新技术企业");
        assert_eq!(d.encoding, SourceEncoding::Utf8);
        let d = decode(b"\xEF\xBB\xBFabc").unwrap();
        assert_eq!(d.text, "abc");
    }

    #[test]
    fn gbk_bytes_are_detected_and_converted() {
        let (gbk, _, _) = encoding_rs::GBK.encode("到2020年,高新技术企业达到20家。");
        let d = decode(&gbk).unwrap();
        assert_eq!(d.text, "到2020年,高新技术企业达到20家。");
        assert_eq!(d.encoding, SourceEncoding::Gb18030);
    }

    #[test]
    fn utf16_with_a_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "科技".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().text, "科技");
    }

    #[test]
    fn empty_blank_binary_and_oversized_input_is_refused() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b"  \n\t "), Err(DecodeError::Blank));
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(DecodeError::Binary { offset: 8 })
        );
        assert!(matches!(
            decode(b"abc\x01\x02def"),
            Err(DecodeError::Binary { offset: 3 })
        ));
        let big = vec![b'a'; MAX_TEXT_BYTES + 1];
        assert!(matches!(decode(&big), Err(DecodeError::TooLarge { .. })));
    }

    #[test]
    fn bytes_that_are_neither_utf8_nor_gb18030_are_refused() {
        // 0xFF is never a lead byte in GB18030, and never valid in UTF-8.
        assert!(matches!(
            decode(b"abc\xFF\xFFdef"),
            Err(DecodeError::UnknownEncoding { offset: 3 })
        ));
    }

    #[test]
    fn messages_speak_chinese_and_english() {
        let msg = DecodeError::Empty.to_string();
        assert!(msg.contains("文件为空") && msg.contains("empty"));
    }
}
