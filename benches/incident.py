#!/usr/bin/env python3
"""Writes fixtures/incident.log: the worked example of the README's
"Findings". An hour of a three-pod gateway, `kubectl logs --prefix
--timestamps` style, logfmt after the prefix:

- closes spread over the hour (1000, 1001, 1006 at all ages);
- one pod (gw-7d9f-c) losing 420 connections as 1006 in under five minutes;
- 1006 closes at 60 s of connection age, all hour long (an idle timeout);
- a few `keepalive ping timeout` 1011s.

    python3 benches/incident.py > fixtures/incident.log
"""
import datetime
import random

r = random.Random(6455)
T0 = datetime.datetime(2026, 11, 24, 3, 0, 0, tzinfo=datetime.timezone.utc)
PODS = ["gw-7d9f-a", "gw-7d9f-b", "gw-7d9f-c"]
lines = []


def ts(s):
    return (T0 + datetime.timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def close(s, pod, code, conn, age, reason="", level="info"):
    lines.append((s, f'[pod/{pod}/gateway] {ts(s)} level={level} msg="websocket closed" '
                     f'code={code} reason="{reason}" conn={conn} duration_ms={int(age * 1000)}'))


n = 0
for _ in range(240):
    n += 1
    close(r.uniform(0, 3600), r.choice(PODS), r.choice([1000, 1000, 1001, 1006]), f"c{n}",
          r.uniform(1, 3600), r.choice(["", "", "bye"]))
for _ in range(150):
    n += 1
    close(r.uniform(0, 3600), r.choice(PODS[:2]), 1006, f"c{n}", r.gauss(60.0, 0.2), level="warn")
for _ in range(420):
    n += 1
    s = 1924 + r.uniform(0, 281)
    close(s, "gw-7d9f-c" if r.random() < 0.97 else r.choice(PODS[:2]), 1006, f"c{n}",
          r.uniform(5, 3000), level="warn")
for _ in range(12):
    n += 1
    close(r.uniform(0, 3600), r.choice(PODS), 1011, f"c{n}", r.uniform(30, 900),
          "keepalive ping timeout", level="warn")
for _ in range(1200):
    s = r.uniform(0, 3600)
    pod = r.choice(PODS)
    lines.append((s, f'[pod/{pod}/gateway] {ts(s)} level=info msg="GET /api/items 200" took={r.randrange(2, 90)}ms'))
    if r.random() < 0.3:
        n += 1
        lines.append((s + 0.001, f'[pod/{pod}/gateway] {ts(s + 0.001)} level=info msg="websocket upgrade" status=101 conn=c{n}'))
lines.sort()
print("\n".join(text for _, text in lines))
