#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after another,
# and prints each target's executions and whether it crashed.
#
#   bash fuzz/run.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). A stable toolchain works
# with RUSTC_BOOTSTRAP=1, which this script sets. Logs go to
# fuzz/logs/TARGET.log; crashes to fuzz/artifacts/TARGET/.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(extract annotate json_log tables)
export RUSTC_BOOTSTRAP=1
mkdir -p fuzz/logs
max_len() {
    case $1 in
        annotate) echo 16384 ;;
        tables) echo 8192 ;;
        *) echo 4096 ;;
    esac
}
for t in "${TARGETS[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    cargo fuzz run -O "$t" -- -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$t")" \
        -print_final_stats=1 -timeout=20 >"fuzz/logs/$t.log" 2>&1
    status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "fuzz/logs/$t.log" | grep -o '[0-9]*$' | tail -1)
    if [[ $status -eq 0 ]]; then
        echo "$t: ${runs:-?} executions in ${SECONDS_EACH}s, no crash"
    else
        echo "$t: FAILED (status $status) after ${runs:-?} executions; see fuzz/logs/$t.log and fuzz/artifacts/$t/"
    fi
done
