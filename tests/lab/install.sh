#!/bin/sh
# Install the Debian packages the lab needs, as root; nothing happens when
# all are installed. As another user, print the command and fail.
#
# Cacti's postinst (dbconfig-common) creates its database and loads its
# templates, so a MariaDB server must answer during `apt-get install
# cacti`; without systemd nothing starts one. We start a throwaway mariadbd
# (temporary datadir, its own socket, no TCP) and point the postinst's
# clients at it: MYSQL_UNIX_PORT for the mysql client, and a PHP ini
# (PHP_INI_SCAN_DIR) for PHP; both reach the maintainer scripts through
# apt and dpkg. It is removed after the install, so no Cacti database is
# left in any server: the package's cron job (poller.php every 5 minutes,
# where cron runs) finds none, and can never start the stock discovery of
# 192.168.1.0/24 (network rule 1). The lab makes its own DB (cacti.sh).
set -eu

# Lab core (bastion, Icinga 2, NRPE; jq for the lab tests), search
# server, Cacti.
CORE="icinga2 nagios-nrpe-server nagios-nrpe-plugin monitoring-plugins-basic
      openssh-server openssh-client openssl curl iproute2 jq"
SEARCH="python3"
CACTI_DEPS="mariadb-server mariadb-client snmpd snmp rrdtool php-cli php-mysql
            php-snmp"
PKGS=$(echo $CORE $SEARCH $CACTI_DEPS cacti)

# --list: the package names only (for a combined apt-get line).
if [ "${1:-}" = --list ]; then
    echo $PKGS
    exit 0
fi

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=""
for p in $PKGS; do
    installed "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "lab: missing Debian packages; as root, run tests/lab/install.sh, which runs:" >&2
    echo "  apt-get install -y --no-install-recommends$missing" >&2
    case " $missing " in
    *" cacti "*) echo "lab: (with a temporary MariaDB server: cacti's postinst needs one)" >&2 ;;
    esac
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
APT="apt-get -q -y --no-install-recommends -o DPkg::Lock::Timeout=600"
updated=""

# apt-get install, with one `apt-get update` and retry on failure (fresh
# machines have no package lists).
apt_install() {
    $APT install "$@" && return 0
    [ -z "$updated" ] || return 1
    updated=1
    apt-get -q -o DPkg::Lock::Timeout=600 update && $APT install "$@"
}

echo "lab: installing:$missing"
t0=$(date +%s)

# Everything but cacti first: cacti's install needs mariadbd from here.
rest=""
for p in $missing; do [ "$p" = cacti ] || rest="$rest $p"; done
if [ -n "$rest" ]; then
    # shellcheck disable=SC2086  # word splitting wanted
    apt_install $rest
fi

if ! installed cacti; then
    tmp="" pid=""
    stop_db() {
        if [ -n "$pid" ]; then
            kill "$pid" 2>/dev/null || true
            i=0
            while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do
                sleep 0.1; i=$((i + 1))
            done
            kill -9 "$pid" 2>/dev/null || true
            pid=""
        fi
        [ -z "$tmp" ] || rm -rf "$tmp"
        tmp=""
    }
    trap stop_db EXIT
    trap 'exit 1' INT TERM HUP

    # 0755: the postinst runs PHP as www-data, which must reach the socket
    tmp=$(mktemp -d /tmp/mctop-lab-install.XXXXXX)
    chmod 755 "$tmp"
    mkdir "$tmp/data" "$tmp/run" "$tmp/php"
    chown mysql:mysql "$tmp/data" "$tmp/run"
    chmod 755 "$tmp/run"
    SOCK=$tmp/run/mysqld.sock
    # --no-defaults: ignore /etc/mysql (the system datadir, port 3306)
    mariadb-install-db --no-defaults --user=mysql --datadir="$tmp/data" \
        --auth-root-authentication-method=socket --skip-test-db \
        >"$tmp/install-db.log" 2>&1 ||
        { cat "$tmp/install-db.log" >&2; exit 1; }
    mariadbd --no-defaults --user=mysql --datadir="$tmp/data" \
        --socket="$SOCK" --skip-networking --pid-file="$tmp/run/mariadbd.pid" \
        --log-error="$tmp/run/mariadbd.log" &
    pid=$!
    i=0
    until mysqladmin --socket="$SOCK" ping >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ] ||
            { tail -n 20 "$tmp/run/mariadbd.log" >&2; exit 1; }
        sleep 0.1; i=$((i + 1))
    done
    printf 'pdo_mysql.default_socket = %s\n' "$SOCK" > "$tmp/php/install.ini"
    chmod 644 "$tmp/php/install.ini"

    # A random DB password: cacti.sh reads it back from /etc/cacti/debian.php.
    pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    debconf-set-selections <<EOF
cacti cacti/webserver select None
cacti cacti/dbconfig-install boolean true
cacti cacti/database-type select mysql
cacti cacti/mysql/method select Unix socket
cacti cacti/mysql/app-pass password $pw
cacti cacti/app-password-confirm password $pw
cacti cacti/mysql/admin-user string root
cacti cacti/mysql/admin-pass password
cacti cacti/remote/host select localhost
cacti cacti/db/dbname string cacti
cacti cacti/db/app-user string cacti@localhost
EOF
    export MYSQL_UNIX_PORT="$SOCK" PHP_INI_SCAN_DIR=":$tmp/php"
    # An earlier install that died half-way must be configured first.
    [ -z "$(dpkg --audit 2>/dev/null)" ] || dpkg --configure -a
    installed cacti || apt_install cacti
    # the postinst must have used this server, or a Cacti DB (with its
    # discovery job) now sits in another one: say so loudly
    if ! mysql --socket="$SOCK" -N -e 'SHOW DATABASES' | grep -qx cacti; then
        echo "lab: WARNING: cacti's postinst did not create its DB in the temporary server;" >&2
        echo "lab: WARNING: check other MariaDB servers for a 'cacti' DB and run there:" >&2
        echo "lab: WARNING:   DELETE FROM cacti.automation_networks;" >&2
    fi
    unset MYSQL_UNIX_PORT PHP_INI_SCAN_DIR
    stop_db
    trap - EXIT INT TERM HUP
fi

still=""
for p in $PKGS; do installed "$p" || still="$still $p"; done
if [ -n "$still" ]; then
    echo "lab: still not installed:$still" >&2
    exit 1
fi
echo "lab: packages installed in $(( $(date +%s) - t0 )) s"
