//! The binary: parse, resolve, load code tables, run the command, and turn
//! the outcome into an exit status.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use wscode_annotate::cli::{Args, Command, Config, Environment, Mode};
use wscode_annotate::config::ConfigFile;
use wscode_annotate::exit::Exit;
use wscode_annotate::input::walk::{self, Walked};
use wscode_annotate::input::Source;
use wscode_annotate::output::ThreadedWriter;
use wscode_annotate::summary::list_or_none;
use wscode_annotate::{lookup, report, tables, Error};

fn main() -> ExitCode {
    if stdout_was_closed() {
        say("standard output is closed; nothing can be written");
        return Exit::Error.into();
    }
    let args = match Args::try_parse().map(subcommand_first) {
        Ok(args) => args,
        Err(e) if !e.use_stderr() => {
            // --help and --version: a write error is an error here too.
            let mut out = io::stdout().lock();
            let text = e.render().ansi().to_string();
            return out
                .write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_or_else(output_failed, |()| Exit::Success.into());
        }
        Err(e) => {
            let _ = e.print();
            return Exit::Error.into(); // a usage error
        }
    };
    let mut env = Environment::detect();
    // The configuration file is read here, once; a broken one stops the run.
    if !args.no_config {
        match ConfigFile::load(&env.config_location) {
            Ok(file) => env.config = file,
            Err(e) => {
                say(&e);
                return Exit::Error.into();
            }
        }
    }
    let mut config = Config::new(args, &env);
    if let Some(asked) = config.threads_capped_from.filter(|_| !config.quiet) {
        say(format_args!(
            "note: -j {asked} is more than {} threads per CPU; using {}",
            wscode_annotate::cli::MAX_THREADS_PER_CPU,
            config.threads
        ));
    }
    // Generated from the clap definition, so they never miss a flag.
    match &config.command {
        Command::Completions(shell) => {
            // Generated into memory: clap_complete panics on a write error.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Args::command(), "wscode-annotate", &mut script);
            let mut out = io::stdout().lock();
            return out
                .write_all(&script)
                .and_then(|()| out.flush())
                .map_or_else(output_failed, |()| Exit::Success.into());
        }
        Command::Man(subcommand) => {
            let mut out = BufWriter::new(io::stdout().lock());
            return man_page(subcommand.as_deref(), &mut out)
                .and_then(|()| out.flush())
                .map_or_else(output_failed, |()| Exit::Success.into());
        }
        _ => {}
    }
    // Code tables go in before anything is described or extracted, so
    // annotate mode, the summary and lookup all see them.
    match tables::load_all(&config.code_tables) {
        Ok(loaded) => {
            tables::install(loaded);
        }
        Err(e) => {
            message(&Error::from(e));
            return Exit::Error.into();
        }
    }
    let stdout = io::stdout();
    let out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    match &config.command {
        Command::Lookup(options) => match lookup::run(options, out) {
            Ok(outcome) => {
                if let Some(note) = outcome.note.as_ref().filter(|_| !config.quiet) {
                    say(note);
                }
                outcome.exit().into()
            }
            Err(e) => output_failed(e),
        },
        Command::Tables(options) => match lookup::list_tables(options, out) {
            Ok(()) => Exit::Success.into(),
            Err(e) => output_failed(e),
        },
        Command::Merge {
            files,
            format,
            color,
            width,
            gate,
        } => {
            let mut report = |e: &Error| message(e);
            let (summary, mut errored) = report::merge_files(files, &mut report);
            // Names and categories come from the tables loaded here: say so
            // when the summaries were made with others.
            if let Some(made) = &summary.made_with {
                let here = wscode_annotate::run::made_with(&config).tables;
                if made.tables != here && !config.quiet {
                    say(format_args!(
                        "the summaries were made with code tables {}, but names and categories here come from {}; pass the same --codes to merge",
                        list_or_none(&made.tables),
                        list_or_none(&here)
                    ));
                }
            }
            let mut trips = Vec::new();
            if let Some(gate) = gate {
                let mut hits = Vec::new();
                for rule in &gate.rules {
                    match summary.lines_matching(rule) {
                        Some(n) => hits.push(n),
                        None => {
                            say(format_args!(
                                "--fail-on {rule}: a summary has no line counts per category \
                                 (made by an older version); make it again"
                            ));
                            errored = true;
                            hits.push(0);
                        }
                    }
                }
                trips = gate.trips(&hits);
            }
            let mut out = out;
            let written = report::write_as(&summary, *format, *color, *width, &mut out)
                .and_then(|()| out.flush());
            report_trips(&trips);
            match written {
                Err(e) => output_failed(e),
                Ok(()) if errored => Exit::Error.into(),
                Ok(()) if !trips.is_empty() => Exit::Tripped.into(),
                Ok(()) => Exit::Success.into(),
            }
        }
        Command::Completions(_) | Command::Man(_) => unreachable!("handled above"),
        Command::Annotate => {
            if let Some(name) = misplaced_subcommand(&config) {
                say(format_args!(
"{name}: no such file; to run the {name} subcommand, put it first and its flags after it, e.g. wscode-annotate {name} --codes graphql-ws"
                ));
                return Exit::Error.into();
            }
            drop(out);
            // -r: directories become the files in them, before anything is read.
            let mut walk_failed = false;
            if config.recursive {
                let quiet = config.quiet;
                let inputs = std::mem::take(&mut config.inputs);
                config.inputs = walk::expand(inputs, &mut |event| match event {
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
            // Scanning and writing overlap: stdout is written on its own thread.
            let mut threaded = ThreadedWriter::spawn(raw_stdout());
            // --quiet silences notes (a long line), never errors.
            let quiet = config.quiet;
            let mut report = |e: &Error| {
                if !(quiet && e.is_note()) {
                    message(e);
                }
            };
            // Ctrl-C during a summary prints what was read, then exits 130.
            if config.mode == Mode::Summary {
                wscode_annotate::interrupt::install();
            }
            let result = wscode_annotate::run(&config, &mut threaded, &mut report);
            let written = threaded.finish();
            match result {
                Ok(outcome) => {
                    report_trips(&outcome.trips);
                    match written {
                        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => output_failed(e),
                        _ if wscode_annotate::interrupt::requested() => Exit::Interrupted.into(),
                        _ if walk_failed => Exit::Error.into(),
                        _ => outcome.exit().into(),
                    }
                }
                Err(e) => {
                    message(&e);
                    Exit::Error.into()
                }
            }
        }
    }
}

/// True when the tool was started with standard output closed
/// (`wscode-annotate app.log >&-`). The Rust runtime then opens /dev/null
/// read-write in its place, so everything written would be lost silently;
/// a shell's `>/dev/null` opens it write-only.
fn stdout_was_closed() -> bool {
    use rustix::fs::{fstat, major, minor, FileType, OFlags};
    let out = io::stdout();
    let Ok(stat) = fstat(&out) else {
        return true;
    };
    let null = FileType::from_raw_mode(stat.st_mode) == FileType::CharacterDevice
        && major(stat.st_rdev) == 1
        && minor(stat.st_rdev) == 3;
    let read_write =
        rustix::fs::fcntl_getfl(&out).is_ok_and(|flags| flags & OFlags::ACCMODE == OFlags::RDWR);
    null && read_write
}

/// Standard output without its line buffer, which would copy every byte
/// once more: a second handle on the same descriptor. Falls back to the
/// buffered handle if the descriptor cannot be duplicated.
fn raw_stdout() -> Box<dyn Write + Send> {
    use std::os::fd::AsFd;
    match io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => {
            wscode_annotate::input::grow_pipe(&fd);
            Box::new(std::fs::File::from(fd))
        }
        Err(_) => Box::new(io::stdout()),
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
    let names = Args::command();
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

/// `wscode-annotate --codes X lookup 4401` parses as annotating a file named
/// `lookup` (a subcommand is only recognised first). When no such file
/// exists, say how to write it instead of "No such file".
fn misplaced_subcommand(config: &Config) -> Option<String> {
    let Some(Source::File(path)) = config.inputs.first() else {
        return None;
    };
    // The names clap knows, so a new subcommand is never missed here.
    Args::command()
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .find(|name| path.as_os_str() == name.as_str() && !path.exists())
}

/// The man page of the tool, or `wscode-annotate-SUBCOMMAND(1)`.
fn man_page(subcommand: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    wscode_annotate::help::man_page(Args::command(), subcommand, out)
}

/// One line on stderr per `--fail-on` rule that tripped.
fn report_trips(trips: &[wscode_annotate::gate::Trip]) {
    for trip in trips {
        say(format_args!(
            "--fail-on {}: {} line{} matched (limit {})",
            trip.rule,
            trip.lines,
            if trip.lines == 1 { "" } else { "s" },
            trip.limit
        ));
    }
}

/// A closed pipe ends quietly (`| head`); any other write error is reported.
fn output_failed(e: io::Error) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Exit::Success.into();
    }
    message(&Error::Output(e));
    Exit::Error.into()
}

/// One line on stderr, prefixed with the tool's name; a closed stderr is ignored.
fn message(e: &Error) {
    say(e);
}

/// Writes `what` on stderr as one line after the tool's name, its control
/// characters escaped (a file name may hold a newline or ESC).
fn say(what: impl std::fmt::Display) {
    let text = what.to_string();
    let text = wscode_annotate::term::escape_message(&text);
    let _ = writeln!(io::stderr().lock(), "wscode-annotate: {text}");
}
