# Prometheus 2.x (Debian `prometheus`) on loopback for hermes-anomaly: scrapes node-exporter and the
# anomaly exporter address, evaluates Hermes' rule file, sends alerts to the local Alertmanager.
# Config, rules and TSDB under $PROMETHEUS_DIR.
prometheus_status() { port_open "$PROMETHEUS_ADDR" && [ -f "$HERMES_PEERS_DIR/run/prometheus.pid" ] && kill -0 "$(cat "$HERMES_PEERS_DIR/run/prometheus.pid")" 2>/dev/null; }
prometheus_up() {
    apt_install prometheus
    mkdir -p "$PROMETHEUS_DIR/data" "$PROMETHEUS_DIR/rules"
    cat > "$PROMETHEUS_DIR/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['$ALERTMANAGER_ADDR']
rule_files:
  - '$PROMETHEUS_DIR/rules/*.yml'
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['$NODE_EXPORTER_ADDR']
  - job_name: hermes-anomaly
    static_configs:
      - targets: ['$ANOMALY_EXPORTER_ADDR']
CONF
    start_bg prometheus /usr/bin/prometheus \
        --config.file="$PROMETHEUS_DIR/prometheus.yml" \
        --storage.tsdb.path="$PROMETHEUS_DIR/data" \
        --storage.tsdb.retention.time=2d \
        --web.listen-address="$PROMETHEUS_ADDR" \
        --web.enable-lifecycle
    wait_port "$PROMETHEUS_ADDR" 30
}
prometheus_down() { stop_bg prometheus; }
