//! `wscode-annotate tables`: the bundled code tables and the ones loaded
//! now, as a table or JSON.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

use super::lookup::{bundled_tables, write_json, write_table, Cell};
use crate::codes;
use crate::config::{ListFormat, Tables};
use crate::exit::Exit;

/// Lists the tables to stdout, as the binary does.
pub fn main(settings: &Tables) -> Exit {
    let out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    list(settings, out).map_or_else(super::output_failed, |()| Exit::Success)
}

/// A code table, as `tables --format json` writes it.
#[derive(Debug, Serialize)]
struct TableObject {
    name: String,
    source: String,
    /// `bundled`, or the file it was read from.
    origin: String,
    /// Loaded for this run (`--codes`, `WSCODE_CODES`).
    loaded: bool,
    /// How many codes it defines.
    count: usize,
    codes: Vec<u16>,
}

/// Lists the bundled code tables, and the ones loaded from files.
pub fn list<W: Write>(opts: &Tables, mut out: W) -> io::Result<()> {
    let loaded = codes::installed_tables();
    let mut objects: Vec<TableObject> = bundled_tables()
        .iter()
        .map(|t| TableObject {
            name: t.name.clone(),
            source: t.source.clone(),
            origin: "bundled".to_string(),
            loaded: loaded
                .iter()
                .any(|l| l.name == t.name && l.origin == "bundled"),
            count: t.codes.len(),
            codes: t.codes.iter().map(|e| e.code).collect(),
        })
        .collect();
    for l in loaded.iter().filter(|l| l.origin != "bundled") {
        let codes: Vec<u16> = codes::known_codes()
            .iter()
            .filter(|d| d.table == Some(l.name))
            .map(|d| d.code as u16)
            .collect();
        objects.push(TableObject {
            name: l.name.to_string(),
            source: l.source.to_string(),
            origin: l.origin.clone(),
            loaded: true,
            count: l.codes,
            codes,
        });
    }
    let mut buf = Vec::new();
    if opts.format == ListFormat::Json {
        write_json(&objects, &mut buf);
    } else {
        let rows: Vec<Vec<Cell>> = objects
            .iter()
            .map(|t| {
                let mut codes = t.codes.clone();
                codes.sort_unstable();
                let span = match (codes.first(), codes.last()) {
                    (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
                    (Some(a), _) => a.to_string(),
                    _ => String::new(),
                };
                let name = if t.loaded {
                    format!("{} *", t.name)
                } else {
                    t.name.clone()
                };
                vec![
                    Cell::plain(&name),
                    Cell::plain(&t.count.to_string()),
                    Cell::plain(&span),
                    Cell::plain(&if t.origin == "bundled" {
                        t.source.clone()
                    } else {
                        format!("{} [{}]", t.source, t.origin)
                    }),
                ]
            })
            .collect();
        write_table(
            &["TABLE", "CODES", "RANGE", "SOURCE"],
            &rows,
            opts.width,
            false,
            &[2],
            &mut buf,
        );
        buf.extend_from_slice(
            b"\nLoad one with --codes NAME (e.g. wscode-annotate lookup --codes graphql-ws 4401)\nor a service's own table with --codes FILE; * marks the tables loaded now.\n",
        );
    }
    out.write_all(&buf)?;
    out.flush()
}
