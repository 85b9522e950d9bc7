# PostgreSQL 15: the machine's own cluster (127.0.0.1:5432, trust). Started if down, never stopped.
# hermes-data's cluster backups (pg_basebackup) need a replication entry for loopback in pg_hba.conf:
# added once, then the server reloads.
postgres_hba() { echo "/etc/postgresql/$(ls /etc/postgresql | sort -n | tail -1)/main/pg_hba.conf"; }
postgres_replication_ok() { grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$(postgres_hba)"; }
postgres_status() {
    port_open "$POSTGRES_ADDR" && pg_isready -q -h "${POSTGRES_ADDR%:*}" -p "${POSTGRES_ADDR##*:}" &&
        postgres_replication_ok
}
postgres_up() {
    local v; v="$(ls /etc/postgresql | sort -n | tail -1)"
    if ! postgres_replication_ok; then
        printf '%s\n' '# hermes: pg_basebackup over loopback' 'host replication all 127.0.0.1/32 trust' >> "$(postgres_hba)"
    fi
    if port_open "$POSTGRES_ADDR"; then
        pg_ctlcluster --skip-systemctl-redirect "$v" main reload
    else
        pg_ctlcluster --skip-systemctl-redirect "$v" main start
    fi
    wait_port "$POSTGRES_ADDR" 30
}
postgres_down() { :; }
