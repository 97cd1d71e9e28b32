//! One run over every input, in order.
//!
//! Soft errors (an unreadable input) are reported as they happen and the run
//! goes on; the [`Outcome`] says whether any happened. A closed output pipe
//! ends the run quietly: it is how `| head` says it has seen enough.

use std::io::{self, Read, Write};

use crate::cli::Config;
use crate::error::Error;
use crate::extract::Extractor;
use crate::filter::Filter;
use crate::input::{Chunk, LineBatcher, Source, DEFAULT_BUFFER, DEFAULT_MAX_LINE};
use crate::printer::Printer;
use rayon::prelude::*;

use crate::scan::{count_lines, Scanner, Sink};

/// How a run ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Some input could not be read (it was reported on stderr).
    pub errored: bool,
    /// The output was closed before everything was written.
    pub output_closed: bool,
}

impl Outcome {
    /// The process exit status: 0 fine, 2 an input could not be read.
    pub fn exit_code(&self) -> u8 {
        if self.errored {
            2
        } else {
            0
        }
    }
}

/// Runs `config` writing to `out`; soft errors go to `report`.
pub fn run<W: Write>(
    config: &Config,
    out: W,
    report: &mut dyn FnMut(&Error),
) -> Result<Outcome, Error> {
    let extractor = Extractor::new(&config.patterns)?;
    let pool = match config.threads {
        0 | 1 => None,
        n => rayon::ThreadPoolBuilder::new().num_threads(n).build().ok(),
    };
    let mut printer = Printer::new(out, config.format, config.color, config.only_matching);
    let mut outcome = Outcome::default();
    for source in &config.inputs {
        printer.set_source(&source.name());
        match annotate_source(source, &extractor, config, pool.as_ref(), &mut printer) {
            Ok(()) => {}
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
    match printer.flush() {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => outcome.output_closed = true,
        Err(e) => return Err(Error::Output(e)),
        Ok(()) => {}
    }
    Ok(outcome)
}

/// Which side failed: the input (report it, go on) or the output (stop).
enum Failure {
    Input(Error),
    Output(io::Error),
}

fn annotate_source<W: Write>(
    source: &Source,
    extractor: &Extractor,
    config: &Config,
    pool: Option<&rayon::ThreadPool>,
    printer: &mut Printer<W>,
) -> Result<(), Failure> {
    let reader = source.open().map_err(Failure::Input)?;
    let buffer = if pool.is_some() {
        PARALLEL_BUFFER
    } else {
        DEFAULT_BUFFER
    };
    let batcher = LineBatcher::with_limits(reader, buffer, DEFAULT_MAX_LINE);
    scan_batches(batcher, extractor, &config.filter, printer, pool).map_err(|failure| match failure
    {
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

/// Scans everything `batcher` reads into `printer`, flushing after each
/// batch so a trickle of input comes out line by line. With a `pool`, a
/// large batch is split at line boundaries and its parts are scanned on all
/// threads, each into its own buffer; the buffers are written in order, so
/// the output is the same as a one-thread scan.
pub fn scan_batches<R: Read, W: Write>(
    mut batcher: LineBatcher<R>,
    extractor: &Extractor,
    filter: &Filter,
    printer: &mut Printer<W>,
    pool: Option<&rayon::ThreadPool>,
) -> Result<(), ScanError> {
    let mut scanner = Scanner::new(extractor, filter);
    loop {
        let chunk = match batcher.next_chunk() {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                // Keep what was read, then report.
                scanner.finish(printer).map_err(ScanError::Write)?;
                printer.flush().map_err(ScanError::Write)?;
                return Err(ScanError::Read(e));
            }
        };
        match (chunk, pool) {
            (Chunk::Lines(lines), Some(pool))
                if lines.len() >= PARALLEL_MIN && scanner.at_line_start() =>
            {
                scan_parallel(lines, pool, &mut scanner, extractor, filter, printer)
            }
            (Chunk::Lines(lines), _) => scanner.scan_lines(lines, printer),
            (Chunk::Piece(piece), _) => scanner.scan_piece(piece, printer),
        }
        .map_err(ScanError::Write)?;
        printer.flush().map_err(ScanError::Write)?;
    }
    scanner.finish(printer).map_err(ScanError::Write)
}

/// Scans one batch of whole lines on every thread of `pool`.
fn scan_parallel<W: Write>(
    lines: &[u8],
    pool: &rayon::ThreadPool,
    scanner: &mut Scanner<'_>,
    extractor: &Extractor,
    filter: &Filter,
    printer: &mut Printer<W>,
) -> io::Result<()> {
    let parts = split_at_lines(lines, pool.current_num_threads() * 2);
    let numbered = printer.wants_line_numbers();
    // Each part's first line number: the lines before it (only when printed).
    let mut starts = Vec::with_capacity(parts.len());
    let mut seen = scanner.lines();
    for part in &parts {
        starts.push(seen);
        if numbered {
            seen += count_lines(part);
        }
    }
    let jobs: Vec<_> = parts
        .into_iter()
        .zip(starts)
        .map(|(part, start)| (part, start, printer.fork()))
        .collect();
    let outputs: Vec<io::Result<Vec<u8>>> = pool.install(|| {
        jobs.into_par_iter()
            .map(|(part, start, mut out)| {
                let mut worker = Scanner::starting_after(extractor, filter, start);
                worker.scan_lines(part, &mut out)?;
                Ok(out.into_inner())
            })
            .collect()
    });
    for out in outputs {
        printer.write_raw(&out?)?;
    }
    scanner.advance(seen - scanner.lines(), lines.len() as u64);
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
