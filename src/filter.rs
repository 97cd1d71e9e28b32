//! `--category` and `--code`: which findings are reported at all.

use std::ops::RangeInclusive;

use crate::codes::Category;
use crate::extract::Finding;

/// A restriction on reported findings; the default reports everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Empty means every category.
    pub categories: Vec<Category>,
    /// Empty means every code.
    pub codes: Vec<RangeInclusive<u32>>,
}

impl Filter {
    /// Whether a finding is reported.
    pub fn allows(&self, finding: &Finding) -> bool {
        self.allows_code(finding.code, finding.category())
    }

    /// Whether a code reported under `category` is reported.
    pub fn allows_code(&self, code: u32, category: Category) -> bool {
        (self.categories.is_empty() || self.categories.contains(&category))
            && (self.codes.is_empty() || self.codes.iter().any(|r| r.contains(&code)))
    }

    /// Drops the findings that are not reported.
    pub fn retain(&self, findings: &mut Vec<Finding>) {
        if !self.categories.is_empty() || !self.codes.is_empty() {
            findings.retain(|f| self.allows(f));
        }
    }
}

/// Parses `1006`, `4000-4999` (one item of a `--code` list).
pub fn parse_code_range(item: &str) -> Result<RangeInclusive<u32>, String> {
    let item = item.trim();
    let number = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= 65535)
            .ok_or_else(|| {
                format!("'{item}' is not a code or a range of codes (e.g. 1006 or 4000-4999)")
            })
    };
    match item.split_once('-') {
        Some((lo, hi)) => {
            let (lo, hi) = (number(lo)?, number(hi)?);
            if lo > hi {
                return Err(format!("'{item}': the range is empty ({lo} > {hi})"));
            }
            Ok(lo..=hi)
        }
        None => number(item).map(|n| n..=n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_ranges_parse() {
        assert_eq!(parse_code_range("1006"), Ok(1006..=1006));
        assert_eq!(parse_code_range(" 4000-4999 "), Ok(4000..=4999));
        assert!(parse_code_range("4999-4000").is_err());
        assert!(parse_code_range("abc").is_err());
        assert!(parse_code_range("70000").is_err());
    }
}
