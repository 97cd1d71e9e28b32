//! The cheap test a candidate line must pass before the format regex and
//! the symbolic-name automaton see it.
//!
//! Most lines the context anchors let through are not about a close code
//! at all (`/api/sessions/42/close`, `closed idle connection`), and a full
//! regex pass costs the same on them as on a real close line: a few
//! nanoseconds a byte, since a DFA walks every byte. The screen instead
//! jumps between a few dozen literals with one SIMD search and looks a few
//! bytes around each: a close word with a number after it, `code` or
//! `status` with a separator and a number or a name, a format's own literal,
//! a symbolic name. It may let a line through that the rules then reject,
//! but it never stops a line the rules would report (a property the tests
//! check on every fixture and on generated logs).

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use aho_corasick::packed;

/// How far after a close word its number may stand: the rules allow
/// [`crate::extract`]'s keyword reach plus the rest of the word.
const WORD_REACH: usize = 64;
/// How far before `code` or `status` a close word in the same identifier
/// makes it a close-code key (`close_status_code`, `websocketCloseCode`).
const KEY_CONTEXT: usize = 16;

/// What a literal's hit needs around it to let the line through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// A format only close lines print: always.
    Pass,
    /// A number right after the literal (`received 1011`, `Library(4001)`).
    Number,
    /// After `received `: a number, or aiohttp's `message 8:1000`.
    Received,
    /// A close word that starts a word: a code (four digits) as the first
    /// number within reach, or `close: .name`; or the word is a symbolic name.
    CloseWord,
    /// `code` or `status` as a key: a separator, then a number some rule
    /// takes there, or a name (`code: Normal`); or the word is a symbolic name.
    Key,
    /// `invalid` in a rejected-code message (a space follows), or inside a
    /// symbolic name (`InvalidPayloadData`).
    Invalid,
    /// Part of a symbolic name: the whole word must be one.
    Name,
    /// A word that is evidence for a number beside it (`WebSocket`, `码`):
    /// a code-like number within [`NEAR_REACH`] bytes on either side.
    Near,
}

/// How far from a [`Check::Near`] word its number may stand.
const NEAR_REACH: usize = 48;

/// The words most rules hang on. Longer literals that contain one of them
/// hide it from the leftmost search, so a failed longer literal is checked
/// again for these inside it.
const WORDS: &[(&str, Check)] = &[
    ("los", Check::CloseWord),
    ("LOS", Check::CloseWord),
    ("isconnect", Check::CloseWord),
    ("ISCONNECT", Check::CloseWord),
    ("code", Check::Key),
    ("Code", Check::Key),
    ("CODE", Check::Key),
    ("status", Check::Key),
    ("Status", Check::Key),
    ("STATUS", Check::Key),
];

/// Formats' own literals, and parts of symbolic names. Where two start at
/// the same byte the first listed wins, so longer ones come first.
const LITERALS: &[(&str, Check)] = &[
    ("websocket: close ", Check::Number),
    ("bad close code ", Check::Number),
    ("closed with status code: ", Check::Number),
    ("CloseStatus[code=", Check::Number),
    ("Close status #", Check::Number),
    ("CloseReason[", Check::Number),
    ("StatusCode(", Check::Number),
    ("with code ", Check::Number),
    ("eceived ", Check::Received),
    ("sent ", Check::Number),
    ("Library(", Check::Number),
    ("Iana(", Check::Number),
    ("Bad(", Check::Number),
    ("Reserved(", Check::Number),
    ("[1000,5000)", Check::Pass),
    ("may not be used", Check::Pass),
    ("must not be sent over", Check::Pass),
    ("Symbol(status-code", Check::Pass),
    ("CLOSE: 8>", Check::Pass),
    ("WSMessageClose(", Check::Pass),
    ("WebSocketDisconnect", Check::Pass),
    ("opcode=8", Check::Pass),
    ("RFC-6455", Check::Pass),
    ("rawValue: ", Check::Pass),
    ("didCloseWith", Check::Pass),
    ("nvalid", Check::Invalid),
    ("NVALID_", Check::Name),
    // Symbolic names with no close word, `code` or `status` in them.
    ("ndpoint", Check::Name),
    ("NDPOINT", Check::Name),
    ("andshake", Check::Name),
    ("ANDSHAKE", Check::Name),
    ("oingAway", Check::Name),
    ("OING_AWAY", Check::Name),
    ("xtension", Check::Name),
    ("XTENSION", Check::Name),
    ("ERVICE_", Check::Name),
    ("ESSION_NOT", Check::Name),
    ("OO_BIG", Check::Name),
    ("RY_AGAIN", Check::Name),
    ("NEXPECTED_", Check::Name),
    ("nsupported", Check::Name),
    ("NSUPPORTED", Check::Name),
    ("IOLATED_", Check::Name),
    ("olicyViolat", Check::Name),
    ("nhandled", Check::Name),
    ("ocket", Check::Near),
    ("од", Check::Near),
    ("码", Check::Near),
    ("remote,", Check::Near),
    ("ropped", Check::Near),
    ("is neither", Check::Pass),
];

/// Literals of two bytes, searched on their own after the SIMD search:
/// Teddy fingerprints every literal by as many bytes as the shortest has,
/// and two-byte fingerprints let through most lines it is asked about.
/// SockJS close frames (`c[3000,"Go away!"]`): one literal for the
/// prefilter's four anchors.
const SHORT: &[(&str, Check)] = &[("c[", Check::Number)];

/// Teddy, the SIMD searcher behind the literal search, takes this many.
const MAX_LITERALS: usize = 64;

/// What the screen found a line can hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// A format rule may match: the line meets the format regex.
    pub formats: bool,
    /// A symbolic name may count: the line meets the name automaton.
    pub names: bool,
    /// A plain `code`/`status` key with a code-like value (`"code":1005`)
    /// may be a close code, if the line or its record is about a close:
    /// the caller asks that, cheaply, before the rules run. Set only when no
    /// other check let the line through (it is then `formats` too).
    pub generic_key: bool,
}

impl Verdict {
    /// Both parts may find a code (no screen, or a format's own literal).
    pub const BOTH: Verdict = Verdict {
        formats: true,
        names: true,
        generic_key: false,
    };

    fn formats(formats: bool) -> Verdict {
        Verdict {
            formats,
            names: false,
            generic_key: false,
        }
    }

    fn names(names: bool) -> Verdict {
        Verdict {
            formats: false,
            names,
            generic_key: false,
        }
    }

    /// True when either part may find a code.
    pub fn any(self) -> bool {
        self.formats || self.names
    }
}

impl std::ops::BitOrAssign for Verdict {
    fn bitor_assign(&mut self, other: Verdict) {
        self.formats |= other.formats;
        self.names |= other.names;
        self.generic_key |= other.generic_key;
    }
}

/// The screen; see the module documentation.
pub struct Screen {
    /// The SIMD literal searcher itself: a candidate line is short, and the
    /// automaton an `AhoCorasick` adds on top only costs time there.
    literals: packed::Searcher,
    checks: Vec<Check>,
    /// [`SHORT`]'s literals, each with its own search.
    short: Vec<(memchr::memmem::Finder<'static>, Check)>,
    /// For each literal, the [`WORDS`] inside it (offset and check): the
    /// leftmost search hides them, so they are checked with it.
    inner: Vec<Vec<(usize, usize, Check)>>,
    /// Names that count without a qualifier (`StatusGoingAway`).
    strong: Names,
    /// Every name, for a qualified one (`code: Away`).
    all: Names,
}

/// A set of symbolic names. Asked about every word a literal hits, so it
/// hashes the few bytes of a word cheaply (FNV-1a) instead of with SipHash.
type Names = HashSet<Box<[u8]>, BuildHasherDefault<Fnv>>;

/// FNV-1a: a good, fast hash for short keys.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl Screen {
    /// A screen for the rules and for these symbolic names, each with
    /// whether it counts without a qualifier. `None` when the names need
    /// more literals than the SIMD search takes (many names from code
    /// tables), or when this machine has no SIMD search: then every
    /// candidate line goes to the rules.
    pub fn new<'a>(names: impl IntoIterator<Item = (&'a str, bool)>) -> Option<Screen> {
        let mut literals: Vec<String> = Vec::new();
        let mut checks: Vec<Check> = Vec::new();
        for (literal, check) in LITERALS.iter().chain(WORDS) {
            literals.push(literal.to_string());
            checks.push(*check);
        }
        let (mut strong, mut all) = (Names::default(), Names::default());
        for (name, is_strong) in names {
            all.insert(name.as_bytes().into());
            if !is_strong {
                continue;
            }
            strong.insert(name.as_bytes().into());
            if !literals.iter().any(|l| name.contains(l.as_str())) {
                literals.push(name.to_string());
                checks.push(Check::Name);
            }
        }
        if literals.len() > MAX_LITERALS {
            return None;
        }
        let inner = literals
            .iter()
            .map(|literal| {
                WORDS
                    .iter()
                    .flat_map(|(word, check)| {
                        literal
                            .match_indices(word)
                            .filter(move |_| literal != word)
                            .map(move |(at, _)| (at, word.len(), *check))
                    })
                    .collect()
            })
            .collect();
        let mut searcher = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder();
        searcher.extend(&literals);
        // `None` without a SIMD searcher for this machine.
        let literals = searcher.build()?;
        Some(Screen {
            literals,
            checks,
            short: SHORT
                .iter()
                .map(|(literal, check)| (memchr::memmem::Finder::new(literal.as_bytes()), *check))
                .collect(),
            inner,
            strong,
            all,
        })
    }

    /// Literals added for names the built-in list does not cover.
    #[cfg(test)]
    fn extra_literals(&self) -> usize {
        self.checks.len() - LITERALS.len() - WORDS.len()
    }

    /// Which parts of the extraction can find a code in `line`: the format
    /// rules, the symbolic names, both or neither.
    pub fn verdict(&self, line: &[u8]) -> Verdict {
        let mut verdict = Verdict::default();
        for m in self.literals.find_iter(line) {
            let (s, e) = (m.start(), m.end());
            let pattern = m.pattern().as_usize();
            verdict |= self.check(self.checks[pattern], line, s, e);
            for &(at, len, check) in &self.inner[pattern] {
                verdict |= self.check(check, line, s + at, s + at + len);
            }
            if verdict.formats && verdict.names {
                break;
            }
        }
        for (finder, check) in &self.short {
            if verdict.formats {
                break;
            }
            for s in finder.find_iter(line) {
                verdict |= self.check(*check, line, s, s + finder.needle().len());
            }
        }
        // A generic key lets the line through as a format line only if
        // nothing stronger did; `generic_key` then says the rules wait on
        // the caller's context test.
        if verdict.formats {
            verdict.generic_key = false;
        } else if verdict.generic_key {
            verdict.formats = true;
        }
        verdict
    }

    fn check(&self, check: Check, line: &[u8], s: usize, e: usize) -> Verdict {
        let name = || self.in_name(line, s, e);
        match check {
            Check::Pass => Verdict::BOTH,
            Check::Number => Verdict::formats(starts_number(&line[e..])),
            Check::Received => {
                let rest = &line[e..];
                Verdict::formats(
                    starts_number(rest)
                        || rest.starts_with(b"message 8:")
                        || rest.starts_with(b"message WSMsgType.CLOSE:"),
                )
            }
            Check::CloseWord => Verdict {
                formats: close_number(line, s, e),
                names: name() || self.qualified_name(&line[e..], qualifier_end(&line[e..], true)),
                generic_key: false,
            },
            Check::Key => {
                let value = key_value(line, s, e);
                Verdict {
                    formats: value == KeyValue::Close,
                    names: name() || self.qualified_name(&line[e..], key_qualifier_end(&line[e..])),
                    generic_key: value == KeyValue::Generic,
                }
            }
            Check::Invalid => Verdict {
                formats: line.get(e) == Some(&b' '),
                names: name(),
                generic_key: false,
            },
            Check::Name => Verdict::names(name()),
            Check::Near => Verdict::formats(near_code(line, s, e)),
        }
    }

    /// True when the word around `line[s..e]` is a symbolic name.
    fn in_name(&self, line: &[u8], s: usize, e: usize) -> bool {
        let (start, end) = word_around(line, s, e);
        self.strong.contains(&line[start..end])
    }

    /// True when a name follows the qualifier that ends at `at` in `rest`.
    fn qualified_name(&self, rest: &[u8], at: Option<usize>) -> bool {
        at.is_some_and(|at| {
            let len = rest[at..].iter().take_while(|b| is_word(**b)).count();
            let word = &rest[at..at + len];
            self.all.contains(word)
                // `CloseReason(reason=NORMAL, …)`: a key inside the qualifier.
                || [&b"reason"[..], b"code", b"status"].contains(&word) && {
                    let after = &rest[at + len..];
                    qualifier_end(after, false).is_some_and(|next| {
                        let len = after[next..].iter().take_while(|b| is_word(**b)).count();
                        self.all.contains(&after[next..next + len])
                    })
                }
        })
    }
}

/// True when `word` occurs in `text` (both short: no searcher to build).
fn contains(text: &[u8], word: &[u8]) -> bool {
    text.windows(word.len()).any(|w| w == word)
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The word (letters, digits, `_`) that `line[s..e]` lies in.
fn word_around(line: &[u8], s: usize, e: usize) -> (usize, usize) {
    let start = s - line[..s].iter().rev().take_while(|b| is_word(**b)).count();
    let end = e + line[e..].iter().take_while(|b| is_word(**b)).count();
    (start, end)
}

/// The rules never take a number from a URL path or query (`/close`,
/// `&code=`): the word starting at `start` follows one of those.
fn in_url(line: &[u8], start: usize) -> bool {
    start > 0 && matches!(line[start - 1], b'/' | b'?' | b'&')
}

/// A number starts here (`1006`, `-1`).
fn starts_number(rest: &[u8]) -> bool {
    match rest {
        [d, ..] if d.is_ascii_digit() => true,
        [b'-', d, ..] => d.is_ascii_digit(),
        _ => false,
    }
}

/// The digits at the start of `rest`.
fn digits(rest: &[u8]) -> &[u8] {
    let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    &rest[..n]
}

/// A close word at `line[s..e]` with a code after it, as the prose rule,
/// the `close=` key and Jetty's `{1001=SHUTDOWN,…}` take one: the word
/// starts a word (after `on`, `ws` or `websocket` at most); the first number
/// within reach has four digits, 1000-4999 (or any after `{`), is not a
/// quantity, and follows a separator those rules allow.
fn close_number(line: &[u8], s: usize, e: usize) -> bool {
    let (word_start, _) = word_around(line, s, e);
    // The keyword starts one letter before the literal (`c`+`los`,
    // `d`+`isconnect`); `lost` at the start of a word is no close word.
    if s == word_start {
        return false;
    }
    let keyword = s - 1;
    let prefix = &line[word_start..keyword];
    let prefix = prefix.strip_suffix(b"_").unwrap_or(prefix);
    let allowed = [&b""[..], b"on", b"ws", b"websocket"];
    if in_url(line, word_start) {
        return false;
    }
    // `1001:close`, `1006 Going away (closed)`: a number the evidence
    // weighs near a close word, on either side.
    if number_just_before(line, word_start) || near_code_before(line, word_start) {
        return true;
    }
    // The evidence reads close words inside any identifier (`_onClose`,
    // `Invalidclose`): a number it could take lets the line through.
    let window = &line[e..line.len().min(e + WORD_REACH)];
    if !allowed.iter().any(|p| prefix.eq_ignore_ascii_case(p)) {
        // `max_lifetime_closed=3300`: the value of another field.
        return evidence_number(line, e, window.len()) && !other_field_number(line, e, window);
    }
    let Some(p) = window.iter().position(u8::is_ascii_digit) else {
        return false;
    };
    let at = e + p;
    let number = digits(&line[at..]);
    let before = line[at - 1];
    if before == b'{' {
        return number.len() == 4;
    }
    let gap = &line[e..at];
    let separated = matches!(
        before,
        b':' | b'#' | b'(' | b'[' | b'=' | b'>' | b'"' | b'\'' | b' ' | b'\t'
    ) || !before.is_ascii_alphanumeric()
        && [&b"ode"[..], b"ODE", b"tatus", b"TATUS"]
            .iter()
            .any(|w| contains(gap, w));
    number.len() == 4
        && (b'1'..=b'4').contains(&number[0])
        && (separated || evidence_number(line, e, window.len()))
        && !super::lexical::is_quantity(line, at + 4)
}

/// The first number after `e` is the value of a field that is not a
/// close-code key (`max_lifetime_closed=3300`).
fn other_field_number(line: &[u8], e: usize, window: &[u8]) -> bool {
    window
        .iter()
        .position(u8::is_ascii_digit)
        .is_some_and(|p| super::lexical::is_other_field(line, e + p))
}

/// A code-like number within [`NEAR_REACH`] bytes before `start` (the
/// evidence reads `1012 Service Restart, closing` from the number).
fn near_code_before(line: &[u8], start: usize) -> bool {
    // `near_code` on the line cut at `start` looks only backwards.
    start > 0 && near_code(&line[..start], start, start)
}

/// A code-like number ends at most four separator bytes before `start`.
fn number_just_before(line: &[u8], start: usize) -> bool {
    let gap = line[..start]
        .iter()
        .rev()
        .take(5)
        .take_while(|b| !b.is_ascii_alphanumeric())
        .count();
    let end = start - gap;
    let run = line[..end]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    run == 4 && (b'1'..=b'4').contains(&line[end - 4])
}

/// The first number in `line[e..e + reach]` is one the evidence could take
/// after a close word: four digits 1000-4999, not glued to a word before it,
/// not a quantity.
fn evidence_number(line: &[u8], e: usize, reach: usize) -> bool {
    let window = &line[e..e + reach];
    let Some(p) = window.iter().position(u8::is_ascii_digit) else {
        return false;
    };
    let at = e + p;
    let number = digits(&line[at..]);
    let before = line[at - 1];
    number.len() == 4
        && (b'1'..=b'4').contains(&number[0])
        && !before.is_ascii_alphanumeric()
        && !matches!(
            before,
            b'/' | b'?' | b'&' | b'.' | b'$' | b'%' | b'+' | b'-' | b'_'
        )
        && !super::lexical::is_quantity(line, at + 4)
}

/// A four-digit number 1000-4999, standing alone, within [`NEAR_REACH`]
/// bytes before `s` or after `e`.
fn near_code(line: &[u8], s: usize, e: usize) -> bool {
    let from = s.saturating_sub(NEAR_REACH);
    let to = line.len().min(e + NEAR_REACH);
    let mut at = from;
    while at < to {
        let Some(p) = line[at..to].iter().position(u8::is_ascii_digit) else {
            break;
        };
        let start = at + p;
        let run = digits(&line[start..]).len();
        // Not a part of a time, a date, an address or a decimal.
        let alone_before = start == 0
            || !(line[start - 1].is_ascii_alphanumeric()
                || matches!(line[start - 1], b'.' | b':' | b'/' | b'-')
                    && start >= 2
                    && line[start - 2].is_ascii_digit());
        let alone_after = match &line[start + run..] {
            [] => true,
            [b'.' | b':' | b'/' | b'-' | b'T', d, ..] => !d.is_ascii_digit(),
            [b, ..] => !b.is_ascii_alphanumeric(),
        };
        if run == 4 && (b'1'..=b'4').contains(&line[start]) && alone_before && alone_after {
            return true;
        }
        at = start + run;
    }
    false
}

/// After a qualifier word: a separator, and where the name after it would
/// start (`close: .normal`, `code = Away`, `Status.GOING_AWAY`,
/// `CloseCodes::Normal`). With `rest_of_word`, the word's remaining letters
/// are skipped first.
fn qualifier_end(rest: &[u8], rest_of_word: bool) -> Option<usize> {
    let mut at = 0;
    if rest_of_word {
        at += rest.iter().take_while(|b| is_word(**b)).count();
    }
    let gap = spaces(&rest[at..]);
    at += gap;
    match rest.get(at) {
        Some(b':' | b'=' | b'.' | b'(' | b'\'') => at += 1,
        Some(b'?') if rest.get(at + 1) == Some(&b'.') => at += 2,
        // Prose: `status MessageTooBig`, `with status "PolicyViolation"`.
        Some(b'"') if gap > 0 => at += 1,
        Some(b) if gap > 0 && b.is_ascii_alphabetic() => return Some(at),
        _ => return None,
    }
    while matches!(rest.get(at), Some(b':' | b'.')) {
        at += 1;
    }
    at += spaces(&rest[at..]);
    if rest.get(at) == Some(&b'.') {
        at += 1;
    }
    rest.get(at)
        .is_some_and(u8::is_ascii_alphabetic)
        .then_some(at)
}

fn spaces(rest: &[u8]) -> usize {
    rest.iter().take_while(|b| b.is_ascii_whitespace()).count()
}

/// Where a key's value part starts: after a plural `s` and a closing quote.
fn key_end(rest: &[u8]) -> usize {
    let mut at = usize::from(rest.first() == Some(&b's'));
    // A key inside a JSON string holding JSON: `{\"code\":4001}`.
    if rest.get(at) == Some(&b'\\') && matches!(rest.get(at + 1), Some(b'"')) {
        at += 1;
    }
    if matches!(rest.get(at), Some(b'"' | b'\'')) {
        at += 1;
    }
    // A key in brackets: `[Symbol(kCode)]: 1006`, `["code"]: 1006`.
    while at < 4 && matches!(rest.get(at), Some(b')' | b']')) {
        at += 1;
    }
    at
}

/// `code`/`status` as a qualifier of a name (`code: Away`,
/// `CloseCodes::Normal`): where the name would start.
fn key_qualifier_end(rest: &[u8]) -> Option<usize> {
    let from = key_end(rest);
    qualifier_end(&rest[from..], false).map(|at| from + at)
}

/// `code`/`status` at `line[s..e]` as a key: a separator and a number that
/// some rule takes. Four digits from 1000 to 4999 always can be a code; any
/// number can when a close word is part of the key (`close_code=999`) or
/// in Python websockets' `code = 999 (…)`.
/// What a `code`/`status` key holds, as far as the screen can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyValue {
    /// No value some rule takes.
    No,
    /// A code-like value under a plain key: a close code only on a line
    /// or record about a close.
    Generic,
    /// A value under a key that says close (`close_status_code=999`), or in
    /// Python websockets' `code = 999 (…)` spacing.
    Close,
}

fn key_value(line: &[u8], s: usize, e: usize) -> KeyValue {
    let rest = &line[e..];
    let mut at = key_end(rest);
    let (word_start, _) = word_around(line, s, e);
    if in_url(line, word_start) {
        return KeyValue::No;
    }
    let before_sep = spaces(&rest[at..]);
    at += before_sep;
    if named_bracket(&rest[at..]) {
        return KeyValue::Generic;
    }
    let sep = match &rest[at..] {
        [b'=', b'>', ..] => 2,
        [b':' | b'=', ..] => 1,
        // `code is 1006`, `code of 4013`, `status was 1001`.
        [a, b, c, ..] if before_sep > 0 && c.is_ascii_whitespace() && is_link(&[*a, *b]) => 2,
        [a, b, c, d, ..] if before_sep > 0 && d.is_ascii_whitespace() && is_link(&[*a, *b, *c]) => {
            3
        }
        [b'i', b's', c, ..] if c.is_ascii_whitespace() => 2,
        // `error code 4001`: a space is the separator, for a plain code.
        [d, ..] if d.is_ascii_digit() && before_sep > 0 => 0,
        // `close status code '999'`: a quoted value after a space.
        [b'\'' | b'"', d, ..] if d.is_ascii_digit() && before_sep > 0 => 0,
        _ => return KeyValue::No,
    };
    let spaced_eq = rest[at] == b'=' && before_sep > 0;
    at += sep;
    let after_sep = spaces(&rest[at..]);
    at += after_sep;
    if matches!(rest.get(at), Some(b'"' | b'\'' | b'[' | b'(')) {
        at += 1;
    }
    if rest.get(at) == Some(&b'-') {
        at += 1;
    }
    let number = digits(&rest[at..]);
    if number.is_empty() || number.len() > 6 {
        return KeyValue::No;
    }
    let plain_code = number.len() == 4 && (b'1'..=b'4').contains(&number[0]);
    // The identifier before the key, within reach: `close_status_`, `Close`.
    let from = s.saturating_sub(KEY_CONTEXT);
    let glued = line[from..s]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'.' | b'-' | b' '))
        .count();
    let key = &line[s - glued..s];
    let close_key = (contains(key, b"los") || contains(key, b"LOS")) && !in_url(line, s - glued);
    if close_key || spaced_eq && after_sep > 0 {
        KeyValue::Close
    } else if plain_code {
        KeyValue::Generic
    } else {
        KeyValue::No
    }
}

/// A word that joins a key to its value, as the evidence reads it.
fn is_link(word: &[u8]) -> bool {
    [&b"of"[..], b"is", b"was"]
        .iter()
        .any(|l| l.eq_ignore_ascii_case(word))
}

/// After a key: a name, then its number in brackets (`UNCONFORMED (1002)`,
/// `: GOING_AWAY (1001)`), as the evidence takes them.
fn named_bracket(rest: &[u8]) -> bool {
    let lead = rest
        .iter()
        .take(8)
        .take_while(|b| !b.is_ascii_alphanumeric() && !matches!(b, b'\n' | b'\r'))
        .count();
    let rest = &rest[lead..];
    if !rest.first().is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    let len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphabetic() || **b == b'_')
        .count();
    let after = &rest[len..];
    after.starts_with(b" (") && digits(&after[2..]).len() == 4 && after.get(6) == Some(&b')')
}

#[cfg(test)]
mod tests;
