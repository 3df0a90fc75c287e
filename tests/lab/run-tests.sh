#!/bin/sh
# run-tests.sh [t_NAME ...]: run the lab tests (every t_*.sh by default)
# against the running lab; PASS/FAIL per test with the reason. Exits 1 if
# any test fails, or if the lab is not up. A test that cannot run fails:
# nothing is ever skipped.
cd "$(dirname "$0")" || exit 1
HERE=$(pwd)
RUN=${LAB_RUN:-$HERE/run}
if [ "$#" -gt 0 ]; then tests=$*; else tests=$(ls t_*.sh 2>/dev/null); fi
if [ -z "$tests" ]; then
    echo "run-tests: no t_*.sh in $HERE" >&2
    exit 1
fi
if ! sh ./lab.sh status >/dev/null 2>&1; then
    echo "run-tests: the lab is not up (or not completely); start it with 'make lab'" >&2
    echo "run-tests: every lab test FAILS:" $tests >&2
    sh ./lab.sh status >&2
    exit 1
fi
mkdir -p "$RUN/tests"
pass=0 failed=
for t in $tests; do
    t=${t%.sh}; t=${t##*/}
    if [ ! -f "$t.sh" ]; then
        echo "FAIL $t: no such test"; failed="$failed $t"; continue
    fi
    start=$(date +%s.%N)
    timeout 300 sh "./$t.sh" > "$RUN/tests/$t.out" 2>&1
    rc=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    if [ $rc -eq 0 ]; then
        echo "PASS $t ($secs s)"
        pass=$((pass + 1))
    else
        [ $rc -eq 124 ] && echo "FAIL: timed out after 300 s" >> "$RUN/tests/$t.out"
        reason=$(grep '^FAIL: ' "$RUN/tests/$t.out" | tail -n 1 | cut -c7-)
        [ -n "$reason" ] || reason="exit status $rc: $(tail -n 3 "$RUN/tests/$t.out" | tr '\n' ' ')"
        echo "FAIL $t ($secs s): $reason"
        echo "     output: $RUN/tests/$t.out; its last lines:"
        tail -n 50 "$RUN/tests/$t.out" | sed 's/^/     | /'
        failed="$failed $t"
    fi
done
if [ -n "$failed" ]; then
    echo "lab tests: $pass passed, failed:$failed"
    exit 1
fi
echo "lab tests: all $pass passed"
