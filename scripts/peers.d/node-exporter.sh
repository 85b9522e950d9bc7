# Prometheus node exporter 1.5 (Debian `prometheus-node-exporter`) on loopback: the host's CPU, memory
# and network metrics that hermes-anomaly's example watches.
node_exporter_status() { port_open "$NODE_EXPORTER_ADDR" && [ -f "$HERMES_PEERS_DIR/run/node-exporter.pid" ] && kill -0 "$(cat "$HERMES_PEERS_DIR/run/node-exporter.pid")" 2>/dev/null; }
node_exporter_up() {
    apt_install prometheus-node-exporter
    start_bg node-exporter /usr/bin/prometheus-node-exporter \
        --web.listen-address="$NODE_EXPORTER_ADDR" \
        --collector.disable-defaults --collector.cpu --collector.meminfo --collector.netdev \
        --collector.loadavg --collector.stat
    wait_port "$NODE_EXPORTER_ADDR" 30
}
node_exporter_down() { stop_bg node-exporter; }
