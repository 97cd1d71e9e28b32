//! Inputs: where lines come from ([`Source`]: files, stdin, with
//! [`decompress`]ion of gzip, zstd, bzip2 and xz and the [`walk`] of a
//! directory), and the batches of lines read from them ([`BatchReader`]).
//!
//! [`BatchReader`] hands out every complete line already read as one
//! [`Batch`]: when input trickles (`kubectl logs -f`) a batch is the one line
//! that just arrived, so it can be written and flushed at once; when input
//! pours, a batch is a full buffer and throughput holds. A batch owns its
//! buffer, so it can travel to the output thread and be written from there
//! without a copy; buffers come back to the reader for reuse. Memory is
//! bounded: a line longer than the limit is handed out in pieces, and a
//! threaded scan ([`crate::pipeline`]) keeps only a few batches out at once.

mod batch;
pub mod decompress;
mod prefetch;
mod source;
pub mod walk;

pub use batch::{
    Batch, BatchReader, Batches, DEFAULT_BUFFER, DEFAULT_MAX_LINE, MIN_MAX_LINE, SMALL_FILE,
};
pub use prefetch::{Prefetch, PREFETCH_BLOCK, PREFETCH_BLOCKS};
pub use source::{grow_pipe, Source};

#[cfg(test)]
mod tests {
    use std::io::{self, Read};

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
