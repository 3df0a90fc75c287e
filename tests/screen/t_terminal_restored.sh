# The terminal is given back after q, SIGTERM and suspend/resume.
. tests/screen/lib.sh
start_shell 100 30
send 'stty -a > '"$OUT"'/stty.before; echo ready'
key Enter
wait_for '^ready'
start_mctop
[ "$(tm display -p -t t '#{alternate_on}')" = 1 ] || fail "no alternate screen"
key C-z                                   # suspend
wait_for 'Stopped|stopped'
[ "$(tm display -p -t t '#{alternate_on}')" = 0 ] || fail "suspended in the alternate screen"
send 'fg'
key Enter
wait_for '1 Hosts [1-9]'
key q
wait_prompt
[ "$(tm display -p -t t '#{alternate_on}')" = 0 ] || fail "alternate screen left on"
send 'stty -a > '"$OUT"'/stty.after; echo done'
key Enter
wait_for '^done'
cmp -s "$OUT/stty.before" "$OUT/stty.after" || fail "stty settings changed"
# SIGTERM, SIGHUP and SIGINT from outside, while mctop runs in the foreground
for sig in TERM HUP INT; do
    start_mctop
    shell=$(tm display -p -t t '#{pane_pid}')
    pid=$(pgrep -P "$shell" mctop) || fail "no mctop process"
    kill -"$sig" "$pid"
    wait_prompt
    send 'echo rc=$?; stty -a > '"$OUT"'/stty.'"$sig"'; echo done-'"$sig"
    key Enter
    wait_for "^done-$sig"
    expect '^rc=0'
    [ "$(tm display -p -t t '#{alternate_on}')" = 0 ] || fail "alternate screen left on after SIG$sig"
    cmp -s "$OUT/stty.before" "$OUT/stty.$sig" || fail "stty changed after SIG$sig"
    send clear
    key Enter
    wait_prompt
done
