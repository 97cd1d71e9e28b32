//! The summary as one JSON object (`--summary --format json`), and what
//! `merge` reads back. Field names are stable; see the README's "Summary JSON".

use serde::{Deserialize, Serialize};

use super::report::*;
use super::signals_json;
use crate::codes::Category;
use crate::summary::timestamp::format_utc;
use crate::summary::{CodeKey, CodeStats, InputStats, Location, MadeWith, Summary, Timeline};

/// Identifies the JSON summary schema; bumped only for incompatible changes.
pub const SCHEMA: &str = "wscode-annotate/summary/1";

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
    /// Close events by the pod, container or host the lines name, most
    /// first; absent when no line names one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<OriginReport>,
    /// Events from origins past the cap of distinct ones.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub other_origins: u64,
    /// The diagnosis: likely causes with their evidence and fix, most
    /// certain first (see the README's "Findings"). Made again from
    /// `signals` when summaries are merged.
    #[serde(default)]
    pub findings: Vec<FindingReport>,
    /// What the diagnosis reads, for `merge`; absent in summaries from
    /// before this field and in `--every`'s interval objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<SignalsReport>,
}

/// One finding of the diagnosis.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FindingReport {
    /// `idle-timeout`, `token-lifetime`, `burst-one-source`,
    /// `burst-across-sources`, `burst`, `heartbeat`, `message-too-big`,
    /// `failed-upgrades` or `reconnect-storm`.
    pub kind: String,
    /// `high` or `medium`.
    pub confidence: String,
    /// The finding in one line.
    pub title: String,
    /// Close events it rests on.
    pub events: u64,
    /// Those events by code, most first.
    pub codes: Vec<FindingCode>,
    /// When, for bursts.
    pub window: Option<WindowReport>,
    /// Origins and their events, most first.
    pub sources: Vec<FindingSource>,
    /// The connection age (or per-connection interval) found, in seconds.
    pub age_seconds: Option<f64>,
    /// The busiest minute's events, for bursts.
    pub peak_per_minute: Option<u64>,
    /// Known defaults that match the age.
    pub suspects: Vec<SuspectReport>,
    /// Lines to look at.
    pub evidence: Vec<LineRef>,
    /// What to do.
    pub advice: String,
}

/// A code's events in a finding.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FindingCode {
    /// The close code.
    pub code: u32,
    /// Events.
    pub count: u64,
}

/// An origin's events in a finding.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FindingSource {
    /// The pod, container or host.
    pub origin: String,
    /// Events.
    pub events: u64,
    /// Share of the finding's events that name an origin, 0-1.
    pub share: f64,
}

/// A finding's time window.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WindowReport {
    /// RFC 3339 UTC.
    pub start: String,
    /// RFC 3339 UTC.
    pub end: String,
    /// Unix seconds.
    pub start_unix: i64,
    /// Unix seconds.
    pub end_unix: i64,
}

/// A documented default a finding names.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SuspectReport {
    /// The product.
    pub product: String,
    /// The setting.
    pub setting: String,
    /// Its default, in seconds.
    pub default_seconds: f64,
    /// Where it is documented.
    pub doc: String,
}

/// The diagnosis's counts, compact, for `merge`: each cell is an array.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SignalsReport {
    /// Width of a rate cell.
    pub rate_seconds: i64,
    /// `[start_unix, code, events, input, line]`: events per cell and code,
    /// with the first line counted.
    pub rates: Vec<(i64, u32, u64, u32, u64)>,
    /// Width of an origin cell.
    pub origin_seconds: i64,
    /// `[origin, start_unix, events, input, line]`.
    pub origin_cells: Vec<(String, i64, u64, u32, u64)>,
    /// `[code, bin, closes, sum_ms, input, line]`: connection ages at close.
    pub ages: Vec<(u32, i32, u64, u64, u32, u64)>,
    /// Closes per connection.
    pub connections: Vec<ConnectionReport>,
    /// Closes of connections past the cap.
    pub other_connections: u64,
    /// `[code, events, input, line]`: closes that blame a heartbeat.
    pub heartbeat: Vec<(u32, u64, u32, u64)>,
    /// `[code, events]`: closes whose line speaks of credentials.
    #[serde(default)]
    pub auth: Vec<(u32, u64)>,
    /// `[minute_unix, refused, input, line]`: refused WebSocket upgrades.
    #[serde(default)]
    pub failed_upgrades: Vec<(i64, u64, u32, u64)>,
    /// `[status, refused]`: refused upgrades by HTTP status.
    #[serde(default)]
    pub upgrade_statuses: Vec<(u16, u64)>,
}

/// One connection's closes.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConnectionReport {
    /// Its id as the lines give it.
    pub id: String,
    /// Close events.
    pub closes: u64,
    /// `[code, events]`.
    pub codes: Vec<(u32, u64)>,
    /// Its earliest dated closes, Unix seconds.
    pub times: Vec<i64>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Close events from one pod, container or host.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OriginReport {
    /// The name as the lines give it.
    pub origin: String,
    /// Close events.
    pub events: u64,
    /// Its share of all events, 0-1.
    pub share: f64,
    /// Events by code, most first.
    pub codes: Vec<OriginCode>,
    /// The earliest dated event, RFC 3339 UTC.
    pub first_time: Option<String>,
    /// The latest dated event, RFC 3339 UTC.
    pub last_time: Option<String>,
}

/// One code's events from one origin.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OriginCode {
    /// The close code.
    pub code: u32,
    /// Whether it was reported as refused on the wire.
    pub rejected: bool,
    /// Events.
    pub count: u64,
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
    /// The most events of this code in one second, when the log is dated
    /// finely enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_per_second: Option<u64>,
    /// The most events of this code in one minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_per_minute: Option<u64>,
    /// Events by the way the code went, when lines say so; absent when none
    /// do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<DirectionReport>,
    /// Distinct connections (by an id key on the line) closed with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connections: Option<u64>,
}

/// A code's events by the way it went.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DirectionReport {
    /// This end sent it.
    pub sent: u64,
    /// The peer sent it.
    pub received: u64,
    /// Never on the wire (1005, 1006, 1015).
    pub local: u64,
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
        let origins = origins_by_events(summary)
            .into_iter()
            .map(|(name, o)| OriginReport {
                origin: name.to_string(),
                events: o.events,
                share: share(o.events, events),
                codes: origin_codes(o)
                    .into_iter()
                    .map(|(key, n)| OriginCode {
                        code: key.code,
                        rejected: key.rejected,
                        count: n,
                    })
                    .collect(),
                first_time: o.first_time.map(format_utc),
                last_time: o.last_time.map(format_utc),
            })
            .collect();
        let peaks = signals_json::peaks(&summary.signals);
        let conns_per_code = signals_json::connections_per_code(&summary.signals);
        Report {
            findings: crate::summary::findings::diagnose(summary)
                .iter()
                .map(|f| signals_json::finding_report(summary, f))
                .collect(),
            signals: Some(signals_json::to_report(&summary.signals)),
            origins,
            other_origins: summary.other_origins,
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
                .map(|(key, s)| {
                    let (name, category) = s.name_and_category(key);
                    CodeReport {
                        code: key.code,
                        name: name.to_string(),
                        category: category.as_str().to_string(),
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
                        peak_per_second: peaks.get(&key.code).and_then(|p| p.0),
                        peak_per_minute: peaks.get(&key.code).and_then(|p| p.1),
                        direction: (s.directions != [0; 3]).then(|| DirectionReport {
                            sent: s.directions[0],
                            received: s.directions[1],
                            local: s.directions[2],
                        }),
                        connections: conns_per_code.get(&key.code).copied(),
                    }
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

    /// The report without the diagnosis's raw counts: for objects that are
    /// read, not merged (`--every`'s intervals).
    pub fn without_signals(mut self) -> Report {
        self.signals = None;
        self
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
                    named: c.category.parse().ok().map(|category| (c.name, category)),
                    directions: c
                        .direction
                        .map_or([0; 3], |d| [d.sent, d.received, d.local]),
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
        if let Some(signals) = self.signals {
            summary.signals = signals_json::from_report(signals);
        }
        summary.other_origins = self.other_origins;
        for o in self.origins {
            summary.origins.insert(
                o.origin,
                crate::summary::origin::OriginStats {
                    events: o.events,
                    codes: o
                        .codes
                        .into_iter()
                        .map(|c| {
                            let key = CodeKey {
                                code: c.code,
                                rejected: c.rejected,
                            };
                            (key, c.count)
                        })
                        .collect(),
                    first_time: parse_time(&o.first_time),
                    last_time: parse_time(&o.last_time),
                },
            );
        }
        summary
    }
}
