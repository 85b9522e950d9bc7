//! A replaying SSH device for `CliSession` tests: a russh server that plays a script of recorded
//! device output (`tests/recorded/cli`, provenance in its SOURCES.md) and adds the faults the
//! FakeNOS peer cannot produce: every reply cut into SSH data messages at awkward places (whole,
//! byte by byte, or pseudo-random sizes, so escape sequences, prompts and `--More--` are split),
//! `--More--` pagers that wait for a space, and input that the script does not expect recorded as
//! a problem (the test then fails on it).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hermes_netdev::cli::{CliTarget, Platform};
use russh::keys::{Algorithm, HashAlg, PrivateKey};
use russh::server::{self, Auth, Msg, Session};
use russh::{Channel, ChannelId, CryptoVec};
use tokio::sync::mpsc;

/// The login the replaying device accepts.
pub const USER: &str = "hermes";
/// Its password (never expected in an error or a `Debug` output).
pub const PASSWORD: &str = "Repl4y-pw-9f3c";

/// How replies are cut into SSH data messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Each reply in one message.
    Whole,
    /// Every byte its own message.
    Bytes,
    /// Pseudo-random sizes of 1 to 7 bytes (xorshift from this seed).
    Awkward(u64),
}

/// Every split a scenario runs under.
pub const SPLITS: [Split; 3] = [Split::Whole, Split::Bytes, Split::Awkward(0x9e37_79b9)];

/// What the device waits for before its next reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A line (without its `\n` / `\r\n`).
    Line(String),
    /// One key, without Enter (a space for `--More--`, `n` for `[confirm]`).
    Key(u8),
}

/// A device: what it prints once the shell opens, then a reply for each expected input.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// Printed when the shell opens (banner, prompt).
    pub greeting: Vec<u8>,
    /// Printed after the greeting, each after its pause (a device writing its banner in parts).
    pub later: Vec<(Duration, Vec<u8>)>,
    /// In order: the input waited for and the bytes printed in reply.
    pub steps: Vec<(Input, Vec<u8>)>,
}

impl Script {
    /// A script that starts with `greeting`.
    pub fn new(greeting: impl AsRef<[u8]>) -> Self {
        Script {
            greeting: greeting.as_ref().to_vec(),
            later: Vec::new(),
            steps: Vec::new(),
        }
    }
    /// Prints `bytes` `pause` after the greeting (or the previous `after`).
    pub fn after(mut self, pause: Duration, bytes: impl AsRef<[u8]>) -> Self {
        self.later.push((pause, bytes.as_ref().to_vec()));
        self
    }
    /// Waits for `line`, then prints `reply`.
    pub fn line(mut self, line: &str, reply: impl AsRef<[u8]>) -> Self {
        self.steps
            .push((Input::Line(line.to_string()), reply.as_ref().to_vec()));
        self
    }
    /// Waits for the key `k`, then prints `reply`.
    pub fn key(mut self, k: u8, reply: impl AsRef<[u8]>) -> Self {
        self.steps.push((Input::Key(k), reply.as_ref().to_vec()));
        self
    }
    /// Waits for `line` and answers as a Cisco device does to a setup command with no output:
    /// the echo, a new line and the prompt. (Added by the mock: these setup exchanges are not in
    /// the recordings.)
    pub fn quiet(self, line: &str, prompt: &str) -> Self {
        let reply = format!("{line}\r\n{prompt}");
        self.line(line, reply)
    }
    /// The IOS / NX-OS session setup that `CliSession::open` sends (`terminal length 0`,
    /// `terminal width 511`), answered at `prompt`.
    pub fn cisco_setup(self, prompt: &str) -> Self {
        self.quiet("terminal length 0", prompt)
            .quiet("terminal width 511", prompt)
    }
    /// The FortiOS session setup (`config system console`, `set output standard`, `end`) for a
    /// device named `host` at its top prompt `top`.
    pub fn fortios_setup(self, host: &str, top: &str) -> Self {
        let console = format!("{host} (console) # ");
        self.quiet("config system console", &console)
            .quiet("set output standard", &console)
            .quiet("end", top)
    }
}

/// What the device saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Every byte received on the shell.
    pub received: Vec<u8>,
    /// Input the script did not expect, and steps it never reached.
    pub problems: Vec<String>,
}

/// A running replaying device.
pub struct Device {
    /// `127.0.0.1:port`.
    pub addr: String,
    /// Its host key's SHA-256 fingerprint.
    pub fingerprint: String,
    /// What it saw.
    pub seen: Arc<Mutex<Seen>>,
    steps_left: Arc<Mutex<usize>>,
}

impl Device {
    /// A target for this device (credentials, pinned host key, a short command timeout).
    pub fn target(&self, name: &str, platform: Platform) -> CliTarget {
        CliTarget::new(name, self.addr.clone(), platform)
            .credentials(USER, PASSWORD)
            .host_key_fingerprint(self.fingerprint.clone())
            .command_timeout(Duration::from_secs(4))
            .connect_timeout(Duration::from_secs(10))
    }

    /// Fails the test if the device saw unexpected input; `all_used` also requires every step to
    /// have been played.
    pub fn check(&self, all_used: bool) {
        let seen = self.seen.lock().unwrap();
        assert!(
            seen.problems.is_empty(),
            "the device saw unexpected input: {:?}\nreceived: {:?}",
            seen.problems,
            String::from_utf8_lossy(&seen.received)
        );
        if all_used {
            let left = *self.steps_left.lock().unwrap();
            assert_eq!(
                left,
                0,
                "{left} scripted steps never reached; received: {:?}",
                String::from_utf8_lossy(&seen.received)
            );
        }
    }
}

fn cut(bytes: &[u8], split: Split) -> Vec<Vec<u8>> {
    match split {
        Split::Whole => vec![bytes.to_vec()],
        Split::Bytes => bytes.iter().map(|b| vec![*b]).collect(),
        Split::Awkward(seed) => {
            let mut x = seed | 1;
            let mut out = Vec::new();
            let mut rest = bytes;
            while !rest.is_empty() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let n = ((x % 7) as usize + 1).min(rest.len());
                out.push(rest[..n].to_vec());
                rest = &rest[n..];
            }
            out
        }
    }
}

/// Starts a device that plays `script`, cutting its output per `split`.
pub async fn serve(script: Script, split: Split) -> Device {
    let key = PrivateKey::random(
        &mut russh::keys::ssh_key::rand_core::OsRng,
        Algorithm::Ed25519,
    )
    .unwrap();
    let fingerprint = key.public_key().fingerprint(HashAlg::Sha256).to_string();
    let config = Arc::new(server::Config {
        keys: vec![key],
        auth_rejection_time: Duration::from_millis(10),
        auth_rejection_time_initial: Some(Duration::from_millis(0)),
        inactivity_timeout: Some(Duration::from_secs(60)),
        ..Default::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let steps_left = Arc::new(Mutex::new(script.steps.len()));
    let (seen2, left2) = (seen.clone(), steps_left.clone());
    tokio::spawn(async move {
        // One connection per device: each scenario opens one session.
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let handler = Replay {
            script,
            split,
            next: 0,
            inbuf: Vec::new(),
            seen: seen2,
            steps_left: left2,
            out: None,
        };
        if let Ok(session) = server::run_stream(config, stream, handler).await {
            let _ = session.await;
        }
    });
    Device {
        addr,
        fingerprint,
        seen,
        steps_left,
    }
}

struct Replay {
    script: Script,
    split: Split,
    next: usize,
    inbuf: Vec<u8>,
    seen: Arc<Mutex<Seen>>,
    steps_left: Arc<Mutex<usize>>,
    out: Option<mpsc::UnboundedSender<Out>>,
}

enum Out {
    Bytes(Vec<u8>),
    Pause(Duration),
}

impl Replay {
    fn send(&self, bytes: &[u8]) {
        if let Some(tx) = &self.out {
            let _ = tx.send(Out::Bytes(bytes.to_vec()));
        }
    }

    fn consume(&mut self) {
        loop {
            let Some((want, reply)) = self.script.steps.get(self.next).cloned() else {
                if !self.inbuf.is_empty() {
                    let extra = String::from_utf8_lossy(&self.inbuf).to_string();
                    self.seen
                        .lock()
                        .unwrap()
                        .problems
                        .push(format!("input after the script ended: {extra:?}"));
                    self.inbuf.clear();
                }
                return;
            };
            match want {
                Input::Key(k) => {
                    let Some(&b) = self.inbuf.first() else { return };
                    self.inbuf.remove(0);
                    if b != k {
                        self.seen.lock().unwrap().problems.push(format!(
                            "step {}: expected key {:?}, got {:?}",
                            self.next, k as char, b as char
                        ));
                        return;
                    }
                }
                Input::Line(l) => {
                    let Some(nl) = self.inbuf.iter().position(|&b| b == b'\n') else {
                        return;
                    };
                    let got: Vec<u8> = self.inbuf.drain(..=nl).collect();
                    let got = String::from_utf8_lossy(&got)
                        .trim_end_matches(['\r', '\n'])
                        .to_string();
                    if got != l {
                        self.seen.lock().unwrap().problems.push(format!(
                            "step {}: expected line {l:?}, got {got:?}",
                            self.next
                        ));
                        return;
                    }
                }
            }
            self.next += 1;
            *self.steps_left.lock().unwrap() -= 1;
            self.send(&reply);
        }
    }
}

impl server::Handler for Replay {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        Ok(if user == USER && password == PASSWORD {
            Auth::Accept
        } else {
            Auth::reject()
        })
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        session: &mut Session,
    ) -> Result<bool, Self::Error> {
        // One writer per session keeps the replies in order, each cut into messages.
        let (tx, mut rx) = mpsc::unbounded_channel::<Out>();
        let (handle, id, split) = (session.handle(), channel.id(), self.split);
        tokio::spawn(async move {
            while let Some(out) = rx.recv().await {
                let bytes = match out {
                    Out::Bytes(b) => b,
                    Out::Pause(d) => {
                        tokio::time::sleep(d).await;
                        continue;
                    }
                };
                for piece in cut(&bytes, split) {
                    if handle.data(id, CryptoVec::from(piece)).await.is_err() {
                        return;
                    }
                }
            }
        });
        self.out = Some(tx);
        Ok(true)
    }

    async fn shell_request(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let greeting = self.script.greeting.clone();
        self.send(&greeting);
        for (pause, bytes) in self.script.later.clone() {
            if let Some(tx) = &self.out {
                let _ = tx.send(Out::Pause(pause));
            }
            self.send(&bytes);
        }
        Ok(())
    }

    async fn data(
        &mut self,
        _channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.seen.lock().unwrap().received.extend_from_slice(data);
        self.inbuf.extend_from_slice(data);
        self.consume();
        Ok(())
    }
}
