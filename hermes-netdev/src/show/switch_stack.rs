//! IOS `show switch` / `show switch detail` (Catalyst 3750 / 3850 / 9000 stacks).

use serde::{Deserialize, Serialize};

use super::{ntc_opt, ntc_str};

/// The stack as `show switch [detail]` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchStack {
    /// `Switch/Stack Mac Address` (`Chassis/Stack` on some releases).
    pub stack_mac_address: Option<String>,
    /// `Mac persistency wait time` (`Indefinite`, `4 mins`), when printed.
    pub mac_persistency_wait_time: Option<String>,
    /// One row per member, in the order printed.
    pub members: Vec<StackMember>,
}

impl SwitchStack {
    /// The member whose role is the stack's master (`Master` on 3750, `Active` on 3850 / 9000).
    pub fn master(&self) -> Option<&StackMember> {
        self.members.iter().find(|m| {
            m.role.eq_ignore_ascii_case("master") || m.role.eq_ignore_ascii_case("active")
        })
    }

    /// Members not in the `Ready` state (provisioned but absent, version mismatch...).
    pub fn not_ready(&self) -> impl Iterator<Item = &StackMember> {
        self.members
            .iter()
            .filter(|m| !m.state.eq_ignore_ascii_case("ready"))
    }
}

/// One member of the stack, with its stack-port row from `show switch detail` when printed
/// (ntc-templates `cisco_ios_show_switch_detail` field names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackMember {
    /// Switch number.
    #[serde(with = "ntc_str")]
    pub switch: u8,
    /// The member the session runs on (`*` before the number).
    #[serde(default)]
    pub local: bool,
    /// `Master` / `Member` (3750), `Active` / `Standby` / `Member` (3850, 9000).
    pub role: String,
    /// The member's MAC address (`0000.0000.0000` for a provisioned absent member).
    pub mac_address: String,
    /// Stack priority (1-15; 0 for a provisioned absent member).
    #[serde(with = "ntc_str")]
    pub priority: u8,
    /// Hardware version (`V02`, `0`, `3`), when printed.
    #[serde(with = "ntc_opt")]
    pub version: Option<String>,
    /// Current state (`Ready`, `Provisioned`, `V-Mismatch`, `Version Mismatch`, `Progressing`...).
    pub state: String,
    /// Stack port 1 status (`OK`, `Ok`, `DOWN`), from `show switch detail`.
    #[serde(with = "ntc_opt")]
    pub status1: Option<String>,
    /// Stack port 2 status.
    #[serde(with = "ntc_opt")]
    pub status2: Option<String>,
    /// The member on stack port 1 (a switch number, or `None` as printed).
    #[serde(with = "ntc_opt")]
    pub neighbor1: Option<String>,
    /// The member on stack port 2.
    #[serde(with = "ntc_opt")]
    pub neighbor2: Option<String>,
}

/// Whether `w` is a hardware version as the `H/W Version` column prints it (`V02`, `0`, `3`).
fn is_hw_version(w: &str) -> bool {
    let digits = w
        .strip_prefix('V')
        .or_else(|| w.strip_prefix('v'))
        .unwrap_or(w);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `w` is a MAC address in Cisco's dotted form (`0016.9d4f.8e80`).
fn is_mac(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Parses IOS / IOS-XE `show switch` and `show switch detail`: the stack MAC, the member table
/// (a missing hardware version and states of two words kept), and the `Stack Port Status` table
/// of `detail`, joined onto its member by switch number. Other tables, prompts and the echoed
/// command are skipped; a cut row gives no member.
///
/// ```
/// let s = hermes_netdev::show::parse_ios_show_switch(
///     "Switch/Stack Mac Address : 0016.9d4f.8e80\n\
///      \x20                                          H/W   Current\n\
///      Switch#  Role   Mac Address     Priority Version  State\n\
///      ----------------------------------------------------------\n\
///      *1       Master 0016.9d4f.8e80     15     0       Ready\n\
///      \x202       Member 0016.c8b9.5e00     14     0       Version Mismatch\n\
///      \n\
///      \x20        Stack Port Status             Neighbors\n\
///      Switch#  Port 1     Port 2           Port 1   Port 2\n\
///      --------------------------------------------------------\n\
///      \x20 1        Ok         Ok                2        2\n",
/// );
/// assert_eq!(s.stack_mac_address.as_deref(), Some("0016.9d4f.8e80"));
/// assert_eq!(s.master().unwrap().switch, 1);
/// assert_eq!(s.members[1].state, "Version Mismatch");
/// assert_eq!(s.not_ready().count(), 1);
/// assert_eq!(s.members[0].neighbor2.as_deref(), Some("2"));
/// ```
pub fn parse_ios_show_switch(text: &str) -> SwitchStack {
    let mut stack = SwitchStack::default();
    let mut in_ports = false;
    for line in text.lines() {
        let t = line.trim();
        if let Some(v) = super::field(t, "Switch/Stack Mac Address")
            .or_else(|| super::field(t, "Chassis/Stack Mac Address"))
        {
            if stack.stack_mac_address.is_none() {
                let mac = v.split_whitespace().next().filter(|m| is_mac(m));
                stack.stack_mac_address = mac.map(str::to_string);
            }
            continue;
        }
        if let Some(v) = super::field(t, "Mac persistency wait time") {
            stack.mac_persistency_wait_time = super::non_empty(v);
            continue;
        }
        if t.starts_with("Stack Port Status") {
            in_ports = true;
            continue;
        }
        let w: Vec<&str> = t.split_whitespace().collect();
        let Some(first) = w.first() else { continue };
        let (local, num) = match first.strip_prefix('*') {
            Some("") => (true, w.get(1).copied().unwrap_or_default()),
            Some(n) => (true, n),
            None => (false, *first),
        };
        let Ok(switch) = num.parse::<u8>() else {
            continue;
        };
        let rest = &w[if *first == "*" { 2 } else { 1 }..];
        if in_ports {
            // `1  Ok  Ok  3  2`
            if rest.len() < 4 {
                continue;
            }
            if let Some(m) = stack.members.iter_mut().find(|m| m.switch == switch) {
                let s = |i: usize| Some(rest[i].to_string());
                (m.status1, m.status2, m.neighbor1, m.neighbor2) = (s(0), s(1), s(2), s(3));
            }
            continue;
        }
        // `*1  Active  689c.e2ff.b9d9  3  V04  Ready`
        let [role, mac, priority, tail @ ..] = rest else {
            continue;
        };
        let (Ok(priority), true) = (priority.parse::<u8>(), is_mac(mac)) else {
            continue;
        };
        let (version, state) = match tail {
            [v, state @ ..] if is_hw_version(v) && !state.is_empty() => (Some(v), state),
            state => (None, state),
        };
        if state.is_empty() {
            continue;
        }
        stack.members.push(StackMember {
            switch,
            local,
            role: role.to_string(),
            mac_address: mac.to_string(),
            priority,
            version: version.map(|v| v.to_string()),
            state: state.join(" "),
            ..StackMember::default()
        });
    }
    stack
}

#[cfg(test)]
mod tests {
    use super::*;

    /// genieparser `iosxe/tests/ShowSwitchDetail/cli/equal/golden_output2_output.txt`
    /// (Apache-2.0): a member without a hardware version, blank lines of spaces before the
    /// stack-port table.
    #[test]
    fn member_without_hardware_version() {
        let s = parse_ios_show_switch(
            "Switch/Stack Mac Address : aaaa.ddff.dddd - Local Mac Address\n\
             Mac persistency wait time: Indefinite\n\
             Switch#   Role    Mac Address     Priority Version  State \n\
             *1       Active   aaaa.ddff.dddd     15     V02     Ready                \n\
             \x202       Standby  aaaa.ddff.dddd     14             Ready                \n\
             \x20           \n\
             \x20        Stack Port Status             Neighbors     \n\
             Switch#  Port 1     Port 2           Port 1   Port 2 \n\
             \x20 2         OK         OK               3        1 \n",
        );
        assert_eq!(s.stack_mac_address.as_deref(), Some("aaaa.ddff.dddd"));
        assert_eq!(s.mac_persistency_wait_time.as_deref(), Some("Indefinite"));
        assert_eq!(s.members.len(), 2);
        assert!(s.members[0].local && !s.members[1].local);
        assert_eq!(s.members[1].version, None);
        assert_eq!(s.members[1].state, "Ready");
        assert_eq!(s.members[1].priority, 14);
        assert_eq!(s.members[1].neighbor1.as_deref(), Some("3"));
        assert_eq!(s.members[0].status1, None);
    }

    /// genieparser `iosxe/cat9kv/tests/ShowSwitch/cli/equal/golden_output_2_output.txt`: the
    /// `Chassis/Stack` label; a member whose version is `0` in `V-Mismatch`.
    #[test]
    fn chassis_label_and_mismatch() {
        let s = parse_ios_show_switch(
            "Chassis/Stack Mac Address : 0000.0000.0000 - Foreign Mac Address\n\
             \x204       Member   00cc.fcff.7b00     15     0       V-Mismatch \n",
        );
        assert_eq!(s.stack_mac_address.as_deref(), Some("0000.0000.0000"));
        assert_eq!(s.members[0].version.as_deref(), Some("0"));
        assert_eq!(s.members[0].state, "V-Mismatch");
        assert_eq!(s.not_ready().count(), 1);
        assert!(s.master().is_none());
    }

    #[test]
    fn cut_rows_give_no_member() {
        let s = parse_ios_show_switch(
            "*1       Active   689c.e2ff\n 2       Standby  c800.84ff.7e00     2\n* \n*\n",
        );
        assert!(s.members.is_empty());
    }
}
