#!/usr/bin/env bash
# Benchmark: Hermes vs hier_config and ciscoconfparse2 on two 10,000-line IOS configurations that
# differ in 2% of their lines (parse + ordered remediation), one run, ratios printed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export HERMES_PEERS_DIR="${HERMES_PEERS_DIR:-$HOME/.cache/hermes/peers}"
mkdir -p "$HERMES_PEERS_DIR"
# shellcheck disable=SC1091
source scripts/lib.sh
bin="$(venv_install netbench hier_config ciscoconfparse2)"
HERMES_NETBENCH_PYTHON="$bin/python" cargo bench -q -p hermes-netdev --bench remediation
