# Start on the demo site, see the header, hosts and alerts views, quit.
. tests/screen/lib.sh
start_shell 120 32
start_mctop
expect '^ mctop  demo . live'
expect ' [0-9]+ (DOWN|CRIT|WARN|UNKN) '           # state counters
expect 'STATE.? +FLAGS +HOST +ENV'                  # hosts columns
expect '(prd|ppd|tst|dev)-[a-z]+-[0-9]+'          # demo hosts
expect 'Production|Pre-Production|Test|Development'
expect '\?Help'                                   # hints from the keymap
save hosts
key 2
wait_for 'STATE.? +FLAGS +HOST +SERVICE +(ENV +)?SINCE +OUTPUT'
expect '(CRIT|WARN|UNKN|DOWN) '
expect 'problems'
save alerts
key Tab
wait_for 'HOST +ENV'
key BTab
wait_for 'SERVICE'
send ':hosts'
key Enter
wait_for 'HOST +ENV'
send ':alerts'
key Enter
wait_for 'SERVICE'
key q
wait_prompt
send 'echo rc=$?'
key Enter
wait_for '^rc=0'
