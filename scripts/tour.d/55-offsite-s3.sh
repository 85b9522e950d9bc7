#!/usr/bin/env bash
# Offsite copy to S3 (hermes-data's S3 store against the local SeaweedFS peer): a backup run whose
# repository is then copied to s3://hermes-tour/backup-demo (multipart, SHA-256 checked by the server);
# a second run copies only what is new.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export HERMES_PEERS_DIR="${HERMES_PEERS_DIR:-$HOME/.cache/hermes/peers}"
set -a
# shellcheck disable=SC1091
source "$ROOT/scripts/peers.env"
set +a
export HERMES_S3_ENDPOINT="http://$SEAWEEDFS_ADDR" HERMES_S3_REGION="$SEAWEEDFS_REGION"
export HERMES_S3_ACCESS_KEY="$SEAWEEDFS_ACCESS_KEY" HERMES_S3_SECRET_KEY="$SEAWEEDFS_SECRET_KEY"
echo "--> backup run with the offsite copy to S3 (SeaweedFS at $SEAWEEDFS_ADDR)"
cargo run -q -p hermes-examples --bin backup -- --offsite s3://hermes-tour/backup-demo
echo
echo "--> again: only the new objects go offsite"
cargo run -q -p hermes-examples --bin backup -- --offsite s3://hermes-tour/backup-demo
