//! The engine that scans one input: it opens the source, reads batches of
//! lines, and scans them into a [`Sink`] on this thread or on workers, in
//! input order either way. Memory is bounded by the batches in flight.
//!
//! Commands ([`crate::cmd`]) decide what the sink is and what happens
//! between inputs; this module only turns one source into sink calls.

use std::collections::BTreeMap;
use std::io;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};

use crate::config::Scan;
use crate::error::Error;
use crate::extract::Extractor;
use crate::filter::Filter;
use crate::input::{Batch, BatchReader, Batches, Source, DEFAULT_BUFFER};
use crate::scan::{Fork, HoldFailed, PartTooLarge, Scanned, Scanner, Sink};
use crate::summary::gate::Gate;

/// What every input's scan shares, built once per run from its [`Scan`]
/// settings.
pub struct Context {
    /// The extractor, shared with the workers.
    pub extractor: Arc<Extractor>,
    /// Which codes are reported.
    pub filter: Filter,
    /// The `--fail-on` rules, whose counts ride along.
    pub gate: Option<Arc<Gate>>,
    /// The summary's pool: inputs side by side, large files in chunks.
    pub pool: Option<rayon::ThreadPool>,
    /// Threads for scanning a stream (1: all on this thread).
    pub threads: usize,
    /// `threads` was chosen, not the CPU count.
    pub threads_chosen: bool,
    /// `-z`: decompress stdin too when it is compressed.
    pub search_zip: bool,
    /// Longest line kept whole.
    pub max_line: usize,
    /// `--by`: where a summary reads origins.
    pub by: Option<Arc<[crate::summary::origin::By]>>,
}

impl Context {
    /// The extractor with the scan's patterns, and for a summary
    /// (`pooled`) a pool of the scan's threads; streams and annotate mode
    /// use workers of their own.
    pub fn new(scan: &Scan, pooled: bool) -> Result<Context, Error> {
        let pool = match scan.threads {
            n if n > 1 && pooled => rayon::ThreadPoolBuilder::new().num_threads(n).build().ok(),
            _ => None,
        };
        Ok(Context {
            extractor: Arc::new(Extractor::new(&scan.patterns)?),
            filter: scan.filter.clone(),
            gate: scan.gate.clone(),
            pool,
            threads: scan.threads,
            threads_chosen: scan.threads_chosen,
            search_zip: scan.search_zip,
            max_line: scan.max_line,
            by: (!scan.by.is_empty()).then(|| scan.by.clone().into()),
        })
    }
}

/// Which side failed: the input (report it, go on) or the output (stop).
pub enum Failure {
    /// Reading the input failed.
    Input(Error),
    /// Writing the output failed.
    Output(io::Error),
}

/// The note for an input's first line longer than the limit.
pub fn long_line_note(source: &Source, line: u64, limit: usize, passed_through: bool) -> Error {
    Error::LongLine {
        path: source.path(),
        line,
        limit,
        passed_through,
    }
}

/// Streams one input through `sink`; `on_long_line` hears of the first line
/// longer than the limit when it arrives.
pub fn stream_source<S: Fork>(
    source: &Source,
    ctx: &Context,
    sink: &mut S,
    on_note: &mut dyn FnMut(Error),
) -> Result<Scanned, Failure> {
    let passed_through = sink.wants_passthrough();
    let reader = source
        .open_noting(ctx.search_zip, &mut *on_note)
        .map_err(Failure::Input)?;
    // A long line is noted as soon as it is seen: a live stream may never end.
    let mut long_line = |line| on_note(long_line_note(source, line, ctx.max_line, passed_through));
    let (extractor, filter) = (&ctx.extractor, &ctx.filter);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::{LineFormat, Printer, PART_BUDGET};

    fn json_of(input: &[u8], threads: usize) -> Vec<u8> {
        let extractor = Extractor::new(&[]).unwrap();
        let mut printer = Printer::new(Vec::new(), LineFormat::Json, false, false);
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
