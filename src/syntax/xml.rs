//! XML parsing options and error positions. DTDs are refused (roxmltree then reports
//! `DtdDetected`), so entity bombs never expand; the node count is capped.

use roxmltree::{Document, ParsingOptions};

use crate::source::Span;

/// A parsed document and the byte offset of its text in the file (3 after a BOM, which
/// roxmltree does not accept as part of the document).
pub struct XmlDoc<'a> {
    pub doc: Document<'a>,
    pub bom: usize,
}

/// Why a document could not be parsed, and where.
pub struct XmlIssue {
    pub span: Span,
    pub message: String,
}

pub fn parse(text: &str) -> Result<XmlDoc<'_>, XmlIssue> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1_000_000,
        ..ParsingOptions::default()
    };
    match Document::parse_with_options(&text[bom..], opts) {
        Ok(doc) => Ok(XmlDoc { doc, bom }),
        Err(e) => {
            let pos = e.pos();
            let at = bom + position_offset(&text[bom..], pos.row, pos.col);
            let message = match e {
                roxmltree::Error::DtdDetected => {
                    "the document has a DTD; camguard does not process DTDs (entity expansion is refused)".to_string()
                }
                other => format!("invalid XML: {other}"),
            };
            Err(XmlIssue {
                span: Span::empty(at),
                message,
            })
        }
    }
}

/// The byte offset of a 1-based row and column (in characters).
fn position_offset(text: &str, row: u32, col: u32) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(row.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line = text[line_start.min(text.len())..]
        .lines()
        .next()
        .unwrap_or("");
    let col_bytes: usize = line
        .chars()
        .take(col.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    (line_start + col_bytes).min(text.len())
}
