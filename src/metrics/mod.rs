//! `--metrics-listen ADDR`: the running counts, served over HTTP in the
//! Prometheus text format while the tool annotates or summarises, so a
//! sidecar or DaemonSet is scraped by an existing Prometheus.
//!
//! The scan counts into a [`Tap`] of its own (a worker's part into the
//! part's own, joined in order), and hands its counts to the shared
//! [`Metrics`] once per batch, so the hot path takes no lock per line; a
//! scrape copies the shared counts and writes them ([`write_exposition`]).
//! The HTTP side is in `http.rs`: one thread, one connection at a time,
//! only `GET /metrics`.

pub mod http;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::codes::CodeView;
use crate::extract::Finding;

/// The lines in a batch: its newlines.
pub fn lines_in(input: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', input).count() as u64
}

/// The counts a scrape shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Per input, in the order they were read: name, lines, bytes.
    pub inputs: Vec<InputCounts>,
    /// Close events by input index, code and whether it was rejected.
    pub events: BTreeMap<(u32, u32, bool), u64>,
}

/// Lines and bytes read from one input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputCounts {
    /// The input's name (`-`, a path, or `--label`).
    pub name: String,
    /// Lines read.
    pub lines: u64,
    /// Bytes read.
    pub bytes: u64,
}

impl Counters {
    fn add(&mut self, other: &Counters) {
        if self.inputs.len() < other.inputs.len() {
            self.inputs
                .resize(other.inputs.len(), InputCounts::default());
        }
        for (mine, theirs) in self.inputs.iter_mut().zip(&other.inputs) {
            if mine.name.is_empty() {
                mine.name.clone_from(&theirs.name);
            }
            mine.lines += theirs.lines;
            mine.bytes += theirs.bytes;
        }
        for (key, n) in &other.events {
            *self.events.entry(*key).or_default() += n;
        }
    }
}

/// The shared counts: what every batch handed over so far.
#[derive(Clone, Debug, Default)]
pub struct Metrics(Arc<Mutex<Counters>>);

impl Metrics {
    fn lock(&self) -> MutexGuard<'_, Counters> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the counts now.
    pub fn snapshot(&self) -> Counters {
        self.lock().clone()
    }
}

/// A scan's own counts, handed to [`Metrics`] at the end of each batch.
#[derive(Debug)]
pub struct Tap {
    local: Counters,
    /// The input lines are counted for.
    input: u32,
    /// The counts go to the shared ones (the scan's own thread); a worker's
    /// part is joined instead, and never counts lines or bytes.
    shared: Option<Metrics>,
}

impl Tap {
    /// A tap handing its counts to `metrics`.
    pub fn new(metrics: Metrics) -> Tap {
        Tap {
            local: Counters::default(),
            input: 0,
            shared: Some(metrics),
        }
    }

    /// Counts the next lines for input number `index`, named `name`.
    pub fn start_input(&mut self, index: u32, name: &str) {
        self.input = index;
        let at = index as usize;
        if self.local.inputs.len() <= at {
            self.local.inputs.resize(at + 1, InputCounts::default());
        }
        self.local.inputs[at].name = name.to_string();
    }

    /// A batch about to be scanned: its lines and bytes (on the scan's own
    /// thread only, which sees every batch once).
    pub fn batch(&mut self, input: &[u8]) {
        if self.shared.is_some() {
            self.read(lines_in(input), input.len() as u64);
        }
    }

    /// `lines` and `bytes` read, counted by the caller ([`Tap::batch`]
    /// counts them itself).
    pub fn read(&mut self, lines: u64, bytes: u64) {
        if self.shared.is_none() {
            return;
        }
        let at = self.input as usize;
        if self.local.inputs.len() <= at {
            self.local.inputs.resize(at + 1, InputCounts::default());
        }
        let counts = &mut self.local.inputs[at];
        counts.bytes += bytes;
        counts.lines += lines;
    }

    /// The findings of one line.
    pub fn found(&mut self, findings: &[Finding]) {
        for f in findings {
            *self
                .local
                .events
                .entry((self.input, f.code, f.rejected()))
                .or_default() += 1;
        }
    }

    /// An empty tap for a worker's part of a batch.
    pub fn fork(&self) -> Tap {
        Tap {
            local: Counters::default(),
            input: self.input,
            shared: None,
        }
    }

    /// Takes a part's counts back.
    pub fn join(&mut self, part: Tap) {
        self.local.add(&part.local);
    }

    /// Hands what was counted since the last call to the shared counts.
    pub fn hand_over(&mut self) {
        if let Some(shared) = &self.shared {
            if self.local.events.is_empty() && self.local.inputs.iter().all(|i| i.bytes == 0) {
                return;
            }
            shared.lock().add(&self.local);
            self.local.events.clear();
            for i in &mut self.local.inputs {
                i.lines = 0;
                i.bytes = 0;
            }
        }
    }
}

/// The counts in the Prometheus text exposition format (version 0.0.4):
/// counters of close events by code, name, category, rejected and source,
/// and of lines and bytes read by source.
pub fn write_exposition(counters: &Counters, out: &mut dyn Write) -> io::Result<()> {
    let source = |i: u32| {
        counters
            .inputs
            .get(i as usize)
            .map_or("?", |c| c.name.as_str())
    };
    writeln!(
        out,
        "# HELP wscode_close_events_total WebSocket close codes found, by code and source."
    )?;
    writeln!(out, "# TYPE wscode_close_events_total counter")?;
    for (&(input, code, rejected), n) in &counters.events {
        let view = CodeView::of(code, rejected);
        writeln!(
            out,
            "wscode_close_events_total{{code=\"{code}\",name=\"{}\",category=\"{}\",rejected=\"{rejected}\",source=\"{}\"}} {n}",
            label(view.name),
            view.category,
            label(source(input)),
        )?;
    }
    /// A counter of what was read: its name, its help and its count.
    type Read = (&'static str, &'static str, fn(&InputCounts) -> u64);
    let read: [Read; 2] = [
        ("lines", "Lines", |c| c.lines),
        ("bytes", "Bytes", |c| c.bytes),
    ];
    for (what, help, count) in read {
        writeln!(
            out,
            "# HELP wscode_scanned_{what}_total {help} read, by source."
        )?;
        writeln!(out, "# TYPE wscode_scanned_{what}_total counter")?;
        for c in &counters.inputs {
            writeln!(
                out,
                "wscode_scanned_{what}_total{{source=\"{}\"}} {}",
                label(&c.name),
                count(c)
            )?;
        }
    }
    Ok(())
}

/// A Prometheus label value: backslash, quote and newline escaped, as the
/// text format requires (a source name comes from the command line or
/// `--label`). The summary's `--format prometheus` uses it too.
pub fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taps_add_up_and_parts_count_only_findings() {
        let metrics = Metrics::default();
        let mut tap = Tap::new(metrics.clone());
        tap.start_input(0, "a\"b.log");
        tap.batch(b"one\ntwo\n");
        let mut part = tap.fork();
        part.batch(b"not counted: the scan's thread counted the batch\n");
        let finding = Finding::new(1006, 0..4, None, false, crate::extract::Basis::Pattern);
        part.found(std::slice::from_ref(&finding));
        tap.join(part);
        tap.found(&[finding]);
        tap.hand_over();
        tap.hand_over();
        let c = metrics.snapshot();
        assert_eq!(c.inputs[0].lines, 2);
        assert_eq!(c.inputs[0].bytes, 8);
        assert_eq!(c.events[&(0, 1006, false)], 2);
        let mut text = Vec::new();
        write_exposition(&c, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains("wscode_close_events_total{code=\"1006\",name=\"Abnormal Closure\",category=\"error\",rejected=\"false\",source=\"a\\\"b.log\"} 2"),
            "{text}"
        );
        assert!(text.contains("wscode_scanned_lines_total{source=\"a\\\"b.log\"} 2"));
    }
}
