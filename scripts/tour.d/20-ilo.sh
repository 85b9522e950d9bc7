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
