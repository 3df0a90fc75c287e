# A shell from the demo site: a local shell that says plainly it is a
# demo, on its own PTY of the terminal's size; its exit status comes back,
# ~. closes it, and the terminal is left exactly as it was.
. tests/screen/lib.sh
start_shell 120 35
send 'stty -a > '"$OUT"'/ssh-stty.before; echo ready'
key Enter
wait_for '^ready'
start_mctop
key s
wait_for 'mctop demo: this is a LOCAL shell' 5
host=$(screen | sed -n 's/^ *\([a-z0-9.-]*\) (the demo site has no real hosts).*/\1/p' | head -n 1)
[ -n "$host" ] || fail "the banner names no host"
wait_prompt
send 'echo "host=$MCTOP_DEMO_HOST"; stty size; exit 4'
key Enter
wait_for 'exit status 4' 5
expect "ssh $host: session ended, exit status 4"
expect '1 Hosts [1-9]'
# the shell's output went by on the terminal before the console came back
key s
wait_for 'mctop demo: this is a LOCAL shell' 5
wait_prompt
send 'echo "host=$MCTOP_DEMO_HOST"; stty size'
key Enter
wait_for "^host=$host\$" 5
expect '^35 120$'
key Enter
send '~.'
wait_for "ssh $host: closed with ~\\." 5
key q
wait_prompt
[ "$(tm display -p -t t '#{alternate_on}')" = 0 ] || fail "alternate screen left on"
send 'stty -a > '"$OUT"'/ssh-stty.after; echo done'
key Enter
wait_for '^done'
cmp -s "$OUT/ssh-stty.before" "$OUT/ssh-stty.after" || fail "stty settings changed"
