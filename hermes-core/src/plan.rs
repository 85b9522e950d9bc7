//! Plans, changes and diffs, with a human rendering like `terraform plan` or Ansible's `--check --diff`.
//!
//! A [`ChangeSet`] is an ordered list of [`Change`]s for one target. Each change names the resource it
//! touches, what happens to it ([`Action`]), the fields that differ ([`FieldChange`]) and, for devices
//! driven by commands, the exact lines that will be sent (in order). The same type serves as a
//! [`crate::Provisioner`]'s plan (where [`Action::Keep`] entries say what is left alone) and as a
//! [`crate::Configurable`]'s diff.
//!
//! ```
//! use hermes_core::plan::{Action, Change, ChangeSet, FieldChange};
//! let mut plan = ChangeSet::new("n3k-01");
//! plan.push(Change::new(Action::Create, "vlan 30").field(FieldChange::added("name", "web")).command("vlan 30").command("  name web"));
//! plan.push(Change::new(Action::Update, "interface Ethernet1/1").field(FieldChange::changed("description", "old", "esxi-01 vmnic0")));
//! assert_eq!(plan.summary().create, 1);
//! let text = plan.render();
//! assert!(text.contains("+ vlan 30"));
//! assert!(text.contains("description: \"old\" -> \"esxi-01 vmnic0\""));
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a change does to its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The resource will be created.
    Create,
    /// The resource exists and some of its fields will change.
    Update,
    /// The resource will be removed.
    Delete,
    /// The resource will be removed and created again (a change that cannot be made in place).
    Replace,
    /// An operation with no resource state of its own (a power cycle, a reboot, a copy).
    Run,
    /// The resource already matches: nothing happens (listed in plans so users see what is kept).
    Keep,
}

impl Action {
    /// The one-character sign used in renderings (`+`, `~`, `-`, `-/+`, `>`, ` `).
    pub fn sign(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Delete => "-",
            Action::Replace => "-/+",
            Action::Run => ">",
            Action::Keep => "=",
        }
    }
}

/// One field's before/after values, rendered as text. Sensitive values (flagged, or on a field whose
/// name says it holds a secret) are never rendered or serialised.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct FieldChange {
    /// The field's path within the resource (`description`, `switchport.trunk.allowed`).
    pub path: String,
    /// The live value (`None`: absent).
    pub before: Option<String>,
    /// The desired value (`None`: removed).
    pub after: Option<String>,
    /// Whether the values are secret: rendered as `(sensitive)`, and not serialised.
    pub sensitive: bool,
}

impl FieldChange {
    /// A field that is added with `after`.
    pub fn added(path: impl Into<String>, after: impl fmt::Display) -> Self {
        FieldChange {
            path: path.into(),
            before: None,
            after: Some(after.to_string()),
            sensitive: false,
        }
    }
    /// A field that is removed (was `before`).
    pub fn removed(path: impl Into<String>, before: impl fmt::Display) -> Self {
        FieldChange {
            path: path.into(),
            before: Some(before.to_string()),
            after: None,
            sensitive: false,
        }
    }
    /// A field that changes from `before` to `after`.
    pub fn changed(
        path: impl Into<String>,
        before: impl fmt::Display,
        after: impl fmt::Display,
    ) -> Self {
        FieldChange {
            path: path.into(),
            before: Some(before.to_string()),
            after: Some(after.to_string()),
            sensitive: false,
        }
    }
    /// A field given from optional values (`None` = absent); `None` if they are equal.
    pub fn between(
        path: impl Into<String>,
        before: Option<impl fmt::Display>,
        after: Option<impl fmt::Display>,
    ) -> Option<Self> {
        let before = before.map(|v| v.to_string());
        let after = after.map(|v| v.to_string());
        (before != after).then(|| FieldChange {
            path: path.into(),
            before,
            after,
            sensitive: false,
        })
    }
    /// A change to a secret: its values are dropped here, so they can never be rendered or logged.
    pub fn secret(path: impl Into<String>) -> Self {
        FieldChange {
            path: path.into(),
            before: None,
            after: None,
            sensitive: true,
        }
    }
}

impl Serialize for FieldChange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let hide = self.sensitive || is_secret_path(&self.path);
        let mut st = s.serialize_struct("FieldChange", 4)?;
        st.serialize_field("path", &self.path)?;
        st.serialize_field("before", if hide { &None } else { &self.before })?;
        st.serialize_field("after", if hide { &None } else { &self.after })?;
        st.serialize_field("sensitive", &hide)?;
        st.end()
    }
}

impl fmt::Debug for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", render_field(self))
    }
}

/// Words after which a device command carries a secret (`username x secret 5 ...`, `standby 1
/// authentication text ...`, `set psksecret ...`, `snmp-server community ...`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "psksecret",
    "key-string",
    "community",
    "authentication",
    "authentication-key",
    "message-digest-key",
    "pre-shared-key",
    "auth-key",
    "auth-password",
    "priv-password",
    "privatekey",
    "private-key",
    "passphrase",
];

/// Lines whose `key` word is followed by a secret: IOS / NX-OS `tacacs-server [host A] key [7] X`,
/// `radius-server [host A ...] key X`, `crypto isakmp key X address A`, `server-private A key X`.
const KEY_LINES: &[&str] = &["tacacs-server", "radius-server", "crypto", "server-private"];

/// Whether a FortiOS `set KEY` carries a secret by its name: `passwd`, `psksecret`,
/// `sae-password`, `passphrase`, `private-key`, any `...key` (`set key`, `md5-key`,
/// `key-inbound`), any `...-pwd`.
///
/// ```
/// use hermes_core::plan::is_secret_set_key;
/// assert!(is_secret_set_key("md5-key"));
/// assert!(is_secret_set_key("\"sae-password\""));
/// assert!(!is_secret_set_key("keylife"));
/// ```
pub fn is_secret_set_key(key: &str) -> bool {
    let k = key.trim_matches('"').to_ascii_lowercase();
    ["password", "passwd", "secret", "passphrase", "private-key"]
        .iter()
        .any(|w| k.contains(w))
        || k.ends_with("key")
        || k.starts_with("key-")
        || k.ends_with("-pwd")
}

/// The line with everything after a secret-bearing word replaced by `<redacted>` (case-insensitive,
/// whole words). Plans render and serialise command lines through this, so a secret sent to a device
/// never shows in a plan, a log or a report; the change set itself keeps the real line to send.
///
/// A word is secret-bearing by itself (`password`, `secret`, `key-string`, `community`...), as the
/// `key` of an AAA or crypto line (`tacacs-server host A key 7 X`, `crypto isakmp key X address A`),
/// as the `auth` of an SNMPv3 user (`snmp-server user U G auth md5 X priv Y`),
/// or of a line that is only a key (` key 7 X` in a `tacacs server` block; not a key chain's ` key
/// 1`), as the key of a FortiOS `set` whose name says secret (`set md5-key ...`, `set
/// sae-password ...`), or as an `ENC` marker (FortiOS shows every stored secret as `ENC ...`).
///
/// ```
/// use hermes_core::plan::redact_command;
/// assert_eq!(redact_command(" standby 10 authentication md5 key-string s3cr3t"), " standby 10 authentication <redacted>");
/// assert_eq!(redact_command("    set psksecret ENC abc"), "    set psksecret <redacted>");
/// assert_eq!(redact_command("tacacs-server host 192.0.2.1 key 7 0822455D0A16"), "tacacs-server host 192.0.2.1 key <redacted>");
/// assert_eq!(redact_command("    set md5-key hunter2"), "    set md5-key <redacted>");
/// assert_eq!(redact_command("vlan 30"), "vlan 30");
/// assert_eq!(redact_command(" key 1"), " key 1");
/// ```
pub fn redact_command(line: &str) -> std::borrow::Cow<'_, str> {
    let words: Vec<String> = line
        .split_whitespace()
        .map(|w| w.trim_matches('"').to_ascii_lowercase())
        .collect();
    let first = words.first().map(String::as_str).unwrap_or("");
    let key_line = KEY_LINES.contains(&first);
    // A line that is only a key: ` key [0|6|7] X`; a key chain's ` key 1` (an id alone) and
    // `key chain X` / `key config-key ...` are not secrets.
    let lone_key = first == "key"
        && match words.get(1).map(String::as_str) {
            None | Some("chain") | Some("config-key") => false,
            Some(next) if next.bytes().all(|b| b.is_ascii_digit()) => words.len() > 2,
            Some(_) => true,
        };
    let set_secret = first == "set" && words.get(1).is_some_and(|k| is_secret_set_key(k));
    let mut pos = 0;
    let mut i = 0;
    for word in line.split_inclusive(char::is_whitespace) {
        let bare = word.trim_end();
        pos += word.len();
        if bare.is_empty() {
            continue;
        }
        i += 1;
        let i = i - 1;
        let raw = bare.trim_matches('"');
        let w = raw.to_ascii_lowercase();
        let secret = SECRET_WORDS.contains(&w.as_str())
            || (w == "key" && (key_line || (lone_key && i == 0)))
            // SNMPv3 users: `snmp-server user U [G] [v3] auth md5|sha X priv [aes 128] Y`.
            || (w == "auth" && first == "snmp-server")
            || (set_secret && i == 1)
            || raw == "ENC";
        if secret && !line[pos..].trim().is_empty() {
            let head = line[..pos].trim_end();
            return std::borrow::Cow::Owned(format!("{head} {}", crate::secret::REDACTED));
        }
    }
    std::borrow::Cow::Borrowed(line)
}

/// Redacts command lines that are sent in order, tracking the FortiOS `config` blocks they stand in:
/// each line as [`redact_command`] does, and also a value that is secret only by where it stands, the
/// `set name` of a FortiOS SNMP community (`config system snmp community` / `edit 1` / `set name
/// "public"`: the name is the community string).
///
/// ```
/// use hermes_core::plan::CommandContext;
/// let mut ctx = CommandContext::default();
/// let lines = ["config system snmp community", "edit 1", "set name \"public\"", "next", "end",
///              "config firewall address", "edit \"web\"", "set name x", "next", "end"];
/// let shown: Vec<String> = lines.iter().map(|l| ctx.redact(l).into_owned()).collect();
/// assert_eq!(shown[2], "set name <redacted>");
/// assert_eq!(shown[7], "set name x");
/// ```
#[derive(Debug, Clone, Default)]
pub struct CommandContext {
    path: Vec<String>,
}

impl CommandContext {
    /// The line as it may be shown, then the context moved past it.
    pub fn redact<'a>(&mut self, line: &'a str) -> std::borrow::Cow<'a, str> {
        let t = line.trim();
        let secret_name = self
            .path
            .last()
            .is_some_and(|p| p.ends_with("snmp community"));
        let shown = match t.strip_prefix("set name ") {
            Some(v) if secret_name && !v.trim().is_empty() => {
                let indent = &line[..line.len() - line.trim_start().len()];
                std::borrow::Cow::Owned(format!("{indent}set name {}", crate::secret::REDACTED))
            }
            _ => redact_command(line),
        };
        if let Some(p) = t.strip_prefix("config ") {
            self.path.push(p.trim().to_string());
        } else if t == "end" {
            self.path.pop();
        }
        shown
    }
}

/// A sequence of command lines as it may be shown, through one [`CommandContext`].
fn redact_commands(cmds: &[String]) -> Vec<std::borrow::Cow<'_, str>> {
    let mut ctx = CommandContext::default();
    cmds.iter().map(|c| ctx.redact(c)).collect()
}

fn is_secret_path(path: &str) -> bool {
    let last = path
        .rsplit(['.', '/', ' '])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    SECRET_WORDS.contains(&last.as_str()) || crate::inventory::is_secret_name(&last)
}

fn redacted_commands<S: serde::Serializer>(cmds: &[String], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(cmds.len()))?;
    for c in redact_commands(cmds) {
        seq.serialize_element(&c)?;
    }
    seq.end()
}

fn quote(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("{s:?}"),
        None => "(none)".to_string(),
    }
}

fn render_field(fc: &FieldChange) -> String {
    if fc.sensitive || is_secret_path(&fc.path) {
        return format!("{}: (sensitive value)", fc.path);
    }
    match (&fc.before, &fc.after) {
        (None, Some(_)) => format!("{}: {}", fc.path, quote(&fc.after)),
        (Some(_), None) => format!("{}: {} -> (removed)", fc.path, quote(&fc.before)),
        _ => format!("{}: {} -> {}", fc.path, quote(&fc.before), quote(&fc.after)),
    }
}

/// One change to one resource. Its `Debug` shows the commands redacted, as plans do.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// What happens.
    pub action: Action,
    /// The resource, as users name it (`vlan 30`, `vm web-017`, `Bios.Attributes.BootMode`).
    pub resource: String,
    /// The fields that differ.
    pub fields: Vec<FieldChange>,
    /// The exact lines sent to the device for this change, in order (CLI commands, or one JSON body per
    /// request for REST devices). Empty for changes applied through typed API calls. Rendered and
    /// serialised through [`redact_command`]: a secret in a command never shows in a plan.
    #[serde(serialize_with = "redacted_commands")]
    pub commands: Vec<String>,
    /// Why the change is needed, when it is not obvious (`members must leave before the port-channel goes`).
    pub reason: Option<String>,
}

impl std::fmt::Debug for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let commands = redact_commands(&self.commands);
        f.debug_struct("Change")
            .field("action", &self.action)
            .field("resource", &self.resource)
            .field("fields", &self.fields)
            .field("commands", &commands)
            .field("reason", &self.reason)
            .finish()
    }
}

impl Change {
    /// A change with no fields or commands yet.
    pub fn new(action: Action, resource: impl Into<String>) -> Self {
        Change {
            action,
            resource: resource.into(),
            fields: Vec::new(),
            commands: Vec::new(),
            reason: None,
        }
    }
    /// Adds a field change.
    pub fn field(mut self, field: FieldChange) -> Self {
        self.fields.push(field);
        self
    }
    /// Adds several field changes.
    pub fn fields(mut self, fields: impl IntoIterator<Item = FieldChange>) -> Self {
        self.fields.extend(fields);
        self
    }
    /// Adds a command line sent for this change.
    pub fn command(mut self, line: impl Into<String>) -> Self {
        self.commands.push(line.into());
        self
    }
    /// Says why the change is needed.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// Counts per action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Resources to create.
    pub create: usize,
    /// Resources to update in place.
    pub update: usize,
    /// Resources to delete.
    pub delete: usize,
    /// Resources to replace.
    pub replace: usize,
    /// Operations to run.
    pub run: usize,
    /// Resources left as they are.
    pub keep: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} to add, {} to change, {} to destroy",
            self.create,
            self.update + self.replace,
            self.delete + self.replace
        )?;
        if self.run > 0 {
            write!(f, ", {} to run", self.run)?;
        }
        write!(f, ", {} unchanged", self.keep)
    }
}

/// An ordered set of changes for one target: a plan, a diff, or what an apply did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// The target (device, host, fleet) the changes apply to.
    pub target: String,
    /// The changes, in the order they must be applied.
    pub changes: Vec<Change>,
}

/// A provisioner's plan: the same vocabulary as a diff, with [`Action::Keep`] entries for what is left alone.
pub type Plan = ChangeSet;

impl ChangeSet {
    /// An empty change set for `target`.
    pub fn new(target: impl Into<String>) -> Self {
        ChangeSet {
            target: target.into(),
            changes: Vec::new(),
        }
    }

    /// Appends a change (order is application order).
    pub fn push(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Whether anything would change (entries other than [`Action::Keep`]).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action != Action::Keep)
    }

    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        !self.has_changes()
    }

    /// The changes that do something (all but [`Action::Keep`]).
    pub fn actionable(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.action != Action::Keep)
    }

    /// All command lines, in order.
    pub fn commands(&self) -> Vec<&str> {
        self.actionable()
            .flat_map(|c| c.commands.iter().map(String::as_str))
            .collect()
    }

    /// Counts per action.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            match c.action {
                Action::Create => s.create += 1,
                Action::Update => s.update += 1,
                Action::Delete => s.delete += 1,
                Action::Replace => s.replace += 1,
                Action::Run => s.run += 1,
                Action::Keep => s.keep += 1,
            }
        }
        s
    }

    /// The human rendering (also this type's `Display`): a heading, one block per change with its fields
    /// and commands, and the summary line. Unchanged resources are counted, not listed.
    pub fn render(&self) -> String {
        self.render_with(RenderOptions::default())
    }

    /// The rendering with options (list unchanged resources, hide commands).
    pub fn render_with(&self, opts: RenderOptions) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(out, "Plan for {}:", self.target);
        if !self.has_changes() {
            let _ = writeln!(out, "  No changes. {} is up to date.", self.target);
        }
        for c in &self.changes {
            if c.action == Action::Keep && !opts.show_unchanged {
                continue;
            }
            let _ = writeln!(out, "  {} {}", c.action.sign(), c.resource);
            if let Some(reason) = &c.reason {
                let _ = writeln!(out, "      # {reason}");
            }
            for f in &c.fields {
                let _ = writeln!(out, "      {}", render_field(f));
            }
            if opts.show_commands && !c.commands.is_empty() {
                for line in redact_commands(&c.commands) {
                    let _ = writeln!(out, "      | {line}");
                }
            }
        }
        let _ = writeln!(out, "  {}.", self.summary());
        out
    }
}

impl fmt::Display for ChangeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// How [`ChangeSet::render_with`] renders.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// List unchanged ([`Action::Keep`]) resources too.
    pub show_unchanged: bool,
    /// Show the command lines under each change.
    pub show_commands: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            show_unchanged: false,
            show_commands: true,
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn aaa_crypto_lone_key_set_key_and_enc_secrets_are_redacted() {
        let cases = [
            // Lines and keys seen in real IOS / NX-OS / FortiOS configurations.
            (
                "tacacs-server key 7 0822455D0A16",
                "tacacs-server key <redacted>",
            ),
            (
                "tacacs-server host 192.168.1.1 key MySecretKey1",
                "tacacs-server host 192.168.1.1 key <redacted>",
            ),
            (
                "radius-server host 10.0.0.2 auth-port 1812 acct-port 1813 key 7 1511021F0725",
                "radius-server host 10.0.0.2 auth-port 1812 acct-port 1813 key <redacted>",
            ),
            ("radius-server key RADiUs", "radius-server key <redacted>"),
            (
                "crypto isakmp key cisco123 address 0.0.0.0",
                "crypto isakmp key <redacted>",
            ),
            (" key 7 0822455D0A16", " key <redacted>"),
            (" key Cisco123", " key <redacted>"),
            (
                " ip ospf message-digest-key 1 md5 7 0822455D",
                " ip ospf message-digest-key <redacted>",
            ),
            ("    set key ENC abc==", "    set key <redacted>"),
            ("    set md5-key hunter2", "    set md5-key <redacted>"),
            (
                "    set sae-password \"wifi-pass\"",
                "    set sae-password <redacted>",
            ),
            (
                "    set passphrase ENC xyz",
                "    set passphrase <redacted>",
            ),
            (
                "    set private-key \"-----BEGIN",
                "    set private-key <redacted>",
            ),
            (
                "    set key-inbound 0123456789abcdef",
                "    set key-inbound <redacted>",
            ),
            ("    set auth-pwd p4ss", "    set auth-pwd <redacted>"),
            (
                "snmp-server user admin network-admin auth md5 0x1c3a priv 0x1c3a localizedkey",
                "snmp-server user admin network-admin auth <redacted>",
            ),
            (
                "snmp-server user nms NMS v3 auth sha AuthPass1 priv aes 128 PrivPass1",
                "snmp-server user nms NMS v3 auth <redacted>",
            ),
            (
                "    set ldapconntimeout ENC abc",
                "    set ldapconntimeout ENC <redacted>",
            ),
        ];
        for (line, shown) in cases {
            assert_eq!(redact_command(line), shown, "{line}");
        }
        // Not secrets: a key chain and its key ids, keylife, names.
        for line in [
            "key chain OSPF-KEYS",
            " key 1",
            "    set keylife 86400",
            "    set keylifeseconds 43200",
            "    set name \"key-server\"",
            "vlan 30",
            "ip route 0.0.0.0 0.0.0.0 10.0.0.1",
        ] {
            assert_eq!(redact_command(line), line, "{line}");
        }
    }
    use super::*;

    fn sample() -> ChangeSet {
        let mut cs = ChangeSet::new("c3750-01");
        cs.push(
            Change::new(Action::Create, "vlan 30")
                .field(FieldChange::added("name", "web"))
                .command("vlan 30")
                .command(" name web"),
        );
        cs.push(Change::new(Action::Keep, "vlan 10"));
        cs.push(
            Change::new(Action::Delete, "interface Port-channel9")
                .reason("no longer in the desired model")
                .command("no interface Port-channel9"),
        );
        cs.push(Change::new(Action::Update, "user admin").field(FieldChange::secret("password")));
        cs
    }

    #[test]
    fn rendering_is_stable_and_readable() {
        let text = sample().render();
        let expected = "Plan for c3750-01:
  + vlan 30
      name: \"web\"
      | vlan 30
      |  name web
  - interface Port-channel9
      # no longer in the desired model
      | no interface Port-channel9
  ~ user admin
      password: (sensitive value)
  1 to add, 1 to change, 1 to destroy, 1 unchanged.
";
        assert_eq!(text, expected);
    }

    #[test]
    fn secrets_in_commands_and_fields_never_render_or_serialise() {
        let mut cs = ChangeSet::new("c3750-01");
        cs.push(
            Change::new(Action::Update, "interface Vlan10")
                .field(FieldChange::changed(
                    "standby.10.authentication",
                    "text old-pw",
                    "md5 key-string NEW-PW",
                ))
                .command("interface Vlan10")
                .command(" standby 10 authentication md5 key-string NEW-PW"),
        );
        cs.push(
            Change::new(Action::Create, "user")
                .command("username admin privilege 15 secret 9 HASHED-PW"),
        );
        cs.push(Change::new(Action::Create, "vpn").command("        set psksecret ENC PSK-VALUE"));
        let text = cs.render();
        let json = serde_json::to_string(&cs).unwrap();
        for leak in ["NEW-PW", "old-pw", "HASHED-PW", "PSK-VALUE"] {
            assert!(
                !text.contains(leak) && !json.contains(leak),
                "{leak} in\n{text}\n{json}"
            );
        }
        assert!(
            text.contains("| username admin privilege 15 secret <redacted>"),
            "{text}"
        );
        // The lines to send keep the real values.
        assert!(cs
            .commands()
            .iter()
            .any(|c| c.ends_with("key-string NEW-PW")));
        assert_eq!(
            redact_command("no snmp-server community"),
            "no snmp-server community"
        );
    }

    #[test]
    fn an_all_keep_plan_is_empty() {
        let mut cs = ChangeSet::new("h");
        cs.push(Change::new(Action::Keep, "vm a"));
        assert!(cs.is_empty());
        assert!(cs.render().contains("No changes"));
        assert_eq!(cs.commands().len(), 0);
    }

    #[test]
    fn commands_come_out_in_order_and_sensitive_values_are_never_serialised() {
        let cs = sample();
        assert_eq!(
            cs.commands(),
            vec!["vlan 30", " name web", "no interface Port-channel9"]
        );
        let json = serde_json::to_string(&cs).unwrap();
        assert!(json.contains("\"sensitive\":true"));
        assert_eq!(FieldChange::between("x", Some(1), Some(1)), None);
        assert!(FieldChange::between("x", None::<i32>, Some(2)).is_some());
    }

    #[test]
    fn a_change_debug_redacts_its_commands_as_plans_do() {
        let mut c = Change::new(Action::Update, "vpn ipsec phase1-interface to-dc");
        c.commands = vec![
            "config vpn ipsec phase1-interface".into(),
            "    edit \"to-dc\"".into(),
            "        set psksecret ENC s3cr3t-psk".into(),
            "    next".into(),
            "end".into(),
            "config system snmp community".into(),
            "    edit 1".into(),
            "        set name \"s3cr3t-comm\"".into(),
            "    next".into(),
            "end".into(),
        ];
        let debug = format!("{c:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("set psksecret <redacted>"), "{debug}");
        assert!(debug.contains("set name <redacted>"), "{debug}");
        assert!(debug.contains("edit \\\"to-dc\\\""), "{debug}");
    }
}
