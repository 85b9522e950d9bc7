# Redfish peers for hermes-ilo (sushy-tools 2.2.0 in a venv, see shared/PEERS.md "Redfish / iLO 5"):
#   sushy        sushy-emulator, fake driver, 16 fake systems, plain HTTP           ($SUSHY_ADDR)
#   sushy-tls    the same emulator over HTTPS + basic auth (bcrypt htpasswd), with a CA and a server
#                certificate for IP:127.0.0.1 generated here                      ($SUSHY_TLS_ADDR)
#   sushy-ilo5   sushy-static serving the real HPE iLO 5 capture in shared/data   ($SUSHY_ILO5_ADDR)
# The venv also holds DMTF's python `redfish` library for hermes-ilo's benchmark. State under $SUSHY_DIR.

sushy_venv() { venv_install sushy 'sushy-tools==2.2.0' bcrypt 'redfish==3.4.2'; }

# The emulator's Python config: NAME-PREFIX COUNT -> SUSHY_EMULATOR_FAKE_SYSTEMS with stable UUIDs/MACs.
sushy_write_conf() { # FILE ADDR STATE_DIR EXTRA_LINES
    local file="$1" addr="$2" state="$3" extra="$4"
    {
        echo "SUSHY_EMULATOR_LISTEN_IP = '${addr%:*}'"
        echo "SUSHY_EMULATOR_LISTEN_PORT = ${addr##*:}"
        echo "SUSHY_EMULATOR_FAKE_DRIVER = True"
        echo "SUSHY_EMULATOR_STATE_DIR = '$state'"
        echo "SUSHY_EMULATOR_FAKE_SYSTEMS = ["
        local i n
        for i in $(seq 1 "$SUSHY_SYSTEMS"); do
            n=$(printf '%02d' "$i")
            echo "  {'uuid': '00000000-0000-4000-8000-0000000000$n', 'name': 'dl380-$n', 'power_state': 'Off',"
            echo "   'nics': [{'mac': '52:54:00:00:00:$n', 'ip': '192.0.2.$i'}]},"
        done
        echo "]"
        echo "$extra"
    } > "$file"
}

sushy_status() {
    command -v xorriso >/dev/null && port_open "$SUSHY_ADDR" && [ -f "$HERMES_PEERS_DIR/run/sushy.pid" ] \
        && kill -0 "$(cat "$HERMES_PEERS_DIR/run/sushy.pid")" 2>/dev/null
}
sushy_up() {
    local bin
    # xorriso builds the per-host ESXi ISOs (hermes-ilo's iso module, its tests and the esxi_install example).
    apt_install xorriso
    bin="$(sushy_venv)"
    mkdir -p "$SUSHY_DIR/http/state" "$SUSHY_DIR/http/tmp"
    sushy_write_conf "$SUSHY_DIR/http/emulator.conf" "$SUSHY_ADDR" "$SUSHY_DIR/http/state" ""
    TMPDIR="$SUSHY_DIR/http/tmp" start_bg sushy "$bin/sushy-emulator" --config "$SUSHY_DIR/http/emulator.conf"
    wait_port "$SUSHY_ADDR" 30
}
sushy_down() { stop_bg sushy; }

sushy_tls_status() {
    port_open "$SUSHY_TLS_ADDR" && [ -f "$HERMES_PEERS_DIR/run/sushy-tls.pid" ] \
        && kill -0 "$(cat "$HERMES_PEERS_DIR/run/sushy-tls.pid")" 2>/dev/null
}
sushy_tls_up() {
    local bin d="$SUSHY_DIR/tls"
    bin="$(sushy_venv)"
    mkdir -p "$d/state" "$d/tmp"
    if [ ! -s "$SUSHY_TLS_CA" ] || [ ! -s "$d/server.key" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Hermes test CA" \
            -keyout "$d/ca.key" -out "$SUSHY_TLS_CA" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$d/server.ext"
        openssl x509 -req -in "$d/server.csr" -CA "$SUSHY_TLS_CA" -CAkey "$d/ca.key" -CAcreateserial \
            -days 3650 -extfile "$d/server.ext" -out "$d/server.crt" 2>/dev/null
    fi
    if [ ! -s "$SUSHY_TLS_PASSWORD_FILE" ]; then
        head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$SUSHY_TLS_PASSWORD_FILE"
        chmod 600 "$SUSHY_TLS_PASSWORD_FILE"
    fi
    # htpasswd with a bcrypt hash (the only digest sushy-emulator accepts), made with the venv's bcrypt.
    SUSHY_PW="$(cat "$SUSHY_TLS_PASSWORD_FILE")" "$bin/python" -c '
import bcrypt, os, sys
pw = os.environ["SUSHY_PW"].encode()
print(sys.argv[1] + ":" + bcrypt.hashpw(pw, bcrypt.gensalt(rounds=5)).decode())' "$SUSHY_TLS_USER" > "$d/htpasswd"
    sushy_write_conf "$d/emulator.conf" "$SUSHY_TLS_ADDR" "$d/state" "SUSHY_EMULATOR_SSL_CERT = '$d/server.crt'
SUSHY_EMULATOR_SSL_KEY = '$d/server.key'
SUSHY_EMULATOR_AUTH_FILE = '$d/htpasswd'"
    TMPDIR="$d/tmp" start_bg sushy-tls "$bin/sushy-emulator" --config "$d/emulator.conf"
    wait_port "$SUSHY_TLS_ADDR" 30
}
sushy_tls_down() { stop_bg sushy-tls; }

sushy_ilo5_status() {
    port_open "$SUSHY_ILO5_ADDR" && [ -f "$HERMES_PEERS_DIR/run/sushy-ilo5.pid" ] \
        && kill -0 "$(cat "$HERMES_PEERS_DIR/run/sushy-ilo5.pid")" 2>/dev/null
}
sushy_ilo5_up() {
    local bin tree
    bin="$(sushy_venv)"
    tree="${HERMES_SHARED:-$ROOT/../shared}/data/redfish/hpe-ilo5/redfish/v1"
    [ -d "$tree" ] || { echo "no iLO 5 capture at $tree (set HERMES_SHARED)" >&2; return 1; }
    start_bg sushy-ilo5 "$bin/sushy-static" -i "${SUSHY_ILO5_ADDR%:*}" -p "${SUSHY_ILO5_ADDR##*:}" -m "$tree"
    wait_port "$SUSHY_ILO5_ADDR" 30
}
sushy_ilo5_down() { stop_bg sushy-ilo5; }
