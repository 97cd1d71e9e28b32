//! `--summary --every DURATION`: a summary of each interval, and the running
//! total, while a stream that may never end is still being read.
//!
//! The scan counts into a [`Live`] sink: the whole summary, exactly as
//! without `--every` (so the summary printed at the end is the same), and
//! beside it the counts since the last batch, handed to an [`Intervals`] at
//! the end of every batch. The reporter, on the command's own thread, takes
//! what the interval gathered at each tick (whether or not input arrived),
//! and an [`IntervalWriter`] prints it: into a pipe or file one line per
//! interval (text) or one JSON object (JSON); on a terminal the running
//! total is redrawn in place.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;

use crate::extract::Finding;
use crate::input::Batch;
use crate::metrics::{lines_in, Tap};
use crate::scan::{Fork, Line, Sink};
use crate::summary::json::Report;
use crate::summary::report::{codes_by_count, SummaryFormat};
use crate::summary::text::{counted, group};
use crate::summary::timestamp::format_utc;
use crate::summary::Summary;

/// The shortest interval: shorter ones would print more than anyone reads.
pub const MIN_INTERVAL: Duration = Duration::from_millis(100);
/// The longest interval: a day.
pub const MAX_INTERVAL: Duration = Duration::from_secs(24 * 3600);

/// Parses `--every`: a number with a unit, `ms`, `s`, `m` or `h` (`500ms`,
/// `30s`, `1m`, `1.5h`); a bare number is seconds. Between
/// [`MIN_INTERVAL`] and [`MAX_INTERVAL`].
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale = match unit.trim() {
        "ms" => 0.001,
        "" | "s" | "sec" | "secs" => 1.0,
        "m" | "min" | "mins" => 60.0,
        "h" | "hour" | "hours" => 3600.0,
        other => {
            return Err(format!(
                "unknown unit '{other}' in '{t}' (expected ms, s, m or h, e.g. 30s)"
            ))
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{t}' is not a duration (e.g. 30s, 1m, 500ms)"))?;
    let seconds = value * scale;
    if !seconds.is_finite()
        || seconds < MIN_INTERVAL.as_secs_f64()
        || seconds > MAX_INTERVAL.as_secs_f64()
    {
        return Err(format!("'{t}' is out of range: from 100ms to 24h"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// What the scan gathered since the reporter last took it.
#[derive(Debug, Default)]
pub struct Gathered {
    /// The close events, reasons and times since then.
    pub summary: Summary,
    /// Lines read since then.
    pub lines: u64,
    /// Bytes read since then.
    pub bytes: u64,
}

/// The hand-over between the scan and the reporter.
#[derive(Clone, Debug, Default)]
pub struct Intervals(Arc<Mutex<Gathered>>);

impl Intervals {
    fn lock(&self) -> MutexGuard<'_, Gathered> {
        // A panic elsewhere cannot leave counts half-added: take them as they are.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes what was gathered since the last call.
    pub fn take(&self) -> Gathered {
        std::mem::take(&mut *self.lock())
    }
}

/// The summary sink of a live scan: counts the whole summary and, beside
/// it, the interval's counts, which go to [`Intervals`] after each batch.
pub struct Live {
    total: Summary,
    delta: Summary,
    lines: u64,
    bytes: u64,
    /// `--every`: where the interval's counts go.
    out: Option<Intervals>,
    /// `--metrics-listen`: the counts a scrape shows.
    tap: Option<Tap>,
}

impl Live {
    /// Counts into `total` (a summary made for its input, number `index`,
    /// named `name`), hands the interval's counts to `out` and the
    /// scrape's to `tap`.
    pub fn new(
        total: Summary,
        (index, name): (u32, &str),
        out: Option<Intervals>,
        mut tap: Option<Tap>,
    ) -> Live {
        let delta = total.fork();
        if let Some(tap) = &mut tap {
            tap.start_input(index, name);
        }
        Live {
            total,
            delta,
            lines: 0,
            bytes: 0,
            out,
            tap,
        }
    }

    /// The whole summary, as a scan without `--every` gives it. What was
    /// gathered since the last batch is handed over first.
    pub fn into_summary(mut self) -> Summary {
        self.hand_over();
        self.total
    }

    fn hand_over(&mut self) {
        if let Some(tap) = &mut self.tap {
            tap.hand_over();
        }
        let Some(out) = &self.out else {
            return;
        };
        let fresh = self.total.fork();
        let mut part = std::mem::replace(&mut self.delta, fresh);
        part.add_scanned(self.lines, self.bytes);
        let mut gathered = out.lock();
        gathered.summary += part;
        gathered.lines += std::mem::take(&mut self.lines);
        gathered.bytes += std::mem::take(&mut self.bytes);
    }
}

impl Sink for Live {
    fn wants_passthrough(&self) -> bool {
        false
    }

    fn wants_line_numbers(&self) -> bool {
        true
    }

    fn passthrough(&mut self, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }

    fn wants_candidates(&self) -> bool {
        self.total.wants_candidates()
    }

    fn candidate(&mut self, line: &Line<'_>) -> io::Result<()> {
        self.total.candidate(line)?;
        if self.out.is_some() {
            self.delta.candidate(line)?;
        }
        Ok(())
    }

    fn matched(&mut self, line: &Line<'_>, findings: &[Finding]) -> io::Result<()> {
        if let Some(tap) = &mut self.tap {
            tap.found(findings);
        }
        self.total.matched(line, findings)?;
        if self.out.is_some() {
            self.delta.matched(line, findings)?;
        }
        Ok(())
    }

    fn begin_batch(&mut self, input: &[u8]) {
        if self.tap.is_none() && self.out.is_none() {
            return;
        }
        // Counted once for both.
        let (lines, bytes) = (lines_in(input), input.len() as u64);
        if let Some(tap) = &mut self.tap {
            tap.read(lines, bytes);
        }
        if self.out.is_some() {
            self.lines += lines;
            self.bytes += bytes;
        }
    }

    fn end_batch(&mut self, _batch: Batch) -> io::Result<()> {
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.hand_over();
        Ok(())
    }
}

impl Fork for Live {
    type Part = Summary;

    fn fork(&self) -> Summary {
        self.total.fork()
    }

    fn join(&mut self, part: Summary) -> io::Result<()> {
        // Not reached: a live summary scans on one thread (the tap then
        // misses the part's findings).
        if self.out.is_some() {
            self.delta += part.clone();
        }
        self.total += part;
        Ok(())
    }
}

/// One interval, as `--format json` writes it (one object per line).
#[derive(Serialize)]
struct IntervalRecord<'a> {
    schema: &'static str,
    /// When the interval started and ended (RFC 3339, UTC), and its length.
    interval: Span,
    /// The interval's summary, in the summary's own JSON shape.
    last: &'a Report,
    /// Everything since the start, likewise.
    total: &'a Report,
}

#[derive(Serialize)]
struct Span {
    start: String,
    end: String,
    seconds: f64,
}

/// The schema name of the per-interval JSON objects.
pub const LIVE_SCHEMA: &str = "wscode-annotate/live/1";

/// How intervals are printed.
pub struct IntervalWriter {
    format: SummaryFormat,
    color: bool,
    width: Option<usize>,
    /// Redraw the running total in place (a terminal).
    redraw: bool,
    /// Lines drawn last time, to move back over.
    drawn: usize,
}

impl IntervalWriter {
    /// Prints intervals as `format`; on a terminal (`redraw`) text redraws
    /// the running total in place.
    pub fn new(format: SummaryFormat, color: bool, width: Option<usize>, redraw: bool) -> Self {
        IntervalWriter {
            format,
            color,
            width,
            redraw: redraw && format == SummaryFormat::Text,
            drawn: 0,
        }
    }

    /// Prints the interval from `start` to `end` (Unix seconds), what it
    /// gathered (`last`) and the running `total`.
    pub fn write(
        &mut self,
        out: &mut dyn Write,
        (start, end): (f64, f64),
        last: &Summary,
        total: &Summary,
    ) -> io::Result<()> {
        match self.format {
            SummaryFormat::Json | SummaryFormat::Prometheus => {
                let record = IntervalRecord {
                    schema: LIVE_SCHEMA,
                    interval: Span {
                        start: format_utc(start as i64),
                        end: format_utc(end as i64),
                        seconds: ((end - start) * 1000.0).round() / 1000.0,
                    },
                    last: &Report::from_summary(last).without_signals(),
                    total: &Report::from_summary(total).without_signals(),
                };
                serde_json::to_writer(&mut *out, &record).map_err(io::Error::other)?;
                out.write_all(b"\n")?;
            }
            SummaryFormat::Text if self.redraw => {
                self.clear(out)?;
                let mut text = one_line(end, end - start, last, total).into_bytes();
                text.push(b'\n');
                crate::summary::text::write_text(total, self.color, self.width, &mut text)?;
                self.drawn = text.iter().filter(|&&b| b == b'\n').count();
                out.write_all(&text)?;
            }
            SummaryFormat::Text => {
                writeln!(out, "{}", one_line(end, end - start, last, total))?;
            }
        }
        out.flush()
    }

    /// Removes what was drawn in place, before the final summary.
    pub fn clear(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.drawn > 0 {
            // Up to the first line drawn, then clear to the end of the screen.
            write!(out, "\x1b[{}F\x1b[J", self.drawn)?;
            self.drawn = 0;
        }
        Ok(())
    }
}

/// `2026-12-02T15:02:30Z last 30s: 12 close events in 3,402 lines (1006 ×9,
/// 1001 ×3); total 40 close events in 12,003 lines`.
fn one_line(end: f64, seconds: f64, last: &Summary, total: &Summary) -> String {
    let codes: Vec<String> = codes_by_count(last)
        .iter()
        .take(5)
        .map(|(key, stats)| {
            let mark = if key.rejected { " (rejected)" } else { "" };
            format!("{}{mark} ×{}", key.code, group(stats.count))
        })
        .collect();
    let more = codes_by_count(last).len().saturating_sub(5);
    let mut list = codes.join(", ");
    if more > 0 {
        list.push_str(&format!(", {more} more"));
    }
    format!(
        "{} last {}: {} in {}{}; total {} in {}",
        format_utc(end as i64),
        interval_text(seconds),
        counted(last.events(), "close event"),
        counted(last.lines(), "line"),
        if list.is_empty() {
            String::new()
        } else {
            format!(" ({list})")
        },
        counted(total.events(), "close event"),
        counted(total.lines(), "line"),
    )
}

/// `30s`, `1m30s`, `500ms`.
fn interval_text(seconds: f64) -> String {
    let ms = (seconds * 1000.0).round() as u64;
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let s = (ms + 500) / 1000;
    match (s / 3600, s % 3600 / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, m, _) => format!("{h}h{m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_parse_with_units_and_bounds() {
        assert_eq!(parse_interval("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_interval("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_interval("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_interval("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_interval("2"), Ok(Duration::from_secs(2)));
        for bad in ["0", "10ms", "25h", "s", "", "1x", "nan", "1e9"] {
            assert!(parse_interval(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn interval_lengths_read_well() {
        assert_eq!(interval_text(0.5), "500ms");
        assert_eq!(interval_text(30.0), "30s");
        assert_eq!(interval_text(90.0), "1m30s");
        assert_eq!(interval_text(3600.0), "1h00m");
    }
}
