# Themes and colour depth: 256 and 8 colours, light, and NO_COLOR (mono,
# state labels still there).
. tests/screen/lib.sh
esc=$(printf '\033')
colours() { tm capture-pane -p -e -t t; }
run() {
    MCTOP_ENV="$1" start_mctop $2
    colours > "$OUT/$TEST_NAME.$3.ans"
    key q
    wait_prompt
}
start_shell 120 30
run "" "" dark256
run "TERM=screen" "" dark8
run "" "--theme light" light256
run "NO_COLOR=1" "" mono
grep -q "${esc}\[[34]8;5;" "$OUT/$TEST_NAME.dark256.ans" || fail "no 256-colour codes"
! grep -q "${esc}\[[34]8;5;" "$OUT/$TEST_NAME.dark8.ans" || fail "256-colour codes on an 8-colour terminal"
grep -q "${esc}\[[34][0-7]m" "$OUT/$TEST_NAME.dark8.ans" || fail "no 8-colour codes"
cmp -s "$OUT/$TEST_NAME.dark256.ans" "$OUT/$TEST_NAME.light256.ans" && fail "light looks like dark"
grep -Eq "${esc}\[(3[0-7]|4[0-7]|[34]8;5;[0-9]+)m" "$OUT/$TEST_NAME.mono.ans" && fail "colour with NO_COLOR"
grep -q 'DOWN' "$OUT/$TEST_NAME.mono.ans" || fail "no state label in mono"
grep -q "${esc}\[7m" "$OUT/$TEST_NAME.mono.ans" || fail "mono without reverse video"
MCTOP_ENV="NO_COLOR=1" start_mctop
send ':theme dark'
key Enter
wait_for 'no colours here'
key q
wait_prompt
