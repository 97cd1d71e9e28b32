//! Errors the library reports. Each message says what went wrong and, where
//! it helps, what to do; `main` prints it once, prefixed with the tool's name.

use std::io;
use std::path::PathBuf;

/// Everything that can stop an input or the whole run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input could not be opened or read. Other inputs go on.
    #[error("{}: {}", .path.display(), describe_io(.source))]
    Input { path: PathBuf, source: io::Error },

    /// An input is a directory.
    #[error("{}: is a directory (pass the files in it, e.g. {}/*.log)", .path.display(), .path.display())]
    Directory { path: PathBuf },

    /// A `--pattern` does not compile or has no `code` group.
    #[error("--pattern '{pattern}': {reason}")]
    Pattern { pattern: String, reason: String },

    /// A code table (`--codes`, `WSCODE_CODES`) could not be loaded.
    #[error(transparent)]
    Table(#[from] crate::tables::TableError),

    /// A file given to `merge` is not a JSON summary this version reads.
    #[error("{}: not a wscode-annotate JSON summary ({reason}); make one with --summary --format json", .path.display())]
    Summary { path: PathBuf, reason: String },

    /// Flags that do not go together.
    #[error("{0}")]
    Usage(String),

    /// Writing the output failed for a reason other than a closed pipe.
    #[error("writing output: {0}")]
    Output(io::Error),
}

/// The OS error without Rust's "(os error N)" suffix, lower-cased like other
/// command-line tools print it.
fn describe_io(err: &io::Error) -> String {
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
