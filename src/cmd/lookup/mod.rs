//! `wscode-annotate lookup`: the close-code reference at the terminal.
//!
//! A query is one of three things. Numbers (`lookup 1006 4321`) get a card
//! each: every number is explained, known or not (an unassigned protocol
//! code, a private code, not a close code at all and why). No query lists
//! every known code as a table fitted to the terminal. Anything else is a
//! search, ranked over names, library aliases, symptoms, hints, meanings and
//! recovery advice: a name or alias that matches exactly (`GOING_AWAY`,
//! `StatusGoingAway`, "going away") comes first and is shown as a card.
//!
//! Filters (`--category`, `--reconnect`, `--range`) narrow the table and
//! search results. `--format json` writes an array of code objects whose
//! fields are those of annotate mode's JSON (`code`, `name`, `category`,
//! `range`, `meaning`, `recovery`, `hint`, `reconnect`, `on_wire`) plus what a
//! card shows. Everything is read through [`codes::describe`], so code
//! tables loaded with `--codes` count here as in annotate mode.
//!
//! Its card and table layout also serve `wscode-annotate tables`
//! ([`super::tables`]).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::OnceLock;

use serde::Serialize;

use crate::codes::tables::{self, Table};
use crate::codes::{self, edit_distance, library_name, Category, CodeRange, CodeView, Description};
use crate::config::{ListFormat, Lookup};
use crate::exit::Exit;
use crate::term::{wrap, wrap_items, BOLD, DIM, RESET};

mod card;
mod object;
mod search;
mod table;

pub(crate) use card::write_json;
use card::*;
pub(crate) use object::bundled_tables;
use object::*;
pub use object::{code_object, CodeObject, LibraryName, LibraryText};
use search::*;
use table::*;
pub(crate) use table::{write_table, Cell};

/// How a lookup ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Something was found (every number counts).
    pub matched: bool,
    /// A message for stderr: why nothing matched, and what comes closest.
    pub note: Option<String>,
}

impl Outcome {
    /// Success when something matched, Tripped (1) when nothing did.
    pub fn exit(&self) -> crate::exit::Exit {
        if self.matched {
            crate::exit::Exit::Success
        } else {
            crate::exit::Exit::Tripped
        }
    }
}

/// Looks up to stdout, as the binary does: the note on a query that
/// matched nothing goes to stderr (not with `-q`).
pub fn main(settings: &Lookup, quiet: bool) -> Exit {
    let out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match run(settings, out) {
        Ok(outcome) => {
            if let Some(note) = outcome.note.as_ref().filter(|_| !quiet) {
                super::say(note);
            }
            outcome.exit()
        }
        Err(e) => super::output_failed(e),
    }
}

/// Runs a lookup, writing to `out` (flushed before returning).
pub fn run<W: Write>(opts: &Lookup, mut out: W) -> io::Result<Outcome> {
    let mut buf = Vec::with_capacity(16 * 1024);
    let outcome = match parse_query(&opts.query) {
        Query::All => listing(opts, &mut buf),
        Query::Numbers(numbers) => {
            let objects: Vec<CodeObject> = numbers.iter().map(number_object).collect();
            write_cards(opts, &objects, &mut buf);
            Outcome {
                matched: true,
                note: None,
            }
        }
        Query::Text(text) => search_command(opts, &text, &mut buf),
    };
    out.write_all(&buf)?;
    out.flush()?;
    Ok(outcome)
}

enum Query {
    All,
    /// Each number, or the digits of one too large for 64 bits.
    Numbers(Vec<Result<u64, String>>),
    Text(String),
}

/// The code object for a number asked for by digits.
fn number_object(n: &Result<u64, String>) -> CodeObject {
    match n {
        Ok(n) => code_object(*n),
        Err(digits) => {
            let mut o = code_object(u64::MAX);
            o.notes = vec![format!(
                "A close code is a 16-bit number, so {digits} ({} digits) cannot be sent at all: in a log it is something else (an id, a hash). Too large for 64 bits, its JSON `code` is the largest 64-bit number.",
                digits.len(),
            )];
            o.asked = Some(digits.clone());
            o
        }
    }
}

fn parse_query(words: &[String]) -> Query {
    let tokens: Vec<&str> = words
        .iter()
        .flat_map(|w| w.split(|c: char| c.is_whitespace() || c == ','))
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() {
        return Query::All;
    }
    if tokens.iter().all(|t| t.bytes().all(|b| b.is_ascii_digit())) {
        return Query::Numbers(
            tokens
                .iter()
                .map(|t| t.parse::<u64>().map_err(|_| t.to_string()))
                .collect(),
        );
    }
    Query::Text(words.join(" ").trim().to_string())
}

// ---------------------------------------------------------------------------
// Filters and listing

fn passes(opts: &Lookup, o: &CodeObject) -> bool {
    (opts.categories.is_empty() || opts.categories.contains(&o.view.category))
        && (!opts.reconnect || o.view.reconnect.reconnects())
        && !matches!(opts.range, Some(r) if r != o.view.range)
}

fn listing(opts: &Lookup, buf: &mut Vec<u8>) -> Outcome {
    let objects: Vec<CodeObject> = codes::known_codes()
        .iter()
        .map(|d| code_object(u64::from(d.code)))
        .filter(|o| passes(opts, o))
        .collect();
    let ranges = range_lines(opts);
    if opts.format == ListFormat::Json {
        write_json(&objects, buf);
    } else if !objects.is_empty() || !ranges.is_empty() {
        if !objects.is_empty() {
            write_code_table(opts, &objects, buf);
        }
        if !ranges.is_empty() {
            if !objects.is_empty() {
                buf.push(b'\n');
            }
            let rows: Vec<Vec<Cell>> = ranges
                .iter()
                .map(|(span, text)| vec![Cell::plain(span), Cell::plain(text)])
                .collect();
            write_table(
                &["OTHER CODES", ""],
                &rows,
                opts.width,
                opts.color,
                &[],
                buf,
            );
        }
        buf.extend_from_slice(b"\n`wscode-annotate lookup N` explains any number in full.\n");
    }
    if objects.is_empty() && ranges.is_empty() {
        return Outcome {
            matched: false,
            note: Some("no code matches these filters".to_string()),
        };
    }
    Outcome {
        matched: true,
        note: None,
    }
}

/// What the listing says about the numbers without an entry of their own,
/// as far as the filters let them through.
fn range_lines(opts: &Lookup) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    let wants = |range: CodeRange, category: Category| {
        !matches!(opts.range, Some(r) if r != range)
            && (opts.categories.is_empty() || opts.categories.contains(&category))
    };
    if opts.reconnect {
        if wants(CodeRange::Registered, Category::Application)
            || wants(CodeRange::Private, Category::Application)
        {
            lines.push((
                "3xxx, 4xxx",
                "As the sending service defines: after an auth code, get new credentials before reconnecting; after a rate-limit code, wait. Load the service's code table with --codes to know."
                    .to_string(),
            ));
        }
        return lines;
    }
    if wants(CodeRange::Protocol, Category::Reserved) {
        lines.push((
            "1016-2999",
            "unassigned, reserved for the protocol: nobody may send them".to_string(),
        ));
    }
    if wants(CodeRange::Registered, Category::Application) {
        lines.push((
            "3000-3999",
            "others unregistered: they mean what the sending library or service says".to_string(),
        ));
    }
    if wants(CodeRange::Private, Category::Application) {
        lines.push((
            "4000-4999",
            "private use, no standard meaning: each service defines its own (see `wscode-annotate tables`)"
                .to_string(),
        ));
    }
    if opts.range.is_none()
        && (opts.categories.is_empty() || opts.categories.contains(&Category::Invalid))
    {
        lines.push((
            "0-999, 5000+",
            "not close codes; a peer that sends one is broken".to_string(),
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_parse() {
        assert!(matches!(parse_query(&[]), Query::All));
        assert!(
            matches!(parse_query(&["1006".into(), "4001".into()]), Query::Numbers(n) if n == vec![Ok(1006), Ok(4001)])
        );
        // Too large for 64 bits: kept as typed, never shown as another number.
        assert!(
            matches!(parse_query(&["99999999999999999999999".into()]), Query::Numbers(n) if n == vec![Err("99999999999999999999999".to_string())])
        );
        assert!(
            matches!(parse_query(&["going".into(), "away".into()]), Query::Text(t) if t == "going away")
        );
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("goingawya", "goingaway"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
