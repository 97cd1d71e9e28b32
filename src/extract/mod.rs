//! Finding close codes in a line of a log.
//!
//! Cheap before expensive: one Aho-Corasick automaton of context anchors
//! (`close`, `socket`, `disconnect`, Python websockets' `received 1…`, …)
//! decides whether a line can hold a close code at all, and it runs over whole
//! buffers, not line by line ([`Extractor::next_candidate`]). A candidate
//! line then meets the [`screen`], a literal search with a few byte
//! checks, and only a line that passes meets the format regex and the
//! symbolic-name automaton (each only when the screen saw something for it).
//!
//! Precision first: a number counts only in a close-code context taken from
//! the formats real libraries print (see `fixtures/formats.tsv`), and never
//! when it is a port, a duration, a size or a count. Numbers outside
//! 1000-4999 are only reported when the line itself says they are close codes.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::{Captures, Regex, RegexBuilder};
use regex_automata::meta;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};

use crate::codes::{self, Alias, Category, CodeView};
use crate::error::Error;
mod direction;
pub mod evidence;
mod finding;
mod formats;
mod lexical;
mod names;
mod reason;
mod record;
mod rules;
pub mod screen;
mod words;

pub use direction::{direction, Direction};
pub use finding::{Basis, Finding};
pub(crate) use names::screen_names;
use names::*;
pub use reason::reason_text;
use reason::*;
pub use record::{
    continues_record, follows, opens_record, record_before, RECORD_BYTES, RECORD_LINES,
};
use rules::*;

use formats::{Rule, Sign, Strength, Value, CODE_AT_END, RULES};
use lexical::{continues_token, is_other_field, is_port, is_quantity, is_word_byte};

use screen::{Screen, Verdict};

/// The extractor: built once, shared by every thread.
pub struct Extractor {
    prefilter: AhoCorasick,
    /// Every rule as a pattern of its own: one search finds the leftmost
    /// match and says which rule it is, without resolving any group.
    formats: meta::Regex,
    /// Per rule: its regex alone, run on its match only to read the groups.
    /// A small automaton there costs a fraction of resolving groups in all
    /// rules at once. Built when the rule first matches.
    rule_groups: Vec<OnceLock<RuleGroups>>,
    close_event: Regex,
    ws_word: Regex,
    close_word: Regex,
    error_word: Regex,
    /// Words without which a plain `code` key on a line of its own is no
    /// close code: close and WebSocket words, `reason`.
    context_words: AhoCorasick,
    reason: Regex,
    /// A `reason` key with its separator, empty value or not.
    reason_field: Regex,
    /// `reason` in any case: what [`REASON`] needs before it can match.
    reason_word: AhoCorasick,
    names: AhoCorasick,
    /// Per alias: whether it needs a qualifier ([`needs_qualifier`]).
    weak_names: Vec<bool>,
    /// The symbolic names `names` was built from: the built-in aliases plus
    /// those of installed code tables ([`codes::aliases`]), taken once so
    /// pattern indices stay valid.
    aliases: &'static [Alias],
    /// `--pattern` regexes.
    user: Vec<Regex>,
    /// The cheap test before the rules; `None` scans every candidate.
    pub(crate) screen: Option<Screen>,
    qualifier: Regex,
    /// For names of two words or more (`MessageTooBig`): prose will do
    /// (`Close status MessageTooBig`, `with status "PolicyViolation"`).
    loose_qualifier: Regex,
    jetty_spring: Regex,
}

impl Extractor {
    /// Builds the extractor with the user's own `--pattern` regexes, each of
    /// which must have a named group `code` (and may have `reason`).
    pub fn new(user_patterns: &[String]) -> Result<Extractor, Error> {
        let prefilter = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(ANCHORS)
            .expect("anchors are valid literals");
        // Only ever searched for bounds and the rule: no engine that
        // resolves groups is needed.
        let formats = bytes_regex(meta::Config::new().onepass(false).backtrack(false))
            .build_many(&RULES.iter().map(|r| r.regex).collect::<Vec<_>>())
            .expect("built-in format regexes are valid");
        let rule_groups = RULES.iter().map(|_| OnceLock::new()).collect();
        let aliases = codes::aliases();
        let names = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .prefilter(false)
            .build(aliases.iter().map(|a| a.name))
            .expect("alias names are valid literals");
        let mut user = Vec::with_capacity(user_patterns.len());
        for pattern in user_patterns {
            let regex = RegexBuilder::new(pattern)
                .size_limit(16 << 20)
                .dfa_size_limit(16 << 20)
                .build()
                .map_err(|e| Error::Pattern {
                    pattern: pattern.clone(),
                    reason: e.to_string(),
                })?;
            if !regex.capture_names().any(|n| n == Some("code")) {
                return Err(Error::Pattern {
                    pattern: pattern.clone(),
                    reason: "it has no named group 'code', e.g. (?P<code>\\d+)".into(),
                });
            }
            user.push(regex);
        }
        let build = |re: &str| {
            RegexBuilder::new(re)
                .unicode(false)
                .build()
                .expect("built-in regex is valid")
        };
        Ok(Extractor {
            prefilter,
            formats,
            rule_groups,
            close_event: build(CLOSE_EVENT),
            ws_word: build(WS_WORD),
            close_word: build(&format!(
                "{CLOSE_WORD}|{}",
                lexical::FOREIGN_CLOSE.join("|")
            )),
            error_word: build(ERROR_WORD),
            context_words: AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(CONTEXT_WORDS.iter().chain(lexical::FOREIGN_CLOSE))
                .expect("literals"),
            reason: build(REASON),
            reason_field: build(r#"(?i:\breason\\?["']?\s*(?:[:=]|=>))"#),
            reason_word: AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(["reason"])
                .expect("a literal"),
            screen: if user.is_empty() {
                Screen::new(screen_names())
            } else {
                None
            },
            names,
            weak_names: aliases.iter().map(|a| needs_qualifier(a.name)).collect(),
            aliases,
            user,
            qualifier: build(
                r"(?:\b(?:code|Code|CODE|status|Status|CloseCodes?|CloseStatus|StatusCode|WSCloseCode|WebSocketCloseStatus|closeCode|closeStatus|close_code|close_status)\s*(?:::|\.|:|=|\?\.)\s*\.?|\bCloseReason\(reason=|\bclose(?:d|_code|Code)?\s*[:=(]\s*\.?|(?i:close status code) '|didCloseWith:? )$",
            ),
            loose_qualifier: build(
                r#"(?:(?i:\b(?:status|code))\s+["']?|(?i:\bwith\s+(?:status\s+)?)["']?\.?)$"#,
            ),
            jetty_spring: build(
                r"(?i)(?P<jetty>jetty|StatusCode\.)|(?P<spring>spring|CloseStatus\.)",
            ),
        })
    }

    /// The same extractor without its screen: every candidate line meets the
    /// rules. For tests that check the screen never changes a result; only
    /// with the test-only `internals` feature.
    #[cfg(any(test, feature = "internals"))]
    pub fn unscreened(mut self) -> Extractor {
        self.screen = None;
        self
    }

    /// True when `--pattern` regexes are in use: they can match lines with no
    /// anchor, so every line is a candidate.
    pub fn scans_every_line(&self) -> bool {
        !self.user.is_empty()
    }

    /// The offset of the first place at or after `from` in `haystack` where a
    /// close code could be, or `None`. Lines with no such place hold no code.
    #[inline]
    pub fn next_candidate(&self, haystack: &[u8], from: usize) -> Option<usize> {
        if self.scans_every_line() {
            return (from < haystack.len()).then_some(from);
        }
        self.prefilter
            .find(aho_corasick::Input::new(haystack).span(from..haystack.len()))
            .map(|m| m.start())
    }

    /// Every distinct close code on `line` (without its line ending), in order
    /// of first appearance, appended to `out`. `out` is the caller's, so a
    /// scan over millions of lines reuses one allocation.
    ///
    /// ```
    /// use wscode_annotate::extract::Extractor;
    ///
    /// let extractor = Extractor::new(&[]).unwrap();
    /// let mut found = Vec::new();
    /// let line = b"ConnectionClosedError: sent 1011 (internal error) keepalive ping timeout";
    /// extractor.extract(line, &mut found);
    /// assert_eq!(found[0].code, 1011);
    /// let reason = found[0].reason.clone().unwrap();
    /// assert_eq!(&line[reason], b"keepalive ping timeout");
    ///
    /// // Numbers that are not close codes give nothing: a byte count, a port.
    /// found.clear();
    /// extractor.extract(b"\"GET /items HTTP/1.1\" 200 1011 to 10.0.0.1:1006", &mut found);
    /// assert!(found.is_empty());
    /// ```
    pub fn extract(&self, line: &[u8], out: &mut Vec<Finding>) {
        if self.scans_every_line() || self.prefilter.find(line).is_some() {
            self.extract_candidate(line, out);
        }
    }

    /// [`Extractor::extract`] for a line already known to be a candidate
    /// (the scanner found it with [`Extractor::next_candidate`]).
    pub(crate) fn extract_candidate(&self, line: &[u8], out: &mut Vec<Finding>) {
        self.extract_in_record(line, b"", out);
    }

    /// [`Extractor::extract`] for a line known to be a candidate, with the bytes before it
    /// in the input (`before`, ending with the previous line's newline, or
    /// empty): a multi-line dump (`CloseEvent {` … `  code: 1006,`) says on
    /// its first lines what a bare `code` on a later one is. Only the lines
    /// of the same record are read (see [`record_before`]), at most
    /// [`RECORD_LINES`] of them and [`RECORD_BYTES`] bytes.
    ///
    /// ANSI colour escapes are seen through: the codes are found in the
    /// line as a person reads it, and spans point into `line` as given.
    pub fn extract_in_record(&self, line: &[u8], before: &[u8], out: &mut Vec<Finding>) {
        if memchr::memchr(0x1b, line).is_some() {
            if let Some((plain, map)) = lexical::without_ansi(line) {
                let start = out.len();
                self.extract_plain(&plain, before, out);
                for f in &mut out[start..] {
                    f.span = map_span(&map, f.span.clone());
                    f.reason = f.reason.clone().map(|r| map_span(&map, r));
                }
                return;
            }
        }
        self.extract_plain(line, before, out);
    }

    fn extract_plain(&self, line: &[u8], before: &[u8], out: &mut Vec<Finding>) {
        let start = out.len();
        if self.scans_every_line() {
            self.extract_user(line, out);
            if self.prefilter.find(line).is_none() {
                return self.finish(start, out);
            }
        }
        let mut verdict = self
            .screen
            .as_ref()
            .map_or(Verdict::BOTH, |screen| screen.verdict(line));
        // `"code":1005` on a billing line: a plain key counts only on a line
        // or record about a WebSocket, told here by a literal search, before
        // any regex runs on the line.
        if verdict.generic_key && !self.context_words.is_match(line) && !follows(line, before) {
            verdict.formats = false;
        }
        let mut has_context: Option<bool> = None;
        // The line's `reason=` key, looked for once: a line with thousands
        // of codes must not be searched again for each.
        let mut line_reason: Option<Option<Range<usize>>> = None;
        let mut at = if verdict.formats { 0 } else { line.len() };
        // A rejected match resumes one byte later rather than after itself,
        // so a weak rule's match cannot hide an explicit one that starts
        // inside it ("closed close_code=5000").
        while at < line.len() {
            // A window, not the rest of the line: a reason group runs to
            // the end of the line, and a line with thousands of codes would
            // be searched to its end again for each.
            let end = line.len().min(at + SEARCH_WINDOW);
            let Some(whole) = self.formats.search(&Input::new(line).span(at..end)) else {
                if end == line.len() {
                    break;
                }
                at = end - SEARCH_OVERLAP;
                continue;
            };
            let index = whole.pattern().as_usize();
            let rule = &RULES[index];
            let groups = self.rule_groups[index].get_or_init(|| RuleGroups::new(rule));
            let Some(found) = groups.read(line, whole.range()) else {
                at = whole.start() + 1;
                continue;
            };
            let (cs, ce) = (found.code.start, found.code.end);
            let value = match rule.value {
                Value::Decimal => parse_code(&line[cs..ce]),
                Value::PyBytes => parse_py_bytes(&line[cs..ce]),
            };
            let glued = rule.value == Value::Decimal && continues_token(&line[ce..]);
            // `/sessions/42/close status=200`, `?q=close&code=1000`: a path
            // segment or a query parameter, not a close code.
            let in_url = whole.start() > 0 && matches!(line[whole.start() - 1], b'/' | b'?' | b'&')
                || lexical::is_nserror_code(line, cs);
            let accepted = value.filter(|&code| {
                let valid = (1000..=4999).contains(&code);
                if glued || in_url {
                    return false;
                }
                match rule.strength {
                    Strength::Explicit => true,
                    Strength::Keyword => {
                        valid
                            && cs - whole.start() <= KEYWORD_REACH
                            && !is_quantity(line, ce)
                            && !is_port(line, cs)
                            && !is_other_field(line, cs)
                    }
                    Strength::Contextual => {
                        valid
                            && !is_quantity(line, ce)
                            && !is_port(line, cs)
                            && *has_context
                                .get_or_insert_with(|| self.record_about_a_close(line, before))
                    }
                }
            });
            let Some(code) = accepted else {
                at = whole.start() + 1;
                continue;
            };
            // A format with its own reason syntax does not borrow a
            // `reason=` key meant for another code on the line.
            let own_reason = groups.reason.is_some();
            let reason = match found.reason {
                Some(r) => r,
                None => line_reason
                    .get_or_insert_with(|| self.reason_key(line))
                    .clone(),
            };
            push(
                out,
                start,
                Finding::new(
                    code,
                    cs..ce,
                    reason.and_then(|r| trim_reason(line, r)),
                    rule.rejected,
                    Basis::Format(rule.group),
                ),
                own_reason,
            );
            // After a weak rule, look again inside its match: a library's
            // format there ("closed with CloseStatus[code=1008, reason=…]")
            // carries the better reason.
            at = match rule.strength {
                Strength::Explicit => ce.max(whole.start() + 1),
                _ => whole.start() + 1,
            };
        }
        if verdict.formats {
            self.extract_evidence(line, before, start, out, &mut line_reason);
        }
        if verdict.names {
            self.extract_names(line, start, out);
        }
        self.finish(start, out);
    }

    /// Every four-digit number no format claimed, weighed by what stands
    /// around it ([`evidence`]).
    fn extract_evidence(
        &self,
        line: &[u8],
        before: &[u8],
        start: usize,
        out: &mut Vec<Finding>,
        line_reason: &mut Option<Option<Range<usize>>>,
    ) {
        out[start..].sort_by_key(|f| f.span.start);
        let mut claimed: Vec<Range<usize>> = out[start..].iter().map(|f| f.span.clone()).collect();
        // This tool's own annotations (`⟪ws 1000 Normal Closure⟫`, when
        // output is read again) are no evidence about the line.
        if memchr::memmem::find(line, "⟪ws".as_bytes()).is_some() {
            let mut at = 0;
            while let Some(p) = memchr::memmem::find(&line[at..], "⟪ws".as_bytes()) {
                let open = at + p;
                let close = memchr::memmem::find(&line[open..], "⟫".as_bytes())
                    .map_or(line.len(), |q| open + q);
                claimed.push(open..close);
                at = close.max(open + 1);
            }
            claimed.sort_by_key(|r| r.start);
        }
        let mut next_claim = 0;
        let mut ctx = LineContext {
            extractor: self,
            line,
            before,
            about: None,
            reason_key: None,
            websocket: None,
        };
        let mut at = 0;
        while let Some(p) = line[at..].iter().position(u8::is_ascii_digit) {
            let s = at + p;
            let e = s + line[s..].iter().take_while(|b| b.is_ascii_digit()).count();
            at = e;
            if e - s != 4 {
                continue;
            }
            while next_claim < claimed.len() && claimed[next_claim].end <= s {
                next_claim += 1;
            }
            if claimed.get(next_claim).is_some_and(|c| c.start < e) {
                continue;
            }
            let Some(why) = evidence::weigh(line, s, e, &mut ctx) else {
                continue;
            };
            let Some(code) = parse_code(&line[s..e]) else {
                continue;
            };
            let reason = line_reason
                .get_or_insert_with(|| self.reason_key(line))
                .clone()
                .and_then(|r| trim_reason(line, r));
            push(
                out,
                start,
                Finding::new(code, s..e, reason, false, Basis::Evidence(why)),
                false,
            );
        }
    }

    /// Whether `line` (a candidate) can head a record whose later lines
    /// carry its code (`Disconnected:`, `CloseEvent {`, `[CLOSE]`): it is
    /// about a close.
    pub fn heads_record(&self, line: &[u8]) -> bool {
        self.close_word.is_match(line) || self.about_a_close(line)
    }

    /// Whether the line, or the record it belongs to, is about a close (for
    /// bare keys). A record headed by a close line (`Shard 0 disconnected:`)
    /// is, even without a WebSocket word.
    fn record_about_a_close(&self, line: &[u8], before: &[u8]) -> bool {
        if self.about_a_close(line) {
            return true;
        }
        let record = record_before(line, before);
        self.about_a_close(record) || self.close_word.is_match(record)
    }

    /// Whether the line is about a WebSocket close or a WebSocket error
    /// (for generic keys).
    fn about_a_close(&self, line: &[u8]) -> bool {
        !line.is_empty()
            && (self.close_event.is_match(line)
                || self.ws_word.is_match(line)
                    && (self.close_word.is_match(line) || self.error_word.is_match(line)))
    }

    /// Symbolic names: `StatusGoingAway`, `code: Away`, `CloseStatus.SERVER_ERROR`.
    fn extract_names(&self, line: &[u8], start: usize, out: &mut Vec<Finding>) {
        let mut context: Option<bool> = None;
        let mut line_reason: Option<Option<Range<usize>>> = None;
        // Standard semantics with overlapping matches: the fastest DFA loop;
        // "NORMAL" inside "NORMAL_CLOSURE" is dropped by the boundary check.
        let mut state = aho_corasick::automaton::OverlappingState::start();
        loop {
            self.names.find_overlapping(line, &mut state);
            let Some(m) = state.get_match() else { break };
            let (s, e) = (m.start(), m.end());
            if s > 0 && is_word_byte(line[s - 1]) || continues_token(&line[e..]) {
                continue;
            }
            let alias = m.pattern().as_usize();
            if self.weak_names[alias] {
                let before = &line[s.saturating_sub(40)..s];
                let qualified = self.qualifier.is_match(before)
                    || !is_one_word(self.aliases[alias].name)
                        && self.loose_qualifier.is_match(before);
                if !qualified {
                    continue;
                }
            }
            let about_websockets = *context.get_or_insert_with(|| {
                self.ws_word.is_match(line) || self.close_word.is_match(line)
            });
            if !about_websockets {
                return;
            }
            let Some(code) = self.resolve_name(self.aliases[alias].name, line) else {
                continue;
            };
            push(
                out,
                start,
                Finding::new(
                    u32::from(code),
                    s..e,
                    line_reason
                        .get_or_insert_with(|| self.reason_key(line))
                        .clone()
                        .and_then(|r| trim_reason(line, r)),
                    false,
                    Basis::Name,
                ),
                false,
            );
        }
    }

    /// The code a name stands for; `None` when libraries disagree and the
    /// line does not say which library printed it (`BAD_DATA`).
    fn resolve_name(&self, name: &str, line: &[u8]) -> Option<u16> {
        let mut codes = self.aliases.iter().filter(|a| a.name == name);
        let first = codes.next()?;
        if codes.clone().all(|a| a.code == first.code) {
            return Some(first.code);
        }
        let caps = self.jetty_spring.captures(line)?;
        let library = if caps.name("jetty").is_some() {
            "jetty"
        } else {
            "spring"
        };
        std::iter::once(first)
            .chain(codes)
            .find(|a| a.library == library)
            .map(|a| a.code)
    }

    fn extract_user(&self, line: &[u8], out: &mut Vec<Finding>) {
        let start = out.len();
        for regex in &self.user {
            for caps in regex.captures_iter(line) {
                let Some(m) = caps.name("code") else { continue };
                let Some(code) = parse_code(m.as_bytes()) else {
                    continue;
                };
                let reason = caps.name("reason").map(|r| r.range());
                push(
                    out,
                    start,
                    Finding::new(
                        code,
                        m.range(),
                        reason.and_then(|r| trim_reason(line, r)),
                        false,
                        Basis::Pattern,
                    ),
                    true,
                );
            }
        }
    }

    fn reason_key(&self, line: &[u8]) -> Option<Range<usize>> {
        // A literal search first: the full pattern has no literal prefix
        // the regex engine can look for, and most lines have no reason.
        let word = self.reason_word.find(line)?;
        // Every match holds the word, at most `close_` after its start: no
        // match starts before the first word less that.
        let from = word.start().saturating_sub("close_".len());
        let caps: Captures<'_> = self.reason.captures_at(line, from)?;
        ["dq", "sq", "bare"]
            .iter()
            .find_map(|g| caps.name(g))
            .map(|m| m.range())
    }

    /// Keeps findings in order of position.
    fn finish(&self, start: usize, out: &mut [Finding]) {
        out[start..].sort_by_key(|f| f.span.start);
    }
}

/// Adds a finding unless the line already has one for the same code (a line
/// naming 1001 twice, as in "received 1001 …; then sent 1001 …", is one event).
/// A reason from the format itself (`own_reason`) beats one from a generic
/// `reason=` key.
fn push(out: &mut Vec<Finding>, start: usize, finding: Finding, own_reason: bool) {
    if let Some(prev) = out[start..].iter_mut().find(|f| f.code == finding.code) {
        if finding.rejected() {
            prev.mark_rejected();
        }
        if prev.reason.is_none() || own_reason && finding.reason.is_some() {
            prev.reason = finding.reason;
        }
        if finding.span.start < prev.span.start {
            prev.span = finding.span;
        }
        return;
    }
    out.push(finding);
}

/// A decimal number of at most 5 digits (a close code is 16 bits); longer
/// runs are ids, timestamps or sizes.
fn parse_code(digits: &[u8]) -> Option<u32> {
    let digits = digits.strip_prefix(b"-").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 5 {
        return None;
    }
    digits.iter().try_fold(0u32, |acc, &d| {
        d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
    })
}

/// The big-endian u16 in the first two bytes of a Python bytes repr:
/// `\x03\xe9` is 1001, `\x03\xe8` 1000, `\x0f\xa1` 4001.
fn parse_py_bytes(text: &[u8]) -> Option<u32> {
    let mut bytes = [0u8; 2];
    let mut rest = text;
    for byte in &mut bytes {
        let (value, used) = match rest {
            [b'\\', b'x', h, l, ..] => {
                let hex = |c: u8| (c as char).to_digit(16);
                (hex(*h)? * 16 + hex(*l)?, 4)
            }
            [b'\\', b't', ..] => (9, 2),
            [b'\\', b'n', ..] => (10, 2),
            [b'\\', b'r', ..] => (13, 2),
            [b'\\', c, ..] => (u32::from(*c), 2),
            [c, ..] => (u32::from(*c), 1),
            [] => return None,
        };
        *byte = u8::try_from(value).ok()?;
        rest = &rest[used..];
    }
    Some(u32::from(u16::from_be_bytes(bytes)))
}

/// A span of the line without escapes, in the line as given.
fn map_span(map: &[usize], span: Range<usize>) -> Range<usize> {
    let start = map[span.start];
    let end = if span.end > span.start {
        map[span.end - 1] + 1
    } else {
        start
    };
    start..end
}

/// What [`evidence::weigh`] asks about a line, each answered once.
struct LineContext<'x, 'a> {
    extractor: &'x Extractor,
    line: &'a [u8],
    before: &'a [u8],
    about: Option<bool>,
    reason_key: Option<bool>,
    websocket: Option<bool>,
}

impl evidence::Context for LineContext<'_, '_> {
    fn about_a_close(&mut self) -> bool {
        let (ex, line, before) = (self.extractor, self.line, self.before);
        *self
            .about
            .get_or_insert_with(|| ex.record_about_a_close(line, before))
    }

    fn has_reason_key(&mut self) -> bool {
        let (ex, line, before) = (self.extractor, self.line, self.before);
        *self.reason_key.get_or_insert_with(|| {
            ex.reason_field.is_match(line) || ex.reason_field.is_match(record_before(line, before))
        })
    }

    fn about_a_websocket(&mut self) -> bool {
        let (ex, line, before) = (self.extractor, self.line, self.before);
        *self.websocket.get_or_insert_with(|| {
            ex.ws_word.is_match(line) || ex.ws_word.is_match(record_before(line, before))
        })
    }
}

#[cfg(test)]
mod tests;
