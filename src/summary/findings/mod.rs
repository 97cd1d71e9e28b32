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
//! - **Failed upgrades**: at least [`MIN_FAILED_UPGRADES`] refused WebSocket
//!   handshakes (a line saying handshake or upgrade with an HTTP 4xx/5xx),
//!   and as many 1006s in the same minutes or the minute beside.
//! - **Reconnect storm**: at least [`MIN_STORM_CONNECTIONS`] connections
//!   each close [`STORM_CLOSES`] times or more, their closes at most
//!   [`STORM_INTERVAL`] seconds apart (median); or at least [`MIN_AGES`]
//!   aged closes of which [`STORM_SHARE`] came within [`STORM_AGE_MS`] of
//!   opening.

use std::collections::BTreeMap;

mod age;
mod burst;

use age::fixed_ages;
use burst::bursts;

use super::signals::{age_bin, Ages, Cell, Signals};
use super::text::group;
use super::{CodeKey, Location, Summary};
use crate::codes::{Category, CodeView};
use crate::summary::suspects::{Suspect, IDLE_TIMEOUTS};

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
/// Fewest refused upgrades, and 1006s in the same minutes (or the minute
/// beside), for a `failed-upgrades` finding.
pub const MIN_FAILED_UPGRADES: u64 = 5;
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
    /// 1006 at the times the server refused upgrades (HTTP 4xx/5xx).
    FailedUpgrades,
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
            Kind::FailedUpgrades => "failed-upgrades",
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

impl Finding {
    /// A finding of `kind` with nothing in it yet: each rule fills in what
    /// it knows.
    fn of(kind: Kind) -> Finding {
        Finding {
            kind,
            confidence: Confidence::Medium,
            title: String::new(),
            events: 0,
            codes: Vec::new(),
            window: None,
            sources: Vec::new(),
            age_ms: None,
            peak_per_minute: None,
            suspects: Vec::new(),
            evidence: Vec::new(),
            advice: String::new(),
        }
    }
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
    failed_upgrades(summary, &mut found);
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
        confidence,
        title: format!(
            "{} closes ({}) blame a missed ping, pong or keepalive",
            group(events),
            code_list(&codes)
        ),
        events,
        codes,
        evidence,
        advice: crate::summary::suspects::HEARTBEAT_ADVICE.to_string(),
        ..Finding::of(Kind::Heartbeat)
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
        confidence: Confidence::High,
        title: format!(
            "{} × 1009: a message was larger than the receiver's limit",
            group(stats.count)
        ),
        events: stats.count,
        codes: vec![(1009, stats.count)],
        evidence,
        advice: crate::summary::suspects::MESSAGE_SIZE_ADVICE.to_string(),
        ..Finding::of(Kind::MessageTooBig)
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
        confidence: if events >= 100 { Confidence::High } else { Confidence::Medium },
        title: format!("{what} ({}): a reconnect storm", code_list(&codes)),
        events,
        codes,
        advice: "Clients reconnect at once and are closed again: retry with exponential backoff and full jitter (a random delay up to a growing cap, RFC 6455 §7.2.3), stop retrying on policy codes (1008, 4xxx auth codes), and find why the fresh connection is closed (its code and reason above).".to_string(),
        ..Finding::of(Kind::ReconnectStorm)
    });
}

fn failed_upgrades(summary: &Summary, found: &mut Vec<Finding>) {
    let s = &summary.signals;
    let refused: u64 = s.failed_upgrades.values().map(|c| c.n).sum();
    if refused < MIN_FAILED_UPGRADES {
        return;
    }
    let near = |t: i64| {
        let minute = t - t.rem_euclid(60);
        (-60..=60)
            .step_by(60)
            .any(|d| s.failed_upgrades.contains_key(&(minute + d)))
    };
    let abnormal: u64 = s
        .rates
        .cells
        .iter()
        .filter(|((t, code), _)| *code == 1006 && near(*t))
        .map(|(_, c)| c.n)
        .sum();
    if abnormal < MIN_FAILED_UPGRADES {
        return;
    }
    let mut statuses: Vec<(u16, u64)> = s.upgrade_statuses.iter().map(|(k, v)| (*k, *v)).collect();
    statuses.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let list: Vec<String> = statuses
        .iter()
        .take(4)
        .map(|(st, n)| format!("HTTP {st} × {}", group(*n)))
        .collect();
    let mut evidence: Vec<Location> = s.failed_upgrades.values().map(|c| c.first).collect();
    evidence.sort();
    evidence.truncate(MAX_EVIDENCE);
    found.push(Finding {
        confidence: if refused >= 20 { Confidence::High } else { Confidence::Medium },
        title: format!(
            "{} × 1006 came in the minutes the server refused {} WebSocket upgrades ({})",
            group(abnormal),
            group(refused),
            list.join(", ")
        ),
        events: abnormal,
        codes: vec![(1006, abnormal)],
        evidence,
        advice: "Browsers report a refused handshake as 1006, with no detail: the cause is the upgrade request, not the network. 401/403: the token, cookie or Origin check (allowed origins, CORS, expired credentials); 426 or 400: a proxy that drops the Upgrade and Connection headers (nginx needs proxy_http_version 1.1 and both headers set); 404: the path; 5xx: the backend behind the proxy was down or overloaded.".to_string(),
        ..Finding::of(Kind::FailedUpgrades)
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
}
