//! Which pod, container or host a line came from, when the line says so:
//! the summary's "By origin" breakdown, so a crashed pod shows as most of
//! the closes coming from one place.
//!
//! Read, in this order: a `kubectl logs --prefix` prefix
//! (`[pod/NAME/CONTAINER] `: the pod), a `docker compose logs` prefix
//! (`NAME  | `), a JSON or logfmt key (`pod`, `pod_name`, `container`,
//! `container_name`, `host`, `hostname`, `instance`, `node`, `node_name`,
//! first found in that order of preference), or a syslog header's host
//! (`Nov 24 03:12:01 HOST prog[pid]:`).

use std::collections::BTreeMap;

use super::CodeKey;

/// The longest origin kept, in bytes (a longer value is not a name).
const MAX_ORIGIN: usize = 128;

/// At most this many distinct origins are counted; events from more go to
/// `other_origins` (which of them depends on the order lines come in).
pub const MAX_ORIGINS: usize = 4096;

/// Keys that name where a line came from, most telling first.
const KEYS: [&str; 9] = [
    "pod",
    "pod_name",
    "container",
    "container_name",
    "host",
    "hostname",
    "instance",
    "node",
    "node_name",
];

/// Close events from one origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OriginStats {
    /// Close events.
    pub events: u64,
    /// Events by code.
    pub codes: BTreeMap<CodeKey, u64>,
    /// The earliest and latest dated event, Unix seconds.
    pub first_time: Option<i64>,
    /// See `first_time`.
    pub last_time: Option<i64>,
}

/// Most `--by` choices.
pub const MAX_BY: usize = 8;

/// A `--by` choice: where in the line its origin is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum By {
    /// `kubectl logs --prefix`'s `[pod/NAME/CONTAINER]`: the pod.
    Kubectl,
    /// `docker compose logs`' `NAME  | `.
    Compose,
    /// A BSD syslog header's host.
    Syslog,
    /// A JSON or logfmt key (any spelling: `pod_name`, `podName`).
    Key(String),
}

/// Reads a `--by` value: `kubectl`, `compose`, `syslog`, or a key.
pub fn parse_by(value: &str) -> Result<By, String> {
    match value {
        "kubectl" => Ok(By::Kubectl),
        "compose" => Ok(By::Compose),
        "syslog" => Ok(By::Syslog),
        key if !key.is_empty()
            && key.len() <= 64
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')) =>
        {
            Ok(By::Key(key.to_string()))
        }
        _ => Err(
            "expected kubectl, compose, syslog or a key of letters, digits, '_' or '-' (at most 64)"
                .to_string(),
        ),
    }
}

/// The origin `line` gives by the first of `by` it has.
pub fn origin_by(line: &[u8], by: &[By]) -> Option<String> {
    by.iter()
        .find_map(|b| match b {
            By::Kubectl => kubectl_prefix(line),
            By::Compose => compose_prefix(line),
            By::Syslog => syslog_host(line),
            By::Key(key) => keyed_value(line, &[key.as_str()]),
        })
        .filter(|o| !o.is_empty() && o.len() <= MAX_ORIGIN)
        .map(|o| String::from_utf8_lossy(o).into_owned())
}

/// The pod, container or host `line` says it came from.
pub fn origin_of(line: &[u8]) -> Option<String> {
    kubectl_prefix(line)
        .or_else(|| compose_prefix(line))
        .or_else(|| keyed(line))
        .or_else(|| syslog_host(line))
        .filter(|o| !o.is_empty() && o.len() <= MAX_ORIGIN)
        .map(|o| String::from_utf8_lossy(o).into_owned())
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')
}

/// `[pod/gw-7d9f/gateway] …`: the pod's name.
fn kubectl_prefix(line: &[u8]) -> Option<&[u8]> {
    let rest = line.strip_prefix(b"[pod/")?;
    let end = rest.iter().position(|&b| b == b'/' || b == b']')?;
    let close = rest.iter().position(|&b| b == b']')?;
    (rest.get(close + 1) == Some(&b' ') && rest[..end].iter().all(|&b| is_name_byte(b)))
        .then(|| &rest[..end])
}

/// `gateway-1  | …` (docker compose): the service's container.
fn compose_prefix(line: &[u8]) -> Option<&[u8]> {
    let name_end = line.iter().position(|&b| !is_name_byte(b))?;
    // A name has a letter: `2026-11-24 | …` is a date in a table.
    if !line[..name_end].iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    let rest = &line[name_end..];
    let spaces = rest.iter().take_while(|&&b| b == b' ').count();
    (spaces >= 1 && rest[spaces..].starts_with(b"| ")).then(|| &line[..name_end])
}

/// `"pod":"gw-7d9f"`, `pod=gw-7d9f`, `"host": "gw-1"`: the most telling
/// key's value.
fn keyed(line: &[u8]) -> Option<&[u8]> {
    keyed_value(line, &KEYS)
}

/// The value of the first of `keys` (most telling first) that `line` has as
/// a JSON or logfmt key. Keys match in any spelling: case, `_` and `-` aside
/// (`pod_name`, `podName`, `pod-name`).
pub(super) fn keyed_value<'a>(line: &'a [u8], keys: &[&str]) -> Option<&'a [u8]> {
    let mut best: Option<(usize, &[u8])> = None;
    for (key, at) in keys_of(line) {
        let Some(rank) = keys.iter().position(|k| same_key(key, k.as_bytes())) else {
            continue;
        };
        if best.is_some_and(|(r, _)| r <= rank) {
            continue;
        }
        if let Some(value) = value_after(line, at) {
            best = Some((rank, value));
            if rank == 0 {
                break;
            }
        }
    }
    best.map(|(_, v)| v)
}

/// The JSON and logfmt keys of `line`, each with where its value starts:
/// `key=value` is logfmt, `"key": value` JSON; a bare `key:` is prose
/// ("host: unreachable") and is left out.
pub(super) fn keys_of(line: &[u8]) -> impl Iterator<Item = (&[u8], usize)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(i) = memchr::memchr2(b'=', b':', &line[at..]).map(|i| i + at) {
            at = i + 1;
            let (key, quoted) = key_before(line, i);
            if !key.is_empty() && (line[i] == b'=' || quoted) {
                return Some((key, i + 1));
            }
        }
        None
    })
}

/// `key` spells `want`, case and `_`/`-` aside.
pub(super) fn same_key(key: &[u8], want: &[u8]) -> bool {
    let mut a = key.iter().filter(|b| !matches!(b, b'_' | b'-'));
    let mut b = want.iter().filter(|b| !matches!(b, b'_' | b'-'));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => {}
            _ => return false,
        }
    }
}

/// The key ending just before `line[i]`, and whether it was quoted.
fn key_before(line: &[u8], i: usize) -> (&[u8], bool) {
    let mut end = i;
    while end > 0 && line[end - 1] == b' ' && line[i] == b':' {
        end -= 1;
    }
    let quoted = end > 0 && line[end - 1] == b'"';
    let end = if quoted { end - 1 } else { end };
    let mut start = end;
    while start > 0
        && (line[start - 1].is_ascii_alphanumeric() || matches!(line[start - 1], b'_' | b'-'))
    {
        start -= 1;
    }
    // A dotted key (`kubernetes.pod_name`) counts by its last part; a key
    // glued to other letters does not.
    if start > 0
        && !matches!(
            line[start - 1],
            b' ' | b'"' | b'{' | b',' | b'.' | b'\t' | b'['
        )
    {
        return (&[], quoted);
    }
    (&line[start..end], quoted)
}

/// The value starting at `line[at]`: quoted or bare.
pub(super) fn value_after(line: &[u8], at: usize) -> Option<&[u8]> {
    let mut at = at;
    while line.get(at) == Some(&b' ') {
        at += 1;
    }
    if line.get(at) == Some(&b'"') {
        let rest = &line[at + 1..];
        let end = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
        return Some(&rest[..end]);
    }
    let rest = &line[at..];
    let end = rest
        .iter()
        .position(|&b| !is_name_byte(b))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// `Nov 24 03:12:01 gw-1 app[123]: …`: the host of a BSD syslog header.
fn syslog_host(line: &[u8]) -> Option<&[u8]> {
    let months = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    if line.len() < 17 || !months.iter().any(|m| line.starts_with(*m)) {
        return None;
    }
    let time = &line[7..15];
    let is_time = time.iter().enumerate().all(|(i, &b)| {
        if i == 2 || i == 5 {
            b == b':'
        } else {
            b.is_ascii_digit()
        }
    });
    if line[3] != b' ' || line[6] != b' ' || !is_time || line[15] != b' ' {
        return None;
    }
    let rest = &line[16..];
    let end = rest.iter().position(|&b| b == b' ')?;
    let host = &rest[..end];
    // The program follows, ended by ':' or '[pid]:'.
    let program = &rest[end + 1..];
    let colon = program.iter().position(|&b| b == b':' || b == b' ')?;
    (program.get(colon) == Some(&b':') || program[colon..].starts_with(b" "))
        .then_some(host)
        .filter(|h| h.iter().all(|&b| is_name_byte(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(line: &str) -> Option<String> {
        origin_of(line.as_bytes())
    }

    #[test]
    fn origins_are_read_where_logs_put_them() {
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            o("[pod/gw-7d9f-x2x/gateway] websocket: close 1006"),
            some("gw-7d9f-x2x")
        );
        assert_eq!(o("gateway-1  | websocket: close 1006"), some("gateway-1"));
        assert_eq!(
            o(r#"{"level":"warn","pod":"gw-7d9f","msg":"ws closed","code":1006}"#),
            some("gw-7d9f")
        );
        assert_eq!(
            o(r#"{"kubernetes":{"pod_name":"gw-2"},"log":"close 1006"}"#),
            some("gw-2")
        );
        assert_eq!(o("level=warn host=gw-3 msg=closed code=1006"), some("gw-3"));
        // The pod is more telling than the host, wherever it stands.
        assert_eq!(o("host=node-1 pod=gw-4 ws close 1006"), some("gw-4"));
        assert_eq!(
            o("Nov 24 03:12:01 gw-5 gateway[123]: websocket: close 1006"),
            some("gw-5")
        );
        let by = [By::Key("tenant".into()), By::Kubectl];
        let ob = |l: &str| origin_by(l.as_bytes(), &by);
        assert_eq!(
            ob("[pod/gw-1/x] ws close 1006 tenant=acme").as_deref(),
            Some("acme")
        );
        assert_eq!(ob("[pod/gw-1/x] ws close 1006").as_deref(), Some("gw-1"));
        assert_eq!(ob("pod=gw-2 ws close 1006"), None);
        assert!(parse_by("a b").is_err() && parse_by("").is_err());
        for none in [
            "websocket: close 1006 (abnormal closure)",
            "host: unreachable, ws closed with 1006",
            "ghost=gw-6 ws closed 1006",
            "[INFO] websocket: close 1006",
            "2026-11-24 | close 1006",
        ] {
            assert_eq!(o(none), None, "{none}");
        }
    }
}
