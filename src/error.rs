//! Errors the library reports. Each message says what went wrong and, where
//! it helps, what to do; `main` prints it once, prefixed with the tool's name.

use std::io;
use std::path::PathBuf;

/// Everything that can stop an input or the whole run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input could not be opened or read. Other inputs go on.
    #[error("{}: {}", .path.display(), describe_io(.source))]
    Input {
        /// The path as given, or `-` for stdin.
        path: PathBuf,
        /// What the system or the decompressor said.
        source: io::Error,
    },

    /// An input is a directory.
    #[error("{}: is a directory (read the files in it with -r, or pass them, e.g. {}/*.log)", .path.display(), .path.display())]
    Directory {
        /// The path as given.
        path: PathBuf,
    },

    /// A `--pattern` does not compile or has no `code` group.
    #[error("--pattern '{pattern}': {reason}")]
    Pattern {
        /// The pattern as given.
        pattern: String,
        /// Why it cannot be used.
        reason: String,
    },

    /// A code table (`--codes`, `WSCODE_CODES`) could not be loaded.
    #[error(transparent)]
    Table(#[from] crate::codes::tables::TableError),

    /// A file given to `merge` is not a JSON summary this version reads.
    #[error("{}: not a wscode-annotate JSON summary ({reason}); make one with --summary --format json", .path.display())]
    Summary {
        /// The file given to `merge`.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// A summary given to `merge` was made with other code tables,
    /// patterns or filters than the first: its counts do not add up with
    /// the others'.
    #[error("{}: made with {theirs}, but the first summary with {first}; merge summaries made alike", .path.display())]
    Unlike {
        /// The file given to `merge`.
        path: PathBuf,
        /// What it was made with.
        theirs: String,
        /// What the first summary was made with.
        first: String,
    },

    /// Flags that do not go together.
    #[error("{0}")]
    Usage(String),

    /// A note, not an error: the input is not what its name says (empty
    /// though compressed, compressed twice, compressed on stdin without
    /// `-z`); it is read as it is.
    #[error("{}: {what}", .path.display())]
    Looks {
        /// The path as given, or `-` for stdin.
        path: PathBuf,
        /// What the input looks like and what was done.
        what: String,
    },

    /// A note, not an error (the exit status does not change): a line was
    /// longer than the limit, so it came in pieces. Said once per input.
    #[error("{}: line {line} is longer than {}; it is {}", .path.display(), human_size(*.limit), if *.passed_through { "passed through in pieces and scanned in windows" } else { "scanned in windows" })]
    LongLine {
        /// The input, as given, or `-`.
        path: PathBuf,
        /// The first such line's number.
        line: u64,
        /// The limit, in bytes.
        limit: usize,
        /// Annotate mode: the line was written out, in pieces.
        passed_through: bool,
    },

    /// Writing the output failed for a reason other than a closed pipe.
    #[error("writing output: {0}")]
    Output(io::Error),
}

/// A size in bytes as `4 MiB`, `512 KiB` or `1000 bytes`.
fn human_size(n: usize) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

impl Error {
    /// True for notes that do not make the run fail ([`Error::LongLine`],
    /// [`Error::Looks`]).
    pub fn is_note(&self) -> bool {
        matches!(self, Error::LongLine { .. } | Error::Looks { .. })
    }
}

/// The OS error without Rust's "(os error N)" suffix, lower-cased like other
/// command-line tools print it.
pub fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "No such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "Permission denied".to_string(),
        _ => {
            let s = err.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}
