# FakeNOS 1.2.1 (PyPI) serving SSH for three stateful devices on loopback: n3k (NX-OS), c3750 (IOS,
# enable password from $FAKENOS_ENABLE_SECRET) and fgt (FortiOS). The stateful device plugins and the
# launcher are committed in hermes-netdev/fakenos/; state lives in the FakeNOS process (a restart
# resets the devices to their initial configuration).
# The plugins' digest, recorded at start: a checkout with other plugins restarts the devices.
fakenos_plugins() { cat "$ROOT"/hermes-netdev/fakenos/*.py | sha256sum | cut -c1-16; }
fakenos_status() {
    [ "$(cat "$HERMES_PEERS_DIR/run/fakenos.plugins" 2>/dev/null)" = "$(fakenos_plugins)" ] &&
    port_open "$FAKENOS_N3K_ADDR" && port_open "$FAKENOS_C3750_ADDR" && port_open "$FAKENOS_FGT_ADDR" &&
        [ -f "$HERMES_PEERS_DIR/run/fakenos.pid" ] && kill -0 "$(cat "$HERMES_PEERS_DIR/run/fakenos.pid")" 2>/dev/null
}
fakenos_up() {
    local bin dir plugins
    stop_bg fakenos # one started from other plugins (see fakenos_status)
    bin="$(venv_install fakenos fakenos==1.2.1)"
    dir="$HERMES_PEERS_DIR/fakenos"
    plugins="$ROOT/hermes-netdev/fakenos"
    mkdir -p "$dir"
    # Our own host key (paramiko needs PEM RSA), so clients pin its fingerprint instead of trusting any key.
    [ -f "$dir/host_key" ] || ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C fakenos -f "$dir/host_key"
    ssh-keygen -lf "$dir/host_key.pub" | awk '{print $2}' > "$FAKENOS_HOST_KEY_FP_FILE"
    cat > "$dir/inventory.yaml" <<YAML
default:
  username: $FAKENOS_USER
  password: $FAKENOS_PASSWORD
  server:
    plugin: ParamikoSshServer
    configuration:
      address: 127.0.0.1
      timeout: 1
      ssh_key_file: $dir/host_key
  shell:
    plugin: CMDShell
hosts:
  n3k:
    port: ${FAKENOS_N3K_ADDR##*:}
    platform: cisco_nxos
    nos:
      plugin: $plugins/nxos.py
  c3750:
    port: ${FAKENOS_C3750_ADDR##*:}
    platform: cisco_ios
    nos:
      plugin: $plugins/ios.py
  fgt:
    port: ${FAKENOS_FGT_ADDR##*:}
    platform: fortinet
    nos:
      plugin: $plugins/fortios.py
YAML
    FAKENOS_ENABLE_SECRET="$FAKENOS_ENABLE_SECRET" start_bg fakenos "$bin/python" "$plugins/run.py" "$dir/inventory.yaml"
    wait_port "$FAKENOS_N3K_ADDR" 30 && wait_port "$FAKENOS_C3750_ADDR" 30 && wait_port "$FAKENOS_FGT_ADDR" 30 &&
        fakenos_plugins > "$HERMES_PEERS_DIR/run/fakenos.plugins"
}
fakenos_down() { stop_bg fakenos; }
