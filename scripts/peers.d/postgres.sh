# PostgreSQL 15: the machine's own cluster (127.0.0.1:5432, trust). Started if down, never stopped.
postgres_status() { port_open "$POSTGRES_ADDR" && pg_isready -q -h "${POSTGRES_ADDR%:*}" -p "${POSTGRES_ADDR##*:}"; }
postgres_up() {
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -n | tail -1)" main start
    wait_port "$POSTGRES_ADDR" 30
}
postgres_down() { :; }
