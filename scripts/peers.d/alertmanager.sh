# Alertmanager 0.25 (Debian `prometheus-alertmanager`, API v2) on loopback for hermes-anomaly.
# Config and data under $ALERTMANAGER_DIR; clustering off (no gossip port). Alerts labelled
# hermes_webhook="true" are sent to the webhook receiver the tests bind at $ALERTMANAGER_WEBHOOK_ADDR.
alertmanager_status() { port_open "$ALERTMANAGER_ADDR" && [ -f "$HERMES_PEERS_DIR/run/alertmanager.pid" ] && kill -0 "$(cat "$HERMES_PEERS_DIR/run/alertmanager.pid")" 2>/dev/null; }
alertmanager_up() {
    apt_install prometheus-alertmanager
    mkdir -p "$ALERTMANAGER_DIR/data"
    cat > "$ALERTMANAGER_DIR/alertmanager.yml" <<CONF
route:
  receiver: hermes-null
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: hermes-webhook
      matchers: ['hermes_webhook="true"']
receivers:
  - name: hermes-null
  - name: hermes-webhook
    webhook_configs:
      - url: 'http://$ALERTMANAGER_WEBHOOK_ADDR/'
        send_resolved: true
CONF
    start_bg alertmanager /usr/bin/prometheus-alertmanager \
        --config.file="$ALERTMANAGER_DIR/alertmanager.yml" \
        --storage.path="$ALERTMANAGER_DIR/data" \
        --web.listen-address="$ALERTMANAGER_ADDR" \
        --cluster.listen-address=
    wait_port "$ALERTMANAGER_ADDR" 30
}
alertmanager_down() { stop_bg alertmanager; }
