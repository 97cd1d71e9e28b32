//! `--summary`, `--fail-on`, `--format github|prometheus` on the real binary.

use crate::util::{self, fixture, run};

fn sample() -> String {
    fixture("sample.log").to_str().unwrap().to_string()
}

#[test]
fn text_summary_counts_categories_codes_reasons_and_times() {
    let out = run(&["--summary", &sample()], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.text();
    assert!(text.starts_with("Scanned 70 lines"), "{text}");
    assert!(text.contains("13 with close codes"));
    let row_1006 = text
        .lines()
        .find(|l| l.trim_start().starts_with("1006 "))
        .unwrap();
    assert!(
        row_1006.contains("Abnormal Closure") && row_1006.contains(" 5 "),
        "{row_1006}"
    );
    assert!(text.contains("reasons: unexpected EOF × 4"), "{text}");
    assert!(text.contains("Origin not allowed × 1"));
    assert!(text.contains("Timeline: close events per 10 seconds"));
    assert!(text.contains("busiest: 2026-11-24T03:12:40Z (3)"), "{text}");
    assert!(!text.contains("\u{1b}["), "no colour into a pipe");
}

#[test]
fn json_summary_has_the_documented_schema() {
    let out = run(&["--summary", "--format", "json", &sample()], b"");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "wscode-annotate/summary/1");
    assert_eq!(v["lines"], 70);
    assert_eq!(v["lines_with_codes"], 13);
    assert_eq!(v["events"], 13);
    assert_eq!(v["first_time"], "2026-11-24T03:12:10Z");
    let codes = v["codes"].as_array().unwrap();
    assert_eq!(codes[0]["code"], 1006);
    assert_eq!(codes[0]["count"], 5);
    assert_eq!(codes[0]["first_line"]["line"], 13);
    assert_eq!(codes[0]["last_line"]["line"], 62);
    assert_eq!(codes[0]["reasons"][0]["reason"], "unexpected EOF");
    let rejected = codes.iter().find(|c| c["code"] == 1005).unwrap();
    assert_eq!(
        (
            rejected["category"].as_str(),
            rejected["rejected"].as_bool()
        ),
        (Some("invalid"), Some(true))
    );
    let categories: Vec<&str> = v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["category"].as_str().unwrap())
        .collect();
    assert_eq!(
        categories,
        ["transient", "error", "policy", "application", "invalid"]
    );
    let buckets = v["timeline"]["buckets"].as_array().unwrap();
    assert_eq!(
        buckets
            .iter()
            .map(|b| b["events"].as_u64().unwrap())
            .sum::<u64>(),
        13
    );
}

#[test]
fn several_inputs_are_counted_apart_and_together() {
    let s = sample();
    let out = run(
        &["--summary", "--format", "json", &s, "-"],
        b"websocket: close 1006 (abnormal closure)\nplain\n",
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"], 72);
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(
        (inputs[1]["source"].as_str(), inputs[1]["lines"].as_u64()),
        (Some("-"), Some(2))
    );
    assert_eq!(v["codes"][0]["count"], 6);
    assert_eq!(v["codes"][0]["last_line"]["source"], "-");
    let text = run(
        &["--summary", &s, "-"],
        b"websocket: close 1006 (abnormal closure)\n",
    )
    .text();
    assert!(text.contains("Per input"), "{text}");
}

#[test]
fn the_summary_equals_the_per_line_json_aggregated() {
    let input = std::fs::read(fixture("sample.log")).unwrap();
    let lines = run(&["--format", "json"], &input).json();
    let summary: serde_json::Value =
        serde_json::from_slice(&run(&["--summary", "--format", "json"], &input).stdout).unwrap();
    for code in summary["codes"].as_array().unwrap() {
        let n = lines
            .iter()
            .filter(|o| o["code"] == code["code"] && o["rejected"] == code["rejected"])
            .count();
        assert_eq!(
            code["count"].as_u64().unwrap() as usize,
            n,
            "{}",
            code["code"]
        );
    }
    assert_eq!(summary["events"].as_u64().unwrap() as usize, lines.len());
}

#[test]
fn prometheus_output_follows_the_exposition_format() {
    let out = run(&["--format", "prometheus", &sample()], b"");
    assert_eq!(out.code, 0);
    let text = out.text();
    let sample_line =
        regex::Regex::new(r#"^wscode_annotate_[a-z_]+(\{([a-z_]+="[^"\\]*",?)+\})? [0-9]+$"#)
            .unwrap();
    for line in text.lines() {
        assert!(
            line.starts_with("# HELP wscode_annotate_")
                || line.starts_with("# TYPE wscode_annotate_")
                || sample_line.is_match(line),
            "bad line: {line}"
        );
    }
    assert!(text.contains(r#"wscode_annotate_close_codes{code="1006",name="Abnormal Closure",category="error",rejected="false"} 5"#));
    assert!(text.contains("wscode_annotate_scanned_lines 70"));
    assert!(text.contains(r#"wscode_annotate_close_code_category{category="error"} 6"#));
}

#[test]
fn fail_on_trips_with_status_one_and_says_why() {
    let s = sample();
    let out = run(&["--summary", "--fail-on", "error", &s], b"");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr.trim(),
        "wscode-annotate: --fail-on error: 6 lines matched (limit 0)"
    );
    // Under the limit: no trip.
    let out = run(&["-o", "--fail-on", "1006>5,protocol", &s], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.text().lines().count(),
        13,
        "annotate output is unchanged by a gate"
    );
    let out = run(&["--fail-on", "1006>4,invalid", &s], b"");
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "wscode-annotate: --fail-on 1006>4: 5 lines matched (limit 4)",
            "wscode-annotate: --fail-on invalid: 1 line matched (limit 0)"
        ]
    );
    // An error wins over a gate.
    let out = run(&["--fail-on", "error", &s, "/nonexistent/x.log"], b"");
    assert_eq!(out.code, 2);
    // A malformed spec is a usage error naming the bad part.
    let out = run(&["--fail-on", "error,1006>lots", &s], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("'1006>lots'"), "{}", out.stderr);
    let out = run(&["--fail-on", "errors", &s], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown category 'errors'"),
        "{}",
        out.stderr
    );
}

#[test]
fn github_format_prints_workflow_commands() {
    let s = sample();
    let out = run(&["--format", "github", &s], b"");
    assert_eq!(out.code, 0);
    let text = out.text();
    assert_eq!(text.lines().count(), 13);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "::error file={},line=13,title=WebSocket close 1006 Abnormal Closure::error: ",
            s.replace(':', "%3A")
        )),
        "{first}"
    );
    assert!(text
        .lines()
        .any(|l| l.starts_with("::warning ") && l.contains("4001")));
    let piped = run(
        &["--format", "github"],
        b"ws closed close_code=1000 a%b\r\n",
    )
    .text();
    assert!(
        piped.starts_with("::notice title=WebSocket close 1000 Normal Closure::"),
        "{piped}"
    );
    assert!(piped.contains("a%25b"), "{piped}");
    let out = run(&["--summary", "--format", "github", &s], b"");
    assert_eq!(out.code, 2);
}

#[test]
fn merge_combines_json_summaries_from_separate_runs() {
    let dir = tempfile::tempdir().unwrap();
    let input = std::fs::read_to_string(fixture("sample.log")).unwrap();
    let lines: Vec<&str> = input.split_inclusive('\n').collect();
    let (a, b) = lines.split_at(30);
    let (pa, pb) = (dir.path().join("a.log"), dir.path().join("b.log"));
    std::fs::write(&pa, a.concat()).unwrap();
    std::fs::write(&pb, b.concat()).unwrap();
    let summarize = |p: &std::path::Path| {
        let out = run(&["--summary", "--format", "json", p.to_str().unwrap()], b"");
        let path = p.with_extension("json");
        std::fs::write(&path, &out.stdout).unwrap();
        path
    };
    let (ja, jb) = (summarize(&pa), summarize(&pb));
    // Merging one summary gives it back unchanged.
    let one = run(&["merge", "--format", "json", ja.to_str().unwrap()], b"");
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout, std::fs::read(&ja).unwrap());
    // Two halves add up to the whole, with both inputs listed.
    let merged = run(
        &[
            "merge",
            "--format",
            "json",
            ja.to_str().unwrap(),
            jb.to_str().unwrap(),
        ],
        b"",
    );
    let m: serde_json::Value = serde_json::from_slice(&merged.stdout).unwrap();
    let whole: serde_json::Value =
        serde_json::from_slice(&run(&["--summary", "--format", "json", &sample()], b"").stdout)
            .unwrap();
    for key in [
        "lines",
        "bytes",
        "lines_with_codes",
        "events",
        "first_time",
        "last_time",
        "categories",
        "timeline",
    ] {
        assert_eq!(m[key], whole[key], "{key}");
    }
    assert_eq!(m["inputs"].as_array().unwrap().len(), 2);
    let c1006 = m["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == 1006)
        .unwrap();
    assert_eq!(c1006["count"], 5);
    assert_eq!(c1006["first_line"]["source"], pa.to_str().unwrap());
    assert_eq!(c1006["last_line"]["source"], pb.to_str().unwrap());
    // Text and Prometheus too; a bad file is reported, the rest merged, status 2.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"not\": \"a summary\"}").unwrap();
    let out = run(
        &[
            "merge",
            ja.to_str().unwrap(),
            bad.to_str().unwrap(),
            jb.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.code, 2);
    assert!(out.text().starts_with("Scanned 70 lines"), "{}", out.text());
    assert!(
        out.stderr
            .contains("bad.json: not a wscode-annotate JSON summary"),
        "{}",
        out.stderr
    );
    let prom = run(
        &[
            "merge",
            "--format",
            "prometheus",
            ja.to_str().unwrap(),
            jb.to_str().unwrap(),
        ],
        b"",
    );
    assert!(prom.text().contains("wscode_annotate_scanned_lines 70"));
}

/// A reason ends where the JSON or logfmt value holding it ends, with its
/// escapes decoded: one reason, not one per connection id after it.
#[test]
fn reasons_end_with_the_value_that_holds_them() {
    let mut input = String::new();
    for i in 0..40 {
        input.push_str(&format!(
            "{{\"level\":\"warn\",\"error\":\"websocket: close 1006 (abnormal closure): unexpected EOF\",\"conn\":\"c-{i}\"}}\n"
        ));
        input.push_str(&format!(
            "level=warn error=\"websocket: close 1006 (abnormal closure): unexpected EOF\" conn=c-{i}\n"
        ));
    }
    input.push_str("{\"msg\":\"ws closed\",\"code\":4001,\"reason\":\"token \\\"t-9\\\" expired\",\"pod\":\"gw-1\"}\n");
    let out = run(&["-s", "--format", "json"], input.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.text()).unwrap();
    let codes = v["codes"].as_array().unwrap();
    let reasons = |code: u64| {
        codes.iter().find(|c| c["code"] == code).unwrap()["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["reason"].as_str().unwrap().to_string(),
                    r["count"].as_u64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(reasons(1006), [("unexpected EOF".to_string(), 80)]);
    assert_eq!(reasons(4001), [("token \"t-9\" expired".to_string(), 1)]);
}

/// The README's sample summary is what the tool prints.
#[test]
fn the_readme_sample_summary_is_real() {
    let readme = std::fs::read_to_string(fixture("../README.md")).unwrap();
    let marker = "$ wscode-annotate --summary fixtures/sample.log\n";
    let at = readme.find(marker).expect("the README shows a summary") + marker.len();
    let shown = &readme[at..at + readme[at..].find("```").unwrap()];
    let sample = fixture("sample.log");
    let out = run(
        &["--summary", "--color", "never", sample.to_str().unwrap()],
        b"",
    );
    // The README names the fixture by its relative path.
    let real = out
        .text()
        .replace(sample.to_str().unwrap(), "fixtures/sample.log");
    assert_eq!(shown, real);
}

/// Colour does not move columns: padding is counted without escapes.
#[test]
fn colour_keeps_the_columns() {
    let sample = fixture("sample.log");
    let plain = run(
        &["--summary", "--color", "never", sample.to_str().unwrap()],
        b"",
    )
    .text();
    let painted = run(
        &["--summary", "--color", "always", sample.to_str().unwrap()],
        b"",
    )
    .text();
    let unpainted = regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(&painted, "");
    assert_eq!(unpainted, plain);
}

/// Go's standard log, pino's epoch milliseconds: first and last times and
/// a timeline, not blanks.
#[test]
fn go_log_and_pino_times_are_read() {
    let input = "2026/11/24 03:12:04 read: websocket: close 1006 (abnormal closure): unexpected EOF\n\
                 {\"level\":40,\"time\":1795489984123,\"msg\":\"ws closed\",\"code\":1001,\"reason\":\"going away\"}\n";
    let out = run(&["-s", "--format", "json"], input.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.text()).unwrap();
    let codes = v["codes"].as_array().unwrap();
    let time = |code: u64| codes.iter().find(|c| c["code"] == code).unwrap()["first_time"].clone();
    assert_eq!(time(1006), "2026-11-24T03:12:04Z");
    assert_eq!(time(1001), "2026-11-24T03:13:04Z");
}

/// At a terminal's width, no line of the summary is wider, however long
/// the paths, names and reasons: measured in display columns, with a code
/// name in wide characters.
#[test]
fn the_summary_fits_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir
        .path()
        .join("var/log/services/gateway-production-eu-west-1/pods");
    std::fs::create_dir_all(&deep).unwrap();
    let sample = std::fs::read(fixture("sample.log")).unwrap();
    let mut extra = sample.clone();
    extra.extend_from_slice(
        "2026-11-24T03:14:00Z ws closed close_code=4001 reason=\"トークンの有効期限が切れました、もう一度ログインしてください\"\n"
            .as_bytes(),
    );
    let a = deep.join("gateway-7d9f8c6b5-x2k4q.log");
    let b = deep.join("gateway-7d9f8c6b5-zz9p1-with-a-much-longer-name.log");
    std::fs::write(&a, &sample).unwrap();
    std::fs::write(&b, &extra).unwrap();
    let table = dir.path().join("wide.toml");
    std::fs::write(
        &table,
        "name = \"wide\"\nsource = \"test\"\n[[codes]]\ncode = 4001\nname = \"認証トークンの有効期限切れ（再ログインが必要）\"\ncategory = \"policy\"\nmeaning = \"m\"\nrecovery = \"r\"\nreconnect = \"after-reauth\"\n",
    )
    .unwrap();
    for width in [160, 80, 60] {
        let mut cmd = util::command(&["--summary", "--color", "always", "--codes"]);
        cmd.arg(&table)
            .arg(&a)
            .arg(&b)
            .env("COLUMNS", width.to_string());
        let out = util::run_command(cmd, b"");
        assert_eq!(out.code, 0, "{}", out.stderr);
        let text = out.text();
        let plain = strip_colour(&text);
        for line in plain.lines() {
            let columns = unicode_width::UnicodeWidthStr::width(line);
            assert!(columns <= width, "{columns} > {width}: {line}\n{plain}");
        }
        // What was cut is still there in part: both files, every code.
        assert!(plain.contains("x2k4q.log"), "{plain}");
        for code in ["1006", "1001", "1008", "1011", "1012", "4001"] {
            assert!(plain.contains(&format!("  {code}  ")), "{code}: {plain}");
        }
        if width == 160 {
            assert!(plain.contains("gateway-7d9f8c6b5-zz9p1-with-a-much-longer-name.log:"));
        }
    }
    // Into a pipe nothing is fitted: full paths (names are cut at 36
    // columns, always).
    let mut cmd = util::command(&["--summary", "--codes"]);
    cmd.arg(&table).arg(&a).arg(&b);
    let out = util::run_command(cmd, b"");
    assert!(out.text().contains(&*b.to_string_lossy()), "{}", out.text());
    assert!(out.text().contains("認証トークンの有効期限切れ（再ログ…"));
}

/// A code's reasons line adds up to its count: the reasons shown, how many
/// more there were, and how many events had none.
#[test]
fn reasons_add_up_to_the_count() {
    let mut input = String::new();
    let reasons = [("going", 3), ("idle", 2), ("bye", 1), ("x1", 1), ("x2", 1)];
    for (reason, n) in reasons {
        for _ in 0..n {
            input.push_str(&format!("websocket: close 1001 (going away): {reason}\n"));
        }
    }
    input.push_str("websocket: close 1001 (going away)\n".repeat(4).as_str());
    let out = run(&["--summary"], input.as_bytes());
    let text = out.text();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("reasons:"))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        line.trim(),
        "reasons: going × 3, idle × 2, bye × 1, … 2 more (2), 4 without one"
    );
    let numbers: u64 = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<u64>().unwrap())
        .sum::<u64>()
        - 2; // "2 more" counts reasons, not events
    assert_eq!(numbers, 12);
}

fn strip_colour(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// syslog and klog times have no year: a file's lines take the year that
/// puts them at most a day before the file was last modified.
#[test]
fn a_time_without_a_year_takes_the_files_modification_year() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("syslog");
    std::fs::write(
        &path,
        "Nov 24 03:12:04 gw app[12]: websocket: close 1006 (abnormal closure)\n\
         I1124 03:12:09.123456   7 conn.go:88] websocket: close 1001 (going away)\n",
    )
    .unwrap();
    let day = |y: i32, m: u32, d: u32| {
        // Days from the civil date, enough for these dates (no chrono here).
        let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + d - 1;
        let doe = yoe as u32 * 365 + yoe as u32 / 4 - yoe as u32 / 100 + doy;
        let days = era as i64 * 146_097 + doe as i64 - 719_468;
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(days as u64 * 86_400)
    };
    for (modified, year) in [
        (day(2024, 12, 1), "2024"),
        (day(2025, 1, 3), "2024"),
        (day(2023, 11, 25), "2023"),
    ] {
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(modified).unwrap();
        drop(file);
        let out = run(
            &["--summary", "--format", "json", path.to_str().unwrap()],
            b"",
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            v["first_time"],
            format!("{year}-11-24T03:12:04Z"),
            "{modified:?}"
        );
        assert_eq!(
            v["last_time"],
            format!("{year}-11-24T03:12:09Z"),
            "{modified:?}"
        );
    }
}

/// What an engine collects is JSON Lines on stdin: `merge -` reads it, any
/// mix of files and stdin, and `--label` names what was fed through stdin.
#[test]
fn merge_reads_json_lines_from_stdin_and_labels_name_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let input = std::fs::read(fixture("sample.log")).unwrap();
    let part = |label: &str| {
        let out = run(&["--summary", "--format", "json", "--label", label], &input);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let mut lines = part("pod/gw-1");
    lines.extend(part("pod/gw-2"));
    let file = dir.path().join("third.json");
    std::fs::write(&file, part("pod/gw-3")).unwrap();
    let mut cmd = util::command(&["merge", "--format", "json", "-"]);
    cmd.arg(&file);
    let out = util::run_command(cmd, &lines);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(m["events"], 39);
    let sources: Vec<&str> = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["pod/gw-1", "pod/gw-2", "pod/gw-3"]);
    let c1006 = m["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == 1006)
        .unwrap();
    assert_eq!(c1006["first_line"]["source"], "pod/gw-1");
    assert_eq!(c1006["last_line"]["source"], "pod/gw-3");
    // A label names stdin in JSON Lines and in messages too.
    let out = run(&["--format", "json", "--label", "pod/gw-1"], &input);
    assert_eq!(out.json()[0]["source"], "pod/gw-1");
    // An empty input, or a broken object after good ones, is an error for
    // that input; what came before it and the other inputs still count.
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, b"").unwrap();
    let mut broken = part("pod/gw-4");
    broken.extend_from_slice(b"{\"schema\": 3}\n");
    let mut cmd = util::command(&["merge", "--format", "json"]);
    cmd.arg(&empty).arg("-").arg(&file);
    let out = util::run_command(cmd, &broken);
    assert_eq!(out.code, 2);
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(m["events"], 26);
    assert!(
        out.stderr
            .contains("empty.json: not a wscode-annotate JSON summary (it is empty)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("-: not a wscode-annotate JSON summary (invalid type"),
        "{}",
        out.stderr
    );
}

/// Reasons that carry ids: the most frequent reason is kept by one scan
/// and by a split-and-merged scan alike, even when it comes after more
/// than 256 distinct ones.
#[test]
fn the_most_frequent_reason_survives_many_distinct_ones() {
    let mut log = String::new();
    for i in 0..1000 {
        log.push_str(&format!(
            "websocket: close 1006 (abnormal closure): read tcp conn-{i}: reset\n"
        ));
    }
    for _ in 0..300 {
        log.push_str("websocket: close 1006 (abnormal closure): unexpected EOF\n");
    }
    let whole = run(&["--summary", "--format", "json"], log.as_bytes());
    let (a, b) = log.split_at(log.len() / 2 + 7);
    let (a, b) = (a.rsplit_once('\n').unwrap().0.to_string() + "\n", {
        let cut = a.rsplit_once('\n').unwrap().1;
        cut.to_string() + b
    });
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for (i, part) in [a, b].iter().enumerate() {
        let out = run(&["--summary", "--format", "json"], part.as_bytes());
        let path = dir.path().join(format!("{i}.json"));
        std::fs::write(&path, &out.stdout).unwrap();
        parts.push(path);
    }
    let mut cmd = util::command(&["merge", "--format", "json"]);
    cmd.args(&parts);
    let merged = util::run_command(cmd, b"");
    for out in [whole, merged] {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let code = &v["codes"][0];
        assert_eq!(code["count"], 1300);
        assert_eq!(code["reasons"][0]["reason"], "unexpected EOF", "{code}");
        let kept: u64 = code["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["count"].as_u64().unwrap())
            .sum();
        assert_eq!(kept + code["other_reasons"].as_u64().unwrap(), 1300);
        let eof = code["reasons"][0]["count"].as_u64().unwrap();
        assert!(eof <= 300 && eof + 1300 / 257 >= 300, "{eof}");
    }
}

/// `merge --fail-on` gates on merged summaries as `--summary --fail-on`
/// does on one scan of all the logs: same rules, same statuses, same
/// messages; categories carry the line counts a category rule needs.
#[test]
fn merge_fail_on_gates_like_one_scan() {
    let dir = tempfile::tempdir().unwrap();
    let input = std::fs::read_to_string(fixture("sample.log")).unwrap();
    let lines: Vec<&str> = input.split_inclusive('\n').collect();
    let mut parts = Vec::new();
    for (i, chunk) in lines.chunks(25).enumerate() {
        let out = run(
            &["--summary", "--format", "json"],
            chunk.concat().as_bytes(),
        );
        let path = dir.path().join(format!("{i}.json"));
        std::fs::write(&path, &out.stdout).unwrap();
        parts.push(path);
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&parts[0]).unwrap()).unwrap();
    assert!(v["categories"][0]["lines"].is_u64(), "{v}");
    for spec in [
        "error",
        "error>6",
        "error>5",
        "1006>4",
        "1006>5",
        "4000-4999",
        "policy,invalid>0",
        "protocol",
    ] {
        let scan = run(&["--summary", "--fail-on", spec], input.as_bytes());
        let mut cmd = util::command(&["merge", "--fail-on", spec]);
        cmd.args(&parts);
        let merged = util::run_command(cmd, b"");
        assert_eq!(merged.code, scan.code, "{spec}: {}", merged.stderr);
        assert_eq!(merged.stderr, scan.stderr, "{spec}");
    }
    // A part without line counts (an older version) cannot answer a
    // category rule: status 2 with a message; a code rule still works.
    let mut old: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&parts[0]).unwrap()).unwrap();
    for c in old["categories"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("lines");
    }
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, old.to_string()).unwrap();
    let mut cmd = util::command(&["merge", "--fail-on", "error"]);
    cmd.arg(&old_path).arg(&parts[1]);
    let out = util::run_command(cmd, b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no line counts per category"),
        "{}",
        out.stderr
    );
    let mut cmd = util::command(&["merge", "--fail-on", "1006>100"]);
    cmd.arg(&old_path).arg(&parts[1]);
    assert_eq!(util::run_command(cmd, b"").code, 0);
}

/// A summary records what it was made with; merge refuses parts made with
/// other tables, patterns or filters than the first, and says so when its
/// own tables name codes differently than the parts' did.
#[test]
fn merge_refuses_summaries_made_differently() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample();
    let make = |name: &str, extra: &[&str]| {
        let mut args = vec!["--summary", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(&sample);
        let out = run(&args, b"");
        assert_eq!(out.code, 0, "{}", out.stderr);
        let path = dir.path().join(name);
        std::fs::write(&path, &out.stdout).unwrap();
        path
    };
    let plain = make("plain.json", &[]);
    let graphql = make("graphql.json", &["--codes", "graphql-ws"]);
    let errors = make("errors.json", &["--category", "error"]);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&graphql).unwrap()).unwrap();
    assert_eq!(v["made_with"]["tables"], serde_json::json!(["graphql-ws"]));
    assert_eq!(v["made_with"]["version"], env!("CARGO_PKG_VERSION"));
    let mut cmd = util::command(&["merge", "--format", "json"]);
    cmd.arg(&plain).arg(&graphql).arg(&errors).arg(&plain);
    let out = util::run_command(cmd, b"");
    assert_eq!(out.code, 2);
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(m["events"], 26, "the two plain parts are merged");
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("graphql.json: made with tables graphql-ws"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("errors.json: made with tables none, patterns none, --category error"),
        "{}",
        out.stderr
    );
    // Parts made with a table, merged without it: a note says so.
    let mut cmd = util::command(&["merge"]);
    cmd.arg(&graphql);
    let out = util::run_command(cmd, b"");
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.contains("made with code tables graphql-ws"),
        "{}",
        out.stderr
    );
    let mut cmd = util::command(&["merge", "--codes", "graphql-ws"]);
    cmd.arg(&graphql);
    let out = util::run_command(cmd, b"");
    assert_eq!(out.stderr, "");
}

/// A part made with a code table keeps its names and categories through
/// `merge` without that table, in every format.
#[test]
fn merge_keeps_the_parts_own_names() {
    let dir = tempfile::tempdir().unwrap();
    let part = run(
        &["-s", "--format", "json", "--codes", "graphql-ws"],
        b"ws closed with code 4401\nws closed with code 1006\n",
    );
    assert_eq!(part.code, 0, "{}", part.stderr);
    let path = dir.path().join("part.json");
    std::fs::write(&path, &part.stdout).unwrap();
    let made: serde_json::Value = serde_json::from_slice(&part.stdout).unwrap();
    let named = |v: &serde_json::Value| {
        v["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["code"].as_u64().unwrap(),
                    c["name"].to_string(),
                    c["category"].to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(named(&made).contains(&(4401, "\"Unauthorized\"".into(), "\"protocol\"".into())));
    let merge = |format: &str| {
        let mut cmd = util::command(&["merge", "--format", format]);
        cmd.arg(&path).arg(&path);
        let out = util::run_command(cmd, b"");
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stderr
                .contains("names and categories are the summaries' own"),
            "{}",
            out.stderr
        );
        out
    };
    let merged: serde_json::Value = serde_json::from_slice(&merge("json").stdout).unwrap();
    assert_eq!(named(&merged), named(&made));
    assert_eq!(merged["categories"][1]["category"], "protocol", "{merged}");
    let text = merge("text").text();
    assert!(text.contains("4401  Unauthorized     protocol"), "{text}");
    let metrics = merge("prometheus").text();
    assert!(
        metrics.contains("code=\"4401\",name=\"Unauthorized\",category=\"protocol\""),
        "{metrics}"
    );
}

/// Scale-out on a real engine: Dask runs the tool per path and per block
/// (files split mid-way) and `merge -` adds the JSON Lines up to what one
/// process over all the data gives (tests/engines/dask_merge.py). Needs a
/// Python with Dask in WSCODE_DASK_PYTHON, which .ci/run installs; under CI
/// its absence is a failure, never a skip.
#[test]
fn dask_merges_like_one_process() {
    let Some(python) = std::env::var_os("WSCODE_DASK_PYTHON") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run this test: .ci/run installs Dask and sets WSCODE_DASK_PYTHON"
        );
        eprintln!("WSCODE_DASK_PYTHON is not set: the Dask test is skipped (.ci/run runs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let repo = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new(python)
        .arg(format!("{repo}/tests/engines/dask_merge.py"))
        .arg(util::bin())
        .arg(dir.path())
        .arg(repo)
        .output()
        .expect("the Python in WSCODE_DASK_PYTHON starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    eprintln!("{}", String::from_utf8_lossy(&out.stdout).trim());
}

/// The same on Spark (local mode), opt-in: `WSCODE_SPARK=1` with a Python
/// that has pyspark in WSCODE_SPARK_PYTHON and a Java runtime, which
/// `.ci/spark` installs and runs this with (tests/engines/spark_merge.py):
/// per path and per file as raw bytes (`binaryFiles`), merged from JSON
/// Lines, equal to one process; `textFile`'s changes to the bytes are the
/// ones the README documents.
#[test]
fn spark_merges_like_one_process() {
    if std::env::var_os("WSCODE_SPARK").is_none() {
        eprintln!("WSCODE_SPARK is not set: the Spark test is opt-in (bash .ci/spark runs it)");
        return;
    }
    let python = std::env::var_os("WSCODE_SPARK_PYTHON")
        .expect("WSCODE_SPARK is set: WSCODE_SPARK_PYTHON must name a Python with pyspark (bash .ci/spark sets it)");
    let dir = tempfile::tempdir().unwrap();
    let repo = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new(python)
        .arg(format!("{repo}/tests/engines/spark_merge.py"))
        .arg(util::bin())
        .arg(dir.path())
        .arg(repo)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .output()
        .expect("the Python in WSCODE_SPARK_PYTHON starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("merged summaries equal one process"),
        "{stdout}"
    );
    eprintln!("{}", stdout.trim());
}

/// A burst that fits one timeline bucket is counted in one: buckets start
/// at the first close event, not at round minutes.
#[test]
fn a_burst_is_not_split_across_two_buckets() {
    let mut log = String::new();
    // Quiet hour: one close every 10 minutes from 02:30:50.
    for k in 0..7 {
        let (h, m) = (2 + (30 + k * 10) / 60, (30 + k * 10) % 60);
        log.push_str(&format!(
            "2026-11-24T{h:02}:{m:02}:50Z websocket: close 1001 (going away)\n"
        ));
    }
    // A burst of 40 across a minute boundary, 03:14:50 → 03:15:20.
    for s in 0..40 {
        let t = 14 * 60 + 50 + s * 3 / 4;
        log.push_str(&format!(
            "2026-11-24T03:{:02}:{:02}Z websocket: close 1006 (abnormal closure)\n",
            t / 60,
            t % 60
        ));
    }
    let out = run(&["--summary"], log.as_bytes());
    let text = out.text();
    assert!(text.contains("close events per minute"), "{text}");
    let busiest = text
        .lines()
        .find(|l| l.trim_start().starts_with("busiest:"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(busiest.contains("T03:14:50Z (40)"), "{busiest}");
}

/// `--summary --every`: spawns the binary on a pipe that the test keeps open.
fn live(args: &[&str]) -> std::process::Child {
    let mut cmd = util::command(args);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    cmd.spawn().expect("spawn wscode-annotate")
}

/// Reads one line of `out` on a thread, giving up after `within`.
fn line_within(
    lines: &std::sync::mpsc::Receiver<String>,
    within: std::time::Duration,
) -> Option<String> {
    lines.recv_timeout(within).ok()
}

/// Every line the child prints, sent as it comes.
fn lines_of(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

#[test]
fn every_prints_each_interval_while_the_pipe_stays_open() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    let mut child = live(&["-s", "--every", "1s"]);
    let mut stdin = child.stdin.take().unwrap();
    let lines = lines_of(&mut child);
    let first =
        b"2026-12-02T10:00:01Z gateway: websocket closed with code 1006 conn=7\nplain line\n";
    stdin.write_all(first).unwrap();
    stdin.flush().unwrap();
    let asked = Instant::now();
    let interval = line_within(&lines, Duration::from_millis(1500))
        .expect("no interval summary within 1.5 s while the pipe is open");
    assert!(asked.elapsed() <= Duration::from_millis(1500));
    assert!(
        interval.contains(
            "last 1s: 1 close event in 2 lines (1006 ×1); total 1 close event in 2 lines"
        ),
        "{interval}"
    );
    // A quiet interval is printed too, with nothing in it.
    let quiet = line_within(&lines, Duration::from_millis(1500)).expect("a quiet interval");
    assert!(
        quiet.contains("last 1s: 0 close events in 0 lines; total 1 close event in 2 lines"),
        "{quiet}"
    );
    let second = b"2026-12-02T10:00:03Z closing with 1011 Internal server error\n";
    stdin.write_all(second).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.iter().collect();
    // The summary at the end is the one a run without --every prints.
    let whole = [&first[..], &second[..]].concat();
    let plain = run(&["-s"], &whole).text();
    let printed = rest.join("\n") + "\n";
    assert!(
        printed.ends_with(&plain),
        "the final summary differs:\n{printed}\nwithout --every:\n{plain}"
    );
}

#[test]
fn every_in_json_writes_one_object_per_interval() {
    use std::io::Write;
    use std::time::Duration;
    let mut child = live(&["-s", "--every", "200ms", "--format", "json"]);
    let mut stdin = child.stdin.take().unwrap();
    let lines = lines_of(&mut child);
    stdin
        .write_all(b"ws closed close_code=4001 reason=\"token expired\"\n")
        .unwrap();
    stdin.flush().unwrap();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let line = line_within(&lines, Duration::from_secs(3)).expect("an interval object");
        let v: serde_json::Value = serde_json::from_str(&line).expect("one JSON object per line");
        seen.push(v);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    for v in &seen {
        assert_eq!(v["schema"], "wscode-annotate/live/1", "{v}");
        assert!(v["interval"]["seconds"].as_f64().unwrap() > 0.1, "{v}");
        assert!(v["interval"]["start"].as_str().unwrap() <= v["interval"]["end"].as_str().unwrap());
        assert_eq!(v["last"]["schema"], "wscode-annotate/summary/1");
        assert_eq!(v["total"]["events"], 1, "{v}");
    }
    // The code is counted in exactly one interval.
    let per_interval: u64 = seen
        .iter()
        .map(|v| v["last"]["events"].as_u64().unwrap())
        .sum();
    assert_eq!(per_interval, 1);
    assert_eq!(seen[0]["last"]["codes"][0]["code"], 4001);
    assert_eq!(
        seen[0]["last"]["codes"][0]["reasons"][0]["reason"],
        "token expired"
    );
    // After them, the usual summary object.
    let last: Vec<String> = lines.iter().collect();
    let end: serde_json::Value = serde_json::from_str(last.last().unwrap()).unwrap();
    assert_eq!(end["schema"], "wscode-annotate/summary/1");
}

#[test]
fn every_ends_when_its_output_is_closed_on_an_endless_stream() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    let mut child = live(&["-s", "--every", "100ms"]);
    let mut stdin = child.stdin.take().unwrap();
    let lines = lines_of(&mut child);
    stdin.write_all(b"ws closed with code 1001\n").unwrap();
    stdin.flush().unwrap();
    line_within(&lines, Duration::from_secs(3)).expect("an interval");
    drop(lines); // the reader goes away: the next write fails
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still running 5 s after its output was closed"
        );
        // The stream goes on and never ends.
        let _ = stdin.write_all(b"plain line\n");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn every_is_refused_where_it_cannot_work() {
    for (args, says) in [
        (&["--every", "1s"][..], "use it with --summary"),
        (&["-s", "--every", "0"][..], "out of range"),
        (&["-s", "--every", "10ms"][..], "out of range"),
        (&["-s", "--every", "5 fortnights"][..], "unknown unit"),
        (
            &["-s", "--every", "1s", "--format", "prometheus"][..],
            "not Prometheus",
        ),
    ] {
        let out = run(args, b"ws closed with code 1006\n");
        assert_eq!(out.code, 2, "{args:?}: {}", out.text());
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
}

/// `GET /metrics` from `addr` with a plain TCP client: the status line and
/// the body.
fn scrape(addr: &str, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the metrics address");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").expect("an HTTP reply");
    let status = head.lines().next().unwrap().to_string();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .expect("a Content-Length")
        .parse()
        .unwrap();
    assert_eq!(length, body.len(), "Content-Length is the body's");
    (status, body.to_string())
}

/// Checks `text` against the Prometheus text format's rules: every sample
/// follows a `# TYPE` line of its metric, names are valid, label values are
/// quoted with `\\`, `"` and newlines escaped, values are numbers. Returns
/// the samples as (name, labels, value).
/// One sample of an exposition: metric name, labels, value.
type Sample = (String, Vec<(String, String)>, f64);

fn parse_exposition(text: &str) -> Vec<Sample> {
    let name_ok = |n: &str| {
        let mut chars = n.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    };
    let mut typed: Vec<String> = Vec::new();
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(name_ok(name), "{line}");
            assert!(["counter", "gauge"].contains(&kind), "{line}");
            typed.push(name.to_string());
            continue;
        }
        if line.starts_with("# HELP ") || line.is_empty() {
            continue;
        }
        let (name, rest) = match line.find('{') {
            Some(i) => (&line[..i], &line[i..]),
            None => line
                .split_once(' ')
                .map(|(n, _)| (n, &line[n.len()..]))
                .unwrap(),
        };
        assert!(name_ok(name), "bad metric name: {line}");
        assert_eq!(
            typed.last().map(String::as_str),
            Some(name),
            "no # TYPE before: {line}"
        );
        let mut labels = Vec::new();
        let mut rest = rest;
        if let Some(inner) = rest.strip_prefix('{') {
            let mut chars = inner.char_indices().peekable();
            let mut key = String::new();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '}' => {
                        end = Some(i + 1);
                        break;
                    }
                    ',' => {}
                    '=' => {
                        assert_eq!(chars.next().map(|(_, c)| c), Some('"'), "{line}");
                        let mut value = String::new();
                        loop {
                            match chars.next().expect("unterminated label value").1 {
                                '\\' => match chars.next().unwrap().1 {
                                    'n' => value.push('\n'),
                                    c @ ('\\' | '"') => value.push(c),
                                    c => panic!("bad escape \\{c}: {line}"),
                                },
                                '"' => break,
                                '\n' => panic!("raw newline in a label: {line}"),
                                c => value.push(c),
                            }
                        }
                        assert!(name_ok(&key), "bad label name {key}: {line}");
                        labels.push((std::mem::take(&mut key), value));
                    }
                    c => key.push(c),
                }
            }
            rest = &inner[end.expect("unclosed labels")..];
        }
        let value: f64 = rest
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("bad value: {line}"));
        samples.push((name.to_string(), labels, value));
    }
    samples
}

fn sum_of(samples: &[Sample], name: &str) -> f64 {
    samples.iter().filter(|s| s.0 == name).map(|s| s.2).sum()
}

/// The address the tool says it serves on (its first stderr line).
fn metrics_address(child: &mut std::process::Child) -> String {
    use std::io::BufRead;
    let stderr = child.stderr.take().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(stderr)
        .read_line(&mut line)
        .unwrap();
    let at = line
        .find("http://")
        .unwrap_or_else(|| panic!("no address: {line}"));
    line[at + 7..]
        .trim()
        .trim_end_matches("/metrics")
        .to_string()
}

#[test]
fn metrics_are_served_while_annotating_and_grow() {
    use std::io::Write;
    use std::time::Duration;
    let mut child = live(&["--metrics-listen", "127.0.0.1:0", "--label", "gw \"7\\x"]);
    let addr = metrics_address(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    let lines = lines_of(&mut child);
    let first = b"websocket: close 1006 (abnormal closure)\nplain\n";
    stdin.write_all(first).unwrap();
    stdin.flush().unwrap();
    // The lines are out: their counts were handed over with them.
    let mut printed = Vec::new();
    for _ in 0..2 {
        printed.push(line_within(&lines, Duration::from_secs(3)).expect("a line"));
    }
    let (status, body) = scrape(&addr, "/metrics");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let before = parse_exposition(&body);
    assert_eq!(sum_of(&before, "wscode_close_events_total"), 1.0, "{body}");
    let sample = before
        .iter()
        .find(|s| s.0 == "wscode_close_events_total")
        .unwrap();
    for (k, v) in [
        ("code", "1006"),
        ("category", "error"),
        ("source", "gw \"7\\x"),
    ] {
        assert!(sample.1.contains(&(k.to_string(), v.to_string())), "{body}");
    }
    let second = b"closing with 1011 Internal server error\nws closed close_code=4001\n";
    stdin.write_all(second).unwrap();
    stdin.flush().unwrap();
    for _ in 0..2 {
        printed.push(line_within(&lines, Duration::from_secs(3)).expect("a line"));
    }
    let (_, body) = scrape(&addr, "/metrics?x=1");
    let after = parse_exposition(&body);
    assert_eq!(sum_of(&after, "wscode_close_events_total"), 3.0, "{body}");
    assert_eq!(sum_of(&after, "wscode_scanned_lines_total"), 4.0, "{body}");
    let bytes = (first.len() + second.len()) as f64;
    assert_eq!(
        sum_of(&after, "wscode_scanned_bytes_total"),
        bytes,
        "{body}"
    );
    // Nothing but the counts is served.
    assert!(scrape(&addr, "/").0.starts_with("HTTP/1.1 404"));
    assert!(scrape(&addr, "/etc/passwd").0.starts_with("HTTP/1.1 404"));
    drop(stdin);
    assert!(child.wait().unwrap().success());
    // The output is what it is without the flag.
    printed.extend(lines.iter());
    let whole = [&first[..], &second[..]].concat();
    let plain = run(&["--label", "gw \"7\\x"], &whole).text();
    assert_eq!(printed.join("\n") + "\n", plain);
}

#[test]
fn metrics_are_served_while_summarising_and_the_summary_is_unchanged() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let mut child = live(&["-s", "--format", "json", "--metrics-listen", "127.0.0.1:0"]);
    let addr = metrics_address(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    let input = b"ws closed with code 1001\nws closed with code 1001\nplain\n";
    stdin.write_all(input).unwrap();
    stdin.flush().unwrap();
    // Nothing is printed until the end: poll the counts instead.
    let started = Instant::now();
    loop {
        let samples = parse_exposition(&scrape(&addr, "/metrics").1);
        if sum_of(&samples, "wscode_close_events_total") == 2.0 {
            assert_eq!(sum_of(&samples, "wscode_scanned_lines_total"), 3.0);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{samples:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(stdin);
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    let plain = run(&["-s", "--format", "json"], input);
    assert_eq!(String::from_utf8_lossy(&out), plain.text());
}

#[test]
fn metrics_listen_refuses_an_address_it_cannot_use() {
    for addr in ["not an address", "256.1.1.1:80"] {
        let out = run(&["--metrics-listen", addr], b"ws closed with code 1006\n");
        assert_eq!(out.code, 2, "{addr}: {}", out.text());
        assert!(out.stderr.contains("--metrics-listen"), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_rate_rule_counts_lines_within_its_window() {
    let log: String = (0..30)
        .map(|s| format!("2026-12-02T10:00:{s:02}Z ws closed with code 1006\n"))
        .collect();
    // 30 in total, but one a second: at most 10 within any 10 s.
    let out = run(&["-s", "--fail-on", "1006>5/10s"], log.as_bytes());
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("--fail-on 1006>5/10s: 10 lines matched within 10 s (limit 5)"),
        "{}",
        out.stderr
    );
    let out = run(&["-s", "--fail-on", "1006>10/10s"], log.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(run(&["-s", "--fail-on", "1006>10"], log.as_bytes()).code, 1);
    // Annotate mode: every line still comes out; the status says it tripped.
    let out = run(&["--fail-on", "error>5/10s"], log.as_bytes());
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.text().lines().count(), 30);
    // Merged summaries have no times per line: refused.
    let dir = tempfile::tempdir().unwrap();
    let part = dir.path().join("part.json");
    std::fs::write(
        &part,
        run(&["-s", "--format", "json"], log.as_bytes()).stdout,
    )
    .unwrap();
    let mut cmd = util::command(&["merge", "--fail-on", "1006>5/10s"]);
    cmd.arg(&part);
    let out = util::run_command(cmd, b"");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("a rate needs the lines"),
        "{}",
        out.stderr
    );
    for bad in ["1006/1m", "1006>5/500ms", "1006>5/2d"] {
        assert_eq!(run(&["-s", "--fail-on", bad], b"").code, 2, "{bad}");
    }
}

#[test]
fn a_rate_rule_trips_on_a_stream_that_never_ends() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    let mut child = live(&["-s", "--fail-on", "1006>20/1m"]);
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let started = Instant::now();
    let mut sent = 0;
    // Lines without times count at the time they are read; the pipe is
    // never closed.
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still reading after {sent} lines"
        );
        if stdin.write_all(b"ws closed with code 1006\n").is_ok() {
            sent += 1;
        }
        let _ = stdin.flush();
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    let summary = util::read_string(stdout);
    assert!(summary.starts_with("Scanned "), "{summary}");
    let stderr = util::read_string(child.stderr.take().unwrap());
    assert!(
        stderr.contains("--fail-on 1006>20/1m: 21 lines matched within 60 s (limit 20)"),
        "{stderr}"
    );
}

/// GET `path` from `addr` as HTTP/1.0 (so the reply is never chunked): the
/// body, or `None` when nothing answers.
fn http_get(addr: &str, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok()?;
    reply
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
}

/// A real Prometheus scrapes `--metrics-listen` and its query API sums the
/// counters to what the tool counted. Opt-in (`WSCODE_PROMETHEUS=1`, with
/// `prometheus` on PATH or in WSCODE_PROMETHEUS_BIN; Debian's package).
#[test]
fn a_real_prometheus_scrapes_the_counts() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    if std::env::var_os("WSCODE_PROMETHEUS").is_none() {
        eprintln!("WSCODE_PROMETHEUS is not set: the Prometheus test is opt-in");
        return;
    }
    let prometheus = std::env::var("WSCODE_PROMETHEUS_BIN").unwrap_or("prometheus".into());
    let free_port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (tool_port, prom_port) = (free_port(), free_port());
    let tool_addr = format!("127.0.0.1:{tool_port}");
    let mut child = live(&["-o", "--metrics-listen", &tool_addr, "--label", "gw-1"]);
    let mut stdin = child.stdin.take().unwrap();
    let lines = lines_of(&mut child);
    let log = b"websocket: close 1006 (abnormal closure)\nws closed with code 1006\nclosing with 1011 Internal server error\nplain\n";
    stdin.write_all(log).unwrap();
    stdin.flush().unwrap();
    for _ in 0..3 {
        line_within(&lines, Duration::from_secs(5)).expect("an annotated line");
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: wscode\n    static_configs:\n      - targets: ['{tool_addr}']\n"
        ),
    )
    .unwrap();
    let mut server = std::process::Command::new(&prometheus)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{prometheus} does not start: {e}"));
    let prom_addr = format!("127.0.0.1:{prom_port}");
    let started = Instant::now();
    let query = "/api/v1/query?query=sum%28wscode_close_events_total%29";
    let answer = loop {
        let body = http_get(&prom_addr, query).unwrap_or_default();
        let value: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let result = &value["data"]["result"][0]["value"][1];
        if result.is_string() {
            break result.as_str().unwrap().to_string();
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = server.kill();
            panic!("Prometheus has no samples after 60 s: {body}");
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let by_code = http_get(
        &prom_addr,
        "/api/v1/query?query=sum%20by%20%28code%29%20%28wscode_close_events_total%29",
    )
    .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert_eq!(answer, "3", "sum(wscode_close_events_total)");
    let v: serde_json::Value = serde_json::from_str(&by_code).unwrap();
    let mut codes: Vec<(String, String)> = v["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["metric"]["code"].as_str().unwrap().to_string(),
                r["value"][1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [("1006".into(), "2".into()), ("1011".into(), "1".into())]
    );
}

/// The summary says which pod, container or host the closes came from,
/// read from kubectl and docker compose prefixes, JSON and logfmt keys and
/// syslog headers, and `merge` adds origins up.
#[test]
fn the_summary_breaks_closes_down_by_origin() {
    let mut log = String::new();
    for i in 0..30 {
        log.push_str(&format!(
            "[pod/gw-7d9f-x2x/gateway] 2026-11-24T03:12:{i:02}Z websocket: close 1006 (abnormal closure)\n"
        ));
    }
    log.push_str("gateway-2  | websocket: close 1001 (going away)\n");
    log.push_str("{\"pod\":\"gw-3\",\"msg\":\"ws closed\",\"close_code\":1012}\n");
    log.push_str("Nov 24 03:12:01 edge-4 gateway[77]: websocket: close 1011 (internal error)\n");
    log.push_str("websocket: close 1000 (normal)\n");
    let text = run(&["-s"], log.as_bytes()).text();
    let section = text.split("By origin").nth(1).expect("a By origin section");
    let rows: Vec<&str> = section
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(rows.len(), 4, "{section}");
    assert!(
        rows[0].contains("gw-7d9f-x2x") && rows[0].contains("30") && rows[0].contains("1006 ×30"),
        "{section}"
    );
    for name in ["gateway-2", "gw-3", "edge-4"] {
        assert!(section.contains(name), "{name}: {section}");
    }
    let part = run(&["-s", "--format", "json"], log.as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&part.stdout).unwrap();
    assert_eq!(v["origins"][0]["origin"], "gw-7d9f-x2x");
    assert_eq!(v["origins"][0]["events"], 30);
    assert_eq!(v["origins"][0]["codes"][0]["code"], 1006);
    assert_eq!(v["origins"][0]["first_time"], "2026-11-24T03:12:00Z");
    let events: u64 = v["origins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["events"].as_u64().unwrap())
        .sum();
    assert_eq!(events, 33, "the unprefixed line has no origin");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part.json");
    std::fs::write(&path, &part.stdout).unwrap();
    let mut cmd = util::command(&["merge", "--format", "json"]);
    cmd.arg(&path).arg(&path);
    let merged: serde_json::Value =
        serde_json::from_slice(&util::run_command(cmd, b"").stdout).unwrap();
    assert_eq!(merged["origins"][0]["events"], 60);
    // Lines that name no origin add no section and no field.
    let plain = run(
        &["-s", "--format", "json"],
        b"websocket: close 1006 (abnormal closure)\n",
    );
    let p: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(p.get("origins").is_none(), "{p}");
}

/// `--by KEY` reads origins from the key named (any spelling), then from
/// the next choice; a bad choice or `--by` without a summary is a usage
/// error (status 2) that names the flag.
#[test]
fn by_groups_origins_by_the_key_named() {
    let log = "\
[pod/gw-1/gateway] tenant=acme websocket: close 1006 (abnormal closure)
[pod/gw-1/gateway] {\"tenantId\":\"globex\",\"msg\":\"ws closed\",\"close_code\":1006}
[pod/gw-2/gateway] tenant=acme websocket: close 1001 (going away)
[pod/gw-3/gateway] websocket: close 1000 (normal)
";
    let out = run(
        &[
            "-s",
            "--format",
            "json",
            "--by",
            "tenant",
            "--by",
            "tenant_id",
            "--by",
            "kubectl",
        ],
        log.as_bytes(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let origins: Vec<(String, u64)> = v["origins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["origin"].as_str().unwrap().to_string(),
                o["events"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        origins,
        [("acme".into(), 2), ("globex".into(), 1), ("gw-3".into(), 1)]
    );
    let text = run(&["-s", "--by", "tenant"], log.as_bytes()).text();
    assert!(text.contains("By origin (tenant)"), "{text}");
    for (args, says) in [
        (&["-s", "--by", "two words"][..], "--by"),
        (&["--by", "tenant"][..], "--by"),
    ] {
        let out = run(args, log.as_bytes());
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains(says), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

/// The summary counts which way each code went when lines say so (Python
/// websockets' `sent`/`received`, 1006 never on the wire), in text and
/// JSON, and merge adds the counts up.
#[test]
fn the_summary_counts_directions() {
    let log = "\
websockets.exceptions.ConnectionClosedError: received 1011 (internal error) keepalive ping timeout
websockets.exceptions.ConnectionClosedError: received 1011 (internal error) keepalive ping timeout
websockets.exceptions.ConnectionClosedOK: sent 1011 (internal error) server error
websocket: close 1006 (abnormal closure): unexpected EOF
";
    let text = run(&["-s"], log.as_bytes()).text();
    assert!(text.contains("direction: received × 2, sent × 1"), "{text}");
    let out = run(&["-s", "--format", "json"], log.as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let code = |c: u64| {
        v["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == c)
            .unwrap()
            .clone()
    };
    assert_eq!(
        code(1011)["direction"],
        serde_json::json!({"sent": 1, "received": 2, "local": 0})
    );
    assert_eq!(code(1006)["direction"]["local"], 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part.json");
    std::fs::write(&path, &out.stdout).unwrap();
    let mut cmd = util::command(&["merge", "--format", "json"]);
    cmd.arg(&path).arg(&path);
    let merged: serde_json::Value =
        serde_json::from_slice(&util::run_command(cmd, b"").stdout).unwrap();
    assert_eq!(merged["codes"][0]["code"], 1011);
    assert_eq!(merged["codes"][0]["direction"]["received"], 4);
}
