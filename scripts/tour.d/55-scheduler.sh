#!/usr/bin/env bash
# The long-running backup scheduler (hermes-data::scheduler): as if it had been down for three days, it
# catches up each job once (missed slots folded in and counted), then prints the metrics it serves to
# Prometheus at /metrics (last success, duration, size, missed runs, newest snapshot age = current RPO).
set -euo pipefail
echo "--> backup scheduler: catch-up after a simulated 3-day outage, then its Prometheus metrics"
cargo run -q -p hermes-examples --bin backup_scheduler -- --assume-last-run 3d --catch-up-only --print-metrics
