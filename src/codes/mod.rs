//! The table of close codes: what each code means, what kind of event it is and
//! what to do about it.
//!
//! Every number gets a [`Description`]: the IANA-registered codes (1000-1015,
//! 3000, 3003, 3008) have their own [`Entry`]; every other number falls back to
//! the entry of its range (unassigned protocol code, unregistered 3xxx, private
//! 4xxx, not a close code at all).
//!
//! The table is data in `src/codes/`: `iana.toml` holds the registered codes
//! and the range entries with their symptoms, `libraries.toml` each library's
//! display name, its place in `lookup` cards, its aliases and its log texts.
//! Both are embedded in the binary and parsed on first use by the loader
//! that checks users' code tables ([`crate::codes::tables`]), with the same rules;
//! the tests at the bottom check the table itself, so shipped data cannot
//! fail at run time.
//!
//! Code tables (`--codes`) add or override codes for a service: they are
//! installed once at startup with [`install`], and from then on [`describe`],
//! [`aliases`] and [`known_codes`] see them, so annotate mode, the summary and
//! `lookup` all agree without a registry being threaded through every call.

mod builtin;
mod raw;
pub mod tables;

use builtin::IANA;
pub use builtin::{
    builtin_aliases, builtin_codes, builtin_symptoms, libraries, library_name, log_texts, Alias,
    Library, LogText,
};

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::Serialize;

/// What kind of event a close is, at a glance. The order is the display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Closed on purpose, cleanly; nothing to do.
    Normal,
    /// The peer went away, is restarting or overloaded, or timed out: reconnect later.
    Transient,
    /// The connection or the server failed: dropped connection, server fault,
    /// bad gateway, TLS failure.
    Error,
    /// One side broke the protocol or sent data the other cannot take: a bug to fix.
    Protocol,
    /// Refused by policy or access control: credentials, permissions, abuse limits.
    Policy,
    /// An application-defined code with no standard meaning (unregistered 3xxx, all 4xxx).
    Application,
    /// A reserved protocol code that nobody should send (1004, 1016-2999).
    Reserved,
    /// Not a close code at all (below 1000, 5000 and above).
    Invalid,
}

impl Category {
    /// The ANSI colour the category is shown in on terminals.
    pub fn color(self) -> &'static str {
        match self {
            Category::Normal => "\x1b[32m",
            Category::Transient => "\x1b[36m",
            Category::Error => "\x1b[1;31m",
            Category::Protocol => "\x1b[35m",
            Category::Policy => "\x1b[33m",
            Category::Application => "\x1b[34m",
            Category::Reserved | Category::Invalid => "\x1b[1;35m",
        }
    }

    /// Every category, in display order.
    pub const ALL: [Category; 8] = [
        Category::Normal,
        Category::Transient,
        Category::Error,
        Category::Protocol,
        Category::Policy,
        Category::Application,
        Category::Reserved,
        Category::Invalid,
    ];

    /// The name used on the command line, in text and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Normal => "normal",
            Category::Transient => "transient",
            Category::Error => "error",
            Category::Protocol => "protocol",
            Category::Policy => "policy",
            Category::Application => "application",
            Category::Reserved => "reserved",
            Category::Invalid => "invalid",
        }
    }

    /// One sentence for `--help` and the README.
    pub fn describe(self) -> &'static str {
        match self {
            Category::Normal => "closed on purpose, cleanly; nothing to do (1000, 1005)",
            Category::Transient => {
                "peer going away, restarting, overloaded or timed out; reconnect later (1001, 1012, 1013, 3008)"
            }
            Category::Error => {
                "the connection or server failed: dropped without a close frame, server fault, bad gateway, TLS (1006, 1011, 1014, 1015)"
            }
            Category::Protocol => {
                "a side broke the protocol or sent data the other cannot take; a bug to fix (1002, 1003, 1007, 1009, 1010)"
            }
            Category::Policy => "refused by policy or access control (1008, 3000, 3003)",
            Category::Application => {
                "application-defined, no standard meaning (unregistered 3000-3999, all 4000-4999)"
            }
            Category::Reserved => "reserved protocol code nobody should send (1004, 1016-2999)",
            Category::Invalid => "not a close code: below 1000 or 5000 and above",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `unknown category 'errror' (did you mean 'error'? expected one of: …)`:
/// the suggestion when one name is at most two edits away.
fn unknown_value(kind: &str, given: &str, names: &[&str]) -> String {
    let wanted = given.trim().to_ascii_lowercase();
    let near = names
        .iter()
        .map(|n| (edit_distance(&wanted, n), *n))
        .filter(|(d, _)| *d <= 2)
        .min();
    let hint = near.map_or(String::new(), |(_, n)| format!("did you mean '{n}'? "));
    format!(
        "unknown {kind} '{given}' ({hint}expected one of: {})",
        names.join(", ")
    )
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                unknown_value("category", s, &names)
            })
    }
}

/// Whether, and how, a client should reconnect after a close with this code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reconnect {
    /// A deliberate close: do not reconnect by default.
    No,
    /// Only if the connection was meant to stay open, then with backoff.
    IfExpected,
    /// Yes, with a random first delay and exponential backoff + jitter.
    Backoff,
    /// Yes, after a random 5-30 s delay (a restarting service).
    Delayed,
    /// A few attempts with backoff, then stop and alert.
    Limited,
    /// Not at once: another endpoint, a long backoff, or on user action.
    LongBackoff,
    /// Not until the client has new credentials.
    AfterReauth,
    /// Not until the cause (a bug, a config, a permission) is fixed.
    AfterFix,
    /// Whatever the application that chose the code says.
    AppDefined,
}

impl Reconnect {
    /// The token used in JSON (`"reconnect": "backoff"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reconnect::No => "no",
            Reconnect::IfExpected => "if-expected",
            Reconnect::Backoff => "backoff",
            Reconnect::Delayed => "delayed",
            Reconnect::Limited => "limited",
            Reconnect::LongBackoff => "long-backoff",
            Reconnect::AfterReauth => "after-reauth",
            Reconnect::AfterFix => "after-fix",
            Reconnect::AppDefined => "app-defined",
        }
    }

    /// The advice in words, short enough for an annotation.
    pub fn advice(self) -> &'static str {
        match self {
            Reconnect::No => "do not reconnect",
            Reconnect::IfExpected => "reconnect only if it should stay open",
            Reconnect::Backoff => "reconnect with backoff + jitter",
            Reconnect::Delayed => "reconnect after a random 5-30 s delay",
            Reconnect::Limited => "retry a few times with backoff, then alert",
            Reconnect::LongBackoff => "not at once: other endpoint or long backoff",
            Reconnect::AfterReauth => "not until re-authenticated",
            Reconnect::AfterFix => "not until the cause is fixed",
            Reconnect::AppDefined => "as the sending application defines",
        }
    }

    /// Every policy, for documentation and tests.
    pub const ALL: [Reconnect; 9] = [
        Reconnect::No,
        Reconnect::IfExpected,
        Reconnect::Backoff,
        Reconnect::Delayed,
        Reconnect::Limited,
        Reconnect::LongBackoff,
        Reconnect::AfterReauth,
        Reconnect::AfterFix,
        Reconnect::AppDefined,
    ];
}

impl Reconnect {
    /// Whether a client should reconnect at all after this code, perhaps
    /// after waiting or after getting new credentials (`lookup --reconnect`).
    pub fn reconnects(self) -> bool {
        matches!(
            self,
            Reconnect::IfExpected
                | Reconnect::Backoff
                | Reconnect::Delayed
                | Reconnect::Limited
                | Reconnect::LongBackoff
                | Reconnect::AfterReauth
        )
    }

    /// The advice in full: when to reconnect and how.
    pub fn explain(self) -> &'static str {
        match self {
            Reconnect::No => "Do not reconnect: the close was deliberate.",
            Reconnect::IfExpected => {
                "Reconnect only if the connection should have stayed open, then with backoff + jitter."
            }
            Reconnect::Backoff => {
                "Reconnect after a random first delay (0-5 s), then exponential backoff + jitter, capped (RFC 6455 §7.2.3)."
            }
            Reconnect::Delayed => "Reconnect after a random delay of 5-30 s.",
            Reconnect::Limited => "Retry a few times with backoff, then stop and alert.",
            Reconnect::LongBackoff => {
                "Not at once: use another endpoint, back off for a long time, or wait for user action."
            }
            Reconnect::AfterReauth => {
                "Reconnect only with new credentials (refresh the token first)."
            }
            Reconnect::AfterFix => {
                "Do not reconnect until the cause is fixed: the same request fails again."
            }
            Reconnect::AppDefined => "As the application that sent the code defines.",
        }
    }
}

impl FromStr for Reconnect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Reconnect::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Reconnect::ALL.iter().map(|r| r.as_str()).collect();
                unknown_value("reconnect policy", s, &names)
            })
    }
}

impl fmt::Display for Reconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a number sits in the close-code space (RFC 6455 §7.4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeRange {
    /// 1000-2999: the protocol's own codes.
    Protocol,
    /// 3000-3999: registered with IANA by libraries, frameworks and applications.
    Registered,
    /// 4000-4999: private use, never registered.
    Private,
    /// Anything else: not a close code.
    Invalid,
}

impl CodeRange {
    /// Every range, in order of the numbers.
    pub const ALL: [CodeRange; 4] = [
        CodeRange::Protocol,
        CodeRange::Registered,
        CodeRange::Private,
        CodeRange::Invalid,
    ];

    /// Its place in [`CodeRange::ALL`].
    fn index(self) -> usize {
        self as usize
    }

    /// The range a number falls in.
    pub fn of(code: u32) -> CodeRange {
        match code {
            1000..=2999 => CodeRange::Protocol,
            3000..=3999 => CodeRange::Registered,
            4000..=4999 => CodeRange::Private,
            _ => CodeRange::Invalid,
        }
    }

    /// The token used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeRange::Protocol => "protocol",
            CodeRange::Registered => "registered",
            CodeRange::Private => "private",
            CodeRange::Invalid => "invalid",
        }
    }

    /// The numbers in the range, e.g. `4000-4999`.
    pub fn span(self) -> &'static str {
        match self {
            CodeRange::Protocol => "1000-2999",
            CodeRange::Registered => "3000-3999",
            CodeRange::Private => "4000-4999",
            CodeRange::Invalid => "0-999 and 5000+",
        }
    }

    /// Who assigns codes in the range (RFC 6455 §7.4.2).
    pub fn describe(self) -> &'static str {
        match self {
            CodeRange::Protocol => {
                "the protocol's own codes, assigned by IANA with a public specification"
            }
            CodeRange::Registered => {
                "for libraries, frameworks and applications, registered with IANA first come first served"
            }
            CodeRange::Private => {
                "private use, by agreement between applications; never registered, no standard meaning"
            }
            CodeRange::Invalid => "not close codes at all",
        }
    }
}

/// What the tool knows about a code (or about a whole range, for codes with no
/// entry of their own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The registered name, e.g. "Abnormal Closure".
    pub name: &'static str,
    /// What kind of event it is, at a glance.
    pub category: Category,
    /// What happened, in a sentence or two.
    pub meaning: &'static str,
    /// What to do about it.
    pub recovery: &'static str,
    /// The first thing to check, short enough for an annotation.
    pub hint: &'static str,
    /// Whether, and how, a client should reconnect.
    pub reconnect: Reconnect,
    /// False for codes that only exist locally (1005, 1006, 1015) and codes
    /// nobody may send (1004, unassigned, invalid).
    pub on_wire: bool,
    /// Who defined it.
    pub defined_by: &'static str,
}

/// A registered code with its entry.
#[derive(Debug)]
pub struct CodeDef {
    /// The close code.
    pub code: u16,
    /// What it means.
    pub entry: Entry,
}

/// A number, explained: its own entry when it has one, else its range's.
#[derive(Clone, Copy, Debug)]
pub struct Description {
    /// The number asked about, kept even when it is not a close code.
    pub code: u32,
    /// The range it falls in.
    pub range: CodeRange,
    /// Its own entry, or its range's (see `exact`).
    pub entry: &'static Entry,
    /// True when `entry` is this code's own, not its range's.
    pub exact: bool,
    /// The code table the entry comes from, when one defines this code.
    pub table: Option<&'static str>,
}

impl Description {
    /// A code that is a valid close code number (1000-4999), whatever its entry.
    pub fn is_valid(&self) -> bool {
        self.range != CodeRange::Invalid
    }
}

/// What a code means and what to do about it, as every output names it:
/// annotate mode's JSON record, lookup's code object, the annotation, the
/// GitHub command and the summary. Resolved once per finding
/// ([`crate::extract::Finding::view`]); the two JSON shapes embed it
/// flattened, so they share its field names by construction.
///
/// `on_wire` is not serialized here: each shape writes it where its
/// documented field order puts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CodeView {
    /// The registered name, or the range's name.
    pub name: &'static str,
    /// One of the categories.
    pub category: Category,
    /// `protocol`, `registered`, `private` or `invalid`.
    pub range: CodeRange,
    /// What happened.
    pub meaning: &'static str,
    /// What to do.
    pub recovery: &'static str,
    /// The first thing to check, in a few words.
    pub hint: &'static str,
    /// One of the reconnect policies.
    pub reconnect: Reconnect,
    /// Whether the code can be sent in a Close frame.
    #[serde(skip)]
    pub on_wire: bool,
}

/// What every output says of a code the line says was rejected on the wire
/// (`invalid status code 1005`): the sender broke the protocol, whatever the
/// code's registered meaning.
const REJECTED_MEANING: &str = "The line says a Close frame arrived with a code that must not be sent on the wire (reserved, local-only such as 1005/1006/1015, or out of range), so the receiver failed the connection, usually with 1002. The sender, or a proxy between, is buggy; the code's registered meaning does not apply.";
const REJECTED_RECOVERY: &str = "Fix the sender so it sends a valid code (1000 for a normal close, 4000-4999 for its own), or none at all; check proxies that rewrite Close frames. Reconnecting gets the same result until then.";
const REJECTED_HINT: &str = "not allowed on the wire; the sender is buggy";

impl CodeView {
    /// How `code` is described in every output: its entry (a code table's,
    /// the built-in one or its range's), or for a code the line says was
    /// rejected on the wire, the rejection's.
    ///
    /// ```
    /// use wscode_annotate::codes::{Category, CodeView};
    ///
    /// assert_eq!(CodeView::of(1006, false).name, "Abnormal Closure");
    /// assert_eq!(CodeView::of(1006, false).category, Category::Error);
    /// // Rejected on the wire: the same name, described as the rejection.
    /// assert_eq!(CodeView::of(1005, true).category, Category::Invalid);
    /// ```
    pub fn of(code: u32, rejected: bool) -> CodeView {
        let view = CodeView::described(&describe(code));
        if rejected {
            CodeView {
                category: Category::Invalid,
                meaning: REJECTED_MEANING,
                recovery: REJECTED_RECOVERY,
                hint: REJECTED_HINT,
                reconnect: Reconnect::AfterFix,
                on_wire: false,
                ..view
            }
        } else {
            view
        }
    }

    /// The view of a description: its entry, in its range.
    pub fn described(d: &Description) -> CodeView {
        let e = d.entry;
        CodeView {
            name: e.name,
            category: e.category,
            range: d.range,
            meaning: e.meaning,
            recovery: e.recovery,
            hint: e.hint,
            reconnect: e.reconnect,
            on_wire: e.on_wire,
        }
    }
}

/// Explains any number: a code table's entry first (see [`install`]), then
/// the built-in entry, then the entry of the number's range. Every number
/// gets an answer, so a caller never has to handle "unknown".
///
/// ```
/// use wscode_annotate::codes::{describe, Category, CodeRange, Reconnect};
///
/// let d = describe(1006);
/// assert_eq!(d.entry.name, "Abnormal Closure");
/// assert_eq!(d.entry.category, Category::Error);
/// assert_eq!(d.entry.reconnect, Reconnect::Backoff);
/// assert!(!d.entry.on_wire, "1006 is made up locally, never sent");
///
/// // A private code has its range's entry; a number above 4999 is invalid.
/// assert_eq!(describe(4321).range, CodeRange::Private);
/// assert!(!describe(4321).exact);
/// assert!(!describe(5000).is_valid());
/// ```
pub fn describe(code: u32) -> Description {
    if let Some(tc) = installed().and_then(|i| i.find(code)) {
        return Description {
            code,
            range: CodeRange::of(code),
            entry: &tc.entry,
            exact: true,
            table: Some(tc.table),
        };
    }
    describe_builtin(code)
}

/// Explains any number from the built-in table alone, ignoring code tables.
pub fn describe_builtin(code: u32) -> Description {
    let range = CodeRange::of(code);
    if let Some(def) = builtin_codes().iter().find(|d| u32::from(d.code) == code) {
        return Description {
            code,
            range,
            entry: &def.entry,
            exact: true,
            table: None,
        };
    }
    let entry = &IANA.ranges[range.index()];
    Description {
        code,
        range,
        entry,
        exact: false,
        table: None,
    }
}

/// Every code with an entry of its own (built-in or from a code table), in
/// order, each described as [`describe`] would.
pub fn known_codes() -> Vec<Description> {
    let mut codes: Vec<u32> = builtin_codes().iter().map(|d| u32::from(d.code)).collect();
    if let Some(installed) = installed() {
        codes.extend(installed.codes.iter().map(|c| u32::from(c.code)));
    }
    codes.sort_unstable();
    codes.dedup();
    codes.into_iter().map(describe).collect()
}

/// A code a code table defines. Its strings are `&'static` like the
/// built-in table's: a table is loaded once per process and lives until it
/// exits, so `tables` leaks them (`Box::leak`) rather than threading
/// lifetimes through every [`Description`].
#[derive(Clone, Debug)]
pub struct TableCode {
    /// The close code.
    pub code: u16,
    /// What the table says it means.
    pub entry: Entry,
    /// Names the service prints for the code in its logs.
    pub aliases: &'static [&'static str],
    /// Words to find the code by in `lookup`.
    pub symptoms: &'static [&'static str],
    /// The table's name.
    pub table: &'static str,
}

/// A loaded code table, for `wscode-annotate tables`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableInfo {
    /// The table's name (`graphql-ws`).
    pub name: &'static str,
    /// Where its codes come from.
    pub source: &'static str,
    /// `bundled`, or the file it was read from.
    pub origin: String,
    /// How many codes it defines.
    pub codes: usize,
}

/// The code tables in force: one entry per code (the last table to define a
/// code wins), and the alias list the extractor uses.
#[derive(Debug)]
struct Installed {
    codes: Vec<TableCode>,
    aliases: Vec<Alias>,
    tables: Vec<TableInfo>,
}

impl Installed {
    fn new(codes: Vec<TableCode>, tables: Vec<TableInfo>) -> Installed {
        // Later tables override earlier ones, code by code.
        let mut by_code: Vec<TableCode> = Vec::with_capacity(codes.len());
        for tc in codes {
            match by_code.iter_mut().find(|c| c.code == tc.code) {
                Some(slot) => *slot = tc,
                None => by_code.push(tc),
            }
        }
        by_code.sort_by_key(|c| c.code);
        // A table alias replaces a built-in alias of the same name (the user
        // said what the name means in their logs); a later table's alias
        // replaces an earlier one's.
        // Linear in the aliases: a name defined again moves to the end, as
        // if the earlier definition were removed (its slot is emptied).
        let mut slots: Vec<Option<Alias>> = Vec::new();
        let mut slot_of: HashMap<&str, usize> = HashMap::new();
        for tc in &by_code {
            for &name in tc.aliases {
                if let Some(old) = slot_of.insert(name, slots.len()) {
                    slots[old] = None;
                }
                slots.push(Some(Alias {
                    code: tc.code,
                    library: tc.table,
                    name,
                }));
            }
        }
        let table_aliases: Vec<Alias> = slots.into_iter().flatten().collect();
        let taken: HashSet<&str> = table_aliases.iter().map(|a| a.name).collect();
        let mut aliases: Vec<Alias> = builtin_aliases()
            .iter()
            .filter(|a| !taken.contains(a.name))
            .copied()
            .collect();
        aliases.extend(table_aliases);
        Installed {
            codes: by_code,
            aliases,
            tables,
        }
    }

    fn find(&self, code: u32) -> Option<&TableCode> {
        let code = u16::try_from(code).ok()?;
        self.codes
            .binary_search_by_key(&code, |c| c.code)
            .ok()
            .map(|i| &self.codes[i])
    }
}

static INSTALLED: OnceLock<Installed> = OnceLock::new();

fn installed() -> Option<&'static Installed> {
    INSTALLED.get()
}

/// Installs code tables for the rest of the process: from now on their codes
/// override the built-in and range entries in [`describe`], and their aliases
/// join [`aliases`]. Codes later in `codes` override earlier ones. Call it
/// once, at startup, before building an [`crate::extract::Extractor`];
/// returns false (and changes nothing) if tables were already installed.
pub fn install(codes: Vec<TableCode>, tables: Vec<TableInfo>) -> bool {
    INSTALLED.set(Installed::new(codes, tables)).is_ok()
}

/// The code tables installed, in load order.
pub fn installed_tables() -> &'static [TableInfo] {
    installed().map_or(&[], |i| &i.tables)
}

/// The code table entry for `code`, when one is installed, with its aliases
/// and symptoms.
pub fn table_code(code: u32) -> Option<&'static TableCode> {
    installed().and_then(|i| i.find(code))
}

/// Every symbolic name the extractor knows: the [`builtin_aliases`] plus
/// those of installed code tables (which replace built-in names they repeat).
pub fn aliases() -> &'static [Alias] {
    installed().map_or(builtin_aliases(), |i| &i.aliases)
}

/// Phrases an engineer might search for, per code (`lookup timeout`):
/// what the close looks like from the outside. A code table's symptoms come
/// first for a code it defines.
pub fn symptoms(code: u32) -> &'static [&'static str] {
    if let Some(tc) = table_code(code) {
        return tc.symptoms;
    }
    u16::try_from(code)
        .ok()
        .and_then(|c| builtin_symptoms().iter().find(|(k, _)| *k == c))
        .map_or(&[], |(_, s)| s)
}
