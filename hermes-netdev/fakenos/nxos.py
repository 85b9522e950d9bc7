"""FakeNOS NOS plugin: a stateful Cisco NX-OS switch (n3k). See hermes_sim.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hermes_sim  # noqa: E402

NAME = "hermes_nxos"
INITIAL_PROMPT = "{base_prompt}>"
ENABLE_PROMPT = "{base_prompt}#"
CONFIG_PROMPT = "{base_prompt}(config)#"
DEVICE_NAME = "NxosDevice"
NxosDevice = hermes_sim.NxosDevice

commands = {
    "show version": {
        "output": "Cisco Nexus Operating System (NX-OS) Software\nNXOS: version 9.3(8)\nNXOS image file is: bootflash:///nxos.9.3.8.bin\ncisco Nexus3000 C3064PQ Chassis",
        "help": "show version",
    },
    "_default_": {"output": "% Invalid command at '^' marker.", "help": "unknown"},
}
