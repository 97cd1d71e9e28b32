//! The bad-input suite, on the real binary and in every mode (annotated
//! text, JSON Lines, `--summary`, `--summary --format json`, and `lookup`
//! where it applies): for each hostile input, the documented output and
//! exit status, nothing lost (the README's strip pattern gives the input
//! back byte for byte), and never a panic.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{BufWriter, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{bin, command, run, run_command, strip, Output};

/// Every mode of annotate and summary, by name.
const MODES: &[(&str, &[&str])] = &[
    ("annotate text", &[]),
    ("annotate json", &["--format", "json"]),
    ("summary", &["--summary"]),
    ("summary json", &["--summary", "--format", "json"]),
];

fn no_panic(out: &Output, what: &str) {
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"),
        "{what}: the binary panicked: {}",
        out.stderr
    );
}

/// Lines as the tool counts them: newlines, plus an unterminated last line.
fn lines_of(input: &[u8]) -> u64 {
    let newlines = input.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!input.is_empty() && !input.ends_with(b"\n"))
}

fn newlines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// What every mode printed for one input.
struct Modes {
    text: Vec<u8>,
    json: Vec<serde_json::Value>,
    summary_text: String,
    summary: serde_json::Value,
    stderr: String,
}

/// Runs every mode with `args` (inputs included, or none for stdin) and
/// `stdin`, and checks what holds for any input: exit status `code`, no
/// panic, the strip round trip (`expected` is what the inputs hold), the
/// line count, JSON that parses with line numbers in range, and a summary
/// that counts the input's lines and bytes and equals the per-line JSON
/// aggregated.
fn every_mode(args: &[&OsStr], stdin: &[u8], expected: &[u8], code: i32) -> Modes {
    let mut outputs = Vec::new();
    for (name, flags) in MODES {
        let mut cmd = command(flags);
        cmd.args(args);
        let out = run_command(cmd, stdin);
        no_panic(&out, name);
        assert_eq!(
            out.code, code,
            "{name}: exit status; stderr: {}",
            out.stderr
        );
        outputs.push(out);
    }
    let text = outputs[0].stdout.clone();
    assert!(
        strip(&text) == expected,
        "annotate text: the strip round trip lost or changed bytes"
    );
    assert_eq!(
        newlines(&text),
        newlines(expected),
        "annotate text: line count"
    );

    let json_text = std::str::from_utf8(&outputs[1].stdout).expect("JSON output is UTF-8");
    let json: Vec<serde_json::Value> = json_text
        .lines()
        .map(|l| {
            assert!(
                !l.contains(|c: char| c.is_control()),
                "raw control character in JSON: {l:?}"
            );
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))
        })
        .collect();
    let lines = lines_of(expected);
    for o in &json {
        let n = o["line_number"].as_u64().unwrap();
        assert!(n >= 1 && n <= lines.max(1), "line_number {n} of {lines}");
        let code = o["code"].as_u64().unwrap();
        if !(1000..=4999).contains(&code) {
            assert_eq!(o["category"], "invalid");
        }
    }

    let summary_text = outputs[2].text();
    assert!(summary_text.starts_with("Scanned "), "{summary_text}");
    let summary: serde_json::Value =
        serde_json::from_slice(&outputs[3].stdout).expect("summary JSON parses");
    assert_eq!(summary["bytes"].as_u64(), Some(expected.len() as u64));
    assert_eq!(summary["lines"].as_u64(), Some(lines));
    // The summary is the per-line JSON aggregated.
    assert_eq!(summary["events"].as_u64(), Some(json.len() as u64));
    let mut with_codes = std::collections::BTreeSet::new();
    let mut per_code: BTreeMap<(String, u64, bool), u64> = BTreeMap::new();
    for o in &json {
        with_codes.insert((o["source"].to_string(), o["line_number"].as_u64()));
        *per_code
            .entry((
                o["source"].to_string(),
                o["code"].as_u64().unwrap(),
                o["rejected"].as_bool().unwrap(),
            ))
            .or_default() += 1;
    }
    assert_eq!(
        summary["lines_with_codes"].as_u64(),
        Some(with_codes.len() as u64)
    );
    let mut summed: BTreeMap<(u64, bool), u64> = BTreeMap::new();
    for ((_, code, rejected), n) in per_code {
        *summed.entry((code, rejected)).or_default() += n;
    }
    let mut from_summary: BTreeMap<(u64, bool), u64> = BTreeMap::new();
    for c in summary["codes"].as_array().unwrap() {
        from_summary.insert(
            (
                c["code"].as_u64().unwrap(),
                c["rejected"].as_bool().unwrap(),
            ),
            c["count"].as_u64().unwrap(),
        );
    }
    assert_eq!(from_summary, summed, "summary codes vs per-line JSON");
    Modes {
        text,
        json,
        summary_text,
        summary,
        stderr: outputs[0].stderr.clone(),
    }
}

/// [`every_mode`] with the input on stdin.
fn every_mode_stdin(input: &[u8]) -> Modes {
    every_mode(&[], input, input, 0)
}

fn codes(json: &[serde_json::Value]) -> Vec<(u64, u64)> {
    json.iter()
        .map(|o| {
            (
                o["line_number"].as_u64().unwrap(),
                o["code"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

#[test]
fn empty_input() {
    let m = every_mode_stdin(b"");
    assert!(m.text.is_empty() && m.json.is_empty());
    assert!(
        m.summary_text.contains("Scanned 0 lines") && m.summary_text.contains("No WebSocket"),
        "{}",
        m.summary_text
    );
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, b"").unwrap();
    let m = every_mode(&[empty.as_os_str()], b"", b"", 0);
    assert!(m.text.is_empty() && m.stderr.is_empty());
}

#[test]
fn a_last_line_without_a_newline() {
    let input = b"first\nwebsocket: close 1006 (abnormal closure): unexpected EOF";
    let m = every_mode_stdin(input);
    assert!(m.text.starts_with(input));
    assert!(m.text.ends_with("⟫".as_bytes()), "no newline is added");
    assert_eq!(codes(&m.json), vec![(2, 1006)]);
    assert_eq!(m.summary["lines"], 2);
}

#[test]
fn cr_only_and_mixed_line_endings() {
    // Only `\n` ends a line; a lone `\r` is an ending only at the very end.
    let input = b"websocket: close 1006 (abnormal closure)\r\n\
                  ws closed close_code=4001\n\
                  a\rwebsocket: close 1001 (going away)\rb\r\n\
                  \r\n\r\r\n\
                  websocket: close 1000 (normal)\r";
    let m = every_mode_stdin(input);
    assert_eq!(
        codes(&m.json),
        vec![(1, 1006), (2, 4001), (3, 1001), (6, 1000)]
    );
    let text = String::from_utf8_lossy(&m.text);
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        lines[0].ends_with("⟫\r"),
        "annotation before CRLF: {:?}",
        lines[0]
    );
    assert!(lines[1].ends_with('⟫'));
    assert!(lines[2].starts_with("a\rwebsocket") && lines[2].ends_with("⟫\r"));
    assert!(text.ends_with("⟫\r"), "annotation before a last lone CR");
    // A CR-only file is one line.
    let cr_only = b"websocket: close 1006 (abnormal closure)\rws closed close_code=4001\rend";
    let m = every_mode_stdin(cr_only);
    assert_eq!(codes(&m.json), vec![(1, 1006), (1, 4001)]);
    assert_eq!(m.summary["lines"], 1);
}

#[test]
fn nul_bytes() {
    let input = b"\0\0websocket: close 1006 (abnormal closure)\0\n\0\n1006\0close\0\0\nws closed close_code=4001\0";
    let m = every_mode_stdin(input);
    assert_eq!(codes(&m.json)[0], (1, 1006));
    let line = m.json[0]["line"].as_str().unwrap();
    assert!(
        line.starts_with("\0\0websocket"),
        "NULs kept in the JSON string"
    );
    let plain = b"\n\0\n1006\0close\0\0\nws closed close_code=4001\0";
    assert!(m.text.windows(plain.len()).any(|w| w == plain));
}

#[test]
fn invalid_utf8_everywhere() {
    let mut input = Vec::new();
    input.extend_from_slice(b"\xffwebsocket: close 1006 (abnormal closure)\xfe\xfd\n");
    // Inside a would-be close code: not a code, and no part of it either.
    input.extend_from_slice(b"websocket: close 10\xff06 (abnormal closure)\n");
    input.extend_from_slice(b"ws closed close_code=40\x8001 reason=\"\xc3\x28\"\n");
    input.extend_from_slice(b"ws closed close_code=4002 reason=\"\xed\xa0\x80\xc0\xaf\"\n");
    // Every byte value, and pieces of the annotation's own brackets.
    input.extend((0u8..=255).filter(|&b| b != b'\n'));
    input.push(b'\n');
    let (open, close) = (" ⟪ws".as_bytes(), "⟫".as_bytes());
    input.extend_from_slice(&[open, b" 1000 x\xe2\x9f\n"].concat());
    input.extend_from_slice(&[open, b" 1000 \xff", close, b"\n"].concat());
    input.extend_from_slice(&[open, b" 1000 x", close, b"\xe2\n"].concat());
    input.extend_from_slice(b"\xe2\x9f\xaaws close_code=4003 \xe2\x9f\xab");
    let m = every_mode_stdin(&input);
    let found = codes(&m.json);
    assert!(found.contains(&(1, 1006)));
    assert!(
        !found.iter().any(|&(line, _)| line == 2 || line == 3),
        "a code broken by an invalid byte is not a code: {found:?}"
    );
    assert!(found.contains(&(4, 4002)));
    let line = m.json[0]["line"].as_str().unwrap();
    assert!(line.starts_with('\u{fffd}'), "lossy in JSON: {line:?}");
}

/// Writes a 200 MiB single line (plus `\n`) with close codes placed across
/// the 1 MiB and 4 MiB piece boundaries, and at the very end.
fn write_huge_line(path: &Path) -> u64 {
    const SIZE: u64 = 200 << 20;
    let mut block = Vec::with_capacity(1 << 16);
    while block.len() < 1 << 16 {
        block.extend_from_slice(b"k=v n=12 filler-data lorem ipsum 0123456789 ");
    }
    block.truncate(1 << 16);
    let marks: Vec<(u64, &[u8])> = vec![
        (
            (4 << 20) - 12,
            b" websocket: close 1006 (abnormal closure) ",
        ),
        (
            (8 << 20) - 20,
            b" ws closed close_code=4001 reason=expired ",
        ),
        ((1 << 20) - 14, b" CloseStatus[code=1008, reason=null] "),
        (100 << 20, b" websocket: close 1001 (going away) "),
        (SIZE - 40, b" received 1011 (internal error) x"),
    ];
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let mut at = 0u64;
    for (pos, text) in &marks {
        while at < *pos {
            let n = (pos - at).min(block.len() as u64) as usize;
            w.write_all(&block[..n]).unwrap();
            at += n as u64;
        }
        w.write_all(text).unwrap();
        at += text.len() as u64;
    }
    while at < SIZE {
        let n = (SIZE - at).min(block.len() as u64) as usize;
        w.write_all(&block[..n]).unwrap();
        at += n as u64;
    }
    w.write_all(b"\n").unwrap();
    w.flush().unwrap();
    at + 1
}

#[test]
fn a_200_mib_single_line_passes_through_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.log");
    let size = write_huge_line(&path);
    let expected = [1006u64, 1008, 4001, 1001, 1011];

    // Annotate text: stream the output and compare it with the file as it
    // comes, never holding either whole.
    let started = Instant::now();
    let mut child = command(&[])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });
    let mut file = std::fs::File::open(&path).unwrap();
    let body = size - 1; // the line without its `\n`
    let (mut compared, mut tail) = (0u64, Vec::new());
    let mut out_buf = vec![0u8; 1 << 20];
    let mut in_buf = vec![0u8; 1 << 20];
    loop {
        let n = stdout.read(&mut out_buf).unwrap();
        if n == 0 {
            break;
        }
        let mut chunk = &out_buf[..n];
        if compared < body {
            let take = chunk.len().min((body - compared) as usize);
            file.read_exact(&mut in_buf[..take]).unwrap();
            assert!(
                chunk[..take] == in_buf[..take],
                "output differs from the input near byte {compared}"
            );
            compared += take as u64;
            chunk = &chunk[take..];
        }
        tail.extend_from_slice(chunk);
        assert!(tail.len() < 1 << 16, "more output than an annotation");
    }
    let status = child.wait().unwrap();
    let stderr = err_reader.join().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(compared, body, "every input byte came out");
    let tail = String::from_utf8(tail).unwrap();
    assert!(tail.starts_with(" ⟪ws ") && tail.ends_with("⟫\n"), "{tail}");
    assert_eq!(strip(tail.as_bytes()), b"\n");
    for code in expected {
        assert!(
            tail.contains(&format!(" {code} ")),
            "{code} missing: {tail}"
        );
    }
    assert_eq!(
        stderr,
        format!(
            "wscode-annotate: {}: line 1 is longer than 4 MiB; it is passed through in pieces and scanned in windows\n",
            path.display()
        )
    );
    let annotate_took = started.elapsed();

    // The other modes, with the default and a smaller limit.
    for limit in [None, Some("1M")] {
        let mut json_args = vec!["--format", "json"];
        if let Some(l) = limit {
            json_args.extend(["--max-line-length", l]);
        }
        let out = run_command(
            {
                let mut c = command(&json_args);
                c.arg(&path);
                c
            },
            b"",
        );
        no_panic(&out, "json");
        assert_eq!(out.code, 0);
        let mut got: Vec<u64> = out
            .json()
            .iter()
            .map(|o| {
                assert_eq!(o["line_number"], 1);
                o["code"].as_u64().unwrap()
            })
            .collect();
        got.sort();
        let mut want = expected.to_vec();
        want.sort();
        assert_eq!(got, want, "limit {limit:?}");
        assert_eq!(
            out.stderr.matches("is longer than").count(),
            1,
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("it is scanned in windows"));
    }
    for args in [
        &["--summary", "--format", "json"][..],
        &["--summary", "-j", "1", "--format", "json"],
    ] {
        let mut cmd = command(args);
        cmd.arg(&path);
        let out = run_command(cmd, b"");
        no_panic(&out, "summary");
        assert_eq!(out.code, 0);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["lines"], 1);
        assert_eq!(v["bytes"], size);
        assert_eq!(v["events"], expected.len());
        assert_eq!(
            out.stderr.matches("is longer than").count(),
            1,
            "{}",
            out.stderr
        );
    }
    eprintln!("200 MiB line: annotate text took {annotate_took:?}");
}

#[test]
fn codes_across_piece_boundaries_are_found_at_every_offset() {
    // With a 1 KiB limit, a line's pieces start every 1024 bytes from the
    // line's start. Put a code across the first boundary at every offset.
    let phrase = b" websocket: close 1006 (abnormal closure) ";
    let mut input = Vec::new();
    let count = phrase.len() + 2;
    for k in 0..count {
        input.resize(input.len() + 1024 - k, b'x');
        input.extend_from_slice(phrase);
        input.resize(input.len() + 1500, b'y');
        input.push(b'\n');
    }
    let out = run(&["--max-line-length", "1K", "--format", "json"], &input);
    no_panic(&out, "json");
    let found = codes(&out.json());
    let want: Vec<(u64, u64)> = (1..=count as u64).map(|n| (n, 1006)).collect();
    assert_eq!(found, want);
    assert_eq!(
        out.stderr,
        "wscode-annotate: -: line 1 is longer than 1 KiB; it is scanned in windows\n"
    );
    let out = run(&["--max-line-length", "1K"], &input);
    assert_eq!(strip(&out.stdout), input);
    assert_eq!(newlines(&out.stdout), count);
    assert_eq!(out.stderr.matches("passed through in pieces").count(), 1);
    // A long line that ends like an annotation gets the marker, so the
    // round trip stays exact.
    let mut lookalike = vec![b'z'; 3000];
    lookalike.extend_from_slice(" ⟪ws 1000 Normal Closure⟫\r\n".as_bytes());
    lookalike.resize(lookalike.len() + 2000, b'q');
    lookalike.extend_from_slice(" ⟪ws".as_bytes());
    lookalike.resize(lookalike.len() + 2000, b'w');
    lookalike.extend_from_slice("⟫".as_bytes());
    let out = run(&["--max-line-length", "1K"], &lookalike);
    assert_eq!(strip(&out.stdout), lookalike);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .matches(" ⟪ws⟫")
            .count(),
        2
    );
    // Below the smallest limit: a usage error.
    let out = run(&["--max-line-length", "10"], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("at least 512 bytes"), "{}", out.stderr);
}

#[test]
fn only_matching_prints_a_long_line_whole_and_cuts_pieces_between_characters() {
    // A line of 4 KiB with its code in the middle and 2-byte characters
    // around it, a long line without a code, and a short one with a code.
    let mut with_code = "é".repeat(1000).into_bytes();
    with_code.extend_from_slice(b" websocket: close 1006 (abnormal closure): unexpected EOF ");
    with_code.extend_from_slice("ü".repeat(1000).as_bytes());
    with_code.push(b'\n');
    let mut input = b"a short line\n".to_vec();
    input.extend_from_slice(&with_code);
    input.extend_from_slice(&"ö".repeat(3000).into_bytes());
    input.extend_from_slice(b"\nwebsocket: close 1001 (going away)\n");
    let out = run(&["-o", "--max-line-length", "512"], &input);
    no_panic(&out, "-o");
    assert_eq!(out.code, 0);
    let mut want = with_code.clone();
    want.extend_from_slice(b"websocket: close 1001 (going away)\n");
    assert_eq!(strip(&out.stdout), want);
    assert!(std::str::from_utf8(&out.stdout).is_ok());
    // JSON's `line` is the long line's last piece, starting on a character.
    let out = run(&["--format", "json", "--max-line-length", "512"], &input);
    let lines: Vec<serde_json::Value> = out.json();
    assert_eq!(lines.len(), 2);
    for v in &lines {
        let line = v["line"].as_str().unwrap();
        assert!(!line.contains('\u{fffd}'), "{line}");
    }
    assert!(lines[0]["line"].as_str().unwrap().starts_with('ü'));
}

#[test]
fn only_matching_holds_a_very_long_line_in_a_temporary_file() {
    // 17 MiB before the code: more than -o holds in memory.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut line = vec![b'y'; 17 << 20];
    line.extend_from_slice(b" websocket: close 1011 (internal error)\n");
    let long = dir.join("long.log");
    std::fs::write(&long, &line).unwrap();
    let short = dir.join("short.log");
    std::fs::write(&short, b"websocket: close 1000 (normal)\n").unwrap();
    let mut cmd = command(&["-o", "-q", "--max-line-length", "1M"]);
    cmd.arg(&long).env("TMPDIR", dir);
    let out = run_command(cmd, b"");
    no_panic(&out, "-o, held");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        strip(&out.stdout) == line,
        "the line did not come out whole"
    );
    // Nothing is left in the temporary directory.
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().collect();
    assert_eq!(left.len(), 2);
    // No temporary directory: that input fails, the next is still read.
    let mut cmd = command(&["-o", "-q", "--max-line-length", "1M"]);
    cmd.arg(&long)
        .arg(&short)
        .env("TMPDIR", dir.join("missing"));
    let out = run_command(cmd, b"");
    no_panic(&out, "-o, no temporary directory");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("long.log: holding a long line for -o in")
            && out.stderr.ends_with("missing: No such file or directory\n"),
        "{}",
        out.stderr
    );
    assert_eq!(strip(&out.stdout), b"websocket: close 1000 (normal)\n");
}

/// One line with the distinct codes `codes` and `repeats` more of 1006.
fn many_codes(codes: std::ops::Range<u32>, repeats: usize) -> Vec<u8> {
    let mut line = b"ws closed".to_vec();
    for code in codes {
        line.extend_from_slice(format!(" close_code={code}").as_bytes());
    }
    for _ in 0..repeats {
        line.extend_from_slice(b" websocket: close 1006 (abnormal closure);");
    }
    line.push(b'\n');
    line
}

#[test]
fn thousands_of_close_codes_on_one_line() {
    // Every mode, on a line whose JSON (one object per code, each quoting
    // the line) stays small enough to check in full.
    let m = every_mode_stdin(&many_codes(1000..2000, 500));
    assert_eq!(m.json.len(), 1000, "one object per distinct code");
    assert_eq!(m.summary["events"], 1000);
    // Every close code there is, and 3000 more mentions: the annotation
    // lists each code once, and extraction stays fast (once quadratic: the
    // reason key was searched for again for every code).
    let line = many_codes(1000..5000, 3000);
    let started = Instant::now();
    for args in [&[][..], &["--summary", "--format", "json"]] {
        let out = run(args, &line);
        no_panic(&out, "many codes");
        assert_eq!(out.code, 0);
        if args.is_empty() {
            assert_eq!(strip(&out.stdout), line);
            assert_eq!(out.text().matches(" | ").count(), 3999);
        } else {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["events"], 4000);
        }
    }
    assert!(started.elapsed() < Duration::from_secs(20));
    // Formats whose reason runs to the end of the line (gorilla/websocket,
    // Python websockets): each of 20000 matches once reached the end of a
    // 1 MB line, and the run never ended.
    for mention in [
        &b"websocket: close 1006 (abnormal closure): unexpected EOF "[..],
        b"received 1011 (internal error) keepalive ping timeout ",
    ] {
        let mut line = mention.repeat(20_000);
        line.push(b'\n');
        let started = Instant::now();
        for args in [&[][..], &["--format", "json"]] {
            let out = run(args, &line);
            no_panic(&out, "a long line of codes with reasons");
            assert_eq!(out.code, 0);
            if args.is_empty() {
                assert_eq!(strip(&out.stdout), line);
            } else {
                assert_eq!(out.text().lines().count(), 1, "one code, once");
            }
        }
        assert!(started.elapsed() < Duration::from_secs(20));
    }
    // In JSON, that line is repeated for each of its 4000 codes: 800 MB of
    // output, which benches/resources.sh streams with bounded memory (the
    // parts of a batch scanned in parallel once held it all; see the unit
    // test in src/run.rs).
}

#[test]
fn fifty_digit_numbers_are_not_codes() {
    let digits = "12345678901234567890123456789012345678901234567890";
    let input = format!(
        "websocket close code={digits}\n\
         ws closed close_code={digits}\n\
         websocket: close {digits} (abnormal closure)\n\
         CloseStatus[code={digits}, reason=null]\n\
         Bad({digits})\n\
         {{\"msg\":\"ws closed\",\"close_code\":{digits}}}\n\
         ws closed close_code=-{digits}\n"
    );
    let m = every_mode_stdin(input.as_bytes());
    assert!(m.json.is_empty(), "{:?}", m.json);
    assert_eq!(m.summary["events"], 0);
    // lookup shows the number as typed, never a different one.
    let out = run(&["lookup", digits], b"");
    no_panic(&out, "lookup");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.text().starts_with(digits), "{}", out.text());
    assert!(!out.text().contains("18446744073709551615"));
    let out = run(&["lookup", "--format", "json", digits, "1006"], b"");
    assert_eq!(out.code, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["category"], "invalid");
    assert_eq!(v[1]["code"], 1006);
}

#[test]
fn ansi_escapes_around_a_code_never_reach_the_annotation() {
    let input = b"\x1b[31mwebsocket: close 1006 (abnormal closure)\x1b[0m\n\
                  ws closed close_code=\x1b[1m4001\x1b[0m\n\
                  \x1b]0;title\x07ws closed close_code=4002 reason=\"\x1b[2J\x1b]8;;http://x\x07evil\x9b31m\"\n";
    let m = every_mode_stdin(input);
    assert_eq!(codes(&m.json)[0], (1, 1006));
    for (line, expected) in m
        .text
        .split(|&b| b == b'\n')
        .zip(input.split(|&b| b == b'\n'))
    {
        assert!(line.starts_with(expected), "line passes through untouched");
        let annotation = &line[expected.len()..];
        assert!(
            !annotation.iter().any(|&b| b < 0x20 || b == 0x7f),
            "control bytes in the annotation: {annotation:?}"
        );
    }
    // The summary quotes reasons from the log: sanitised.
    assert!(
        !m.summary_text.contains(['\x1b', '\x07', '\u{9b}']),
        "{:?}",
        m.summary_text
    );
    // With colour, the only escapes in an annotation are its own SGR ones.
    let out = run(&["--color", "always"], input);
    let sgr = regex::bytes::Regex::new(r"\x1b\[[0-9;]*m").unwrap();
    for (line, expected) in out
        .stdout
        .split(|&b| b == b'\n')
        .zip(input.split(|&b| b == b'\n'))
    {
        let annotation = sgr.replace_all(&line[expected.len()..], &b""[..]);
        assert!(!annotation.contains(&0x1b), "{annotation:?}");
    }
    let out = run(&["--summary", "--color", "always"], input);
    let plain = sgr.replace_all(&out.stdout, &b""[..]);
    assert!(!plain.contains(&0x1b) && !plain.contains(&0x07));
}

#[test]
fn almost_json() {
    let input = b"{\"msg\":\"ws closed\",\"close_code\":4001,\"reason\":\"token expired\"\n\
                  {'close_code': 4002}\n\
                  {\"msg\":\"ws closed\",\"close_code\":4003,}\n\
                  {\"msg\":\"ws closed\",\"close_code\":\"4004\"}\n\
                  {\"msg\":\"ws closed\",\"close_code\":1e3}\n\
                  {\"msg\":\"ws closed\",\"close_code\":\n\
                  {\"msg\":\"ws closed\",\"close_code\":4005\\\"}\n\
                  {\"msg\":\"websocket closed\",\"code\":1006\n\
                  {\"msg\":\"ws closed\",\"close_code\":{\"code\":4006}}\n\
                  {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\n\
                  }}}}}}}]]]]]]]\"\"\"\"\\\\\\\n";
    let m = every_mode_stdin(input);
    let found = codes(&m.json);
    for want in [(1, 4001), (2, 4002), (3, 4003), (4, 4004), (8, 1006)] {
        assert!(found.contains(&want), "{want:?} in {found:?}");
    }
    assert!(!found.iter().any(|&(line, _)| line == 5 || line == 6));
}

fn make_fifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo failed");
}

#[test]
fn a_fifo_is_read_like_a_file() {
    let input = b"a\nwebsocket: close 1006 (abnormal closure)\nws closed close_code=4001\nend";
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    make_fifo(&fifo);
    for (name, flags) in MODES
        .iter()
        .chain([("summary -j2", &["-s", "-j", "2"][..])].iter())
    {
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut w = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
                w.write_all(input).unwrap();
            })
        };
        let mut cmd = command(flags);
        cmd.arg(&fifo);
        let out = run_command(cmd, b"");
        writer.join().unwrap();
        no_panic(&out, name);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let from_stdin = run(flags, input);
        let same = |s: &[u8]| String::from_utf8_lossy(s).replace(&*fifo.to_string_lossy(), "-");
        assert_eq!(same(&out.stdout), same(&from_stdin.stdout), "{name}");
    }
}

#[test]
fn dev_stdin_is_read_like_dash() {
    let input = b"websocket: close 1006 (abnormal closure)\nplain\n";
    let m = every_mode(&[os("/dev/stdin")], input, input, 0);
    assert_eq!(m.json[0]["source"], "/dev/stdin");
    assert_eq!(m.text, run(&[], input).stdout);
}

#[test]
fn a_directory_is_reported_and_the_other_inputs_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.log");
    let content = b"websocket: close 1006 (abnormal closure)\n";
    std::fs::write(&file, content).unwrap();
    let sub = dir.path().join("logs");
    std::fs::create_dir(&sub).unwrap();
    let m = every_mode(&[sub.as_os_str(), file.as_os_str()], b"", content, 2);
    let prefix = format!("wscode-annotate: {}: is a directory (", sub.display());
    assert!(m.stderr.starts_with(&prefix), "{}", m.stderr);
    assert_eq!(m.stderr.lines().count(), 1, "{}", m.stderr);
    assert_eq!(m.summary["inputs"].as_array().unwrap().len(), 2);
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn a_file_without_read_permission() {
    use std::os::unix::fs::PermissionsExt;
    if running_as_root() {
        eprintln!(
            "skipped a_file_without_read_permission: running as root, which reads any file whatever its mode"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked.log");
    std::fs::write(&locked, b"websocket: close 1006 (abnormal closure)\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let ok = dir.path().join("ok.log");
    std::fs::write(&ok, b"fine\n").unwrap();
    let m = every_mode(&[locked.as_os_str(), ok.as_os_str()], b"", b"fine\n", 2);
    assert_eq!(
        m.stderr,
        format!("wscode-annotate: {}: Permission denied\n", locked.display())
    );
}

/// A log of `lines` numbered lines, every 100th with a close code.
fn numbered_log(lines: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 0..lines {
        if i % 100 == 0 {
            writeln!(v, "{i:08} websocket: close 1006 (abnormal closure)").unwrap();
        } else {
            writeln!(v, "{i:08} GET /api/items?page={i} 200 1011 0.012").unwrap();
        }
    }
    v
}

/// Starts the binary on `path` in annotate mode, reads a little of its
/// output (so it has opened the file and is blocked writing), runs
/// `meanwhile`, then reads the rest.
fn while_reading(path: &Path, meanwhile: impl FnOnce()) -> (Vec<u8>, String, i32) {
    let mut child = command(&["-j", "1"])
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = vec![0u8; 4096];
    stdout.read_exact(&mut first).unwrap();
    meanwhile();
    stdout.read_to_end(&mut first).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    (first, err, status.code().unwrap())
}

#[test]
fn a_file_truncated_while_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rotating.log");
    let original = numbered_log(400_000); // about 20 MiB
    std::fs::write(&path, &original).unwrap();
    let keep = 1 << 20;
    let (out, err, code) = while_reading(&path, || {
        // copytruncate-style rotation: the file shrinks under the reader.
        let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len(keep as u64).unwrap();
    });
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let back = strip(&out);
    assert!(back.len() >= keep, "what is still there is read");
    assert!(
        original.starts_with(&back),
        "what came out is the file as it was, up to where reading stopped"
    );
    assert!(
        back.len() < original.len(),
        "the reader stops at the new end"
    );
}

#[test]
fn a_file_that_grows_while_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("growing.log");
    let original = numbered_log(200_000);
    std::fs::write(&path, &original).unwrap();
    let more = b"appended websocket: close 1001 (going away)\n".repeat(1000);
    let (out, err, code) = while_reading(&path, || {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(&more).unwrap();
    });
    assert_eq!(code, 0, "{err}");
    let back = strip(&out);
    let grown = [original.clone(), more.clone()].concat();
    assert!(grown.starts_with(&back) && back.len() >= original.len());
    assert_eq!(
        back.len(),
        grown.len(),
        "appended before the end was reached: read too"
    );
}

#[test]
fn a_file_deleted_after_opening_is_read_to_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deleted.log");
    let original = numbered_log(200_000);
    std::fs::write(&path, &original).unwrap();
    let (out, err, code) = while_reading(&path, || std::fs::remove_file(&path).unwrap());
    assert_eq!(code, 0, "{err}");
    assert!(strip(&out) == original);
    // Deleted before it is opened: reported, the rest still read.
    let gone = dir.path().join("gone.log");
    let m = every_mode(&[gone.as_os_str()], b"", b"", 2);
    assert_eq!(
        m.stderr,
        format!(
            "wscode-annotate: {}: No such file or directory\n",
            gone.display()
        )
    );
}

#[test]
fn more_than_a_thousand_file_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    let mut all = Vec::new();
    for i in 0..1100 {
        let p = dir.path().join(format!("{i:04}.log"));
        let content = if i % 10 == 0 {
            format!("{i} websocket: close 1006 (abnormal closure)\n")
        } else {
            format!("{i} plain\n")
        };
        std::fs::write(&p, &content).unwrap();
        all.extend_from_slice(content.as_bytes());
        paths.push(p);
    }
    let args: Vec<&OsStr> = paths.iter().map(|p| p.as_os_str()).collect();
    let m = every_mode(&args, b"", &all, 0);
    assert_eq!(m.json.len(), 110);
    assert_eq!(m.summary["inputs"].as_array().unwrap().len(), 1100);
    assert!(
        m.summary_text.contains("in 1,100 inputs"),
        "{}",
        m.summary_text
    );
    // Each file is closed after it is read: 1100 files with 64 descriptors.
    for (name, flags) in MODES {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(r#"ulimit -n 64 && exec "$@""#)
            .arg("sh")
            .arg(bin())
            .args(*flags)
            .args(&paths)
            .env_remove("WSCODE_CODES")
            .env_remove("NO_COLOR");
        let out = run_command(cmd, b"");
        no_panic(&out, name);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
    }
}

#[test]
fn arguments_that_are_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"caf\xe9-\xff.log");
    let path = dir.path().join(name);
    let content = b"websocket: close 1006 (abnormal closure)\n";
    std::fs::write(&path, content).unwrap();
    let m = every_mode(&[path.as_os_str()], b"", content, 0);
    let source = m.json[0]["source"].as_str().unwrap();
    assert!(source.ends_with("caf\u{fffd}-\u{fffd}.log"), "{source}");
    // Missing, not UTF-8: reported with the name decoded lossily.
    let missing = dir.path().join(OsStr::from_bytes(b"no-\xfe.log"));
    let m = every_mode(&[missing.as_os_str()], b"", b"", 2);
    assert!(
        m.stderr
            .contains("no-\u{fffd}.log: No such file or directory"),
        "{}",
        m.stderr
    );
    // Flags that take text: a usage error, never a panic.
    let bad = OsStr::from_bytes(b"\xff\xfe");
    for flags in [
        &["--pattern"][..],
        &["--category"],
        &["--code"],
        &["--fail-on"],
        &["lookup"],
        &["lookup", "--category"],
    ] {
        let mut cmd = command(flags);
        cmd.arg(bad);
        let out = run_command(cmd, b"");
        no_panic(&out, &format!("{flags:?}"));
        assert_eq!(out.code, 2, "{flags:?}: {}", out.stderr);
        assert!(out.stderr.contains("UTF-8"), "{flags:?}: {}", out.stderr);
    }
    // --codes takes a path: not UTF-8 is fine, missing is an error.
    let mut cmd = command(&["--codes"]);
    cmd.arg(dir.path().join(bad));
    let out = run_command(cmd, b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("No such file or directory"),
        "{}",
        out.stderr
    );
}

/// A small deterministic generator (xorshift), so the test needs no seed file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_bytes_with_log_fragments_in_every_mode() {
    const FRAGMENTS: &[&[u8]] = &[
        b"websocket: close 1006 (abnormal closure)",
        b"ws closed close_code=",
        b"CloseStatus[code=1008, reason=",
        b"\r\n",
        b"\n",
        b"\r",
        b"\0",
        b"\x1b[31m",
        " ⟪ws 1000 x⟫".as_bytes(),
        "⟪".as_bytes(),
        "⟫".as_bytes(),
        b"4001",
        b"99999",
        b"{\"close_code\":",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut input = Vec::new();
    while input.len() < 1 << 20 {
        let r = rng.next();
        if r % 3 == 0 {
            input.extend_from_slice(FRAGMENTS[(r >> 8) as usize % FRAGMENTS.len()]);
        } else {
            input.extend((0..(r >> 16) % 16).map(|_| rng.next() as u8));
        }
    }
    every_mode_stdin(&input);
    // And with long lines in pieces.
    let out = run(&["--max-line-length", "512"], &input);
    no_panic(&out, "512-byte limit");
    assert!(strip(&out.stdout) == input);
}

#[test]
fn a_pathological_pattern_gets_a_clear_error_not_a_hang() {
    for pattern in [
        r"(?P<code>(a*)*{1000}{1000})",
        r"(?P<code>\d{1000}{1000})",
        r"(?P<code>\w{100000})",
        r"((((((((((a*)*)*)*)*)*)*)*)*)*)*(?P<code>\d+){65535}",
    ] {
        let started = Instant::now();
        let out = run(&["--pattern", pattern], b"x\n");
        no_panic(&out, pattern);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{pattern} took too long"
        );
        assert_eq!(out.code, 2, "{pattern}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("wscode-annotate: --pattern '") && out.stderr.contains("limit"),
            "{pattern}: {}",
            out.stderr
        );
    }
    // A pattern that compiles runs in time linear in the input, even one
    // that backtracks exponentially in other engines.
    let line = format!("{}!\n", "a".repeat(100_000));
    let started = Instant::now();
    let out = run(
        &["--pattern", r"(?P<code>\d+)|(a|a)*(a|aa)*b"],
        line.as_bytes(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, line.as_bytes());
    assert!(started.elapsed() < Duration::from_secs(20));
}

fn table_error(path: &Path) -> Output {
    let mut cmd = command(&["--codes"]);
    cmd.arg(path);
    let out = run_command(cmd, b"websocket: close 1006 (abnormal closure)\n");
    no_panic(&out, "table");
    out
}

#[test]
fn a_huge_or_weird_code_table_is_rejected_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let head = "name = \"acme\"\nsource = \"runbook\"\n";
    let entry = |code: u32, name: &str| {
        format!(
            "[[codes]]\ncode = {code}\nname = \"{name}\"\ncategory = \"policy\"\nmeaning = \"m.\"\nrecovery = \"r.\"\nreconnect = \"after-fix\"\n"
        )
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("esc.toml", format!("{head}{}", entry(4001, "Bad\\u001b[31m")), "acme"),
        ("bell.json", r#"{"name":"acme","source":"s","codes":[{"code":4001,"name":"x\u0007","category":"policy","meaning":"m","recovery":"r","reconnect":"after-fix"}]}"#.to_string(), ""),
        ("c1.toml", format!("{head}{}", entry(4001, "x\u{9b}31m")), ""),
        ("bidi.toml", format!("{head}{}", entry(4001, "abc\u{202e}cba")), ""),
        ("bracket.toml", format!("{head}{}", entry(4001, "x⟫ y")), ""),
        ("nul.toml", format!("{head}{}", entry(4001, "x\\u0000")), ""),
        ("big-code.toml", format!("{head}{}", entry(99999999, "x")), ""),
        ("deep.toml", format!("{head}x = {}{}", "[".repeat(5000), "]".repeat(5000)), ""),
        ("deep.json", format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)), ""),
        ("long-line.toml", format!("{head}source2 = \"{}\"\n", "s".repeat(1 << 20)), ""),
    ];
    for (file, text, _) in &cases {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        let started = Instant::now();
        let out = table_error(&path);
        assert_eq!(out.code, 2, "{file}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{file}: nothing is annotated");
        let prefix = format!("wscode-annotate: {}:", path.display());
        assert!(out.stderr.starts_with(&prefix), "{file}: {}", out.stderr);
        assert_eq!(
            out.stderr.lines().count(),
            1,
            "{file}: one line: {}",
            out.stderr
        );
        assert!(started.elapsed() < Duration::from_secs(10), "{file}");
    }
    // Far more than any real table: refused before it is parsed.
    let huge = dir.path().join("huge.toml");
    let mut w = BufWriter::new(std::fs::File::create(&huge).unwrap());
    w.write_all(head.as_bytes()).unwrap();
    for _ in 0..(40 << 20) / 64 {
        w.write_all(format!("# {}\n", "x".repeat(61)).as_bytes())
            .unwrap();
    }
    drop(w);
    let out = table_error(&huge);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("larger than"), "{}", out.stderr);
    // An endless device is not read forever.
    let started = Instant::now();
    let out = table_error(Path::new("/dev/zero"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(started.elapsed() < Duration::from_secs(10));
    // A table from a pipe (`--codes <(...)`) still works.
    let fifo = dir.path().join("table-pipe");
    make_fifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        let text = format!("{head}{}", entry(4001, "Pipe Code"));
        std::thread::spawn(move || {
            let mut w = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            w.write_all(text.as_bytes()).unwrap();
        })
    };
    let mut cmd = command(&["lookup", "--codes"]);
    cmd.arg(&fifo).arg("4001");
    let out = run_command(cmd, b"");
    writer.join().unwrap();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.text().contains("Pipe Code"));
}

#[test]
fn lookup_text_carries_no_control_characters() {
    // Every bundled table and the registry, as lookup prints them.
    for args in [
        &["lookup"][..],
        &[
            "lookup",
            "--codes",
            "graphql-ws",
            "--codes",
            "discord-gateway",
        ],
        &["tables"],
        &["lookup", "\x1b[31m1006"],
        &["lookup", "\x1b]0;x\x07"],
    ] {
        let out = run(args, b"");
        no_panic(&out, &format!("{args:?}"));
        assert!(out.code <= 1, "{args:?}: {}", out.stderr);
        assert!(
            !out.stdout
                .iter()
                .any(|&b| (b < 0x20 && b != b'\n') || b == 0x7f),
            "{args:?}: control bytes on stdout"
        );
    }
}

#[test]
fn paths_inside_the_log_are_never_followed() {
    // A log naming files and commands: nothing is read, run or written.
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("written");
    let input = format!(
        "include {}\n$(touch {}) `touch {}` websocket: close 1006 (abnormal closure) file:///etc/shadow\n",
        "/etc/passwd",
        marker.display(),
        marker.display()
    );
    let m = every_mode_stdin(input.as_bytes());
    assert_eq!(m.json.len(), 1);
    assert!(!marker.exists());
    assert!(!String::from_utf8_lossy(&m.text).contains("root:"));
}

#[test]
fn an_unterminated_last_line_of_exactly_the_limit() {
    // Found by the `annotate` fuzz target: at the limit, the buffer is full
    // before the end of the input shows, so the line comes in pieces. It
    // still passes through whole, with its codes, and is noted as long.
    let mut input = b"first websocket: close 1001 (going away)\n".to_vec();
    let start = input.len();
    input.extend_from_slice(b"ws closed with CloseStatus[code=1000, reason=null] ");
    input.resize(start + 1024, b'.');
    let out = run(&["--max-line-length", "1K"], &input);
    no_panic(&out, "text");
    assert_eq!(out.code, 0);
    assert_eq!(strip(&out.stdout), input);
    let out = run(&["--max-line-length", "1K", "--format", "json"], &input);
    assert_eq!(codes(&out.json()), vec![(1, 1001), (2, 1000)]);
    // With its newline, a line of exactly the limit is kept whole.
    input.truncate(start + 1023);
    input.push(b'\n');
    let out = run(&["--max-line-length", "1K", "--format", "json"], &input);
    assert_eq!(codes(&out.json()), vec![(1, 1001), (2, 1000)]);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn a_json_table_error_names_the_column_in_characters() {
    // Found by the `tables` fuzz target: serde_json counts columns in
    // bytes, so text with multi-byte characters gave a column past the end
    // of the line. The column is in characters, as for TOML.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    std::fs::write(&path, "{\n  \"name\": \"é\u{feff}é\u{1}\"\n}\n").unwrap();
    let out = table_error(&path);
    assert_eq!(out.code, 2);
    // The control character is the 15th character of line 2 (its 19th byte).
    let at = format!("wscode-annotate: {}:2:15: ", path.display());
    assert!(out.stderr.starts_with(&at), "{}", out.stderr);
}

#[test]
fn a_table_error_quoting_a_bad_value_stays_one_safe_line() {
    // Found by the `tables` fuzz target: an error quotes the offending
    // value, and a newline in it split the message in two; an escape
    // sequence in it would have reached the terminal.
    let dir = tempfile::tempdir().unwrap();
    let head = "name = \"acme\"\nsource = \"runbook\"\n[[codes]]\ncode = 4001\nname = \"x\"\n";
    let tail = "meaning = \"m.\"\nrecovery = \"r.\"\nreconnect = \"after-fix\"\n";
    for (file, text) in [
        ("nl.toml", format!("{head}category = \"tr\\nsient\"\n{tail}")),
        ("esc.toml", format!("{head}category = \"\\u001b[2J\"\n{tail}")),
        ("nl.json", r#"{"name":"acme","source":"s","codes":[{"code":4001,"name":"x","category":"tr\nsient","meaning":"m","recovery":"r","reconnect":"after-fix"}]}"#.to_string()),
        ("field.json", r#"{"name":"acme","source":"s","codes":[],"a\u001b]0;x\u0007":1}"#.to_string()),
    ] {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        let out = table_error(&path);
        assert_eq!(out.code, 2, "{file}");
        assert_eq!(out.stderr.lines().count(), 1, "{file}: {:?}", out.stderr);
        assert!(
            !out.stderr.contains(['\x1b', '\x07']),
            "{file}: {:?}",
            out.stderr
        );
    }
}
