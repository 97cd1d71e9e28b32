#!/usr/bin/env python3
"""Generate a large, realistic, mixed gateway log for benchmarking wscode-annotate.

Usage:
    python3 benches/genlog.py --size 256M --seed 1 > /tmp/bench.log
    python3 benches/genlog.py --size 2M --seed 1 --stats --truth /tmp/truth.tsv > /tmp/small.log

The output looks like `kubectl logs --timestamps` of a busy gateway pod: every
line starts with an RFC 3339 nanosecond timestamp and the bodies are mixed and
interleaved (shares are of *lines*):

  ~40%  nginx / Envoy access logs (101 upgrades to /ws, statuses and byte
        counts in 1000-4999, ids like ?id=1006 in the path)
  ~30%  JSON app logs (zap, logrus, pino, slog, ...) full of numbers that are
        not close codes, including "code" keys that are not WebSocket codes
  ~20%  logfmt (go-kit, logrus text, slog text)
  ~9%   other: Go / Java / Python plain lines, stack traces, kubelet lines,
        socket/close wording with numbers that are not close codes, plus the
        `expect = -` rows of fixtures/formats.tsv (tricky negatives)
  ~1%   lines that DO carry a WebSocket close code: the `line` column of the
        rows of fixtures/formats.tsv whose `expect` is not `-` (or a built-in
        list if that file does not exist)

Output is deterministic for a given --seed (and fixtures file). It is fast:
all line bodies are rendered once into a pool of %-templates; the hot loop
only fills in timestamps and writes ~1 MiB blocks.

--stats prints counts (lines, close-code lines, ...) and speed to stderr.
--truth PATH writes one row per close-code line: line number (1-based), the
expected codes (from the fixture, space separated), and the pool line
(verbatim from the fixture, before timestamp re-dating).
"""

import argparse
import calendar
import os
import re
import sys
import time
from random import Random

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_FIXTURE = os.path.join(REPO, "fixtures", "formats.tsv")

# Start of the simulated log: 2026-11-24T03:12:01Z
START_EPOCH = calendar.timegm((2026, 11, 24, 3, 12, 1, 0, 0, 0))

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Timestamp placeholders usable in templates (filled once per simulated second,
# except ms/ns, which change per line).
#   %(P)s       "2026-11-24T03:12:01."  (kubectl prefix, followed by ms+ns+"Z ")
#   %(iso)s     "2026-11-24T03:12:01"
#   %(nginx)s   "24/Nov/2026:03:12:01 +0000"
#   %(go)s      "2026/11/24 03:12:01"
#   %(py)s      "2026-11-24 03:12:01"
#   %(tomcat)s  "24-Nov-2026 03:12:01"
#   %(syslog)s  "Nov 24 03:12:01"
#   %(klog)s    "1124 03:12:01"
#   %(android)s "11-24 03:12:01"
#   %(hms)s     "03:12:01"
#   %(epoch)s   "1795921921"
#   %(ms)s      "123"       (per line)
#   %(ns)s      "456789"    (per line; digits 4-9 of the nanoseconds)
KPFX = "%(P)s%(ms)s%(ns)sZ "

# Sentinels used while rendering bodies; replaced by %(...)s after escaping '%'.
S = {k: "\x00" + k + "\x00" for k in
     ("iso", "nginx", "go", "py", "tomcat", "syslog", "klog", "android", "hms", "epoch", "ms", "ns")}


def to_template(body):
    """Escape '%' in a rendered body and turn sentinels into %(...)s fields."""
    t = body.replace("%", "%%")
    if "\x00" in t:
        for k, v in S.items():
            t = t.replace(v, "%(" + k + ")s")
    return t


def line_tmpl(body):
    return KPFX + to_template(body) + "\n"


def multi_tmpl(bodies):
    return "".join(KPFX + to_template(b) + "\n" for b in bodies)


# --------------------------------------------------------------------------
# Built-in close-code lines, used when fixtures/formats.tsv does not exist.
# (expect, line)
BUILTIN_CLOSE = [
    ("1006", "2026/11/24 03:12:01 error: websocket: close 1006 (abnormal closure): unexpected EOF"),
    ("1000", "2026/11/24 03:12:01 read: websocket: close 1000 (normal)"),
    ("1001", "2026/11/24 03:12:02 read error: websocket: close 1001 (going away)"),
    ("4001", "2026/11/24 03:12:04 ws: read loop ended: websocket: close 4001: token expired"),
    ("1011", 'time="2026-11-24T03:12:03Z" level=warning msg="ws read failed" error="websocket: close 1011 (internal server error): upstream timeout"'),
    ("1011", "websockets.exceptions.ConnectionClosedError: received 1011 (internal error) keepalive ping timeout; then sent 1011 (internal error) keepalive ping timeout"),
    ("1011", "websockets.exceptions.ConnectionClosedError: sent 1011 (internal error) keepalive ping timeout; no close frame received"),
    ("1001", "websockets.exceptions.ConnectionClosedOK: received 1001 (going away); then sent 1001 (going away)"),
    ("1000", "2026-11-24 03:12:01,123 DEBUG websockets.client: < CLOSE 1000 (OK) [2 bytes]"),
    ("1006", "DEBUG:    ! failing connection with code 1006"),
    ("1001", "starlette.websockets.WebSocketDisconnect: (1001, '')"),
    ("1008", "2026-11-24T03:12:02.234Z DEBUG 1 --- [nio-8080-exec-5] o.s.w.s.h.LoggingWebSocketHandlerDecorator : StandardWebSocketSession[id=0b1c2d3e, uri=ws://localhost:8080/chat] closed with CloseStatus[code=1008, reason=null]"),
    ("1000", "2026-11-24T03:12:01.123Z DEBUG 1 --- [nio-8080-exec-3] c.e.chat.ChatWebSocketHandler : afterConnectionClosed: CloseStatus[code=1000, reason=null]"),
    ("1001", "24-Nov-2026 03:12:01.123 INFO [http-nio-8080-exec-5] com.example.ws.ChatEndpoint.onClose Session 2 closed: CloseReason[1001]"),
    ("1011", "2026-11-24 03:12:04.456:DBUG:oejwc.WebSocketSession:qtp1690716179-40: closed CloseInfo[code=1011,reason=Server Error]"),
    ("1006", '{"level":"warn","ts":"2026-11-24T03:12:01.123Z","msg":"websocket closed","code":1006,"reason":""}'),
    ("1000", '{"level":"info","time":"2026-11-24T03:12:02Z","msg":"ws disconnect","close_code":1000,"close_reason":"bye"}'),
    ("4001", '{"@timestamp":"2026-11-24T03:12:03.456Z","log.level":"WARN","message":"socket closed","closeCode":4001,"closeReason":"token expired"}'),
    ("4001", 'level=warn msg="ws closed" close_code=4001 reason="token expired"'),
    ("1000", 'time=2026-11-24T03:12:01.123Z level=info msg="websocket disconnected" code=1000 reason="" duration=3m12s'),
    ("1000", '2026-11-24T03:12:01.123456Z DEBUG ws_client: received Close(Some(CloseFrame { code: Normal, reason: "" }))'),
    ("1001", '2026-11-24T03:12:02.234567Z  WARN ws_client: peer closed: Some(CloseFrame { code: Away, reason: "server shutting down" })'),
    ("4001", '2026-11-24T03:12:03.345678Z  INFO ws_client: close frame: CloseFrame { code: Library(4001), reason: "token expired" }'),
    ("1006", "[2026-11-24T03:12:01.123Z] Error: Connection disconnected with error 'Error: WebSocket closed with status code: 1006 (no reason given).'."),
    ("1005", "RangeError: Invalid WebSocket frame: invalid status code 1005"),
    ("1006", "CloseEvent {isTrusted: true, wasClean: false, code: 1006, reason: '', type: 'close', …}"),
    ("4408", "[graphql-ws] closed 4408 Connection initialisation timeout"),
    ("1001", "info: MarketFeed.StreamClient[0] Server closed the socket. CloseStatus: EndpointUnavailable, Description: Server shutting down"),
    ("1001", "2026-11-24 03:12:01.123 INFO  [nioEventLoopGroup-3-1] c.e.ws.WsFrameHandler - Received close frame: 1001 Endpoint unavailable"),
    ("1006", "INFO:app.ws:websocket closed with code 1006"),
    ("1012", '{"severity":"ERROR","msg":"upstream websocket closed","ws":{"status":1012,"reason":"service restart"},"latency_ms":1011}'),
]

# A kubectl --timestamps prefix already present on some fixture lines.
KUBECTL_PREFIX_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ")
# Inner timestamps of fixture lines that are re-dated (first match only).
REDATE = [
    (re.compile(r"2026-11-24T\d\d:\d\d:\d\d"), "iso"),
    (re.compile(r"2026/11/24 \d\d:\d\d:\d\d"), "go"),
    (re.compile(r"2026-11-24 \d\d:\d\d:\d\d"), "py"),
    (re.compile(r"24-Nov-2026 \d\d:\d\d:\d\d"), "tomcat"),
    (re.compile(r"24/Nov/2026:\d\d:\d\d:\d\d \+0000"), "nginx"),
    (re.compile(r"(?<![\d-])11-24 \d\d:\d\d:\d\d"), "android"),
    (re.compile(r"^Nov 24 \d\d:\d\d:\d\d"), "syslog"),
]


def redate(line):
    """Strip a kubectl prefix and replace the first inner timestamp by a sentinel."""
    line = KUBECTL_PREFIX_RE.sub("", line, count=1)
    best = None
    for rx, key in REDATE:
        m = rx.search(line)
        if m and (best is None or m.start() < best[0].start()):
            best = (m, key)
    if best:
        m, key = best
        line = line[:m.start()] + S[key] + line[m.end():]
    return line


def load_fixture(path):
    """Return (positives, negatives): lists of (expect, line)."""
    pos, neg = [], []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        try:
            ie, il = header.index("expect"), header.index("line")
        except ValueError:
            raise SystemExit("genlog: %s: header must have 'expect' and 'line' columns" % path)
        for raw in f:
            raw = raw.rstrip("\r\n")
            if not raw:
                continue
            cols = raw.split("\t")
            if len(cols) <= max(ie, il):
                continue
            expect, line = cols[ie].strip(), cols[il]
            if not line.strip():
                continue
            (neg if expect == "-" else pos).append((expect, line))
    return pos, neg


# --------------------------------------------------------------------------
# Random building blocks

UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36",
    "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1", "okhttp/4.12.0",
    "kube-probe/1.31", "Prometheus/2.54.1", "axios/1.7.7", "Apache-HttpClient/4.5.14 (Java/17.0.12)",
    "grpc-go/1.67.1", "Dart/3.5 (dart:io)", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
]
REFERERS = ["-", "-", "-", "https://app.example.com/", "https://app.example.com/dashboard",
            "https://app.example.com/chat/room/4001", "https://www.example.com/pricing?plan=3000"]
SERVICES = ["api", "gateway", "chat", "orders", "billing", "auth", "notifier", "presence", "search", "media"]
LOGGERS = ["api", "http", "ws.hub", "db", "cache", "auth.jwt", "billing.worker", "grpc.client", "router", "scheduler"]
GO_FILES = ["main.go", "server.go", "hub.go", "client.go", "handler.go", "pool.go", "proxy.go", "worker.go", "retry.go"]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
ERRS_SQL = [
    (1045, "28000", "Access denied for user 'app'@'10.0.0.4' (using password: YES)"),
    (1062, "23000", "Duplicate entry 'alice@example.com' for key 'users.email'"),
    (1008, "HY000", "Can't drop database 'tmp'; database doesn't exist"),
    (1205, "HY000", "Lock wait timeout exceeded; try restarting transaction"),
    (1213, "40001", "Deadlock found when trying to get lock; try restarting transaction"),
    (2006, "HY000", "MySQL server has gone away"),
    (1040, "08004", "Too many connections"),
    (1146, "42S02", "Table 'app.sessions' doesn't exist"),
    (1054, "42S22", "Unknown column 'closed_at' in 'field list'"),
    (3024, "HY000", "Query execution was interrupted, maximum statement execution time exceeded"),
]


class R:
    """Small helpers on top of a seeded Random."""

    def __init__(self, rng):
        self.r = rng

    def ip(self):
        r = self.r.random()
        ri = self.r.randint
        if r < 0.45:
            return "10.%d.%d.%d" % (ri(0, 255), ri(0, 255), ri(1, 254))
        if r < 0.6:
            return "10.244.%d.%d" % (ri(0, 15), ri(1, 254))
        if r < 0.75:
            return "192.168.%d.%d" % (ri(0, 3), ri(1, 254))
        if r < 0.85:
            return "172.%d.%d.%d" % (ri(16, 31), ri(0, 255), ri(1, 254))
        return "%d.%d.%d.%d" % (ri(1, 223), ri(0, 255), ri(0, 255), ri(1, 254))

    def num(self):
        """A number that often falls in 1000-4999 (the close-code range)."""
        r = self.r.random()
        if r < 0.35:
            return self.r.randint(1000, 4999)
        if r < 0.45:
            return self.r.choice([1000, 1001, 1006, 1008, 1011, 3000, 4000, 4001, 4003, 4008])
        if r < 0.7:
            return self.r.randint(0, 999)
        return self.r.randint(5000, 200000)

    def lineno(self):
        return self.r.randint(1, 4999) if self.r.random() < 0.5 else self.r.randint(20, 900)

    def dur(self):
        r = self.r.random()
        if r < 0.6:
            return "%.3f" % (self.r.randint(1, 150) / 1000.0)
        if r < 0.9:
            return "%.3f" % (self.r.randint(150, 1500) / 1000.0)
        return "%.3f" % (self.r.choice([1.006, 1.011, 3.0, 4.001, 30.0, 60.001, 1006.0]))

    def hexid(self, n):
        return "%0*x" % (n, self.r.getrandbits(4 * n))

    def uuid(self):
        h = self.hexid(32)
        return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:32])

    def port(self):
        return self.r.choice([80, 443, 3000, 3001, 4000, 4001, 4443, 5000, 8080, 8443, 9090, self.r.randint(30000, 60999)])

    def choice(self, seq):
        return self.r.choice(seq)

    def randint(self, a, b):
        return self.r.randint(a, b)

    def random(self):
        return self.r.random()


def api_path(g):
    n = g.num
    r = g.random()
    if r < 0.10:
        return "/ws"
    if r < 0.14:
        return "/ws?token=%s" % g.hexid(24)
    if r < 0.17:
        return "/socket.io/?EIO=4&transport=websocket&sid=%s" % g.hexid(16)
    if r < 0.20:
        return "/graphql/ws"
    if r < 0.27:
        return "/healthz"
    if r < 0.30:
        return "/metrics"
    choices = [
        "/api/v1/items?id=%d" % n(),
        "/api/v1/items/%d" % n(),
        "/api/v1/users/%d/orders?page=%d&limit=%d" % (n(), g.randint(1, 40), g.choice([10, 20, 50, 100, 1000])),
        "/api/v2/orders/%s" % g.uuid(),
        "/api/v1/search?q=close+%d&code=%d" % (n(), n()),
        "/api/v1/rooms/%d/messages?since=%d" % (n(), 1795921921000 + g.randint(0, 999999)),
        "/static/js/app.%s.js" % g.hexid(8),
        "/static/css/main.%d.css" % n(),
        "/v1/status/%d" % n(),
        "/api/v1/sessions/%s/close" % g.hexid(12),
        "/api/v1/ports/%d" % g.port(),
        "/login?next=%%2Fchat%%2F%d" % n(),
        "/favicon.ico",
        "/",
    ]
    return g.choice(choices)


def http_status(g, path):
    if path.startswith("/ws") or "transport=websocket" in path or path == "/graphql/ws":
        return g.choice([101, 101, 101, 101, 101, 101, 400, 401, 403, 426, 499, 502])
    return g.choice([200] * 14 + [201, 204, 204, 301, 302, 304, 304, 400, 401, 403, 404, 404, 409, 429, 499, 500, 502, 503, 504])


def gen_access(g):
    path = api_path(g)
    st = http_status(g, path)
    wsish = path.startswith("/ws") or "transport=websocket" in path or path == "/graphql/ws"
    method = "GET" if (st == 101 or wsish or path in ("/healthz", "/metrics")) else g.choice(["GET"] * 6 + ["POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
    r = g.random()
    if st == 101:
        nbytes = g.choice([0, g.num(), g.num(), g.randint(5000, 9000000)])
        rt = g.choice(["%.3f" % (g.randint(1000, 3600000) / 1000.0), g.dur(), "1006.012", "4001.000"])
    else:
        nbytes = g.choice([0, g.num(), g.num(), g.num(), g.randint(100, 99999)])
        rt = g.dur()
    if r < 0.62:
        # nginx combined + $request_time (+ sometimes upstream fields)
        base = '%s - %s [%s] "%s %s HTTP/1.1" %d %d "%s" "%s" %s' % (
            g.ip(), g.choice(["-"] * 8 + USERS), S["nginx"], method, path, st, nbytes,
            g.choice(REFERERS), g.choice(UAS), rt)
        if g.random() < 0.35:
            base += ' %s %s:%d %d' % (g.choice(["-", rt]), g.ip(), g.choice([8080, 3000, 4000, 9000]), g.randint(1, 4999))
        return base
    if r < 0.92:
        # Envoy default access log format
        flags = g.choice(["-"] * 10 + ["UC", "UF", "UH", "URX", "DC", "UT"])
        dur = int(float(rt) * 1000)
        return '[%s.%sZ] "%s %s HTTP/1.1" %d %s %d %d %d %s "%s" "%s" "%s" "%s" "%s:%d"' % (
            S["iso"], S["ms"], method, path, st, flags, g.choice([0, 0, g.num()]), nbytes, dur,
            g.choice(["-", str(max(0, dur - g.randint(0, 5)))]), g.ip(), g.choice(UAS), g.uuid(),
            g.choice(["api.example.com", "ws.example.com", "app.example.com", "gateway.internal:8443"]),
            g.ip(), g.choice([8080, 3000, 4000, 9000, 4001]))
    # Traefik-ish / common log format without UA, or Caddy-ish short form
    return '%s - - [%s] "%s %s HTTP/2.0" %d %d "-" "%s" %d "%s@kubernetes" "http://%s:%d" %dms' % (
        g.ip(), S["nginx"], method, path, st, nbytes, g.choice(UAS), g.randint(1, 4999),
        g.choice(["websecure-gateway", "web-api", "ws-router"]), g.ip(), g.choice([8080, 3000, 4000]),
        int(float(rt) * 1000))


def gen_json(g):
    n = g.num
    lvl = g.choice(["info"] * 7 + ["debug", "warn", "error"])
    svc = g.choice(SERVICES)
    r = g.random()
    ts = '"ts":"%s.%sZ"' % (S["iso"], S["ms"])
    if r < 0.30:
        return '{"level":"%s",%s,"logger":"%s","msg":"request served","method":"%s","path":"%s","status":%d,"duration_ms":%d,"bytes":%d,"user_id":%d,"request_id":"%s"}' % (
            lvl, ts, g.choice(LOGGERS), g.choice(["GET", "POST", "PUT"]), api_path(g), g.choice([200, 200, 200, 201, 204, 404, 500]),
            n(), n(), n(), g.uuid())
    if r < 0.38:
        code, state, text = g.choice(ERRS_SQL)
        return '{"level":"error",%s,"logger":"db","caller":"store/%s:%d","msg":"query failed","code":%d,"sqlState":"%s","error":"mysql: %s","query_ms":%d}' % (
            ts, g.choice(["orders.go", "users.go", "sessions.go"]), g.lineno(), code, state, text.replace("'", "\\u0027"), n())
    if r < 0.44:
        return '{"level":"info",%s,"logger":"billing","msg":"payment declined","code":%d,"provider":"acquirer","amount_cents":%d,"last4":"%04d","retry_in_ms":%d}' % (
            ts, g.choice([1001, 1005, 1006, 4001, 4003, 2001]), n(), g.randint(0, 9999), n())
    if r < 0.52:
        return '{"level":"%s",%s,"logger":"ws.hub","msg":"%s","conn_id":"c-%d","remote":"%s:%d","room":%d,"clients":%d,"bytes":%d}' % (
            g.choice(["debug", "info"]), ts, g.choice(["websocket connection opened", "ws message", "websocket upgrade", "ws ping", "ws pong", "broadcast sent", "subscribed"]),
            n(), g.ip(), g.port(), n(), n(), n())
    if r < 0.555:
        # a "closed" message with numbers but no close code: tricky negative
        return '{"level":"info",%s,"logger":"ws.hub","msg":"websocket session ended","conn_id":"c-%d","duration_ms":%d,"messages_in":%d,"messages_out":%d}' % (
            ts, n(), n(), n(), n())
    if r < 0.62:
        # pino style
        return '{"level":%d,"time":%s%s,"pid":%d,"hostname":"%s-%s","reqId":"req-%d","res":{"statusCode":%d},"responseTime":%d.%d,"msg":"request completed"}' % (
            g.choice([30, 30, 30, 40, 50]), S["epoch"], S["ms"], g.randint(1, 4999), svc, g.hexid(5),
            n(), g.choice([200, 200, 304, 404, 101]), n(), g.randint(0, 999))
    if r < 0.70:
        # slog JSON
        return '{"time":"%s.%s+00:00","level":"%s","source":{"function":"main.(*Server).handle","file":"/app/%s","line":%d},"msg":"cache refresh","items":%d,"evicted":%d,"took_ms":%d,"port":%d}' % (
            S["iso"], S["ms"], lvl.upper(), g.choice(GO_FILES), g.lineno(), n(), n(), n(), g.port())
    if r < 0.76:
        return '{"@timestamp":"%s.%sZ","log.level":"%s","service.name":"%s","message":"upstream call finished","http.response.status_code":%d,"event.duration":%d000000,"upstream.port":%d,"trace.id":"%s"}' % (
            S["iso"], S["ms"], lvl, svc, g.choice([200, 200, 200, 502, 503, 504]), n(), g.port(), g.hexid(32))
    if r < 0.82:
        return '{"level":"warn",%s,"logger":"grpc.client","msg":"retrying RPC","method":"/orders.v1.Orders/Get","grpc_code":%d,"attempt":%d,"backoff_ms":%d,"status":"UNAVAILABLE"}' % (
            ts, g.choice([4, 8, 13, 14]), g.randint(1, 5), n())
    if r < 0.88:
        return '{"severity":"%s","time":"%s.%sZ","message":"job finished","job":"reindex-%d","processed":%d,"failed":%d,"exit_code":%d,"error_code":%d}' % (
            lvl.upper(), S["iso"], S["ms"], n(), n(), g.randint(0, 30), g.choice([0, 0, 0, 1, 137]), g.choice([0, 4001, 1008, 3000]))
    if r < 0.94:
        return '{"level":"%s",%s,"logger":"auth.jwt","msg":"token validated","user_id":%d,"tenant":%d,"exp":%d,"scopes":"chat:read chat:write","code":"OK"}' % (
            lvl, ts, n(), n(), 1795921921 + g.randint(0, 86400))
    return '{"level":"info",%s,"logger":"http","msg":"http request","status":101,"path":"/ws","bytes":0,"duration":"%s","upgrade":"websocket","remote_port":%d}' % (
        ts, g.choice(["1.006s", "4.001s", "3m12.004s", "1011ms"]), g.port())


def gen_logfmt(g):
    n = g.num
    lvl = g.choice(["info"] * 7 + ["debug", "warn", "error"])
    r = g.random()
    if r < 0.25:
        return 'ts=%s.%sZ level=%s caller=%s:%d msg="cache refresh" took=%dms items=%d port=%d' % (
            S["iso"], S["ms"], lvl, g.choice(GO_FILES), g.lineno(), n(), n(), g.port())
    if r < 0.45:
        path = api_path(g)
        st = http_status(g, path)
        return 'time="%sZ" level=%s msg="request" method=%s path=%s status=%d took=%dms bytes=%d remote=%s:%d' % (
            S["iso"], "warning" if lvl == "warn" else lvl, "GET" if st == 101 else g.choice(["GET", "GET", "POST"]), path, st, n(), n(), g.ip(), g.port())
    if r < 0.60:
        return 'time=%s.%sZ level=%s msg="ws client connected" conn=ws-%d user=%d room=%d remote_addr=%s:%d subprotocol=graphql-transport-ws' % (
            S["iso"], S["ms"], lvl.upper(), n(), n(), n(), g.ip(), g.port())
    if r < 0.68:
        return 'ts=%s.%sZ level=info msg="payment declined" code=%d card=visa last4=%04d amount=%d' % (
            S["iso"], S["ms"], g.choice([1001, 1005, 2001, 4001]), g.randint(0, 9999), n())
    if r < 0.78:
        return 'ts=%s.%sZ level=%s component=pool msg="connection pool stats" open=%d idle=%d in_use=%d wait_count=%d wait_duration=%dms max_lifetime_closed=%d' % (
            S["iso"], S["ms"], lvl, n(), n(), n(), n(), n(), n())
    if r < 0.86:
        return 'ts=%s.%sZ level=%s msg="retrying upstream" upstream=%s:%d attempt=%d/5 backoff=%dms err="dial tcp %s:%d: connect: connection refused"' % (
            S["iso"], S["ms"], g.choice(["warn", "error"]), g.ip(), g.port(), g.randint(1, 5), n(), g.ip(), g.port())
    if r < 0.93:
        return 'level=%s ts=%s.%sZ caller=scrape.go:%d component="scrape manager" scrape_pool=%s target=http://%s:%d/metrics msg="Scrape duration" duration_ms=%d samples=%d' % (
            lvl, S["iso"], S["ms"], g.lineno(), g.choice(SERVICES), g.ip(), g.port(), n(), n())
    return 'time=%s.%sZ level=%s msg="ws session closed" conn=ws-%d duration=%dms frames_in=%d frames_out=%d bytes=%d' % (
        S["iso"], S["ms"], lvl.upper(), n(), n(), n(), n(), n())


JAVA_FRAMES = [
    "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)",
    "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)",
    "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:167)",
    "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1736)",
    "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)",
    "java.base/java.lang.Thread.run(Thread.java:1583)",
    "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
    "io.netty.channel.AbstractChannelHandlerContext.invokeChannelRead(AbstractChannelHandlerContext.java:444)",
    "io.netty.channel.nio.NioEventLoop.run(NioEventLoop.java:566)",
    "com.example.orders.OrderService.find(OrderService.java:4001)",
    "com.example.gateway.WsBridge.forward(WsBridge.java:1006)",
]
PY_FRAMES = [
    ('/usr/local/lib/python3.11/site-packages/uvicorn/protocols/http/h11_impl.py', 408, "run_asgi"),
    ('/usr/local/lib/python3.11/site-packages/starlette/routing.py', 1011, "handle"),
    ('/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/base.py', 1967, "_exec_single_context"),
    ('/app/app/services/orders.py', 1006, "get_order"),
    ('/app/app/api/routes.py', 4001, "read_item"),
    ('/usr/local/lib/python3.11/site-packages/httpx/_client.py', 1015, "send"),
]


def gen_other(g, fixture_negs):
    n = g.num
    r = g.random()
    if fixture_negs and r < 0.12:
        return [redate(g.choice(fixture_negs)[1])]
    if r < 0.22:
        return ["%s %s:%d: %s" % (S["go"], g.choice(GO_FILES), g.lineno(), g.choice([
            "closed connection to %s:%d" % (g.ip(), g.port()),
            "closing %d idle connections" % n(),
            "http: TLS handshake error from %s:%d: EOF" % (g.ip(), g.port()),
            "http: Accept error: accept tcp [::]:%d: accept4: too many open files; retrying in 5ms" % g.port(),
            "proxy: upstream %s:%d closed the connection after %d bytes" % (g.ip(), g.port(), n()),
            "hub: %d clients connected, %d rooms, %d msgs/s" % (n(), n(), n()),
            "read tcp %s:%d->%s:%d: read: connection reset by peer" % (g.ip(), g.port(), g.ip(), g.port()),
            "worker %d finished batch of %d in %dms" % (g.randint(1, 64), n(), n()),
        ]))]
    if r < 0.32:
        return ["I%s.%s%03d %7d %s:%d] %s" % (S["klog"], S["ms"], g.randint(0, 999), g.randint(1, 4999), g.choice(["kubelet.go", "prober.go", "kuberuntime_manager.go", "reconciler_common.go"]), g.lineno(), g.choice([
            '"SyncLoop (probe)" probe="readiness" status="ready" pod="default/gateway-%s"' % g.hexid(10),
            '"Probe failed" probeType="Liveness" pod="default/chat-%s" containerName="chat" probeResult="failure" output="Get \\"http://%s:%d/healthz\\": context deadline exceeded"' % (g.hexid(10), g.ip(), g.port()),
            '"Killing container with a grace period" pod="default/ws-%s" containerName="ws" gracePeriod=%d' % (g.hexid(10), g.choice([30, 60, 3000])),
            '"Container exited" exitCode=%d pod="default/api-%s" restartCount=%d' % (g.choice([0, 1, 137, 143]), g.hexid(10), g.randint(0, 40)),
        ]))]
    if r < 0.42:
        return ["%s.%s  %s %d --- [%s] %s : %s" % (S["iso"], S["ms"], g.choice([" INFO", " WARN", "DEBUG"]), 1, g.choice(["nio-8080-exec-%d" % g.randint(1, 10), "main", "scheduling-1"]),
                g.choice(["c.e.orders.OrderController", "o.s.web.servlet.DispatcherServlet", "com.zaxxer.hikari.HikariPool", "o.a.c.c.C.[Tomcat].[localhost]"]), g.choice([
                    "Completed %d OK in %dms" % (g.choice([200, 201]), n()),
                    "HikariPool-1 - Pool stats (total=%d, active=%d, idle=%d, waiting=%d)" % (g.randint(1, 50), g.randint(0, 50), g.randint(0, 50), g.randint(0, 3000)),
                    "Closing JPA EntityManagerFactory for persistence unit 'default' after %d ms" % n(),
                    "Session %s closed after %d requests" % (g.hexid(8), n()),
                ]))]
    if r < 0.50:
        # Java stack trace (multi-line)
        ex = g.choice([
            "java.net.SocketTimeoutException: Read timed out after %d ms" % n(),
            "java.io.IOException: Broken pipe",
            "org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection; port %d" % g.port(),
            "java.lang.IllegalStateException: Order %d already closed" % n(),
            "java.net.ConnectException: Connection refused: %s/%s:%d" % ("orders", g.ip(), g.port()),
        ])
        head = "%s.%s ERROR 1 --- [nio-8080-exec-%d] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception" % (S["iso"], S["ms"], g.randint(1, 10))
        frames = ["\tat " + g.choice(JAVA_FRAMES) for _ in range(g.randint(3, 7))]
        return [head, ex] + frames + ["\t... %d common frames omitted" % g.randint(10, 120)]
    if r < 0.56:
        # Python traceback (multi-line)
        lines = ["%s,%s ERROR app.api: Exception in ASGI application" % (S["py"], S["ms"]), "Traceback (most recent call last):"]
        for _ in range(g.randint(2, 4)):
            f, ln, fn = g.choice(PY_FRAMES)
            lines.append('  File "%s", line %d, in %s' % (f, ln + g.randint(0, 3), fn))
            lines.append("    %s" % g.choice(["return await self.app(scope, receive, send)", "result = conn.execute(stmt)", "raise HTTPException(status_code=404)", "response = await client.get(url, timeout=3.0)"]))
        lines.append(g.choice([
            "httpx.ConnectTimeout: timed out after 3000 ms",
            "sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (2006, 'MySQL server has gone away')",
            "KeyError: 'user_%d'" % n(),
            "ConnectionResetError: [Errno 104] Connection reset by peer",
        ]))
        return lines
    if r < 0.66:
        return ["%s,%s %s %s: %s" % (S["py"], S["ms"], g.choice(["INFO", "INFO", "WARNING", "DEBUG"]), g.choice(["uvicorn.access", "app.worker", "celery.worker", "app.ws"]), g.choice([
            '%s:%d - "GET /api/v1/items/%d HTTP/1.1" %d' % (g.ip(), g.port(), n(), g.choice([200, 200, 404])),
            "Task app.tasks.sync[%s] succeeded in %d.%03ds: %d" % (g.uuid(), g.randint(0, 4), g.randint(0, 999), n()),
            "connection open; %d active connections on port %d" % (n(), g.port()),
            "socket closed by peer after %d bytes (%d frames)" % (n(), n()),
        ]))]
    if r < 0.76:
        # Node.js plain console output
        return [g.choice([
            "Error: socket hang up",
            "Error: read ECONNRESET",
            "    at TLSSocket.socketOnEnd (node:_http_client:%d:23)" % g.randint(400, 1100),
            "[%s.%sZ] info: closing %d idle connections" % (S["iso"], S["ms"], n()),
            "[%s.%sZ] warn: upstream %s:%d closed connection, code ECONNRESET" % (S["iso"], S["ms"], g.ip(), g.port()),
            "(node:%d) Warning: Closing file descriptor %d on garbage collection" % (g.randint(1, 4999), g.randint(10, 4999)),
            "GET /api/v1/items/%d %d %d.%03d ms - %d" % (n(), g.choice([200, 304, 404]), g.randint(0, 4000), g.randint(0, 999), n()),
            "Server listening on port %d" % g.port(),
        ])]
    if r < 0.86:
        # nginx error log / envoy debug
        return ["%s [%s] %d#%d: *%d %s" % (S["go"], g.choice(["error", "warn", "info"]), g.randint(1, 40), 0, g.randint(1, 9999999), g.choice([
            "upstream prematurely closed connection while reading response header from upstream, client: %s, server: api.example.com, request: \"GET /api/v1/items/%d HTTP/1.1\", upstream: \"http://%s:%d/api/v1/items/%d\"" % (g.ip(), n(), g.ip(), g.port(), n()),
            "recv() failed (104: Connection reset by peer) while proxying upgraded connection, client: %s, server: ws.example.com, request: \"GET /ws HTTP/1.1\", upstream: \"http://%s:%d/ws\"" % (g.ip(), g.ip(), g.port()),
            "client %s closed keepalive connection" % g.ip(),
            "upstream timed out (110: Connection timed out) while reading upstream, client: %s, server: ws.example.com, request: \"GET /ws HTTP/1.1\"" % g.ip(),
        ]))]
    if r < 0.93:
        return ["%s web01 %s[%d]: %s" % (S["syslog"], g.choice(["sshd", "kernel", "systemd", "containerd"]), g.randint(1, 4999), g.choice([
            "Accepted publickey for deploy from %s port %d ssh2" % (g.ip(), g.randint(1024, 65535)),
            "Connection closed by %s port %d [preauth]" % (g.ip(), g.randint(1024, 65535)),
            "TCP: request_sock_TCP: Possible SYN flooding on port %d. Sending cookies." % g.port(),
            "Started cri-containerd-%s.scope." % g.hexid(16),
        ]))]
    return [g.choice([
        "closed connection to %s:%d" % (g.ip(), g.port()),
        "closing %d idle connections" % n(),
        "socket hang up",
        "websocket: close sent",
        "ws: closing hub, %d connections remaining, drain timeout %dms" % (n(), n()),
        "stream closed: EOF for default/gateway-%s (status %d)" % (g.hexid(10), g.choice([0, 1, 137])),
        "Listening on 0.0.0.0:%d" % g.port(),
        "connect ECONNREFUSED %s:%d" % (g.ip(), g.port()),
        "panic: runtime error: index out of range [%d] with length %d" % (n(), n()),
        "goroutine %d [running]:" % n(),
    ])]


# --------------------------------------------------------------------------

def parse_size(s):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGkmg]?)(?:i?[Bb])?\s*", s)
    if not m:
        raise argparse.ArgumentTypeError("bad size %r (use e.g. 512K, 256M, 1G)" % s)
    mult = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[m.group(2).upper()]
    return int(float(m.group(1)) * mult)


def build_population(seed, close_pct, fixture):
    rng = Random(seed)
    g = R(rng)
    fixture_pos, fixture_negs = [], []
    source = "built-in list"
    if fixture and os.path.exists(fixture):
        fixture_pos, fixture_negs = load_fixture(fixture)
        source = fixture
    if not fixture_pos:
        fixture_pos = list(BUILTIN_CLOSE)
        source = "built-in list" if source == "built-in list" else source + " (no positives; built-in list)"

    # Line budgets per category (population sampled uniformly by entry gives
    # these shares of *lines*).
    scale = 1000
    close_lines = max(1, int(round(close_pct * scale)))
    budgets = [
        ("access", 40 * scale, lambda: [gen_access(g)]),
        ("json", 30 * scale, lambda: [gen_json(g)]),
        ("logfmt", 20 * scale, lambda: [gen_logfmt(g)]),
        ("other", 10 * scale - close_lines, lambda: gen_other(g, fixture_negs)),
    ]
    pop = []  # (template, tag) where tag is None or index into close_pool
    for _name, budget, fn in budgets:
        lines = 0
        while lines < budget:
            bodies = fn()
            lines += len(bodies)
            pop.append((multi_tmpl(bodies), None))
    close_pool = []  # (expect, original line)
    for i, (expect, line) in enumerate(fixture_pos):
        close_pool.append((expect, line))
    for k in range(close_lines):
        # cycle through the pool so every pool line appears, then random
        i = k if k < len(close_pool) else rng.randrange(len(close_pool))
        pop.append((line_tmpl(redate(close_pool[i][1])), i))
    return rng, pop, close_pool, source, len(fixture_negs)


def make_fracs(rng, n):
    """n sorted sub-second offsets as (ms, ns6) strings."""
    xs = sorted(rng.randrange(1000000000) for _ in range(n))
    return [("%09d" % x)[:3] for x in xs], [("%09d" % x)[3:] for x in xs]


def second_fields(t):
    tm = time.gmtime(t)
    Y, Mo, D, h, mi, s = tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec
    mon = MONTHS[Mo - 1]
    hms = "%02d:%02d:%02d" % (h, mi, s)
    iso = "%04d-%02d-%02dT%s" % (Y, Mo, D, hms)
    return {
        "P": iso + ".",
        "iso": iso,
        "nginx": "%02d/%s/%04d:%s +0000" % (D, mon, Y, hms),
        "go": "%04d/%02d/%02d %s" % (Y, Mo, D, hms),
        "py": "%04d-%02d-%02d %s" % (Y, Mo, D, hms),
        "tomcat": "%02d-%s-%04d %s" % (D, mon, Y, hms),
        "syslog": "%s %2d %s" % (mon, D, hms),
        "klog": "%02d%02d %s" % (Mo, D, hms),
        "android": "%02d-%02d %s" % (Mo, D, hms),
        "hms": hms,
        "epoch": str(t),
        "ms": "000",
        "ns": "000000",
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=parse_size, default=parse_size("256M"),
                    help="output size, with suffix K/M/G (binary units); default 256M")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--close-pct", type=float, default=1.0,
                    help="percentage of lines that carry a close code (default 1.0)")
    ap.add_argument("--fixture", default=DEFAULT_FIXTURE,
                    help="formats.tsv to take close-code lines from (default: repo fixtures/formats.tsv; "
                         "falls back to a built-in list if missing)")
    ap.add_argument("--stats", action="store_true", help="print counts and speed to stderr")
    ap.add_argument("--truth", metavar="PATH",
                    help="write line number, expected codes and pool line of every close-code line to PATH (TSV)")
    ap.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    args = ap.parse_args(argv)
    if not (0.0 <= args.close_pct <= 10.0):
        ap.error("--close-pct must be between 0 and 10")

    t0 = time.perf_counter()
    rng, pop, close_pool, source, nneg = build_population(args.seed, args.close_pct, args.fixture)
    t_pool = time.perf_counter() - t0

    # A few lines-per-second rates, each with its own sorted sub-second offsets.
    rates = [rng.randint(600, 2600) for _ in range(8)]
    fracs = [make_fracs(rng, k) for k in rates]

    out = open(args.output, "wb") if args.output else sys.stdout.buffer
    truth = open(args.truth, "w", encoding="utf-8") if args.truth else None

    limit = args.size
    written = 0
    nlines = 0
    nclose = 0
    block_target = 1 << 20
    t = START_EPOCH
    choices = rng.choices
    randrange = rng.randrange
    pending = []
    pending_bytes = 0
    done = False
    while not done:
        d = second_fields(t)
        k = randrange(len(rates))
        mss, nss = fracs[k]
        entries = choices(pop, k=rates[k])
        parts = []
        ap_ = parts.append
        for (tmpl, _tag), ms, ns in zip(entries, mss, nss):
            d["ms"] = ms
            d["ns"] = ns
            ap_(tmpl % d)
        data = "".join(parts).encode("utf-8")
        if written + pending_bytes + len(data) >= limit:
            # Cut at the last line boundary that fits, then stop.
            room = limit - written - pending_bytes
            cut = data.rfind(b"\n", 0, room) + 1
            data = data[:cut]
            # Trim the entry list to what was kept (for stats/truth).
            keep, acc = [], 0
            for e, s in zip(entries, parts):
                sb = len(s.encode("utf-8"))
                if acc + sb > cut:
                    break
                acc += sb
                keep.append(e)
            entries = keep
            done = True
        # Stats / truth (cheap: tags are None for all but ~1% of entries).
        for tmpl, tag in entries:
            if tag is not None:
                nclose += 1
        if truth is not None:
            ln = nlines
            for tmpl, tag in entries:
                ln += 1
                if tag is not None:
                    expect, orig = close_pool[tag]
                    truth.write("%d\t%s\t%s\n" % (ln, expect, orig))
                else:
                    ln += tmpl.count("\n") - 1
            nlines = ln
        else:
            nlines += data.count(b"\n")
        if data:
            pending.append(data)
            pending_bytes += len(data)
        if pending_bytes >= block_target or done:
            out.write(b"".join(pending))
            written += pending_bytes
            pending = []
            pending_bytes = 0
        t += 1 if rng.random() < 0.97 else rng.randint(2, 20)

    out.flush()
    if args.output:
        out.close()
    if truth is not None:
        truth.close()
    el = time.perf_counter() - t0
    if args.stats:
        mib = written / (1 << 20)
        sys.stderr.write(
            "genlog: seed=%d size=%d bytes (%.1f MiB) lines=%d avg_line=%.0f B\n"
            "genlog: close-code lines=%d (%.3f%% of lines), pool=%d lines from %s, tricky fixture negatives=%d\n"
            "genlog: %.2f s (pool %.2f s), %.0f MiB/s\n" % (
                args.seed, written, mib, nlines, written / max(1, nlines),
                nclose, 100.0 * nclose / max(1, nlines), len(close_pool), source, nneg,
                el, t_pool, mib / max(el, 1e-9)))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # e.g. `genlog.py | head`: not an error
        try:
            sys.stdout = None
        except Exception:
            pass
        os._exit(0)
