//! Batches of whole lines, in buffers that travel and come back for reuse.

use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Default size of a batch buffer.
pub const DEFAULT_BUFFER: usize = 256 * 1024;

/// Below this size a regular file is scanned on one thread
/// ([`super::Source::small_file_buffer`]).
pub const SMALL_FILE: u64 = 1024 * 1024;
/// Default longest line kept whole; longer lines are handed out in pieces.
pub const DEFAULT_MAX_LINE: usize = 4 * 1024 * 1024;
/// The smallest line limit: pieces must be larger than the overlap the
/// scanner keeps between them ([`crate::scan::OVERLAP`]).
pub const MIN_MAX_LINE: usize = 512;
/// Spare buffers kept for reuse, per reader.
const SPARES: usize = 16;

/// Input handed out whole, in a buffer of its own: complete lines (the last
/// line of the input may lack its newline), or one piece of a line longer
/// than the limit. The buffer moves on with the batch (to the output thread,
/// which writes the passthrough bytes straight from it) and goes back to its
/// reader for reuse when the batch is dropped.
pub struct Batch {
    buf: Vec<u8>,
    len: usize,
    whole: bool,
    home: Option<SyncSender<Vec<u8>>>,
    /// Buffers that grew past this for a long line are freed, not reused.
    reuse_up_to: usize,
}

impl Batch {
    /// A batch of whole lines that owns `bytes` (for tests and callers with
    /// data in memory).
    pub fn lines(bytes: Vec<u8>) -> Batch {
        Batch {
            len: bytes.len(),
            buf: bytes,
            whole: true,
            home: None,
            reuse_up_to: 0,
        }
    }

    /// The input bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// True for whole lines, false for a piece of a line longer than the
    /// limit (the line goes on in the next batch).
    pub fn is_whole(&self) -> bool {
        self.whole
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        if let Some(home) = self.home.take() {
            if self.buf.len() <= self.reuse_up_to {
                let _ = home.try_send(std::mem::take(&mut self.buf));
            }
        }
    }
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("len", &self.len)
            .field("whole", &self.whole)
            .finish()
    }
}

/// A stream of [`Batch`]es.
pub trait Batches {
    /// The next batch, waiting for it; `None` at the end of the input. An
    /// error comes after every byte read before it was handed out.
    fn next_batch(&mut self) -> io::Result<Option<Batch>>;
}

/// Reads lines in batches; see the module documentation.
pub struct BatchReader<R> {
    reader: R,
    buf: Vec<u8>,
    /// Bytes read and not yet handed out are `buf[..filled]`.
    filled: usize,
    /// `buf[..searched]` is known to hold no newline.
    searched: usize,
    size: usize,
    max_line: usize,
    eof: bool,
    /// A read error that waits until the bytes before it are handed out.
    failed: Option<io::Error>,
    spare_tx: SyncSender<Vec<u8>>,
    spare_rx: Receiver<Vec<u8>>,
}

impl<R: Read> BatchReader<R> {
    /// A reader with the default buffer and line limit.
    pub fn new(reader: R) -> Self {
        Self::with_limits(reader, DEFAULT_BUFFER, DEFAULT_MAX_LINE)
    }

    /// A reader with `buffer`-byte batches that grow up to `max_line` bytes
    /// for long lines. A line longer than `max_line` (at least
    /// [`MIN_MAX_LINE`]) is handed out in pieces of at most `max_line` bytes;
    /// no buffer grows past that.
    pub fn with_limits(reader: R, buffer: usize, max_line: usize) -> Self {
        let max_line = max_line.max(MIN_MAX_LINE);
        let size = buffer.clamp(64, max_line);
        let (spare_tx, spare_rx) = sync_channel(SPARES);
        BatchReader {
            reader,
            buf: vec![0; size],
            filled: 0,
            searched: 0,
            size,
            max_line,
            eof: false,
            failed: None,
            spare_tx,
            spare_rx,
        }
    }

    /// The longest line kept whole.
    pub fn max_line(&self) -> usize {
        self.max_line
    }

    /// Hands out `buf[..cut]` and keeps the rest for the next batch, in a
    /// spare buffer.
    fn hand_out(&mut self, cut: usize, whole: bool) -> Batch {
        let carry = self.filled - cut;
        let mut next = self.spare_rx.try_recv().unwrap_or_default();
        let want = self.size.max((carry * 2).min(self.max_line));
        if next.len() < want {
            next.resize(want, 0);
        }
        next[..carry].copy_from_slice(&self.buf[cut..self.filled]);
        let buf = std::mem::replace(&mut self.buf, next);
        self.filled = carry;
        self.searched = carry;
        Batch {
            buf,
            len: cut,
            whole,
            home: Some(self.spare_tx.clone()),
            reuse_up_to: self.size,
        }
    }

    /// One read into the free end of the buffer. An error after some bytes
    /// waits, so those bytes are handed out first.
    fn fill(&mut self) -> io::Result<()> {
        if crate::interrupt::input_stopped() {
            // Ctrl-C during a summary (or its output closed): the input ends here.
            self.eof = true;
            return Ok(());
        }
        loop {
            match self.reader.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.filled += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if self.filled == 0 => return Err(e),
                Err(e) => {
                    self.failed = Some(e);
                    self.eof = true;
                    return Ok(());
                }
            }
        }
    }
}

impl<R: Read> Batches for BatchReader<R> {
    /// Every complete line already read is handed out at once: when input
    /// trickles, a batch is the line that just arrived.
    fn next_batch(&mut self) -> io::Result<Option<Batch>> {
        loop {
            if let Some(nl) = memchr::memrchr(b'\n', &self.buf[self.searched..self.filled]) {
                let cut = self.searched + nl + 1;
                return Ok(Some(self.hand_out(cut, true)));
            }
            self.searched = self.filled;
            if self.eof {
                if self.filled > 0 {
                    return Ok(Some(self.hand_out(self.filled, true)));
                }
                return match self.failed.take() {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            }
            if self.filled == self.buf.len() {
                if self.buf.len() < self.max_line {
                    let grown = (self.buf.len() * 2).min(self.max_line);
                    self.buf.resize(grown, 0);
                } else {
                    let cut = char_boundary(&self.buf[..self.filled]);
                    return Ok(Some(self.hand_out(cut, false)));
                }
            }
            self.fill()?;
        }
    }
}

/// Where to cut a piece of a long line that fills `buf`: its end, or up to
/// 3 bytes before it when `buf` ends in the first bytes of a UTF-8
/// character, so valid text is not cut mid-character (bytes that are not
/// UTF-8 are cut anywhere).
fn char_boundary(buf: &[u8]) -> usize {
    let end = buf.len();
    for back in 1..=3.min(end) {
        let b = buf[end - back];
        if b & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back for the lead
        }
        let width = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return end, // ASCII or not UTF-8
        };
        return if width > back { end - back } else { end };
    }
    end
}
