//! IOS global service switches: see [`Services`].

use serde::{Deserialize, Serialize};

/// The IOS global service switches found on most devices: `service timestamps debug|log ...`,
/// `[no] service password-encryption`, `[no] ip http server`, `[no] ip http secure-server` and
/// `[no] ip domain lookup`. IOS shows each of the switches in both states, so `Some(false)`
/// renders the `no` form. Other forms (`ip domain-lookup` of IOS 12.x, `service timestamps` with
/// nothing after the kind) are kept as written.
///
/// ```
/// use hermes_netdev::cisco::{CiscoConfig, Dialect};
/// let cfg = CiscoConfig::parse("service timestamps log datetime msec\nno ip http server\n", Dialect::Ios);
/// assert_eq!(cfg.services.timestamps_log.as_deref(), Some("datetime msec"));
/// assert_eq!(cfg.services.http_server, Some(false));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Services {
    /// `service timestamps debug X`: X as written (`datetime msec localtime show-timezone`).
    pub timestamps_debug: Option<String>,
    /// `service timestamps log X`: X as written.
    pub timestamps_log: Option<String>,
    /// `service password-encryption` / `no service password-encryption`.
    pub password_encryption: Option<bool>,
    /// `ip http server` / `no ip http server`.
    pub http_server: Option<bool>,
    /// `ip http secure-server` / `no ip http secure-server`.
    pub http_secure_server: Option<bool>,
    /// `ip domain lookup` / `no ip domain lookup`.
    pub domain_lookup: Option<bool>,
}

impl Services {
    /// Reads one top-level leaf line; `false` if it is not one of these (or one already read).
    pub(super) fn read(&mut self, w: &[&str]) -> bool {
        fn set<T>(f: &mut Option<T>, v: T) -> bool {
            if f.is_some() {
                return false;
            }
            *f = Some(v);
            true
        }
        let (on, rest) = match w {
            ["no", rest @ ..] => (false, rest),
            rest => (true, rest),
        };
        match rest {
            ["service", "timestamps", "debug", x @ ..] if on && !x.is_empty() => {
                set(&mut self.timestamps_debug, x.join(" "))
            }
            ["service", "timestamps", "log", x @ ..] if on && !x.is_empty() => {
                set(&mut self.timestamps_log, x.join(" "))
            }
            ["service", "password-encryption"] => set(&mut self.password_encryption, on),
            ["ip", "http", "server"] => set(&mut self.http_server, on),
            ["ip", "http", "secure-server"] => set(&mut self.http_secure_server, on),
            ["ip", "domain", "lookup"] => set(&mut self.domain_lookup, on),
            _ => false,
        }
    }

    /// The lines, in the order IOS shows them.
    pub(super) fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let toggle = |on: Option<bool>, what: &str| {
            on.map(|on| {
                if on {
                    what.to_string()
                } else {
                    format!("no {what}")
                }
            })
        };
        if let Some(x) = &self.timestamps_debug {
            out.push(format!("service timestamps debug {x}"));
        }
        if let Some(x) = &self.timestamps_log {
            out.push(format!("service timestamps log {x}"));
        }
        out.extend(toggle(
            self.password_encryption,
            "service password-encryption",
        ));
        out.extend(toggle(self.domain_lookup, "ip domain lookup"));
        out.extend(toggle(self.http_server, "ip http server"));
        out.extend(toggle(self.http_secure_server, "ip http secure-server"));
        out
    }

    /// The switches of live `self` that `want` manages: those it states.
    pub(super) fn managed(&self, want: &Services) -> Services {
        Services {
            timestamps_debug: want
                .timestamps_debug
                .as_ref()
                .and(self.timestamps_debug.clone()),
            timestamps_log: want
                .timestamps_log
                .as_ref()
                .and(self.timestamps_log.clone()),
            password_encryption: want.password_encryption.and(self.password_encryption),
            http_server: want.http_server.and(self.http_server),
            http_secure_server: want.http_secure_server.and(self.http_secure_server),
            domain_lookup: want.domain_lookup.and(self.domain_lookup),
        }
    }
}
