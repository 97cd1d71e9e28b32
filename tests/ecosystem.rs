//! End-to-end tests of how the tool fits a terminal, CI and a log directory:
//! completions and the man page, compressed and rotated logs, the
//! configuration file and its precedence, colour conventions, --quiet, and
//! the help text.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use clap::CommandFactory;
use wscode_annotate::cli::Args;
use wscode_annotate::help;

use crate::util::{self, command, fixture, run, run_command};

/// The long flags of a command, from the clap definition itself, so the
/// tests stay true as flags are added.
fn long_flags(cmd: &clap::Command) -> Vec<String> {
    let flags: Vec<String> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect();
    assert!(flags.len() >= 10 || cmd.get_name() != "wscode-annotate");
    flags
}

#[test]
fn completions_generate_for_every_shell_and_mention_every_flag() {
    let flags = long_flags(&Args::command());
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell], b"");
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert_eq!(out.stderr, "", "{shell}");
        let script = out.text();
        for flag in &flags {
            // fish spells a long flag `-l NAME`; the others `--NAME`.
            let spelled = if shell == "fish" {
                format!("-l {flag}")
            } else {
                format!("--{flag}")
            };
            assert!(script.contains(&spelled), "{shell} misses {spelled}");
        }
        for sub in ["lookup", "tables", "merge", "completions", "man"] {
            assert!(script.contains(sub), "{shell} misses the {sub} subcommand");
        }
    }
    let out = run(&["completions", "tcsh"], b"");
    assert_eq!(out.code, 2);
}

#[test]
fn the_man_page_mentions_every_flag_and_each_subcommand_has_one() {
    let out = run(&["man"], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = out.text();
    assert!(page.contains(".TH wscode-annotate 1"), "{page}");
    // roff escapes '-' as '\-'.
    let plain = page.replace("\\-", "-");
    for flag in long_flags(&Args::command()) {
        assert!(
            plain.contains(&format!("--{flag}")),
            "man page misses --{flag}"
        );
    }
    for section in [
        ".SH SYNOPSIS",
        ".SH EXAMPLES",
        ".SH FILES",
        ".SH ENVIRONMENT",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(plain.contains(section), "the page has no {section}");
    }
    assert!(!plain.contains(".SH EXTRA"), "{plain}");
    // The synopsis names each option's value.
    assert!(plain.contains("--format\\fR \\fIFORMAT"), "{plain}");
    assert!(plain.contains("--max-line-length\\fR \\fIBYTES"), "{plain}");
    rendered_without_broken_lines(&out.stdout, None);
    let root = Args::command();
    for sub in root.get_subcommands() {
        let name = sub.get_name();
        let out = run(&["man", name], b"");
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let plain = out.text().replace("\\-", "-");
        assert!(
            plain.contains(&format!(".TH wscode-annotate-{name} 1")),
            "{plain}"
        );
        rendered_without_broken_lines(&out.stdout, Some(name));
        for flag in long_flags(sub) {
            assert!(
                plain.contains(&format!("--{flag}")),
                "{name} misses --{flag}"
            );
        }
    }
}

/// Renders the man page of `subcommand` with `man -l` at 80 columns, when
/// man is installed: no word is hyphenated across lines, and every example
/// command comes out whole on one line.
fn rendered_without_broken_lines(page: &[u8], subcommand: Option<&str>) {
    let mut cmd = Command::new("man");
    cmd.args(["-l", "-"])
        .env("MANWIDTH", "80")
        .env("LC_ALL", "C.UTF-8")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat");
    let Ok(out) = util::try_run_command(cmd, page) else {
        eprintln!("man is not installed: the rendered page is not checked");
        return;
    };
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.text();
    for line in text.lines() {
        assert!(!line.ends_with('\u{2010}'), "a word is broken: {line}");
    }
    let mut commands = 0;
    for section in help::sections(subcommand) {
        if let help::Body::Examples { list, .. } = &section.body {
            for command in list.iter().flat_map(|e| e.run) {
                commands += 1;
                assert!(
                    text.lines().any(|l| l.trim() == *command),
                    "example broken across lines: {command}\n{text}"
                );
            }
        }
    }
    assert!(commands > 0 || subcommand == Some("tables"), "{text}");
}

/// The output of a run on `path`, with `args` first.
fn output_of(args: &[&str], path: &Path) -> util::Output {
    let mut all: Vec<&str> = args.to_vec();
    all.push(path.to_str().unwrap());
    run(&all, b"")
}

/// JSON objects with their `source` removed, so files can be compared.
fn without_source(mut objects: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    for o in &mut objects {
        o.as_object_mut().unwrap().remove("source");
    }
    objects
}

#[test]
fn compressed_fixtures_read_like_the_plain_file() {
    let plain = fixture("sample.log");
    let text = output_of(&[], &plain);
    let json = output_of(&["--format", "json"], &plain);
    let summary = output_of(&["--summary", "--format", "json"], &plain);
    assert_eq!(text.code, 0);
    for ext in ["gz", "zst", "bz2", "xz"] {
        let path = fixture(&format!("sample.log.{ext}"));
        let out = output_of(&[], &path);
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{ext}");
        assert_eq!(out.stdout, text.stdout, "{ext}: annotated text differs");
        let out = output_of(&["--format", "json"], &path);
        let objects = out.json();
        // Paths are printed as given.
        assert_eq!(objects[0]["source"], path.to_str().unwrap());
        assert_eq!(
            without_source(objects),
            without_source(json.json()),
            "{ext}"
        );
        // --summary streams a compressed file (it cannot be cut by offset).
        let out = output_of(&["--summary", "--format", "json", "-j", "2"], &path);
        assert_eq!(out.code, 0, "{ext}: {}", out.stderr);
        let mut got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut want: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
        for v in [&mut got, &mut want] {
            v["inputs"][0]["source"] = serde_json::Value::Null;
            for code in v["codes"].as_array_mut().unwrap() {
                code["first_line"]["source"] = serde_json::Value::Null;
                code["last_line"]["source"] = serde_json::Value::Null;
            }
        }
        assert_eq!(got, want, "{ext}: summary differs");
    }
}

#[test]
fn a_large_compressed_file_is_summarised_like_the_plain_one() {
    // Above the size at which a plain file is cut into chunks.
    let dir = tempfile::tempdir().unwrap();
    let line = "2026-11-24T03:12:10.5Z websocket: close 1006 (abnormal closure): unexpected EOF\n\
                2026-11-24T03:12:11.5Z GET /api/v1/items 200 1011 0.012 plenty of padding text here\n";
    let data = line.repeat(60_000);
    assert!(data.len() > 8 << 20);
    let plain = dir.path().join("big.log");
    std::fs::write(&plain, &data).unwrap();
    let gz = dir.path().join("big.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let args = ["--summary", "--format", "json", "-j", "4"];
    let a: serde_json::Value = serde_json::from_slice(&output_of(&args, &plain).stdout).unwrap();
    let out = output_of(&args, &gz);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let b: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a["lines"], 120_000);
    assert_eq!(a["lines"], b["lines"]);
    assert_eq!(a["bytes"], b["bytes"]);
    assert_eq!(a["codes"][0]["count"], b["codes"][0]["count"]);
    assert_eq!(a["codes"][0]["last_line"]["line"], 119_999);
    assert_eq!(b["codes"][0]["last_line"]["line"], 119_999);
    assert_eq!(a["timeline"], b["timeline"]);
}

#[test]
fn search_zip_decompresses_stdin_and_without_it_stdin_passes_untouched() {
    let plain = std::fs::read(fixture("sample.log")).unwrap();
    let want = run(&[], &plain).stdout;
    for ext in ["gz", "zst", "bz2", "xz"] {
        let compressed = std::fs::read(fixture(&format!("sample.log.{ext}"))).unwrap();
        for flag in ["-z", "--search-zip"] {
            let out = run(&[flag], &compressed);
            assert_eq!(out.code, 0, "{ext}: {}", out.stderr);
            assert_eq!(out.stdout, want, "{ext} {flag}");
        }
        let out = run(&[], &compressed);
        assert_eq!(
            out.stdout, compressed,
            "{ext}: bytes pass through as they are"
        );
    }
    // -z on plain text changes nothing.
    assert_eq!(run(&["-z"], &plain).stdout, want);
}

#[test]
fn a_corrupt_compressed_file_is_an_input_error_and_the_rest_is_read() {
    let bad = fixture("sample-truncated.log.gz");
    let good = fixture("sample.log.xz");
    let out = run(&[bad.to_str().unwrap(), good.to_str().unwrap()], b"");
    assert_eq!(out.code, 2);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(
        lines[0].starts_with(&format!("wscode-annotate: {}: gzip: ", bad.display())),
        "{}",
        out.stderr
    );
    // What was decompressed before the damage is kept, then the good file.
    let text = out.text();
    let sample = std::fs::read_to_string(fixture("sample.log")).unwrap();
    assert!(text.starts_with(sample.lines().next().unwrap()), "{text}");
    assert!(
        text.ends_with(&run(&[], sample.as_bytes()).text()),
        "{text}"
    );
    // A .gz name over bytes that are not gzip, and -z on a bad stream.
    let dir = tempfile::tempdir().unwrap();
    let liar = dir.path().join("plain.log.gz");
    std::fs::write(&liar, "websocket: close 1006 (abnormal closure)\n").unwrap();
    let out = output_of(&[], &liar);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains(": gzip: "), "{}", out.stderr);
    let truncated = std::fs::read(&bad).unwrap();
    let out = run(&["-z", "--summary"], &truncated);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("wscode-annotate: -: gzip: "),
        "{}",
        out.stderr
    );
}

/// A rotated set, a file in a subdirectory, and things that are not logs.
fn rotated_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let gz = |data: &str| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    std::fs::write(p.join("app.log"), "websocket: close 1001 (going away)\n").unwrap();
    std::fs::write(
        p.join("app.log.1"),
        "websocket: close 1006 (abnormal closure)\n",
    )
    .unwrap();
    std::fs::write(
        p.join("app.log.2.gz"),
        gz("websocket: close 1011 (internal error)\n"),
    )
    .unwrap();
    std::fs::copy(fixture("sample.log.zst"), p.join("app.log.10.zst")).unwrap();
    std::fs::write(p.join("core"), b"\x7fELF\x02\x01\x01\0\0\0").unwrap();
    std::fs::write(p.join("data.gz"), gz("ws closed close_code=1000\0\n")).unwrap();
    std::fs::create_dir(p.join("older")).unwrap();
    std::fs::write(p.join("older/gw.log"), "ws closed close_code=4001\n").unwrap();
    dir
}

#[test]
fn recursive_reads_a_rotated_set_oldest_first_and_skips_binary_files() {
    let dir = rotated_dir();
    let root = dir.path().to_str().unwrap();
    let out = run(&["-r", "--format", "json", "-o", root], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut order: Vec<(String, u64)> = Vec::new();
    for o in out.json() {
        let source = o["source"].as_str().unwrap();
        let name = source.strip_prefix(root).unwrap().trim_start_matches('/');
        if order.last().is_none_or(|(n, _)| n != name) {
            order.push((name.to_string(), o["code"].as_u64().unwrap()));
        }
    }
    let names: Vec<&str> = order.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "app.log.10.zst",
            "app.log.2.gz",
            "app.log.1",
            "app.log",
            "older/gw.log"
        ]
    );
    // One note per skipped file, naming it and why.
    let notes: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(notes.len(), 2, "{}", out.stderr);
    assert!(notes.iter().all(|n| n.starts_with("wscode-annotate: ")));
    assert!(out.stderr.contains(&format!(
        "{root}/core: skipped: binary file (ELF executable)"
    )));
    assert!(out.stderr.contains(&format!(
        "{root}/data.gz: skipped: binary file (a NUL byte in the first 8 KiB)"
    )));
    // --quiet drops the notes, not the output.
    let quiet = run(&["-r", "-q", "--format", "json", "-o", root], b"");
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
    assert_eq!(quiet.stdout, out.stdout);
    // The summary reads the same files, in the same order.
    let out = run(&["-r", "--summary", "--format", "json", root], b"");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["inputs"].as_array().unwrap().len(), 5);
    // Without -r a directory is still an error that says what to do.
    let out = run(&[root], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
    assert!(out.stderr.contains("-r"), "{}", out.stderr);
}

/// A command with its own configuration directory: `XDG_CONFIG_HOME` is
/// `xdg`, `HOME` is `home`.
fn with_config(args: &[&str], xdg: Option<&Path>, home: &Path) -> std::process::Command {
    let mut cmd = command(args);
    cmd.env("HOME", home);
    match xdg {
        Some(x) => cmd.env("XDG_CONFIG_HOME", x),
        None => cmd.env_remove("XDG_CONFIG_HOME"),
    };
    cmd
}

fn write_config(dir: &Path, text: &str) -> std::path::PathBuf {
    let folder = dir.join("wscode-annotate");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

const LINE: &[u8] = b"websocket: close 1006 (abnormal closure)\nws closed close_code=4001\n";

fn coloured(out: &util::Output) -> bool {
    out.stdout.contains(&0x1b)
}

#[test]
fn the_config_file_sets_defaults_and_flags_and_env_win() {
    let tmp = tempfile::tempdir().unwrap();
    let xdg = tmp.path().join("xdg");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    write_config(&xdg, "color = \"always\"\ncategory = [\"error\"]\n");
    let go = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = with_config(args, Some(&xdg), &home);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run_command(cmd, LINE)
    };
    // The file: colour into a pipe, and only the error category annotated.
    let out = go(&[], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(coloured(&out));
    assert_eq!(out.text().matches("⟪ws").count(), 1);
    // A flag beats the file.
    assert!(!coloured(&go(&["--color", "never"], &[])));
    let out = go(&["--category", "application"], &[]);
    assert!(out.text().contains("4001 Private use"), "{}", out.text());
    assert!(!out.text().contains("1006 Abnormal"));
    // The environment beats the file.
    assert!(!coloured(&go(&[], &[("NO_COLOR", "1")])));
    // --no-config, or an empty WSCODE_CONFIG, ignores the file.
    let out = go(&["--no-config"], &[]);
    assert!(!coloured(&out));
    assert_eq!(out.text().matches("⟪ws").count(), 2);
    assert!(!coloured(&go(&[], &[("WSCODE_CONFIG", "")])));
    // Without XDG_CONFIG_HOME, ~/.config is read.
    write_config(&home.join(".config"), "color = \"always\"\n");
    let out = run_command(with_config(&[], None, &home), LINE);
    assert!(coloured(&out));
    // WSCODE_CONFIG names a file elsewhere and wins over both.
    let elsewhere = tmp.path().join("team.toml");
    std::fs::write(&elsewhere, "color = \"never\"\nquiet = true\n").unwrap();
    let out = go(&[], &[("WSCODE_CONFIG", elsewhere.to_str().unwrap())]);
    assert!(!coloured(&out));
    assert_eq!(out.text().matches("⟪ws").count(), 2);
}

#[test]
fn the_config_file_loads_code_tables_and_patterns_relative_to_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cfg");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("acme.toml"),
        r#"name = "acme"
source = "ACME runbook"

[[codes]]
code = 4001
name = "ACME Token Expired"
category = "policy"
meaning = "The session token expired."
recovery = "Refresh the token, then reconnect."
reconnect = "after-reauth"
"#,
    )
    .unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        "codes = [\"acme.toml\"]\npattern = ['gw-close=(?P<code>\\d+)']\n",
    )
    .unwrap();
    let mut cmd = command(&["-o"]);
    cmd.env("WSCODE_CONFIG", &config);
    let out = run_command(cmd, b"ws closed close_code=4001\ngw event gw-close=4002\n");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.text();
    assert!(text.contains("⟪ws 4001 ACME Token Expired"), "{text}");
    assert!(
        text.contains("gw-close=4002 ⟪ws 4002 Private use"),
        "{text}"
    );
    // --codes on the command line loads after the file's tables, so it wins.
    let mut cmd = command(&["-o", "--codes", "original-lookup"]);
    cmd.env("WSCODE_CONFIG", &config);
    let out = run_command(cmd, b"ws closed close_code=4001\n");
    assert!(
        out.text().contains("⟪ws 4001 Auth Expired"),
        "{}",
        out.text()
    );
}

#[test]
fn a_broken_config_file_stops_the_run_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_config(tmp.path(), "threads = 2\ncolour = \"always\"\n");
    let out = run_command(with_config(&[], Some(tmp.path()), tmp.path()), LINE);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, b"");
    assert!(
        out.stderr.starts_with(&format!(
            "wscode-annotate: {}:2:1: unknown field `colour`",
            path.display()
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--no-config"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1);
    // --no-config gets past it.
    let out = run_command(
        with_config(&["--no-config"], Some(tmp.path()), tmp.path()),
        LINE,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A bad value points at the value; a missing WSCODE_CONFIG file is an error.
    write_config(tmp.path(), "color = \"sometimes\"\n");
    let out = run_command(with_config(&[], Some(tmp.path()), tmp.path()), LINE);
    assert_eq!(out.code, 2);
    assert!(out
        .stderr
        .contains("config.toml:1:9: unknown color 'sometimes'"));
    let mut cmd = command(&[]);
    cmd.env("WSCODE_CONFIG", tmp.path().join("missing.toml"));
    let out = run_command(cmd, LINE);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("No such file or directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn colour_follows_no_color_and_clicolor_force() {
    let go = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        coloured(&run_command(cmd, LINE))
    };
    assert!(!go(&[], &[]), "no colour into a pipe");
    assert!(go(&[], &[("CLICOLOR_FORCE", "1")]), "forced into a pipe");
    assert!(!go(&[], &[("CLICOLOR_FORCE", "0")]), "0 does not force");
    assert!(!go(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
    assert!(!go(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    assert!(go(&["--color", "always"], &[("NO_COLOR", "1")]));
    // JSON is never coloured.
    assert!(!go(&["--format", "json"], &[("CLICOLOR_FORCE", "1")]));
    // lookup follows the same rules.
    let mut cmd = command(&["lookup", "1006"]);
    cmd.env("CLICOLOR_FORCE", "1");
    assert!(coloured(&run_command(cmd, b"")));
}

#[test]
fn quiet_silences_notes_but_not_errors_or_statuses() {
    let out = run(&["lookup", "xyzzy"], b"");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with("wscode-annotate: "),
        "{}",
        out.stderr
    );
    let out = run(&["lookup", "-q", "xyzzy"], b"");
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    let out = run(&["-q", "/nonexistent/wscode.log"], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("No such file or directory"));
}

#[test]
fn help_has_a_short_and_a_long_form_with_an_example_per_use() {
    let short = run(&["-h"], b"").text();
    let long = run(&["--help"], b"").text();
    assert!(short.len() * 3 / 2 < long.len(), "-h is the short form");
    assert!(short.contains("wscode-annotate --help"));
    for example in [
        "kubectl logs -f --timestamps deploy/gateway | wscode-annotate",
        "docker logs -f",
        "wscode-annotate --summary app.log",
        "--fail-on",
        "--format json app.log | jq",
        "--format prometheus",
        "wscode-annotate lookup 1006",
        "wscode-annotate -r",
        "completions bash",
        "Exit status:",
        "CLICOLOR_FORCE",
        "config.toml",
    ] {
        assert!(long.contains(example), "--help misses {example:?}");
    }
    let version = run(&["--version"], b"").text();
    assert_eq!(
        version.trim(),
        format!("wscode-annotate {}", env!("CARGO_PKG_VERSION"))
    );
}
