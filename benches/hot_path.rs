//! The per-line hot path, on the library: `Extractor::extract` alone, and
//! the annotate path (extract, then, for a line with codes, the line and its
//! annotation into a scratch buffer, as the text printer does per line). Three lines: an
//! ordinary access-log line full of numbers that are not codes (the common
//! case: most lines of a real log), a line dense with codes, and one real
//! close line. The whole binary next to cat, rg and grep is
//! `benches/run.sh`; this bench is for changes to extraction itself.
//!
//! `cargo bench --bench hot_path`; for a quick look,
//! `cargo bench --bench hot_path -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wscode_annotate::annotation;
use wscode_annotate::extract::{Extractor, Finding};

/// nginx access line: a status 200, byte counts, an upstream port that is a
/// valid close code (1006), durations. Gives nothing.
const NO_MATCH: &str = r#"10.42.8.56 - - [24/Nov/2026:03:11:54 +0000] "GET /api/v1/items?page=3 HTTP/1.1" 200 1252 "-" "Mozilla/5.0 (X11; Linux x86_64)" rt=0.065 upstream=10.42.0.7:1006 urt=0.064"#;

/// Five codes in the formats of five libraries on one line.
const DENSE: &str = r#"2026-11-24T03:12:40Z WARN gateway: session 8812: websocket: close 1006 (abnormal closure): unexpected EOF; sent 1001 (going away); ConnectionClosedError: received 1011 (internal error) keepalive ping timeout; close_code=4001 reason="token expired"; CloseStatus[code=1008, reason=null]"#;

/// gorilla/websocket's error as the chat example logs it.
const CLOSE: &str =
    "2026/11/24 03:12:01 error: websocket: close 1006 (abnormal closure): unexpected EOF";

const CASES: &[(&str, &str, usize)] = &[
    ("no_match", NO_MATCH, 0),
    ("dense_match", DENSE, 5),
    ("close_line", CLOSE, 1),
];

fn hot_path(c: &mut Criterion) {
    let extractor = Extractor::new(&[]).expect("the built-in rules build");
    let mut found: Vec<Finding> = Vec::new();
    for &(name, line, codes) in CASES {
        // Measure what the case says it is.
        found.clear();
        extractor.extract(line.as_bytes(), &mut found);
        assert_eq!(found.len(), codes, "{name}: {found:?}");
    }

    let mut group = c.benchmark_group("extract");
    for &(name, line, _) in CASES {
        group.throughput(Throughput::Bytes(line.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                found.clear();
                extractor.extract(black_box(line.as_bytes()), &mut found);
                black_box(found.len())
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("annotate");
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    for &(name, line, _) in CASES {
        group.throughput(Throughput::Bytes(line.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                found.clear();
                let line = black_box(line.as_bytes());
                extractor.extract(line, &mut found);
                // As Printer::matched: a line with codes is copied with its
                // annotation; any other line is passed through uncopied.
                if !found.is_empty() {
                    out.clear();
                    out.extend_from_slice(line);
                    annotation::render(&found, false, false, &mut out);
                    out.push(b'\n');
                }
                black_box(out.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, hot_path);
criterion_main!(benches);
