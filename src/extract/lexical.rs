//! The lexical facts extraction and the screen share: what continues a
//! token, which words after a number make it a quantity, which keys name a
//! close code, what a port looks like. One copy, so the screen and the rules
//! can never disagree on them.

/// Words that, right after a number, make it a quantity rather than a code.
const UNITS: &[&str] = &[
    "ms",
    "s",
    "sec",
    "secs",
    "second",
    "seconds",
    "m",
    "min",
    "mins",
    "minute",
    "minutes",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "us",
    "ns",
    "b",
    "byte",
    "bytes",
    "kb",
    "kib",
    "mb",
    "mib",
    "gb",
    "gib",
    "k",
    "x",
    "times",
    "connections",
    "conns",
    "clients",
    "messages",
    "msgs",
    "items",
    "requests",
    "reqs",
    "sessions",
    "users",
    "frames",
    "records",
    "rows",
    "entries",
    "lines",
    "attempts",
    "retries",
    "tries",
    "files",
    "goroutines",
    "threads",
    "workers",
    "events",
    "subscribers",
    "subscriptions",
    "sockets",
    "peers",
    "pings",
    "errors",
    "packets",
    "chars",
    "characters",
    "ms)",
    "s)",
];

/// An ASCII byte that continues a word.
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when `rest` goes on with the token that ended just before it: a
/// number or name followed by a letter, a digit, an invalid UTF-8 byte or a
/// letter of another script is part of something longer (`1006ms`,
/// `10\xff06`, `1006毫秒`); punctuation (`1006，`) ends it.
pub(crate) fn continues_token(rest: &[u8]) -> bool {
    match rest.first() {
        None => false,
        Some(&b) if b < 0x80 => is_word_byte(b),
        Some(_) => match std::str::from_utf8(&rest[..rest.len().min(4)]) {
            Ok(s) => s.chars().next().is_some_and(char::is_alphanumeric),
            Err(e) if e.valid_up_to() > 0 => std::str::from_utf8(&rest[..e.valid_up_to()])
                .ok()
                .and_then(|s| s.chars().next())
                .is_some_and(char::is_alphanumeric),
            Err(_) => true,
        },
    }
}

/// True when what follows the number makes it a quantity, a time, a decimal or
/// part of a larger token: `1006ms`, `3000 connections`, `1011.5`, `1006-`.
pub(crate) fn is_quantity(line: &[u8], end: usize) -> bool {
    let rest = &line[end..];
    match rest.first() {
        None => return false,
        Some(b'.' | b',' | b':' | b'/' | b'-') if rest.get(1).is_some_and(u8::is_ascii_digit) => {
            return true;
        }
        Some(b) if b.is_ascii_alphabetic() || *b == b'%' => return true,
        _ => {}
    }
    // The next word, or the one after (an adjective: "1006 idle connections"),
    // names a unit or a counted thing; "of" makes it a count ("1006 of 3000").
    let mut words = rest
        .split(|b| matches!(b, b' ' | b'\t'))
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.iter()
                .take_while(|b| b.is_ascii_alphabetic() || **b == b'%')
                .map(u8::to_ascii_lowercase)
                .collect::<Vec<u8>>()
        });
    if !rest.starts_with(b" ") && !rest.starts_with(b"\t") {
        return false;
    }
    let first = words.next().unwrap_or_default();
    if first.first() == Some(&b'%') || first == b"of" || first == b"out" {
        return true;
    }
    // Only a word can be the adjective: in `CLOSE=1001 46 bytes` the
    // count is the next number's, not this one's.
    if first.is_empty() {
        return false;
    }
    let second = words.next().unwrap_or_default();
    [first, second]
        .iter()
        .any(|w| UNITS.iter().any(|u| u.as_bytes() == w.as_slice()))
}

/// True when the number at `start` follows `host:` — a port, not a code.
/// `code:1006`, `closed:1006` and `status:1006` are keys, not hosts.
pub(crate) fn is_port(line: &[u8], start: usize) -> bool {
    if start < 2 || line[start - 1] != b':' {
        return false;
    }
    match key_before(&line[..start - 1]) {
        Some(key) => !is_code_key(key),
        None => matches!(line[..start - 1].last(), Some(b']')),
    }
}

/// True when the number at `start` is the value of another field
/// (`closing idle conns count=1006`): a close word earlier on the line does
/// not make `count=` a close code.
pub(crate) fn is_other_field(line: &[u8], start: usize) -> bool {
    let before = &line[..start];
    let before = before
        .strip_suffix(b"\"")
        .or_else(|| before.strip_suffix(b"'"))
        .unwrap_or(before);
    if let Some(rest) = before.strip_suffix(b"=") {
        return key_before(rest).is_some_and(|key| !is_code_key(key));
    }
    // A quoted JSON key: `{"fd":1001}`, `"count": 1006`.
    let trimmed = before.trim_ascii_end();
    if let Some(rest) = trimmed.strip_suffix(b"\":") {
        return key_before(rest).is_some_and(|key| !is_code_key(key));
    }
    false
}

/// Apple's NSError prints `Error Domain=… Code=2132 "…"`: the number at
/// `start` is that domain's error code, never a close code.
pub(crate) fn is_nserror_code(line: &[u8], start: usize) -> bool {
    let before = &line[start.saturating_sub(120)..start];
    before.ends_with(b"Code=") && before.windows(7).any(|w| w == b"Domain=")
}

/// The identifier that ends `before` (`host`, `count`, `ws.close_code`).
pub(crate) fn key_before(before: &[u8]) -> Option<&[u8]> {
    let len = before
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    (len > 0).then(|| &before[before.len() - len..])
}

/// Keys under which a close code is logged.
pub(crate) fn is_code_key(key: &[u8]) -> bool {
    const KEYS: &[&[u8]] = &[
        b"code",
        b"status",
        b"close",
        b"closed",
        b"closing",
        b"closure",
        b"disconnected",
        b"statuscode",
        b"status_code",
        b"closecode",
        b"close_code",
        b"closestatus",
        b"reason",
    ];
    let word = key.rsplit(|&b| b == b'.').next().unwrap_or(key);
    KEYS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// The line with ANSI escape sequences (CSI `ESC [ … letter`, OSC
/// `ESC ] … BEL`, and two-byte `ESC x`) taken out, and for every byte
/// left, plus one past the end, where it stands in `line`. `None` when
/// there is no escape sequence to take out.
pub(crate) fn without_ansi(line: &[u8]) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut plain = Vec::with_capacity(line.len());
    let mut map = Vec::with_capacity(line.len() + 1);
    let mut i = 0;
    let mut removed = false;
    while i < line.len() {
        if line[i] == 0x1b && i + 1 < line.len() {
            let kind = line[i + 1];
            let mut j = i + 2;
            match kind {
                b'[' => {
                    while j < line.len() && !(0x40..=0x7e).contains(&line[j]) {
                        j += 1;
                    }
                    j = (j + 1).min(line.len());
                }
                b']' => {
                    while j < line.len() && line[j] != 0x07 && line[j] != 0x1b {
                        j += 1;
                    }
                    if j < line.len() && line[j] == 0x1b {
                        j += 1; // ST is ESC \
                    }
                    j = (j + 1).min(line.len());
                }
                _ => {}
            }
            removed = true;
            i = j;
            continue;
        }
        plain.push(line[i]);
        map.push(i);
        i += 1;
    }
    map.push(line.len());
    removed.then_some((plain, map))
}

/// Close and disconnect words in Russian, Chinese, Japanese, Korean,
/// Spanish, Portuguese, French and German, as parts of a word: one list for
/// the evidence, the context test and the close-word regex.
pub(crate) const FOREIGN_CLOSE: &[&str] = &[
    "закры",
    "Закры",
    "отключ",
    "Отключ",
    "разорв",
    "关闭",
    "断开",
    "關閉",
    "切断",
    "閉じ",
    "종료",
    "끊",
    "cerrad",
    "cerró",
    "desconect",
    "fechad",
    "fechou",
    "fermé",
    "ferme",
    "déconnect",
    "deconnect",
    "geschlossen",
    "getrennt",
];
