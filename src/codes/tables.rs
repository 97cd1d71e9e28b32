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

use std::cell::RefCell;
use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::Deserialize;

use crate::codes::{
    self, Alias, BuiltinCodes, BuiltinLibraries, Category, CodeDef, CodeRange, Entry, Library,
    LogText, Reconnect, TableCode, TableInfo,
};

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

fn is_table_name(s: &str) -> bool {
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

fn describe_io(err: &io::Error) -> String {
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
fn read_limited(path: &Path) -> Result<String, TableError> {
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
fn deserialize<T: DeserializeOwned>(
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
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// serde_json counts columns in bytes; errors name them in characters, as
/// for TOML (found by the `tables` fuzz target: a line with a multi-byte
/// character before the error gave a column past the line's end).
fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
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
fn one_line(s: &str) -> String {
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

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn leak_all(v: Vec<String>) -> &'static [&'static str] {
    Box::leak(
        v.into_iter()
            .map(leak)
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

// ---------------------------------------------------------------------------
// The file format. Each field type validates itself while it is deserialized,
// so an error carries the position of the offending value.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    name: TableName,
    source: Text<300>,
    #[serde(default)]
    codes: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    code: CodeNumber,
    name: Text<60>,
    category: CategoryField,
    meaning: Text<1000>,
    recovery: Text<1000>,
    reconnect: ReconnectField,
    #[serde(default)]
    hint: Option<Text<72>>,
    #[serde(default)]
    aliases: Vec<AliasName>,
    #[serde(default)]
    symptoms: Vec<Text<80>>,
}

thread_local! {
    /// Codes seen so far in the table being parsed, to reject a duplicate at
    /// its own position. [`parse`] clears it before and after.
    static SEEN_CODES: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
}

/// A code 1000-4999, not seen before in this table.
struct CodeNumber(u16);

impl<'de> Deserialize<'de> for CodeNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = AnyCode::deserialize(d)?.0;
        let duplicate = SEEN_CODES.with(|s| {
            let mut seen = s.borrow_mut();
            let dup = seen.contains(&code);
            seen.push(code);
            dup
        });
        if duplicate {
            return Err(de::Error::custom(format!(
                "duplicate code {code}: a table defines each code once"
            )));
        }
        Ok(CodeNumber(code))
    }
}

/// A code 1000-4999 that may repeat (a built-in alias's or text's).
struct AnyCode(u16);

impl<'de> Deserialize<'de> for AnyCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        match n {
            1000..=4999 => Ok(AnyCode(n as u16)),
            ..=999 => Err(de::Error::custom(format!(
                "code {n} is not a close code: 0-999 are not used (RFC 6455 §7.4.2); a table defines codes 1000-4999"
            ))),
            5000..=65535 => Err(de::Error::custom(format!(
                "code {n} is not a close code: close codes stop at 4999 and every library rejects 5000 and above; a table defines codes 1000-4999"
            ))),
            _ => Err(de::Error::custom(format!(
                "code {n} is not a close code: a close code is a 16-bit number, and a table defines codes 1000-4999"
            ))),
        }
    }
}

/// One line of text, at most `MAX` characters, with runs of white space
/// (line breaks of multi-line TOML strings included) folded into one space.
struct Text<const MAX: usize>(String);

impl<'de, const MAX: usize> Deserialize<'de> for Text<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(de::Error::custom("empty text: write something here"));
        }
        if let Some(c) = text.chars().find(|&c| unsafe_in_text(c)) {
            return Err(de::Error::custom(format!(
                "text has the character {c:?}, which would break annotations and terminals"
            )));
        }
        let n = text.chars().count();
        if n > MAX {
            return Err(de::Error::custom(format!(
                "text too long: {n} characters, at most {MAX} here"
            )));
        }
        Ok(Text(text))
    }
}

/// Characters a table's text may not hold: those that act on a terminal
/// ([`crate::term::unsafe_on_terminal`]) and the annotation's brackets.
fn unsafe_in_text(c: char) -> bool {
    crate::term::unsafe_on_terminal(c) || matches!(c, '⟪' | '⟫')
}

/// A table's name: lower-case letters, digits and `-`, for `--codes NAME`.
struct TableName(String);

impl<'de> Deserialize<'de> for TableName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        if !is_table_name(&name) {
            return Err(de::Error::custom(format!(
                "table name '{name}': use lower-case letters, digits and '-', at most 40, e.g. \"my-service\""
            )));
        }
        Ok(TableName(name))
    }
}

/// A symbolic name the service prints, e.g. `SubprotocolNotAcceptable`:
/// the extractor matches it as a whole word, so it is an identifier.
struct AliasName(String);

impl<'de> Deserialize<'de> for AliasName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        let ok = (2..=64).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !ok {
            return Err(de::Error::custom(format!(
                "alias '{name}': an alias is a symbolic name as it appears in logs, 2-64 ASCII letters, digits or '_', starting with a letter (e.g. AUTH_EXPIRED); use --pattern for free text"
            )));
        }
        Ok(AliasName(name))
    }
}

/// A field parsed with `FromStr`, whose error lists the accepted values.
struct Parsed<T>(T);

impl<'de, T> Deserialize<'de> for Parsed<T>
where
    T: std::str::FromStr<Err = String>,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<T>().map(Parsed).map_err(de::Error::custom)
    }
}

struct CategoryField(Category);

impl<'de> Deserialize<'de> for CategoryField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Parsed::<Category>::deserialize(d).map(|p| CategoryField(p.0))
    }
}

struct ReconnectField(Reconnect);

impl<'de> Deserialize<'de> for ReconnectField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Parsed::<Reconnect>::deserialize(d).map(|p| ReconnectField(p.0))
    }
}

// ---------------------------------------------------------------------------
// The built-in table (`src/codes/*.toml`), read with the field types above:
// the same text, code, category, reconnect and alias rules as a user's
// table, plus what only the built-in table says (whether a code is sent,
// who defined it, the entries of the ranges, the libraries). Parsed once per
// process, by the registry; the registry's tests check the table itself.

/// Reads `src/codes/iana.toml`: the registered codes with their symptoms,
/// then the entry of each range. Codes keep the file's order.
pub(crate) fn builtin_codes(text: &str) -> Result<BuiltinCodes, TableError> {
    const FILE: &str = "src/codes/iana.toml";
    let raw: RawIana = deserialize(text, TableFormat::Toml, FILE)?;
    let invalid = |message: String| TableError::Invalid {
        file: FILE.to_string(),
        line: 1,
        column: 1,
        message,
    };
    let mut codes = Vec::with_capacity(raw.codes.len());
    let mut symptoms = Vec::with_capacity(raw.codes.len());
    for mut e in raw.codes {
        let (Some(code), None) = (&e.code, &e.range) else {
            return Err(invalid(format!(
                "codes: '{}' needs a `code` and no `range`",
                e.name.0
            )));
        };
        let code = code.0;
        symptoms.push((
            code,
            leak_all(
                std::mem::take(&mut e.symptoms)
                    .into_iter()
                    .map(|s| s.0)
                    .collect(),
            ),
        ));
        codes.push(CodeDef {
            code,
            entry: e.into_entry(),
        });
    }
    let mut ranges: [Option<Entry>; 4] = Default::default();
    for e in raw.ranges {
        let (None, Some(range), true) = (&e.code, &e.range, e.symptoms.is_empty()) else {
            return Err(invalid(format!(
                "ranges: '{}' needs a `range` and no `code` or `symptoms`",
                e.name.0
            )));
        };
        let range = range.0;
        let slot = CodeRange::ALL.iter().position(|&r| r == range).unwrap_or(0);
        if ranges[slot].is_some() {
            return Err(invalid(format!(
                "ranges: a second entry for {}",
                range.as_str()
            )));
        }
        ranges[slot] = Some(e.into_entry());
    }
    let [Some(protocol), Some(registered), Some(private), Some(invalid_range)] = ranges else {
        return Err(invalid(format!(
            "ranges: one entry each for {} is needed",
            CodeRange::ALL.map(CodeRange::as_str).join(", ")
        )));
    };
    Ok(BuiltinCodes {
        codes,
        ranges: [protocol, registered, private, invalid_range],
        symptoms,
    })
}

/// Reads `src/codes/libraries.toml`: the libraries, their aliases in the
/// file's order, and their log texts ordered by code (libraries in the
/// file's order for each code).
pub(crate) fn builtin_libraries(text: &str) -> Result<BuiltinLibraries, TableError> {
    const FILE: &str = "src/codes/libraries.toml";
    let raw: RawLibraries = deserialize(text, TableFormat::Toml, FILE)?;
    let mut libraries: Vec<Library> = Vec::with_capacity(raw.libraries.len());
    let mut aliases = Vec::new();
    let mut log_texts = Vec::new();
    for lib in raw.libraries {
        if let Some(other) = libraries
            .iter()
            .find(|l| l.id == lib.id.0 || l.order == lib.order)
        {
            return Err(TableError::Invalid {
                file: FILE.to_string(),
                line: 1,
                column: 1,
                message: format!(
                    "libraries: '{}' repeats the id or order of '{}'",
                    lib.id.0, other.id
                ),
            });
        }
        let id = leak(lib.id.0);
        libraries.push(Library {
            id,
            name: leak(lib.name.0),
            order: lib.order,
        });
        aliases.extend(lib.aliases.into_iter().map(|a| Alias {
            code: a.code.0,
            library: id,
            name: leak(a.name.0),
        }));
        log_texts.extend(lib.texts.into_iter().map(|t| LogText {
            code: t.code.0,
            library: id,
            text: leak(t.text.0),
        }));
    }
    // Stable: for each code, the libraries stay in the file's order.
    log_texts.sort_by_key(|t| t.code);
    Ok(BuiltinLibraries {
        libraries,
        aliases,
        log_texts,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIana {
    codes: Vec<RawBuiltinEntry>,
    ranges: Vec<RawBuiltinEntry>,
}

/// A built-in code (with `code`) or range entry (with `range`): a user's
/// entry's fields, with the hint required and what a table cannot say.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuiltinEntry {
    #[serde(default)]
    code: Option<CodeNumber>,
    #[serde(default)]
    range: Option<RangeField>,
    name: Text<60>,
    category: CategoryField,
    meaning: Text<1000>,
    recovery: Text<1000>,
    reconnect: ReconnectField,
    hint: Text<72>,
    on_wire: bool,
    defined_by: Text<300>,
    #[serde(default)]
    symptoms: Vec<Text<80>>,
}

impl RawBuiltinEntry {
    fn into_entry(self) -> Entry {
        Entry {
            name: leak(self.name.0),
            category: self.category.0,
            meaning: leak(self.meaning.0),
            recovery: leak(self.recovery.0),
            hint: leak(self.hint.0),
            reconnect: self.reconnect.0,
            on_wire: self.on_wire,
            defined_by: leak(self.defined_by.0),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLibraries {
    libraries: Vec<RawLibrary>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLibrary {
    id: TableName,
    name: Text<60>,
    order: u16,
    #[serde(default)]
    aliases: Vec<RawAlias>,
    #[serde(default)]
    texts: Vec<RawLogText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlias {
    code: AnyCode,
    name: AliasName,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogText {
    code: AnyCode,
    text: Text<200>,
}

/// One of [`CodeRange::ALL`], by its token.
struct RangeField(CodeRange);

impl<'de> Deserialize<'de> for RangeField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CodeRange::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .map(RangeField)
            .ok_or_else(|| {
                de::Error::custom(format!(
                    "unknown range '{s}' (expected one of: {})",
                    CodeRange::ALL.map(CodeRange::as_str).join(", ")
                ))
            })
    }
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
        let (line, _, message) = position(builtin_codes(&broken).unwrap_err());
        assert_eq!(line, line_of(iana, "category = \"normal\""));
        assert!(message.contains("unknown category 'fatal'"), "{message}");
        let broken = iana.replacen("code = 1001", "code = 1000", 1);
        let (_, _, message) = position(builtin_codes(&broken).unwrap_err());
        assert!(message.contains("duplicate code 1000"), "{message}");
        let broken = iana.replacen("range = \"private\"", "range = \"protocol\"", 1);
        let (_, _, message) = position(builtin_codes(&broken).unwrap_err());
        assert!(message.contains("a second entry for protocol"), "{message}");

        let libraries = include_str!("libraries.toml");
        let broken = libraries.replacen("\"CloseGoingAway\"", "\"Close Going Away\"", 1);
        let (line, _, message) = position(builtin_libraries(&broken).unwrap_err());
        assert_eq!(line, line_of(libraries, "\"CloseGoingAway\""));
        assert!(message.contains("alias 'Close Going Away'"), "{message}");
        let broken = libraries.replacen("id = \"coder\"", "id = \"gorilla\"", 1);
        let (_, _, message) = position(builtin_libraries(&broken).unwrap_err());
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
