//! The one owner of the output: text annotation or JSON Lines.
//!
//! The printer is generic over its writer ([`Output`]: the
//! [`crate::print::writer::ThreadedWriter`] in the binary, a `Vec<u8>` in tests).
//! The caller flushes after each batch, so a trickle of input comes out line
//! by line and a flood comes out in large writes. Passthrough text is written
//! from the input batch itself when the writer keeps references.

pub mod writer;

use std::borrow::Cow;
use std::io::{self, Write};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde::Serialize;

use crate::annotation::render;
use crate::codes::{describe, Category, CodeRange, Reconnect};
use crate::extract::describe_finding;
use crate::extract::Finding;
use crate::input::Batch;
use crate::print::writer::{InputRange, Output, Segments};
use crate::scan::{Fork, Line, PartTooLarge, Sink};

/// How annotate mode prints lines and findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    /// Every line as it was, annotated where it carries a code.
    Text,
    /// One JSON object per code found, one per line.
    Json,
    /// A GitHub Actions workflow command per close-code line.
    Github,
}

/// Prints what the scanner finds.
pub struct Printer<W: Write> {
    out: W,
    format: LineFormat,
    color: bool,
    only_matching: bool,
    source: String,
    /// Another input follows this one: its last line is ended.
    more_follow: bool,
    scratch: Vec<u8>,
    /// Bytes the parts not yet joined may still hold in memory, shared by
    /// the parts; a part gives its bytes back when it is joined or dropped.
    part_budget: Arc<AtomicUsize>,
}

/// Bytes of output that the parts scanned on workers may hold in memory,
/// together, before they are written in order. Output is usually about as
/// large as its input, but JSON repeats a line for each code on it, so a
/// line with thousands of codes gives far more. Past this budget a batch is
/// scanned again in order, writing as it goes ([`PartTooLarge`]).
pub const PART_BUDGET: usize = 8 << 20;

/// A part's output, in memory within the shared budget.
pub struct PartBuffer {
    segments: Segments,
    /// The printer's writer keeps references, so this part may too.
    references: bool,
    budget: Arc<AtomicUsize>,
    /// Bytes taken from the budget, given back on drop.
    held: usize,
}

impl Write for PartBuffer {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let before = self.segments.new_bytes();
        self.segments.push(data);
        let added = self.segments.new_bytes() - before;
        let taken = self
            .budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(added)
            });
        if taken.is_err() {
            return Err(io::Error::other(PartTooLarge));
        }
        self.held += added;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for PartBuffer {
    fn drop(&mut self) {
        self.budget.fetch_add(self.held, Ordering::Relaxed);
    }
}

impl Output for PartBuffer {
    fn begin_batch(&mut self, input: &[u8]) {
        if self.references {
            self.segments.set_batch(Some(InputRange::of(input)));
        }
    }
}

impl<W: Write> Printer<W> {
    /// A printer writing `format` to `out`.
    pub fn new(out: W, format: LineFormat, color: bool, only_matching: bool) -> Self {
        Printer {
            out,
            format,
            color,
            only_matching,
            source: "-".to_string(),
            more_follow: false,
            scratch: Vec::with_capacity(1024),
            part_budget: Arc::new(AtomicUsize::new(PART_BUDGET)),
        }
    }

    /// Names the input the next lines come from (`-` for stdin), and says
    /// whether another input follows it: text output then ends the input's
    /// last line if it has no newline ([`crate::annotation::ADDED_NEWLINE`]).
    pub fn set_source(&mut self, name: &str, more_follow: bool) {
        self.source.clear();
        self.source.push_str(name);
        self.more_follow = more_follow;
    }

    /// The writer back (tests read what was printed).
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Output> Fork for Printer<W> {
    type Part = Printer<PartBuffer>;

    /// A printer with the same settings writing into memory, within the
    /// batch's [`PART_BUDGET`].
    fn fork(&self) -> Printer<PartBuffer> {
        let out = PartBuffer {
            segments: Segments::default(),
            references: self.out.keeps_references(),
            budget: Arc::clone(&self.part_budget),
            held: 0,
        };
        let mut p = Printer::new(out, self.format, self.color, self.only_matching);
        p.set_source(&self.source, self.more_follow);
        p
    }

    /// The part's bytes go to the writer, and back to the budget.
    fn join(&mut self, mut part: Printer<PartBuffer>) -> io::Result<()> {
        self.out.append(std::mem::take(&mut part.out.segments))
    }
}

impl<W: Output> Sink for Printer<W> {
    /// Only passthrough output refers to the batch. JSON and GitHub output
    /// is all new bytes and may be far larger than the batch (a line with
    /// thousands of codes), so it keeps being handed over a buffer at a time.
    fn begin_batch(&mut self, input: &[u8]) {
        if self.wants_passthrough() {
            self.out.begin_batch(input);
        }
    }

    fn end_batch(&mut self, batch: Batch) -> io::Result<()> {
        self.out.end_batch(batch)
    }

    fn wants_passthrough(&self) -> bool {
        self.format == LineFormat::Text && !self.only_matching
    }

    fn wants_line_numbers(&self) -> bool {
        matches!(self.format, LineFormat::Json | LineFormat::Github)
    }

    fn ends_last_line(&self) -> bool {
        self.more_follow && self.wants_passthrough()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn wants_whole_long_lines(&self) -> bool {
        self.format == LineFormat::Text && self.only_matching
    }

    fn line_start(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }

    fn passthrough(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.out.write_all(bytes)
    }

    fn matched(&mut self, line: &Line<'_>, findings: &[Finding]) -> io::Result<()> {
        match self.format {
            LineFormat::Text => {
                if findings.is_empty() && self.only_matching {
                    return Ok(());
                }
                self.scratch.clear();
                self.scratch.extend_from_slice(line.text);
                let added = self.ends_last_line() && !line.ending.ends_with(b"\n");
                render(findings, self.color, added, &mut self.scratch);
                self.scratch.extend_from_slice(line.ending);
                if added {
                    self.scratch.push(b'\n');
                }
                if self.only_matching && line.ending.is_empty() {
                    self.scratch.push(b'\n');
                }
                self.out.write_all(&self.scratch)
            }
            LineFormat::Github => {
                for finding in findings {
                    self.scratch.clear();
                    github_command(&self.source, line, finding, &mut self.scratch);
                    self.out.write_all(&self.scratch)?;
                }
                Ok(())
            }
            LineFormat::Json => {
                for finding in findings {
                    self.scratch.clear();
                    let record = Record::new(&self.source, line, finding);
                    let mut ser =
                        serde_json::Serializer::with_formatter(&mut self.scratch, SafeFormatter);
                    record.serialize(&mut ser).map_err(io::Error::other)?;
                    self.scratch.push(b'\n');
                    self.out.write_all(&self.scratch)?;
                }
                Ok(())
            }
        }
    }
}

/// One JSON Lines object: a close code found on a line. Field names are
/// stable (documented in the README); new fields may be added.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// The file path as given, or `-` for stdin.
    pub source: &'a str,
    /// 1-based, per source.
    pub line_number: u64,
    /// The close code; invalid numbers are kept.
    pub code: u32,
    /// The registered name, or the range's name.
    pub name: &'static str,
    /// One of the categories.
    pub category: Category,
    /// `protocol`, `registered`, `private` or `invalid`.
    pub range: CodeRange,
    /// What happened.
    pub meaning: &'static str,
    /// What to do.
    pub recovery: &'static str,
    /// The first thing to check, in a few words.
    pub hint: &'static str,
    /// One of the reconnect policies.
    pub reconnect: Reconnect,
    /// Whether the code can be sent in a Close frame.
    pub on_wire: bool,
    /// The line says this code arrived although it must not be sent.
    pub rejected: bool,
    /// The close reason, when the line's format carries one.
    pub reason: Option<Cow<'a, str>>,
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
        let d = describe_finding(finding);
        let reason = finding
            .reason
            .clone()
            .filter(|r| r.end <= line.text.len())
            .map(|r| crate::extract::reason_text(line.text, r));
        Record {
            source,
            line_number: line.number,
            code: finding.code,
            name: d.name,
            category: d.category,
            range: describe(finding.code).range,
            meaning: d.meaning,
            recovery: d.recovery,
            hint: d.hint,
            reconnect: d.reconnect,
            on_wire: d.on_wire,
            rejected: finding.rejected,
            reason,
            rule: finding.basis.to_string(),
            line: String::from_utf8_lossy(line.text),
        }
    }
}

/// A GitHub Actions workflow command for one finding, e.g.
/// `::error file=app.log,line=12,title=WebSocket close 1006 Abnormal Closure::…`.
/// The level follows the category: failures and bugs are errors, policy,
/// transient and application codes warnings, clean closes notices.
fn github_command(source: &str, line: &Line<'_>, finding: &Finding, out: &mut Vec<u8>) {
    let d = describe_finding(finding);
    let category = d.category;
    let level = match category {
        Category::Error | Category::Protocol | Category::Invalid => "error",
        Category::Normal => "notice",
        _ => "warning",
    };
    let mut props = Vec::new();
    if source != "-" {
        props.push(format!("file={}", escape_property(source)));
        props.push(format!("line={}", line.number));
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("WebSocket close {} {}", finding.code, d.name))
    ));
    let message = format!(
        "{category}: {}; {}. {}",
        d.hint,
        d.reconnect.advice(),
        String::from_utf8_lossy(line.text)
    );
    out.extend_from_slice(
        format!("::{level} {}::{}\n", props.join(","), escape_data(&message)).as_bytes(),
    );
}

/// Workflow-command data: `%`, CR and LF escaped (and other controls, so a
/// log line cannot start a command of its own).
fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// Workflow-command property values also escape `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
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
