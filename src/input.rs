//! Inputs and the batches of lines read from them.
//!
//! [`LineBatcher`] hands out every complete line already read as one batch:
//! when input trickles (`kubectl logs -f`) a batch is the one line that just
//! arrived, so it can be written and flushed at once; when input pours, a
//! batch is a full buffer and throughput holds. Memory is bounded: a line
//! longer than the limit is handed out in pieces ([`Chunk::Piece`]).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, TryRecvError};

use crate::error::Error;

/// Where lines come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Standard input (no file arguments, or `-`).
    Stdin,
    /// A path exactly as given on the command line.
    File(PathBuf),
}

impl Source {
    /// Turns a command-line argument into a source (`-` is stdin).
    pub fn from_arg(arg: &Path) -> Source {
        if arg.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(arg.to_path_buf())
        }
    }

    /// The name printed in output and messages: `-` for stdin, else the path
    /// as given (lossily decoded if it is not UTF-8).
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_string(),
            Source::File(p) => p.to_string_lossy().into_owned(),
        }
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
        match self {
            Source::Stdin if search_zip => {
                crate::decompress::decompressed(Prefetch::spawn(io::stdin()), None).map_err(
                    |source| Error::Input {
                        path: "-".into(),
                        source,
                    },
                )
            }
            Source::Stdin => Ok(Box::new(Prefetch::spawn(io::stdin()))),
            Source::File(path) => {
                let file = File::open(path).map_err(|source| Error::Input {
                    path: path.clone(),
                    source,
                })?;
                let meta = file.metadata().map_err(|source| Error::Input {
                    path: path.clone(),
                    source,
                })?;
                if meta.is_dir() {
                    return Err(Error::Directory { path: path.clone() });
                }
                let hint = crate::decompress::Compression::from_extension(path);
                crate::decompress::decompressed(file, hint).map_err(|source| Error::Input {
                    path: path.clone(),
                    source,
                })
            }
        }
    }
}

/// What one call of the batcher hands out.
#[derive(Debug, PartialEq, Eq)]
pub enum Chunk<'a> {
    /// Whole lines, each ending in `\n` except possibly the last line of the input.
    Lines(&'a [u8]),
    /// A piece of a line longer than the limit; the line goes on in the next chunk.
    Piece(&'a [u8]),
}

/// Default size of the read buffer.
pub const DEFAULT_BUFFER: usize = 256 * 1024;
/// Default longest line kept whole; longer lines are handed out in pieces.
pub const DEFAULT_MAX_LINE: usize = 4 * 1024 * 1024;
/// The smallest line limit: pieces must be larger than the overlap the
/// scanner keeps between them ([`crate::scan::OVERLAP`]).
pub const MIN_MAX_LINE: usize = 512;

/// Reads lines in batches; see the module documentation.
pub struct LineBatcher<R> {
    reader: R,
    buf: Vec<u8>,
    /// Unconsumed bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    /// `buf[start..searched]` is known to hold no newline.
    searched: usize,
    max_line: usize,
    eof: bool,
}

impl<R: Read> LineBatcher<R> {
    /// A batcher with the default buffer and line limit.
    pub fn new(reader: R) -> Self {
        Self::with_limits(reader, DEFAULT_BUFFER, DEFAULT_MAX_LINE)
    }

    /// A batcher with a `buffer`-byte read buffer that grows up to `max_line`
    /// bytes for long lines. A line longer than `max_line` (at least
    /// [`MIN_MAX_LINE`]) is handed out in pieces of at most `max_line` bytes;
    /// the buffer never grows past that.
    pub fn with_limits(reader: R, buffer: usize, max_line: usize) -> Self {
        let max_line = max_line.max(MIN_MAX_LINE);
        let buffer = buffer.clamp(64, max_line);
        LineBatcher {
            reader,
            buf: vec![0; buffer],
            start: 0,
            end: 0,
            searched: 0,
            max_line,
            eof: false,
        }
    }

    /// The longest line kept whole.
    pub fn max_line(&self) -> usize {
        self.max_line
    }

    /// The next chunk, or `None` at the end of the input. Interrupted reads
    /// are retried; other read errors are returned.
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk<'_>>> {
        loop {
            // Complete lines already buffered (from an earlier read)?
            let from = self.searched.max(self.start);
            if let Some(nl) = memchr::memrchr(b'\n', &self.buf[from..self.end]) {
                let (s, e) = (self.start, from + nl + 1);
                self.start = e;
                self.searched = e;
                return Ok(Some(Chunk::Lines(&self.buf[s..e])));
            }
            self.searched = self.end;
            if self.eof {
                if self.start == self.end {
                    return Ok(None);
                }
                let (s, e) = (self.start, self.end);
                self.start = self.end;
                return Ok(Some(Chunk::Lines(&self.buf[s..e])));
            }
            // Make room: move the partial line to the front, or grow, or give
            // up on keeping the line whole.
            if self.end == self.buf.len() {
                if self.start > 0 {
                    self.buf.copy_within(self.start..self.end, 0);
                    self.end -= self.start;
                    self.searched -= self.start;
                    self.start = 0;
                } else if self.buf.len() < self.max_line {
                    let new_len = (self.buf.len() * 2).min(self.max_line);
                    self.buf.resize(new_len, 0);
                } else {
                    let (s, e) = (self.start, self.end);
                    self.start = self.end;
                    self.searched = self.end;
                    return Ok(Some(Chunk::Piece(&self.buf[s..e])));
                }
            }
            self.fill()?;
            if self.start == self.end && !self.eof {
                // Nothing buffered: reset so reads use the whole buffer.
                self.start = 0;
                self.end = 0;
                self.searched = 0;
            }
        }
    }
}

impl<R: Read> LineBatcher<R> {
    /// One read into the free end of the buffer.
    fn fill(&mut self) -> io::Result<()> {
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
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
    pub fn spawn<R: Read + Send + 'static>(mut reader: R) -> Prefetch {
        let (tx, rx) = sync_channel(PREFETCH_BLOCKS);
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
                // Wait only when nothing has been copied yet.
                let next = if copied == 0 {
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

    fn collect(data: &[u8], step: usize, buffer: usize, max_line: usize) -> Vec<(bool, Vec<u8>)> {
        let mut b = LineBatcher::with_limits(Trickle { data, step }, buffer, max_line);
        let mut out = Vec::new();
        while let Some(chunk) = b.next_chunk().unwrap() {
            match chunk {
                Chunk::Lines(l) => out.push((true, l.to_vec())),
                Chunk::Piece(p) => out.push((false, p.to_vec())),
            }
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
        /// Gives `data`, then fails.
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
}
