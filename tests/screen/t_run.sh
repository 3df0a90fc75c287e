# :run on marked hosts: exit status and output per host, cancel, marks kept.
. tests/screen/lib.sh
start_shell 120 32
start_mctop
expect_not ' 3 Run'                # no run yet: no tab
send ':ru'
key Tab                            # completion knows the command
wait_for '^:run *$'
key Enter                          # no command: usage
wait_for 'usage: run COMMAND'
key Space Space Space
wait_for '3 marked'
send ':run echo hello-$MCTOP_DEMO_HOST; exit 2'
key Enter
wait_for 'Run `echo hello-\$MCTOP_DEMO_HOST; exit 2` on 3 hosts'
expect 'demo: the command runs locally'
key y
wait_for ' 3 non-zero '
expect 'demo: run locally'
expect ' 3 Run 3 '
[ "$(rows | grep -Ec '^ *EXIT 2 +[a-z]')" -eq 3 ] || fail "not 3 hosts with EXIT 2"
first=$(rows | grep -E '^ *EXIT 2 +[a-z]' | head -1 | awk '{ print $3 }')
second=$(rows | grep -E '^ *EXIT 2 +[a-z]' | sed -n 2p | awk '{ print $3 }')
wait_for "Output of $first · EXIT 2"
expect "^ hello-$first *\$"
key Down                           # the next host's output
wait_for "^ hello-$second *\$"
expect_not "^ hello-$first *\$"
key Enter                          # the output pane takes the whole view
wait_for "^ Output of $second"
expect_not '^ STATE +HOST'
key Escape                         # and gives it back
wait_for '^ STATE +HOST'
save done

# From the run view, :run asks about the same hosts again.
send ':run sleep 30; echo never-$MCTOP_DEMO_HOST'
key Enter
wait_for 'the hosts of the last run'
key y
wait_for ' 3 running '
[ "$(pgrep -fc 'sleep 30; echo never-')" -ge 3 ] || fail "no sleeping commands"
key C-k
wait_for 'run cancelled: 3 hosts stopped'
wait_for ' 3 cancelled '
[ "$(rows | grep -Ec '^ *CANCEL +[a-z]')" -eq 3 ] || fail "not 3 cancelled"
tries=40
while [ "$(pgrep -fc 'sleep 30; echo never-')" -gt 0 ] && [ $tries -gt 0 ]; do
    sleep 0.05; tries=$((tries - 1))
done
[ $tries -gt 0 ] || fail "cancelled commands still running"
save cancelled

# Back in the hosts view the marks are still there.
key Escape
wait_for '60 hosts · 3 marked'
expect '^STATE. +FLAGS +HOST'
key 3                              # and the run view is one key away
wait_for ' 3 cancelled '
key q
wait_prompt

# --readonly refuses to run commands on hosts.
start_mctop --readonly
send ':run true'
key Enter
wait_for 'read-only: :run is disabled'
expect_not ' 3 Run'
key q
wait_prompt
