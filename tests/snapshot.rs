//! Snapshots (insta) of what a reader sees, from the real binary: the
//! annotated text of `fixtures/sample.log`, its `--summary`, a `lookup`
//! card and JSON Lines records. The other modules assert pieces of these
//! outputs; a snapshot shows a whole output changing in review.
//!
//! Each input goes in on stdin, so no output names the checkout's path, and
//! the width is pinned with `COLUMNS` (stdout is a pipe, never a terminal).
//! Accept a changed output with `cargo insta review`, or with
//! `INSTA_UPDATE=always cargo test --test tests snapshot::` and then read the
//! diff of `tests/snapshots/` before committing it. Under `CI=true` a
//! missing or different snapshot fails.

use insta::{assert_json_snapshot, assert_snapshot};

use crate::util::{command, fixture, run_command, Output};

/// The width every snapshot is taken at.
const COLUMNS: &str = "100";

fn sample() -> Vec<u8> {
    std::fs::read(fixture("sample.log")).unwrap()
}

/// Runs the binary on `stdin` at [`COLUMNS`]; it must succeed quietly.
fn run_ok(args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = command(args);
    cmd.env("COLUMNS", COLUMNS);
    let out = run_command(cmd, stdin);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    assert_eq!(out.stderr, "", "{args:?}");
    out
}

#[test]
fn sample_log_annotated() {
    let out = run_ok(&[], &sample());
    assert!(!out.text().contains('\u{1b}'), "no colour into a pipe");
    assert_snapshot!(out.text());
}

#[test]
fn sample_log_summary() {
    let out = run_ok(&["--summary"], &sample());
    let text = out.text();
    // Nothing in it depends on when the test runs: every time shown is one
    // of the log's own (sample.log has full ISO 8601 times only, no yearless
    // syslog or klog times that would be placed in the current year).
    let times = regex::Regex::new(r"\d{4}-\d\d-\d\dT[\d:]+Z").unwrap();
    assert!(times.find_iter(&text).count() > 10, "{text}");
    for t in times.find_iter(&text) {
        assert!(t.as_str().starts_with("2026-11-24T03:1"), "{}", t.as_str());
    }
    let relative = regex::Regex::new(r"(?i)\b(ago|today|yesterday|now)\b").unwrap();
    assert!(!relative.is_match(&text), "a time relative to now: {text}");
    assert_snapshot!(text);
}

#[test]
fn lookup_card_1006() {
    let out = run_ok(&["lookup", "1006"], b"");
    assert_snapshot!(out.text());
}

/// Lines of sample.log with a format, a key, a prose close, a symbolic name,
/// a rejected code, and one (`caller=hub.go:1006`) that gives nothing.
#[test]
fn json_records_of_sample_lines() {
    let sample = String::from_utf8(sample()).unwrap();
    let lines: Vec<&str> = sample.lines().collect();
    let input: String = [2, 13, 26, 32, 64, 67]
        .iter()
        .map(|n| format!("{}\n", lines[n - 1]))
        .collect();
    let out = run_ok(&["--format", "json"], input.as_bytes());
    let records = out.json();
    assert_eq!(records.len(), 5, "{}", out.text());
    assert_json_snapshot!(records);
}
