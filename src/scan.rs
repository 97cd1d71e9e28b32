//! Runs the extractor over chunks of input and pushes what it finds into a
//! [`Sink`] (the printer, or a summary).
//!
//! The scanner never looks at a line the prefilter rules out: it asks the
//! extractor for the next candidate offset in the whole chunk, finds that
//! line's bounds, and hands everything before it to the sink in one slice.
//! Line numbers are counted only when the sink wants them.

use std::io;

use memchr::{memchr, memrchr};

use crate::annotation::{ends_like_annotation, looks_annotated, split_ending};
use crate::extract::{follows, Extractor, Finding, RECORD_BYTES, RECORD_LINES};
use crate::filter::Filter;
use crate::input::Batch;

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
    /// Whether lines that were candidates (the prefilter let them through)
    /// but hold no code are wanted, through [`Sink::candidate`]: the
    /// summary reads failed WebSocket upgrades from them.
    fn wants_candidates(&self) -> bool {
        false
    }
    /// A candidate line with no code (only when [`Sink::wants_candidates`]).
    fn candidate(&mut self, _line: &Line<'_>) -> io::Result<()> {
        Ok(())
    }
    /// `-o`: a long line with findings is printed whole, so its earlier
    /// pieces are handed to [`Sink::line_start`] before its last piece goes
    /// to [`Sink::matched`].
    fn wants_whole_long_lines(&self) -> bool {
        false
    }
    /// The start of a long line with findings, in order, in one or more
    /// calls (only when [`Sink::wants_whole_long_lines`]).
    fn line_start(&mut self, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
    /// Annotate mode, when another input follows: the input's last line, if
    /// it has no newline, is handed to [`Sink::matched`] whatever it holds,
    /// for the sink to end it.
    fn ends_last_line(&self) -> bool {
        false
    }
    /// The end of a batch: push what was written to the output.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// `input` is the batch about to be scanned: output that repeats its
    /// bytes may refer to them instead of copying ([`crate::print::writer::Output`]).
    fn begin_batch(&mut self, _input: &[u8]) {}

    /// The batch has been scanned and its output written to this sink; a
    /// sink whose output still refers to it keeps it, others drop it (which
    /// gives the buffer back to the reader).
    fn end_batch(&mut self, _batch: Batch) -> io::Result<()> {
        Ok(())
    }
}

/// A sink that can give a worker an empty copy of itself and take the
/// worker's results back, in order: how a large batch is scanned on all
/// threads with the same result as on one.
pub trait Fork: Sink {
    /// What a worker fills.
    type Part: Sink + Send + 'static;
    /// An empty part with this sink's settings.
    fn fork(&self) -> Self::Part;
    /// Takes a finished part back; parts are joined in input order.
    fn join(&mut self, part: Self::Part) -> io::Result<()>;
}

/// The error a part of a batch scanned in parallel gives when its output
/// would take too much memory; the batch is then scanned on one thread.
#[derive(Debug)]
pub struct PartTooLarge;

impl std::fmt::Display for PartTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a part's output is over its memory budget")
    }
}

impl std::error::Error for PartTooLarge {}

impl PartTooLarge {
    /// Whether `e` is this error.
    pub fn is(e: &io::Error) -> bool {
        e.get_ref().is_some_and(|inner| inner.is::<PartTooLarge>())
    }
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

    fn ends_last_line(&self) -> bool {
        self.0.ends_last_line()
    }

    fn wants_candidates(&self) -> bool {
        self.0.wants_candidates() || self.1.wants_candidates()
    }

    fn candidate(&mut self, line: &Line<'_>) -> io::Result<()> {
        if self.0.wants_candidates() {
            self.0.candidate(line)?;
        }
        if self.1.wants_candidates() {
            self.1.candidate(line)?;
        }
        Ok(())
    }

    fn wants_whole_long_lines(&self) -> bool {
        self.0.wants_whole_long_lines()
    }

    fn line_start(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.0.line_start(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.1.flush()
    }

    fn begin_batch(&mut self, input: &[u8]) {
        self.0.begin_batch(input);
        self.1.begin_batch(input);
    }

    /// The batch goes to the first sink (the printer, in a tee).
    fn end_batch(&mut self, batch: Batch) -> io::Result<()> {
        self.0.end_batch(batch)
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
    /// Lines (a last line without a newline counts).
    pub lines: u64,
    /// Bytes, line endings included.
    pub bytes: u64,
    /// The number of the first line longer than the batcher's limit.
    pub first_long_line: Option<u64>,
}

/// Bytes at the end of one piece of a long line that are scanned again with
/// the start of the next, so a close code that spans the boundary between
/// two pieces is still found.
pub const OVERLAP: usize = 256;

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
    /// The last [`OVERLAP`] bytes of the long line so far: scanned again with
    /// the next piece, and how the line's end is checked for the marker.
    carry: Vec<u8>,
    /// The number of the first line of this input that came in pieces.
    first_long_line: Option<u64>,
    /// The last [`RECORD_BYTES`] bytes of the previous chunk: the record a
    /// chunk's first lines belong to may have started there.
    record_tail: Vec<u8>,
    /// The tail and the start of a chunk, put together for a line near the
    /// chunk's start.
    scratch: Vec<u8>,
    /// How many more lines may continue the record a close line opened.
    record_lines: usize,
    /// `-o`: the pieces of a long line before its first finding.
    held: Held,
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
            carry: Vec::new(),
            first_long_line: None,
            record_tail: Vec::new(),
            scratch: Vec::new(),
            record_lines: 0,
            held: Held::default(),
        }
    }

    /// The number of the first line of this input that was longer than the
    /// batcher's limit (handed out in pieces), if any.
    pub fn first_long_line(&self) -> Option<u64> {
        self.first_long_line
    }

    /// A scanner for part of a batch whose first line is line `lines + 1`.
    pub fn starting_after(extractor: &'a Extractor, filter: &'a Filter, lines: u64) -> Self {
        let mut s = Scanner::new(extractor, filter);
        s.lines = lines;
        s
    }

    /// Starts this scanner where `tail` (the end of the bytes before its
    /// first chunk, at most [`RECORD_BYTES`]) left off: a record whose
    /// first line is there goes on in this scanner's first lines.
    pub fn continue_after(&mut self, tail: &[u8]) {
        self.record_tail.clear();
        self.record_tail.extend_from_slice(tail);
        let body = tail.strip_suffix(b"\n").unwrap_or(tail);
        let last = &body[memrchr(b'\n', body).map_or(0, |p| p + 1)..];
        if !last.is_empty()
            && self.extractor.next_candidate(last, 0).is_some()
            && self.extractor.heads_record(last)
        {
            self.record_lines = RECORD_LINES;
        }
    }

    /// Accounts for lines and bytes that workers scanned on this scanner's behalf.
    pub fn advance(&mut self, lines: u64, bytes: u64) {
        self.lines += lines;
        self.bytes += bytes;
    }

    /// Lines scanned so far (a last line without a newline counts).
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
        let candidates = sink.wants_candidates();
        // chunk[..done] has been handed to the sink; chunk[..counted] counted.
        let mut done = at;
        let mut counted = at;
        loop {
            // A line that goes on with a record a close line opened
            // (`Disconnected:` then `\tCode: 1006`) is a candidate whatever
            // the prefilter says: a bare key there has no anchor of its own.
            let forced = self.record_lines > 0 && at < chunk.len() && {
                let above: &[u8] = if at > 0 {
                    &chunk[..at]
                } else {
                    &self.record_tail
                };
                follows(&chunk[at..], above)
            };
            let hit = if forced {
                at
            } else {
                // The record ends here, unless the chunk does first (a
                // trickle: the next line may still continue it).
                if at < chunk.len() {
                    self.record_lines = 0;
                }
                match self.extractor.next_candidate(chunk, at) {
                    Some(hit) => hit,
                    None => break,
                }
            };
            let start = memrchr(b'\n', &chunk[at..hit]).map_or(at, |p| at + p + 1);
            let end = memchr(b'\n', &chunk[hit..]).map_or(chunk.len(), |p| hit + p + 1);
            let raw = &chunk[start..end];
            let (text, ending) = split_ending(raw);
            self.findings.clear();
            let before = if start >= RECORD_BYTES || self.record_tail.is_empty() {
                &chunk[start.saturating_sub(RECORD_BYTES)..start]
            } else {
                self.scratch.clear();
                self.scratch.extend_from_slice(&self.record_tail);
                self.scratch.extend_from_slice(&chunk[..start]);
                &self.scratch[..]
            };
            self.extractor
                .extract_in_record(text, before, &mut self.findings);
            // Does this line open a record the next lines may continue?
            let next = &chunk[end..];
            let may_continue = next.is_empty() || follows(next, raw);
            if may_continue && self.extractor.heads_record(text) {
                self.record_lines = RECORD_LINES;
            } else if forced {
                self.record_lines -= 1;
            }
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
            } else if candidates {
                if numbers {
                    self.lines += count_lines(&chunk[counted..start]) + 1;
                    counted = end;
                }
                let line = Line {
                    number: self.lines,
                    text,
                    ending,
                };
                sink.candidate(&line)?;
            }
            at = end;
        }
        if passthrough && done < chunk.len() && !chunk.ends_with(b"\n") && sink.ends_last_line() {
            // The input's last line, without a newline, and another input
            // follows: the sink ends it.
            let start = memrchr(b'\n', &chunk[done..]).map_or(done, |p| done + p + 1);
            sink.passthrough(&chunk[done..start])?;
            if numbers {
                self.lines += count_lines(&chunk[counted..start]) + 1;
                counted = chunk.len();
            }
            let (text, ending) = split_ending(&chunk[start..]);
            let line = Line {
                number: self.lines,
                text,
                ending,
            };
            sink.matched(&line, &[])?;
            done = chunk.len();
        }
        if passthrough {
            sink.passthrough(&chunk[done..])?;
        }
        // Counted for every sink: messages about an input name the line.
        self.lines += count_lines(&chunk[counted..]);
        keep_last(&mut self.record_tail, chunk, RECORD_BYTES);
        Ok(())
    }

    /// Scans a piece of a line too long to keep whole: it passes through at
    /// once; its codes are reported when the line ends. Each piece is scanned
    /// as a window of its own, and the seam between two pieces (the last
    /// [`OVERLAP`] bytes of one and the first of the next) once more, so a
    /// code cut in two by the boundary is found.
    pub fn scan_piece<S: Sink>(&mut self, piece: &[u8], sink: &mut S) -> io::Result<()> {
        self.bytes += piece.len() as u64;
        let (mut pending, first) = match self.long_line.take() {
            Some(pending) => (pending, false),
            None => {
                self.first_long_line.get_or_insert(self.lines + 1);
                self.carry.clear();
                (Vec::new(), true)
            }
        };
        let edges = Edges {
            cut_start: !first,
            cut_end: true,
        };
        self.find_in_window(piece, edges, &mut pending, true);
        self.find_in_seam(piece, &mut pending);
        keep_tail(&mut self.carry, piece);
        if sink.wants_passthrough() {
            sink.passthrough(piece)?;
        } else if sink.wants_whole_long_lines() {
            // Held until the line shows a code; then written as it comes.
            if pending.is_empty() {
                self.held.push(piece)?;
            } else {
                self.held.write_to(sink)?;
                sink.line_start(piece)?;
            }
        }
        self.long_line = Some(pending);
        Ok(())
    }

    /// Adds the codes in `window` not yet in `pending`. A code touching an
    /// edge where the window cuts the line may be cut itself (`close 10|06`)
    /// and is left to the window across that edge. With `drop_spans`,
    /// spans and reasons are dropped: they point into a window that is gone
    /// once written.
    fn find_in_window(
        &mut self,
        window: &[u8],
        edges: Edges,
        pending: &mut Vec<Finding>,
        drop_spans: bool,
    ) {
        if self.extractor.next_candidate(window, 0).is_none() {
            return;
        }
        self.findings.clear();
        self.extractor.extract(window, &mut self.findings);
        self.filter.retain(&mut self.findings);
        self.findings.retain(|f| {
            !(edges.cut_start && f.span.start == 0 || edges.cut_end && f.span.end >= window.len())
        });
        for f in self.findings.drain(..) {
            if pending.iter().all(|p| p.code != f.code) {
                let mut f = f;
                if drop_spans {
                    f.span = 0..0;
                    f.reason = None;
                }
                pending.push(f);
            }
        }
    }

    /// Scans the seam between the carried end of the previous piece and the
    /// start of `next`.
    fn find_in_seam(&mut self, next: &[u8], pending: &mut Vec<Finding>) {
        if self.carry.is_empty() {
            return;
        }
        // Start the window at a word boundary, so a number or name cut by
        // the window's edge is not read as a shorter one.
        let from = self.carry.iter().position(|b| !b.is_ascii_alphanumeric());
        let mut seam = self.carry[from.unwrap_or(0)..].to_vec();
        seam.extend_from_slice(&next[..next.len().min(OVERLAP)]);
        let edges = Edges {
            cut_start: from.is_none(),
            cut_end: next.len() > OVERLAP,
        };
        self.find_in_window(&seam, edges, pending, true);
    }

    /// The end of a long line (its last bytes and ending) has arrived.
    fn finish_long_line<S: Sink>(&mut self, tail: &[u8], sink: &mut S) -> io::Result<()> {
        let mut pending = self.long_line.take().unwrap_or_default();
        let (text, ending) = split_ending(tail);
        // The tail's own findings keep their spans: they point into `text`,
        // the part of the line handed to the sink.
        let mut own = Vec::new();
        let edges = Edges {
            cut_start: true,
            cut_end: false,
        };
        self.find_in_window(text, edges, &mut own, false);
        self.find_in_seam(text, &mut pending);
        for f in own {
            if let Some(i) = pending.iter().position(|p| p.code == f.code) {
                pending[i] = f;
            } else {
                pending.push(f);
            }
        }
        self.lines += 1;
        keep_tail(&mut self.carry, text);
        // Whether the whole line would lose text to the strip pattern cannot
        // be told from its last piece: a line that ends like an annotation
        // (in `⟫`) gets the marker, which stripping removes exactly.
        let marker = sink.wants_passthrough()
            && (ends_like_annotation(&self.carry)
                || !tail.ends_with(b"\n") && sink.ends_last_line());
        self.carry.clear();
        if pending.is_empty() {
            self.held.clear();
        } else if sink.wants_whole_long_lines() {
            self.held.write_to(sink)?;
        }
        if pending.is_empty() && !marker {
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

/// Bytes of a long line held in memory under `-o` before they go to a
/// temporary file.
const HELD_IN_MEMORY: usize = 16 << 20;

/// The pieces of a long line held under `-o` until the line shows a code:
/// in memory up to [`HELD_IN_MEMORY`], then in an unnamed temporary file,
/// so memory stays bounded however long the line is.
#[derive(Default)]
struct Held {
    memory: Vec<u8>,
    file: Option<std::fs::File>,
}

impl Held {
    fn push(&mut self, piece: &[u8]) -> io::Result<()> {
        use std::io::Write;
        if self.file.is_none() && self.memory.len() + piece.len() <= HELD_IN_MEMORY {
            self.memory.extend_from_slice(piece);
            return Ok(());
        }
        if self.file.is_none() {
            self.file = Some(temporary_file()?);
        }
        let file = self.file.as_mut().expect("just opened");
        file.write_all(&self.memory)
            .and_then(|()| file.write_all(piece))
            .map_err(|e| HoldFailed::error(&std::env::temp_dir(), &e))?;
        self.memory.clear();
        Ok(())
    }

    /// Hands what is held to `sink` and forgets it.
    fn write_to<S: Sink>(&mut self, sink: &mut S) -> io::Result<()> {
        use std::io::{Read, Seek};
        if let Some(mut file) = self.file.take() {
            let failed = |e| HoldFailed::error(&std::env::temp_dir(), &e);
            file.rewind().map_err(failed)?;
            let mut block = vec![0; 1 << 20];
            loop {
                match file.read(&mut block) {
                    Ok(0) => break,
                    Ok(n) => sink.line_start(&block[..n])?,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(failed(e)),
                }
            }
        }
        sink.line_start(&self.memory)?;
        self.clear();
        Ok(())
    }

    fn clear(&mut self) {
        self.file = None;
        self.memory = Vec::new();
    }
}

/// A new file in the temporary directory, already unlinked, so nothing is
/// left behind however the run ends.
fn temporary_file() -> io::Result<std::fs::File> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir();
    let path = dir.join(format!(
        "wscode-annotate-{}-{}.line",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|file| std::fs::remove_file(&path).map(|()| file));
    opened.map_err(|e| HoldFailed::error(&dir, &e))
}

/// Holding a long line for `-o` failed (no room in the temporary
/// directory): a failure of that input, not of the output.
#[derive(Debug)]
pub struct HoldFailed(String);

impl std::fmt::Display for HoldFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HoldFailed {}

impl HoldFailed {
    fn error(dir: &std::path::Path, e: &io::Error) -> io::Error {
        let reason = crate::error::describe_io(e);
        let message = format!("holding a long line for -o in {}: {reason}", dir.display());
        io::Error::other(HoldFailed(message))
    }

    /// Whether `e` is this error.
    pub fn is(e: &io::Error) -> bool {
        e.get_ref().is_some_and(|inner| inner.is::<HoldFailed>())
    }
}

/// Which edges of a window of a long line cut the line (rather than being
/// its start or end).
#[derive(Clone, Copy)]
struct Edges {
    cut_start: bool,
    cut_end: bool,
}

/// Keeps the last [`OVERLAP`] bytes of `carry` followed by `more`.
fn keep_tail(carry: &mut Vec<u8>, more: &[u8]) {
    keep_last(carry, more, OVERLAP);
}

/// Keeps the last `n` bytes of `kept` followed by `more`.
pub fn keep_last(kept: &mut Vec<u8>, more: &[u8], n: usize) {
    if more.len() >= n {
        kept.clear();
        kept.extend_from_slice(&more[more.len() - n..]);
    } else {
        kept.extend_from_slice(more);
        if kept.len() > n {
            kept.drain(..kept.len() - n);
        }
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
