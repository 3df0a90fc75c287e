#!/bin/sh
# Install the Debian packages named in the arguments that are missing.
# As root they are installed with apt-get; otherwise the one command that
# would install them is printed and the script fails.
missing=""
for p in "$@"; do
    s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
    [ "$s" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends $missing >/dev/null ||
        { apt-get update >/dev/null && apt-get install -y --no-install-recommends $missing >/dev/null; } ||
        { echo "apt-get install failed:$missing" >&2; exit 1; }
    exit 0
fi
echo "missing Debian packages; run as root:" >&2
echo "  apt-get install$missing" >&2
exit 1
