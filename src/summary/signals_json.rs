//! The diagnosis in the JSON summary: findings as [`FindingReport`]s, the
//! signals to and from their compact [`SignalsReport`] form (what `merge`
//! reads back), and per-code peaks and connection counts.

use std::collections::BTreeMap;

use super::findings::Finding;
use super::json::{
    ConnectionReport, FindingCode, FindingReport, FindingSource, LineRef, SignalsReport,
    SuspectReport, WindowReport,
};
use super::signals::{AgeBin, Cell, Cells, Connection, Signals, MAX_ORIGIN_CELLS, MAX_RATE_CELLS};
use super::timestamp::format_utc;
use super::{Location, Summary};

/// Per code: the most events in one second (when cells are seconds) and
/// in one minute (when cells are a minute or finer).
pub fn peaks(s: &Signals) -> BTreeMap<u32, (Option<u64>, Option<u64>)> {
    let mut per_second: BTreeMap<u32, u64> = BTreeMap::new();
    let mut minutes: BTreeMap<(u32, i64), u64> = BTreeMap::new();
    for (&(t, code), cell) in &s.rates.cells {
        let p = per_second.entry(code).or_default();
        *p = (*p).max(cell.n);
        *minutes.entry((code, t - t.rem_euclid(60))).or_default() += cell.n;
    }
    let mut out: BTreeMap<u32, (Option<u64>, Option<u64>)> = BTreeMap::new();
    for ((code, _), n) in minutes {
        let e = out.entry(code).or_default();
        e.1 = Some(e.1.unwrap_or(0).max(n));
    }
    for (code, n) in per_second {
        let e = out.entry(code).or_default();
        if s.rates.width == 1 {
            e.0 = Some(n);
        }
        if s.rates.width > 60 {
            e.1 = None;
        }
    }
    out
}

/// Per code: the distinct connections it closed.
pub fn connections_per_code(s: &Signals) -> BTreeMap<u32, u64> {
    let mut out: BTreeMap<u32, u64> = BTreeMap::new();
    for conn in s.connections.values() {
        for code in conn.codes.keys() {
            *out.entry(*code).or_default() += 1;
        }
    }
    out
}

/// A finding as JSON.
pub fn finding_report(summary: &Summary, f: &Finding) -> FindingReport {
    let named: u64 = f.sources.iter().map(|(_, n)| n).sum();
    let line_ref = |at: &Location| LineRef {
        source: summary.input_name(at.input).to_string(),
        input: at.input,
        line: at.line,
    };
    FindingReport {
        kind: f.kind.as_str().to_string(),
        confidence: f.confidence.as_str().to_string(),
        title: f.title.clone(),
        events: f.events,
        codes: f
            .codes
            .iter()
            .map(|&(code, count)| FindingCode { code, count })
            .collect(),
        window: f.window.map(|(a, b)| WindowReport {
            start: format_utc(a),
            end: format_utc(b),
            start_unix: a,
            end_unix: b,
        }),
        sources: f
            .sources
            .iter()
            .map(|(origin, n)| FindingSource {
                origin: origin.clone(),
                events: *n,
                share: super::report::share(*n, named.max(1)),
            })
            .collect(),
        age_seconds: f.age_ms.map(|ms| ms as f64 / 1000.0),
        peak_per_minute: f.peak_per_minute,
        suspects: f
            .suspects
            .iter()
            .map(|s| SuspectReport {
                product: s.product.to_string(),
                setting: s.setting.to_string(),
                default_seconds: s.default_ms as f64 / 1000.0,
                doc: s.doc.to_string(),
            })
            .collect(),
        evidence: f.evidence.iter().map(line_ref).collect(),
        advice: f.advice.clone(),
    }
}

/// The signals in their compact form.
pub fn to_report(s: &Signals) -> SignalsReport {
    SignalsReport {
        rate_seconds: s.rates.width,
        rates: s
            .rates
            .cells
            .iter()
            .map(|(&(t, code), c)| (t, code, c.n, c.first.input, c.first.line))
            .collect(),
        origin_seconds: s.origin_cells.width,
        origin_cells: s
            .origin_cells
            .cells
            .iter()
            .map(|((t, o), c)| (o.clone(), *t, c.n, c.first.input, c.first.line))
            .collect(),
        ages: s
            .ages
            .iter()
            .flat_map(|(&code, ages)| {
                ages.bins
                    .iter()
                    .map(move |(&bin, b)| (code, bin, b.n, b.sum_ms, b.first.input, b.first.line))
            })
            .collect(),
        connections: s
            .connections
            .iter()
            .map(|(id, c)| ConnectionReport {
                id: id.clone(),
                closes: c.closes,
                codes: c.codes.iter().map(|(k, v)| (*k, *v)).collect(),
                times: c.times.clone(),
            })
            .collect(),
        other_connections: s.other_connections,
        heartbeat: s
            .heartbeat
            .iter()
            .map(|(&code, c)| (code, c.n, c.first.input, c.first.line))
            .collect(),
        auth: s.auth.iter().map(|(c, n)| (*c, *n)).collect(),
        failed_upgrades: s
            .failed_upgrades
            .iter()
            .map(|(&t, c)| (t, c.n, c.first.input, c.first.line))
            .collect(),
        upgrade_statuses: s.upgrade_statuses.iter().map(|(k, v)| (*k, *v)).collect(),
    }
}

/// The signals read back from a report (caps applied again).
pub fn from_report(r: SignalsReport) -> Signals {
    let at = |input, line| Location { input, line };
    let mut s = Signals {
        rates: Cells::from_parts(
            r.rate_seconds,
            r.rates
                .into_iter()
                .map(|(t, code, n, i, l)| ((t, code), Cell { n, first: at(i, l) }))
                .collect(),
            MAX_RATE_CELLS,
        ),
        origin_cells: Cells::from_parts(
            r.origin_seconds,
            r.origin_cells
                .into_iter()
                .map(|(o, t, n, i, l)| ((t, o), Cell { n, first: at(i, l) }))
                .collect(),
            MAX_ORIGIN_CELLS,
        ),
        other_connections: r.other_connections,
        auth: r.auth.into_iter().collect(),
        failed_upgrades: r
            .failed_upgrades
            .into_iter()
            .map(|(t, n, i, l)| (t, Cell { n, first: at(i, l) }))
            .collect(),
        upgrade_statuses: r.upgrade_statuses.into_iter().collect(),
        ..Signals::default()
    };
    for (code, bin, n, sum_ms, i, l) in r.ages {
        s.ages.entry(code).or_default().add_bin(
            bin,
            AgeBin {
                n,
                sum_ms,
                first: at(i, l),
            },
        );
    }
    for c in r.connections {
        let mut times = c.times;
        times.sort_unstable();
        times.truncate(super::signals::MAX_CLOSE_TIMES);
        s.add_connection(
            c.id,
            Connection {
                closes: c.closes,
                codes: c.codes.into_iter().collect(),
                times,
            },
        );
    }
    for (code, n, i, l) in r.heartbeat {
        s.heartbeat.insert(code, Cell { n, first: at(i, l) });
    }
    s
}
