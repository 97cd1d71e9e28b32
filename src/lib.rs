//! wscode-annotate: finds WebSocket close codes in logs and explains them.
//!
//! The pieces, in the order data flows through them:
//! [`input`] reads sources in batches of lines, [`extract`] finds close codes
//! (a prefilter first, then [`extract::screen`], then the formats of real
//! libraries and the evidence around every other number), [`registry`]
//! explains each code, [`filter`] keeps what the user asked for, [`scan`]
//! drives it all over a batch and pushes into a [`scan::Sink`], and
//! [`printer`] writes annotated text or JSON Lines through [`output`], whose
//! thread writes passthrough bytes straight from the input batches.
//!
//! [`tables`] loads code tables (a service's own codes, `--codes`) into the
//! registry once at startup, and [`lookup`] is the close-code reference at
//! the terminal (`wscode-annotate lookup 1006`).
//!
//! Around them: [`decompress`] reads gzip, zstd, bzip2 and xz inputs as
//! streams, [`walk`] turns a directory (`-r`) into its files with rotated
//! sets oldest first, and [`config`] reads the user's configuration file;
//! [`cli`] turns flags, environment and that file into one [`cli::Config`],
//! and [`run()`] runs it.
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
pub mod config;
pub mod config_file;
pub mod error;
pub mod exit;
pub mod extract;
pub mod filter;
pub mod help;
pub mod input;
pub mod interrupt;

pub mod codes;
pub mod pipeline;
pub mod print;
pub mod scan;
pub mod summary;
pub mod term;

pub use cmd::Outcome;
pub use error::Error;
