#!/usr/bin/env bash
# Runs the decoder fuzzer for N seconds on a scratch copy of the seed corpus.
# Usage: run-fuzz.sh BUILD_DIR SECONDS. Exits non-zero if the fuzzer finds a crash;
# the reproducer is left in BUILD_DIR/fuzz/ (copy it into tests/fuzz/corpus once fixed).
set -euo pipefail
build=${1:?build dir}
seconds=${2:-60}
here="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$build" && pwd)"
work="$build/fuzz/corpus-work"
mkdir -p "$work"
cp -n "$here"/tests/fuzz/corpus/* "$work"/ 2>/dev/null || true
cd "$build/fuzz"
echo "fuzz: running fuzz_frame for ${seconds}s (ASan/UBSan)"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
    ./fuzz_frame -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1 \
    "$work" 2>&1 | tail -n 25
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo "fuzz: FAILED (exit $status); reproducers: $(ls "$build"/fuzz/crash-* "$build"/fuzz/timeout-* 2>/dev/null | tr '\n' ' ')" >&2
    exit "$status"
fi
echo "fuzz: no crash in ${seconds}s"
