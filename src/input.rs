//! Inputs and the batches of lines read from them.
//!
//! [`BatchReader`] hands out every complete line already read as one
//! [`Batch`]: when input trickles (`kubectl logs -f`) a batch is the one line
//! that just arrived, so it can be written and flushed at once; when input
//! pours, a batch is a full buffer and throughput holds. A batch owns its
//! buffer, so it can travel to the output thread and be written from there
//! without a copy; buffers come back to the reader for reuse. Memory is
//! bounded: a line longer than the limit is handed out in pieces, and a
//! threaded scan ([`crate::run::scan_batches_threaded`]) keeps only a few
//! batches out at once.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TryRecvError};

use crate::error::Error;

/// Where lines come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Standard input (no file arguments, or `-`), with the name `--label`
    /// gives it.
    Stdin(Option<String>),
    /// A path exactly as given on the command line.
    File(PathBuf),
}

impl Source {
    /// Turns a command-line argument into a source (`-` is stdin).
    pub fn from_arg(arg: &Path) -> Source {
        if arg.as_os_str() == "-" {
            Source::Stdin(None)
        } else {
            Source::File(arg.to_path_buf())
        }
    }

    /// The name printed in output and messages: `-` for stdin (or its
    /// `--label`), else the path as given (lossily decoded if it is not UTF-8).
    pub fn name(&self) -> String {
        match self {
            Source::Stdin(label) => label.as_deref().unwrap_or("-").to_string(),
            Source::File(p) => p.to_string_lossy().into_owned(),
        }
    }

    /// True for standard input that is a pipe: another process is writing
    /// it, on a CPU of its own.
    pub fn is_pipe(&self) -> bool {
        matches!(self, Source::Stdin(_)) && rustix::pipe::fcntl_getpipe_size(io::stdin()).is_ok()
    }

    /// For a regular file small enough to scan in a batch or two
    /// ([`SMALL_FILE`] bytes, or an eighth of that compressed; not worth
    /// starting threads for), the read buffer that holds it whole: far less
    /// to allocate and clear than the default when there are thousands.
    pub fn small_file_buffer(&self) -> Option<usize> {
        let (len, compressed) = self.small_file()?;
        Some(if compressed {
            DEFAULT_BUFFER
        } else {
            // At most SMALL_FILE, so this fits.
            (len as usize + 1)
                .next_power_of_two()
                .clamp(4096, DEFAULT_BUFFER)
        })
    }

    /// The length of a small regular file, and whether it is compressed.
    fn small_file(&self) -> Option<(u64, bool)> {
        let Source::File(path) = self else {
            return None;
        };
        let compressed = crate::decompress::Compression::from_extension(path).is_some();
        let limit = if compressed {
            SMALL_FILE / 8
        } else {
            SMALL_FILE
        };
        let meta = std::fs::metadata(path).ok()?;
        (meta.is_file() && meta.len() < limit).then_some((meta.len(), compressed))
    }

    /// Opens the source for reading. A directory is an error here rather than
    /// at the first read, so the message can say what to do. A compressed
    /// file is decompressed ([`crate::decompress`]); stdin is read as it is.
    pub fn open(&self) -> Result<Box<dyn Read + Send>, Error> {
        self.open_with(false)
    }

    /// [`Source::open`], and with `search_zip` (`-z`) stdin too is
    /// decompressed when its first bytes are a compression format's.
    pub fn open_with(&self, search_zip: bool) -> Result<Box<dyn Read + Send>, Error> {
        self.open_noting(search_zip, &mut |_| {})
    }

    /// [`Source::open_with`], telling `note` when the input is not what its
    /// name says ([`Error::Looks`]): an empty compressed file is read as
    /// empty; bytes still compressed after decompressing, or compressed on
    /// stdin without `-z`, are read as they are.
    pub fn open_noting(
        &self,
        search_zip: bool,
        note: &mut dyn FnMut(Error),
    ) -> Result<Box<dyn Read + Send>, Error> {
        let looks = |what: String| Error::Looks {
            path: self.path(),
            what,
        };
        let input_error = |source: io::Error| Error::Input {
            path: self.path(),
            source,
        };
        let path = match self {
            Source::Stdin(_) if search_zip => {
                return crate::decompress::decompressed(io::stdin(), None).map_err(input_error)
            }
            Source::Stdin(_) => {
                let (found, reader) = crate::decompress::sniff(io::stdin()).map_err(input_error)?;
                if let Some(format) = found {
                    note(looks(format!(
                        "looks {}-compressed; read as it is (decompress standard input with -z)",
                        format.name()
                    )));
                }
                grow_pipe(&io::stdin());
                if crate::interrupt::installed() {
                    return Ok(Box::new(Prefetch::spawn_interruptible(reader)));
                }
                return Ok(Box::new(reader));
            }
            Source::File(path) => path,
        };
        let file = File::open(path).map_err(input_error)?;
        let meta = file.metadata().map_err(input_error)?;
        if meta.is_dir() {
            return Err(Error::Directory { path: path.clone() });
        }
        let hint = crate::decompress::Compression::from_extension(path);
        if let (Some(format), true) = (hint, meta.is_file() && meta.len() == 0) {
            note(looks(format!(
                "empty, though named as {}-compressed; read as empty",
                format.name()
            )));
            return Ok(Box::new(io::empty()));
        }
        let reader = crate::decompress::decompressed(file, hint).map_err(input_error)?;
        // Named as compressed, so decompressed: is it still?
        if hint.is_none() {
            return Ok(reader);
        }
        let (again, reader) = crate::decompress::sniff(reader).map_err(input_error)?;
        if let Some(format) = again {
            note(looks(format!(
                "still {}-compressed after decompressing (compressed twice?); read as it is",
                format.name()
            )));
        }
        Ok(Box::new(reader))
    }

    /// When a file was last modified, in Unix seconds (none for stdin, or
    /// when the system cannot say).
    pub fn modified(&self) -> Option<i64> {
        let Source::File(path) = self else {
            return None;
        };
        let modified = std::fs::metadata(path).ok()?.modified().ok()?;
        let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        i64::try_from(since.as_secs()).ok()
    }

    /// The path messages name: as given, or `-` for stdin (or its label).
    pub fn path(&self) -> PathBuf {
        match self {
            Source::Stdin(label) => label.as_deref().unwrap_or("-").into(),
            Source::File(p) => p.clone(),
        }
    }
}

/// Asks for a larger buffer when `fd` is a pipe (nothing happens otherwise,
/// or when the system refuses): a flood of input or output then moves in
/// large reads and writes, with fewer wake-ups of the process on the other
/// end. A trickle is unaffected: a read still returns what is there.
pub fn grow_pipe(fd: &impl std::os::fd::AsFd) {
    const PIPE_BUFFER: usize = 1 << 20;
    if let Ok(size) = rustix::pipe::fcntl_getpipe_size(fd) {
        if size < PIPE_BUFFER {
            let _ = rustix::pipe::fcntl_setpipe_size(fd, PIPE_BUFFER);
        }
    }
}

/// Default size of a batch buffer.
pub const DEFAULT_BUFFER: usize = 256 * 1024;

/// Below this size a regular file is scanned on one thread
/// ([`Source::small_file_buffer`]).
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
        if crate::interrupt::requested() {
            // Ctrl-C during a summary: the input ends here.
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

/// Reads a stream on a thread of its own, a block at a time, into a
/// bounded queue. A read takes everything already queued without waiting,
/// so input that pours through a pipe comes out in large batches (the
/// scanner can split them between threads) while input that trickles is
/// handed on as soon as it arrives. At most [`PREFETCH_BLOCKS`] blocks of
/// [`PREFETCH_BLOCK`] bytes are in flight.
pub struct Prefetch {
    queue: Receiver<io::Result<Vec<u8>>>,
    block: Vec<u8>,
    at: usize,
    done: bool,
    /// An error that arrived after some bytes were copied: the next read
    /// returns it, so it is never lost behind a short read.
    failed: Option<io::Error>,
}

/// Size of one read on the prefetch thread.
pub const PREFETCH_BLOCK: usize = 256 * 1024;
/// Blocks the prefetch thread may read ahead.
pub const PREFETCH_BLOCKS: usize = 4;

impl Prefetch {
    /// Starts reading `reader` on a new thread.
    pub fn spawn<R: Read + Send + 'static>(reader: R) -> Prefetch {
        Self::spawn_with(reader, false)
    }

    /// [`Prefetch::spawn`], ending at the first SIGINT even while the
    /// reader waits ([`crate::interrupt`]).
    pub fn spawn_interruptible<R: Read + Send + 'static>(reader: R) -> Prefetch {
        Self::spawn_with(reader, true)
    }

    fn spawn_with<R: Read + Send + 'static>(mut reader: R, interruptible: bool) -> Prefetch {
        let (tx, rx) = sync_channel(PREFETCH_BLOCKS);
        if interruptible {
            crate::interrupt::wake_on_interrupt(tx.clone());
        }
        std::thread::spawn(move || loop {
            let mut block = vec![0; PREFETCH_BLOCK];
            let result = match reader.read(&mut block) {
                Ok(n) => {
                    block.truncate(n);
                    Ok(block)
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            };
            let last = !matches!(&result, Ok(b) if !b.is_empty());
            if tx.send(result).is_err() || last {
                return;
            }
        });
        Prefetch {
            queue: rx,
            block: Vec::new(),
            at: 0,
            done: false,
            failed: None,
        }
    }
}

impl Read for Prefetch {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let mut copied = 0;
        while copied < out.len() && !self.done {
            if self.at == self.block.len() {
                // Wait only when nothing has been copied yet; after Ctrl-C,
                // not at all.
                let next = if crate::interrupt::requested() {
                    None
                } else if copied == 0 {
                    self.queue.recv().ok()
                } else {
                    match self.queue.try_recv() {
                        Ok(block) => Some(block),
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => None,
                    }
                };
                match next {
                    Some(Ok(block)) if !block.is_empty() => {
                        self.block = block;
                        self.at = 0;
                    }
                    Some(Err(e)) => {
                        self.done = true;
                        if copied == 0 {
                            return Err(e);
                        }
                        self.failed = Some(e);
                        break;
                    }
                    _ => {
                        self.done = true;
                        break;
                    }
                }
            }
            let n = (out.len() - copied).min(self.block.len() - self.at);
            out[copied..copied + n].copy_from_slice(&self.block[self.at..self.at + n]);
            copied += n;
            self.at += n;
        }
        Ok(copied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that returns at most `step` bytes per read, like a pipe.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// Gives its data, then fails with "broken".
    struct ThenFail(Option<Vec<u8>>);

    impl Read for ThenFail {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match self.0.take() {
                Some(d) => {
                    out[..d.len()].copy_from_slice(&d);
                    Ok(d.len())
                }
                None => Err(io::Error::new(io::ErrorKind::InvalidData, "broken")),
            }
        }
    }

    fn collect(data: &[u8], step: usize, buffer: usize, max_line: usize) -> Vec<(bool, Vec<u8>)> {
        let mut b = BatchReader::with_limits(Trickle { data, step }, buffer, max_line);
        let mut out = Vec::new();
        while let Some(batch) = b.next_batch().unwrap() {
            out.push((batch.is_whole(), batch.bytes().to_vec()));
        }
        out
    }

    #[test]
    fn batches_reassemble_to_the_input() {
        let data = b"a\r\nbb\n\nccc\x00\xff\ndddd";
        for step in 1..data.len() + 1 {
            let chunks = collect(data, step, 64, 1024);
            let joined: Vec<u8> = chunks.iter().flat_map(|(_, c)| c.clone()).collect();
            assert_eq!(joined, data, "step {step}");
            for (whole, c) in &chunks[..chunks.len() - 1] {
                assert!(*whole && c.ends_with(b"\n"));
            }
        }
    }

    #[test]
    fn trickling_input_gives_one_line_per_batch() {
        let chunks = collect(b"one\ntwo\n", 4, 64, 1024);
        assert_eq!(
            chunks,
            vec![(true, b"one\n".to_vec()), (true, b"two\n".to_vec())]
        );
    }

    #[test]
    fn the_line_limit_bounds_the_buffer_too() {
        // A buffer larger than the limit would let longer lines through whole.
        let data = [vec![b'y'; 5000], b"\n".to_vec()].concat();
        let chunks = collect(&data, 1 << 20, 1 << 20, 1024);
        assert!(chunks.iter().all(|(_, c)| c.len() <= 1024));
        assert!(chunks.iter().filter(|(whole, _)| !whole).count() >= 4);
    }

    #[test]
    fn prefetch_gives_back_the_stream_and_coalesces_queued_blocks() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut p = Prefetch::spawn(io::Cursor::new(data.clone()));
        let mut back = Vec::new();
        let mut buf = vec![0; 1 << 20];
        loop {
            let n = p.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            back.extend_from_slice(&buf[..n]);
        }
        assert_eq!(back, data);
    }

    #[test]
    fn prefetch_keeps_an_error_that_follows_data() {
        let mut p = Prefetch::spawn(ThenFail(Some(b"some data\n".to_vec())));
        // Let the error reach the queue behind the data.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let mut back = Vec::new();
        let err = p.read_to_end(&mut back).unwrap_err();
        assert_eq!(back, b"some data\n");
        assert_eq!(err.to_string(), "broken");
    }

    #[test]
    fn long_lines_come_in_pieces_and_memory_stays_bounded() {
        let mut data = vec![b'x'; 3000];
        data.push(b'\n');
        data.extend_from_slice(b"short\n");
        let chunks = collect(&data, 100, 64, MIN_MAX_LINE);
        assert!(chunks.iter().any(|(whole, _)| !whole));
        assert!(chunks.iter().all(|(_, c)| c.len() <= MIN_MAX_LINE));
        let joined: Vec<u8> = chunks.iter().flat_map(|(_, c)| c.clone()).collect();
        assert_eq!(joined, data);
    }

    #[test]
    fn pieces_of_valid_text_are_cut_between_characters() {
        // Characters of 1 to 4 bytes, so every cut offset falls inside one.
        let mut data = "aé€😀".repeat(400).into_bytes();
        data.push(b'\n');
        for step in [1, 7, 100, 4096] {
            let chunks = collect(&data, step, 64, MIN_MAX_LINE);
            assert!(chunks.iter().filter(|(whole, _)| !whole).count() > 2);
            for (_, c) in &chunks {
                assert!(std::str::from_utf8(c).is_ok(), "a piece cut mid-character");
                assert!(c.len() <= MIN_MAX_LINE);
            }
            let joined: Vec<u8> = chunks.iter().flat_map(|(_, c)| c.clone()).collect();
            assert_eq!(joined, data);
        }
        // Bytes that are not UTF-8 are cut at the limit.
        let mut raw = vec![0xFF; 2000];
        raw.push(b'\n');
        let chunks = collect(&raw, 100, 64, MIN_MAX_LINE);
        assert_eq!(chunks[0].1.len(), MIN_MAX_LINE);
    }

    #[test]
    fn an_error_after_data_comes_after_that_data() {
        let mut b = BatchReader::new(ThenFail(Some(b"one\ntwo".to_vec())));
        assert_eq!(b.next_batch().unwrap().unwrap().bytes(), b"one\n");
        assert_eq!(b.next_batch().unwrap().unwrap().bytes(), b"two");
        assert_eq!(b.next_batch().unwrap_err().to_string(), "broken");
    }

    #[test]
    fn dropped_batches_give_their_buffers_back() {
        let data: Vec<u8> = b"a line of text\n".repeat(10_000);
        let mut b = BatchReader::with_limits(
            Trickle {
                data: &data,
                step: 4096,
            },
            4096,
            1 << 20,
        );
        let mut seen = std::collections::HashSet::new();
        let mut back = Vec::new();
        while let Some(batch) = b.next_batch().unwrap() {
            seen.insert(batch.bytes().as_ptr() as usize);
            back.extend_from_slice(batch.bytes());
        }
        assert_eq!(back, data);
        assert!(
            seen.len() <= 3,
            "{} buffers for {} batches",
            seen.len(),
            data.len() / 4096
        );
    }
}
