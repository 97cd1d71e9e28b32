//! `--fail-on`: a gate for CI. A rule names a category or a code (or a
//! range of codes) and, optionally, how many matching lines are tolerated:
//! `error`, `1006>5`, `4000-4999`, `invalid`. A rule trips when more lines
//! than its limit carry a matching code; the run then exits with status 1.

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
}

impl Gate {
    /// The rules that tripped, given the lines each matched.
    pub fn trips(&self, hits: &[u64]) -> Vec<Trip> {
        self.rules
            .iter()
            .zip(hits.iter().copied().chain(std::iter::repeat(0)))
            .filter(|(rule, n)| *n > rule.limit)
            .map(|(rule, n)| Trip {
                rule: rule.text.clone(),
                lines: n,
                limit: rule.limit,
            })
            .collect()
    }
}

/// Parses one comma-separated item: `error`, `1006`, `1006>5`, `4000-4999>10`.
pub fn parse_rule(item: &str) -> Result<Rule, String> {
    let text = item.trim();
    let (target, limit) = match text.split_once('>') {
        Some((t, n)) => {
            let limit = n.trim().parse::<u64>().map_err(|_| {
                format!("'{text}': the limit after '>' must be a whole number, e.g. 1006>5")
            })?;
            (t.trim(), limit)
        }
        None => (text, 0),
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
