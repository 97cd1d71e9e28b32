//! Findings from close events over time: bursts, from one origin or
//! across many, and whether a graceful shutdown announced them.

use super::*;

pub(super) fn bursts(summary: &Summary, found: &mut Vec<Finding>) {
    let s = &summary.signals;
    if s.rates.width > 60 {
        return;
    }
    // Events per minute, and per (second) cell for the window's edges.
    let mut minutes: BTreeMap<i64, u64> = BTreeMap::new();
    for (&(t, _), cell) in &s.rates.cells {
        *minutes.entry(t - t.rem_euclid(60)).or_default() += cell.n;
    }
    let (Some(&first), Some(&last)) = (minutes.keys().next(), minutes.keys().next_back()) else {
        return;
    };
    let span = (last - first) / 60 + 1;
    if span < MIN_SPAN_MINUTES {
        return;
    }
    let median = median_minute(&minutes, span as u64);
    let threshold = MIN_BURST_PER_MINUTE.max(BURST_FACTOR * median);
    // Runs of busy minutes (a quiet minute between two busy ones joins them).
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for (&m, &n) in &minutes {
        if n < threshold {
            continue;
        }
        match runs.last_mut() {
            Some((_, end)) if m - *end <= 120 => *end = m,
            _ => runs.push((m, m)),
        }
    }
    let origins_in_log = summary.origins.len();
    let mut found_bursts = Vec::new();
    for (from, to) in runs {
        let in_run = |t: i64| t >= from && t < to + 60;
        let mut codes: BTreeMap<u32, u64> = BTreeMap::new();
        let (mut start, mut end, mut first_line) = (i64::MAX, i64::MIN, None::<Location>);
        for (&(t, code), cell) in s.rates.cells.range((from, 0)..(to + 60, 0)) {
            *codes.entry(code).or_default() += cell.n;
            start = start.min(t);
            end = end.max(t + s.rates.width - 1);
            first_line = Some(first_line.map_or(cell.first, |f| f.min(cell.first)));
        }
        let events: u64 = codes.values().sum();
        let peak = minutes.range(from..=to).map(|(_, n)| *n).max().unwrap_or(0);
        let mut by_origin: BTreeMap<&str, u64> = BTreeMap::new();
        for ((t, origin), cell) in &s.origin_cells.cells {
            if in_run(*t) {
                *by_origin.entry(origin.as_str()).or_default() += cell.n;
            }
        }
        let named: u64 = by_origin.values().sum();
        let mut sources: Vec<(String, u64)> =
            by_origin.iter().map(|(o, n)| (o.to_string(), *n)).collect();
        sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let top_share = sources
            .first()
            .map_or(0.0, |(_, n)| *n as f64 / named.max(1) as f64);
        let origins_known = named as f64 >= 0.5 * events as f64;
        let mut codes: Vec<(u32, u64)> = codes.into_iter().collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let confidence = if peak >= 10 * median.max(1) && events >= 100 {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let window = (start, end);
        let head = format!(
            "{} in {} ({} → {}), peak {}/min against a median of {}/min",
            code_list(&codes),
            duration_text(((end - start + 1).max(1) as u64) * 1000),
            clock(start),
            clock(end),
            group(peak),
            median
        );
        let (kind, title, advice) = if origins_known
            && origins_in_log >= 2
            && top_share >= ONE_SOURCE_SHARE
        {
            let (origin, _) = &sources[0];
            (
                Kind::BurstOneSource,
                format!("{head}; {:.0}% from {origin}", top_share * 100.0),
                format!(
                    "One source lost its connections at once: that process likely crashed, was OOM-killed or restarted, or its node or network dropped. Look at {origin}'s restarts and last state (kubectl describe pod {origin}; kubectl logs --previous {origin}) and its logs just before {}.",
                    clock(start)
                ),
            )
        } else if origins_known && sources.len() >= 3 && top_share < 0.5 {
            let graceful = graceful_before(s, start, span * 60);
            let (note, advice) = if graceful > 0 {
                (
                    format!("{} × 1001/1012 (going away, restart) came first", group(graceful)),
                    "Servers announced the shutdown (1001/1012) before the closes: a rolling deploy, a scale-down or a load-balancer drain. Check the deploy history at that time; make clients reconnect with backoff + jitter, and drain connections gradually (preStop hook, connection draining timeout).",
                )
            } else {
                (
                    "no 1001/1012 before it".to_string(),
                    "Every source lost connections at once and no server announced a shutdown (no 1001/1012 first): a cut, not a deploy. Look at what they share: the load balancer or ingress, a node or zone, the network path, DNS or TLS certificates at that time.",
                )
            };
            (
                Kind::BurstAcrossSources,
                format!("{head}; across {} origins, {note}", sources.len()),
                advice.to_string(),
            )
        } else {
            (
                Kind::Burst,
                head,
                "Many connections closed within minutes. If the lines name pods or hosts (kubectl logs --prefix, pod= or host= keys), the summary tells a crashed process from a deploy; check restarts, deploys and the load balancer at that time.".to_string(),
            )
        };
        sources.truncate(5);
        found_bursts.push(Finding {
            confidence,
            title,
            events,
            codes,
            window: Some(window),
            sources,
            peak_per_minute: Some(peak),
            evidence: first_line.into_iter().collect(),
            advice,
            ..Finding::of(kind)
        });
    }
    found_bursts.sort_by_key(|f| std::cmp::Reverse(f.events));
    found_bursts.truncate(MAX_BURSTS);
    found.extend(found_bursts);
}

/// 1001 and 1012 events from [`GRACEFUL_BEFORE`] seconds before `start` to
/// a minute after it, if they are at least [`MIN_GRACEFUL`] and
/// [`GRACEFUL_FACTOR`] times what the log's own rate of them would put
/// there: servers announced the shutdown. Otherwise 0.
fn graceful_before(s: &Signals, start: i64, span_secs: i64) -> u64 {
    let graceful = |cells: &mut dyn Iterator<Item = (&(i64, u32), &Cell)>| -> u64 {
        cells
            .filter(|((_, code), _)| matches!(code, 1001 | 1012))
            .map(|(_, c)| c.n)
            .sum()
    };
    let near = graceful(
        &mut s
            .rates
            .cells
            .range((start - GRACEFUL_BEFORE, 0)..(start + 60, 0)),
    );
    let all = graceful(&mut s.rates.cells.iter());
    let expected = all as f64 * (GRACEFUL_BEFORE + 60) as f64 / span_secs.max(1) as f64;
    if near >= MIN_GRACEFUL && near as f64 >= GRACEFUL_FACTOR * expected {
        near
    } else {
        0
    }
}

/// The median events per minute over `span` minutes (minutes missing from
/// `minutes` held none).
fn median_minute(minutes: &BTreeMap<i64, u64>, span: u64) -> u64 {
    let zeros = span.saturating_sub(minutes.len() as u64);
    let mid = span / 2;
    if mid < zeros {
        return 0;
    }
    let mut counts: Vec<u64> = minutes.values().copied().collect();
    counts.sort_unstable();
    counts[((mid - zeros) as usize).min(counts.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_minute_counts_quiet_minutes() {
        let m: BTreeMap<i64, u64> = [(0, 5), (60, 7), (120, 100)].into_iter().collect();
        assert_eq!(median_minute(&m, 3), 7);
        assert_eq!(median_minute(&m, 10), 0);
    }
}
