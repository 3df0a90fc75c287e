# Live filter: substring, regex, negation, Esc clears.
. tests/screen/lib.sh
start_shell 120 32
start_mctop
key /
wait_for '^/'
send 'prd-web'
wait_for ' of [0-9]+ hosts'
rows | grep -Ev '^ *$' | grep -v 'prd-web' | grep -Eq '(dev|tst|ppd)-' &&
    fail "filter left other hosts"
rows | grep -q 'prd-web' || fail "no prd-web rows"
key Enter
wait_gone '^/'
expect '/prd-web'                  # the filter shows in the tab bar
key Escape                         # back: clears the filter
wait_for 'filter cleared'
expect_not ' of [0-9]+ hosts'
key /
send '!prd'
wait_for ' of [0-9]+ hosts'
rows | grep -q 'prd-' && fail "negated filter kept prd hosts"
rows | grep -Eq '(dev|tst|ppd)-' || fail "negated filter hid everything"
key Escape                         # Esc in the prompt clears as well
wait_gone ' of [0-9]+ hosts'
key /
send '^(dev|tst)-db'
wait_for ' of [0-9]+ hosts'
rows | grep -Eq '(prd|ppd)-|-(web|app|es)-' && fail "regex filter"
rows | grep -Eq '(dev|tst)-db' || fail "regex matched nothing"
key Enter
key q
wait_prompt
