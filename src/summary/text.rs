//! The summary as a report for people, fitted to a terminal.

use std::io::{self, Write};

use super::report::*;
use crate::codes::Category;
use crate::summary::timestamp::format_utc;
use crate::summary::{CodeKey, CodeStats, Summary};
use crate::term::{columns, fit_left, fit_right, wrap, BOLD, RESET};

/// The widest the summary's name column grows (longer names are cut).
pub(super) const MAX_NAME_COLUMN: usize = 36;
/// The narrowest the name column gets to fit a terminal.
pub(super) const MIN_NAME_COLUMN: usize = 16;
/// How a code's first and last place starts on a line of its own.
pub(super) const PLACE_BELOW: &str = "        lines ";
/// The shortest a path is cut to, to fit a terminal.
pub(super) const MIN_PATH: usize = 12;

pub(super) const BAR: &str = "████████████████████████████████████████";
pub(super) const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The summary as text. With `width` (a terminal's, or COLUMNS), every line
/// is fitted to it, measured in display columns: code names and paths are
/// shortened, and lists of reasons or busy times keep what fits.
pub(super) fn write_text(
    summary: &Summary,
    color: bool,
    width: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint = |category: Category, text: &str| {
        if color {
            format!("{}{text}{RESET}", category.color())
        } else {
            text.to_string()
        }
    };
    let bold = |text: &str| {
        if color {
            format!("{BOLD}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let fits = |line: &str| width.is_none_or(|w| columns(line) <= w);
    let lines = summary.lines();
    let with = summary.lines_with_codes();
    let events = summary.events();
    let scanned = format!(
        "{} ({}) in {}",
        counted(lines, "line"),
        human_bytes(summary.bytes()),
        counted(summary.inputs.len() as u64, "input"),
    );
    let found = format!(
        "{} with close codes ({:.2}%), {}",
        group(with),
        if lines == 0 {
            0.0
        } else {
            with as f64 * 100.0 / lines as f64
        },
        counted(events, "close event"),
    );
    if fits(&format!("Scanned {scanned}; {found}")) {
        writeln!(out, "{} {scanned}; {found}", bold("Scanned"))?;
    } else {
        writeln!(out, "{} {scanned};\n  {found}", bold("Scanned"))?;
    }
    if let Some((first, last)) = summary.time_span() {
        let (a, b) = span_text(first, last, |a, b| {
            fits(&format!("Close events from {a} to {b}"))
        });
        writeln!(out, "Close events from {a} to {b}")?;
    }
    // At a terminal, paths are shown from where they part: a directory
    // that every input is in is said once.
    let common = if width.is_some() {
        common_dir(summary)
    } else {
        0
    };
    if common > 0 {
        let dir = summary.input_name(*summary.inputs.keys().next().unwrap_or(&0));
        let dir = fit_left(
            &sanitize(&dir[..common]),
            width.unwrap_or(80).saturating_sub(20),
        );
        writeln!(out, "Paths below are in {dir}")?;
    }
    let input_name = |input: u32| sanitize(&summary.input_name(input)[common..]);
    if events == 0 {
        writeln!(out, "No WebSocket close codes found.")?;
        return write_inputs(summary, width, common, out);
    }
    let rows = codes_by_count(summary);
    // Counts line up in one column as wide as the largest.
    let count_width = rows
        .iter()
        .map(|(_, s)| group(s.count).len())
        .max()
        .unwrap_or(0)
        .max("count".len());
    write_findings(summary, width, &bold, out)?;
    writeln!(out, "\n{}", bold("By category"))?;
    let cats = categories(summary);
    let max = cats.iter().map(|c| c.1).max().unwrap_or(1).max(1);
    for (category, n) in &cats {
        let bar_width = ((*n as f64 / max as f64) * 30.0).ceil() as usize;
        let bar: String = BAR.chars().take(bar_width.max(1)).collect();
        writeln!(
            out,
            "  {} {:>count_width$} {:>6.1}%  {}",
            // Padded before it is painted: escapes take no columns.
            paint(*category, &format!("{:<12}", category.as_str())),
            group(*n),
            *n as f64 * 100.0 / events as f64,
            paint(*category, &bar),
        )?;
    }
    writeln!(out, "\n{}", bold("By code"))?;
    let name_of = |key: CodeKey, s: &CodeStats| {
        let name = sanitize(s.name_and_category(key).0);
        if key.rejected {
            format!("{name} (rejected)")
        } else {
            name
        }
    };
    // Where a code was first and last seen: lines only when the summary has
    // one input (its name is above), else `path:line`, a path once when
    // both are in the same input.
    let one_input = summary.inputs.len() < 2;
    let peaks = super::signals_json::peaks(&summary.signals);
    let place = |s: &CodeStats, path_room: usize| {
        let path = |input| fit_left(&input_name(input), path_room);
        if one_input {
            format!("{} → {}", s.first.line, s.last.line)
        } else if s.first.input == s.last.input {
            format!("{}:{} → {}", path(s.first.input), s.first.line, s.last.line)
        } else {
            format!(
                "{}:{} → {}:{}",
                path(s.first.input),
                s.first.line,
                path(s.last.input),
                s.last.line
            )
        }
    };
    // The name column is as wide as the longest name, within bounds; at a
    // terminal's width, names give way down to MIN_NAME_COLUMN, then paths
    // are shortened from the left.
    let mut name_width = rows
        .iter()
        .map(|(key, s)| columns(&name_of(*key, s)))
        .max()
        .unwrap_or(4)
        .clamp(4, MAX_NAME_COLUMN);
    let fixed = 2 + 5 + 1 + 1 + 12 + 1 + count_width + 1 + 6 + 2;
    let mut path_room = usize::MAX;
    // When the places do not fit beside a row, each goes on a line of its
    // own under the row.
    let mut below = false;
    if let Some(w) = width {
        let widest_place = rows
            .iter()
            .map(|(_, s)| columns(&place(s, usize::MAX)))
            .max()
            .unwrap_or(0)
            .max(columns("first → last"));
        let room = w.saturating_sub(fixed);
        if name_width + widest_place > room {
            let shrunk = room
                .saturating_sub(widest_place)
                .clamp(MIN_NAME_COLUMN.min(name_width), name_width);
            if shrunk + widest_place <= room || one_input {
                name_width = shrunk;
            } else {
                below = true;
                name_width = name_width.min(room.saturating_sub(2).max(MIN_NAME_COLUMN));
                // Two paths at most, with their line numbers and the arrow.
                let numbers = rows
                    .iter()
                    .map(|(_, s)| columns(&place(s, 0)))
                    .max()
                    .unwrap_or(0);
                let line_room = w.saturating_sub(columns(PLACE_BELOW));
                if widest_place > line_room {
                    path_room = (line_room.saturating_sub(numbers) / 2).max(MIN_PATH);
                }
            }
        }
    }
    writeln!(
        out,
        "  {:<5} {:<name_width$} {:<12} {:>count_width$} {:>6}{}",
        "code",
        "name",
        "category",
        "count",
        "share",
        if below { "" } else { "  first → last" }
    )?;
    for (key, s) in rows {
        let category = s.name_and_category(key).1;
        let name = fit_right(&name_of(key, s), name_width);
        let name_pad = name_width.saturating_sub(columns(&name));
        let place = place(s, path_room);
        let beside = if below {
            String::new()
        } else {
            format!("  {place}")
        };
        writeln!(
            out,
            "  {:<5} {name}{:name_pad$} {} {:>count_width$} {:>5.1}%{beside}",
            key.code,
            "",
            paint(category, &format!("{:<12}", category.as_str())),
            group(s.count),
            s.count as f64 * 100.0 / events as f64,
        )?;
        if below {
            writeln!(out, "{PLACE_BELOW}{place}")?;
        }
        write_reasons(s, width, out)?;
        let [sent, received, _] = s.directions;
        if sent + received > 0 {
            let mut ways = Vec::new();
            for (n, way) in [(received, "received"), (sent, "sent")] {
                if n > 0 {
                    ways.push(format!("{way} × {}", group(n)));
                }
            }
            writeln!(out, "        direction: {}", ways.join(", "))?;
        }
        if let (Some(a), Some(b)) = (s.first_time, s.last_time) {
            let peak = match peaks.get(&key.code) {
                Some((Some(sec), Some(min))) if *sec > 1 => {
                    format!(", peak {}/s, {}/min", group(*sec), group(*min))
                }
                Some((_, Some(min))) if *min > 1 => format!(", peak {}/min", group(*min)),
                _ => String::new(),
            };
            let seen = format!("        seen {} → {}", format_utc(a), format_utc(b));
            let with_peak = format!("{seen}{peak}");
            writeln!(out, "{}", if fits(&with_peak) { with_peak } else { seen })?;
        }
    }
    write_timeline(summary, width, out)?;
    write_origins(summary, width, out)?;
    write_inputs(summary, width, common, out)
}

/// `Findings`: the diagnosis, most certain first, each with its advice and
/// the lines to look at; nothing when nothing stands out.
fn write_findings(
    summary: &Summary,
    width: Option<usize>,
    bold: &dyn Fn(&str) -> String,
    out: &mut dyn Write,
) -> io::Result<()> {
    let found = super::findings::diagnose(summary);
    if found.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", bold("Findings"))?;
    let inner = width.map(|w| w.saturating_sub(5));
    for (i, f) in found.iter().enumerate() {
        let head = format!(
            "{} ({}): {}",
            f.kind.as_str(),
            f.confidence.as_str(),
            sanitize(&f.title)
        );
        for (j, line) in wrap(&head, inner).iter().enumerate() {
            if j == 0 {
                writeln!(out, "  {:>2}. {line}", i + 1)?;
            } else {
                writeln!(out, "      {line}")?;
            }
        }
        for line in wrap(&f.advice, inner) {
            writeln!(out, "      {line}")?;
        }
        for s in &f.suspects {
            let line = format!(
                "suspect: {} {} (default {}), {}",
                s.product,
                s.setting,
                super::findings::duration_text(s.default_ms),
                s.doc
            );
            writeln!(
                out,
                "      {}",
                width.map_or(line.clone(), |w| fit_right(&line, w.saturating_sub(6)))
            )?;
        }
        if !f.evidence.is_empty() {
            let places: Vec<String> = f
                .evidence
                .iter()
                .map(|at| format!("{}:{}", sanitize(summary.input_name(at.input)), at.line))
                .collect();
            writeln!(out, "      see {}", places.join(", "))?;
        }
    }
    Ok(())
}

/// Origins listed under "By origin".
const ORIGINS_SHOWN: usize = 10;

/// `By origin`: the pods, containers or hosts the lines name, most close
/// events first, each with its three most frequent codes.
fn write_origins(summary: &Summary, width: Option<usize>, out: &mut dyn Write) -> io::Result<()> {
    if summary.origins.is_empty() {
        return Ok(());
    }
    let events = summary.events().max(1);
    let rows = origins_by_events(summary);
    let read_from = match &summary.by {
        Some(by) => by
            .iter()
            .map(|b| match b {
                super::origin::By::Kubectl => "kubectl prefix".to_string(),
                super::origin::By::Compose => "compose prefix".to_string(),
                super::origin::By::Syslog => "syslog host".to_string(),
                super::origin::By::Key(k) => sanitize(k),
            })
            .collect::<Vec<_>>()
            .join(", then "),
        None => "pod, container or host named in the lines".to_string(),
    };
    writeln!(out, "\nBy origin ({read_from})")?;
    let name_width = rows
        .iter()
        .take(ORIGINS_SHOWN)
        .map(|(name, _)| columns(&sanitize(name)))
        .max()
        .unwrap_or(0)
        .min(40);
    for (name, stats) in rows.iter().take(ORIGINS_SHOWN) {
        let list: Vec<String> = origin_codes(stats)
            .iter()
            .take(3)
            .map(|(key, n)| format!("{} ×{}", key.code, group(*n)))
            .collect();
        let name = fit_right(&sanitize(name), name_width);
        let pad = name_width.saturating_sub(columns(&name));
        let line = format!(
            "  {name}{:pad$} {:>9} {:>5.1}%  {}",
            "",
            group(stats.events),
            stats.events as f64 * 100.0 / events as f64,
            list.join(", ")
        );
        let line = match width {
            Some(w) => fit_right(&line, w),
            None => line,
        };
        writeln!(out, "{line}")?;
    }
    let more = rows.len().saturating_sub(ORIGINS_SHOWN);
    if more > 0 || summary.other_origins > 0 {
        let hidden: u64 = rows
            .iter()
            .skip(ORIGINS_SHOWN)
            .map(|(_, s)| s.events)
            .sum::<u64>()
            + summary.other_origins;
        writeln!(
            out,
            "  … {} more, {}",
            group(more as u64),
            counted(hidden, "close event")
        )?;
    }
    Ok(())
}

/// A code's reasons, most frequent first, as many as fit, with how many
/// more there were and how many events had none, so the line adds up to
/// the code's count.
pub(super) fn write_reasons(
    s: &CodeStats,
    width: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let reasons = s.top_reasons();
    if reasons.is_empty() {
        return Ok(());
    }
    let with_reason: u64 = reasons.iter().map(|r| r.1).sum::<u64>() + s.other_reasons;
    let none = s.count.saturating_sub(with_reason);
    let lead = "        reasons: ";
    let limit = width.unwrap_or(usize::MAX);
    let mut line = lead.to_string();
    let mut shown = 0;
    let mut shown_events = 0;
    for (i, (reason, n)) in reasons.iter().enumerate() {
        if i == 3 {
            break;
        }
        let sep = if i == 0 { "" } else { ", " };
        // What would follow if this were the last one shown.
        let rest = reasons.len() - i - 1;
        let tail = tail_of(rest, s.count - shown_events - n - none, none);
        let item_room =
            limit.saturating_sub(columns(&line) + sep.len() + columns(&tail) + 4 + group(*n).len());
        let cut = if i == 0 { item_room.max(12) } else { item_room };
        if cut < 12 && i > 0 {
            break;
        }
        let text = fit_right(&sanitize(reason), cut.min(48));
        line.push_str(&format!("{sep}{text} × {}", group(*n)));
        shown += 1;
        shown_events += n;
    }
    let more = reasons.len() - shown;
    line.push_str(&tail_of(more, s.count - shown_events - none, none));
    writeln!(out, "{line}")
}

/// The end of a reasons line: `, … 5 more (12)` and `, 3 without one`.
pub(super) fn tail_of(more: usize, more_events: u64, none: u64) -> String {
    let mut tail = String::new();
    if more > 0 {
        tail.push_str(&format!(", … {more} more ({})", group(more_events)));
    }
    if none > 0 {
        tail.push_str(&format!(", {} without one", group(none)));
    }
    tail
}

/// The inputs, one per row, their names without the first `common` bytes
/// (a directory all of them are in).
pub(super) fn write_inputs(
    summary: &Summary,
    width: Option<usize>,
    common: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    if summary.inputs.len() < 2 {
        return Ok(());
    }
    writeln!(out, "\nPer input")?;
    writeln!(
        out,
        "  {:>12} {:>10} {:>10} {:>8}  input",
        "lines", "bytes", "with codes", "events"
    )?;
    for i in summary.inputs.values() {
        writeln!(
            out,
            "  {:>12} {:>10} {:>10} {:>8}  {}",
            group(i.lines),
            human_bytes(i.bytes),
            group(i.lines_with_codes),
            group(i.events),
            fit_left(
                &sanitize(i.name.get(common..).unwrap_or(&i.name)),
                width.map_or(usize::MAX, |w| w.saturating_sub(47).max(MIN_PATH))
            )
        )?;
    }
    Ok(())
}

/// Display bucket widths, in seconds, with their names.
pub(super) const DISPLAY_BUCKETS: [(i64, &str); 13] = [
    (1, "second"),
    (10, "10 seconds"),
    (30, "30 seconds"),
    (60, "minute"),
    (300, "5 minutes"),
    (600, "10 minutes"),
    (1800, "30 minutes"),
    (3600, "hour"),
    (6 * 3600, "6 hours"),
    (86_400, "day"),
    (7 * 86_400, "week"),
    (30 * 86_400, "30 days"),
    (365 * 86_400, "year"),
];

/// Close events per time bucket as a sparkline, the bucket chosen so the
/// whole span fits in about 60 columns, with the busiest buckets named.
pub(super) fn write_timeline(
    summary: &Summary,
    fit: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let t = &summary.timeline;
    let (Some(&first), Some(&last)) = (t.buckets.keys().next(), t.buckets.keys().next_back())
    else {
        return Ok(());
    };
    let span = last - first + t.width;
    let (width, unit) = DISPLAY_BUCKETS
        .iter()
        .copied()
        .find(|(w, _)| *w >= t.width && span / w <= 60)
        .unwrap_or((365 * 86_400, "year"));
    // Buckets start at the first close event, not on the clock's round
    // numbers, so a burst that fits one bucket is counted in one.
    let start = first;
    let n = ((last - start) / width + 1) as usize;
    let mut counts = vec![0u64; n];
    for (&b, &c) in &t.buckets {
        counts[((b - start) / width) as usize] += c;
    }
    let peak = counts.iter().copied().max().unwrap_or(0).max(1);
    let spark: String = counts
        .iter()
        .map(|&c| {
            if c == 0 {
                ' '
            } else {
                SPARKS[((c as f64 / peak as f64) * 7.0).round() as usize]
            }
        })
        .collect();
    let (a, b) = span_text(start, start + n as i64 * width, |a, b| {
        fit.is_none_or(|w| columns(&format!("Timeline: close events per {unit}, {a} → {b}")) <= w)
    });
    let head = format!("Timeline: close events per {unit},");
    if fit.is_none_or(|w| columns(&head) + columns(&a) + columns(&b) + 4 <= w) {
        writeln!(out, "\n{head} {a} → {b}")?;
    } else {
        writeln!(out, "\n{head}\n  {a} → {b}")?;
    }
    writeln!(out, "  │{spark}│")?;
    let mut busiest: Vec<(usize, u64)> = counts
        .iter()
        .copied()
        .enumerate()
        .filter(|c| c.1 > 0)
        .collect();
    busiest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    // Only buckets that stand out are named: none when the busiest ties
    // with the fourth, or holds a single event.
    if busiest.first().is_none_or(|b| b.1 < 2)
        || busiest
            .get(3)
            .is_some_and(|fourth| fourth.1 == busiest[0].1)
    {
        return Ok(());
    }
    busiest.retain(|b| b.1 > 1);
    // As many of the three busiest as fit.
    let mut line = String::from("  busiest:");
    for (k, (i, c)) in busiest.iter().take(3).enumerate() {
        let item = format!("{} ({})", format_utc(start + *i as i64 * width), group(*c));
        let sep = if k == 0 { " " } else { ", " };
        if k > 0 && fit.is_some_and(|w| columns(&line) + sep.len() + columns(&item) > w) {
            break;
        }
        line.push_str(sep);
        line.push_str(&item);
    }
    writeln!(out, "{line}")
}

/// Bytes of the directory every input's name starts with (through its
/// last `/`), or 0 with fewer than two inputs or none in common.
pub(super) fn common_dir(summary: &Summary) -> usize {
    let mut names = summary.inputs.values().map(|i| i.name.as_bytes());
    let (Some(first), true) = (names.next(), summary.inputs.len() > 1) else {
        return 0;
    };
    let mut len = first.len();
    for name in names {
        len = len.min(first.iter().zip(name).take_while(|(a, b)| a == b).count());
    }
    first[..len]
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(0, |p| p + 1)
}

/// Two times as text, the second without its date when that is the same
/// day and the line would not fit otherwise (`fits` says whether it does).
pub(super) fn span_text(a: i64, b: i64, fits: impl Fn(&str, &str) -> bool) -> (String, String) {
    let (a, b) = (format_utc(a), format_utc(b));
    if fits(&a, &b) || a.get(..11) != b.get(..11) {
        return (a, b);
    }
    let short = b[11..].to_string();
    (a, short)
}

/// 1234567 → "1,234,567".
/// `1 line`, `2 lines`, `20,000 inputs`.
pub(super) fn counted(n: u64, noun: &str) -> String {
    format!("{} {noun}{}", group(n), if n == 1 { "" } else { "s" })
}

pub(super) fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(super) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(group(12), "12");
        assert_eq!(human_bytes(268_435_456), "256.0 MiB");
    }
}
