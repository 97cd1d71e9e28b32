//! The text annotation appended to a line that carries close codes.
//!
//! Shape: `<line> ⟪ws 1006 Abnormal Closure · error · <hint> · <reconnect>⟫<ending>`,
//! several codes separated by ` | `. The annotation goes before the line ending
//! (`\n`, `\r\n`, or `\r` on a last line) and never contains `⟪` or `⟫`
//! after its opening, so [`STRIP_PATTERN`] removes exactly what was added,
//! even when the line before it holds an unclosed ` ⟪ws` of its own. A line that already ends
//! like an annotation gets an empty marker ` ⟪ws⟫`, so stripping gives it back
//! whole: the round trip is exact for any input.

use std::sync::OnceLock;

use regex::bytes::Regex;

use crate::extract::Finding;
use crate::term::{DIM, RESET};

/// Opens every annotation.
pub const OPEN: &str = " ⟪ws";
/// Closes every annotation; neither it nor `⟪` appears inside one.
pub const CLOSE: &str = "⟫";
/// Removes one annotation per line: replace matches with `$1` (the kept `\r`),
/// e.g. `sed -E 's/ ⟪ws[^⟪⟫]*⟫(\r?)$/\1/'` in a UTF-8 locale.
pub const STRIP_PATTERN: &str = r" ⟪ws[^⟪⟫]*⟫(\r?)$";

/// Ends the annotation of an input's last line that had no newline of its
/// own when another input follows: the tool ended the line, as grep and rg
/// do, and this says so. Stripping removes the annotation and the added
/// `\n` with it ([`JOIN_PATTERN`]), so the inputs come back byte for byte.
pub const ADDED_NEWLINE: &str = "⏎";
/// Matches, at the end of a line given with its `\n`, an annotation that
/// ends in [`ADDED_NEWLINE`] and the newline the tool added; replace with
/// `$1` (a kept lone `\r`). Lines it does not match are stripped with
/// [`STRIP_PATTERN`]: each line is stripped on its own, as the tool
/// annotated it on its own.
pub const JOIN_PATTERN: &str = r" ⟪ws[^⟪⟫]*⏎⟫(\r?)\n\z";

fn strip_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(STRIP_PATTERN).expect("strip pattern is valid"))
}

fn join_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(JOIN_PATTERN).expect("join pattern is valid"))
}

/// Splits a line into its text and its ending (`\r\n`, `\n`, a lone `\r` at
/// the end of the input, or nothing).
pub fn split_ending(line: &[u8]) -> (&[u8], &[u8]) {
    let cut = if line.ends_with(b"\r\n") {
        2
    } else if line.ends_with(b"\n") || line.ends_with(b"\r") {
        1
    } else {
        0
    };
    line.split_at(line.len() - cut)
}

/// True when stripping would remove text from this line (given without its
/// `\n`) even though no annotation was added: it needs the empty marker.
pub fn looks_annotated(line_without_lf: &[u8]) -> bool {
    // Most lines fail the cheap test of the pattern's end.
    ends_like_annotation(line_without_lf) && strip_regex().is_match(line_without_lf)
}

/// True when text (without its `\n`) ends in `⟫` or `⟫\r`: the end the
/// strip pattern needs.
pub(crate) fn ends_like_annotation(text: &[u8]) -> bool {
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    text.ends_with(CLOSE.as_bytes())
}

/// Removes the annotations from output, giving back the input byte for byte
/// (the inputs one after another, when there were several): one annotation
/// per line, and with a [`JOIN_PATTERN`] annotation the newline the tool
/// added.
pub fn strip(output: &[u8]) -> Vec<u8> {
    let mut back = Vec::with_capacity(output.len());
    for line in output.split_inclusive(|&b| b == b'\n') {
        if let Some(at) = join_regex().captures(line) {
            let cut = at.get(0).map_or(line.len(), |m| m.start());
            back.extend_from_slice(&line[..cut]);
            back.extend_from_slice(at.get(1).map_or(&b""[..], |m| m.as_bytes()));
            continue;
        }
        let (text, lf) = match line.strip_suffix(b"\n") {
            Some(t) => (t, &b"\n"[..]),
            None => (line, &b""[..]),
        };
        back.extend_from_slice(&strip_regex().replace(text, &b"$1"[..]));
        back.extend_from_slice(lf);
    }
    back
}

/// Appends the annotation for `findings` (the empty marker when there are
/// none) to `out`; with `added_newline`, it ends in [`ADDED_NEWLINE`]
/// (the caller then ends the line).
///
/// ```
/// use wscode_annotate::annotation::{render, strip};
/// use wscode_annotate::extract::Extractor;
///
/// let line = b"websocket: close 1006 (abnormal closure): unexpected EOF";
/// let mut found = Vec::new();
/// Extractor::new(&[]).unwrap().extract(line, &mut found);
/// let mut out = line.to_vec();
/// render(&found, false, false, &mut out);
/// out.push(b'\n');
/// let text = String::from_utf8_lossy(&out);
/// assert!(text.contains("1006 Abnormal Closure"), "{text}");
/// // Stripping gives back the line exactly.
/// assert_eq!(strip(&out), [&line[..], b"\n"].concat());
/// ```
pub fn render(findings: &[Finding], color: bool, added_newline: bool, out: &mut Vec<u8>) {
    let paint = |out: &mut Vec<u8>, code: &str, text: &str| {
        if color {
            out.extend_from_slice(code.as_bytes());
            out.extend_from_slice(text.as_bytes());
            out.extend_from_slice(RESET.as_bytes());
        } else {
            out.extend_from_slice(text.as_bytes());
        }
    };
    paint(out, DIM, OPEN);
    for (i, f) in findings.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b" " } else { b" | " });
        let d = f.view();
        let (category, hint, reconnect) = (d.category, d.hint, d.reconnect);
        let head = format!("{} {}", f.code, d.name);
        paint(out, category.color(), &head);
        out.extend_from_slice(" · ".as_bytes());
        paint(out, category.color(), category.as_str());
        out.extend_from_slice(" · ".as_bytes());
        out.extend_from_slice(hint.as_bytes());
        out.extend_from_slice(" · ".as_bytes());
        out.extend_from_slice(reconnect.advice().as_bytes());
    }
    if added_newline {
        out.push(b' ');
        paint(out, DIM, ADDED_NEWLINE);
    }
    paint(out, DIM, CLOSE);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: u32) -> Finding {
        Finding::new(code, 0..4, None, false, crate::extract::Basis::Pattern)
    }

    #[test]
    fn annotation_reads_well_and_strips() {
        let mut out = b"websocket: close 1006 (abnormal closure)".to_vec();
        render(&[finding(1006)], false, false, &mut out);
        out.extend_from_slice(b"\r\n");
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(
            text.contains("⟪ws 1006 Abnormal Closure · error · dropped"),
            "{text}"
        );
        assert_eq!(strip(&out), b"websocket: close 1006 (abnormal closure)\r\n");
    }

    #[test]
    fn a_line_that_looks_annotated_is_marked() {
        assert!(looks_annotated(" x ⟪ws 1000 y⟫".as_bytes()));
        assert!(looks_annotated(" x ⟪ws 1000 y⟫\r".as_bytes()));
        assert!(!looks_annotated(" x ⟪ws 1000 y⟫ tail".as_bytes()));
        let mut out = " x ⟪ws 1000 y⟫".as_bytes().to_vec();
        render(&[], false, false, &mut out);
        out.push(b'\n');
        assert_eq!(strip(&out), " x ⟪ws 1000 y⟫\n".as_bytes());
    }

    #[test]
    fn an_unclosed_opener_in_the_line_is_kept() {
        let mut out = "websocket: close 1006 (abnormal closure) ⟪ws"
            .as_bytes()
            .to_vec();
        render(&[finding(1006)], false, false, &mut out);
        assert_eq!(
            strip(&out),
            "websocket: close 1006 (abnormal closure) ⟪ws".as_bytes()
        );
    }

    #[test]
    fn a_newline_added_between_inputs_is_stripped_with_its_annotation() {
        // Three inputs: "a close 1006" and "x ends\r" without a newline,
        // then "last\n".
        let mut out = b"a close 1006".to_vec();
        render(&[finding(1006)], false, true, &mut out);
        out.push(b'\n');
        // A lone CR stays before the added newline.
        let mut out2 = b"x ends".to_vec();
        render(&[], false, true, &mut out2);
        out2.extend_from_slice(b"\r\n");
        out.extend_from_slice(&out2);
        out.extend_from_slice(b"last\n");
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains(" ⏎⟫\n"), "{text}");
        assert_eq!(strip(&out), b"a close 1006x ends\rlast\n");
        // A line of the input that ends like the marker is not joined: it
        // gets the empty marker, and only that is stripped.
        let mut own = " y ⟪ws z ⏎⟫".as_bytes().to_vec();
        render(&[], false, false, &mut own);
        own.push(b'\n');
        assert_eq!(strip(&own), " y ⟪ws z ⏎⟫\n".as_bytes());
    }

    #[test]
    fn endings_split() {
        assert_eq!(split_ending(b"a\r\n"), (&b"a"[..], &b"\r\n"[..]));
        assert_eq!(split_ending(b"a\n"), (&b"a"[..], &b"\n"[..]));
        assert_eq!(split_ending(b"a\r"), (&b"a"[..], &b"\r"[..]));
        assert_eq!(split_ending(b"a"), (&b"a"[..], &b""[..]));
    }
}
