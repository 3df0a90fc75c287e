# Resizing: 80x24 and 200x60 lay out; a tiny terminal says so.
. tests/screen/lib.sh
start_shell 100 30
start_mctop
tm resize-window -t t -x 80 -y 24
wait_for 'HOST +ENV +SINCE +LOAD'
expect '\?Help'
[ "$(screen | LC_ALL=C.UTF-8 sed 's/./x/g' | awk 'length > 80' | wc -l)" -eq 0 ] || fail "line wider than 80"
save 80x24
tm resize-window -t t -x 200 -y 60
wait_for 'ADDRESS'
expect 'HEAP'
save 200x60
tm resize-window -t t -x 40 -y 8
wait_for 'Terminal too small: 40x8'
tm resize-window -t t -x 120 -y 30
wait_for 'HOST +ENV'
key q
wait_prompt
