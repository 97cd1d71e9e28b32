//! Annotate mode, the default: every input line comes out exactly once, in
//! order, byte for byte, with the close codes found on it explained at its
//! end (`-o`: only such lines; JSON Lines or GitHub commands instead).

use std::io;

use super::{check_gate, prepare_inputs, serve_metrics, to_stdout, Outcome};
use crate::config::Annotate;
use crate::error::Error;
use crate::exit::Exit;
use crate::metrics::Tap;
use crate::pipeline::{stream_source, Context, Failure};
use crate::print::writer::Output;
use crate::print::Printer;
use crate::scan::{Sink, Tee};
use crate::summary::Summary;

/// Annotates to stdout, as the binary does.
pub fn main(mut settings: Annotate) -> Exit {
    match prepare_inputs(&mut settings.scan) {
        Ok(walk_failed) => to_stdout(settings.scan.quiet, walk_failed, |out, report| {
            annotate(&settings, out, report)
        }),
        Err(exit) => exit,
    }
}

/// Annotates every input of `settings` in order into `out`; soft errors go
/// to `report` and the run goes on.
pub fn annotate<W: Output>(
    settings: &Annotate,
    out: W,
    report: &mut dyn FnMut(&Error),
) -> Result<Outcome, Error> {
    check_gate(&settings.scan)?;
    let ctx = Context::new(&settings.scan, false)?;
    let ctx = &ctx;
    let inputs = &settings.scan.inputs;
    let mut printer = Printer::new(out, settings.format, settings.color, settings.only_matching);
    if let Some(metrics) = serve_metrics(&settings.scan)? {
        printer = printer.with_tap(Tap::new(metrics));
    }
    // The gate's counts ride along with the printer only when there is a gate.
    let mut sink = Tee(printer, Summary::for_input(0, "", ctx.gate.clone()));
    let mut outcome = Outcome::default();
    for (index, source) in inputs.iter().enumerate() {
        let name = source.name();
        sink.0.set_source(&name, index + 1 < inputs.len());
        sink.1.start_input(index as u32, &name);
        let mut note = |e: Error| report(&e);
        let result = match &ctx.gate {
            Some(_) => stream_source(source, ctx, &mut sink, &mut note),
            None => stream_source(source, ctx, &mut sink.0, &mut note),
        };
        match result {
            Ok(_) => {}
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
    match sink.0.flush() {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => outcome.output_closed = true,
        Err(e) => return Err(Error::Output(e)),
        Ok(()) => {}
    }
    if let Some(gate) = &ctx.gate {
        outcome.trips = gate.trips(&sink.1.gate_hits);
    }
    Ok(outcome)
}
