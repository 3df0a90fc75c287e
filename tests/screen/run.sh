#!/bin/sh
# Run every screen test; print PASS/FAIL per test and fail if any failed.
cd "$(dirname "$0")/../.." || exit 1
command -v tmux >/dev/null || { echo "screen tests need tmux" >&2; exit 1; }
[ -x ./mctop ] || { echo "build ./mctop first" >&2; exit 1; }
mkdir -p tests/screen/out
failed=0 n=0
for t in tests/screen/t_*.sh; do
    name=$(basename "$t" .sh)
    n=$((n + 1))
    start=$(date +%s%N)
    if TEST_NAME=$name sh "$t" > "tests/screen/out/$name.log" 2>&1; then
        printf 'PASS %-28s %s ms\n' "$name" $(( ($(date +%s%N) - start) / 1000000 ))
    else
        printf 'FAIL %s\n' "$name"
        sed 's/^/    /' "tests/screen/out/$name.log"
        failed=$((failed + 1))
    fi
done
echo "screen tests: $((n - failed)) of $n passed"
[ "$failed" -eq 0 ]
