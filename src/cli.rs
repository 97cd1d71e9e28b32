//! The command line: clap's view of the flags, and [`Config`], the one place
//! where every "auto" choice (colour, inputs, terminal width, code tables) is
//! made. Nothing below reads argv, the environment or whether stdout is a
//! terminal.
//!
//! `wscode-annotate [FILE]...` annotates; `wscode-annotate lookup …` and
//! `wscode-annotate tables` are subcommands. With clap's
//! `args_conflicts_with_subcommands`, a subcommand is only recognised as the
//! first argument, so `wscode-annotate app.log` still reads `app.log`.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, ValueEnum};

use crate::filter::{parse_code_range, Filter};
use crate::gate::{parse_rule, Gate, Rule};
use crate::input::Source;
use crate::lookup;
use crate::printer::Format;
use crate::registry::{Category, CodeRange};
use crate::tables::TableSpec;

const EXAMPLES: &str = "\
Examples:
  kubectl logs -f deploy/gateway | wscode-annotate     annotate a live stream
  wscode-annotate app.log                              annotate a file
  wscode-annotate -o app.log                           only the lines with a code
  wscode-annotate --format json app.log | jq .         JSON Lines for alerting
  wscode-annotate --category error,protocol app.log    only some categories
  wscode-annotate --codes graphql-ws app.log           with a service's own codes
  wscode-annotate lookup 1006                          explain a close code
  wscode-annotate lookup \"load balancer\"               search by name or symptom

Exit status:
  0  all inputs were read (close codes found or not; also when the output
     pipe closes early, e.g. `| head`)
  2  an input could not be read (the others were still processed), or the
     command line was wrong";

/// Finds WebSocket close codes in logs and says what they mean and what to do.
///
/// Every input line is written out exactly as it was; a line that carries a
/// close code gets ` ⟪ws CODE NAME · CATEGORY · HINT · RECONNECT⟫` appended
/// before its line ending. Strip annotations with
/// sed -E 's/ ⟪ws[^⟪⟫]*⟫(\r?)$/\1/' to get the input back byte for byte.
#[derive(Debug, Parser)]
#[command(
    name = "wscode-annotate",
    version,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    /// Files to read, in order; none, or '-', reads standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Output format: annotated text, or JSON Lines (one object per code found).
    #[arg(long, value_enum, default_value_t = FormatArg::Text, value_name = "FORMAT")]
    pub format: FormatArg,

    /// Colour the annotations: auto (when stdout is a terminal and NO_COLOR is
    /// unset), always or never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,

    /// Print only the lines that carry a close code (text format).
    #[arg(short = 'o', long)]
    pub only_matching: bool,

    /// Report only codes of these categories (comma list): normal, transient,
    /// error, protocol, policy, application, reserved, invalid.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub category: Vec<Category>,

    /// Report only these codes (comma list of codes and ranges, e.g. 1006,4000-4999).
    #[arg(long, value_delimiter = ',', value_name = "LIST", value_parser = parse_code_range)]
    pub code: Vec<RangeInclusive<u32>>,

    /// Print no lines, only counts by category and code, reasons, first and
    /// last lines and times, and a timeline.
    #[arg(short = 's', long)]
    pub summary: bool,

    /// Exit with status 1 when a rule trips: a comma list of categories
    /// and codes, each with an optional limit of tolerated lines, e.g.
    /// 'error', '1006>5', 'protocol,1011', 'invalid'.
    #[arg(long, value_delimiter = ',', value_name = "SPEC", value_parser = parse_rule)]
    pub fail_on: Vec<Rule>,

    /// Threads to scan with (default: the number of CPUs). Large batches of
    /// input are split between them; the output is the same as with one.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Also find codes with this regex (repeatable); it needs a named group
    /// 'code' and may have 'reason', e.g. 'gw-close=(?P<code>\d+)'.
    #[arg(long, value_name = "REGEX")]
    pub pattern: Vec<String>,

    /// Load a code table: a TOML or JSON file of a service's own codes, or a
    /// bundled table by name (see `wscode-annotate tables`). Repeatable; a
    /// later table overrides an earlier one. Also read from WSCODE_CODES, a
    /// path list, before these.
    #[arg(long, value_name = "FILE|NAME", global = true)]
    pub codes: Vec<OsString>,

    #[command(subcommand)]
    pub command: Option<Subcommand>,
}

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Subcommand {
    /// Explain a close code, find one by name or symptom, or list them all.
    #[command(after_help = LOOKUP_EXAMPLES)]
    Lookup(LookupArgs),
    /// List the bundled code tables (and any loaded with --codes).
    Tables(TablesArgs),
    /// Combine JSON summaries (from --summary --format json) of logs read
    /// elsewhere into one summary.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
}

const MERGE_EXAMPLES: &str = "\
Examples:
  ssh node1 wscode-annotate -s --format json /var/log/gw.log > node1.json
  ssh node2 wscode-annotate -s --format json /var/log/gw.log > node2.json
  wscode-annotate merge node1.json node2.json
  wscode-annotate merge --format prometheus node*.json > /var/lib/node_exporter/ws.prom";

/// `merge`'s arguments.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// JSON summaries to combine, in order.
    #[arg(value_name = "SUMMARY.json", required = true)]
    pub files: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = MergeFormatArg::Text, value_name = "FORMAT")]
    pub format: MergeFormatArg,

    /// Colour: auto, always or never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,
}

/// `--format` of `merge`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MergeFormatArg {
    Text,
    Json,
    Prometheus,
}

const LOOKUP_EXAMPLES: &str = "\
Examples:
  wscode-annotate lookup 1006                     the full card of a code
  wscode-annotate lookup 4321 999                 any number, known or not
  wscode-annotate lookup StatusGoingAway          by name, as a library prints it
  wscode-annotate lookup timeout                  by symptom or free text
  wscode-annotate lookup                          every known code
  wscode-annotate lookup --reconnect              after which codes to reconnect, and how
  wscode-annotate lookup --codes graphql-ws 4401  with a code table
  wscode-annotate lookup --format json 1011       as JSON

Exit status:
  0  something matched (every number is explained)
  1  nothing matched the search or the filters
  2  the command line or a code table was wrong";

/// `wscode-annotate lookup`.
#[derive(Debug, clap::Args)]
pub struct LookupArgs {
    /// Codes (1006), a name (GOING_AWAY, StatusGoingAway) or words to search
    /// names, meanings and symptoms for ("load balancer"). None lists every
    /// known code.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Only codes of these categories (comma list).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub category: Vec<Category>,

    /// Only codes after which a client should reconnect, with how.
    #[arg(long)]
    pub reconnect: bool,

    /// Only codes in this range: protocol (1000-2999), registered
    /// (3000-3999) or private (4000-4999).
    #[arg(long, value_enum, value_name = "RANGE")]
    pub range: Option<RangeArg>,

    /// Output format: text, or a JSON array of code objects.
    #[arg(long, value_enum, default_value_t = LookupFormatArg::Text, value_name = "FORMAT")]
    pub format: LookupFormatArg,

    /// Colour categories: auto, always or never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,
}

/// `wscode-annotate tables`.
#[derive(Debug, clap::Args)]
pub struct TablesArgs {
    /// Output format: text, or a JSON array.
    #[arg(long, value_enum, default_value_t = LookupFormatArg::Text, value_name = "FORMAT")]
    pub format: LookupFormatArg,
}

/// `--format` of `lookup` and `tables`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LookupFormatArg {
    Text,
    Json,
}

/// `lookup --range`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RangeArg {
    Protocol,
    Registered,
    Private,
}

impl From<RangeArg> for CodeRange {
    fn from(r: RangeArg) -> CodeRange {
        match r {
            RangeArg::Protocol => CodeRange::Protocol,
            RangeArg::Registered => CodeRange::Registered,
            RangeArg::Private => CodeRange::Private,
        }
    }
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Annotated lines; with --summary, a table.
    Text,
    /// JSON Lines, one object per code; with --summary, one JSON object.
    Json,
    /// A GitHub Actions ::error/::warning/::notice command per close-code line.
    Github,
    /// The summary as Prometheus metrics (implies --summary).
    Prometheus,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// What the environment says, read once in `main` so tests can set it.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    /// Standard output is a terminal.
    pub stdout_is_terminal: bool,
    /// NO_COLOR is set to a non-empty value.
    pub no_color: bool,
    /// CPUs available to this process.
    pub cpus: usize,
    /// The terminal's width: COLUMNS when set, else stdout's terminal.
    pub columns: Option<usize>,
    /// WSCODE_CODES: code tables to load, a path list.
    pub codes: Option<OsString>,
}

impl Environment {
    /// Reads the real environment.
    pub fn detect() -> Environment {
        Environment {
            stdout_is_terminal: std::io::stdout().is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            columns: std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<usize>().ok())
                .filter(|&c| c > 0)
                .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))),
            codes: std::env::var_os("WSCODE_CODES").filter(|v| !v.is_empty()),
        }
    }
}

/// What to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Annotate the inputs (the default).
    Annotate,
    /// Look codes up.
    Lookup(lookup::Options),
    /// List the code tables.
    Tables(lookup::TablesOptions),
    /// Combine JSON summaries.
    Merge {
        files: Vec<PathBuf>,
        format: Format,
        color: bool,
    },
}

/// Per-line output, or one summary at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Annotate,
    Summary,
}

/// Everything a run needs, decided.
#[derive(Clone, Debug)]
pub struct Config {
    pub inputs: Vec<Source>,
    pub format: Format,
    pub color: bool,
    pub only_matching: bool,
    pub filter: Filter,
    pub patterns: Vec<String>,
    /// Worker threads; 1 scans on the calling thread only.
    pub threads: usize,
    pub mode: Mode,
    /// The `--fail-on` rules, if any.
    pub gate: Option<Arc<Gate>>,
    /// Annotate, or a subcommand.
    pub command: Command,
    /// Code tables to load at startup: WSCODE_CODES first, then `--codes`.
    pub code_tables: Vec<TableSpec>,
}

impl Config {
    /// Resolves the command line against the environment.
    pub fn new(args: Args, env: &Environment) -> Config {
        let inputs = if args.files.is_empty() {
            vec![Source::Stdin]
        } else {
            args.files.iter().map(|p| Source::from_arg(p)).collect()
        };
        let format = format_of(args.format);
        let mut code_tables: Vec<TableSpec> = env
            .codes
            .iter()
            .flat_map(std::env::split_paths)
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| TableSpec::from_arg(p.as_os_str()))
            .collect();
        code_tables.extend(args.codes.iter().map(|c| TableSpec::from_arg(c)));
        // Below 20 columns nothing fits; treat it as unknown.
        let width = env.columns.filter(|&w| w >= 20);
        let resolve_color = |arg: ColorArg, format: Format| {
            format == Format::Text
                && match arg {
                    ColorArg::Always => true,
                    ColorArg::Never => false,
                    ColorArg::Auto => env.stdout_is_terminal && !env.no_color,
                }
        };
        let command = match args.command {
            None => Command::Annotate,
            Some(Subcommand::Lookup(l)) => {
                let format = lookup_format_of(l.format);
                Command::Lookup(lookup::Options {
                    query: l.query,
                    categories: l.category,
                    reconnect: l.reconnect,
                    range: l.range.map(CodeRange::from),
                    format,
                    color: resolve_color(l.color, format),
                    width,
                })
            }
            Some(Subcommand::Tables(t)) => Command::Tables(lookup::TablesOptions {
                format: lookup_format_of(t.format),
                width,
            }),
            Some(Subcommand::Merge(m)) => {
                let format = match m.format {
                    MergeFormatArg::Text => Format::Text,
                    MergeFormatArg::Json => Format::Json,
                    MergeFormatArg::Prometheus => Format::Prometheus,
                };
                Command::Merge {
                    files: m.files,
                    format,
                    color: resolve_color(m.color, format),
                }
            }
        };
        Config {
            inputs,
            format,
            color: resolve_color(args.color, format),
            only_matching: args.only_matching,
            filter: Filter {
                categories: args.category,
                codes: args.code,
            },
            patterns: args.pattern,
            threads: args.threads.filter(|&n| n > 0).unwrap_or(env.cpus).max(1),
            mode: if args.summary || format == Format::Prometheus {
                Mode::Summary
            } else {
                Mode::Annotate
            },
            gate: (!args.fail_on.is_empty()).then(|| {
                Arc::new(Gate {
                    rules: args.fail_on,
                })
            }),
            command,
            code_tables,
        }
    }
}

fn format_of(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Github => Format::Github,
        FormatArg::Prometheus => Format::Prometheus,
    }
}

fn lookup_format_of(arg: LookupFormatArg) -> Format {
    match arg {
        LookupFormatArg::Text => Format::Text,
        LookupFormatArg::Json => Format::Json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn colour_follows_terminal_and_no_color() {
        let parse = |argv: &[&str]| Args::try_parse_from(argv).unwrap();
        let tty = Environment {
            stdout_is_terminal: true,
            ..Environment::default()
        };
        let tty_no_color = Environment {
            stdout_is_terminal: true,
            no_color: true,
            ..Environment::default()
        };
        assert!(Config::new(parse(&["w"]), &tty).color);
        assert!(!Config::new(parse(&["w"]), &tty_no_color).color);
        assert!(!Config::new(parse(&["w"]), &Environment::default()).color);
        assert!(Config::new(parse(&["w", "--color=always"]), &Environment::default()).color);
        assert!(!Config::new(parse(&["w", "--format=json", "--color=always"]), &tty).color);
    }

    #[test]
    fn subcommands_come_first_and_files_still_work() {
        let env = Environment::default();
        let c = Config::new(Args::try_parse_from(["w", "app.log"]).unwrap(), &env);
        assert_eq!(c.command, Command::Annotate);
        let c = Config::new(
            Args::try_parse_from(["w", "lookup", "--codes", "graphql-ws", "4401"]).unwrap(),
            &env,
        );
        match c.command {
            Command::Lookup(o) => assert_eq!(o.query, vec!["4401".to_string()]),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.code_tables, vec![TableSpec::Bundled("graphql-ws".into())]);
        let c = Config::new(Args::try_parse_from(["w", "tables"]).unwrap(), &env);
        assert!(matches!(c.command, Command::Tables(_)));
    }

    #[test]
    fn code_tables_come_from_the_environment_then_the_flags() {
        let env = Environment {
            codes: Some(OsString::from("/etc/a.toml:graphql-ws")),
            ..Environment::default()
        };
        let c = Config::new(
            Args::try_parse_from(["w", "--codes", "spring", "x.log"]).unwrap(),
            &env,
        );
        assert_eq!(
            c.code_tables,
            vec![
                TableSpec::File("/etc/a.toml".into()),
                TableSpec::Bundled("graphql-ws".into()),
                TableSpec::Bundled("spring".into()),
            ]
        );
    }

    #[test]
    fn no_files_means_stdin() {
        let c = Config::new(
            Args::try_parse_from(["w"]).unwrap(),
            &Environment::default(),
        );
        assert_eq!(c.inputs, vec![Source::Stdin]);
        let c = Config::new(
            Args::try_parse_from(["w", "a.log", "-"]).unwrap(),
            &Environment::default(),
        );
        assert_eq!(c.inputs, vec![Source::File("a.log".into()), Source::Stdin]);
    }
}
