//! Run a command on a host — locally or over SSH — with a timeout, its exit status and captured output.
//! Used by the data crate (`pg_basebackup`, `rabbitmqctl`), install steps and validation tools
//! (`haproxy -c`, `named-checkzone`).
//!
//! [`Command`] is built once and run by any [`Exec`]: [`LocalExec`] (a child process, killed on timeout)
//! or [`SshExec`] (russh; one connection reused for many commands, password or key auth, the server's
//! host key checked against a pinned key or fingerprint unless explicitly told to accept any).
//! Environment values given to a command are never printed: [`Command`]'s `Display` shows only names.
//!
//! ```no_run
//! # async fn demo() -> hermes_core::Result<()> {
//! use std::time::Duration;
//! use hermes_core::exec::{Command, Exec, LocalExec, SshExec, SshAuth, HostKeyPolicy};
//! use hermes_core::Secret;
//! let cmd = Command::new("pg_isready").args(["-h", "127.0.0.1"]).timeout(Duration::from_secs(5));
//! let out = LocalExec.run(&cmd).await?.check()?;
//! println!("{}", out.stdout_str());
//! let ssh = SshExec::new("10.20.0.11", 22, "root", SshAuth::Password(Secret::new("...")))
//!     .host_key(HostKeyPolicy::Fingerprint("SHA256:...".into()));
//! let out = ssh.run(&Command::new("esxcli").args(["system", "version", "get"])).await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Mutex;

use crate::error::{Error, ErrorKind, Result, Sent};
use crate::secret::Secret;

/// A command to run: program, arguments, environment, standard input, working directory and timeout.
#[derive(Clone)]
pub struct Command {
    program: String,
    args: Vec<String>,
    env: Vec<(String, Secret)>,
    stdin: Option<Arc<Vec<u8>>>,
    cwd: Option<PathBuf>,
    timeout: Duration,
}

impl Command {
    /// A command running `program` with a 60 s timeout.
    pub fn new(program: impl Into<String>) -> Self {
        Command {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            cwd: None,
            timeout: Duration::from_secs(60),
        }
    }
    /// Adds an argument.
    pub fn arg(mut self, a: impl Into<String>) -> Self {
        self.args.push(a.into());
        self
    }
    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }
    /// Sets an environment variable (its value is treated as secret: never printed).
    pub fn env(mut self, key: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }
    /// Feeds `data` on standard input.
    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(Arc::new(data.into()));
        self
    }
    /// Runs in directory `dir`.
    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }
    /// The most time the command may take; it is killed (locally) or its channel closed (SSH) after.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }
    /// The program.
    pub fn program(&self) -> &str {
        &self.program
    }
    /// The arguments.
    pub fn arguments(&self) -> &[String] {
        &self.args
    }
    /// The timeout.
    pub fn time_limit(&self) -> Duration {
        self.timeout
    }

    /// The command as one POSIX shell line (each word quoted where needed), environment first as
    /// `env K=V`: what is sent over SSH. Contains secret values: never log it.
    pub fn to_shell_line(&self) -> String {
        let mut words = Vec::new();
        if let Some(dir) = &self.cwd {
            words.push(format!("cd {} &&", shell_quote(&dir.to_string_lossy())));
        }
        if !self.env.is_empty() {
            words.push("env".into());
            for (k, v) in &self.env {
                words.push(format!("{k}={}", shell_quote(v.expose())));
            }
        }
        words.push(shell_quote(&self.program));
        words.extend(self.args.iter().map(|a| shell_quote(a)));
        words.join(" ")
    }
}

impl fmt::Display for Command {
    /// The program and arguments, with environment variable names only (values redacted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, _) in &self.env {
            write!(f, "{k}=<redacted> ")?;
        }
        write!(f, "{}", shell_quote(&self.program))?;
        for a in &self.args {
            write!(f, " {}", shell_quote(a))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Command({self}, timeout {:?})", self.timeout)
    }
}

/// Quotes a word for a POSIX shell (single quotes; nothing for plain words).
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// What a command did.
#[derive(Debug, Clone)]
pub struct Output {
    /// Where it ran.
    pub target: String,
    /// The command, as displayed (no secret values).
    pub command: String,
    /// Exit status (`None` if killed by a signal or the SSH server sent none).
    pub status: Option<i32>,
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
    /// How long it ran.
    pub elapsed: Duration,
}

impl Output {
    /// Whether it exited with status 0.
    pub fn success(&self) -> bool {
        self.status == Some(0)
    }
    /// Standard output as text (lossy).
    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    /// Standard error as text (lossy).
    pub fn stderr_str(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
    /// `Ok(self)` if it succeeded, else an error naming the target, the command, the status and the
    /// last lines of standard error.
    pub fn check(self) -> Result<Self> {
        if self.success() {
            return Ok(self);
        }
        let stderr = self.stderr_str();
        let tail: Vec<&str> = stderr
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let status = self
            .status
            .map(|s| format!("status {s}"))
            .unwrap_or_else(|| "no exit status (killed)".into());
        Err(Error::new(
            ErrorKind::VerificationFailed,
            format!(
                "`{}` failed with {status}: {}",
                self.command,
                tail.join(" | ")
            ),
        )
        .with_target(self.target))
    }
}

/// Runs commands somewhere.
#[async_trait]
pub trait Exec: Send + Sync {
    /// Where commands run (`local`, `root@10.20.0.11:22`).
    fn target(&self) -> String;
    /// Runs `cmd` to completion or timeout. A non-zero exit is not an error here (see [`Output::check`]).
    async fn run(&self, cmd: &Command) -> Result<Output>;
}

/// Runs commands as local child processes.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalExec;

#[async_trait]
impl Exec for LocalExec {
    fn target(&self) -> String {
        "local".into()
    }

    async fn run(&self, cmd: &Command) -> Result<Output> {
        let started = Instant::now();
        let mut c = tokio::process::Command::new(&cmd.program);
        c.args(&cmd.args)
            .stdin(if cmd.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in &cmd.env {
            c.env(k, v.expose());
        }
        if let Some(d) = &cmd.cwd {
            c.current_dir(d);
        }
        let mut child = c.spawn().map_err(|e| {
            let kind = if e.kind() == std::io::ErrorKind::NotFound {
                ErrorKind::NotFound
            } else {
                ErrorKind::Internal
            };
            Error::new(
                kind,
                format!(
                    "cannot start `{}`: {e} (is it installed and on PATH?)",
                    cmd.program
                ),
            )
            .with_target("local")
            .with_sent(Sent::No)
        })?;
        let stdin_task = match (child.stdin.take(), cmd.stdin.clone()) {
            (Some(mut pipe), Some(data)) => Some(tokio::spawn(async move {
                let _ = pipe.write_all(&data).await;
                let _ = pipe.shutdown().await;
            })),
            _ => None,
        };
        let mut out = child.stdout.take().expect("piped");
        let mut err = child.stderr.take().expect("piped");
        let read_out = tokio::spawn(async move {
            let mut b = Vec::new();
            let _ = out.read_to_end(&mut b).await;
            b
        });
        let read_err = tokio::spawn(async move {
            let mut b = Vec::new();
            let _ = err.read_to_end(&mut b).await;
            b
        });
        let status = match tokio::time::timeout(cmd.timeout, child.wait()).await {
            Ok(s) => s.map_err(|e| {
                Error::new(ErrorKind::Internal, format!("waiting for `{cmd}`: {e}"))
                    .with_target("local")
            })?,
            Err(_) => {
                let _ = child.kill().await;
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "`{cmd}` did not finish within {:?}; it was killed",
                        cmd.timeout
                    ),
                )
                .with_target("local")
                .with_sent(Sent::Yes));
            }
        };
        if let Some(t) = stdin_task {
            let _ = t.await;
        }
        let stdout = read_out.await.unwrap_or_default();
        let stderr = read_err.await.unwrap_or_default();
        Ok(Output {
            target: "local".into(),
            command: cmd.to_string(),
            status: status.code(),
            stdout,
            stderr,
            elapsed: started.elapsed(),
        })
    }
}

/// How to authenticate over SSH.
#[derive(Clone, Debug)]
pub enum SshAuth {
    /// Password authentication.
    Password(Secret),
    /// A private key file (OpenSSH format), with its passphrase if it has one.
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// Its passphrase.
        passphrase: Option<Secret>,
    },
}

/// How to check the server's host key.
#[derive(Clone, Debug)]
pub enum HostKeyPolicy {
    /// Accept only this SHA-256 fingerprint (`SHA256:...`, as `ssh-keygen -lf` prints it).
    Fingerprint(String),
    /// Accept only the key in this OpenSSH public key file (`ssh_host_ed25519_key.pub`) or `known_hosts`-
    /// style line file (any line's key matches).
    PublicKeyFile(PathBuf),
    /// Accept any key. Insecure: an explicit opt-out for labs and first contact.
    InsecureAcceptAny,
}

struct Checker {
    policy: HostKeyPolicy,
    seen: Arc<std::sync::Mutex<Option<String>>>,
}

impl russh::client::Handler for Checker {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKey,
    ) -> std::result::Result<bool, Self::Error> {
        let fp = key.fingerprint(russh::keys::HashAlg::Sha256).to_string();
        *self.seen.lock().expect("not poisoned") = Some(fp.clone());
        Ok(match &self.policy {
            HostKeyPolicy::InsecureAcceptAny => true,
            HostKeyPolicy::Fingerprint(want) => want.trim() == fp,
            HostKeyPolicy::PublicKeyFile(path) => {
                let Ok(text) = std::fs::read_to_string(path) else {
                    return Ok(false);
                };
                text.lines().any(|line| {
                    // Accept "type base64 comment" and "host type base64" lines.
                    let words: Vec<&str> = line.split_whitespace().collect();
                    (0..words.len().saturating_sub(1)).any(|i| {
                        russh::keys::PublicKey::from_openssh(&format!(
                            "{} {}",
                            words[i],
                            words[i + 1]
                        ))
                        .map(|k| k.key_data() == key.key_data())
                        .unwrap_or(false)
                    })
                })
            }
        })
    }
}

/// Runs commands on a host over SSH, reusing one connection (channels are multiplexed).
pub struct SshExec {
    host: String,
    port: u16,
    user: String,
    auth: SshAuth,
    policy: HostKeyPolicy,
    connect_timeout: Duration,
    conn: Mutex<Option<Arc<russh::client::Handle<Checker>>>>,
}

impl fmt::Debug for SshExec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SshExec")
            .field("target", &self.target())
            .field("auth", &self.auth)
            .field("host_key", &self.policy)
            .finish()
    }
}

impl SshExec {
    /// An SSH runner for `user@host:port`. No host key is trusted until one is set with
    /// [`SshExec::host_key`] (a pinned key or fingerprint, or the explicit
    /// [`HostKeyPolicy::InsecureAcceptAny`]); without it, connections are refused with a message
    /// saying how. One connection is opened on the first command and reused.
    ///
    /// ```no_run
    /// # async fn demo() -> hermes_core::Result<()> {
    /// use hermes_core::exec::{Command, Exec, HostKeyPolicy, SshAuth, SshExec};
    /// use hermes_core::Secret;
    /// let ssh = SshExec::new("10.20.0.11", 22, "root", SshAuth::Password(Secret::from_env("ESXI_PW")?))
    ///     .host_key(HostKeyPolicy::Fingerprint("SHA256:...".into()));
    /// let out = ssh.run(&Command::new("uname").arg("-r")).await?.check()?;
    /// println!("{}", out.stdout_str());
    /// # Ok(()) }
    /// ```
    pub fn new(host: impl Into<String>, port: u16, user: impl Into<String>, auth: SshAuth) -> Self {
        SshExec {
            host: host.into(),
            port,
            user: user.into(),
            auth,
            policy: HostKeyPolicy::Fingerprint(String::new()),
            connect_timeout: Duration::from_secs(15),
            conn: Mutex::new(None),
        }
    }

    /// How to check the server's host key.
    pub fn host_key(mut self, policy: HostKeyPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The connect + authenticate timeout (default 15 s).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    async fn connect(&self) -> Result<Arc<russh::client::Handle<Checker>>> {
        let target = self.target();
        if matches!(&self.policy, HostKeyPolicy::Fingerprint(f) if f.is_empty()) {
            return Err(Error::invalid_input(
                "no host key policy: pin the server's key with HostKeyPolicy::Fingerprint or PublicKeyFile, \
                 or opt out explicitly with HostKeyPolicy::InsecureAcceptAny",
            )
            .with_target(target));
        }
        let config = Arc::new(russh::client::Config {
            inactivity_timeout: Some(Duration::from_secs(300)),
            keepalive_interval: Some(Duration::from_secs(30)),
            ..Default::default()
        });
        let seen = Arc::new(std::sync::Mutex::new(None));
        let checker = Checker {
            policy: self.policy.clone(),
            seen: seen.clone(),
        };
        let fut = async {
            let mut handle =
                russh::client::connect(config, (self.host.as_str(), self.port), checker)
                    .await
                    .map_err(|e| self.map_connect_error(e, &seen))?;
            let auth = match &self.auth {
                SshAuth::Password(pw) => {
                    handle.authenticate_password(&self.user, pw.expose()).await
                }
                SshAuth::KeyFile { path, passphrase } => {
                    let key =
                        russh::keys::load_secret_key(path, passphrase.as_ref().map(|p| p.expose()))
                            .map_err(|e| {
                                Error::invalid_input(format!(
                                    "cannot load SSH key {}: {e}",
                                    path.display()
                                ))
                                .with_target(target.clone())
                            })?;
                    let hash = handle
                        .best_supported_rsa_hash()
                        .await
                        .ok()
                        .flatten()
                        .flatten();
                    handle
                        .authenticate_publickey(
                            &self.user,
                            russh::keys::PrivateKeyWithHashAlg::new(Arc::new(key), hash),
                        )
                        .await
                }
            }
            .map_err(|e| {
                Error::new(
                    ErrorKind::Transport,
                    format!("SSH authentication exchange failed: {e}"),
                )
                .with_target(target.clone())
            })?;
            if !auth.success() {
                return Err(Error::new(
                    ErrorKind::Auth,
                    format!("SSH authentication as {} was refused: check the user and its password or key", self.user),
                )
                .with_target(target.clone()));
            }
            Ok(Arc::new(handle))
        };
        tokio::time::timeout(self.connect_timeout, fut)
            .await
            .map_err(|_| {
                Error::new(
                    ErrorKind::Timeout,
                    format!("no SSH session within {:?}", self.connect_timeout),
                )
                .with_target(self.target())
                .with_sent(Sent::No)
            })?
    }

    fn map_connect_error(&self, e: russh::Error, seen: &std::sync::Mutex<Option<String>>) -> Error {
        let target = self.target();
        match e {
            russh::Error::UnknownKey => {
                let fp = seen
                    .lock()
                    .expect("not poisoned")
                    .clone()
                    .unwrap_or_default();
                Error::new(
                    ErrorKind::Auth,
                    format!("the server's host key {fp} does not match the pinned key: if the host was reinstalled, update the pin"),
                )
                .with_target(target)
                .with_sent(Sent::No)
            }
            russh::Error::IO(io) => Error::from(io).with_target(target).context("SSH connect"),
            other => Error::new(ErrorKind::Transport, format!("SSH connect failed: {other}"))
                .with_target(target)
                .with_sent(Sent::No),
        }
    }

    async fn handle(&self, fresh: bool) -> Result<Arc<russh::client::Handle<Checker>>> {
        let mut guard = self.conn.lock().await;
        if !fresh {
            if let Some(h) = guard.as_ref() {
                if !h.is_closed() {
                    return Ok(h.clone());
                }
            }
        }
        let h = self.connect().await?;
        *guard = Some(h.clone());
        Ok(h)
    }

    /// Closes the connection (it is reopened by the next command).
    pub async fn close(&self) {
        if let Some(h) = self.conn.lock().await.take() {
            let _ = h
                .disconnect(russh::Disconnect::ByApplication, "bye", "en")
                .await;
        }
    }
}

#[async_trait]
impl Exec for SshExec {
    fn target(&self) -> String {
        format!("{}@{}:{}", self.user, self.host, self.port)
    }

    async fn run(&self, cmd: &Command) -> Result<Output> {
        let started = Instant::now();
        let target = self.target();
        // Reuse the connection; if opening a channel fails (the server dropped it), reconnect once. No
        // command was sent on the failed channel, so this retry is safe.
        let mut channel = None;
        for fresh in [false, true] {
            let handle = self.handle(fresh).await?;
            match handle.channel_open_session().await {
                Ok(c) => {
                    channel = Some(c);
                    break;
                }
                Err(e) if !fresh => tracing::debug!(%target, "reopening SSH connection: {e}"),
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::Transport,
                        format!("cannot open an SSH channel: {e}"),
                    )
                    .with_target(target)
                    .with_sent(Sent::No))
                }
            }
        }
        let mut channel = channel.expect("set in the loop");
        let line = cmd.to_shell_line();
        let display = cmd.to_string();
        let work = async {
            channel.exec(true, line.as_bytes()).await.map_err(|e| {
                Error::new(ErrorKind::Transport, format!("sending `{display}`: {e}"))
                    .with_sent(Sent::Maybe)
            })?;
            if let Some(data) = &cmd.stdin {
                channel.data(&data[..]).await.map_err(|e| {
                    Error::new(
                        ErrorKind::Transport,
                        format!("writing stdin of `{display}`: {e}"),
                    )
                })?;
            }
            channel.eof().await.ok();
            let (mut stdout, mut stderr, mut status) = (Vec::new(), Vec::new(), None);
            while let Some(msg) = channel.wait().await {
                match msg {
                    russh::ChannelMsg::Data { data } => stdout.extend_from_slice(&data),
                    russh::ChannelMsg::ExtendedData { data, ext: 1 } => {
                        stderr.extend_from_slice(&data)
                    }
                    russh::ChannelMsg::ExitStatus { exit_status } => {
                        status = Some(exit_status as i32)
                    }
                    russh::ChannelMsg::Close => break,
                    _ => {}
                }
            }
            Ok::<_, Error>((stdout, stderr, status))
        };
        let (stdout, stderr, status) = match tokio::time::timeout(cmd.timeout, work).await {
            Ok(r) => r.map_err(|e| e.with_target(target.clone()))?,
            Err(_) => {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "`{display}` did not finish within {:?}; its channel was closed",
                        cmd.timeout
                    ),
                )
                .with_target(target)
                .with_sent(Sent::Yes))
            }
        };
        Ok(Output {
            target,
            command: display,
            status,
            stdout,
            stderr,
            elapsed: started.elapsed(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_display_never_show_env_values() {
        assert_eq!(shell_quote("plain-word_1.2"), "plain-word_1.2");
        assert_eq!(shell_quote("it's here"), "'it'\\''s here'");
        assert_eq!(shell_quote(""), "''");
        let c = Command::new("pg_dump")
            .args(["-d", "app db"])
            .env("PGPASSWORD", "hunter2")
            .cwd("/tmp");
        assert_eq!(c.to_string(), "PGPASSWORD=<redacted> pg_dump -d 'app db'");
        assert!(!format!("{c:?}").contains("hunter2"));
        assert_eq!(
            c.to_shell_line(),
            "cd /tmp && env PGPASSWORD=hunter2 pg_dump -d 'app db'"
        );
    }

    #[tokio::test]
    async fn local_exec_status_output_stdin_and_env() {
        let out = LocalExec
            .run(
                &Command::new("sh")
                    .args([
                        "-c",
                        "echo out; echo err >&2; read x; echo got $x $HERMES_X; exit 3",
                    ])
                    .stdin("line\n")
                    .env("HERMES_X", "y"),
            )
            .await
            .unwrap();
        assert_eq!(out.status, Some(3));
        assert_eq!(out.stdout_str(), "out\ngot line y\n");
        assert_eq!(out.stderr_str(), "err\n");
        let e = out.check().unwrap_err();
        assert!(
            e.to_string().contains("status 3") && e.to_string().contains("err"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn local_exec_timeout_and_missing_program() {
        let t0 = Instant::now();
        let e = LocalExec
            .run(
                &Command::new("sleep")
                    .arg("10")
                    .timeout(Duration::from_millis(200)),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert!(t0.elapsed() < Duration::from_secs(5));
        let e = LocalExec
            .run(&Command::new("no-such-program-hermes"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(e.to_string().contains("no-such-program-hermes"), "{e}");
    }
}
