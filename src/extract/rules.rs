//! The regexes and literals built once per extractor: the prefilter's
//! context anchors, the words that make a number a close code, and the
//! library formats compiled into groups.

use super::*;

/// Context anchors. Every format the rules know contains one of these, so a
/// line without any of them cannot hold a close code. Case variants are
/// spelled out so the automaton stays case-sensitive (and SIMD-fast).
pub(super) const ANCHORS: &[&str] = &[
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
pub(super) const KEYWORD_REACH: usize = 48;

/// How far one search for a format looks from where it starts. Lines are
/// searched in windows this long, each starting [`SEARCH_OVERLAP`] before
/// the last one ended when it held no match: a reason longer than this is
/// cut (a close frame's own reason is at most 123 bytes), and a line with
/// thousands of codes costs a window per code rather than the rest of the
/// line per code.
pub(super) const SEARCH_WINDOW: usize = 1024;
/// Longer than any format needs before its reason (a match accepted by
/// the keyword rules is at most [`KEYWORD_REACH`] plus the code long).
pub(super) const SEARCH_OVERLAP: usize = 256;

/// Words that make a line "about a WebSocket close" for
/// [`Strength::Contextual`] rules: the close event's own names, or a
/// WebSocket word together with a close word.
pub(super) const CLOSE_EVENT: &str = r"(?i:closeevent|(?:\b|_)on_?clos(?:e|ed|ing)\b|close[_ ]?frame|wserror|ws[_.\-]?close|websocket[_.\-]?close|close[_.\-]?code)";
pub(super) const WS_WORD: &str = r"(?i:websocket|web_socket|\bwss?\b|\bwss?[_.\-:/]|socket\.io|signalr|sockjs|graphql-ws|\bstomp\b|pusher|actioncable|phoenix|centrifug)";
/// With the close word as a hump of a camelCase name (`ConnectionClosed`,
/// `isClosing`).
pub(super) const CLOSE_WORD: &str = r"(?i:\bclos(?:e|ed|ing|ure)\b|disconnect|terminat|hang ?up|dropped|\breason\b)|[a-z]Clos(?:e|ed|ing|ure)\b";

/// See `Extractor::context_words`: every word [`CLOSE_EVENT`], [`WS_WORD`]
/// and [`CLOSE_WORD`] hang on, and `reason`.
pub(super) const CONTEXT_WORDS: &[&str] = &[
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

pub(super) const ERROR_WORD: &str = r"(?i:error|\bfail|exception)";

/// A reason key on the line: reason="token expired", "reason":"…", reason: '…'.
pub(super) const REASON: &str = r#"(?i:\b(?:close_?)?reason(?:_?text)?)["']?\s*[:=]\s*(?:"(?P<dq>(?:[^"\\\r\n]|\\.)*)"|'(?P<sq>[^'\r\n]*)'|(?P<bare>[^\s,;}\])"']+))"#;

/// A regex builder for the built-in rules: bytes, ASCII classes (like
/// `RegexBuilder::unicode(false)`), with the engines `engines` allows.
pub(super) fn bytes_regex(engines: meta::Config) -> meta::Builder {
    let mut builder = meta::Regex::builder();
    builder
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(engines.utf8_empty(false));
    builder
}

/// One rule's regex on its own, and where its groups are.
pub(super) struct RuleGroups {
    pub(super) regex: meta::Regex,
    pub(super) code: usize,
    pub(super) reason: Option<usize>,
    /// The rule is in [`CODE_AT_END`], with how it takes a sign.
    pub(super) code_at_end: Option<Sign>,
}

/// Where one rule's match put the code and the reason.
pub(super) struct Groups {
    pub(super) code: Range<usize>,
    /// `None` when the rule has no reason group; `Some(None)` when it has
    /// one that did not take part.
    pub(super) reason: Option<Option<Range<usize>>>,
}

impl RuleGroups {
    pub(super) fn new(rule: &Rule) -> RuleGroups {
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
    pub(super) fn read(&self, line: &[u8], span: Range<usize>) -> Option<Groups> {
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
    pub(super) fn read_groups(&self, line: &[u8], span: Range<usize>) -> Option<Groups> {
        let mut caps = self.regex.create_captures();
        let input = Input::new(line).span(span).anchored(Anchored::Yes);
        self.regex.search_captures(&input, &mut caps);
        let code = caps.get_group(self.code)?.range();
        let reason = self.reason.map(|g| caps.get_group(g).map(|s| s.range()));
        Some(Groups { code, reason })
    }
}
