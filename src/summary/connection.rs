//! What a close line says about its connection: which one it was (an id
//! key) and how long it had been open (a duration key, or `closed after
//! 60.0s` in prose). The diagnosis reads closes at a fixed age as an idle
//! timeout, and closes of one id recurring as a reconnect loop.

use super::origin::{keyed_value, keys_of, same_key, value_after};

/// Keys that name a connection, most telling first (any spelling:
/// `connection_id`, `connectionId`, `connection-id`).
pub const CONNECTION_KEYS: [&str; 20] = [
    "conn_id",
    "connection_id",
    "conn",
    "connection",
    "socket_id",
    "ws_id",
    "websocket_id",
    "session_id",
    "session",
    "sid",
    "client_id",
    "client",
    "peer",
    "remote_addr",
    "remote_address",
    "remote",
    "addr",
    "user_id",
    "channel_id",
    "stream_id",
];

/// Key words that give a connection's age (`duration_ms`, `lifetime`,
/// `connectedFor`), before any unit suffix.
const AGE_KEYS: [&str; 16] = [
    "duration",
    "lifetime",
    "age",
    "connected_for",
    "connection_duration",
    "connection_age",
    "conn_duration",
    "conn_age",
    "session_duration",
    "session_age",
    "uptime",
    "alive_for",
    "open_for",
    "lifespan",
    "elapsed",
    "connection_time",
];

/// The longest id kept, in bytes.
const MAX_ID: usize = 96;

/// The connection `line` names, if any.
pub fn connection_of(line: &[u8]) -> Option<&[u8]> {
    keyed_value(line, &CONNECTION_KEYS).filter(|v| !v.is_empty() && v.len() <= MAX_ID)
}

/// How long the connection had been open when it closed, in milliseconds:
/// from a duration key (`duration_ms=60012`, `"lifetime":"1m0s"`,
/// `age=60.0s`) or from prose (`closed after 60.0s`, `connected for 59.8 s`).
/// A bare number is in the key's unit (`_ms`, `_s`), else seconds.
pub fn age_of(line: &[u8]) -> Option<u64> {
    keyed_age(line).or_else(|| prose_age(line))
}

fn keyed_age(line: &[u8]) -> Option<u64> {
    keys_of(line).find_map(|(key, at)| {
        let unit = age_key_unit(key)?;
        parse_duration(value_after(line, at)?, unit)
    })
}

/// The unit (milliseconds per unit) a bare value of `key` is in, if `key`
/// gives a connection's age: `duration_ms` → 1, `lifetime` → 1000.
fn age_key_unit(key: &[u8]) -> Option<u64> {
    const SUFFIXES: [(&str, u64); 8] = [
        ("", 1000),
        ("ms", 1),
        ("millis", 1),
        ("msec", 1),
        ("s", 1000),
        ("sec", 1000),
        ("secs", 1000),
        ("seconds", 1000),
    ];
    let trimmed = key.strip_suffix(b"_").unwrap_or(key);
    for (suffix, unit) in SUFFIXES {
        let Some(stem) = strip_suffix_ignore_case(trimmed, suffix.as_bytes()) else {
            continue;
        };
        let stem = stem
            .strip_suffix(b"_")
            .or_else(|| stem.strip_suffix(b"-"))
            .unwrap_or(stem);
        if !stem.is_empty() && AGE_KEYS.iter().any(|k| same_key(stem, k.as_bytes())) {
            return Some(unit);
        }
    }
    None
}

fn strip_suffix_ignore_case<'a>(key: &'a [u8], suffix: &[u8]) -> Option<&'a [u8]> {
    let cut = key.len().checked_sub(suffix.len())?;
    key[cut..]
        .eq_ignore_ascii_case(suffix)
        .then_some(&key[..cut])
}

/// `closed after 60.0s`, `disconnected … after 2m0s`, `connected for
/// 59.8 s`, `lasted 61s`: a unit is required in prose. `after` counts on a
/// line that says close before it, unless a retry stands just before it
/// (`reconnecting after 3000ms`).
fn prose_age(line: &[u8]) -> Option<u64> {
    const CLOSE: [&[u8]; 5] = [b"clos", b"disconnect", b"terminat", b"dropped", b"ended"];
    const RETRY: [&[u8]; 6] = [
        b"retr",
        b"reconnect",
        b"backoff",
        b"wait",
        b"sleep",
        b"again",
    ];
    const FOR: [&[u8]; 5] = [b"connected", b"open", b"opened", b"alive", b"up"];
    let lower = |b: &[u8]| b.to_ascii_lowercase();
    for lead in [&b" after "[..], b" for ", b"lasted "] {
        let mut at = 0;
        while let Some(p) = memchr::memmem::find(&line[at..], lead) {
            let s = at + p;
            at = s + lead.len();
            let before = lower(&line[..s]);
            let ok = match lead {
                b" after " => {
                    let near = &before[before.len().saturating_sub(32)..];
                    CLOSE
                        .iter()
                        .any(|w| memchr::memmem::find(&before, w).is_some())
                        && !RETRY
                            .iter()
                            .any(|w| memchr::memmem::find(near, w).is_some())
                }
                b" for " => {
                    let word_start = before
                        .iter()
                        .rposition(|b| !b.is_ascii_alphabetic())
                        .map_or(0, |p| p + 1);
                    FOR.contains(&&before[word_start..])
                }
                _ => true,
            };
            if !ok {
                continue;
            }
            if let Some(ms) = duration_token(&line[at..]) {
                return Some(ms);
            }
        }
    }
    None
}

/// A duration with its unit at the start of `rest`: `60.0s`, `2m0s`,
/// `60 seconds` (one space before the unit at most).
fn duration_token(rest: &[u8]) -> Option<u64> {
    let len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'.')
        .count()
        .min(24);
    if let Some(ms) = parse_duration(&rest[..len], 0) {
        return Some(ms);
    }
    // `60 seconds`: the number, one space, the unit.
    if rest.get(len) != Some(&b' ') || !rest[..len].iter().all(|b| b.is_ascii_digit() || *b == b'.')
    {
        return None;
    }
    let unit = rest[len + 1..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count()
        .min(12);
    let mut joined = rest[..len].to_vec();
    joined.extend_from_slice(&rest[len + 1..len + 1 + unit]);
    parse_duration(&joined, 0)
}

/// A duration in milliseconds: `60.5s`, `60000ms`, `1m0.5s`, `1h2m`,
/// `350 seconds`, or a bare number in `unit` milliseconds (0: a unit is
/// required). At most 30 days: longer is not a connection's age.
pub fn parse_duration(text: &[u8], unit: u64) -> Option<u64> {
    const UNITS: [(&str, f64); 16] = [
        ("ns", 1e-6),
        ("us", 1e-3),
        ("µs", 1e-3),
        ("ms", 1.0),
        ("msec", 1.0),
        ("millis", 1.0),
        ("milliseconds", 1.0),
        ("s", 1e3),
        ("sec", 1e3),
        ("secs", 1e3),
        ("second", 1e3),
        ("seconds", 1e3),
        ("m", 60e3),
        ("min", 60e3),
        ("minutes", 60e3),
        ("h", 3600e3),
    ];
    let text = std::str::from_utf8(text).ok()?;
    let mut rest = text;
    let mut total = 0.0f64;
    let mut parts = 0;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if num_len == 0 {
            return None;
        }
        let number: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic() || *b == 0xc2 || *b == 0xb5)
            .count();
        let word = &rest[..unit_len];
        rest = &rest[unit_len..];
        let per = if word.is_empty() {
            if parts > 0 || unit == 0 || !rest.is_empty() {
                return None;
            }
            unit as f64
        } else {
            UNITS
                .iter()
                .find(|(u, _)| u.eq_ignore_ascii_case(word))
                .map(|(_, per)| *per)?
        };
        total += number * per;
        parts += 1;
    }
    (parts > 0 && total.is_finite() && total <= 30.0 * 86_400e3).then(|| total.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(line: &str) -> Option<u64> {
        age_of(line.as_bytes())
    }

    #[test]
    fn ages_from_keys_and_prose() {
        assert_eq!(age("ws closed code=1006 duration_ms=60012"), Some(60_012));
        assert_eq!(
            age(r#"{"msg":"closed","code":1006,"lifetime":"1m0.5s"}"#),
            Some(60_500)
        );
        assert_eq!(age("close 1006 conn=7 age=59.9s"), Some(59_900));
        assert_eq!(age("close 1006 connectedFor=350"), Some(350_000));
        assert_eq!(age("close 1006 duration=17ms"), Some(17));
        assert_eq!(age("websocket closed after 60.0s with 1006"), Some(60_000));
        assert_eq!(
            age("client disconnected after 4 minutes: 1006"),
            Some(240_000)
        );
        assert_eq!(age("ws connected for 59.8 s, closed 1006"), Some(59_800));
        for none in [
            "ws closed 1006, reconnecting after 3000ms",
            "retry after 5s: close 1006",
            "closed 1006 message=hello",
            "closed 1006 duration=fast",
            "closed after 3 retries: 1006",
            "ws closed 1006 age=99999999",
        ] {
            assert_eq!(age(none), None, "{none}");
        }
    }

    #[test]
    fn connections_by_their_keys() {
        let c =
            |l: &str| connection_of(l.as_bytes()).map(|v| String::from_utf8_lossy(v).into_owned());
        assert_eq!(
            c("ws closed conn=ws-42 code=1006").as_deref(),
            Some("ws-42")
        );
        assert_eq!(
            c(r#"{"connectionId":"c-9","code":1006}"#).as_deref(),
            Some("c-9")
        );
        assert_eq!(
            c("close 1006 peer=10.0.0.7:51234 session=s1").as_deref(),
            Some("s1")
        );
        assert_eq!(c("websocket: close 1006 (abnormal closure)"), None);
    }
}
