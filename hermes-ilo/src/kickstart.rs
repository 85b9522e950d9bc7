//! Typed, validated ESXi kickstart (`KS.CFG`) rendering.
//!
//! A [`KickstartSpec`] is built with [`KickstartSpec::builder`]; [`KickstartBuilder::build`] checks it
//! (host name, IPv4 address/mask/gateway on one subnet, DNS, VLAN 0–4094, NTP, a non-empty root
//! password) and every error names the field, the value and what to do. The root password is either a
//! secret in clear ([`RootPassword::plain`], hashed with SHA-512 crypt before it goes into the file, so
//! the ISO never holds it in clear) or already hashed ([`RootPassword::hashed`]). Neither is printed by
//! `Debug`.
//!
//! ```
//! use hermes_ilo::kickstart::{KickstartSpec, RootPassword};
//! let ks = KickstartSpec::builder("esxi-01.lab.example")
//!     .ip("10.0.10.11").netmask("255.255.255.0").gateway("10.0.10.1")
//!     .dns(["10.0.0.53"]).vlan(110).ntp(["pool.ntp.org"]).ssh(true)
//!     .root_password(RootPassword::plain("VMware1!VMware1!"))
//!     .firstboot("esxcli system settings advanced set -o /UserVars/SuppressShellWarning -i 1")
//!     .build()
//!     .unwrap();
//! let text = ks.render().unwrap();
//! assert!(text.contains("network --bootproto=static --device=vmnic0 --ip=10.0.10.11"));
//! assert!(text.contains("rootpw --iscrypted $6$"));
//! assert!(!text.contains("VMware1!VMware1!"));
//! assert!(KickstartSpec::builder("esxi-01").ip("10.0.10.300").build().is_err());
//! ```

use std::fmt;
use std::net::Ipv4Addr;

use hermes_core::Secret;

use crate::error::{IloError, Result};

/// The root password of the installed host.
#[derive(Clone, PartialEq, Eq)]
pub enum RootPassword {
    /// A password in clear, hashed (SHA-512 crypt, random salt) when the kickstart is rendered.
    Plain(Secret),
    /// A crypt(3) hash (`$6$...`, `$5$...`, `$1$...`) written as is with `--iscrypted`.
    Hashed(String),
}

impl RootPassword {
    /// A password in clear (kept out of `Debug`; hashed in the kickstart).
    pub fn plain(password: impl Into<Secret>) -> Self {
        RootPassword::Plain(password.into())
    }
    /// A crypt(3) hash.
    pub fn hashed(hash: impl Into<String>) -> Self {
        RootPassword::Hashed(hash.into())
    }
}

impl fmt::Debug for RootPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RootPassword::Plain(_) => f.write_str("RootPassword::Plain(<redacted>)"),
            RootPassword::Hashed(_) => f.write_str("RootPassword::Hashed(<redacted>)"),
        }
    }
}

/// Where ESXi installs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallDisk {
    /// `--firstdisk` (optionally with a preference list such as `local,usb`).
    First(Option<String>),
    /// `--disk=NAME` (an `mpx.`/`naa.`/`t10.` device name).
    Disk(String),
}

/// A validated ESXi kickstart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KickstartSpec {
    hostname: String,
    ip: Ipv4Addr,
    netmask: Ipv4Addr,
    gateway: Ipv4Addr,
    dns: Vec<Ipv4Addr>,
    vlan: Option<u16>,
    device: String,
    ntp: Vec<String>,
    ssh: bool,
    root_password: RootPassword,
    disk: InstallDisk,
    keyboard: Option<String>,
    firstboot: Vec<String>,
}

/// Builds a [`KickstartSpec`]; [`KickstartBuilder::build`] validates it.
#[derive(Debug, Clone)]
pub struct KickstartBuilder {
    hostname: String,
    ip: Option<String>,
    netmask: Option<String>,
    gateway: Option<String>,
    dns: Vec<String>,
    vlan: Option<u32>,
    device: String,
    ntp: Vec<String>,
    ssh: bool,
    root_password: Option<RootPassword>,
    disk: InstallDisk,
    keyboard: Option<String>,
    firstboot: Vec<String>,
}

impl KickstartSpec {
    /// A builder for host `hostname` (a FQDN or a short name).
    pub fn builder(hostname: impl Into<String>) -> KickstartBuilder {
        KickstartBuilder {
            hostname: hostname.into(),
            ip: None,
            netmask: None,
            gateway: None,
            dns: Vec::new(),
            vlan: None,
            device: "vmnic0".into(),
            ntp: Vec::new(),
            ssh: false,
            root_password: None,
            disk: InstallDisk::First(None),
            keyboard: None,
            firstboot: Vec::new(),
        }
    }

    /// The host name.
    pub fn hostname(&self) -> &str {
        &self.hostname
    }

    /// The management IP.
    pub fn ip(&self) -> Ipv4Addr {
        self.ip
    }

    /// The root password (redacted in `Debug`).
    pub fn root_password(&self) -> &RootPassword {
        &self.root_password
    }

    /// Renders `KS.CFG`. A clear-text password is hashed here (a fresh salt each time, so two renders
    /// differ only in the hash).
    pub fn render(&self) -> Result<String> {
        let mut out = String::new();
        out.push_str("# ESXi kickstart rendered by hermes-ilo\n");
        out.push_str("vmaccepteula\n");
        if let Some(k) = &self.keyboard {
            out.push_str(&format!("keyboard '{k}'\n"));
        }
        let hash = match &self.root_password {
            RootPassword::Hashed(h) => h.clone(),
            RootPassword::Plain(p) => hash_password(p.expose())?,
        };
        out.push_str(&format!("rootpw --iscrypted {hash}\n"));
        match &self.disk {
            InstallDisk::First(None) => out.push_str("install --firstdisk --overwritevmfs\n"),
            InstallDisk::First(Some(pref)) => {
                out.push_str(&format!("install --firstdisk={pref} --overwritevmfs\n"))
            }
            InstallDisk::Disk(d) => out.push_str(&format!("install --disk={d} --overwritevmfs\n")),
        }
        let mut net = format!(
            "network --bootproto=static --device={} --ip={} --netmask={} --gateway={} --hostname={}",
            self.device, self.ip, self.netmask, self.gateway, self.hostname
        );
        if !self.dns.is_empty() {
            let list: Vec<String> = self.dns.iter().map(|d| d.to_string()).collect();
            net.push_str(&format!(" --nameserver=\"{}\"", list.join(",")));
        }
        if let Some(v) = self.vlan {
            net.push_str(&format!(" --vlanid={v}"));
        }
        out.push_str(&net);
        out.push('\n');
        out.push_str("reboot\n");
        let mut first = Vec::new();
        if !self.ntp.is_empty() {
            first.push(format!(
                "esxcli system ntp set --enabled=true {}",
                self.ntp
                    .iter()
                    .map(|s| format!("--server={s}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        if self.ssh {
            first.push("vim-cmd hostsvc/enable_ssh".into());
            first.push("vim-cmd hostsvc/start_ssh".into());
        } else {
            first.push("vim-cmd hostsvc/disable_ssh".into());
        }
        first.extend(self.firstboot.iter().cloned());
        out.push_str("\n%firstboot --interpreter=busybox\n");
        for line in first {
            out.push_str(&line);
            out.push('\n');
        }
        Ok(out)
    }
}

/// SHA-512 crypt of `password` with a random salt (what ESXi's `rootpw --iscrypted` accepts).
pub fn hash_password(password: &str) -> Result<String> {
    let params = sha_crypt::Sha512Params::new(5000)
        .map_err(|e| IloError::invalid("kickstart", format!("sha512-crypt parameters: {e:?}")))?;
    sha_crypt::sha512_simple(password, &params).map_err(|e| {
        IloError::invalid("kickstart", format!("cannot hash the root password: {e:?}"))
    })
}

fn parse_ip(host: &str, field: &str, value: &str) -> Result<Ipv4Addr> {
    value.trim().parse::<Ipv4Addr>().map_err(|_| {
        IloError::invalid(
            format!("kickstart for {host}"),
            format!("{field} {value:?} is not an IPv4 address (write it as a.b.c.d)"),
        )
    })
}

fn valid_hostname(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

impl KickstartBuilder {
    /// The management IPv4 address.
    pub fn ip(mut self, ip: impl Into<String>) -> Self {
        self.ip = Some(ip.into());
        self
    }
    /// The subnet mask (`255.255.255.0`).
    pub fn netmask(mut self, mask: impl Into<String>) -> Self {
        self.netmask = Some(mask.into());
        self
    }
    /// The default gateway (required).
    pub fn gateway(mut self, gw: impl Into<String>) -> Self {
        self.gateway = Some(gw.into());
        self
    }
    /// The DNS servers.
    pub fn dns<I, S>(mut self, servers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.dns = servers.into_iter().map(Into::into).collect();
        self
    }
    /// The management VLAN (0–4094).
    pub fn vlan(mut self, vlan: u32) -> Self {
        self.vlan = Some(vlan);
        self
    }
    /// The uplink NIC (default `vmnic0`).
    pub fn device(mut self, nic: impl Into<String>) -> Self {
        self.device = nic.into();
        self
    }
    /// The NTP servers.
    pub fn ntp<I, S>(mut self, servers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.ntp = servers.into_iter().map(Into::into).collect();
        self
    }
    /// Whether SSH is enabled and started at first boot (default: disabled).
    pub fn ssh(mut self, enabled: bool) -> Self {
        self.ssh = enabled;
        self
    }
    /// The root password (required).
    pub fn root_password(mut self, pw: RootPassword) -> Self {
        self.root_password = Some(pw);
        self
    }
    /// Where to install (default: the first disk, overwriting VMFS).
    pub fn disk(mut self, disk: InstallDisk) -> Self {
        self.disk = disk;
        self
    }
    /// The keyboard layout (`'German'`), if not US.
    pub fn keyboard(mut self, layout: impl Into<String>) -> Self {
        self.keyboard = Some(layout.into());
        self
    }
    /// A `%firstboot` command (busybox shell), run after the built-in ones, in order.
    pub fn firstboot(mut self, command: impl Into<String>) -> Self {
        self.firstboot.push(command.into());
        self
    }

    /// Validates and builds the spec.
    pub fn build(self) -> Result<KickstartSpec> {
        let host = self.hostname.trim().to_string();
        let target = format!("kickstart for {host}");
        if !valid_hostname(&host) {
            return Err(IloError::invalid(
                target,
                format!("host name {host:?} is not a valid DNS name (letters, digits, '-', dots)"),
            ));
        }
        let ip = match &self.ip {
            Some(ip) => parse_ip(&host, "ip", ip)?,
            None => {
                return Err(IloError::invalid(
                    target,
                    "no management ip: set .ip(\"a.b.c.d\")",
                ))
            }
        };
        let netmask = match &self.netmask {
            Some(m) => parse_ip(&host, "netmask", m)?,
            None => {
                return Err(IloError::invalid(
                    target,
                    "no netmask: set .netmask(\"255.255.255.0\")",
                ))
            }
        };
        let bits = u32::from(netmask);
        if bits.leading_ones() + bits.trailing_zeros() != 32 || bits == 0 {
            return Err(IloError::invalid(
                target,
                format!("netmask {netmask} is not a contiguous subnet mask"),
            ));
        }
        let gateway = match &self.gateway {
            Some(g) => parse_ip(&host, "gateway", g)?,
            None => {
                return Err(IloError::invalid(
                    target,
                    "no gateway: set .gateway(\"a.b.c.1\") (ESXi needs a default gateway for its management network)",
                ))
            }
        };
        let net = |a: Ipv4Addr| u32::from(a) & bits;
        if net(ip) != net(gateway) {
            return Err(IloError::invalid(
                target,
                format!("gateway {gateway} is not in the subnet of {ip}/{netmask}"),
            ));
        }
        if ip == gateway {
            return Err(IloError::invalid(
                target,
                format!("ip and gateway are both {ip}"),
            ));
        }
        let host_bits = u32::from(ip) & !bits;
        if bits != u32::MAX && (host_bits == 0 || host_bits == !bits) {
            return Err(IloError::invalid(
                target,
                format!("ip {ip} is the network or broadcast address of its subnet {netmask}"),
            ));
        }
        let dns = self
            .dns
            .iter()
            .map(|d| parse_ip(&host, "dns server", d))
            .collect::<Result<Vec<_>>>()?;
        if let Some(v) = self.vlan {
            if v > 4094 {
                return Err(IloError::invalid(
                    target,
                    format!("vlan {v} is out of range (0-4094; 0 = untagged)"),
                ));
            }
        }
        for s in &self.ntp {
            let ok = !s.is_empty() && (s.parse::<Ipv4Addr>().is_ok() || valid_hostname(s));
            if !ok {
                return Err(IloError::invalid(
                    target,
                    format!("ntp server {s:?} is neither an IPv4 address nor a DNS name"),
                ));
            }
        }
        if self.device.is_empty() || !self.device.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(IloError::invalid(
                target,
                format!("device {:?} is not a NIC name such as vmnic0", self.device),
            ));
        }
        let root_password = match self.root_password {
            None => {
                return Err(IloError::invalid(
                    target,
                    "no root password: set .root_password(RootPassword::plain(..) or ::hashed(..))",
                ))
            }
            Some(RootPassword::Plain(p)) if p.expose().is_empty() => {
                return Err(IloError::invalid(target, "the root password is empty"))
            }
            Some(RootPassword::Plain(p)) if p.expose().contains('\n') => {
                return Err(IloError::invalid(
                    target,
                    "the root password contains a line break",
                ))
            }
            Some(RootPassword::Hashed(h))
                if !(h.starts_with("$6$") || h.starts_with("$5$") || h.starts_with("$1$"))
                    || h.contains(char::is_whitespace) =>
            {
                return Err(IloError::invalid(
                    target,
                    "the hashed root password is not a crypt(3) hash ($6$..., $5$... or $1$...)",
                ))
            }
            Some(p) => p,
        };
        if let InstallDisk::Disk(d) = &self.disk {
            if d.is_empty() || d.contains(char::is_whitespace) {
                return Err(IloError::invalid(
                    target,
                    format!("install disk {d:?} is not a device name"),
                ));
            }
        }
        for line in &self.firstboot {
            if line.contains('\n') || line.trim_start().starts_with('%') {
                return Err(IloError::invalid(
                    target,
                    format!(
                        "%firstboot command {line:?} must be one line and not start a new section"
                    ),
                ));
            }
        }
        Ok(KickstartSpec {
            hostname: host,
            ip,
            netmask,
            gateway,
            dns,
            vlan: self.vlan.map(|v| v as u16),
            device: self.device,
            ntp: self.ntp,
            ssh: self.ssh,
            root_password,
            disk: self.disk,
            keyboard: self.keyboard,
            firstboot: self.firstboot,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> KickstartBuilder {
        KickstartSpec::builder("esxi-01.lab")
            .ip("10.0.10.11")
            .netmask("255.255.255.0")
            .gateway("10.0.10.1")
            .root_password(RootPassword::plain("s3cret!"))
    }

    #[test]
    fn renders_every_setting() {
        let ks = base()
            .dns(["10.0.0.53", "10.0.0.54"])
            .vlan(110)
            .ntp(["0.pool.ntp.org", "10.0.0.1"])
            .ssh(true)
            .firstboot("echo hello > /tmp/hello")
            .build()
            .unwrap();
        let text = ks.render().unwrap();
        assert!(text.contains(
            "network --bootproto=static --device=vmnic0 --ip=10.0.10.11 --netmask=255.255.255.0 \
             --gateway=10.0.10.1 --hostname=esxi-01.lab --nameserver=\"10.0.0.53,10.0.0.54\" --vlanid=110"
        ), "{text}");
        assert!(text.contains(
            "esxcli system ntp set --enabled=true --server=0.pool.ntp.org --server=10.0.0.1"
        ));
        assert!(text.contains(
            "vim-cmd hostsvc/enable_ssh\nvim-cmd hostsvc/start_ssh\necho hello > /tmp/hello\n"
        ));
        assert!(text.contains("%firstboot --interpreter=busybox"));
        let hash = text
            .lines()
            .find_map(|l| l.strip_prefix("rootpw --iscrypted "))
            .unwrap();
        assert!(sha_crypt::sha512_check("s3cret!", hash).is_ok());
        assert!(!text.contains("s3cret!"));
        assert!(!format!("{ks:?}").contains("s3cret!"));
    }

    #[test]
    fn pre_hashed_passwords_are_written_as_is() {
        let h = "$6$saltsalt$abcdefghijklmnop";
        let text = base()
            .root_password(RootPassword::hashed(h))
            .build()
            .unwrap()
            .render()
            .unwrap();
        assert!(text.contains(&format!("rootpw --iscrypted {h}\n")));
        assert!(base()
            .root_password(RootPassword::hashed("plain"))
            .build()
            .is_err());
    }

    #[test]
    fn bad_input_is_named() {
        let cases: Vec<(KickstartBuilder, &str)> = vec![
            (
                base().ip("10.0.10.300"),
                "ip \"10.0.10.300\" is not an IPv4 address",
            ),
            (
                KickstartSpec::builder("h")
                    .ip("10.0.0.2")
                    .netmask("255.255.255.0")
                    .root_password(RootPassword::plain("x")),
                "no gateway",
            ),
            (
                base().root_password(RootPassword::plain("")),
                "root password is empty",
            ),
            (base().gateway("10.0.11.1"), "not in the subnet"),
            (
                base().netmask("255.0.255.0"),
                "not a contiguous subnet mask",
            ),
            (base().vlan(4095), "vlan 4095 is out of range"),
            (base().dns(["dns.example"]), "dns server \"dns.example\""),
            (
                KickstartSpec::builder("bad host").ip("10.0.0.2"),
                "not a valid DNS name",
            ),
            (base().ip("10.0.10.255"), "broadcast"),
            (base().firstboot("%pre"), "%firstboot command"),
        ];
        for (b, want) in cases {
            let err = b.build().unwrap_err().to_string();
            assert!(err.contains(want), "{err} should contain {want}");
            assert!(err.starts_with("kickstart for "), "{err}");
        }
    }
}
