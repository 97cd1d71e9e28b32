"""What the engine tests share: the tool, the generated inputs, merging
the collected JSON Lines, and what must not depend on how data was split.
Imports no engine. Arguments: BINARY WORKDIR REPO."""

import json
import os
import subprocess
import sys
import time

BIN, WORK, REPO = sys.argv[1], sys.argv[2], sys.argv[3]


def tool(args, data=b""):
    out = subprocess.run([BIN, *args], input=data, capture_output=True, check=False)
    return out.returncode, out.stdout, out.stderr.decode("utf-8", "replace")


def fail(what):
    print(f"dask: {what}", file=sys.stderr)
    sys.exit(1)


def make_inputs():
    paths = []
    for i in range(8):
        path = os.path.join(WORK, f"gw-{i}.log")
        size = ["1M", "2M", "1M", "3M"][i % 4]
        subprocess.run(
            [sys.executable, os.path.join(REPO, "benches", "genlog.py"),
             "--size", size, "--seed", str(i + 1), "--output", path],
            check=True,
        )
        paths.append(path)
    hostile = os.path.join(WORK, "hostile.log")
    with open(hostile, "wb") as f:
        f.write(b"\xef\xbb\xbfwebsocket: close 1006 (abnormal closure)\r\n")
        f.write(b"lone CR\rwebsocket: close 1001 (going away)\n")
        f.write(b"nul \x00 websocket: close 1011 (internal error)\n")
        f.write(b"websocket: close 10\xff06 (abnormal closure)\n")
        f.write(b"websocket: close 1008 (policy violation): no final newline")
    paths.append(hostile)
    cap = os.path.join(WORK, "reasons.log")
    with open(cap, "wb") as f:
        for i in range(1000):
            f.write(f"websocket: close 1006 (abnormal closure): read tcp conn-{i}: reset\n".encode())
        for _ in range(300):
            f.write(b"websocket: close 1006 (abnormal closure): unexpected EOF\n")
    paths.append(cap)
    return paths


def summarize_path(path):
    code, out, err = tool(["--summary", "--format", "json", path])
    if code != 0:
        raise RuntimeError(f"{path}: status {code}: {err}")
    return out.decode()


def summarize_block(block, path, extra=()):
    code, out, err = tool(["--summary", "--format", "json", "--label", path, *extra], block)
    if code != 0:
        raise RuntimeError(f"{path}: status {code}: {err}")
    return out.decode()


def annotate_block(block):
    code, out, err = tool([], block)
    if code != 0:
        raise RuntimeError(f"annotate: status {code}: {err}")
    return out


def merged(json_lines):
    code, out, err = tool(["merge", "--format", "json", "-"], "".join(json_lines).encode())
    if code != 0:
        fail(f"merge: status {code}: {err}")
    return json.loads(out)


def comparable(report, positions=False):
    """What must not depend on how the data was split (with `positions`,
    the first and last lines too: per path, inputs are whole)."""
    codes = []
    for c in report["codes"]:
        c = dict(c)
        if not positions:
            for key in ("first_line", "last_line"):
                c.pop(key)
        if c["code"] == 1006:
            # Past the reasons cap, merging is within a bound, not exact.
            c.pop("reasons")
            c.pop("other_reasons")
        codes.append(c)
    keep = {k: report[k] for k in
            ("lines", "bytes", "lines_with_codes", "events", "first_time",
             "last_time", "categories", "timeline")}
    keep["codes"] = codes
    if positions:
        keep["inputs"] = report["inputs"]
        keep["made_with"] = report["made_with"]
    return keep


def check_reasons(report, whole):
    code = next(c for c in report["codes"] if c["code"] == 1006)
    top = next(c for c in whole["codes"] if c["code"] == 1006)
    if code["reasons"][0]["reason"] != top["reasons"][0]["reason"]:
        fail(f"top reason {code['reasons'][0]} != {top['reasons'][0]}")
    n = sum(r["count"] for r in code["reasons"]) + code["other_reasons"]
    if n != sum(r["count"] for r in top["reasons"]) + top["other_reasons"]:
        fail("reasons do not add up")


def one_process(paths):
    """The summary of all `paths` by one process, and how long it took."""
    started = time.monotonic()
    code, out, err = tool(["--summary", "--format", "json", *paths])
    alone = time.monotonic() - started
    if code != 0:
        fail(f"one process: status {code}: {err}")
    return json.loads(out), alone


def check_merged(parts, whole, what):
    """Merges the collected JSON Lines and requires one process's result
    (positions and 1006's capped reasons aside), with per-input lines and
    bytes adding up to the totals. Returns the merged summary."""
    m = merged(parts)
    if comparable(m) != comparable(whole):
        fail(f"{what}: merged summary differs from one process")
    check_reasons(m, whole)
    for key in ("lines", "bytes"):
        if sum(i[key] for i in m["inputs"]) != whole[key]:
            fail(f"{what}: per-input {key} do not add up")
    return m
