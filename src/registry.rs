//! The table of close codes: what each code means, what kind of event it is and
//! what to do about it.
//!
//! Every number gets a [`Description`]: the IANA-registered codes (1000-1015,
//! 3000, 3003, 3008) have their own [`Entry`]; every other number falls back to
//! the entry of its range (unassigned protocol code, unregistered 3xxx, private
//! 4xxx, not a close code at all). The table is plain data; the tests at the
//! bottom check the table itself.
//!
//! Code tables (`--codes`) add or override codes for a service: they are
//! installed once at startup with [`install`], and from then on [`describe`],
//! [`aliases`] and [`known_codes`] see them, so annotate mode, the summary and
//! `lookup` all agree without a registry being threaded through every call.

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

/// Explains any number: a code table's entry first (see [`install`]), then
/// the built-in entry, then the entry of the number's range. Every number
/// gets an answer, so a caller never has to handle "unknown".
///
/// ```
/// use wscode_annotate::registry::{describe, Category, CodeRange, Reconnect};
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
    if let Some(def) = CODES.iter().find(|d| u32::from(d.code) == code) {
        return Description {
            code,
            range,
            entry: &def.entry,
            exact: true,
            table: None,
        };
    }
    let entry = match range {
        CodeRange::Protocol => &UNASSIGNED_PROTOCOL,
        CodeRange::Registered => &UNREGISTERED_APP,
        CodeRange::Private => &PRIVATE_USE,
        CodeRange::Invalid => &NOT_A_CLOSE_CODE,
    };
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
    let mut codes: Vec<u32> = CODES.iter().map(|d| u32::from(d.code)).collect();
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
        let mut aliases: Vec<Alias> = ALIASES
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

/// Every symbolic name the extractor knows: the built-in [`ALIASES`] plus
/// those of installed code tables (which replace built-in names they repeat).
pub fn aliases() -> &'static [Alias] {
    installed().map_or(ALIASES, |i| &i.aliases)
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
        .and_then(|c| SYMPTOMS.iter().find(|(k, _)| *k == c))
        .map_or(&[], |(_, s)| s)
}

const RFC: &str = "RFC 6455";

/// The IANA registry (registry snapshot 2026-06-10), with meaning and
/// recovery written for on-call engineers.
pub static CODES: &[CodeDef] = &[
    CodeDef {
        code: 1000,
        entry: Entry {
            name: "Normal Closure",
            category: Category::Normal,
            meaning: "The connection did what it was opened for and was closed on purpose.",
            recovery: "Nothing to do. If the client expected a long-lived connection, find out which side closed it (shutdown handler, idle reaper, page navigation).",
            hint: "closed on purpose",
            reconnect: Reconnect::No,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1001,
        entry: Entry {
            name: "Going Away",
            category: Category::Transient,
            meaning: "An endpoint is going away: the server is shutting down (deploy, scale-in, pod eviction) or the browser left the page.",
            recovery: "Reconnect with backoff + jitter. Bursts line up with deploys and node drains; drain connections gradually on shutdown so clients do not all return at once.",
            hint: "server shutdown or page left",
            reconnect: Reconnect::Backoff,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1002,
        entry: Entry {
            name: "Protocol Error",
            category: Category::Protocol,
            meaning: "An endpoint closed because its peer broke the WebSocket protocol: bad framing or masking, an unknown opcode, a reserved close code.",
            recovery: "Do not retry blindly: a peer or a proxy in between is buggy or incompatible. Capture the frames (library debug log, Wireshark), check proxies that rewrite traffic and the permessage-deflate settings.",
            hint: "peer broke the protocol; capture frames, check proxies",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1003,
        entry: Entry {
            name: "Unsupported Data",
            category: Category::Protocol,
            meaning: "The endpoint received a type of data it cannot accept, e.g. binary frames on a text-only endpoint.",
            recovery: "Send the frame type the peer expects (text or binary) and check the serializer on the sending side.",
            hint: "wrong frame type (text vs binary)",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1004,
        entry: Entry {
            name: "Reserved",
            category: Category::Reserved,
            meaning: "Reserved by RFC 6455 with no meaning defined; no endpoint should send it.",
            recovery: "Receiving it means the peer is buggy: libraries answer with 1002. Find and fix the sender's close call.",
            hint: "reserved code; the sender is buggy",
            reconnect: Reconnect::AfterFix,
            on_wire: false,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1005,
        entry: Entry {
            name: "No Status Received",
            category: Category::Normal,
            meaning: "Local pseudo-code, never sent: a Close frame arrived but carried no status code. Usually a clean close by a peer that sends empty Close frames.",
            recovery: "Treat it like 1000 (or like 1001 if the connection should have stayed open). If the peer ought to say why it closed, make it send a code.",
            hint: "empty close frame, usually clean",
            reconnect: Reconnect::IfExpected,
            on_wire: false,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1006,
        entry: Entry {
            name: "Abnormal Closure",
            category: Category::Error,
            meaning: "Local pseudo-code, never sent: the connection dropped without a Close frame (TCP reset, proxy or load-balancer idle timeout, network loss, crashed or OOM-killed process). Browsers also report every failed connect, TLS error or refused upgrade (e.g. HTTP 401/403) as 1006.",
            recovery: "Reconnect with a random first delay and exponential backoff + jitter, capped (RFC 6455 §7.2.3). Send pings more often than the shortest idle timeout on the path (load balancer, ingress, NAT), check proxy timeouts and server restarts or crashes. At connect time, check DNS, TLS and the HTTP status of the upgrade.",
            hint: "dropped without close frame; check LB/proxy idle timeouts, heartbeats",
            reconnect: Reconnect::Backoff,
            on_wire: false,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1007,
        entry: Entry {
            name: "Invalid Frame Payload Data",
            category: Category::Protocol,
            meaning: "A message's data did not match its type, e.g. invalid UTF-8 in a text message.",
            recovery: "Validate or encode text as UTF-8 before sending, or send binary data in binary frames.",
            hint: "bad payload, e.g. invalid UTF-8 in text",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1008,
        entry: Entry {
            name: "Policy Violation",
            category: Category::Policy,
            meaning: "A message or the connection broke the endpoint's policy. This is the generic refusal, used when no more specific code (such as 1003 or 1009) fits or the details are hidden: often authentication, Origin checks or abuse limits.",
            recovery: "Reconnecting with the same credentials or input fails again. Check the server's reason and logs: authentication, Origin allow-list, rate or abuse limits, content rules.",
            hint: "refused by policy: auth, origin, limits",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1009,
        entry: Entry {
            name: "Message Too Big",
            category: Category::Protocol,
            meaning: "A message was larger than the receiving endpoint will process.",
            recovery: "Split large messages, or raise the receiver's limit (max message/frame size, read limit, maxPayload) if the size is legitimate.",
            hint: "message over the receiver's size limit",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1010,
        entry: Entry {
            name: "Mandatory Extension",
            category: Category::Protocol,
            meaning: "The client closed because the server did not negotiate an extension the client requires (named in the reason). Only clients send it.",
            recovery: "Enable the extension on the server or make it optional on the client; check for proxies that strip Sec-WebSocket-Extensions.",
            hint: "server did not negotiate a required extension",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1011,
        entry: Entry {
            name: "Internal Error",
            category: Category::Error,
            meaning: "The server hit an unexpected condition (an unhandled exception, a failed dependency) and closed. Python websockets also sends it when keepalive pings go unanswered.",
            recovery: "Find the server-side exception logged at the same time. Retry a few times with backoff, then stop and alert. With 'keepalive ping timeout', the peer did not answer pings in time: a blocked event loop or a dead network path.",
            hint: "server fault; see server logs at this time",
            reconnect: Reconnect::Limited,
            on_wire: true,
            defined_by: "RFC 6455 (name per IANA, RFC Errata 3227)",
        },
    },
    CodeDef {
        code: 1012,
        entry: Entry {
            name: "Service Restart",
            category: Category::Transient,
            meaning: "The server is restarting.",
            recovery: "Reconnect after a random delay of 5-30 s so that clients do not all return at the same moment.",
            hint: "server restarting",
            reconnect: Reconnect::Delayed,
            on_wire: true,
            defined_by: "IANA registration (hybi), not in RFC 6455",
        },
    },
    CodeDef {
        code: 1013,
        entry: Entry {
            name: "Try Again Later",
            category: Category::Transient,
            meaning: "The server is overloaded or temporarily unable to serve.",
            recovery: "Do not reconnect to the same server at once: use another endpoint, back off for a long time, or wait for user action. Check server capacity and connection limits.",
            hint: "server overloaded",
            reconnect: Reconnect::LongBackoff,
            on_wire: true,
            defined_by: "IANA registration (hybi), not in RFC 6455",
        },
    },
    CodeDef {
        code: 1014,
        entry: Entry {
            name: "Bad Gateway",
            category: Category::Error,
            meaning: "A gateway or proxy got an invalid response from the upstream server, like HTTP 502. gorilla/websocket and tungstenite reject a received 1014 as a protocol error.",
            recovery: "Check the health of the upstream service behind the gateway and reconnect with backoff; add a circuit breaker if it repeats.",
            hint: "gateway got a bad upstream response",
            reconnect: Reconnect::Backoff,
            on_wire: true,
            defined_by: "IANA registration (hybi, 2016), not in RFC 6455",
        },
    },
    CodeDef {
        code: 1015,
        entry: Entry {
            name: "TLS Handshake",
            category: Category::Error,
            meaning: "Local pseudo-code, never sent: the TLS handshake failed, e.g. the certificate could not be verified. Browsers report TLS failures as 1006 instead.",
            recovery: "Retrying will not help until TLS is fixed: certificate chain and expiry, hostname, trusted CAs, protocol versions and ciphers.",
            hint: "TLS handshake failed; check certificates",
            reconnect: Reconnect::AfterFix,
            on_wire: false,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 3000,
        entry: Entry {
            name: "Unauthorized",
            category: Category::Policy,
            meaning: "IANA-registered application code (2021): the client is not authenticated. The registration is a name only, with no specification.",
            recovery: "Get new credentials (refresh the token) before reconnecting: the same credentials fail again.",
            hint: "not authenticated",
            reconnect: Reconnect::AfterReauth,
            on_wire: true,
            defined_by: "IANA registration (2021-09-06), name only",
        },
    },
    CodeDef {
        code: 3003,
        entry: Entry {
            name: "Forbidden",
            category: Category::Policy,
            meaning: "IANA-registered application code (2023): the client is known but not allowed. The registration is a name only, with no specification.",
            recovery: "Check the account's permissions or scopes; retrying fails until access changes.",
            hint: "authenticated but not allowed",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: "IANA registration (2023-02-22), name only",
        },
    },
    CodeDef {
        code: 3008,
        entry: Entry {
            name: "Timeout",
            category: Category::Transient,
            meaning: "IANA-registered application code (2024): something timed out, typically the server waiting for the client's init, auth or heartbeat. The registration is a name only, with no specification.",
            recovery: "Reconnect with backoff, and make sure the client sends its first message and its heartbeats in time.",
            hint: "timed out waiting",
            reconnect: Reconnect::Backoff,
            on_wire: true,
            defined_by: "IANA registration (2024-02-01), name only",
        },
    },
];

static UNASSIGNED_PROTOCOL: Entry = Entry {
    name: "Unassigned protocol code",
    category: Category::Reserved,
    meaning: "1016-2999 is reserved for future revisions and extensions of the WebSocket protocol, and nothing there is assigned. A peer sending it is buggy or speaks an extension you do not.",
    recovery: "Find the sender: libraries treat a received unassigned code as a protocol error (1002).",
    hint: "unassigned; the sender is buggy",
    reconnect: Reconnect::AfterFix,
    on_wire: false,
    defined_by: "RFC 6455 §7.4.2 (reserved range)",
};

static UNREGISTERED_APP: Entry = Entry {
    name: "Unregistered application code",
    category: Category::Application,
    meaning: "In the 3000-3999 range that IANA registers for libraries, frameworks and applications, but not registered: it means whatever the sending library or service says.",
    recovery: "Look the code up in the documentation of the library or service that sent it.",
    hint: "unregistered; see the sender's docs",
    reconnect: Reconnect::AppDefined,
    on_wire: true,
    defined_by: "RFC 6455 §7.4.2 (IANA first-come range)",
};

static PRIVATE_USE: Entry = Entry {
    name: "Private use",
    category: Category::Application,
    meaning: "4000-4999 is private use: no standard meaning, each service defines its own. For example 4001 'auth expired', 4002 'rate limited' and 4003 'unauthorized' are one common convention, not a standard; graphql-ws uses 4401 and 4403 instead.",
    recovery: "Check the sending service's documentation. Common practice: get new credentials before reconnecting after an auth code, and wait before reconnecting after a rate-limit code.",
    hint: "private code; meaning set by the service",
    reconnect: Reconnect::AppDefined,
    on_wire: true,
    defined_by: "RFC 6455 §7.4.2 (private use)",
};

static NOT_A_CLOSE_CODE: Entry = Entry {
    name: "Invalid close code",
    category: Category::Invalid,
    meaning: "Close codes run from 1000 to 4999: 0-999 are unused and 5000 and above are invalid. A peer that sends one is broken; libraries fail the connection with 1002.",
    recovery: "Find the sender and fix its close call.",
    hint: "not a valid close code",
    reconnect: Reconnect::AfterFix,
    on_wire: false,
    defined_by: "RFC 6455 §7.4.2",
};

/// What a close with each code looks like from the outside, in the words an
/// engineer would search for (`lookup "load balancer"`). Written for this
/// tool; `lookup` ranks them next to names, meanings and recovery advice.
pub static SYMPTOMS: &[(u16, &[&str])] = &[
    (
        1000,
        &[
            "clean close",
            "closed on purpose",
            "client disconnected",
            "logout",
            "page closed",
            "session ended",
            "expected disconnect",
        ],
    ),
    (
        1001,
        &[
            "server shutdown",
            "graceful shutdown",
            "deploy",
            "rolling restart",
            "pod eviction",
            "node drain",
            "scale in",
            "SIGTERM",
            "browser tab closed",
            "page navigation",
        ],
    ),
    (
        1002,
        &[
            "malformed frame",
            "bad framing",
            "masking error",
            "unknown opcode",
            "proxy rewriting traffic",
            "permessage-deflate bug",
            "reserved close code received",
            "protocol violation",
        ],
    ),
    (
        1003,
        &[
            "binary frame on a text endpoint",
            "text frame on a binary endpoint",
            "wrong message type",
            "unsupported frame type",
        ],
    ),
    (1004, &["reserved code", "buggy peer"]),
    (
        1005,
        &[
            "empty close frame",
            "close frame without a code",
            "no status code",
            "closed without a reason",
        ],
    ),
    (
        1006,
        &[
            "proxy idle timeout",
            "load balancer idle timeout",
            "load balancer",
            "ingress timeout",
            "NAT timeout",
            "network drop",
            "connection reset",
            "TCP reset",
            "unexpected EOF",
            "server crash",
            "OOM killed",
            "process killed",
            "missing heartbeat",
            "no ping pong",
            "firewall",
            "wifi drop",
            "failed to connect",
            "handshake rejected",
            "401 or 403 on the upgrade",
            "DNS failure",
            "TLS error in the browser",
        ],
    ),
    (
        1007,
        &[
            "invalid UTF-8",
            "bad encoding",
            "corrupt payload",
            "inconsistent data",
        ],
    ),
    (
        1008,
        &[
            "authentication failed",
            "auth",
            "origin not allowed",
            "origin check",
            "rate limit",
            "abuse",
            "banned",
            "forbidden content",
            "policy",
        ],
    ),
    (
        1009,
        &[
            "message too large",
            "too large",
            "payload too big",
            "frame size limit",
            "max message size",
            "read limit exceeded",
            "maxPayload",
        ],
    ),
    (
        1010,
        &[
            "missing extension",
            "extension negotiation failed",
            "permessage-deflate not negotiated",
            "Sec-WebSocket-Extensions stripped",
        ],
    ),
    (
        1011,
        &[
            "server exception",
            "unhandled exception",
            "internal server error",
            "server bug",
            "keepalive ping timeout",
            "ping timeout",
            "database down",
            "dependency failure",
            "500",
        ],
    ),
    (
        1012,
        &[
            "server restart",
            "service restarting",
            "rolling update",
            "maintenance",
        ],
    ),
    (
        1013,
        &[
            "server overloaded",
            "too many connections",
            "capacity",
            "backpressure",
            "try again later",
            "503",
        ],
    ),
    (
        1014,
        &[
            "bad gateway",
            "upstream failure",
            "proxy got a bad response",
            "backend down",
            "502",
        ],
    ),
    (
        1015,
        &[
            "TLS handshake failed",
            "certificate expired",
            "certificate verify failed",
            "self-signed certificate",
            "hostname mismatch",
            "SSL error",
            "cipher mismatch",
        ],
    ),
    (
        3000,
        &[
            "unauthorized",
            "not authenticated",
            "token expired",
            "invalid token",
            "login required",
            "auth",
            "401",
        ],
    ),
    (
        3003,
        &[
            "forbidden",
            "permission denied",
            "access denied",
            "missing scope",
            "403",
        ],
    ),
    (
        3008,
        &[
            "timeout",
            "init timeout",
            "auth timeout",
            "heartbeat timeout",
            "408",
        ],
    ),
];

/// A message a library prints for a code, e.g. gorilla's
/// `websocket: close 1006 (abnormal closure)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogText {
    /// The close code.
    pub code: u16,
    /// Library id, as in [`Alias::library`].
    pub library: &'static str,
    /// The message, as the library prints it.
    pub text: &'static str,
}

const fn text(code: u16, library: &'static str, text: &'static str) -> LogText {
    LogText {
        code,
        library,
        text,
    }
}

/// The texts libraries print around a code (shared reference §3): gorilla's
/// `CloseError`, Python websockets' explanations (12.0 and later, and 11.x
/// and older where they differ), Netty's `toString`, tungstenite's `Debug`
/// for codes it has no name for. `lookup` shows them so a code can be
/// recognised in a log.
pub static LOG_TEXTS: &[LogText] = &[
    text(1000, "gorilla", "websocket: close 1000 (normal)"),
    text(1000, "python-websockets", "1000 (OK)"),
    text(1000, "netty", "1000 Bye"),
    text(1001, "gorilla", "websocket: close 1001 (going away)"),
    text(1001, "python-websockets", "1001 (going away)"),
    text(1001, "netty", "1001 Endpoint unavailable"),
    text(1002, "gorilla", "websocket: close 1002 (protocol error)"),
    text(1002, "python-websockets", "1002 (protocol error)"),
    text(1002, "netty", "1002 Protocol error"),
    text(1003, "gorilla", "websocket: close 1003 (unsupported data)"),
    text(1003, "python-websockets", "1003 (unsupported data)"),
    text(1003, "python-websockets-11", "1003 (unsupported type)"),
    text(1003, "netty", "1003 Invalid message type"),
    text(1004, "python-websockets", "1004 (unknown)"),
    text(1004, "netty", "1004 Close status #1004"),
    text(1004, "tungstenite", "Bad(1004)"),
    text(1005, "gorilla", "websocket: close 1005 (no status)"),
    text(
        1005,
        "python-websockets",
        "1005 (no status received [internal])",
    ),
    text(
        1005,
        "python-websockets-11",
        "1005 (no status code [internal])",
    ),
    text(1005, "netty", "1005 Empty"),
    text(1006, "gorilla", "websocket: close 1006 (abnormal closure)"),
    text(
        1006,
        "python-websockets",
        "1006 (abnormal closure [internal])",
    ),
    text(
        1006,
        "python-websockets-11",
        "1006 (connection closed abnormally [internal])",
    ),
    text(1006, "netty", "1006 Abnormal closure"),
    text(
        1007,
        "gorilla",
        "websocket: close 1007 (invalid payload data)",
    ),
    text(
        1007,
        "python-websockets",
        "1007 (invalid frame payload data)",
    ),
    text(1007, "python-websockets-11", "1007 (invalid data)"),
    text(1007, "netty", "1007 Invalid payload data"),
    text(1008, "gorilla", "websocket: close 1008 (policy violation)"),
    text(1008, "python-websockets", "1008 (policy violation)"),
    text(1008, "netty", "1008 Policy violation"),
    text(1009, "gorilla", "websocket: close 1009 (message too big)"),
    text(1009, "python-websockets", "1009 (message too big)"),
    text(1009, "netty", "1009 Message too big"),
    text(
        1010,
        "gorilla",
        "websocket: close 1010 (mandatory extension missing)",
    ),
    text(1010, "python-websockets", "1010 (mandatory extension)"),
    text(1010, "python-websockets-11", "1010 (extension required)"),
    text(1010, "netty", "1010 Mandatory extension"),
    text(
        1011,
        "gorilla",
        "websocket: close 1011 (internal server error)",
    ),
    text(1011, "python-websockets", "1011 (internal error)"),
    text(1011, "python-websockets-11", "1011 (unexpected error)"),
    text(1011, "netty", "1011 Internal server error"),
    text(1012, "python-websockets", "1012 (service restart)"),
    text(1012, "netty", "1012 Service Restart"),
    text(1013, "python-websockets", "1013 (try again later)"),
    text(1013, "netty", "1013 Try Again Later"),
    text(1014, "python-websockets", "1014 (bad gateway)"),
    text(1014, "netty", "1014 Bad Gateway"),
    text(1014, "tungstenite", "Bad(1014)"),
    text(
        1015,
        "gorilla",
        "websocket: close 1015 (TLS handshake error)",
    ),
    text(
        1015,
        "python-websockets",
        "1015 (TLS handshake failure [internal])",
    ),
    text(
        1015,
        "python-websockets-11",
        "1015 (TLS failure [internal])",
    ),
    text(1015, "netty", "1015 TLS handshake failed"),
    text(3000, "python-websockets", "3000 (registered)"),
    text(3000, "netty", "3000 Close status #3000"),
    text(3000, "tungstenite", "Iana(3000)"),
    text(3003, "python-websockets", "3003 (registered)"),
    text(3003, "netty", "3003 Close status #3003"),
    text(3003, "tungstenite", "Iana(3003)"),
    text(3008, "python-websockets", "3008 (registered)"),
    text(3008, "netty", "3008 Close status #3008"),
    text(3008, "tungstenite", "Iana(3008)"),
];

/// The name to show for a library id used in [`ALIASES`] and [`LOG_TEXTS`];
/// a code table's name is shown as is.
pub fn library_name(id: &str) -> &str {
    match id {
        "gorilla" => "gorilla/websocket",
        "coder" => "coder/websocket",
        "python-websockets" => "Python websockets",
        "python-websockets-11" => "Python websockets <= 11",
        "aiohttp" => "aiohttp",
        "tungstenite" => "tungstenite",
        "dotnet" => ".NET",
        "jakarta" => "Jakarta/javax",
        "netty" => "Netty",
        "spring" => "Spring",
        "swift" => "Swift URLSession",
        "starscream" => "Starscream",
        "jetty" => "Jetty",
        "legacy-js" => "JS constants (third-party)",
        "websocket-client" => "websocket-client (Python)",
        other => other,
    }
}

/// A name a library prints for a code, e.g. gorilla's `CloseGoingAway`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alias {
    /// The close code.
    pub code: u16,
    /// Short library id: `gorilla`, `coder`, `python-websockets`, `tungstenite`, …
    pub library: &'static str,
    /// The name, as the library spells it.
    pub name: &'static str,
}

const fn alias(code: u16, library: &'static str, name: &'static str) -> Alias {
    Alias {
        code,
        library,
        name,
    }
}

/// Symbolic names libraries print for codes (see shared reference §3).
/// Explanation strings (`(going away)`) are not here: they follow a number.
pub static ALIASES: &[Alias] = &[
    // gorilla/websocket constants
    alias(1000, "gorilla", "CloseNormalClosure"),
    alias(1001, "gorilla", "CloseGoingAway"),
    alias(1002, "gorilla", "CloseProtocolError"),
    alias(1003, "gorilla", "CloseUnsupportedData"),
    alias(1005, "gorilla", "CloseNoStatusReceived"),
    alias(1006, "gorilla", "CloseAbnormalClosure"),
    alias(1007, "gorilla", "CloseInvalidFramePayloadData"),
    alias(1008, "gorilla", "ClosePolicyViolation"),
    alias(1009, "gorilla", "CloseMessageTooBig"),
    alias(1010, "gorilla", "CloseMandatoryExtension"),
    alias(1011, "gorilla", "CloseInternalServerErr"),
    alias(1012, "gorilla", "CloseServiceRestart"),
    alias(1013, "gorilla", "CloseTryAgainLater"),
    alias(1015, "gorilla", "CloseTLSHandshake"),
    // coder/websocket StatusCode (stringer prints the same)
    alias(1000, "coder", "StatusNormalClosure"),
    alias(1001, "coder", "StatusGoingAway"),
    alias(1002, "coder", "StatusProtocolError"),
    alias(1003, "coder", "StatusUnsupportedData"),
    alias(1005, "coder", "StatusNoStatusRcvd"),
    alias(1006, "coder", "StatusAbnormalClosure"),
    alias(1007, "coder", "StatusInvalidFramePayloadData"),
    alias(1008, "coder", "StatusPolicyViolation"),
    alias(1009, "coder", "StatusMessageTooBig"),
    alias(1010, "coder", "StatusMandatoryExtension"),
    alias(1011, "coder", "StatusInternalError"),
    alias(1012, "coder", "StatusServiceRestart"),
    alias(1013, "coder", "StatusTryAgainLater"),
    alias(1014, "coder", "StatusBadGateway"),
    alias(1015, "coder", "StatusTLSHandshake"),
    // Python websockets CloseCode
    alias(1000, "python-websockets", "NORMAL_CLOSURE"),
    alias(1001, "python-websockets", "GOING_AWAY"),
    alias(1002, "python-websockets", "PROTOCOL_ERROR"),
    alias(1003, "python-websockets", "UNSUPPORTED_DATA"),
    alias(1005, "python-websockets", "NO_STATUS_RCVD"),
    alias(1006, "python-websockets", "ABNORMAL_CLOSURE"),
    alias(1007, "python-websockets", "INVALID_DATA"),
    alias(1008, "python-websockets", "POLICY_VIOLATION"),
    alias(1009, "python-websockets", "MESSAGE_TOO_BIG"),
    alias(1010, "python-websockets", "MANDATORY_EXTENSION"),
    alias(1011, "python-websockets", "INTERNAL_ERROR"),
    alias(1012, "python-websockets", "SERVICE_RESTART"),
    alias(1013, "python-websockets", "TRY_AGAIN_LATER"),
    alias(1014, "python-websockets", "BAD_GATEWAY"),
    alias(1015, "python-websockets", "TLS_HANDSHAKE"),
    // aiohttp WSCloseCode
    alias(1000, "aiohttp", "OK"),
    alias(1007, "aiohttp", "INVALID_TEXT"),
    // tungstenite CloseCode (Debug)
    alias(1000, "tungstenite", "Normal"),
    alias(1001, "tungstenite", "Away"),
    alias(1002, "tungstenite", "Protocol"),
    alias(1003, "tungstenite", "Unsupported"),
    alias(1005, "tungstenite", "Status"),
    alias(1006, "tungstenite", "Abnormal"),
    alias(1007, "tungstenite", "Invalid"),
    alias(1008, "tungstenite", "Policy"),
    alias(1009, "tungstenite", "Size"),
    alias(1010, "tungstenite", "Extension"),
    alias(1011, "tungstenite", "Error"),
    alias(1012, "tungstenite", "Restart"),
    alias(1013, "tungstenite", "Again"),
    alias(1015, "tungstenite", "Tls"),
    // .NET WebSocketCloseStatus
    alias(1000, "dotnet", "NormalClosure"),
    alias(1001, "dotnet", "EndpointUnavailable"),
    alias(1002, "dotnet", "ProtocolError"),
    alias(1003, "dotnet", "InvalidMessageType"),
    alias(1005, "dotnet", "Empty"),
    alias(1007, "dotnet", "InvalidPayloadData"),
    alias(1008, "dotnet", "PolicyViolation"),
    alias(1009, "dotnet", "MessageTooBig"),
    alias(1010, "dotnet", "MandatoryExtension"),
    alias(1011, "dotnet", "InternalServerError"),
    // Jakarta / javax CloseReason.CloseCodes
    alias(1000, "jakarta", "NORMAL_CLOSURE"),
    alias(1001, "jakarta", "GOING_AWAY"),
    alias(1002, "jakarta", "PROTOCOL_ERROR"),
    alias(1003, "jakarta", "CANNOT_ACCEPT"),
    alias(1004, "jakarta", "RESERVED"),
    alias(1005, "jakarta", "NO_STATUS_CODE"),
    alias(1006, "jakarta", "CLOSED_ABNORMALLY"),
    alias(1007, "jakarta", "NOT_CONSISTENT"),
    alias(1008, "jakarta", "VIOLATED_POLICY"),
    alias(1009, "jakarta", "TOO_BIG"),
    alias(1010, "jakarta", "NO_EXTENSION"),
    alias(1011, "jakarta", "UNEXPECTED_CONDITION"),
    alias(1012, "jakarta", "SERVICE_RESTART"),
    alias(1013, "jakarta", "TRY_AGAIN_LATER"),
    alias(1015, "jakarta", "TLS_HANDSHAKE_FAILURE"),
    // Netty WebSocketCloseStatus
    alias(1000, "netty", "NORMAL_CLOSURE"),
    alias(1001, "netty", "ENDPOINT_UNAVAILABLE"),
    alias(1002, "netty", "PROTOCOL_ERROR"),
    alias(1003, "netty", "INVALID_MESSAGE_TYPE"),
    alias(1005, "netty", "EMPTY"),
    alias(1006, "netty", "ABNORMAL_CLOSURE"),
    alias(1007, "netty", "INVALID_PAYLOAD_DATA"),
    alias(1008, "netty", "POLICY_VIOLATION"),
    alias(1009, "netty", "MESSAGE_TOO_BIG"),
    alias(1010, "netty", "MANDATORY_EXTENSION"),
    alias(1011, "netty", "INTERNAL_SERVER_ERROR"),
    alias(1012, "netty", "SERVICE_RESTART"),
    alias(1013, "netty", "TRY_AGAIN_LATER"),
    alias(1014, "netty", "BAD_GATEWAY"),
    alias(1015, "netty", "TLS_HANDSHAKE_FAILED"),
    // Spring CloseStatus
    alias(1000, "spring", "NORMAL"),
    alias(1001, "spring", "GOING_AWAY"),
    alias(1002, "spring", "PROTOCOL_ERROR"),
    alias(1003, "spring", "NOT_ACCEPTABLE"),
    alias(1005, "spring", "NO_STATUS_CODE"),
    alias(1006, "spring", "NO_CLOSE_FRAME"),
    alias(1007, "spring", "BAD_DATA"),
    alias(1008, "spring", "POLICY_VIOLATION"),
    alias(1009, "spring", "TOO_BIG_TO_PROCESS"),
    alias(1010, "spring", "REQUIRED_EXTENSION"),
    alias(1011, "spring", "SERVER_ERROR"),
    alias(1012, "spring", "SERVICE_RESTARTED"),
    alias(1013, "spring", "SERVICE_OVERLOAD"),
    alias(1015, "spring", "TLS_HANDSHAKE_FAILURE"),
    alias(4500, "spring", "SESSION_NOT_RELIABLE"),
    // Swift URLSessionWebSocketTask.CloseCode
    alias(1000, "swift", "normalClosure"),
    alias(1001, "swift", "goingAway"),
    alias(1002, "swift", "protocolError"),
    alias(1003, "swift", "unsupportedData"),
    alias(1005, "swift", "noStatusReceived"),
    alias(1006, "swift", "abnormalClosure"),
    alias(1007, "swift", "invalidFramePayloadData"),
    alias(1008, "swift", "policyViolation"),
    alias(1009, "swift", "messageTooBig"),
    alias(1010, "swift", "mandatoryExtensionMissing"),
    alias(1011, "swift", "internalServerError"),
    alias(1015, "swift", "tlsHandshakeFailure"),
    // Starscream CloseCode
    alias(1000, "starscream", "normal"),
    alias(1003, "starscream", "protocolUnhandledType"),
    alias(1007, "starscream", "encoding"),
    alias(1008, "starscream", "policyViolated"),
    // websocket-client (Python) websocket/_abnf.py STATUS_* constants
    alias(1000, "websocket-client", "STATUS_NORMAL"),
    alias(1001, "websocket-client", "STATUS_GOING_AWAY"),
    alias(1002, "websocket-client", "STATUS_PROTOCOL_ERROR"),
    alias(1003, "websocket-client", "STATUS_UNSUPPORTED_DATA_TYPE"),
    alias(1005, "websocket-client", "STATUS_STATUS_NOT_AVAILABLE"),
    alias(1006, "websocket-client", "STATUS_ABNORMAL_CLOSED"),
    alias(1007, "websocket-client", "STATUS_INVALID_PAYLOAD"),
    alias(1008, "websocket-client", "STATUS_POLICY_VIOLATION"),
    alias(1009, "websocket-client", "STATUS_MESSAGE_TOO_BIG"),
    alias(1010, "websocket-client", "STATUS_INVALID_EXTENSION"),
    alias(1011, "websocket-client", "STATUS_UNEXPECTED_CONDITION"),
    alias(1012, "websocket-client", "STATUS_SERVICE_RESTART"),
    alias(1013, "websocket-client", "STATUS_TRY_AGAIN_LATER"),
    alias(1014, "websocket-client", "STATUS_BAD_GATEWAY"),
    alias(1015, "websocket-client", "STATUS_TLS_HANDSHAKE_ERROR"),
    // coder/websocket's unexported name for 1004, as its String() prints it
    alias(1004, "coder", "statusReserved"),
    // Jetty StatusCode
    alias(1000, "jetty", "NORMAL"),
    alias(1001, "jetty", "SHUTDOWN"),
    alias(1002, "jetty", "PROTOCOL"),
    alias(1003, "jetty", "BAD_DATA"),
    alias(1004, "jetty", "UNDEFINED"),
    alias(1005, "jetty", "NO_CODE"),
    alias(1006, "jetty", "NO_CLOSE"),
    alias(1006, "jetty", "ABNORMAL"),
    alias(1007, "jetty", "BAD_PAYLOAD"),
    alias(1008, "jetty", "POLICY_VIOLATION"),
    alias(1009, "jetty", "MESSAGE_TOO_LARGE"),
    alias(1010, "jetty", "REQUIRED_EXTENSION"),
    alias(1011, "jetty", "SERVER_ERROR"),
    alias(1012, "jetty", "SERVICE_RESTART"),
    alias(1013, "jetty", "TRY_AGAIN_LATER"),
    alias(1014, "jetty", "INVALID_UPSTREAM_RESPONSE"),
    alias(1015, "jetty", "FAILED_TLS_HANDSHAKE"),
    // Names seen in JS code bases and cheat sheets (third-party, lower confidence)
    alias(1000, "legacy-js", "CLOSE_NORMAL"),
    alias(1001, "legacy-js", "CLOSE_GOING_AWAY"),
    alias(1002, "legacy-js", "CLOSE_PROTOCOL_ERROR"),
    alias(1003, "legacy-js", "CLOSE_UNSUPPORTED"),
    alias(1005, "legacy-js", "CLOSED_NO_STATUS"),
    alias(1006, "legacy-js", "CLOSE_ABNORMAL"),
    alias(1009, "legacy-js", "CLOSE_TOO_LARGE"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn every_iana_code_is_present_once() {
        let mut seen = HashSet::new();
        for def in CODES {
            assert!(seen.insert(def.code), "duplicate code {}", def.code);
        }
        let expected: Vec<u16> = (1000..=1015).chain([3000, 3003, 3008]).collect();
        let mut got: Vec<u16> = seen.into_iter().collect();
        got.sort_unstable();
        assert_eq!(got, expected);
    }

    #[test]
    fn every_entry_is_complete() {
        let ranges = [
            &UNASSIGNED_PROTOCOL,
            &UNREGISTERED_APP,
            &PRIVATE_USE,
            &NOT_A_CLOSE_CODE,
        ];
        for entry in CODES.iter().map(|d| &d.entry).chain(ranges) {
            for (field, text) in [
                ("name", entry.name),
                ("meaning", entry.meaning),
                ("recovery", entry.recovery),
                ("hint", entry.hint),
                ("defined_by", entry.defined_by),
            ] {
                assert!(!text.trim().is_empty(), "{}: empty {field}", entry.name);
                assert!(
                    !text.contains(['⟪', '⟫', '\n', '\r', '\t']),
                    "{}: {field} has a character that would break annotations",
                    entry.name
                );
            }
            assert!(entry.hint.len() <= 72, "{}: hint too long", entry.name);
            assert!(!entry.meaning.ends_with(' '));
        }
    }

    #[test]
    fn local_only_codes_are_not_on_the_wire() {
        for code in [1004, 1005, 1006, 1015, 1016, 2999, 999, 5000] {
            assert!(!describe(code).entry.on_wire, "{code}");
        }
        for code in [1000, 1001, 1011, 1014, 3000, 3500, 4001] {
            assert!(describe(code).entry.on_wire, "{code}");
        }
    }

    #[test]
    fn ranges_fall_back_to_their_entry() {
        assert_eq!(describe(2500).entry.category, Category::Reserved);
        assert_eq!(describe(3001).entry.category, Category::Application);
        assert_eq!(describe(4001).entry.category, Category::Application);
        assert!(!describe(4001).exact);
        assert_eq!(describe(999).entry.category, Category::Invalid);
        assert_eq!(describe(5000).entry.category, Category::Invalid);
        assert!(!describe(5000).is_valid());
        assert!(describe(3000).exact);
        assert_eq!(describe(3000).entry.name, "Unauthorized");
    }

    #[test]
    fn errata_of_the_original_table_are_fixed() {
        // 1005 is an empty close frame, not "no close frame" (that is 1006).
        assert!(describe(1005)
            .entry
            .meaning
            .contains("carried no status code"));
        // 1008 is the generic policy code; "message too big" is 1009.
        assert!(!describe(1008).entry.meaning.contains("too large"));
        // 1015 is never sent by anyone, not "client-side only".
        assert!(describe(1015).entry.meaning.contains("never sent"));
        // 3000 is a registered code.
        assert_eq!(describe(3000).entry.name, "Unauthorized");
        // 4001-4003 are a convention, not a standard.
        assert!(describe(4001).entry.meaning.contains("not a standard"));
    }

    #[test]
    fn categories_and_reconnect_tokens_are_unique_and_parse() {
        let names: HashSet<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Category::ALL.len());
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
            assert!(!c.describe().is_empty());
        }
        let tokens: HashSet<_> = Reconnect::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(tokens.len(), Reconnect::ALL.len());
    }

    #[test]
    fn aliases_are_unique_per_library_and_point_at_known_codes() {
        let mut per_library: HashMap<(&str, &str), u16> = HashMap::new();
        for a in ALIASES {
            let code = u32::from(a.code);
            assert!(
                describe(code).exact || a.code == 4500,
                "{} {} -> {code}",
                a.library,
                a.name
            );
            let before = per_library.insert((a.library, a.name), a.code);
            assert!(before.is_none(), "duplicate alias {} {}", a.library, a.name);
            assert!(a
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        }
    }

    #[test]
    fn every_code_has_symptoms_and_texts_point_at_known_codes() {
        for def in CODES {
            assert!(
                !symptoms(u32::from(def.code)).is_empty(),
                "{} has no symptoms",
                def.code
            );
        }
        for (code, list) in SYMPTOMS {
            assert!(describe_builtin(u32::from(*code)).exact, "{code}");
            assert!(list.iter().all(|s| !s.trim().is_empty()));
        }
        for t in LOG_TEXTS {
            assert!(describe_builtin(u32::from(t.code)).exact, "{t:?}");
            assert!(
                t.text.contains(&t.code.to_string()) || t.text.starts_with("Bad("),
                "{t:?}"
            );
            assert_ne!(library_name(t.library), "", "{t:?}");
        }
    }

    #[test]
    fn reconnect_tokens_parse_and_say_whether_to_reconnect() {
        for r in Reconnect::ALL {
            assert_eq!(r.as_str().parse::<Reconnect>(), Ok(r));
            assert!(!r.explain().is_empty());
        }
        assert!("sometimes".parse::<Reconnect>().is_err());
        assert!(Reconnect::Backoff.reconnects());
        assert!(Reconnect::AfterReauth.reconnects());
        assert!(!Reconnect::No.reconnects());
        assert!(!Reconnect::AfterFix.reconnects());
        assert!(!Reconnect::AppDefined.reconnects());
    }

    fn sample_code(
        code: u16,
        name: &'static str,
        table: &'static str,
        aliases: &'static [&'static str],
    ) -> TableCode {
        TableCode {
            code,
            entry: Entry {
                name,
                category: Category::Policy,
                meaning: "m",
                recovery: "r",
                hint: "h",
                reconnect: Reconnect::AfterReauth,
                on_wire: true,
                defined_by: "code table t",
            },
            aliases,
            symptoms: &[],
            table,
        }
    }

    #[test]
    fn later_tables_override_and_table_aliases_replace_library_names() {
        let installed = Installed::new(
            vec![
                sample_code(4001, "First", "a", &["AUTH_EXPIRED"]),
                sample_code(4001, "Second", "b", &["TOKEN_EXPIRED"]),
                sample_code(1006, "Dropped", "b", &["ABNORMAL_CLOSURE"]),
            ],
            Vec::new(),
        );
        assert_eq!(installed.find(4001).unwrap().entry.name, "Second");
        assert_eq!(installed.find(1006).unwrap().entry.name, "Dropped");
        assert!(installed.find(4002).is_none());
        assert!(installed.find(70000).is_none());
        // Only the winning entry's aliases count.
        assert!(!installed.aliases.iter().any(|a| a.name == "AUTH_EXPIRED"));
        let token = installed
            .aliases
            .iter()
            .find(|a| a.name == "TOKEN_EXPIRED")
            .unwrap();
        assert_eq!((token.code, token.library), (4001, "b"));
        // The table's ABNORMAL_CLOSURE replaces Python websockets' and Netty's.
        let abnormal: Vec<_> = installed
            .aliases
            .iter()
            .filter(|a| a.name == "ABNORMAL_CLOSURE")
            .collect();
        assert_eq!(abnormal.len(), 1);
        assert_eq!(abnormal[0].library, "b");
        // Every other library name is still there.
        assert!(installed.aliases.iter().any(|a| a.name == "CloseGoingAway"));
    }
}
