//! The one owner of annotate mode's output: the [`Printer`] is the scan's
//! sink, and hands each line with findings to its format's writer, one file
//! each: `text.rs` (the line with its annotation), `json.rs` (a [`Record`]
//! per code), `github.rs` (a workflow command per code). `writer.rs` owns
//! the bytes' way out.
//!
//! The printer is generic over its writer ([`Output`]: the
//! [`crate::print::writer::ThreadedWriter`] in the binary, a `Vec<u8>` in tests).
//! The caller flushes after each batch, so a trickle of input comes out line
//! by line and a flood comes out in large writes. Passthrough text is written
//! from the input batch itself when the writer keeps references.

mod github;
mod json;
mod text;
pub mod writer;

pub use json::Record;

use std::io::{self, Write};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::extract::Finding;
use crate::input::Batch;
use crate::metrics::Tap;
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
    /// `--metrics-listen`: the counts a scrape shows.
    tap: Option<Tap>,
    /// Inputs named so far (the tap counts per input).
    inputs: u32,
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
            tap: None,
            inputs: 0,
        }
    }

    /// Also counts what is found into `tap`, handed over once per batch.
    pub fn with_tap(mut self, tap: Tap) -> Self {
        self.tap = Some(tap);
        self
    }

    /// Names the input the next lines come from (`-` for stdin), and says
    /// whether another input follows it: text output then ends the input's
    /// last line if it has no newline ([`crate::annotation::ADDED_NEWLINE`]).
    pub fn set_source(&mut self, name: &str, more_follow: bool) {
        self.source.clear();
        self.source.push_str(name);
        self.more_follow = more_follow;
        if let Some(tap) = &mut self.tap {
            tap.hand_over();
            tap.start_input(self.inputs, name);
        }
        self.inputs += 1;
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
        p.tap = self.tap.as_ref().map(Tap::fork);
        p
    }

    /// The part's bytes go to the writer, and back to the budget.
    fn join(&mut self, mut part: Printer<PartBuffer>) -> io::Result<()> {
        if let (Some(tap), Some(theirs)) = (&mut self.tap, part.tap.take()) {
            tap.join(theirs);
        }
        self.out.append(std::mem::take(&mut part.out.segments))
    }
}

impl<W: Output> Sink for Printer<W> {
    /// Only passthrough output refers to the batch. JSON and GitHub output
    /// is all new bytes and may be far larger than the batch (a line with
    /// thousands of codes), so it keeps being handed over a buffer at a time.
    fn begin_batch(&mut self, input: &[u8]) {
        if let Some(tap) = &mut self.tap {
            tap.batch(input);
        }
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
        if let Some(tap) = &mut self.tap {
            tap.hand_over();
        }
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
        if let Some(tap) = &mut self.tap {
            tap.found(findings);
        }
        match self.format {
            LineFormat::Text => {
                if findings.is_empty() && self.only_matching {
                    return Ok(());
                }
                let ends_last_line = self.ends_last_line();
                self.scratch.clear();
                text::line(
                    &mut self.scratch,
                    line,
                    findings,
                    self.color,
                    ends_last_line,
                    self.only_matching,
                );
                self.out.write_all(&self.scratch)
            }
            LineFormat::Github => {
                for finding in findings {
                    self.scratch.clear();
                    github::command(&self.source, line, finding, &mut self.scratch);
                    self.out.write_all(&self.scratch)?;
                }
                Ok(())
            }
            LineFormat::Json => json::write(
                &mut self.out,
                &mut self.scratch,
                &self.source,
                line,
                findings,
            ),
        }
    }
}
