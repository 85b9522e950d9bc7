//! SSH CLI transport (russh): login, prompt detection, enable, paging, per-command timeouts,
//! confirmations and device error lines.
//!
//! Output is read the way a terminal shows it ([`render_terminal`]): ANSI/VT100 sequences (a pager
//! in reverse video, `ESC[K`, window titles) are removed, `\r\n` and `\r\r\n` end lines, backspaces
//! and lone carriage returns overwrite. The prompt is learned at login (`n3k>` → base prompt `n3k`)
//! once output has settled, from a line shaped like a prompt (a banner line ending in `#` is not
//! one), and recognised afterwards as the last line: the base prompt, an optional `(mode)`
//! (`sw1(config-if-range)#`, `FGT60F (interface) # `) and a terminator (`>`, `#`; FortiOS `#`,
//! `$`). A `--More--` pager is answered with a space and its erase sequence skipped; syslog
//! messages printed into the session (`%LINK-3-UPDOWN`) before the echo or after the prompt are
//! dropped. Output lines that a device prints for a rejected command ([`error_line`]) make
//! [`CliSession::command`] fail with [`NetError::DeviceRejected`] naming the line and the device; a
//! confirmation question (`[confirm]`, `(y/n)`) is declined and fails with
//! [`NetError::ConfirmationRequired`] unless the command is sent with
//! [`CliSession::command_confirm`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use russh::client;
use russh::keys::{HashAlg, PublicKey};
use russh::ChannelMsg;

use crate::error::{NetError, Result};
use hermes_core::plan::CommandContext;
use hermes_core::{Secret, Sent};

/// The CLI family of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Platform {
    /// Cisco NX-OS.
    NxOs,
    /// Cisco IOS / IOS-XE.
    Ios,
    /// FortiOS.
    FortiOs,
}

/// A password or secret that never shows in Debug output, logs or errors: hermes-core's [`Secret`].
pub type Password = Secret;

/// How the server's host key is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKeyCheck {
    /// Accept only a key with this SHA-256 fingerprint (`SHA256:...`, as `ssh-keygen -lf` prints).
    Fingerprint(String),
    /// Accept any key (explicit opt-out, for labs only).
    InsecureAcceptAny,
}

/// Where and how to log in to a device's CLI.
///
/// ```no_run
/// use hermes_netdev::cli::{CliSession, CliTarget, Platform};
/// # async fn demo() -> hermes_netdev::Result<()> {
/// let target = CliTarget::new("n3k", "127.0.0.1:6100", Platform::NxOs)
///     .credentials("hermes", "secret")
///     .host_key_fingerprint("SHA256:...")
///     .command_timeout(std::time::Duration::from_secs(20));
/// let mut cli = CliSession::open(&target).await?;
/// let config = cli.command("show running-config").await?;
/// # let _ = config; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct CliTarget {
    /// The device's name (in errors and plans).
    pub name: String,
    /// `host:port`.
    pub addr: String,
    /// CLI family.
    pub platform: Platform,
    /// Login user.
    pub user: String,
    /// Login password.
    pub password: Secret,
    /// IOS `enable` secret (when login lands in user EXEC, `>`).
    pub enable_secret: Option<Secret>,
    /// Host key check (required: a fingerprint, or the explicit insecure opt-out).
    pub host_key: Option<HostKeyCheck>,
    /// Connect + login timeout.
    pub connect_timeout: Duration,
    /// Per-command timeout.
    pub command_timeout: Duration,
    /// Characters a prompt may end with.
    pub prompt_terminators: Vec<char>,
}

impl CliTarget {
    /// A target with defaults: 10 s connect, 30 s per command, prompts ending in `>` or `#`
    /// (FortiOS: `#`, or `$` for a read-only administrator).
    pub fn new(name: impl Into<String>, addr: impl Into<String>, platform: Platform) -> Self {
        CliTarget {
            name: name.into(),
            addr: addr.into(),
            platform,
            user: String::new(),
            password: Secret::new(""),
            enable_secret: None,
            host_key: None,
            connect_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(30),
            prompt_terminators: match platform {
                Platform::FortiOs => vec!['#', '$'],
                Platform::NxOs | Platform::Ios => vec!['>', '#'],
            },
        }
    }
    /// Sets user and password.
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.user = user.into();
        self.password = Secret::new(password);
        self
    }
    /// Sets the IOS enable secret.
    pub fn enable_secret(mut self, secret: impl Into<String>) -> Self {
        self.enable_secret = Some(Secret::new(secret));
        self
    }
    /// Pins the host key by SHA-256 fingerprint.
    pub fn host_key_fingerprint(mut self, fp: impl Into<String>) -> Self {
        self.host_key = Some(HostKeyCheck::Fingerprint(fp.into()));
        self
    }
    /// Accepts any host key (explicit opt-out).
    pub fn insecure_accept_any_host_key(mut self) -> Self {
        self.host_key = Some(HostKeyCheck::InsecureAcceptAny);
        self
    }
    /// Sets the per-command timeout.
    pub fn command_timeout(mut self, t: Duration) -> Self {
        self.command_timeout = t;
        self
    }
    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }
    /// Sets the prompt terminators.
    pub fn prompt_terminators(mut self, t: impl IntoIterator<Item = char>) -> Self {
        self.prompt_terminators = t.into_iter().collect();
        self
    }
}

struct Verifier {
    check: HostKeyCheck,
}

impl client::Handler for Verifier {
    type Error = russh::Error;
    async fn check_server_key(&mut self, key: &PublicKey) -> Result<bool, Self::Error> {
        Ok(match &self.check {
            HostKeyCheck::InsecureAcceptAny => true,
            HostKeyCheck::Fingerprint(fp) => key.fingerprint(HashAlg::Sha256).to_string() == *fp,
        })
    }
}

/// An interactive CLI session on one device.
pub struct CliSession {
    target: Arc<CliTarget>,
    _handle: client::Handle<Verifier>,
    channel: russh::Channel<client::Msg>,
    base_prompt: String,
    prompt: String,
    screen: Screen,
    /// The FortiOS `config` blocks the lines sent so far stand in, to redact secrets by position.
    context: CommandContext,
    /// The last line sent, as errors may show it (secrets redacted).
    shown: String,
}

impl fmt::Debug for CliSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CliSession")
            .field("target", &self.target.name)
            .field("prompt", &self.prompt)
            .finish()
    }
}

/// How long output must stay quiet before a line that only looks like a prompt (at login, before
/// the prompt is known) or a question is taken as one: a banner line or a `Password:` inside a
/// banner is followed by more output at once, a prompt is not.
const SETTLE: Duration = Duration::from_millis(200);

/// `% ` lines that devices print as information, not as a refusal of the command: IOS creating a
/// missing access VLAN, RSA key generation, warnings and notes, and routing-table look-ups that
/// found nothing (the command ran).
const INFO_PERCENT: &[&str] = &[
    "access vlan does not exist. creating vlan",
    "generating ",
    "the key modulus size is",
    "warning",
    "note:",
    "network not in table",
    "no matching routes found",
];

/// Whether `line` is an asynchronous syslog message (`*Mar  1 00:01:02.345: %LINK-3-UPDOWN: ...`,
/// `2024 Jan  1 00:00:00 n3k %ETHPORT-5-IF_UP: ...`, `%SYS-5-CONFIG_I: ...`) rather than a reply.
pub fn is_syslog(line: &str) -> bool {
    let t = line.trim();
    let Some(pct) = t.find('%') else {
        return false;
    };
    let (prefix, tag) = (t[..pct].trim(), &t[pct + 1..]);
    // FACILITY-SEVERITY-MNEMONIC: (severity a digit; IOS-XE adds a sub-facility: %A-B-5-C:).
    let Some(colon) = tag.find(':') else {
        return false;
    };
    let parts: Vec<&str> = tag[..colon].split('-').collect();
    let well_formed = parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        && parts[0].starts_with(|c: char| c.is_ascii_uppercase())
        && parts
            .iter()
            .any(|p| p.len() == 1 && p.as_bytes()[0].is_ascii_digit());
    let prefix_ok = prefix.is_empty()
        || (prefix.len() <= 64
            && (prefix.starts_with(['*', '.'])
                || prefix.starts_with(|c: char| c.is_ascii_digit())
                || prefix.ends_with(':')
                || [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ]
                .iter()
                .any(|m| prefix.starts_with(m))));
    well_formed && prefix_ok
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.is_char_boundary(s.len() - suffix.len())
        && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

fn is_error_line(l: &str) -> bool {
    if let Some(rest) = l.strip_prefix('%') {
        if is_syslog(l) {
            return false;
        }
        let msg = rest.trim_start();
        return !msg.is_empty() && !INFO_PERCENT.iter().any(|p| starts_with_ci(msg, p));
    }
    l.starts_with("Command fail")
        // IOS refusals printed without `%` (`Command rejected: Conflict between 'nonegotiate' and
        // 'dynamic' status.`, a trunk mode before the encapsulation).
        || l.starts_with("Command rejected:")
        || l.starts_with("ERROR:")
        || l.starts_with("Error:")
        || l.starts_with("Invalid command")
        || l.starts_with("Unknown action")
        || l.starts_with("Syntax error while parsing")
        // FortiOS parser and validation refusals, printed with or without `Command fail`.
        || starts_with_ci(l, "command parse error")
        || starts_with_ci(l, "value parse error")
        || l.starts_with("node_check_object fail")
        || l.starts_with("entry not found in datasource")
        || (l.starts_with("Attribute '") && l.contains("' MUST be set"))
}

/// The error line a device printed, if any: Cisco `% Invalid input ...`, `% Incomplete command`,
/// `%Error ...`, `ERROR: ...`, IOS `Command rejected: ...`, NX-OS `Syntax error while parsing ...`;
/// FortiOS `Command fail. Return code -61`, `command parse error before 'x'`, `value parse error before
/// 'x'`, `node_check_object fail! ...`, `entry not found in datasource`, `Attribute 'x' MUST be set.`,
/// `Unknown action 0`.
///
/// Not errors: syslog messages printed into the session (`%LINK-3-UPDOWN: ...`) and `% ` lines
/// that only inform (`% Access VLAN does not exist. Creating vlan 10`, `% Warning: ...`,
/// `% Generating 2048 bit RSA keys ...`, `% Network not in table`).
///
/// ```
/// use hermes_netdev::cli::error_line;
/// let out = "                   ^\n% Invalid input detected at '^' marker.\n";
/// assert_eq!(error_line(out), Some("% Invalid input detected at '^' marker."));
/// assert_eq!(error_line("*Mar  1 00:01:02: %LINK-3-UPDOWN: Interface Gi0/1, changed state to up"), None);
/// assert_eq!(error_line("command parse error before 'ipp'"), Some("command parse error before 'ipp'"));
/// let dtp = "Command rejected: Conflict between 'nonegotiate' and 'dynamic' status.";
/// assert_eq!(error_line(dtp), Some(dtp));
/// ```
pub fn error_line(output: &str) -> Option<&str> {
    output.lines().map(str::trim).find(|l| is_error_line(l))
}

/// Whether `line` (the last, unterminated line of output) is a pager prompt: `--More--`,
/// ` --More-- `, `-- More --`, `<--- More --->` (escape sequences already removed).
fn is_pager(line: &str) -> bool {
    line.contains("--More--") || line.contains("-- More --") || line.contains("<--- More --->")
}

/// Whether `line` (the last, unterminated line of output) asks for a confirmation: IOS
/// `[confirm]`, `(y/n)`, `[y/n]`, `[yes/no]:`, `Do you want to continue? (y/n) [n]`.
pub fn confirmation_question(line: &str) -> bool {
    let l = line.trim_end().to_ascii_lowercase();
    if l.ends_with("[confirm]") {
        return true;
    }
    let asks = [
        "(y/n)", "[y/n]", "(yes/no)", "[yes/no]", "[y/n/q]", "(y/n/q)",
    ]
    .iter()
    .any(|q| l.contains(q));
    asks && l.ends_with([')', ']', '?', ':'])
}

/// Whether `t` (trimmed) has a prompt's shape before the prompt is known: a host name (letters,
/// digits, `_.-@/:+~`), an optional `(mode)`, an optional space and a terminator. Banner lines
/// (sentences, rows of `#`) do not.
fn login_prompt_shape(t: &str, terminators: &[char]) -> bool {
    let Some(last) = t.chars().last() else {
        return false;
    };
    if !terminators.contains(&last) {
        return false;
    }
    let mut head = t[..t.len() - last.len_utf8()].trim_end();
    if head.ends_with(')') {
        match head.rfind('(') {
            Some(i) => head = head[..i].trim_end(),
            None => return false,
        }
    }
    !head.is_empty()
        && head.chars().count() <= 64
        && head
            .chars()
            .all(|c| c.is_alphanumeric() || "_.-@/:+~".contains(c))
}

/// Whether `t` (trimmed) is the device's prompt in any mode: `base`, an optional `(mode)`
/// (`sw1(config-if-range)#`, `FGT60F (interface) #`), an optional space, one terminator.
fn prompt_shape(t: &str, base: &str, terminators: &[char]) -> bool {
    let Some(mut rest) = t.strip_prefix(base) else {
        return false;
    };
    rest = rest.strip_prefix(' ').unwrap_or(rest);
    if rest.starts_with('(') {
        match rest.find(')') {
            Some(i) => rest = &rest[i + 1..],
            None => return false,
        }
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    let mut chars = rest.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if terminators.contains(&c))
}

/// Terminal output as a screen shows it, rendered line by line from the raw bytes: ANSI/VT100
/// control sequences removed (`ESC[K` erases to the end of the line, `ESC[nD`/`ESC[nC` move the
/// cursor, `ESC[7m`, OSC window titles and the rest are dropped), `\r\n` and `\r\r\n` end a
/// line, a lone `\r` returns to the start of the line and a backspace moves left, so later text
/// overwrites. After a pager prompt is answered the pager's line is cleared and the erase that
/// devices print next (IOS backspaces and spaces, FortiOS `\r` + spaces + `\r`, `ESC[K`) is
/// skipped.
#[derive(Debug, Default)]
struct Screen {
    done: String,
    line: Vec<char>,
    cursor: usize,
    esc: Vec<u8>,
    utf8: Vec<u8>,
    erasing: bool,
    pending_spaces: usize,
}

impl Screen {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if !self.esc.is_empty() {
                self.esc.push(b);
                self.escape_step();
                continue;
            }
            if !self.utf8.is_empty() || b >= 0x80 {
                self.utf8.push(b);
                match std::str::from_utf8(&self.utf8) {
                    Ok(s) => {
                        let c = s.chars().next().unwrap_or('\u{fffd}');
                        self.utf8.clear();
                        self.put(c);
                    }
                    Err(e) if e.error_len().is_some() || self.utf8.len() >= 4 => {
                        self.utf8.clear();
                        self.put('\u{fffd}');
                    }
                    Err(_) => {}
                }
                continue;
            }
            match b {
                0x1b => self.esc.push(b),
                b'\n' => self.newline(),
                b'\r' => {
                    self.pending_spaces = 0;
                    self.cursor = 0;
                }
                0x08 => {
                    self.pending_spaces = 0;
                    self.cursor = self.cursor.saturating_sub(1);
                }
                b'\t' => self.put('\t'),
                0x00..=0x1f | 0x7f => {}
                _ => self.put(b as char),
            }
        }
    }

    fn escape_step(&mut self) {
        let e = &self.esc;
        let done = match e.get(1) {
            None => false,
            Some(b'[') => e.len() > 2 && (0x40..=0x7e).contains(&e[e.len() - 1]),
            // OSC (window title) and DCS/APC strings end with BEL or ESC \.
            Some(b']' | b'P' | b'_' | b'^') => {
                e.len() > 2 && (e[e.len() - 1] == 0x07 || e.ends_with(b"\x1b\\"))
            }
            Some(b'(' | b')' | b'#' | b'%') => e.len() >= 3,
            Some(_) => true,
        };
        if e.len() > 256 {
            self.esc.clear();
            return;
        }
        if !done {
            return;
        }
        let esc = std::mem::take(&mut self.esc);
        self.pending_spaces = 0;
        if esc.get(1) != Some(&b'[') {
            return;
        }
        let params = String::from_utf8_lossy(&esc[2..esc.len() - 1]).to_string();
        let n = params
            .trim_start_matches('?')
            .split(';')
            .next()
            .and_then(|p| p.parse::<usize>().ok());
        match esc[esc.len() - 1] {
            b'K' => match n.unwrap_or(0) {
                0 => self.line.truncate(self.cursor),
                2 => self.line.clear(),
                _ => {}
            },
            b'D' => self.cursor = self.cursor.saturating_sub(n.unwrap_or(1).max(1)),
            b'C' => self.cursor += n.unwrap_or(1).max(1),
            b'G' => self.cursor = n.unwrap_or(1).max(1) - 1,
            _ => {}
        }
    }

    fn put(&mut self, c: char) {
        if self.erasing {
            if c == ' ' {
                self.pending_spaces += 1;
                return;
            }
            self.erasing = false;
            for _ in 0..std::mem::take(&mut self.pending_spaces) {
                self.write(' ');
            }
        }
        self.write(c);
    }

    fn write(&mut self, c: char) {
        while self.line.len() < self.cursor {
            self.line.push(' ');
        }
        if self.cursor < self.line.len() {
            self.line[self.cursor] = c;
        } else {
            self.line.push(c);
        }
        self.cursor += 1;
    }

    fn newline(&mut self) {
        if self.erasing {
            self.erasing = false;
            self.pending_spaces = 0;
        }
        self.done.extend(self.line.drain(..));
        self.done.push('\n');
        self.cursor = 0;
    }

    /// The last, unterminated line.
    fn current(&self) -> String {
        self.line.iter().collect()
    }

    /// Clears the pager's line and skips the erase the device prints after it.
    fn pager_answered(&mut self) {
        self.line.clear();
        self.cursor = 0;
        self.erasing = true;
        self.pending_spaces = 0;
    }

    /// Takes the completed lines and the current line, leaving an empty screen.
    fn take(&mut self) -> (String, String) {
        let done = std::mem::take(&mut self.done);
        let line = self.current();
        *self = Screen::default();
        (done, line)
    }
}

/// Renders raw terminal output the way [`CliSession`] reads it: escape sequences removed, `\r\n`
/// and `\r\r\n` as newlines, backspaces and lone carriage returns applied (later text overwrites).
///
/// ```
/// use hermes_netdev::cli::render_terminal;
/// assert_eq!(render_terminal(b"sw1#\x1b]2;sw1\x07"), "sw1#");
/// assert_eq!(render_terminal(b"a\r\r\nb\x1b[7mc\x1b[m\r\n"), "a\nbc\n");
/// ```
pub fn render_terminal(bytes: &[u8]) -> String {
    let mut s = Screen::default();
    s.feed(bytes);
    let (mut done, line) = s.take();
    done.push_str(&line);
    done
}

/// What a read waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// The first prompt after login (its base is not known yet); in-band `Username:` /
    /// `Password:` questions are answered once.
    Login,
    /// The prompt.
    Prompt,
    /// The prompt or a `Password:` question (enable).
    PromptOrPassword,
}

/// How a read ended.
enum Reply {
    /// The prompt came back: the output before it.
    Prompt(String),
    /// The device asks a confirmation question (the last line) after this output.
    Question(String, String),
}

/// What the last line asks for, once output has settled.
enum Pending {
    Prompt,
    User,
    Password,
    Question,
}

impl CliSession {
    /// Connects, logs in, waits for the first prompt, enters enable mode where needed and turns
    /// paging off (`terminal length 0` and `terminal width 511` on Cisco, console `output
    /// standard` on FortiOS, in `config global` when the device has VDOMs).
    ///
    /// The first prompt is taken once output has been quiet for a moment, so that a banner line
    /// ending in `#` or `>` is not mistaken for it; a device that asks for `Username:` /
    /// `Password:` again inside the session is answered once, and asking again fails with
    /// [`NetError::Auth`].
    pub async fn open(target: &CliTarget) -> Result<Self> {
        let target = Arc::new(target.clone());
        let name = target.name.clone();
        let Some(check) = target.host_key.clone() else {
            return Err(NetError::Invalid {
                target: name,
                problems: vec![
                    "no host key check configured: call host_key_fingerprint(\"SHA256:...\") or, for a lab, insecure_accept_any_host_key()".into(),
                ],
            });
        };
        let transport = |detail: String, sent| NetError::Transport {
            target: target.name.clone(),
            detail,
            sent,
        };
        let fut = async {
            let config = Arc::new(client::Config {
                inactivity_timeout: Some(target.command_timeout * 4),
                ..client::Config::default()
            });
            let mut handle = client::connect(config, target.addr.as_str(), Verifier { check })
                .await
                .map_err(|e| transport(format!("SSH connect to {}: {e}", target.addr), Sent::No))?;
            let auth = handle
                .authenticate_password(target.user.clone(), target.password.expose())
                .await
                .map_err(|e| transport(format!("SSH authentication: {e}"), Sent::No))?;
            if !auth.success() {
                return Err(NetError::Auth {
                    target: target.name.clone(),
                    user: target.user.clone(),
                });
            }
            let channel = handle
                .channel_open_session()
                .await
                .map_err(|e| transport(format!("open session: {e}"), Sent::No))?;
            channel
                .request_pty(false, "vt100", 511, 48, 0, 0, &[])
                .await
                .map_err(|e| transport(format!("pty: {e}"), Sent::No))?;
            channel
                .request_shell(false)
                .await
                .map_err(|e| transport(format!("shell: {e}"), Sent::No))?;
            Ok::<_, NetError>((handle, channel))
        };
        let (handle, channel) = tokio::time::timeout(target.connect_timeout, fut)
            .await
            .map_err(|_| NetError::Timeout {
                target: target.name.clone(),
                command: format!("SSH login to {}", target.addr),
                timeout: target.connect_timeout,
            })??;
        let mut s = CliSession {
            target: target.clone(),
            _handle: handle,
            channel,
            base_prompt: String::new(),
            prompt: String::new(),
            screen: Screen::default(),
            context: CommandContext::default(),
            shown: String::new(),
        };
        s.read_reply("(login)", Want::Login, None).await?;
        let p = s.prompt.trim_end();
        let cut = p
            .find(|c: char| target.prompt_terminators.contains(&c) || c == '(' || c == ' ')
            .unwrap_or(p.len());
        s.base_prompt = p[..cut].to_string();
        if target.platform == Platform::Ios && s.prompt.trim_end().ends_with('>') {
            if let Some(secret) = target.enable_secret.clone() {
                s.write_line("enable").await?;
                s.read_reply("enable", Want::PromptOrPassword, None).await?;
                if s.prompt.trim_end().ends_with(':') {
                    s.write_raw(format!("{}\n", secret.expose()).as_bytes(), "enable secret")
                        .await?;
                    let out = match s
                        .read_reply("enable (secret)", Want::PromptOrPassword, None)
                        .await?
                    {
                        Reply::Prompt(out) | Reply::Question(out, _) => out,
                    };
                    if !s.prompt.trim_end().ends_with('#') {
                        return Err(NetError::Auth {
                            target: target.name.clone(),
                            user: format!("enable ({})", out.trim()),
                        });
                    }
                }
            }
        }
        match target.platform {
            Platform::NxOs | Platform::Ios => {
                s.command("terminal length 0").await?;
                s.command("terminal width 511").await?;
            }
            Platform::FortiOs => s.fortios_paging_off().await?,
        }
        Ok(s)
    }

    /// FortiOS console `output standard`; on a device with VDOMs the console settings live in
    /// `config global`. When neither is accepted (a restricted profile), paging stays on and the
    /// `--More--` pager is answered instead.
    async fn fortios_paging_off(&mut self) -> Result<()> {
        let plain = ["config system console", "set output standard", "end"];
        match self.command(plain[0]).await {
            Ok(_) => {
                for l in &plain[1..] {
                    self.command(l).await?;
                }
                return Ok(());
            }
            Err(NetError::DeviceRejected { .. }) => {}
            Err(e) => return Err(e),
        }
        if let Err(e) = self.command("config global").await {
            if !matches!(e, NetError::DeviceRejected { .. }) {
                return Err(e);
            }
            tracing::warn!(device = %self.target.name, "console paging could not be turned off; answering --More-- instead");
            return Ok(());
        }
        for l in plain {
            self.command(l).await?;
        }
        self.command_unchecked("end").await?;
        Ok(())
    }

    /// The device name.
    pub fn target(&self) -> &str {
        &self.target.name
    }

    /// The current prompt (`n3k(config-if)#`, `FGT60F (interface) #`), without trailing
    /// whitespace (FortiOS prints a space after `#`, which may arrive after the prompt is seen).
    pub fn prompt(&self) -> &str {
        &self.prompt
    }

    async fn write_raw(&mut self, bytes: &[u8], what: &str) -> Result<()> {
        self.channel
            .data(bytes)
            .await
            .map_err(|e| NetError::Transport {
                target: self.target.name.clone(),
                detail: format!("sending `{what}`: {e}"),
                sent: Sent::Maybe,
            })
    }

    /// Sends `line` and Enter. The line as errors show it (a secret in it redacted, also one secret
    /// by position such as a FortiOS SNMP community's `set name`) is kept in `shown`.
    async fn write_line(&mut self, line: &str) -> Result<()> {
        let mut bytes = line.as_bytes().to_vec();
        bytes.push(b'\n');
        self.shown = self.context.redact(line).into_owned();
        let shown = self.shown.clone();
        self.write_raw(&bytes, &shown).await
    }

    /// Drops output that arrived after the last prompt and before a new command (a late syslog
    /// message, the prompt a confirmation left behind), so it is not read as the next reply.
    async fn drain_unsolicited(&mut self) {
        while let Ok(Some(msg)) =
            tokio::time::timeout(Duration::from_millis(1), self.channel.wait()).await
        {
            if let ChannelMsg::Data { data } | ChannelMsg::ExtendedData { data, .. } = msg {
                tracing::debug!(device = %self.target.name, unsolicited = %render_terminal(&data), "dropped output between commands");
            }
        }
    }

    fn pending(&self, cur: &str, want: Want) -> Option<Pending> {
        let t = cur.trim_end();
        let terms = &self.target.prompt_terminators;
        match want {
            Want::Login => {
                if login_prompt_shape(t, terms) {
                    Some(Pending::Prompt)
                } else if ends_with_ci(t, "password:") {
                    Some(Pending::Password)
                } else if ends_with_ci(t, "username:") || ends_with_ci(t, "login:") {
                    Some(Pending::User)
                } else {
                    None
                }
            }
            Want::Prompt | Want::PromptOrPassword => {
                if prompt_shape(t, &self.base_prompt, terms)
                    || (want == Want::PromptOrPassword && ends_with_ci(t, "password:"))
                {
                    Some(Pending::Prompt)
                } else if confirmation_question(t) {
                    Some(Pending::Question)
                } else {
                    None
                }
            }
        }
    }

    /// With an empty last line: a prompt followed only by syslog messages (a device without
    /// `logging synchronous` does not print the prompt again after them) ends the reply. Returns
    /// the output before that prompt and the prompt.
    fn prompt_before_syslog(&self) -> Option<(usize, String)> {
        let done = &self.screen.done;
        let mut end = done.len();
        let mut syslog = 0;
        while end > 0 {
            let start = done[..end - 1].rfind('\n').map_or(0, |i| i + 1);
            let l = &done[start..end - 1];
            if is_syslog(l) {
                syslog += 1;
            } else if l.trim().is_empty() {
                // blank lines around the messages
            } else if syslog > 0
                && prompt_shape(
                    l.trim_end(),
                    &self.base_prompt,
                    &self.target.prompt_terminators,
                )
            {
                return Some((start, l.to_string()));
            } else {
                return None;
            }
            end = start;
        }
        None
    }

    /// Whether the echo of `cmd` is among the first completed lines on the screen.
    fn echo_seen(&self, cmd: &str) -> bool {
        self.screen
            .done
            .split_inclusive('\n')
            .take(64)
            .any(|l| self.is_echo(l, cmd))
    }

    /// Reads until the prompt (or, per `want`, a question). With `echo`, a prompt counts at once
    /// only after the command's echo: a prompt left over from before (a confirmation's, a
    /// repeated one) arrives first and is followed by the echo; without an echo at all (a device
    /// that does not echo), the prompt counts once output has settled.
    async fn read_reply(&mut self, command: &str, want: Want, echo: Option<&str>) -> Result<Reply> {
        let timeout = self.target.command_timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        let (mut sent_user, mut sent_password) = (false, false);
        let mut echoed = echo.is_none();
        self.screen = Screen::default();
        loop {
            let cur = self.screen.current();
            if is_pager(&cur) {
                self.screen.pager_answered();
                self.write_raw(b" ", "space (pager)").await?;
                continue;
            }
            if !echoed {
                echoed = echo.is_some_and(|cmd| self.echo_seen(cmd));
            }
            let pending = self.pending(&cur, want);
            // A prompt of the known shape after the echo ends the reply at once; anything else
            // is acted on only when no more output follows.
            if want != Want::Login && echoed && matches!(pending, Some(Pending::Prompt)) {
                let (body, prompt) = self.screen.take();
                self.prompt = prompt.trim_end().to_string();
                return Ok(Reply::Prompt(body));
            }
            if want != Want::Login && echoed && cur.trim().is_empty() {
                if let Some((start, prompt)) = self.prompt_before_syslog() {
                    let (done, _) = self.screen.take();
                    tracing::debug!(device = %self.target.name, syslog = %done[start..].trim(), "syslog after the prompt");
                    self.prompt = prompt.trim_end().to_string();
                    return Ok(Reply::Prompt(done[..start].to_string()));
                }
            }
            let settle = pending.is_some();
            let until = if settle {
                deadline.min(tokio::time::Instant::now() + SETTLE)
            } else {
                deadline
            };
            let msg = match tokio::time::timeout_at(until, self.channel.wait()).await {
                Ok(msg) => msg,
                Err(_) if settle && tokio::time::Instant::now() < deadline => match pending {
                    Some(Pending::Prompt) => {
                        let (body, prompt) = self.screen.take();
                        self.prompt = prompt.trim_end().to_string();
                        return Ok(Reply::Prompt(body));
                    }
                    Some(Pending::Question) => {
                        let (body, question) = self.screen.take();
                        return Ok(Reply::Question(body, question.trim().to_string()));
                    }
                    Some(Pending::User) if !sent_user => {
                        sent_user = true;
                        self.screen.line.clear();
                        self.screen.cursor = 0;
                        let user = self.target.user.clone();
                        self.write_line(&user).await?;
                        continue;
                    }
                    Some(Pending::Password) if !sent_password => {
                        sent_password = true;
                        self.screen.line.clear();
                        self.screen.cursor = 0;
                        let password = self.target.password.clone();
                        self.write_raw(format!("{}\n", password.expose()).as_bytes(), "password")
                            .await?;
                        continue;
                    }
                    Some(Pending::User | Pending::Password) => {
                        return Err(NetError::Auth {
                            target: self.target.name.clone(),
                            user: self.target.user.clone(),
                        });
                    }
                    None => continue,
                },
                Err(_) => {
                    tracing::debug!(device = %self.target.name, command, last_line = %cur, "no prompt before the timeout");
                    return Err(NetError::Timeout {
                        target: self.target.name.clone(),
                        command: command.to_string(),
                        timeout,
                    });
                }
            };
            match msg {
                Some(ChannelMsg::Data { data }) | Some(ChannelMsg::ExtendedData { data, .. }) => {
                    self.screen.feed(&data);
                }
                Some(ChannelMsg::Eof) | Some(ChannelMsg::Close) | None => {
                    return Err(NetError::Transport {
                        target: self.target.name.clone(),
                        detail: format!(
                            "the session closed while waiting for the reply to `{command}`"
                        ),
                        sent: Sent::Maybe,
                    });
                }
                Some(_) => {}
            }
        }
    }

    /// Sends one line and returns its output (echo and prompt removed). Fails on a device error
    /// line ([`error_line`]) with [`NetError::DeviceRejected`], and on a confirmation question
    /// with [`NetError::ConfirmationRequired`] (the question is declined).
    pub async fn command(&mut self, line: &str) -> Result<String> {
        let out = self.command_unchecked(line).await?;
        if let Some(err) = error_line(&out) {
            return Err(NetError::DeviceRejected {
                target: self.target.name.clone(),
                line: self.shown.clone(),
                message: err.to_string(),
            });
        }
        Ok(out)
    }

    /// Sends one line and returns its output without checking for error lines. A confirmation
    /// question (`[confirm]`, `(y/n)`) is declined and fails with
    /// [`NetError::ConfirmationRequired`]: use [`CliSession::command_confirm`] for commands that ask.
    pub async fn command_unchecked(&mut self, line: &str) -> Result<String> {
        self.drain_unsolicited().await;
        self.write_line(line).await?;
        let shown = self.shown.clone();
        match self.read_reply(&shown, Want::Prompt, Some(line)).await? {
            Reply::Prompt(body) => Ok(self.strip_echo(&body, line)),
            Reply::Question(_, question) => {
                self.decline(&shown, &question).await?;
                Err(NetError::ConfirmationRequired {
                    target: self.target.name.clone(),
                    line: shown,
                    question,
                })
            }
        }
    }

    async fn decline(&mut self, line: &str, question: &str) -> Result<()> {
        let mut question = question.to_string();
        for _ in 0..3 {
            // `[confirm]` takes one key (any but Enter or `y` cancels); the others a line.
            let no: &[u8] = if question.to_ascii_lowercase().ends_with("[confirm]") {
                b"n"
            } else {
                b"n\n"
            };
            self.write_raw(no, "n (decline)").await?;
            match self.read_reply(line, Want::Prompt, None).await? {
                Reply::Prompt(_) => return Ok(()),
                Reply::Question(_, q) => question = q,
            }
        }
        Err(NetError::Malformed {
            target: self.target.name.clone(),
            detail: format!("`{line}` keeps asking `{question}` after being declined"),
        })
    }

    /// Sends a command that asks for confirmation and answers every question it asks (IOS
    /// `[confirm]`, `(y/n)`, `[yes/no]`) with `answer`: `""` is Enter, which confirms IOS
    /// `[confirm]`; `"y"` or `"yes"` answer the others. Returns the output (echo, questions'
    /// lines and prompt removed) and fails on a device error line like [`CliSession::command`].
    pub async fn command_confirm(&mut self, line: &str, answer: &str) -> Result<String> {
        self.drain_unsolicited().await;
        self.write_line(line).await?;
        let shown = self.shown.clone();
        let mut out = String::new();
        for i in 0..4 {
            let echo = (i == 0).then_some(line);
            match self.read_reply(&shown, Want::Prompt, echo).await? {
                Reply::Prompt(body) => {
                    out.push_str(&body);
                    let out = self.strip_echo(&out, line);
                    if let Some(err) = error_line(&out) {
                        return Err(NetError::DeviceRejected {
                            target: self.target.name.clone(),
                            line: shown,
                            message: err.to_string(),
                        });
                    }
                    return Ok(out);
                }
                Reply::Question(body, question) => {
                    out.push_str(&body);
                    let confirm = question.to_ascii_lowercase().ends_with("[confirm]");
                    let keys = if confirm && (answer.is_empty() || answer.eq_ignore_ascii_case("y"))
                    {
                        "\n".to_string()
                    } else if confirm {
                        answer.to_string()
                    } else {
                        format!("{answer}\n")
                    };
                    self.write_raw(keys.as_bytes(), "answer").await?;
                }
            }
        }
        Err(NetError::Malformed {
            target: self.target.name.clone(),
            detail: format!("`{shown}` asked more than four questions"),
        })
    }

    /// Removes the echoed command line: the first line equal to the command (or the prompt
    /// printed again followed by it, or IOS's scrolled `$...` form), together with the empty,
    /// prompt and syslog lines before it (output that arrived before the echo).
    /// Whether `l` is the echo of `line`: the command itself, the prompt printed again followed by
    /// it (after a syslog message, or a prompt left over), or IOS's scrolled `$...` form.
    fn is_echo(&self, l: &str, line: &str) -> bool {
        let (t, cmd) = (l.trim(), line.trim());
        if t == cmd {
            return true;
        }
        if let Some(tail) = t.strip_prefix('$') {
            let tail = tail.trim_start();
            if tail.len() > 1 && cmd.ends_with(tail) {
                return true;
            }
        }
        !cmd.is_empty()
            && t.strip_suffix(cmd).is_some_and(|p| {
                prompt_shape(
                    p.trim_end(),
                    &self.base_prompt,
                    &self.target.prompt_terminators,
                )
            })
    }

    /// Removes the echoed command line ([`Self::is_echo`]) together with the empty, prompt and
    /// syslog lines before it (output that arrived before the echo).
    fn strip_echo(&self, body: &str, line: &str) -> String {
        let terms = &self.target.prompt_terminators;
        let mut start = 0;
        for (i, l) in body.split_inclusive('\n').enumerate() {
            if i >= 64 {
                break;
            }
            if self.is_echo(l, line) {
                return body[start + l.len()..].to_string();
            }
            let t = l.trim();
            if !(t.is_empty() || is_syslog(t) || prompt_shape(t, &self.base_prompt, terms)) {
                break;
            }
            start += l.len();
        }
        body.to_string()
    }

    /// Enters configuration mode (`configure terminal`; nothing on FortiOS, whose `config` blocks are
    /// their own mode).
    pub async fn enter_config(&mut self) -> Result<()> {
        if self.target.platform != Platform::FortiOs {
            self.command("configure terminal").await?;
        }
        Ok(())
    }

    /// Leaves configuration mode (`end`).
    pub async fn leave_config(&mut self) -> Result<()> {
        if self.target.platform != Platform::FortiOs {
            self.command_unchecked("end").await?;
        }
        Ok(())
    }

    /// Reads the running configuration.
    pub async fn running_config(&mut self) -> Result<String> {
        let cmd = match self.target.platform {
            Platform::FortiOs => "show full-configuration",
            _ => "show running-config",
        };
        self.command(cmd).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_removes_escapes_and_applies_overwrites() {
        // Reverse-video pager text, erase to end of line, cursor left.
        assert_eq!(render_terminal(b"\x1b[7m--More--\x1b[m"), "--More--");
        assert_eq!(render_terminal(b"abcdef\x1b[3D\x1b[K"), "abc");
        assert_eq!(render_terminal(b"abc\x1b[2Kx"), "   x");
        // `\r\r\n` is one line end; a lone `\r` returns to the start and text overwrites.
        assert_eq!(render_terminal(b"a\r\r\nb\r\n"), "a\nb\n");
        assert_eq!(render_terminal(b"12345\rab"), "ab345");
        assert_eq!(render_terminal(b"abc\x08\x08X"), "aXc");
        // An OSC title ended by BEL or ESC \, a charset selection, a lone BEL.
        assert_eq!(render_terminal(b"sw1#\x1b]2;sw1\x07"), "sw1#");
        assert_eq!(render_terminal(b"x\x1b]0;t\x1b\\y\x1b(Bz\x07"), "xyz");
        // UTF-8 split across feeds, and an invalid byte.
        let mut s = Screen::default();
        s.feed(&[b'a', 0xc3]);
        s.feed(&[0xa9, 0xff, b'b']);
        assert_eq!(s.current(), "a\u{e9}\u{fffd}b");
        // An escape sequence split across feeds.
        let mut s = Screen::default();
        s.feed(b"x\x1b[");
        s.feed(b"7");
        s.feed(b"my");
        assert_eq!(s.current(), "xy");
        // A runaway escape is bounded.
        let mut long = b"\x1b]".to_vec();
        long.extend(vec![b'a'; 300]);
        long.extend(b"ok");
        assert!(render_terminal(&long).ends_with("ok"));
    }

    #[test]
    fn pager_erase_is_skipped_but_indentation_kept() {
        let mut s = Screen::default();
        s.feed(b"line1\r\n--More-- ");
        assert!(is_pager(&s.current()));
        s.pager_answered();
        s.feed(b"\r         \r            set members \"port50\"\r\n");
        let (done, _) = s.take();
        assert_eq!(done, "line1\n            set members \"port50\"\n");
        let mut s = Screen::default();
        s.feed(b" --More-- ");
        s.pager_answered();
        s.feed(b"\x08\x08\x08\x08\x08\x08\x08\x08\x08        \x08\x08\x08\x08\x08\x08\x08\x08\x08second\r\n");
        assert_eq!(s.take().0, "second\n");
    }

    #[test]
    fn prompts_in_every_mode_and_only_prompts() {
        let cisco = ['>', '#'];
        let forti = ['#', '$'];
        for p in [
            "sw1#",
            "sw1>",
            "sw1(config)#",
            "sw1(config-if-range)#",
            "sw1(config-s-vlan)#",
        ] {
            assert!(prompt_shape(p, "sw1", &cisco), "{p}");
        }
        for p in [
            "FGT60F #",
            "FGT60F (interface) #",
            "FGT60F (root) #",
            "FGT60F (global) #",
            "FGT60F $",
            "FGT60F (my policy) #",
        ] {
            assert!(prompt_shape(p, "FGT60F", &forti), "{p}");
        }
        for p in [
            "sw1#show clock",
            "sw10#",
            "sw1 is up #x",
            "sw1(config",
            "sw1##",
            "FGT60F (a) #b",
        ] {
            assert!(
                !prompt_shape(p, "sw1", &cisco) && !prompt_shape(p, "FGT60F", &forti),
                "{p}"
            );
        }
        for p in [
            "hostname#",
            "twx.am9#",
            "MY-HOST1#",
            "Forti-Name #",
            "sw1(config)#",
            "RP/0/RP0/CPU0:xr#",
        ] {
            assert!(login_prompt_shape(p, &cisco), "{p}");
        }
        for p in [
            "##########",
            "Welcome to sw1>",
            "*** Authorized access only ***#",
            "#",
            "(x)#",
        ] {
            assert!(!login_prompt_shape(p, &cisco), "{p}");
        }
    }

    #[test]
    fn confirmation_questions() {
        for q in [
            "Clear logging buffer [confirm]",
            "Proceed with reload? [confirm] ",
            "Do you want to continue? (y/n)",
            "Do you want to continue? (y/n) [n]",
            "This command will reload module 1. Proceed[y/n]?  [n]",
            "Are you sure you want to continue? [y/n] ",
            "Would you like to enter the initial configuration dialog? [yes/no]: ",
        ] {
            assert!(confirmation_question(q), "{q}");
        }
        for q in [
            "sw1#",
            "Building configuration...",
            "Answer (y/n) in the form",
        ] {
            assert!(!confirmation_question(q), "{q}");
        }
    }

    #[test]
    fn error_lines_and_lines_that_only_inform() {
        for e in [
            "% Invalid input detected at '^' marker.",
            "% Invalid command at '^' marker.",
            "% Incomplete command at '^' marker.",
            "% Incomplete command.",
            "% Ambiguous command:  \"sh\"",
            "%Error opening tftp://10.0.0.1/x (Timed out)",
            "% Unknown command or computer name, or unable to find computer address",
            "ERROR: VLAN 5000 out of range",
            "Syntax error while parsing 'vlan 5000'",
            "Command fail. Return code -61",
            "command parse error before 'ipp'",
            "Command parse error before 'test'",
            "value parse error before 'LAN'",
            "node_check_object fail! for name LAN",
            "entry not found in datasource",
            "Attribute 'interface' MUST be set.",
            "Unknown action 0",
        ] {
            assert_eq!(error_line(&format!("x\n  {e}\n")), Some(e), "{e}");
        }
        for ok in [
            "% Access VLAN does not exist. Creating vlan 10",
            "% Warning: the interface is shut down",
            "%Warning: File not a valid executable for this system",
            "% Generating 2048 bit RSA keys, keys will be non-exportable...",
            "% The key modulus size is 2048 bits",
            "% Network not in table",
            "*Mar  1 00:01:02.345: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up",
            "%LINEPROTO-5-UPDOWN: Line protocol on Interface Vlan1, changed state to down",
            "2024 Jan  1 00:00:00 n3k %ETHPORT-5-IF_UP: Interface Ethernet1/1 is up in mode access",
            "%",
            "interface Vlan1",
        ] {
            assert_eq!(error_line(ok), None, "{ok}");
        }
        assert!(is_syslog(
            "Nov 27 05:00:00.123: %SYS-5-CONFIG_I: Configured from console by admin"
        ));
        assert!(!is_syslog("% Invalid input detected at '^' marker."));
        assert!(!is_syslog("set comment \"50%-off: sale\""));
    }

    #[test]
    fn fortios_targets_accept_the_read_only_prompt() {
        let t = CliTarget::new("fgt", "127.0.0.1:22", Platform::FortiOs);
        assert_eq!(t.prompt_terminators, vec!['#', '$']);
        let t = CliTarget::new("sw", "127.0.0.1:22", Platform::Ios);
        assert_eq!(t.prompt_terminators, vec!['>', '#']);
    }
}
