//! The summary as people and machines read it: [`SummaryFormat`] picks the
//! writer, one file each: a terminal report with a timeline
//! (`text.rs`), one JSON object that `merge` reads back
//! ([`super::json`]), or the Prometheus text exposition format
//! (`prometheus.rs`). What they share (shares, categories, codes by
//! count) is here.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::codes::Category;
use crate::summary::origin::OriginStats;
use crate::summary::{CodeKey, CodeStats, Summary};

use super::json::Report;
use super::prometheus::write_prometheus;
use super::text::write_text;

/// How a summary is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SummaryFormat {
    /// A report for people, fitted to the terminal.
    Text,
    /// One JSON object (the form `merge` reads back).
    Json,
    /// The Prometheus text exposition format.
    Prometheus,
}

/// Writes `summary` as `format` (text, JSON or Prometheus); text is fitted
/// to `width` columns when there is one.
pub fn write_as(
    summary: &Summary,
    format: SummaryFormat,
    color: bool,
    width: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        SummaryFormat::Json => {
            serde_json::to_writer(&mut *out, &Report::from_summary(summary))
                .map_err(io::Error::other)?;
            out.write_all(b"\n")
        }
        SummaryFormat::Prometheus => write_prometheus(summary, out),
        SummaryFormat::Text => write_text(summary, color, width, out),
    }
}

pub(super) fn share(n: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        (n as f64 / total as f64 * 10_000.0).round() / 10_000.0
    }
}

/// Categories with their event counts, in display order.
pub(super) fn categories(summary: &Summary) -> Vec<(Category, u64)> {
    let mut by: BTreeMap<Category, u64> = BTreeMap::new();
    for (key, stats) in &summary.codes {
        *by.entry(stats.name_and_category(*key).1).or_default() += stats.count;
    }
    by.into_iter().collect()
}

/// Codes, most frequent first (ties: by number).
pub(super) fn codes_by_count(summary: &Summary) -> Vec<(CodeKey, &CodeStats)> {
    let mut v: Vec<(CodeKey, &CodeStats)> = summary.codes.iter().map(|(k, s)| (*k, s)).collect();
    v.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
    v
}

/// Origins, most close events first (ties: by name).
pub(super) fn origins_by_events(summary: &Summary) -> Vec<(&str, &OriginStats)> {
    let mut v: Vec<(&str, &OriginStats)> = summary
        .origins
        .iter()
        .map(|(k, s)| (k.as_str(), s))
        .collect();
    v.sort_by(|a, b| b.1.events.cmp(&a.1.events).then(a.0.cmp(b.0)));
    v
}

/// An origin's codes, most events first (ties: by number).
pub(super) fn origin_codes(stats: &OriginStats) -> Vec<(CodeKey, u64)> {
    let mut v: Vec<(CodeKey, u64)> = stats.codes.iter().map(|(k, n)| (*k, *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// Text from a log (or a file name, or a merged summary) for the terminal:
/// control characters, which start escape sequences, and the invisible
/// bidirectional controls, which reorder what is shown, become `?`.
pub(super) fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if crate::term::unsafe_on_terminal(c) {
                '?'
            } else {
                c
            }
        })
        .collect()
}
