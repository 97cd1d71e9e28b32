//! The diagnosis on generated incidents: for each signature (an idle
//! timeout, a token lifetime, a burst from one pod, a burst across pods
//! with and without a graceful shutdown first, heartbeat failures, 1009, a
//! reconnect storm) a log is written with its parameters drawn at random
//! within ranges, in one of several line shapes, with unrelated traffic
//! around it; the real binary's `--summary --format json` must name the
//! finding and its key parameter (the pod, the age within 5%, the window).
//! Negative controls (closes spread evenly over time, pods and ages; a
//! "burst" only twice the base rate) must give no finding. Every scenario
//! runs over many seeds.

use serde_json::Value;

use crate::util::run;

/// Seeds per scenario: 12, or `WSCODE_SCENARIO_SEEDS` for a longer search.
fn seeds() -> std::ops::Range<u64> {
    let n = std::env::var("WSCODE_SCENARIO_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    0..n
}

/// SplitMix64: a small, good generator, so a seed names a log.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.range(0.0, 1.0) < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The start of every generated log: 2026-11-24T03:00:00Z.
const T0: f64 = 1_795_921_200.0;

/// RFC 3339 UTC with milliseconds: the library's own date, plus them.
fn rfc3339(t: f64) -> String {
    let secs = t.floor() as i64;
    let ms = ((t - secs as f64) * 1000.0) as i64;
    let day = wscode_annotate::summary::timestamp::format_utc(secs);
    format!("{}.{ms:03}Z", day.trim_end_matches('Z'))
}

/// One close as a log line, in one of the shapes real gateways print.
struct Close<'a> {
    at: f64,
    pod: &'a str,
    code: u32,
    conn: String,
    age_s: Option<f64>,
    reason: &'a str,
}

fn line(shape: u64, c: &Close<'_>) -> String {
    let ts = rfc3339(T0 + c.at);
    match shape % 3 {
        0 => {
            let age = c.age_s.map_or(String::new(), |a| {
                format!(" duration_ms={}", (a * 1000.0) as u64)
            });
            format!(
                "[pod/{}/gateway] {ts} level=warn msg=\"websocket closed\" code={} reason=\"{}\" conn={}{age}",
                c.pod, c.code, c.reason, c.conn
            )
        }
        1 => {
            let age = c.age_s.map_or(String::new(), |a| {
                let whole = a.floor();
                format!(
                    ",\"lifetime\":\"{}m{:.3}s\"",
                    (whole / 60.0) as u64,
                    a - (whole / 60.0).floor() * 60.0
                )
            });
            format!(
                "{{\"ts\":\"{ts}\",\"pod\":\"{}\",\"msg\":\"ws closed\",\"code\":{},\"reason\":\"{}\",\"connectionId\":\"{}\"{age}}}",
                c.pod, c.code, c.reason, c.conn
            )
        }
        _ => {
            let age = c.age_s.map_or(String::new(), |a| format!(" after {a:.1}s"));
            format!(
                "{ts} WARN host={} gateway: websocket conn_id={} closed{age} with code {} ({})",
                c.pod, c.conn, c.code, c.reason
            )
        }
    }
}

/// Lines with no close code around the closes: requests, pings, opens.
fn traffic(rng: &mut Rng, pods: &[String], minutes: f64, out: &mut Vec<(f64, String)>) {
    for _ in 0..(minutes * 20.0) as u64 {
        let at = rng.range(0.0, minutes * 60.0);
        let pod = rng.pick(pods);
        let text = match rng.below(3) {
            0 => format!(
                "[pod/{pod}/gateway] {} level=info msg=\"GET /api/items 200\" took=12ms",
                rfc3339(T0 + at)
            ),
            1 => format!(
                "{{\"ts\":\"{}\",\"pod\":\"{pod}\",\"msg\":\"websocket upgrade\",\"status\":101,\"conn_id\":\"c{}\"}}",
                rfc3339(T0 + at),
                rng.below(1_000_000)
            ),
            _ => format!(
                "{} INFO host={pod} gateway: ping sent to 1,024 sessions in 3 ms",
                rfc3339(T0 + at)
            ),
        };
        out.push((at, text));
    }
}

fn pods(rng: &mut Rng, n: u64) -> Vec<String> {
    (0..n)
        .map(|i| format!("gw-{:04x}-{}", rng.below(0xffff), i))
        .collect()
}

/// Unrelated closes spread evenly over the log: times, pods, ages, codes.
fn spread(rng: &mut Rng, shape: u64, pods: &[String], minutes: f64, n: u64) -> Vec<(f64, String)> {
    (0..n)
        .map(|i| {
            let at = rng.range(0.0, minutes * 60.0);
            let close = Close {
                at,
                pod: rng.pick(pods).as_str(),
                code: *rng.pick(&[1000, 1001, 1006, 1000]),
                conn: format!("s{i}"),
                age_s: rng.chance(0.8).then(|| rng.range(1.0, 3600.0)),
                reason: "",
            };
            (at, line(shape, &close))
        })
        .collect()
}

/// The log's text, lines in time order.
fn render(mut lines: Vec<(f64, String)>) -> Vec<u8> {
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut text = String::new();
    for (_, l) in lines {
        text.push_str(&l);
        text.push('\n');
    }
    text.into_bytes()
}

/// The findings the binary gives for `log`.
fn findings(log: &[u8]) -> Vec<Value> {
    let out = run(&["--summary", "--format", "json", "-"], log);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    report["findings"].as_array().cloned().unwrap_or_default()
}

fn kinds(found: &[Value]) -> Vec<&str> {
    found.iter().filter_map(|f| f["kind"].as_str()).collect()
}

fn find<'a>(found: &'a [Value], kind: &str) -> &'a Value {
    found
        .iter()
        .find(|f| f["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} finding in {:#?}", found))
}

#[test]
fn closes_at_a_fixed_age_are_an_idle_timeout_with_its_suspects() {
    for seed in seeds() {
        let mut rng = Rng(seed);
        let shape = seed;
        let n = 1 + rng.below(5);
        let pods = pods(&mut rng, n);
        let minutes = rng.range(30.0, 120.0);
        let age = *rng.pick(&[30.0, 55.0, 60.0, 100.0, 240.0, 350.0, 600.0, 87.0, 1500.0]);
        let mut lines = spread(&mut rng, shape, &pods, minutes, 40);
        for i in 0..rng.range(80.0, 400.0) as u64 {
            let at = rng.range(0.0, minutes * 60.0);
            let close = Close {
                at,
                pod: rng.pick(&pods).as_str(),
                code: *rng.pick(&[1006, 1006, 1001]),
                conn: format!("i{i}"),
                age_s: Some(age * rng.range(0.99, 1.01)),
                reason: "",
            };
            lines.push((at, line(shape, &close)));
        }
        traffic(&mut rng, &pods, minutes, &mut lines);
        let found = findings(&render(lines));
        let f = find(&found, "idle-timeout");
        let got = f["age_seconds"].as_f64().unwrap();
        assert!(
            (got - age).abs() <= age * 0.05,
            "seed {seed}: {got} vs {age}"
        );
        let suspects: Vec<f64> = f["suspects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["default_seconds"].as_f64().unwrap())
            .collect();
        if age == 60.0 {
            assert!(
                suspects.len() >= 3,
                "seed {seed}: nginx and AWS ALB default to 60 s"
            );
        }
        assert!(
            suspects.iter().all(|d| (d - age).abs() <= d * 0.05),
            "{suspects:?}"
        );
        assert!(
            !kinds(&found).iter().any(|k| k.starts_with("burst")),
            "seed {seed}: {found:#?}"
        );
    }
}

#[test]
fn auth_closes_at_a_fixed_age_are_a_token_lifetime() {
    for seed in seeds() {
        let mut rng = Rng(100 + seed);
        let pods = pods(&mut rng, 2);
        let lifetime = *rng.pick(&[300.0, 900.0, 3600.0]);
        let mut lines = spread(&mut rng, seed, &pods, 240.0, 30);
        for i in 0..rng.range(40.0, 200.0) as u64 {
            let at = rng.range(0.0, 240.0 * 60.0);
            let close = Close {
                at,
                pod: rng.pick(&pods).as_str(),
                code: *rng.pick(&[4001, 1008]),
                conn: format!("u{i}"),
                age_s: Some(lifetime + rng.range(0.0, 2.0)),
                reason: "token expired",
            };
            lines.push((at, line(seed, &close)));
        }
        let found = findings(&render(lines));
        let f = find(&found, "token-lifetime");
        let got = f["age_seconds"].as_f64().unwrap();
        assert!(
            (got - lifetime).abs() <= lifetime * 0.05,
            "seed {seed}: {got}"
        );
        assert!(!kinds(&found).contains(&"idle-timeout"), "{found:#?}");
    }
}

/// A burst of 1006 within a few minutes, in a longer log, `share` of it
/// from `pods[0]` and the rest from the others; the burst's start and end.
fn burst_log(
    rng: &mut Rng,
    shape: u64,
    pods: &[String],
    share: f64,
    graceful: bool,
) -> (Vec<u8>, f64, f64) {
    let minutes = rng.range(60.0, 180.0);
    let n = (minutes * rng.range(0.5, 3.0)) as u64;
    let mut lines = spread(rng, shape, pods, minutes, n);
    let start = rng.range(10.0, minutes - 15.0) * 60.0;
    let len = rng.range(60.0, 360.0);
    if graceful {
        // A rolling deploy: each pod's server says it is going away to
        // its connections, seconds before they drop.
        for (i, pod) in pods.iter().enumerate() {
            for j in 0..5 + rng.below(15) {
                let close = Close {
                    at: start - rng.range(5.0, 100.0),
                    pod,
                    code: *rng.pick(&[1001, 1012]),
                    conn: format!("g{i}-{j}"),
                    age_s: None,
                    reason: "server shutting down",
                };
                lines.push((close.at, line(shape, &close)));
            }
        }
    }
    for i in 0..rng.range(300.0, 1500.0) as u64 {
        let at = start + rng.range(0.0, len);
        let pod = if rng.chance(share) {
            &pods[0]
        } else {
            &pods[1 + rng.below(pods.len() as u64 - 1) as usize]
        };
        let close = Close {
            at,
            pod,
            code: 1006,
            conn: format!("b{i}"),
            age_s: Some(rng.range(1.0, 3000.0)),
            reason: "",
        };
        lines.push((at, line(shape, &close)));
    }
    traffic(rng, pods, minutes, &mut lines);
    (render(lines), start, start + len)
}

fn assert_window(f: &Value, start: f64, end: f64, seed: u64) {
    assert_window_from(f, start - 61.0, start, end, seed);
}

/// The window starts between `earliest` and a minute after `start`.
fn assert_window_from(f: &Value, earliest: f64, start: f64, end: f64, seed: u64) {
    let w = &f["window"];
    let (a, b) = (
        w["start_unix"].as_f64().unwrap() - T0,
        w["end_unix"].as_f64().unwrap() - T0,
    );
    assert!(
        a >= earliest && a <= start + 61.0,
        "seed {seed}: start {a} vs {start}"
    );
    assert!(
        b >= end - 61.0 && b <= end + 61.0,
        "seed {seed}: end {b} vs {end}"
    );
}

#[test]
fn a_burst_from_one_pod_names_the_pod_and_the_window() {
    for seed in seeds() {
        let mut rng = Rng(200 + seed);
        let n = 3 + rng.below(5);
        let pods = pods(&mut rng, n);
        let share = rng.range(0.9, 0.99);
        let (log, start, end) = burst_log(&mut rng, seed, &pods, share, false);
        let found = findings(&log);
        let f = find(&found, "burst-one-source");
        assert_eq!(f["sources"][0]["origin"], pods[0].as_str(), "seed {seed}");
        assert_window(f, start, end, seed);
        assert!(f["evidence"].as_array().is_some_and(|e| !e.is_empty()));
    }
}

#[test]
fn a_burst_across_pods_tells_a_deploy_from_a_cut() {
    for seed in seeds() {
        let mut rng = Rng(300 + seed);
        let n = 4 + rng.below(4);
        let pods = pods(&mut rng, n);
        let graceful = seed % 2 == 0;
        let share = 1.0 / pods.len() as f64;
        let (log, start, end) = burst_log(&mut rng, seed, &pods, share, graceful);
        let found = findings(&log);
        let f = find(&found, "burst-across-sources");
        // The going-away closes of a deploy are part of its window.
        let earliest = start - if graceful { 161.0 } else { 61.0 };
        assert_window_from(f, earliest, start, end, seed);
        let title = f["title"].as_str().unwrap();
        assert_eq!(
            title.contains("came first"),
            graceful,
            "seed {seed}: {title}"
        );
        assert!(!kinds(&found).contains(&"burst-one-source"));
    }
}

/// How gateways word a heartbeat failure.
const HEARTBEAT_REASONS: [&str; 3] = [
    "keepalive ping timeout",
    "no pong received",
    "heartbeat timeout",
];

#[test]
fn heartbeat_failures_and_message_too_big_are_named() {
    for seed in seeds() {
        let mut rng = Rng(400 + seed);
        let pods = pods(&mut rng, 3);
        let mut lines = spread(&mut rng, seed, &pods, 60.0, 100);
        for i in 0..rng.range(20.0, 60.0) as u64 {
            let close = Close {
                at: rng.range(0.0, 3600.0),
                pod: rng.pick(&pods).as_str(),
                code: *rng.pick(&[1011, 1006]),
                conn: format!("h{i}"),
                age_s: None,
                reason: HEARTBEAT_REASONS[rng.below(3) as usize],
            };
            lines.push((close.at, line(seed, &close)));
        }
        let big = seed % 3 == 0;
        if big {
            let close = Close {
                at: rng.range(0.0, 3600.0),
                pod: &pods[0],
                code: 1009,
                conn: "big".into(),
                age_s: None,
                reason: "message too big",
            };
            lines.push((close.at, line(seed, &close)));
        }
        let found = findings(&render(lines));
        assert!(
            kinds(&found).contains(&"heartbeat"),
            "seed {seed}: {found:#?}"
        );
        assert_eq!(
            kinds(&found).contains(&"message-too-big"),
            big,
            "seed {seed}"
        );
    }
}

#[test]
fn connections_that_close_again_within_seconds_are_a_reconnect_storm() {
    for seed in seeds() {
        let mut rng = Rng(500 + seed);
        let pods = pods(&mut rng, 2);
        let mut lines = spread(&mut rng, seed, &pods, 60.0, 60);
        for c in 0..rng.range(8.0, 40.0) as u64 {
            let mut at = rng.range(0.0, 3000.0);
            for _ in 0..5 + rng.below(6) {
                at += rng.range(1.0, 6.0);
                let close = Close {
                    at,
                    pod: rng.pick(&pods).as_str(),
                    code: 4003,
                    conn: format!("client-{c}"),
                    age_s: None,
                    reason: "forbidden",
                };
                lines.push((at, line(seed, &close)));
            }
        }
        let found = findings(&render(lines));
        assert!(
            kinds(&found).contains(&"reconnect-storm"),
            "seed {seed}: {found:#?}"
        );
    }
}

#[test]
fn closes_spread_evenly_give_no_finding() {
    for seed in seeds() {
        let mut rng = Rng(600 + seed);
        let n = 1 + rng.below(6);
        let pods = pods(&mut rng, n);
        let minutes = rng.range(30.0, 300.0);
        let n = (minutes * rng.range(0.5, 20.0)) as u64;
        let mut lines = spread(&mut rng, seed, &pods, minutes, n);
        traffic(&mut rng, &pods, minutes, &mut lines);
        let found = findings(&render(lines));
        assert!(found.is_empty(), "seed {seed} ({n} closes): {found:#?}");
    }
}

#[test]
fn twice_the_base_rate_is_no_burst() {
    for seed in seeds() {
        let mut rng = Rng(700 + seed);
        let pods = pods(&mut rng, 3);
        let minutes = 120.0;
        let base = rng.range(5.0, 40.0);
        let mut lines = spread(&mut rng, seed, &pods, minutes, (base * minutes) as u64);
        // Ten minutes at twice the rate, all from one pod.
        let start = rng.range(20.0, 100.0) * 60.0;
        for i in 0..(base * 10.0) as u64 {
            let close = Close {
                at: start + rng.range(0.0, 600.0),
                pod: &pods[0],
                code: 1006,
                conn: format!("d{i}"),
                age_s: Some(rng.range(1.0, 3600.0)),
                reason: "",
            };
            lines.push((close.at, line(seed, &close)));
        }
        let found = findings(&render(lines));
        assert!(
            !kinds(&found).iter().any(|k| k.starts_with("burst")),
            "seed {seed}: {found:#?}"
        );
    }
}

#[test]
fn merged_summaries_diagnose_the_whole() {
    // A burst from one pod, its lines cut in two halves read apart.
    let mut rng = Rng(900);
    let pods = pods(&mut rng, 4);
    let (log, _, _) = burst_log(&mut rng, 0, &pods, 0.95, false);
    let text = String::from_utf8(log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    // Every other line to each part: neither holds the burst alone.
    for i in 0..2 {
        let body: String = lines
            .iter()
            .skip(i)
            .step_by(2)
            .map(|l| format!("{l}\n"))
            .collect();
        let out = run(&["--summary", "--format", "json", "-"], body.as_bytes());
        let path = dir.path().join(format!("part{i}.json"));
        std::fs::write(&path, &out.stdout).unwrap();
        parts.push(path);
    }
    let out = run(
        &[
            "merge",
            "--format",
            "json",
            parts[0].to_str().unwrap(),
            parts[1].to_str().unwrap(),
        ],
        b"",
    );
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    let whole = findings(text.as_bytes());
    let merged_kinds: Vec<&str> = merged["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert_eq!(merged_kinds, kinds(&whole));
    assert_eq!(
        merged["findings"][0]["sources"][0]["origin"],
        pods[0].as_str()
    );
}

/// The README's worked incident is what the tool prints on the fixture,
/// and its JSON findings carry the documented fields.
#[test]
fn the_readme_incident_is_real() {
    let readme = std::fs::read_to_string(crate::util::fixture("../README.md")).unwrap();
    let marker = "$ wscode-annotate --summary fixtures/incident.log\n";
    let at = readme.find(marker).expect("the README shows the incident") + marker.len();
    let shown = &readme[at..at + readme[at..].find("\n…\n").unwrap()];
    let path = crate::util::fixture("incident.log");
    let out = run(
        &["--summary", "--color", "never", path.to_str().unwrap()],
        b"",
    );
    let real = out
        .text()
        .replace(path.to_str().unwrap(), "fixtures/incident.log");
    assert!(real.starts_with(shown), "README:\n{shown}\nreal:\n{real}");
    assert!(shown.contains("Findings"));
    let found = findings(&std::fs::read(&path).unwrap());
    assert_eq!(
        kinds(&found),
        ["burst-one-source", "idle-timeout", "heartbeat"]
    );
    let mut fields = [
        "kind",
        "confidence",
        "title",
        "events",
        "codes",
        "window",
        "sources",
        "age_seconds",
        "peak_per_minute",
        "suspects",
        "evidence",
        "advice",
    ];
    fields.sort_unstable();
    for f in &found {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, fields, "the documented fields");
    }
    assert_eq!(found[0]["sources"][0]["origin"], "gw-7d9f-c");
    let age = found[1]["age_seconds"].as_f64().unwrap();
    assert!((age - 60.0).abs() < 1.0, "{age}");
    assert!(found[1]["suspects"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["product"] == "nginx" && s["default_seconds"] == 60.0));
}

#[test]
fn abnormal_closes_beside_refused_upgrades_blame_the_handshake() {
    for seed in seeds() {
        let mut rng = Rng(800 + seed);
        let pods = pods(&mut rng, 3);
        let mut lines = spread(&mut rng, seed, &pods, 120.0, 60);
        let start = rng.range(10.0, 100.0) * 60.0;
        let status = *rng.pick(&[401u16, 403, 426, 502]);
        let together = seed % 2 == 0;
        for i in 0..rng.range(10.0, 60.0) as u64 {
            let at = start + rng.range(0.0, 240.0);
            lines.push((
                at,
                format!(
                    "{} WARN host={} gateway: WebSocket connection to 'wss://example.com/ws' failed: Error during WebSocket handshake: Unexpected response code: {status}",
                    rfc3339(T0 + at),
                    rng.pick(&pods)
                ),
            ));
            // The browser's close event for it, or (the control) none.
            if together {
                let close = Close {
                    at: at + 0.2,
                    pod: rng.pick(&pods).as_str(),
                    code: 1006,
                    conn: format!("u{i}"),
                    age_s: None,
                    reason: "",
                };
                lines.push((close.at, line(seed, &close)));
            }
        }
        let found = findings(&render(lines));
        assert_eq!(
            kinds(&found).contains(&"failed-upgrades"),
            together,
            "seed {seed}: {found:#?}"
        );
        if together {
            let f = find(&found, "failed-upgrades");
            assert!(f["title"]
                .as_str()
                .unwrap()
                .contains(&format!("HTTP {status}")));
        }
    }
}
