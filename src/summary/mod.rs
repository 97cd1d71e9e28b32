//! `--summary`: what happened to the WebSockets, as mergeable counts.
//!
//! A [`Summary`] is plain data: one per worker, file chunk or run, merged
//! with `+=` at the end (no lock per line). Merging is exact and does not
//! depend on the order chunks finish in: counts add, first/last locations
//! take the minimum/maximum, and the timeline and reason lists are capped by
//! rules that depend only on the data, so a parallel scan equals a
//! one-thread scan.

pub mod connection;
pub mod findings;
pub mod gate;
pub mod json;
pub mod live;
pub mod origin;
mod prometheus;
pub mod report;
pub mod signals;
mod signals_json;
mod sink;
pub mod suspects;
mod text;
pub mod timestamp;

use std::collections::BTreeMap;
use std::ops::AddAssign;
use std::sync::Arc;

use crate::codes::Category;
use crate::extract::Finding;
use crate::scan::{Fork, Line, Sink};
use crate::summary::gate::Gate;
use crate::summary::timestamp::parse_line_time_near;

/// Distinct reasons kept per code; the rest are counted as "other".
pub const MAX_REASONS: usize = 256;
/// Longest reason kept, in bytes (a close reason is at most 123 on the wire).
pub const MAX_REASON_LEN: usize = 160;
/// Most timeline buckets kept before buckets are made coarser.
pub const MAX_BUCKETS: usize = 4096;
/// Bucket widths the timeline moves through, in seconds.
pub const BUCKET_LADDER: [i64; 9] = [
    1,
    10,
    60,
    600,
    3600,
    6 * 3600,
    86_400,
    7 * 86_400,
    30 * 86_400,
];

/// A line in one of the inputs: inputs in command-line order, then lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Index of the input, in command-line order.
    pub input: u32,
    /// 1-based line number within the input.
    pub line: u64,
}

/// A code as reported: the number, and whether the line says it was
/// rejected on the wire (which makes it `invalid`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeKey {
    /// The close code (invalid numbers are kept).
    pub code: u32,
    /// The line reported it as refused on the wire.
    pub rejected: bool,
}

/// Everything counted about one code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeStats {
    /// Occurrences.
    pub count: u64,
    /// Where it first appeared.
    pub first: Location,
    /// Where it last appeared.
    pub last: Location,
    /// The earliest dated occurrence, Unix seconds.
    pub first_time: Option<i64>,
    /// The latest dated occurrence, Unix seconds.
    pub last_time: Option<i64>,
    /// Close reason → occurrences, at most [`MAX_REASONS`] distinct ones.
    pub reasons: BTreeMap<String, u64>,
    /// Occurrences whose reason was dropped by the [`MAX_REASONS`] cap.
    pub other_reasons: u64,
    /// The name and category a merged summary gave the code (made with its
    /// own code tables); `None`: as this run's tables describe it.
    pub named: Option<(String, Category)>,
    /// Events whose line says the code was sent, received, or never on the
    /// wire (local), in that order.
    pub directions: [u64; 3],
}

impl CodeStats {
    /// The code's name and category as reported: a merged summary's own,
    /// else as this run's tables describe `key`.
    pub fn name_and_category(&self, key: CodeKey) -> (&str, Category) {
        match &self.named {
            Some((name, category)) => (name, *category),
            None => {
                let view = crate::codes::CodeView::of(key.code, key.rejected);
                (view.name, view.category)
            }
        }
    }

    fn new(at: Location) -> Self {
        CodeStats {
            count: 0,
            first: at,
            last: at,
            first_time: None,
            last_time: None,
            reasons: BTreeMap::new(),
            named: None,
            other_reasons: 0,
            directions: [0; 3],
        }
    }

    fn merge(&mut self, other: CodeStats) {
        self.count += other.count;
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
        self.first_time = min_opt(self.first_time, other.first_time);
        self.last_time = max_opt(self.last_time, other.last_time);
        self.other_reasons += other.other_reasons;
        for (mine, n) in self.directions.iter_mut().zip(other.directions) {
            *mine += n;
        }
        if self.named.is_none() {
            self.named = other.named;
        }
        for (reason, n) in other.reasons {
            *self.reasons.entry(reason).or_default() += n;
        }
        self.cap_reasons();
    }

    /// Counts one occurrence of `reason`. Reasons are a Misra-Gries summary
    /// of at most [`MAX_REASONS`] counters: exact while a code has that many
    /// distinct reasons or fewer. Past that, a new reason with no counter
    /// free takes one from every counter (the decrements and the newcomer go
    /// to `other_reasons`), so every reason seen more often than 1 in
    /// `MAX_REASONS + 1` of the code's reasoned events keeps a counter, and
    /// each count is low by at most that share, whatever the order of lines.
    fn add_reason(&mut self, reason: &str) {
        if let Some(n) = self.reasons.get_mut(reason) {
            *n += 1;
        } else if self.reasons.len() < MAX_REASONS {
            self.reasons.insert(reason.to_string(), 1);
        } else {
            self.other_reasons += self.reasons.len() as u64 + 1;
            self.reasons.retain(|_, n| {
                *n -= 1;
                *n > 0
            });
        }
    }

    /// After counters were added up, at most [`MAX_REASONS`] are kept: the
    /// (MAX_REASONS + 1)-th largest count is taken from every counter (what
    /// is taken goes to `other_reasons`), the Misra-Gries merge, with the
    /// same bound as [`CodeStats::add_reason`]. Merging two summaries is
    /// commutative; how parts are grouped can change counts within the bound.
    fn cap_reasons(&mut self) {
        if self.reasons.len() <= MAX_REASONS {
            return;
        }
        let mut counts: Vec<u64> = self.reasons.values().copied().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let cut = counts[MAX_REASONS];
        let mut taken = 0;
        self.reasons.retain(|_, n| {
            let t = (*n).min(cut);
            taken += t;
            *n -= t;
            *n > 0
        });
        self.other_reasons += taken;
    }

    /// The reasons, most frequent first.
    pub fn top_reasons(&self) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.reasons.iter().map(|(r, n)| (r.as_str(), *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) | (None, x) => x,
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) | (None, x) => x,
    }
}

/// Close events over time: counts per bucket of `width` seconds, the
/// width growing along [`BUCKET_LADDER`] so at most [`MAX_BUCKETS`] are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// Seconds per bucket.
    pub width: i64,
    /// Bucket start (Unix seconds) → events.
    pub buckets: BTreeMap<i64, u64>,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            width: 1,
            buckets: BTreeMap::new(),
        }
    }
}

impl Timeline {
    /// Adds `n` events at `time`.
    pub fn add(&mut self, time: i64, n: u64) {
        *self
            .buckets
            .entry(time - time.rem_euclid(self.width))
            .or_default() += n;
        self.fit();
    }

    /// Re-buckets to a coarser `width` (a multiple of the current one).
    pub fn coarsen_to(&mut self, width: i64) {
        if width <= self.width {
            return;
        }
        let old = std::mem::take(&mut self.buckets);
        self.width = width;
        for (start, n) in old {
            *self
                .buckets
                .entry(start - start.rem_euclid(width))
                .or_default() += n;
        }
    }

    fn fit(&mut self) {
        while self.buckets.len() > MAX_BUCKETS {
            let next = BUCKET_LADDER
                .iter()
                .copied()
                .find(|&w| w > self.width)
                .unwrap_or(self.width * 2);
            self.coarsen_to(next);
        }
    }

    fn merge(&mut self, mut other: Timeline) {
        let width = self.width.max(other.width);
        self.coarsen_to(width);
        other.coarsen_to(width);
        for (start, n) in other.buckets {
            *self.buckets.entry(start).or_default() += n;
        }
        self.fit();
    }
}

/// Counts for one input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputStats {
    /// The path as given, or `-`.
    pub name: String,
    /// Lines scanned.
    pub lines: u64,
    /// Bytes scanned (after decompression).
    pub bytes: u64,
    /// Lines with a reported code.
    pub lines_with_codes: u64,
    /// Codes found.
    pub events: u64,
}

/// The summary of one or more inputs; see the module documentation.
///
/// One per input, worker or machine, merged with `+=`:
///
/// ```
/// use wscode_annotate::extract::Extractor;
/// use wscode_annotate::filter::Filter;
/// use wscode_annotate::scan::Scanner;
/// use wscode_annotate::summary::Summary;
///
/// let extractor = Extractor::new(&[]).unwrap();
/// let filter = Filter::default();
/// let logs = [
///     ("node1.log", "websocket: close 1006 (abnormal closure)\n"),
///     ("node2.log", "plain line\nws closed close_code=1006 reason=\"idle\"\n"),
/// ];
/// let mut total = Summary::default();
/// for (i, (name, text)) in logs.iter().enumerate() {
///     let mut part = Summary::for_input(i as u32, name, None);
///     let mut scanner = Scanner::new(&extractor, &filter);
///     scanner.scan_lines(text.as_bytes(), &mut part).unwrap();
///     scanner.finish(&mut part).unwrap();
///     part.add_scanned(scanner.lines(), scanner.bytes());
///     total += part;
/// }
/// assert_eq!((total.lines(), total.events()), (3, 2));
/// assert_eq!(total.input_name(1), "node2.log");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Per input, by index in command-line order.
    pub inputs: BTreeMap<u32, InputStats>,
    /// Per code, and whether it was rejected.
    pub codes: BTreeMap<CodeKey, CodeStats>,
    /// Close events over time.
    pub timeline: Timeline,
    /// Lines that matched each `--fail-on` rule, in rule order (for a rate
    /// rule, the most within one of its windows).
    pub gate_hits: Vec<u64>,
    /// The sliding windows of the rate rules, by rule (`None` for others);
    /// made with the gate in [`Summary::for_input`], the one way a summary
    /// that counts lines gets a gate.
    rates: Vec<Option<gate::RateWindow>>,
    /// A summary ends the input when a rate rule trips (annotate mode's
    /// gate does not: every line still passes through).
    stop_at_rate_trip: bool,
    /// Lines with at least one code of each category: what a category rule
    /// of `merge --fail-on` counts.
    pub category_lines: BTreeMap<Category, u64>,
    /// A merged part did not record `category_lines` (an older version).
    pub category_lines_missing: bool,
    /// What the counts were made with (tables, patterns, filters), when known.
    pub made_with: Option<MadeWith>,
    /// Close events by the pod, container or host the lines name.
    pub origins: BTreeMap<String, origin::OriginStats>,
    /// Events from origins past [`origin::MAX_ORIGINS`].
    pub other_origins: u64,
    /// What the diagnosis ([`findings`]) reads.
    pub signals: signals::Signals,
    gate: Option<Arc<Gate>>,
    /// Candidate lines without a code are read for failed upgrades (a
    /// summary's; annotate mode's gate counts need none).
    reads_upgrades: bool,
    /// `--by`: where origins are read; `None`, wherever the line has one.
    by: Option<Arc<[origin::By]>>,
    /// The input whose lines are being added.
    current: u32,
    /// When the current input was last modified: a line's time without a
    /// year is read near it.
    reference_time: Option<i64>,
}

/// What a summary's counts depend on besides the logs: the tool's version,
/// the code tables loaded (by name, in order), `--pattern`s and the
/// `--category`/`--code` filters. Summaries made with different ones do
/// not add up to anything meaningful.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MadeWith {
    /// The version of wscode-annotate that scanned the logs.
    pub version: String,
    /// Code tables, by name, in the order loaded.
    pub tables: Vec<String>,
    /// `--pattern` regexes.
    pub patterns: Vec<String>,
    /// `--category` filter (empty: every category).
    pub categories: Vec<String>,
    /// `--code` filter as ranges (empty: every code).
    pub codes: Vec<String>,
}

impl MadeWith {
    /// Whether counts made with `self` and with `other` can be added up:
    /// everything but the version is the same.
    pub fn same_counting(&self, other: &MadeWith) -> bool {
        self.tables == other.tables
            && self.patterns == other.patterns
            && self.categories == other.categories
            && self.codes == other.codes
    }

    /// Tables, patterns and filters in a few words, for messages.
    pub fn describe(&self) -> String {
        format!(
            "tables {}, patterns {}, --category {}, --code {}",
            list_or_none(&self.tables),
            list_or_none(&self.patterns),
            list_or_none(&self.categories),
            list_or_none(&self.codes)
        )
    }
}

/// `a,b,c`, or `none` for an empty list (how messages show tables and
/// filters).
pub fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(",")
    }
}

impl PartialEq for Summary {
    fn eq(&self, other: &Self) -> bool {
        self.inputs == other.inputs
            && self.codes == other.codes
            && self.timeline == other.timeline
            && self.gate_hits == other.gate_hits
            && self.category_lines == other.category_lines
            && self.category_lines_missing == other.category_lines_missing
            && self.origins == other.origins
            && self.other_origins == other.other_origins
            && self.signals == other.signals
    }
}

impl Summary {
    /// An empty summary that will count lines of input number `input`
    /// (named `name`), and hits for `gate`'s rules.
    pub fn for_input(input: u32, name: &str, gate: Option<Arc<Gate>>) -> Summary {
        let rules = gate.as_ref().map_or(&[][..], |g| &g.rules[..]);
        let mut s = Summary {
            gate_hits: vec![0; rules.len()],
            rates: rules
                .iter()
                .map(|r| r.per.map(gate::RateWindow::new))
                .collect(),
            gate,
            current: input,
            ..Summary::default()
        };
        s.inputs.insert(
            input,
            InputStats {
                name: name.to_string(),
                ..InputStats::default()
            },
        );
        s
    }

    /// Adds `stats` to origin `name`, within [`origin::MAX_ORIGINS`].
    fn add_origin(&mut self, name: String, stats: origin::OriginStats) {
        let full = self.origins.len() >= origin::MAX_ORIGINS;
        match self.origins.get_mut(&name) {
            Some(mine) => {
                mine.events += stats.events;
                for (key, n) in stats.codes {
                    *mine.codes.entry(key).or_default() += n;
                }
                mine.first_time = min_opt(mine.first_time, stats.first_time);
                mine.last_time = max_opt(mine.last_time, stats.last_time);
            }
            None if full => self.other_origins += stats.events,
            None => {
                self.origins.insert(name, stats);
            }
        }
    }

    /// Reads lines without a code too, for failed WebSocket upgrades.
    pub fn reading_upgrades(mut self) -> Summary {
        self.reads_upgrades = true;
        self
    }

    /// Reads origins by `--by`'s choices instead of wherever lines have one.
    pub fn grouped_by(mut self, by: Option<Arc<[origin::By]>>) -> Summary {
        self.by = by;
        self
    }

    /// Ends the input (every input) when a rate rule of the gate trips: the
    /// summary's answer is known then, however long a stream goes on.
    pub fn stopping_at_rate_trip(mut self) -> Summary {
        self.stop_at_rate_trip = true;
        self
    }

    /// Lines a `--fail-on` rule counts, from the summary's counts (how
    /// `merge --fail-on` gates): a category rule, lines with a code of that
    /// category; a code rule, the code's count. A range rule adds up its
    /// codes' counts, so a line with two codes of the range counts twice
    /// (the gate of a scan counts it once). `None` for a category rule when
    /// a merged part did not record line counts.
    pub fn lines_matching(&self, rule: &crate::summary::gate::Rule) -> Option<u64> {
        match &rule.target {
            crate::summary::gate::Target::Category(c) => (!self.category_lines_missing)
                .then(|| self.category_lines.get(c).copied().unwrap_or(0)),
            crate::summary::gate::Target::Codes(range) => Some(
                self.codes
                    .iter()
                    .filter(|(key, _)| range.contains(&key.code))
                    .map(|(_, s)| s.count)
                    .sum(),
            ),
        }
    }

    /// Reads times without a year (syslog, klog) near `time` (Unix
    /// seconds; `None`: now), for the input being counted.
    pub fn set_reference_time(&mut self, time: Option<i64>) {
        self.reference_time = time;
    }

    /// Makes input number `input` (named `name`) the one lines are counted for.
    pub fn start_input(&mut self, input: u32, name: &str) {
        self.current = input;
        self.inputs.entry(input).or_default().name = name.to_string();
    }

    /// Records how many lines and bytes of the current input were scanned.
    pub fn add_scanned(&mut self, lines: u64, bytes: u64) {
        let stats = self.inputs.entry(self.current).or_default();
        stats.lines += lines;
        stats.bytes += bytes;
    }

    /// Moves every line number of this (chunk's) summary down by `lines`:
    /// a chunk of a file numbers its lines from its own start.
    pub fn shift_lines(&mut self, lines: u64) {
        for stats in self.codes.values_mut() {
            stats.first.line += lines;
            stats.last.line += lines;
        }
        self.signals.shift(|at| at.line += lines);
    }

    /// Moves every input index up by `by` (when merging separate runs).
    pub fn shift_inputs(&mut self, by: u32) {
        self.inputs = std::mem::take(&mut self.inputs)
            .into_iter()
            .map(|(i, s)| (i + by, s))
            .collect();
        for stats in self.codes.values_mut() {
            stats.first.input += by;
            stats.last.input += by;
        }
        self.signals.shift(|at| at.input += by);
        self.current += by;
    }

    /// Total lines scanned.
    pub fn lines(&self) -> u64 {
        self.inputs.values().map(|i| i.lines).sum()
    }

    /// Total bytes scanned.
    pub fn bytes(&self) -> u64 {
        self.inputs.values().map(|i| i.bytes).sum()
    }

    /// Lines that carried at least one reported code.
    pub fn lines_with_codes(&self) -> u64 {
        self.inputs.values().map(|i| i.lines_with_codes).sum()
    }

    /// Close codes found (a line with two codes counts two).
    pub fn events(&self) -> u64 {
        self.codes.values().map(|c| c.count).sum()
    }

    /// Name of an input by index.
    pub fn input_name(&self, input: u32) -> &str {
        self.inputs.get(&input).map_or("?", |i| i.name.as_str())
    }

    /// The earliest and latest time of any close event.
    pub fn time_span(&self) -> Option<(i64, i64)> {
        let first = self.codes.values().filter_map(|c| c.first_time).min()?;
        let last = self.codes.values().filter_map(|c| c.last_time).max()?;
        Some((first, last))
    }
}

impl AddAssign for Summary {
    fn add_assign(&mut self, other: Summary) {
        if self.made_with.is_none() {
            self.made_with.clone_from(&other.made_with);
        }
        for (i, s) in other.inputs {
            let mine = self.inputs.entry(i).or_default();
            if mine.name.is_empty() {
                mine.name = s.name;
            }
            mine.lines += s.lines;
            mine.bytes += s.bytes;
            mine.lines_with_codes += s.lines_with_codes;
            mine.events += s.events;
        }
        for (key, stats) in other.codes {
            match self.codes.get_mut(&key) {
                Some(mine) => mine.merge(stats),
                None => {
                    self.codes.insert(key, stats);
                }
            }
        }
        self.timeline.merge(other.timeline);
        for (category, n) in other.category_lines {
            *self.category_lines.entry(category).or_default() += n;
        }
        self.category_lines_missing |= other.category_lines_missing;
        self.other_origins += other.other_origins;
        for (name, stats) in other.origins {
            self.add_origin(name, stats);
        }
        self.signals += other.signals;
        if self.gate_hits.len() < other.gate_hits.len() {
            self.gate_hits.resize(other.gate_hits.len(), 0);
        }
        let rates: Vec<bool> = self
            .gate
            .as_ref()
            .or(other.gate.as_ref())
            .map(|g| g.rules.iter().map(|r| r.per.is_some()).collect())
            .unwrap_or_default();
        for (i, (mine, n)) in self.gate_hits.iter_mut().zip(other.gate_hits).enumerate() {
            // A rate is the most within one window: inputs are windows apart.
            if rates.get(i).copied().unwrap_or(false) {
                *mine = (*mine).max(n);
            } else {
                *mine += n;
            }
        }
        if self.gate.is_none() {
            self.gate = other.gate;
        }
        if self.by.is_none() {
            self.by = other.by;
        }
    }
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests;
