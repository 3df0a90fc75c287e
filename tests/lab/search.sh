# Lab module: the search server (sourced by lab.sh after lib.sh). POSIX sh.
#
# search/searchd.py, the lab's only Elasticsearch/Kibana stand-in (Debian's
# python3, standard library only), in the vpc namespace:
#   $LAB_SEARCH_IP:$LAB_SEARCH_PORT   Elasticsearch API (10.77.0.5:9200)
#   $LAB_SEARCH_IP:$LAB_KIBANA_PORT   Kibana console proxy (10.77.0.5:5601)
# HTTPS by default (as Elasticsearch 8 ships), with a certificate from the
# search lab CA in run/search/ca.crt (SAN IP 10.77.0.5 and 127.0.0.1);
# LAB_SEARCH_TLS=0 serves plain HTTP instead.
#
# Users (new random passwords at every up, files mode 0600 in run/search):
#   mctop    lab_reader: read logstash-*      pass, curl-mctop.cfg
#   writer   lab_writer: + index logstash-*   writer.pass, curl-writer.cfg
#   nobody   lab_nothing: no index privilege  nobody.pass, curl-nobody.cfg
#   elastic  superuser (and /_lab/fault)      elastic.pass, curl-elastic.cfg
#   API key for mctop: api_key (the encoded value for "Authorization: ApiKey")
# The CA survives `down` (like the ssh host keys); remove run/search/pki for
# a new one.
#
# Knobs: LAB_SEARCH_TLS (1), LAB_SEARCH_DOCS (4000), LAB_SEARCH_SEED (42),
# LAB_SEARCH_TRICKLE (0: seconds between background documents),
# LAB_SEARCH_ES_VERSION (8.15.0), LAB_KIBANA_VERSION (8.15.0),
# LAB_SEARCH_ARGS (more searchd.py options), LAB_PYTHON (/usr/bin/python3).

LAB_SEARCH_DIR=$LAB_RUN/search
LAB_SEARCH_TLS=${LAB_SEARCH_TLS:-1}
if [ "$LAB_SEARCH_TLS" = 1 ]; then LAB_SEARCH_SCHEME=https; else LAB_SEARCH_SCHEME=http; fi
LAB_SEARCH_URL=$LAB_SEARCH_SCHEME://$LAB_SEARCH_IP:$LAB_SEARCH_PORT
LAB_KIBANA_URL=$LAB_SEARCH_SCHEME://$LAB_SEARCH_IP:$LAB_KIBANA_PORT
LAB_SEARCH_CA=$LAB_SEARCH_DIR/ca.crt

# mctop config lines for the lab site (keys: man/mctop.conf.5). One site
# takes elastic_url or kibana_url, not both; LAB_CONF_SEARCH_KIBANA is the
# Kibana variant for a second site. Secrets stay in run/search.
if [ "$LAB_SEARCH_TLS" = 1 ]; then
    search_ca_line="
elastic_ca_file = $LAB_SEARCH_CA"
else
    search_ca_line=
fi
LAB_CONF_SEARCH="elastic_url = $LAB_SEARCH_URL
elastic_user = mctop
elastic_password_command = cat $LAB_SEARCH_DIR/pass$search_ca_line
elastic_index = logstash-*"
LAB_CONF_SEARCH_KIBANA="kibana_url = $LAB_KIBANA_URL
elastic_user = mctop
elastic_password_command = cat $LAB_SEARCH_DIR/pass$search_ca_line
elastic_index = logstash-*"
export LAB_CONF_SEARCH LAB_CONF_SEARCH_KIBANA

# The server certificate names both lab addresses (10.77.0.5 in netns
# mode, 127.0.0.1 in loopback mode), so one CA file serves either mode.
search_san() {
    search_s="IP:10.77.0.5, IP:127.0.0.1, DNS:localhost, DNS:lab-search"
    case " $search_s," in
    *" IP:$LAB_SEARCH_IP,"*) ;;
    *) search_s="IP:$LAB_SEARCH_IP, $search_s" ;;
    esac
    echo "$search_s"
}

# The lab CA and the server certificate (kept across ups; remade when the
# addresses change).
search_pki() {
    search_p=$LAB_SEARCH_DIR/pki
    if [ ! -f "$search_p/server.crt" ] || [ ! -f "$search_p/ca.crt" ] ||
        [ "$(cat "$search_p/san" 2>/dev/null)" != "$(search_san)" ]; then
        rm -rf "$search_p" && mkdir -p "$search_p" && chmod 0700 "$search_p" || return 1
        cat > "$search_p/server.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $(search_san)
EOF
        search_san > "$search_p/san"
        {
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
                -days 3650 -subj "/O=mctop lab/CN=mctop lab search CA" \
                -addext "basicConstraints = critical, CA:TRUE" \
                -addext "keyUsage = critical, keyCertSign, cRLSign" \
                -keyout "$search_p/ca.key" -out "$search_p/ca.crt" &&
            openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
                -subj "/O=mctop lab/CN=lab-search" \
                -keyout "$search_p/server.key" -out "$search_p/server.csr" &&
            openssl x509 -req -in "$search_p/server.csr" -days 3650 -sha256 \
                -CA "$search_p/ca.crt" -CAkey "$search_p/ca.key" -CAcreateserial \
                -extfile "$search_p/server.ext" -out "$search_p/server.crt"
        } >>"$LAB_RUN/logs/search.log" 2>&1 ||
            { lab_fail search "openssl could not make the search lab CA"; return 1; }
    fi
    cp "$search_p/ca.crt" "$LAB_SEARCH_CA" && chmod 0644 "$LAB_SEARCH_CA"
}

# users, API key and curl configs; new secrets every up, all mode 0600.
search_credentials() {
    (
        umask 077
        d=$LAB_SEARCH_DIR
        : > "$d/users.tmp" || exit 1
        for u in elastic:superuser mctop:lab_reader writer:lab_writer nobody:lab_nothing; do
            name=${u%%:*}
            pw=$(lab_rand 18)
            [ -n "$pw" ] || exit 1
            echo "$name:$pw:${u#*:}" >> "$d/users.tmp"
            if [ "$name" = mctop ]; then f=$d/pass; else f=$d/$name.pass; fi
            printf '%s\n' "$pw" > "$f"
            printf 'user = "%s:%s"\n' "$name" "$pw" > "$d/curl-$name.cfg"
        done
        mv "$d/users.tmp" "$d/users"
        kid=$(lab_rand 10) && secret=$(lab_rand 16) || exit 1
        echo "$kid:$secret:mctop" > "$d/api_keys"
        printf '%s:%s' "$kid" "$secret" | base64 | tr -d '\n' > "$d/api_key"
        echo >> "$d/api_key"
        printf 'header = "Authorization: ApiKey %s"\n' "$(cat "$d/api_key")" > "$d/curl-apikey.cfg"
    ) || { lab_fail search "cannot write the credentials in $LAB_SEARCH_DIR"; return 1; }
}

# curl as USER to the Elasticsearch port, from inside the vpc namespace.
search_curl() {
    search_u=$1; shift
    if [ "$LAB_SEARCH_TLS" = 1 ]; then set -- --cacert "$LAB_SEARCH_CA" "$@"; fi
    lab_ns "$LAB_NS_VPC" curl -sS --max-time 5 -K "$LAB_SEARCH_DIR/curl-$search_u.cfg" "$@"
}

# Ready when a real _search answers 200 and Kibana's /api/status too.
search_ready() {
    search_code=$(search_curl mctop -o /dev/null -w '%{http_code}' \
        -H 'Content-Type: application/json' -d '{"size":0,"track_total_hits":true}' \
        "$LAB_SEARCH_URL/logstash-*/_search") || return 1
    [ "$search_code" = 200 ] || return 1
    search_code=$(search_curl mctop -o /dev/null -w '%{http_code}' \
        "$LAB_KIBANA_URL/api/status") || return 1
    [ "$search_code" = 200 ]
}

search_up() {
    search_t0=$(lab_now)
    mkdir -p "$LAB_SEARCH_DIR" && chmod 0700 "$LAB_SEARCH_DIR" ||
        { lab_fail search "cannot create $LAB_SEARCH_DIR"; return 1; }
    search_py=${LAB_PYTHON:-/usr/bin/python3}
    [ -x "$search_py" ] || { lab_fail search "no $search_py (apt-get install python3)"; return 1; }
    search_credentials || return 1
    set --
    if [ "$LAB_SEARCH_TLS" = 1 ]; then
        search_pki || return 1
        set -- --tls-cert "$LAB_SEARCH_DIR/pki/server.crt" --tls-key "$LAB_SEARCH_DIR/pki/server.key"
    fi
    if [ -f "$LAB_DIR/icinga/hosts.conf" ]; then
        set -- "$@" --hosts-from "$LAB_DIR/icinga"
    fi
    # shellcheck disable=SC2086
    lab_start search "$LAB_NS_VPC" "$search_py" -B "$LAB_DIR/search/searchd.py" \
        --listen "$LAB_SEARCH_IP" --es-port "$LAB_SEARCH_PORT" \
        --kibana-port "$LAB_KIBANA_PORT" \
        --users "$LAB_SEARCH_DIR/users" --api-keys "$LAB_SEARCH_DIR/api_keys" \
        --seed "${LAB_SEARCH_SEED:-42}" --docs "${LAB_SEARCH_DOCS:-4000}" \
        --trickle "${LAB_SEARCH_TRICKLE:-0}" \
        --es-version "${LAB_SEARCH_ES_VERSION:-8.15.0}" \
        --kibana-version "${LAB_KIBANA_VERSION:-8.15.0}" \
        "$@" ${LAB_SEARCH_ARGS:-} || return 1
    lab_wait search 60 search_ready || return 1
    lab_progress search "$search_t0" "_search and Kibana answer"
    echo "lab: search: $LAB_SEARCH_URL (Elasticsearch ${LAB_SEARCH_ES_VERSION:-8.15.0}), $LAB_KIBANA_URL (Kibana ${LAB_KIBANA_VERSION:-8.15.0}); users in $LAB_SEARCH_DIR"
}

search_down() {
    lab_stop search
}
