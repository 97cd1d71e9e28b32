//! Accuracy on the labelled corpus: the real binary, in JSON mode, on every
//! record of `fixtures/corpus/*.jsonl` (lines real libraries and apps print,
//! each naming its source), scored against the labels.
//!
//! The records are split by their source: a source's records are all in the
//! tuning split or all in the test split (about 30%, chosen by a hash of the
//! source, never by hand). Rules are tuned on the tuning split only; the
//! misses listed with `WSCODE_CORPUS_SHOW=1` are the tuning split's. The
//! table printed (run with `--nocapture`) is the one the README quotes,
//! next to the naive `grep -E` regex on the same records.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use crate::util;

#[derive(Deserialize)]
struct Record {
    text: String,
    expect: Vec<u32>,
    library: String,
    source: String,
}

/// Counts of one set of records.
#[derive(Default, Clone, Copy)]
struct Score {
    records: usize,
    negatives: usize,
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn add(&mut self, expect: &[u32], found: &[u32], negative: bool) {
        self.records += 1;
        self.negatives += usize::from(negative);
        self.tp += found.iter().filter(|c| expect.contains(c)).count();
        self.fp += found.iter().filter(|c| !expect.contains(c)).count();
        self.fn_ += expect.iter().filter(|c| !found.contains(c)).count();
    }
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// FNV-1a of the source: the split does not depend on the order of files.
fn in_test_split(source: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in source.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h % 10 < 3
}

fn load() -> Vec<Record> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/corpus exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut records = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let r: Record = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", file.display(), i + 1));
            records.push(r);
        }
    }
    records
}

/// The distinct codes the binary reports per record. Records are written
/// one after another with a blank line between them (a blank line ends a
/// record, as in a real log), so each output line number maps to a record.
fn tool_codes(records: &[Record]) -> Vec<Vec<u32>> {
    let mut input = String::new();
    let mut owner = vec![usize::MAX]; // line numbers are 1-based
    for (i, r) in records.iter().enumerate() {
        for line in r.text.split('\n') {
            input.push_str(line);
            input.push('\n');
            owner.push(i);
        }
        input.push('\n');
        owner.push(usize::MAX);
    }
    let out = util::run(&["--format", "json", "-j1"], input.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut found = vec![Vec::new(); records.len()];
    for v in out.json() {
        let n = v["line_number"].as_u64().unwrap() as usize;
        let code = v["code"].as_u64().unwrap() as u32;
        let rec = owner[n];
        assert_ne!(rec, usize::MAX, "a code on a separator line {n}");
        if !found[rec].contains(&code) {
            found[rec].push(code);
        }
    }
    found
}

/// The naive regex of the issue: `grep -Eo` semantics, per line.
fn grep_codes(records: &[Record]) -> Vec<Vec<u32>> {
    let re = Regex::new(r"(close|code|status)\D{0,20}\b(1[0-9]{3}|[34][0-9]{3})\b").unwrap();
    records
        .iter()
        .map(|r| {
            let mut codes = Vec::new();
            for line in r.text.split('\n') {
                for c in re.captures_iter(line) {
                    let code: u32 = c[2].parse().unwrap();
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                }
            }
            codes
        })
        .collect()
}

#[test]
fn precision_and_recall_on_the_labelled_corpus() {
    let records = load();
    let tool = tool_codes(&records);
    let grep = grep_codes(&records);
    let show = std::env::var_os("WSCODE_CORPUS_SHOW").is_some();
    let mut scores: BTreeMap<&str, (Score, Score)> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let split = if in_test_split(&r.source) {
            "test"
        } else {
            "tune"
        };
        let negative = r.expect.is_empty();
        let e = scores.entry(split).or_default();
        e.0.add(&r.expect, &tool[i], negative);
        e.1.add(&r.expect, &grep[i], negative);
        if show && split == "tune" && tool[i] != r.expect {
            let mut want = r.expect.clone();
            let mut got = tool[i].clone();
            want.sort();
            got.sort();
            if want != got {
                eprintln!(
                    "MISS want {:?} got {:?} [{}] {}",
                    r.expect,
                    tool[i],
                    r.library,
                    r.text.replace('\n', "⏎")
                );
            }
        }
    }
    println!("| split | records | hard negatives | tool precision | tool recall | grep -E precision | grep -E recall |");
    println!("|---|---|---|---|---|---|---|");
    for (split, (t, g)) in &scores {
        println!(
            "| {split} | {} | {} ({:.0}%) | {:.3} | {:.3} | {:.3} | {:.3} |",
            t.records,
            t.negatives,
            100.0 * t.negatives as f64 / t.records as f64,
            t.precision(),
            t.recall(),
            g.precision(),
            g.recall()
        );
    }
    // The issue's aim is 1,500 records; the corpus is still growing.
    assert!(records.len() >= 1000, "only {} records", records.len());
    let (tune, _) = scores["tune"];
    let (test, _) = scores["test"];
    assert!(
        tune.negatives * 10 >= tune.records * 4,
        "under 40% negatives"
    );
    // Floors below the measured figures (README), so a change that costs
    // accuracy fails here rather than in users' logs.
    assert!(
        tune.precision() >= 0.985,
        "tune precision {:.3}",
        tune.precision()
    );
    assert!(tune.recall() >= 0.94, "tune recall {:.3}", tune.recall());
    assert!(
        test.precision() >= 0.95,
        "test precision {:.3}",
        test.precision()
    );
    assert!(test.recall() >= 0.88, "test recall {:.3}", test.recall());
}

/// Codes in a record printed over several lines are found on the line that
/// holds them, with the record's first line as the evidence; a new log line
/// after a line ending in `:` is a record of its own.
#[test]
fn records_over_several_lines() {
    let input = "ws closed CloseEvent {\n  type: 'close',\n  wasClean: false,\n  code: 1006,\n  reason: ''\n}\n\
                 [WS => Shard 0] [CLOSE]\n    Event Code: 4014\n    Clean     : true\n\
                 2026-11-24T03:12:01Z shard 3 disconnected, caused by:\n\
                 2026-11-24T03:12:02Z {\"msg\":\"query failed\",\"code\":1062}\n\
                 Shard 0 disconnected:\n\n    code: 1000\n";
    let out = util::run(&["--format", "json"], input.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let found: Vec<(u64, u64, String)> = out
        .json()
        .iter()
        .map(|v| {
            (
                v["line_number"].as_u64().unwrap(),
                v["code"].as_u64().unwrap(),
                v["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (4, 1006, "format:key".to_string()),
            (8, 4014, "format:key".to_string()),
        ]
    );
}

/// `kubectl logs -f`: a record's lines arrive one by one, and the look-back
/// still reaches its first line.
#[test]
fn a_record_that_trickles_in() {
    use std::io::{Read, Write};
    use std::process::Stdio;
    let mut child = util::command(&["-o"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"[WS => Shard 0] [CLOSE]\n").unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    stdin.write_all(b"    Event Code: 4014\n").unwrap();
    drop(stdin);
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(out.starts_with("    Event Code: 4014 ⟪ws 4014 "), "{out}");
}

/// ANSI colour between the words and around the number is seen through;
/// the line passes through byte for byte.
#[test]
fn colour_is_seen_through() {
    let line = "\x1b[31mws closed with code \x1b[1m1006\x1b[0m\n";
    let out = util::run(&["--format", "json"], line.as_bytes());
    let v = out.json();
    assert_eq!(v.len(), 1, "{}", out.text());
    assert_eq!(v[0]["code"], 1006);
    let out = util::run(&[], line.as_bytes());
    assert!(out.text().starts_with(line.trim_end()), "{}", out.text());
}
