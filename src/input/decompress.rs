//! Compressed inputs: gzip, zstd, bzip2 and xz, read as a stream.
//!
//! Rotated logs are usually compressed (`app.log.2.gz`), so a file is
//! recognised by its magic bytes, or by its extension when the bytes say
//! nothing, and decompressed on the fly, like `rg -z`. Standard input is
//! only inspected when asked (`-z`): a pipe is usually plain text, and
//! passing its bytes through untouched is the tool's first promise.
//!
//! Only the first few bytes are read to decide, and only while they can
//! still be the start of a magic number, so a trickling pipe is not held
//! back waiting for more. Concatenated streams (`cat a.gz b.gz`, `pigz`,
//! `pbzip2`, `xz -T`) are read to the end, as `zcat` reads them.

use std::io::{self, Cursor, Read};
use std::path::Path;

use super::prefetch::Prefetch;

/// A compression format the tool reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// gzip (`.gz`), as written by `gzip` and logrotate's default `compress`.
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
    /// bzip2 (`.bz2`).
    Bzip2,
    /// xz (`.xz`).
    Xz,
}

/// The longest magic number, in bytes.
const MAGIC_MAX: usize = 6;

impl Compression {
    /// Every format, in the order magic numbers are tried.
    pub const ALL: [Compression; 4] = [
        Compression::Gzip,
        Compression::Zstd,
        Compression::Bzip2,
        Compression::Xz,
    ];

    /// The name used in messages (`PATH: gzip: …`).
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
        }
    }

    /// The format a file name's extension promises (`.gz`, `.zst`, `.bz2`,
    /// `.xz`), if any.
    pub fn from_extension(path: &Path) -> Option<Compression> {
        let ext = path.extension()?.to_str()?;
        match ext.to_ascii_lowercase().as_str() {
            "gz" => Some(Compression::Gzip),
            "zst" => Some(Compression::Zstd),
            "bz2" => Some(Compression::Bzip2),
            "xz" => Some(Compression::Xz),
            _ => None,
        }
    }

    /// The format whose magic number `head` starts with, if any.
    pub fn from_magic(head: &[u8]) -> Option<Compression> {
        Compression::ALL
            .into_iter()
            .find(|c| head.len() >= c.magic_len() && c.matches_prefix(head))
    }

    fn magic_len(self) -> usize {
        match self {
            Compression::Gzip => 3,
            Compression::Zstd | Compression::Bzip2 => 4,
            Compression::Xz => MAGIC_MAX,
        }
    }

    /// `head` (or as much of the magic number as it holds) agrees with this
    /// format's magic number.
    fn matches_prefix(self, head: &[u8]) -> bool {
        head.iter()
            .take(self.magic_len())
            .enumerate()
            .all(|(i, &b)| match self {
                Compression::Gzip => b == [0x1f, 0x8b, 0x08][i],
                Compression::Zstd => b == [0x28, 0xb5, 0x2f, 0xfd][i],
                // "BZh" and a block size of 1-9.
                Compression::Bzip2 if i == 3 => (b'1'..=b'9').contains(&b),
                Compression::Bzip2 => b == b"BZh"[i],
                Compression::Xz => b == [0xfd, b'7', b'z', b'X', b'Z', 0x00][i],
            })
    }
}

/// Whether the file at `path` is compressed: by its magic bytes, or by its
/// extension. Such a file cannot be split by offset into chunks.
pub fn is_compressed(path: &Path) -> bool {
    if Compression::from_extension(path).is_some() {
        return true;
    }
    std::fs::File::open(path)
        .and_then(sniff)
        .is_ok_and(|(found, _)| found.is_some())
}

/// A reader that gives back the bytes [`sniff`] looked at, then the rest.
pub type Sniffed<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// Reads the first bytes of `reader`, only while they can still be the
/// start of a magic number, and says which format they announce. The
/// returned reader gives back every byte, the inspected ones first.
pub fn sniff<R: Read>(mut reader: R) -> io::Result<(Option<Compression>, Sniffed<R>)> {
    let mut head = Vec::with_capacity(MAGIC_MAX);
    let mut buf = [0u8; MAGIC_MAX];
    while Compression::from_magic(&head).is_none()
        && Compression::ALL.iter().any(|c| c.matches_prefix(&head))
    {
        match reader.read(&mut buf[..MAGIC_MAX - head.len()]) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((
        Compression::from_magic(&head),
        Cursor::new(head).chain(reader),
    ))
}

/// `reader` decompressed when its magic bytes (or else `hint`, a file's
/// extension) say it is compressed, else its bytes unchanged. A decoding
/// error reads as `FORMAT: what went wrong`, e.g. `gzip: invalid gzip header`.
pub fn decompressed<R: Read + Send + 'static>(
    reader: R,
    hint: Option<Compression>,
) -> io::Result<Box<dyn Read + Send>> {
    let (found, reader) = sniff(reader)?;
    Ok(match found.or(hint) {
        None => Box::new(reader),
        // Decoding runs on a thread of its own, so it overlaps the scan:
        // decompression, not scanning, is usually the slower of the two.
        Some(format) => Box::new(Prefetch::spawn(Labelled {
            format,
            inner: decoder(format, reader)?,
        })),
    })
}

fn decoder<R: Read + Send + 'static>(
    format: Compression,
    reader: R,
) -> io::Result<Box<dyn Read + Send>> {
    Ok(match format {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(reader)),
        Compression::Zstd => Box::new(
            zstd::stream::read::Decoder::new(reader)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}")))?,
        ),
        Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(reader)),
        Compression::Xz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(reader)),
    })
}

/// Prefixes a decoder's errors with its format, so the message says what
/// failed: `app.log.1.gz: gzip: incomplete deflate stream`.
struct Labelled {
    format: Compression,
    inner: Box<dyn Read + Send>,
}

impl Read for Labelled {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| match e.kind() {
            io::ErrorKind::Interrupted => e,
            kind => {
                let kind = match kind {
                    // A truncated file, not a missing one.
                    io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => {
                        io::ErrorKind::InvalidData
                    }
                    other => other,
                };
                let text = e.to_string();
                let text = text.split(" (os error").next().unwrap_or(&text);
                io::Error::new(kind, format!("{}: {}", self.format.name(), text))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(mut r: impl Read) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        r.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn magic_numbers_are_recognised_and_plain_text_is_not() {
        assert_eq!(
            Compression::from_magic(&[0x1f, 0x8b, 0x08, 0]),
            Some(Compression::Gzip)
        );
        assert_eq!(
            Compression::from_magic(b"BZh91AY"),
            Some(Compression::Bzip2)
        );
        assert_eq!(Compression::from_magic(b"BZh0"), None);
        assert_eq!(
            Compression::from_magic(b"\xfd7zXZ\x00\x00"),
            Some(Compression::Xz)
        );
        assert_eq!(
            Compression::from_magic(&[0x28, 0xb5, 0x2f, 0xfd]),
            Some(Compression::Zstd)
        );
        assert_eq!(Compression::from_magic(b"2026-11-24 websocket"), None);
        assert_eq!(
            Compression::from_extension(Path::new("app.log.3.GZ")),
            Some(Compression::Gzip)
        );
        assert_eq!(Compression::from_extension(Path::new("app.log")), None);
    }

    #[test]
    fn sniffing_gives_back_every_byte_and_reads_only_what_it_needs() {
        for data in [&b""[..], b"a", b"B", b"BZ", b"BZh", b"plain\n", b"\x1f\x8b"] {
            let (found, back) = sniff(data).unwrap();
            assert_eq!(found, None);
            assert_eq!(read_all(back).unwrap(), data);
        }
        // A plain first byte stops the look: one read of one byte at most
        // is all a trickling pipe has to give.
        struct OneByteThenBlock(bool);
        impl Read for OneByteThenBlock {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                assert!(!self.0, "read again after a plain first byte");
                self.0 = true;
                buf[0] = b'x';
                Ok(1)
            }
        }
        let (found, _) = sniff(OneByteThenBlock(false)).unwrap();
        assert_eq!(found, None);
    }

    #[test]
    fn gzip_round_trips_and_concatenated_members_are_all_read() {
        use flate2::write::GzEncoder;
        use std::io::Write;
        let gz = |data: &[u8]| {
            let mut e = GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let mut both = gz(b"one\n");
        both.extend(gz(b"two\n"));
        let out = read_all(decompressed(Cursor::new(both), None).unwrap()).unwrap();
        assert_eq!(out, b"one\ntwo\n");
    }

    #[test]
    fn corrupt_input_names_the_format() {
        let mut data = vec![0x1f, 0x8b, 0x08, 0x00];
        data.extend_from_slice(&[0xff; 64]);
        let err = read_all(decompressed(Cursor::new(data), None).unwrap()).unwrap_err();
        assert!(err.to_string().starts_with("gzip: "), "{err}");
        // An extension that promises gzip over bytes that are not.
        let err = read_all(
            decompressed(
                Cursor::new(b"plain text\n".to_vec()),
                Some(Compression::Gzip),
            )
            .unwrap(),
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("gzip: "), "{err}");
    }
}
