//! The one integration-test binary: a module per area, sharing `util` (the
//! real binary with a scrubbed environment, fixture paths, the one reader of
//! `fixtures/formats.tsv`). One binary links the library once instead of
//! once per file; run an area alone with `cargo test --test tests AREA::`.
//!
//! Every test here shares one process, so none may set process-wide state
//! (environment variables, the current directory, the code tables that
//! `tables::install` fixes once per process): a test that needs any of these
//! runs the real binary and sets them on its command.

mod util;

mod cli;
mod corpus;
mod ecosystem;
mod hostile;
mod invariants;
mod layout;
mod lookup;
mod scenarios;
mod snapshot;
mod summary;
mod tables;
