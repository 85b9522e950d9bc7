//! SSH CLI transport (russh): login, prompt detection, enable, paging, per-command timeouts and
//! device error lines.
//!
//! The prompt is learned at login (`n3k>` → base prompt `n3k`) and recognised afterwards as the last,
//! unterminated line of output starting with the base prompt and ending in one of the configured
//! terminators (`>`, `#` by default; FortiOS prompts end in `# `). A `--More--` pager is answered with a
//! space. Output lines that a device prints for a rejected command (`% Invalid input`, `% Incomplete`,
//! FortiOS `Command fail`) make [`CliSession::command`] fail with [`NetError::DeviceRejected`] naming
//! the line and the device.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use russh::client;
use russh::keys::{HashAlg, PublicKey};
use russh::ChannelMsg;

use crate::error::{NetError, Result};
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
    /// A target with defaults: 10 s connect, 30 s per command, prompts ending in `>` or `#`.
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
            prompt_terminators: vec!['>', '#'],
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
}

impl fmt::Debug for CliSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CliSession")
            .field("target", &self.target.name)
            .field("prompt", &self.prompt)
            .finish()
    }
}

/// The error line a device printed, if any (`% Invalid input ...`, `Command fail. Return code -61`).
pub fn error_line(output: &str) -> Option<&str> {
    output.lines().map(str::trim).find(|l| {
        l.starts_with("% ")
            || l.starts_with("Command fail")
            || l.starts_with("ERROR:")
            || l.starts_with("Invalid command")
            || l.starts_with("Unknown action")
    })
}

impl CliSession {
    /// Connects, logs in, waits for the first prompt, enters enable mode where needed and turns
    /// paging off (`terminal length 0` on Cisco, console `output standard` on FortiOS).
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
        };
        let first = s.read_until_prompt("(login)", true).await?;
        let _ = first;
        let p = s.prompt.trim_end();
        let cut = p
            .find(|c: char| target.prompt_terminators.contains(&c) || c == '(' || c == ' ')
            .unwrap_or(p.len());
        s.base_prompt = p[..cut].to_string();
        if target.platform == Platform::Ios && s.prompt.trim_end().ends_with('>') {
            if let Some(secret) = target.enable_secret.clone() {
                s.write_line("enable").await?;
                s.read_until_prompt("enable", false).await?;
                if s.prompt.trim_end().ends_with(':') {
                    s.write_line(secret.expose()).await?;
                    let out = s.read_until_prompt("enable (secret)", false).await?;
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
            Platform::FortiOs => {
                for l in ["config system console", "set output standard", "end"] {
                    s.command(l).await?;
                }
            }
        }
        Ok(s)
    }

    /// The device name.
    pub fn target(&self) -> &str {
        &self.target.name
    }

    /// The current prompt (`n3k(config-if)#`).
    pub fn prompt(&self) -> &str {
        &self.prompt
    }

    async fn write_line(&mut self, line: &str) -> Result<()> {
        let mut bytes = line.as_bytes().to_vec();
        bytes.push(b'\n');
        self.channel
            .data(&bytes[..])
            .await
            .map_err(|e| NetError::Transport {
                target: self.target.name.clone(),
                detail: format!("sending `{line}`: {e}"),
                sent: Sent::Maybe,
            })
    }

    fn is_prompt(&self, last: &str, login: bool) -> bool {
        let t = last.trim_end();
        if t.ends_with("Password:") {
            return true;
        }
        let ends = t
            .chars()
            .last()
            .is_some_and(|c| self.target.prompt_terminators.contains(&c));
        ends && (login || t.starts_with(&self.base_prompt))
    }

    async fn read_until_prompt(&mut self, command: &str, login: bool) -> Result<String> {
        let timeout = self.target.command_timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        let mut buf: Vec<u8> = Vec::new();
        loop {
            let msg = tokio::time::timeout_at(deadline, self.channel.wait())
                .await
                .map_err(|_| NetError::Timeout {
                    target: self.target.name.clone(),
                    command: command.to_string(),
                    timeout,
                })?;
            match msg {
                Some(ChannelMsg::Data { data }) | Some(ChannelMsg::ExtendedData { data, .. }) => {
                    buf.extend_from_slice(&data);
                    let text = String::from_utf8_lossy(&buf);
                    let last = text.rsplit('\n').next().unwrap_or("");
                    if last.contains("--More--") {
                        let keep = text.len() - last.len();
                        buf.truncate(keep);
                        self.channel.data(&b" "[..]).await.ok();
                        continue;
                    }
                    if self.is_prompt(last, login) {
                        let prompt = last.to_string();
                        let body = text[..text.len() - last.len()].to_string();
                        self.prompt = prompt;
                        return Ok(body);
                    }
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

    /// Sends one line and returns its output (echo and prompt removed). Fails on a device error line.
    pub async fn command(&mut self, line: &str) -> Result<String> {
        let out = self.command_unchecked(line).await?;
        if let Some(err) = error_line(&out) {
            return Err(NetError::DeviceRejected {
                target: self.target.name.clone(),
                line: line.to_string(),
                message: err.to_string(),
            });
        }
        Ok(out)
    }

    /// Sends one line and returns its output without checking for error lines.
    pub async fn command_unchecked(&mut self, line: &str) -> Result<String> {
        self.write_line(line).await?;
        let body = self.read_until_prompt(line, false).await?;
        let body = body.replace("\r\n", "\n").replace('\r', "");
        // Drop the echoed command line.
        let out = match body.split_once('\n') {
            Some((first, rest)) if first.trim() == line.trim() => rest.to_string(),
            _ => body,
        };
        Ok(out)
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
