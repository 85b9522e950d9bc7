# OpenSSH server on 127.0.0.1:2222 for exec over SSH: root with a generated client key, and a user
# `hermes` with a generated password (password auth). Host key, keys and config under $SSHD_DIR.
sshd_status() { port_open "$SSHD_ADDR" && [ -f "$HERMES_PEERS_DIR/run/sshd.pid" ] && kill -0 "$(cat "$HERMES_PEERS_DIR/run/sshd.pid")" 2>/dev/null; }
sshd_up() {
    apt_install openssh-server openssh-client
    mkdir -p "$SSHD_DIR" /run/sshd
    chmod 700 "$SSHD_DIR"
    [ -f "$SSHD_DIR/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/ssh_host_ed25519_key"
    [ -f "$SSHD_CLIENT_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C hermes-tests -f "$SSHD_CLIENT_KEY"
    cp "$SSHD_CLIENT_KEY.pub" "$SSHD_DIR/authorized_keys"
    chmod 600 "$SSHD_DIR/authorized_keys"
    if ! id "$SSHD_USER" >/dev/null 2>&1; then
        useradd -m -s /bin/bash "$SSHD_USER"
    fi
    if [ ! -s "$SSHD_PASSWORD_FILE" ]; then
        head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$SSHD_PASSWORD_FILE"
        chmod 600 "$SSHD_PASSWORD_FILE"
    fi
    echo "$SSHD_USER:$(cat "$SSHD_PASSWORD_FILE")" | chpasswd
    cat > "$SSHD_DIR/sshd_config" <<CONF
ListenAddress ${SSHD_ADDR%:*}
Port ${SSHD_ADDR##*:}
HostKey $SSHD_DIR/ssh_host_ed25519_key
PidFile $SSHD_DIR/sshd.pid
AuthorizedKeysFile $SSHD_DIR/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM yes
MaxStartups 100:30:200
MaxSessions 100
LogLevel INFO
CONF
    start_bg sshd /usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config"
    wait_port "$SSHD_ADDR" 15
}
sshd_down() { stop_bg sshd; }
