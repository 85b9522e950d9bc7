//! FortiOS log destinations and per-VDOM settings: `config log setting`, `config log disk setting`,
//! `config log memory setting`, `config log fortianalyzer setting` and `config system settings`
//! (blocks of settings, not tables; their other keys stay in `extra`, as written).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{quote, redact, tokens, valid_list, valid_str, Entry};

entity!(
    /// `config log setting`: what the FortiGate logs.
    LogSetting {
        /// `enable` / `disable`: resolve addresses to names in logs.
        resolve_ip: raw = "resolve-ip",
        /// `enable` / `disable`: resolve ports to service names.
        resolve_port: raw = "resolve-port",
        /// `enable` / `disable`: log traffic the implicit policy allows or denies.
        fwpolicy_implicit_log: raw = "fwpolicy-implicit-log",
        /// `enable` / `disable`: log local-in traffic that is allowed.
        local_in_allow: raw = "local-in-allow",
        /// `enable` / `disable`: log local-in unicast traffic that is denied.
        local_in_deny_unicast: raw = "local-in-deny-unicast",
        /// `enable` / `disable`: log local-in broadcast traffic that is denied.
        local_in_deny_broadcast: raw = "local-in-deny-broadcast",
        /// `enable` / `disable`: log traffic the FortiGate itself sends.
        local_out: raw = "local-out",
    }
);

entity!(
    /// `config log disk setting`: logs on the local disk.
    LogDiskSetting {
        /// `enable` / `disable`.
        status: raw = "status",
        /// `overwrite` / `nolog` when the disk is full.
        diskfull: raw = "diskfull",
        /// Largest log file, in MB.
        max_log_file_size: raw = "max-log-file-size",
        /// `enable` / `disable`: upload rolled logs to a server.
        upload: raw = "upload",
    }
);

entity!(
    /// `config log memory setting`: logs in memory.
    LogMemorySetting {
        /// `enable` / `disable`.
        status: raw = "status",
        /// `overwrite` when memory is full.
        diskfull: raw = "diskfull",
    }
);

entity!(
    /// `config log fortianalyzer setting`: logs sent to a FortiAnalyzer.
    LogFortianalyzerSetting {
        /// `enable` / `disable`.
        status: raw = "status",
        /// FortiAnalyzer address or name.
        server: str = "server",
        /// `realtime`, `1-minute`, `5-minute`.
        upload_option: raw = "upload-option",
        /// `enable` / `disable`: TCP instead of UDP.
        reliable: raw = "reliable",
        /// Serial numbers of the FortiAnalyzers accepted.
        serial: list = "serial",
        /// Source address of the connection.
        source_ip: raw = "source-ip",
    }
);

entity!(
    /// `config system settings`: the VDOM's operating settings.
    SysSettings {
        /// `nat` / `transparent`.
        opmode: raw = "opmode",
        /// `flow` / `proxy` (FortiOS up to 6.0).
        inspection_mode: raw = "inspection-mode",
        /// Management address of a transparent VDOM.
        manageip: raw = "manageip",
        /// Default gateway of a transparent VDOM.
        gateway: raw = "gateway",
        /// `enable` / `disable`: asymmetric routing.
        asymroute: raw = "asymroute",
        /// `enable` / `disable`: SIP session helper expectations.
        sip_expectation: raw = "sip-expectation",
        /// `enable` / `disable`: central NAT.
        central_nat: raw = "central-nat",
        /// `enable` / `disable`: the explicit proxy pages in the GUI.
        gui_explicit_proxy: raw = "gui-explicit-proxy",
    }
);
