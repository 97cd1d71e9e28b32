//! Code tables: what a service's own close codes mean.
//!
//! Private codes (4000-4999) mean whatever the service that sends them says,
//! so a user can load a table of them (`--codes FILE`, TOML or JSON) or pick
//! one of the [`BUNDLED`] tables of well-known protocols by name
//! (`--codes graphql-ws`). A table adds or overrides codes 1000-4999 for
//! annotate mode, the summary and `lookup` alike: [`install`] hands the
//! loaded tables to [`crate::codes::install`] once, at startup.
//!
//! Promises: a table is validated completely while it is parsed, and every
//! error names the file, line and column of the offending value (TOML spans
//! from the `toml` crate, JSON positions from `serde_json`). Codes outside
//! 1000-4999 are rejected with the reason, as are unknown categories and
//! reconnect tokens, duplicate codes, unknown fields, and text that would
//! break an annotation (control characters, `⟪`, `⟫`).
//!
//! The same field types read the built-in table for the registry
//! (`src/codes/iana.toml` and `src/codes/libraries.toml`, with what only it
//! says: whether a code is sent, who defined it, the range entries, the
//! libraries), so it obeys the rules a user's table does.

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::raw::*;
use crate::codes::{self, Category, Entry, Reconnect, TableCode, TableInfo};

/// A table shipped with the tool, selectable by name.
#[derive(Clone, Copy, Debug)]
pub struct Bundled {
    /// The name `--codes` selects it by.
    pub name: &'static str,
    /// The table, as TOML.
    pub text: &'static str,
}

/// The bundled tables: protocols and services whose private codes are public.
/// Each names its source; the recovery advice is this tool's own.
pub static BUNDLED: &[Bundled] = &[
    Bundled {
        name: "graphql-ws",
        text: include_str!("bundled/graphql-ws.toml"),
    },
    Bundled {
        name: "discord-gateway",
        text: include_str!("bundled/discord-gateway.toml"),
    },
    Bundled {
        name: "twitch-eventsub",
        text: include_str!("bundled/twitch-eventsub.toml"),
    },
    Bundled {
        name: "spring",
        text: include_str!("bundled/spring.toml"),
    },
    Bundled {
        name: "original-lookup",
        text: include_str!("bundled/original-lookup.toml"),
    },
];

/// A parsed, validated code table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Short name: lower-case letters, digits and `-`.
    pub name: String,
    /// Where its codes and meanings come from.
    pub source: String,
    /// Bundled, or the file it was read from.
    pub origin: Origin,
    /// Its codes, in the file's order.
    pub codes: Vec<TableEntry>,
}

/// Where a table was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Shipped with the tool.
    Bundled,
    /// Read from this file.
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Bundled => f.write_str("bundled"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// One code of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableEntry {
    /// The close code, 1000-4999.
    pub code: u16,
    /// Its name in the service's own words.
    pub name: String,
    /// What kind of event it is.
    pub category: Category,
    /// What happened.
    pub meaning: String,
    /// What to do.
    pub recovery: String,
    /// Whether, and how, to reconnect.
    pub reconnect: Reconnect,
    /// Given, or derived from the meaning.
    pub hint: String,
    /// Names the service prints for the code in its logs.
    pub aliases: Vec<String>,
    /// Words to find the code by in `lookup`.
    pub symptoms: Vec<String>,
}

/// What `--codes` (or one element of `WSCODE_CODES`) asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableSpec {
    /// A bundled table, by name.
    Bundled(String),
    /// A TOML or JSON file.
    File(PathBuf),
}

impl TableSpec {
    /// A bare name (letters, digits, `-`; no `/`, no `.`) is a bundled
    /// table; anything else is a file. A file with such a name is passed as
    /// `./NAME`.
    pub fn from_arg(arg: &OsStr) -> TableSpec {
        match arg.to_str() {
            Some(s) if is_table_name(s) => TableSpec::Bundled(s.to_string()),
            _ => TableSpec::File(PathBuf::from(arg)),
        }
    }
}

pub(super) fn is_table_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Why a table could not be loaded. Each says where and what to fix.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The table is malformed or breaks a rule.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        /// The file, as given.
        file: String,
        /// 1-based line of the mistake.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The file could not be read.
    #[error("code table {}: {}", .path.display(), describe_io(.source))]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The file is larger than any code table.
    #[error("code table {}: larger than {} MiB, far more than a table of every close code needs; is it the right file?", .path.display(), .limit >> 20)]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The largest size read, in bytes.
        limit: u64,
    },
    /// `--codes NAME` names no bundled table.
    #[error("no bundled code table '{name}' (bundled: {known}); for a file, give its path, e.g. ./{name}.toml")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The bundled names, comma-separated.
        known: String,
    },
}

pub(super) fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "No such file or directory".into(),
        io::ErrorKind::PermissionDenied => "Permission denied".into(),
        io::ErrorKind::InvalidData => "not UTF-8 text".into(),
        _ => {
            let s = err.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

/// The format of a table file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// TOML (`.toml`, or anything not JSON).
    Toml,
    /// JSON (`.json`, or text starting with `{`).
    Json,
}

impl TableFormat {
    /// By extension (`.json`, `.toml`), else by the first character: `{`
    /// starts JSON, anything else is read as TOML.
    pub fn detect(path: &Path, text: &str) -> TableFormat {
        match path.extension().and_then(OsStr::to_str) {
            Some(e) if e.eq_ignore_ascii_case("json") => TableFormat::Json,
            Some(e) if e.eq_ignore_ascii_case("toml") => TableFormat::Toml,
            _ if text.trim_start().starts_with('{') => TableFormat::Json,
            _ => TableFormat::Toml,
        }
    }
}

/// Loads every table asked for, in order; the same table asked for twice
/// (e.g. in `WSCODE_CODES` and with `--codes`) is loaded once.
pub fn load_all(specs: &[TableSpec]) -> Result<Vec<Table>, TableError> {
    let mut seen: Vec<&TableSpec> = Vec::new();
    let mut tables = Vec::with_capacity(specs.len());
    for spec in specs {
        if seen.contains(&spec) {
            continue;
        }
        seen.push(spec);
        tables.push(load(spec)?);
    }
    Ok(tables)
}

/// Loads one table.
pub fn load(spec: &TableSpec) -> Result<Table, TableError> {
    match spec {
        TableSpec::Bundled(name) => bundled_table(name).ok_or_else(|| TableError::Unknown {
            name: name.clone(),
            known: BUNDLED
                .iter()
                .map(|b| b.name)
                .collect::<Vec<_>>()
                .join(", "),
        }),
        TableSpec::File(path) => {
            let text = read_limited(path)?;
            let format = TableFormat::detect(path, &text);
            parse(
                &text,
                format,
                &path.display().to_string(),
                Origin::File(path.clone()),
            )
        }
    }
}

/// The largest table file read. Every code 1000-4999 with the longest text
/// allowed fits in a few MiB; a larger file is the wrong file (or a device
/// that never ends, like `/dev/zero`).
pub const MAX_TABLE_BYTES: u64 = 16 << 20;

/// Reads a table file of at most [`MAX_TABLE_BYTES`] as UTF-8 text. Pipes
/// (`--codes <(...)`) work; a bigger input is refused without reading on.
pub(super) fn read_limited(path: &Path) -> Result<String, TableError> {
    use std::io::Read;
    let read_error = |source| TableError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_TABLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_TABLE_BYTES {
        return Err(TableError::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_TABLE_BYTES,
        });
    }
    String::from_utf8(bytes).map_err(|e| read_error(io::Error::new(io::ErrorKind::InvalidData, e)))
}

/// A bundled table by name, parsed.
pub fn bundled_table(name: &str) -> Option<Table> {
    BUNDLED.iter().find(|b| b.name == name).map(|b| {
        parse(
            b.text,
            TableFormat::Toml,
            &format!("bundled table {}", b.name),
            Origin::Bundled,
        )
        .expect("bundled tables are valid (tested)")
    })
}

/// Every bundled table, parsed.
pub fn bundled() -> Vec<Table> {
    BUNDLED
        .iter()
        .filter_map(|b| bundled_table(b.name))
        .collect()
}

/// Parses and validates a table. `file` names it in errors.
pub fn parse(
    text: &str,
    format: TableFormat,
    file: &str,
    origin: Origin,
) -> Result<Table, TableError> {
    let raw: RawTable = deserialize(text, format, file)?;
    if raw.codes.is_empty() {
        return Err(TableError::Invalid {
            file: file.to_string(),
            line: 1,
            column: 1,
            message: "the table defines no codes: add at least one entry to `codes`".into(),
        });
    }
    let codes = raw
        .codes
        .into_iter()
        .map(|e| {
            let hint = match e.hint {
                Some(h) => h.0,
                None => derive_hint(&e.meaning.0),
            };
            TableEntry {
                code: e.code.0,
                name: e.name.0,
                category: e.category.0,
                meaning: e.meaning.0,
                recovery: e.recovery.0,
                reconnect: e.reconnect.0,
                hint,
                aliases: e.aliases.into_iter().map(|a| a.0).collect(),
                symptoms: e.symptoms.into_iter().map(|s| s.0).collect(),
            }
        })
        .collect();
    Ok(Table {
        name: raw.name.0,
        source: raw.source.0,
        origin,
        codes,
    })
}

/// Deserializes a table file of any shape (a user's table, the built-in
/// table's files), each field validating itself; an error names the file,
/// line and column of the offending value.
pub(super) fn deserialize<T: DeserializeOwned>(
    text: &str,
    format: TableFormat,
    file: &str,
) -> Result<T, TableError> {
    SEEN_CODES.with(|s| s.borrow_mut().clear());
    let raw = match format {
        TableFormat::Toml => toml::from_str::<T>(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |span| line_column(text, span.start));
            TableError::Invalid {
                file: file.to_string(),
                line,
                column,
                message: one_line(e.message()),
            }
        }),
        TableFormat::Json => serde_json::from_str::<T>(text).map_err(|e| {
            let message = e.to_string();
            // serde_json appends " at line L column C"; keep the message only.
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m)
                .to_string();
            let line = e.line().max(1);
            TableError::Invalid {
                file: file.to_string(),
                line,
                column: char_column(text, line, e.column()),
                message: one_line(&message),
            }
        }),
    };
    SEEN_CODES.with(|s| s.borrow_mut().clear());
    raw
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// serde_json counts columns in bytes; errors name them in characters, as
/// for TOML (found by the `tables` fuzz target: a line with a multi-byte
/// character before the error gave a column past the line's end).
pub(super) fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(l) = text.split('\n').nth(line - 1) else {
        return byte_column.max(1);
    };
    let mut end = byte_column.saturating_sub(1).min(l.len());
    while !l.is_char_boundary(end) {
        end -= 1;
    }
    l[..end].chars().count() + 1
}

/// An error message on one line with nothing raw from the table in it:
/// messages quote the offending value (`unknown category 'tr\nsient'`), so
/// its control and bidirectional characters are escaped (found by the
/// `tables` fuzz target: a newline in a value split the message in two).
pub(super) fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        if unsafe_in_text(c) && c != '⟪' && c != '⟫' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A short hint from a meaning: its first sentence, cut at a word boundary
/// to fit an annotation.
pub fn derive_hint(meaning: &str) -> String {
    const MAX: usize = 60;
    let first = meaning
        .split_inclusive(". ")
        .next()
        .unwrap_or(meaning)
        .trim()
        .trim_end_matches('.');
    let mut chars = first.chars();
    let mut hint = match (chars.next(), chars.clone().next()) {
        // "The server…" → "the server…", but keep "TLS…" and "Discord…".
        (Some(c), Some(d)) if c.is_uppercase() && d.is_lowercase() && !first.starts_with("I ") => {
            c.to_lowercase().chain(chars).collect::<String>()
        }
        _ => first.to_string(),
    };
    if hint.chars().count() > MAX {
        let cut: String = hint.chars().take(MAX - 1).collect();
        let cut = match cut.rfind(' ') {
            Some(i) if i > MAX / 2 => cut[..i].trim_end_matches([',', ';', ':']).to_string(),
            _ => cut,
        };
        hint = format!("{cut}…");
    }
    hint
}

/// Hands the tables to the registry for the rest of the process (see
/// [`codes::install`]). Their strings are leaked: a table is loaded once
/// and used until the process exits, and `Entry` holds `&'static str`.
/// Returns false if tables were already installed.
pub fn install(tables: Vec<Table>) -> bool {
    let mut codes = Vec::new();
    let mut infos = Vec::with_capacity(tables.len());
    for table in tables {
        let name = leak(table.name);
        let source = leak(table.source);
        infos.push(TableInfo {
            name,
            source,
            origin: table.origin.to_string(),
            codes: table.codes.len(),
        });
        let defined_by = leak(format!("code table {name} ({source})"));
        for e in table.codes {
            let builtin = codes::describe_builtin(u32::from(e.code));
            codes.push(TableCode {
                code: e.code,
                entry: Entry {
                    name: leak(e.name),
                    category: e.category,
                    meaning: leak(e.meaning),
                    recovery: leak(e.recovery),
                    hint: leak(e.hint),
                    reconnect: e.reconnect,
                    // A table cannot make a local-only code travel, and a code
                    // it defines in an unassigned range is one its service sends.
                    on_wire: !builtin.exact || builtin.entry.on_wire,
                    defined_by,
                },
                aliases: leak_all(e.aliases),
                symptoms: leak_all(e.symptoms),
                table: name,
            });
        }
    }
    codes::install(codes, infos)
}

pub(super) fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

pub(super) fn leak_all(v: Vec<String>) -> &'static [&'static str] {
    Box::leak(
        v.into_iter()
            .map(leak)
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn toml(text: &str) -> Result<Table, TableError> {
        parse(text, TableFormat::Toml, "t.toml", Origin::Bundled)
    }

    const ENTRY: &str = r#"
name = "acme"
source = "ACME gateway docs"

[[codes]]
code = 4001
name = "Auth Expired"
category = "policy"
meaning = "The session token expired."
recovery = "Refresh the token, then reconnect."
reconnect = "after-reauth"
aliases = ["AUTH_EXPIRED"]
"#;

    fn position(err: TableError) -> (usize, usize, String) {
        match err {
            TableError::Invalid {
                line,
                column,
                message,
                ..
            } => (line, column, message),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn bundled_tables_parse_and_are_named_as_listed() {
        let builtin: HashSet<(&str, u16)> = codes::builtin_aliases()
            .iter()
            .map(|a| (a.name, a.code))
            .collect();
        for b in BUNDLED {
            let t = bundled_table(b.name).unwrap();
            assert_eq!(t.name, b.name);
            assert!(!t.source.is_empty());
            for e in &t.codes {
                assert!(e.hint.chars().count() <= 72, "{}: {}", b.name, e.code);
                // A bundled alias must not take over a library's name for
                // another code.
                for a in &e.aliases {
                    let clash = codes::builtin_aliases()
                        .iter()
                        .any(|x| x.name == a && x.code != e.code);
                    assert!(!clash, "{} {a} clashes with a library name", b.name);
                    let _ = builtin.contains(&(a.as_str(), e.code));
                }
            }
        }
        let graphql = bundled_table("graphql-ws").unwrap();
        let codes: Vec<u16> = graphql.codes.iter().map(|e| e.code).collect();
        for c in [
            4400, 4401, 4403, 4406, 4408, 4409, 4429, 4499, 4500, 4504, 4005, 4004,
        ] {
            assert!(codes.contains(&c), "graphql-ws lacks {c}");
        }
    }

    #[test]
    fn a_valid_table_parses_with_a_derived_hint() {
        let t = toml(ENTRY).unwrap();
        assert_eq!(t.codes[0].code, 4001);
        assert_eq!(t.codes[0].category, Category::Policy);
        assert_eq!(t.codes[0].reconnect, Reconnect::AfterReauth);
        assert_eq!(t.codes[0].hint, "the session token expired");
    }

    #[test]
    fn errors_point_at_the_value() {
        let (line, column, message) = position(toml(&ENTRY.replace("4001", "5001")).unwrap_err());
        assert_eq!((line, column), (6, 8));
        assert!(message.contains("5000 and above"), "{message}");
        let (line, _, message) =
            position(toml(&ENTRY.replace("\"policy\"", "\"fatal\"")).unwrap_err());
        assert_eq!(line, 8);
        assert!(message.contains("unknown category 'fatal'"), "{message}");
        let (line, _, message) =
            position(toml(&ENTRY.replace("after-reauth", "sometimes")).unwrap_err());
        assert_eq!(line, 11);
        assert!(message.contains("unknown reconnect policy"), "{message}");
        let dup = format!("{ENTRY}{}", &ENTRY[ENTRY.find("[[codes]]").unwrap()..]);
        let (line, column, message) = position(toml(&dup).unwrap_err());
        assert_eq!((line, column), (14, 8), "{message}");
        assert!(message.contains("duplicate code 4001"));
    }

    #[test]
    fn json_errors_have_positions_too() {
        let json = r#"{"name": "acme", "source": "docs",
  "codes": [
    {"code": 999, "name": "x", "category": "policy", "meaning": "m", "recovery": "r", "reconnect": "no"}
  ]}"#;
        let err = parse(json, TableFormat::Json, "t.json", Origin::Bundled).unwrap_err();
        let (line, _, message) = position(err);
        assert_eq!(line, 3);
        assert!(message.contains("0-999 are not used"), "{message}");
        assert!(!message.contains(" at line "), "{message}");
    }

    #[test]
    fn text_is_folded_and_checked() {
        let t = toml(&ENTRY.replace(
            "\"The session token expired.\"",
            "\"\"\"The session\n   token expired.\"\"\"",
        ))
        .unwrap();
        assert_eq!(t.codes[0].meaning, "The session token expired.");
        assert!(toml(&ENTRY.replace("Auth Expired", "Auth ⟫ Expired")).is_err());
        assert!(toml(&ENTRY.replace("AUTH_EXPIRED", "auth expired")).is_err());
        assert!(toml(&ENTRY.replace("\"acme\"", "\"Acme Corp\"")).is_err());
        assert!(toml(&ENTRY.replace("aliases", "alias")).is_err());
    }

    #[test]
    fn a_users_table_cannot_say_what_only_the_built_in_table_says() {
        for field in [
            "on_wire = true",
            "defined_by = \"me\"",
            "range = \"private\"",
        ] {
            let text = ENTRY.replace("aliases =", &format!("{field}\naliases ="));
            let (line, _, message) = position(toml(&text).unwrap_err());
            assert_eq!(line, 12, "{message}");
            assert!(message.starts_with("unknown field"), "{message}");
        }
    }

    #[test]
    fn the_built_in_table_is_checked_like_a_users() {
        let line_of =
            |text: &str, at: &str| text[..text.find(at).unwrap()].matches('\n').count() + 1;
        let iana = include_str!("iana.toml");
        let broken = iana.replacen("category = \"normal\"", "category = \"fatal\"", 1);
        let (line, _, message) = position(crate::codes::builtin::parse_iana(&broken).unwrap_err());
        assert_eq!(line, line_of(iana, "category = \"normal\""));
        assert!(message.contains("unknown category 'fatal'"), "{message}");
        let broken = iana.replacen("code = 1001", "code = 1000", 1);
        let (_, _, message) = position(crate::codes::builtin::parse_iana(&broken).unwrap_err());
        assert!(message.contains("duplicate code 1000"), "{message}");
        let broken = iana.replacen("range = \"private\"", "range = \"protocol\"", 1);
        let (_, _, message) = position(crate::codes::builtin::parse_iana(&broken).unwrap_err());
        assert!(message.contains("a second entry for protocol"), "{message}");

        let libraries = include_str!("libraries.toml");
        let broken = libraries.replacen("\"CloseGoingAway\"", "\"Close Going Away\"", 1);
        let (line, _, message) =
            position(crate::codes::builtin::parse_libraries(&broken).unwrap_err());
        assert_eq!(line, line_of(libraries, "\"CloseGoingAway\""));
        assert!(message.contains("alias 'Close Going Away'"), "{message}");
        let broken = libraries.replacen("id = \"coder\"", "id = \"gorilla\"", 1);
        let (_, _, message) =
            position(crate::codes::builtin::parse_libraries(&broken).unwrap_err());
        assert!(message.contains("repeats the id or order"), "{message}");
    }

    #[test]
    fn specs_tell_names_from_files() {
        assert_eq!(
            TableSpec::from_arg(OsStr::new("graphql-ws")),
            TableSpec::Bundled("graphql-ws".into())
        );
        assert_eq!(
            TableSpec::from_arg(OsStr::new("codes.toml")),
            TableSpec::File("codes.toml".into())
        );
        assert_eq!(
            TableSpec::from_arg(OsStr::new("./acme")),
            TableSpec::File("./acme".into())
        );
    }

    #[test]
    fn hints_are_derived_short() {
        assert_eq!(derive_hint("TLS failed. More."), "TLS failed");
        let long = "The client sent a subscription before the server acknowledged the connection and more words follow here.";
        let h = derive_hint(long);
        assert!(h.chars().count() <= 60, "{h}");
        assert!(h.ends_with('…'));
    }
}
