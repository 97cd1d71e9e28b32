//! The summary as people and machines read it: a terminal table with a
//! timeline, one JSON object (which `merge` reads back), or the Prometheus
//! text exposition format.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::codes::{describe, Category};
use crate::summary::timestamp::format_utc;
use crate::summary::{CodeKey, CodeStats, InputStats, Location, MadeWith, Summary, Timeline};
use crate::term::{columns, fit_left, fit_right, BOLD, RESET};

/// Identifies the JSON summary schema; bumped only for incompatible changes.
pub const SCHEMA: &str = "wscode-annotate/summary/1";

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

/// The JSON form of a summary (`--summary --format json`), and what `merge`
/// reads back. Field names are stable; see the README's "Summary JSON".
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// `wscode-annotate/summary/1`; changes only with an incompatible format.
    pub schema: String,
    /// Lines scanned.
    pub lines: u64,
    /// Bytes scanned (after decompression).
    pub bytes: u64,
    /// Lines that carry at least one reported code.
    pub lines_with_codes: u64,
    /// Close codes found (a line with two codes counts two).
    pub events: u64,
    /// The earliest dated close event, RFC 3339 UTC.
    pub first_time: Option<String>,
    /// The latest dated close event, RFC 3339 UTC.
    pub last_time: Option<String>,
    /// Per-input counts, in command-line order.
    pub inputs: Vec<InputReport>,
    /// Events per category, in category order.
    pub categories: Vec<CategoryReport>,
    /// Per-code statistics, most frequent first.
    pub codes: Vec<CodeReport>,
    /// Close events over time.
    pub timeline: TimelineReport,
    /// The version, code tables, patterns and filters the counts were made
    /// with; absent in summaries from before this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_with: Option<MadeWith>,
}

/// One input's totals, so a merged summary still says where events came from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InputReport {
    /// The path as given, or `-`.
    pub source: String,
    /// Lines scanned.
    pub lines: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Lines with a reported code.
    pub lines_with_codes: u64,
    /// Codes found.
    pub events: u64,
}

/// Events in one category.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CategoryReport {
    /// The category's name (`error`, `transient`, …).
    pub category: String,
    /// Codes found in it.
    pub events: u64,
    /// Its share of all events, 0-1.
    pub share: f64,
    /// Lines with at least one code in it (what a `--fail-on` category
    /// rule counts); absent in summaries from before this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<u64>,
}

/// A line in an input, so a reader can jump to it (`PATH:LINE`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LineRef {
    /// The input's path as given, or `-`.
    pub source: String,
    /// Index into `inputs`.
    pub input: u32,
    /// 1-based line number within that input.
    pub line: u64,
}

/// How often one close reason was given.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReasonCount {
    /// The reason as the log printed it.
    pub reason: String,
    /// Occurrences.
    pub count: u64,
}

/// Everything known about one code across the inputs.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CodeReport {
    /// The close code (invalid numbers are kept).
    pub code: u32,
    /// Its registered name, or its range's name.
    pub name: String,
    /// Its category.
    pub category: String,
    /// The lines reported this code as refused on the wire.
    pub rejected: bool,
    /// Occurrences.
    pub count: u64,
    /// Share of all events, 0-1.
    pub share: f64,
    /// Where it first appeared.
    pub first_line: LineRef,
    /// Where it last appeared.
    pub last_line: LineRef,
    /// The earliest dated occurrence, RFC 3339 UTC.
    pub first_time: Option<String>,
    /// The latest dated occurrence, RFC 3339 UTC.
    pub last_time: Option<String>,
    /// Most frequent first.
    pub reasons: Vec<ReasonCount>,
    /// Occurrences whose reason was beyond the cap of distinct reasons kept.
    pub other_reasons: u64,
}

/// Close events per time bucket, so a burst stands out.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TimelineReport {
    /// Width of each bucket.
    pub bucket_seconds: i64,
    /// Buckets that hold events, oldest first.
    pub buckets: Vec<BucketReport>,
}

/// One bucket of the timeline.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BucketReport {
    /// Its start, RFC 3339 UTC.
    pub start: String,
    /// Its start, Unix seconds.
    pub start_unix: i64,
    /// Close events in it.
    pub events: u64,
}

fn share(n: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        (n as f64 / total as f64 * 10_000.0).round() / 10_000.0
    }
}

/// Categories with their event counts, in display order.
fn categories(summary: &Summary) -> Vec<(Category, u64)> {
    let mut by: BTreeMap<Category, u64> = BTreeMap::new();
    for (key, stats) in &summary.codes {
        *by.entry(category_of_key(*key)).or_default() += stats.count;
    }
    by.into_iter().collect()
}

fn category_of_key(key: CodeKey) -> Category {
    crate::extract::describe_code(key.code, key.rejected).category
}

/// Codes, most frequent first (ties: by number).
fn codes_by_count(summary: &Summary) -> Vec<(CodeKey, &CodeStats)> {
    let mut v: Vec<(CodeKey, &CodeStats)> = summary.codes.iter().map(|(k, s)| (*k, s)).collect();
    v.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
    v
}

impl Report {
    /// The report of a summary.
    pub fn from_summary(summary: &Summary) -> Report {
        let events = summary.events();
        let line_ref = |at: Location| LineRef {
            source: summary.input_name(at.input).to_string(),
            input: at.input,
            line: at.line,
        };
        let span = summary.time_span();
        Report {
            made_with: summary.made_with.clone(),
            schema: SCHEMA.to_string(),
            lines: summary.lines(),
            bytes: summary.bytes(),
            lines_with_codes: summary.lines_with_codes(),
            events,
            first_time: span.map(|s| format_utc(s.0)),
            last_time: span.map(|s| format_utc(s.1)),
            inputs: summary
                .inputs
                .values()
                .map(|i| InputReport {
                    source: i.name.clone(),
                    lines: i.lines,
                    bytes: i.bytes,
                    lines_with_codes: i.lines_with_codes,
                    events: i.events,
                })
                .collect(),
            categories: categories(summary)
                .into_iter()
                .map(|(c, n)| CategoryReport {
                    category: c.as_str().to_string(),
                    events: n,
                    share: share(n, events),
                    lines: (!summary.category_lines_missing)
                        .then(|| summary.category_lines.get(&c).copied().unwrap_or(0)),
                })
                .collect(),
            codes: codes_by_count(summary)
                .into_iter()
                .map(|(key, s)| CodeReport {
                    code: key.code,
                    name: describe(key.code).entry.name.to_string(),
                    category: category_of_key(key).as_str().to_string(),
                    rejected: key.rejected,
                    count: s.count,
                    share: share(s.count, events),
                    first_line: line_ref(s.first),
                    last_line: line_ref(s.last),
                    first_time: s.first_time.map(format_utc),
                    last_time: s.last_time.map(format_utc),
                    reasons: s
                        .top_reasons()
                        .into_iter()
                        .map(|(r, n)| ReasonCount {
                            reason: r.to_string(),
                            count: n,
                        })
                        .collect(),
                    other_reasons: s.other_reasons,
                })
                .collect(),
            timeline: TimelineReport {
                bucket_seconds: summary.timeline.width,
                buckets: summary
                    .timeline
                    .buckets
                    .iter()
                    .map(|(&t, &n)| BucketReport {
                        start: format_utc(t),
                        start_unix: t,
                        events: n,
                    })
                    .collect(),
            },
        }
    }

    /// Rebuilds the summary a report was made from (for `merge`).
    pub fn into_summary(self) -> Summary {
        let mut summary = Summary::default();
        summary.made_with.clone_from(&self.made_with);
        for (i, input) in self.inputs.into_iter().enumerate() {
            summary.inputs.insert(
                i as u32,
                InputStats {
                    name: input.source,
                    lines: input.lines,
                    bytes: input.bytes,
                    lines_with_codes: input.lines_with_codes,
                    events: input.events,
                },
            );
        }
        for c in &self.categories {
            match (c.lines, c.category.parse::<Category>()) {
                (Some(n), Ok(category)) => {
                    summary.category_lines.insert(category, n);
                }
                _ => summary.category_lines_missing = true,
            }
        }
        let parse_time = |t: &Option<String>| {
            t.as_deref()
                .and_then(|t| crate::summary::timestamp::parse_line_time(t.as_bytes()))
        };
        for c in self.codes {
            let at = |r: &LineRef| Location {
                input: r.input,
                line: r.line,
            };
            summary.codes.insert(
                CodeKey {
                    code: c.code,
                    rejected: c.rejected,
                },
                CodeStats {
                    count: c.count,
                    first: at(&c.first_line),
                    last: at(&c.last_line),
                    first_time: parse_time(&c.first_time),
                    last_time: parse_time(&c.last_time),
                    reasons: c.reasons.into_iter().map(|r| (r.reason, r.count)).collect(),
                    other_reasons: c.other_reasons,
                },
            );
        }
        summary.timeline = Timeline {
            width: self.timeline.bucket_seconds.max(1),
            buckets: self
                .timeline
                .buckets
                .into_iter()
                .map(|b| (b.start_unix, b.events))
                .collect(),
        };
        summary
    }
}

/// The widest the summary's name column grows (longer names are cut).
const MAX_NAME_COLUMN: usize = 36;
/// The narrowest the name column gets to fit a terminal.
const MIN_NAME_COLUMN: usize = 16;
/// How a code's first and last place starts on a line of its own.
const PLACE_BELOW: &str = "        lines ";
/// The shortest a path is cut to, to fit a terminal.
const MIN_PATH: usize = 12;

const BAR: &str = "████████████████████████████████████████";
const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The summary as text. With `width` (a terminal's, or COLUMNS), every line
/// is fitted to it, measured in display columns: code names and paths are
/// shortened, and lists of reasons or busy times keep what fits.
fn write_text(
    summary: &Summary,
    color: bool,
    width: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint = |category: Category, text: &str| {
        if color {
            format!("{}{text}{RESET}", category.color())
        } else {
            text.to_string()
        }
    };
    let bold = |text: &str| {
        if color {
            format!("{BOLD}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let fits = |line: &str| width.is_none_or(|w| columns(line) <= w);
    let lines = summary.lines();
    let with = summary.lines_with_codes();
    let events = summary.events();
    let scanned = format!(
        "{} ({}) in {}",
        counted(lines, "line"),
        human_bytes(summary.bytes()),
        counted(summary.inputs.len() as u64, "input"),
    );
    let found = format!(
        "{} with close codes ({:.2}%), {}",
        group(with),
        if lines == 0 {
            0.0
        } else {
            with as f64 * 100.0 / lines as f64
        },
        counted(events, "close event"),
    );
    if fits(&format!("Scanned {scanned}; {found}")) {
        writeln!(out, "{} {scanned}; {found}", bold("Scanned"))?;
    } else {
        writeln!(out, "{} {scanned};\n  {found}", bold("Scanned"))?;
    }
    if let Some((first, last)) = summary.time_span() {
        let (a, b) = span_text(first, last, |a, b| {
            fits(&format!("Close events from {a} to {b}"))
        });
        writeln!(out, "Close events from {a} to {b}")?;
    }
    // At a terminal, paths are shown from where they part: a directory
    // that every input is in is said once.
    let common = if width.is_some() {
        common_dir(summary)
    } else {
        0
    };
    if common > 0 {
        let dir = summary.input_name(*summary.inputs.keys().next().unwrap_or(&0));
        let dir = fit_left(
            &sanitize(&dir[..common]),
            width.unwrap_or(80).saturating_sub(20),
        );
        writeln!(out, "Paths below are in {dir}")?;
    }
    let input_name = |input: u32| sanitize(&summary.input_name(input)[common..]);
    if events == 0 {
        writeln!(out, "No WebSocket close codes found.")?;
        return write_inputs(summary, width, common, out);
    }
    let rows = codes_by_count(summary);
    // Counts line up in one column as wide as the largest.
    let count_width = rows
        .iter()
        .map(|(_, s)| group(s.count).len())
        .max()
        .unwrap_or(0)
        .max("count".len());
    writeln!(out, "\n{}", bold("By category"))?;
    let cats = categories(summary);
    let max = cats.iter().map(|c| c.1).max().unwrap_or(1).max(1);
    for (category, n) in &cats {
        let bar_width = ((*n as f64 / max as f64) * 30.0).ceil() as usize;
        let bar: String = BAR.chars().take(bar_width.max(1)).collect();
        writeln!(
            out,
            "  {} {:>count_width$} {:>6.1}%  {}",
            // Padded before it is painted: escapes take no columns.
            paint(*category, &format!("{:<12}", category.as_str())),
            group(*n),
            *n as f64 * 100.0 / events as f64,
            paint(*category, &bar),
        )?;
    }
    writeln!(out, "\n{}", bold("By code"))?;
    let name_of = |key: CodeKey| {
        let name = sanitize(describe(key.code).entry.name);
        if key.rejected {
            format!("{name} (rejected)")
        } else {
            name
        }
    };
    // Where a code was first and last seen: lines only when the summary has
    // one input (its name is above), else `path:line`, a path once when
    // both are in the same input.
    let one_input = summary.inputs.len() < 2;
    let place = |s: &CodeStats, path_room: usize| {
        let path = |input| fit_left(&input_name(input), path_room);
        if one_input {
            format!("{} → {}", s.first.line, s.last.line)
        } else if s.first.input == s.last.input {
            format!("{}:{} → {}", path(s.first.input), s.first.line, s.last.line)
        } else {
            format!(
                "{}:{} → {}:{}",
                path(s.first.input),
                s.first.line,
                path(s.last.input),
                s.last.line
            )
        }
    };
    // The name column is as wide as the longest name, within bounds; at a
    // terminal's width, names give way down to MIN_NAME_COLUMN, then paths
    // are shortened from the left.
    let mut name_width = rows
        .iter()
        .map(|(key, _)| columns(&name_of(*key)))
        .max()
        .unwrap_or(4)
        .clamp(4, MAX_NAME_COLUMN);
    let fixed = 2 + 5 + 1 + 1 + 12 + 1 + count_width + 1 + 6 + 2;
    let mut path_room = usize::MAX;
    // When the places do not fit beside a row, each goes on a line of its
    // own under the row.
    let mut below = false;
    if let Some(w) = width {
        let widest_place = rows
            .iter()
            .map(|(_, s)| columns(&place(s, usize::MAX)))
            .max()
            .unwrap_or(0)
            .max(columns("first → last"));
        let room = w.saturating_sub(fixed);
        if name_width + widest_place > room {
            let shrunk = room
                .saturating_sub(widest_place)
                .clamp(MIN_NAME_COLUMN.min(name_width), name_width);
            if shrunk + widest_place <= room || one_input {
                name_width = shrunk;
            } else {
                below = true;
                name_width = name_width.min(room.saturating_sub(2).max(MIN_NAME_COLUMN));
                // Two paths at most, with their line numbers and the arrow.
                let numbers = rows
                    .iter()
                    .map(|(_, s)| columns(&place(s, 0)))
                    .max()
                    .unwrap_or(0);
                let line_room = w.saturating_sub(columns(PLACE_BELOW));
                if widest_place > line_room {
                    path_room = (line_room.saturating_sub(numbers) / 2).max(MIN_PATH);
                }
            }
        }
    }
    writeln!(
        out,
        "  {:<5} {:<name_width$} {:<12} {:>count_width$} {:>6}{}",
        "code",
        "name",
        "category",
        "count",
        "share",
        if below { "" } else { "  first → last" }
    )?;
    for (key, s) in rows {
        let category = category_of_key(key);
        let name = fit_right(&name_of(key), name_width);
        let name_pad = name_width.saturating_sub(columns(&name));
        let place = place(s, path_room);
        let beside = if below {
            String::new()
        } else {
            format!("  {place}")
        };
        writeln!(
            out,
            "  {:<5} {name}{:name_pad$} {} {:>count_width$} {:>5.1}%{beside}",
            key.code,
            "",
            paint(category, &format!("{:<12}", category.as_str())),
            group(s.count),
            s.count as f64 * 100.0 / events as f64,
        )?;
        if below {
            writeln!(out, "{PLACE_BELOW}{place}")?;
        }
        write_reasons(s, width, out)?;
        if let (Some(a), Some(b)) = (s.first_time, s.last_time) {
            writeln!(out, "        seen {} → {}", format_utc(a), format_utc(b))?;
        }
    }
    write_timeline(summary, width, out)?;
    write_inputs(summary, width, common, out)
}

/// A code's reasons, most frequent first, as many as fit, with how many
/// more there were and how many events had none, so the line adds up to
/// the code's count.
fn write_reasons(s: &CodeStats, width: Option<usize>, out: &mut dyn Write) -> io::Result<()> {
    let reasons = s.top_reasons();
    if reasons.is_empty() {
        return Ok(());
    }
    let with_reason: u64 = reasons.iter().map(|r| r.1).sum::<u64>() + s.other_reasons;
    let none = s.count.saturating_sub(with_reason);
    let lead = "        reasons: ";
    let limit = width.unwrap_or(usize::MAX);
    let mut line = lead.to_string();
    let mut shown = 0;
    let mut shown_events = 0;
    for (i, (reason, n)) in reasons.iter().enumerate() {
        if i == 3 {
            break;
        }
        let sep = if i == 0 { "" } else { ", " };
        // What would follow if this were the last one shown.
        let rest = reasons.len() - i - 1;
        let tail = tail_of(rest, s.count - shown_events - n - none, none);
        let item_room =
            limit.saturating_sub(columns(&line) + sep.len() + columns(&tail) + 4 + group(*n).len());
        let cut = if i == 0 { item_room.max(12) } else { item_room };
        if cut < 12 && i > 0 {
            break;
        }
        let text = fit_right(&sanitize(reason), cut.min(48));
        line.push_str(&format!("{sep}{text} × {}", group(*n)));
        shown += 1;
        shown_events += n;
    }
    let more = reasons.len() - shown;
    line.push_str(&tail_of(more, s.count - shown_events - none, none));
    writeln!(out, "{line}")
}

/// The end of a reasons line: `, … 5 more (12)` and `, 3 without one`.
fn tail_of(more: usize, more_events: u64, none: u64) -> String {
    let mut tail = String::new();
    if more > 0 {
        tail.push_str(&format!(", … {more} more ({})", group(more_events)));
    }
    if none > 0 {
        tail.push_str(&format!(", {} without one", group(none)));
    }
    tail
}

/// The inputs, one per row, their names without the first `common` bytes
/// (a directory all of them are in).
fn write_inputs(
    summary: &Summary,
    width: Option<usize>,
    common: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    if summary.inputs.len() < 2 {
        return Ok(());
    }
    writeln!(out, "\nPer input")?;
    writeln!(
        out,
        "  {:>12} {:>10} {:>10} {:>8}  input",
        "lines", "bytes", "with codes", "events"
    )?;
    for i in summary.inputs.values() {
        writeln!(
            out,
            "  {:>12} {:>10} {:>10} {:>8}  {}",
            group(i.lines),
            human_bytes(i.bytes),
            group(i.lines_with_codes),
            group(i.events),
            fit_left(
                &sanitize(i.name.get(common..).unwrap_or(&i.name)),
                width.map_or(usize::MAX, |w| w.saturating_sub(47).max(MIN_PATH))
            )
        )?;
    }
    Ok(())
}

/// Display bucket widths, in seconds, with their names.
const DISPLAY_BUCKETS: [(i64, &str); 13] = [
    (1, "second"),
    (10, "10 seconds"),
    (30, "30 seconds"),
    (60, "minute"),
    (300, "5 minutes"),
    (600, "10 minutes"),
    (1800, "30 minutes"),
    (3600, "hour"),
    (6 * 3600, "6 hours"),
    (86_400, "day"),
    (7 * 86_400, "week"),
    (30 * 86_400, "30 days"),
    (365 * 86_400, "year"),
];

/// Close events per time bucket as a sparkline, the bucket chosen so the
/// whole span fits in about 60 columns, with the busiest buckets named.
fn write_timeline(summary: &Summary, fit: Option<usize>, out: &mut dyn Write) -> io::Result<()> {
    let t = &summary.timeline;
    let (Some(&first), Some(&last)) = (t.buckets.keys().next(), t.buckets.keys().next_back())
    else {
        return Ok(());
    };
    let span = last - first + t.width;
    let (width, unit) = DISPLAY_BUCKETS
        .iter()
        .copied()
        .find(|(w, _)| *w >= t.width && span / w <= 60)
        .unwrap_or((365 * 86_400, "year"));
    // Buckets start at the first close event, not on the clock's round
    // numbers, so a burst that fits one bucket is counted in one.
    let start = first;
    let n = ((last - start) / width + 1) as usize;
    let mut counts = vec![0u64; n];
    for (&b, &c) in &t.buckets {
        counts[((b - start) / width) as usize] += c;
    }
    let peak = counts.iter().copied().max().unwrap_or(0).max(1);
    let spark: String = counts
        .iter()
        .map(|&c| {
            if c == 0 {
                ' '
            } else {
                SPARKS[((c as f64 / peak as f64) * 7.0).round() as usize]
            }
        })
        .collect();
    let (a, b) = span_text(start, start + n as i64 * width, |a, b| {
        fit.is_none_or(|w| columns(&format!("Timeline: close events per {unit}, {a} → {b}")) <= w)
    });
    let head = format!("Timeline: close events per {unit},");
    if fit.is_none_or(|w| columns(&head) + columns(&a) + columns(&b) + 4 <= w) {
        writeln!(out, "\n{head} {a} → {b}")?;
    } else {
        writeln!(out, "\n{head}\n  {a} → {b}")?;
    }
    writeln!(out, "  │{spark}│")?;
    let mut busiest: Vec<(usize, u64)> = counts
        .iter()
        .copied()
        .enumerate()
        .filter(|c| c.1 > 0)
        .collect();
    busiest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    // Only buckets that stand out are named: none when the busiest ties
    // with the fourth, or holds a single event.
    if busiest.first().is_none_or(|b| b.1 < 2)
        || busiest
            .get(3)
            .is_some_and(|fourth| fourth.1 == busiest[0].1)
    {
        return Ok(());
    }
    busiest.retain(|b| b.1 > 1);
    // As many of the three busiest as fit.
    let mut line = String::from("  busiest:");
    for (k, (i, c)) in busiest.iter().take(3).enumerate() {
        let item = format!("{} ({})", format_utc(start + *i as i64 * width), group(*c));
        let sep = if k == 0 { " " } else { ", " };
        if k > 0 && fit.is_some_and(|w| columns(&line) + sep.len() + columns(&item) > w) {
            break;
        }
        line.push_str(sep);
        line.push_str(&item);
    }
    writeln!(out, "{line}")
}

fn write_prometheus(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let gauge = |out: &mut dyn Write, name: &str, help: &str| -> io::Result<()> {
        writeln!(out, "# HELP wscode_annotate_{name} {help}")?;
        writeln!(out, "# TYPE wscode_annotate_{name} gauge")
    };
    gauge(out, "scanned_lines", "Lines read in the scanned logs.")?;
    writeln!(out, "wscode_annotate_scanned_lines {}", summary.lines())?;
    gauge(out, "scanned_bytes", "Bytes read in the scanned logs.")?;
    writeln!(out, "wscode_annotate_scanned_bytes {}", summary.bytes())?;
    gauge(
        out,
        "close_code_lines",
        "Lines that carried at least one WebSocket close code.",
    )?;
    writeln!(
        out,
        "wscode_annotate_close_code_lines {}",
        summary.lines_with_codes()
    )?;
    gauge(out, "close_codes", "WebSocket close codes found, by code.")?;
    for (key, s) in &summary.codes {
        writeln!(
            out,
            "wscode_annotate_close_codes{{code=\"{}\",name=\"{}\",category=\"{}\",rejected=\"{}\"}} {}",
            key.code,
            label(describe(key.code).entry.name),
            category_of_key(*key),
            key.rejected,
            s.count
        )?;
    }
    gauge(
        out,
        "close_code_category",
        "WebSocket close codes found, by category.",
    )?;
    for (category, n) in categories(summary) {
        writeln!(
            out,
            "wscode_annotate_close_code_category{{category=\"{category}\"}} {n}"
        )?;
    }
    gauge(
        out,
        "close_code_last_seen_timestamp_seconds",
        "Time of the last line with this close code, when lines carry times.",
    )?;
    for (key, s) in &summary.codes {
        if let Some(t) = s.last_time {
            writeln!(
                out,
                "wscode_annotate_close_code_last_seen_timestamp_seconds{{code=\"{}\",rejected=\"{}\"}} {t}",
                key.code, key.rejected
            )?;
        }
    }
    Ok(())
}

/// A Prometheus label value: backslash, quote and newline escaped.
fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Text from a log (or a file name, or a merged summary) for the terminal:
/// control characters, which start escape sequences, and the invisible
/// bidirectional controls, which reorder what is shown, become `?`.
fn sanitize(s: &str) -> String {
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

/// Bytes of the directory every input's name starts with (through its
/// last `/`), or 0 with fewer than two inputs or none in common.
fn common_dir(summary: &Summary) -> usize {
    let mut names = summary.inputs.values().map(|i| i.name.as_bytes());
    let (Some(first), true) = (names.next(), summary.inputs.len() > 1) else {
        return 0;
    };
    let mut len = first.len();
    for name in names {
        len = len.min(first.iter().zip(name).take_while(|(a, b)| a == b).count());
    }
    first[..len]
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(0, |p| p + 1)
}

/// Two times as text, the second without its date when that is the same
/// day and the line would not fit otherwise (`fits` says whether it does).
fn span_text(a: i64, b: i64, fits: impl Fn(&str, &str) -> bool) -> (String, String) {
    let (a, b) = (format_utc(a), format_utc(b));
    if fits(&a, &b) || a.get(..11) != b.get(..11) {
        return (a, b);
    }
    let short = b[11..].to_string();
    (a, short)
}

/// 1234567 → "1,234,567".
/// `1 line`, `2 lines`, `20,000 inputs`.
fn counted(n: u64, noun: &str) -> String {
    format!("{} {noun}{}", group(n), if n == 1 { "" } else { "s" })
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(group(12), "12");
        assert_eq!(human_bytes(268_435_456), "256.0 MiB");
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
