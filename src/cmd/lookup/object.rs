//! What is known about one number: the code object `--format json` writes
//! and every card shows.

use super::*;

/// One code, as `--format json` writes it: annotate mode's field names,
/// plus everything a card shows.
#[derive(Clone, Debug, Serialize)]
pub struct CodeObject {
    /// The number as asked; may be outside 0-65535 for an invalid one.
    /// A number too large for 64 bits is given as `u64::MAX` (and `asked`
    /// holds its digits).
    pub code: u64,
    /// The digits asked for when they do not fit `code`; the card shows them.
    #[serde(skip)]
    pub asked: Option<String>,
    /// What the code means and what to do, under the same field names as
    /// annotate mode's JSON record (which embeds the same view).
    #[serde(flatten)]
    pub view: CodeView,
    /// The reconnect policy in words: when and how.
    pub reconnect_advice: &'static str,
    /// Whether the code can be sent in a Close frame.
    pub on_wire: bool,
    /// The code has an entry of its own, not just its range's.
    pub exact: bool,
    /// RFC 6455, an IANA registration, or a code table and its source.
    pub defined_by: &'static str,
    /// The code table that defines it, if one does.
    pub table: Option<&'static str>,
    /// Symbolic names libraries (or the code table's service) print for it.
    pub aliases: Vec<LibraryName>,
    /// Messages libraries print around it.
    pub log_texts: Vec<LibraryText>,
    /// What a close with this code looks like from outside.
    pub symptoms: Vec<&'static str>,
    /// Remarks: why a number is invalid, what a range means, which bundled
    /// tables define a private code, what a table overrides.
    pub notes: Vec<String>,
}

/// A library's name for a code.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LibraryName {
    /// The library (or code table) that prints it.
    pub library: String,
    /// The name as printed.
    pub name: String,
}

/// A library's message for a code.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LibraryText {
    /// The library that prints it.
    pub library: String,
    /// The message as printed.
    pub text: String,
}

// ---------------------------------------------------------------------------
// Code objects

/// Everything known about a number.
pub fn code_object(code: u64) -> CodeObject {
    let d = codes::describe(u32::try_from(code).unwrap_or(u32::MAX));
    let e = d.entry;
    CodeObject {
        code,
        asked: None,
        view: CodeView::described(&d),
        reconnect_advice: e.reconnect.explain(),
        on_wire: e.on_wire,
        exact: d.exact,
        defined_by: e.defined_by,
        table: d.table,
        aliases: aliases_of(code),
        log_texts: log_texts_of(code, &d),
        symptoms: if d.exact {
            codes::symptoms(d.code).to_vec()
        } else {
            Vec::new()
        },
        notes: notes_of(code, &d),
    }
}

pub(super) fn aliases_of(code: u64) -> Vec<LibraryName> {
    codes::aliases()
        .iter()
        .filter(|a| u64::from(a.code) == code)
        .map(|a| LibraryName {
            library: library_name(a.library).to_string(),
            name: a.name.to_string(),
        })
        .collect()
}

pub(super) fn log_texts_of(code: u64, d: &Description) -> Vec<LibraryText> {
    let own: Vec<LibraryText> = codes::log_texts()
        .iter()
        .filter(|t| u64::from(t.code) == code)
        .map(|t| LibraryText {
            library: library_name(t.library).to_string(),
            text: t.text.to_string(),
        })
        .collect();
    if !own.is_empty() || code > 65535 {
        return own;
    }
    // The generic forms libraries print for any code of the range, by
    // library id (names from src/codes/libraries.toml).
    let c = code;
    let forms: Vec<(&str, String)> = match d.range {
        CodeRange::Protocol => vec![
            ("python-websockets", format!("{c} (unknown)")),
            ("tungstenite", format!("Reserved({c})")),
            (
                "okhttp",
                format!("Code {c} is reserved and may not be used."),
            ),
            ("netty", format!("{c} Close status #{c}")),
        ],
        CodeRange::Registered => vec![
            ("python-websockets", format!("{c} (registered)")),
            ("coder", format!("StatusCode({c})")),
            ("tungstenite", format!("Iana({c})")),
            ("netty", format!("{c} Close status #{c}")),
        ],
        CodeRange::Private => vec![
            ("python-websockets", format!("{c} (private use)")),
            ("coder", format!("StatusCode({c})")),
            ("tungstenite", format!("Library({c})")),
            ("netty", format!("{c} Close status #{c}")),
        ],
        CodeRange::Invalid => vec![
            ("python-websockets", format!("{c} (unknown)")),
            ("tungstenite", format!("Bad({c})")),
            ("okhttp", format!("Code must be in range [1000,5000): {c}")),
            (
                "node-ws",
                format!("Invalid WebSocket frame: invalid status code {c}"),
            ),
        ],
    };
    forms
        .into_iter()
        .map(|(library, text)| LibraryText {
            library: library_name(library).to_string(),
            text,
        })
        .collect()
}

pub(super) fn notes_of(code: u64, d: &Description) -> Vec<String> {
    let mut notes = Vec::new();
    match d.range {
        CodeRange::Invalid if code > 65535 => notes.push(format!(
            "A close code is a 16-bit number, so {code} cannot be sent at all: in a log it is something else (a port, a size, an id)."
        )),
        CodeRange::Invalid if code < 1000 => notes.push(format!(
            "0-999 are not used (RFC 6455 §7.4.2): a peer that sends {code} is broken, and libraries fail the connection with 1002."
        )),
        CodeRange::Invalid => notes.push(format!(
            "{code} fits the 16-bit field but lies above every range (close codes stop at 4999): libraries reject it (only Netty has no upper bound)."
        )),
        CodeRange::Protocol if !d.exact => notes.push(
            "Unassigned: 1016-2999 is reserved for future versions of the protocol and its extensions, assigned by IANA only with a public specification, and nothing is assigned there yet. No endpoint should send it."
                .to_string(),
        ),
        CodeRange::Registered if !d.exact => notes.push(format!(
            "Not registered: IANA has registered only 3000, 3003 and 3008 in 3000-3999, so {code} means whatever the library or service that sent it says."
        )),
        CodeRange::Private if !d.exact => notes.push(
            "No standard meaning: 4000-4999 is for private use and cannot be registered; each service defines its own codes."
                .to_string(),
        ),
        _ => {}
    }
    if let Some(table) = d.table {
        let builtin = codes::describe_builtin(d.code);
        if builtin.exact {
            notes.push(format!(
                "Code table {table} overrides the built-in entry: {code} {} ({}).",
                builtin.entry.name, builtin.entry.defined_by
            ));
        } else if d.range == CodeRange::Private {
            notes.push(format!(
                "A private code: this is what it means in {table}; another service may use {code} for something else."
            ));
        }
    }
    if matches!(d.range, CodeRange::Private | CodeRange::Registered) {
        let defined: Vec<String> = unloaded_bundled()
            .flat_map(|t| {
                t.codes
                    .iter()
                    .filter(|e| u64::from(e.code) == code)
                    .map(move |e| format!("{} ({} {})", t.name, e.code, e.name))
            })
            .collect();
        if !defined.is_empty() {
            notes.push(format!(
                "Defined by bundled code table{}: {}. Load one with --codes NAME if the connection speaks it.",
                if defined.len() == 1 { "" } else { "s" },
                defined.join(", ")
            ));
        } else if d.table.is_none() && d.range == CodeRange::Private {
            notes.push(
                "If the service documents its codes, load them with --codes FILE (see `wscode-annotate tables`)."
                    .to_string(),
            );
        }
    }
    notes
}

/// The bundled tables, parsed once.
pub(crate) fn bundled_tables() -> &'static [Table] {
    static BUNDLED: OnceLock<Vec<Table>> = OnceLock::new();
    BUNDLED.get_or_init(tables::bundled)
}

/// Bundled tables that are not loaded.
pub(super) fn unloaded_bundled() -> impl Iterator<Item = &'static Table> {
    let loaded = codes::installed_tables();
    bundled_tables()
        .iter()
        .filter(move |t| !loaded.iter().any(|l| l.name == t.name))
}
