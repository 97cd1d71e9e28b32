//! The commands, one file each: [`annotate`] (the default), [`summarize`]
//! (`--summary`), [`lookup`], [`tables`], [`merge`] and [`generate`]
//! (completions and man pages). [`run`] is the binary's whole life after
//! parsing: load the code tables, run the command, and say how it ended.
//!
//! Messages for stderr are written here, once each, as
//! `wscode-annotate: …` with control characters escaped.

pub mod annotate;
pub mod generate;
pub mod lookup;
pub mod merge;
pub mod summarize;
pub mod tables;

use std::io::{self, Write};

use crate::config::{Command, Config, Scan};
use crate::error::Error;
use crate::exit::Exit;
use crate::input::walk::{self, Walked};
use crate::input::Source;
use crate::metrics::Metrics;
use crate::print::writer::{Output, ThreadedWriter};
use crate::summary::gate::Trip;

/// How a run ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Some input could not be read (it was reported on stderr).
    pub errored: bool,
    /// The output was closed before everything was written.
    pub output_closed: bool,
    /// The `--fail-on` rules that tripped.
    pub trips: Vec<Trip>,
}

impl Outcome {
    /// The exit status: an error when an input could not be read (an error
    /// wins over a gate), Tripped when a `--fail-on` rule tripped, else
    /// Success.
    pub fn exit(&self) -> crate::exit::Exit {
        if self.errored {
            crate::exit::Exit::Error
        } else if !self.trips.is_empty() {
            crate::exit::Exit::Tripped
        } else {
            crate::exit::Exit::Success
        }
    }
}

/// Runs `config` as the binary does, writing to stdout and stderr, and
/// says how it ended.
pub fn run(config: Config) -> Exit {
    if let Some(asked) = config.threads_capped_from.filter(|_| !config.quiet) {
        say(format_args!(
            "note: -j {asked} is more than {} threads per CPU; using {}",
            crate::config::MAX_THREADS_PER_CPU,
            threads_of(&config)
        ));
    }
    // Completions and man pages come from the clap definition alone.
    if let Command::Generate(what) = &config.command {
        return generate::run(what);
    }
    // Code tables go in before anything is described or extracted, so
    // annotate mode, the summary and lookup all see them.
    match crate::codes::tables::load_all(&config.code_tables) {
        Ok(loaded) => {
            crate::codes::tables::install(loaded);
        }
        Err(e) => {
            message(&Error::from(e));
            return Exit::Error;
        }
    }
    match config.command {
        Command::Annotate(settings) => annotate::main(settings),
        Command::Summarize(settings) => summarize::main(settings),
        Command::Lookup(settings) => lookup::main(&settings, config.quiet),
        Command::Tables(settings) => tables::main(&settings),
        Command::Merge(settings) => merge::main(&settings, config.quiet),
        Command::Generate(_) => unreachable!("generated above"),
    }
}

/// The threads a scan uses, for the note on a capped `-j`.
fn threads_of(config: &Config) -> usize {
    match &config.command {
        Command::Annotate(a) => a.scan.threads,
        Command::Summarize(s) => s.scan.threads,
        _ => 1,
    }
}

/// Runs annotate mode or the summary of `config` writing to `out`; soft
/// errors go to `report`. This is the tool minus argument parsing, code
/// tables and the exit status, so another program can run it on its own
/// inputs and writer:
///
/// ```
/// use clap::Parser;
/// use wscode_annotate::cli::Args;
/// use wscode_annotate::config::{Config, Environment};
///
/// let args = Args::parse_from(["wscode-annotate", "-o", "fixtures/sample.log"]);
/// let config = Config::from_args(args, &Environment::default()).unwrap();
/// let mut out = Vec::new();
/// let outcome = wscode_annotate::cmd::scan(&config, &mut out, &mut |e| eprintln!("{e}")).unwrap();
/// assert_eq!(outcome.exit(), wscode_annotate::exit::Exit::Success);
/// let text = String::from_utf8(out).unwrap();
/// assert_eq!(text.lines().count(), 13);
/// assert!(text.lines().all(|l| l.contains(" ⟪ws ")));
/// ```
pub fn scan<W: Output>(
    config: &Config,
    out: W,
    report: &mut dyn FnMut(&Error),
) -> Result<Outcome, Error> {
    match &config.command {
        Command::Annotate(settings) => annotate::annotate(settings, out, report),
        Command::Summarize(settings) => summarize::summarize(settings, out, report),
        _ => Err(Error::Usage(
            "only annotate mode and --summary read inputs".into(),
        )),
    }
}

/// Refuses a `--fail-on` rule that the filter makes impossible to trip.
fn check_gate(scan: &Scan) -> Result<(), Error> {
    let Some(gate) = &scan.gate else {
        return Ok(());
    };
    match gate.rules.iter().find(|r| !r.can_trip_under(&scan.filter)) {
        None => Ok(()),
        Some(dead) => {
            let from = if scan.categories_from_file {
                "the configuration file's `category`"
            } else {
                "--category/--code"
            };
            Err(Error::Usage(format!(
                "--fail-on {dead} can never trip: {from} reports no code it counts (the gate sees only reported codes); widen the filter, or run with --no-config"
            )))
        }
    }
}

/// Gets a scan's inputs ready as the binary does: a subcommand name given
/// as a file is explained (and the run stops), and with `-r` directories
/// become the files in them, before anything is read. Gives whether the
/// walk failed somewhere.
fn prepare_inputs(settings: &mut Scan) -> Result<bool, Exit> {
    if let Some(name) = misplaced_subcommand(settings) {
        say(format_args!(
"{name}: no such file; to run the {name} subcommand, put it first and its flags after it, e.g. wscode-annotate {name} --codes graphql-ws"
        ));
        return Err(Exit::Error);
    }
    let mut walk_failed = false;
    if settings.recursive {
        let quiet = settings.quiet;
        let inputs = std::mem::take(&mut settings.inputs);
        settings.inputs = walk::expand(inputs, &mut |event| match event {
            Walked::Error(e) => {
                walk_failed = true;
                message(&e);
            }
            skipped @ Walked::Skipped { .. } => {
                if !quiet {
                    say(&skipped);
                }
            }
        });
    }
    Ok(walk_failed)
}

/// Runs `scan` into stdout, written on a thread of its own so scanning and
/// writing overlap, and says how it ended. `--quiet` silences notes (a
/// long line), never errors.
fn to_stdout(
    quiet: bool,
    walk_failed: bool,
    scan: impl FnOnce(&mut ThreadedWriter, &mut dyn FnMut(&Error)) -> Result<Outcome, Error>,
) -> Exit {
    let mut threaded = ThreadedWriter::spawn(crate::print::writer::raw_stdout());
    let mut report = |e: &Error| {
        if !(quiet && e.is_note()) {
            message(e);
        }
    };
    let result = scan(&mut threaded, &mut report);
    let written = threaded.finish();
    match result {
        Ok(outcome) => {
            report_trips(&outcome.trips);
            match written {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => output_failed(e),
                _ if crate::interrupt::requested() => Exit::Interrupted,
                _ if walk_failed => Exit::Error,
                _ => outcome.exit(),
            }
        }
        Err(e) => {
            message(&e);
            Exit::Error
        }
    }
}

/// `wscode-annotate --codes X lookup 4401` parses as annotating a file named
/// `lookup` (a subcommand is only recognised first). When no such file
/// exists, say how to write it instead of "No such file".
fn misplaced_subcommand(scan: &Scan) -> Option<String> {
    use clap::CommandFactory;
    let Some(Source::File(path)) = scan.inputs.first() else {
        return None;
    };
    // The names clap knows, so a new subcommand is never missed here.
    crate::cli::Args::command()
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .find(|name| path.as_os_str() == name.as_str() && !path.exists())
}

/// One line on stderr per `--fail-on` rule that tripped.
fn report_trips(trips: &[Trip]) {
    for trip in trips {
        let within = trip
            .per
            .map(|s| format!(" within {s} s"))
            .unwrap_or_default();
        say(format_args!(
            "--fail-on {}: {} line{} matched{within} (limit {})",
            trip.rule,
            trip.lines,
            if trip.lines == 1 { "" } else { "s" },
            trip.limit
        ));
    }
}

/// A closed pipe ends quietly (`| head`); any other write error is reported.
pub fn output_failed(e: io::Error) -> Exit {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Exit::Success;
    }
    message(&Error::Output(e));
    Exit::Error
}

/// One line on stderr, prefixed with the tool's name; a closed stderr is ignored.
pub fn message(e: &Error) {
    say(e);
}

/// Writes `what` on stderr as one line after the tool's name, its control
/// characters escaped (a file name may hold a newline or ESC).
pub fn say(what: impl std::fmt::Display) {
    let text = what.to_string();
    let text = crate::term::escape_message(&text);
    let _ = writeln!(io::stderr().lock(), "wscode-annotate: {text}");
}

/// `--metrics-listen`: starts serving the running counts and says where
/// (unless `-q`). `None` without the flag.
pub(crate) fn serve_metrics(scan: &Scan) -> Result<Option<Metrics>, Error> {
    let Some(addr) = &scan.metrics_listen else {
        return Ok(None);
    };
    let metrics = Metrics::default();
    let bound = crate::metrics::http::serve(addr, metrics.clone()).map_err(Error::Usage)?;
    if !scan.quiet {
        say(format_args!("serving metrics on http://{bound}/metrics"));
    }
    Ok(Some(metrics))
}

/// Writes `bytes` to stdout and flushes: what the small commands print.
fn print_all(bytes: &[u8]) -> Exit {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_or_else(output_failed, |()| Exit::Success)
}
