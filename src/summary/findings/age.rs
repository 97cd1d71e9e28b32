//! Findings from connection ages: closes at a fixed age (an idle timeout,
//! a token lifetime), and connections closing again at one interval.

use super::*;

/// The window of [`SPIKE_BINS`] bins holding the most closes, if it holds
/// [`SPIKE_SHARE`] of at least [`MIN_AGES`]: its closes, their mean age and
/// its first line.
fn spike(ages: &Ages) -> Option<(u64, u64, Location)> {
    let total = ages.total();
    if total < MIN_AGES {
        return None;
    }
    let bins: Vec<(i32, &crate::summary::signals::AgeBin)> =
        ages.bins.iter().map(|(b, v)| (*b, v)).collect();
    let mut best: Option<(u64, u64, Location, i32)> = None;
    for (i, &(start, _)) in bins.iter().enumerate() {
        let window = bins[i..]
            .iter()
            .take_while(|(b, _)| *b < start + SPIKE_BINS);
        let (n, sum, first) = window.fold((0u64, 0u64, None::<Location>), |(n, s, f), (_, b)| {
            (
                n + b.n,
                s + b.sum_ms,
                Some(f.map_or(b.first, |f| f.min(b.first))),
            )
        });
        if best.is_none_or(|(bn, ..)| n > bn) {
            best = first.map(|f| (n, sum, f, start));
        }
    }
    let (n, sum, first, start) = best?;
    // The five windows as wide on each side: a spike stands above the
    // busier side (an edge of the ages' range has one side empty).
    let side = |from: i32, to: i32| -> f64 {
        ages.bins.range(from..to).map(|(_, b)| b.n).sum::<u64>() as f64 / 5.0
    };
    let beside =
        side(start - 5 * SPIKE_BINS, start).max(side(start + SPIKE_BINS, start + 6 * SPIKE_BINS));
    (n >= MIN_AGES && n as f64 >= SPIKE_SHARE * total as f64 && n as f64 >= SPIKE_CONTRAST * beside)
        .then(|| (n, sum / n.max(1), first))
}

/// A code's closes at one age (or connections' at one interval).
struct Spike {
    code: u32,
    /// Closes in the spike.
    n: u64,
    /// Closes of the code with an age.
    aged: u64,
    /// Their mean age, in milliseconds.
    mean: u64,
    /// The first line in the spike (line 0: none known).
    first: Location,
}

pub(super) fn fixed_ages(summary: &Summary, found: &mut Vec<Finding>) {
    let s = &summary.signals;
    // Spikes per code, then codes whose spikes agree within 5% as one.
    let mut spikes: Vec<Spike> = Vec::new();
    for (&code, ages) in &s.ages {
        if code == 1009 {
            continue;
        }
        if let Some((n, mean, first)) = spike(ages) {
            spikes.push(Spike {
                code,
                n,
                aged: ages.total(),
                mean,
                first,
            });
        }
    }
    let mut from_intervals = false;
    if spikes.is_empty() {
        if let Some((n, total, mean, code)) = interval_spike(s) {
            spikes.push(Spike {
                code,
                n,
                aged: total,
                mean,
                first: Location { input: 0, line: 0 },
            });
            from_intervals = true;
        }
    }
    spikes.sort_by_key(|sp| sp.mean);
    let mut groups: Vec<Vec<Spike>> = Vec::new();
    for sp in spikes {
        match groups.last_mut() {
            Some(g) if (sp.mean as f64) <= g[0].mean as f64 * (1.0 + SUSPECT_TOLERANCE) => {
                g.push(sp)
            }
            _ => groups.push(vec![sp]),
        }
    }
    for group in groups {
        let events: u64 = group.iter().map(|g| g.n).sum();
        let aged: u64 = group.iter().map(|g| g.aged).sum();
        let mean = group.iter().map(|g| g.mean * g.n).sum::<u64>() / events.max(1);
        if mean < STORM_AGE_MS {
            // Closes right after opening: the reconnect storm's business.
            continue;
        }
        // Auth codes (or codes whose reasons speak of tokens) give most of it.
        let auth_events: u64 = group
            .iter()
            .filter(|g| is_auth(summary, g.code))
            .map(|g| g.n)
            .sum();
        let auth = 2 * auth_events >= events;
        let mut codes: Vec<(u32, u64)> = group.iter().map(|g| (g.code, g.n)).collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let share = events as f64 / aged.max(1) as f64;
        // The spike already stands out of its neighbours; many closes make it sure.
        let confidence = if events >= 50 || share >= 0.8 && events >= MIN_AGES {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let age = duration_text(mean);
        let code_list = code_list(&codes);
        let what = if from_intervals {
            format!(
                "{} closes of the same connections recur every {age}",
                events
            )
        } else {
            format!(
                "{} of {} closes with a known age ({code_list}) came at {age} ±5%",
                events, aged
            )
        };
        let mut evidence: Vec<Location> = group
            .iter()
            .map(|g| g.first)
            .filter(|l| l.line > 0)
            .collect();
        evidence.sort();
        evidence.truncate(MAX_EVIDENCE);
        if auth {
            found.push(Finding {
                confidence,
                title: format!("{what}: a credential's lifetime"),
                events,
                codes,
                age_ms: Some(mean),
                evidence,
                advice: format!(
                    "Sessions are closed for auth about {age} after they open: a token or session lifetime. Refresh the token before it expires (re-authenticate on the open socket, or reconnect with a fresh token a little before {age}) instead of letting the server close the socket."
                ),
                ..Finding::of(Kind::TokenLifetime)
            });
            continue;
        }
        let suspects: Vec<&'static Suspect> = IDLE_TIMEOUTS
            .iter()
            .filter(|s| {
                let d = s.default_ms as f64;
                (mean as f64 - d).abs() <= d * SUSPECT_TOLERANCE
            })
            .collect();
        let named = if suspects.is_empty() {
            String::new()
        } else {
            let mut products: Vec<&str> = suspects.iter().map(|s| s.product).collect();
            products.dedup();
            format!(
                "; matches the {} default of {}",
                duration_text(suspects[0].default_ms),
                products.join(", ")
            )
        };
        found.push(Finding {
            confidence,
            title: format!("{what}: an idle timeout on the path{named}"),
            events,
            codes,
            age_ms: Some(mean),
            suspects,
            evidence,
            advice: format!(
                "Something between the peers drops connections that stay quiet for {age}. Send WebSocket pings (or app heartbeats) more often than that, e.g. every {}, or raise that timeout on the proxy or load balancer (see suspects).",
                duration_text((mean / 2).max(1000))
            ),
            ..Finding::of(Kind::IdleTimeout)
        });
    }
}

/// Intervals between the closes of connections that close three times or
/// more, as one histogram: a spike there is a per-connection period.
/// Its closes, intervals counted, mean interval and the commonest code.
fn interval_spike(s: &Signals) -> Option<(u64, u64, u64, u32)> {
    let mut ages = Ages::default();
    let mut codes: BTreeMap<u32, u64> = BTreeMap::new();
    for conn in s.connections.values() {
        if conn.times.len() < STORM_CLOSES {
            continue;
        }
        for w in conn.times.windows(2) {
            let ms = (w[1] - w[0]).max(0) as u64 * 1000;
            if ms > 0 {
                ages.add_bin(
                    age_bin(ms),
                    crate::summary::signals::AgeBin {
                        n: 1,
                        sum_ms: ms,
                        first: Location { input: 0, line: 0 },
                    },
                );
            }
        }
        for (&c, &n) in &conn.codes {
            *codes.entry(c).or_default() += n;
        }
    }
    let (n, mean, _) = spike(&ages)?;
    let code = codes
        .iter()
        .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))?
        .0;
    Some((n, ages.total(), mean, *code))
}
