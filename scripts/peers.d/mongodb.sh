# MongoDB wire-protocol peer for hermes-data's MongoDB source: SecantusDB (PyPI `secantusdb`, a
# pre-release; see shared/PEERS.md "MongoDB": no mongod is installable here). One server on
# $MONGODB_ADDR with its storage under $MONGODB_DIR; it reports a one-member replica set
# (`secantus`), so snapshot sessions work. Tests create their own uniquely named databases.

mongodb_venv() { venv_install mongodb 'secantusdb==0.7.0b3' 'pymongo>=4.6,<5'; }

mongodb_status() {
    port_open "$MONGODB_ADDR" && [ -f "$HERMES_PEERS_DIR/run/mongodb.pid" ] \
        && kill -0 "$(cat "$HERMES_PEERS_DIR/run/mongodb.pid")" 2>/dev/null
}

mongodb_up() {
    local bin
    bin="$(mongodb_venv)"
    mkdir -p "$MONGODB_DIR/data"
    stop_bg mongodb
    start_bg mongodb "$bin/secantusd-py" --host "${MONGODB_ADDR%:*}" --port "${MONGODB_ADDR##*:}" \
        --storage-path "$MONGODB_DIR/data"
    wait_port "$MONGODB_ADDR" 60 || return 1
    # Answering TCP is not answering commands: wait for `hello`.
    "$bin/python" - "$MONGODB_ADDR" <<'PY'
import sys, time
from pymongo import MongoClient
deadline = time.time() + 30
while True:
    try:
        MongoClient(f"mongodb://{sys.argv[1]}", serverSelectionTimeoutMS=2000).admin.command("hello")
        break
    except Exception as e:
        if time.time() > deadline:
            sys.exit(f"mongodb: {sys.argv[1]} accepts TCP but does not answer hello: {e}")
        time.sleep(0.2)
PY
}

mongodb_down() { stop_bg mongodb; }
