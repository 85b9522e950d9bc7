#!/usr/bin/env bash
# hermes-netdev: plan, diff, apply and verify the network baseline on FakeNOS devices (NX-OS n3k,
# IOS c3750, FortiOS fgt) over SSH; the example converges twice and checks the second run is empty,
# then backs the three running configurations up into a local artifact store (versioned, stored only
# when changed, with a diff against the previous version), and reads each device's running firmware,
# checks it against a firmware policy and prints the upgrade plan of each device that is behind.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export HERMES_PEERS_DIR="${HERMES_PEERS_DIR:-$HOME/.cache/hermes/peers}"
set -a
# shellcheck disable=SC1091
source scripts/peers.env
set +a
BACKUP_DIR="${HERMES_TOUR_DIR:-$HOME/.cache/hermes/tour}/network-backups"
mkdir -p "$BACKUP_DIR"
echo "--> network_baseline against n3k ($FAKENOS_N3K_ADDR), c3750 ($FAKENOS_C3750_ADDR), fgt ($FAKENOS_FGT_ADDR)"
cargo run -q -p hermes-examples --bin network_baseline -- \
    --n3k "$FAKENOS_N3K_ADDR" --c3750 "$FAKENOS_C3750_ADDR" --fgt "$FAKENOS_FGT_ADDR" \
    --user "$FAKENOS_USER" --password-env FAKENOS_PASSWORD --enable-env FAKENOS_ENABLE_SECRET \
    --host-key-fp-file "$FAKENOS_HOST_KEY_FP_FILE" --backup-dir "$BACKUP_DIR"
