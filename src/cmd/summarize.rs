//! `--summary`: what happened, at a glance. Inputs are summarised side by
//! side on a pool of threads, a large regular file in line-aligned chunks,
//! each into a [`Summary`] of its own; the summaries add up to one, written
//! as text, JSON or Prometheus metrics at the end.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Instant;

use rayon::prelude::*;

use super::{check_gate, prepare_inputs, serve_metrics, to_stdout, Outcome};
use crate::config::{Scan, Summarize};
use crate::error::Error;
use crate::exit::Exit;
use crate::input::decompress::is_compressed;
use crate::input::{BatchReader, Source, DEFAULT_BUFFER};
use crate::metrics::{Metrics, Tap};
use crate::pipeline::{long_line_note, scan_batches, stream_source, Context, Failure, ScanError};
use crate::scan::{Fork, Scanned};
use crate::summary::live::{IntervalWriter, Intervals, Live};
use crate::summary::report;
use crate::summary::timestamp::unix_now;
use crate::summary::{MadeWith, Summary};

/// Summarises to stdout, as the binary does. Ctrl-C prints what was read,
/// then exits 130.
pub fn main(mut settings: Summarize) -> Exit {
    let walk_failed = match prepare_inputs(&mut settings.scan) {
        Ok(failed) => failed,
        Err(exit) => return exit,
    };
    crate::interrupt::install();
    to_stdout(settings.scan.quiet, walk_failed, |out, report| {
        summarize(&settings, out, report)
    })
}

/// Summarises every input of `settings` (side by side on the pool, large
/// files in chunks) and writes the summary to `out`; soft errors go to
/// `report`, in input order.
pub fn summarize<W: Write>(
    settings: &Summarize,
    mut out: W,
    report: &mut dyn FnMut(&Error),
) -> Result<Outcome, Error> {
    check_gate(&settings.scan)?;
    let ctx = Context::new(&settings.scan, true)?;
    let ctx = &ctx;
    let inputs = &settings.scan.inputs;
    // Inputs are summarised in parallel (each large file also in chunks);
    // errors are reported afterwards, in input order.
    let summarize =
        |(index, source): (usize, &Source)| summarize_source(index as u32, source, ctx, None);
    let mut outcome = Outcome::default();
    let metrics = serve_metrics(&settings.scan)?;
    let results: Vec<Result<Summarized, Error>> = match &ctx.pool {
        _ if settings.every.is_some() || metrics.is_some() => {
            let (results, closed) = summarize_live(settings, metrics, ctx, &mut out);
            outcome.output_closed = closed;
            results
        }
        Some(pool) => pool.install(|| inputs.par_iter().enumerate().map(summarize).collect()),
        None => inputs.iter().enumerate().map(summarize).collect(),
    };
    let mut total = Summary::default();
    for (index, (result, source)) in results.into_iter().zip(inputs).enumerate() {
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
    total.made_with = Some(made_with(&settings.scan));
    let written = report::write_as(
        &total,
        settings.format,
        settings.color,
        settings.width,
        &mut out,
    )
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => outcome.output_closed = true,
        Err(e) => return Err(Error::Output(e)),
        Ok(()) => {}
    }
    Ok(outcome)
}

/// `--every` and `--metrics-listen`: the inputs summarised one after
/// another, counting for the scrapes as they go; with `--every`, on a
/// thread of their own while this one prints what each interval gathered,
/// at every tick whether input came or not. Also says whether the output
/// was closed.
fn summarize_live<W: Write>(
    settings: &Summarize,
    metrics: Option<Metrics>,
    ctx: &Context,
    out: &mut W,
) -> (Vec<Result<Summarized, Error>>, bool) {
    let intervals = Intervals::default();
    let live = LiveOut {
        intervals: settings.every.map(|_| intervals.clone()),
        metrics,
    };
    let summarize_all = || -> Vec<Result<Summarized, Error>> {
        let inputs = settings.scan.inputs.iter().enumerate();
        inputs
            .map(|(i, source)| summarize_source(i as u32, source, ctx, Some(&live)))
            .collect()
    };
    let Some(every) = settings.every else {
        // Only serving metrics: nothing to print until the end.
        return (summarize_all(), false);
    };
    let mut writer = IntervalWriter::new(
        settings.format,
        settings.color,
        settings.width,
        settings.redraw,
    );
    let (done, finished) = mpsc::channel::<()>();
    let mut closed = false;
    let results = std::thread::scope(|s| {
        let scan = s.spawn(|| {
            let results = summarize_all();
            let _ = done.send(());
            results
        });
        let mut total = Summary::default();
        let mut start = unix_now();
        let mut next = Instant::now() + every;
        // A tick is a wait that times out; the scan's end, or its thread's,
        // ends the waiting.
        while let Err(RecvTimeoutError::Timeout) =
            finished.recv_timeout(next.saturating_duration_since(Instant::now()))
        {
            next += every;
            let gathered = intervals.take();
            total += gathered.summary.clone();
            let end = unix_now();
            if !closed
                && writer
                    .write(out, (start, end), &gathered.summary, &total)
                    .is_err()
            {
                // Nobody reads any more: end the input, however long it goes on.
                closed = true;
                crate::interrupt::stop_input();
            }
            start = end;
            // Behind (a stalled reader, a suspended machine): the next tick
            // is a whole interval from now, not a burst of missed ones.
            let now = Instant::now();
            if next <= now {
                next = now + every;
            }
        }
        if !closed && writer.clear(out).is_err() {
            closed = true;
        }
        scan.join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    (results, closed)
}

/// Where a live summary's counts go besides the summary itself.
struct LiveOut {
    /// `--every`: each interval's counts.
    intervals: Option<Intervals>,
    /// `--metrics-listen`: the scrapes' counts.
    metrics: Option<Metrics>,
}

/// One input summarised: the summary, the number of its first line longer
/// than the limit, and the notes on it (said in input order).
type Summarized = (Summary, Option<u64>, Vec<Error>);

/// Below this size a file is not worth splitting into chunks.
const CHUNK_MIN: u64 = 4 * 1024 * 1024;

/// Summarises one input: a large regular file in line-aligned chunks on all
/// threads, anything else as a stream. Also gives the number of the first
/// line longer than the limit, if any.
///
/// With `live`, the input is streamed and what each batch adds is handed
/// to it as well.
fn summarize_source(
    index: u32,
    source: &Source,
    ctx: &Context,
    live: Option<&LiveOut>,
) -> Result<Summarized, Error> {
    let name = source.name();
    let mut summary = Summary::for_input(index, &name, ctx.gate.clone())
        .stopping_at_rate_trip()
        .grouped_by(ctx.by.clone())
        .reading_upgrades();
    summary.set_reference_time(source.modified());
    if let (Source::File(path), Some(pool), None) = (source, &ctx.pool, live) {
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
                                scan_batches(batcher, &ctx.extractor, &ctx.filter, &mut part)
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
    let streamed = match live {
        Some(live) => {
            let tap = live.metrics.clone().map(Tap::new);
            let mut sink = Live::new(summary, (index, &name), live.intervals.clone(), tap);
            let streamed = stream_source(source, ctx, &mut sink, &mut note);
            summary = sink.into_summary();
            streamed
        }
        None => stream_source(source, ctx, &mut summary, &mut note),
    };
    match streamed {
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

/// What a summary made with `scan` counts with, recorded in its JSON so
/// `merge` can tell summaries that do not add up.
pub fn made_with(scan: &Scan) -> MadeWith {
    MadeWith {
        version: env!("CARGO_PKG_VERSION").to_string(),
        tables: tables_here(),
        patterns: scan.patterns.clone(),
        categories: scan
            .filter
            .categories
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        codes: scan
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

/// The names of the code tables loaded in this process, in load order.
pub fn tables_here() -> Vec<String> {
    crate::codes::installed_tables()
        .iter()
        .map(|t| t.name.to_string())
        .collect()
}
