//! `--format github`: a GitHub Actions workflow command per close code, so
//! a CI job's log turns into annotations on the run.

use crate::codes::Category;
use crate::extract::Finding;
use crate::scan::Line;

/// A GitHub Actions workflow command for one finding, e.g.
/// `::error file=app.log,line=12,title=WebSocket close 1006 Abnormal Closure::…`.
/// The level follows the category: failures and bugs are errors, policy,
/// transient and application codes warnings, clean closes notices.
pub(super) fn command(source: &str, line: &Line<'_>, finding: &Finding, out: &mut Vec<u8>) {
    let d = finding.view();
    let category = d.category;
    let level = match category {
        Category::Error | Category::Protocol | Category::Invalid => "error",
        Category::Normal => "notice",
        _ => "warning",
    };
    let mut props = Vec::new();
    if source != "-" {
        props.push(format!("file={}", escape_property(source)));
        props.push(format!("line={}", line.number));
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("WebSocket close {} {}", finding.code, d.name))
    ));
    let message = format!(
        "{category}: {}; {}. {}",
        d.hint,
        d.reconnect.advice(),
        String::from_utf8_lossy(line.text)
    );
    out.extend_from_slice(
        format!("::{level} {}::{}\n", props.join(","), escape_data(&message)).as_bytes(),
    );
}

/// Workflow-command data: `%`, CR and LF escaped (and other controls, so a
/// log line cannot start a command of its own).
fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// Workflow-command property values also escape `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
