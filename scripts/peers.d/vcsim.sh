# vcsim (govmomi's vSphere simulator) for hermes-vsphere, through a small launcher of our own
# (hermes-vsphere/vcsim/main.go) built in GOPATH mode against Debian's govmomi 0.24 library.
# HTTPS with a CA the launcher writes to $VCSIM_CA; user $VCSIM_USER, password in $VCSIM_PASSWORD_FILE.
vcsim_status() { port_open "$VCSIM_ADDR" && [ -f "$HERMES_PEERS_DIR/run/vcsim.pid" ] && kill -0 "$(cat "$HERMES_PEERS_DIR/run/vcsim.pid")" 2>/dev/null; }
vcsim_build() {
    apt_install golang-go golang-github-vmware-govmomi-dev ca-certificates
    local src="$ROOT/hermes-vsphere/vcsim/main.go" dir="$VCSIM_DIR" stamp
    mkdir -p "$dir/go/src/hermes-vcsim" "$dir/bin" "$dir/gocache"
    stamp="$(sha256sum "$src" | cut -c1-16)"
    if [ ! -x "$dir/bin/vcsim" ] || [ "$(cat "$dir/bin/vcsim.stamp" 2>/dev/null)" != "$stamp" ]; then
        echo "  building vcsim launcher (about 1 min)" >&2
        cp "$src" "$dir/go/src/hermes-vcsim/main.go"
        (cd "$dir/go/src/hermes-vcsim" &&
            GO111MODULE=off GOPATH="/usr/share/gocode:$dir/go" GOCACHE="$dir/gocache" GOPROXY=off \
                go build -o "$dir/bin/vcsim.new" .) || return 1
        mv "$dir/bin/vcsim.new" "$dir/bin/vcsim"
        echo "$stamp" > "$dir/bin/vcsim.stamp"
    fi
}
vcsim_up() {
    vcsim_build || return 1
    if [ ! -s "$VCSIM_PASSWORD_FILE" ]; then
        head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$VCSIM_PASSWORD_FILE"
        chmod 600 "$VCSIM_PASSWORD_FILE"
    fi
    rm -f "$VCSIM_CA"
    start_bg vcsim "$VCSIM_DIR/bin/vcsim" -listen "$VCSIM_ADDR" -ca-out "$VCSIM_CA" \
        -thumbprint-out "$VCSIM_THUMBPRINT" -user "$VCSIM_USER" -password-file "$VCSIM_PASSWORD_FILE"
    wait_port "$VCSIM_ADDR" 60 || return 1
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q "vim25 SDK at" "$HERMES_PEERS_DIR/log/vcsim.log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "vcsim did not finish setting up its inventory; see $HERMES_PEERS_DIR/log/vcsim.log" >&2
    return 1
}
vcsim_down() { stop_bg vcsim; }
