#!/usr/bin/env bash
# hermes-anomaly: NAB scores on the dev split, then the live loop against local Prometheus,
# Alertmanager and node-exporter (learn, inject a CPU burn, alert, resolve).
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "== hermes-anomaly: NAB dev split (null, perfect, windowed Gaussian, Hermes ensemble)"
cargo run -q -p hermes-anomaly --bin nab -- --detector null --detector perfect --detector windowedGaussian --detector ensemble
echo "== hermes-anomaly: anomaly_watch against local Prometheus + Alertmanager"
scripts/peers.sh up prometheus alertmanager node-exporter
cargo run -q -p hermes-examples --bin anomaly_watch -- --learn 130 --burn 8 --out "${HERMES_PEERS_DIR:-$HOME/.cache/hermes/peers}/anomaly-watch"
