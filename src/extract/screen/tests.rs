//! The screen's own tests: which lines pass, and how its literals are built.

use super::*;

fn screen() -> Screen {
    Screen::new([
        ("StatusGoingAway", true),
        ("GOING_AWAY", true),
        ("EndpointUnavailable", true),
        ("Normal", false),
    ])
    .unwrap()
}

#[test]
fn close_lines_pass() {
    let s = screen();
    for line in [
        "websocket: close 1006 (abnormal closure): unexpected EOF",
        "websocket: close 999",
        "CloseStatus[code=1008, reason=null]",
        "CloseStatus[code=999, reason=null]",
        "received 1011 (internal error) keepalive ping timeout",
        "code = 999 (unknown), no reason",
        "{\"msg\":\"ws\",\"code\":1006,\"reason\":\"x\"}",
        "close_code=4001",
        "close_code=-1",
        "closed: 1006",
        "connection closed with code 1006",
        "code: Normal",
        "status = StatusGoingAway",
        "err: GOING_AWAY",
        "EndpointUnavailable",
        "Close status #4001",
        "closeConnection() {1001=SHUTDOWN,Idle Timeout}",
        "received WSMessage(type=<WSMsgType.CLOSE: 8>, data=1000, extra='')",
        "close code is 1006",
        "Invalid WebSocket frame: invalid status code 5000",
    ] {
        assert!(s.verdict(line.as_bytes()).any(), "{line}");
    }
}

#[test]
fn plain_lines_do_not() {
    let s = screen();
    for line in [
        "\"PATCH /api/v1/sessions/cc91420d0f39/close HTTP/1.1\" 409 4956",
        "upstream 10.0.0.1:8080 closed connection, code ECONNRESET",
        "ws session closed conn=ws-42 duration=17ms",
        "\"GET /api/v1/search?q=close+1000&code=587 HTTP/1.1\" 200",
        "ts=1 ration=190645ms max_lifetime_closed=3300",
        "upstream 10.244.6.113:5000 closed the connection after 1707 bytes",
        "PUT /api/v1/sessions/7def2b5b06ea/close status=200 took=425ms",
        "lost 1006 packets; LOSS 2001; isconnected 1001",
        "status=200 took=12ms",
        "closing idle conns count=16",
    ] {
        assert!(!s.verdict(line.as_bytes()).any(), "{line}");
    }
}

#[test]
fn the_built_in_names_need_no_literals_of_their_own() {
    let screen = Screen::new(crate::extract::screen_names()).unwrap();
    assert_eq!(screen.extra_literals(), 0);
}

#[test]
fn simd_literals_are_three_bytes_or_more() {
    // A shorter one would make Teddy fingerprint by two bytes.
    for (literal, _) in LITERALS.iter().chain(WORDS) {
        assert!(literal.len() >= 3, "{literal:?} belongs in SHORT");
    }
    let sockjs = Screen::new(crate::extract::screen_names()).unwrap();
    assert!(sockjs.verdict(br#"o\nc[3000,"Go away!"]"#).formats);
    assert!(!sockjs.verdict(b"c[x] = ar[3]").any());
}

#[test]
fn too_many_names_turn_the_screen_off() {
    let names: Vec<String> = (0..40).map(|i| format!("Zz{i}Name")).collect();
    assert!(Screen::new(names.iter().map(|n| (n.as_str(), true))).is_none());
}
