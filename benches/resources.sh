#!/usr/bin/env bash
# Resource figures for wscode-annotate (issue 5, "bounded resources"):
#
#   bash benches/resources.sh            # 4 GiB through stdin (the default)
#   WSCODE_RES_GIB=1 bash benches/resources.sh   # a quicker run
#   WSCODE_RES_ONLY="backpressure sigint" bash benches/resources.sh
#
# It measures, with the release binary:
#   1. peak RSS (/usr/bin/time -f %M) while streaming WSCODE_RES_GIB GiB of
#      a realistic log through stdin in annotate mode (text and JSON), and
#      the summary of the same stream;
#   2. peak RSS passing a 200 MiB single line (text, JSON, summary);
#   3. peak RSS for a line with 4000 codes in JSON (800 MB of output);
#   4. backpressure: RSS sampled with `ps -o rss` every half second while
#      the output goes through `pv -q -L 1m` (1 MiB/s); and that nothing is
#      dropped through a slow reader (the strip round trip of 4 MiB);
#   5. SIGPIPE: `| head -1` exits 0 and prints nothing on stderr;
#   6. SIGINT during a large run: the time from the signal to the exit.
#
# The 256 MiB log (benches/genlog.py) is generated once into the bench dir
# and repeated into the pipe, so 4 GiB are never stored. `pv` and GNU
# `time` are installed with apt-get when missing (WSCODE_BENCH_NO_INSTALL=1
# to skip; then the figures that need them are skipped).
set -euo pipefail

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
GIB=${WSCODE_RES_GIB:-4}
[[ "$GIB" =~ ^[1-9][0-9]*$ ]] || die "WSCODE_RES_GIB must be a positive integer (got '$GIB')"
DIR=${WSCODE_BENCH_DIR:-${TMPDIR:-/tmp}/wscode-bench}
mkdir -p "$DIR"

say "building the release binary"
(cd "$ROOT" && cargo build --release --quiet) || die "cargo build --release failed"
BIN="$ROOT/target/release/wscode-annotate"

install_if_missing() { # COMMAND PACKAGE
    command -v "$1" >/dev/null && return 0
    [[ "${WSCODE_BENCH_NO_INSTALL:-0}" == 1 ]] && return 1
    command -v apt-get >/dev/null || return 1
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
    say "installing $2 with apt-get"
    "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || true
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1
    command -v "$1" >/dev/null
}
TIME=/usr/bin/time
[[ -x $TIME ]] || install_if_missing /usr/bin/time time || die "GNU time is needed (apt-get install time)"
HAVE_PV=1
install_if_missing pv pv || { HAVE_PV=0; say "pv is missing: the backpressure figures are skipped"; }

LOG="$DIR/resources-256M.log"
if [[ ! -s $LOG ]]; then
    say "generating $LOG (256 MiB)"
    python3 "$SCRIPT_DIR/genlog.py" --size 256M --seed 1 -o "$LOG"
fi
repeat_log() { # N: the log N times on stdout
    local i
    for ((i = 0; i < $1; i++)); do cat "$LOG"; done
}
REPEATS=$((GIB * 4))
ONLY=" ${WSCODE_RES_ONLY:-stream line many backpressure sigpipe sigint} "
want() { [[ $ONLY == *" $1 "* ]]; }

# peak RSS and wall time of the tool alone, reading stdin from a command:
#   rss LABEL 'PRODUCER' [ARGS...]
rss() {
    local label=$1 producer=$2
    shift 2
    local out="$DIR/rss.out"
    eval "$producer" | "$TIME" -f '%M %e' -o "$out" "$BIN" "$@" | wc -c >"$DIR/rss.bytes"
    read -r kib secs <"$out"
    printf '%-58s %8.1f MiB peak RSS  %7.2f s  %s bytes out\n' "$label" "$(echo "$kib / 1024" | bc -l)" "$secs" "$(cat "$DIR/rss.bytes")"
}

echo
echo "## Peak RSS (release binary, $(nproc) CPUs)"
if want stream; then
rss "annotate text, ${GIB} GiB through stdin" "repeat_log $REPEATS"
rss "annotate text -j1, ${GIB} GiB through stdin" "repeat_log $REPEATS" -j 1
rss "annotate JSON, 1 GiB through stdin" "repeat_log 4" --format json
rss "--summary, 1 GiB through stdin" "repeat_log 4" --summary
fi

if want line; then
LINE="$DIR/line-200M.log"
if [[ ! -s $LINE ]]; then
    python3 - "$LINE" <<'EOF'
import sys
block = b"k=v n=12 filler lorem ipsum 0123456789 " * 1700
with open(sys.argv[1], "wb") as f:
    size = 0
    while size < 200 << 20:
        f.write(block)
        size += len(block)
        if size // (1 << 24) != (size - len(block)) // (1 << 24):
            f.write(b" websocket: close 1006 (abnormal closure) ")
    f.write(b" received 1011 (internal error)\n")
EOF
fi
rss "200 MiB single line, annotate text" "cat '$LINE'" 2>/dev/null
rss "200 MiB single line, annotate JSON" "cat '$LINE'" --format json 2>/dev/null
rss "200 MiB single line, --summary" "cat '$LINE'" --summary 2>/dev/null
fi

if want many; then
MANY="$DIR/many-codes.log"
python3 -c "
import sys
l = b'ws closed' + b''.join(b' close_code=%d' % c for c in range(1000, 5000))
l += b' websocket: close 1006 (abnormal closure);' * 3000 + b'\n'
open('$MANY', 'wb').write(l)"
rss "one line with 4000 codes, JSON (800 MB out)" "cat '$MANY'" --format json
fi

if want backpressure; then
echo
echo "## Backpressure: output through pv -L 1m"
if ((HAVE_PV)); then
    FIFO="$DIR/bp.fifo"
    rm -f "$FIFO"
    mkfifo "$FIFO"
    pv -q -L 1m <"$FIFO" >/dev/null &
    PV=$!
    "$BIN" "$LOG" >"$FIFO" &
    TOOL=$!
    samples=()
    for _ in $(seq 30); do
        sleep 1
        samples+=("$(ps -o rss= -p "$TOOL" 2>/dev/null | tr -d ' ' || echo gone)")
    done
    kill "$TOOL" "$PV" 2>/dev/null || true
    wait "$TOOL" "$PV" 2>/dev/null || true
    rm -f "$FIFO"
    echo "RSS of the tool every second for 30 s (KiB): ${samples[*]}"
    echo "growth from 5 s to 30 s: $((samples[-1] - samples[4])) KiB (first $((samples[0])) KiB, peak $(printf '%s\n' "${samples[@]}" | sort -n | tail -1) KiB)"
    head -c 4M "$LOG" >"$DIR/bp-4M.log"
    if "$BIN" "$DIR/bp-4M.log" | pv -q -L 2m | sed -E 's/ ⟪ws[^⟪⟫]*⟫(\r?)$/\1/' | cmp -s - "$DIR/bp-4M.log"; then
        echo "4 MiB through pv -L 2m, stripped: identical to the input (nothing dropped)"
    else
        echo "4 MiB through pv -L 2m, stripped: DIFFERS from the input"
    fi
else
    echo "skipped: pv is not installed"
fi
fi

if want sigpipe; then
echo
echo "## SIGPIPE: | head -1"
set +e
start=$(date +%s.%N)
"$BIN" "$LOG" 2>"$DIR/sigpipe.err" | head -1 >/dev/null
status=${PIPESTATUS[0]}
end=$(date +%s.%N)
set -e
printf 'exit status %s, stderr %s bytes, %.3f s\n' "$status" "$(wc -c <"$DIR/sigpipe.err")" "$(echo "$end - $start" | bc -l)"
fi

if want sigint; then
echo
echo "## SIGINT during a ${GIB} GiB run"
# Without job control, bash starts background jobs with SIGINT ignored;
# with it (set -m), the tool gets SIGINT as it would from a terminal's ^C.
set -m
repeat_log "$REPEATS" | "$BIN" >/dev/null &
TOOL=$!
set +m
sleep 2
sent=$(date +%s.%N)
kill -INT "$TOOL"
set +e
wait "$TOOL"
status=$?
set -e
done_at=$(date +%s.%N)
printf 'exit status %s (128 + SIGINT = 130), %.1f ms from SIGINT to exit\n' "$status" "$(echo "($done_at - $sent) * 1000" | bc -l)"
fi
