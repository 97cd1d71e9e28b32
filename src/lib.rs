//! wscode-annotate: finds WebSocket close codes in logs and explains them.
//!
//! The pieces, in the order data flows through them: [`input`] reads
//! sources (decompressed, directories walked) in batches of lines;
//! [`pipeline`] scans a source's batches on this thread or on workers;
//! [`scan`] drives [`extract`] over a batch (a prefilter first, then
//! [`extract::screen`], then the formats of real libraries and the evidence
//! around every other number) and pushes what it finds, kept or not by
//! [`filter`], into a [`scan::Sink`]: [`print`](mod@print) for annotate mode (text as
//! [`annotation`] shapes it, JSON Lines or GitHub commands, written by
//! [`print::writer`]) or [`summary`] for `--summary` (its writers and the
//! `--fail-on` gate). [`metrics`] serves the running counts for
//! `--metrics-listen`. [`codes`] explains every code, with the code tables
//! users load (`--codes`).
//!
//! On top: [`cli`] is clap's view of the flags, [`config`] resolves them with
//! the environment and [`config_file`] into one [`config::Config`], and
//! [`cmd`] runs its command, one file each. `term` (colours, widths,
//! wrapping), [`error`] and [`exit`] serve them all.
//!
//! **What an embedder uses**: [`extract`] (the [`extract::Extractor`] and
//! its [`extract::Finding`]s), [`codes`] (what each code means, and loading
//! code tables), [`annotation`] (render and strip the annotation),
//! [`summary`] (counting findings, the report, the gate) with [`scan`] (the
//! driver and its [`scan::Sink`]) and [`filter`]. The other modules (`cli`,
//! `config`, `cmd`, `input`, `pipeline`, `print`, `metrics`, `help`, `exit`) are public
//! so that the binary, the tests and the fuzzers can reach them; they are
//! the binary's own and promise no stable API. Test-only hooks sit behind
//! the `internals` feature, which only the crate's own tests enable.
//!
//! To embed the extractor in another tool, [`extract::Extractor`] and
//! [`codes::describe`] are all it takes:
//!
//! ```
//! use wscode_annotate::extract::Extractor;
//! use wscode_annotate::codes::describe;
//!
//! let extractor = Extractor::new(&[]).unwrap();
//! let mut found = Vec::new();
//! extractor.extract(b"websocket: close 1006 (abnormal closure): unexpected EOF", &mut found);
//! assert_eq!(found[0].code, 1006);
//! assert_eq!(describe(found[0].code).entry.name, "Abnormal Closure");
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod annotation;
pub mod cli;
pub mod cmd;
pub mod codes;
pub mod config;
pub mod config_file;
pub mod error;
pub mod exit;
pub mod extract;
pub mod filter;
pub mod help;
pub mod input;
pub(crate) mod interrupt;
pub mod metrics;
pub mod pipeline;
pub mod print;
pub mod scan;
pub mod summary;
pub(crate) mod term;

pub use cmd::Outcome;
pub use error::Error;
