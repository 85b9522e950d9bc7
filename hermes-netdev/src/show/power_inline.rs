//! IOS `show power inline` (PoE per port and the power budget per module).

use serde::{Deserialize, Serialize};

use super::ntc_opt;

/// `show power inline`: the budget (per stack member / module, or one line for the switch) and
/// one row per PoE port.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PowerInline {
    /// The power budget: one entry per row of the `Module Available Used Remaining` table, or one
    /// entry without a module for `Available:370.0(w)  Used:55.6(w)  Remaining:314.4(w)`.
    pub budgets: Vec<PoeBudget>,
    /// The port rows, in the order printed (every module's table).
    pub ports: Vec<PoePort>,
}

impl PowerInline {
    /// Ports whose operational state is not `on` or `off` (`faulty`, `power-deny`, `err-disable`):
    /// the ports an operator looks at.
    pub fn faults(&self) -> impl Iterator<Item = &PoePort> {
        self.ports
            .iter()
            .filter(|p| !matches!(p.operational_status.as_str(), "on" | "off"))
    }
}

/// The power budget of one module (stack member) in watts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoeBudget {
    /// The module / stack member number; `None` for the single-line form.
    pub module: Option<String>,
    /// Watts available for PoE.
    pub available: f64,
    /// Watts allocated.
    pub used: f64,
    /// Watts remaining.
    pub remaining: f64,
}

/// One port of `show power inline` (ntc-templates `cisco_ios_show_power_inline` field names).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PoePort {
    /// The port as printed (`Gi1/0/1`, `Fa0/2`).
    pub interface: String,
    /// Administrative mode (`auto`, `static`, `off`).
    pub admin_status: String,
    /// Operational state (`on`, `off`, `faulty`, `power-deny`, `err-disable`).
    pub operational_status: String,
    /// Watts delivered: the `Power` column, or `To Device` / `To PD` where the table prints
    /// both directions (Catalyst 4500 / 6800).
    #[serde(with = "watts")]
    pub power: f64,
    /// Watts drawn from the supply (`From PS`), where printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_from_ps: Option<f64>,
    /// The powered device (`Ieee PD`, `IP Phone 7962`, `AIR-AP1562I-E-K9`, `n/a`).
    #[serde(with = "ntc_opt")]
    pub device: Option<String>,
    /// The PoE class (`0`-`8`, `n/a`).
    #[serde(with = "ntc_opt")]
    pub class: Option<String>,
    /// The port's maximum in watts (`Max`), where printed.
    #[serde(with = "watts_opt")]
    pub max: Option<f64>,
    /// Catalyst 6800 `Priority` column (`high`, `low`), where printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
}

/// Watts written as `show power inline` prints them (one decimal: `30.0`).
mod watts {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{v:.1}"))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Optional watts, `""` when absent.
mod watts_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(&format_args!("{v:.1}")),
            None => s.serialize_str(""),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        let s = String::deserialize(d)?;
        if s.is_empty() {
            return Ok(None);
        }
        s.parse().map(Some).map_err(serde::de::Error::custom)
    }
}

/// A watt value as printed (`30.0`, `6200(w)`).
fn watt(s: &str) -> Option<f64> {
    let s = s
        .strip_suffix("(w)")
        .or_else(|| s.strip_suffix("(W)"))
        .unwrap_or(s);
    s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

/// Whether `w` is a PoE class as the `Class` column prints it (`0`-`8`, `n/a`, `4/4`).
fn is_class(w: &str) -> bool {
    w == "n/a" || (!w.is_empty() && w.bytes().all(|b| b.is_ascii_digit() || b == b'/'))
}

/// The port table's layout, from its header line.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    /// `Interface Admin Oper Power Device Class Max`
    Max,
    /// `Interface Admin Oper Power(Watts) [From PS To Device] Device Class` (Catalyst 4500).
    FromPs,
    /// `Interface Admin Priority Oper Power(Watts) [From PS To PD] Device Class Police
    /// ActConsumption` (Catalyst 6800).
    Priority,
}

/// Parses IOS / IOS-XE `show power inline`: the budget table (`Module Available Used Remaining`,
/// one row per stack member) or line (`Available:…(w) Used:…(w) Remaining:…(w)`), and the port
/// rows of every module in the Catalyst 2960 / 3750 / 3850 / 9000 layout (`… Class Max`), the
/// Catalyst 4500 layout (`From PS` / `To Device`) and the Catalyst 6800 layout (`Priority`,
/// `Police`). Device names of several words are kept; a port without device, class and maximum
/// (`Gi1/0/4 auto off 0.0`) has them `None`. `Totals:` lines, the `AdminPowerMax` table and
/// prompts are skipped; a row cut before its power gives no port.
///
/// ```
/// let p = hermes_netdev::show::parse_ios_show_power_inline(
///     "Module   Available     Used     Remaining\n\
///      \x20         (Watts)     (Watts)    (Watts)\n\
///      ------   ---------   --------   ---------\n\
///      1           740.0      330.0       410.0\n\
///      Interface Admin  Oper       Power   Device              Class Max\n\
///      \x20                           (Watts)\n\
///      --------- ------ ---------- ------- ------------------- ----- ----\n\
///      Gi1/0/2   auto   on         6.3     IP Phone 7962       2     30.0\n\
///      Gi1/0/5   auto   faulty     0.0     n/a                 n/a   30.0\n",
/// );
/// assert_eq!(p.budgets[0].remaining, 410.0);
/// assert_eq!(p.ports[0].device.as_deref(), Some("IP Phone 7962"));
/// assert_eq!(p.ports[0].power, 6.3);
/// assert_eq!(p.faults().next().unwrap().interface, "Gi1/0/5");
/// ```
pub fn parse_ios_show_power_inline(text: &str) -> PowerInline {
    let mut out = PowerInline::default();
    let mut in_budget = false;
    let mut layout: Option<Layout> = None;
    for line in text.lines() {
        let t = line.trim();
        let w: Vec<&str> = t.split_whitespace().collect();
        let Some(first) = w.first().copied() else {
            continue;
        };
        if first.starts_with("Available:") {
            // `Available:370.0(w)  Used:55.6(w)  Remaining:314.4(w)`
            let get = |label: &str| w.iter().find_map(|x| x.strip_prefix(label)).and_then(watt);
            if let (Some(available), Some(used), Some(remaining)) =
                (get("Available:"), get("Used:"), get("Remaining:"))
            {
                out.budgets.push(PoeBudget {
                    module: None,
                    available,
                    used,
                    remaining,
                });
            }
            continue;
        }
        if first == "Module" && w.get(1) == Some(&"Available") {
            in_budget = true;
            layout = None;
            continue;
        }
        if first == "Interface" {
            in_budget = false;
            layout = if w.get(1) != Some(&"Admin") {
                None // `Interface AdminPowerMax AdminConsumption`
            } else if w.get(2) == Some(&"Priority") {
                Some(Layout::Priority)
            } else if w.last() == Some(&"Max") {
                Some(Layout::Max)
            } else if t.contains("Power(Watts)") {
                Some(Layout::FromPs)
            } else {
                Some(Layout::Max)
            };
            continue;
        }
        if in_budget {
            if let [module, a, u, r] = w.as_slice() {
                if let (Some(available), Some(used), Some(remaining)) = (watt(a), watt(u), watt(r))
                {
                    out.budgets.push(PoeBudget {
                        module: Some(module.to_string()),
                        available,
                        used,
                        remaining,
                    });
                }
            }
            continue;
        }
        let Some(layout) = layout else { continue };
        if let Some(port) = port_row(&w, layout) {
            out.ports.push(port);
        }
    }
    out
}

/// One port row in `layout`, `None` when it is not one (headers, rules, `Totals:`, cut rows).
fn port_row(w: &[&str], layout: Layout) -> Option<PoePort> {
    let name = *w.first()?;
    if !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || !name.bytes().any(|b| b.is_ascii_digit())
        || name.ends_with(':')
    {
        return None;
    }
    let (admin, priority, oper, mut rest) = match layout {
        Layout::Priority => (w.get(1)?, Some(w.get(2)?), w.get(3)?, w.get(4..)?),
        _ => (w.get(1)?, None, w.get(2)?, w.get(3..)?),
    };
    let first_power = watt(rest.first()?)?;
    rest = &rest[1..];
    let (power, power_from_ps) = match layout {
        Layout::Max => (first_power, None),
        _ => match rest.first().and_then(|x| watt(x)) {
            Some(to_device) => {
                rest = &rest[1..];
                (to_device, Some(first_power))
            }
            None => (first_power, None),
        },
    };
    // What follows the power: `Device… Class [Max]`, Catalyst 6800 `Device… Class Police
    // ActConsumption`.
    let mut max = None;
    match layout {
        Layout::Max => {
            if let Some((last, before)) = rest.split_last() {
                if let (Some(m), Some(class)) = (watt(last), before.last()) {
                    if is_class(class) {
                        max = Some(m);
                        rest = before;
                    }
                }
            }
        }
        Layout::Priority => {
            if rest.len() >= 3 && watt(rest[rest.len() - 1]).is_some() {
                rest = &rest[..rest.len() - 2];
            }
        }
        Layout::FromPs => {}
    }
    let (class, device) = match rest.split_last() {
        Some((c, d)) if is_class(c) && !d.is_empty() => (Some(c.to_string()), d.join(" ")),
        _ => (None, rest.join(" ")),
    };
    Some(PoePort {
        interface: name.to_string(),
        admin_status: admin.to_string(),
        operational_status: oper.to_string(),
        power,
        power_from_ps,
        device: super::non_empty(&device),
        class,
        max,
        priority: priority.map(|p| p.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// genieparser `iosxe/tests/ShowPowerInline/cli/equal/golden_output_4_output.txt`
    /// (Apache-2.0): the Catalyst 4500 layout with integer budget watts; `power` is what reaches
    /// the device.
    #[test]
    fn catalyst_4500_from_ps_to_device() {
        let p = parse_ios_show_power_inline(
            "Available:4800(w)  Used:692(w)  Remaining:4108(w)\n\
             Interface Admin  Oper            Power(Watts)     Device              Class\n\
             \x20                           From PS    To Device                    \n\
             --------- ------ ---------- ---------- ---------- ------------------- -----\n\
             Gi1/1     auto   off        0.0        0.0        n/a                 n/a  \n\
             Gi2/5     auto   on         11.1       10.5       IP Phone 7937       3    \n\
             --------- ------ ---------- ---------- ---------- ------------------- -----\n\
             Totals:          48   on    692.8      658.1 \n",
        );
        assert_eq!(p.budgets.len(), 1);
        assert_eq!(p.budgets[0].module, None);
        assert_eq!(p.budgets[0].available, 4800.0);
        assert_eq!(p.ports.len(), 2);
        assert_eq!(p.ports[1].power, 10.5);
        assert_eq!(p.ports[1].power_from_ps, Some(11.1));
        assert_eq!(p.ports[1].device.as_deref(), Some("IP Phone 7937"));
        assert_eq!(p.ports[1].class.as_deref(), Some("3"));
        assert_eq!(p.ports[1].max, None);
    }

    /// genieparser `iosxe/tests/ShowPowerInline/cli/equal/golden_output_5_output.txt`: the
    /// `AdminPowerMax` table after the ports is not a port table; `power-deny` is a fault.
    #[test]
    fn admin_power_table_skipped() {
        let p = parse_ios_show_power_inline(
            "Interface Admin  Oper       Power   Device              Class Max\n\
             Gi1/16    auto   power-deny 0.0     n/a                 n/a   4.0  \n\
             \n\
             Interface  AdminPowerMax   AdminConsumption    \n\
             \x20            (Watts)           (Watts)           \n\
             Gi1/17     15.4            15.4\n",
        );
        assert_eq!(p.ports.len(), 1);
        assert_eq!(p.ports[0].max, Some(4.0));
        assert_eq!(p.faults().count(), 1);
    }

    /// The Catalyst 6800 layout (ntc-templates `cisco_ios_show_power_inline_6880-X` header, row
    /// after the Catalyst 6800 command reference).
    #[test]
    fn catalyst_6800_priority_and_police() {
        let p = parse_ios_show_power_inline(
            "Interface Admin  Priority     Oper      Power(Watts)    Device             Class Police ActConsumption\n\
             \x20                (enabled )            From PS To PD\n\
             Gi101/1/0/1      auto       high       on         16.1    15.4    Ieee PD             4     off    0.0\n",
        );
        let port = &p.ports[0];
        assert_eq!(port.priority.as_deref(), Some("high"));
        assert_eq!(port.operational_status, "on");
        assert_eq!(port.power, 15.4);
        assert_eq!(port.device.as_deref(), Some("Ieee PD"));
        assert_eq!(port.class.as_deref(), Some("4"));
    }

    #[test]
    fn cut_rows() {
        let p = parse_ios_show_power_inline(
            "Interface Admin  Oper       Power   Device              Class Max\n\
             Gi1/0/1   auto   on\n\
             Gi1/0/2   auto   on         6.3     IP Pho\n\
             Gi1/0/3\n",
        );
        assert_eq!(p.ports.len(), 1);
        assert_eq!(p.ports[0].device.as_deref(), Some("IP Pho"));
        assert_eq!(p.ports[0].max, None);
    }
}
