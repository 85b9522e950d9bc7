#!/usr/bin/env bash
# Starts, checks and stops Hermes' test peers, idempotently, on loopback.
#   scripts/peers.sh up [NAME...]      install what is missing and start (default: every peer)
#   scripts/peers.sh status [NAME...]  say which answer (exit 1 if one does not)
#   scripts/peers.sh down [NAME...]    stop what this script started (never the machine's own services)
# Peers, ports and settings: scripts/peers.env. One script per peer: scripts/peers.d/NAME.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export HERMES_PEERS_DIR="${HERMES_PEERS_DIR:-$HOME/.cache/hermes/peers}"
mkdir -p "$HERMES_PEERS_DIR/run" "$HERMES_PEERS_DIR/log"
set -a
# shellcheck disable=SC1091
source "$ROOT/scripts/peers.env"
set +a
# shellcheck disable=SC1091
source "$ROOT/scripts/lib.sh"
for f in "$ROOT"/scripts/peers.d/*.sh; do
    # shellcheck disable=SC1090
    source "$f"
done

cmd="${1:-status}"
shift || true
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    read -r -a names <<< "$HERMES_PEERS"
fi

rc=0
for name in "${names[@]}"; do
    fn="${name//-/_}"
    if ! declare -F "${fn}_up" >/dev/null; then
        echo "unknown peer '$name': expected scripts/peers.d/$name.sh (known: $HERMES_PEERS)" >&2
        exit 2
    fi
    case "$cmd" in
        up)
            t0=$(date +%s)
            if "${fn}_status" >/dev/null 2>&1; then
                echo "peer $name: already up ($(peer_addr "$name"))"
            else
                echo "peer $name: starting..."
                if ! "${fn}_up"; then
                    echo "peer $name: FAILED to start; see $HERMES_PEERS_DIR/log/$name.log" >&2
                    rc=1
                    continue
                fi
                echo "peer $name: up ($(peer_addr "$name"), $(( $(date +%s) - t0 )) s)"
            fi
            ;;
        status)
            if "${fn}_status"; then
                echo "peer $name: up ($(peer_addr "$name"))"
            else
                echo "peer $name: DOWN ($(peer_addr "$name")): run scripts/peers.sh up $name"
                rc=1
            fi
            ;;
        down)
            "${fn}_down" || true
            echo "peer $name: down"
            ;;
        *)
            echo "usage: $0 up|status|down [NAME...]" >&2
            exit 2
            ;;
    esac
done
exit $rc
