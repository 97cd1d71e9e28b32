//! Reading a stream ahead on a thread of its own.

use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver, TryRecvError};

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
    /// reader waits (the binary's SIGINT watch).
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
                let next = if crate::interrupt::input_stopped() {
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
