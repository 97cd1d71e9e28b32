//! When a log line happened, for the summary's first/last times and timeline.
//!
//! Looks for an RFC 3339 / ISO 8601 time at or near the start of the line
//! (`kubectl logs --timestamps`, logrus, Python logging, envoy), Go's
//! standard `log` (`2026/11/24 03:12:04`), an nginx common-log time
//! (`[24/Nov/2026:03:12:01 +0000]`), klog (`I1124 03:12:04.123456`) and
//! syslog (`Nov 24 03:12:04 host app[123]:`) times at the start, or a JSON
//! `ts`, `time`, `timestamp` or `@timestamp` key holding an ISO time or an
//! epoch number (9-10 digits: seconds, with an optional fraction; 12-13:
//! milliseconds, as pino writes; 15-16: microseconds; 18-19: nanoseconds).
//! Times without a zone are UTC. klog and syslog times carry no year: it is
//! the year of a reference time (a file's modification time, else now), or
//! the year before when that would put the time more than a day after the
//! reference (a December log written to in January).
//! Only lines with close codes are parsed, so this is off the hot path.

use std::sync::OnceLock;

use regex::bytes::{Captures, Regex, RegexBuilder};

/// How far into a line a leading timestamp may start (after a level, a
/// bracket, a `time="` key).
const LEADING_WINDOW: usize = 48;

struct Patterns {
    iso: Regex,
    clf: Regex,
    json: Regex,
    yearless: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let build = |re: &str| RegexBuilder::new(re).unicode(false).build().expect("valid");
        Patterns {
            iso: build(
                r"(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,]\d{1,9})?[ ]?(Z|[+-]\d{2}:?\d{2})?",
            ),
            clf: build(
                r"(\d{2})/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})",
            ),
            json: build(
                r#""@?(?:ts|time|timestamp)"\s*:\s*(?:"(?P<text>[^"]{10,40})"|(?P<epoch>\d{18,19}|\d{15,16}|\d{12,13}|\d{9,10})(?:\.\d+)?\b)"#,
            ),
            // klog (`I1124 03:12:04.123456`) or syslog (`Nov 24 03:12:04`).
            yearless: build(
                r"^(?:[IWEF](?P<km>\d{2})(?P<kd>\d{2})|(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(?P<sd>\d{1,2})) (?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2})\b",
            ),
        }
    })
}

/// The time of a line, in seconds since the Unix epoch (UTC), if it has one.
pub fn parse_line_time(line: &[u8]) -> Option<i64> {
    parse_line_time_near(line, None)
}

/// [`parse_line_time`], with the time a line without a year is near
/// (`None`: now): the input's modification time, as lines are written
/// before their file was last modified.
pub fn parse_line_time_near(line: &[u8], reference: Option<i64>) -> Option<i64> {
    let p = patterns();
    let head = &line[..line.len().min(LEADING_WINDOW + 40)];
    if let Some(c) = p
        .iso
        .captures(head)
        .filter(|c| c.get(0).unwrap().start() <= LEADING_WINDOW)
    {
        return iso(&c);
    }
    if let Some(c) = p
        .clf
        .captures(head)
        .filter(|c| c.get(0).unwrap().start() <= LEADING_WINDOW + 24)
    {
        return clf(&c);
    }
    if let Some(c) = p.yearless.captures(head) {
        return yearless(&c, reference.unwrap_or_else(now));
    }
    let c = p.json.captures(line)?;
    if let Some(epoch) = c.name("epoch") {
        let n: i64 = std::str::from_utf8(epoch.as_bytes()).ok()?.parse().ok()?;
        let per_second = match epoch.len() {
            9 | 10 => 1,
            12 | 13 => 1_000,
            15 | 16 => 1_000_000,
            _ => 1_000_000_000,
        };
        return Some(n / per_second);
    }
    let text = c.name("text")?.as_bytes();
    p.iso.captures(text).and_then(|c| iso(&c))
}

/// Now, in Unix seconds.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A klog or syslog time, in the year that puts it at most a day after `now`.
fn yearless(c: &Captures<'_>, now: i64) -> Option<i64> {
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let field = |name: &str| -> Option<i64> {
        std::str::from_utf8(c.name(name)?.as_bytes())
            .ok()?
            .parse()
            .ok()
    };
    let (month, day) = match c.name("mon") {
        Some(m) => (
            MONTHS.iter().position(|n| *n == m.as_bytes())? as i64 + 1,
            field("sd")?,
        ),
        None => (field("km")?, field("kd")?),
    };
    let (h, m, s) = (field("h")?, field("m")?, field("s")?);
    let year = civil_year(now);
    let this_year = to_unix(year, month, day, h, m, s)?;
    if this_year > now + 86_400 {
        to_unix(year - 1, month, day, h, m, s)
    } else {
        Some(this_year)
    }
}

/// The UTC year of a Unix time.
fn civil_year(secs: i64) -> i64 {
    civil_from_unix(secs).0
}

/// Unix seconds to the UTC (year, month, day) (Howard Hinnant's
/// civil_from_days).
fn civil_from_unix(secs: i64) -> (i64, i64, i64) {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

fn num(c: &Captures<'_>, i: usize) -> Option<i64> {
    std::str::from_utf8(c.get(i)?.as_bytes()).ok()?.parse().ok()
}

fn iso(c: &Captures<'_>) -> Option<i64> {
    let offset = match c.get(7).map(|m| m.as_bytes()) {
        None | Some(b"Z") => 0,
        Some(z) => zone_offset(z)?,
    };
    let secs = to_unix(
        num(c, 1)?,
        num(c, 2)?,
        num(c, 3)?,
        num(c, 4)?,
        num(c, 5)?,
        num(c, 6)?,
    )?;
    Some(secs - offset)
}

fn clf(c: &Captures<'_>) -> Option<i64> {
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let name = c.get(2)?.as_bytes();
    let month = MONTHS.iter().position(|m| *m == name)? as i64 + 1;
    let secs = to_unix(
        num(c, 3)?,
        month,
        num(c, 1)?,
        num(c, 4)?,
        num(c, 5)?,
        num(c, 6)?,
    )?;
    Some(secs - zone_offset(c.get(7)?.as_bytes())?)
}

/// `+05:30`, `-0800` → seconds east of UTC.
fn zone_offset(z: &[u8]) -> Option<i64> {
    let sign = match z.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: Vec<i64> = z[1..]
        .iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| i64::from(b - b'0'))
        .collect();
    if digits.len() != 4 {
        return None;
    }
    Some(sign * ((digits[0] * 10 + digits[1]) * 3600 + (digits[2] * 10 + digits[3]) * 60))
}

/// Civil time (UTC) to Unix seconds; `None` for an impossible date.
pub fn to_unix(year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64) -> Option<i64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + min * 60 + sec)
}

/// Now, in Unix seconds (0 if the clock is before 1970).
pub fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Unix seconds to `2026-11-24T03:12:01Z`.
pub fn format_utc(secs: i64) -> String {
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_unix(secs);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_795_489_921; // 2026-11-24T03:12:01Z

    #[test]
    fn common_log_times_parse() {
        for line in [
            "2026-11-24T03:12:01.123456789Z websocket: close 1006",
            "2026-11-24 03:12:01,123 INFO websockets.client: sent 1011",
            "[2026-11-24T03:12:01.102Z] \"GET /ws HTTP/1.1\" 101",
            "time=\"2026-11-24T03:12:01Z\" level=warn msg=\"ws closed\"",
            "ts=2026-11-24T04:12:01+01:00 level=warn",
            "10.0.0.1 - - [24/Nov/2026:03:12:01 +0000] \"GET /ws HTTP/1.1\" 101 0",
            r#"{"level":"warn","ts":"2026-11-24T03:12:01.5Z","msg":"websocket closed","code":1006}"#,
            r#"{"level":"warn","ts":1795489921.123,"msg":"websocket closed","code":1006}"#,
            r#"{"msg":"websocket closed","@timestamp":"2026-11-23T22:12:01-05:00"}"#,
            "2026/11/24 03:12:01 websocket: close 1006 (abnormal closure): unexpected EOF",
            "2026/11/24 03:12:01.553201 hub.go:88: read: websocket: close 1001 (going away)",
            r#"{"level":40,"time":1795489921123,"pid":7,"msg":"ws closed","code":1006}"#,
            r#"{"ts":1795489921123456,"msg":"ws closed"}"#,
            r#"{"ts":1795489921123456789,"msg":"ws closed"}"#,
        ] {
            assert_eq!(parse_line_time(line.as_bytes()), Some(T), "{line}");
        }
        assert_eq!(
            parse_line_time(b"websocket: close 1006 (abnormal closure)"),
            None
        );
        assert_eq!(parse_line_time(b"2026-13-45T99:00:00Z nope"), None);
    }

    #[test]
    fn klog_and_syslog_times_take_the_year_that_is_not_in_the_future() {
        let p = patterns();
        let at =
            |line: &str, now: i64| yearless(&p.yearless.captures(line.as_bytes()).unwrap(), now);
        let klog = "I1124 03:12:01.123456    1 conn.go:120] websocket: close 1006";
        let syslog = "Nov 24 03:12:01 gw-1 gateway[812]: ws closed close_code=4001";
        let single = "Nov  4 03:12:01 gw-1 gateway[812]: ws closed";
        assert_eq!(at(klog, T + 3600), Some(T));
        assert_eq!(at(syslog, T + 3600), Some(T));
        assert_eq!(at(single, T), to_unix(2026, 11, 4, 3, 12, 1));
        // Read on 2027-01-03: November is last year's.
        let january = to_unix(2027, 1, 3, 0, 0, 0).unwrap();
        assert_eq!(at(syslog, january), Some(T));
        // Through parse_line_time, with the real clock: some year, that time.
        let t = parse_line_time(syslog.as_bytes()).unwrap();
        assert_eq!(&format_utc(t)[4..], "-11-24T03:12:01Z");
        assert_eq!(parse_line_time(b"Nov 99 03:12:01 nope"), None);
    }

    #[test]
    fn formats_back() {
        assert_eq!(format_utc(T), "2026-11-24T03:12:01Z");
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(to_unix(2000, 2, 29, 0, 0, 0), Some(951_782_400));
    }
}
