//! Directory arguments with `-r`: the files in them, in an order that reads
//! a rotated set from oldest to newest, with binary files left out.
//!
//! `/var/log/app/` holding `app.log`, `app.log.1`, `app.log.2.gz` and
//! `app.log.3.gz` is read as `app.log.3.gz, app.log.2.gz, app.log.1,
//! app.log`, so lines come out in the order they were written. Date-stamped
//! rotations (`app.log-20261123.gz`, logrotate's `dateext`) come oldest
//! date first, also before the live file. Within a directory, files come
//! first, grouped by the name they rotate from (in byte order), then
//! subdirectories, by name.
//!
//! A file whose first 8 KiB (after decompression) hold a NUL byte, or that
//! starts like a known binary format, is not a log: it is skipped with a
//! note. Symbolic links to files are read; links to directories are not
//! followed, so a loop of links cannot make the walk endless.

use std::cmp::Reverse;
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::input::decompress::Compression;
use crate::input::Source;

/// Bytes looked at to decide whether a file is binary.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// Something the walk reports instead of a file to read.
#[derive(Debug)]
pub enum Walked {
    /// A directory could not be listed: an input error (exit status 2).
    Error(Error),
    /// A file left out, and why: a note, silenced by `--quiet`.
    Skipped {
        /// The file, as found under the argument.
        path: PathBuf,
        /// Why it was left out.
        why: String,
    },
}

impl fmt::Display for Walked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Walked::Error(e) => e.fmt(f),
            Walked::Skipped { path, why } => write!(f, "{}: skipped: {why}", path.display()),
        }
    }
}

/// Replaces each directory among `inputs` by the files under it, in
/// rotation order; other inputs stay as they are, in place. What is left
/// out, or cannot be listed, goes to `report`.
pub fn expand(inputs: Vec<Source>, report: &mut dyn FnMut(Walked)) -> Vec<Source> {
    let mut out = Vec::with_capacity(inputs.len());
    for source in inputs {
        match &source {
            Source::File(path) if path.is_dir() => walk_dir(path, &mut out, report),
            _ => out.push(source),
        }
    }
    out
}

fn walk_dir(dir: &Path, out: &mut Vec<Source>, report: &mut dyn FnMut(Walked)) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(source) => {
            report(Walked::Error(Error::Input {
                path: dir.to_path_buf(),
                source,
            }));
            return;
        }
    };
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(source) => {
                report(Walked::Error(Error::Input {
                    path: dir.to_path_buf(),
                    source,
                }));
                continue;
            }
        };
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            files.push(path);
            continue;
        };
        if kind.is_dir() {
            dirs.push(path);
        } else if kind.is_file() {
            files.push(path);
        } else if kind.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => report(Walked::Skipped {
                    path,
                    why: "a symbolic link to a directory (not followed)".into(),
                }),
                Ok(m) if !m.is_file() => report(Walked::Skipped {
                    path,
                    why: "not a regular file".into(),
                }),
                // A file, or a dangling link whose error the read reports.
                _ => files.push(path),
            }
        } else {
            report(Walked::Skipped {
                path,
                why: "not a regular file".into(),
            });
        }
    }
    files.sort_by_cached_key(|p| rotation_key(p));
    for path in files {
        match binary_kind(&path) {
            Some(why) => report(Walked::Skipped {
                path,
                why: format!("binary file ({why})"),
            }),
            None => out.push(Source::File(path)),
        }
    }
    dirs.sort();
    for sub in dirs {
        walk_dir(&sub, out, report);
    }
}

/// Sorts a rotated set oldest first: `(name it rotates from, kind,
/// order within the kind, full name)`. Kinds: numbered rotations (`.3`
/// before `.2` before `.1`), then date stamps (oldest first), then the
/// live file.
type RotationKey = (String, u8, Reverse<u64>, String, String);

/// The sort key of a file in a rotated set; see [`RotationKey`].
fn rotation_key(path: &Path) -> RotationKey {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = match Compression::from_extension(Path::new(&name)) {
        Some(_) => name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s),
        None => name.as_str(),
    };
    // The rotation suffix: a separator, then only digits and separators,
    // starting with a digit (`.3`, `-20261124`, `-2026-11-24`).
    let is_sep = |c: char| matches!(c, '.' | '-' | '_');
    let split = stem.char_indices().find(|&(i, c)| {
        let rest = &stem[i + c.len_utf8()..];
        i > 0
            && is_sep(c)
            && rest.starts_with(|d: char| d.is_ascii_digit())
            && rest.chars().all(|d| d.is_ascii_digit() || is_sep(d))
    });
    let Some((at, _)) = split else {
        return (stem.to_string(), 2, Reverse(0), String::new(), name.clone());
    };
    let digits: String = stem[at..].chars().filter(char::is_ascii_digit).collect();
    let base = stem[..at].to_string();
    if digits.len() >= 8 {
        // A date stamp: oldest first. Equal-length digit strings sort as numbers.
        let padded = format!("{digits:0>20}");
        (base, 1, Reverse(0), padded, name.clone())
    } else {
        let n = digits.parse::<u64>().unwrap_or(0);
        (base, 0, Reverse(n), String::new(), name.clone())
    }
}

/// Why the file at `path` is not a log, if it is not: a NUL byte in its
/// first [`SNIFF_BYTES`] (decompressed), or a known binary format. A file
/// that cannot be opened or decompressed is kept, so the read reports why.
pub fn binary_kind(path: &Path) -> Option<&'static str> {
    let mut reader = Source::File(path.to_path_buf()).open().ok()?;
    let mut head = vec![0u8; SNIFF_BYTES];
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    binary_head(&head[..filled])
}

/// Why bytes that start a file say it is not a log, if they do.
pub fn binary_head(head: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x7fELF", "ELF executable"),
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"PK\x03\x04", "zip archive"),
        (b"%PDF-", "PDF document"),
        (b"7z\xbc\xaf\x27\x1c", "7z archive"),
        (b"Rar!\x1a\x07", "RAR archive"),
        (b"\xca\xfe\xba\xbe", "Java class or Mach-O"),
        (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
        (b"\x04\x22\x4d\x18", "lz4 archive"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return Some(what);
    }
    memchr::memchr(0, head).map(|_| "a NUL byte in the first 8 KiB")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(names: &[&str]) -> Vec<String> {
        let mut v: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        v.sort_by_cached_key(|p| rotation_key(p));
        v.iter().map(|p| p.display().to_string()).collect()
    }

    #[test]
    fn rotated_sets_read_oldest_first() {
        assert_eq!(
            order(&[
                "app.log",
                "app.log.1",
                "app.log.10.gz",
                "app.log.2.gz",
                "app.log.3.gz",
                "access.log",
                "access.log.1.zst",
            ]),
            [
                "access.log.1.zst",
                "access.log",
                "app.log.10.gz",
                "app.log.3.gz",
                "app.log.2.gz",
                "app.log.1",
                "app.log",
            ]
        );
        assert_eq!(
            order(&[
                "gw.log",
                "gw.log-20261124.gz",
                "gw.log-20261123.gz",
                "gw.log-2026-11-22.xz",
            ]),
            [
                "gw.log-2026-11-22.xz",
                "gw.log-20261123.gz",
                "gw.log-20261124.gz",
                "gw.log",
            ]
        );
        // Names that only contain digits are not rotations.
        assert_eq!(
            order(&["2026-11-24.log", "app-2.log", "app-10.log"]),
            ["2026-11-24.log", "app-10.log", "app-2.log"]
        );
    }

    #[test]
    fn binary_heads_are_recognised_and_logs_are_not() {
        assert_eq!(binary_head(b"\x7fELF\x02\x01"), Some("ELF executable"));
        assert!(binary_head(b"text\0more").is_some());
        assert_eq!(
            binary_head(b"2026-11-24T03:12:10Z websocket: close 1006\n"),
            None
        );
        assert_eq!(binary_head(b""), None);
        assert_eq!(binary_head("caf\u{e9} ⟪ws⟫ \u{fffd}\n".as_bytes()), None);
    }
}
