//! Annotate mode's text: the line as it was, with the annotation
//! ([`crate::annotation`]) added before its ending.

use crate::annotation::render;
use crate::extract::Finding;
use crate::scan::Line;

/// `line` with its annotation into `out`. `ends_last_line`: a line without
/// an ending gets one (and the annotation says it was added);
/// `only_matching`: `-o` ends every line printed.
pub(super) fn line(
    out: &mut Vec<u8>,
    line: &Line<'_>,
    findings: &[Finding],
    color: bool,
    ends_last_line: bool,
    only_matching: bool,
) {
    out.extend_from_slice(line.text);
    let added = ends_last_line && !line.ending.ends_with(b"\n");
    render(findings, color, added, out);
    out.extend_from_slice(line.ending);
    if added {
        out.push(b'\n');
    }
    if only_matching && line.ending.is_empty() {
        out.push(b'\n');
    }
}
