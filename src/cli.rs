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

use crate::config::{ConfigFile, ConfigLocation};
use crate::filter::{parse_code_range, Filter};
use crate::gate::{parse_rule, Gate, Rule};
use crate::help;
use crate::input::{Source, DEFAULT_MAX_LINE, MIN_MAX_LINE};
use crate::lookup;
use crate::printer::Format;
use crate::registry::{Category, CodeRange};
use crate::tables::TableSpec;

/// Examples under `-h`: the three uses people reach for first.
const EXAMPLES: &str = "\
Examples:
  kubectl logs -f --timestamps deploy/gateway | wscode-annotate
  wscode-annotate --summary app.log
  wscode-annotate lookup 1006

More examples, the configuration file and the exit statuses: wscode-annotate --help";

/// Finds WebSocket close codes in logs and says what they mean and what to do.
///
/// Every input line is written out exactly as it was; a line that carries a
/// close code gets ` ⟪ws CODE NAME · CATEGORY · HINT · RECONNECT⟫` appended
/// before its line ending. Strip annotations with
/// sed -E 's/ ⟪ws[^⟪⟫]*⟫(\r?)$/\1/' to get the input back byte for byte
/// (several inputs: see the README).
#[derive(Debug, Parser)]
#[command(
    name = "wscode-annotate",
    version,
    after_help = EXAMPLES,
    after_long_help = help::text(help::MAIN),
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    /// Files to read, in order; none, or '-', reads standard input.
    ///
    /// Compressed files (.gz, .zst, .bz2, .xz, or by their first bytes) are
    /// decompressed as they are read. A directory needs -r.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Output format: annotated text, JSON Lines, GitHub commands or metrics.
    #[arg(long, value_enum, default_value_t = FormatArg::Text, value_name = "FORMAT")]
    pub format: FormatArg,

    /// Colour the annotations: auto, always or never [default: auto].
    ///
    /// auto colours when stdout is a terminal, or when CLICOLOR_FORCE is set
    /// (not 0); never when NO_COLOR is set (not empty).
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorArg>,

    /// Print only the lines that carry a close code (text format).
    #[arg(short = 'o', long)]
    pub only_matching: bool,

    /// Report only codes of these categories (comma list).
    ///
    /// normal, transient, error, protocol, policy, application, reserved,
    /// invalid. In annotate mode, lines whose codes are filtered out pass
    /// through unannotated.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub category: Vec<Category>,

    /// Report only these codes (comma list of codes and ranges, e.g. 1006,4000-4999).
    #[arg(long, value_delimiter = ',', value_name = "LIST", value_parser = parse_code_range)]
    pub code: Vec<RangeInclusive<u32>>,

    /// Print no lines, only a summary.
    ///
    /// Counts by category and code, reasons, first and last lines and
    /// times, and a timeline.
    #[arg(short = 's', long)]
    pub summary: bool,

    /// Exit with status 1 when a rule trips (a gate for CI).
    ///
    /// A comma list of categories and codes, each with an optional limit of
    /// tolerated lines, e.g. 'error', '1006>5', 'protocol,1011', 'invalid'.
    #[arg(long, value_delimiter = ',', value_name = "SPEC", value_parser = parse_rule)]
    pub fail_on: Vec<Rule>,

    /// Threads to scan with (default: the number of CPUs; one fewer when
    /// annotating a pipe, whose writer needs a CPU too).
    ///
    /// Batches of input are scanned side by side; the output is the same
    /// as with one.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Decompress standard input too when it starts like gzip, zstd, bzip2
    /// or xz (files always are).
    #[arg(short = 'z', long)]
    pub search_zip: bool,

    /// Read the files in directory arguments, and in their subdirectories.
    ///
    /// A rotated set is read oldest first (app.log.3.gz, app.log.2.gz,
    /// app.log.1, app.log); binary files are skipped with a note.
    #[arg(short = 'r', long)]
    pub recursive: bool,

    /// Print no notes on stderr (skipped files, lookup's "nothing matched");
    /// errors are still printed.
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,

    /// Ignore the configuration file.
    #[arg(long, global = true)]
    pub no_config: bool,

    /// Also find codes with this regex (repeatable).
    ///
    /// It needs a named group 'code' and may have 'reason', e.g.
    /// `gw-close=(?P<code>\d+)`.
    #[arg(long, value_name = "REGEX")]
    pub pattern: Vec<String>,

    /// Longest line kept whole, in bytes (K, M, G suffixes: KiB, MiB, GiB;
    /// default 4M). A longer line is passed through intact in pieces and
    /// scanned in windows; a note on stderr says so once per input.
    #[arg(long, value_name = "BYTES", value_parser = parse_max_line)]
    pub max_line_length: Option<usize>,

    /// The name of standard input in output and messages (JSON `source`,
    /// the summary's inputs, GitHub `file=`), instead of `-`.
    ///
    /// For logs fed through a pipe by something that knows where they came
    /// from: `kubectl logs pod/gw-7d9f | wscode-annotate --label gw-7d9f -s`,
    /// or an engine's input file name.
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,

    /// Load a code table: a file of a service's own codes, or a bundled name.
    ///
    /// A TOML or JSON file, or a bundled table by name (see
    /// `wscode-annotate tables`). Repeatable; a later table overrides an
    /// earlier one. Also read from WSCODE_CODES, a path list, before these.
    #[arg(long, value_name = "FILE|NAME", global = true)]
    pub codes: Vec<OsString>,

    #[command(subcommand)]
    /// A subcommand instead of annotating: `lookup`, `tables`, `merge`, …
    pub command: Option<Subcommand>,
}

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Subcommand {
    /// Explain a close code, find one by name or symptom, or list them all.
    #[command(after_help = help::text(help::LOOKUP))]
    Lookup(LookupArgs),
    /// List the bundled code tables (and any loaded with --codes).
    Tables(TablesArgs),
    /// Combine JSON summaries (from --summary --format json) of logs read
    /// elsewhere into one summary.
    #[command(after_help = help::text(help::MERGE))]
    Merge(MergeArgs),
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    #[command(after_help = help::text(help::COMPLETIONS))]
    Completions(CompletionsArgs),
    /// Print the man page (roff), of the tool or of one subcommand.
    #[command(after_help = help::text(help::MAN))]
    Man(ManArgs),
}

/// `completions`' arguments.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `man`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// A subcommand whose page to print (wscode-annotate-SUBCOMMAND(1));
    /// none prints the tool's page.
    #[arg(value_name = "SUBCOMMAND", value_parser = ["lookup", "tables", "merge", "completions", "man"])]
    pub subcommand: Option<String>,
}

/// `merge`'s arguments.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// JSON summaries to combine, in order.
    #[arg(value_name = "SUMMARY.json", required = true)]
    pub files: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = MergeFormatArg::Text, value_name = "FORMAT")]
    pub format: MergeFormatArg,

    /// Colour: auto, always or never [default: auto].
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorArg>,

    /// Exit with status 1 when a rule trips on the merged counts, as
    /// `--summary --fail-on` does on one scan (same rules).
    #[arg(long, value_delimiter = ',', value_name = "SPEC", value_parser = parse_rule)]
    pub fail_on: Vec<Rule>,
}

/// `--format` of `merge`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MergeFormatArg {
    /// The summary as a table.
    Text,
    /// The summary as one JSON object.
    Json,
    /// The summary as Prometheus metrics.
    Prometheus,
}

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

    /// Colour categories: auto, always or never [default: auto].
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorArg>,
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
    /// Cards and tables.
    Text,
    /// A JSON array.
    Json,
}

/// `lookup --range`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RangeArg {
    /// 1000-2999: the protocol's own codes.
    Protocol,
    /// 3000-3999: registered with IANA.
    Registered,
    /// 4000-4999: private use.
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
    /// When stdout is a terminal, or CLICOLOR_FORCE says so; not with NO_COLOR.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// What the environment says, read once in `main` so tests can set it.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    /// Standard output is a terminal.
    pub stdout_is_terminal: bool,
    /// NO_COLOR is set to a non-empty value.
    pub no_color: bool,
    /// CLICOLOR_FORCE is set to a value other than empty or `0`.
    pub clicolor_force: bool,
    /// Where the configuration file is looked for.
    pub config_location: ConfigLocation,
    /// The configuration file, once `main` has read it (not with `--no-config`).
    pub config: Option<ConfigFile>,
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
            clicolor_force: std::env::var_os("CLICOLOR_FORCE")
                .is_some_and(|v| !v.is_empty() && v != "0"),
            config_location: ConfigLocation::from_env(
                std::env::var_os("WSCODE_CONFIG"),
                std::env::var_os("XDG_CONFIG_HOME"),
                std::env::var_os("HOME"),
            ),
            config: None,
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

/// The most scanning threads per CPU: past that, threads only wait for one
/// another and hold buffers (each holds a few MiB in flight).
pub const MAX_THREADS_PER_CPU: usize = 4;

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
        /// The summaries, in order.
        files: Vec<PathBuf>,
        /// Text, JSON or Prometheus.
        format: Format,
        /// Colour the text.
        color: bool,
        /// Fit the text to this many columns.
        width: Option<usize>,
        /// `--fail-on`: rules checked on the merged counts.
        gate: Option<Gate>,
    },
    /// Print a shell completion script.
    Completions(clap_complete::Shell),
    /// Print the man page of the tool, or of a subcommand.
    Man(Option<String>),
}

/// Per-line output, or one summary at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Every line (or every match) as it is read.
    Annotate,
    /// One summary after the last input.
    Summary,
}

/// Everything a run needs, decided.
#[derive(Clone, Debug)]
pub struct Config {
    /// The inputs, in order; stdin when none were given.
    pub inputs: Vec<Source>,
    /// How findings are printed.
    pub format: Format,
    /// Colour the text output (decided from the flag, environment and file).
    pub color: bool,
    /// Text format: print only lines with a code.
    pub only_matching: bool,
    /// Which codes are reported.
    pub filter: Filter,
    /// The filter's categories come from the configuration file.
    pub categories_from_file: bool,
    /// Extra formats: the configuration file's, then `--pattern`'s.
    pub patterns: Vec<String>,
    /// Worker threads; 1 scans on the calling thread only.
    pub threads: usize,
    /// `threads` was chosen (`-j` or the configuration file) rather than
    /// taken from the number of CPUs.
    pub threads_chosen: bool,
    /// The `-j` asked for when it was more than [`MAX_THREADS_PER_CPU`] per
    /// CPU and `threads` was lowered to that (a note says so).
    pub threads_capped_from: Option<usize>,
    /// Per-line output or a summary.
    pub mode: Mode,
    /// The `--fail-on` rules, if any.
    pub gate: Option<Arc<Gate>>,
    /// Annotate, or a subcommand.
    pub command: Command,
    /// Code tables to load at startup: the configuration file's first, then
    /// WSCODE_CODES, then `--codes` (a later table wins).
    pub code_tables: Vec<TableSpec>,
    /// Decompress stdin when it starts like a compressed stream (`-z`).
    pub search_zip: bool,
    /// Directory arguments are read, files in rotation order (`-r`).
    pub recursive: bool,
    /// No notes on stderr, only errors (`-q`).
    pub quiet: bool,
    /// Longest line kept whole; longer lines come in pieces.
    pub max_line: usize,
    /// The width text output is fitted to: COLUMNS, else the terminal's;
    /// none into a pipe or file.
    pub width: Option<usize>,
}

impl Config {
    /// Resolves the command line against the environment.
    pub fn new(args: Args, env: &Environment) -> Config {
        let mut inputs = if args.files.is_empty() {
            vec![Source::Stdin(None)]
        } else {
            args.files.iter().map(|p| Source::from_arg(p)).collect()
        };
        for input in &mut inputs {
            if let Source::Stdin(label) = input {
                label.clone_from(&args.label);
            }
        }
        let format = format_of(args.format);
        // The configuration file, unless --no-config: flags > env > file.
        let file = env.config.as_ref().filter(|_| !args.no_config);
        let mut code_tables: Vec<TableSpec> = file.map(ConfigFile::code_tables).unwrap_or_default();
        code_tables.extend(
            env.codes
                .iter()
                .flat_map(std::env::split_paths)
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| TableSpec::from_arg(p.as_os_str())),
        );
        code_tables.extend(args.codes.iter().map(|c| TableSpec::from_arg(c)));
        // Below 20 columns nothing fits; treat it as unknown.
        let width = env.columns.filter(|&w| w >= 20);
        // A flag wins; then NO_COLOR, then CLICOLOR_FORCE; then the file.
        let file_color = file.and_then(|f| f.color);
        let resolve_color = |arg: Option<ColorArg>, format: Format| {
            let from_env = || {
                if env.no_color {
                    Some(false)
                } else if env.clicolor_force {
                    Some(true)
                } else {
                    None
                }
            };
            let choice = match arg {
                Some(ColorArg::Always) => true,
                Some(ColorArg::Never) => false,
                Some(ColorArg::Auto) => from_env().unwrap_or(env.stdout_is_terminal),
                None => from_env().unwrap_or(match file_color {
                    Some(ColorArg::Always) => true,
                    Some(ColorArg::Never) => false,
                    Some(ColorArg::Auto) | None => env.stdout_is_terminal,
                }),
            };
            format == Format::Text && choice
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
                    width,
                    gate: (!m.fail_on.is_empty()).then_some(Gate { rules: m.fail_on }),
                }
            }
            Some(Subcommand::Completions(c)) => Command::Completions(c.shell),
            Some(Subcommand::Man(m)) => Command::Man(m.subcommand),
        };
        let mut patterns = file.map(|f| f.pattern.clone()).unwrap_or_default();
        patterns.extend(args.pattern);
        let categories_from_file =
            args.category.is_empty() && file.is_some_and(|f| !f.category.is_empty());
        let categories = if args.category.is_empty() {
            file.map(|f| f.category.clone()).unwrap_or_default()
        } else {
            args.category
        };
        // `-j`, else the configuration file; 0 means the number of CPUs.
        let chosen_threads = args
            .threads
            .or(file.and_then(|f| f.threads))
            .filter(|&n| n > 0);
        let max_threads = env.cpus.max(1).saturating_mul(MAX_THREADS_PER_CPU);
        Config {
            inputs,
            format,
            color: resolve_color(args.color, format),
            only_matching: args.only_matching,
            filter: Filter {
                categories,
                codes: args.code,
            },
            categories_from_file,
            patterns,
            threads: chosen_threads.unwrap_or(env.cpus).clamp(1, max_threads),
            threads_chosen: chosen_threads.is_some(),
            threads_capped_from: chosen_threads.filter(|&n| n > max_threads),
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
            search_zip: args.search_zip,
            recursive: args.recursive,
            quiet: args.quiet || file.is_some_and(|f| f.quiet),
            max_line: args.max_line_length.unwrap_or(DEFAULT_MAX_LINE),
            width,
        }
    }
}

/// `--max-line-length`: bytes, with an optional K, M or G suffix (powers of
/// 1024), at least [`MIN_MAX_LINE`].
fn parse_max_line(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let t = t
        .strip_suffix(['B', 'b'])
        .map(|t| t.strip_suffix(['i', 'I']).unwrap_or(t))
        .unwrap_or(t);
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_uppercase()),
        _ => (t, ' '),
    };
    let shift = match unit {
        ' ' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err(format!("'{s}': use bytes, e.g. 1048576, 512K or 16M")),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("'{s}': use bytes, e.g. 1048576, 512K or 16M"))?;
    let bytes = n
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("'{s}' is too large"))?;
    if bytes < MIN_MAX_LINE {
        return Err(format!("'{s}': at least {MIN_MAX_LINE} bytes"));
    }
    Ok(bytes)
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
    fn max_line_length_takes_bytes_and_suffixes() {
        assert_eq!(parse_max_line("1048576"), Ok(1 << 20));
        assert_eq!(parse_max_line("512K"), Ok(512 << 10));
        assert_eq!(parse_max_line("16M"), Ok(16 << 20));
        assert_eq!(parse_max_line("16MiB"), Ok(16 << 20));
        assert_eq!(parse_max_line("1g"), Ok(1 << 30));
        assert!(parse_max_line("100").is_err());
        assert!(parse_max_line("4X").is_err());
        assert!(parse_max_line("").is_err());
        assert!(parse_max_line("99999999999999999999G").is_err());
        let c = Config::new(
            Args::try_parse_from(["w"]).unwrap(),
            &Environment::default(),
        );
        assert_eq!(c.max_line, DEFAULT_MAX_LINE);
    }

    #[test]
    fn no_files_means_stdin() {
        let c = Config::new(
            Args::try_parse_from(["w"]).unwrap(),
            &Environment::default(),
        );
        assert_eq!(c.inputs, vec![Source::Stdin(None)]);
        let c = Config::new(
            Args::try_parse_from(["w", "a.log", "-"]).unwrap(),
            &Environment::default(),
        );
        assert_eq!(
            c.inputs,
            vec![Source::File("a.log".into()), Source::Stdin(None)]
        );
        let c = Config::new(
            Args::try_parse_from(["w", "--label", "gw-7d9f", "a.log", "-"]).unwrap(),
            &Environment::default(),
        );
        assert_eq!(
            c.inputs,
            vec![
                Source::File("a.log".into()),
                Source::Stdin(Some("gw-7d9f".into()))
            ]
        );
    }
}
