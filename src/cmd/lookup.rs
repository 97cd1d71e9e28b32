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
use crate::codes::{
    self, edit_distance, library_name, Category, CodeRange, Description, Reconnect,
};
use crate::config::{ListFormat, Lookup};
use crate::exit::Exit;
use crate::term::{wrap, wrap_items, BOLD, DIM, RESET};

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
    /// The registered name, or the range's name.
    pub name: &'static str,
    /// One of the categories.
    pub category: Category,
    /// The range the number falls in.
    pub range: CodeRange,
    /// What happened.
    pub meaning: &'static str,
    /// What to do.
    pub recovery: &'static str,
    /// The first thing to check, in a few words.
    pub hint: &'static str,
    /// The reconnect policy.
    pub reconnect: Reconnect,
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
// Code objects

/// Everything known about a number.
pub fn code_object(code: u64) -> CodeObject {
    let d = codes::describe(u32::try_from(code).unwrap_or(u32::MAX));
    let e = d.entry;
    CodeObject {
        code,
        asked: None,
        name: e.name,
        category: e.category,
        range: d.range,
        meaning: e.meaning,
        recovery: e.recovery,
        hint: e.hint,
        reconnect: e.reconnect,
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

fn aliases_of(code: u64) -> Vec<LibraryName> {
    codes::aliases()
        .iter()
        .filter(|a| u64::from(a.code) == code)
        .map(|a| LibraryName {
            library: library_name(a.library).to_string(),
            name: a.name.to_string(),
        })
        .collect()
}

fn log_texts_of(code: u64, d: &Description) -> Vec<LibraryText> {
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

fn notes_of(code: u64, d: &Description) -> Vec<String> {
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
fn unloaded_bundled() -> impl Iterator<Item = &'static Table> {
    let loaded = codes::installed_tables();
    bundled_tables()
        .iter()
        .filter(move |t| !loaded.iter().any(|l| l.name == t.name))
}

// ---------------------------------------------------------------------------
// Filters and listing

fn passes(opts: &Lookup, o: &CodeObject) -> bool {
    (opts.categories.is_empty() || opts.categories.contains(&o.category))
        && (!opts.reconnect || o.reconnect.reconnects())
        && !matches!(opts.range, Some(r) if r != o.range)
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

// ---------------------------------------------------------------------------
// Search

/// A code as the search sees it; borrowed from the registry or from a
/// bundled table that is not loaded.
struct Candidate<'a> {
    code: u32,
    name: &'a str,
    aliases: Vec<&'a str>,
    texts: Vec<&'a str>,
    symptoms: Vec<&'a str>,
    hint: &'a str,
    meaning: &'a str,
    recovery: &'a str,
}

impl Candidate<'static> {
    fn of(d: &Description) -> Candidate<'static> {
        Candidate {
            code: d.code,
            name: d.entry.name,
            aliases: codes::aliases()
                .iter()
                .filter(|a| u32::from(a.code) == d.code)
                .map(|a| a.name)
                .collect(),
            texts: codes::log_texts()
                .iter()
                .filter(|t| u32::from(t.code) == d.code)
                .map(|t| t.text)
                .collect(),
            symptoms: codes::symptoms(d.code).to_vec(),
            hint: d.entry.hint,
            meaning: d.entry.meaning,
            recovery: d.entry.recovery,
        }
    }
}

impl<'a> Candidate<'a> {
    fn of_table_entry(e: &'a tables::TableEntry) -> Candidate<'a> {
        Candidate {
            code: u32::from(e.code),
            name: &e.name,
            aliases: e.aliases.iter().map(String::as_str).collect(),
            texts: Vec::new(),
            symptoms: e.symptoms.iter().map(String::as_str).collect(),
            hint: &e.hint,
            meaning: &e.meaning,
            recovery: &e.recovery,
        }
    }
}

/// Words that say nothing about which code is meant.
const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "and",
    "or",
    "is",
    "was",
    "by",
    "with",
    "my",
    "it",
    "be",
    "from",
    "websocket",
    "websockets",
    "ws",
    "close",
    "closed",
    "code",
    "status",
];

/// A search query, prepared once.
struct Prepared {
    /// Lower-case letters and digits only: "Going-Away" → "goingaway".
    squashed: String,
    /// The words that count.
    words: Vec<String>,
    /// The words joined by single spaces.
    phrase: String,
    /// The query was typed as several words (it has white space).
    typed_words: bool,
}

fn prepare(text: &str) -> Prepared {
    let folded = fold(text);
    let words: Vec<String> = folded
        .split(' ')
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(w))
        .map(str::to_string)
        .collect();
    Prepared {
        squashed: squash(text),
        phrase: words.join(" "),
        words,
        typed_words: text.split_whitespace().nth(1).is_some(),
    }
}

/// Lower case, every run of other characters one space.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// Lower-case letters and digits only.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// How well `word` matches some word of `field` (folded): 1 for the same
/// word, less for a prefix or (long words) a part.
fn word_match(word: &str, field: &str) -> f32 {
    let mut best: f32 = 0.0;
    for w in field.split(' ') {
        let m = if w == word {
            1.0
        } else if word.len() >= 3 && w.starts_with(word) {
            0.8
        } else if w.len() >= 4 && word.len() <= w.len() + 3 && word.starts_with(w) {
            // "limited" finds "limit", "timeouts" finds "timeout".
            0.7
        } else if word.len() >= 4 && w.contains(word) {
            0.5
        } else {
            0.0
        };
        best = best.max(m);
        if best >= 1.0 {
            break;
        }
    }
    best
}

/// A candidate's score for a query, and whether a name or alias matched it
/// exactly; `None` when some word of the query matches nothing.
fn score(q: &Prepared, c: &Candidate<'_>, require_all: bool) -> Option<(f32, bool)> {
    let name = fold(c.name);
    let aliases: Vec<String> = c.aliases.iter().map(|a| fold(&split_camel(a))).collect();
    let texts: Vec<String> = c.texts.iter().map(|t| fold(t)).collect();
    let symptoms: Vec<String> = c.symptoms.iter().map(|s| fold(s)).collect();
    let hint = fold(c.hint);
    let meaning = fold(c.meaning);
    let recovery = fold(c.recovery);

    let mut total = 0.0;
    let mut exact = false;
    if !q.squashed.is_empty() {
        if squash(c.name) == q.squashed {
            total += 1000.0;
            exact = true;
        } else if c.aliases.iter().any(|a| squash(a) == q.squashed) {
            total += 950.0;
            exact = true;
        } else if c.symptoms.iter().any(|s| squash(s) == q.squashed) {
            total += 400.0;
        }
    }
    if q.words.len() >= 2 {
        let padded = format!(" {} ", q.phrase);
        let has = |field: &str| format!(" {field} ").contains(&padded);
        for (hit, weight) in [
            (has(&name), 300.0),
            (aliases.iter().chain(&texts).any(|f| has(f)), 250.0),
            (symptoms.iter().any(|f| has(f)), 250.0),
            (has(&hint), 150.0),
            (has(&meaning), 100.0),
            (has(&recovery), 50.0),
        ] {
            if hit {
                total += weight;
            }
        }
    }
    let mut matched_words = 0;
    for word in &q.words {
        let best_of = |fields: &[String]| {
            fields
                .iter()
                .map(|f| word_match(word, f))
                .fold(0.0_f32, f32::max)
        };
        let word_score = 60.0 * word_match(word, &name)
            + 40.0 * best_of(&aliases).max(best_of(&texts))
            + 50.0 * best_of(&symptoms)
            + 25.0 * word_match(word, &hint)
            + 15.0 * word_match(word, &meaning)
            + 8.0 * word_match(word, &recovery);
        if word_score > 0.0 {
            matched_words += 1;
        }
        total += word_score;
    }
    let all = matched_words == q.words.len();
    if exact || (total > 0.0 && (all || !require_all)) {
        // Partial matches rank by how many words they cover first.
        Some((
            total + 1000.0 * matched_words as f32 * f32::from(!require_all),
            exact,
        ))
    } else {
        None
    }
}

/// `StatusGoingAway` → `Status Going Away`, so its words can be matched.
fn split_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if let Some(p) = prev {
            if c.is_uppercase() && p.is_lowercase() {
                out.push(' ');
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// A ranked search result.
struct Hit {
    code: u32,
    score: f32,
    exact: bool,
}

/// Ranks `candidates` for `q`, best first. When no candidate matches every
/// word of a query of several typed words, the ones that match some are
/// returned, and `partial` is set. (A single token such as `GOING_AWYA` gets
/// no partial matches: it is a misspelt name, and the closest names are the
/// better answer.)
fn rank(q: &Prepared, candidates: &[Candidate<'_>]) -> (Vec<Hit>, bool) {
    let collect = |require_all: bool| {
        let mut hits: Vec<Hit> = candidates
            .iter()
            .filter_map(|c| {
                score(q, c, require_all).map(|(score, exact)| Hit {
                    code: c.code,
                    score,
                    exact,
                })
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.code.cmp(&b.code))
        });
        hits
    };
    let hits = collect(true);
    if !hits.is_empty() || q.words.len() < 2 || !q.typed_words {
        return (hits, false);
    }
    let hits = collect(false);
    let partial = !hits.is_empty();
    (hits, partial)
}

fn search_command(opts: &Lookup, text: &str, buf: &mut Vec<u8>) -> Outcome {
    let q = prepare(text);
    let known = codes::known_codes();
    let candidates: Vec<Candidate<'static>> = known.iter().map(Candidate::of).collect();
    let (hits, partial) = rank(&q, &candidates);
    let results: Vec<(CodeObject, bool)> = hits
        .iter()
        .map(|h| (code_object(u64::from(h.code)), h.exact))
        .filter(|(o, _)| passes(opts, o))
        .collect();
    if results.is_empty() {
        if opts.format == ListFormat::Json {
            buf.extend_from_slice(b"[]\n");
        }
        let filtered = !hits.is_empty();
        return Outcome {
            matched: false,
            note: Some(no_match_note(text, &q, filtered)),
        };
    }
    let objects: Vec<CodeObject> = results.iter().map(|(o, _)| o.clone()).collect();
    if opts.format == ListFormat::Json {
        write_json(&objects, buf);
        return Outcome {
            matched: true,
            note: None,
        };
    }
    let exact: Vec<CodeObject> = results
        .iter()
        .filter(|(_, e)| *e)
        .map(|(o, _)| o.clone())
        .collect();
    let rest: Vec<CodeObject> = results
        .iter()
        .filter(|(_, e)| !*e)
        .map(|(o, _)| o.clone())
        .collect();
    if partial {
        let _ = writeln!(
            buf,
            "No code matches every word of '{text}'; these match some, best first:\n"
        );
    }
    if !exact.is_empty() || rest.len() == 1 {
        let cards = if exact.is_empty() { &rest } else { &exact };
        write_cards(opts, cards, buf);
        if !exact.is_empty() && !rest.is_empty() {
            let _ = writeln!(buf, "\nAlso matching '{text}':\n");
            write_code_table(opts, &rest, buf);
        }
    } else {
        if !partial {
            let _ = writeln!(buf, "{} codes match '{text}', best first:\n", rest.len());
        }
        write_code_table(opts, &rest, buf);
        buf.extend_from_slice(b"\n`wscode-annotate lookup CODE` shows one in full.\n");
    }
    let elsewhere = bundled_exact_matches(&q);
    if !elsewhere.is_empty() {
        let _ = writeln!(
            buf,
            "\nBundled code tables that are not loaded also define {}: load one with --codes NAME.",
            elsewhere.join(", ")
        );
    }
    Outcome {
        matched: true,
        note: None,
    }
}

/// Codes of bundled tables that are not loaded whose name or alias is the
/// query, as "4401 Unauthorized (graphql-ws)".
fn bundled_exact_matches(q: &Prepared) -> Vec<String> {
    let mut found = Vec::new();
    for table in unloaded_bundled() {
        for e in &table.codes {
            let c = Candidate::of_table_entry(e);
            if let Some((_, true)) = score(q, &c, true) {
                found.push(format!("{} {} ({})", e.code, e.name, table.name));
            }
        }
    }
    found
}

/// Why nothing matched, and what comes closest.
fn no_match_note(text: &str, q: &Prepared, filtered: bool) -> String {
    if filtered {
        return format!("codes match '{text}', but none passes the filters");
    }
    let mut note = format!("no close code matches '{text}'");
    // A bundled table that is not loaded may know it.
    let mut in_bundled = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for table in unloaded_bundled() {
        let candidates: Vec<Candidate<'_>> =
            table.codes.iter().map(Candidate::of_table_entry).collect();
        let (hits, partial) = rank(q, &candidates);
        if partial {
            continue;
        }
        for h in hits.iter().take(3) {
            if let Some(e) = table.codes.iter().find(|e| u32::from(e.code) == h.code) {
                in_bundled.push(format!("{} {} ({})", e.code, e.name, table.name));
                if !names.contains(&table.name.as_str()) {
                    names.push(&table.name);
                }
            }
        }
    }
    if !in_bundled.is_empty() {
        let load: Vec<String> = names.iter().map(|n| format!("--codes {n}")).collect();
        note.push_str(&format!(
            "; bundled code tables that are not loaded define {}: add {}",
            in_bundled.join(", "),
            load.join(" or ")
        ));
        return note;
    }
    let closest = closest_names(&q.squashed);
    if closest.is_empty() {
        note.push_str(
            "; try a code (1006), a name as a library prints it (StatusGoingAway) or a symptom (timeout), or `wscode-annotate lookup` for every code",
        );
    } else {
        note.push_str(&format!("; closest names: {}", closest.join(", ")));
    }
    note
}

/// Up to three names or aliases within a small edit distance of `squashed`.
fn closest_names(squashed: &str) -> Vec<String> {
    if squashed.is_empty() {
        return Vec::new();
    }
    let limit = (squashed.chars().count() / 4).max(2);
    let mut names: Vec<(usize, String, u32)> = Vec::new();
    let mut consider = |name: &str, code: u32| {
        let s = squash(name);
        let d = edit_distance(squashed, &s);
        if d <= limit && !names.iter().any(|(_, n, _)| squash(n) == s) {
            names.push((d, name.to_string(), code));
        }
    };
    for d in codes::known_codes() {
        consider(d.entry.name, d.code);
    }
    for a in codes::aliases() {
        consider(a.name, u32::from(a.code));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    names
        .into_iter()
        .take(3)
        .map(|(_, n, c)| format!("{n} ({c})"))
        .collect()
}

// ---------------------------------------------------------------------------
// Rendering

fn paint(buf: &mut Vec<u8>, color: Option<&str>, text: &str) {
    match color {
        Some(c) => {
            buf.extend_from_slice(c.as_bytes());
            buf.extend_from_slice(text.as_bytes());
            buf.extend_from_slice(RESET.as_bytes());
        }
        None => buf.extend_from_slice(text.as_bytes()),
    }
}

pub(crate) fn write_json<T: Serialize>(value: &T, buf: &mut Vec<u8>) {
    serde_json::to_writer_pretty(&mut *buf, value).expect("code objects serialize");
    buf.push(b'\n');
}

fn write_cards(opts: &Lookup, objects: &[CodeObject], buf: &mut Vec<u8>) {
    if opts.format == ListFormat::Json {
        write_json(&objects, buf);
        return;
    }
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            buf.push(b'\n');
        }
        write_card(opts, o, buf);
    }
}

/// Width of the label column of a card, indent included.
const LABEL: usize = 15;

fn write_card(opts: &Lookup, o: &CodeObject, buf: &mut Vec<u8>) {
    let color = opts.color.then(|| o.category.color());
    let number = o.asked.clone().unwrap_or_else(|| o.code.to_string());
    paint(buf, color, &format!("{number}  {}", o.name));
    buf.push(b'\n');
    let indent = " ".repeat(number.len() + 2);
    let mut hint = String::new();
    hint.push_str(&indent);
    hint.push_str(o.hint);
    paint(buf, opts.color.then_some(DIM), &hint);
    buf.push(b'\n');

    let field = |buf: &mut Vec<u8>, label: &str, value: &str| {
        write_field(buf, opts, label, value, None);
    };
    write_field(buf, opts, "category", o.category.as_str(), color);
    field(buf, "meaning", o.meaning);
    field(buf, "recovery", o.recovery);
    field(
        buf,
        "reconnect",
        &format!("{}: {}", o.reconnect, o.reconnect_advice),
    );
    field(buf, "on the wire", &on_wire_text(o));
    field(
        buf,
        "range",
        &format!(
            "{} ({}): {}",
            o.range.as_str(),
            o.range.span(),
            o.range.describe()
        ),
    );
    field(buf, "defined by", o.defined_by);
    write_in_logs(opts, o, buf);
    if !o.symptoms.is_empty() {
        field(buf, "symptoms", &o.symptoms.join(", "));
    }
    for note in &o.notes {
        field(buf, "note", note);
    }
}

fn on_wire_text(o: &CodeObject) -> String {
    if o.on_wire {
        "yes: sent in Close frames".to_string()
    } else if o.exact && matches!(o.code, 1005 | 1006 | 1015) {
        "no: a library reports it locally; it is never sent in a Close frame".to_string()
    } else {
        "no: nobody may send it; receiving it means the peer is broken".to_string()
    }
}

/// One `label  value` line of a card, the value wrapped under itself.
fn write_field(buf: &mut Vec<u8>, opts: &Lookup, label: &str, value: &str, color: Option<&str>) {
    let lines = wrap(value, opts.width.map(|w| w.saturating_sub(LABEL)));
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            let _ = write!(buf, "  {label:<w$}", w = LABEL - 2);
        } else {
            buf.extend_from_slice(" ".repeat(LABEL).as_bytes());
        }
        paint(buf, color, line);
        buf.push(b'\n');
    }
}

/// The "in logs" block: per library, its names and messages for the code.
fn write_in_logs(opts: &Lookup, o: &CodeObject, buf: &mut Vec<u8>) {
    let mut per_library: BTreeMap<usize, (String, Vec<String>)> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut add = |library: &str, item: String| {
        let idx = match order.iter().position(|l| l == library) {
            Some(i) => i,
            None => {
                order.push(library.to_string());
                order.len() - 1
            }
        };
        per_library
            .entry(idx)
            .or_insert_with(|| (library.to_string(), Vec::new()))
            .1
            .push(item);
    };
    for a in &o.aliases {
        add(&a.library, a.name.clone());
    }
    for t in &o.log_texts {
        add(&t.library, format!("\"{}\"", t.text));
    }
    if per_library.is_empty() {
        return;
    }
    // A code table's own names first, then the libraries in their order
    // (src/codes/libraries.toml: each Python websockets version next to the
    // other).
    let rank = |library: &str| {
        codes::libraries()
            .iter()
            .find(|l| l.name == library)
            .map_or(0, |l| usize::from(l.order))
    };
    let mut groups: Vec<&(String, Vec<String>)> = per_library.values().collect();
    groups.sort_by_key(|(library, _)| rank(library));
    let lib_width = groups
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let value_width = opts.width.map(|w| w.saturating_sub(LABEL + lib_width + 2));
    let mut first = true;
    for (library, items) in groups {
        let lines = wrap_items(items, value_width);
        for (i, line) in lines.iter().enumerate() {
            if first {
                let _ = write!(buf, "  {:<w$}", "in logs", w = LABEL - 2);
                first = false;
            } else {
                buf.extend_from_slice(" ".repeat(LABEL).as_bytes());
            }
            let lib = if i == 0 { library.as_str() } else { "" };
            let _ = write!(buf, "{lib:<lib_width$}  ");
            buf.extend_from_slice(line.as_bytes());
            buf.push(b'\n');
        }
    }
}

/// A table cell, optionally coloured.
pub(crate) struct Cell {
    text: String,
    color: Option<&'static str>,
}

impl Cell {
    pub(crate) fn plain(text: &str) -> Cell {
        Cell {
            text: text.to_string(),
            color: None,
        }
    }
}

/// The code table of a listing or of search results.
fn write_code_table(opts: &Lookup, objects: &[CodeObject], buf: &mut Vec<u8>) {
    let painted = |o: &CodeObject, text: String| Cell {
        text,
        color: opts.color.then(|| o.category.color()),
    };
    let rows: Vec<Vec<Cell>> = objects
        .iter()
        .map(|o| {
            let mut row = vec![
                painted(o, o.code.to_string()),
                Cell::plain(o.name),
                painted(o, o.category.as_str().to_string()),
            ];
            if opts.reconnect {
                row.push(Cell::plain(o.reconnect_advice));
            } else {
                row.push(Cell::plain(o.reconnect.as_str()));
                row.push(Cell::plain(o.hint));
            }
            row
        })
        .collect();
    if opts.reconnect {
        write_table(
            &["CODE", "NAME", "CATEGORY", "HOW TO RECONNECT"],
            &rows,
            opts.width,
            opts.color,
            &[2],
            buf,
        );
    } else {
        write_table(
            &["CODE", "NAME", "CATEGORY", "RECONNECT", "HINT"],
            &rows,
            opts.width,
            opts.color,
            &[3, 2],
            buf,
        );
    }
}

/// Writes rows under headers, fitted to `width`: every column but the last
/// is as wide as its widest cell, the last one wraps into what is left, and
/// the columns in `droppable` (in that order) are left out while the last
/// one would get fewer than 24 characters.
pub(crate) fn write_table(
    headers: &[&str],
    rows: &[Vec<Cell>],
    width: Option<usize>,
    color: bool,
    droppable: &[usize],
    buf: &mut Vec<u8>,
) {
    const GAP: usize = 2;
    let mut shown: Vec<usize> = (0..headers.len()).collect();
    let widths = |shown: &[usize]| -> Vec<usize> {
        shown
            .iter()
            .map(|&c| {
                rows.iter()
                    .map(|r| r[c].text.chars().count())
                    .chain(std::iter::once(headers[c].chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    };
    let mut w = widths(&shown);
    let left = |w: &[usize]| w[..w.len() - 1].iter().map(|x| x + GAP).sum::<usize>();
    if let Some(total) = width {
        for &drop in droppable {
            if total.saturating_sub(left(&w)) >= 24 {
                break;
            }
            shown.retain(|&c| c != drop);
            w = widths(&shown);
        }
    }
    let last_width = width.map(|t| t.saturating_sub(left(&w)));
    let n = shown.len();
    // Header.
    let mut header = String::new();
    for (i, &c) in shown.iter().enumerate() {
        if i + 1 < n {
            header.push_str(&format!("{:<width$}", headers[c], width = w[i] + GAP));
        } else {
            header.push_str(headers[c]);
        }
    }
    paint(buf, color.then_some(BOLD), header.trim_end());
    buf.push(b'\n');
    for row in rows {
        let last = &row[shown[n - 1]];
        let lines = wrap(&last.text, last_width);
        for (li, line) in lines.iter().enumerate() {
            for (i, &c) in shown[..n - 1].iter().enumerate() {
                let cell = &row[c];
                if li == 0 {
                    paint(buf, cell.color, &cell.text);
                    let pad = w[i] + GAP - cell.text.chars().count();
                    buf.extend_from_slice(" ".repeat(pad).as_bytes());
                } else {
                    buf.extend_from_slice(" ".repeat(w[i] + GAP).as_bytes());
                }
            }
            paint(buf, last.color, line);
            // No trailing spaces when the last cell is empty.
            while buf.last() == Some(&b' ') {
                buf.pop();
            }
            buf.push(b'\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(query: &str) -> u32 {
        let q = prepare(query);
        let known = codes::known_codes();
        let candidates: Vec<Candidate<'static>> = known.iter().map(Candidate::of).collect();
        rank(&q, &candidates).0[0].code
    }

    #[test]
    fn searches_rank_the_expected_code_first() {
        assert_eq!(best("going away"), 1001);
        assert_eq!(best("GOING_AWAY"), 1001);
        assert_eq!(best("StatusGoingAway"), 1001);
        assert_eq!(best("load balancer"), 1006);
        assert_eq!(best("too large"), 1009);
        assert_eq!(best("auth"), 3000);
        assert_eq!(best("certificate expired"), 1015);
        assert_eq!(best("NO_CLOSE_FRAME"), 1006);
    }

    #[test]
    fn text_wraps_at_spaces() {
        assert_eq!(wrap("aaa bbb ccc ddd", Some(16)), vec!["aaa bbb ccc ddd"]);
        let lines = wrap(&"word ".repeat(20), Some(20));
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(wrap("x", None), vec!["x"]);
        let long = "a".repeat(40);
        assert!(wrap(&long, Some(16))
            .iter()
            .all(|l| l.chars().count() <= 16));
    }

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
