//! Evidence for the numbers no library format claimed.
//!
//! Most close codes in real logs are not in a library's format but in an
//! application's own words: `Websocket closed with 4014, cannot reconnect`,
//! `upstream_close_code=1014`, `Code is 1006`, `1006 - WebSocket Read EOF`,
//! `  code: 1006,` inside a `CloseEvent {` dump. Rather than one more regex
//! per phrasing, every four-digit number 1000-4999 on a screened line is
//! weighed by what stands around it:
//!
//! - **for**: the key it is the value of, split into words in any spelling
//!   (`closeReasonCode`, `upstream_close_code`, `disconnect-status`), a close
//!   or disconnect word shortly before it with only filler words between
//!   (`closed with`, `onClosing:`, `关闭`), an error word on a WebSocket line
//!   (`WebSocket error 4201`), the code's own name after it
//!   (`1012 Service Restart`), or a close or WebSocket word right after it;
//! - **against**, any of which rules it out: a unit or count after it, a
//!   port, a decimal, a date, a `file:line`, a URL, another field's key
//!   (`count=`, `pid`, `port`, `after`), a digit between it and its word.
//!
//! A bare key (`code`, `status`, `reason`) is only evidence when the record is
//! about a WebSocket close: the line itself, or the few lines before it in the
//! same record (a blank line ends a record), which is how multi-line dumps
//! are read.

use super::lexical::{
    continues_token, is_nserror_code, is_other_field, is_port, is_quantity, FOREIGN_CLOSE,
};
use super::words::{CLOSE_PARTS, CODE_ENDS, FILLER, NAMES, OTHER_SYSTEMS, STOP};

/// Why a number was taken: named in JSON output as `rule` (`evidence:…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// A key whose own words say close code (`upstream_close_code=1014`).
    CloseKey,
    /// A bare `code`/`status`/`reason` key on a record about a close.
    Key,
    /// A close or disconnect word shortly before it.
    CloseWord,
    /// An error word on a line about a WebSocket.
    ErrorWord,
    /// The code's own name after it (`1012 Service Restart`).
    Name,
    /// A close or WebSocket word right after it (`1006 - WebSocket Read EOF`).
    WordAfter,
    /// A bare `code` key in a clause that says close further back than
    /// [`Why::CloseWord`] reaches (`closed the current gateway with the
    /// error code of 4013`).
    CodeInCloseClause,
    /// In brackets of its own at the end of a phrase on a line about a
    /// WebSocket close (`terminated websocket connection; reason: Rate
    /// limited. (4008)`).
    Bracketed,
}

impl Why {
    /// The name JSON output gives this evidence.
    pub fn rule(self) -> &'static str {
        match self {
            Why::CloseKey => "evidence:close-key",
            Why::Key => "evidence:key-in-close-record",
            Why::CloseWord => "evidence:close-word",
            Why::ErrorWord => "evidence:error-on-websocket-line",
            Why::Name => "evidence:code-name",
            Why::WordAfter => "evidence:close-word-after",
            Why::CodeInCloseClause => "evidence:code-in-close-clause",
            Why::Bracketed => "evidence:bracketed-on-close-line",
        }
    }
}

/// What a word says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Close,
    /// `code`, `status` or a word ending in them, in any language listed.
    Code,
    Reason,
    Error,
    WebSocket,
    /// Words that may stand between a close word and its code.
    Filler,
    /// Anything else: it breaks the link between a word and a number.
    Other,
}

fn class(word: &[u8]) -> Class {
    // Lowercased on the stack: this runs for every word near a number.
    let mut buf = [0u8; 48];
    let owned: String;
    let text: &str = if word.is_ascii() && word.len() <= buf.len() {
        for (d, s) in buf.iter_mut().zip(word) {
            *d = s.to_ascii_lowercase();
        }
        std::str::from_utf8(&buf[..word.len()]).unwrap_or_default()
    } else {
        let Ok(text) = std::str::from_utf8(word) else {
            return Class::Other;
        };
        owned = text.to_lowercase();
        &owned
    };
    // Checked in this order: `closeCode` is a code key that says close.
    if CODE_ENDS.iter().any(|c| text.ends_with(c)) {
        return Class::Code;
    }
    if text.contains("reason") {
        return Class::Reason;
    }
    if text == "closet" || text.starts_with("enclos") || text.starts_with("disclos") {
        return Class::Other;
    }
    if CLOSE_PARTS
        .iter()
        .chain(FOREIGN_CLOSE)
        .any(|c| text.contains(c))
    {
        return Class::Close;
    }
    if text.contains("socket") || text == "ws" || text == "wss" || text.starts_with("ws_") {
        return Class::WebSocket;
    }
    if text.contains("error")
        || text.contains("fail")
        || text.contains("exception")
        || text == "err"
        || text.contains("reject")
        || text.contains("ошибк")
        || text.contains("错误")
        || text.contains("error")
    {
        return Class::Error;
    }
    if FILLER.contains(&text) {
        return Class::Filler;
    }
    Class::Other
}

/// The words of a key in any spelling: camelCase, snake_case, kebab-case,
/// dotted (`closeReasonCode` → close, reason, code).
fn key_parts(key: &[u8]) -> Parts<'_> {
    Parts { key, at: 0 }
}

/// The iterator [`key_parts`] returns (no allocation).
struct Parts<'a> {
    key: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let key = self.key;
        while self.at < key.len() && matches!(key[self.at], b'_' | b'-' | b'.') {
            self.at += 1;
        }
        if self.at >= key.len() {
            return None;
        }
        let start = self.at;
        self.at += 1;
        while self.at < key.len() {
            let b = key[self.at];
            if matches!(b, b'_' | b'-' | b'.')
                || b.is_ascii_uppercase() && key[self.at - 1].is_ascii_lowercase()
            {
                break;
            }
            self.at += 1;
        }
        Some(&key[start..self.at])
    }
}

fn is_word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The words before `end` in `line`, nearest first, at most `max` and within
/// `reach` bytes: each with the bytes between it and what follows it.
fn words_before(line: &[u8], end: usize, reach: usize) -> Words<'_> {
    let floor = end.saturating_sub(reach);
    let mut words = Words {
        items: [(&[][..], &[][..]); WORDS_BEFORE],
        len: 0,
    };
    let max = WORDS_BEFORE;
    let mut at = end;
    while words.len < max && at > floor {
        let gap_end = at;
        while at > floor && !is_word_char(line[at - 1]) {
            at -= 1;
        }
        let word_end = at;
        while at > 0 && is_word_char(line[at - 1]) {
            at -= 1;
        }
        if at == word_end {
            break;
        }
        // Keys glued with `-` or `.` are one identifier (`ws.close-code`).
        while at > 1 && matches!(line[at - 1], b'-' | b'.') && is_word_char(line[at - 2]) {
            at -= 1;
            while at > 0 && is_word_char(line[at - 1]) {
                at -= 1;
            }
        }
        words.items[words.len] = (&line[at..word_end], &line[word_end..gap_end]);
        words.len += 1;
    }
    words
}

/// How many words before a number [`weigh`] reads.
const WORDS_BEFORE: usize = 6;

/// The words [`words_before`] found, nearest first (no allocation).
struct Words<'a> {
    items: [(&'a [u8], &'a [u8]); WORDS_BEFORE],
    len: usize,
}

impl<'a> std::ops::Deref for Words<'a> {
    type Target = [(&'a [u8], &'a [u8])];

    fn deref(&self) -> &Self::Target {
        &self.items[..self.len]
    }
}

/// The gap between a key and its value: `=`, `:`, `=>`, ` is `, quotes,
/// brackets and spaces; or only spaces (`with code 1011`).
fn key_gap(gap: &[u8]) -> bool {
    let mut core = [0u8; 2];
    let mut len = 0;
    for &b in gap {
        if matches!(
            b,
            b' ' | b'\t' | b'"' | b'\'' | b'[' | b'(' | b'{' | b'`' | b'\\' | b')' | b']'
        ) {
            continue;
        }
        if len == core.len() {
            return false;
        }
        core[len] = b;
        len += 1;
    }
    match &core[..len] {
        b":" | b"=" | b"=>" => true,
        // `with code 1011`: spaces alone.
        b"" => !gap.is_empty() && gap.iter().all(|b| matches!(b, b' ' | b'\t')),
        _ => false,
    }
}

/// What the caller knows about the line and its record, asked lazily.
pub trait Context {
    /// The line or its record is about a WebSocket close (or a WebSocket error).
    fn about_a_close(&mut self) -> bool;
    /// The line or its record has a `reason` key: `code` and `reason`
    /// together are a close frame's two fields.
    fn has_reason_key(&mut self) -> bool;
    /// The line or its record names a WebSocket (`WebSocket`, `ws`,
    /// `socket.io`, …), closing or not.
    fn about_a_websocket(&mut self) -> bool;
}

/// Whether the number at `line[s..e]` is a close code, and why.
pub fn weigh(line: &[u8], s: usize, e: usize, ctx: &mut impl Context) -> Option<Why> {
    let digits = &line[s..e];
    if digits.len() != 4 || !(b'1'..=b'4').contains(&digits[0]) {
        return None;
    }
    let code: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    // Against: glued to a token, a quantity, a port, a URL, a decimal, a date.
    if s > 0 {
        let b = line[s - 1];
        if is_word_char(b) || matches!(b, b'/' | b'?' | b'&' | b'.' | b'$' | b'%' | b'+') {
            return None;
        }
        // A negative number (`Code=-1001`) or one glued by a dash (`ID-1006`).
        if b == b'-' {
            return None;
        }
    }
    if continues_token(&line[e..]) || is_quantity(line, e) || is_port(line, s) {
        return None;
    }
    // `1912#0:` (nginx's pid#tid), `1006@host`: part of an identifier.
    if matches!(line.get(e..e + 2), Some([b'#' | b'@', d]) if d.is_ascii_alphanumeric()) {
        return None;
    }
    if (1900..=2100).contains(&code) && looks_like_a_date(line, s, e) {
        return None;
    }
    if in_path(line, s) {
        return None;
    }
    let words = words_before(line, s, 64);
    // `code of 4013`, `code UNCONFORMED (1002)`: the key a word away.
    let linked = linked_key(line, e, &words);
    if let Some(&(word, gap)) = linked.as_ref().or(words.first()) {
        // `/close=1006`, `?code=1000`: a path or query, not a key.
        let start = word.as_ptr() as usize - line.as_ptr() as usize;
        if start > 0 && matches!(line[start - 1], b'/' | b'?' | b'&') {
            return None;
        }
        if STOP.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word)) {
            return None;
        }
        if gap.contains(&b'#') && !matches!(class(word), Class::Code | Class::Close) {
            return None;
        }
        // `DISCONNECT(1006)`, `D/ChatSocket( 4012):`: an argument, a counter
        // or a PID in brackets after a word, unless the word is a code key.
        let call = gap.first() == Some(&b'(') && gap[1..].iter().all(|b| *b == b' ');
        if call && class(key_parts(word).last().unwrap_or(word)) != Class::Code {
            return None;
        }
        if is_nserror_code(line, s) {
            return None;
        }
        // A key: its words say what it holds (`close1001=` is no key).
        if key_gap(gap) && !word.iter().any(u8::is_ascii_digit) {
            let (mut last, mut named, mut has_reason) = (Class::Other, false, false);
            // `ws_close=`, `onClose:`; not `max_lifetime_closed=` (a count).
            let mut plain_close_key = true;
            for part in key_parts(word) {
                last = class(part);
                named |= matches!(last, Class::Close | Class::WebSocket);
                has_reason |= last == Class::Reason;
                plain_close_key &= matches!(last, Class::Close | Class::WebSocket)
                    || part.eq_ignore_ascii_case(b"on");
            }
            if matches!(last, Class::Code | Class::Reason)
                || last == Class::Close
                    && plain_close_key
                    && gap.contains(&b'=')
                    && !is_other_field(line, s)
            {
                if named && last != Class::Reason || has_reason && last == Class::Code {
                    return Some(Why::CloseKey);
                }
                if last != Class::Reason && (ctx.about_a_close() || ctx.has_reason_key()) {
                    return Some(Why::Key);
                }
                if last == Class::Reason && ctx.about_a_close() {
                    return Some(Why::Key);
                }
                if last == Class::Code {
                    // `code 1000 reason Normal closure`: the frame's two
                    // fields, without signs.
                    if reason_follows(line, e) {
                        return Some(Why::Key);
                    }
                    // `WebSocket proxy restarting with code: 1001`.
                    if says_code(word) && ctx.about_a_websocket() {
                        return Some(Why::Key);
                    }
                    let start = word.as_ptr() as usize - line.as_ptr() as usize;
                    let clause = clause_before(line, start);
                    if clause.close && !clause.other_system {
                        return Some(Why::CodeInCloseClause);
                    }
                }
                // `code: 1012 Service Restart` says it all by itself.
            }
        }
        if is_other_field(line, s) {
            return None;
        }
    }
    // `… reason: Rate limited. (4008)`: in brackets of its own, on a line
    // about a WebSocket close, with the close or WebSocket word near.
    if bracketed(line, s, e) && close_or_socket_near(line, s, e) && ctx.about_a_close() {
        return Some(Why::Bracketed);
    }
    // `Failing the WebSocket connection: 1006`, `failing WebSocket
    // connection in the OPEN state: 1009`: the clause the colon ends names
    // a WebSocket and a failure or a close.
    if let Some(&(_, gap)) = words.first() {
        if matches!(gap, b": " | b":") {
            let clause = clause_before(line, s - gap.len());
            if clause.websocket
                && (clause.error || clause.close)
                && !clause.other_system
                && close_or_socket_near(line, s, e)
            {
                return Some(Why::ErrorWord);
            }
        }
    }
    // A close word shortly before, with only filler between.
    for (i, &(word, gap)) in words.iter().enumerate() {
        if gap.iter().any(u8::is_ascii_digit) || word.iter().any(u8::is_ascii_digit) {
            break;
        }
        // `/sessions/close`, `?q=close`: a path or query, not a close word.
        let start = word.as_ptr() as usize - line.as_ptr() as usize;
        if start > 0 && matches!(line[start - 1], b'/' | b'?' | b'&') {
            break;
        }
        let c = key_parts(word)
            .map(class)
            .fold(Class::Filler, |acc, c| match (acc, c) {
                (Class::Close, _) | (_, Class::Close) => Class::Close,
                (Class::Error, _) | (_, Class::Error) => Class::Error,
                (Class::WebSocket, _) | (_, Class::WebSocket) => Class::WebSocket,
                (Class::Code, _) | (_, Class::Code) => Class::Code,
                (Class::Other, _) | (_, Class::Other) => Class::Other,
                _ => acc,
            });
        match c {
            Class::Close if i < 5 => return Some(Why::CloseWord),
            // `[error] 1912#0`: a log level in brackets says nothing of the number.
            Class::Error if i < 3 && !gap.starts_with(b"]") && close_or_socket_near(line, s, e) => {
                return Some(Why::ErrorWord)
            }
            Class::WebSocket if i == 0 && close_or_socket_near(line, s, e) => {
                return Some(Why::WordAfter)
            }
            Class::Other => break,
            _ => {}
        }
        if word.iter().any(u8::is_ascii_digit) {
            break;
        }
    }
    if name_after(line, e, code) && (close_or_socket_near(line, s, e) || dropped_near(line, s, e)) {
        return Some(Why::Name);
    }
    // `1006 - WebSocket Read EOF`: a label, the number first.
    let labelled = matches!(line.get(e..e + 2), Some(b" -" | b": " | b" |"));
    if word_after_says_close(line, e) && (labelled || close_or_socket_near(line, s, e)) {
        return Some(Why::WordAfter);
    }
    None
}

/// How far from a number [`close_or_socket_near`] looks: inside the
/// screen's reach for the same words (`screen::NEAR_REACH` less a code's
/// length), so the screen lets through every line this takes.
const NEAR: usize = 44;

/// A close word (`close…`, `…closed`, `disconnect`) or `socket` within
/// [`NEAR`] bytes of the number: evidence about this number, not about
/// some other part of the line.
fn close_or_socket_near(line: &[u8], s: usize, e: usize) -> bool {
    let from = s.saturating_sub(NEAR);
    let window = &line[from..line.len().min(e + NEAR)];
    // `word` in `part` (which starts at `offset` in the line), with a letter
    // before it (`c`+`los`), not in a URL.
    let hit = |part: &[u8], offset: usize, word: &[u8]| {
        part.windows(word.len()).enumerate().any(|(i, w)| {
            w == word && {
                let at = offset + i;
                let word_start = line[..at]
                    .iter()
                    .rev()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                let start = at - word_start;
                let in_url = start > 0 && matches!(line[start - 1], b'/' | b'?' | b'&');
                !in_url && word_start > 0
            }
        })
    };
    let socket = window.windows(5).any(|w| w == b"ocket");
    // A close word after the number, or before it with no other number
    // between them: the screen looks from the word to the first number.
    let after = &line[e..line.len().min(e + NEAR)];
    let before_start = line[..s]
        .iter()
        .rposition(u8::is_ascii_digit)
        .map_or(from, |p| (p + 1).max(from));
    let close = |w: &[u8]| {
        let (a, b) = (
            hit(after, e, w),
            hit(&line[before_start..s], before_start, w),
        );
        a || b
    };
    socket || close(b"los") || close(b"LOS") || close(b"isconnect") || close(b"ISCONNECT")
}

/// `dropped` within [`NEAR`] bytes of the number (`1006 Connection
/// dropped by remote peer`): with the code's own name, a close.
fn dropped_near(line: &[u8], s: usize, e: usize) -> bool {
    let window = &line[s.saturating_sub(NEAR)..line.len().min(e + NEAR)];
    window.windows(6).any(|w| w == b"ropped")
}

/// The key a word away from the number: `code of 4013`, `code is 1006`,
/// `status was 1001`, and a name between a key and its number in brackets
/// (`code UNCONFORMED (1002)`, `status: GOING_AWAY (1001)`). The gap given
/// back is a plain space, as for `code 4013`.
fn linked_key<'a>(line: &[u8], e: usize, words: &Words<'a>) -> Option<(&'a [u8], &'a [u8])> {
    let (near, near_gap, key, key_gap_) = match **words {
        [(near, near_gap), (key, key_gap_), ..] => (near, near_gap, key, key_gap_),
        _ => return None,
    };
    let spaces = |g: &[u8]| !g.is_empty() && g.iter().all(|b| *b == b' ');
    // Spelled as the screen looks for it.
    let is_key = [
        &b"code"[..],
        b"Code",
        b"CODE",
        b"status",
        b"Status",
        b"STATUS",
    ]
    .iter()
    .any(|k| key.ends_with(k));
    if !is_key || key.iter().any(u8::is_ascii_digit) {
        return None;
    }
    let link = ["of", "is", "was"]
        .iter()
        .any(|l| l.as_bytes().eq_ignore_ascii_case(near));
    if link && spaces(near_gap) && spaces(key_gap_) {
        return Some((key, b" "));
    }
    let name = near.len() >= 2
        && near[0].is_ascii_uppercase()
        && near.iter().all(|b| b.is_ascii_alphabetic() || *b == b'_');
    if name && near_gap == b" (" && line.get(e) == Some(&b')') && key_gap(key_gap_) {
        return Some((key, b" "));
    }
    None
}

/// The key's last word is `code` (not `status`): on a WebSocket line, a
/// `code` is the close code.
fn says_code(key: &[u8]) -> bool {
    key_parts(key).last().is_some_and(|p| {
        p.len() >= 4 && p[p.len() - 4..].eq_ignore_ascii_case(b"code") || !p.is_ascii()
    })
}

/// `reason` follows the number as the next word (`code 1000 reason Normal
/// closure`, `code 4001, reason Permission denied`).
fn reason_follows(line: &[u8], e: usize) -> bool {
    let rest = &line[e..line.len().min(e + 16)];
    let lead = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b',' | b';'))
        .count();
    let rest = &rest[lead..];
    lead > 0
        && rest.len() >= 6
        && rest[..6].eq_ignore_ascii_case(b"reason")
        && !rest.get(6).is_some_and(u8::is_ascii_alphanumeric)
}

/// The number stands in brackets of its own after a space: `… limited.
/// (4008)`, `code UNCONFORMED (1002)`; not an argument (`DISCONNECT(1006)`).
fn bracketed(line: &[u8], s: usize, e: usize) -> bool {
    s >= 2 && line[s - 1] == b'(' && line[s - 2] == b' ' && line.get(e) == Some(&b')')
}

/// What the words of the clause that ends at `end` say: the clause runs
/// back to a sign that ends one (`.`, `,`, `;`, `:`, a bracket, …) or a
/// number, at most [`CLAUSE_WORDS`] words and [`CLAUSE_REACH`] bytes.
#[derive(Default)]
struct Clause {
    close: bool,
    websocket: bool,
    error: bool,
    /// A word naming another system's codes (`mysql`, `exit`, `http`).
    other_system: bool,
}

const CLAUSE_WORDS: usize = 12;
const CLAUSE_REACH: usize = 96;

fn clause_before(line: &[u8], end: usize) -> Clause {
    let mut clause = Clause::default();
    let floor = end.saturating_sub(CLAUSE_REACH);
    let mut at = end;
    for _ in 0..CLAUSE_WORDS {
        let gap_end = at;
        while at > floor && !is_word_char(line[at - 1]) {
            at -= 1;
        }
        let ends_clause = line[at..gap_end].iter().any(|b| {
            matches!(
                b,
                b'.' | b','
                    | b';'
                    | b':'
                    | b'!'
                    | b'?'
                    | b'|'
                    | b'/'
                    | b'='
                    | b'('
                    | b')'
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'<'
                    | b'>'
            )
        });
        if ends_clause {
            break;
        }
        let word_end = at;
        while at > floor && is_word_char(line[at - 1]) {
            at -= 1;
        }
        let word = &line[at..word_end];
        if word.is_empty() || word.iter().any(u8::is_ascii_digit) {
            break;
        }
        // Cut by the reach: not a whole word.
        if at == floor && at > 0 && is_word_char(line[at - 1]) {
            break;
        }
        if OTHER_SYSTEMS
            .iter()
            .any(|w| w.as_bytes().eq_ignore_ascii_case(word))
        {
            clause.other_system = true;
        }
        for part in key_parts(word) {
            match class(part) {
                Class::Close => clause.close = true,
                Class::WebSocket => clause.websocket = true,
                Class::Error => clause.error = true,
                _ => {}
            }
        }
    }
    clause
}

/// The code's own name or explanation follows it (`1012 Service Restart`,
/// `1001/Going away`, `4000 (private use)` is not one: no name).
fn name_after(line: &[u8], e: usize, code: u32) -> bool {
    let Some((_, names)) = NAMES.iter().find(|(c, _)| *c == code) else {
        return false;
    };
    let rest = &line[e..];
    let skip = rest
        .iter()
        .take(4)
        .take_while(|b| {
            matches!(
                b,
                b' ' | b'/' | b'-' | b':' | b'(' | b',' | b'\'' | b'"' | b'=' | b'|'
            )
        })
        .count();
    if skip == 0 && !rest.is_empty() {
        return false;
    }
    let rest = &rest[skip..];
    names.iter().any(|n| {
        rest.len() >= n.len()
            && rest[..n.len()].eq_ignore_ascii_case(n.as_bytes())
            && !rest
                .get(n.len())
                .copied()
                .is_some_and(|b| b.is_ascii_alphanumeric())
    })
}

/// One of the two words after the number is a close or WebSocket word
/// (`1006 - WebSocket Read EOF`, `1006 Connection dropped`).
fn word_after_says_close(line: &[u8], e: usize) -> bool {
    let rest = &line[e..line.len().min(e + 40)];
    let lead = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'-' | b'/' | b':' | b'|'))
        .count();
    let rest = &rest[lead..];
    let len = rest.iter().take_while(|b| is_word_char(**b)).count();
    // `1001 msg="ws …"`: the next field's key, not a word about the number.
    if lead == 0 || len == 0 || matches!(rest.get(len), Some(b'=' | b':')) {
        return false;
    }
    key_parts(&rest[..len]).any(|p| matches!(class(p), Class::WebSocket | Class::Close))
}

/// A year in a date: `Nov 24 2026`, `24.11.2026`, `2026/11/24`.
fn looks_like_a_date(line: &[u8], s: usize, e: usize) -> bool {
    const MONTHS: &[&[u8]] = &[
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    if matches!(line.get(e), Some(b'-' | b'/' | b'.' | b'T')) {
        return true;
    }
    let before = &line[s.saturating_sub(12)..s];
    MONTHS
        .iter()
        .any(|m| before.windows(3).any(|w| w.eq_ignore_ascii_case(m)))
        || before.ends_with(b"-")
        || before.ends_with(b"/")
        || before.ends_with(b", ") && before.len() >= 4 && before[before.len() - 3].is_ascii_digit()
}

/// The number sits in a URL or a path (`/v1/rooms/1006`, `?code=1000`).
fn in_path(line: &[u8], s: usize) -> bool {
    let start = line[..s]
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\''))
        .map_or(0, |p| p + 1);
    let token = &line[start..s];
    token.windows(3).any(|w| w == b"://") || token.contains(&b'?') && token.contains(&b'=')
}

#[cfg(test)]
mod tests;
