//! Which way a close code went, when the line says so: sent by this end,
//! received from the peer, or only ever reported locally.
//!
//! Cheap and lazy: a few words before the code are read only when an
//! output asks (JSON's `direction`), never on the scan's hot path.

use std::ops::Range;

use super::{Basis, Finding};

/// The way a close code went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// This end sent it (`sent 1011`, `> CLOSE 1000`, `closed by us`).
    Sent,
    /// The peer sent it (`received 1000`, `< CLOSE`, `Rcv`, a read error,
    /// `closed by remote peer`).
    Received,
    /// Never on the wire: 1005, 1006 and 1015 are reported by the end that
    /// saw no code, an abnormal end or a failed TLS handshake.
    Local,
}

impl Direction {
    /// The name JSON output gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Sent => "sent",
            Direction::Received => "received",
            Direction::Local => "local",
        }
    }
}

/// How far before the code the words that say its direction may stand.
const REACH: usize = 64;
/// How many words before the code are read.
const WORDS: usize = 6;

impl Finding {
    /// Which way the code went, when `line` (the line the finding is in)
    /// says so; `None` when it does not.
    pub fn direction(&self, line: &[u8]) -> Option<Direction> {
        direction(line, self.span.clone(), self.code, self.basis)
    }
}

/// The direction of `code`, found at `span` of `line` on `basis`.
pub fn direction(line: &[u8], span: Range<usize>, code: u32, basis: Basis) -> Option<Direction> {
    if matches!(code, 1005 | 1006 | 1015) {
        return Some(Direction::Local);
    }
    let start = span.start.min(line.len());
    let window = &line[start.saturating_sub(REACH)..start];
    // The clause the code is in: `received 1000 (OK); then sent 1000 (OK)`
    // says each code's direction in its own clause.
    let clause = match window.iter().rposition(|b| matches!(b, b';' | b'|')) {
        Some(p) => &window[p + 1..],
        None => window,
    };
    // Frame traces: Python websockets' `client < CLOSE 1000`, `> CLOSE`,
    // and its older `client << Frame(… opcode=8 …)`.
    for (marker, way) in [
        (&b"< CLOSE"[..], Direction::Received),
        (b"> CLOSE", Direction::Sent),
        (b"<< Frame(", Direction::Received),
        (b">> Frame(", Direction::Sent),
    ] {
        if clause.windows(marker.len()).any(|w| w == marker) {
            return Some(way);
        }
    }
    for word in words_back(clause).take(WORDS) {
        let lower = word.to_ascii_lowercase();
        let way = match lower.as_slice() {
            b"sent" | b"send" | b"sending" | b"sends" | b"wrote" | b"write" | b"writing" => {
                Some(Direction::Sent)
            }
            b"received" | b"receive" | b"receiving" | b"recv" | b"rcv" | b"rcvd" | b"got"
            | b"read" | b"remote" | b"peer" => Some(Direction::Received),
            b"local" | b"locally" => Some(Direction::Sent),
            _ => None,
        };
        if way.is_some() {
            return way;
        }
        // `closed by us`, `closed by client`: the word after `by` says who.
        if let Some(way) = by_whom(clause, word) {
            return Some(way);
        }
    }
    // Read errors: gorilla's `websocket: close 1001`, `bad close code`,
    // Node ws and Netty rejecting a frame they read.
    match basis {
        Basis::Format("gorilla" | "gorillabad" | "wsinvalid" | "nettybad") => {
            Some(Direction::Received)
        }
        _ => None,
    }
}

/// `by us` (this end closed) or `by server`/`by client`/`by peer`/`by
/// remote` (the other end did): `word` is the one after `by`.
fn by_whom(clause: &[u8], word: &[u8]) -> Option<Direction> {
    let at = word.as_ptr() as usize - clause.as_ptr() as usize;
    let before = clause[..at].trim_ascii_end();
    let by = before.len() >= 2
        && before[before.len() - 2..].eq_ignore_ascii_case(b"by")
        && (before.len() == 2 || !before[before.len() - 3].is_ascii_alphanumeric());
    if !by {
        return None;
    }
    match word.to_ascii_lowercase().as_slice() {
        b"us" | b"me" | b"self" => Some(Direction::Sent),
        b"server" | b"client" | b"peer" | b"remote" | b"them" | b"other" => {
            Some(Direction::Received)
        }
        _ => None,
    }
}

/// The words of `text`, last first (camelCase humps stay one word:
/// `++Rcv` is `Rcv`, `onClose` is `onClose`).
fn words_back(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|b| !b.is_ascii_alphanumeric() && *b != b'_')
        .rev()
        .filter(|w| !w.is_empty() && !w.iter().all(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn way(line: &str, code: u32) -> Option<Direction> {
        let at = line.find(&code.to_string()).unwrap();
        direction(line.as_bytes(), at..at + 4, code, Basis::Name)
    }

    #[test]
    fn words_before_the_code() {
        use Direction::*;
        for (line, code, want) in [
            (
                "sent 1011 (internal error) keepalive ping timeout",
                1011,
                Some(Sent),
            ),
            (
                "received 1000 (OK); then sent 1000 (OK)",
                1000,
                Some(Received),
            ),
            (
                "received 4000 (private use); then sent 1001 (going away)",
                1001,
                Some(Sent),
            ),
            ("server < CLOSE 1000 (OK) [2 bytes]", 1000, Some(Received)),
            (
                "client > CLOSE 1001 (going away) [2 bytes]",
                1001,
                Some(Sent),
            ),
            ("++Rcv close 1001", 1001, Some(Received)),
            ("Connection closed by us Code: 1002", 1002, Some(Sent)),
            ("closed by remote peer, code 4001", 4001, Some(Received)),
            ("closed by server code=1001", 1001, Some(Received)),
            ("{remote,1001,<<>>}", 1001, Some(Received)),
            ("{local,1000,<<>>}", 1000, Some(Sent)),
            (
                "websocket: close 1006 (abnormal closure)",
                1006,
                Some(Local),
            ),
            ("TLS failed 1015", 1015, Some(Local)),
            ("connection closed with code 1000", 1000, None),
            ("got close frame 4003", 4003, Some(Received)),
        ] {
            assert_eq!(way(line, code), want, "{line}");
        }
    }

    #[test]
    fn read_errors_are_received() {
        let line = b"websocket: close 1001 (going away)";
        assert_eq!(
            direction(line, 17..21, 1001, Basis::Format("gorilla")),
            Some(Direction::Received)
        );
        assert_eq!(direction(line, 17..21, 1001, Basis::Name), None);
    }
}
