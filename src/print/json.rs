//! Annotate mode's JSON Lines: one [`Record`] per close code found, with
//! strings escaped so no log text can move a terminal's cursor.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::codes::CodeView;
use crate::extract::Finding;
use crate::scan::Line;

/// Writes one record per finding on `line` to `out`, each ended by a newline.
pub(super) fn write(
    out: &mut impl Write,
    scratch: &mut Vec<u8>,
    source: &str,
    line: &Line<'_>,
    findings: &[Finding],
) -> io::Result<()> {
    for finding in findings {
        scratch.clear();
        let record = Record::new(source, line, finding);
        let mut ser = serde_json::Serializer::with_formatter(&mut *scratch, SafeFormatter);
        record.serialize(&mut ser).map_err(io::Error::other)?;
        scratch.push(b'\n');
        out.write_all(scratch)?;
    }
    Ok(())
}

/// One JSON Lines object: a close code found on a line. Field names are
/// stable (documented in the README); new fields may be added. Keys are
/// written in the order of the fields here, which is the README's table.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// The file path as given, or `-` for stdin.
    pub source: &'a str,
    /// 1-based, per source.
    pub line_number: u64,
    /// The close code; invalid numbers are kept.
    pub code: u32,
    /// What the code means and what to do: `name`, `category`, `range`,
    /// `meaning`, `recovery`, `hint`, `reconnect`.
    #[serde(flatten)]
    pub view: CodeView,
    /// Whether the code can be sent in a Close frame.
    pub on_wire: bool,
    /// The line says this code arrived although it must not be sent.
    pub rejected: bool,
    /// The close reason, when the line's format carries one.
    pub reason: Option<Cow<'a, str>>,
    /// Which way the code went, when the line says so: `sent`,
    /// `received` or `local` (1005, 1006, 1015: never on the wire).
    pub direction: Option<&'static str>,
    /// Why the code was reported: `format:ID` (a library format), `name`
    /// (a symbolic name), `evidence:KIND` (what stood around the number)
    /// or `pattern` (the user's `--pattern`).
    pub rule: String,
    /// The original line without its ending, decoded lossily as UTF-8; for
    /// a line longer than the limit, its last piece.
    pub line: Cow<'a, str>,
}

impl<'a> Record<'a> {
    /// The record for `finding` on `line` of `source`.
    pub fn new(source: &'a str, line: &Line<'a>, finding: &Finding) -> Self {
        let view = *finding.view();
        let reason = finding
            .reason
            .clone()
            .filter(|r| r.end <= line.text.len())
            .map(|r| crate::extract::reason_text(line.text, r));
        Record {
            source,
            line_number: line.number,
            code: finding.code,
            view,
            on_wire: view.on_wire,
            rejected: finding.rejected(),
            reason,
            direction: finding.direction(line.text).map(|d| d.as_str()),
            rule: finding.basis.to_string(),
            line: String::from_utf8_lossy(line.text),
        }
    }
}

/// serde_json escapes C0 controls; this also escapes DEL, C1 controls and
/// the Unicode line separators, so no string from a log can move a
/// terminal's cursor or split a line in a consumer.
struct SafeFormatter;

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut last = 0;
        for (i, c) in fragment.char_indices() {
            if c == '\u{7f}'
                || ('\u{80}'..='\u{9f}').contains(&c)
                || c == '\u{2028}'
                || c == '\u{2029}'
            {
                writer.write_all(&fragment.as_bytes()[last..i])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                last = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[last..])
    }
}
