//! What the diagnosis reads, counted as the lines go by: close events per
//! second and code, per origin and minute, connection ages per code, closes
//! per connection, and closes that blame a heartbeat.
//!
//! Plain data that merges with `+=` like the rest of the summary, and
//! bounded whatever the input: every table has a cap, documented below and
//! in the README. Where a cap is reached the counts stay exact but coarser
//! (the time cells widen, by a rule that depends only on the data, so a
//! parallel scan still equals a one-thread scan) or new keys are counted as
//! "other" (connections: which ones depends on the order lines come in).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder};

use super::Location;
use crate::extract::Finding;

/// Most (second, code) cells kept before the cells widen.
pub const MAX_RATE_CELLS: usize = 1 << 17;
/// Most (origin, minute) cells kept before the cells widen.
pub const MAX_ORIGIN_CELLS: usize = 1 << 16;
/// Most connections followed; closes of more go to `other_connections`.
pub const MAX_CONNECTIONS: usize = 1 << 16;
/// Close times kept per connection (the earliest), for the intervals
/// between its closes.
pub const MAX_CLOSE_TIMES: usize = 16;
/// Widths the time cells move through, in seconds.
const WIDTHS: [i64; 6] = [1, 60, 600, 3600, 86_400, 7 * 86_400];
/// Each bin of the age histogram is this much wider than the last: bins of
/// 2%, so an age read back is within 1% of the ages in its bin.
pub const AGE_BIN_RATIO: f64 = 1.02;

/// Events in one cell, and the first line that counted in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Events.
    pub n: u64,
    /// The first line (by input and line number) counted here.
    pub first: Location,
}

impl Cell {
    fn add(&mut self, other: Cell) {
        self.n += other.n;
        self.first = self.first.min(other.first);
    }
}

/// Events per time cell and key (a code, an origin), widening along
/// a ladder of widths (1 s, 1 min, 10 min, 1 h, 1 day, 1 week) to stay within a cap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cells<K: Ord + Clone> {
    /// Seconds per cell.
    pub width: i64,
    /// (cell start, key) → events.
    pub cells: BTreeMap<(i64, K), Cell>,
    cap: usize,
}

impl<K: Ord + Clone> Cells<K> {
    fn new(width: i64, cap: usize) -> Self {
        Cells {
            width,
            cells: BTreeMap::new(),
            cap,
        }
    }

    /// Adds `n` events of `key` at `time`.
    pub fn add(&mut self, time: i64, key: K, cell: Cell) {
        let start = time - time.rem_euclid(self.width);
        self.cells
            .entry((start, key))
            .and_modify(|c| c.add(cell))
            .or_insert(cell);
        if self.cells.len() > self.cap {
            self.widen();
        }
    }

    fn widen(&mut self) {
        while self.cells.len() > self.cap {
            let next = WIDTHS
                .iter()
                .copied()
                .find(|&w| w > self.width)
                .unwrap_or(self.width * 2);
            self.coarsen_to(next);
        }
    }

    fn coarsen_to(&mut self, width: i64) {
        if width <= self.width {
            return;
        }
        let old = std::mem::take(&mut self.cells);
        self.width = width;
        for ((start, key), cell) in old {
            self.cells
                .entry((start - start.rem_euclid(width), key))
                .and_modify(|c| c.add(cell))
                .or_insert(cell);
        }
    }

    /// Adds `other`'s cells, at the wider of the two widths.
    pub fn merge(&mut self, mut other: Cells<K>) {
        let width = self.width.max(other.width);
        self.coarsen_to(width);
        other.coarsen_to(width);
        for (key, cell) in other.cells {
            self.cells
                .entry(key)
                .and_modify(|c| c.add(cell))
                .or_insert(cell);
        }
        self.widen();
    }

    /// Rebuilds cells read back from a report (for `merge`).
    pub fn from_parts(width: i64, cells: BTreeMap<(i64, K), Cell>, cap: usize) -> Self {
        let mut c = Cells {
            width: width.max(1),
            cells,
            cap,
        };
        c.widen();
        c
    }
}

/// Connection ages at close, on bins [`AGE_BIN_RATIO`] apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ages {
    /// Bin → (closes, sum of their ages in ms, first line).
    pub bins: BTreeMap<i32, AgeBin>,
}

/// One bin of [`Ages`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgeBin {
    /// Closes.
    pub n: u64,
    /// Their ages added up, in milliseconds (the bin's mean is exact).
    pub sum_ms: u64,
    /// The first line counted here.
    pub first: Location,
}

/// The bin an age falls in.
pub fn age_bin(ms: u64) -> i32 {
    ((ms.max(1) as f64).ln() / AGE_BIN_RATIO.ln()).floor() as i32
}

impl Ages {
    /// Counts one close at age `ms`.
    pub fn add(&mut self, ms: u64, at: Location) {
        let bin = AgeBin {
            n: 1,
            sum_ms: ms,
            first: at,
        };
        self.add_bin(age_bin(ms), bin);
    }

    /// Adds a bin's counts (reading a report back, or merging).
    pub fn add_bin(&mut self, bin: i32, add: AgeBin) {
        self.bins
            .entry(bin)
            .and_modify(|b| {
                b.n += add.n;
                b.sum_ms += add.sum_ms;
                b.first = b.first.min(add.first);
            })
            .or_insert(add);
    }

    /// Closes counted.
    pub fn total(&self) -> u64 {
        self.bins.values().map(|b| b.n).sum()
    }

    fn merge(&mut self, other: Ages) {
        for (bin, b) in other.bins {
            self.add_bin(bin, b);
        }
    }
}

/// Closes of one connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Connection {
    /// Close events.
    pub closes: u64,
    /// Events by code.
    pub codes: BTreeMap<u32, u64>,
    /// The earliest [`MAX_CLOSE_TIMES`] dated closes, Unix seconds, sorted.
    pub times: Vec<i64>,
}

impl Connection {
    fn add_time(&mut self, time: i64) {
        if self.times.len() >= MAX_CLOSE_TIMES && self.times.last().is_some_and(|&l| l <= time) {
            return;
        }
        let at = self.times.partition_point(|&t| t <= time);
        self.times.insert(at, time);
        self.times.truncate(MAX_CLOSE_TIMES);
    }

    fn merge(&mut self, other: Connection) {
        self.closes += other.closes;
        for (code, n) in other.codes {
            *self.codes.entry(code).or_default() += n;
        }
        for t in other.times {
            self.add_time(t);
        }
    }
}

/// Everything the diagnosis reads; see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signals {
    /// Close events per second (widening) and code.
    pub rates: Cells<u32>,
    /// Close events per minute (widening) and origin.
    pub origin_cells: Cells<String>,
    /// Connection ages at close, per code.
    pub ages: BTreeMap<u32, Ages>,
    /// Closes per connection id, at most [`MAX_CONNECTIONS`] ids.
    pub connections: BTreeMap<String, Connection>,
    /// Close events of connections past the cap.
    pub other_connections: u64,
    /// Close events whose line blames a heartbeat (`keepalive ping
    /// timeout`, `no pong`), per code.
    pub heartbeat: BTreeMap<u32, Cell>,
    /// Failed WebSocket upgrades (a 4xx/5xx answer to the handshake) per
    /// minute, with the first line of each minute.
    pub failed_upgrades: BTreeMap<i64, Cell>,
    /// Failed upgrades by HTTP status.
    pub upgrade_statuses: BTreeMap<u16, u64>,
    /// Close events whose line speaks of credentials (`token expired`,
    /// `unauthorized`), per code.
    pub auth: BTreeMap<u32, u64>,
}

impl Default for Signals {
    fn default() -> Self {
        Signals {
            rates: Cells::new(1, MAX_RATE_CELLS),
            origin_cells: Cells::new(60, MAX_ORIGIN_CELLS),
            ages: BTreeMap::new(),
            connections: BTreeMap::new(),
            other_connections: 0,
            heartbeat: BTreeMap::new(),
            auth: BTreeMap::new(),
            failed_upgrades: BTreeMap::new(),
            upgrade_statuses: BTreeMap::new(),
        }
    }
}

/// Words with which a line blames the heartbeat for a close.
const HEARTBEAT_WORDS: [&str; 9] = [
    "ping timeout",
    "ping_timeout",
    "pingtimeout",
    "pong",
    "keepalive",
    "keep-alive",
    "heartbeat",
    "ping interval",
    "missed ping",
];

impl Signals {
    /// Counts a failed upgrade at `time` (Unix seconds) with HTTP `status`.
    pub fn failed_upgrade(&mut self, time: i64, status: u16, at: Location) {
        self.failed_upgrades
            .entry(time - time.rem_euclid(60))
            .and_modify(|c| c.add(Cell { n: 1, first: at }))
            .or_insert(Cell { n: 1, first: at });
        *self.upgrade_statuses.entry(status).or_default() += 1;
    }
}

/// Where a word a refused WebSocket handshake is reported with ends:
/// `handshake`, `upgrade`, `unexpected server response` or `unexpected
/// response code`, in any case, found by its core (`andshake`, `PGRADE`).
fn upgrade_words(line: &[u8]) -> impl Iterator<Item = usize> + '_ {
    const CORES: [&str; 7] = [
        "andshake",
        "ANDSHAKE",
        "andShake",
        "pgrade",
        "PGRADE",
        "nexpected",
        "NEXPECTED",
    ];
    static SEARCH: OnceLock<(Option<packed::Searcher>, AhoCorasick)> = OnceLock::new();
    // Every line a summary is handed without a code comes here: a
    // case-blind automaton walks each byte, while case-exact cores in the
    // usual spellings get Teddy's SIMD search, which turns most lines away
    // (an automaton over the cores where this machine has no SIMD search).
    let (simd, automaton) = SEARCH.get_or_init(|| {
        let simd = packed::Config::new().builder().extend(CORES).build();
        (simd, AhoCorasick::new(CORES).expect("literals"))
    });
    let hits: Box<dyn Iterator<Item = (usize, usize, usize)>> = match simd {
        Some(simd) => Box::new(
            simd.find_iter(line)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end())),
        ),
        None => Box::new(
            automaton
                .find_iter(line)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end())),
        ),
    };
    hits.filter_map(|(pattern, s, e)| {
        let lead = if pattern < 3 { b'h' } else { b'u' };
        if s == 0 || !line[s - 1].eq_ignore_ascii_case(&lead) {
            return None;
        }
        if pattern < 5 {
            // `upgraded`, `handshakes`: another word (`upgradeFailed` is not).
            return (!line.get(e).is_some_and(u8::is_ascii_lowercase)).then_some(e);
        }
        let rest = &line[e..];
        [" server response", " response code"]
            .iter()
            .find_map(|tail| {
                (rest.len() >= tail.len()
                    && rest[..tail.len()].eq_ignore_ascii_case(tail.as_bytes()))
                .then_some(e + tail.len())
            })
    })
}

/// The HTTP status (400-599) of a refused WebSocket handshake the line
/// reports (`Error during WebSocket handshake: Unexpected response code:
/// 403`, `websocket upgrade failed status=401`), if any.
pub fn failed_upgrade_status(line: &[u8]) -> Option<u16> {
    upgrade_words(line).find_map(|end| status_after(&line[end..]))
}

/// A 4xx or 5xx status standing alone within 80 bytes of the start of `rest`.
fn status_after(rest: &[u8]) -> Option<u16> {
    let rest = &rest[..rest.len().min(80)];
    let mut at = 0;
    while let Some(p) = rest[at..].iter().position(u8::is_ascii_digit) {
        let s = at + p;
        let len = rest[s..].iter().take_while(|b| b.is_ascii_digit()).count();
        at = s + len;
        let alone = s == 0 || matches!(rest[s - 1], b' ' | b':' | b'=' | b'(' | b'"');
        if len == 3
            && alone
            && !rest
                .get(at)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.')
        {
            let status: u16 = std::str::from_utf8(&rest[s..at]).ok()?.parse().ok()?;
            if (400..600).contains(&status) {
                return Some(status);
            }
        }
    }
    None
}

/// Words with which a line speaks of credentials.
const AUTH_WORDS: [&str; 9] = [
    "token",
    "auth",
    "expired",
    "credential",
    "jwt",
    "forbidden",
    "login",
    "permission",
    "session expired",
];

/// Heartbeat words are patterns `0..HEARTBEAT_WORDS.len()`, auth words
/// the rest: one search finds both.
fn words() -> &'static AhoCorasick {
    static WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    WORDS.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(HEARTBEAT_WORDS.iter().chain(&AUTH_WORDS))
            .expect("literals")
    })
}

/// Whether the line blames a heartbeat (a missed ping or pong, a
/// keepalive), and whether it speaks of credentials.
pub fn blames(line: &[u8]) -> (bool, bool) {
    let (mut heartbeat, mut auth) = (false, false);
    for m in words().find_overlapping_iter(line) {
        if m.pattern().as_usize() < HEARTBEAT_WORDS.len() {
            heartbeat = true;
        } else {
            auth = true;
        }
        if heartbeat && auth {
            break;
        }
    }
    (heartbeat, auth)
}

impl Signals {
    /// Counts one close line: its codes, when, where from, which
    /// connection and at what age.
    pub fn observe(
        &mut self,
        line: &[u8],
        findings: &[Finding],
        time: Option<i64>,
        origin: Option<&str>,
        at: Location,
    ) {
        let n = findings.len() as u64;
        let codes = || findings.iter().map(|f| f.code);
        if let Some(t) = time {
            for code in codes() {
                self.rates.add(t, code, Cell { n: 1, first: at });
            }
            if let Some(origin) = origin {
                self.origin_cells
                    .add(t, origin.to_string(), Cell { n, first: at });
            }
        }
        if let Some(ms) = super::connection::age_of(line) {
            for code in codes() {
                self.ages.entry(code).or_default().add(ms, at);
            }
        }
        if let Some(id) = super::connection::connection_of(line) {
            let id = String::from_utf8_lossy(id);
            let full = self.connections.len() >= MAX_CONNECTIONS;
            let conn = match self.connections.get_mut(id.as_ref()) {
                Some(c) => Some(c),
                None if full => None,
                None => Some(self.connections.entry(id.into_owned()).or_default()),
            };
            match conn {
                Some(conn) => {
                    conn.closes += n;
                    for code in codes() {
                        *conn.codes.entry(code).or_default() += 1;
                    }
                    if let Some(t) = time {
                        conn.add_time(t);
                    }
                }
                None => self.other_connections += n,
            }
        }
        let (heartbeat, auth) = blames(line);
        if auth {
            for code in codes() {
                *self.auth.entry(code).or_default() += 1;
            }
        }
        if heartbeat {
            for code in codes() {
                self.heartbeat
                    .entry(code)
                    .and_modify(|c| c.add(Cell { n: 1, first: at }))
                    .or_insert(Cell { n: 1, first: at });
            }
        }
    }

    /// Applies `f` to every line location kept (chunks and merged runs
    /// number their lines and inputs from their own start).
    pub fn shift(&mut self, f: impl Fn(&mut Location)) {
        fn cells<K: Ord + Clone>(c: &mut Cells<K>, f: &impl Fn(&mut Location)) {
            for cell in c.cells.values_mut() {
                f(&mut cell.first);
            }
        }
        cells(&mut self.rates, &f);
        cells(&mut self.origin_cells, &f);
        for ages in self.ages.values_mut() {
            for b in ages.bins.values_mut() {
                f(&mut b.first);
            }
        }
        for c in self.heartbeat.values_mut() {
            f(&mut c.first);
        }
        for c in self.failed_upgrades.values_mut() {
            f(&mut c.first);
        }
    }

    /// Adds a connection's closes, within [`MAX_CONNECTIONS`].
    pub fn add_connection(&mut self, id: String, conn: Connection) {
        let full = self.connections.len() >= MAX_CONNECTIONS;
        match self.connections.get_mut(&id) {
            Some(mine) => mine.merge(conn),
            None if full => self.other_connections += conn.closes,
            None => {
                self.connections.insert(id, conn);
            }
        }
    }
}

impl std::ops::AddAssign for Signals {
    fn add_assign(&mut self, other: Signals) {
        self.rates.merge(other.rates);
        self.origin_cells.merge(other.origin_cells);
        for (code, ages) in other.ages {
            self.ages.entry(code).or_default().merge(ages);
        }
        self.other_connections += other.other_connections;
        for (id, conn) in other.connections {
            self.add_connection(id, conn);
        }
        for (minute, cell) in other.failed_upgrades {
            self.failed_upgrades
                .entry(minute)
                .and_modify(|c| c.add(cell))
                .or_insert(cell);
        }
        for (status, n) in other.upgrade_statuses {
            *self.upgrade_statuses.entry(status).or_default() += n;
        }
        for (code, n) in other.auth {
            *self.auth.entry(code).or_default() += n;
        }
        for (code, cell) in other.heartbeat {
            self.heartbeat
                .entry(code)
                .and_modify(|c| c.add(cell))
                .or_insert(cell);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u64) -> Location {
        Location { input: 0, line }
    }

    #[test]
    fn refused_upgrades_in_any_case() {
        for (line, status) in [
            (
                "Error during WebSocket handshake: Unexpected response code: 403",
                Some(403),
            ),
            ("WebSocket HandShake failed (status=401)", Some(401)),
            ("websocket UPGRADE rejected: 503", Some(503)),
            ("Error: Unexpected server response: 502", Some(502)),
            ("upgrade failed status=101", None),
            ("handshake ok in 404ms", None),
            ("upgraded 1 of 404 pods", None),
            ("GET /ws 403 handshake", None),
        ] {
            assert_eq!(failed_upgrade_status(line.as_bytes()), status, "{line}");
        }
    }

    #[test]
    fn cells_widen_within_their_cap_and_merge_to_the_same() {
        let mut one = Cells::new(1, 100);
        let (mut a, mut b) = (Cells::new(1, 100), Cells::new(1, 100));
        for t in 0..500i64 {
            let cell = Cell {
                n: 1,
                first: at(t as u64),
            };
            one.add(t, 1006u32, cell);
            if t % 2 == 0 {
                a.add(t, 1006, cell)
            } else {
                b.add(t, 1006, cell)
            }
        }
        a.merge(b);
        assert!(one.cells.len() <= 100);
        assert_eq!(one, a);
        assert_eq!(one.width, 60);
        assert_eq!(one.cells.values().map(|c| c.n).sum::<u64>(), 500);
    }

    #[test]
    fn ages_fall_in_narrow_bins() {
        assert!(age_bin(61_000) - age_bin(60_000) <= 1);
        assert!(age_bin(66_000) - age_bin(60_000) >= 4);
        let mut ages = Ages::default();
        for ms in [59_900, 60_000, 60_100] {
            ages.add(ms, at(1));
        }
        let (n, sum) = ages
            .bins
            .values()
            .fold((0, 0), |(n, s), b| (n + b.n, s + b.sum_ms));
        assert_eq!((n, sum / n), (3, 60_000));
    }

    #[test]
    fn connections_keep_their_earliest_close_times() {
        let mut c = Connection::default();
        for t in (0..40).rev() {
            c.add_time(t);
        }
        assert_eq!(c.times, (0..MAX_CLOSE_TIMES as i64).collect::<Vec<_>>());
    }
}
