//! The diagnosis: the likely cause of the closes, each with its evidence and
//! its fix, decided from the summary's [`Signals`] by the rules below, most
//! certain first; nothing when nothing stands out.
//!
//! Every threshold is a named constant here and in the README ("Findings"),
//! so a user can judge a finding. The rules, in short:
//!
//! - **Fixed connection age** (`idle-timeout`, `token-lifetime`): at least
//!   [`MIN_AGES`] closes of a code fall within ±5% of one age, which is
//!   [`SPIKE_SHARE`] of the code's aged closes and [`SPIKE_CONTRAST`] times
//!   what as wide a window beside it holds; or the closes of
//!   connections that close again and again recur at one interval. An auth
//!   code (policy category, or reasons about tokens) giving at least half
//!   of it means a token lifetime; any other code, an idle timeout of something on the path,
//!   named when a known default matches ([`super::suspects`]).
//! - **Bursts** (`burst-one-source`, `burst-across-sources`, `burst`): the
//!   log's close events span at least [`MIN_SPAN_MINUTES`] minutes, and in a
//!   run of minutes each holds at least [`MIN_BURST_PER_MINUTE`] events and
//!   [`BURST_FACTOR`] times the median minute. One origin giving
//!   [`ONE_SOURCE_SHARE`] of it is a crash or restart there; three or more
//!   with none over half is a deploy, a drain or a network event: a deploy
//!   or drain when at least [`MIN_GRACEFUL`] 1001/1012, and
//!   [`GRACEFUL_FACTOR`] times their usual rate, came in the
//!   [`GRACEFUL_BEFORE`] seconds before it (or its first minute).
//! - **Heartbeat failures**: at least [`MIN_HEARTBEAT`] close lines blame
//!   a ping, a pong or a keepalive (high confidence with 20 and
//!   [`MIN_HEARTBEAT_SHARE`] of all events).
//! - **Message too big**: any 1009.
//! - **Reconnect storm**: at least [`MIN_STORM_CONNECTIONS`] connections
//!   each close [`STORM_CLOSES`] times or more, their closes at most
//!   [`STORM_INTERVAL`] seconds apart (median); or at least [`MIN_AGES`]
//!   aged closes of which [`STORM_SHARE`] came within [`STORM_AGE_MS`] of
//!   opening.

use std::collections::BTreeMap;

use super::signals::{age_bin, Ages, Cell, Signals};
use super::suspects::{Suspect, IDLE_TIMEOUTS};
use super::{CodeKey, Location, Summary};
use crate::codes::{Category, CodeView};

/// Fewest aged closes of a code for an age spike to mean anything.
pub const MIN_AGES: u64 = 20;
/// Share of a code's aged closes that must fall within ±5% of one age.
pub const SPIKE_SHARE: f64 = 0.2;
/// How many times the ages beside it (the five windows as wide on each
/// side, on average) the spike's window must hold.
pub const SPIKE_CONTRAST: f64 = 4.0;
/// Share of aged closes within [`STORM_AGE_MS`] of opening for a storm.
pub const STORM_SHARE: f64 = 0.5;
/// Bins of the age histogram a spike spans: 5 × 2% ≈ ±5%.
const SPIKE_BINS: i32 = 5;
/// A known default matches an age within this share of it.
const SUSPECT_TOLERANCE: f64 = 0.05;
/// Fewest minutes a log's close events must span before a burst can stand
/// out from anything.
pub const MIN_SPAN_MINUTES: i64 = 10;
/// Fewest events in each minute of a burst.
pub const MIN_BURST_PER_MINUTE: u64 = 20;
/// How many times the median minute a burst's minutes hold at least.
pub const BURST_FACTOR: u64 = 5;
/// Share of a burst's events (of those that name an origin) from one origin
/// that makes it that origin's.
pub const ONE_SOURCE_SHARE: f64 = 0.8;
/// How long before a burst 1001/1012 count as announcing it, in seconds.
pub const GRACEFUL_BEFORE: i64 = 120;
/// Fewest 1001/1012 there for a graceful shutdown.
pub const MIN_GRACEFUL: u64 = 5;
/// How many times the log's own rate of 1001/1012 they must be.
pub const GRACEFUL_FACTOR: f64 = 4.0;
/// Fewest close lines that blame a heartbeat.
pub const MIN_HEARTBEAT: u64 = 3;
/// Share of all events those must be for high confidence (with 20 or more).
pub const MIN_HEARTBEAT_SHARE: f64 = 0.05;
/// Fewest connections that close again and again for a reconnect storm.
pub const MIN_STORM_CONNECTIONS: usize = 5;
/// Closes per connection that make it one of those.
pub const STORM_CLOSES: usize = 3;
/// Their closes' median interval, at most, in seconds.
pub const STORM_INTERVAL: i64 = 10;
/// An age under this, in milliseconds, is a connection that closed as soon
/// as it opened.
pub const STORM_AGE_MS: u64 = 5_000;
/// Most bursts reported.
const MAX_BURSTS: usize = 3;
/// Most lines given as evidence per finding.
const MAX_EVIDENCE: usize = 3;

/// What a finding says the cause is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Closes at a fixed connection age: an idle timeout on the path.
    IdleTimeout,
    /// Auth closes at a fixed age or interval: a token's lifetime.
    TokenLifetime,
    /// Most closes in a short window from one origin.
    BurstOneSource,
    /// Many origins at once.
    BurstAcrossSources,
    /// A burst whose origins the log does not tell.
    Burst,
    /// Closes that blame pings, pongs or keepalives.
    Heartbeat,
    /// 1009.
    MessageTooBig,
    /// Connections closing again within seconds, over and over.
    ReconnectStorm,
}

impl Kind {
    /// The name JSON output gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::IdleTimeout => "idle-timeout",
            Kind::TokenLifetime => "token-lifetime",
            Kind::BurstOneSource => "burst-one-source",
            Kind::BurstAcrossSources => "burst-across-sources",
            Kind::Burst => "burst",
            Kind::Heartbeat => "heartbeat",
            Kind::MessageTooBig => "message-too-big",
            Kind::ReconnectStorm => "reconnect-storm",
        }
    }
}

/// How sure a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// The data leaves little doubt.
    High,
    /// The signature is there, with fewer events or a smaller share.
    Medium,
}

impl Confidence {
    /// The name JSON output gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
        }
    }
}

/// One diagnosis: see the module documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// What the cause is.
    pub kind: Kind,
    /// How sure.
    pub confidence: Confidence,
    /// The finding in one line.
    pub title: String,
    /// Close events it rests on.
    pub events: u64,
    /// Those events by code, most first.
    pub codes: Vec<(u32, u64)>,
    /// When (Unix seconds, first and last), for bursts.
    pub window: Option<(i64, i64)>,
    /// Origins and their events, most first (at most 5).
    pub sources: Vec<(String, u64)>,
    /// The connection age or interval it found, in milliseconds.
    pub age_ms: Option<u64>,
    /// The busiest minute's events, for bursts.
    pub peak_per_minute: Option<u64>,
    /// Known defaults that match the age.
    pub suspects: Vec<&'static Suspect>,
    /// Lines to look at, earliest first.
    pub evidence: Vec<Location>,
    /// What to do.
    pub advice: String,
}

/// Every finding the summary supports, most certain first.
pub fn diagnose(summary: &Summary) -> Vec<Finding> {
    let s = &summary.signals;
    let mut found = Vec::new();
    fixed_ages(summary, &mut found);
    bursts(summary, &mut found);
    heartbeat(summary, &mut found);
    message_too_big(summary, &mut found);
    reconnect_storm(s, &mut found);
    found.sort_by(|a, b| {
        a.confidence
            .cmp(&b.confidence)
            .then(b.events.cmp(&a.events))
    });
    found
}

/// Whether closes with `code` are about credentials: its category is
/// policy, or most of its close lines speak of tokens, auth or expiry.
fn is_auth(summary: &Summary, code: u32) -> bool {
    let key = |rejected| CodeKey { code, rejected };
    let stats = summary
        .codes
        .get(&key(false))
        .or(summary.codes.get(&key(true)));
    let (category, count) = stats.map_or_else(
        || (CodeView::of(code, false).category, 0),
        |s| (s.name_and_category(key(false)).1, s.count),
    );
    let auth_lines = summary.signals.auth.get(&code).copied().unwrap_or(0);
    category == Category::Policy || count > 0 && 2 * auth_lines >= count
}

/// The window of [`SPIKE_BINS`] bins holding the most closes, if it holds
/// [`SPIKE_SHARE`] of at least [`MIN_AGES`]: its closes, their mean age and
/// its first line.
fn spike(ages: &Ages) -> Option<(u64, u64, Location)> {
    let total = ages.total();
    if total < MIN_AGES {
        return None;
    }
    let bins: Vec<(i32, &super::signals::AgeBin)> =
        ages.bins.iter().map(|(b, v)| (*b, v)).collect();
    let mut best: Option<(u64, u64, Location, i32)> = None;
    for (i, &(start, _)) in bins.iter().enumerate() {
        let window = bins[i..]
            .iter()
            .take_while(|(b, _)| *b < start + SPIKE_BINS);
        let (n, sum, first) = window.fold((0u64, 0u64, None::<Location>), |(n, s, f), (_, b)| {
            (
                n + b.n,
                s + b.sum_ms,
                Some(f.map_or(b.first, |f| f.min(b.first))),
            )
        });
        if best.is_none_or(|(bn, ..)| n > bn) {
            best = first.map(|f| (n, sum, f, start));
        }
    }
    let (n, sum, first, start) = best?;
    // The five windows as wide on each side: a spike stands above the
    // busier side (an edge of the ages' range has one side empty).
    let side = |from: i32, to: i32| -> f64 {
        ages.bins.range(from..to).map(|(_, b)| b.n).sum::<u64>() as f64 / 5.0
    };
    let beside =
        side(start - 5 * SPIKE_BINS, start).max(side(start + SPIKE_BINS, start + 6 * SPIKE_BINS));
    (n >= MIN_AGES && n as f64 >= SPIKE_SHARE * total as f64 && n as f64 >= SPIKE_CONTRAST * beside)
        .then(|| (n, sum / n.max(1), first))
}

/// A code's closes at one age (or connections' at one interval).
struct Spike {
    code: u32,
    /// Closes in the spike.
    n: u64,
    /// Closes of the code with an age.
    aged: u64,
    /// Their mean age, in milliseconds.
    mean: u64,
    /// The first line in the spike (line 0: none known).
    first: Location,
}

fn fixed_ages(summary: &Summary, found: &mut Vec<Finding>) {
    let s = &summary.signals;
    // Spikes per code, then codes whose spikes agree within 5% as one.
    let mut spikes: Vec<Spike> = Vec::new();
    for (&code, ages) in &s.ages {
        if code == 1009 {
            continue;
        }
        if let Some((n, mean, first)) = spike(ages) {
            spikes.push(Spike {
                code,
                n,
                aged: ages.total(),
                mean,
                first,
            });
        }
    }
    let mut from_intervals = false;
    if spikes.is_empty() {
        if let Some((n, total, mean, code)) = interval_spike(s) {
            spikes.push(Spike {
                code,
                n,
                aged: total,
                mean,
                first: Location { input: 0, line: 0 },
            });
            from_intervals = true;
        }
    }
    spikes.sort_by_key(|sp| sp.mean);
    let mut groups: Vec<Vec<Spike>> = Vec::new();
    for sp in spikes {
        match groups.last_mut() {
            Some(g) if (sp.mean as f64) <= g[0].mean as f64 * (1.0 + SUSPECT_TOLERANCE) => {
                g.push(sp)
            }
            _ => groups.push(vec![sp]),
        }
    }
    for group in groups {
        let events: u64 = group.iter().map(|g| g.n).sum();
        let aged: u64 = group.iter().map(|g| g.aged).sum();
        let mean = group.iter().map(|g| g.mean * g.n).sum::<u64>() / events.max(1);
        if mean < STORM_AGE_MS {
            // Closes right after opening: the reconnect storm's business.
            continue;
        }
        // Auth codes (or codes whose reasons speak of tokens) give most of it.
        let auth_events: u64 = group
            .iter()
            .filter(|g| is_auth(summary, g.code))
            .map(|g| g.n)
            .sum();
        let auth = 2 * auth_events >= events;
        let mut codes: Vec<(u32, u64)> = group.iter().map(|g| (g.code, g.n)).collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let share = events as f64 / aged.max(1) as f64;
        // The spike already stands out of its neighbours; many closes make it sure.
        let confidence = if events >= 50 || share >= 0.8 && events >= MIN_AGES {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let age = duration_text(mean);
        let code_list = code_list(&codes);
        let what = if from_intervals {
            format!(
                "{} closes of the same connections recur every {age}",
                events
            )
        } else {
            format!(
                "{} of {} closes with a known age ({code_list}) came at {age} ±5%",
                events, aged
            )
        };
        let mut evidence: Vec<Location> = group
            .iter()
            .map(|g| g.first)
            .filter(|l| l.line > 0)
            .collect();
        evidence.sort();
        evidence.truncate(MAX_EVIDENCE);
        if auth {
            found.push(Finding {
                kind: Kind::TokenLifetime,
                confidence,
                title: format!("{what}: a credential's lifetime"),
                events,
                codes,
                window: None,
                sources: Vec::new(),
                age_ms: Some(mean),
                peak_per_minute: None,
                suspects: Vec::new(),
                evidence,
                advice: format!(
                    "Sessions are closed for auth about {age} after they open: a token or session lifetime. Refresh the token before it expires (re-authenticate on the open socket, or reconnect with a fresh token a little before {age}) instead of letting the server close the socket."
                ),
            });
            continue;
        }
        let suspects: Vec<&'static Suspect> = IDLE_TIMEOUTS
            .iter()
            .filter(|s| {
                let d = s.default_ms as f64;
                (mean as f64 - d).abs() <= d * SUSPECT_TOLERANCE
            })
            .collect();
        let named = if suspects.is_empty() {
            String::new()
        } else {
            let mut products: Vec<&str> = suspects.iter().map(|s| s.product).collect();
            products.dedup();
            format!(
                "; matches the {} default of {}",
                duration_text(suspects[0].default_ms),
                products.join(", ")
            )
        };
        found.push(Finding {
            kind: Kind::IdleTimeout,
            confidence,
            title: format!("{what}: an idle timeout on the path{named}"),
            events,
            codes,
            window: None,
            sources: Vec::new(),
            age_ms: Some(mean),
            peak_per_minute: None,
            suspects,
            evidence,
            advice: format!(
                "Something between the peers drops connections that stay quiet for {age}. Send WebSocket pings (or app heartbeats) more often than that, e.g. every {}, or raise that timeout on the proxy or load balancer (see suspects).",
                duration_text((mean / 2).max(1000))
            ),
        });
    }
}

/// Intervals between the closes of connections that close three times or
/// more, as one histogram: a spike there is a per-connection period.
/// Its closes, intervals counted, mean interval and the commonest code.
fn interval_spike(s: &Signals) -> Option<(u64, u64, u64, u32)> {
    let mut ages = Ages::default();
    let mut codes: BTreeMap<u32, u64> = BTreeMap::new();
    for conn in s.connections.values() {
        if conn.times.len() < STORM_CLOSES {
            continue;
        }
        for w in conn.times.windows(2) {
            let ms = (w[1] - w[0]).max(0) as u64 * 1000;
            if ms > 0 {
                ages.add_bin(
                    age_bin(ms),
                    super::signals::AgeBin {
                        n: 1,
                        sum_ms: ms,
                        first: Location { input: 0, line: 0 },
                    },
                );
            }
        }
        for (&c, &n) in &conn.codes {
            *codes.entry(c).or_default() += n;
        }
    }
    let (n, mean, _) = spike(&ages)?;
    let code = codes
        .iter()
        .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))?
        .0;
    Some((n, ages.total(), mean, *code))
}

fn bursts(summary: &Summary, found: &mut Vec<Finding>) {
    let s = &summary.signals;
    if s.rates.width > 60 {
        return;
    }
    // Events per minute, and per (second) cell for the window's edges.
    let mut minutes: BTreeMap<i64, u64> = BTreeMap::new();
    for (&(t, _), cell) in &s.rates.cells {
        *minutes.entry(t - t.rem_euclid(60)).or_default() += cell.n;
    }
    let (Some(&first), Some(&last)) = (minutes.keys().next(), minutes.keys().next_back()) else {
        return;
    };
    let span = (last - first) / 60 + 1;
    if span < MIN_SPAN_MINUTES {
        return;
    }
    let median = median_minute(&minutes, span as u64);
    let threshold = MIN_BURST_PER_MINUTE.max(BURST_FACTOR * median);
    // Runs of busy minutes (a quiet minute between two busy ones joins them).
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for (&m, &n) in &minutes {
        if n < threshold {
            continue;
        }
        match runs.last_mut() {
            Some((_, end)) if m - *end <= 120 => *end = m,
            _ => runs.push((m, m)),
        }
    }
    let origins_in_log = summary.origins.len();
    let mut found_bursts = Vec::new();
    for (from, to) in runs {
        let in_run = |t: i64| t >= from && t < to + 60;
        let mut codes: BTreeMap<u32, u64> = BTreeMap::new();
        let (mut start, mut end, mut first_line) = (i64::MAX, i64::MIN, None::<Location>);
        for (&(t, code), cell) in s.rates.cells.range((from, 0)..(to + 60, 0)) {
            *codes.entry(code).or_default() += cell.n;
            start = start.min(t);
            end = end.max(t + s.rates.width - 1);
            first_line = Some(first_line.map_or(cell.first, |f| f.min(cell.first)));
        }
        let events: u64 = codes.values().sum();
        let peak = minutes.range(from..=to).map(|(_, n)| *n).max().unwrap_or(0);
        let mut by_origin: BTreeMap<&str, u64> = BTreeMap::new();
        for ((t, origin), cell) in &s.origin_cells.cells {
            if in_run(*t) {
                *by_origin.entry(origin.as_str()).or_default() += cell.n;
            }
        }
        let named: u64 = by_origin.values().sum();
        let mut sources: Vec<(String, u64)> =
            by_origin.iter().map(|(o, n)| (o.to_string(), *n)).collect();
        sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let top_share = sources
            .first()
            .map_or(0.0, |(_, n)| *n as f64 / named.max(1) as f64);
        let origins_known = named as f64 >= 0.5 * events as f64;
        let mut codes: Vec<(u32, u64)> = codes.into_iter().collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let confidence = if peak >= 10 * median.max(1) && events >= 100 {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let window = (start, end);
        let head = format!(
            "{} in {} ({} → {}), peak {}/min against a median of {}/min",
            code_list(&codes),
            duration_text(((end - start + 1).max(1) as u64) * 1000),
            clock(start),
            clock(end),
            group(peak),
            median
        );
        let (kind, title, advice) = if origins_known
            && origins_in_log >= 2
            && top_share >= ONE_SOURCE_SHARE
        {
            let (origin, _) = &sources[0];
            (
                Kind::BurstOneSource,
                format!("{head}; {:.0}% from {origin}", top_share * 100.0),
                format!(
                    "One source lost its connections at once: that process likely crashed, was OOM-killed or restarted, or its node or network dropped. Look at {origin}'s restarts and last state (kubectl describe pod {origin}; kubectl logs --previous {origin}) and its logs just before {}.",
                    clock(start)
                ),
            )
        } else if origins_known && sources.len() >= 3 && top_share < 0.5 {
            let graceful = graceful_before(s, start, span * 60);
            let (note, advice) = if graceful > 0 {
                (
                    format!("{} × 1001/1012 (going away, restart) came first", group(graceful)),
                    "Servers announced the shutdown (1001/1012) before the closes: a rolling deploy, a scale-down or a load-balancer drain. Check the deploy history at that time; make clients reconnect with backoff + jitter, and drain connections gradually (preStop hook, connection draining timeout).",
                )
            } else {
                (
                    "no 1001/1012 before it".to_string(),
                    "Every source lost connections at once and no server announced a shutdown (no 1001/1012 first): a cut, not a deploy. Look at what they share: the load balancer or ingress, a node or zone, the network path, DNS or TLS certificates at that time.",
                )
            };
            (
                Kind::BurstAcrossSources,
                format!("{head}; across {} origins, {note}", sources.len()),
                advice.to_string(),
            )
        } else {
            (
                Kind::Burst,
                head,
                "Many connections closed within minutes. If the lines name pods or hosts (kubectl logs --prefix, pod= or host= keys), the summary tells a crashed process from a deploy; check restarts, deploys and the load balancer at that time.".to_string(),
            )
        };
        sources.truncate(5);
        found_bursts.push(Finding {
            kind,
            confidence,
            title,
            events,
            codes,
            window: Some(window),
            sources,
            age_ms: None,
            peak_per_minute: Some(peak),
            suspects: Vec::new(),
            evidence: first_line.into_iter().collect(),
            advice,
        });
    }
    found_bursts.sort_by_key(|f| std::cmp::Reverse(f.events));
    found_bursts.truncate(MAX_BURSTS);
    found.extend(found_bursts);
}

/// 1001 and 1012 events from [`GRACEFUL_BEFORE`] seconds before `start` to
/// a minute after it, if they are at least [`MIN_GRACEFUL`] and
/// [`GRACEFUL_FACTOR`] times what the log's own rate of them would put
/// there: servers announced the shutdown. Otherwise 0.
fn graceful_before(s: &Signals, start: i64, span_secs: i64) -> u64 {
    let graceful = |cells: &mut dyn Iterator<Item = (&(i64, u32), &Cell)>| -> u64 {
        cells
            .filter(|((_, code), _)| matches!(code, 1001 | 1012))
            .map(|(_, c)| c.n)
            .sum()
    };
    let near = graceful(
        &mut s
            .rates
            .cells
            .range((start - GRACEFUL_BEFORE, 0)..(start + 60, 0)),
    );
    let all = graceful(&mut s.rates.cells.iter());
    let expected = all as f64 * (GRACEFUL_BEFORE + 60) as f64 / span_secs.max(1) as f64;
    if near >= MIN_GRACEFUL && near as f64 >= GRACEFUL_FACTOR * expected {
        near
    } else {
        0
    }
}

/// The median events per minute over `span` minutes (minutes missing from
/// `minutes` held none).
fn median_minute(minutes: &BTreeMap<i64, u64>, span: u64) -> u64 {
    let zeros = span.saturating_sub(minutes.len() as u64);
    let mid = span / 2;
    if mid < zeros {
        return 0;
    }
    let mut counts: Vec<u64> = minutes.values().copied().collect();
    counts.sort_unstable();
    counts[((mid - zeros) as usize).min(counts.len() - 1)]
}

fn heartbeat(summary: &Summary, found: &mut Vec<Finding>) {
    let hb = &summary.signals.heartbeat;
    let events: u64 = hb.values().map(|c| c.n).sum();
    let all = summary.events();
    if events < MIN_HEARTBEAT {
        return;
    }
    let confidence = if events >= 20 && events as f64 >= MIN_HEARTBEAT_SHARE * all as f64 {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let mut codes: Vec<(u32, u64)> = hb.iter().map(|(c, cell)| (*c, cell.n)).collect();
    codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut evidence: Vec<Location> = hb.values().map(|c: &Cell| c.first).collect();
    evidence.sort();
    evidence.truncate(MAX_EVIDENCE);
    found.push(Finding {
        kind: Kind::Heartbeat,
        confidence,
        title: format!(
            "{} closes ({}) blame a missed ping, pong or keepalive",
            group(events),
            code_list(&codes)
        ),
        events,
        codes,
        window: None,
        sources: Vec::new(),
        age_ms: None,
        peak_per_minute: None,
        suspects: Vec::new(),
        evidence,
        advice: super::suspects::HEARTBEAT_ADVICE.to_string(),
    });
}

fn message_too_big(summary: &Summary, found: &mut Vec<Finding>) {
    let Some(stats) = summary.codes.get(&CodeKey {
        code: 1009,
        rejected: false,
    }) else {
        return;
    };
    let mut evidence = vec![stats.first];
    if stats.last != stats.first {
        evidence.push(stats.last);
    }
    found.push(Finding {
        kind: Kind::MessageTooBig,
        confidence: Confidence::High,
        title: format!(
            "{} × 1009: a message was larger than the receiver's limit",
            group(stats.count)
        ),
        events: stats.count,
        codes: vec![(1009, stats.count)],
        window: None,
        sources: Vec::new(),
        age_ms: None,
        peak_per_minute: None,
        suspects: Vec::new(),
        evidence,
        advice: super::suspects::MESSAGE_SIZE_ADVICE.to_string(),
    });
}

fn reconnect_storm(s: &Signals, found: &mut Vec<Finding>) {
    // Connections closing again and again, seconds apart.
    let mut looping = 0usize;
    let mut closes = 0u64;
    let mut codes: BTreeMap<u32, u64> = BTreeMap::new();
    for conn in s.connections.values() {
        if conn.times.len() < STORM_CLOSES {
            continue;
        }
        let mut gaps: Vec<i64> = conn.times.windows(2).map(|w| w[1] - w[0]).collect();
        gaps.sort_unstable();
        if gaps[gaps.len() / 2] <= STORM_INTERVAL {
            looping += 1;
            closes += conn.closes;
            for (&c, &n) in &conn.codes {
                *codes.entry(c).or_default() += n;
            }
        }
    }
    let (events, what) = if looping >= MIN_STORM_CONNECTIONS {
        (
            closes,
            format!(
                "{looping} connections closed {STORM_CLOSES}+ times, a median of {STORM_INTERVAL} s apart or less"
            ),
        )
    } else {
        // Or: most aged closes came within seconds of opening.
        let (mut short, mut aged) = (0u64, 0u64);
        codes.clear();
        for (&code, ages) in &s.ages {
            let total = ages.total();
            aged += total;
            let n: u64 = ages
                .bins
                .range(..age_bin(STORM_AGE_MS))
                .map(|(_, b)| b.n)
                .sum();
            short += n;
            if n > 0 {
                codes.insert(code, n);
            }
        }
        if aged < MIN_AGES || (short as f64) < STORM_SHARE * aged as f64 {
            return;
        }
        (
            short,
            format!(
                "{} of {} closes with a known age came within {} of opening",
                group(short),
                group(aged),
                duration_text(STORM_AGE_MS)
            ),
        )
    };
    let mut codes: Vec<(u32, u64)> = codes.into_iter().collect();
    codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    found.push(Finding {
        kind: Kind::ReconnectStorm,
        confidence: if events >= 100 { Confidence::High } else { Confidence::Medium },
        title: format!("{what} ({}): a reconnect storm", code_list(&codes)),
        events,
        codes,
        window: None,
        sources: Vec::new(),
        age_ms: None,
        peak_per_minute: None,
        suspects: Vec::new(),
        evidence: Vec::new(),
        advice: "Clients reconnect at once and are closed again: retry with exponential backoff and full jitter (a random delay up to a growing cap, RFC 6455 §7.2.3), stop retrying on policy codes (1008, 4xxx auth codes), and find why the fresh connection is closed (its code and reason above).".to_string(),
    });
}

/// `1006 × 1,230, 1001 × 12`: the commonest codes.
fn code_list(codes: &[(u32, u64)]) -> String {
    let mut parts: Vec<String> = codes
        .iter()
        .take(3)
        .map(|(c, n)| format!("{} × {c}", group(*n)))
        .collect();
    if codes.len() > 3 {
        parts.push(format!("{} more", codes.len() - 3));
    }
    parts.join(", ")
}

/// `60 s`, `59.5 s`, `4 min`, `4 min 47 s`, `2 h 5 min`.
pub fn duration_text(ms: u64) -> String {
    if ms < 10_000 {
        let s = ms as f64 / 1000.0;
        return if (s - s.round()).abs() < 0.05 {
            format!("{:.0} s", s)
        } else {
            format!("{s:.1} s")
        };
    }
    let secs = (ms + 500) / 1000;
    match secs {
        0..=119 => format!("{secs} s"),
        120..=3599 if secs % 60 == 0 => format!("{} min", secs / 60),
        120..=3599 => format!("{} min {} s", secs / 60, secs % 60),
        _ if secs % 3600 / 60 == 0 => format!("{} h", secs / 3600),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

/// `03:12:04`, the time of day in UTC.
fn clock(t: i64) -> String {
    let s = t.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

fn group(n: u64) -> String {
    super::text::group(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(duration_text(60_000), "60 s");
        assert_eq!(duration_text(2_500), "2.5 s");
        assert_eq!(duration_text(240_000), "4 min");
        assert_eq!(duration_text(287_000), "4 min 47 s");
        assert_eq!(duration_text(7_200_000), "2 h");
    }

    #[test]
    fn the_median_minute_counts_quiet_minutes() {
        let m: BTreeMap<i64, u64> = [(0, 5), (60, 7), (120, 100)].into_iter().collect();
        assert_eq!(median_minute(&m, 3), 7);
        assert_eq!(median_minute(&m, 10), 0);
    }
}
