"""Starts FakeNOS with Hermes's stateful device plugins.

Usage: python run.py INVENTORY.yaml

Registers `HermesShell` in FakeNOS's shell-plugin table (under the name CMDShell): a CMDShell that first offers each line to
the NOS device's `handle(shell, line)` (the stateful simulators in hermes_sim.py) and falls back to
FakeNOS's own exact-match command table when the device returns None.
"""
import signal
import sys
import threading
import time

from fakenos import FakeNOS
from fakenos.plugins import shell as shell_plugins
from fakenos.plugins.shell.cmd_shell import CMDShell


class HermesShell(CMDShell):
    def default(self, line):
        device = getattr(self.nos, "device", None)
        handler = getattr(device, "handle", None)
        if handler is not None:
            out = handler(self, line)
            if out is not None:
                if not self.is_running.is_set():
                    return True
                if out:
                    self.writeline(out)
                return False
        return super().default(line)

    def do_help(self, arg):
        return self.default("help " + arg if arg else "help")

    def do_EOF(self, arg):
        return True


# FakeNOS's inventory schema only accepts the shell plugin name "CMDShell": register ours under it
# (it behaves exactly like CMDShell for devices without a `handle` method).
shell_plugins.shell_plugins["CMDShell"] = HermesShell


def main():
    net = FakeNOS(inventory=sys.argv[1])
    net.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("fakenos: started", flush=True)
    while not stop.is_set():
        time.sleep(0.2)
    net.stop()


if __name__ == "__main__":
    main()
