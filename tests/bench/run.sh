#!/bin/sh
# make bench: performance figures (printed, never pass/fail).
cd "$(dirname "$0")/../.." || exit 1
OUT=tests/bench/out
mkdir -p "$OUT"
for b in tests/bench/b_*.sh; do
    sh "$b" "$OUT" || echo "bench $(basename "$b") failed" >&2
done
