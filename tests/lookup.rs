//! End-to-end tests of `wscode-annotate lookup`: cards, the full table,
//! filters, search ranking, unknown and invalid numbers, JSON output and
//! exit statuses.

use serde_json::Value;

use crate::util::{self, command, run, run_command, Output};

/// The fields lookup's code object and annotate mode's JSON record share
/// (the code's `CodeView`, and `on_wire`).
const VIEW_FIELDS: [&str; 9] = [
    "code",
    "name",
    "category",
    "range",
    "meaning",
    "recovery",
    "hint",
    "reconnect",
    "on_wire",
];

/// Runs `wscode-annotate lookup ARGS` at a fixed terminal width.
fn lookup(args: &[&str]) -> Output {
    lookup_at(100, args)
}

fn lookup_at(columns: usize, args: &[&str]) -> Output {
    let mut argv = vec!["lookup"];
    argv.extend_from_slice(args);
    let mut cmd = command(&argv);
    cmd.env("COLUMNS", columns.to_string());
    run_command(cmd, b"")
}

/// `lookup --format json ARGS`, parsed: the array of code objects.
fn lookup_json(args: &[&str]) -> (Vec<Value>, Output) {
    let mut argv = vec!["--format", "json"];
    argv.extend_from_slice(args);
    let out = lookup(&argv);
    let value: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.text()));
    (value.as_array().expect("an array").clone(), out)
}

fn codes_of(objects: &[Value]) -> Vec<u64> {
    objects
        .iter()
        .map(|o| o["code"].as_u64().unwrap())
        .collect()
}

#[test]
fn a_card_shows_everything_about_a_code() {
    let out = lookup(&["1006"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let text = out.text();
    for needle in [
        "1006  Abnormal Closure",
        "category     error",
        "meaning      Local pseudo-code, never sent",
        "recovery     Reconnect with a random first delay",
        "reconnect    backoff: Reconnect after a random first delay",
        "on the wire  no: a library reports it locally",
        "range        protocol (1000-2999)",
        "defined by   RFC 6455",
        // The names libraries print, so it can be recognised in a log.
        "gorilla/websocket",
        "CloseAbnormalClosure",
        "\"websocket: close 1006 (abnormal closure)\"",
        "ABNORMAL_CLOSURE",
        "abnormal closure [internal]",
        "tungstenite",
        "Abnormal",
        "NO_CLOSE_FRAME",
        "symptoms     proxy idle timeout",
        "load balancer",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    // Fitted to the width.
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
}

#[test]
fn cards_follow_the_registry_and_fix_the_original_tables_errata() {
    let (objects, out) = lookup_json(&["1005", "1008", "1015", "3000", "1004"]);
    assert_eq!(out.code, 0);
    assert_eq!(codes_of(&objects), vec![1005, 1008, 1015, 3000, 1004]);
    let meaning = |i: usize| objects[i]["meaning"].as_str().unwrap().to_string();
    assert!(
        meaning(0).contains("carried no status code"),
        "1005 is an empty close frame"
    );
    assert!(
        !meaning(1).contains("too large"),
        "1008 is the generic policy code"
    );
    assert_eq!(objects[2]["on_wire"], false, "1015 is never sent");
    assert_eq!(objects[3]["name"], "Unauthorized", "3000 is registered");
    assert_eq!(objects[4]["name"], "Reserved");
    assert_eq!(objects[4]["on_wire"], false);
}

#[test]
fn json_has_annotate_modes_field_names_and_values() {
    let (objects, _) = lookup_json(&["1011"]);
    let card = &objects[0];
    let annotated = run(
        &["--format", "json"],
        b"sent 1011 (internal error) keepalive ping timeout; no close frame received\n",
    );
    let record = &annotated.json()[0];
    for field in VIEW_FIELDS {
        assert_eq!(card[field], record[field], "field {field}");
    }
    assert_eq!(card["exact"], true);
    assert_eq!(card["table"], Value::Null);
    assert!(card["defined_by"].as_str().unwrap().contains("RFC 6455"));
    assert!(!card["reconnect_advice"].as_str().unwrap().is_empty());
    let aliases = card["aliases"].as_array().unwrap();
    assert!(aliases
        .iter()
        .any(|a| a["library"] == "Spring" && a["name"] == "SERVER_ERROR"));
    let texts = card["log_texts"].as_array().unwrap();
    assert!(texts
        .iter()
        .any(|t| t["text"] == "websocket: close 1011 (internal server error)"));
    assert!(card["symptoms"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "keepalive ping timeout"));
}

#[test]
fn any_number_is_explained() {
    let (objects, out) = lookup_json(&["4321", "2500", "3500", "999", "5000", "70000"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let get = |i: usize, f: &str| objects[i][f].as_str().unwrap_or_default().to_string();
    let notes = |i: usize| {
        objects[i]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    // 4321: private use, no standard meaning.
    assert_eq!(get(0, "name"), "Private use");
    assert_eq!(get(0, "range"), "private");
    assert_eq!(objects[0]["exact"], false);
    assert!(notes(0).contains("No standard meaning"), "{}", notes(0));
    // 2500: unassigned, reserved for the protocol.
    assert_eq!(get(1, "name"), "Unassigned protocol code");
    assert_eq!(get(1, "category"), "reserved");
    assert!(notes(1).contains("reserved for future versions of the protocol"));
    // 3500: registered range, not registered.
    assert_eq!(get(2, "range"), "registered");
    assert!(notes(2).contains("Not registered"));
    // 999, 5000, 70000: not close codes, each with its reason.
    for i in 3..6 {
        assert_eq!(get(i, "category"), "invalid");
        assert_eq!(get(i, "range"), "invalid");
    }
    assert!(notes(3).contains("0-999 are not used"), "{}", notes(3));
    assert!(notes(4).contains("above every range"), "{}", notes(4));
    assert!(notes(5).contains("16-bit"), "{}", notes(5));
    assert_eq!(objects[5]["code"], 70000);

    let text = lookup(&["999"]).text();
    assert!(text.contains("999  Invalid close code"), "{text}");
    assert!(
        text.contains("Code must be in range [1000,5000): 999"),
        "{text}"
    );
}

#[test]
fn a_private_code_names_the_bundled_tables_that_define_it() {
    let (objects, _) = lookup_json(&["4401"]);
    let notes = objects[0]["notes"].to_string();
    assert!(notes.contains("graphql-ws (4401 Unauthorized)"), "{notes}");
    let (objects, _) = lookup_json(&["--codes", "graphql-ws", "4401"]);
    assert_eq!(objects[0]["name"], "Unauthorized");
    assert_eq!(objects[0]["table"], "graphql-ws");
    assert_eq!(objects[0]["exact"], true);
    assert!(objects[0]["defined_by"]
        .as_str()
        .unwrap()
        .starts_with("code table graphql-ws"));
}

#[test]
fn no_query_lists_every_code_fitted_to_the_terminal() {
    let out = lookup_at(80, &[]);
    assert_eq!(out.code, 0);
    let text = out.text();
    assert!(text.starts_with("CODE  NAME"), "{text}");
    for code in (1000..=1015).chain([3000, 3003, 3008]) {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{code}  "))),
            "{code} missing in\n{text}"
        );
    }
    // The ranges, corrected: 4000-4999 is private use, not a code.
    assert!(text.contains("4000-4999"), "{text}");
    assert!(text.contains("1016-2999"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("4001")), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");

    // Wider, nothing wraps; narrower, columns are dropped to keep it readable.
    let wide = lookup_at(200, &[]).text();
    let row_1006 = wide.lines().find(|l| l.starts_with("1006")).unwrap();
    assert!(row_1006.contains("heartbeats"), "{row_1006}");
    let narrow = lookup_at(60, &[]).text();
    assert!(narrow.lines().all(|l| l.chars().count() <= 60), "{narrow}");
    assert!(!narrow.lines().next().unwrap().contains("RECONNECT"));

    let (objects, _) = lookup_json(&[]);
    let codes = codes_of(&objects);
    assert_eq!(codes.len(), 19);
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted);
}

#[test]
fn filters_by_category_reconnect_and_range() {
    let (objects, _) = lookup_json(&["--category", "error"]);
    assert_eq!(codes_of(&objects), vec![1006, 1011, 1014, 1015]);
    let (objects, _) = lookup_json(&["--category", "policy,normal"]);
    assert_eq!(codes_of(&objects), vec![1000, 1005, 1008, 3000, 3003]);
    let (objects, _) = lookup_json(&["--range", "registered"]);
    assert_eq!(codes_of(&objects), vec![3000, 3003, 3008]);

    // The original page's FAQ, corrected: 1005 only if the connection should
    // have stayed open, 1011 a few times, 1013 not at once, 3000 after new
    // credentials; 4xxx as the service says.
    let (objects, _) = lookup_json(&["--reconnect"]);
    assert_eq!(
        codes_of(&objects),
        vec![1001, 1005, 1006, 1011, 1012, 1013, 1014, 3000, 3008]
    );
    assert!(objects
        .iter()
        .all(|o| !o["reconnect_advice"].as_str().unwrap().is_empty()));
    let text = lookup(&["--reconnect"]).text();
    assert!(text.contains("HOW TO RECONNECT"), "{text}");
    assert!(text.contains("random delay of 5-30 s"), "{text}");
    assert!(text.contains("after an auth code, get new"), "{text}");

    // Filters narrow a search too.
    let (objects, _) = lookup_json(&["--category", "error", "timeout"]);
    assert!(!codes_of(&objects).contains(&3008));
    assert_eq!(codes_of(&objects)[0], 1006);
}

#[test]
fn filters_that_leave_nothing_say_so() {
    let out = lookup(&["--range", "protocol", "--category", "application"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty(), "{}", out.text());
    assert!(out.stderr.contains("no code matches"), "{}", out.stderr);
    // The private range has no code of its own, but the listing explains it.
    let out = lookup(&["--range", "private"]);
    assert_eq!(out.code, 0);
    assert!(out.text().contains("4000-4999"), "{}", out.text());
}

#[test]
fn search_puts_the_expected_code_first() {
    for (query, best) in [
        ("going away", 1001),
        ("GOING_AWAY", 1001),
        ("StatusGoingAway", 1001),
        ("goingAway", 1001),
        ("Going-Away", 1001),
        ("CloseAbnormalClosure", 1006),
        ("NO_CLOSE_FRAME", 1006),
        ("EndpointUnavailable", 1001),
        ("timeout", 3008),
        ("load balancer", 1006),
        ("proxy idle timeout", 1006),
        ("too large", 1009),
        ("auth", 3000),
        ("certificate expired", 1015),
        ("bad gateway", 1014),
        ("upstream", 1014),
        ("keepalive ping timeout", 1011),
        ("invalid utf-8", 1007),
        ("server restart", 1012),
        ("rate limited", 1008),
    ] {
        let (objects, out) = lookup_json(&[query]);
        assert_eq!(out.code, 0, "{query}: {}", out.stderr);
        assert_eq!(
            codes_of(&objects).first(),
            Some(&best),
            "{query}: got {:?}",
            codes_of(&objects)
        );
    }
    // A symptom also finds the other codes it fits, after the best one.
    let (objects, _) = lookup_json(&["timeout"]);
    let codes = codes_of(&objects);
    assert!(codes.contains(&1006) && codes.contains(&1011), "{codes:?}");
}

#[test]
fn a_name_gives_its_card_and_a_symptom_a_ranked_table() {
    let text = lookup(&["StatusGoingAway"]).text();
    assert!(text.starts_with("1001  Going Away"), "{text}");
    let text = lookup(&["timeout"]).text();
    assert!(text.starts_with("3008  Timeout"), "{text}");
    assert!(text.contains("Also matching 'timeout':"), "{text}");
    let text = lookup(&["auth"]).text();
    assert!(text.contains("codes match 'auth', best first:"), "{text}");
    let first_row = text
        .lines()
        .find(|l| l.starts_with("3") || l.starts_with("1"))
        .unwrap();
    assert!(first_row.starts_with("3000"), "{text}");
    // Bundled tables that define the name are mentioned.
    let text = lookup(&["Unauthorized"]).text();
    assert!(text.contains("4401 Unauthorized (graphql-ws)"), "{text}");
}

#[test]
fn nothing_matched_is_said_with_the_closest_names() {
    let out = lookup(&["xyzzy"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("no close code matches 'xyzzy'"),
        "{}",
        out.stderr
    );

    let out = lookup(&["GOING_AWYA"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("closest names:"), "{}", out.stderr);
    assert!(out.stderr.contains("(1001)"), "{}", out.stderr);

    let out = lookup(&["StatusGoinAway"]);
    assert!(
        out.stderr.contains("StatusGoingAway (1001)"),
        "{}",
        out.stderr
    );

    // A name only a bundled table knows: say which, and how to load it.
    let out = lookup(&["SubprotocolNotAcceptable"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("--codes graphql-ws"), "{}", out.stderr);
    let (objects, out) = lookup_json(&["--codes", "graphql-ws", "SubprotocolNotAcceptable"]);
    assert_eq!(out.code, 0);
    assert_eq!(codes_of(&objects), vec![4406]);

    // JSON: an empty array, still status 1.
    let (objects, out) = lookup_json(&["xyzzy"]);
    assert!(objects.is_empty());
    assert_eq!(out.code, 1);
}

#[test]
fn colour_marks_the_category_only_when_asked() {
    let plain = lookup(&["1006"]);
    assert!(!plain.text().contains('\u{1b}'));
    let coloured = lookup(&["--color", "always", "1006"]).text();
    assert!(
        coloured.contains("\u{1b}[1;31m1006  Abnormal Closure"),
        "{coloured}"
    );
    let table = lookup(&["--color", "always", "--category", "normal"]).text();
    assert!(table.contains("\u{1b}[32mnormal"), "{table}");
    let json = lookup(&["--color", "always", "--format", "json", "1006"]).text();
    assert!(!json.contains('\u{1b}'));
}

#[test]
fn subcommands_and_files_share_the_command_line() {
    // A file argument is still a file.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, "websocket: close 1006 (abnormal closure)\n").unwrap();
    let out = run(&[log.to_str().unwrap()], b"");
    assert_eq!(out.code, 0);
    assert!(out.text().contains("⟪ws 1006 Abnormal Closure"));
    // Flags before the subcommand that it takes too: it runs, as meant.
    let out = run(&["--codes", "graphql-ws", "lookup", "4401"], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.text().contains("Unauthorized"), "{}", out.text());
    // Flags it does not take make it a file name: say how to write it.
    let out = run(&["-o", "lookup", "4401"], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("put it first"), "{}", out.stderr);
    // Help works for the subcommand.
    let out = run(&["lookup", "--help"], b"");
    assert_eq!(out.code, 0);
    assert!(out.text().contains("--reconnect"));
    assert!(out.text().contains("--range"));
}

#[test]
fn a_closed_pipe_ends_lookup_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = command(&["lookup", "1006", "1011", "1001", "1000", "1002"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 4];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let status = child.wait().unwrap();
    let stderr = util::read_string(child.stderr.take().unwrap());
    assert!(status.code() == Some(0), "{status:?} {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// The README's sample card is what the tool prints at 100 columns.
#[test]
fn the_readme_sample_card_is_real() {
    let readme = std::fs::read_to_string(util::fixture("../README.md")).unwrap();
    let marker = "$ COLUMNS=100 wscode-annotate lookup 1006\n";
    let at = readme.find(marker).expect("the README shows a card") + marker.len();
    let shown = &readme[at..at + readme[at..].find("```").unwrap()];
    let mut cmd = util::command(&["lookup", "--color", "never", "1006"]);
    cmd.env("COLUMNS", "100");
    let out = util::run_command(cmd, b"");
    assert_eq!(out.code, 0);
    assert_eq!(shown, out.text());
}

/// Lookup's code object and annotate mode's JSON record describe a code
/// under the same field names with the same values, for a protocol code, a
/// registered one, a private one, an invalid one and one from a code table.
#[test]
fn lookup_objects_and_annotate_records_share_their_fields() {
    for (tables, code) in [
        (None, "1006"),
        (None, "3003"),
        (None, "4321"),
        (None, "999"),
        (Some("graphql-ws"), "4401"),
    ] {
        let mut annotate = vec!["--format", "json"];
        let mut look = vec!["lookup", "--format", "json"];
        if let Some(t) = tables {
            annotate.extend(["--codes", t]);
            look.extend(["--codes", t]);
        }
        look.push(code);
        let line = format!("websocket: close {code} (closed)\n");
        let records = run(&annotate, line.as_bytes()).json();
        assert_eq!(records.len(), 1, "{line}: {records:?}");
        let out = run(&look, b"");
        let objects: Value = serde_json::from_slice(&out.stdout).expect("lookup JSON");
        let object = &objects[0];
        for key in VIEW_FIELDS {
            assert!(!object[key].is_null(), "{code}: lookup has no {key}");
            assert_eq!(records[0][key], object[key], "{code}: {key} differs");
        }
    }
}
