#!/usr/bin/env bash
# The README's main command: a tour of the whole proposal against local peers, printing what it does.
# Starts the peers it needs (installing what is missing), then runs each step in scripts/tour.d/ in order.
#   scripts/tour.sh            every step
#   scripts/tour.sh core ilo   only the steps whose names contain these words
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck disable=SC1091
source scripts/lib.sh
export HERMES_PEERS_DIR="${HERMES_PEERS_DIR:-$HOME/.cache/hermes/peers}"

echo "==> starting the local peers (scripts/peers.sh up)"
bash scripts/peers.sh up

echo "==> building the examples"
cargo build -q -p hermes-examples --bins

failed=()
for step in scripts/tour.d/*.sh; do
    name="$(basename "$step" .sh)"
    if [ $# -gt 0 ]; then
        match=""
        for w in "$@"; do [[ "$name" == *"$w"* ]] && match=1; done
        [ -n "$match" ] || continue
    fi
    echo
    echo "================================================================================"
    echo "==> tour step $name"
    echo "================================================================================"
    if ! bash "$step"; then
        failed+=("$name")
        echo "!! tour step $name FAILED" >&2
    fi
done
echo
if [ ${#failed[@]} -gt 0 ]; then
    echo "tour finished with failed steps: ${failed[*]}" >&2
    exit 1
fi
echo "tour finished: every step passed"
