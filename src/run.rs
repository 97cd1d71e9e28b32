//! One run over every input, in order: annotate mode or `--summary`.
//!
//! Soft errors (an unreadable input) are reported as they happen and the run
//! goes on; the [`Outcome`] says whether any happened and which `--fail-on`
//! rules tripped. A closed output pipe ends the run quietly: it is how
//! `| head` says it has seen enough.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::cli::{Config, Mode};
use crate::decompress::is_compressed;
use crate::error::Error;
use crate::extract::Extractor;
use crate::filter::Filter;
use crate::gate::{Gate, Trip};
use crate::input::{Batch, BatchReader, Batches, Source, DEFAULT_BUFFER};
use crate::output::Output;
use crate::printer::{Format, Printer};
use crate::report;
use crate::scan::{Fork, PartTooLarge, Scanned, Scanner, Sink, Tee};
use crate::summary::Summary;

/// How a run ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Some input could not be read (it was reported on stderr).
    pub errored: bool,
    /// The output was closed before everything was written.
    pub output_closed: bool,
    /// The `--fail-on` rules that tripped.
    pub trips: Vec<Trip>,
}

impl Outcome {
    /// The exit status: 2 when an input could not be read (an error wins over
    /// a gate), 1 when a `--fail-on` rule tripped, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.errored {
            2
        } else if !self.trips.is_empty() {
            1
        } else {
            0
        }
    }
}

/// Runs `config` writing to `out`; soft errors go to `report`.
///
/// This is the whole tool minus argument parsing and the exit status, so
/// another program can run it on its own inputs and writer:
///
/// ```
/// use clap::Parser;
/// use wscode_annotate::cli::{Args, Config, Environment};
///
/// let args = Args::parse_from(["wscode-annotate", "-o", "fixtures/sample.log"]);
/// let config = Config::new(args, &Environment::default());
/// let mut out = Vec::new();
/// let outcome = wscode_annotate::run(&config, &mut out, &mut |e| eprintln!("{e}")).unwrap();
/// assert_eq!(outcome.exit_code(), 0);
/// let text = String::from_utf8(out).unwrap();
/// assert_eq!(text.lines().count(), 13);
/// assert!(text.lines().all(|l| l.contains(" ⟪ws ")));
/// ```
pub fn run<W: Output>(
    config: &Config,
    out: W,
    report: &mut dyn FnMut(&Error),
) -> Result<Outcome, Error> {
    if config.mode == Mode::Summary && config.format == Format::Github {
        return Err(Error::Usage(
            "--format github prints one command per line with a close code; use it without --summary".into(),
        ));
    }
    let extractor = Extractor::new(&config.patterns)?;
    // The summary splits files between the threads of a pool; streams
    // (and annotate mode) use workers of their own.
    let pool = match config.threads {
        n if n > 1 && config.mode == Mode::Summary => {
            rayon::ThreadPoolBuilder::new().num_threads(n).build().ok()
        }
        _ => None,
    };
    let ctx = Context {
        extractor: &extractor,
        filter: &config.filter,
        gate: config.gate.clone(),
        pool: pool.as_ref(),
        threads: config.threads,
        search_zip: config.search_zip,
        max_line: config.max_line,
    };
    match config.mode {
        Mode::Annotate => annotate_all(config, &ctx, out, report),
        Mode::Summary => summarize_all(config, &ctx, out, report),
    }
}

/// What every input's scan shares.
struct Context<'a> {
    extractor: &'a Extractor,
    filter: &'a Filter,
    gate: Option<Arc<Gate>>,
    pool: Option<&'a rayon::ThreadPool>,
    /// Threads for scanning a stream (1: all on this thread).
    threads: usize,
    /// `-z`: decompress stdin too when it is compressed.
    search_zip: bool,
    /// Longest line kept whole.
    max_line: usize,
}

/// Which side failed: the input (report it, go on) or the output (stop).
enum Failure {
    Input(Error),
    Output(io::Error),
}

fn annotate_all<W: Output>(
    config: &Config,
    ctx: &Context<'_>,
    out: W,
    report: &mut dyn FnMut(&Error),
) -> Result<Outcome, Error> {
    let printer = Printer::new(out, config.format, config.color, config.only_matching);
    // The gate's counts ride along with the printer only when there is a gate.
    let mut sink = Tee(printer, Summary::for_input(0, "", ctx.gate.clone()));
    let mut outcome = Outcome::default();
    for (index, source) in config.inputs.iter().enumerate() {
        let name = source.name();
        sink.0.set_source(&name);
        sink.1.start_input(index as u32, &name);
        // A long line is noted as soon as it is seen: a live stream may
        // never end.
        let passed_through = sink.0.wants_passthrough();
        let mut note = |line| {
            report(&long_line_note(source, line, ctx.max_line, passed_through));
        };
        let result = match &ctx.gate {
            Some(_) => stream_source(source, ctx, &mut sink, &mut note),
            None => stream_source(source, ctx, &mut sink.0, &mut note),
        };
        match result {
            Ok(_) => {}
            Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                outcome.output_closed = true;
                return Ok(outcome);
            }
            Err(Failure::Output(e)) => return Err(Error::Output(e)),
            Err(Failure::Input(e)) => {
                report(&e);
                outcome.errored = true;
            }
        }
    }
    match sink.0.flush() {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => outcome.output_closed = true,
        Err(e) => return Err(Error::Output(e)),
        Ok(()) => {}
    }
    if let Some(gate) = &ctx.gate {
        outcome.trips = gate.trips(&sink.1.gate_hits);
    }
    Ok(outcome)
}

fn summarize_all<W: Write>(
    config: &Config,
    ctx: &Context<'_>,
    mut out: W,
    report: &mut dyn FnMut(&Error),
) -> Result<Outcome, Error> {
    // Inputs are summarised in parallel (each large file also in chunks);
    // errors are reported afterwards, in input order.
    let summarize = |(index, source): (usize, &Source)| summarize_source(index as u32, source, ctx);
    let results: Vec<Result<(Summary, Option<u64>), Error>> = match ctx.pool {
        Some(pool) => pool.install(|| {
            config
                .inputs
                .par_iter()
                .enumerate()
                .map(summarize)
                .collect()
        }),
        None => config.inputs.iter().enumerate().map(summarize).collect(),
    };
    let mut outcome = Outcome::default();
    let mut total = Summary::default();
    for (index, (result, source)) in results.into_iter().zip(&config.inputs).enumerate() {
        match result {
            Ok((summary, long_line)) => {
                if let Some(line) = long_line {
                    report(&long_line_note(source, line, ctx.max_line, false));
                }
                total += summary;
            }
            Err(e) => {
                report(&e);
                outcome.errored = true;
                total += Summary::for_input(index as u32, &source.name(), None);
            }
        }
    }
    if let Some(gate) = &ctx.gate {
        outcome.trips = gate.trips(&total.gate_hits);
    }
    let written = report::write(&total, config, &mut out).and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => outcome.output_closed = true,
        Err(e) => return Err(Error::Output(e)),
        Ok(()) => {}
    }
    Ok(outcome)
}

/// Below this size a file is not worth splitting into chunks.
const CHUNK_MIN: u64 = 4 * 1024 * 1024;

/// The note for an input's first line longer than the limit.
fn long_line_note(source: &Source, line: u64, limit: usize, passed_through: bool) -> Error {
    Error::LongLine {
        path: match source {
            Source::Stdin => "-".into(),
            Source::File(p) => p.clone(),
        },
        line,
        limit,
        passed_through,
    }
}

/// Summarises one input: a large regular file in line-aligned chunks on all
/// threads, anything else as a stream. Also gives the number of the first
/// line longer than the limit, if any.
fn summarize_source(
    index: u32,
    source: &Source,
    ctx: &Context<'_>,
) -> Result<(Summary, Option<u64>), Error> {
    let name = source.name();
    let mut summary = Summary::for_input(index, &name, ctx.gate.clone());
    if let (Source::File(path), Some(pool)) = (source, ctx.pool) {
        let input_error = |e: io::Error| Error::Input {
            path: path.clone(),
            source: e,
        };
        // Only a large, uncompressed regular file is split; FIFOs, /dev/stdin,
        // compressed files and errors
        // take the streaming path (which reports errors itself).
        let meta = std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file() && m.len() >= CHUNK_MIN && !is_compressed(path));
        if let Some(meta) = meta {
            let file = File::open(path).map_err(input_error)?;
            let len = meta.len();
            {
                let parts = (pool.current_num_threads() * 4).max(2) as u64;
                let bounds = chunk_bounds(&file, len, parts).map_err(input_error)?;
                let chunks: Vec<Result<(Summary, Scanned), io::Error>> = pool.install(|| {
                    bounds
                        .par_windows(2)
                        .map(|w| {
                            let mut part = summary.fork();
                            let mut f = File::open(path)?;
                            f.seek(SeekFrom::Start(w[0]))?;
                            let batcher = BatchReader::with_limits(
                                f.take(w[1] - w[0]),
                                DEFAULT_BUFFER,
                                ctx.max_line,
                            );
                            let scanned =
                                scan_batches(batcher, ctx.extractor, ctx.filter, &mut part)
                                    .map_err(|e| match e {
                                        ScanError::Read(e) | ScanError::Write(e) => e,
                                    })?;
                            Ok((part, scanned))
                        })
                        .collect()
                });
                let mut lines_before = 0;
                let mut long_line = None;
                for chunk in chunks {
                    let (mut part, scanned) = chunk.map_err(input_error)?;
                    part.shift_lines(lines_before);
                    if long_line.is_none() {
                        long_line = scanned.first_long_line.map(|l| l + lines_before);
                    }
                    lines_before += scanned.lines;
                    part.add_scanned(scanned.lines, scanned.bytes);
                    summary += part;
                }
                return Ok((summary, long_line));
            }
        }
    }
    match stream_source(source, ctx, &mut summary, &mut |_| {}) {
        Ok(scanned) => {
            summary.add_scanned(scanned.lines, scanned.bytes);
            Ok((summary, scanned.first_long_line))
        }
        Err(Failure::Input(e)) => Err(e),
        Err(Failure::Output(e)) => Err(Error::Output(e)),
    }
}

/// Offsets that cut a file of `len` bytes into about `parts` pieces, each
/// starting at a line start: `[0, …, len]`.
fn chunk_bounds(file: &File, len: u64, parts: u64) -> io::Result<Vec<u64>> {
    let mut bounds = vec![0];
    let mut probe = vec![0u8; 64 * 1024];
    for k in 1..parts {
        let mut at = (len * k / parts).max(*bounds.last().unwrap());
        // Move to just after the next newline.
        let next = loop {
            if at >= len {
                break len;
            }
            let n = file.read_at(&mut probe, at)?;
            if n == 0 {
                break len;
            }
            if let Some(p) = memchr::memchr(b'\n', &probe[..n]) {
                break at + p as u64 + 1;
            }
            at += n as u64;
        };
        if next > *bounds.last().unwrap() && next < len {
            bounds.push(next);
        }
    }
    bounds.push(len);
    Ok(bounds)
}

/// Streams one input through `sink`; `on_long_line` hears of the first line
/// longer than the limit when it arrives.
fn stream_source<S: Fork>(
    source: &Source,
    ctx: &Context<'_>,
    sink: &mut S,
    on_long_line: &mut dyn FnMut(u64),
) -> Result<Scanned, Failure> {
    let reader = source.open_with(ctx.search_zip).map_err(Failure::Input)?;
    let (extractor, filter) = (ctx.extractor, ctx.filter);
    // With threads, reading runs ahead on a thread of its own and batches
    // are scanned on workers; `-j1` keeps the whole scan on one thread.
    let scanned = if ctx.threads > 1 {
        let batches = BatchReader::with_limits(reader, PARALLEL_BUFFER, ctx.max_line);
        scan_threaded(batches, extractor, filter, sink, ctx.threads, on_long_line)
    } else {
        let batches = BatchReader::with_limits(reader, DEFAULT_BUFFER, ctx.max_line);
        scan_here(batches, extractor, filter, sink, on_long_line)
    };
    scanned.map_err(|failure| match failure {
        ScanError::Read(e) => {
            let path = match source {
                Source::Stdin => "-".into(),
                Source::File(p) => p.clone(),
            };
            Failure::Input(Error::Input { path, source: e })
        }
        ScanError::Write(e) => Failure::Output(e),
    })
}

/// Why a scan stopped early.
#[derive(Debug)]
pub enum ScanError {
    /// Reading the input failed; what was read before has been written.
    Read(io::Error),
    /// Writing the output failed.
    Write(io::Error),
}

/// The read buffer when batches go to workers: large enough that handing a
/// batch over costs little next to scanning it.
const PARALLEL_BUFFER: usize = 1024 * 1024;

/// Batches read but not yet written, per worker: enough that a worker never
/// waits for the reader or for the writer, few enough to bound memory.
const IN_FLIGHT_PER_WORKER: usize = 2;

/// Scans every batch into `sink` on this thread, flushing after each so a
/// trickle of input comes out line by line.
pub fn scan_batches<B: Batches, S: Sink>(
    batches: B,
    extractor: &Extractor,
    filter: &Filter,
    sink: &mut S,
) -> Result<Scanned, ScanError> {
    scan_here(batches, extractor, filter, sink, &mut |_| {})
}

/// [`scan_batches`] with `threads` workers: batches are read on a thread of
/// their own, scanned on the workers each into its own part of the sink
/// ([`Fork`]), and the parts are joined here in input order, so the result
/// is the same as on one thread. Pieces of a line longer than the limit
/// (and a batch whose output is too large to hold) are scanned here, in
/// order.
pub fn scan_batches_threaded<B, S>(
    batches: B,
    extractor: &Extractor,
    filter: &Filter,
    sink: &mut S,
    threads: usize,
) -> Result<Scanned, ScanError>
where
    B: Batches + Send + 'static,
    S: Fork,
{
    scan_threaded(batches, extractor, filter, sink, threads, &mut |_| {})
}

/// [`scan_batches`], calling `on_long_line` with the line's number when the
/// first line longer than the reader's limit starts to arrive (it is also
/// in [`Scanned::first_long_line`] at the end).
fn scan_here<B: Batches, S: Sink>(
    mut batches: B,
    extractor: &Extractor,
    filter: &Filter,
    sink: &mut S,
    on_long_line: &mut dyn FnMut(u64),
) -> Result<Scanned, ScanError> {
    let mut scanner = Scanner::new(extractor, filter);
    loop {
        match batches.next_batch() {
            Ok(Some(batch)) => {
                scan_one(batch, &mut scanner, sink, on_long_line).map_err(ScanError::Write)?
            }
            Ok(None) => return finish(&mut scanner, sink),
            Err(e) => {
                // Keep what was read, then report.
                finish(&mut scanner, sink)?;
                return Err(ScanError::Read(e));
            }
        }
    }
}

/// Scans one batch on this thread.
fn scan_one<S: Sink>(
    batch: Batch,
    scanner: &mut Scanner<'_>,
    sink: &mut S,
    on_long_line: &mut dyn FnMut(u64),
) -> io::Result<()> {
    if batch.is_whole() {
        sink.begin_batch(batch.bytes());
        scanner.scan_lines(batch.bytes(), sink)?;
    } else {
        // A piece of a long line is megabytes: no `begin_batch`, so it is
        // copied out a buffer at a time rather than held for the writer.
        let first = scanner.first_long_line().is_none();
        scanner.scan_piece(batch.bytes(), sink)?;
        if let (true, Some(line)) = (first, scanner.first_long_line()) {
            on_long_line(line);
        }
    }
    sink.flush()?;
    sink.end_batch(batch)
}

/// What the reader thread and the workers tell the scan's own thread.
enum Event<P> {
    /// The reader's next batch (`None` at the end of the input).
    Read(io::Result<Option<Batch>>),
    /// A worker is done with the batch numbered `seq`.
    Done(u64, Done<P>),
}

/// A worker's result.
enum Done<P> {
    /// The batch's output is in `part`; it held `lines` lines.
    Scanned { batch: Batch, part: P, lines: u64 },
    /// The output did not fit in memory: scan it again on the scan's thread,
    /// writing as it goes.
    Again(Batch),
    /// The part failed for another reason.
    Failed(io::Error),
}

/// A batch for a worker: its number, the part its output goes to, and the
/// number of lines before it (for sinks that print line numbers).
struct Job<P> {
    seq: u64,
    batch: Batch,
    part: P,
    lines_before: u64,
}

/// [`scan_batches_threaded`], noting the first long line as [`scan_here`]
/// does. Workers never wait on one another: each takes the next batch as
/// soon as it is free, and this thread writes results as they complete in
/// order.
fn scan_threaded<B, S>(
    batches: B,
    extractor: &Extractor,
    filter: &Filter,
    sink: &mut S,
    threads: usize,
    on_long_line: &mut dyn FnMut(u64),
) -> Result<Scanned, ScanError>
where
    B: Batches + Send + 'static,
    S: Fork,
{
    let workers = threads.max(1);
    let in_flight = workers * IN_FLIGHT_PER_WORKER + 1;
    let (events_tx, events) = channel::<Event<S::Part>>();
    // The reader takes a credit before each read and every batch written
    // gives one back: at most `in_flight` batches are out at once.
    let (credit_tx, credits) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        credit_tx.send(()).expect("the channel holds every credit");
    }
    spawn_reader(batches, credits, events_tx.clone());
    let (job_tx, jobs) = sync_channel::<Job<S::Part>>(in_flight);
    let jobs = Mutex::new(jobs);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let events = events_tx.clone();
            let jobs = &jobs;
            scope.spawn(move || work(jobs, extractor, filter, &events));
        }
        drop(events_tx);
        let mut order = InOrder {
            scanner: Scanner::new(extractor, filter),
            credits: credit_tx,
            on_long_line,
        };
        // Returning drops `job_tx`, which lets the workers go.
        order.run(events, job_tx, sink)
    })
}

/// Runs `batches` on a thread of its own (it may block on a read forever,
/// so the scan must be able to return without it), a read per credit.
fn spawn_reader<B, P>(mut batches: B, credits: Receiver<()>, events: Sender<Event<P>>)
where
    B: Batches + Send + 'static,
    P: Send + 'static,
{
    std::thread::spawn(move || {
        while credits.recv().is_ok() {
            let next = batches.next_batch();
            let last = !matches!(next, Ok(Some(_)));
            if events.send(Event::Read(next)).is_err() || last {
                return;
            }
        }
    });
}

/// A worker: scans jobs until there are no more.
fn work<P: Sink>(
    jobs: &Mutex<Receiver<Job<P>>>,
    extractor: &Extractor,
    filter: &Filter,
    events: &Sender<Event<P>>,
) {
    loop {
        let job = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        let Ok(Job {
            seq,
            batch,
            mut part,
            lines_before,
        }) = job
        else {
            return;
        };
        let mut scanner = Scanner::starting_after(extractor, filter, lines_before);
        part.begin_batch(batch.bytes());
        let done = match scanner.scan_lines(batch.bytes(), &mut part) {
            Ok(()) => Done::Scanned {
                lines: scanner.lines() - lines_before,
                batch,
                part,
            },
            Err(e) if PartTooLarge::is(&e) => Done::Again(batch),
            Err(e) => Done::Failed(e),
        };
        if events.send(Event::Done(seq, done)).is_err() {
            return;
        }
    }
}

/// The scan's own thread in [`scan_threaded`]: hands batches to workers,
/// scans what must be scanned in order, and joins results in input order.
struct InOrder<'s, 'n> {
    scanner: Scanner<'s>,
    credits: SyncSender<()>,
    on_long_line: &'n mut dyn FnMut(u64),
}

impl InOrder<'_, '_> {
    fn run<S: Fork>(
        &mut self,
        events: Receiver<Event<S::Part>>,
        jobs: SyncSender<Job<S::Part>>,
        sink: &mut S,
    ) -> Result<Scanned, ScanError> {
        let numbered = sink.wants_line_numbers();
        // Batches numbered in read order; `written` is the next to write.
        let (mut read, mut written) = (0u64, 0u64);
        // Newlines in the batches read so far: the lines before the next.
        let mut lines_read = 0u64;
        // The last batch read was a piece of a long line: the next one
        // finishes that line, so it is scanned here too.
        let mut in_long_line = false;
        // Read in order, not yet written: batches for this thread, and
        // workers' results that came early.
        let mut pending: BTreeMap<u64, Done<S::Part>> = BTreeMap::new();
        let mut here: BTreeMap<u64, Batch> = BTreeMap::new();
        let mut end: Option<io::Result<()>> = None;
        loop {
            // Write everything that is next in order.
            loop {
                if let Some(batch) = here.remove(&written) {
                    self.scan_here(batch, sink)?;
                } else if let Some(done) = pending.remove(&written) {
                    self.write(done, sink)?;
                } else {
                    break;
                }
                written += 1;
                let _ = self.credits.try_send(());
            }
            if written == read {
                if let Some(end) = end.take() {
                    let scanned = finish(&mut self.scanner, sink)?;
                    return end.map(|()| scanned).map_err(ScanError::Read);
                }
            }
            let event = events
                .recv()
                .expect("the reader or a worker has something coming");
            match event {
                Event::Read(Ok(Some(batch))) => {
                    let lines_before = lines_read;
                    if numbered {
                        lines_read += memchr::memchr_iter(b'\n', batch.bytes()).count() as u64;
                    }
                    let whole = batch.is_whole();
                    if whole && !in_long_line {
                        let job = Job {
                            seq: read,
                            batch,
                            part: sink.fork(),
                            lines_before,
                        };
                        jobs.send(job)
                            .expect("workers take jobs until the scan ends");
                    } else {
                        here.insert(read, batch);
                    }
                    in_long_line = !whole;
                    read += 1;
                }
                Event::Read(Ok(None)) => end = Some(Ok(())),
                Event::Read(Err(e)) => end = Some(Err(e)),
                Event::Done(seq, done) => {
                    pending.insert(seq, done);
                }
            }
        }
    }

    /// A batch scanned on this thread, in order.
    fn scan_here<S: Sink>(&mut self, batch: Batch, sink: &mut S) -> Result<(), ScanError> {
        scan_one(batch, &mut self.scanner, sink, self.on_long_line).map_err(ScanError::Write)
    }

    /// A worker's result, in order.
    fn write<S: Fork>(&mut self, done: Done<S::Part>, sink: &mut S) -> Result<(), ScanError> {
        match done {
            Done::Scanned { batch, part, lines } => {
                let bytes = batch.bytes().len() as u64;
                sink.begin_batch(batch.bytes());
                sink.join(part).map_err(ScanError::Write)?;
                sink.flush().map_err(ScanError::Write)?;
                sink.end_batch(batch).map_err(ScanError::Write)?;
                self.scanner.advance(lines, bytes);
                Ok(())
            }
            Done::Again(batch) => self.scan_here(batch, sink),
            Done::Failed(e) => Err(ScanError::Write(e)),
        }
    }
}

/// Ends a scan: a long line cut off by the end of input is finished and
/// everything is flushed.
fn finish<S: Sink>(scanner: &mut Scanner<'_>, sink: &mut S) -> Result<Scanned, ScanError> {
    scanner.finish(sink).map_err(ScanError::Write)?;
    sink.flush().map_err(ScanError::Write)?;
    Ok(Scanned {
        lines: scanner.lines(),
        bytes: scanner.bytes(),
        first_long_line: scanner.first_long_line(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::{Format, Printer, PART_BUDGET};

    fn json_of(input: &[u8], threads: usize) -> Vec<u8> {
        let extractor = Extractor::new(&[]).unwrap();
        let mut printer = Printer::new(Vec::new(), Format::Json, false, false);
        let batcher =
            BatchReader::with_limits(io::Cursor::new(input.to_vec()), PARALLEL_BUFFER, 1 << 22);
        let filter = Filter::default();
        match threads {
            1 => scan_batches(batcher, &extractor, &filter, &mut printer),
            n => scan_batches_threaded(batcher, &extractor, &filter, &mut printer, n),
        }
        .unwrap();
        printer.into_inner()
    }

    #[test]
    fn a_batch_whose_output_is_too_large_to_hold_is_scanned_again_in_order() {
        // JSON repeats a line for each code on it: 100 codes a line make
        // far more output than input, more than the parts may hold.
        let mut line = b"ws closed".to_vec();
        for code in 1000..1100 {
            line.extend_from_slice(format!(" close_code={code}").as_bytes());
        }
        line.push(b'\n');
        let input = line.repeat(100);
        let one = json_of(&input, 1);
        assert!(one.len() > PART_BUDGET, "the test needs more output");
        assert!(json_of(&input, 2) == one);
        // Output that fits is the same from workers as from one thread.
        let light = b"websocket: close 1006 (abnormal closure)\nplain line\n".repeat(50_000);
        assert_eq!(json_of(&light, 3), json_of(&light, 1));
    }
}
