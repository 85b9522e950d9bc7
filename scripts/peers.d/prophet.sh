# Prophet (PyPI `prophet`) in a venv: the benchmark peer of hermes-anomaly's speed benchmark
# (`cargo run --release -p hermes-anomaly --bin bench_prophet`). Not a service: "up" installs it.
prophet_status() { [ -x "$PROPHET_PYTHON" ] && "$PROPHET_PYTHON" -c 'from prophet.models import CmdStanPyBackend; CmdStanPyBackend()' >/dev/null 2>&1; }
prophet_up() {
    venv_install prophet 'prophet==1.1.6' 'cmdstanpy==1.2.5' 'pandas<3' >/dev/null
    # cmdstanpy 1.3 rejects the CmdStan bundled in prophet's wheel ("missing makefile"); pandas 3 is untested by prophet 1.1.6.
    prophet_status
}
prophet_down() { :; }
