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
        # Written here in the layout of IOS 12.2(55)SE on a Catalyst 3750 (the values are made up).
        "output": "\n".join([
            "Cisco IOS Software, C3750 Software (C3750-IPSERVICESK9-M), Version 12.2(55)SE12, RELEASE SOFTWARE (fc2)",
            "Technical Support: http://www.cisco.com/techsupport",
            "Copyright (c) 1986-2017 by Cisco Systems, Inc.",
            "Compiled Thu 02-Nov-17 05:32 by prod_rel_team",
            "",
            "ROM: Bootstrap program is C3750 boot loader",
            "BOOTLDR: C3750 Boot Loader (C3750-HBOOT-M) Version 12.2(44)SE5, RELEASE SOFTWARE (fc1)",
            "",
            "c3750 uptime is 3 weeks, 2 days, 4 hours, 11 minutes",
            "System returned to ROM by power-on",
            "System restarted at 09:12:44 UTC Mon Nov 2 2026",
            "System image file is \"flash:c3750-ipservicesk9-mz.122-55.SE12.bin\"",
            "",
            "cisco WS-C3750G-24TS-1U (PowerPC405) processor (revision H0) with 131072K bytes of memory.",
            "Processor board ID FOC1042Z1QX",
            "Last reset from power-on",
            "2 Virtual Ethernet interfaces",
            "28 Gigabit Ethernet interfaces",
            "The password-recovery mechanism is enabled.",
            "",
            "512K bytes of flash-simulated non-volatile configuration memory.",
            "Base ethernet MAC Address       : 00:1B:54:3C:10:80",
            "Motherboard assembly number     : 73-10219-09",
            "Power supply part number        : 341-0108-02",
            "Motherboard serial number       : FOC10420AB1",
            "Power supply serial number      : DCA1039K0C2",
            "Model revision number           : H0",
            "Motherboard revision number     : A0",
            "Model number                    : WS-C3750G-24TS-1U",
            "System serial number            : FOC1042Z1QX",
            "Top Assembly Part Number        : 800-26859-03",
            "Top Assembly Revision Number    : C0",
            "Version ID                      : V05",
            "Hardware Board Revision Number  : 0x09",
            "",
            "",
            "Switch Ports Model              SW Version            SW Image",
            "------ ----- -----              ----------            ----------",
            "*    1 28    WS-C3750G-24TS-1U  12.2(55)SE12          C3750-IPSERVICESK9-M",
            "",
            "",
            "Configuration register is 0xF",
        ]),
        "help": "show version",
    },
    "_default_": {"output": "% Invalid input detected at '^' marker.", "help": "unknown"},
}
