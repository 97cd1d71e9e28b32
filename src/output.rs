//! Standard output written on a thread of its own.
//!
//! The scanner hands each finished batch over with `flush` and goes on with
//! the next while this thread writes: reading, scanning and writing overlap
//! instead of taking turns. At most [`QUEUE`] buffers of about [`BUFFER`]
//! bytes are in flight, so memory stays bounded and a slow reader of the
//! output slows the scan down instead of growing the queue (backpressure).
//! A trickle of input still comes out line by line: every flush is written
//! at once.

use std::io::{self, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Bytes collected before a buffer is handed to the writer thread unasked.
pub const BUFFER: usize = 256 * 1024;
/// Buffers that may wait for the writer thread.
pub const QUEUE: usize = 4;

/// A `Write` whose bytes are written by a background thread; see the module
/// documentation. Call [`ThreadedWriter::finish`] at the end to wait for the
/// last write and learn whether it failed.
pub struct ThreadedWriter {
    buf: Vec<u8>,
    queue: Option<SyncSender<Vec<u8>>>,
    /// Empty buffers coming back for reuse.
    spare: Receiver<Vec<u8>>,
    failed: Arc<Mutex<Option<io::Error>>>,
    thread: Option<JoinHandle<()>>,
}

impl ThreadedWriter {
    /// Starts the thread that writes to `out`.
    pub fn spawn<W: Write + Send + 'static>(mut out: W) -> ThreadedWriter {
        let (tx, rx) = sync_channel::<Vec<u8>>(QUEUE);
        let (spare_tx, spare_rx) = sync_channel::<Vec<u8>>(QUEUE + 2);
        let failed = Arc::new(Mutex::new(None));
        let failure = Arc::clone(&failed);
        let thread = std::thread::spawn(move || {
            for mut buf in rx {
                if let Err(e) = out.write_all(&buf).and_then(|()| out.flush()) {
                    *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    return;
                }
                buf.clear();
                let _ = spare_tx.try_send(buf);
            }
        });
        ThreadedWriter {
            buf: Vec::with_capacity(BUFFER),
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

    fn hand_over(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        if let Some(e) = self.failure() {
            return Err(e);
        }
        let next = self
            .spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BUFFER));
        let full = std::mem::replace(&mut self.buf, next);
        let queue = self.queue.as_ref().expect("not finished");
        if queue.send(full).is_err() {
            return Err(self
                .failure()
                .unwrap_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "output closed")));
        }
        Ok(())
    }

    /// Writes what is left, waits for the writer thread, and reports the
    /// first write error.
    pub fn finish(mut self) -> io::Result<()> {
        let handed = self.hand_over();
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
    /// a buffer at a time, so what waits in the queue stays bounded.
    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        for part in data.chunks(BUFFER) {
            self.buf.extend_from_slice(part);
            if self.buf.len() >= BUFFER {
                self.hand_over()?;
            }
        }
        Ok(())
    }

    /// Hands the buffer to the writer thread; does not wait for the write.
    fn flush(&mut self) -> io::Result<()> {
        self.hand_over()
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
