//! Line splitting and annotation: the scanner over arbitrary bytes read in
//! small, uneven pieces, with a small line limit so long lines come in
//! pieces. Text output strips back to the input byte for byte with the
//! same number of lines; JSON output parses; and when no line is over the
//! limit, how the input was read does not change the output.

#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wscode_annotate::extract::Extractor;
use wscode_annotate::print::LineFormat;

fn extractor() -> &'static Extractor {
    static E: OnceLock<Extractor> = OnceLock::new();
    E.get_or_init(|| Extractor::new(&[]).unwrap())
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (knobs, input) = data.split_at(3);
    let step = 1 + usize::from(knobs[0]) * 3;
    let buffer = 64 + usize::from(knobs[1]) * 8;
    let max_line = 512 + usize::from(knobs[2]) * 4;
    let text = common::annotate(extractor(), input, LineFormat::Text, step, buffer, max_line);
    common::check_text(input, &text);
    let json = common::annotate(extractor(), input, LineFormat::Json, step, buffer, max_line);
    common::check_json(input, &json);
    // A line fits when it is at most `max_line` bytes with its `\n`. An
    // unterminated last line must be shorter: at `max_line` bytes the
    // buffer is full before the end of the input shows, so it comes in
    // pieces (found by this target: the property was stated one byte off).
    let no_pieces = input
        .split_inclusive(|&b| b == b'\n')
        .all(|line| line.len() < max_line || line.len() == max_line && line.ends_with(b"\n"));
    if no_pieces {
        let big = 1 << 20;
        let whole = common::annotate(extractor(), input, LineFormat::Text, big, big, big);
        assert!(whole == text, "reading in pieces changed the text output");
        let whole = common::annotate(extractor(), input, LineFormat::Json, big, big, big);
        assert!(whole == json, "reading in pieces changed the JSON output");
    }
});
