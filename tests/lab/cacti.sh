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

CACTI_DIR=$LAB_RUN/cacti
CACTI_SITE=/usr/share/cacti/site
CACTI_CLI=/usr/share/cacti/cli
CACTI_SOCK=$CACTI_DIR/db/mysqld.sock
CACTI_COMMUNITY=mctop-lab-ro
CACTI_BACKFILL=${CACTI_BACKFILL:-86400}   # seconds of history per graph
if [ "$LAB_CACTI_PORT" = 80 ]; then
    CACTI_URL=http://$LAB_CACTI_IP/cacti
else
    CACTI_URL=http://$LAB_CACTI_IP:$LAB_CACTI_PORT/cacti
fi

# mctop config lines for the lab site (secrets stay in files).
LAB_CONF_CACTI="cacti_url = $CACTI_URL
cacti_user = admin
cacti_password_command = cat $CACTI_DIR/pass"

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

# "... (id)" or "...: (id)" printed by Cacti's CLI tools -> id
cacti_id() {
    sed -n 's/.*(\([0-9][0-9]*\)).*/\1/p' | head -n 1
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
        grep -q "Logged in as <span id='user'[^>]*>$1<"
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
    rm -rf "$CACTI_DIR"
    mkdir -p "$CACTI_DIR/db" "$CACTI_DIR/php" "$CACTI_DIR/rra" \
        "$CACTI_DIR/sessions" "$CACTI_DIR/www" "$CACTI_DIR/snmp" || return 1
    chmod 755 "$CACTI_DIR"
    chown mysql:mysql "$CACTI_DIR/db"
    chown www-data:www-data "$CACTI_DIR/rra" "$CACTI_DIR/sessions"
    chmod 700 "$CACTI_DIR/sessions" "$CACTI_DIR/snmp"
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

    # --- MariaDB: own datadir and socket, no networking, no /etc/mysql
    mariadb-install-db --no-defaults --user=mysql --datadir="$CACTI_DIR/db" \
        --auth-root-authentication-method=socket --skip-test-db \
        >"$LAB_RUN/logs/cacti-db.log" 2>&1 ||
        { lab_fail cacti-db "mariadb-install-db"; return 1; }
    lab_start cacti-db "$LAB_NS_VPC" /usr/sbin/mariadbd --no-defaults \
        --user=mysql --datadir="$CACTI_DIR/db" --socket="$CACTI_SOCK" \
        --pid-file="$CACTI_DIR/db/mariadbd.pid" --skip-networking \
        --skip-name-resolve --innodb-buffer-pool-size=64M \
        --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci || return 1

    # --- snmpd: the lab's agent on the SNMP address and the SSH hosts'
    #     addresses (in loopback mode one port on 127.0.0.1)
    cacti_agents="udp:$LAB_SNMP_IP:$LAB_SNMP_PORT"
    if [ "$LAB_MODE" = netns ]; then
        for cacti_ip in $LAB_HOST_IPS; do
            cacti_agents="$cacti_agents,udp:$cacti_ip:$LAB_SNMP_PORT"
        done
        cacti_src=10.77.0.0/24
    else
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
    cacti_admin=$(sed "s/'/''/g" "$CACTI_DIR/pass")
    cacti_viewer=$(sed "s/'/''/g" "$CACTI_DIR/pass-viewer")
    cacti_sql -e "CREATE DATABASE \`$cacti_dbname\` CHARACTER SET latin1;
        CREATE USER '$cacti_dbuser'@'localhost' IDENTIFIED BY '$cacti_dbpass';
        GRANT ALL PRIVILEGES ON \`$cacti_dbname\`.* TO '$cacti_dbuser'@'localhost';" ||
        { lab_fail cacti-db "creating the database"; return 1; }
    # Schema, then at once: no discovery job (rule 1), no web installer,
    # the lab's settings.
    cat > "$CACTI_DIR/lab-init.sql" <<EOF
DELETE FROM automation_networks;
DELETE FROM automation_devices;
UPDATE user_auth SET password=MD5('$cacti_admin'), must_change_password='' WHERE id=1;
UPDATE version SET cacti='$(cat "$CACTI_SITE/include/cacti_version")';
REPLACE INTO settings (name,value) VALUES
  ('rrdtool_version','rrd-1.7.x'), ('path_cactilog','$LAB_RUN/logs/cacti.log'),
  ('poller_interval','10'), ('cron_interval','60'), ('poller_type','1'),
  ('concurrent_processes','1'), ('path_rrdtool','/usr/bin/rrdtool'),
  ('path_php_binary','/usr/bin/php'), ('snmp_version','2'),
  ('snmp_community','$CACTI_COMMUNITY'), ('log_verbosity','2');
EOF
    cat /usr/share/cacti/conf_templates/cacti.sql "$CACTI_DIR/lab-init.sql" |
        cacti_sql "$cacti_dbname" ||
        { lab_fail cacti-db "loading cacti.sql"; return 1; }
    cacti_timing "schema loaded, automation networks deleted"

    # Whom does PHP reach? Our socket, or the check fails.
    cacti_got=$(cacti_php -r 'include "/usr/share/cacti/site/include/cli_check.php";
        echo db_fetch_cell("SELECT @@socket");' 2>&1)
    if [ "$cacti_got" != "$CACTI_SOCK" ]; then
        lab_fail cacti "PHP reaches the wrong database server: $cacti_got"; return 1
    fi

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
    cacti_sql "$cacti_dbname" <<'EOF' || { lab_fail cacti-db "lab profile"; return 1; }
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

    if ! cacti_devices "$cacti_dbname"; then
        lab_fail cacti-setup "creating devices, graphs and the tree"; return 1
    fi
    cacti_timing "devices: $(cacti_sql "$cacti_dbname" -e 'SELECT COUNT(*) FROM host') graphs: $(cacti_sql "$cacti_dbname" -e 'SELECT COUNT(*) FROM graph_local')"

    # shellcheck disable=SC2046  # one id per word
    cacti_php "$LAB_DIR/cacti/backfill.php" "$CACTI_BACKFILL" "$CACTI_DIR/rra" \
        $(cacti_sql "$cacti_dbname" -e 'SELECT id FROM data_local ORDER BY id') \
        >>"$LAB_RUN/logs/cacti-setup.log" 2>&1 ||
        { lab_fail cacti-setup "back-filling the RRD files"; return 1; }
    cacti_php "$CACTI_CLI/rebuild_poller_cache.php" >>"$LAB_RUN/logs/cacti-setup.log" 2>&1 ||
        { lab_fail cacti-setup "rebuild_poller_cache.php"; return 1; }
    cacti_timing "back-filled ${CACTI_BACKFILL}s of history"

    # --- poller loop, the lab's cron: each poller.php run does six 10 s cycles
    lab_start cacti-poller "$LAB_NS_VPC" env PHP_INI_SCAN_DIR=":$CACTI_DIR/php" \
        setpriv --reuid=www-data --regid=www-data --init-groups \
        sh -c "while :; do php $CACTI_SITE/poller.php --force; sleep 1; done" || return 1

    cacti_sql "$cacti_dbname" -e "SELECT gl.id FROM graph_local gl JOIN host h ON h.id=gl.host_id
        WHERE h.description='lab-snmp' ORDER BY gl.id LIMIT 1" > "$CACTI_DIR/ready-graph"
    lab_wait cacti-web 30 cacti_ready || return 1
    cacti_timing "web answers a login and a 60-row export"
}

# Devices, graphs and the tree (DB name in $1).
cacti_devices() {
    cacti_d_db=$1
    cacti_lin=$(cacti_sql "$cacti_d_db" -e "SELECT id FROM host_template WHERE name='Local Linux Machine'")
    cacti_net=$(cacti_sql "$cacti_d_db" -e "SELECT id FROM host_template WHERE name='Net-SNMP Device'")
    [ -n "$cacti_lin" ] && [ -n "$cacti_net" ] || return 1

    # the Cacti machine itself: local scripts, no SNMP
    cacti_h_cacti=$(cacti_php "$CACTI_CLI/add_device.php" --description=lab-cacti \
        --ip="$LAB_CACTI_IP" --template="$cacti_lin" --avail=none --version=0 | cacti_id)
    [ -n "$cacti_h_cacti" ] || return 1

    # SNMP devices: the agent's own address and the Icinga SSH hosts'
    # (dev-db-01 under another description: found only by address)
    cacti_snmp_dev() {   # DESCRIPTION ADDRESS [extra add_device options]
        cacti_s_d=$1 cacti_s_a=$2; shift 2
        cacti_php "$CACTI_CLI/add_device.php" --description="$cacti_s_d" \
            --ip="$cacti_s_a" --template="$cacti_net" --version=2 \
            --community="$CACTI_COMMUNITY" --port="$LAB_SNMP_PORT" \
            --avail=snmp --proxy "$@" | cacti_id
    }
    cacti_h_snmp=$(cacti_snmp_dev lab-snmp "$LAB_SNMP_IP")
    set -- $(lab_host 1); cacti_h1=$(cacti_snmp_dev "$1" "$2")
    set -- $(lab_host 2); cacti_h2=$(cacti_snmp_dev "$1" "$2")
    set -- $(lab_host 3); cacti_h3=$(cacti_snmp_dev "db server ($1)" "$2")
    [ -n "$cacti_h_snmp" ] && [ -n "$cacti_h1" ] && [ -n "$cacti_h2" ] &&
        [ -n "$cacti_h3" ] || return 1
    echo "devices: lab-cacti=$cacti_h_cacti lab-snmp=$cacti_h_snmp h1=$cacti_h1 h2=$cacti_h2 h3=$cacti_h3" \
        >>"$LAB_RUN/logs/cacti-setup.log"

    # traffic graphs of lo for every SNMP device
    cacti_q=$(cacti_sql "$cacti_d_db" -e "SELECT id FROM snmp_query WHERE name='SNMP - Interface Statistics'")
    cacti_qt=$(cacti_sql "$cacti_d_db" -e "SELECT id FROM snmp_query_graph WHERE snmp_query_id='$cacti_q' AND name='In/Out Bits (64-bit)'")
    cacti_gt=$(cacti_sql "$cacti_d_db" -e "SELECT graph_template_id FROM snmp_query_graph WHERE id='$cacti_qt'")
    for cacti_h in $cacti_h_snmp $cacti_h1 $cacti_h2 $cacti_h3; do
        cacti_php "$CACTI_CLI/add_graphs.php" --host-id="$cacti_h" --graph-type=ds \
            --graph-template-id="$cacti_gt" --snmp-query-id="$cacti_q" \
            --snmp-query-type-id="$cacti_qt" --snmp-field=ifName --snmp-value=lo \
            >>"$LAB_RUN/logs/cacti-setup.log" 2>&1 || return 1
    done

    # tree "Lab": environments as headers, one nested header, one graph leaf
    cacti_tree=$(cacti_php "$CACTI_CLI/add_tree.php" --type=tree --name=Lab --sort-method=alpha | cacti_id)
    [ -n "$cacti_tree" ] || return 1
    cacti_node() {   # PARENT NAME -> node id
        if [ "$1" = 0 ]; then
            cacti_php "$CACTI_CLI/add_tree.php" --type=node --node-type=header \
                --tree-id="$cacti_tree" --name="$2" | cacti_id
        else
            cacti_php "$CACTI_CLI/add_tree.php" --type=node --node-type=header \
                --tree-id="$cacti_tree" --parent-node="$1" --name="$2" | cacti_id
        fi
    }
    cacti_leaf() {   # PARENT host|graph ID
        cacti_php "$CACTI_CLI/add_tree.php" --type=node --node-type="$2" \
            --tree-id="$cacti_tree" --parent-node="$1" --"$2"-id="$3" | grep -q 'node-id'
    }
    cacti_n_prd=$(cacti_node 0 Production) && cacti_n_web=$(cacti_node "$cacti_n_prd" Web) &&
    cacti_n_tst=$(cacti_node 0 Test) && cacti_n_dev=$(cacti_node 0 Development) &&
    cacti_n_inf=$(cacti_node 0 Infrastructure) || return 1
    cacti_g_load=$(cacti_sql "$cacti_d_db" -e "SELECT gl.id FROM graph_local gl
        JOIN graph_templates gt ON gt.id=gl.graph_template_id
        WHERE gl.host_id=$cacti_h_cacti AND gt.name LIKE '%Load Average%' LIMIT 1")
    cacti_leaf "$cacti_n_web" host "$cacti_h1" &&
    cacti_leaf "$cacti_n_tst" host "$cacti_h2" &&
    cacti_leaf "$cacti_n_dev" host "$cacti_h3" &&
    cacti_leaf "$cacti_n_inf" host "$cacti_h_cacti" &&
    cacti_leaf "$cacti_n_inf" host "$cacti_h_snmp" &&
    cacti_leaf "$cacti_n_inf" graph "$cacti_g_load" || return 1

    # a second, view-only user
    cacti_php "$CACTI_CLI/copy_user.php" guest viewer >>"$LAB_RUN/logs/cacti-setup.log" 2>&1 &&
    cacti_sql "$cacti_d_db" -e "UPDATE user_auth SET password=MD5('$cacti_viewer'),
        must_change_password='', enabled='on' WHERE username='viewer'"
}

cacti_down() {
    for cacti_p in cacti-poller cacti-web cacti-snmpd cacti-db; do
        lab_stop "$cacti_p"
    done
    rm -rf "$CACTI_DIR"
}
