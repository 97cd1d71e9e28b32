//! JSON log lines built from arbitrary keys and values, some of them
//! damaged (almost JSON): the close-code keys are found or not without
//! panicking, JSON output always parses and names the right line, and
//! the text round trip holds.

#![no_main]

#[path = "common.rs"]
mod common;

use std::fmt::Write as _;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wscode_annotate::extract::Extractor;
use wscode_annotate::print::LineFormat;

#[derive(Arbitrary, Debug)]
enum Key {
    Code,
    CloseCode,
    CloseCodeCamel,
    Status,
    StatusCode,
    Msg,
    Message,
    Level,
    Reason,
    Ts,
    Time,
    Error,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum Value {
    Int(i64),
    Code(u16),
    Float(f64),
    Str(String),
    Words(Vec<Word>),
    Bool(bool),
    Null,
    Raw(String),
    Object(Vec<(Key, u16)>),
    Array(Vec<u16>),
}

#[derive(Arbitrary, Debug)]
enum Word {
    Websocket,
    Close,
    Closed,
    Disconnect,
    Socket,
    Going,
    Away,
    Abnormal,
    Number(u32),
}

#[derive(Arbitrary, Debug)]
enum Damage {
    None,
    Truncate(u16),
    DropByte(u16),
    InsertByte(u16, u8),
    TrailingComma,
    SingleQuotes,
    Crlf,
    Prefix(String),
}

#[derive(Arbitrary, Debug)]
struct Line {
    fields: Vec<(Key, Value)>,
    damage: Damage,
}

fn key(k: &Key) -> String {
    match k {
        Key::Code => "code".into(),
        Key::CloseCode => "close_code".into(),
        Key::CloseCodeCamel => "closeCode".into(),
        Key::Status => "status".into(),
        Key::StatusCode => "statusCode".into(),
        Key::Msg => "msg".into(),
        Key::Message => "message".into(),
        Key::Level => "level".into(),
        Key::Reason => "reason".into(),
        Key::Ts => "ts".into(),
        Key::Time => "time".into(),
        Key::Error => "error".into(),
        Key::Other(s) => s.clone(),
    }
}

fn word(w: &Word) -> String {
    match w {
        Word::Websocket => "websocket".into(),
        Word::Close => "close".into(),
        Word::Closed => "closed".into(),
        Word::Disconnect => "disconnect".into(),
        Word::Socket => "socket".into(),
        Word::Going => "going".into(),
        Word::Away => "away".into(),
        Word::Abnormal => "abnormal".into(),
        Word::Number(n) => n.to_string(),
    }
}

fn value(v: &Value, out: &mut String) {
    match v {
        Value::Int(n) => write!(out, "{n}").unwrap(),
        Value::Code(n) => write!(out, "{}", 999 + u32::from(*n) % 4003).unwrap(),
        Value::Float(f) => write!(out, "{f}").unwrap(),
        Value::Str(s) => out.push_str(&serde_json::to_string(s).unwrap()),
        Value::Words(ws) => {
            let s: Vec<String> = ws.iter().map(word).collect();
            out.push_str(&serde_json::to_string(&s.join(" ")).unwrap());
        }
        Value::Bool(b) => write!(out, "{b}").unwrap(),
        Value::Null => out.push_str("null"),
        Value::Raw(s) => out.push_str(s),
        Value::Object(fields) => {
            out.push('{');
            for (i, (k, n)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write!(out, "{}:{n}", serde_json::to_string(&key(k)).unwrap()).unwrap();
            }
            out.push('}');
        }
        Value::Array(ns) => {
            let s: Vec<String> = ns.iter().map(u16::to_string).collect();
            write!(out, "[{}]", s.join(",")).unwrap();
        }
    }
}

fn render(line: &Line) -> Vec<u8> {
    let mut s = String::from("{");
    for (i, (k, v)) in line.fields.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&serde_json::to_string(&key(k)).unwrap());
        s.push(':');
        value(v, &mut s);
    }
    s.push('}');
    let mut bytes = s.into_bytes();
    let at = |n: u16, len: usize| usize::from(n) % (len + 1);
    match &line.damage {
        Damage::None => {}
        Damage::Truncate(n) => bytes.truncate(at(*n, bytes.len())),
        Damage::DropByte(n) => {
            let i = at(*n, bytes.len());
            if i < bytes.len() {
                bytes.remove(i);
            }
        }
        Damage::InsertByte(n, b) => {
            let i = at(*n, bytes.len());
            bytes.insert(i, *b);
        }
        Damage::TrailingComma => {
            bytes.pop();
            bytes.extend_from_slice(b",}");
        }
        Damage::SingleQuotes => {
            for b in &mut bytes {
                if *b == b'"' {
                    *b = b'\'';
                }
            }
        }
        Damage::Crlf => bytes.push(b'\r'),
        Damage::Prefix(p) => {
            let mut v = p.clone().into_bytes();
            v.push(b' ');
            v.extend_from_slice(&bytes);
            bytes = v;
        }
    }
    // One log line each: a newline inside would start another.
    for b in &mut bytes {
        if *b == b'\n' {
            *b = b' ';
        }
    }
    bytes
}

fn extractor() -> &'static Extractor {
    static E: OnceLock<Extractor> = OnceLock::new();
    E.get_or_init(|| Extractor::new(&[]).unwrap())
}

fuzz_target!(|lines: Vec<Line>| {
    let rendered: Vec<Vec<u8>> = lines.iter().map(render).collect();
    let mut input = Vec::new();
    for l in &rendered {
        input.extend_from_slice(l);
        input.push(b'\n');
    }
    let big = 1 << 20;
    let json = common::annotate(extractor(), &input, LineFormat::Json, big, big, big);
    for v in common::check_json(&input, &json) {
        // The record quotes the line it came from.
        let n = v["line_number"].as_u64().unwrap() as usize;
        let raw = &rendered[n - 1];
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        assert_eq!(v["line"].as_str().unwrap(), String::from_utf8_lossy(raw));
    }
    let text = common::annotate(extractor(), &input, LineFormat::Text, 7, 64, big);
    common::check_text(&input, &text);
});
