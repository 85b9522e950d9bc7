#!/usr/bin/env bash
# hermes-ilo: install ESXi (simulated) on 8 servers of the local Redfish emulator (sushy-tools), then run
# again to show that a second run changes nothing; finally the inventory of the real HPE iLO 5 capture
# and of a Dell iDRAC 9 tree (redfish_inventory, read-only).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
echo "--- esxi_install, first run (--fresh): per-host ISO, virtual media, boot once from CD, power cycle, wait"
cargo run -q -p hermes-examples --bin esxi_install -- --fresh
echo
echo "--- esxi_install, second run: every server is already installed, nothing is sent"
cargo run -q -p hermes-examples --bin esxi_install
echo
echo "--- esxi_install from an Ansible inventory: 4 servers behind the HTTPS emulator (basic auth), the"
echo "    iLO certificate pinned by its SHA-256 fingerprint, the password read by lookup('file', ...)"
export HERMES_PEERS_DIR="${HERMES_PEERS_DIR:-$HOME/.cache/hermes/peers}"
set -a
# shellcheck disable=SC1091
source scripts/peers.env
set +a
work="$(mktemp -d "${TMPDIR:-/tmp}/hermes-esxi-inventory.XXXXXX")"
trap 'rm -rf "$work"' EXIT
pin="$(openssl x509 -in "$(dirname "$SUSHY_TLS_CA")/server.crt" -noout -fingerprint -sha256 | cut -d= -f2)"
cat > "$work/hosts.yml" <<YAML
all:
  children:
    dl380:
      vars:
        ilo_url: https://$SUSHY_TLS_ADDR
        ilo_user: $SUSHY_TLS_USER
        ilo_password: "{{ lookup('file', '$SUSHY_TLS_PASSWORD_FILE') }}"
        ilo_pin_sha256: "$pin"
        esxi_netmask: 255.255.255.0
        esxi_gateway: 10.0.20.1
        esxi_dns: [10.0.0.53]
        esxi_ntp: [10.0.0.1]
        esxi_vlan: 120
        esxi_ssh: true
        esxi_root_password: "{{ lookup('env', 'HERMES_DEMO_ESXI_ROOT_PASSWORD') }}"
      hosts:
        esxi-21: { ilo_system: dl380-01, esxi_ip: 10.0.20.21 }
        esxi-22: { ilo_system: dl380-02, esxi_ip: 10.0.20.22 }
        esxi-23: { ilo_system: dl380-03, esxi_ip: 10.0.20.23 }
        esxi-24: { ilo_system: dl380-04, esxi_ip: 10.0.20.24 }
YAML
sed -n '1,12p' "$work/hosts.yml"
echo "  ..."
HERMES_DEMO_ESXI_ROOT_PASSWORD='Hermes-demo-inventory-1!' \
    cargo run -q -p hermes-examples --bin esxi_install -- \
    --inventory "$work/hosts.yml" --limit dl380 --concurrency 4 --work-dir "$work/run" --serve 127.0.0.1:8090
echo
echo "--- redfish_inventory: the real HPE iLO 5 capture (served by sushy-static): managers, systems, CPUs,"
echo "    memory, NICs, storage, chassis, firmware, and what a virtual-CD boot would use (nothing is sent)"
cargo run -q -p hermes-examples --bin redfish_inventory -- --url "http://$SUSHY_ILO5_ADDR"
echo
echo "--- raid_volumes: the boot mirror an ESXi install needs, planned against the same iLO 5 capture"
echo "    (its RAID 1 of two SSDs is already there, so the plan keeps it; nothing is sent)"
cargo run -q -p hermes-examples --bin raid_volumes -- --url "http://$SUSHY_ILO5_ADDR" --volume RAID1:0,1
echo
echo "--- raid_volumes: a different layout, planned only (dry run): the mirror would be deleted, a RAID 0 made"
cargo run -q -p hermes-examples --bin raid_volumes -- --url "http://$SUSHY_ILO5_ADDR" --volume RAID0:0,1:scratch --exclusive
echo
echo "--- redfish_inventory: a Dell iDRAC 9 tree (hermes-ilo/tests/data/redfish, recorded replies), same code"
# shellcheck disable=SC1091
source scripts/lib.sh
dell_addr="127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
setsid "$SUSHY_VENV_BIN/sushy-static" -i 127.0.0.1 -p "${dell_addr##*:}" \
    -m hermes-ilo/tests/data/redfish/dell-idrac9-r640/redfish/v1 > "$work/dell.log" 2>&1 &
dell_pid=$!
trap 'kill "$dell_pid" 2>/dev/null; rm -rf "$work"' EXIT
wait_port "$dell_addr" 30
cargo run -q -p hermes-examples --bin redfish_inventory -- --url "http://$dell_addr"
