//! The command line as clap sees it: [`Args`], its subcommands and the
//! `*Arg` enums of flag values, and nothing else. [`crate::config`] turns
//! them into the settings each command runs with. The only crate items used
//! here are the value parsers of the types flags hold (categories, code
//! ranges, `--fail-on` rules) and the help text; none of them looks back.
//!
//! `wscode-annotate [FILE]...` annotates; `wscode-annotate lookup …` and
//! `wscode-annotate tables` are subcommands. With clap's
//! `args_conflicts_with_subcommands`, a subcommand is only recognised as the
//! first argument, so `wscode-annotate app.log` still reads `app.log`.

use std::ffi::OsString;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};

use crate::codes::Category;
use crate::filter::parse_code_range;
use crate::help;
use crate::input::MIN_MAX_LINE;
use crate::summary::gate::{parse_rule, Rule};
use crate::summary::live::parse_interval;

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

    /// With --summary, also print a summary of each interval (e.g. 30s, 1m,
    /// 500ms) while the input is read: for streams that never end.
    ///
    /// Into a pipe or file, one line per interval (text) or one JSON object
    /// (JSON); on a terminal, the running total redrawn in place. The
    /// summary at the end is the same as without it. Inputs are read one
    /// after another, on one thread.
    #[arg(long, value_name = "DURATION", value_parser = parse_interval)]
    pub every: Option<Duration>,

    /// With --summary, read each line's origin (the "By origin" breakdown,
    /// and which pod a burst came from) from KEY, a JSON or logfmt key in
    /// any spelling (pod_name, podName), or from a named prefix: kubectl
    /// (`kubectl logs --prefix`), compose (`docker compose logs`), syslog
    /// (the header's host). Repeatable: the first the line has wins.
    /// Without it: a kubectl or compose prefix, then pod, container, host,
    /// instance or node keys, then a syslog host.
    #[arg(long, value_name = "KEY", value_parser = crate::summary::origin::parse_by)]
    pub by: Vec<crate::summary::origin::By>,

    /// Serve the running counts at http://ADDR/metrics in the Prometheus
    /// text format while reading (e.g. 127.0.0.1:9464; port 0 picks one).
    ///
    /// Counters of close events by code, category and source, and of lines
    /// and bytes read; nothing else is served. In annotate mode or with
    /// --summary.
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<String>,

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

/// `--max-line-length`: bytes, with an optional K, M or G suffix (powers of
/// 1024), at least [`MIN_MAX_LINE`].
pub fn parse_max_line(s: &str) -> Result<usize, String> {
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

impl Args {
    /// Parses the process's command line, reading it with the subcommand
    /// first when that is what the user meant (see `subcommand_first`).
    pub fn parse_subcommand_first() -> Result<Args, clap::Error> {
        Args::try_parse().map(subcommand_first)
    }
}

/// `wscode-annotate --no-config lookup 1006` parses as annotating files
/// named `lookup` and `1006` (a subcommand is only recognised first). When
/// no such file exists and the flags given before it are the subcommand's
/// too, read the command line with the subcommand first, as the user meant.
fn subcommand_first(args: Args) -> Args {
    let Some(first) = args.files.first().filter(|_| args.command.is_none()) else {
        return args;
    };
    let names = <Args as clap::CommandFactory>::command();
    let is_subcommand = names
        .get_subcommands()
        .any(|s| first.as_os_str() == s.get_name());
    if !is_subcommand || first.exists() {
        return args;
    }
    let mut argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let Some(at) = argv.iter().skip(1).position(|a| a == first.as_os_str()) else {
        return args;
    };
    let name = argv.remove(at + 1);
    argv.insert(1, name);
    Args::try_parse_from(argv).unwrap_or(args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Args::command().debug_assert();
    }
}
