"""FakeNOS NOS plugin: a stateful Cisco IOS Catalyst 3750 (c3750). See hermes_sim.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hermes_sim  # noqa: E402

NAME = "hermes_ios"
INITIAL_PROMPT = "{base_prompt}>"
ENABLE_PROMPT = "{base_prompt}#"
CONFIG_PROMPT = "{base_prompt}(config)#"
DEVICE_NAME = "IosDevice"
IosDevice = hermes_sim.IosDevice

commands = {
    "show version": {
        "output": "Cisco IOS Software, C3750 Software (C3750-IPSERVICESK9-M), Version 12.2(55)SE12, RELEASE SOFTWARE (fc2)\nSystem image file is \"flash:c3750-ipservicesk9-mz.122-55.SE12.bin\"",
        "help": "show version",
    },
    "_default_": {"output": "% Invalid input detected at '^' marker.", "help": "unknown"},
}
