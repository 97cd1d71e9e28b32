//! Settings in layers: [`crate::cli::Args`] (what was typed), the
//! [`Environment`] (what the process was started with, read once in `main`)
//! and the configuration file ([`crate::config_file`]) resolve here, once,
//! into a [`Config`] whose [`Command`] holds the settings of one command and
//! nothing else. Every "auto" choice (colour, inputs, terminal width,
//! threads, code tables) is made here; nothing below reads argv, the
//! environment or whether stdout is a terminal.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::cli::{
    Args, ColorArg, FormatArg, LookupFormatArg, MergeFormatArg, RangeArg, Subcommand,
};
use crate::codes::tables::TableSpec;
use crate::codes::{Category, CodeRange};
use crate::config_file::{ConfigFile, ConfigLocation};
use crate::filter::Filter;
use crate::input::{Source, DEFAULT_MAX_LINE};
use crate::print::LineFormat;
use crate::summary::gate::Gate;
use crate::summary::report::SummaryFormat;

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

/// Everything a run needs, decided.
#[derive(Clone, Debug)]
pub struct Config {
    /// The command and its own settings.
    pub command: Command,
    /// Code tables to load at startup: the configuration file's first, then
    /// WSCODE_CODES, then `--codes` (a later table wins).
    pub code_tables: Vec<TableSpec>,
    /// No notes on stderr, only errors (`-q`).
    pub quiet: bool,
    /// The `-j` asked for when it was more than [`MAX_THREADS_PER_CPU`] per
    /// CPU and the threads were lowered to that (a note says so).
    pub threads_capped_from: Option<usize>,
}

/// What to do, with the settings of that command alone.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Annotate the inputs (the default).
    Annotate(Annotate),
    /// One summary of the inputs (`--summary`).
    Summarize(Summarize),
    /// Look codes up.
    Lookup(Lookup),
    /// List the code tables.
    Tables(Tables),
    /// Combine JSON summaries.
    Merge(Merge),
    /// Print a completion script or a man page.
    Generate(Generate),
}

/// How the inputs are read and what is found in them: what annotate mode
/// and the summary share.
#[derive(Clone, Debug, PartialEq)]
pub struct Scan {
    /// The inputs, in order; stdin when none were given.
    pub inputs: Vec<Source>,
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
    /// The `--fail-on` rules, if any.
    pub gate: Option<Arc<Gate>>,
    /// Decompress stdin when it starts like a compressed stream (`-z`).
    pub search_zip: bool,
    /// Directory arguments are read, files in rotation order (`-r`).
    pub recursive: bool,
    /// Longest line kept whole; longer lines come in pieces.
    pub max_line: usize,
    /// No notes on stderr, only errors (`-q`).
    pub quiet: bool,
    /// `--metrics-listen`: where to serve the running counts.
    pub metrics_listen: Option<String>,
    /// `--by`: where the summary reads origins (empty: wherever lines
    /// have one).
    pub by: Vec<crate::summary::origin::By>,
}

/// Annotate mode: every line, or every line with a code (`-o`).
#[derive(Clone, Debug, PartialEq)]
pub struct Annotate {
    /// The inputs and what to find.
    pub scan: Scan,
    /// Annotated text, JSON Lines or GitHub commands.
    pub format: LineFormat,
    /// Colour the text (decided from the flag, environment and file).
    pub color: bool,
    /// Text: print only lines with a code.
    pub only_matching: bool,
}

/// `--summary`: one report after the last input.
#[derive(Clone, Debug, PartialEq)]
pub struct Summarize {
    /// The inputs and what to find.
    pub scan: Scan,
    /// Text, JSON or Prometheus.
    pub format: SummaryFormat,
    /// Colour the text.
    pub color: bool,
    /// The width text is fitted to: COLUMNS, else the terminal's; none into
    /// a pipe or file.
    pub width: Option<usize>,
    /// `--every`: print each interval's summary while reading.
    pub every: Option<Duration>,
    /// Standard output is a terminal: `--every` redraws in place.
    pub redraw: bool,
}

/// Text or JSON: the menu of `lookup` and `tables`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    /// Cards and tables for people.
    Text,
    /// One JSON document.
    Json,
}

/// What `lookup` was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The words after `lookup`: numbers, a name, or free text.
    pub query: Vec<String>,
    /// Empty means every category.
    pub categories: Vec<Category>,
    /// Only codes after which a client should reconnect.
    pub reconnect: bool,
    /// Only codes in this range (`--range`).
    pub range: Option<CodeRange>,
    /// Text cards and tables, or JSON.
    pub format: ListFormat,
    /// Colour the categories.
    pub color: bool,
    /// Columns to fit text into; `None` (not a terminal) means no wrapping.
    pub width: Option<usize>,
}

/// What `tables` was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tables {
    /// Text or JSON.
    pub format: ListFormat,
    /// Columns to fit text into; `None` means no wrapping.
    pub width: Option<usize>,
}

/// What `merge` was asked.
#[derive(Clone, Debug, PartialEq)]
pub struct Merge {
    /// The summaries, in order; `-` is stdin.
    pub files: Vec<PathBuf>,
    /// Text, JSON or Prometheus.
    pub format: SummaryFormat,
    /// Colour the text.
    pub color: bool,
    /// Fit the text to this many columns.
    pub width: Option<usize>,
    /// `--fail-on`: rules checked on the merged counts.
    pub gate: Option<Gate>,
}

/// What `completions` and `man` print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Generate {
    /// A shell completion script.
    Completions(clap_complete::Shell),
    /// The man page of the tool, or of a subcommand.
    Man(Option<String>),
}

impl Config {
    /// Resolves the command line against the environment: every "auto"
    /// choice is made here, once. A combination of flags no command can
    /// run (`--format github --summary`) is refused with the reason.
    pub fn from_args(args: Args, env: &Environment) -> Result<Config, String> {
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
        let color = |arg: Option<ColorArg>, text: bool| {
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
            text && choice
        };
        let quiet = args.quiet || file.is_some_and(|f| f.quiet);
        // `-j`, else the configuration file; 0 means the number of CPUs.
        let chosen_threads = args
            .threads
            .or(file.and_then(|f| f.threads))
            .filter(|&n| n > 0);
        let max_threads = env.cpus.max(1).saturating_mul(MAX_THREADS_PER_CPU);
        let threads_capped_from = chosen_threads.filter(|&n| n > max_threads);
        let command = match args.command {
            None => {
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
                let mut patterns = file.map(|f| f.pattern.clone()).unwrap_or_default();
                patterns.extend(args.pattern);
                let categories_from_file =
                    args.category.is_empty() && file.is_some_and(|f| !f.category.is_empty());
                let categories = if args.category.is_empty() {
                    file.map(|f| f.category.clone()).unwrap_or_default()
                } else {
                    args.category
                };
                // Prometheus metrics are a summary.
                let summarizing = args.summary || args.format == FormatArg::Prometheus;
                let gate = (!args.fail_on.is_empty()).then(|| {
                    Arc::new(Gate {
                        rules: args.fail_on,
                    })
                });
                let scan = Scan {
                    inputs,
                    filter: Filter {
                        categories,
                        codes: args.code,
                    },
                    categories_from_file,
                    patterns,
                    // A live summary, and a rate rule's sliding window, read
                    // the inputs in turn on one thread: a stream arrives
                    // slower than one thread scans, and a window needs the
                    // lines in order.
                    threads: if args.every.is_some()
                        || gate.as_ref().is_some_and(|g| g.has_rates())
                        || args.metrics_listen.is_some() && summarizing
                    {
                        1
                    } else {
                        chosen_threads.unwrap_or(env.cpus).clamp(1, max_threads)
                    },
                    threads_chosen: chosen_threads.is_some(),
                    gate,
                    search_zip: args.search_zip,
                    recursive: args.recursive,
                    max_line: args.max_line_length.unwrap_or(DEFAULT_MAX_LINE),
                    quiet,
                    metrics_listen: args.metrics_listen,
                    by: args.by,
                };
                let summary_format = match args.format {
                    FormatArg::Text => SummaryFormat::Text,
                    FormatArg::Json => SummaryFormat::Json,
                    FormatArg::Prometheus => SummaryFormat::Prometheus,
                    FormatArg::Github if args.summary => {
                        return Err("--format github prints one command per line with a close code; use it without --summary".into());
                    }
                    FormatArg::Github => SummaryFormat::Text,
                };
                if scan.by.len() > crate::summary::origin::MAX_BY {
                    return Err(format!(
                        "--by takes at most {} choices",
                        crate::summary::origin::MAX_BY
                    ));
                }
                if !scan.by.is_empty() && !summarizing {
                    return Err("--by groups the summary's origins; use it with --summary".into());
                }
                if args.every.is_some() {
                    if !args.summary {
                        return Err(
                            "--every prints a summary of each interval; use it with --summary"
                                .into(),
                        );
                    }
                    if summary_format == SummaryFormat::Prometheus {
                        return Err(
                            "--every prints text or JSON per interval, not Prometheus metrics"
                                .into(),
                        );
                    }
                }
                match args.format {
                    _ if summarizing => Command::Summarize(Summarize {
                        scan,
                        format: summary_format,
                        color: color(args.color, summary_format == SummaryFormat::Text),
                        width,
                        every: args.every,
                        redraw: env.stdout_is_terminal,
                    }),
                    arg => {
                        let format = match arg {
                            FormatArg::Json => LineFormat::Json,
                            FormatArg::Github => LineFormat::Github,
                            FormatArg::Text | FormatArg::Prometheus => LineFormat::Text,
                        };
                        Command::Annotate(Annotate {
                            scan,
                            format,
                            color: color(args.color, format == LineFormat::Text),
                            only_matching: args.only_matching,
                        })
                    }
                }
            }
            Some(Subcommand::Lookup(l)) => {
                let format = list_format(l.format);
                Command::Lookup(Lookup {
                    query: l.query,
                    categories: l.category,
                    reconnect: l.reconnect,
                    range: l.range.map(CodeRange::from),
                    format,
                    color: color(l.color, format == ListFormat::Text),
                    width,
                })
            }
            Some(Subcommand::Tables(t)) => Command::Tables(Tables {
                format: list_format(t.format),
                width,
            }),
            Some(Subcommand::Merge(m)) => {
                let format = match m.format {
                    MergeFormatArg::Text => SummaryFormat::Text,
                    MergeFormatArg::Json => SummaryFormat::Json,
                    MergeFormatArg::Prometheus => SummaryFormat::Prometheus,
                };
                Command::Merge(Merge {
                    files: m.files,
                    format,
                    color: color(m.color, format == SummaryFormat::Text),
                    width,
                    gate: (!m.fail_on.is_empty()).then_some(Gate { rules: m.fail_on }),
                })
            }
            Some(Subcommand::Completions(c)) => Command::Generate(Generate::Completions(c.shell)),
            Some(Subcommand::Man(m)) => Command::Generate(Generate::Man(m.subcommand)),
        };
        Ok(Config {
            command,
            code_tables,
            quiet,
            threads_capped_from,
        })
    }
}

fn list_format(arg: LookupFormatArg) -> ListFormat {
    match arg {
        LookupFormatArg::Text => ListFormat::Text,
        LookupFormatArg::Json => ListFormat::Json,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::parse_max_line;
    use clap::Parser;

    fn config(argv: &[&str], env: &Environment) -> Config {
        Config::from_args(Args::try_parse_from(argv).unwrap(), env).unwrap()
    }

    /// The scan settings of annotate mode or the summary.
    fn scan(c: &Config) -> &Scan {
        match &c.command {
            Command::Annotate(a) => &a.scan,
            Command::Summarize(s) => &s.scan,
            other => panic!("{other:?}"),
        }
    }

    fn color(c: Config) -> bool {
        match c.command {
            Command::Annotate(a) => a.color,
            Command::Summarize(s) => s.color,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn github_lines_are_refused_with_a_summary() {
        let args = Args::try_parse_from(["w", "--summary", "--format", "github"]).unwrap();
        let refused = Config::from_args(args, &Environment::default()).unwrap_err();
        assert!(refused.contains("without --summary"), "{refused}");
        let c = config(&["w", "--format", "prometheus"], &Environment::default());
        assert!(matches!(
            c.command,
            Command::Summarize(Summarize {
                format: SummaryFormat::Prometheus,
                ..
            })
        ));
    }

    #[test]
    fn colour_follows_terminal_and_no_color() {
        let tty = Environment {
            stdout_is_terminal: true,
            ..Environment::default()
        };
        let tty_no_color = Environment {
            stdout_is_terminal: true,
            no_color: true,
            ..Environment::default()
        };
        assert!(color(config(&["w"], &tty)));
        assert!(!color(config(&["w"], &tty_no_color)));
        assert!(!color(config(&["w"], &Environment::default())));
        assert!(color(config(
            &["w", "--color=always"],
            &Environment::default()
        )));
        assert!(!color(config(
            &["w", "--format=json", "--color=always"],
            &tty
        )));
        assert!(color(config(&["w", "-s"], &tty)));
    }

    #[test]
    fn subcommands_come_first_and_files_still_work() {
        let env = Environment::default();
        let c = config(&["w", "app.log"], &env);
        assert!(matches!(c.command, Command::Annotate(_)));
        let c = config(&["w", "lookup", "--codes", "graphql-ws", "4401"], &env);
        match c.command {
            Command::Lookup(o) => assert_eq!(o.query, vec!["4401".to_string()]),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.code_tables, vec![TableSpec::Bundled("graphql-ws".into())]);
        let c = config(&["w", "tables"], &env);
        assert!(matches!(c.command, Command::Tables(_)));
    }

    #[test]
    fn code_tables_come_from_the_environment_then_the_flags() {
        let env = Environment {
            codes: Some(OsString::from("/etc/a.toml:graphql-ws")),
            ..Environment::default()
        };
        let c = config(&["w", "--codes", "spring", "x.log"], &env);
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
        let c = config(&["w"], &Environment::default());
        assert_eq!(scan(&c).max_line, DEFAULT_MAX_LINE);
    }

    #[test]
    fn no_files_means_stdin() {
        let c = config(&["w"], &Environment::default());
        assert_eq!(scan(&c).inputs, vec![Source::Stdin(None)]);
        let c = config(&["w", "a.log", "-"], &Environment::default());
        assert_eq!(
            scan(&c).inputs,
            vec![Source::File("a.log".into()), Source::Stdin(None)]
        );
        let c = config(
            &["w", "--label", "gw-7d9f", "a.log", "-"],
            &Environment::default(),
        );
        assert_eq!(
            scan(&c).inputs,
            vec![
                Source::File("a.log".into()),
                Source::Stdin(Some("gw-7d9f".into()))
            ]
        );
    }
}
