"""FakeNOS NOS plugin: a stateful FortiGate 60F (fgt). See hermes_sim.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hermes_sim  # noqa: E402

NAME = "hermes_fortios"
INITIAL_PROMPT = "{base_prompt} # "
DEVICE_NAME = "FortiDevice"
FortiDevice = hermes_sim.FortiDevice

commands = {
    "get system status": {
        "output": "Version: FortiGate-60F v7.2.5,build1517,230606 (GA.F)\nSerial-Number: FGT60FTK00000000\nHostname: fgt\nCurrent HA mode: standalone",
        "help": "system status",
    },
    "_default_": {"output": "Unknown action 0\nCommand fail. Return code -1", "help": "unknown"},
}
