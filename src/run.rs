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
use crate::error::Error;
use crate::extract::Extractor;
use crate::filter::Filter;
use crate::gate::{Gate, Trip};
use crate::input::decompress::is_compressed;
use crate::input::{Batch, BatchReader, Batches, Source, DEFAULT_BUFFER};
use crate::output::Output;
use crate::printer::{Format, Printer};
use crate::report;
use crate::scan::{Fork, HoldFailed, PartTooLarge, Scanned, Scanner, Sink, Tee};
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
    /// The exit status: an error when an input could not be read (an error
    /// wins over a gate), Tripped when a `--fail-on` rule tripped, else
    /// Success.
    pub fn exit(&self) -> crate::exit::Exit {
        if self.errored {
            crate::exit::Exit::Error
        } else if !self.trips.is_empty() {
            crate::exit::Exit::Tripped
        } else {
            crate::exit::Exit::Success
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
/// assert_eq!(outcome.exit(), wscode_annotate::exit::Exit::Success);
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
    if let Some(gate) = &config.gate {
        if let Some(dead) = gate
            .rules
            .iter()
            .find(|r| !r.can_trip_under(&config.filter))
        {
            let from = if config.categories_from_file {
                "the configuration file's `category`"
            } else {
                "--category/--code"
            };
            return Err(Error::Usage(format!(
                "--fail-on {dead} can never trip: {from} reports no code it counts (the gate sees only reported codes); widen the filter, or run with --no-config"
            )));
        }
    }
    let extractor = Arc::new(Extractor::new(&config.patterns)?);
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
        threads_chosen: config.threads_chosen,
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
    extractor: &'a Arc<Extractor>,
    filter: &'a Filter,
    gate: Option<Arc<Gate>>,
    pool: Option<&'a rayon::ThreadPool>,
    /// Threads for scanning a stream (1: all on this thread).
    threads: usize,
    /// `threads` was chosen, not the CPU count.
    threads_chosen: bool,
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
        sink.0.set_source(&name, index + 1 < config.inputs.len());
        sink.1.start_input(index as u32, &name);
        let mut note = |e: Error| report(&e);
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
    let results: Vec<Result<Summarized, Error>> = match ctx.pool {
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
            Ok((summary, long_line, notes)) => {
                for note in &notes {
                    report(note);
                }
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
    total.made_with = Some(made_with(config));
    let written = report::write(&total, config, &mut out).and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => outcome.output_closed = true,
        Err(e) => return Err(Error::Output(e)),
        Ok(()) => {}
    }
    Ok(outcome)
}

/// One input summarised: the summary, the number of its first line longer
/// than the limit, and the notes on it (said in input order).
type Summarized = (Summary, Option<u64>, Vec<Error>);

/// Below this size a file is not worth splitting into chunks.
const CHUNK_MIN: u64 = 4 * 1024 * 1024;

/// The note for an input's first line longer than the limit.
fn long_line_note(source: &Source, line: u64, limit: usize, passed_through: bool) -> Error {
    Error::LongLine {
        path: source.path(),
        line,
        limit,
        passed_through,
    }
}

/// Summarises one input: a large regular file in line-aligned chunks on all
/// threads, anything else as a stream. Also gives the number of the first
/// line longer than the limit, if any.
fn summarize_source(index: u32, source: &Source, ctx: &Context<'_>) -> Result<Summarized, Error> {
    let name = source.name();
    let mut summary = Summary::for_input(index, &name, ctx.gate.clone());
    summary.set_reference_time(source.modified());
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
                return Ok((summary, long_line, Vec::new()));
            }
        }
    }
    let mut notes = Vec::new();
    let mut note = |e: Error| {
        // The long line is noted from the result, with the others, in order.
        if !matches!(e, Error::LongLine { .. }) {
            notes.push(e);
        }
    };
    match stream_source(source, ctx, &mut summary, &mut note) {
        Ok(scanned) => {
            summary.add_scanned(scanned.lines, scanned.bytes);
            Ok((summary, scanned.first_long_line, notes))
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
    on_note: &mut dyn FnMut(Error),
) -> Result<Scanned, Failure> {
    let passed_through = sink.wants_passthrough();
    let reader = source
        .open_noting(ctx.search_zip, &mut *on_note)
        .map_err(Failure::Input)?;
    // A long line is noted as soon as it is seen: a live stream may never end.
    let mut long_line = |line| on_note(long_line_note(source, line, ctx.max_line, passed_through));
    let (extractor, filter) = (ctx.extractor, ctx.filter);
    // When every byte goes out again, the process writing the pipe in, the
    // output thread and the reader downstream all need CPU: by default a
    // pipe then gets one scanning thread fewer (on 2 CPUs, `cat big.log |`
    // is annotated faster on one thread than on two; a summary, which
    // writes nothing until the end, is not).
    let small = source.small_file_buffer();
    let threads = if small.is_some() {
        // One batch or a few: workers would cost more than they save, and
        // many small inputs are scanned side by side by the summary's pool.
        1
    } else if !ctx.threads_chosen && sink.wants_passthrough() && source.is_pipe() {
        (ctx.threads - 1).max(1)
    } else {
        ctx.threads
    };
    // With threads, workers read and scan batches while this thread writes
    // their output in order; `-j1` keeps the whole scan on one thread.
    let scanned = if threads > 1 {
        let batches = BatchReader::with_limits(reader, PARALLEL_BUFFER, ctx.max_line);
        scan_threaded(batches, extractor, filter, sink, threads, &mut long_line)
    } else {
        let buffer = small.unwrap_or(DEFAULT_BUFFER);
        let batches = BatchReader::with_limits(reader, buffer, ctx.max_line);
        scan_here(batches, extractor, filter, sink, &mut long_line)
    };
    scanned.map_err(|failure| match failure {
        // Holding a long line for `-o` is part of reading this input.
        ScanError::Write(e) if !HoldFailed::is(&e) => Failure::Output(e),
        ScanError::Read(e) | ScanError::Write(e) => Failure::Input(Error::Input {
            path: source.path(),
            source: e,
        }),
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

/// [`scan_batches`] with `threads` workers: each worker reads the next
/// batch and scans it into its own part of the sink ([`Fork`]), and the
/// parts are joined here in input order, so the result is the same as on
/// one thread. Pieces of a line longer than the limit
/// (and a batch whose output is too large to hold) are scanned here, in
/// order.
pub fn scan_batches_threaded<B, S>(
    batches: B,
    extractor: &Arc<Extractor>,
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

/// What a worker tells the scan's own thread about the batch numbered `seq`
/// (batches are numbered in read order).
struct Event<P> {
    seq: u64,
    what: Done<P>,
}

/// What became of a batch on a worker.
enum Done<P> {
    /// Scanned: the output is in `part`, the batch held `lines` lines.
    Scanned { batch: Batch, part: P, lines: u64 },
    /// To be scanned on the scan's thread, in order: a piece of a long line,
    /// the batch that ends one, or a batch whose output did not fit in
    /// memory (the part was dropped, giving its bytes back to the budget).
    Here(Batch),
    /// The input ended (`Ok`) or failed.
    End(io::Result<()>),
    /// A part could not be written for another reason.
    Failed(io::Error),
}

/// The input, shared by the workers: each reads its own next batch, so the
/// bytes it scans are still in its CPU's cache from the read.
struct Feed<B> {
    batches: B,
    /// The number of the next batch.
    seq: u64,
    /// Newlines in the batches read so far (counted for numbered sinks).
    lines: u64,
    /// The last batch was a piece of a long line.
    in_long_line: bool,
    /// The input has ended or failed.
    done: bool,
    /// The end of the last batch handed out: the record the next batch's
    /// first lines belong to may have started there.
    tail: Vec<u8>,
}

/// What a worker needs; owned, since workers are not joined (see
/// [`scan_threaded`]).
struct Shared<B> {
    feed: Mutex<Feed<B>>,
    extractor: Arc<Extractor>,
    filter: Filter,
    numbered: bool,
}

/// [`scan_batches_threaded`], noting the first long line as [`scan_here`]
/// does. Workers never wait on one another: each reads the next batch as
/// soon as it is free and scans it, and this thread writes the results in
/// input order as they complete.
///
/// A worker may block on a read forever (`kubectl logs -f`), so workers are
/// not joined: when the output closes, the scan returns and they end at
/// their next read or send.
fn scan_threaded<B, S>(
    batches: B,
    extractor: &Arc<Extractor>,
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
    let shared = Arc::new(Shared {
        feed: Mutex::new(Feed {
            batches,
            seq: 0,
            lines: 0,
            in_long_line: false,
            tail: Vec::new(),
            done: false,
        }),
        extractor: Arc::clone(extractor),
        filter: filter.clone(),
        numbered: sink.wants_line_numbers(),
    });
    let (events_tx, events) = channel::<Event<S::Part>>();
    // Empty parts are the credits: a worker takes one before each read and
    // each batch written gives one back, so at most `in_flight` batches are
    // out at once.
    let in_flight = workers * IN_FLIGHT_PER_WORKER;
    let (parts_tx, parts) = sync_channel::<S::Part>(in_flight);
    for _ in 0..in_flight {
        parts_tx
            .send(sink.fork())
            .expect("the channel holds every part");
    }
    let parts = Arc::new(Mutex::new(parts));
    for _ in 0..workers {
        let (shared, parts, events) = (Arc::clone(&shared), Arc::clone(&parts), events_tx.clone());
        std::thread::spawn(move || work(&shared, &parts, &events));
    }
    drop(events_tx);
    let mut order = InOrder {
        scanner: Scanner::new(extractor, filter),
        parts: parts_tx,
        on_long_line,
    };
    order.run(events, sink)
}

/// A worker: reads and scans batches until the input ends or the scan
/// stops taking results.
fn work<B: Batches, P: Sink>(
    shared: &Shared<B>,
    parts: &Mutex<Receiver<P>>,
    events: &Sender<Event<P>>,
) {
    loop {
        let part = match parts.lock().map(|parts| parts.recv()) {
            Ok(Ok(part)) => part,
            _ => return,
        };
        let Ok(mut feed) = shared.feed.lock() else {
            return;
        };
        if feed.done {
            return;
        }
        let seq = feed.seq;
        feed.seq += 1;
        let batch = match feed.batches.next_batch() {
            Ok(Some(batch)) => batch,
            end => {
                feed.done = true;
                let what = Done::End(end.map(|_| ()));
                let _ = events.send(Event { seq, what });
                return;
            }
        };
        let lines_before = feed.lines;
        if shared.numbered {
            feed.lines += memchr::memchr_iter(b'\n', batch.bytes()).count() as u64;
        }
        let here = !batch.is_whole() || feed.in_long_line;
        feed.in_long_line = !batch.is_whole();
        // At most a KiB copied per batch, under the lock: the look-back a
        // multi-line record needs across the batch boundary.
        let tail = feed.tail.clone();
        crate::scan::keep_last(&mut feed.tail, batch.bytes(), crate::extract::RECORD_BYTES);
        drop(feed);
        let what = if here {
            Done::Here(batch)
        } else {
            scan_part(shared, batch, part, lines_before, &tail)
        };
        if events.send(Event { seq, what }).is_err() {
            return;
        }
    }
}

/// Scans a batch of whole lines into `part`.
fn scan_part<B, P: Sink>(
    shared: &Shared<B>,
    batch: Batch,
    mut part: P,
    lines_before: u64,
    tail: &[u8],
) -> Done<P> {
    let mut scanner = Scanner::starting_after(&shared.extractor, &shared.filter, lines_before);
    scanner.continue_after(tail);
    part.begin_batch(batch.bytes());
    match scanner.scan_lines(batch.bytes(), &mut part) {
        Ok(()) => Done::Scanned {
            lines: scanner.lines() - lines_before,
            batch,
            part,
        },
        Err(e) if PartTooLarge::is(&e) => Done::Here(batch),
        Err(e) => Done::Failed(e),
    }
}

/// The scan's own thread in [`scan_threaded`]: joins results in input order
/// and scans what must be scanned in order.
struct InOrder<'s, 'n, P> {
    scanner: Scanner<'s>,
    /// Where empty parts go back to the workers.
    parts: SyncSender<P>,
    on_long_line: &'n mut dyn FnMut(u64),
}

impl<P> InOrder<'_, '_, P> {
    fn run<S: Fork<Part = P>>(
        &mut self,
        events: Receiver<Event<P>>,
        sink: &mut S,
    ) -> Result<Scanned, ScanError> {
        // Results that came before their turn, by batch number.
        let mut pending: BTreeMap<u64, Done<P>> = BTreeMap::new();
        let mut next = 0u64;
        loop {
            while let Some(done) = pending.remove(&next) {
                match done {
                    Done::Scanned { batch, part, lines } => {
                        let bytes = batch.bytes().len() as u64;
                        sink.begin_batch(batch.bytes());
                        sink.join(part).map_err(ScanError::Write)?;
                        sink.flush().map_err(ScanError::Write)?;
                        sink.end_batch(batch).map_err(ScanError::Write)?;
                        self.scanner.advance(lines, bytes);
                    }
                    Done::Here(batch) => {
                        scan_one(batch, &mut self.scanner, sink, self.on_long_line)
                            .map_err(ScanError::Write)?;
                    }
                    Done::End(result) => {
                        let scanned = finish(&mut self.scanner, sink)?;
                        return result.map(|()| scanned).map_err(ScanError::Read);
                    }
                    Done::Failed(e) => return Err(ScanError::Write(e)),
                }
                next += 1;
                // A fresh part is the next worker's credit.
                let _ = self.parts.try_send(sink.fork());
            }
            match events.recv() {
                Ok(Event { seq, what }) => {
                    pending.insert(seq, what);
                }
                // Only if a worker died (a bug): say so rather than hang.
                Err(_) => {
                    return Err(ScanError::Read(io::Error::other(
                        "a scanning thread stopped",
                    )))
                }
            }
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

/// What a summary made with `config` counts with, recorded in its JSON so
/// `merge` can tell summaries that do not add up.
pub fn made_with(config: &Config) -> crate::summary::MadeWith {
    crate::summary::MadeWith {
        version: env!("CARGO_PKG_VERSION").to_string(),
        tables: crate::registry::installed_tables()
            .iter()
            .map(|t| t.name.to_string())
            .collect(),
        patterns: config.patterns.clone(),
        categories: config
            .filter
            .categories
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        codes: config
            .filter
            .codes
            .iter()
            .map(|r| {
                if r.start() == r.end() {
                    r.start().to_string()
                } else {
                    format!("{}-{}", r.start(), r.end())
                }
            })
            .collect(),
    }
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
            n => scan_batches_threaded(batcher, &Arc::new(extractor), &filter, &mut printer, n),
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
