//! The promises, as properties over generated input: nothing is lost or
//! altered in annotate mode, batching does not change the result, JSON
//! always parses, and no input makes extraction misbehave.

use proptest::prelude::*;
use std::io::Write;
use std::sync::{Arc, LazyLock, Mutex};
use wscode_annotate::annotation::strip;
use wscode_annotate::codes::Category;
use wscode_annotate::extract::Extractor;
use wscode_annotate::filter::Filter;
use wscode_annotate::input::BatchReader;
use wscode_annotate::pipeline::{scan_batches, scan_batches_threaded};
use wscode_annotate::print::writer::ThreadedWriter;
use wscode_annotate::print::{LineFormat, Printer};
use wscode_annotate::scan::{Fork, Scanned};

use crate::util::format_rows;

/// Property-test cases: `full` with `WSCODE_TEST_THOROUGH=1` (as `.ci/run`
/// runs these tests a second time), a quarter otherwise, so a plain
/// `cargo test` stays quick on a small machine.
fn cases(full: u32) -> u32 {
    match std::env::var("WSCODE_TEST_THOROUGH") {
        Ok(v) if !v.is_empty() && v != "0" => full,
        _ => (full / 4).max(2),
    }
}

/// Pieces that make log-like input with many near-misses.
const FRAGMENTS: &[&str] = &[
    "websocket: close 1006 (abnormal closure)",
    "received 1011 (internal error) keepalive ping timeout",
    "CloseStatus[code=1008, reason=null]",
    "close_code=",
    "ws closed ",
    "code: Away",
    "StatusGoingAway",
    "⟪ws",
    "⟫",
    " ⟪ws 1000 x⟫",
    "1006",
    "5000",
    "999",
    ":3000",
    "ms",
    " ",
    "\r",
    "\n",
    "\r\n",
    "\u{0}",
    "é",
];

/// Words, separators and numbers the rules and the screen look at, to build
/// near-misses of every format.
const SCREEN_FRAGMENTS: &[&str] = &[
    "close",
    "Close",
    "CLOSE",
    "closed",
    "closing",
    "closure",
    "disconnect",
    "onClose",
    "ws",
    "websocket",
    "WebSocket",
    "code",
    "Code",
    "CODE",
    "status",
    "Status",
    "STATUS",
    "Codes",
    "reason",
    "received ",
    "sent ",
    "Library(",
    "StatusCode(",
    "CloseReason[",
    "with code ",
    "invalid ",
    "Invalid",
    "Normal",
    "normal",
    "Away",
    "GOING_AWAY",
    "EndpointUnavailable",
    "StatusGoingAway",
    "didCloseWith: ",
    "1001",
    "1006",
    "4001",
    "0999",
    "999",
    "12345",
    "5000",
    "-1",
    "200",
    "8",
    ":",
    "=",
    " = ",
    "=>",
    " is ",
    "#",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "/",
    "?",
    "&",
    "-",
    "_",
    ".",
    "::",
    "?.",
    " ",
    "  ",
    "\t",
    ",",
    "ms",
    " bytes",
    "é",
    "\u{0}",
];

fn screen_lines() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(proptest::sample::select(SCREEN_FRAGMENTS), 0..24)
        .prop_map(|pieces| pieces.concat().into_bytes())
}

fn log_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => proptest::sample::select(FRAGMENTS).prop_map(|s| s.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..12),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

/// A reader returning at most `step` bytes a call, like a pipe.
struct Trickle {
    data: std::io::Cursor<Vec<u8>>,
    step: usize,
}

impl Trickle {
    fn new(data: &[u8], step: usize) -> Trickle {
        Trickle {
            data: std::io::Cursor::new(data.to_vec()),
            step,
        }
    }
}

impl std::io::Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len());
        self.data.read(&mut out[..n])
    }
}

/// Scans `batches` into `sink` with the default extractor, on this thread
/// (`threads` 1) or on `threads` workers.
fn scan_on<R, S>(batches: BatchReader<R>, sink: &mut S, threads: usize) -> Scanned
where
    R: std::io::Read + Send + 'static,
    S: Fork,
{
    let extractor = Extractor::new(&[]).unwrap();
    let filter = Filter::default();
    match threads {
        1 => scan_batches(batches, &extractor, &filter, sink),
        n => scan_batches_threaded(batches, &Arc::new(extractor), &filter, sink, n),
    }
    .unwrap()
}

fn annotate(input: &[u8], format: LineFormat, step: usize, buffer: usize) -> Vec<u8> {
    annotate_on(input, format, step, buffer, 1)
}

/// Annotates `input` read `step` bytes at a time, on `threads` workers.
fn annotate_on(
    input: &[u8],
    format: LineFormat,
    step: usize,
    buffer: usize,
    threads: usize,
) -> Vec<u8> {
    let mut printer = Printer::new(Vec::new(), format, false, false);
    let batcher = BatchReader::with_limits(Trickle::new(input, step), buffer, 1 << 20);
    scan_on(batcher, &mut printer, threads);
    printer.into_inner()
}

/// Annotates as the binary does: batches read and scanned on `threads`
/// workers, output written on a thread from the batches themselves.
fn annotate_threaded(input: &[u8], format: LineFormat, buffer: usize, threads: usize) -> Vec<u8> {
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sink = Shared::default();
    let mut writer = ThreadedWriter::spawn(sink.clone());
    let mut printer = Printer::new(&mut writer, format, false, false);
    let batches = BatchReader::with_limits(std::io::Cursor::new(input.to_vec()), buffer, 1 << 20);
    scan_on(batches, &mut printer, threads);
    drop(printer);
    writer.finish().unwrap();
    let out = sink.0.lock().unwrap().clone();
    out
}

/// Annotates several inputs one after another through one printer, as the
/// binary does, each on `threads` workers.
fn annotate_inputs(inputs: &[Vec<u8>], step: usize, threads: usize) -> Vec<u8> {
    let mut printer = Printer::new(Vec::new(), LineFormat::Text, false, false);
    for (i, input) in inputs.iter().enumerate() {
        printer.set_source(&format!("in{i}.log"), i + 1 < inputs.len());
        let batcher = BatchReader::with_limits(Trickle::new(input, step), 64 * 1024, 1 << 20);
        scan_on(batcher, &mut printer, threads);
    }
    printer.into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(200)))]

    #[test]
    fn stripping_gives_back_several_inputs(
        inputs in proptest::collection::vec(log_bytes(), 1..5),
        step in 1usize..4096,
        threads in 1usize..3,
    ) {
        let out = annotate_inputs(&inputs, step, threads);
        prop_assert_eq!(strip(&out), inputs.concat());
        // Each input's last line is ended when another input follows, as
        // grep and rg do: no line of one input runs into the next.
        let lines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
        let ended = inputs[..inputs.len() - 1]
            .iter()
            .filter(|i| !i.is_empty() && !i.ends_with(b"\n"))
            .count();
        prop_assert_eq!(lines(&out), lines(&inputs.concat()) + ended);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(400)))]

    #[test]
    fn stripping_annotations_gives_back_the_input(input in log_bytes()) {
        let out = annotate(&input, LineFormat::Text, 4096, 64 * 1024);
        prop_assert_eq!(strip(&out), input.clone());
        let lines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
        prop_assert_eq!(lines(&out), lines(&input));
    }

    #[test]
    fn batching_does_not_change_the_output(input in log_bytes(), step in 1usize..40) {
        for format in [LineFormat::Text, LineFormat::Json] {
            let whole = annotate(&input, format, 1 << 20, 1 << 20);
            let trickled = annotate(&input, format, step, 64);
            prop_assert_eq!(&whole, &trickled);
        }
    }

    #[test]
    fn json_always_parses_one_object_per_line(input in log_bytes()) {
        let out = annotate(&input, LineFormat::Json, 4096, 64 * 1024);
        let text = String::from_utf8(out).expect("JSON output is UTF-8");
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON");
            prop_assert!(v.is_object());
            prop_assert!(!line.contains(|c: char| c.is_control()));
        }
    }


    #[test]
    fn extraction_reports_only_what_it_may(input in log_bytes()) {
        let extractor = Extractor::new(&[]).unwrap();
        let mut found = Vec::new();
        extractor.extract(&input, &mut found);
        let codes: std::collections::HashSet<u32> = found.iter().map(|f| f.code).collect();
        prop_assert_eq!(codes.len(), found.len(), "one finding per code");
        for f in &found {
            prop_assert!(f.code <= 99_999);
            if !(1000..=4999).contains(&f.code) {
                prop_assert_eq!(f.category(), Category::Invalid);
            }
            prop_assert!(f.span.end <= input.len());
            if let Some(r) = &f.reason {
                prop_assert!(r.end <= input.len());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    #[test]
    fn threads_do_not_change_the_output(input in log_bytes(), copies in 1usize..3000) {
        // Large enough that batches are split between threads.
        let big = input.repeat(copies).into_iter().chain(b"\n".iter().copied()).collect::<Vec<u8>>();
        for format in [LineFormat::Text, LineFormat::Json] {
            let one = annotate_on(&big, format, 1 << 20, 1 << 20, 1);
            // Uneven reads: batches of every size, pieces of long lines.
            let many = annotate_on(&big, format, 777, 4096, 3);
            prop_assert_eq!(&one, &many);
            // Batches scanned on workers, and text written from them by
            // reference on the writer's thread.
            let threaded = annotate_threaded(&big, format, 4096, 2);
            prop_assert_eq!(&one, &threaded);
            let threaded = annotate_threaded(&big, format, 1 << 20, 1);
            prop_assert_eq!(&one, &threaded);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(4000)))]

    #[test]
    fn the_screen_never_changes_what_is_found(line in screen_lines()) {
        static SCREENED: LazyLock<Extractor> = LazyLock::new(|| Extractor::new(&[]).unwrap());
        static UNSCREENED: LazyLock<Extractor> =
            LazyLock::new(|| Extractor::new(&[]).unwrap().unscreened());
        let (mut a, mut b) = (Vec::new(), Vec::new());
        SCREENED.extract(&line, &mut a);
        UNSCREENED.extract(&line, &mut b);
        prop_assert_eq!(a, b, "{}", String::from_utf8_lossy(&line));
    }
}

/// Every pairing of key words, separators and values: the screen agrees
/// with the rules on all of them (near-misses a random search seldom hits,
/// like `close code is 999`).
#[test]
fn the_screen_agrees_on_every_word_pairing() {
    let screened = Extractor::new(&[]).unwrap();
    let unscreened = Extractor::new(&[]).unwrap().unscreened();
    let words = [
        "",
        "close",
        "Close",
        "closed",
        "CLOSE",
        "disconnect",
        "onClose",
        "ws_close",
        "websocket",
        "code",
        "Code",
        "status",
        "Status",
        "STATUS",
        "Codes",
        "reason",
        "with code",
        "invalid",
        "received",
        "sent",
        "Library",
        "CloseReason",
        "x",
    ];
    let seps = [
        "", " ", "_", ".", ":", ": ", "=", " = ", "=>", " is ", "#", "(", "[", "{", "\":", "'",
        "::", "?.", "-", "/", "&", "+",
    ];
    let values = [
        "1006",
        "4001",
        "999",
        "0999",
        "12345",
        "-1",
        "Normal",
        "GOING_AWAY",
        "8 bytes",
    ];
    let mut checked = 0;
    for w1 in words {
        for s1 in seps {
            for w2 in words {
                for s2 in seps {
                    for v in values {
                        let line = format!("{w1}{s1}{w2}{s2}{v}");
                        let (mut a, mut b) = (Vec::new(), Vec::new());
                        screened.extract(line.as_bytes(), &mut a);
                        unscreened.extract(line.as_bytes(), &mut b);
                        assert_eq!(a, b, "{line}");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 100_000);
}

/// The screen before the rules lets every fixture line through that the
/// rules report on, with the same findings.
#[test]
fn the_screen_keeps_every_fixture_finding() {
    let screened = Extractor::new(&[]).unwrap();
    let unscreened = Extractor::new(&[]).unwrap().unscreened();
    let mut checked = 0;
    for row in format_rows() {
        let line = row.line.as_bytes();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        screened.extract(line, &mut a);
        unscreened.extract(line, &mut b);
        assert_eq!(a, b, "{}: {}", row.library, row.line);
        checked += 1;
    }
    assert!(checked > 250, "only {checked} fixture rows");
}

/// `--summary --format json` over `path` with `threads` threads.
fn summary_json(path: &std::path::Path, threads: usize) -> serde_json::Value {
    use clap::Parser;
    use wscode_annotate::cli::Args;
    use wscode_annotate::config::{Config, Environment};
    let args = Args::try_parse_from([
        "wscode-annotate",
        "--summary",
        "--format",
        "json",
        "-j",
        &threads.to_string(),
        path.to_str().unwrap(),
    ])
    .unwrap();
    let config = Config::from_args(args, &Environment::default()).unwrap();
    let mut out = Vec::new();
    let outcome = wscode_annotate::cmd::scan(&config, &mut out, &mut |e| panic!("{e}")).unwrap();
    assert_eq!(outcome.exit(), wscode_annotate::exit::Exit::Success);
    serde_json::from_slice(&out).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(6)))]

    /// Large files are summarised in chunks on all threads; chunk edges fall
    /// inside multi-byte characters, CRLF pairs and long lines. The result
    /// must equal a one-thread scan.
    #[test]
    fn a_parallel_summary_equals_a_sequential_one(input in log_bytes(), seed in 0u64..1000) {
        let mut big = Vec::with_capacity(6 << 20);
        let long_line = vec![b'x'; 300_000];
        let mut i = seed;
        while big.len() < 5 << 20 {
            big.extend_from_slice(&input);
            big.extend_from_slice(match i % 5 {
                0 => "é websocket: close 1006 (abnormal closure)\r\n".as_bytes(),
                1 => b"ws closed close_code=4001 reason=\"token expired\"\n",
                2 => &long_line,
                3 => "2026-11-24T03:12:01Z received 1011 (internal error) ping; then sent 1011 (internal error) ping\r\n".as_bytes(),
                _ => "日本語 noise line\n".as_bytes(),
            });
            i += 1;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.log");
        std::fs::write(&path, &big).unwrap();
        let one = summary_json(&path, 1);
        let many = summary_json(&path, 3);
        prop_assert_eq!(&one, &many);
        prop_assert!(one["events"].as_u64().unwrap() > 0);
    }
}

/// `--summary --format json` of `input` scanned on `threads`, as a value.
fn summary_of(input: &[u8], step: usize, threads: usize) -> serde_json::Value {
    use wscode_annotate::summary::Summary;
    let mut summary = Summary::for_input(0, "-", None);
    let batcher = BatchReader::with_limits(Trickle::new(input, step), 64 * 1024, 1 << 20);
    let scanned = scan_on(batcher, &mut summary, threads);
    summary.add_scanned(scanned.lines, scanned.bytes);
    let mut out = Vec::new();
    wscode_annotate::summary::report::write_as(
        &summary,
        wscode_annotate::summary::report::SummaryFormat::Json,
        false,
        None,
        &mut out,
    )
    .unwrap();
    serde_json::from_slice(&out).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(200)))]

    /// The summary is the per-line JSON output aggregated: the same events,
    /// lines with codes, counts per code, first and last lines and reasons;
    /// and it does not depend on how the input was read or on threads.
    #[test]
    fn the_summary_equals_the_per_line_json_aggregated(input in log_bytes(), step in 1usize..64, copies in 1usize..40) {
        let input = input.repeat(copies);
        let summary = summary_of(&input, 4096, 1);
        let json = annotate(&input, LineFormat::Json, 4096, 64 * 1024);
        let records: Vec<serde_json::Value> = std::str::from_utf8(&json)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        prop_assert_eq!(summary["events"].as_u64(), Some(records.len() as u64));
        let lines: std::collections::BTreeSet<u64> =
            records.iter().map(|r| r["line_number"].as_u64().unwrap()).collect();
        prop_assert_eq!(summary["lines_with_codes"].as_u64(), Some(lines.len() as u64));
        // Per code: count, first and last line, reasons.
        type PerCode = (u64, u64, u64, std::collections::BTreeMap<String, u64>);
        let mut per_code: std::collections::BTreeMap<(u64, bool), PerCode> = Default::default();
        for r in &records {
            let key = (r["code"].as_u64().unwrap(), r["rejected"].as_bool().unwrap());
            let line = r["line_number"].as_u64().unwrap();
            let e = per_code.entry(key).or_insert((0, line, line, Default::default()));
            e.0 += 1;
            e.1 = e.1.min(line);
            e.2 = e.2.max(line);
            if let Some(reason) = r["reason"].as_str() {
                // The summary keeps the first MAX_REASON_LEN bytes of a reason.
                let mut end = reason.len().min(wscode_annotate::summary::MAX_REASON_LEN);
                while !reason.is_char_boundary(end) {
                    end -= 1;
                }
                *e.3.entry(reason[..end].to_string()).or_default() += 1;
            }
        }
        let codes = summary["codes"].as_array().unwrap();
        prop_assert_eq!(codes.len(), per_code.len());
        for c in codes {
            let key = (c["code"].as_u64().unwrap(), c["rejected"].as_bool().unwrap());
            let (count, first, last, reasons) = &per_code[&key];
            prop_assert_eq!(c["count"].as_u64(), Some(*count));
            prop_assert_eq!(c["first_line"]["line"].as_u64(), Some(*first));
            prop_assert_eq!(c["last_line"]["line"].as_u64(), Some(*last));
            let summed: std::collections::BTreeMap<String, u64> = c["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["reason"].as_str().unwrap().to_string(), r["count"].as_u64().unwrap()))
                .collect();
            if c["other_reasons"].as_u64() == Some(0) {
                prop_assert_eq!(&summed, reasons);
            }
        }
        prop_assert_eq!(&summary_of(&input, step, 1), &summary);
        prop_assert_eq!(&summary_of(&input, step, 3), &summary);
    }
}
