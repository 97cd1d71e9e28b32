//! End-to-end tests of code tables: the bundled ones, loading a service's
//! own table (TOML or JSON, `--codes` or `WSCODE_CODES`), overriding, and
//! rejecting malformed tables with the file, line and column.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{command, run, run_command, Output};

const ACME: &str = r#"# ACME gateway's own codes.
name = "acme"
source = "ACME gateway runbook"

[[codes]]
code = 4001
name = "Auth Expired"
category = "policy"
meaning = "The session token expired."
recovery = "Refresh the token, then reconnect."
reconnect = "after-reauth"
aliases = ["AUTH_EXPIRED"]
symptoms = ["token expired"]

[[codes]]
code = 4002
name = "Rate Limited"
category = "policy"
meaning = "Too many messages per second."
recovery = "Slow down, then reconnect after a minute."
reconnect = "long-backoff"
hint = "too many messages; slow down"
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn json_lookup(args: &[&str]) -> (Vec<Value>, Output) {
    let mut argv = vec!["lookup", "--format", "json"];
    argv.extend_from_slice(args);
    let out = run(&argv, b"");
    let value: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", out.text(), out.stderr));
    (value.as_array().unwrap().clone(), out)
}

fn codes_of(objects: &[Value]) -> Vec<u64> {
    objects
        .iter()
        .map(|o| o["code"].as_u64().unwrap())
        .collect()
}

#[test]
fn tables_lists_the_bundled_tables() {
    let out = run(&["tables"], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.text();
    for name in [
        "graphql-ws",
        "discord-gateway",
        "twitch-eventsub",
        "spring",
        "original-lookup",
    ] {
        assert!(text.contains(name), "{name} missing in\n{text}");
    }
    let out = run(&["tables", "--format", "json"], b"");
    let tables: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let find = |name: &str| {
        tables
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    let codes = |name: &str| {
        let mut c: Vec<u64> = find(name)["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        c.sort_unstable();
        c
    };
    assert_eq!(
        codes("graphql-ws"),
        vec![4004, 4005, 4400, 4401, 4403, 4406, 4408, 4409, 4429, 4499, 4500, 4504]
    );
    assert_eq!(
        codes("discord-gateway"),
        (4000..=4014).filter(|c| *c != 4006).collect::<Vec<_>>()
    );
    assert_eq!(codes("twitch-eventsub"), (4000..=4007).collect::<Vec<_>>());
    assert_eq!(codes("spring"), vec![4500]);
    assert_eq!(codes("original-lookup"), vec![4001, 4002, 4003]);
    for t in &tables {
        assert!(!t["source"].as_str().unwrap().is_empty());
        assert_eq!(
            t["count"].as_u64().unwrap() as usize,
            t["codes"].as_array().unwrap().len()
        );
        assert_eq!(t["loaded"], false);
    }
    assert!(find("original-lookup")["source"]
        .as_str()
        .unwrap()
        .contains("not a standard"));
}

#[test]
fn bundled_tables_are_chosen_by_name_for_lookup_and_annotate() {
    let (objects, out) = json_lookup(&["--codes", "graphql-ws", "4401", "4408", "4499"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(objects[0]["name"], "Unauthorized");
    assert_eq!(objects[1]["name"], "Connection Initialisation Timeout");
    assert_eq!(objects[1]["reconnect"], "backoff");
    assert_eq!(objects[2]["name"], "Terminated");

    let log = b"ws closed code=4403 reason=Forbidden\nsocket closed: code: SubscriberAlreadyExists\nuser SubscriberAlreadyExists cache\n";
    let out = run(&["--codes", "graphql-ws", "--format", "json"], log);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let records = out.json();
    let found: Vec<(u64, &str)> = records
        .iter()
        .map(|r| (r["code"].as_u64().unwrap(), r["name"].as_str().unwrap()))
        .collect();
    // The alias counts on a line about a close, not on any line.
    assert_eq!(
        found,
        vec![(4403, "Forbidden"), (4409, "Subscriber Already Exists")]
    );
    assert_eq!(records[0]["category"], "policy");

    // Without the table the same code is just private use.
    let out = run(&["--format", "json"], b"ws closed code=4403\n");
    assert_eq!(out.json()[0]["name"], "Private use");
}

#[test]
fn discords_reconnect_column_is_kept() {
    let (objects, _) = json_lookup(&[
        "--codes",
        "discord-gateway",
        "--range",
        "private",
        "--reconnect",
    ]);
    assert_eq!(
        codes_of(&objects),
        vec![4000, 4001, 4002, 4003, 4005, 4007, 4008, 4009]
    );
}

#[test]
fn a_toml_table_adds_codes_for_annotate_lookup_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "acme.toml", ACME);
    let p = path.to_str().unwrap();

    let log = b"websocket: close 4001 token expired\nws disconnect: AUTH_EXPIRED\nlogin AUTH_EXPIRED cache miss\n";
    let out = run(&["--codes", p, "-o"], log);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.text();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.contains("⟪ws 4001 Auth Expired · policy · the session token expired · not until re-authenticated⟫"),
        "{text}"
    );

    let (objects, _) = json_lookup(&["--codes", p, "4001", "4002"]);
    assert_eq!(objects[0]["name"], "Auth Expired");
    assert_eq!(objects[0]["table"], "acme");
    assert_eq!(
        objects[0]["defined_by"],
        "code table acme (ACME gateway runbook)"
    );
    assert_eq!(objects[1]["hint"], "too many messages; slow down");
    assert!(objects[0]["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["library"] == "acme" && a["name"] == "AUTH_EXPIRED"));

    // Search finds table codes by name, alias and symptom.
    let (objects, _) = json_lookup(&["--codes", p, "AUTH_EXPIRED"]);
    assert_eq!(codes_of(&objects)[0], 4001);
    let (objects, _) = json_lookup(&["--codes", p, "token expired"]);
    assert_eq!(codes_of(&objects)[0], 4001);
    // The full table lists them.
    let (objects, _) = json_lookup(&["--codes", p]);
    assert!(codes_of(&objects).ends_with(&[4001, 4002]));

    // The summary names them too.
    let out = run(&["--codes", p, "--summary"], log);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.text().contains("Auth Expired"), "{}", out.text());

    // `tables` shows it as loaded, with where it came from.
    let out = run(&["tables", "--codes", p, "--format", "json"], b"");
    let tables: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let acme = tables.iter().find(|t| t["name"] == "acme").unwrap();
    assert_eq!(acme["loaded"], true);
    assert_eq!(acme["origin"], p);
    assert_eq!(acme["count"], 2);
}

#[test]
fn a_json_table_works_the_same_and_is_detected_without_an_extension() {
    let dir = tempfile::tempdir().unwrap();
    let json = r#"{
  "name": "acme-json",
  "source": "ACME docs",
  "codes": [
    {"code": 4100, "name": "Kicked", "category": "policy",
     "meaning": "An operator kicked the client.", "recovery": "Ask why.",
     "reconnect": "after-fix", "aliases": ["KICKED_BY_OPERATOR"]}
  ]
}"#;
    for name in ["acme.json", "acme-codes"] {
        let path = write(dir.path(), name, json);
        let (objects, out) = json_lookup(&["--codes", path.to_str().unwrap(), "4100"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(objects[0]["name"], "Kicked");
        assert_eq!(objects[0]["hint"], "an operator kicked the client");
    }
}

#[test]
fn a_table_overrides_a_built_in_code_and_later_tables_win() {
    let dir = tempfile::tempdir().unwrap();
    let override_1006 = r#"
name = "our-lb"
source = "our load balancer runbook"
[[codes]]
code = 1006
name = "LB Idle Drop"
category = "transient"
meaning = "Our load balancer drops idle connections after 60 s."
recovery = "Send pings every 30 s."
reconnect = "backoff"
"#;
    let first = write(dir.path(), "first.toml", override_1006);
    let (objects, _) = json_lookup(&["--codes", first.to_str().unwrap(), "1006"]);
    assert_eq!(objects[0]["name"], "LB Idle Drop");
    // A table cannot put a local-only code on the wire.
    assert_eq!(objects[0]["on_wire"], false);
    assert!(objects[0]["notes"]
        .to_string()
        .contains("overrides the built-in entry: 1006 Abnormal Closure"));
    let out = run(
        &["--codes", first.to_str().unwrap()],
        b"websocket: close 1006 (abnormal closure): unexpected EOF\n",
    );
    assert!(
        out.text().contains("⟪ws 1006 LB Idle Drop · transient"),
        "{}",
        out.text()
    );

    // Two tables defining 4001: the later one wins, whichever way it came.
    let second = write(
        dir.path(),
        "second.toml",
        &ACME
            .replace("Auth Expired", "Session Expired")
            .replace("\"acme\"", "\"acme-v2\""),
    );
    let acme = write(dir.path(), "acme.toml", ACME);
    let (objects, _) = json_lookup(&[
        "--codes",
        acme.to_str().unwrap(),
        "--codes",
        second.to_str().unwrap(),
        "4001",
    ]);
    assert_eq!(objects[0]["name"], "Session Expired");
    assert_eq!(objects[0]["table"], "acme-v2");

    // WSCODE_CODES (a path list, bundled names allowed) comes before --codes.
    let mut cmd = command(&["lookup", "--format", "json", "4001", "4401"]);
    cmd.env(
        "WSCODE_CODES",
        std::env::join_paths([second.as_os_str(), "graphql-ws".as_ref()]).unwrap(),
    );
    let out = run_command(cmd, b"");
    let objects: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(objects[0]["name"], "Session Expired");
    assert_eq!(objects[1]["name"], "Unauthorized");
    let mut cmd = command(&[
        "lookup",
        "--codes",
        acme.to_str().unwrap(),
        "--format",
        "json",
        "4001",
    ]);
    cmd.env("WSCODE_CODES", &second);
    let out = run_command(cmd, b"");
    let objects: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        objects[0]["name"], "Auth Expired",
        "--codes overrides WSCODE_CODES"
    );
}

/// Loads `text` as a table and expects it rejected: status 2, nothing on
/// stdout, and `FILE:LINE:COLUMN: …` on stderr.
fn rejected(name: &str, text: &str, line: usize, column: Option<usize>, says: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), name, text);
    let out = run(
        &["--codes", path.to_str().unwrap()],
        b"websocket: close 1006\n",
    );
    assert_eq!(out.code, 2, "{name}: {}", out.stderr);
    assert!(out.stdout.is_empty(), "{name}: annotated anyway");
    let prefix = match column {
        Some(c) => format!("wscode-annotate: {}:{line}:{c}: ", path.display()),
        None => format!("wscode-annotate: {}:{line}:", path.display()),
    };
    assert!(
        out.stderr.starts_with(&prefix),
        "{name}: expected {prefix:?}, got {:?}",
        out.stderr
    );
    assert!(
        out.stderr.contains(says),
        "{name}: {:?} lacks {says:?}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    // The same for lookup.
    let out = run(&["lookup", "--codes", path.to_str().unwrap(), "1006"], b"");
    assert_eq!(out.code, 2);
}

#[test]
fn malformed_tables_are_rejected_with_file_line_and_column() {
    rejected(
        "high.toml",
        &ACME.replace("code = 4002", "code = 5001"),
        16,
        Some(8),
        "code 5001 is not a close code: close codes stop at 4999",
    );
    rejected(
        "low.toml",
        &ACME.replace("code = 4002", "code = 999"),
        16,
        Some(8),
        "0-999 are not used",
    );
    rejected(
        "huge.toml",
        &ACME.replace("code = 4002", "code = 70000"),
        16,
        Some(8),
        "16-bit",
    );
    rejected(
        "category.toml",
        &ACME.replace(
            "category = \"policy\"\nmeaning = \"Too",
            "category = \"fatal\"\nmeaning = \"Too",
        ),
        18,
        Some(12),
        "unknown category 'fatal' (expected one of: normal, transient",
    );
    rejected(
        "reconnect.toml",
        &ACME.replace("long-backoff", "sometimes"),
        21,
        Some(13),
        "unknown reconnect policy 'sometimes' (expected one of: no, if-expected",
    );
    rejected(
        "duplicate.toml",
        &ACME.replace("code = 4002", "code = 4001"),
        16,
        Some(8),
        "duplicate code 4001",
    );
    rejected(
        "syntax.toml",
        &ACME.replace("name = \"Rate Limited\"", "name = Rate Limited"),
        17,
        None,
        "",
    );
    rejected(
        "unknown-field.toml",
        &ACME.replace("hint = ", "hnit = "),
        22,
        Some(1),
        "unknown field `hnit`",
    );
    rejected(
        "missing.toml",
        &ACME.replace(
            "recovery = \"Slow down, then reconnect after a minute.\"\n",
            "",
        ),
        15,
        None,
        "missing field `recovery`",
    );
    rejected(
        "alias.toml",
        &ACME.replace("\"AUTH_EXPIRED\"", "\"auth expired\""),
        12,
        Some(11),
        "alias 'auth expired'",
    );
    rejected(
        "marker.toml",
        &ACME.replace("Auth Expired", "Auth ⟫ Expired"),
        7,
        Some(8),
        "would break annotations",
    );
    rejected(
        "bad.json",
        r#"{"name": "acme", "source": "docs",
  "codes": [
    {"code": 4001, "name": "x", "category": "policy", "meaning": "m", "recovery": "r",
     "reconnect": "no", "extra": 1}
  ]}"#,
        4,
        None,
        "unknown field `extra`",
    );
    rejected(
        "range.json",
        r#"{"name": "acme", "source": "docs",
  "codes": [{"code": 5000, "name": "x", "category": "policy", "meaning": "m", "recovery": "r", "reconnect": "no"}]}"#,
        2,
        None,
        "code 5000 is not a close code",
    );
    rejected(
        "truncated.json",
        "{\"name\": \"acme\",\n  \"codes\": [",
        2,
        None,
        "EOF",
    );
}

#[test]
fn missing_files_and_unknown_names_are_errors() {
    let out = run(&["--codes", "/nonexistent/codes.toml"], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("code table /nonexistent/codes.toml: No such file or directory"),
        "{}",
        out.stderr
    );
    let out = run(&["lookup", "--codes", "graphql", "1006"], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no bundled code table 'graphql' (bundled: graphql-ws,"),
        "{}",
        out.stderr
    );
}

/// A table near the size cap with 100,000 aliases loads, and the last
/// definition of a name wins. Loading was quadratic in aliases (100,000
/// took minutes); the bound here is a hang guard far above the time it
/// takes now (well under a second in release), not a benchmark.
#[test]
fn a_table_with_a_hundred_thousand_aliases_loads_at_once() {
    let mut toml = String::from("name = \"big\"\nsource = \"generated\"\n");
    let mut next = 0;
    for code in 4000..4100 {
        let names: Vec<String> = (0..1000)
            .map(|i| {
                next += 1;
                // The last code's last names repeat names of the first code.
                if code == 4099 && i >= 990 {
                    format!("\"A{:06}\"", i - 990)
                } else {
                    format!("\"A{next:06}\"")
                }
            })
            .collect();
        toml.push_str(&format!(
            "[[codes]]\ncode = {code}\nname = \"N{code}\"\ncategory = \"policy\"\nmeaning = \"m\"\nrecovery = \"r\"\nreconnect = \"after-reauth\"\naliases = [{}]\n",
            names.join(",")
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.toml");
    std::fs::write(&path, toml).unwrap();
    let started = std::time::Instant::now();
    let out = run(
        &["--codes", path.to_str().unwrap(), "--format", "json"],
        b"ws closed: A000002\nws closed: A000500\n",
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let codes: Vec<u64> = out
        .json()
        .iter()
        .map(|o| o["code"].as_u64().unwrap())
        .collect();
    // A000002 was redefined by 4099; A000500 is still 4000's.
    assert_eq!(codes, [4099, 4000], "{}", out.text());
}

/// `tables` fits an 80-column terminal, footer included.
#[test]
fn the_table_list_fits_80_columns() {
    let mut cmd = command(&["tables"]);
    cmd.env("COLUMNS", "80");
    let out = run_command(cmd, b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    for line in out.text().lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
}
