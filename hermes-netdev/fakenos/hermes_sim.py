"""Stateful Cisco (IOS / NX-OS) and FortiOS configuration simulators for FakeNOS.

FakeNOS answers canned commands only (exact-string lookup). These device classes keep a running
configuration as a tree and accept configuration-mode lines, so Hermes can apply a change set over
real SSH, read the configuration back and find no diff. They are loaded through FakeNOS's NOS plugin
interface (nxos.py / ios.py / fortios.py define NAME, prompts, DEVICE_NAME and `commands`), and
`run.py` registers `HermesShell`, a FakeNOS CMDShell whose unknown lines go to the device's
`handle()`.

The simulators check what a real device would reject and print its error lines
(`% Invalid input detected at '^' marker.`, `% Incomplete command.`,
FortiOS `Command fail. Return code -61`), so error handling is exercised too.
"""
import copy
import os
import re
import threading

LOCK = threading.Lock()


class Node:
    __slots__ = ("text", "children")

    def __init__(self, text):
        self.text = text
        self.children = []

    def find(self, text):
        for c in self.children:
            if c.text == text:
                return c
        return None


# --------------------------------------------------------------------------------------------
# Cisco
# --------------------------------------------------------------------------------------------

SECTION_TOP = re.compile(
    r"^(interface \S+|vlan \d+(,\d+)*|router (ospf|bgp|eigrp) \S+|ip access-list( (standard|extended))? \S+|"
    r"line .+|vrf context \S+|key chain \S+|route-map .+|class-map .+|policy-map .+|ip vrf \S+|"
    r"vrf definition \S+)$"
)
# IOS `vrf definition X` sub-modes, left with `exit-address-family` (or `exit`).
SECTION_AF = re.compile(r"^address-family (ipv4|ipv6)( (unicast|multicast))?$")
# An interface joining a VRF; IOS and NX-OS then remove the interface's addresses.
VRF_JOIN = re.compile(r"^(ip vrf forwarding|vrf forwarding|vrf member) (\S+)$")
# Global commands typed in a sub-mode leave it (IOS falls back to the global mode); `logging
# synchronous` is a line command.
GLOBAL = re.compile(
    r"^(no )?(ip route|ipv6 route|ntp |logging (?!synchronous)|snmp-server |hostname |feature |boot |ip name-server|"
    r"ip domain|spanning-tree mode|username |banner |clock |ip access-list|access-list |vlan \d)"
)
SECTION_IF = {"nxos": re.compile(r"^(hsrp \d+|vrrp \d+)$"), "ios": re.compile(r"^$^")}
IFNAME = {
    "nxos": re.compile(r"^(Ethernet\d+/\d+(/\d+)?|port-channel\d+|Vlan\d+|loopback\d+|mgmt0)$", re.I),
    "ios": re.compile(r"^(GigabitEthernet\d+/\d+/\d+|FastEthernet\d+/\d+(/\d+)?|TenGigabitEthernet\d+/\d+/\d+|Port-channel\d+|Vlan\d+|Loopback\d+)$"),
}


def replace_key(line):
    l = line[3:] if line.startswith("no ") else line
    w = l.split()
    if not w or w[0].isdigit():
        return None
    if w[-1] == "secondary":
        return None
    one = {"hostname", "description", "mtu", "shutdown", "speed", "duplex", "name", "priority",
           "router-id", "timers", "authentication", "state", "bandwidth", "channel-group", "preempt",
           "address", "version"}
    if w[0] == "speed" and w[1:2] == ["nonegotiate"]:
        return "speed nonegotiate"  # IOS-XE: beside `speed N`
    if w[0] in one:
        return w[0]
    # Port and line settings with one value each, replaced in place as IOS / NX-OS do.
    if w[0] == "spanning-tree" and len(w) >= 2 and w[1] in ("portfast", "port", "guard", "bpduguard", "bpdufilter", "link-type"):
        return " ".join(w[:2])
    if w[0] in ("negotiation", "exec-timeout", "password"):
        return w[0]
    if w[0] in ("privilege", "transport") and len(w) > 2:
        return " ".join(w[:2])
    if w[0] == "access-class" and len(w) == 3:
        return "access-class " + w[2]
    if w[0] == "switchport":
        if len(w) == 1:
            return "switchport"
        if w[1] == "mode":
            return "switchport mode"
        if w[1] == "access":
            return " ".join(w[:3])
        if w[1] == "trunk":
            return " ".join(w[:4])
    if w[0] == "ip" and len(w) > 1:
        if w[1] == "address":
            return "ip address"
        if w[1] == "access-group":
            return "ip access-group " + w[-1]
        if len(w) == 2:
            return "ip"
    if w[0] in ("standby", "vrrp") and len(w) > 2 and w[2] in ("ip", "priority", "preempt", "timers", "authentication"):
        return " ".join(w[:3])
    if w[0] in ("standby", "hsrp") and len(w) > 1 and w[1] == "version":
        return w[0] + " version"
    return None


class CiscoDevice:
    """A Cisco switch: running-config tree, exec / config / sub-modes, checkpoints."""

    flavour = "nxos"
    indent = "  "
    interfaces = []
    enable_password = None

    def __init__(self, configuration_file=None):
        self.root = Node("")
        for line in self.initial_config():
            self._apply_path(line)
        self.checkpoints = {}
        self.sessions = {}

    # -- state helpers -------------------------------------------------------------------------
    def initial_config(self):
        return []

    def _apply_path(self, path):
        node = self.root
        for part in path:
            child = node.find(part)
            if child is None:
                child = Node(part)
                node.children.append(child)
            node = child

    def render(self):
        out = []

        def walk(n, depth):
            for c in n.children:
                out.append(self.indent * depth + c.text)
                walk(c, depth + 1)
                if depth == 1 and self.flavour == "ios" and SECTION_AF.match(c.text):
                    out.append(self.indent + "exit-address-family")
                if depth == 0 and self.flavour == "ios":
                    out.append("!")

        walk(self.root, 0)
        if self.flavour == "nxos":
            head = ["", "!Command: show running-config", "!Running configuration last done at: now", "", "version 9.3(8) Bios:version 05.45", ""]
            return "\n".join(head + out) + "\n"
        body = "\n".join(out) + "\nend\n"
        return "Building configuration...\n\nCurrent configuration : %d bytes\n!\nversion 15.2\n!\n%s" % (len(body), body)

    # -- the shell hook ------------------------------------------------------------------------
    def handle(self, shell, line):
        """Returns the output for `line`, or None to let FakeNOS answer (canned commands)."""
        with LOCK:
            return self._handle(shell, line)

    def _ctx(self, shell):
        st = self.sessions.get(id(shell))
        if st is None:
            st = {"path": None, "await_enable": False}
            self.sessions[id(shell)] = st
        return st

    def _prompt(self, shell, st):
        bp = shell.base_prompt
        if st["path"] is None:
            return shell.prompt
        if not st["path"]:
            return bp + "(config)#"
        top = st["path"][0].text
        if top.startswith("vrf definition ") or top.startswith("ip vrf "):
            sub = "config-vrf-af" if len(st["path"]) > 1 else "config-vrf"
        elif len(st["path"]) > 1:
            sub = "config-if-" + st["path"][-1].text.split()[0]
        elif top.startswith("interface"):
            sub = "config-if"
        elif top.startswith("vlan"):
            sub = "config-vlan"
        elif top.startswith("router"):
            sub = "config-router"
        elif "access-list" in top:
            sub = "config-acl" if self.flavour == "nxos" else "config-ext-nacl"
        else:
            sub = "config-sub"
        return "%s(%s)#" % (bp, sub)

    def _handle(self, shell, raw):
        st = self._ctx(shell)
        line = raw.strip()
        bp = shell.base_prompt
        if st["await_enable"]:
            st["await_enable"] = False
            if line == self.enable_password:
                shell.prompt = bp + "#"
                return ""
            return "% Access denied"
        if st["path"] is None:
            return self._exec(shell, st, line)
        out = self._config(st, line)
        if st["path"] is None:
            shell.prompt = bp + ("#" if self.flavour == "ios" else ">")
        else:
            shell.prompt = self._prompt(shell, st)
        return out

    def _exec(self, shell, st, line):
        bp = shell.base_prompt
        if self.flavour == "ios" and shell.prompt.endswith(">"):
            if line == "enable":
                st["await_enable"] = True
                shell.prompt = "Password: "
                return ""
            if line in ("configure terminal", "conf t", "show running-config"):
                return "% Invalid input detected at '^' marker."
        if line in ("configure terminal", "conf t"):
            st["path"] = []
            shell.prompt = bp + "(config)#"
            return "Enter configuration commands, one per line.  End with CNTL/Z."
        if line == "show running-config":
            return self.render()
        if line.startswith("terminal "):
            return ""
        if self.flavour == "nxos":
            m = re.match(r"^checkpoint (\S+)$", line)
            if m:
                self.checkpoints[m.group(1)] = copy.deepcopy(self.root)
                return "Done"
            m = re.match(r"^rollback running-config checkpoint (\S+)$", line)
            if m:
                if m.group(1) not in self.checkpoints:
                    return "% Checkpoint %s does not exist" % m.group(1)
                self.root = copy.deepcopy(self.checkpoints[m.group(1)])
                return "Note: applying config parallelly may fail Rollback verification\nCollecting Running-Config\nRollback completed successfully."
            m = re.match(r"^no checkpoint (\S+)$", line)
            if m:
                self.checkpoints.pop(m.group(1), None)
                return ""
        return None  # canned FakeNOS command (show version...) or its _default_ error

    def _container(self, st):
        return st["path"][-1] if st["path"] else self.root

    def _config(self, st, line):
        if line in ("end",):
            st["path"] = None
            return ""
        if line == "exit" or (line == "exit-address-family" and len(st["path"] or []) == 2 and SECTION_AF.match(st["path"][-1].text)):
            if st["path"]:
                st["path"].pop()
            else:
                st["path"] = None
            return ""
        if not line or line.startswith("!"):
            return ""
        words = line.split()
        if line in ("interface", "vlan", "router ospf", "ip access-list", "hsrp", "vrrp") or (words[-1] in ("ip", "vlan", "mode", "address", "group") and words[0] != "no"):
            return "% Incomplete command."
        # Global commands typed in a sub-mode leave it (the CLI parser falls back to global mode).
        # `ip route` inside `vrf context X` is the VRF's route (NX-OS), not a global one.
        in_vrf = bool(st["path"]) and st["path"][0].text.startswith("vrf context ") and re.match(r"^(no )?ip route ", line)
        if st["path"] and not in_vrf and (SECTION_TOP.match(line) or GLOBAL.match(line) or line.startswith("default interface") or line.startswith("no interface") or line.startswith("no vlan")):
            st["path"] = []
        cont = self._container(st)
        depth = len(st["path"])
        if depth == 0:
            m = re.match(r"^default interface (\S+)$", line)
            if m:
                n = cont.find("interface " + m.group(1))
                if n is None:
                    return "% Invalid input detected at '^' marker."
                n.children = []
                return ""
        is_section = (
            (depth == 0 and SECTION_TOP.match(line))
            or (depth == 1 and SECTION_IF[self.flavour].match(line) and st["path"][0].text.startswith("interface"))
            or (depth == 1 and self.flavour == "ios" and SECTION_AF.match(line) and st["path"][0].text.startswith("vrf definition "))
        )
        if is_section:
            err = self._check_section(line)
            if err:
                return err
            n = cont.find(line)
            if n is None:
                n = Node(line)
                cont.children.append(n)
            st["path"].append(n)
            return ""
        if line.startswith("no "):
            target = line[3:]
            if target in ("shutdown", "switchport") and depth > 0:
                # shown in the running configuration as `no shutdown` / `no switchport`
                cont.children = [c for c in cont.children if replace_key(c.text) != target]
                cont.children.append(Node(line))
                return ""
            for c in list(cont.children):
                if c.text == target or c.text.startswith(target + " ") or (target.isdigit() and c.text.split()[0] == target):
                    cont.children.remove(c)
                    return ""
            k = replace_key(target)
            if k is not None:
                cont.children = [c for c in cont.children if replace_key(c.text) != k]
            return ""
        err = self._check_leaf(st, line)
        if err:
            return err
        if cont.find(line) is not None:
            return ""
        m = VRF_JOIN.match(line)
        if m and depth == 1 and st["path"][0].text.startswith("interface"):
            # Joining a VRF removes the interface's addresses (IOS: "% Interface X IPv4 disabled
            # and address(es) removed due to enabling VRF Y"; NX-OS deletes its L3 configuration).
            cont.children = [c for c in cont.children if not VRF_JOIN.match(c.text) and not c.text.startswith("ip address ")]
        k = replace_key(line)
        if k is not None:
            cont.children = [c for c in cont.children if replace_key(c.text) != k]
        if words[0].isdigit() and any(c.text.split()[0] == words[0] for c in cont.children):
            return "% Duplicate sequence number"
        cont.children.append(Node(line))
        if words[0].isdigit():
            cont.children.sort(key=lambda c: int(c.text.split()[0]) if c.text.split()[0].isdigit() else 0)
        return ""

    def _check_section(self, line):
        w = line.split()
        if w[0] == "interface" and not IFNAME[self.flavour].match(w[1]):
            return "% Invalid input detected at '^' marker."
        if w[0] == "vlan":
            for v in w[1].split(","):
                if not 1 <= int(v) <= 4094:
                    return "% Invalid input detected at '^' marker."
        return None

    def _check_leaf(self, st, line):
        w = line.split()
        top = st["path"][0].text if st["path"] else ""
        if self.flavour == "ios" and w == ["switchport", "nonegotiate"] and top.startswith("interface"):
            # A Catalyst refuses it on a port in the default (dynamic) mode.
            modes = [c.text for c in st["path"][0].children if c.text.startswith("switchport mode ")]
            if not modes or modes[0].startswith("switchport mode dynamic"):
                return "Command rejected: Conflict between 'nonegotiate' and 'dynamic' status."
        m = VRF_JOIN.match(line)
        if m and top.startswith("interface") and m.group(1) != "vrf member":
            # IOS: `vrf forwarding X` needs `vrf definition X`; `ip vrf forwarding X` an `ip vrf X`.
            want = ("vrf definition " if m.group(1) == "vrf forwarding" else "ip vrf ") + m.group(2)
            if self.root.find(want) is None:
                return "%% VRF %s not configured." % m.group(2)
        if w[0] == "rd" and len(w) == 2 and len(st["path"]) == 1 and (top.startswith("ip vrf ") or top.startswith("vrf definition ")):
            cur = [c.text for c in st["path"][0].children if c.text.startswith("rd ")]
            if cur and cur[0] != line:
                return '%% Do "no rd" first'
            if not re.match(r"^(\d+|\d+\.\d+|\d+\.\d+\.\d+\.\d+):\d+$", w[1]):
                return "% Invalid input detected at '^' marker."
        for i, x in enumerate(w[:-1]):
            if x == "vlan" and w[i + 1].isdigit() and not 1 <= int(w[i + 1]) <= 4094:
                return "% Invalid input detected at '^' marker."
        # A learnt address: `ip address dhcp` (both), `ip address negotiated` (IOS, PPP links).
        if w[:2] == ["ip", "address"] and len(w) == 3 and (w[2] == "dhcp" or (w[2] == "negotiated" and self.flavour == "ios")):
            return None
        if w[0] == "ip" and len(w) >= 3 and w[1] == "address":
            if self.flavour == "nxos" and "/" not in w[2]:
                return "% Invalid input detected at '^' marker."
            if self.flavour == "ios" and ("/" in w[2] or len(w) < 4):
                return "% Invalid input detected at '^' marker."
        return None


class NxosDevice(CiscoDevice):
    flavour = "nxos"
    indent = "  "

    def initial_config(self):
        lines = [["hostname n3k"], ["feature lacp"], ["vlan 1"]]
        for i in range(1, 9):
            lines.append(["interface Ethernet1/%d" % i])
        lines.append(["interface mgmt0", "vrf member management"])
        lines.append(["interface mgmt0", "ip address 192.0.2.10/24"])
        return lines


class IosDevice(CiscoDevice):
    flavour = "ios"
    indent = " "
    enable_password = os.environ.get("FAKENOS_ENABLE_SECRET", "hermes-enable")

    def initial_config(self):
        lines = [["hostname c3750"], ["vlan 1"]]
        for i in range(1, 9):
            lines.append(["interface GigabitEthernet1/0/%d" % i])
        lines.append(["interface Vlan1", "no ip address"])
        lines.append(["interface Vlan1", "shutdown"])
        lines.append(["line vty 0 4", "transport input ssh"])
        return lines


# --------------------------------------------------------------------------------------------
# FortiOS
# --------------------------------------------------------------------------------------------


class FortiDevice:
    """A FortiGate: `config` / `edit` / `set` / `next` / `end`, `delete`, `move`."""

    def __init__(self, configuration_file=None):
        self.root = Node("")
        for path in (
            ["config system global", "set hostname \"fgt\""],
            ["config system interface", "edit \"port1\"", "set vdom \"root\""],
            ["config system interface", "edit \"port1\"", "set ip 198.51.100.2 255.255.255.0"],
            ["config system interface", "edit \"port1\"", "set type physical"],
            ["config system interface", "edit \"port2\"", "set vdom \"root\""],
            ["config system interface", "edit \"port2\"", "set type physical"],
            ["config firewall address", "edit \"all\"", "set subnet 0.0.0.0 0.0.0.0"],
        ):
            node = self.root
            for p in path:
                c = node.find(p)
                if c is None:
                    c = Node(p)
                    node.children.append(c)
                node = c
        self.sessions = {}

    def render(self):
        out = []

        def walk(n, depth):
            for c in n.children:
                out.append("    " * depth + c.text)
                walk(c, depth + 1)
                if c.text.startswith("config "):
                    out.append("    " * depth + "end")
                elif c.text.startswith("edit "):
                    out.append("    " * depth + "next")

        walk(self.root, 0)
        return "#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0\n" + "\n".join(out) + "\n"

    def handle(self, shell, line):
        with LOCK:
            return self._handle(shell, line.strip())

    def _handle(self, shell, line):
        path = self.sessions.setdefault(id(shell), [])
        bp = shell.base_prompt
        out = self._line(path, line)
        if path:
            last = path[-1].text.split(None, 1)[1].strip('"')
            label = last.split()[-1] if path[-1].text.startswith("config") else last
            shell.prompt = "%s (%s) # " % (bp, label)
        else:
            shell.prompt = bp + " # "
        return out

    def _line(self, path, line):
        if not line or line.startswith("#"):
            return ""
        cont = path[-1] if path else self.root
        w = line.split(None, 1)
        verb = w[0]
        arg = w[1] if len(w) > 1 else ""
        if not path:
            if line in ("show", "show full-configuration", "show running-config"):
                return self.render()
            if line.startswith("get system status"):
                return None
            if verb != "config":
                return None
        if verb == "config":
            if not arg:
                return "Command fail. Return code -61"
            n = cont.find(line)
            if n is None:
                n = Node(line)
                cont.children.append(n)
            path.append(n)
            return ""
        if verb == "edit":
            if not cont.text.startswith("config") or not arg:
                return "Command fail. Return code -61"
            key = arg.strip('"')
            n = next((c for c in cont.children if c.text.startswith("edit ") and c.text[5:].strip('"') == key), None)
            if n is None:
                n = Node("edit " + arg)
                cont.children.append(n)
            path.append(n)
            return ""
        if verb == "next":
            if not cont.text.startswith("edit"):
                return "Command fail. Return code -61"
            path.pop()
            return ""
        if verb == "end":
            while path and not path[-1].text.startswith("config"):
                path.pop()
            if path:
                n = path.pop()
                if not n.children and n in cont.children:
                    pass
            return ""
        if verb in ("set", "unset"):
            if not arg:
                return "Command fail. Return code -61"
            key = arg.split()[0]
            if verb == "set" and len(arg.split()) < 2:
                return "Command fail. Return code -61"
            cont.children = [c for c in cont.children if not (c.text.startswith("set ") and c.text.split()[1] == key)]
            if verb == "set":
                # keep `set` lines before nested `config` blocks, as FortiOS prints them
                idx = next((i for i, c in enumerate(cont.children) if c.text.startswith("config ")), len(cont.children))
                cont.children.insert(idx, Node(line))
            return ""
        if verb == "delete":
            key = arg.strip('"')
            before = len(cont.children)
            cont.children = [c for c in cont.children if not (c.text.startswith("edit ") and c.text[5:].strip('"') == key)]
            return "" if len(cont.children) < before else "entry not found in datasource\nCommand fail. Return code -3"
        if verb == "move":
            m = re.match(r'^"?([^"\s]+)"? (before|after) "?([^"\s]+)"?$', arg)
            if not m:
                return "Command fail. Return code -61"
            names = [c.text[5:].strip('"') for c in cont.children if c.text.startswith("edit ")]
            a, how, b = m.groups()
            if a not in names or b not in names:
                return "entry not found in datasource\nCommand fail. Return code -3"
            na = next(c for c in cont.children if c.text.startswith("edit ") and c.text[5:].strip('"') == a)
            cont.children.remove(na)
            nb_i = next(i for i, c in enumerate(cont.children) if c.text.startswith("edit ") and c.text[5:].strip('"') == b)
            cont.children.insert(nb_i if how == "before" else nb_i + 1, na)
            return ""
        return "Command fail. Return code -61"
