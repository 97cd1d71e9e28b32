//! One run over every input, in order: annotate mode or `--summary`.
//!
//! Soft errors (an unreadable input) are reported as they happen and the run
//! goes on; the [`Outcome`] says whether any happened and which `--fail-on`
//! rules tripped. A closed output pipe ends the run quietly: it is how
//! `| head` says it has seen enough.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use rayon::prelude::*;

use crate::cli::{Config, Mode};
use crate::decompress::is_compressed;
use crate::error::Error;
use crate::extract::Extractor;
use crate::filter::Filter;
use crate::gate::{Gate, Trip};
use crate::input::{Batch, BatchReader, Batches, Source, ThreadedBatches, DEFAULT_BUFFER};
use crate::output::Output;
use crate::printer::{Format, Printer};
use crate::report;
use crate::scan::{count_lines, Fork, PartTooLarge, Scanned, Scanner, Sink, Tee};
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
    let pool = match config.threads {
        0 | 1 => None,
        n => rayon::ThreadPoolBuilder::new().num_threads(n).build().ok(),
    };
    let ctx = Context {
        extractor: &extractor,
        filter: &config.filter,
        gate: config.gate.clone(),
        pool: pool.as_ref(),
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
                                scan_batches(batcher, ctx.extractor, ctx.filter, &mut part, None)
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
    let buffer = if ctx.pool.is_some() {
        PARALLEL_BUFFER
    } else {
        DEFAULT_BUFFER
    };
    let batches = BatchReader::with_limits(reader, buffer, ctx.max_line);
    let (extractor, filter) = (ctx.extractor, ctx.filter);
    // With threads, reading runs ahead on a thread of its own; `-j1` keeps
    // the whole scan on one thread.
    match ctx.pool {
        Some(pool) => scan_batches_noting(
            ThreadedBatches::spawn(batches),
            extractor,
            filter,
            sink,
            Some(pool),
            on_long_line,
        ),
        None => scan_batches_noting(batches, extractor, filter, sink, None, on_long_line),
    }
    .map_err(|failure| match failure {
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

/// Why [`scan_batches`] stopped early.
#[derive(Debug)]
pub enum ScanError {
    /// Reading the input failed; what was read before has been written.
    Read(io::Error),
    /// Writing the output failed.
    Write(io::Error),
}

/// The read buffer when batches are split between threads: large enough
/// that each thread gets a good share.
const PARALLEL_BUFFER: usize = 1024 * 1024;

/// Batches at least this large are split between threads.
const PARALLEL_MIN: usize = 128 * 1024;

/// Batches already read that are scanned side by side, at most.
const GROUP: usize = 4;

/// Scans every batch into `sink`, flushing after each so a trickle of input
/// comes out line by line. With a `pool`, the batches already waiting are
/// scanned side by side and a large batch is split at line boundaries, each
/// part into its own part of the sink ([`Fork`]); the parts are joined in
/// order, so the result is the same as a one-thread scan.
pub fn scan_batches<B: Batches, S: Fork>(
    batches: B,
    extractor: &Extractor,
    filter: &Filter,
    sink: &mut S,
    pool: Option<&rayon::ThreadPool>,
) -> Result<Scanned, ScanError> {
    scan_batches_noting(batches, extractor, filter, sink, pool, &mut |_| {})
}

/// [`scan_batches`], calling `on_long_line` with the line's number when the
/// first line longer than the reader's limit starts to arrive (it is also
/// in [`Scanned::first_long_line`] at the end).
pub fn scan_batches_noting<B: Batches, S: Fork>(
    mut batches: B,
    extractor: &Extractor,
    filter: &Filter,
    sink: &mut S,
    pool: Option<&rayon::ThreadPool>,
    on_long_line: &mut dyn FnMut(u64),
) -> Result<Scanned, ScanError> {
    let mut scanner = Scanner::new(extractor, filter);
    // A batch (or error) taken while gathering a group, for the next round.
    let mut waiting: Option<io::Result<Batch>> = None;
    loop {
        let next = match waiting.take() {
            Some(next) => next.map(Some),
            None => batches.next_batch(),
        };
        let batch = match next {
            Ok(Some(batch)) => batch,
            Ok(None) => break,
            Err(e) => {
                // Keep what was read, then report.
                scanner.finish(sink).map_err(ScanError::Write)?;
                sink.flush().map_err(ScanError::Write)?;
                return Err(ScanError::Read(e));
            }
        };
        let parallel = pool.filter(|_| batch.is_whole() && scanner.at_line_start());
        let Some(pool) = parallel else {
            scan_one(batch, &mut scanner, sink, on_long_line).map_err(ScanError::Write)?;
            continue;
        };
        let mut group = vec![batch];
        while group.len() < GROUP {
            match batches.ready_batch() {
                Some(Ok(batch)) if batch.is_whole() => group.push(batch),
                Some(other) => {
                    waiting = Some(other);
                    break;
                }
                None => break,
            }
        }
        if group.len() == 1 && group[0].bytes().len() < PARALLEL_MIN {
            let batch = group.pop().expect("one batch");
            scan_one(batch, &mut scanner, sink, on_long_line)
        } else {
            scan_parallel(group, pool, &mut scanner, extractor, filter, sink)
        }
        .map_err(ScanError::Write)?;
    }
    scanner.finish(sink).map_err(ScanError::Write)?;
    sink.flush().map_err(ScanError::Write)?;
    Ok(Scanned {
        lines: scanner.lines(),
        bytes: scanner.bytes(),
        first_long_line: scanner.first_long_line(),
    })
}

/// Scans one batch on this thread.
fn scan_one<S: Fork>(
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

/// Scans batches of whole lines on every thread of `pool`: each batch, or
/// each part of a batch when there are fewer batches than threads.
fn scan_parallel<S: Fork>(
    batches: Vec<Batch>,
    pool: &rayon::ThreadPool,
    scanner: &mut Scanner<'_>,
    extractor: &Extractor,
    filter: &Filter,
    sink: &mut S,
) -> io::Result<()> {
    let threads = pool.current_num_threads() * 2;
    let split = threads.div_ceil(batches.len());
    // The jobs, in input order: a batch's index and a part of its bytes.
    let jobs: Vec<(usize, &[u8])> = batches
        .iter()
        .enumerate()
        .flat_map(|(i, batch)| {
            let bytes = batch.bytes();
            let parts = if bytes.len() >= PARALLEL_MIN {
                split
            } else {
                1
            };
            split_at_lines(bytes, parts)
                .into_iter()
                .map(move |part| (i, part))
        })
        .collect();
    let numbered = sink.wants_line_numbers();
    // Each job's first line number: the lines before it (counted up front
    // only when the sink needs them; otherwise the workers count).
    let mut seen = scanner.lines();
    let mut work = Vec::with_capacity(jobs.len());
    for &(i, part) in &jobs {
        let mut out = sink.fork();
        out.begin_batch(batches[i].bytes());
        work.push((part, seen, out));
        if numbered {
            seen += count_lines(part);
        }
    }
    let done: Vec<io::Result<(S::Part, u64)>> = pool.install(|| {
        work.into_par_iter()
            .map(|(part, start, mut out)| {
                let mut worker = Scanner::starting_after(extractor, filter, start);
                worker.scan_lines(part, &mut out)?;
                Ok((out, worker.lines() - start))
            })
            .collect()
    });
    if done
        .iter()
        .any(|part| part.as_ref().is_err_and(PartTooLarge::is))
    {
        // Too much output to hold (a line with thousands of codes, in
        // JSON): nothing of these batches is written yet, so scan them
        // again on this thread, writing as it goes.
        drop(done);
        for batch in batches {
            scan_one(batch, scanner, sink, &mut |_| {})?;
        }
        return Ok(());
    }
    let bytes: usize = batches.iter().map(|b| b.bytes().len()).sum();
    let indices: Vec<usize> = jobs.iter().map(|&(i, _)| i).collect();
    let mut batches = batches.into_iter();
    let mut current: Option<(usize, Batch)> = None;
    let mut counted = 0;
    for (i, part) in indices.into_iter().zip(done) {
        let (part, lines) = part?;
        if current.as_ref().is_none_or(|(at, _)| *at != i) {
            if let Some((_, batch)) = current.take() {
                sink.flush()?;
                sink.end_batch(batch)?;
            }
            let batch = batches.next().expect("a batch for every job");
            sink.begin_batch(batch.bytes());
            current = Some((i, batch));
        }
        counted += lines;
        sink.join(part)?;
    }
    if let Some((_, batch)) = current {
        sink.flush()?;
        sink.end_batch(batch)?;
    }
    scanner.advance(counted, bytes as u64);
    Ok(())
}

/// Splits whole lines into at most `n` parts of about equal size, each
/// ending at a line end.
fn split_at_lines(lines: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(n);
    let target = lines.len().div_ceil(n.max(1));
    let mut rest = lines;
    while !rest.is_empty() {
        if rest.len() <= target {
            parts.push(rest);
            break;
        }
        let cut = memchr::memchr(b'\n', &rest[target..]).map_or(rest.len(), |p| target + p + 1);
        let (part, tail) = rest.split_at(cut);
        parts.push(part);
        rest = tail;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::{Format, Printer, PART_BUDGET};

    fn json_of(input: &[u8], pool: Option<&rayon::ThreadPool>) -> Vec<u8> {
        let extractor = Extractor::new(&[]).unwrap();
        let mut printer = Printer::new(Vec::new(), Format::Json, false, false);
        let batcher = BatchReader::with_limits(input, PARALLEL_BUFFER, 1 << 22);
        scan_batches(batcher, &extractor, &Filter::default(), &mut printer, pool).unwrap();
        printer.into_inner()
    }

    #[test]
    fn a_batch_whose_output_is_too_large_to_hold_is_scanned_on_one_thread() {
        // JSON repeats a line for each code on it: 100 codes a line make
        // far more output than input, more than the parts may hold.
        let mut line = b"ws closed".to_vec();
        for code in 1000..1100 {
            line.extend_from_slice(format!(" close_code={code}").as_bytes());
        }
        line.push(b'\n');
        let input = line.repeat(100);
        assert!(input.len() >= PARALLEL_MIN);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let one = json_of(&input, None);
        assert!(one.len() > PART_BUDGET, "the test needs more output");
        assert!(json_of(&input, Some(&pool)) == one);
        // A batch whose output fits is still split, with the same result.
        let light = b"websocket: close 1006 (abnormal closure)\nplain line\n".repeat(5000);
        assert_eq!(json_of(&light, Some(&pool)), json_of(&light, None));
    }
}
