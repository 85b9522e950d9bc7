# Helpers shared by scripts/*.sh and scripts/peers.d/*.sh. Sourced, never run.

# Cargo's output lives outside the checkout so a fresh clone (CI) reuses it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hermes/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

peer_addr() { # NAME -> host:port from peers.env
    local var
    var="$(echo "$1" | tr 'a-z-' 'A-Z_')_ADDR"
    echo "${!var}"
}

port_open() { # host:port -> 0 if something accepts TCP there
    local hp="$1"
    (exec 3<>"/dev/tcp/${hp%:*}/${hp##*:}") 2>/dev/null
}

wait_port() { # host:port seconds
    local hp="$1" secs="${2:-30}" i
    for ((i = 0; i < secs * 10; i++)); do
        port_open "$hp" && return 0
        sleep 0.1
    done
    echo "nothing listens on $hp after ${secs}s" >&2
    return 1
}

APT_UPDATED=""
apt_install() { # PKG... : installs the Debian packages that are missing
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ -z "$APT_UPDATED" ]; then
        echo "  apt-get update" >&2
        apt-get update -qq >/dev/null
        APT_UPDATED=1
    fi
    echo "  apt-get install ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

venv_install() { # NAME PIP_ARGS... : a venv under $HERMES_PEERS_DIR/venv/NAME with the packages; prints its bin dir
    local name="$1"
    shift
    local venv="$HERMES_PEERS_DIR/venv/$name" stamp
    stamp="$venv/.hermes-$(echo "$*" | sha256sum | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        rm -rf "$venv"
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q --disable-pip-version-check "$@" >&2
        touch "$stamp"
    fi
    echo "$venv/bin"
}

start_bg() { # NAME CMD... : starts CMD in the background, pid in run/NAME.pid, output in log/NAME.log
    local name="$1"
    shift
    nohup setsid "$@" >"$HERMES_PEERS_DIR/log/$name.log" 2>&1 < /dev/null &
    echo $! >"$HERMES_PEERS_DIR/run/$name.pid"
}

stop_bg() { # NAME [SIGNAL] : stops what start_bg started, by PID (and its process group)
    local name="$1" sig="${2:-TERM}" pidf="$HERMES_PEERS_DIR/run/$1.pid" pid i
    [ -f "$pidf" ] || return 0
    pid="$(cat "$pidf")"
    kill "-$sig" -- "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidf"
}
