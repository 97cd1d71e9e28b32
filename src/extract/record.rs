//! Multi-line records (`CloseEvent {` … `code: 1006,` over several lines):
//! the bounded look-back over the lines a record started on.

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
/// indented, closes a bracket or is only an opening one, or the line above
/// opens one (or ends with `,` or `:`) and `lower` does not start like a new
/// log line (a timestamp, a word).
pub fn follows(lower: &[u8], above: &[u8]) -> bool {
    continues_record(lower)
        || opens_record(above) && !lower.first().is_some_and(u8::is_ascii_alphanumeric)
        || lone_bracket(lower)
}

/// The line is only an opening bracket: the dump a log call printed after
/// its message (tslog's `close` then `{` then `  code: 1006,`). A JSON log
/// line starts with `{` too, but never ends there.
fn lone_bracket(lower: &[u8]) -> bool {
    // Asked of every candidate line's successor: look no further than its
    // first byte that is not a blank unless that is the bracket.
    let Some(at) = lower.iter().position(|b| !matches!(b, b' ' | b'\t')) else {
        return false;
    };
    matches!(lower[at], b'{' | b'[')
        && lower[at + 1..]
            .iter()
            .take_while(|b| **b != b'\n')
            .all(u8::is_ascii_whitespace)
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
