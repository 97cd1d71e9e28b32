//! `wscode-annotate merge`: JSON summaries made where the logs are (one per
//! machine, file or block, from files, stdin or both) added up into one, as
//! if one process had read every input; `--fail-on` is checked on the sum.

use std::io::{self, BufWriter, Write};

use super::{message, output_failed, report_trips, say};
use crate::config::Merge;
use crate::error::Error;
use crate::exit::Exit;
use crate::summary::json::{Report, SCHEMA};
use crate::summary::report;
use crate::summary::{list_or_none, MadeWith, Summary};

/// Merges to stdout, as the binary does.
pub fn main(settings: &Merge, quiet: bool) -> Exit {
    let mut report = |e: &Error| message(e);
    let (summary, mut errored) = merge_files(&settings.files, &mut report);
    // Names and categories are the summaries' own: say so when the tables
    // loaded here would have named the codes otherwise.
    if let Some(made) = &summary.made_with {
        let here = super::summarize::tables_here();
        if made.tables != here && !quiet {
            say(format_args!(
                "names and categories are the summaries' own (made with code tables {}); the tables loaded here ({}) do not change them",
                list_or_none(&made.tables),
                list_or_none(&here)
            ));
        }
    }
    let mut trips = Vec::new();
    if let Some(gate) = &settings.gate {
        let mut hits = Vec::new();
        for rule in &gate.rules {
            if rule.per.is_some() {
                say(format_args!(
                    "--fail-on {rule}: a rate needs the lines and their times; merged summaries hold only totals (gate where the logs are)"
                ));
                errored = true;
                hits.push(0);
                continue;
            }
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
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let written = report::write_as(
        &summary,
        settings.format,
        settings.color,
        settings.width,
        &mut out,
    )
    .and_then(|()| out.flush());
    report_trips(&trips);
    match written {
        Err(e) => output_failed(e),
        Ok(()) if errored => Exit::Error,
        Ok(()) if !trips.is_empty() => Exit::Tripped,
        Ok(()) => Exit::Success,
    }
}

/// Reads the JSON summaries in `paths` and adds them up, input indices
/// following each other in order. `-` is stdin. A file may hold one
/// summary or many (JSON Lines, or objects one after another, as an engine
/// collects them). An unreadable input, or a malformed object (and what
/// follows it in that input), is passed to `report` and skipped.
pub fn merge_files(
    paths: &[std::path::PathBuf],
    report: &mut dyn FnMut(&Error),
) -> (Summary, bool) {
    let mut total = Summary::default();
    let mut errored = false;
    // What the first summary was made with; the others must match it.
    let mut first_made: Option<MadeWith> = None;
    for path in paths {
        let reader: Box<dyn io::Read> = if path.as_os_str() == "-" {
            Box::new(io::stdin().lock())
        } else {
            match std::fs::File::open(path) {
                Ok(file) => Box::new(file),
                Err(source) => {
                    report(&Error::Input {
                        path: path.clone(),
                        source,
                    });
                    errored = true;
                    continue;
                }
            }
        };
        let reader = io::BufReader::with_capacity(256 * 1024, reader);
        let mut objects = serde_json::Deserializer::from_reader(reader).into_iter::<Report>();
        let mut read = 0;
        loop {
            let failure = match objects.next() {
                None if read == 0 => Error::Summary {
                    path: path.clone(),
                    reason: "it is empty".to_string(),
                },
                None => break,
                Some(Err(e)) if e.is_io() => Error::Input {
                    path: path.clone(),
                    source: e.into(),
                },
                Some(Err(e)) => Error::Summary {
                    path: path.clone(),
                    reason: e.to_string(),
                },
                Some(Ok(parsed)) if parsed.schema != SCHEMA => Error::Summary {
                    path: path.clone(),
                    reason: format!(
                        "schema is '{}', this version reads '{SCHEMA}'",
                        parsed.schema
                    ),
                },
                Some(Ok(parsed))
                    if first_made
                        .as_ref()
                        .zip(parsed.made_with.as_ref())
                        .is_some_and(|(a, b)| !a.same_counting(b)) =>
                {
                    Error::Unlike {
                        path: path.clone(),
                        theirs: parsed
                            .made_with
                            .as_ref()
                            .map(MadeWith::describe)
                            .unwrap_or_default(),
                        first: first_made
                            .as_ref()
                            .map(MadeWith::describe)
                            .unwrap_or_default(),
                    }
                }
                Some(Ok(parsed)) => {
                    read += 1;
                    if first_made.is_none() {
                        first_made.clone_from(&parsed.made_with);
                    }
                    let mut summary = parsed.into_summary();
                    summary.shift_inputs(total.inputs.len() as u32);
                    total += summary;
                    continue;
                }
            };
            report(&failure);
            errored = true;
            break;
        }
    }
    total.made_with = first_made;
    (total, errored)
}
