#!/usr/bin/env bash
# hermes-ilo: install ESXi (simulated) on 8 servers of the local Redfish emulator (sushy-tools), then run
# again to show that a second run changes nothing; finally the inventory of the real HPE iLO 5 capture.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
echo "--- esxi_install, first run (--fresh): per-host ISO, virtual media, boot once from CD, power cycle, wait"
cargo run -q -p hermes-examples --bin esxi_install -- --fresh
echo
echo "--- esxi_install, second run: every server is already installed, nothing is sent"
cargo run -q -p hermes-examples --bin esxi_install
