//! What the extractor reports: a [`Finding`] per close code, with the
//! [`Basis`] it was taken on, and its [`CodeView`], resolved once when the
//! finding is made (a code rejected on the wire is described as the
//! rejection).

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
    /// allowed on the wire; see [`Finding::rejected`].
    rejected: bool,
    /// Why it was reported: the library format that matched (`format:gorilla`),
    /// a symbolic name (`name`), the evidence that decided
    /// (`evidence:close-key`, …) or the user's `pattern`.
    pub basis: Basis,
    /// The code described, once.
    view: CodeView,
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

impl Finding {
    /// A finding of `code` at `span`, described once ([`CodeView::of`]).
    pub fn new(
        code: u32,
        span: Range<usize>,
        reason: Option<Range<usize>>,
        rejected: bool,
        basis: Basis,
    ) -> Finding {
        Finding {
            code,
            span,
            reason,
            rejected,
            basis,
            view: CodeView::of(code, rejected),
        }
    }

    /// The line itself says the peer sent this code although it is not
    /// allowed on the wire (`invalid status code 1005`, `bad close code 1014`).
    pub fn rejected(&self) -> bool {
        self.rejected
    }

    /// What the code means and what to do, as every output describes it: a
    /// code rejected on the wire is described as the rejection.
    pub fn view(&self) -> &CodeView {
        &self.view
    }

    /// The category the finding is reported under.
    pub fn category(&self) -> Category {
        self.view.category
    }

    /// Another rule on the same line says the code was rejected.
    pub(super) fn mark_rejected(&mut self) {
        if !self.rejected {
            *self = Finding::new(
                self.code,
                self.span.clone(),
                self.reason.clone(),
                true,
                self.basis,
            );
        }
    }
}
