//! One run over every input, in order.
//!
//! Soft errors (an unreadable input) are reported as they happen and the run
//! goes on; the [`Outcome`] says whether any happened. A closed output pipe
//! ends the run quietly: it is how `| head` says it has seen enough.

use std::io::{self, Write};

use crate::cli::Config;
use crate::error::Error;
use crate::extract::Extractor;
use crate::input::{Chunk, LineBatcher, Source};
use crate::printer::Printer;
use crate::scan::Scanner;

/// How a run ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Some input could not be read (it was reported on stderr).
    pub errored: bool,
    /// The output was closed before everything was written.
    pub output_closed: bool,
}

impl Outcome {
    /// The process exit status: 0 fine, 2 an input could not be read.
    pub fn exit_code(&self) -> u8 {
        if self.errored {
            2
        } else {
            0
        }
    }
}

/// Runs `config` writing to `out`; soft errors go to `report`.
pub fn run<W: Write>(
    config: &Config,
    out: W,
    report: &mut dyn FnMut(&Error),
) -> Result<Outcome, Error> {
    let extractor = Extractor::new(&config.patterns)?;
    let mut printer = Printer::new(out, config.format, config.color, config.only_matching);
    let mut outcome = Outcome::default();
    for source in &config.inputs {
        printer.set_source(&source.name());
        match annotate_source(source, &extractor, config, &mut printer) {
            Ok(()) => {}
            Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                outcome.output_closed = true;
                return Ok(outcome);
            }
            Err(Failure::Output(e)) => return Err(Error::Output(e)),
            Err(Failure::Input(e)) => {
                report(&e);
                outcome.errored = true;
            }
        }
    }
    match printer.flush() {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => outcome.output_closed = true,
        Err(e) => return Err(Error::Output(e)),
        Ok(()) => {}
    }
    Ok(outcome)
}

/// Which side failed: the input (report it, go on) or the output (stop).
enum Failure {
    Input(Error),
    Output(io::Error),
}

fn annotate_source<W: Write>(
    source: &Source,
    extractor: &Extractor,
    config: &Config,
    printer: &mut Printer<W>,
) -> Result<(), Failure> {
    let reader = source.open().map_err(Failure::Input)?;
    let mut batcher = LineBatcher::new(reader);
    let mut scanner = Scanner::new(extractor, &config.filter);
    let input_error = |e: io::Error| {
        let path = match source {
            Source::Stdin => "-".into(),
            Source::File(p) => p.clone(),
        };
        Failure::Input(Error::Input { path, source: e })
    };
    loop {
        let chunk = match batcher.next_chunk() {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                // Keep what was read, then report.
                scanner.finish(printer).map_err(Failure::Output)?;
                printer.flush().map_err(Failure::Output)?;
                return Err(input_error(e));
            }
        };
        match chunk {
            Chunk::Lines(lines) => scanner.scan_lines(lines, printer),
            Chunk::Piece(piece) => scanner.scan_piece(piece, printer),
        }
        .map_err(Failure::Output)?;
        printer.flush().map_err(Failure::Output)?;
    }
    scanner.finish(printer).map_err(Failure::Output)?;
    Ok(())
}
