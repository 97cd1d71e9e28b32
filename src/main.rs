//! The binary: parse the command line, resolve it with the environment and
//! the configuration file into a [`Config`], run its command, and turn the
//! outcome into an exit status.

use std::io::{self, Write};
use std::process::ExitCode;

use wscode_annotate::cli::Args;
use wscode_annotate::cmd::{self, output_failed, say};
use wscode_annotate::config::{Config, Environment};
use wscode_annotate::config_file::ConfigFile;
use wscode_annotate::exit::Exit;

fn main() -> ExitCode {
    if wscode_annotate::print::writer::stdout_was_closed() {
        say("standard output is closed; nothing can be written");
        return Exit::Error.into();
    }
    let args = match Args::parse_subcommand_first() {
        Ok(args) => args,
        Err(e) if !e.use_stderr() => {
            // --help and --version: a write error is an error here too.
            let mut out = io::stdout().lock();
            let text = e.render().ansi().to_string();
            return out
                .write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_or_else(output_failed, |()| Exit::Success)
                .into();
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
    match Config::from_args(args, &env) {
        Ok(config) => cmd::run(config).into(),
        Err(refused) => {
            say(refused);
            Exit::Error.into()
        }
    }
}
