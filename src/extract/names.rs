//! Symbolic names (`CloseGoingAway`, `STATUS_GOING_AWAY`, `.policyViolation`):
//! which count on their own and which only after a qualifier.

use super::*;

/// Names that are only trusted right after a qualifier such as `code: `,
/// `CloseCode::`, `StatusCode.` or `WebSocketCloseStatus.`: short words,
/// and names other protocols use too (HTTP/2's `PROTOCOL_ERROR`, net/http's
/// `StatusBadGateway`).
/// Every symbolic name, with whether it counts without a qualifier.
pub(crate) fn screen_names() -> impl Iterator<Item = (&'static str, bool)> {
    codes::aliases()
        .iter()
        .map(|a| (a.name, !needs_qualifier(a.name)))
}

pub(super) fn needs_qualifier(name: &str) -> bool {
    const WEAK: &[&str] = &[
        "OK",
        "NORMAL",
        "SHUTDOWN",
        "PROTOCOL",
        "BAD_DATA",
        "UNDEFINED",
        "NO_CODE",
        "NO_CLOSE",
        "ABNORMAL",
        "BAD_PAYLOAD",
        "SERVER_ERROR",
        "EMPTY",
        "Empty",
        "RESERVED",
        "normal",
        "encoding",
        "protocolError",
        "ProtocolError",
        "PROTOCOL_ERROR",
        "INTERNAL_ERROR",
        "InternalServerError",
        "INTERNAL_SERVER_ERROR",
        "internalServerError",
        "BAD_GATEWAY",
        "StatusBadGateway",
        "StatusInternalError",
        "StatusProtocolError",
        "MessageTooBig",
        "messageTooBig",
        "PolicyViolation",
        "policyViolation",
        "TOO_BIG",
        "NOT_ACCEPTABLE",
        "INVALID_DATA",
        "CANNOT_ACCEPT",
        "NOT_CONSISTENT",
        "MESSAGE_TOO_BIG",
        "MESSAGE_TOO_LARGE",
        "POLICY_VIOLATION",
    ];
    // One-word names (tungstenite's Away, Error, Status; Starscream's
    // normal) are weak too; camelCase and SNAKE_CASE names are not.
    WEAK.contains(&name) || is_one_word(name)
}

/// One-word names (tungstenite's Away, Error, Status; Starscream's normal);
/// camelCase and SNAKE_CASE names are not.
pub(super) fn is_one_word(name: &str) -> bool {
    !name.contains('_') && !name[1..].contains(|c: char| c.is_ascii_uppercase())
}
