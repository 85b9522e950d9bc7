//! Servers to install, read from an Ansible inventory ([`hermes_core::inventory`]): each host's iLO
//! address, credentials and TLS trust, and its kickstart settings, from host and group variables, so a
//! team's existing `hosts.yml` drives [`crate::install::EsxiInstaller`] unchanged.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `ilo_url` (or `baseuri`, as the `community.general.redfish_*` modules call it) | the BMC: `https://10.0.0.21`, or a bare host | required |
//! | `ilo_user` / `ilo_password` | BMC credentials (the password is a secret: `{{ lookup('env', 'X') }}` and `{{ lookup('file', 'P') }}` work) | `ansible_user` / `ansible_password`; none: no auth |
//! | `ilo_auth` | `basic` or `session` | `basic` |
//! | `ilo_ca_file` | PEM CA that signed the iLO's certificate | webpki roots |
//! | `ilo_pin_sha256` | SHA-256 fingerprint of the iLO's own certificate (self-signed is fine) | — |
//! | `ilo_validate_certs` | `false` turns verification off (labs only) | `true` |
//! | `ilo_system` (or `ilo_system_id`) | the system's `Name` or `HostName` (or its `Id`) on the BMC | the BMC's only system |
//! | `esxi_hostname` | the installed host's name | the inventory name |
//! | `esxi_ip`, `esxi_netmask`, `esxi_gateway` | management network | `esxi_ip`: `ansible_host` |
//! | `esxi_dns`, `esxi_ntp` | lists (or comma-separated strings) | none |
//! | `esxi_vlan` | management VLAN id | none |
//! | `esxi_ssh` | enable SSH | `false` |
//! | `esxi_root_password` (secret) or `esxi_root_password_hash` (crypt) | root password | required |
//! | `esxi_firstboot` | `%firstboot` commands (list or one string) | none |
//! | `esxi_iso_url` | an ISO URL to use as is instead of building one | built per host |
//!
//! ```
//! use hermes_core::inventory::Inventory;
//! let inv = Inventory::parse_yaml(r#"
//! all:
//!   children:
//!     dl380:
//!       vars:
//!         ilo_user: Administrator
//!         ilo_password: secret
//!         esxi_netmask: 255.255.255.0
//!         esxi_gateway: 10.0.10.1
//!         esxi_root_password: Esxi-root-1!
//!       hosts:
//!         esxi-01: { ilo_url: "https://10.0.0.21", esxi_ip: 10.0.10.11 }
//! "#, "hosts.yml").unwrap();
//! let servers = hermes_ilo::ansible::servers_from_inventory(&inv, "dl380").unwrap();
//! assert_eq!(servers[0].name, "esxi-01");
//! assert_eq!(servers[0].bmc_url, "https://10.0.0.21");
//! assert!(!format!("{servers:?}").contains("secret"));
//! ```

use hermes_core::inventory::{Host, Inventory, Var};
use hermes_core::{ErrorKind, Secret};

use crate::client::{Client, ClientBuilder};
use crate::error::{IloError, Result};
use crate::kickstart::{KickstartSpec, RootPassword};
use crate::system::SystemSelector;

/// One server read from the inventory: how to reach its BMC and what to install.
#[derive(Debug, Clone)]
pub struct InventoryServer {
    /// The inventory name.
    pub name: String,
    /// The BMC's base URL.
    pub bmc_url: String,
    /// The BMC user (for sharing one client between servers of one BMC).
    pub bmc_user: Option<String>,
    /// The configured client builder (credentials and TLS set; the password stays a secret).
    pub bmc: ClientBuilder,
    /// Which system on the BMC.
    pub system: SystemSelector,
    /// The validated kickstart.
    pub kickstart: KickstartSpec,
    /// An ISO URL to use as is, if the inventory gives one.
    pub iso_url: Option<String>,
}

impl InventoryServer {
    /// Builds the Redfish client.
    pub fn client(&self) -> Result<Client> {
        self.bmc.clone().build()
    }
}

fn strs(host: &Host, key: &str) -> Vec<String> {
    match host.var(key) {
        Some(Var::List(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Var::Str(s)) => s
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

fn core_err(host: &str, e: hermes_core::Error) -> IloError {
    match e.kind() {
        ErrorKind::InvalidInput | ErrorKind::NotFound | ErrorKind::Unsupported => {
            IloError::invalid(format!("inventory host {host}"), e.to_string())
        }
        kind => IloError::local(format!("inventory host {host}"), kind, e.to_string()),
    }
}

/// The server of one inventory host (see the module doc for the variables).
pub fn server_from_host(host: &Host) -> Result<InventoryServer> {
    let name = host.name.clone();
    let target = format!("inventory host {name}");
    let invalid = |m: String| IloError::invalid(&target, m);
    let raw_url = host
        .var_str("ilo_url")
        .or_else(|| host.var_str("baseuri"))
        .ok_or_else(|| invalid("no ilo_url (or baseuri) variable: set the iLO's address, e.g. ilo_url: https://10.0.0.21".into()))?;
    let bmc_url = if raw_url.contains("://") {
        raw_url.to_string()
    } else {
        format!("https://{raw_url}")
    };
    let mut b = Client::builder(&bmc_url).name(format!("{name} ({bmc_url})"));
    let user = host
        .var_str("ilo_user")
        .or_else(|| host.user())
        .map(str::to_string);
    let password: Option<Secret> = if host.var("ilo_password").is_some() {
        Some(
            host.secret("ilo_password")
                .map_err(|e| core_err(&name, e))?,
        )
    } else {
        host.password().map_err(|e| core_err(&name, e))?
    };
    match (&user, password) {
        (Some(u), Some(p)) => {
            b = match host.var_str("ilo_auth").unwrap_or("basic") {
                "basic" => b.basic_auth(u, p),
                "session" => b.session_auth(u, p),
                other => {
                    return Err(invalid(format!(
                        "ilo_auth is {other:?}; use basic or session"
                    )))
                }
            }
        }
        (Some(_), None) => {
            return Err(invalid(
                "ilo_user is set but no ilo_password (or ansible_password)".into(),
            ))
        }
        (None, Some(_)) => {
            return Err(invalid(
                "ilo_password is set but no ilo_user (or ansible_user)".into(),
            ))
        }
        (None, None) => {}
    }
    if let Some(ca) = host.var_str("ilo_ca_file") {
        b = b.ca_pem_file(ca)?;
    }
    if let Some(pin) = host.var_str("ilo_pin_sha256") {
        b = b.pin_sha256(pin).map_err(|e| invalid(e.to_string()))?;
    }
    if host.var("ilo_validate_certs").and_then(Var::as_bool) == Some(false) {
        b = b.danger_accept_invalid_certs();
    }
    let system = match (host.var_str("ilo_system"), host.var_str("ilo_system_id")) {
        (Some(s), _) => SystemSelector::Name(s.to_string()),
        (None, Some(id)) => SystemSelector::Id(id.to_string()),
        (None, None) => SystemSelector::Only,
    };
    let hostname = host.var_str("esxi_hostname").unwrap_or(&name).to_string();
    let ip = host
        .var_str("esxi_ip")
        .or_else(|| host.var_str("ansible_host"))
        .ok_or_else(|| invalid("no esxi_ip (or ansible_host) variable".into()))?;
    let mut ks = KickstartSpec::builder(hostname).ip(ip);
    if let Some(m) = host.var_str("esxi_netmask") {
        ks = ks.netmask(m);
    }
    if let Some(g) = host.var_str("esxi_gateway") {
        ks = ks.gateway(g);
    }
    ks = ks.dns(strs(host, "esxi_dns")).ntp(strs(host, "esxi_ntp"));
    if let Some(v) = host.var("esxi_vlan") {
        let vlan = v
            .as_i64()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| invalid(format!("esxi_vlan is {v:?}, not a VLAN number")))?;
        ks = ks.vlan(vlan);
    }
    if let Some(ssh) = host.var("esxi_ssh") {
        ks = ks.ssh(
            ssh.as_bool()
                .ok_or_else(|| invalid(format!("esxi_ssh is {ssh:?}, not a boolean")))?,
        );
    }
    let pw = if host.var("esxi_root_password").is_some() {
        RootPassword::plain(
            host.secret("esxi_root_password")
                .map_err(|e| core_err(&name, e))?,
        )
    } else if let Some(h) = host.var_str("esxi_root_password_hash") {
        RootPassword::hashed(h)
    } else {
        return Err(invalid(
            "no esxi_root_password (secret) or esxi_root_password_hash variable".into(),
        ));
    };
    ks = ks.root_password(pw);
    for cmd in strs_or_one(host, "esxi_firstboot") {
        ks = ks.firstboot(cmd);
    }
    let kickstart = ks.build()?;
    Ok(InventoryServer {
        name,
        bmc_url,
        bmc_user: user,
        bmc: b,
        system,
        kickstart,
        iso_url: host.var_str("esxi_iso_url").map(str::to_string),
    })
}

/// `%firstboot` commands contain commas: a string is one command, a list is several.
fn strs_or_one(host: &Host, key: &str) -> Vec<String> {
    match host.var(key) {
        Some(Var::Str(s)) => vec![s.clone()],
        _ => strs(host, key),
    }
}

/// Every host of `pattern` (`esxi_servers`, `dl380:&dc1:!esxi-03`, `all`) as a server; the first host
/// whose variables are wrong fails the whole read, naming the host and the variable.
pub fn servers_from_inventory(inv: &Inventory, pattern: &str) -> Result<Vec<InventoryServer>> {
    let hosts = inv.select(pattern).map_err(|e| {
        IloError::invalid(
            format!("inventory {}", inv.source()),
            format!("pattern {pattern:?}: {e}"),
        )
    })?;
    if hosts.is_empty() {
        return Err(IloError::invalid(
            format!("inventory {}", inv.source()),
            format!("pattern {pattern:?} selects no host"),
        ));
    }
    hosts.iter().map(server_from_host).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hermes_core::Classify;

    const INV: &str = r#"
all:
  vars:
    esxi_netmask: 255.255.255.0
    esxi_gateway: 10.0.10.1
    esxi_dns: [10.0.0.53, 10.0.0.54]
    esxi_ntp: 10.0.0.1, 10.0.0.2
    esxi_root_password: Root-pw-1!
  children:
    dl380:
      vars:
        ilo_user: Administrator
        ilo_password: ilo-secret-pw
        ilo_auth: session
        esxi_vlan: 110
        esxi_ssh: yes
      hosts:
        esxi-01:
          ilo_url: 10.0.0.21
          esxi_ip: 10.0.10.11
          ilo_pin_sha256: "ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab"
        esxi-02:
          ilo_url: https://10.0.0.22
          ansible_host: 10.0.10.12
          ilo_system_id: "1"
          esxi_firstboot: "esxcli network firewall set --enabled true, then reboot"
    broken:
      hosts:
        esxi-99:
          ilo_url: 10.0.0.99
          esxi_ip: 10.0.10.99
          esxi_vlan: many
"#;

    #[test]
    fn reads_bmc_and_kickstart_from_host_and_group_vars() {
        let inv = Inventory::parse_yaml(INV, "t.yml").unwrap();
        let s = servers_from_inventory(&inv, "dl380").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].bmc_url, "https://10.0.0.21");
        assert_eq!(s[0].system, SystemSelector::Only);
        assert_eq!(s[1].system, SystemSelector::Id("1".into()));
        assert_eq!(s[1].kickstart.ip().to_string(), "10.0.10.12");
        let ks = s[0].kickstart.render().unwrap();
        assert!(ks.contains("--vlanid=110"), "{ks}");
        assert!(ks.contains("10.0.0.53,10.0.0.54"), "{ks}");
        assert!(!ks.contains("Root-pw-1!"), "hashed, never in clear");
        let ks2 = s[1].kickstart.render().unwrap();
        assert!(
            ks2.contains("firewall set --enabled true, then reboot"),
            "{ks2}"
        );
        let dbg = format!("{s:?}");
        assert!(
            !dbg.contains("ilo-secret-pw") && !dbg.contains("Root-pw-1!"),
            "{dbg}"
        );
        assert!(dbg.contains("pinned SHA-256 AB:AB"), "{dbg}");
    }

    #[test]
    fn wrong_variables_name_the_host_and_the_variable() {
        let inv = Inventory::parse_yaml(INV, "t.yml").unwrap();
        let e = servers_from_inventory(&inv, "broken").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let t = e.to_string();
        assert!(t.contains("esxi-99") && t.contains("esxi_vlan"), "{t}");
        let e = servers_from_inventory(&inv, "nothing-here").unwrap_err();
        assert!(e.to_string().contains("nothing-here"), "{e}");
    }
}
