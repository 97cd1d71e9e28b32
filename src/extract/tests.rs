//! Tests of the extractor on real-looking lines.

use super::*;

fn codes(line: &str) -> Vec<u32> {
    let ex = Extractor::new(&[]).unwrap();
    let mut out = Vec::new();
    ex.extract(line.as_bytes(), &mut out);
    out.iter().map(|f| f.code).collect()
}

fn reason(line: &str) -> Option<String> {
    let ex = Extractor::new(&[]).unwrap();
    let mut out = Vec::new();
    ex.extract(line.as_bytes(), &mut out);
    let f = out.first()?;
    f.reason
        .clone()
        .map(|r| String::from_utf8_lossy(&line.as_bytes()[r]).into_owned())
}

#[test]
fn finds_common_formats() {
    assert_eq!(
        codes("websocket: close 1006 (abnormal closure): unexpected EOF"),
        [1006]
    );
    assert_eq!(codes("CloseStatus[code=1008, reason=null]"), [1008]);
    assert_eq!(
        codes("received 1011 (internal error) keepalive ping timeout; then sent 1011 (internal error) keepalive ping timeout"),
        [1011]
    );
    assert_eq!(codes(r#"{"msg":"websocket closed","code":1006}"#), [1006]);
    assert_eq!(
        codes("level=warn msg=\"ws closed\" close_code=4001"),
        [4001]
    );
    assert_eq!(
        codes(r#"Close(Some(CloseFrame { code: Away, reason: "" }))"#),
        [1001]
    );
    assert_eq!(
        codes(r#"CloseFrame { code: Library(4001), reason: "x" }"#),
        [4001]
    );
}

#[test]
fn rejects_numbers_that_are_not_codes() {
    assert!(codes("listening on :3000").is_empty());
    assert!(codes("websocket handshake took 1006ms").is_empty());
    assert!(codes("closed connection to localhost:3000").is_empty());
    assert!(codes("ERROR 1045 (28000): Access denied for user 'root'").is_empty());
    assert!(codes("payment declined code=1001").is_empty());
    assert!(codes("closing 3000 idle connections").is_empty());
}

#[test]
fn reports_invalid_codes_the_line_calls_close_codes() {
    assert_eq!(
        codes("RangeError: Invalid WebSocket frame: invalid status code 1005"),
        [1005]
    );
    assert_eq!(codes("Code must be in range [1000,5000): 999"), [999]);
    assert_eq!(codes("ws closed close_code=5000"), [5000]);
}

#[test]
fn takes_the_reason_from_the_format() {
    assert_eq!(
        reason("received 1011 (internal error) keepalive ping timeout; no close frame received")
            .as_deref(),
        Some("keepalive ping timeout")
    );
    assert_eq!(reason("CloseStatus[code=1008, reason=null]"), None);
    assert_eq!(
        reason("level=warn msg=\"ws closed\" close_code=4001 reason=\"token expired\"").as_deref(),
        Some("token expired")
    );
}

#[test]
fn ambiguous_names_need_the_library() {
    assert_eq!(
        codes("o.e.j.websocket: close status StatusCode.BAD_DATA jetty"),
        [1003]
    );
    assert_eq!(
        codes("org.springframework.web.socket: closing with CloseStatus.BAD_DATA"),
        [1007]
    );
    assert!(codes("ws closed with code: BAD_DATA").is_empty());
}

#[test]
fn python_bytes_payloads_decode() {
    assert_eq!(parse_py_bytes(br"\x03\xe9"), Some(1001));
    assert_eq!(parse_py_bytes(br"\x0f\xa1"), Some(4001));
    assert_eq!(parse_py_bytes(br"\n\x00"), Some(2560));
    assert_eq!(parse_py_bytes(br"\x03A"), Some(0x0341));
    assert_eq!(parse_py_bytes(br"\x03"), None);
}

#[test]
fn a_code_ends_at_punctuation_but_not_inside_a_token() {
    assert_eq!(
        codes("websocket 关闭 close_code=1006，原因 timeout"),
        [1006]
    );
    assert!(codes("ws closed close_code=1006毫秒").is_empty());
    assert!(continues_token(b"\xff06"));
    assert!(!continues_token(b""));
}

#[test]
fn codes_read_off_the_end_of_a_match_are_the_code_groups() {
    // Every fixture line, and variations with signs and quotes.
    let table = std::fs::read_to_string("fixtures/formats.tsv").unwrap();
    let mut lines: Vec<String> = table
        .lines()
        .skip(1)
        .filter_map(|row| row.splitn(4, '\t').nth(3).map(str::to_string))
        .collect();
    for sep in [
        "=", ": ", " = ", "=\"", ":'", " is ", "=>", ": -", " -", " #", "(",
    ] {
        for word in [
            "close_code",
            "code",
            "status",
            "closed",
            "Closing",
            "onClose",
        ] {
            lines.push(format!("ws closed {word}{sep}1006 reason=x"));
        }
    }
    let extractor = Extractor::new(&[]).unwrap();
    let mut checked = 0;
    for line in &lines {
        let line = line.as_bytes();
        let mut at = 0;
        while let Some(m) = extractor
            .formats
            .search(&Input::new(line).span(at..line.len()))
        {
            let index = m.pattern().as_usize();
            let groups =
                extractor.rule_groups[index].get_or_init(|| RuleGroups::new(&RULES[index]));
            if groups.code_at_end.is_some() {
                let fast = groups.read(line, m.range()).map(|g| g.code);
                let full = groups.read_groups(line, m.range()).map(|g| g.code);
                assert_eq!(fast, full, "{}", String::from_utf8_lossy(line));
                checked += 1;
            }
            at = m.start() + 1;
        }
    }
    assert!(checked > 100, "only {checked} matches checked");
}

#[test]
fn urls_are_not_close_codes() {
    assert!(
        codes("level=info msg=request path=/api/v1/sessions/7def/close status=200 ws").is_empty()
    );
    assert!(
        codes(r#""GET /api/v1/search?q=close+744&code=1000 HTTP/1.1" 302 "ws-router""#).is_empty()
    );
}

#[test]
fn fifty_digit_numbers_are_not_codes() {
    assert!(codes(&format!("ws closed close_code={}", "9".repeat(50))).is_empty());
}
