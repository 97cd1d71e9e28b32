//! The terminal: ANSI codes, display widths, wrapping, and keeping control
//! characters from acting on a terminal. Every module that writes for
//! people takes these from here, so a width rule is written once; the
//! colour of each category is [`crate::codes::Category::color`].

use std::borrow::Cow;

/// Bold text.
pub const BOLD: &str = "\x1b[1m";
/// Dim text.
pub const DIM: &str = "\x1b[2m";
/// Back to plain text.
pub const RESET: &str = "\x1b[0m";

/// Characters that change a terminal rather than show on it: controls (C0,
/// DEL, C1: escape sequences start with them), line and paragraph
/// separators, and the invisible bidirectional controls that reorder what is
/// shown.
pub fn unsafe_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// A message for stderr on one line, as it would be written in Rust: a
/// newline or ESC in a file name shows as `\n` or `\u{1b}`, never acts.
pub fn escape_message(message: &str) -> Cow<'_, str> {
    if !message.chars().any(unsafe_on_terminal) {
        return Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(message.len() + 8);
    for c in message.chars() {
        if unsafe_on_terminal(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Display columns of `s` (a wide character takes two).
pub fn columns(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns, ending in `…` when cut.
pub fn fit_right(s: &str, max: usize) -> String {
    if columns(s) <= max {
        return s.to_string();
    }
    let mut t = String::new();
    let mut used = 1;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max {
            break;
        }
        used += w;
        t.push(c);
    }
    t.push('…');
    t
}

/// `s` cut to at most `max` columns from the left, starting with `…` when
/// cut: the end of a path names the file.
pub fn fit_left(s: &str, max: usize) -> String {
    if columns(s) <= max {
        return s.to_string();
    }
    let mut kept = Vec::new();
    let mut used = 1;
    for c in s.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// Wraps `text` into lines of at most `width` characters (at least 16), at
/// spaces where it can; `None` keeps it on one line.
pub fn wrap(text: &str, width: Option<usize>) -> Vec<String> {
    let Some(width) = width else {
        return vec![text.to_string()];
    };
    let width = width.max(16);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        let mut wlen = word.chars().count();
        if len > 0 && len + 1 + wlen > width {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        while wlen > width {
            // A word longer than a line is cut.
            let head: String = word.chars().take(width - len.min(width)).collect();
            let rest: String = word.chars().skip(head.chars().count()).collect();
            if len > 0 {
                line.push(' ');
            }
            line.push_str(&head);
            lines.push(std::mem::take(&mut line));
            len = 0;
            word = rest;
            wlen = word.chars().count();
        }
        if word.is_empty() {
            continue;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(&word);
        len += wlen;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Joins `items` with ", " into lines of at most `width` characters,
/// keeping each item whole unless it alone is longer than a line.
pub fn wrap_items(items: &[String], width: Option<usize>) -> Vec<String> {
    let Some(width) = width else {
        return vec![items.join(", ")];
    };
    let width = width.max(16);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        let len = line.chars().count();
        if len > 0 && len + 1 + piece.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if piece.chars().count() > width {
            lines.extend(wrap(&piece, Some(width)));
            continue;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_spaces() {
        assert_eq!(wrap("aaa bbb ccc ddd", Some(16)), vec!["aaa bbb ccc ddd"]);
        let lines = wrap(&"word ".repeat(20), Some(20));
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(wrap("x", None), vec!["x"]);
        let long = "a".repeat(40);
        assert!(wrap(&long, Some(16))
            .iter()
            .all(|l| l.chars().count() <= 16));
    }
}
