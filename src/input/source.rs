//! Where lines come from: a file as given, or standard input, opened with
//! decompression when the bytes say so.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::batch::{DEFAULT_BUFFER, SMALL_FILE};
use super::prefetch::Prefetch;
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
        let compressed = super::decompress::Compression::from_extension(path).is_some();
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
    /// file is decompressed ([`super::decompress`]); stdin is read as it is.
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
                return super::decompress::decompressed(io::stdin(), None).map_err(input_error)
            }
            Source::Stdin(_) => {
                let (found, reader) = super::decompress::sniff(io::stdin()).map_err(input_error)?;
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
        let hint = super::decompress::Compression::from_extension(path);
        if let (Some(format), true) = (hint, meta.is_file() && meta.len() == 0) {
            note(looks(format!(
                "empty, though named as {}-compressed; read as empty",
                format.name()
            )));
            return Ok(Box::new(io::empty()));
        }
        let reader = super::decompress::decompressed(file, hint).map_err(input_error)?;
        // Named as compressed, so decompressed: is it still?
        if hint.is_none() {
            return Ok(reader);
        }
        let (again, reader) = super::decompress::sniff(reader).map_err(input_error)?;
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
