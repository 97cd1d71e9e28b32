#!/usr/bin/env bash
# Whole-binary benchmark of wscode-annotate against cat, grep and ripgrep.
#
#   bash benches/run.sh [SIZE]          # SIZE like 64M, 256M (default), 1G
#
# Steps: build the release binary; generate a mixed gateway log with
# benches/genlog.py (cached in the bench dir, keyed by size and seed); install
# hyperfine, ripgrep and time with apt-get if missing (skipping what cannot be
# installed); time every command with its output going into a pipe (never
# /dev/null: GNU grep takes a shortcut when its output is /dev/null); print a
# table computed from hyperfine's JSON; measure peak RSS; count how many lines
# the tool annotated versus how many close-code lines were generated.
#
# Environment knobs:
#   WSCODE_BENCH_SMALL_FILES  files in the many-small-files rows (default 20000)
#   WSCODE_BENCH_RUNS    timed runs per command (default 5)
#   WSCODE_BENCH_WARMUP  warmup runs per command (default 1)
#   WSCODE_BENCH_DIR     where logs and results go (default ${TMPDIR:-/tmp}/wscode-bench)
#   WSCODE_BENCH_SEED    generator seed (default 1)
#   WSCODE_BENCH_NO_INSTALL=1   never run apt-get
#   WSCODE_BENCH_TIMER=python   time with the built-in python loop even if hyperfine exists
set -euo pipefail

say()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
[[ -f "$ROOT/Cargo.toml" ]] || die "cannot find Cargo.toml above $SCRIPT_DIR"

SIZE=${1:-256M}
[[ "$SIZE" =~ ^[0-9]+(\.[0-9]+)?[KkMmGg]?$ ]] || die "bad SIZE '$SIZE' (use e.g. 64M, 256M, 1G)"
RUNS=${WSCODE_BENCH_RUNS:-5}
WARMUP=${WSCODE_BENCH_WARMUP:-1}
SEED=${WSCODE_BENCH_SEED:-1}
BENCH_DIR=${WSCODE_BENCH_DIR:-${TMPDIR:-/tmp}/wscode-bench}
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "WSCODE_BENCH_RUNS must be a positive integer (got '$RUNS')"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WSCODE_BENCH_WARMUP must be a non-negative integer (got '$WARMUP')"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "WSCODE_BENCH_SEED must be a non-negative integer (got '$SEED')"
(( RUNS >= 5 )) || warn "WSCODE_BENCH_RUNS=$RUNS is below 5; timings will be noisy"
command -v python3 >/dev/null || die "python3 is required (for the log generator and the report)"
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd -- "$BENCH_DIR" && pwd -P)

# ---------------------------------------------------------------- build
say "building release binary (cargo build --release) in $ROOT"
(cd "$ROOT" && cargo build --release) || die "cargo build --release failed"
BIN="$ROOT/target/release/wscode-annotate"
[[ -x "$BIN" ]] || die "no binary at $BIN after the build"

# ---------------------------------------------------------------- tools
APT_UPDATED=0
apt_install() {  # apt_install PACKAGE -> 0 on success
  local pkg=$1 sudo=()
  [[ "${WSCODE_BENCH_NO_INSTALL:-0}" == 1 ]] && return 1
  command -v apt-get >/dev/null || return 1
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else return 1; fi
  fi
  if (( APT_UPDATED == 0 )); then
    say "apt-get update"
    "${sudo[@]}" apt-get update -qq >&2 || warn "apt-get update failed; trying to install anyway"
    APT_UPDATED=1
  fi
  say "apt-get install -y $pkg"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$pkg" >&2
}
ensure_tool() {  # ensure_tool COMMAND PACKAGE -> 0 if COMMAND is available
  local cmd=$1 pkg=$2
  if [[ "$cmd" == /* ]]; then [[ -x "$cmd" ]] && return 0; else command -v "$cmd" >/dev/null && return 0; fi
  if apt_install "$pkg"; then
    if [[ "$cmd" == /* ]]; then [[ -x "$cmd" ]] && return 0; else command -v "$cmd" >/dev/null && return 0; fi
  fi
  warn "'$cmd' is missing and package '$pkg' could not be installed: skipping what needs it"
  return 1
}
HAVE_HYPERFINE=0; HAVE_RG=0; HAVE_TIME=0
ensure_tool hyperfine hyperfine && HAVE_HYPERFINE=1 || true
ensure_tool rg ripgrep && HAVE_RG=1 || true
ensure_tool /usr/bin/time time && HAVE_TIME=1 || true
if [[ "${WSCODE_BENCH_TIMER:-}" == python ]]; then
  HAVE_HYPERFINE=0
elif (( HAVE_HYPERFINE )) && ! hyperfine --help 2>/dev/null | grep -q -- '--output'; then
  warn "this hyperfine has no --output option (needs >= 1.13); using the built-in python timer instead"
  HAVE_HYPERFINE=0
fi

# ---------------------------------------------------------------- log
LOG="$BENCH_DIR/bench-${SIZE}-seed${SEED}.log"
STATS="$LOG.stats"
GEN="$SCRIPT_DIR/genlog.py"
FIXTURE="$ROOT/fixtures/formats.tsv"
stale=0
if [[ ! -s "$LOG" || ! -s "$STATS" ]]; then stale=1
elif [[ "$GEN" -nt "$LOG" ]]; then stale=1; say "genlog.py changed since $LOG was made: regenerating"
elif [[ -f "$FIXTURE" && "$FIXTURE" -nt "$LOG" ]]; then stale=1; say "fixtures/formats.tsv changed since $LOG was made: regenerating"
fi
if (( stale )); then
  say "generating $SIZE log (seed $SEED) -> $LOG"
  tmp="$LOG.tmp.$$"
  trap 'rm -f "$tmp" "$tmp.stats"' EXIT
  python3 "$GEN" --size "$SIZE" --seed "$SEED" --stats --output "$tmp" 2> "$tmp.stats" \
    || { cat "$tmp.stats" >&2; die "log generation failed"; }
  mv -f "$tmp" "$LOG"; mv -f "$tmp.stats" "$STATS"
  trap - EXIT
else
  say "reusing $LOG"
fi
sed 's/^/    /' "$STATS" >&2
BYTES=$(stat -c %s "$LOG")
LINES=$(wc -l < "$LOG")

# ---------------------------------------------------------------- commands
q() { printf '%q' "$1"; }
QL=$(q "$LOG"); QB=$(q "$BIN")
NAMES=(); CMDS=()
add() { NAMES+=("$1"); CMDS+=("$2"); }
add "cat FILE"                                  "cat $QL"
add "wscode-annotate FILE"                      "$QB $QL"
add "cat FILE | wscode-annotate"                "cat $QL | $QB"
add "wscode-annotate -o FILE"                   "$QB -o $QL"
add "wscode-annotate --format json FILE"        "$QB --format json $QL"
RG_RE='(?i)(close|code|status)\D{0,20}\b(1[0-9]{3}|[34][0-9]{3})\b'
if (( HAVE_RG )); then
  add "rg --passthru -N close FILE"             "rg --passthru -N close $QL"
  add "cat FILE | rg --passthru -N close"       "cat $QL | rg --passthru -N close"
fi
add "grep -E 'close|\$' FILE"                   "grep -E 'close|\$' $QL"
add "cat FILE | grep -E 'close|\$'"             "cat $QL | grep -E 'close|\$'"
if (( HAVE_RG )); then
  add "rg -c '$RG_RE' FILE"                     "rg -c '$RG_RE' $QL"
fi
# The summary (issue: --summary on all cores): threads against one thread.
add "wscode-annotate --summary FILE"            "$QB --summary $QL"
add "wscode-annotate --summary -j1 FILE"        "$QB --summary -j1 $QL"
add "cat FILE | wscode-annotate --summary"      "cat $QL | $QB --summary"
# angle-grinder counting the same codes, when installed (cargo install angle-grinder).
if command -v agrind >/dev/null 2>&1; then
  add "agrind count by code"                    "agrind -f $QL '* | parse regex \"(?i)(?:close|code|status)\\D{0,20}\\b(?P<code>1[0-9]{3}|[34][0-9]{3})\\b\" | count by code'"
else
  warn "agrind (angle-grinder) not installed: skipping it (cargo install angle-grinder to include it)"
fi

# Sanity: every command must succeed once before we time it.
for i in "${!CMDS[@]}"; do
  bash -c "set -o pipefail; ${CMDS[$i]}" > /dev/null 2>"$BENCH_DIR/err.txt" \
    || { cat "$BENCH_DIR/err.txt" >&2; die "command failed: ${NAMES[$i]}"; }
done

time_all() {  # time_all JSON: times NAMES/CMDS into hyperfine-style JSON
  local JSON=$1
if (( HAVE_HYPERFINE )); then
  say "timing ${#CMDS[@]} commands with hyperfine (warmup $WARMUP, runs $RUNS, output to a pipe)"
  args=()
  for i in "${!CMDS[@]}"; do args+=(--command-name "${NAMES[$i]}" "${CMDS[$i]}"); done
  hyperfine --warmup "$WARMUP" --runs "$RUNS" --output=pipe --style basic \
    --export-json "$JSON" "${args[@]}" >&2
else
  say "hyperfine unavailable or not wanted: timing with a python loop instead (same JSON layout, stdout read through a pipe)"
  python3 - "$JSON" "$WARMUP" "$RUNS" "${NAMES[@]}" -- "${CMDS[@]}" <<'PY'
import json, subprocess, sys, time, statistics
out, warm, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rest = sys.argv[4:]; k = rest.index("--"); names, cmds = rest[:k], rest[k + 1:]
res = []
for name, cmd in zip(names, cmds):
    def once():
        t = time.perf_counter()
        p = subprocess.Popen(["bash", "-c", "set -o pipefail; " + cmd], stdout=subprocess.PIPE)
        while p.stdout.read(1 << 20):
            pass
        if p.wait() != 0:
            sys.exit("command failed: " + name)
        return time.perf_counter() - t
    for _ in range(warm):
        once()
    ts = [once() for _ in range(runs)]
    m = statistics.mean(ts)
    print("  %-40s %8.3f s ± %.3f" % (name, m, statistics.pstdev(ts)), file=sys.stderr)
    res.append({"command": name, "mean": m, "stddev": statistics.pstdev(ts), "median": statistics.median(ts),
                "min": min(ts), "max": max(ts), "times": ts})
json.dump({"results": res}, open(out, "w"), indent=1)
PY
fi
}
JSON="$BENCH_DIR/hyperfine-${SIZE}-seed${SEED}.json"
time_all "$JSON"

# ---------------------------------------------------------------- table
echo
echo "wscode-annotate benchmark: $SIZE log ($BYTES bytes, $LINES lines, seed $SEED), $RUNS runs each, output into a pipe"
echo "binary: $BIN"
table() {  # table JSON BYTES REF1 REF2: ratios against two commands
  python3 - "$@" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))["results"]
nbytes = int(sys.argv[2])
by = {r["command"]: r for r in data}
r1, r2 = sys.argv[3], sys.argv[4]
cat = by.get(r1, {}).get("mean")
ann = by.get(r2, {}).get("mean")
rows = [("command", "mean [s]", "± [s]", "MB/s", "vs " + r1.split()[0], "vs " + r2)]
for r in data:
    m, sd = r["mean"], r.get("stddev") or 0.0
    rows.append((r["command"], "%.3f" % m, "%.3f" % sd, "%.0f" % (nbytes / m / 1e6),
                 "%.2fx" % (m / cat) if cat else "-", "%.2fx" % (m / ann) if ann else "-"))
w = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
def fmt(row):
    return "  ".join(c.ljust(w[0]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(row))
print(fmt(rows[0])); print("  ".join("-" * x for x in w))
for row in rows[1:]:
    print(fmt(row))
print("(MB = 10^6 bytes; 'vs' columns are time ratios: >1 means slower than the reference)")
PY
}
table "$JSON" "$BYTES" "cat FILE" "wscode-annotate FILE"

# ---------------------------------------------------------------- peak RSS
echo
echo "peak RSS of wscode-annotate (output into a pipe):"
rss_file="$BENCH_DIR/rss.txt"
peak_rss() {  # peak_rss MODE -> KiB on stdout; MODE = file | stdin
  if (( HAVE_TIME )); then
    if [[ $1 == file ]]; then
      /usr/bin/time -f %M -o "$rss_file" "$BIN" "$LOG" | cat > /dev/null
    else
      cat "$LOG" | /usr/bin/time -f %M -o "$rss_file" "$BIN" | cat > /dev/null
    fi
    tail -n 1 "$rss_file"
  else
    python3 - "$1" "$BIN" "$LOG" <<'PY'
import resource, subprocess, sys
mode, b, log = sys.argv[1:]
cat = subprocess.Popen(["cat", log], stdout=subprocess.PIPE) if mode == "stdin" else None
p = subprocess.Popen([b] + ([log] if mode == "file" else []), stdin=cat.stdout if cat else None, stdout=subprocess.PIPE)
if cat: cat.stdout.close()
while p.stdout.read(1 << 20): pass
p.wait(); cat and cat.wait()
# ru_maxrss of children = max over waited-for children: the tool dominates cat
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
  fi
}
(( HAVE_TIME )) || warn "/usr/bin/time unavailable: measuring RSS with python's getrusage instead"
for mode in file stdin; do
  kib=$(peak_rss "$mode")
  label="wscode-annotate FILE | cat >/dev/null"
  [[ $mode == stdin ]] && label="cat FILE | wscode-annotate | cat >/dev/null"
  awk -v k="$kib" -v l="$label" 'BEGIN { printf "  %-45s %8.1f MiB\n", l, k / 1024 }'
done
if (( HAVE_TIME )); then
  /usr/bin/time -f %M -o "$rss_file" "$BIN" --summary "$LOG" > /dev/null
  awk -v k="$(tail -n 1 "$rss_file")" 'BEGIN { printf "  %-45s %8.1f MiB\n", "wscode-annotate --summary FILE", k / 1024 }'
  cat "$LOG" | /usr/bin/time -f %M -o "$rss_file" "$BIN" --summary > /dev/null
  awk -v k="$(tail -n 1 "$rss_file")" 'BEGIN { printf "  %-45s %8.1f MiB\n", "cat FILE | wscode-annotate --summary", k / 1024 }'
fi

# ---------------------------------------------------------------- annotated share
echo
annotated=$("$BIN" -o "$LOG" | wc -l)
generated=$(sed -n 's/.*close-code lines=\([0-9]*\).*/\1/p' "$STATS")
awk -v a="$annotated" -v n="$LINES" -v g="${generated:-0}" 'BEGIN {
  printf "annotated lines: %d of %d (%.3f%%); close-code lines generated: %d (%.3f%%)\n", a, n, 100 * a / n, g, 100 * g / n }'

# ---------------------------------------------------------------- many small files
# A CI run's test-output/ directory: thousands of small logs. Cut from the
# same generated log, so the lines are the same mix.
SMALL_FILES=${WSCODE_BENCH_SMALL_FILES:-20000}
SMALL_DIR="$BENCH_DIR/small-${SMALL_FILES}-seed${SEED}"
if [[ ! -f "$SMALL_DIR/.done" || "$LOG" -nt "$SMALL_DIR/.done" ]]; then
  say "cutting $SMALL_FILES small files (about 40 lines each) into $SMALL_DIR"
  rm -rf "$SMALL_DIR"; mkdir -p "$SMALL_DIR/test-output"
  python3 - "$LOG" "$SMALL_DIR/test-output" "$SMALL_FILES" <<'PY'
import sys
log, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(log, "rb") as f:
    for i in range(n):
        lines = [f.readline() for _ in range(40)]
        open("%s/case-%05d.log" % (out, i), "wb").write(b"".join(lines))
PY
  touch "$SMALL_DIR/.done"
fi
SMALL_BYTES=$(du -sb "$SMALL_DIR/test-output" | cut -f1)
QS=$(q "$SMALL_DIR/test-output")
NAMES=(); CMDS=()
add "wscode-annotate -r DIR"                    "$QB -r $QS"
add "wscode-annotate -r -j1 DIR"                "$QB -r -j1 $QS"
add "wscode-annotate --summary -r DIR"          "$QB --summary -r $QS"
add "wscode-annotate --summary -r -j1 DIR"      "$QB --summary -r -j1 $QS"
if (( HAVE_RG )); then
  add "rg --passthru -N close DIR"              "rg --passthru -N close $QS"
  add "rg -c '$RG_RE' DIR"                      "rg -c '$RG_RE' $QS"
fi
add "grep -r -E 'close|\$' DIR"                 "grep -r -E 'close|\$' $QS"
for i in "${!CMDS[@]}"; do
  bash -c "set -o pipefail; ${CMDS[$i]}" > /dev/null 2>"$BENCH_DIR/err.txt" \
    || { cat "$BENCH_DIR/err.txt" >&2; die "command failed: ${NAMES[$i]}"; }
done
SMALL_JSON="$BENCH_DIR/hyperfine-small-${SMALL_FILES}-seed${SEED}.json"
time_all "$SMALL_JSON"
echo
echo "many small files: $SMALL_FILES files of 40 lines ($SMALL_BYTES bytes) under test-output/, $RUNS runs each"
if (( HAVE_RG )); then
  table "$SMALL_JSON" "$SMALL_BYTES" "rg --passthru -N close DIR" "wscode-annotate -r DIR"
else
  table "$SMALL_JSON" "$SMALL_BYTES" "grep -r -E 'close|\$' DIR" "wscode-annotate -r DIR"
fi
if (( HAVE_TIME )); then
  for j in "" "-j 64"; do
    /usr/bin/time -f %M -o "$rss_file" "$BIN" -r $j "$SMALL_DIR/test-output" > /dev/null 2>&1
    awk -v k="$(tail -n 1 "$rss_file")" -v l="wscode-annotate -r $j DIR" 'BEGIN { printf "  peak RSS %-36s %8.1f MiB\n", l, k / 1024 }'
  done
fi
echo "results: $JSON"
echo "results: $SMALL_JSON"
