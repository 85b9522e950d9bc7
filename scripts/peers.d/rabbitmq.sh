# RabbitMQ 3.10: the machine's own broker (127.0.0.1:5672, guest/guest). Started if down, never stopped.
rabbitmq_status() { port_open "$RABBITMQ_ADDR"; }
rabbitmq_up() {
    rabbitmq-server -detached
    wait_port "$RABBITMQ_ADDR" 90
}
rabbitmq_down() { :; }
