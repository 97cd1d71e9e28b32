//! `--fail-on`: a gate for CI. A rule names a category or a code (or a
//! range of codes) and, optionally, how many matching lines are tolerated:
//! `error`, `1006>5`, `4000-4999`, `invalid`. A rule trips when more lines
//! than its limit carry a matching code; the run then exits with status 1.
//!
//! A rule with a rate, `1006>50/1m`, trips when more than its limit of
//! matching lines fall within any window of that length (by the lines' own
//! times, else the time they were read), and ends the input there: on a
//! stream that never ends (`kubectl logs -f`), the gate still answers.

use std::fmt;
use std::ops::RangeInclusive;

use crate::codes::Category;
use crate::codes::CodeView;
use crate::filter::{parse_code_range, Filter};

/// What a rule counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Every code of a category (`error`).
    Category(Category),
    /// A code or a range of codes (`1006`, `4000-4999`).
    Codes(RangeInclusive<u32>),
}

/// One rule of a `--fail-on` spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// What the rule counts.
    pub target: Target,
    /// The rule trips when more than this many lines match.
    pub limit: u64,
    /// `/DURATION`: the limit is per window of this many seconds.
    pub per: Option<u64>,
    /// The rule as the user wrote it, for messages.
    pub text: String,
}

impl Rule {
    /// Whether a code of this category counts for the rule.
    pub fn matches(&self, code: u32, category: Category) -> bool {
        match &self.target {
            Target::Category(c) => *c == category,
            Target::Codes(r) => r.contains(&code),
        }
    }

    /// Whether some code `filter` reports counts for the rule: when none
    /// does, the rule can never trip (the gate sees only reported codes).
    pub fn can_trip_under(&self, filter: &Filter) -> bool {
        if filter.categories.is_empty() && filter.codes.is_empty() {
            return true;
        }
        (0..=65535u32).any(|code| {
            [false, true].into_iter().any(|rejected| {
                let category = CodeView::of(code, rejected).category;
                self.matches(code, category) && filter.allows_code(code, category)
            })
        })
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The longest rate window: a day.
pub const MAX_WINDOW: u64 = 24 * 3600;

/// Matching lines within the last `per` seconds, in per-second buckets
/// (at most `per` of them, so memory is bounded by the window).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateWindow {
    per: i64,
    buckets: std::collections::VecDeque<(i64, u64)>,
    sum: u64,
}

impl RateWindow {
    /// An empty window of `per` seconds.
    pub fn new(per: u64) -> RateWindow {
        RateWindow {
            per: per.clamp(1, MAX_WINDOW) as i64,
            buckets: std::collections::VecDeque::new(),
            sum: 0,
        }
    }

    /// Counts a line at `t` (Unix seconds) and gives the lines within the
    /// window ending at `t`. A time before the latest one (logs interleaved
    /// out of order) counts at the latest.
    pub fn add(&mut self, t: i64) -> u64 {
        let t = self.buckets.back().map_or(t, |&(last, _)| t.max(last));
        match self.buckets.back_mut() {
            Some((last, n)) if *last == t => *n += 1,
            _ => self.buckets.push_back((t, 1)),
        }
        self.sum += 1;
        while let Some(&(first, n)) = self.buckets.front() {
            if first > t - self.per {
                break;
            }
            self.sum -= n;
            self.buckets.pop_front();
        }
        self.sum
    }
}

/// All `--fail-on` rules of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gate {
    /// In the order given.
    pub rules: Vec<Rule>,
}

/// A rule that tripped, with the lines that matched it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trip {
    /// The rule as the user wrote it.
    pub rule: String,
    /// Lines that matched it.
    pub lines: u64,
    /// Lines it tolerates.
    pub limit: u64,
    /// A rate rule's window, in seconds: `lines` is the most within one.
    pub per: Option<u64>,
}

impl Gate {
    /// Some rule has a rate: the lines must be counted in order, on one
    /// thread.
    pub fn has_rates(&self) -> bool {
        self.rules.iter().any(|r| r.per.is_some())
    }

    /// The rules that tripped, given the lines each matched (for a rate
    /// rule, the most within one window).
    pub fn trips(&self, hits: &[u64]) -> Vec<Trip> {
        self.rules
            .iter()
            .zip(hits.iter().copied().chain(std::iter::repeat(0)))
            .filter(|(rule, n)| *n > rule.limit)
            .map(|(rule, n)| Trip {
                rule: rule.text.clone(),
                lines: n,
                limit: rule.limit,
                per: rule.per,
            })
            .collect()
    }
}

/// Parses one comma-separated item: `error`, `1006`, `1006>5`,
/// `4000-4999>10`, `1006>50/1m` (a rate: more than 50 within a minute).
pub fn parse_rule(item: &str) -> Result<Rule, String> {
    let text = item.trim();
    let (target, limit, per) = match text.split_once('>') {
        Some((t, n)) => {
            let (n, per) = match n.split_once('/') {
                Some((n, window)) => {
                    let window = crate::summary::live::parse_interval(window)
                        .map_err(|e| format!("'{text}': the window after '/': {e}"))?;
                    let secs = window.as_secs_f64().ceil() as u64;
                    if !(1..=MAX_WINDOW).contains(&secs) || window.subsec_nanos() != 0 {
                        return Err(format!(
                            "'{text}': the window after '/' must be whole seconds, from 1s to 24h, e.g. 1006>50/1m"
                        ));
                    }
                    (n, Some(secs))
                }
                None => (n, None),
            };
            let limit = n.trim().parse::<u64>().map_err(|_| {
                format!("'{text}': the limit after '>' must be a whole number, e.g. 1006>5")
            })?;
            (t.trim(), limit, per)
        }
        None if text.contains('/') => {
            return Err(format!("'{text}': a rate needs a limit, e.g. 1006>50/1m"))
        }
        None => (text, 0, None),
    };
    if target.is_empty() {
        return Err(format!("'{text}': name a category or a code before '>'"));
    }
    let target = if target.starts_with(|c: char| c.is_ascii_digit()) {
        Target::Codes(parse_code_range(target)?)
    } else {
        Target::Category(target.parse::<Category>()?)
    };
    Ok(Rule {
        target,
        limit,
        per,
        text: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse() {
        let r = parse_rule("1006>5").unwrap();
        assert_eq!(r.target, Target::Codes(1006..=1006));
        assert_eq!(r.limit, 5);
        assert_eq!(
            parse_rule(" error ").unwrap().target,
            Target::Category(Category::Error)
        );
        assert_eq!(parse_rule("invalid").unwrap().limit, 0);
        assert_eq!(
            parse_rule("4000-4999>10").unwrap().target,
            Target::Codes(4000..=4999)
        );
        assert!(parse_rule("errors")
            .unwrap_err()
            .contains("unknown category 'errors'"));
        assert!(parse_rule("1006>x").unwrap_err().contains("'1006>x'"));
        assert!(parse_rule(">3").is_err());
    }

    #[test]
    fn rates_parse_and_windows_slide() {
        let r = parse_rule("1006>50/1m").unwrap();
        assert_eq!((r.limit, r.per), (50, Some(60)));
        assert_eq!(parse_rule("error>3/30s").unwrap().per, Some(30));
        for bad in [
            "1006/1m",
            "1006>5/0s",
            "1006>5/500ms",
            "1006>5/2d",
            "1006>5/",
        ] {
            assert!(parse_rule(bad).is_err(), "{bad}");
        }
        let mut w = RateWindow::new(10);
        assert_eq!(w.add(100), 1);
        assert_eq!(w.add(105), 2);
        assert_eq!(w.add(109), 3);
        // 100 leaves the window ending at 110.
        assert_eq!(w.add(110), 3);
        // Out of order: counted at the latest time.
        assert_eq!(w.add(50), 4);
        assert_eq!(w.add(200), 1);
    }

    #[test]
    fn a_rule_trips_above_its_limit() {
        let gate = Gate {
            rules: vec![parse_rule("error").unwrap(), parse_rule("1006>5").unwrap()],
        };
        assert!(gate.trips(&[0, 5]).is_empty());
        let trips = gate.trips(&[1, 6]);
        assert_eq!(trips.len(), 2);
        assert_eq!((trips[1].rule.as_str(), trips[1].lines), ("1006>5", 6));
    }
}
