//! Cards: one code at a time, labelled fields wrapped to the terminal.

use super::*;

// ---------------------------------------------------------------------------
// Rendering

pub(super) fn paint(buf: &mut Vec<u8>, color: Option<&str>, text: &str) {
    match color {
        Some(c) => {
            buf.extend_from_slice(c.as_bytes());
            buf.extend_from_slice(text.as_bytes());
            buf.extend_from_slice(RESET.as_bytes());
        }
        None => buf.extend_from_slice(text.as_bytes()),
    }
}

pub(crate) fn write_json<T: Serialize>(value: &T, buf: &mut Vec<u8>) {
    serde_json::to_writer_pretty(&mut *buf, value).expect("code objects serialize");
    buf.push(b'\n');
}

pub(super) fn write_cards(opts: &Lookup, objects: &[CodeObject], buf: &mut Vec<u8>) {
    if opts.format == ListFormat::Json {
        write_json(&objects, buf);
        return;
    }
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            buf.push(b'\n');
        }
        write_card(opts, o, buf);
    }
}

/// Width of the label column of a card, indent included.
pub(super) const LABEL: usize = 15;

pub(super) fn write_card(opts: &Lookup, o: &CodeObject, buf: &mut Vec<u8>) {
    let color = opts.color.then(|| o.view.category.color());
    let number = o.asked.clone().unwrap_or_else(|| o.code.to_string());
    paint(buf, color, &format!("{number}  {}", o.view.name));
    buf.push(b'\n');
    let indent = " ".repeat(number.len() + 2);
    let mut hint = String::new();
    hint.push_str(&indent);
    hint.push_str(o.view.hint);
    paint(buf, opts.color.then_some(DIM), &hint);
    buf.push(b'\n');

    let field = |buf: &mut Vec<u8>, label: &str, value: &str| {
        write_field(buf, opts, label, value, None);
    };
    write_field(buf, opts, "category", o.view.category.as_str(), color);
    field(buf, "meaning", o.view.meaning);
    field(buf, "recovery", o.view.recovery);
    field(
        buf,
        "reconnect",
        &format!("{}: {}", o.view.reconnect, o.reconnect_advice),
    );
    field(buf, "on the wire", &on_wire_text(o));
    field(
        buf,
        "range",
        &format!(
            "{} ({}): {}",
            o.view.range.as_str(),
            o.view.range.span(),
            o.view.range.describe()
        ),
    );
    field(buf, "defined by", o.defined_by);
    write_in_logs(opts, o, buf);
    if !o.symptoms.is_empty() {
        field(buf, "symptoms", &o.symptoms.join(", "));
    }
    for note in &o.notes {
        field(buf, "note", note);
    }
}

pub(super) fn on_wire_text(o: &CodeObject) -> String {
    if o.on_wire {
        "yes: sent in Close frames".to_string()
    } else if o.exact && matches!(o.code, 1005 | 1006 | 1015) {
        "no: a library reports it locally; it is never sent in a Close frame".to_string()
    } else {
        "no: nobody may send it; receiving it means the peer is broken".to_string()
    }
}

/// One `label  value` line of a card, the value wrapped under itself.
pub(super) fn write_field(
    buf: &mut Vec<u8>,
    opts: &Lookup,
    label: &str,
    value: &str,
    color: Option<&str>,
) {
    let lines = wrap(value, opts.width.map(|w| w.saturating_sub(LABEL)));
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            let _ = write!(buf, "  {label:<w$}", w = LABEL - 2);
        } else {
            buf.extend_from_slice(" ".repeat(LABEL).as_bytes());
        }
        paint(buf, color, line);
        buf.push(b'\n');
    }
}

/// The "in logs" block: per library, its names and messages for the code.
pub(super) fn write_in_logs(opts: &Lookup, o: &CodeObject, buf: &mut Vec<u8>) {
    let mut per_library: BTreeMap<usize, (String, Vec<String>)> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut add = |library: &str, item: String| {
        let idx = match order.iter().position(|l| l == library) {
            Some(i) => i,
            None => {
                order.push(library.to_string());
                order.len() - 1
            }
        };
        per_library
            .entry(idx)
            .or_insert_with(|| (library.to_string(), Vec::new()))
            .1
            .push(item);
    };
    for a in &o.aliases {
        add(&a.library, a.name.clone());
    }
    for t in &o.log_texts {
        add(&t.library, format!("\"{}\"", t.text));
    }
    if per_library.is_empty() {
        return;
    }
    // A code table's own names first, then the libraries in their order
    // (src/codes/libraries.toml: each Python websockets version next to the
    // other).
    let rank = |library: &str| {
        codes::libraries()
            .iter()
            .find(|l| l.name == library)
            .map_or(0, |l| usize::from(l.order))
    };
    let mut groups: Vec<&(String, Vec<String>)> = per_library.values().collect();
    groups.sort_by_key(|(library, _)| rank(library));
    let lib_width = groups
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let value_width = opts.width.map(|w| w.saturating_sub(LABEL + lib_width + 2));
    let mut first = true;
    for (library, items) in groups {
        let lines = wrap_items(items, value_width);
        for (i, line) in lines.iter().enumerate() {
            if first {
                let _ = write!(buf, "  {:<w$}", "in logs", w = LABEL - 2);
                first = false;
            } else {
                buf.extend_from_slice(" ".repeat(LABEL).as_bytes());
            }
            let lib = if i == 0 { library.as_str() } else { "" };
            let _ = write!(buf, "{lib:<lib_width$}  ");
            buf.extend_from_slice(line.as_bytes());
            buf.push(b'\n');
        }
    }
}
