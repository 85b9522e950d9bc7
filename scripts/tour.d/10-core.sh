# hermes-core: inventory, fan-out health checks, exec over SSH, plan/apply/verify, retention, schedules,
# and the encrypted secrets CLI.
set -euo pipefail
cargo run -q -p hermes-examples --bin core_tour -- --inventory examples/inventory/local.yml

echo
echo "── 7. encrypted secrets file (hermes_secrets)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export HERMES_VAULT_PASSPHRASE="tour passphrase $(date +%s)"
printf 'ilo_admin: example-ilo-password\nvcenter_token: example-token\n' > "$tmp/plain.yml"
cargo run -q -p hermes-examples --bin hermes_secrets -- encrypt --in "$tmp/plain.yml" --out "$tmp/secrets.vault"
echo "   $(head -1 "$tmp/secrets.vault")   ($(wc -l < "$tmp/secrets.vault") lines, values not in clear)"
echo "   names: $(cargo run -q -p hermes-examples --bin hermes_secrets -- list --in "$tmp/secrets.vault" | tr '\n' ' ')"
if HERMES_VAULT_PASSPHRASE="wrong passphrase" cargo run -q -p hermes-examples --bin hermes_secrets -- list --in "$tmp/secrets.vault" 2>"$tmp/err"; then
    echo "   a wrong passphrase was accepted!" >&2; exit 1
fi
echo "   wrong passphrase → $(cat "$tmp/err")"
