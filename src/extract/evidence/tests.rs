//! The evidence's unit tests: each class of evidence, and numbers that
//! are something else.

use super::*;

/// A line whose record is (or is not) about a close, with no `reason` key.
struct Fixed(bool);
impl Context for Fixed {
    fn has_reason_key(&mut self) -> bool {
        false
    }
    fn about_a_close(&mut self) -> bool {
        self.0
    }
    fn about_a_websocket(&mut self) -> bool {
        self.0
    }
}

/// The evidence for the line's first number of four digits.
fn why(line: &str, about_a_close: bool) -> Option<Why> {
    let b = line.as_bytes();
    let mut s = 0;
    loop {
        s += b[s..].iter().position(|c| c.is_ascii_digit()).unwrap();
        let e = s + b[s..].iter().take_while(|c| c.is_ascii_digit()).count();
        if e - s == 4 {
            return weigh(b, s, e, &mut Fixed(about_a_close));
        }
        s = e;
    }
}

#[test]
fn keys_in_any_spelling() {
    let none = false;
    assert_eq!(why("closeReasonCode=1000", none), Some(Why::CloseKey));
    assert_eq!(why("upstream_close_code=1014", none), Some(Why::CloseKey));
    assert_eq!(why("disconnectStatusCode: 1006", none), Some(Why::CloseKey));
    assert_eq!(why("ws-close-status => 4001", none), Some(Why::CloseKey));
    assert_eq!(why("code: 1006,", none), None);
    assert_eq!(why("code: 1006,", true), Some(Why::Key));
    assert_eq!(why("Код: 1006", true), Some(Why::Key));
}

#[test]
fn words_before_and_after() {
    let all = true;
    assert_eq!(
        why("Websocket closed with 4014, cannot reconnect", all),
        Some(Why::CloseWord)
    );
    assert_eq!(why("onClosing: 1001/Going away", all), Some(Why::CloseWord));
    assert_eq!(why("WebSocket error 4201", all), Some(Why::ErrorWord));
    assert_eq!(why("1006 - WebSocket Read EOF", all), Some(Why::WordAfter));
    assert_eq!(
        why("websocket upstream: 1012 Service Restart", all),
        Some(Why::Name)
    );
}

#[test]
fn codes_in_their_clause() {
    let none = false;
    for (line, want) in [
        (
            "Discord has closed the current gateway with the error code of 4013.",
            Why::CodeInCloseClause,
        ),
        (
            "Closed connection: client id 7 code 1000 reason Normal closure",
            Why::Key,
        ),
        (
            "ConnectionClosed in WebSocketClient with code 1011: x",
            Why::CodeInCloseClause,
        ),
        ("Failing the WebSocket connection: 1006", Why::ErrorWord),
        (
            "failing WebSocket connection in the OPEN state: 1009 [no reason]",
            Why::ErrorWord,
        ),
        (
            "reason, description 1006 Connection dropped by remote peer.",
            Why::Name,
        ),
    ] {
        assert_eq!(why(line, none), Some(want), "{line}");
    }
    let all = true;
    assert_eq!(
        why("websocket terminated; reason: Rate limited. (4008)", all),
        Some(Why::Bracketed)
    );
    assert_eq!(
        why(
            "Websocket closed with reason 'x' and code UNCONFORMED (1002)",
            all
        ),
        Some(Why::Key)
    );
    assert_eq!(
        why("restarting the WebSocket proxy with code: 1001", all),
        Some(Why::Key)
    );
    assert_eq!(why("CLOSE=1001 46 bytes", none), Some(Why::CloseKey));
}

#[test]
fn codes_of_other_systems_in_a_close_clause() {
    let none = false;
    for line in [
        "closing the MySQL connection after error code 2013",
        "ws disconnect(1006)",
        "connection closed (took 1006 ms)",
        "closed 3 of 1001 sessions (1001)",
    ] {
        assert_eq!(why(line, none), None, "{line}");
    }
}

#[test]
fn numbers_that_are_something_else() {
    let all = true;
    for line in [
        "closed after 3000 ms",
        "closed 1006ms",
        "closing on port 4000",
        "ws closed, retry in 1000",
        "closed connection to 10.0.0.1:3000",
        "websocket closed Nov 24 2026",
        "closed at app.js:1006",
        "closed id=1006",
        "closed GET /rooms/1006",
        "The code must be either 1000, or between 3000 and 4999",
        "closed v1.1006",
        "closed issue #1006",
    ] {
        assert_eq!(why(line, all), None, "{line}");
    }
}
