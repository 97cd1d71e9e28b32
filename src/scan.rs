//! Runs the extractor over chunks of input and pushes what it finds into a
//! [`Sink`] (the printer, or a summary).
//!
//! The scanner never looks at a line the prefilter rules out: it asks the
//! extractor for the next candidate offset in the whole chunk, finds that
//! line's bounds, and hands everything before it to the sink in one slice.
//! Line numbers are counted only when the sink wants them.

use std::io;

use memchr::{memchr, memrchr};

use crate::annotate::{looks_annotated, split_ending};
use crate::extract::{Extractor, Finding};
use crate::filter::Filter;

/// A line that carries close codes (or, in annotate mode, one that needs the
/// empty marker).
#[derive(Debug)]
pub struct Line<'a> {
    /// 1-based, per input.
    pub number: u64,
    /// The line without its ending.
    pub text: &'a [u8],
    /// `\n`, `\r\n`, `\r` at the very end of the input, or nothing.
    pub ending: &'a [u8],
}

/// Where scanned input goes.
pub trait Sink {
    /// Annotate mode: every byte must come out, so lines without findings are
    /// handed over too, and lines that already look annotated are reported.
    fn wants_passthrough(&self) -> bool;
    /// Whether [`Line::number`] must be right (it costs a newline count).
    fn wants_line_numbers(&self) -> bool;
    /// Bytes that pass through unchanged: whole lines, or a piece of a long line.
    fn passthrough(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// A line with findings (possibly none, for a line that needs the marker).
    fn matched(&mut self, line: &Line<'_>, findings: &[Finding]) -> io::Result<()>;
    /// The end of a batch: push what was written to the output.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A sink that can give a worker an empty copy of itself and take the
/// worker's results back, in order: how a large batch is scanned on all
/// threads with the same result as on one.
pub trait Fork: Sink {
    /// What a worker fills.
    type Part: Sink + Send;
    /// An empty part with this sink's settings.
    fn fork(&self) -> Self::Part;
    /// Takes a finished part back; parts are joined in input order.
    fn join(&mut self, part: Self::Part) -> io::Result<()>;
}

/// Two sinks fed from one scan: annotate mode's printer and the counts a
/// `--fail-on` gate needs.
pub struct Tee<A, B>(pub A, pub B);

impl<A: Sink, B: Sink> Sink for Tee<A, B> {
    fn wants_passthrough(&self) -> bool {
        self.0.wants_passthrough() || self.1.wants_passthrough()
    }

    fn wants_line_numbers(&self) -> bool {
        self.0.wants_line_numbers() || self.1.wants_line_numbers()
    }

    fn passthrough(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.0.wants_passthrough() {
            self.0.passthrough(bytes)?;
        }
        if self.1.wants_passthrough() {
            self.1.passthrough(bytes)?;
        }
        Ok(())
    }

    fn matched(&mut self, line: &Line<'_>, findings: &[Finding]) -> io::Result<()> {
        self.0.matched(line, findings)?;
        self.1.matched(line, findings)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.1.flush()
    }
}

impl<A: Fork, B: Fork> Fork for Tee<A, B> {
    type Part = Tee<A::Part, B::Part>;

    fn fork(&self) -> Self::Part {
        Tee(self.0.fork(), self.1.fork())
    }

    fn join(&mut self, part: Self::Part) -> io::Result<()> {
        self.0.join(part.0)?;
        self.1.join(part.1)
    }
}

/// How much of an input a scan read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    /// Lines (counted only for sinks that want line numbers).
    pub lines: u64,
    pub bytes: u64,
}

/// State for one input.
pub struct Scanner<'a> {
    extractor: &'a Extractor,
    filter: &'a Filter,
    /// Lines fully scanned so far.
    lines: u64,
    /// Bytes scanned so far.
    bytes: u64,
    findings: Vec<Finding>,
    /// Findings of the line whose pieces are being handed out (a line longer
    /// than the batcher's limit), reported when its end arrives.
    long_line: Option<Vec<Finding>>,
}

impl<'a> Scanner<'a> {
    /// A scanner for a new input.
    pub fn new(extractor: &'a Extractor, filter: &'a Filter) -> Self {
        Scanner {
            extractor,
            filter,
            lines: 0,
            bytes: 0,
            findings: Vec::new(),
            long_line: None,
        }
    }

    /// A scanner for part of a batch whose first line is line `lines + 1`.
    pub fn starting_after(extractor: &'a Extractor, filter: &'a Filter, lines: u64) -> Self {
        let mut s = Scanner::new(extractor, filter);
        s.lines = lines;
        s
    }

    /// No long line is waiting for its end, so the next chunk starts a line
    /// and may be split between workers.
    pub fn at_line_start(&self) -> bool {
        self.long_line.is_none()
    }

    /// Accounts for lines and bytes that workers scanned on this scanner's behalf.
    pub fn advance(&mut self, lines: u64, bytes: u64) {
        self.lines += lines;
        self.bytes += bytes;
    }

    /// Lines scanned so far (a last line without a newline counts); kept
    /// only for sinks that want line numbers.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Bytes scanned so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Scans whole lines (each ending in `\n`, except perhaps the input's last).
    pub fn scan_lines<S: Sink>(&mut self, chunk: &[u8], sink: &mut S) -> io::Result<()> {
        self.bytes += chunk.len() as u64;
        let mut at = 0;
        if self.long_line.is_some() {
            // The first line of this chunk ends the long line.
            let end = memchr(b'\n', chunk).map_or(chunk.len(), |p| p + 1);
            self.finish_long_line(&chunk[..end], sink)?;
            at = end;
        }
        let numbers = sink.wants_line_numbers();
        let passthrough = sink.wants_passthrough();
        // chunk[..done] has been handed to the sink; chunk[..counted] counted.
        let mut done = at;
        let mut counted = at;
        while let Some(hit) = self.extractor.next_candidate(chunk, at) {
            let start = memrchr(b'\n', &chunk[at..hit]).map_or(at, |p| at + p + 1);
            let end = memchr(b'\n', &chunk[hit..]).map_or(chunk.len(), |p| hit + p + 1);
            let raw = &chunk[start..end];
            let (text, ending) = split_ending(raw);
            self.findings.clear();
            self.extractor.extract_candidate(text, &mut self.findings);
            self.filter.retain(&mut self.findings);
            let marker = passthrough && self.findings.is_empty() && needs_marker(raw);
            if !self.findings.is_empty() || marker {
                if numbers {
                    self.lines += count_lines(&chunk[counted..start]) + 1;
                    counted = end;
                }
                if passthrough {
                    sink.passthrough(&chunk[done..start])?;
                }
                let line = Line {
                    number: self.lines,
                    text,
                    ending,
                };
                sink.matched(&line, &self.findings)?;
                done = end;
            }
            at = end;
        }
        if passthrough {
            sink.passthrough(&chunk[done..])?;
        }
        if numbers {
            self.lines += count_lines(&chunk[counted..]);
        }
        Ok(())
    }

    /// Scans a piece of a line too long to keep whole: it passes through at
    /// once; its codes are reported when the line ends.
    pub fn scan_piece<S: Sink>(&mut self, piece: &[u8], sink: &mut S) -> io::Result<()> {
        self.bytes += piece.len() as u64;
        let mut found = Vec::new();
        if self.extractor.next_candidate(piece, 0).is_some() {
            self.extractor.extract(piece, &mut found);
            self.filter.retain(&mut found);
        }
        let pending = self.long_line.get_or_insert_with(Vec::new);
        for mut f in found {
            if pending.iter().all(|p| p.code != f.code) {
                // Spans point into this piece, which is gone once written.
                f.span = 0..0;
                f.reason = None;
                pending.push(f);
            }
        }
        if sink.wants_passthrough() {
            sink.passthrough(piece)?;
        }
        Ok(())
    }

    /// The end of a long line (its last bytes and ending) has arrived.
    fn finish_long_line<S: Sink>(&mut self, tail: &[u8], sink: &mut S) -> io::Result<()> {
        let mut pending = self.long_line.take().unwrap_or_default();
        let (text, ending) = split_ending(tail);
        if self.extractor.next_candidate(text, 0).is_some() {
            let mut found = Vec::new();
            self.extractor.extract(text, &mut found);
            self.filter.retain(&mut found);
            for f in found {
                if pending.iter().all(|p| p.code != f.code) {
                    pending.push(f);
                }
            }
        }
        self.lines += 1;
        if pending.is_empty() && !(sink.wants_passthrough() && needs_marker(tail)) {
            if sink.wants_passthrough() {
                sink.passthrough(tail)?;
            }
            return Ok(());
        }
        // Findings from earlier pieces have empty spans; the text handed over
        // is the line's last piece.
        let line = Line {
            number: self.lines,
            text,
            ending,
        };
        sink.matched(&line, &pending)
    }

    /// Ends the input: a long line cut off by the end of input is finished.
    pub fn finish<S: Sink>(&mut self, sink: &mut S) -> io::Result<()> {
        if self.long_line.is_some() {
            self.finish_long_line(b"", sink)?;
        }
        Ok(())
    }
}

/// True when a line without findings (given with its ending) would lose
/// text to the strip pattern, so annotate mode must add the empty marker.
fn needs_marker(raw: &[u8]) -> bool {
    looks_annotated(raw.strip_suffix(b"\n").unwrap_or(raw))
}

/// Lines in `bytes`: newlines, plus one for a last line without a newline.
pub fn count_lines(bytes: &[u8]) -> u64 {
    if bytes.is_empty() {
        return 0;
    }
    let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
    newlines + u64::from(!bytes.ends_with(b"\n"))
}
