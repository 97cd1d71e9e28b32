//! `wscode-annotate completions SHELL` and `wscode-annotate man`: generated
//! from the clap definition, so they never miss a flag.

use std::io::{self, BufWriter, Write};

use clap::CommandFactory;

use crate::cli::Args;
use crate::config::Generate;
use crate::exit::Exit;

/// Prints what was asked to stdout.
pub fn run(what: &Generate) -> Exit {
    match what {
        Generate::Completions(shell) => {
            // Generated into memory: clap_complete panics on a write error.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Args::command(), "wscode-annotate", &mut script);
            super::print_all(&script)
        }
        Generate::Man(subcommand) => {
            let mut out = BufWriter::new(io::stdout().lock());
            crate::help::man_page(Args::command(), subcommand.as_deref(), &mut out)
                .and_then(|()| out.flush())
                .map_or_else(super::output_failed, |()| Exit::Success)
        }
    }
}
