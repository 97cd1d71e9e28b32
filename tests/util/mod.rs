//! What every test module shares: running the real binary with a scrubbed
//! environment (stdin fed from a thread, so large inputs cannot deadlock
//! against a full stdout pipe), the paths of fixtures, the one reader of
//! `fixtures/formats.tsv`, and the README's strip pattern.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;

/// What a run printed and how it ended.
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub code: i32,
}

impl Output {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// The JSON Lines output, parsed.
    pub fn json(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wscode-annotate"))
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// One row of `fixtures/formats.tsv`: a line a library prints and the codes
/// it reports (none for a `-` row, a line that must give nothing).
pub struct FormatRow {
    pub library: String,
    /// Where the line's format comes from (repository, file, function).
    pub source: String,
    pub expect: Vec<u64>,
    pub line: String,
}

/// Every row of `fixtures/formats.tsv`, in file order: the header and any
/// `#` comment line skipped, every other row checked to have its four
/// tab-separated columns (`library source expect line`).
pub fn format_rows() -> Vec<FormatRow> {
    let path = fixture("formats.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("library\tsource\texpect\tline"),
        "formats.tsv starts with its header"
    );
    lines
        .filter(|row| !row.starts_with('#'))
        .map(|row| {
            let cols: Vec<&str> = row.splitn(4, '\t').collect();
            assert_eq!(cols.len(), 4, "malformed fixture row: {row}");
            let expect = if cols[2] == "-" {
                Vec::new()
            } else {
                cols[2]
                    .split(' ')
                    .map(|c| c.parse().unwrap_or_else(|e| panic!("{e}: {row}")))
                    .collect()
            };
            FormatRow {
                library: cols[0].to_string(),
                source: cols[1].to_string(),
                expect,
                line: cols[3].to_string(),
            }
        })
        .collect()
}

/// A command for the binary with no inherited colour or tool settings.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("WSCODE_CODES")
        .env_remove("WSCODE_CONFIG")
        // No configuration file unless a test writes one.
        .env("XDG_CONFIG_HOME", "/nonexistent/wscode-annotate-tests")
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// Runs the binary with `stdin` as input.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    run_command(command(args), stdin)
}

pub fn run_command(cmd: Command, stdin: &[u8]) -> Output {
    try_run_command(cmd, stdin).expect("binary starts")
}

/// Runs `cmd` with `stdin` as input; an error when it cannot be started
/// (a program that is not installed).
pub fn try_run_command(mut cmd: Command, stdin: &[u8]) -> std::io::Result<Output> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut stdout = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    let status = child.wait().unwrap();
    feeder.join().unwrap();
    Ok(Output {
        stdout,
        stderr: err_reader.join().unwrap(),
        code: status.code().expect("exited normally, not by a signal"),
    })
}

/// Everything left on a child's pipe, lossily as text.
pub fn read_string(mut pipe: impl Read) -> String {
    let mut bytes = Vec::new();
    pipe.read_to_end(&mut bytes).expect("the pipe reads");
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The strip patterns from the README, line by line: an annotation ending
/// in `⏎⟫` goes with the newline the tool added, others alone.
pub fn strip(output: &[u8]) -> Vec<u8> {
    let join = regex::bytes::Regex::new(r" ⟪ws[^⟪⟫]*⏎⟫(\r?)\n\z").unwrap();
    let re = regex::bytes::Regex::new(r" ⟪ws[^⟪⟫]*⟫(\r?)$").unwrap();
    let mut back = Vec::new();
    for line in output.split_inclusive(|&b| b == b'\n') {
        if join.is_match(line) {
            back.extend_from_slice(&join.replace(line, &b"$1"[..]));
            continue;
        }
        let (text, lf) = match line.strip_suffix(b"\n") {
            Some(t) => (t, &b"\n"[..]),
            None => (line, &b""[..]),
        };
        back.extend_from_slice(&re.replace(text, &b"$1"[..]));
        back.extend_from_slice(lf);
    }
    back
}
