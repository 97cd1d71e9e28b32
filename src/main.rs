//! The binary: parse, resolve, run, and turn the outcome into an exit status.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::Parser;
use wscode_annotate::cli::{Args, Config, Environment};
use wscode_annotate::Error;

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let config = Config::new(args, &Environment::detect());
    let stdout = io::stdout();
    let out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut report = |e: &Error| message(e);
    match wscode_annotate::run(&config, out, &mut report) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) => {
            message(&e);
            ExitCode::from(2)
        }
    }
}

/// One line on stderr, prefixed with the tool's name; a closed stderr is ignored.
fn message(e: &Error) {
    let _ = writeln!(io::stderr().lock(), "wscode-annotate: {e}");
}
