# The command line: --check-config, no configuration, keymap errors, usage.
. tests/screen/lib.sh
T=$OUT/cli
rm -rf "$T"; mkdir -p "$T/xdg/mctop"
run() { "$MCTOP" "$@" > "$T/out" 2> "$T/err"; echo $? > "$T/rc"; }
rc() { [ "$(cat "$T/rc")" = "$1" ] || fail "exit $(cat "$T/rc"), wanted $1: $(cat "$T/err")"; }
has() { grep -Eq -- "$1" "$T/$2" || fail "no /$1/ in $2: $(cat "$T/$2")"; }

cat > "$T/good.conf" <<'CONF'
[mctop]
theme = light

[site staging]
direct = yes
icinga_url = https://icinga.staging.internal:5665
icinga_user = mctop
icinga_password_env = MCTOP_STAGING_PASSWORD
CONF
run --check-config -c "$T/good.conf"
rc 0; has 'good.conf: OK, 1 site' out

printf '[mctop]\ntheme = purple\n\n[site x]\ndirect = maybe\n' > "$T/bad.conf"
run --check-config -c "$T/bad.conf"
rc 1; has 'bad.conf:2: ' err; has 'bad.conf:5: ' err

XDG_CONFIG_HOME=$T/none HOME=$T/none run
rc 1; has 'mctop --demo' err; has 'mctop.conf\(5\)' err

printf 'bind list j cursor-down\nbind list x detial\n' > "$T/my.keys"
run --demo --keymap "$T/my.keys"
rc 1; has "my.keys:2: unknown action 'detial'" err
printf 'bind list Q quit\n' > "$T/xdg/mctop/keys"
XDG_CONFIG_HOME=$T/xdg run --demo --keymap nosuch
rc 1; has "unknown keymap 'nosuch'" err

run --demo --seed banana
rc 2; has 'not a number' err
run --bogus
rc 2; has 'usage' err
run --help
rc 0; has '--demo-scale' out
run --demo < /dev/null
rc 1; has 'needs a terminal' err
