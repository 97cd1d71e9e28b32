//! What the extractor reports: a [`Finding`] per close code, with the
//! [`Basis`] it was taken on, and how a finding is described in every
//! output (a code rejected on the wire is described as the rejection).

use super::*;

/// One close code found on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The number (a code outside 1000-4999 is kept: it is reported as invalid).
    pub code: u32,
    /// Where the number or name stands in the line.
    pub span: Range<usize>,
    /// The close reason carried by the line's format, if any.
    pub reason: Option<Range<usize>>,
    /// The line itself says the peer sent this code although it is not
    /// allowed on the wire (`invalid status code 1005`, `bad close code 1014`).
    pub rejected: bool,
    /// Why it was reported: the library format that matched (`format:gorilla`),
    /// a symbolic name (`name`), the evidence that decided
    /// (`evidence:close-key`, …) or the user's `pattern`.
    pub basis: Basis,
}

/// What decided that a number or name is a close code. JSON output names it
/// as `rule`, so a user who disagrees can see why and write a `--pattern`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// A library's own format (the row's id, e.g. `gorilla`, `spring`).
    Format(&'static str),
    /// A library's symbolic name for the code (`StatusGoingAway`).
    Name,
    /// The user's `--pattern`.
    Pattern,
    /// The evidence around a number no format claimed.
    Evidence(evidence::Why),
}

impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Basis::Format(id) => write!(f, "format:{id}"),
            Basis::Name => f.write_str("name"),
            Basis::Pattern => f.write_str("pattern"),
            Basis::Evidence(why) => f.write_str(why.rule()),
        }
    }
}

/// What every output says of a code the line says was rejected on the wire
/// (`invalid status code 1005`): the sender broke the protocol, whatever the
/// code's registered meaning.
pub(super) const REJECTED_MEANING: &str = "The line says a Close frame arrived with a code that must not be sent on the wire (reserved, local-only such as 1005/1006/1015, or out of range), so the receiver failed the connection, usually with 1002. The sender, or a proxy between, is buggy; the code's registered meaning does not apply.";
pub(super) const REJECTED_RECOVERY: &str = "Fix the sender so it sends a valid code (1000 for a normal close, 4000-4999 for its own), or none at all; check proxies that rewrite Close frames. Reconnecting gets the same result until then.";
pub(super) const REJECTED_HINT: &str = "not allowed on the wire; the sender is buggy";

/// How `code` is described in every output format (the annotation, JSON,
/// GitHub commands and the summary), chosen once: its entry, or for a code
/// rejected on the wire the rejection's.
pub fn describe_code(code: u32, rejected: bool) -> Entry {
    let mut entry = describe(code).entry.clone();
    if rejected {
        entry.category = Category::Invalid;
        entry.meaning = REJECTED_MEANING;
        entry.recovery = REJECTED_RECOVERY;
        entry.hint = REJECTED_HINT;
        entry.reconnect = Reconnect::AfterFix;
        entry.on_wire = false;
    }
    entry
}

/// [`describe_code`] for a finding.
pub fn describe_finding(finding: &Finding) -> Entry {
    describe_code(finding.code, finding.rejected)
}

/// The category a finding is reported under: a code the line says was
/// rejected on the wire is `invalid`, whatever its registered category.
pub fn category_of(finding: &Finding) -> Category {
    describe_finding(finding).category
}
