//! The summary as Prometheus metrics (the text exposition format).

use std::io::{self, Write};

use super::report::*;
use crate::metrics::label;
use crate::summary::Summary;

pub(super) fn write_prometheus(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let gauge = |out: &mut dyn Write, name: &str, help: &str| -> io::Result<()> {
        writeln!(out, "# HELP wscode_annotate_{name} {help}")?;
        writeln!(out, "# TYPE wscode_annotate_{name} gauge")
    };
    gauge(out, "scanned_lines", "Lines read in the scanned logs.")?;
    writeln!(out, "wscode_annotate_scanned_lines {}", summary.lines())?;
    gauge(out, "scanned_bytes", "Bytes read in the scanned logs.")?;
    writeln!(out, "wscode_annotate_scanned_bytes {}", summary.bytes())?;
    gauge(
        out,
        "close_code_lines",
        "Lines that carried at least one WebSocket close code.",
    )?;
    writeln!(
        out,
        "wscode_annotate_close_code_lines {}",
        summary.lines_with_codes()
    )?;
    gauge(out, "close_codes", "WebSocket close codes found, by code.")?;
    for (key, s) in &summary.codes {
        let (name, category) = s.name_and_category(*key);
        writeln!(
            out,
            "wscode_annotate_close_codes{{code=\"{}\",name=\"{}\",category=\"{}\",rejected=\"{}\"}} {}",
            key.code,
            label(name),
            category,
            key.rejected,
            s.count
        )?;
    }
    gauge(
        out,
        "close_code_category",
        "WebSocket close codes found, by category.",
    )?;
    for (category, n) in categories(summary) {
        writeln!(
            out,
            "wscode_annotate_close_code_category{{category=\"{category}\"}} {n}"
        )?;
    }
    gauge(
        out,
        "close_code_last_seen_timestamp_seconds",
        "Time of the last line with this close code, when lines carry times.",
    )?;
    for (key, s) in &summary.codes {
        if let Some(t) = s.last_time {
            writeln!(
                out,
                "wscode_annotate_close_code_last_seen_timestamp_seconds{{code=\"{}\",rejected=\"{}\"}} {t}",
                key.code, key.rejected
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
