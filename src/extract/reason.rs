//! The reason text next to a code: quoted values, and what counts as no
//! reason at all.

use super::*;

/// Where the double-quoted value holding `at` opens, if `at` is inside one
/// (a JSON string, a logfmt `key="…"`): quotes are counted from the line's
/// start, skipping backslash escapes inside strings.
pub(super) fn quoted_value_at(line: &[u8], at: usize) -> Option<usize> {
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
pub(super) const QUOTED_VALUE_SCAN: usize = 16 * 1024;

/// The end of the double-quoted value that opens at `open`: its closing
/// quote, or the line's end.
pub(super) fn quoted_value_end(line: &[u8], open: usize) -> usize {
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
pub(super) fn trim_reason(line: &[u8], r: Range<usize>) -> Option<Range<usize>> {
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
