//! The summary as the scan's sink: each line with codes counted into it,
//! each candidate line without one read for a refused upgrade, and parts
//! forked for workers and joined back.

use super::*;

impl Fork for Summary {
    type Part = Summary;

    /// An empty summary for the same input and gate.
    fn fork(&self) -> Summary {
        let name = self
            .inputs
            .get(&self.current)
            .map_or("", |i| i.name.as_str());
        let mut part = Summary::for_input(self.current, name, self.gate.clone());
        part.stop_at_rate_trip = self.stop_at_rate_trip;
        part.by.clone_from(&self.by);
        part.reads_upgrades = self.reads_upgrades;
        part.reference_time = self.reference_time;
        part
    }

    fn join(&mut self, part: Summary) -> std::io::Result<()> {
        *self += part;
        Ok(())
    }
}

impl Sink for Summary {
    fn wants_passthrough(&self) -> bool {
        false
    }

    fn wants_line_numbers(&self) -> bool {
        true
    }

    fn passthrough(&mut self, _bytes: &[u8]) -> std::io::Result<()> {
        Ok(())
    }

    fn wants_candidates(&self) -> bool {
        self.reads_upgrades
    }

    /// A refused upgrade near 1006s says the cause is the handshake.
    fn candidate(&mut self, line: &Line<'_>) -> std::io::Result<()> {
        if let Some(status) = signals::failed_upgrade_status(line.text) {
            if let Some(time) = parse_line_time_near(line.text, self.reference_time) {
                let at = Location {
                    input: self.current,
                    line: line.number,
                };
                self.signals.failed_upgrade(time, status, at);
            }
        }
        Ok(())
    }

    fn matched(&mut self, line: &Line<'_>, findings: &[Finding]) -> std::io::Result<()> {
        if findings.is_empty() {
            return Ok(());
        }
        let at = Location {
            input: self.current,
            line: line.number,
        };
        let time = parse_line_time_near(line.text, self.reference_time);
        let input = self.inputs.entry(self.current).or_default();
        input.lines_with_codes += 1;
        input.events += findings.len() as u64;
        let mut seen: Vec<Category> = Vec::new();
        for f in findings {
            let category = f.category();
            if !seen.contains(&category) {
                seen.push(category);
                *self.category_lines.entry(category).or_default() += 1;
            }
        }
        for f in findings {
            let key = CodeKey {
                code: f.code,
                rejected: f.rejected(),
            };
            let stats = self.codes.entry(key).or_insert_with(|| CodeStats::new(at));
            stats.count += 1;
            stats.first = stats.first.min(at);
            stats.last = stats.last.max(at);
            stats.first_time = min_opt(stats.first_time, time);
            stats.last_time = max_opt(stats.last_time, time);
            if let Some(d) = f.direction(line.text) {
                // Sent, Received, Local: the order of `directions`.
                stats.directions[d as usize] += 1;
            }
            match &f.reason {
                Some(r) if r.end <= line.text.len() => {
                    let text = crate::extract::reason_text(line.text, r.clone());
                    let text = truncate(&text, MAX_REASON_LEN);
                    stats.add_reason(text);
                }
                _ => {}
            }
        }
        if let Some(t) = time {
            self.timeline.add(t, findings.len() as u64);
        }
        let origin = match &self.by {
            Some(by) => origin::origin_by(line.text, by),
            None => origin::origin_of(line.text),
        };
        self.signals
            .observe(line.text, findings, time, origin.as_deref(), at);
        if let Some(name) = origin {
            let mut one = origin::OriginStats {
                events: findings.len() as u64,
                first_time: time,
                last_time: time,
                ..Default::default()
            };
            for f in findings {
                *one.codes
                    .entry(CodeKey {
                        code: f.code,
                        rejected: f.rejected(),
                    })
                    .or_default() += 1;
            }
            self.add_origin(name, one);
        }
        if let Some(gate) = &self.gate {
            for ((hits, rule), rate) in self
                .gate_hits
                .iter_mut()
                .zip(&gate.rules)
                .zip(&mut self.rates)
            {
                if !findings.iter().any(|f| rule.matches(f.code, f.category())) {
                    continue;
                }
                match rate {
                    None => *hits += 1,
                    Some(window) => {
                        let within =
                            window.add(time.unwrap_or_else(|| timestamp::unix_now() as i64));
                        if within > rule.limit && *hits <= rule.limit && self.stop_at_rate_trip {
                            // Tripped: the answer is known, however long the
                            // input goes on.
                            crate::interrupt::stop_input();
                        }
                        *hits = (*hits).max(within);
                    }
                }
            }
        }
        Ok(())
    }
}
