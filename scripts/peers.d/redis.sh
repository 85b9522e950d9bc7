# Redis 7: the machine's own server (127.0.0.1:6379, no persistence). Started if down, never stopped.
redis_status() { [ "$(redis-cli -h "${REDIS_ADDR%:*}" -p "${REDIS_ADDR##*:}" ping 2>/dev/null)" = PONG ]; }
redis_up() {
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "${REDIS_ADDR##*:}" --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_port "$REDIS_ADDR" 20
}
redis_down() { :; }
