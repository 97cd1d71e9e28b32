//! Tables: rows of cells fitted to the terminal, for the code listing
//! and for `tables`.

use super::*;

/// A table cell, optionally coloured.
pub(crate) struct Cell {
    pub(super) text: String,
    pub(super) color: Option<&'static str>,
}

impl Cell {
    pub(crate) fn plain(text: &str) -> Cell {
        Cell {
            text: text.to_string(),
            color: None,
        }
    }
}

/// The code table of a listing or of search results.
pub(super) fn write_code_table(opts: &Lookup, objects: &[CodeObject], buf: &mut Vec<u8>) {
    let painted = |o: &CodeObject, text: String| Cell {
        text,
        color: opts.color.then(|| o.view.category.color()),
    };
    let rows: Vec<Vec<Cell>> = objects
        .iter()
        .map(|o| {
            let mut row = vec![
                painted(o, o.code.to_string()),
                Cell::plain(o.view.name),
                painted(o, o.view.category.as_str().to_string()),
            ];
            if opts.reconnect {
                row.push(Cell::plain(o.reconnect_advice));
            } else {
                row.push(Cell::plain(o.view.reconnect.as_str()));
                row.push(Cell::plain(o.view.hint));
            }
            row
        })
        .collect();
    if opts.reconnect {
        write_table(
            &["CODE", "NAME", "CATEGORY", "HOW TO RECONNECT"],
            &rows,
            opts.width,
            opts.color,
            &[2],
            buf,
        );
    } else {
        write_table(
            &["CODE", "NAME", "CATEGORY", "RECONNECT", "HINT"],
            &rows,
            opts.width,
            opts.color,
            &[3, 2],
            buf,
        );
    }
}

/// Writes rows under headers, fitted to `width`: every column but the last
/// is as wide as its widest cell, the last one wraps into what is left, and
/// the columns in `droppable` (in that order) are left out while the last
/// one would get fewer than 24 characters.
pub(crate) fn write_table(
    headers: &[&str],
    rows: &[Vec<Cell>],
    width: Option<usize>,
    color: bool,
    droppable: &[usize],
    buf: &mut Vec<u8>,
) {
    const GAP: usize = 2;
    let mut shown: Vec<usize> = (0..headers.len()).collect();
    let widths = |shown: &[usize]| -> Vec<usize> {
        shown
            .iter()
            .map(|&c| {
                rows.iter()
                    .map(|r| r[c].text.chars().count())
                    .chain(std::iter::once(headers[c].chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    };
    let mut w = widths(&shown);
    let left = |w: &[usize]| w[..w.len() - 1].iter().map(|x| x + GAP).sum::<usize>();
    if let Some(total) = width {
        for &drop in droppable {
            if total.saturating_sub(left(&w)) >= 24 {
                break;
            }
            shown.retain(|&c| c != drop);
            w = widths(&shown);
        }
    }
    let last_width = width.map(|t| t.saturating_sub(left(&w)));
    let n = shown.len();
    // Header.
    let mut header = String::new();
    for (i, &c) in shown.iter().enumerate() {
        if i + 1 < n {
            header.push_str(&format!("{:<width$}", headers[c], width = w[i] + GAP));
        } else {
            header.push_str(headers[c]);
        }
    }
    paint(buf, color.then_some(BOLD), header.trim_end());
    buf.push(b'\n');
    for row in rows {
        let last = &row[shown[n - 1]];
        let lines = wrap(&last.text, last_width);
        for (li, line) in lines.iter().enumerate() {
            for (i, &c) in shown[..n - 1].iter().enumerate() {
                let cell = &row[c];
                if li == 0 {
                    paint(buf, cell.color, &cell.text);
                    let pad = w[i] + GAP - cell.text.chars().count();
                    buf.extend_from_slice(" ".repeat(pad).as_bytes());
                } else {
                    buf.extend_from_slice(" ".repeat(w[i] + GAP).as_bytes());
                }
            }
            paint(buf, last.color, line);
            // No trailing spaces when the last cell is empty.
            while buf.last() == Some(&b' ') {
                buf.pop();
            }
            buf.push(b'\n');
        }
    }
}
