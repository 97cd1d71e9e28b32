//! The command line: clap's view of the flags, and [`Config`], the one place
//! where every "auto" choice (colour, inputs) is made. Nothing below reads
//! argv, the environment or whether stdout is a terminal.

use std::io::IsTerminal;
use std::ops::RangeInclusive;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::filter::{parse_code_range, Filter};
use crate::input::Source;
use crate::printer::Format;
use crate::registry::Category;

const EXAMPLES: &str = "\
Examples:
  kubectl logs -f deploy/gateway | wscode-annotate     annotate a live stream
  wscode-annotate app.log                              annotate a file
  wscode-annotate -o app.log                           only the lines with a code
  wscode-annotate --format json app.log | jq .         JSON Lines for alerting
  wscode-annotate --category error,protocol app.log    only some categories

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
#[command(name = "wscode-annotate", version, after_help = EXAMPLES)]
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

    /// Threads to scan with (default: the number of CPUs). Large batches of
    /// input are split between them; the output is the same as with one.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Also find codes with this regex (repeatable); it needs a named group
    /// 'code' and may have 'reason', e.g. 'gw-close=(?P<code>\d+)'.
    #[arg(long, value_name = "REGEX")]
    pub pattern: Vec<String>,
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
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
}

impl Environment {
    /// Reads the real environment.
    pub fn detect() -> Environment {
        Environment {
            stdout_is_terminal: std::io::stdout().is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
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
}

impl Config {
    /// Resolves the command line against the environment.
    pub fn new(args: Args, env: &Environment) -> Config {
        let inputs = if args.files.is_empty() {
            vec![Source::Stdin]
        } else {
            args.files.iter().map(|p| Source::from_arg(p)).collect()
        };
        let color = match args.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => env.stdout_is_terminal && !env.no_color,
        };
        let format = match args.format {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
        };
        Config {
            inputs,
            format,
            color: color && format == Format::Text,
            only_matching: args.only_matching,
            filter: Filter {
                categories: args.category,
                codes: args.code,
            },
            patterns: args.pattern,
            threads: args.threads.filter(|&n| n > 0).unwrap_or(env.cpus).max(1),
        }
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
