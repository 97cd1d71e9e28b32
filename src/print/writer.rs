//! Standard output written on a thread of its own.
//!
//! The scanner hands each finished batch over with `flush` and goes on with
//! the next while this thread writes: reading, scanning and writing overlap
//! instead of taking turns. At most [`QUEUE`] buffers of about [`BUFFER`]
//! bytes are in flight, so memory stays bounded and a slow reader of the
//! output slows the scan down instead of growing the queue (backpressure).
//! A trickle of input still comes out line by line: every flush is written
//! at once.
//!
//! Most of what annotate mode writes is input passing through. Inside a
//! batch ([`Output::begin_batch`]) such bytes are not copied: the output
//! keeps their place in the batch ([`Segments`]), takes the batch along at
//! its end, and the thread writes input and annotations with one `writev`.
//! The batch's buffer then goes back to the reader.

use std::io::{self, IoSlice, Write};
use std::ops::Range;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::input::Batch;

/// Bytes collected before a buffer is handed to the writer thread unasked.
pub const BUFFER: usize = 256 * 1024;
/// Buffers that may wait for the writer thread.
pub const QUEUE: usize = 4;

/// Where annotate mode writes: a `Write` that may also take the passthrough
/// bytes of the batch being scanned by reference instead of copying them.
/// Plain writers (a `Vec`, a file) copy, which is always correct; the
/// defaults do that.
pub trait Output: Write {
    /// `input` is about to be scanned; bytes written from inside it may be
    /// kept as references until [`Output::end_batch`].
    fn begin_batch(&mut self, _input: &[u8]) {}

    /// The batch is scanned and all its output written; a writer that kept
    /// references takes the batch along to write from it.
    fn end_batch(&mut self, _batch: Batch) -> io::Result<()> {
        Ok(())
    }

    /// True when this writer keeps references into batches, so a part
    /// scanning a batch on another thread may keep references too.
    fn keeps_references(&self) -> bool {
        false
    }

    /// Appends a part's output (see [`Segments`]). The default writes the
    /// part's own bytes, which is all a part holds when it kept no
    /// references.
    fn append(&mut self, part: Segments) -> io::Result<()> {
        debug_assert!(part.segs.iter().all(|s| matches!(s, Seg::New(_))));
        self.write_all(&part.arena)
    }
}

impl Output for Vec<u8> {}

impl<W: Output + ?Sized> Output for &mut W {
    fn begin_batch(&mut self, input: &[u8]) {
        (**self).begin_batch(input);
    }

    fn end_batch(&mut self, batch: Batch) -> io::Result<()> {
        (**self).end_batch(batch)
    }

    fn keeps_references(&self) -> bool {
        (**self).keeps_references()
    }

    fn append(&mut self, part: Segments) -> io::Result<()> {
        (**self).append(part)
    }
}

/// Where a batch's bytes are in memory: enough to tell whether a slice lies
/// inside it, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputRange {
    start: usize,
    len: usize,
}

impl InputRange {
    /// The range `input` occupies.
    pub fn of(input: &[u8]) -> InputRange {
        InputRange {
            start: input.as_ptr() as usize,
            len: input.len(),
        }
    }

    /// Where `data` starts in the batch, when it lies inside it.
    fn offset_of(&self, data: &[u8]) -> Option<usize> {
        let at = (data.as_ptr() as usize).checked_sub(self.start)?;
        (at + data.len() <= self.len).then_some(at)
    }
}

/// One run of output: bytes of the batch, or bytes of the arena.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Input(Range<usize>),
    New(Range<usize>),
}

/// Output kept as runs: ranges of the input batch (passthrough, not copied)
/// and new bytes (annotations, JSON) in an arena of its own.
#[derive(Debug, Default)]
pub struct Segments {
    segs: Vec<Seg>,
    arena: Vec<u8>,
    batch: Option<InputRange>,
}

impl Segments {
    /// Starts keeping references into `batch` (or stops, with `None`).
    pub fn set_batch(&mut self, batch: Option<InputRange>) {
        self.batch = batch;
    }

    /// New bytes held (what a reference costs nothing of).
    pub fn new_bytes(&self) -> usize {
        self.arena.len()
    }

    fn is_empty(&self) -> bool {
        self.segs.is_empty()
    }

    /// Adds `data`: a reference when it lies in the batch, else a copy.
    pub fn push(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        match self.batch.and_then(|b| b.offset_of(data)) {
            Some(at) => self.push_seg(Seg::Input(at..at + data.len())),
            None => {
                let at = self.arena.len();
                self.arena.extend_from_slice(data);
                self.push_seg(Seg::New(at..self.arena.len()));
            }
        }
    }

    /// Adds `other`'s runs after these (both must refer to the same batch).
    pub fn append(&mut self, other: Segments) {
        let base = self.arena.len();
        self.arena.extend_from_slice(&other.arena);
        for seg in other.segs {
            self.push_seg(match seg {
                Seg::New(r) => Seg::New(r.start + base..r.end + base),
                input => input,
            });
        }
    }

    fn push_seg(&mut self, seg: Seg) {
        match (self.segs.last_mut(), &seg) {
            (Some(Seg::Input(last)), Seg::Input(r)) | (Some(Seg::New(last)), Seg::New(r))
                if last.end == r.start =>
            {
                last.end = r.end;
            }
            _ => self.segs.push(seg),
        }
    }

    /// Writes the runs in order, the input ones from `input`.
    fn write_to(&self, input: &[u8], out: &mut dyn Write) -> io::Result<()> {
        let mut slices: Vec<IoSlice<'_>> = self
            .segs
            .iter()
            .map(|seg| match seg {
                Seg::Input(r) => IoSlice::new(&input[r.clone()]),
                Seg::New(r) => IoSlice::new(&self.arena[r.clone()]),
            })
            .collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match out.write_vectored(rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn clear(&mut self) {
        self.segs.clear();
        self.arena.clear();
    }
}

/// What the writer thread writes: runs, and the batch they refer to.
struct Job {
    segments: Segments,
    batch: Option<Batch>,
}

/// A `Write` whose bytes are written by a background thread; see the module
/// documentation. Call [`ThreadedWriter::finish`] at the end to wait for the
/// last write and learn whether it failed.
pub struct ThreadedWriter {
    current: Segments,
    queue: Option<SyncSender<Job>>,
    /// Empty arenas coming back for reuse.
    spare: Receiver<Segments>,
    failed: Arc<Mutex<Option<io::Error>>>,
    thread: Option<JoinHandle<()>>,
}

impl ThreadedWriter {
    /// Starts the thread that writes to `out`.
    pub fn spawn<W: Write + Send + 'static>(mut out: W) -> ThreadedWriter {
        let (tx, rx) = sync_channel::<Job>(QUEUE);
        let (spare_tx, spare_rx) = sync_channel::<Segments>(QUEUE + 2);
        let failed = Arc::new(Mutex::new(None));
        let failure = Arc::clone(&failed);
        let thread = std::thread::spawn(move || {
            for mut job in rx {
                let input = job.batch.as_ref().map_or(&[][..], Batch::bytes);
                let written = job
                    .segments
                    .write_to(input, &mut out)
                    .and_then(|()| out.flush());
                if let Err(e) = written {
                    *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    return;
                }
                drop(job.batch.take());
                job.segments.clear();
                job.segments.set_batch(None);
                let _ = spare_tx.try_send(job.segments);
            }
        });
        ThreadedWriter {
            current: Segments::default(),
            queue: Some(tx),
            spare: spare_rx,
            failed,
            thread: Some(thread),
        }
    }

    /// The error the writer thread stopped on, if any (a copy: the kind and
    /// message; the first error is kept).
    fn failure(&self) -> Option<io::Error> {
        let guard = self.failed.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .map(|e| io::Error::new(e.kind(), e.to_string()))
    }

    fn hand_over(&mut self, batch: Option<Batch>) -> io::Result<()> {
        if self.current.is_empty() {
            return Ok(());
        }
        if let Some(e) = self.failure() {
            return Err(e);
        }
        let next = self.spare.try_recv().unwrap_or_default();
        let segments = std::mem::replace(&mut self.current, next);
        let queue = self.queue.as_ref().expect("not finished");
        if queue.send(Job { segments, batch }).is_err() {
            return Err(self
                .failure()
                .unwrap_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "output closed")));
        }
        Ok(())
    }

    /// Writes what is left, waits for the writer thread, and reports the
    /// first write error.
    pub fn finish(mut self) -> io::Result<()> {
        let handed = self.hand_over(None);
        drop(self.queue.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        handed?;
        match self.failure() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl Write for ThreadedWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    /// Large writes (a piece of a long line is megabytes) are handed over
    /// a buffer at a time, so what waits in the queue stays bounded. Inside
    /// a batch nothing is handed over before the batch ends: the references
    /// need the batch, and its output is bounded by its size.
    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        if self.current.batch.is_some() {
            self.current.push(data);
            return Ok(());
        }
        for part in data.chunks(BUFFER) {
            self.current.push(part);
            if self.current.new_bytes() >= BUFFER {
                self.hand_over(None)?;
            }
        }
        Ok(())
    }

    /// Hands the buffer to the writer thread; does not wait for the write.
    /// Inside a batch, the batch's end does that.
    fn flush(&mut self) -> io::Result<()> {
        if self.current.batch.is_some() {
            return Ok(());
        }
        self.hand_over(None)
    }
}

impl Output for ThreadedWriter {
    fn begin_batch(&mut self, input: &[u8]) {
        self.current.set_batch(Some(InputRange::of(input)));
    }

    fn end_batch(&mut self, batch: Batch) -> io::Result<()> {
        self.current.set_batch(None);
        self.hand_over(Some(batch))
    }

    fn keeps_references(&self) -> bool {
        true
    }

    fn append(&mut self, part: Segments) -> io::Result<()> {
        if self.current.batch.is_none() {
            debug_assert!(part.segs.iter().all(|s| matches!(s, Seg::New(_))));
            return self.write_all(&part.arena);
        }
        self.current.append(part);
        Ok(())
    }
}

impl Drop for ThreadedWriter {
    fn drop(&mut self) {
        drop(self.queue.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// True when the tool was started with standard output closed
/// (`wscode-annotate app.log >&-`). The Rust runtime then opens /dev/null
/// read-write in its place, so everything written would be lost silently;
/// a shell's `>/dev/null` opens it write-only.
pub fn stdout_was_closed() -> bool {
    use rustix::fs::{fstat, major, minor, FileType, OFlags};
    let out = io::stdout();
    let Ok(stat) = fstat(&out) else {
        return true;
    };
    let null = FileType::from_raw_mode(stat.st_mode) == FileType::CharacterDevice
        && major(stat.st_rdev) == 1
        && minor(stat.st_rdev) == 3;
    let read_write =
        rustix::fs::fcntl_getfl(&out).is_ok_and(|flags| flags & OFlags::ACCMODE == OFlags::RDWR);
    null && read_write
}

/// Standard output without its line buffer, which would copy every byte
/// once more: a second handle on the same descriptor. Falls back to the
/// buffered handle if the descriptor cannot be duplicated.
pub fn raw_stdout() -> Box<dyn Write + Send> {
    use std::os::fd::AsFd;
    match io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => {
            crate::input::grow_pipe(&fd);
            Box::new(std::fs::File::from(fd))
        }
        Err(_) => Box::new(io::stdout()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that records into a shared vector.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn everything_written_arrives_in_order() {
        let sink = Shared::default();
        let mut w = ThreadedWriter::spawn(sink.clone());
        let mut expected = Vec::new();
        for i in 0..50_000u32 {
            let line = format!("line {i}\n");
            w.write_all(line.as_bytes()).unwrap();
            expected.extend_from_slice(line.as_bytes());
            if i % 1000 == 0 {
                w.flush().unwrap();
            }
        }
        w.finish().unwrap();
        assert_eq!(*sink.0.lock().unwrap(), expected);
    }

    #[test]
    fn batch_bytes_written_by_reference_come_out_in_order() {
        let sink = Shared::default();
        let mut w = ThreadedWriter::spawn(sink.clone());
        let mut expected = Vec::new();
        w.write_all(b"before ").unwrap();
        expected.extend_from_slice(b"before ");
        for n in 0..50u32 {
            let batch = Batch::lines(format!("line {n} a\nline {n} b\n").into_bytes());
            let bytes = batch.bytes().to_vec();
            w.begin_batch(batch.bytes());
            // A reference, a copy, then a part holding a reference and a copy.
            w.write_all(&batch.bytes()[..9]).unwrap();
            w.write_all(b"<note>").unwrap();
            let mut part = Segments::default();
            part.set_batch(Some(InputRange::of(batch.bytes())));
            part.push(&batch.bytes()[9..]);
            part.push(b"<end>");
            w.append(part).unwrap();
            w.end_batch(batch).unwrap();
            expected.extend_from_slice(&bytes[..9]);
            expected.extend_from_slice(b"<note>");
            expected.extend_from_slice(&bytes[9..]);
            expected.extend_from_slice(b"<end>");
        }
        w.write_all(b" after").unwrap();
        expected.extend_from_slice(b" after");
        w.finish().unwrap();
        assert_eq!(*sink.0.lock().unwrap(), expected);
    }

    #[test]
    fn only_slices_inside_the_batch_are_references() {
        let batch = b"0123456789".to_vec();
        let mut s = Segments::default();
        s.set_batch(Some(InputRange::of(&batch)));
        s.push(&batch[2..5]);
        s.push(&batch[5..7]);
        let copy = batch.clone();
        s.push(&copy[7..]);
        assert_eq!(s.segs, vec![Seg::Input(2..7), Seg::New(0..3)]);
        assert_eq!(s.new_bytes(), 3);
    }

    #[test]
    fn a_closed_output_is_reported() {
        let mut w = ThreadedWriter::spawn(Closed);
        let mut err = None;
        for _ in 0..100 {
            if let Err(e) = w.write_all(&[b'x'; BUFFER]) {
                err = Some(e);
                break;
            }
        }
        let end = w.finish();
        let kind = err.map(|e| e.kind()).or(end.err().map(|e| e.kind()));
        assert_eq!(kind, Some(io::ErrorKind::BrokenPipe));
    }
}
