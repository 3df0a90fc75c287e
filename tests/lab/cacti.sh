# Lab module: Cacti (sourced by lab.sh after lib.sh). POSIX sh.
#
# Debian's Cacti 1.2 with everything of its own under run/cacti:
#   cacti-db      mariadbd, own datadir, unix socket only (no TCP)
#   cacti-snmpd   snmpd in the vpc on the SNMP address and the three SSH
#                 hosts' addresses, read-only community, own config
#   cacti-web     php -S on the Cacti address, URL path /cacti/, www-data
#   cacti-poller  poller.php in a loop (no cron), 10 s step, www-data
# A fresh DB every up; the stock discovery job is deleted right after the
# schema is loaded, before anything could run a poller (network rule 1).
#
# Credentials: the package's /etc/cacti/debian.php (read-only to us) names
# the DB, user and password, and says host 'localhost', i.e. PHP's default
# unix socket. The lab DB gets that user and password, and every lab PHP
# process runs with PHP_INI_SCAN_DIR=":run/cacti/php", whose lab.ini points
# pdo_mysql.default_socket at the lab socket (and sessions into run/cacti).
# The environment reaches the poller's children too. A system MariaDB, if
# any, is never contacted; cacti_up checks which server PHP really reached.
# RRD files live in run/cacti/rra: the back-fill makes every data source
# path absolute, so /var/lib/cacti/rra is not used either.
# MariaDB's datadir is a directory in /dev/shm (run/cacti/db links to it):
# on a VM disk every CREATE TABLE waits for fsync, and the schema, the
# templates and the devices then take ten times longer. CACTI_DB_TMPFS=0,
# or a /dev/shm with less than 256 MB free, keeps it in run/cacti/db.

CACTI_DIR=$LAB_RUN/cacti
CACTI_SITE=/usr/share/cacti/site
CACTI_CLI=/usr/share/cacti/cli
CACTI_SOCK=$CACTI_DIR/mysql/mysqld.sock
CACTI_COMMUNITY=mctop-lab-ro
CACTI_BACKFILL=${CACTI_BACKFILL:-21600}   # seconds of history per graph (6 h)
if [ "$LAB_CACTI_PORT" = 80 ]; then
    CACTI_URL=http://$LAB_CACTI_IP/cacti
else
    CACTI_URL=http://$LAB_CACTI_IP:$LAB_CACTI_PORT/cacti
fi

# mctop config lines for the lab site (secrets stay in files).
LAB_CONF_CACTI="cacti_url = $CACTI_URL
cacti_user = admin
cacti_password_command = cat '$CACTI_DIR/pass'"

# SQL as MariaDB's root (unix socket auth) on the lab server.
cacti_sql() {
    mysql --socket="$CACTI_SOCK" -uroot -N -B "$@"
}

# Run as www-data with the lab's PHP settings, in the vpc.
cacti_www() {
    lab_ns "$LAB_NS_VPC" env PHP_INI_SCAN_DIR=":$CACTI_DIR/php" \
        setpriv --reuid=www-data --regid=www-data --init-groups "$@"
}

cacti_php() {
    cacti_www php -d display_errors=stderr "$@"
}

cacti_snmp_ok() {
    lab_ns "$LAB_NS_VPC" snmpget -v2c -c "$CACTI_COMMUNITY" -t 1 -r 0 \
        "$1:$LAB_SNMP_PORT" .1.3.6.1.2.1.1.5.0
}

# Log in as USER with the password in FILE, cookies in JAR; fails unless
# a following page shows the user logged in.
cacti_login() {
    cacti_l_tok=$(lab_ns "$LAB_NS_VPC" curl -sS -m 10 -c "$3" -b "$3" \
        "$CACTI_URL/index.php" |
        sed -n "s/.*name='__csrf_magic' value=\"\([^\"]*\)\".*/\1/p" | head -n 1)
    [ -n "$cacti_l_tok" ] || return 1
    lab_ns "$LAB_NS_VPC" curl -sS -m 10 -c "$3" -b "$3" -o /dev/null \
        --data-urlencode "__csrf_magic=$cacti_l_tok" --data-urlencode action=login \
        --data-urlencode "login_username=$1" \
        --data-urlencode "login_password=$(cat "$2")" "$CACTI_URL/index.php" &&
    lab_ns "$LAB_NS_VPC" curl -sS -m 10 -b "$3" "$CACTI_URL/graph_view.php" |
        grep -Eq "Logged in as (<span id='user'[^>]*>)?$1<"
}

# Ready: admin logs in and a graph exports at least 60 rows of history.
cacti_ready() {
    cacti_login admin "$CACTI_DIR/pass" "$CACTI_DIR/ready.jar" || return 1
    cacti_r_end=$(( $(date +%s) - 60 ))
    cacti_r_rows=$(lab_ns "$LAB_NS_VPC" curl -sS -m 20 -b "$CACTI_DIR/ready.jar" \
        "$CACTI_URL/graph_xport.php?local_graph_id=$(cat "$CACTI_DIR/ready-graph")&rra_id=0&graph_start=$((cacti_r_end - 900))&graph_end=$cacti_r_end" |
        grep -c '^"[0-9]')
    [ "$cacti_r_rows" -ge 60 ]
}

cacti_timing() {
    printf 'lab: cacti: %5.1fs %s\n' "$(awk -v a="$cacti_t0" -v b="$(lab_now)" 'BEGIN { print b - a }')" "$*" >&2
}

# The lab DB's setup (schema, templates, devices, graphs, tree, users) is
# kept as a dump in run/cacti-cache, keyed by everything it depends on, and
# a later up loads it into its fresh DB instead of running Cacti's CLI
# tools again (about 15 s less). So is MariaDB's freshly initialised
# datadir. CACTI_CACHE=0 ignores both; `rm -rf run/cacti-cache` drops them.
CACTI_CACHE_DIR=$LAB_RUN/cacti-cache
cacti_cache_key() {
    { cat "$LAB_DIR/cacti.sh" "$LAB_DIR/lab.env" /usr/share/cacti/conf_templates/cacti.sql \
        "$CACTI_SITE/include/cacti_version" /etc/cacti/debian.php
      echo "$LAB_MODE $CACTI_DIR $(lab_host 1) $(lab_host 2) $(lab_host 3)"
      /usr/sbin/mariadbd --version; } | md5sum | cut -c1-16
}

cacti_up() {
    cacti_t0=$(lab_now)
    for cacti_p in /usr/sbin/mariadbd /usr/sbin/snmpd /usr/bin/rrdtool \
        /usr/bin/php "$CACTI_SITE/poller.php" /etc/cacti/debian.php; do
        [ -e "$cacti_p" ] ||
            { lab_fail cacti "$cacti_p is missing (run tests/lab/install.sh as root)"; return 1; }
    done
    for cacti_p in cacti-db cacti-snmpd cacti-web cacti-poller; do
        if lab_running "$cacti_p"; then
            lab_fail "$cacti_p" "already running (pid $(cat "$LAB_RUN/pids/$cacti_p"))"
            return 1
        fi
    done
    if [ ${#CACTI_SOCK} -gt 100 ]; then
        lab_fail cacti "socket path too long for a unix socket: $CACTI_SOCK"; return 1
    fi

    # --- fresh state
    cacti_rm_dir
    mkdir -p "$CACTI_DIR/php" "$CACTI_DIR/rra" "$CACTI_DIR/sessions" "$CACTI_DIR/mysql" \
        "$CACTI_DIR/www" "$CACTI_DIR/snmp" "$CACTI_CACHE_DIR" || return 1
    chmod 755 "$CACTI_DIR"
    chmod 700 "$CACTI_CACHE_DIR" "$CACTI_DIR/sessions" "$CACTI_DIR/snmp"
    chown www-data:www-data "$CACTI_DIR/rra" "$CACTI_DIR/sessions"
    chown mysql:mysql "$CACTI_DIR/mysql"
    ln -s "$CACTI_SITE" "$CACTI_DIR/www/cacti"
    : > "$LAB_RUN/logs/cacti.log"
    chown www-data:www-data "$LAB_RUN/logs/cacti.log"
    if ! setpriv --reuid=www-data --regid=www-data --init-groups \
        test -w "$CACTI_DIR/rra"; then
        lab_fail cacti "www-data cannot write $CACTI_DIR/rra (a parent directory is closed?)"
        return 1
    fi
    cat > "$CACTI_DIR/php/lab.ini" <<EOF
; PHP settings of the lab's Cacti (PHP_INI_SCAN_DIR=":$CACTI_DIR/php")
pdo_mysql.default_socket = $CACTI_SOCK
session.save_path = $CACTI_DIR/sessions
date.timezone = UTC
EOF
    lab_rand 12 > "$CACTI_DIR/pass"
    lab_rand 12 > "$CACTI_DIR/pass-viewer"
    chmod 600 "$CACTI_DIR/pass" "$CACTI_DIR/pass-viewer"
    cacti_key=$(cacti_cache_key)
    cacti_dump=$CACTI_CACHE_DIR/db-$cacti_key.sql
    cacti_pristine=$CACTI_CACHE_DIR/datadir-$cacti_key
    if [ "${CACTI_CACHE:-1}" = 0 ]; then cacti_dump=/nonexistent; cacti_pristine=/nonexistent; fi

    # --- MariaDB: own datadir and socket, no networking, no /etc/mysql
    cacti_shm=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
    if [ "${CACTI_DB_TMPFS:-1}" != 0 ] && [ -w /dev/shm ] && [ "${cacti_shm:-0}" -ge 262144 ]; then
        cacti_db=$(mktemp -d /dev/shm/mctop-lab-cacti-db.XXXXXX) &&
            ln -s "$cacti_db" "$CACTI_DIR/db" || return 1
    else
        mkdir "$CACTI_DIR/db" || return 1
    fi
    chmod 700 "$CACTI_DIR/db/" && chown mysql:mysql "$CACTI_DIR/db/" || return 1
    if [ -d "$cacti_pristine" ]; then
        cp -a "$cacti_pristine/." "$CACTI_DIR/db/" ||
            { lab_fail cacti-db "copying $cacti_pristine"; return 1; }
    else
        mariadb-install-db --no-defaults --user=mysql --datadir="$CACTI_DIR/db" \
            --auth-root-authentication-method=socket --skip-test-db \
            --innodb-log-file-size=16M >"$LAB_RUN/logs/cacti-db.log" 2>&1 ||
            { lab_fail cacti-db "mariadb-install-db"; return 1; }
        if [ "${CACTI_CACHE:-1}" != 0 ]; then
            rm -rf "$CACTI_CACHE_DIR"/datadir-*
            cp -a "$CACTI_DIR/db/." "$cacti_pristine.tmp" && mv "$cacti_pristine.tmp" "$cacti_pristine"
        fi
    fi
    lab_start cacti-db "$LAB_NS_VPC" /usr/sbin/mariadbd --no-defaults \
        --user=mysql --datadir="$CACTI_DIR/db" --socket="$CACTI_SOCK" \
        --pid-file="$CACTI_DIR/mysql/mariadbd.pid" --skip-networking \
        --skip-name-resolve --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
        --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci || return 1

    # --- snmpd: the lab's agent on the SNMP address and the SSH hosts'
    #     addresses (in loopback mode one port each on 127.0.0.1)
    cacti_agents="udp:$LAB_SNMP_IP:$LAB_SNMP_PORT"
    if [ "$LAB_MODE" = netns ]; then
        for cacti_ip in $LAB_HOST_IPS; do
            cacti_agents="$cacti_agents,udp:$cacti_ip:$LAB_SNMP_PORT"
        done
        cacti_src=$LAB_RANGE
    else
        for cacti_n in 1 2 3; do
            cacti_agents="$cacti_agents,udp:127.0.0.1:$(cacti_snmp_port $cacti_n)"
        done
        cacti_src=127.0.0.1
    fi
    cat > "$CACTI_DIR/snmpd.conf" <<EOF
# lab snmpd (generated by tests/lab/cacti.sh); read-only, v1/v2c
agentAddress $cacti_agents
rocommunity $CACTI_COMMUNITY $cacti_src
sysName lab-snmp
sysLocation mctop lab vpc
sysContact lab@mctop.invalid
sysServices 72
EOF
    # -C: no other config file; -Lo: log to stdout; the persistent state
    # goes to run/cacti/snmp instead of /var/lib/snmp
    lab_start cacti-snmpd "$LAB_NS_VPC" env SNMP_PERSISTENT_DIR="$CACTI_DIR/snmp" \
        MIBS= /usr/sbin/snmpd -f -Lo -C -c "$CACTI_DIR/snmpd.conf" || return 1

    # --- web server: php -S as www-data, allowed to bind port 80 and
    #     nothing else; the docroot's 'cacti' link gives the /cacti/ path
    lab_start cacti-web "$LAB_NS_VPC" env PHP_INI_SCAN_DIR=":$CACTI_DIR/php" \
        PHP_CLI_SERVER_WORKERS=4 \
        setpriv --reuid=www-data --regid=www-data --init-groups \
        --inh-caps=+net_bind_service --ambient-caps=+net_bind_service \
        php -S "$LAB_CACTI_IP:$LAB_CACTI_PORT" -t "$CACTI_DIR/www" || return 1

    lab_wait cacti-db 30 mysqladmin --socket="$CACTI_SOCK" -uroot ping || return 1
    cacti_timing "mariadb up"

    # --- the DB: as the Debian postinst makes it, with debian.php's user
    cacti_creds=$(php -r 'include "/etc/cacti/debian.php";
        echo $database_default, "\n", $database_username, "\n", $database_password, "\n";') ||
        { lab_fail cacti "cannot read /etc/cacti/debian.php"; return 1; }
    cacti_dbname=$(echo "$cacti_creds" | sed -n 1p)
    cacti_dbuser=$(echo "$cacti_creds" | sed -n 2p)
    cacti_dbpass=$(echo "$cacti_creds" | sed -n 3p | sed "s/[\\\\']/\\\\&/g")
    cacti_sql -e "CREATE DATABASE \`$cacti_dbname\` CHARACTER SET latin1;
        CREATE USER '$cacti_dbuser'@'localhost' IDENTIFIED BY '$cacti_dbpass';
        GRANT ALL PRIVILEGES ON \`$cacti_dbname\`.* TO '$cacti_dbuser'@'localhost';" ||
        { lab_fail cacti-db "creating the database"; return 1; }
    # Every up: no discovery job (rule 1; the stock schema has one for
    # 192.168.1.0/24), no web installer, the lab's settings. Run right
    # after the schema or the dump is loaded, before any poller.
    cat > "$CACTI_DIR/lab-init.sql" <<EOF
DELETE FROM automation_networks;
DELETE FROM automation_devices;
UPDATE version SET cacti='$(cat "$CACTI_SITE/include/cacti_version")';
REPLACE INTO settings (name,value) VALUES
  ('rrdtool_version','rrd-1.7.x'), ('path_cactilog','$LAB_RUN/logs/cacti.log'),
  ('poller_interval','10'), ('cron_interval','60'), ('poller_type','1'),
  ('concurrent_processes','1'), ('path_rrdtool','/usr/bin/rrdtool'),
  ('path_php_binary','/usr/bin/php'), ('snmp_version','2'),
  ('snmp_community','$CACTI_COMMUNITY'), ('log_verbosity','2');
EOF
    if [ -f "$cacti_dump" ]; then
        cat "$cacti_dump" "$CACTI_DIR/lab-init.sql" | cacti_sql "$cacti_dbname" ||
            { lab_fail cacti-db "loading $cacti_dump"; return 1; }
        cacti_timing "DB loaded from $cacti_dump, automation networks deleted"
        cacti_check_socket || return 1
    else
        cat /usr/share/cacti/conf_templates/cacti.sql "$CACTI_DIR/lab-init.sql" |
            cacti_sql "$cacti_dbname" ||
            { lab_fail cacti-db "loading cacti.sql"; return 1; }
        cacti_timing "schema loaded, automation networks deleted"
        cacti_check_socket || return 1
        cacti_setup "$cacti_dbname" || return 1
        if [ "${CACTI_CACHE:-1}" != 0 ]; then
            rm -f "$CACTI_CACHE_DIR"/db-*.sql
            mysqldump --socket="$CACTI_SOCK" -uroot --single-transaction "$cacti_dbname" \
                > "$cacti_dump.tmp" && mv "$cacti_dump.tmp" "$cacti_dump"
        fi
    fi
    # this up's passwords (MD5 seeds; Cacti rehashes them at the first login)
    cacti_sql "$cacti_dbname" -e "
        UPDATE user_auth SET password=MD5('$(sed "s/'/''/g" "$CACTI_DIR/pass")'),
          must_change_password='', enabled='on' WHERE username='admin';
        UPDATE user_auth SET password=MD5('$(sed "s/'/''/g" "$CACTI_DIR/pass-viewer")'),
          must_change_password='', enabled='on' WHERE username='viewer';" ||
        { lab_fail cacti-db "setting the passwords"; return 1; }

    lab_wait cacti-snmpd 20 cacti_snmp_ok "$LAB_SNMP_IP" || return 1

    # shellcheck disable=SC2046  # one id per word
    cacti_php "$LAB_DIR/cacti/backfill.php" "$CACTI_BACKFILL" "$CACTI_DIR/rra" \
        $(cacti_sql "$cacti_dbname" -e 'SELECT id FROM data_local ORDER BY id') \
        >>"$LAB_RUN/logs/cacti-setup.log" 2>&1 ||
        { lab_fail cacti-setup "back-filling the RRD files"; return 1; }
    cacti_php "$CACTI_CLI/rebuild_poller_cache.php" >>"$LAB_RUN/logs/cacti-setup.log" 2>&1 ||
        { lab_fail cacti-setup "rebuild_poller_cache.php"; return 1; }
    cacti_timing "back-filled ${CACTI_BACKFILL}s of history"

    # What each graph draws from which RRD file (for tests and the SSH
    # fallback): graph, host, description, hostname, title, legend, CDEF,
    # file, DS name.
    cacti_sql "$cacti_dbname" > "$CACTI_DIR/graphs.tsv" <<'EOF' ||
SELECT gti.local_graph_id, gl.host_id, h.description, h.hostname, gtg.title_cache,
  gti.text_format, IFNULL(c.name, ''), dtd.data_source_path, dtr.data_source_name
FROM graph_templates_item gti
JOIN graph_local gl ON gl.id = gti.local_graph_id
JOIN host h ON h.id = gl.host_id
JOIN graph_templates_graph gtg ON gtg.local_graph_id = gl.id
JOIN data_template_rrd dtr ON dtr.id = gti.task_item_id
JOIN data_template_data dtd ON dtd.local_data_id = dtr.local_data_id
LEFT JOIN cdef c ON c.id = gti.cdef_id
WHERE gti.local_graph_id > 0 AND gti.graph_type_id IN (4, 5, 6, 7, 8)
ORDER BY gti.local_graph_id, gti.sequence;
EOF
        { lab_fail cacti-db "writing graphs.tsv"; return 1; }

    # --- poller loop, the lab's cron: each poller.php run does six 10 s
    #     cycles. poller.php lifts PHP's memory limit, and without its DB it
    #     grows by GBs a minute: bound each run, and end the loop with the DB.
    lab_start cacti-poller "$LAB_NS_VPC" env PHP_INI_SCAN_DIR=":$CACTI_DIR/php" \
        setpriv --reuid=www-data --regid=www-data --init-groups sh -c '
        ulimit -v 2097152
        while [ -S "$1" ]; do timeout --foreground 300 php "$2/poller.php" --force; sleep 1; done' \
        sh "$CACTI_SOCK" "$CACTI_SITE" || return 1

    cacti_sql "$cacti_dbname" -e "SELECT gl.id FROM graph_local gl JOIN host h ON h.id=gl.host_id
        WHERE h.description='lab-snmp' ORDER BY gl.id LIMIT 1" > "$CACTI_DIR/ready-graph"
    lab_wait cacti-web 30 cacti_ready || return 1
    cacti_timing "web answers a login and a 60-row export"
}

# Does PHP reach the lab's server? (Not a system MariaDB on the default
# socket: the check fails then.)
cacti_check_socket() {
    cacti_got=$(cacti_php -r 'include "/usr/share/cacti/site/include/cli_check.php";
        echo db_fetch_cell("SELECT @@socket");' 2>&1)
    [ "$cacti_got" = "$CACTI_SOCK" ] && return 0
    lab_fail cacti "PHP reaches the wrong database server: $cacti_got"
}

# Templates, the lab's 10 s profile, devices, graphs, the tree and the
# second user, with Cacti's own CLI tools (DB name in $1).
cacti_setup() {
    for cacti_t in Local_Linux_Machine NetSNMP_Device; do
        cacti_php "$CACTI_CLI/import_package.php" \
            --filename="$CACTI_SITE/install/templates/$cacti_t.xml.gz" \
            >>"$LAB_RUN/logs/cacti-setup.log" 2>&1 ||
            { lab_fail cacti-setup "importing $cacti_t"; return 1; }
    done
    cacti_timing "templates imported"
    # rrdtool 1.7 writes this legend unescaped into xport's XML and Cacti
    # then exports an empty CSV; a 10 s profile for a short poller step
    # (the step is fixed when an RRD is created, so before any graph).
    cacti_sql "$1" <<'EOF' || { lab_fail cacti-db "lab profile"; return 1; }
UPDATE graph_templates_item SET text_format='Running Processes' WHERE text_format='Running Processes<>';
INSERT INTO data_source_profiles (hash,name,step,heartbeat,x_files_factor,`default`)
  VALUES (MD5('mctop-lab-10s'),'10 Second Collection (lab)',10,120,0.5,'on');
SET @p = LAST_INSERT_ID();
INSERT INTO data_source_profiles_rra (data_source_profile_id,name,steps,`rows`,timespan) VALUES
  (@p,'Daily (10 Second Average)',1,8640,86400), (@p,'Weekly (5 Minute Average)',30,2016,604800),
  (@p,'Monthly (1 Hour Average)',360,744,2678400);
INSERT INTO data_source_profiles_cf (data_source_profile_id,consolidation_function_id) VALUES (@p,1),(@p,3);
UPDATE data_source_profiles SET `default`=IF(id=@p,'on','');
UPDATE data_template_data SET data_source_profile_id=@p, rrd_step=10;
UPDATE data_template_rrd SET rrd_heartbeat=120;
EOF

    lab_wait cacti-snmpd 20 cacti_snmp_ok "$LAB_SNMP_IP" || return 1
    cacti_timing "snmpd up"
    cacti_devices "$1" || { lab_fail cacti-setup "creating devices, graphs and the tree"; return 1; }
    cacti_timing "devices: $(cacti_sql "$1" -e 'SELECT COUNT(*) FROM host') graphs: $(cacti_sql "$1" -e 'SELECT COUNT(*) FROM graph_local')"
}

# SNMP port of agent N (0: lab-snmp, 1-3: the SSH hosts): one address each
# in the vpc, one port each on 127.0.0.1 in loopback mode.
cacti_snmp_port() {
    if [ "$LAB_MODE" = netns ]; then echo "$LAB_SNMP_PORT"; else echo $((LAB_SNMP_PORT + $1)); fi
}

# Add a device; prints its id. DESCRIPTION ADDRESS add_device-options...
cacti_add_device() {
    cacti_a_d=$1 cacti_a_ip=$2; shift 2
    cacti_a_out=$(cacti_php "$CACTI_CLI/add_device.php" --description="$cacti_a_d" \
        --ip="$cacti_a_ip" "$@" 2>&1) || { printf '%s\n' "$cacti_a_out" >&2; return 1; }
    printf '%s\n' "$cacti_a_out" | sed -n 's/^Success - new device-id: (\([0-9]*\))$/\1/p'
}

# Wait for the jobs in $cacti_jobs (a bare `wait` would wait for the
# daemons too: they are this shell's children).
cacti_jobs=""
cacti_wait_jobs() {
    for cacti_j in $cacti_jobs; do wait "$cacti_j"; done
    cacti_jobs=""
}

# Devices, graphs, the tree and a second user (DB name in $1).
cacti_devices() {
    cacti_d_db=$1
    cacti_lin=$(cacti_sql "$cacti_d_db" -e "SELECT id FROM host_template WHERE name='Local Linux Machine'")
    cacti_net=$(cacti_sql "$cacti_d_db" -e "SELECT id FROM host_template WHERE name='Net-SNMP Device'")
    cacti_q=$(cacti_sql "$cacti_d_db" -e "SELECT id FROM snmp_query WHERE name='SNMP - Interface Statistics'")
    [ -n "$cacti_lin" ] && [ -n "$cacti_net" ] && [ -n "$cacti_q" ] || return 1
    # A light template for the SSH hosts: the full Net-SNMP one runs eight
    # data queries per device and makes eleven graphs.
    cacti_host=$(cacti_sql "$cacti_d_db" <<EOF
INSERT INTO host_template (hash, name) VALUES (MD5('mctop-lab-host'), 'mctop lab SNMP host');
SET @t = LAST_INSERT_ID();
INSERT INTO host_template_graph (host_template_id, graph_template_id)
  SELECT @t, id FROM graph_templates WHERE name IN
  ('Net-SNMP - Load Average', 'Net-SNMP - Memory Usage', 'Net-SNMP - CPU Utilization');
INSERT INTO host_template_snmp_query (host_template_id, snmp_query_id)
  VALUES (@t, $cacti_q);
SELECT @t;
EOF
    ) || return 1

    # Five devices at once (each is a PHP process that mostly waits):
    # the Cacti machine (local scripts), the SNMP agent's own address with
    # the stock Net-SNMP template, and the Icinga SSH hosts by address;
    # dev-db-01 under another description, so only its address matches.
    cacti_opts="--version=2 --community=$CACTI_COMMUNITY --avail=snmp --proxy"
    for cacti_n in 0 1 2 3 4; do
        case $cacti_n in
        0) set -- lab-cacti "$LAB_CACTI_IP" --template="$cacti_lin" --avail=none --version=0 --proxy ;;
        1) set -- lab-snmp "$LAB_SNMP_IP" --template="$cacti_net" $cacti_opts \
               --port="$(cacti_snmp_port 0)" ;;
        *) set -- $(lab_host $((cacti_n - 1)))
           [ "$cacti_n" = 4 ] && set -- "db server ($1)" "$2"
           set -- "$1" "$2" --template="$cacti_host" $cacti_opts \
               --port="$(cacti_snmp_port $((cacti_n - 1)))" ;;
        esac
        cacti_add_device "$@" > "$CACTI_DIR/dev-$cacti_n" 2>>"$LAB_RUN/logs/cacti-setup.log" &
        cacti_jobs="$cacti_jobs $!"
    done
    cacti_wait_jobs
    cacti_h=""
    for cacti_n in 0 1 2 3 4; do
        cacti_i=$(cat "$CACTI_DIR/dev-$cacti_n")
        [ -n "$cacti_i" ] || { echo "device $cacti_n not added" >>"$LAB_RUN/logs/cacti-setup.log"; return 1; }
        cacti_h="$cacti_h $cacti_i"
    done
    set -- $cacti_h
    cacti_h_cacti=$1 cacti_h_snmp=$2 cacti_h1=$3 cacti_h2=$4 cacti_h3=$5
    echo "devices: lab-cacti=$1 lab-snmp=$2 h1=$3 h2=$4 h3=$5" >>"$LAB_RUN/logs/cacti-setup.log"

    # traffic on lo for every SNMP device, and the second user, at once
    cacti_qt=$(cacti_sql "$cacti_d_db" -e "SELECT id FROM snmp_query_graph WHERE snmp_query_id=$cacti_q AND name='In/Out Bits (64-bit)'")
    cacti_gt=$(cacti_sql "$cacti_d_db" -e "SELECT graph_template_id FROM snmp_query_graph WHERE id='$cacti_qt'")
    for cacti_i in $cacti_h_snmp $cacti_h1 $cacti_h2 $cacti_h3; do
        cacti_php "$CACTI_CLI/add_graphs.php" --host-id="$cacti_i" --graph-type=ds \
            --graph-template-id="$cacti_gt" --snmp-query-id="$cacti_q" \
            --snmp-query-type-id="$cacti_qt" --snmp-field=ifName --snmp-value=lo \
            > "$CACTI_DIR/graph-$cacti_i" 2>&1 &
        cacti_jobs="$cacti_jobs $!"
    done
    cacti_php "$CACTI_CLI/copy_user.php" guest viewer > "$CACTI_DIR/user" 2>&1 &
    cacti_jobs="$cacti_jobs $!"
    cacti_wait_jobs
    cat "$CACTI_DIR"/graph-* "$CACTI_DIR/user" >>"$LAB_RUN/logs/cacti-setup.log"
    for cacti_i in $cacti_h_snmp $cacti_h1 $cacti_h2 $cacti_h3; do
        grep -q '^Graph Added' "$CACTI_DIR/graph-$cacti_i" || return 1
    done
    rm -f "$CACTI_DIR"/dev-* "$CACTI_DIR"/graph-* "$CACTI_DIR/user"

    # The tree "Lab", written as Cacti's add_tree.php writes it (one SQL
    # run instead of a dozen PHP processes): environments as headers, a
    # nested header, host leaves and one graph leaf; alphabetic order.
    cacti_sql "$cacti_d_db" <<EOF || return 1
INSERT INTO graph_tree (enabled, sort_type, name, sequence, user_id, last_modified, modified_by)
  VALUES ('on', 2, 'Lab', 2, 1, NOW(), 1);
SET @t = LAST_INSERT_ID();
INSERT INTO graph_tree_items (parent, position, graph_tree_id, title, sort_children_type)
  VALUES (0, 1, @t, 'Development', 2);
SET @dev = LAST_INSERT_ID();
INSERT INTO graph_tree_items (parent, position, graph_tree_id, title, sort_children_type)
  VALUES (0, 2, @t, 'Infrastructure', 2);
SET @inf = LAST_INSERT_ID();
INSERT INTO graph_tree_items (parent, position, graph_tree_id, title, sort_children_type)
  VALUES (0, 3, @t, 'Production', 2);
SET @prd = LAST_INSERT_ID();
INSERT INTO graph_tree_items (parent, position, graph_tree_id, title, sort_children_type)
  VALUES (0, 4, @t, 'Test', 2);
SET @tst = LAST_INSERT_ID();
INSERT INTO graph_tree_items (parent, position, graph_tree_id, title, sort_children_type)
  VALUES (@prd, 1, @t, 'Web', 2);
SET @web = LAST_INSERT_ID();
INSERT INTO graph_tree_items (parent, position, graph_tree_id, title, host_id, sort_children_type) VALUES
  (@dev, 1, @t, '', $cacti_h3, 2), (@inf, 1, @t, '', $cacti_h_cacti, 2),
  (@inf, 2, @t, '', $cacti_h_snmp, 2), (@web, 1, @t, '', $cacti_h1, 2),
  (@tst, 1, @t, '', $cacti_h2, 2);
INSERT INTO graph_tree_items (parent, position, graph_tree_id, title, local_graph_id, sort_children_type)
  SELECT @inf, 3, @t, '', gl.id, 2 FROM graph_local gl
  JOIN graph_templates gt ON gt.id = gl.graph_template_id
  WHERE gl.host_id = $cacti_h_cacti AND gt.name = 'Unix - Load Average';
EOF
}

# Stop NAME and everything in its process group (php -S workers, the
# poller's children) with SIG (TERM; KILL for the poller, whose TERM
# handler queries the DB, and without a DB hangs while its memory grows),
# then lab_stop, then KILL whatever of the group is left.
cacti_stop() {
    cacti_s_pid=$(cat "$LAB_RUN/pids/$1" 2>/dev/null) || return 0
    kill -"${2:-TERM}" -"$cacti_s_pid" 2>/dev/null
    lab_stop "$1"
    kill -KILL -"$cacti_s_pid" 2>/dev/null
    return 0
}

# Remove run/cacti, and the DB's directory in /dev/shm it links to.
cacti_rm_dir() {
    cacti_x=$(readlink "$CACTI_DIR/db" 2>/dev/null)
    case $cacti_x in /dev/shm/mctop-lab-cacti-db.*) rm -rf "$cacti_x" ;; esac
    rm -rf "$CACTI_DIR"
}

cacti_down() {
    # the poller first, while its DB is there (see the loop above)
    cacti_stop cacti-poller KILL
    for cacti_p in cacti-web cacti-snmpd cacti-db; do
        cacti_stop "$cacti_p"
    done
    cacti_rm_dir
}
