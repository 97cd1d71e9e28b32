//! Code-table loading on arbitrary text, as TOML and as JSON: never panics;
//! a rejected table says where (a line and column inside the text) and
//! why on one line; an accepted table holds only codes 1000-4999, once
//! each, and text that cannot break an annotation or a terminal.

#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use wscode_annotate::codes::tables::{parse, Origin, TableError, TableFormat};

fn bad_char(c: char) -> bool {
    c.is_control() || c == '⟪' || c == '⟫' || c == '\u{2028}' || c == '\u{2029}'
}

fuzz_target!(|data: &[u8]| {
    // Table files are read as UTF-8 text; other bytes are a read error
    // before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [TableFormat::Toml, TableFormat::Json] {
        match parse(text, format, "fuzz.toml", Origin::Bundled) {
            Ok(table) => {
                assert!(!table.codes.is_empty());
                let mut seen = HashSet::new();
                for e in &table.codes {
                    assert!((1000..=4999).contains(&e.code), "{e:?}");
                    assert!(seen.insert(e.code), "duplicate {}", e.code);
                    for t in [&e.name, &e.meaning, &e.recovery, &e.hint]
                        .into_iter()
                        .chain(&e.aliases)
                        .chain(&e.symptoms)
                    {
                        assert!(!t.contains(bad_char), "{t:?}");
                    }
                    assert!(!e.name.is_empty() && !e.meaning.is_empty());
                }
                assert!(!table.name.contains(bad_char) && !table.source.contains(bad_char));
            }
            Err(TableError::Invalid {
                file,
                line,
                column,
                message,
            }) => {
                assert_eq!(file, "fuzz.toml");
                let lines = text.split('\n').count();
                assert!(
                    line >= 1 && line <= lines,
                    "line {line} of {lines}: {message}"
                );
                let width = text
                    .split('\n')
                    .nth(line - 1)
                    .map_or(0, |l| l.chars().count());
                assert!(
                    column >= 1 && column <= width + 1,
                    "column {column} of {width} on line {line}: {message}"
                );
                assert!(
                    !message.is_empty() && !message.contains('\n'),
                    "{message:?}"
                );
            }
            Err(other) => panic!("parse gives only Invalid errors, got {other}"),
        }
    }
});
