//! Shared by the fuzz targets: the scanner driven over input in small,
//! uneven reads, and the checks every output must pass.

#![allow(dead_code)]

use std::io::{self, Read};

use wscode_annotate::extract::Extractor;
use wscode_annotate::filter::Filter;
use wscode_annotate::input::BatchReader;
use wscode_annotate::pipeline::scan_batches;
use wscode_annotate::print::{LineFormat, Printer};

/// A reader returning at most `step` bytes a call, like a pipe.
pub struct Trickle<'a> {
    pub data: &'a [u8],
    pub step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Annotates `input` read `step` bytes at a time into a `buffer`-byte
/// buffer with lines over `max_line` bytes in pieces.
pub fn annotate(
    extractor: &Extractor,
    input: &[u8],
    format: LineFormat,
    step: usize,
    buffer: usize,
    max_line: usize,
) -> Vec<u8> {
    let mut printer = Printer::new(Vec::new(), format, false, false);
    let batcher = BatchReader::with_limits(Trickle { data: input, step }, buffer, max_line);
    scan_batches(batcher, extractor, &Filter::default(), &mut printer)
        .expect("reading from memory and writing to a Vec cannot fail");
    printer.into_inner()
}

/// The text-mode promises: stripping gives the input back byte for byte,
/// and the output has as many lines as the input.
pub fn check_text(input: &[u8], out: &[u8]) {
    let back = wscode_annotate::annotation::strip(out);
    assert!(back == input, "strip round trip lost or changed bytes");
    let newlines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
    assert_eq!(newlines(out), newlines(input), "line count changed");
}

/// The JSON promises: one object per line, every line parses, no raw
/// control characters, codes in range; returns the parsed objects.
pub fn check_json(input: &[u8], out: &[u8]) -> Vec<serde_json::Value> {
    let text = std::str::from_utf8(out).expect("JSON output is UTF-8");
    let lines = input.iter().filter(|&&c| c == b'\n').count() as u64 + 1;
    let mut objects = Vec::new();
    for line in text.lines() {
        assert!(
            !line.contains(|c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}'),
            "raw control character in JSON output: {line:?}"
        );
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON output parses");
        let o = v.as_object().expect("one object per line");
        let n = o["line_number"].as_u64().expect("line_number");
        assert!(n >= 1 && n <= lines, "line_number {n} out of 1..={lines}");
        let code = o["code"].as_u64().expect("code");
        assert!(code <= 99_999);
        if !(1000..=4999).contains(&code) {
            assert_eq!(o["category"], "invalid", "{line}");
        }
        objects.push(v);
    }
    assert!(text.is_empty() || text.ends_with('\n'));
    objects
}
