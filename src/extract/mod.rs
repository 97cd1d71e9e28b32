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

use crate::codes::{self, describe, Alias, Category, Entry, Reconnect};
use crate::error::Error;
pub mod evidence;
mod formats;
mod lexical;
pub mod screen;

use formats::{Rule, Sign, Strength, Value, CODE_AT_END, RULES};
use lexical::{continues_token, is_other_field, is_port, is_quantity, is_word_byte};

use screen::{Screen, Verdict};

/// One close code found on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The number (a code outside 1000-4999 is kept: it is reported as invalid).
    pub code: u32,
    /// Where the number or name stands in the line.
    pub span: Range<usize>,
    /// The close reason carried by the line's format, if any.
    pub reason: Option<Range<usize>>,
    /// The line itself says the peer sent this code although it is not
    /// allowed on the wire (`invalid status code 1005`, `bad close code 1014`).
    pub rejected: bool,
    /// Why it was reported: the library format that matched (`format:gorilla`),
    /// a symbolic name (`name`), the evidence that decided
    /// (`evidence:close-key`, …) or the user's `pattern`.
    pub basis: Basis,
}

/// What decided that a number or name is a close code. JSON output names it
/// as `rule`, so a user who disagrees can see why and write a `--pattern`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// A library's own format (the row's id, e.g. `gorilla`, `spring`).
    Format(&'static str),
    /// A library's symbolic name for the code (`StatusGoingAway`).
    Name,
    /// The user's `--pattern`.
    Pattern,
    /// The evidence around a number no format claimed.
    Evidence(evidence::Why),
}

impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Basis::Format(id) => write!(f, "format:{id}"),
            Basis::Name => f.write_str("name"),
            Basis::Pattern => f.write_str("pattern"),
            Basis::Evidence(why) => f.write_str(why.rule()),
        }
    }
}

/// Context anchors. Every format the rules know contains one of these, so a
/// line without any of them cannot hold a close code. Case variants are
/// spelled out so the automaton stays case-sensitive (and SIMD-fast).
const ANCHORS: &[&str] = &[
    // close, closed, closing, closure, CloseFrame, CLOSE_…
    "los",
    "LOS",
    "isconnect",
    "ISCONNECT",
    // Words that make a `code=…` line about a close (see `CLOSE_WORD`).
    "erminat",
    "ropped",
    "eason",
    // Formats with no close word: Python websockets (`received 1011 (…)`,
    // `failing connection with code 1006`), rejected codes (Node ws, Java,
    // Netty, OkHttp), websocket-client's frame dump, Starscream, Node's
    // util.inspect of a CloseEvent.
    "eceived ",
    "with code",
    "nvalid ",
    "[1000,5000)",
    "may not be used",
    "RFC-6455",
    "WSError",
    "opcode=8",
    "Symbol(status-code",
    // Words that carry a code without a close word. Each starts with three
    // bytes rare in logs, because the SIMD search keys on them: `WebSocket`
    // (not `ocket`: `lock`, `block`, `clock`), an indented `code` key in a
    // multi-line dump, a Pusher event, `code` in Russian and Chinese, Erlang
    // terms (`{remote,1001,<<>>}`), SockJS close frames (`c[3000,"Go away!"]`)
    // and the browser's `… 1012 is neither.`
    "ebSocket",
    "ebsocket",
    "EBSOCKET",
    "pusher",
    "Pusher",
    "од",
    "码",
    "{remote,",
    "{:remote,",
    "c[1",
    "c[2",
    "c[3",
    "c[4",
    "neither",
    // Erlang terms (`{remote,1001,<<>>}`), SockJS close frames
    // (`c[3000,"Go away!"]`; three bytes each, as every anchor: a shorter
    // one makes the SIMD search verify far more false candidates) and the
    // browser's `… 1012 is neither.`

    // The annotation's closing bracket: a line that already ends like an
    // annotation must be seen, so the printer can keep stripping exact.
    "⟫",
];

/// How far after its keyword a [`Strength::Keyword`] number may stand. The
/// regex uses unbounded gaps (bounded repetitions blow up the lazy DFA) and
/// this limit is checked on the match instead.
const KEYWORD_REACH: usize = 48;

/// How far one search for a format looks from where it starts. Lines are
/// searched in windows this long, each starting [`SEARCH_OVERLAP`] before
/// the last one ended when it held no match: a reason longer than this is
/// cut (a close frame's own reason is at most 123 bytes), and a line with
/// thousands of codes costs a window per code rather than the rest of the
/// line per code.
const SEARCH_WINDOW: usize = 1024;
/// Longer than any format needs before its reason (a match accepted by
/// the keyword rules is at most [`KEYWORD_REACH`] plus the code long).
const SEARCH_OVERLAP: usize = 256;

/// Words that make a line "about a WebSocket close" for
/// [`Strength::Contextual`] rules: the close event's own names, or a
/// WebSocket word together with a close word.
const CLOSE_EVENT: &str = r"(?i:closeevent|(?:\b|_)on_?clos(?:e|ed|ing)\b|close[_ ]?frame|wserror|ws[_.\-]?close|websocket[_.\-]?close|close[_.\-]?code)";
const WS_WORD: &str = r"(?i:websocket|web_socket|\bwss?\b|\bwss?[_.\-:/]|socket\.io|signalr|sockjs|graphql-ws|\bstomp\b|pusher|actioncable|phoenix|centrifug)";
const CLOSE_WORD: &str =
    r"(?i:\bclos(?:e|ed|ing|ure)\b|disconnect|terminat|hang ?up|dropped|\breason\b)";

/// See `Extractor::context_words`: every word [`CLOSE_EVENT`], [`WS_WORD`]
/// and [`CLOSE_WORD`] hang on, and `reason`.
const CONTEXT_WORDS: &[&str] = &[
    "clos",
    "disconnect",
    "terminat",
    "hangup",
    "hang up",
    "dropped",
    "reason",
    "socket",
    "ws",
    "signalr",
    "sockjs",
    "graphql",
    "stomp",
    "pusher",
    "actioncable",
    "phoenix",
    "centrifug",
    "wserror",
];

const ERROR_WORD: &str = r"(?i:error|\bfail|exception)";

/// A reason key on the line: reason="token expired", "reason":"…", reason: '…'.
const REASON: &str = r#"(?i:\b(?:close_?)?reason(?:_?text)?)["']?\s*[:=]\s*(?:"(?P<dq>(?:[^"\\\r\n]|\\.)*)"|'(?P<sq>[^'\r\n]*)'|(?P<bare>[^\s,;}\])"']+))"#;

/// A regex builder for the built-in rules: bytes, ASCII classes (like
/// `RegexBuilder::unicode(false)`), with the engines `engines` allows.
fn bytes_regex(engines: meta::Config) -> meta::Builder {
    let mut builder = meta::Regex::builder();
    builder
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(engines.utf8_empty(false));
    builder
}

/// One rule's regex on its own, and where its groups are.
struct RuleGroups {
    regex: meta::Regex,
    code: usize,
    reason: Option<usize>,
    /// The rule is in [`CODE_AT_END`], with how it takes a sign.
    code_at_end: Option<Sign>,
}

/// Where one rule's match put the code and the reason.
struct Groups {
    code: Range<usize>,
    /// `None` when the rule has no reason group; `Some(None)` when it has
    /// one that did not take part.
    reason: Option<Option<Range<usize>>>,
}

impl RuleGroups {
    fn new(rule: &Rule) -> RuleGroups {
        // Only ever run anchored on a known match: no prefilter, and
        // the engines that resolve groups are enough.
        let regex = bytes_regex(meta::Config::new().auto_prefilter(false).hybrid(false))
            .build(rule.regex)
            .expect("built-in format regex is valid");
        let info = regex.group_info();
        let group = |prefix: &str| {
            info.to_index(
                regex_automata::PatternID::ZERO,
                &format!("{prefix}_{}", rule.group),
            )
        };
        let reason = group("r");
        RuleGroups {
            code: group("c").expect("every rule has a code group"),
            code_at_end: CODE_AT_END
                .iter()
                .find(|(group, _)| *group == rule.group && reason.is_none())
                .map(|&(_, sign)| sign),
            reason,
            regex,
        }
    }

    /// The groups of this rule's match at `span` of `line` (found by the
    /// search over all rules, so it matches there).
    fn read(&self, line: &[u8], span: Range<usize>) -> Option<Groups> {
        if let Some(sign) = self.code_at_end {
            let matched = &line[span.clone()];
            let digits = matched
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let sign = usize::from(
                sign == Sign::InGroup && matched[..matched.len() - digits].ends_with(b"-"),
            );
            return (digits > 0).then(|| Groups {
                code: span.end - digits - sign..span.end,
                reason: None,
            });
        }
        self.read_groups(line, span)
    }

    /// [`RuleGroups::read`] by running the rule's regex on its match.
    fn read_groups(&self, line: &[u8], span: Range<usize>) -> Option<Groups> {
        let mut caps = self.regex.create_captures();
        let input = Input::new(line).span(span).anchored(Anchored::Yes);
        self.regex.search_captures(&input, &mut caps);
        let code = caps.get_group(self.code)?.range();
        let reason = self.reason.map(|g| caps.get_group(g).map(|s| s.range()));
        Some(Groups { code, reason })
    }
}

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

/// Names that are only trusted right after a qualifier such as `code: `,
/// `CloseCode::`, `StatusCode.` or `WebSocketCloseStatus.`: short words,
/// and names other protocols use too (HTTP/2's `PROTOCOL_ERROR`, net/http's
/// `StatusBadGateway`).
/// Every symbolic name, with whether it counts without a qualifier.
pub(crate) fn screen_names() -> impl Iterator<Item = (&'static str, bool)> {
    codes::aliases()
        .iter()
        .map(|a| (a.name, !needs_qualifier(a.name)))
}

fn needs_qualifier(name: &str) -> bool {
    const WEAK: &[&str] = &[
        "OK",
        "NORMAL",
        "SHUTDOWN",
        "PROTOCOL",
        "BAD_DATA",
        "UNDEFINED",
        "NO_CODE",
        "NO_CLOSE",
        "ABNORMAL",
        "BAD_PAYLOAD",
        "SERVER_ERROR",
        "EMPTY",
        "Empty",
        "RESERVED",
        "normal",
        "encoding",
        "protocolError",
        "ProtocolError",
        "PROTOCOL_ERROR",
        "INTERNAL_ERROR",
        "InternalServerError",
        "INTERNAL_SERVER_ERROR",
        "internalServerError",
        "BAD_GATEWAY",
        "StatusBadGateway",
        "StatusInternalError",
        "StatusProtocolError",
        "MessageTooBig",
        "messageTooBig",
        "PolicyViolation",
        "policyViolation",
        "TOO_BIG",
        "NOT_ACCEPTABLE",
        "INVALID_DATA",
        "CANNOT_ACCEPT",
        "NOT_CONSISTENT",
        "MESSAGE_TOO_BIG",
        "MESSAGE_TOO_LARGE",
        "POLICY_VIOLATION",
    ];
    // One-word names (tungstenite's Away, Error, Status; Starscream's
    // normal) are weak too; camelCase and SNAKE_CASE names are not.
    WEAK.contains(&name) || is_one_word(name)
}

/// One-word names (tungstenite's Away, Error, Status; Starscream's normal);
/// camelCase and SNAKE_CASE names are not.
fn is_one_word(name: &str) -> bool {
    !name.contains('_') && !name[1..].contains(|c: char| c.is_ascii_uppercase())
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
    /// rules. For tests that check the screen never changes a result.
    #[doc(hidden)]
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
    #[doc(hidden)]
    pub fn extract_candidate(&self, line: &[u8], out: &mut Vec<Finding>) {
        self.extract_in_record(line, b"", out);
    }

    /// [`Extractor::extract_candidate`] for a line with the bytes before it
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
                Finding {
                    code,
                    span: cs..ce,
                    reason: reason.and_then(|r| trim_reason(line, r)),
                    rejected: rule.rejected,
                    basis: Basis::Format(rule.group),
                },
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
                Finding {
                    code,
                    span: s..e,
                    reason,
                    rejected: false,
                    basis: Basis::Evidence(why),
                },
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
                Finding {
                    code: u32::from(code),
                    span: s..e,
                    reason: line_reason
                        .get_or_insert_with(|| self.reason_key(line))
                        .clone()
                        .and_then(|r| trim_reason(line, r)),
                    rejected: false,
                    basis: Basis::Name,
                },
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
                    Finding {
                        code,
                        span: m.range(),
                        reason: reason.and_then(|r| trim_reason(line, r)),
                        rejected: false,
                        basis: Basis::Pattern,
                    },
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
        if prev.reason.is_none() || own_reason && finding.reason.is_some() {
            prev.reason = finding.reason;
        }
        prev.rejected |= finding.rejected;
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

/// Where the double-quoted value holding `at` opens, if `at` is inside one
/// (a JSON string, a logfmt `key="…"`): quotes are counted from the line's
/// start, skipping backslash escapes inside strings.
fn quoted_value_at(line: &[u8], at: usize) -> Option<usize> {
    // Counting quotes costs the line up to `at` for each finding: bounded,
    // so a huge line with thousands of codes stays linear. A JSON log line
    // is far shorter; past the bound a reason runs as its format says.
    let at = at.min(line.len());
    if at > QUOTED_VALUE_SCAN || memchr::memchr(b'"', &line[..at]).is_none() {
        return None;
    }
    let mut open = None;
    let mut i = 0;
    while i < at {
        match (line[i], open) {
            (b'\\', Some(_)) => i += 1,
            (b'"', None) => open = Some(i),
            (b'"', Some(_)) => open = None,
            _ => {}
        }
        i += 1;
    }
    open
}

/// How far into a line [`quoted_value_at`] counts quotes.
const QUOTED_VALUE_SCAN: usize = 16 * 1024;

/// The end of the double-quoted value that opens at `open`: its closing
/// quote, or the line's end.
fn quoted_value_end(line: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < line.len() {
        match line[i] {
            b'\\' => i += 1,
            b'"' => return i,
            _ => {}
        }
        i += 1;
    }
    line.len()
}

/// A reason's text as a person reads it: lossily UTF-8, and inside a
/// quoted JSON or logfmt value with its escapes decoded (`\"`, `\\`, `\n`,
/// `\u00e9`).
pub fn reason_text(line: &[u8], r: Range<usize>) -> Cow<'_, str> {
    let raw = String::from_utf8_lossy(&line[r.clone()]);
    if !raw.contains('\\') || quoted_value_at(line, r.start).is_none() {
        return raw;
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(d) if hex.len() == 4 => {
                        out.push(d);
                        chars.nth(3);
                    }
                    _ => out.push_str("\\u"),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

/// A reason worth reporting: inside the quoted value that holds it (a
/// format's reason runs to the end of the line, which in
/// `{"error":"websocket: close 1006 …: unexpected EOF","conn":"c-1"}` is
/// past the value), trimmed, not empty, not `null`/`None`.
fn trim_reason(line: &[u8], r: Range<usize>) -> Option<Range<usize>> {
    let r = match quoted_value_at(line, r.start) {
        Some(open) => r.start..r.end.min(quoted_value_end(line, open)),
        None => r,
    };
    if r.is_empty() {
        return None;
    }
    let text = &line[r.clone()];
    let lead = text.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let trail = text[lead..]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace() || **b == b'.')
        .count();
    let range = r.start + lead..r.end - trail;
    let trimmed = &line[range.clone()];
    let empty = trimmed.is_empty()
        || [
            &b"null"[..],
            b"None",
            b"nil",
            b"undefined",
            b"\"\"",
            b"''",
            b"<nil>",
            b"no reason",
        ]
        .contains(&trimmed);
    (!empty).then_some(range)
}

/// How many lines before a line [`record_before`] reads at most.
pub const RECORD_LINES: usize = 12;
/// How many bytes before a line [`record_before`] reads at most.
pub const RECORD_BYTES: usize = 1024;

/// The lines of `before` that belong to the same record as `line`: going
/// up while the lower line continues the one above it (it is indented or
/// closes a bracket, or the line above opens one or ends with `,` or `:`),
/// up to the record's first line; nothing past a blank line. A plain log
/// line is a record of its own.
pub fn record_before<'a>(line: &[u8], before: &'a [u8]) -> &'a [u8] {
    let floor = before.len().saturating_sub(RECORD_BYTES);
    let mut lower = line;
    let mut start = before.len();
    let mut lines = 0;
    while start > floor && lines < RECORD_LINES {
        let mut end = start - 1; // the newline that ends the line above
        if before[end] != b'\n' {
            break;
        }
        if end > 0 && before[end - 1] == b'\r' {
            end -= 1;
        }
        let above_start = memchr::memrchr(b'\n', &before[..end]).map_or(0, |p| p + 1);
        let above = &before[above_start..end];
        if above.iter().all(u8::is_ascii_whitespace) || above_start < floor {
            break;
        }
        if !follows(lower, &before[..start]) {
            break;
        }
        start = above_start;
        lines += 1;
        lower = above;
    }
    &before[start..]
}

/// `lower` goes on with the record whose last line ends `above`: it is
/// indented or closes a bracket, or the line above opens one (or ends with
/// `,` or `:`) and `lower` does not start like a new log line (a timestamp,
/// a word).
pub fn follows(lower: &[u8], above: &[u8]) -> bool {
    continues_record(lower)
        || opens_record(above) && !lower.first().is_some_and(u8::is_ascii_alphanumeric)
}

/// The line goes on with the record above it: indented, or closing a bracket.
pub fn continues_record(line: &[u8]) -> bool {
    matches!(line.first(), Some(b' ' | b'\t' | b'}' | b']' | b')'))
}

/// The line above (the end of `before`) opens a bracket or ends with `,`
/// or `:`, so the next line belongs to its record.
pub fn opens_record(before: &[u8]) -> bool {
    let above = before.strip_suffix(b"\n").unwrap_or(before);
    let above = above.strip_suffix(b"\r").unwrap_or(above);
    matches!(
        above.trim_ascii_end().last(),
        Some(b'{' | b'[' | b'(' | b',' | b':')
    )
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
}

/// What every output says of a code the line says was rejected on the wire
/// (`invalid status code 1005`): the sender broke the protocol, whatever the
/// code's registered meaning.
const REJECTED_MEANING: &str = "The line says a Close frame arrived with a code that must not be sent on the wire (reserved, local-only such as 1005/1006/1015, or out of range), so the receiver failed the connection, usually with 1002. The sender, or a proxy between, is buggy; the code's registered meaning does not apply.";
const REJECTED_RECOVERY: &str = "Fix the sender so it sends a valid code (1000 for a normal close, 4000-4999 for its own), or none at all; check proxies that rewrite Close frames. Reconnecting gets the same result until then.";
const REJECTED_HINT: &str = "not allowed on the wire; the sender is buggy";

/// How `code` is described in every output format (the annotation, JSON,
/// GitHub commands and the summary), chosen once: its entry, or for a code
/// rejected on the wire the rejection's.
pub fn describe_code(code: u32, rejected: bool) -> Entry {
    let mut entry = describe(code).entry.clone();
    if rejected {
        entry.category = Category::Invalid;
        entry.meaning = REJECTED_MEANING;
        entry.recovery = REJECTED_RECOVERY;
        entry.hint = REJECTED_HINT;
        entry.reconnect = Reconnect::AfterFix;
        entry.on_wire = false;
    }
    entry
}

/// [`describe_code`] for a finding.
pub fn describe_finding(finding: &Finding) -> Entry {
    describe_code(finding.code, finding.rejected)
}

/// The category a finding is reported under: a code the line says was
/// rejected on the wire is `invalid`, whatever its registered category.
pub fn category_of(finding: &Finding) -> Category {
    describe_finding(finding).category
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(line: &str) -> Vec<u32> {
        let ex = Extractor::new(&[]).unwrap();
        let mut out = Vec::new();
        ex.extract(line.as_bytes(), &mut out);
        out.iter().map(|f| f.code).collect()
    }

    fn reason(line: &str) -> Option<String> {
        let ex = Extractor::new(&[]).unwrap();
        let mut out = Vec::new();
        ex.extract(line.as_bytes(), &mut out);
        let f = out.first()?;
        f.reason
            .clone()
            .map(|r| String::from_utf8_lossy(&line.as_bytes()[r]).into_owned())
    }

    #[test]
    fn finds_common_formats() {
        assert_eq!(
            codes("websocket: close 1006 (abnormal closure): unexpected EOF"),
            [1006]
        );
        assert_eq!(codes("CloseStatus[code=1008, reason=null]"), [1008]);
        assert_eq!(
            codes("received 1011 (internal error) keepalive ping timeout; then sent 1011 (internal error) keepalive ping timeout"),
            [1011]
        );
        assert_eq!(codes(r#"{"msg":"websocket closed","code":1006}"#), [1006]);
        assert_eq!(
            codes("level=warn msg=\"ws closed\" close_code=4001"),
            [4001]
        );
        assert_eq!(
            codes(r#"Close(Some(CloseFrame { code: Away, reason: "" }))"#),
            [1001]
        );
        assert_eq!(
            codes(r#"CloseFrame { code: Library(4001), reason: "x" }"#),
            [4001]
        );
    }

    #[test]
    fn rejects_numbers_that_are_not_codes() {
        assert!(codes("listening on :3000").is_empty());
        assert!(codes("websocket handshake took 1006ms").is_empty());
        assert!(codes("closed connection to localhost:3000").is_empty());
        assert!(codes("ERROR 1045 (28000): Access denied for user 'root'").is_empty());
        assert!(codes("payment declined code=1001").is_empty());
        assert!(codes("closing 3000 idle connections").is_empty());
    }

    #[test]
    fn reports_invalid_codes_the_line_calls_close_codes() {
        assert_eq!(
            codes("RangeError: Invalid WebSocket frame: invalid status code 1005"),
            [1005]
        );
        assert_eq!(codes("Code must be in range [1000,5000): 999"), [999]);
        assert_eq!(codes("ws closed close_code=5000"), [5000]);
    }

    #[test]
    fn takes_the_reason_from_the_format() {
        assert_eq!(
            reason(
                "received 1011 (internal error) keepalive ping timeout; no close frame received"
            )
            .as_deref(),
            Some("keepalive ping timeout")
        );
        assert_eq!(reason("CloseStatus[code=1008, reason=null]"), None);
        assert_eq!(
            reason("level=warn msg=\"ws closed\" close_code=4001 reason=\"token expired\"")
                .as_deref(),
            Some("token expired")
        );
    }

    #[test]
    fn ambiguous_names_need_the_library() {
        assert_eq!(
            codes("o.e.j.websocket: close status StatusCode.BAD_DATA jetty"),
            [1003]
        );
        assert_eq!(
            codes("org.springframework.web.socket: closing with CloseStatus.BAD_DATA"),
            [1007]
        );
        assert!(codes("ws closed with code: BAD_DATA").is_empty());
    }

    #[test]
    fn python_bytes_payloads_decode() {
        assert_eq!(parse_py_bytes(br"\x03\xe9"), Some(1001));
        assert_eq!(parse_py_bytes(br"\x0f\xa1"), Some(4001));
        assert_eq!(parse_py_bytes(br"\n\x00"), Some(2560));
        assert_eq!(parse_py_bytes(br"\x03A"), Some(0x0341));
        assert_eq!(parse_py_bytes(br"\x03"), None);
    }

    #[test]
    fn a_code_ends_at_punctuation_but_not_inside_a_token() {
        assert_eq!(
            codes("websocket 关闭 close_code=1006，原因 timeout"),
            [1006]
        );
        assert!(codes("ws closed close_code=1006毫秒").is_empty());
        assert!(continues_token(b"\xff06"));
        assert!(!continues_token(b""));
    }

    #[test]
    fn codes_read_off_the_end_of_a_match_are_the_code_groups() {
        // Every fixture line, and variations with signs and quotes.
        let table = std::fs::read_to_string("fixtures/formats.tsv").unwrap();
        let mut lines: Vec<String> = table
            .lines()
            .skip(1)
            .filter_map(|row| row.splitn(4, '\t').nth(3).map(str::to_string))
            .collect();
        for sep in [
            "=", ": ", " = ", "=\"", ":'", " is ", "=>", ": -", " -", " #", "(",
        ] {
            for word in [
                "close_code",
                "code",
                "status",
                "closed",
                "Closing",
                "onClose",
            ] {
                lines.push(format!("ws closed {word}{sep}1006 reason=x"));
            }
        }
        let extractor = Extractor::new(&[]).unwrap();
        let mut checked = 0;
        for line in &lines {
            let line = line.as_bytes();
            let mut at = 0;
            while let Some(m) = extractor
                .formats
                .search(&Input::new(line).span(at..line.len()))
            {
                let index = m.pattern().as_usize();
                let groups =
                    extractor.rule_groups[index].get_or_init(|| RuleGroups::new(&RULES[index]));
                if groups.code_at_end.is_some() {
                    let fast = groups.read(line, m.range()).map(|g| g.code);
                    let full = groups.read_groups(line, m.range()).map(|g| g.code);
                    assert_eq!(fast, full, "{}", String::from_utf8_lossy(line));
                    checked += 1;
                }
                at = m.start() + 1;
            }
        }
        assert!(checked > 100, "only {checked} matches checked");
    }

    #[test]
    fn urls_are_not_close_codes() {
        assert!(
            codes("level=info msg=request path=/api/v1/sessions/7def/close status=200 ws")
                .is_empty()
        );
        assert!(
            codes(r#""GET /api/v1/search?q=close+744&code=1000 HTTP/1.1" 302 "ws-router""#)
                .is_empty()
        );
    }

    #[test]
    fn fifty_digit_numbers_are_not_codes() {
        assert!(codes(&format!("ws closed close_code={}", "9".repeat(50))).is_empty());
    }
}
