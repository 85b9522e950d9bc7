//! Test support shared by every Hermes crate: one way to find a real peer started by
//! `scripts/peers.sh up`, and to fail with a clear message when it is not running — never to skip.
//!
//! Peers and their fixed loopback endpoints are listed in one file, `scripts/peers.env`
//! (`NAME_ADDR=127.0.0.1:PORT` lines, plus any `NAME_*` settings a peer needs). Adding a peer is one line
//! there and one script in `scripts/peers.d/`.
//!
//! ```no_run
//! let pg = hermes_testkit::peer("postgres");
//! println!("PostgreSQL at {}", pg.addr());
//! ```

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A running peer: its name, endpoint and settings from `scripts/peers.env`.
#[derive(Debug, Clone)]
pub struct Peer {
    name: String,
    addr: String,
    settings: BTreeMap<String, String>,
}

impl Peer {
    /// The peer's name (`postgres`, `redis`, `sushy`...).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// `host:port`.
    pub fn addr(&self) -> &str {
        &self.addr
    }
    /// The resolved socket address.
    pub fn socket_addr(&self) -> SocketAddr {
        self.addr
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .unwrap_or_else(|| {
                panic!(
                    "peer {}: {:?} is not a socket address",
                    self.name, self.addr
                )
            })
    }
    /// The port.
    pub fn port(&self) -> u16 {
        self.socket_addr().port()
    }
    /// A setting of this peer (`SUSHY_CA` → `setting("CA")`), panicking with the file to fix if absent.
    pub fn setting(&self, key: &str) -> String {
        let full = format!("{}_{}", env_prefix(&self.name), key);
        self.settings.get(&full).cloned().unwrap_or_else(|| {
            panic!(
                "peer {}: no {full} in {}",
                self.name,
                peers_file().display()
            )
        })
    }
}

fn env_prefix(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

/// The repository root (the directory holding `scripts/peers.env`).
///
/// Found from the running package's directory (`cargo test` and `cargo run` set `CARGO_MANIFEST_DIR`
/// at run time), falling back to where this crate was compiled: cargo reuses a build across checkouts
/// at other paths (a fresh CI clone sharing `CARGO_TARGET_DIR`), so the compile-time path may be
/// another checkout's.
pub fn repo_root() -> PathBuf {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .filter(|p| p.ancestors().any(|a| a.join("scripts/peers.env").is_file()))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    start
        .ancestors()
        .find(|p| p.join("scripts/peers.env").is_file())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| panic!("no scripts/peers.env above {}", start.display()))
}

/// The file that lists every peer.
pub fn peers_file() -> PathBuf {
    repo_root().join("scripts/peers.env")
}

/// The shared test data directory (`../shared/data` next to the checkout, or `$HERMES_SHARED/data`).
pub fn shared_data() -> PathBuf {
    if let Ok(dir) = std::env::var("HERMES_SHARED") {
        return PathBuf::from(dir).join("data");
    }
    let root = repo_root();
    let candidate = root.join("../shared/data");
    if candidate.is_dir() {
        return candidate;
    }
    panic!(
        "shared test data not found at {}: set HERMES_SHARED to the shared/ folder",
        candidate.display()
    )
}

/// The state directory the harness uses for peers (`$HERMES_PEERS_DIR` or `~/.cache/hermes/peers`).
pub fn peers_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("HERMES_PEERS_DIR") {
        return PathBuf::from(dir);
    }
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    PathBuf::from(home).join(".cache/hermes/peers")
}

/// Parses `KEY=VALUE` lines (comments with `#`, optional quotes; `${HOME}` and `$HOME` expanded).
pub fn parse_env(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim().trim_matches('"').trim_matches('\'');
            let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
            let peers = peers_dir().to_string_lossy().into_owned();
            let v = v
                .replace("${HERMES_PEERS_DIR}", &peers)
                .replace("$HERMES_PEERS_DIR", &peers)
                .replace("${HOME}", &home)
                .replace("$HOME", &home);
            out.insert(k.trim().to_string(), v);
        }
    }
    out
}

/// Every setting in `scripts/peers.env`.
pub fn settings() -> BTreeMap<String, String> {
    let path = peers_file();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_env(&text)
}

/// Finds peer `name` and checks that it accepts TCP connections; panics with
/// `peer NAME not running at ADDR (CONNECT ERROR): run scripts/peers.sh up NAME` otherwise.
pub fn peer(name: &str) -> Peer {
    try_peer(name).unwrap_or_else(|msg| panic!("{msg}"))
}

/// Like [`peer`], returning the message instead of panicking.
pub fn try_peer(name: &str) -> Result<Peer, String> {
    let settings = settings();
    let key = format!("{}_ADDR", env_prefix(name));
    let addr = settings.get(&key).cloned().ok_or_else(|| {
        format!(
            "unknown peer {name}: add {key}=127.0.0.1:PORT to {}",
            peers_file().display()
        )
    })?;
    let sock = addr
        .to_socket_addrs()
        .map_err(|e| format!("peer {name}: bad address {addr:?} in peers.env: {e}"))?
        .next()
        .ok_or_else(|| format!("peer {name}: {addr:?} resolves to nothing"))?;
    TcpStream::connect_timeout(&sock, Duration::from_secs(2)).map_err(|e| {
        format!("peer {name} not running at {addr} ({e}): run scripts/peers.sh up {name}")
    })?;
    let prefix = format!("{}_", env_prefix(name));
    let own = settings
        .into_iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .collect();
    Ok(Peer {
        name: name.to_string(),
        addr,
        settings: own,
    })
}

/// A free loopback TCP port (for a scratch server a test starts itself), never one this process
/// handed out before: between this call and the server binding the port, the kernel may give the
/// same port to the next `bind(0)`, so two tests running in parallel could start their servers on
/// one port, the second server fail to bind, and its test talk to the first test's server (and get
/// "connection refused" once that test ends).
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("bind 127.0.0.1:0");
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_ports_are_never_handed_out_twice() {
        let ports: Vec<u16> = (0..200).map(|_| free_port()).collect();
        let mut unique = ports.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ports.len());
    }

    #[test]
    fn env_lines_are_parsed_with_comments_quotes_and_home() {
        let m =
            parse_env("# c\nPOSTGRES_ADDR=127.0.0.1:5432\nexport X_DIR=\"$HOME/x\"\n\nBAD LINE\n");
        assert_eq!(m["POSTGRES_ADDR"], "127.0.0.1:5432");
        assert!(m["X_DIR"].ends_with("/x") && !m["X_DIR"].contains('$'));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn unknown_and_stopped_peers_say_what_to_do() {
        let err = try_peer("no-such-peer").unwrap_err();
        assert!(err.contains("NO_SUCH_PEER_ADDR"), "{err}");
    }

    #[test]
    fn the_machine_services_are_listed() {
        let s = settings();
        for k in ["POSTGRES_ADDR", "REDIS_ADDR", "RABBITMQ_ADDR"] {
            assert!(s.contains_key(k), "{k} missing from peers.env");
        }
    }
}
