//! The library formats, one row each: the id JSON output names
//! (`format:gorilla`), the library it reads (a test checks each has rows in
//! `fixtures/formats.tsv` or the corpus), how strong its word is, and its
//! regex. Adding a library format is one row here plus fixture rows.

/// Which rule of [`RULES`] matched: it decides how strict the checks are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strength {
    /// The format says outright that the number is a close code; any number
    /// is reported (invalid ones as invalid).
    Explicit,
    /// A close keyword near the number; only 1000-4999 counts.
    Keyword,
    /// A generic key (`code`, `status`) that counts only on a line about a
    /// WebSocket close, and only for 1000-4999.
    Contextual,
}

/// How the code group spells the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// Decimal digits.
    Decimal,
    /// The first two bytes of a close payload in Python's bytes repr (`\x03\xe9`).
    PyBytes,
}

/// One alternative of the format regex. `name` is the capture-group suffix.
pub(crate) struct Rule {
    /// The row's id: the regex's group suffix, and `format:ID` in JSON.
    pub group: &'static str,
    /// The library whose output the row reads, as `fixtures/formats.tsv`
    /// names it (`any` for the generic rows). Read by the tests on the table.
    #[cfg_attr(not(test), allow(dead_code))]
    pub library: &'static str,
    pub strength: Strength,
    /// The line reports the code as one that must not be sent.
    pub rejected: bool,
    pub value: Value,
    pub regex: &'static str,
}

/// The formats, one alternative each; the code is group `c_<group>`, the
/// reason (when the format carries one) group `r_<group>`.
pub(crate) const RULES: &[Rule] = &[
    // gorilla/websocket CloseError.Error: "websocket: close 1006 (abnormal closure): unexpected EOF"
    Rule {
        group: "gorilla",
        library: "gorilla/websocket",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"websocket: close (?P<c_gorilla>\d{1,6})(?: \([^)]*\))?(?:: (?P<r_gorilla>[^\r\n]*))?",
    },
    // gorilla/websocket: "websocket: bad close code 1014"
    Rule {
        group: "gorillabad",
        library: "gorilla/websocket",
        strength: Strength::Explicit,
        rejected: true,
        value: Value::Decimal,
        regex: r"bad close code (?P<c_gorillabad>\d{1,6})",
    },
    // Node ws receiver: "Invalid WebSocket frame: invalid status code 1005"
    Rule {
        group: "wsinvalid",
        library: "node-ws",
        strength: Strength::Explicit,
        rejected: true,
        value: Value::Decimal,
        regex: r"invalid (?:status|close) code:? (?P<c_wsinvalid>-?\d{1,6})",
    },
    // OkHttp WebSocketProtocol: "Code must be in range [1000,5000): 999"
    Rule {
        group: "okrange",
        library: "okhttp",
        strength: Strength::Explicit,
        rejected: true,
        value: Value::Decimal,
        regex: r"Code must be in range \[1000,5000\): (?P<c_okrange>-?\d{1,6})",
    },
    // OkHttp: "Code 1005 is reserved and may not be used."
    Rule {
        group: "okreserved",
        library: "okhttp",
        strength: Strength::Explicit,
        rejected: true,
        value: Value::Decimal,
        regex: r"Code (?P<c_okreserved>\d{1,6}) is reserved and may not be used",
    },
    // Python websockets >= 10: "received 1011 (internal error) keepalive ping timeout; then sent …"
    Rule {
        group: "pyws",
        library: "python-websockets>=12",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"\b(?:received|sent) (?P<c_pyws>\d{1,6}) \((?:OK|going away|protocol error|unsupported (?:data|type)|unknown|no status (?:received|code) \[internal\]|abnormal closure \[internal\]|connection closed abnormally \[internal\]|invalid (?:frame payload )?data|policy violation|message too big|mandatory extension|extension required|internal error|unexpected error|service restart|try again later|bad gateway|TLS (?:handshake )?failure \[internal\]|registered|private use)\)(?: (?P<r_pyws>[^;\r\n]+))?",
    },
    // Python websockets <= 9: "code = 1006 (connection closed abnormally [internal]), no reason"
    Rule {
        group: "pyold",
        library: "python-websockets<=11",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"\bcode = (?P<c_pyold>\d{1,6}) \([^)]*\)(?:, reason = (?P<r_pyold>[^\r\n]*))?",
    },
    // tungstenite Debug: "CloseFrame { code: Library(4001), reason: … }", "Bad(1014)"
    Rule {
        group: "tung",
        library: "tungstenite",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"\b(?:Library|Iana|Bad|Reserved)\((?P<c_tung>\d{1,6})\)",
    },
    // coder/websocket stringer for unknown codes: "StatusCode(4001)"
    Rule {
        group: "coder",
        library: "coder/websocket",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"\bStatusCode\((?P<c_coder>\d{1,6})\)",
    },
    // Spring CloseStatus.toString: "CloseStatus[code=1008, reason=null]"
    Rule {
        group: "spring",
        library: "spring",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"CloseStatus\[code=(?P<c_spring>-?\d{1,6}), reason=(?P<r_spring>[^\]\r\n]*)\]",
    },
    // Jakarta CloseReason.toString: "CloseReason[1006,Connection reset]"
    Rule {
        group: "jakarta",
        library: "jakarta",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"CloseReason\[(?P<c_jakarta>\d{1,6})(?:,(?P<r_jakarta>[^\]\r\n]*))?\]",
    },
    // Netty WebSocketCloseStatus for unknown codes: "Close status #4001"
    Rule {
        group: "netty",
        library: "netty",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"Close status #(?P<c_netty>\d{1,6})",
    },
    // Node ws error objects print the close code they will send:
    // "[Symbol(status-code)]: 1002"
    Rule {
        group: "nodesym",
        library: "node-ws",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"\[Symbol\(status-code\)\]: (?P<c_nodesym>\d{1,6})",
    },
    // Python websockets debug log: "! failing connection with code 1006"
    Rule {
        group: "pyfail",
        library: "python-websockets>=12",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"failing connection with code (?P<c_pyfail>\d{1,6})",
    },
    // aiohttp: "WSMessage(type=<WSMsgType.CLOSE: 8>, data=1000, extra='')",
    // "WSMessageClose(data=1001, size=17, extra='Server shutdown', …)"
    Rule {
        group: "aiohttp",
        library: "aiohttp",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"(?:WSMsgType\.CLOSE: 8>, data=|WSMessageClose\(data=|Received message (?:8|WSMsgType\.CLOSE):)(?P<c_aiohttp>\d{1,6})(?:, size=\d+)?(?:, extra='(?P<r_aiohttp>[^']*)')?",
    },
    // starlette: "WebSocketDisconnect: (1001, '')", "WebSocketDisconnect: 1000",
    // "WebSocketDisconnect(code=1006, reason='')"
    Rule {
        group: "starlette",
        library: "starlette",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"WebSocketDisconnect(?:: \(?|\((?:code=)?)(?P<c_starlette>\d{1,6})(?:, (?:reason=)?'(?P<r_starlette>[^']*)')?",
    },
    // websocket-client trace: "++Rcv decoded: fin=1 opcode=8 data=b'\x03\xe9Going away'"
    // (the code is the payload's first two bytes, in Python's bytes repr)
    Rule {
        group: "pybytes",
        library: "websocket-client",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::PyBytes,
        regex: r#"opcode=8 data=b['"](?P<c_pybytes>(?:\\x[0-9a-f]{2}|\\[tnr])(?:\\x[0-9a-f]{2}|\\[tnr\\'"]|[ -~]))(?P<r_pybytes>[^'"\r\n]*)"#,
    },
    // websocket-client: "('Invalid close opcode %r', 1005)"
    Rule {
        group: "pyopcode",
        library: "websocket-client",
        strength: Strength::Explicit,
        rejected: true,
        value: Value::Decimal,
        regex: r"Invalid close opcode(?: %r',)? (?P<c_pyopcode>-?\d{1,6})\b",
    },
    // Jetty CloseStatus.toString: "{1001=SHUTDOWN,Idle Timeout}"
    Rule {
        group: "jetty",
        library: "jetty",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"\{(?P<c_jetty>\d{4})=[A-Z][A-Z_]+,(?P<r_jetty>[^}\r\n]*)\}",
    },
    // Netty: "WebSocket close status code does NOT comply with RFC-6455: 1004",
    // "Invalid close frame getStatus code: 1005"
    Rule {
        group: "nettybad",
        library: "netty",
        strength: Strength::Explicit,
        rejected: true,
        value: Value::Decimal,
        regex: r"(?:does NOT comply with RFC-6455|Invalid close frame getStatus code): (?P<c_nettybad>-?\d{1,6})",
    },
    // Spring: "Invalid status code: 999"; Jakarta: "IllegalArgumentException: Invalid code: 5000"
    Rule {
        group: "javabad",
        library: "spring",
        strength: Strength::Explicit,
        rejected: true,
        value: Value::Decimal,
        regex: r"(?:Invalid status code|IllegalArgumentException: Invalid code): (?P<c_javabad>-?\d{1,6})",
    },
    // Java-WebSocket CloseFrame.isValid: "InvalidFrameException: closecode must not be sent over the wire: 60015"
    Rule {
        group: "javawsbad",
        library: "java-websocket",
        strength: Strength::Explicit,
        rejected: true,
        value: Value::Decimal,
        regex: r"closecode must not be sent over the wire: (?P<c_javawsbad>-?\d{1,6})",
    },
    // Swift Foundation on Linux: "NSURLSessionWebSocketCloseCode(rawValue: 1007)"
    Rule {
        group: "swift",
        library: "swift-urlsession",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"CloseCode\(rawValue: (?P<c_swift>-?\d{1,6})\)",
    },
    // SignalR: "WebSocket closed with status code: 1006 (no reason given)."
    Rule {
        group: "signalr",
        library: "signalr",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r"(?i:websocket) closed with status code: (?P<c_signalr>\d{1,6}) \((?P<r_signalr>[^)\r\n]*)\)",
    },
    // Erlang/Elixir terms: Cowboy and gun `{remote,1001,<<>>}`,
    // WebSockex `{:remote, 1008, "policy violation"}`, `{close,1000,<<>>}`.
    Rule {
        group: "erlang",
        library: "cowboy",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r#"\{:?(?:remote|local|close), ?(?P<c_erlang>\d{4}), ?(?:<<)?"?(?P<r_erlang>[^">}\r\n]*)"?(?:>>)?"#,
    },
    // SockJS close frame: `c[3000,"Go away!"]`
    Rule {
        group: "sockjs",
        library: "sockjs",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r#"(?:^|[^A-Za-z0-9_])c\[(?P<c_sockjs>\d{4}),\s*"(?P<r_sockjs>[^"\r\n]*)"\]"#,
    },
    // Browsers: "Failed to execute 'close' on 'WebSocket': The code must be
    // either 1000, or between 3000 and 4999. 1012 is neither." (the bounds
    // are not codes; the one passed is, rejected)
    Rule {
        group: "browserrange",
        library: "browser-closeevent",
        strength: Strength::Explicit,
        rejected: true,
        value: Value::Decimal,
        regex: r"\b(?P<c_browserrange>\d{1,6}) is neither\b",
    },
    // actix-web CloseCode Debug for codes without a name: `Other(3001)`,
    // only on a line about a close.
    Rule {
        group: "actixother",
        library: "actix-web",
        strength: Strength::Contextual,
        rejected: false,
        value: Value::Decimal,
        regex: r"\bOther\((?P<c_actixother>\d{4})\)",
    },
    // Keys that name a close code: close_code=4001, "closeCode": 1006,
    // close status: 1000, ws_close_code=…, CloseStatus=…, closeStatusCode: …
    Rule {
        group: "closekey",
        library: "any",
        strength: Strength::Explicit,
        rejected: false,
        value: Value::Decimal,
        regex: r#"(?i:\b(?:ws|websocket)?[_.\- ]?close[_.\- ]?(?:status[_.\- ]?)?code|\b(?:ws|websocket)?[_.\- ]?close[_.\- ]?status|\bclosestatus(?:code)?|\bclosecode)(?:["']?\s*(?:[:=]|=>|is)\s*["'\[(]?|\s+["'])(?P<c_closekey>-?\d{1,6})\b"#,
    },
    // Prose: "closed with code 1006", "connection closed, code: 4001",
    // "Close frame received: 1000", "disconnected with code: 1000", "close 1006"
    Rule {
        group: "prose",
        library: "any",
        strength: Strength::Keyword,
        rejected: false,
        value: Value::Decimal,
        regex: r"\b(?:[Cc]los(?:e|ed|ing|ure)|CLOSED?|[Dd]isconnect(?:ed)?|on[Dd]isconnect|on[Cc]lose)\b(?:[^0-9\r\n]*?(?i:\bcode|\bstatus)\b[^0-9A-Za-z\r\n]{0,4}|[^0-9\r\n]*?(?:[:#(\[]|=)[ \t]*|[ \t])(?P<c_prose>\d{4,5})\b",
    },
    // Generic keys on a line about a WebSocket close: {"code":1006}, code=1006,
    // statusCode: 4001, "status": 1001, CloseEvent {… code: 1006 …}
    Rule {
        group: "key",
        library: "any",
        strength: Strength::Contextual,
        rejected: false,
        value: Value::Decimal,
        regex: r#"(?i:\b(?:code|status|status_?code|ws_?code|close)\b)["']?\s*(?:[:=]|=>)\s*["']?(?P<c_key>\d{4})\b"#,
    },
];

/// Rules whose match ends with the code group (digits with no digit before
/// them, and a `-` sign where the group takes one) and that have no reason
/// group: the code is read off the match's end, with no regex run to
/// resolve groups. These are the generic rules most close lines meet. A
/// test checks the claim on every fixture.
pub(crate) const CODE_AT_END: &[(&str, Sign)] = &[
    ("key", Sign::Outside),
    ("prose", Sign::Outside),
    ("closekey", Sign::InGroup),
];

/// Whether a `-` right before the digits belongs to the code group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sign {
    Outside,
    InGroup,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Libraries the fixture names that have no row of their own: their
    /// lines are read by the generic rows, the names or the evidence.
    const READ_BY_GENERIC_ROWS: &[&str] = &[
        "axum",
        "dotnet",
        "json",
        "kubectl",
        "logfmt",
        "negative",
        "starscream",
        "uvicorn",
    ];

    fn fixture_rows() -> Vec<(String, String)> {
        std::fs::read_to_string("fixtures/formats.tsv")
            .unwrap()
            .lines()
            .skip(1)
            .filter_map(|row| {
                let cols: Vec<&str> = row.splitn(4, '\t').collect();
                (cols.len() == 4).then(|| (cols[0].to_string(), cols[3].to_string()))
            })
            .collect()
    }

    #[test]
    fn every_row_has_fixture_lines_of_its_library_that_it_matches() {
        let rows = fixture_rows();
        for rule in RULES {
            let regex = regex::bytes::RegexBuilder::new(rule.regex)
                .unicode(false)
                .build()
                .unwrap();
            let lines: Vec<&String> = rows
                .iter()
                .filter(|(lib, _)| rule.library == "any" || lib == rule.library)
                .map(|(_, line)| line)
                .collect();
            assert!(
                lines.iter().any(|l| regex.is_match(l.as_bytes())),
                "row {} ({}) matches no fixture line of its library",
                rule.group,
                rule.library
            );
        }
    }

    #[test]
    fn every_fixture_row_names_a_known_library() {
        for (lib, line) in fixture_rows() {
            let known = RULES.iter().any(|r| r.library == lib)
                || READ_BY_GENERIC_ROWS.contains(&lib.as_str());
            assert!(known, "fixture library {lib} is unknown: {line}");
        }
    }

    #[test]
    fn row_ids_are_unique() {
        for (i, a) in RULES.iter().enumerate() {
            assert!(
                RULES[i + 1..].iter().all(|b| b.group != a.group),
                "{}",
                a.group
            );
        }
    }
}
