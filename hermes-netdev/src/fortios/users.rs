//! FortiOS user accounts and the servers that authenticate them: `config user local`, `config user
//! group`, `config user radius`, `config user ldap`. Every password and shared secret is a
//! [`hermes_core::Secret`] (`ENC ...` as the device shows it, or a new one in clear, which is not
//! set again over the device's encrypted form).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{is_enc, password_value, quote, redact, tokens, valid_list, valid_str, Entry};

entity!(
    /// `config user local` entry: a local user (`type password`) or one authenticated by a
    /// RADIUS / LDAP / TACACS+ server (`type radius`, `ldap-server`...).
    UserLocal {
        /// `password`, `radius`, `ldap`, `tacacs+`.
        kind: raw = "type",
        /// `enable` / `disable`.
        status: raw = "status",
        /// The password (`type password`): `ENC ...` as read back, or a new one in clear.
        passwd: password = "passwd",
        /// LDAP server that authenticates the user (`type ldap`).
        ldap_server: str = "ldap-server",
        /// RADIUS server that authenticates the user (`type radius`).
        radius_server: str = "radius-server",
        /// TACACS+ server that authenticates the user (`type tacacs+`).
        tacacs_server: str = "tacacs+-server",
        /// Two-factor authentication (`fortitoken`, `email`, `sms`, `disable`).
        two_factor: raw = "two-factor",
        /// FortiToken serial number.
        fortitoken: str = "fortitoken",
        /// E-mail address for two-factor codes.
        email_to: str = "email-to",
    }
);

entity!(
    /// `config user group` entry: its members are local users and authentication servers.
    UserGroup {
        /// `firewall` (the default), `fsso-service`, `rsso`, `guest`.
        group_type: raw = "group-type",
        /// Members: local users, RADIUS / LDAP / TACACS+ servers.
        member: list = "member",
        /// Minutes before an authenticated user must log in again.
        authtimeout: raw = "authtimeout",
    }
);

entity!(
    /// `config user radius` entry. The shared secrets are [`hermes_core::Secret`]s.
    UserRadius {
        /// Primary server address or name.
        server: str = "server",
        /// Shared secret of the primary server.
        secret: password = "secret",
        /// Secondary server.
        secondary_server: str = "secondary-server",
        /// Shared secret of the secondary server.
        secondary_secret: password = "secondary-secret",
        /// Authentication protocol (`auto`, `ms_chap_v2`, `pap`...).
        auth_type: raw = "auth-type",
        /// NAS IP address sent to the server.
        nas_ip: raw = "nas-ip",
        /// Source address of the requests.
        source_ip: raw = "source-ip",
    }
);

entity!(
    /// `config user ldap` entry. The bind password is a [`hermes_core::Secret`].
    UserLdap {
        /// Server address or name.
        server: str = "server",
        /// Port (389 by default).
        port: raw = "port",
        /// Common-name attribute (`cn`, `sAMAccountName`).
        cnid: str = "cnid",
        /// Distinguished name searched.
        dn: str = "dn",
        /// `simple`, `anonymous`, `regular` (bind with `username` / `password`).
        kind: raw = "type",
        /// Bind user (`type regular`).
        username: str = "username",
        /// Bind password (`type regular`).
        password: password = "password",
        /// `enable` / `disable`: LDAPS or STARTTLS.
        secure: raw = "secure",
    }
);

/// Tables of other user sources the model keeps as written: their entries may be group members.
const KEPT_USER_TABLES: &[&str] = &[
    "config user tacacs+",
    "config user fsso",
    "config user peer",
    "config user saml",
    "config user pop3",
    "config user adgrp",
];

impl super::FortiConfig {
    /// The problems of the user tables and of the policies that name users, schedules: a name
    /// must be defined when the model states the table it belongs to (a partial model is not
    /// checked against what it does not state).
    pub(super) fn user_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let kept: std::collections::BTreeSet<String> = self
            .other
            .iter()
            .filter(|o| KEPT_USER_TABLES.contains(&o.lines().next().unwrap_or_default().trim()))
            .flat_map(|o| super::edit_names(o))
            .collect();
        let ldap: Vec<&String> = self.user_ldap.keys().collect();
        let radius: Vec<&String> = self.user_radius.keys().collect();
        for (u, x) in &self.users_local {
            let servers = [
                ("ldap", "ldap-server", &x.ldap_server, &ldap),
                ("radius", "radius-server", &x.radius_server, &radius),
            ];
            for (kind, key, server, known) in servers {
                if x.kind.as_deref() == Some(kind) && server.is_none() {
                    out.push(format!(
                        "user local {u:?} is of type {kind} without `{key}`: name the server"
                    ));
                }
                if let Some(s) = server {
                    if !known.is_empty() && !known.contains(&s) {
                        out.push(format!(
                            "user local {u:?} names {key} {s:?}, which is not defined: add it to \
                             `config user {kind}`"
                        ));
                    }
                }
            }
        }
        let users_stated = !self.users_local.is_empty()
            || !self.user_radius.is_empty()
            || !self.user_ldap.is_empty();
        for (g, grp) in &self.user_groups {
            if !matches!(grp.group_type.as_deref(), None | Some("firewall")) || !users_stated {
                continue;
            }
            for m in &grp.member {
                let known = self.users_local.contains_key(m)
                    || self.user_radius.contains_key(m)
                    || self.user_ldap.contains_key(m)
                    || kept.contains(m);
                if !known {
                    out.push(format!(
                        "user group {g:?} member {m:?} is not defined: add it to `config user \
                         local` (or as a RADIUS / LDAP server) or remove it from the group"
                    ));
                }
            }
        }
        let groups_kept = !self.user_groups.is_empty();
        let schedules_stated =
            !self.schedules_recurring.is_empty() || !self.schedules_onetime.is_empty();
        let schedule_groups: std::collections::BTreeSet<String> = self
            .other
            .iter()
            .filter(|o| {
                o.lines().next().unwrap_or_default().trim() == "config firewall schedule group"
            })
            .flat_map(|o| super::edit_names(o))
            .collect();
        for (id, p) in &self.policies {
            for g in &p.groups {
                if groups_kept
                    && !self.user_groups.contains_key(g)
                    && !super::BUILTIN.contains(&g.as_str())
                {
                    out.push(format!(
                        "policy {id} names user group {g:?}, which is not defined: add it to \
                         `config user group`"
                    ));
                }
            }
            for u in &p.users {
                if !self.users_local.is_empty() && !self.users_local.contains_key(u) {
                    out.push(format!(
                        "policy {id} names user {u:?}, which is not defined: add it to `config \
                         user local`"
                    ));
                }
            }
            if let Some(s) = &p.schedule {
                let known = super::BUILTIN.contains(&s.as_str())
                    || self.schedules_recurring.contains_key(s)
                    || self.schedules_onetime.contains_key(s)
                    || schedule_groups.contains(s);
                if schedules_stated && !known {
                    out.push(format!(
                        "policy {id} uses schedule {s:?}, which is not defined: add it to \
                         `config firewall schedule recurring` or `onetime`"
                    ));
                }
            }
        }
        out
    }
}
