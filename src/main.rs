//! The binary: parse, resolve, load code tables, run the command, and turn
//! the outcome into an exit status.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::Parser;
use wscode_annotate::cli::{Args, Command, Config, Environment};
use wscode_annotate::input::Source;
use wscode_annotate::output::ThreadedWriter;
use wscode_annotate::{lookup, report, tables, Error};

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let config = Config::new(args, &Environment::detect());
    // Code tables go in before anything is described or extracted, so
    // annotate mode, the summary and lookup all see them.
    match tables::load_all(&config.code_tables) {
        Ok(loaded) => {
            tables::install(loaded);
        }
        Err(e) => {
            message(&Error::from(e));
            return ExitCode::from(2);
        }
    }
    let stdout = io::stdout();
    let out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    match &config.command {
        Command::Lookup(options) => match lookup::run(options, out) {
            Ok(outcome) => {
                if let Some(note) = &outcome.note {
                    let _ = writeln!(io::stderr().lock(), "wscode-annotate: {note}");
                }
                ExitCode::from(outcome.exit_code())
            }
            Err(e) => output_failed(e),
        },
        Command::Tables(options) => match lookup::list_tables(options, out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => output_failed(e),
        },
        Command::Merge {
            files,
            format,
            color,
        } => {
            let mut report = |e: &Error| message(e);
            let (summary, errored) = report::merge_files(files, &mut report);
            let mut out = out;
            match report::write_as(&summary, *format, *color, &mut out).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::from(if errored { 2 } else { 0 }),
                Err(e) => output_failed(e),
            }
        }
        Command::Annotate => {
            if let Some(name) = misplaced_subcommand(&config) {
                let _ = writeln!(
                    io::stderr().lock(),
                    "wscode-annotate: {name}: no such file; to run the {name} subcommand, put it first and its flags after it, e.g. wscode-annotate {name} --codes graphql-ws"
                );
                return ExitCode::from(2);
            }
            drop(out);
            // Scanning and writing overlap: stdout is written on its own thread.
            let mut threaded = ThreadedWriter::spawn(io::stdout());
            let mut report = |e: &Error| message(e);
            let result = wscode_annotate::run(&config, &mut threaded, &mut report);
            let written = threaded.finish();
            match result {
                Ok(outcome) => {
                    for trip in &outcome.trips {
                        let _ = writeln!(
                            io::stderr().lock(),
                            "wscode-annotate: --fail-on {}: {} line{} matched (limit {})",
                            trip.rule,
                            trip.lines,
                            if trip.lines == 1 { "" } else { "s" },
                            trip.limit
                        );
                    }
                    match written {
                        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => output_failed(e),
                        _ => ExitCode::from(outcome.exit_code()),
                    }
                }
                Err(e) => {
                    message(&e);
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// `wscode-annotate --codes X lookup 4401` parses as annotating a file named
/// `lookup` (a subcommand is only recognised first). When no such file
/// exists, say how to write it instead of "No such file".
fn misplaced_subcommand(config: &Config) -> Option<&'static str> {
    let Some(Source::File(path)) = config.inputs.first() else {
        return None;
    };
    ["lookup", "tables", "merge"]
        .into_iter()
        .find(|name| path.as_os_str() == *name && !path.exists())
}

/// A closed pipe ends quietly (`| head`); any other write error is reported.
fn output_failed(e: io::Error) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    message(&Error::Output(e));
    ExitCode::from(2)
}

/// One line on stderr, prefixed with the tool's name; a closed stderr is ignored.
fn message(e: &Error) {
    let _ = writeln!(io::stderr().lock(), "wscode-annotate: {e}");
}
