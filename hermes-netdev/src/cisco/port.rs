//! Port settings of a switch interface beyond its VLAN mode: see [`PortSettings`].

use serde::{Deserialize, Serialize};

use super::{Dialect, Interface, Switchport, VlanSet};

/// The port settings of an interface, beyond its VLAN mode: the bare `switchport` line, DTP
/// (`switchport nonegotiate`), the trunk encapsulation and pruning list of an ISL-capable
/// Catalyst, spanning-tree edge / guard / BPDU settings (IOS `spanning-tree portfast ...`, NX-OS
/// `spanning-tree port type ...`), the physical layer (`speed`, `duplex`, IOS-XE `negotiation
/// auto`), the voice VLAN (`switchport voice vlan`), port security (`switchport port-security
/// ...`) and NX-OS `priority-flow-control mode`.
///
/// Each setting is `None` when the configuration does not state it; the differ then leaves it
/// alone. The settings whose default a switch does not show (DTP on, no portfast, no guard) have a
/// value that renders nothing ([`PortFast::Default`], [`StpToggle::Default`], [`StpGuard::Default`],
/// [`LinkType::Default`], `nonegotiate: Some(false)`): stating it in a desired model removes the
/// line from the device. A configuration read from a device never holds those values.
///
/// ```
/// use hermes_netdev::cisco::{CiscoConfig, Dialect, PortFast, StpGuard};
/// let cfg = CiscoConfig::parse("interface GigabitEthernet1/0/1\n switchport mode access\n switchport nonegotiate\n spanning-tree portfast\n spanning-tree guard root\n", Dialect::Ios);
/// let port = &cfg.interfaces["GigabitEthernet1/0/1"].port;
/// assert_eq!(port.nonegotiate, Some(true));
/// assert_eq!(port.portfast, Some(PortFast::Enable));
/// assert_eq!(port.guard, Some(StpGuard::Root));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PortSettings {
    /// The bare `switchport` line: the port is made a switch port (platforms whose ports are
    /// routed by default show it, a Catalyst 4500/6500 or an IOS-XE switch). Rendered before the
    /// mode lines, as the switch needs it. Not with [`Switchport::Routed`].
    pub layer2: bool,
    /// `switchport nonegotiate` (`Some(true)`): no DTP frames. `Some(false)` renders nothing (DTP
    /// on, the default the switch does not show): the differ sends `no switchport nonegotiate`.
    /// (`switchport nonnegotiate`, as some sample configurations spell it, is not an IOS command:
    /// kept as written.)
    pub nonegotiate: Option<bool>,
    /// IOS `switchport trunk encapsulation dot1q|isl|negotiate` (a Catalyst that also speaks ISL
    /// refuses `switchport mode trunk` until it is set: rendered first).
    pub trunk_encapsulation: Option<TrunkEncapsulation>,
    /// IOS `switchport trunk pruning vlan LIST` (VTP pruning-eligible VLANs), when written as IOS
    /// writes a list (`add`, `except`, `none` forms are kept as written).
    pub trunk_pruning: Option<VlanSet>,
    /// IOS `spanning-tree portfast ...` / NX-OS `spanning-tree port type ...`.
    pub portfast: Option<PortFast>,
    /// `spanning-tree bpduguard enable|disable`.
    pub bpduguard: Option<StpToggle>,
    /// `spanning-tree bpdufilter enable|disable`.
    pub bpdufilter: Option<StpToggle>,
    /// `spanning-tree guard root|loop|none`.
    pub guard: Option<StpGuard>,
    /// `spanning-tree link-type point-to-point|shared` (NX-OS also `auto`).
    pub link_type: Option<LinkType>,
    /// `speed N|auto`.
    pub speed: Option<Speed>,
    /// IOS-XE `speed nonegotiate` (`Some(true)`): no autonegotiation on a fibre / 25G port, a
    /// setting of its own beside `speed N` (a Catalyst 9000 shows both lines). `Some(false)`
    /// renders nothing (the default): the differ sends `no speed nonegotiate`.
    pub speed_nonegotiate: Option<bool>,
    /// `duplex auto|full|half`.
    pub duplex: Option<Duplex>,
    /// IOS-XE `negotiation auto` (`Some(true)`) / `no negotiation auto` (`Some(false)`).
    pub negotiation_auto: Option<bool>,
    /// NX-OS `priority-flow-control mode auto|on|off` (802.1Qbb PFC on the port; `auto`, the
    /// default, negotiates it with DCBX).
    pub pfc_mode: Option<PfcMode>,
    /// `switchport voice vlan N|dot1p|untagged|none` (a Catalyst access port carrying an IP
    /// phone's traffic).
    pub voice_vlan: Option<VoiceVlan>,
    /// `switchport port-security ...`: how many MAC addresses the port learns and what happens
    /// beyond them. Sticky addresses the switch learnt (`switchport port-security mac-address
    /// sticky H.H.H`) and per-VLAN maximums are kept on the interface as written.
    pub port_security: Option<PortSecurity>,
}

/// `switchport voice vlan X`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoiceVlan {
    /// `switchport voice vlan N`: the phone tags its traffic with VLAN N.
    Vlan(u16),
    /// `dot1p`: priority-tagged frames in the access VLAN.
    Dot1p,
    /// `untagged`: the phone sends untagged frames.
    Untagged,
    /// `none`: the phone uses its own configuration.
    None,
}

/// The port-security settings of a switch port (IOS and NX-OS `switchport port-security ...`).
///
/// IOS does not show the defaults (`maximum 1`, `violation shutdown`, aging off): a port that
/// shows none of them is at them, so a desired model stating them plans nothing there.
///
/// ```
/// use hermes_netdev::cisco::{CiscoConfig, Dialect, Violation, VoiceVlan};
/// let live = CiscoConfig::parse("interface Gi1/0/5\n switchport mode access\n switchport voice vlan 20\n switchport port-security maximum 2\n switchport port-security\n", Dialect::Ios);
/// let port = &live.interfaces["Gi1/0/5"].port;
/// assert_eq!(port.voice_vlan, Some(VoiceVlan::Vlan(20)));
/// assert_eq!(port.port_security.as_ref().and_then(|p| p.maximum), Some(2));
/// let mut want = live.clone();
/// let ps = want.interfaces.get_mut("Gi1/0/5").unwrap().port.port_security.as_mut().unwrap();
/// ps.violation = Some(Violation::Restrict);
/// assert_eq!(live.diff(&want, Dialect::Ios, "sw").commands(), ["interface Gi1/0/5", " switchport port-security violation restrict"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PortSecurity {
    /// The bare `switchport port-security` line (`Some(true)`): enforcement on. `Some(false)`
    /// renders nothing: the differ sends `no switchport port-security`.
    pub enabled: Option<bool>,
    /// `maximum N`: secure addresses the port takes (default 1).
    pub maximum: Option<u32>,
    /// `violation protect|restrict|shutdown` (default shutdown).
    pub violation: Option<Violation>,
    /// `mac-address sticky` (`Some(true)`): learnt addresses are written to the configuration.
    /// `Some(false)` renders nothing.
    pub sticky: Option<bool>,
    /// `aging time N`, in minutes (0 = no aging, the default).
    pub aging_time: Option<u32>,
    /// `aging type absolute|inactivity`.
    pub aging_type: Option<AgingType>,
}

/// What a port does when port security is violated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Violation {
    /// Drops the frames of unknown addresses silently.
    Protect,
    /// Drops them and counts / logs the violation.
    Restrict,
    /// Puts the port in the error-disabled state (the default).
    Shutdown,
}

/// How secure addresses age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgingType {
    /// After the aging time, whatever the traffic.
    Absolute,
    /// After the aging time without traffic.
    Inactivity,
}

impl PortSecurity {
    /// Reads the words after `switchport port-security`; `false` if not covered or already read.
    fn read(&mut self, w: &[&str]) -> bool {
        fn set<T>(f: &mut Option<T>, v: Option<T>) -> bool {
            match v {
                Some(v) if f.is_none() => {
                    *f = Some(v);
                    true
                }
                _ => false,
            }
        }
        let num = |s: &str| s.parse::<u32>().ok().filter(|v| v.to_string() == s);
        match w {
            [] => set(&mut self.enabled, Some(true)),
            ["maximum", n] => set(&mut self.maximum, num(n)),
            ["violation", v] => set(
                &mut self.violation,
                match *v {
                    "protect" => Some(Violation::Protect),
                    "restrict" => Some(Violation::Restrict),
                    "shutdown" => Some(Violation::Shutdown),
                    _ => None,
                },
            ),
            ["mac-address", "sticky"] => set(&mut self.sticky, Some(true)),
            ["aging", "time", n] => set(&mut self.aging_time, num(n)),
            ["aging", "type", t] => set(
                &mut self.aging_type,
                match *t {
                    "absolute" => Some(AgingType::Absolute),
                    "inactivity" => Some(AgingType::Inactivity),
                    _ => None,
                },
            ),
            _ => false,
        }
    }

    /// The lines in the order IOS shows them (the bare line last, after the settings).
    fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let p = "switchport port-security";
        if let Some(n) = self.maximum {
            out.push(format!("{p} maximum {n}"));
        }
        if let Some(v) = self.violation {
            let v = match v {
                Violation::Protect => "protect",
                Violation::Restrict => "restrict",
                Violation::Shutdown => "shutdown",
            };
            out.push(format!("{p} violation {v}"));
        }
        if self.sticky == Some(true) {
            out.push(format!("{p} mac-address sticky"));
        }
        if let Some(t) = self.aging_time {
            out.push(format!("{p} aging time {t}"));
        }
        if let Some(t) = self.aging_type {
            let t = match t {
                AgingType::Absolute => "absolute",
                AgingType::Inactivity => "inactivity",
            };
            out.push(format!("{p} aging type {t}"));
        }
        if self.enabled == Some(true) {
            out.push(p.to_string());
        }
        out
    }

    /// The settings of live `l` (`None`: the port shows no port-security line) that `w` states;
    /// a default `w` states that the port does not show is taken as shown.
    fn managed(l: Option<&PortSecurity>, w: &PortSecurity) -> PortSecurity {
        let d = PortSecurity::default();
        let l = l.unwrap_or(&d);
        PortSecurity {
            enabled: w.enabled.and(l.enabled),
            maximum: match (w.maximum, l.maximum) {
                (Some(1), None) => Some(1),
                (w, l) => w.and(l),
            },
            violation: match (w.violation, l.violation) {
                (Some(Violation::Shutdown), None) => Some(Violation::Shutdown),
                (w, l) => w.and(l),
            },
            sticky: w.sticky.and(l.sticky),
            aging_time: match (w.aging_time, l.aging_time) {
                (Some(0), None) => Some(0),
                (w, l) => w.and(l),
            },
            aging_type: w.aging_type.and(l.aging_type),
        }
    }
}

/// NX-OS `priority-flow-control mode X`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PfcMode {
    /// `auto`: negotiated with DCBX (the default).
    Auto,
    /// `on`: PFC enabled whatever the peer says.
    On,
    /// `off`: PFC disabled.
    Off,
}

/// The tagging protocol of an IOS trunk (`switchport trunk encapsulation X`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrunkEncapsulation {
    /// IEEE 802.1Q.
    Dot1q,
    /// Cisco ISL.
    Isl,
    /// Negotiated with the neighbour (DTP).
    Negotiate,
}

/// The spanning-tree edge setting of a port.
///
/// IOS writes `spanning-tree portfast` (12.x, 15.0), `spanning-tree portfast edge` (15.2 and
/// IOS-XE), each with `trunk` for a trunk, `spanning-tree portfast network` and `spanning-tree
/// portfast disable`; NX-OS writes `spanning-tree port type edge [trunk]`, `network` and `normal`.
/// On NX-OS, [`PortFast::Enable`] and [`PortFast::Trunk`] render as `port type edge [trunk]` and
/// `normal` is read as [`PortFast::Disable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortFast {
    /// IOS `spanning-tree portfast`.
    Enable,
    /// IOS `spanning-tree portfast trunk`.
    Trunk,
    /// IOS `spanning-tree portfast edge`, NX-OS `spanning-tree port type edge`.
    Edge,
    /// IOS `spanning-tree portfast edge trunk`, NX-OS `spanning-tree port type edge trunk`.
    EdgeTrunk,
    /// IOS `spanning-tree portfast network`, NX-OS `spanning-tree port type network`.
    Network,
    /// IOS `spanning-tree portfast disable`, NX-OS `spanning-tree port type normal`.
    Disable,
    /// No line: the switch's global default (the differ removes a stated setting).
    Default,
}

/// A per-port spanning-tree feature switch (`spanning-tree bpduguard enable|disable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StpToggle {
    /// `... enable`.
    Enable,
    /// `... disable`.
    Disable,
    /// No line: the switch's global default (the differ removes a stated setting).
    Default,
}

/// `spanning-tree guard X`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StpGuard {
    /// Root guard.
    Root,
    /// Loop guard.
    Loop,
    /// `spanning-tree guard none`: neither, whatever the global loop-guard default.
    None,
    /// No line: the switch's global default (the differ removes a stated setting).
    Default,
}

/// `spanning-tree link-type X`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkType {
    /// `point-to-point`.
    PointToPoint,
    /// `shared`.
    Shared,
    /// NX-OS `auto` (from the duplex), as `show running-config all` shows it.
    Auto,
    /// No line: derived from the duplex (the differ removes a stated setting).
    Default,
}

/// `speed X`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speed {
    /// `speed auto`, the default (some switches do not show it; the differ then sends nothing).
    Auto,
    /// `speed N`, in Mb/s.
    Mbps(u32),
}

/// `duplex X`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duplex {
    /// `duplex auto`, the default (some switches do not show it; the differ then sends nothing).
    Auto,
    /// `duplex full`.
    Full,
    /// `duplex half`.
    Half,
}

/// The speeds (Mb/s) a Cisco Ethernet port takes.
const SPEEDS: [u32; 12] = [
    10, 100, 1000, 2500, 5000, 10000, 25000, 40000, 50000, 100000, 200000, 400000,
];

impl PortSettings {
    /// Reads one leaf line of an interface; `false` if it is not a port setting the model covers
    /// (or one already read: a repeated line is kept as written).
    pub(super) fn read(&mut self, w: &[&str], d: Dialect) -> bool {
        fn set<T>(f: &mut Option<T>, v: Option<T>) -> bool {
            match v {
                Some(v) if f.is_none() => {
                    *f = Some(v);
                    true
                }
                _ => false,
            }
        }
        let toggle = |v: &str| match v {
            "enable" => Some(StpToggle::Enable),
            "disable" => Some(StpToggle::Disable),
            _ => None,
        };
        let ios = d == Dialect::Ios;
        match w {
            ["switchport", "nonegotiate"] => set(&mut self.nonegotiate, Some(true)),
            ["switchport", "trunk", "encapsulation", e] if ios => set(
                &mut self.trunk_encapsulation,
                match *e {
                    "dot1q" => Some(TrunkEncapsulation::Dot1q),
                    "isl" => Some(TrunkEncapsulation::Isl),
                    "negotiate" => Some(TrunkEncapsulation::Negotiate),
                    _ => None,
                },
            ),
            ["switchport", "trunk", "pruning", "vlan", v] if ios => set(
                &mut self.trunk_pruning,
                VlanSet::parse(v).filter(|s| s.render_in(d) == *v),
            ),
            ["spanning-tree", "portfast", rest @ ..] if ios => set(
                &mut self.portfast,
                match rest {
                    [] => Some(PortFast::Enable),
                    ["trunk"] => Some(PortFast::Trunk),
                    ["edge"] => Some(PortFast::Edge),
                    ["edge", "trunk"] => Some(PortFast::EdgeTrunk),
                    ["network"] => Some(PortFast::Network),
                    ["disable"] => Some(PortFast::Disable),
                    _ => None,
                },
            ),
            ["spanning-tree", "port", "type", rest @ ..] if !ios => set(
                &mut self.portfast,
                match rest {
                    ["edge"] => Some(PortFast::Edge),
                    ["edge", "trunk"] => Some(PortFast::EdgeTrunk),
                    ["network"] => Some(PortFast::Network),
                    ["normal"] => Some(PortFast::Disable),
                    _ => None,
                },
            ),
            ["spanning-tree", "bpduguard", v] => set(&mut self.bpduguard, toggle(v)),
            ["spanning-tree", "bpdufilter", v] => set(&mut self.bpdufilter, toggle(v)),
            ["spanning-tree", "guard", g] => set(
                &mut self.guard,
                match *g {
                    "root" => Some(StpGuard::Root),
                    "loop" => Some(StpGuard::Loop),
                    "none" => Some(StpGuard::None),
                    _ => None,
                },
            ),
            ["spanning-tree", "link-type", t] => set(
                &mut self.link_type,
                match *t {
                    "point-to-point" => Some(LinkType::PointToPoint),
                    "shared" => Some(LinkType::Shared),
                    "auto" if !ios => Some(LinkType::Auto),
                    _ => None,
                },
            ),
            ["speed", "nonegotiate"] if ios => set(&mut self.speed_nonegotiate, Some(true)),
            ["speed", s] => set(
                &mut self.speed,
                match *s {
                    "auto" => Some(Speed::Auto),
                    n => n
                        .parse::<u32>()
                        .ok()
                        .filter(|v| v.to_string() == n)
                        .map(Speed::Mbps),
                },
            ),
            ["duplex", x] => set(
                &mut self.duplex,
                match *x {
                    "auto" => Some(Duplex::Auto),
                    "full" => Some(Duplex::Full),
                    "half" => Some(Duplex::Half),
                    _ => None,
                },
            ),
            ["switchport", "voice", "vlan", v] => set(
                &mut self.voice_vlan,
                match *v {
                    "dot1p" => Some(VoiceVlan::Dot1p),
                    "untagged" => Some(VoiceVlan::Untagged),
                    "none" => Some(VoiceVlan::None),
                    n => n
                        .parse::<u16>()
                        .ok()
                        .filter(|x| x.to_string() == n)
                        .map(VoiceVlan::Vlan),
                },
            ),
            ["switchport", "port-security", rest @ ..] => {
                let mut ps = self.port_security.clone().unwrap_or_default();
                let read = ps.read(rest);
                if read {
                    self.port_security = Some(ps);
                }
                read
            }
            ["priority-flow-control", "mode", m] if !ios => set(
                &mut self.pfc_mode,
                match *m {
                    "auto" => Some(PfcMode::Auto),
                    "on" => Some(PfcMode::On),
                    "off" => Some(PfcMode::Off),
                    _ => None,
                },
            ),
            ["negotiation", "auto"] if ios => set(&mut self.negotiation_auto, Some(true)),
            ["no", "negotiation", "auto"] if ios => set(&mut self.negotiation_auto, Some(false)),
            _ => false,
        }
    }

    /// The lines that go before the port's mode lines: the trunk encapsulation, then `switchport`.
    pub(super) fn lines_before_mode(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(e) = self.trunk_encapsulation {
            let e = match e {
                TrunkEncapsulation::Dot1q => "dot1q",
                TrunkEncapsulation::Isl => "isl",
                TrunkEncapsulation::Negotiate => "negotiate",
            };
            out.push(format!("switchport trunk encapsulation {e}"));
        }
        if self.layer2 {
            out.push("switchport".into());
        }
        out
    }

    /// The lines that go after the port's mode lines (`switchport nonegotiate` needs a static
    /// mode first), in the order IOS shows them.
    pub(super) fn lines_after_mode(&self, d: Dialect) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = &self.trunk_pruning {
            out.push(format!("switchport trunk pruning vlan {}", p.render_in(d)));
        }
        if self.nonegotiate == Some(true) {
            out.push("switchport nonegotiate".into());
        }
        match self.voice_vlan {
            Some(VoiceVlan::Vlan(v)) => out.push(format!("switchport voice vlan {v}")),
            Some(VoiceVlan::Dot1p) => out.push("switchport voice vlan dot1p".into()),
            Some(VoiceVlan::Untagged) => out.push("switchport voice vlan untagged".into()),
            Some(VoiceVlan::None) => out.push("switchport voice vlan none".into()),
            None => {}
        }
        if let Some(ps) = &self.port_security {
            out.extend(ps.lines());
        }
        match self.speed {
            Some(Speed::Auto) => out.push("speed auto".into()),
            Some(Speed::Mbps(n)) => out.push(format!("speed {n}")),
            None => {}
        }
        if self.speed_nonegotiate == Some(true) {
            out.push("speed nonegotiate".into());
        }
        match self.duplex {
            Some(Duplex::Auto) => out.push("duplex auto".into()),
            Some(Duplex::Full) => out.push("duplex full".into()),
            Some(Duplex::Half) => out.push("duplex half".into()),
            None => {}
        }
        match self.negotiation_auto {
            Some(true) => out.push("negotiation auto".into()),
            Some(false) => out.push("no negotiation auto".into()),
            None => {}
        }
        let pf = match (self.portfast, d) {
            (Some(PortFast::Enable), Dialect::Ios) => Some("portfast"),
            (Some(PortFast::Trunk), Dialect::Ios) => Some("portfast trunk"),
            (Some(PortFast::Edge), Dialect::Ios) => Some("portfast edge"),
            (Some(PortFast::EdgeTrunk), Dialect::Ios) => Some("portfast edge trunk"),
            (Some(PortFast::Network), Dialect::Ios) => Some("portfast network"),
            (Some(PortFast::Disable), Dialect::Ios) => Some("portfast disable"),
            (Some(PortFast::Enable | PortFast::Edge), Dialect::NxOs) => Some("port type edge"),
            (Some(PortFast::Trunk | PortFast::EdgeTrunk), Dialect::NxOs) => {
                Some("port type edge trunk")
            }
            (Some(PortFast::Network), Dialect::NxOs) => Some("port type network"),
            (Some(PortFast::Disable), Dialect::NxOs) => Some("port type normal"),
            (Some(PortFast::Default) | None, _) => None,
        };
        if let Some(pf) = pf {
            out.push(format!("spanning-tree {pf}"));
        }
        let toggle = |t: Option<StpToggle>| match t {
            Some(StpToggle::Enable) => Some("enable"),
            Some(StpToggle::Disable) => Some("disable"),
            Some(StpToggle::Default) | None => None,
        };
        if let Some(t) = toggle(self.bpdufilter) {
            out.push(format!("spanning-tree bpdufilter {t}"));
        }
        if let Some(t) = toggle(self.bpduguard) {
            out.push(format!("spanning-tree bpduguard {t}"));
        }
        let guard = match self.guard {
            Some(StpGuard::Root) => Some("root"),
            Some(StpGuard::Loop) => Some("loop"),
            Some(StpGuard::None) => Some("none"),
            Some(StpGuard::Default) | None => None,
        };
        if let Some(g) = guard {
            out.push(format!("spanning-tree guard {g}"));
        }
        let link = match self.link_type {
            Some(LinkType::PointToPoint) => Some("point-to-point"),
            Some(LinkType::Shared) => Some("shared"),
            Some(LinkType::Auto) => Some("auto"),
            Some(LinkType::Default) | None => None,
        };
        if let Some(l) = link {
            out.push(format!("spanning-tree link-type {l}"));
        }
        let pfc = match self.pfc_mode {
            Some(PfcMode::Auto) => Some("auto"),
            Some(PfcMode::On) => Some("on"),
            Some(PfcMode::Off) => Some("off"),
            None => None,
        };
        if let (Some(m), Dialect::NxOs) = (pfc, d) {
            out.push(format!("priority-flow-control mode {m}"));
        }
        out
    }

    /// The settings of live port `live` that `want` manages: those it states. A live port that
    /// does not show `speed` / `duplex` is at `auto`, the default many switches do not show; one
    /// in a layer-2 mode on a switch that does not show the bare `switchport` has it implied.
    pub(super) fn managed(live: &Interface, want: &PortSettings) -> PortSettings {
        let l = &live.port;
        macro_rules! keep {
            ($($f:ident),*) => {
                PortSettings {
                    layer2: want.layer2 && (l.layer2 || matches!(
                        live.switchport,
                        Some(Switchport::Access { .. } | Switchport::Trunk { .. } | Switchport::Dynamic { .. } | Switchport::FexFabric { .. })
                    )),
                    speed: match (want.speed, l.speed) {
                        (Some(Speed::Auto), None) => Some(Speed::Auto),
                        (w, l) => w.and(l),
                    },
                    duplex: match (want.duplex, l.duplex) {
                        (Some(Duplex::Auto), None) => Some(Duplex::Auto),
                        (w, l) => w.and(l),
                    },
                    port_security: want
                        .port_security
                        .as_ref()
                        .map(|w| PortSecurity::managed(l.port_security.as_ref(), w)),
                    $($f: want.$f.as_ref().and(l.$f.clone()),)*
                }
            };
        }
        keep!(
            nonegotiate,
            trunk_encapsulation,
            trunk_pruning,
            portfast,
            bpduguard,
            bpdufilter,
            guard,
            link_type,
            speed_nonegotiate,
            negotiation_auto,
            pfc_mode,
            voice_vlan
        )
    }

    /// What is wrong with the port settings of interface `name` (pushed on `problems`).
    pub(super) fn problems(name: &str, i: &Interface, problems: &mut Vec<String>) {
        let p = &i.port;
        let routed = i.switchport == Some(Switchport::Routed);
        let l2_only = [
            (p.layer2, "switchport"),
            (p.nonegotiate == Some(true), "switchport nonegotiate"),
            (
                p.trunk_encapsulation.is_some(),
                "switchport trunk encapsulation",
            ),
            (p.trunk_pruning.is_some(), "switchport trunk pruning"),
            (p.voice_vlan.is_some(), "switchport voice vlan"),
            (p.port_security.is_some(), "switchport port-security"),
        ];
        for (set, what) in l2_only {
            if set && routed {
                problems.push(format!(
                    "interface {name} is a routed port (no switchport) and states `{what}`: \
                     drop the layer-2 setting or make it a switch port"
                ));
            }
        }
        if p.nonegotiate == Some(true) && matches!(i.switchport, Some(Switchport::Dynamic { .. })) {
            problems.push(format!(
                "interface {name}: `switchport nonegotiate` conflicts with `switchport mode \
                 dynamic` (the switch refuses it): set the mode to access or trunk, or leave DTP on"
            ));
        }
        if let Some(VoiceVlan::Vlan(v)) = p.voice_vlan {
            if !(1..=4094).contains(&v) {
                problems.push(format!(
                    "interface {name} voice VLAN {v} is out of range (1-4094)"
                ));
            }
        }
        if let Some(ps) = &p.port_security {
            // A Catalyst refuses port security on a port in a DTP mode ("Command rejected: X
            // is a dynamic port").
            if ps.enabled == Some(true) && matches!(i.switchport, Some(Switchport::Dynamic { .. }))
            {
                problems.push(format!(
                    "interface {name}: port security on a port in `switchport mode dynamic` (the \
                     switch refuses it): set the mode to access or trunk"
                ));
            }
            if ps.maximum == Some(0) {
                problems.push(format!(
                    "interface {name}: port-security maximum 0 (at least 1 address)"
                ));
            }
            if let Some(t) = ps.aging_time.filter(|t| *t > 1440) {
                problems.push(format!(
                    "interface {name}: port-security aging time {t} minutes (0-1440)"
                ));
            }
        }
        if let Some(Speed::Mbps(s)) = p.speed {
            if !SPEEDS.contains(&s) {
                problems.push(format!(
                    "interface {name} speed {s} is not an Ethernet speed (Mb/s: one of {})",
                    SPEEDS.map(|s| s.to_string()).join(", ")
                ));
            }
            if s >= 1000 && p.duplex == Some(Duplex::Half) {
                problems.push(format!(
                    "interface {name}: half duplex at speed {s} (half duplex exists only at 10 \
                     and 100 Mb/s): set `duplex full` or `auto`"
                ));
            }
        }
    }
}
