//! IOS `show interfaces status` and NX-OS `show interface status`.

use serde::{Deserialize, Serialize};

use super::ntc_opt;

/// One row of IOS `show interfaces status` / NX-OS `show interface status` (ntc-templates
/// `cisco_ios_show_interfaces_status` / `cisco_nxos_show_interface_status` fields; NX-OS has no
/// `fc_mode`, and neither template keeps the NX-OS tunnel table's `reason`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InterfaceStatusRow {
    /// `Gi1/0/1`, `Eth1/1`, `Po10`, `fc2/1`.
    pub port: String,
    /// The description as the table shows it (cut to the column; NX-OS prints `--` for none).
    #[serde(default, with = "ntc_opt")]
    pub name: Option<String>,
    /// `connected`, `notconnect` (NX-OS `notconnec`), `disabled`, `err-disabled`, `xcvrAbsen`,
    /// `sfpAbsent`, `noOperMem`, `channelDo`, `monitoring`, `suspended`, `up`, `down`...
    pub status: String,
    /// Access VLAN, `trunk`, `routed`, `unassigned`, `f-path`, `pvlan prom`, `123,1234`, `--`.
    #[serde(default, with = "ntc_opt")]
    pub vlan_id: Option<String>,
    /// `full`, `half`, `auto`, `a-full`, `a-half`.
    #[serde(default, with = "ntc_opt")]
    pub duplex: Option<String>,
    /// `auto`, `a-1000`, `10G`, `1000`.
    #[serde(default, with = "ntc_opt")]
    pub speed: Option<String>,
    /// Media type (`10/100/1000BaseTX`, `10Gbase-SR`, `Not Present`, `--`), cut to the column.
    #[serde(default, with = "ntc_opt")]
    pub r#type: Option<String>,
    /// Fibre Channel port mode (`fc2/1 is up    Port mode is NP`), IOS / MDS tables only.
    #[serde(default, with = "ntc_opt")]
    pub fc_mode: Option<String>,
    /// The `Reason` of the NX-OS table `Interface Name Status Reason Reason description`
    /// (tunnels): `none`, `admin down`, `sourceNotConfigure`.
    #[serde(default, with = "ntc_opt")]
    pub reason: Option<String>,
}

/// Status words the two tables print (NX-OS cuts them to nine characters).
const STATUS: &[&str] = &[
    "connected",
    "notconnect",
    "notconnec",
    "disabled",
    "err-disabled",
    "err-disab",
    "errDisabl",
    "inactive",
    "up",
    "down",
    "monitoring",
    "monitor",
    "suspended",
    "suspnd",
    "sfpAbsent",
    "xcvrAbsen",
    "xcvrInval",
    "noOperMem",
    "channelDo",
    "linkFlapE",
    "faulty",
];

fn is_status(word: &str) -> bool {
    STATUS.contains(&word.trim_end_matches(':'))
}

/// What the VLAN column can hold.
fn is_vlan(word: &str) -> bool {
    matches!(
        word,
        "trunk" | "routed" | "unassigned" | "f-path" | "--" | "pvlan"
    ) || (!word.is_empty()
        && word
            .split(',')
            .all(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())))
}

/// Parses IOS `show interfaces status` and NX-OS `show interface status` (and, on NX-OS, the
/// tunnel table `Interface Name Status Reason Reason description` that follows it).
///
/// The status is found by word, not by column: the first status word after the port whose
/// following words read as VLAN, duplex and speed (so a description holding `connected` or
/// `trunk` stays in the name, and a description that overruns its column is still read). An IOS
/// status with a colon and a test result (`notconnect: TDR`) gives the status alone.
///
/// ```
/// let rows = hermes_netdev::show::parse_show_interface_status(
///     "Port      Name               Status       Vlan       Duplex  Speed Type\n\
///      Gi1/0/1   uplink to core     connected    trunk      a-full a-1000 10/100/1000BaseTX\n\
///      Gi1/0/2                      notconnect   10           auto   auto 10/100/1000BaseTX\n",
/// );
/// assert_eq!(rows[0].name.as_deref(), Some("uplink to core"));
/// assert_eq!(rows[0].vlan_id.as_deref(), Some("trunk"));
/// assert_eq!(rows[1].name, None);
/// assert_eq!(rows[1].status, "notconnect");
/// ```
pub fn parse_show_interface_status(text: &str) -> Vec<InterfaceStatusRow> {
    let mut out = Vec::new();
    let mut reason_table = false;
    for line in text.lines() {
        let t = line.trim();
        let w: Vec<&str> = t.split_whitespace().collect();
        if w.is_empty() || t.starts_with("--") {
            continue;
        }
        if matches!(w[0], "Port" | "port")
            && w.get(1).is_some_and(|n| n.eq_ignore_ascii_case("name"))
        {
            reason_table = false;
            continue;
        }
        if w[0] == "Interface" && w.get(2) == Some(&"Status") && w.get(3) == Some(&"Reason") {
            reason_table = true;
            continue;
        }
        if w.len() < 2 {
            continue;
        }
        if reason_table {
            if let Some(row) = reason_row(&w) {
                out.push(row);
            }
            continue;
        }
        if let Some(row) = status_row(&w) {
            out.push(row);
            continue;
        }
        // Fibre Channel: `fc2/1 is up    Port mode is NP`, `fc2/5 is down (SFP not present)`.
        if w.len() >= 3 && w[1] == "is" {
            let mut row = InterfaceStatusRow {
                port: w[0].to_string(),
                status: w[2].to_string(),
                ..Default::default()
            };
            let rest = w[3..].join(" ");
            if let Some(mode) = rest.strip_prefix("Port mode is ") {
                row.fc_mode = Some(mode.trim().to_string());
            } else if let Some(ty) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                row.r#type = Some(ty.to_string());
            }
            out.push(row);
            continue;
        }
    }
    out
}

fn name_of(words: &[&str]) -> Option<String> {
    (!words.is_empty()).then(|| words.join(" "))
}

fn status_row(w: &[&str]) -> Option<InterfaceStatusRow> {
    for i in 1..w.len() {
        if !is_status(w[i]) {
            continue;
        }
        let mut j = i + 1;
        // `notconnect: TDR 1`: a test result after a status with a colon.
        if w[i].ends_with(':') && w.get(j).is_some_and(|v| !is_vlan(v)) {
            j += 1;
        }
        let Some(vlan) = w.get(j).filter(|v| is_vlan(v)) else {
            continue;
        };
        let mut vlan = vlan.to_string();
        if vlan == "pvlan" {
            // `pvlan prom`, `pvlan host`: two words.
            if let Some(kind) = w.get(j + 1) {
                vlan = format!("pvlan {kind}");
                j += 1;
            }
        }
        let (Some(duplex), Some(speed)) = (w.get(j + 1), w.get(j + 2)) else {
            continue;
        };
        return Some(InterfaceStatusRow {
            port: w[0].to_string(),
            name: name_of(&w[1..i]),
            status: w[i].trim_end_matches(':').to_string(),
            vlan_id: Some(vlan),
            duplex: Some(duplex.to_string()),
            speed: Some(speed.to_string()),
            r#type: name_of(&w[j + 3..]),
            fc_mode: None,
            reason: None,
        });
    }
    None
}

/// `Tunnel41  Test Tun41  down  sourceNotConfigure tunnel source is not configured`: the reason is
/// the word after the status (`admin down`: two words). A reason of several other words
/// (`Link not connected`) cannot be told from its description by words: its first word is kept.
fn reason_row(w: &[&str]) -> Option<InterfaceStatusRow> {
    let i = (1..w.len()).find(|&i| is_status(w[i]))?;
    let reason = match w.get(i + 1..) {
        Some([first, second, ..]) if *first == "admin" => Some(format!("{first} {second}")),
        Some([first, ..]) => Some(first.to_string()),
        _ => None,
    };
    Some(InterfaceStatusRow {
        port: w[0].to_string(),
        name: name_of(&w[1..i]),
        status: w[i].to_string(),
        reason,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_in_the_name_stay_in_the_name() {
        let rows = parse_show_interface_status(
            "Port      Name               Status       Vlan       Duplex  Speed Type\n\
             Fa0/1     *** connected to U notconnect   150          auto   auto 10/100BaseTX\n\
             Fa0/6     suspended customer disabled     789          auto   auto 10/100BaseTX\n",
        );
        assert_eq!(rows[0].name.as_deref(), Some("*** connected to U"));
        assert_eq!(rows[0].status, "notconnect");
        assert_eq!(rows[1].name.as_deref(), Some("suspended customer"));
        assert_eq!(rows[1].status, "disabled");
    }

    #[test]
    fn description_starting_with_is_is_not_a_fibre_channel_row() {
        let rows = parse_show_interface_status(
            "Port      Name               Status       Vlan       Duplex  Speed Type\n\
             Gi1/0/9   is uplink to core  connected    trunk      a-full a-1000 10/100/1000BaseTX\n\
             fc2/1 is up    Port mode is NP\n",
        );
        assert_eq!(rows[0].name.as_deref(), Some("is uplink to core"));
        assert_eq!(rows[0].status, "connected");
        assert_eq!(rows[1].port, "fc2/1");
        assert_eq!(rows[1].fc_mode.as_deref(), Some("NP"));
    }

    #[test]
    fn nxos_row_without_type() {
        let rows = parse_show_interface_status(
            "Port          Name               Status    Vlan      Duplex  Speed   Type\n\
             Eth105/1/1    --                 notconnec 101       full    1000\n",
        );
        assert_eq!(rows[0].name.as_deref(), Some("--"));
        assert_eq!(rows[0].r#type, None);
        assert_eq!(rows[0].speed.as_deref(), Some("1000"));
    }

    #[test]
    fn nxos_tunnel_reason_table() {
        let rows = parse_show_interface_status(
            "Interface     Name               Status    Reason            Reason description\n\
             Tunnel40      Test Tun40         down      admin down         Administratively down\n\
             Tunnel41      Test Tun41         down      sourceNotConfigure tunnel source is not configured\n",
        );
        assert_eq!(rows[0].reason.as_deref(), Some("admin down"));
        assert_eq!(rows[1].reason.as_deref(), Some("sourceNotConfigure"));
        assert_eq!(rows[1].name.as_deref(), Some("Test Tun41"));
        assert_eq!(rows[1].vlan_id, None);
    }
}
