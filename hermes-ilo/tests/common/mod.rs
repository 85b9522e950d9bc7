//! Shared test helpers: clients for the harness' Redfish peers (see scripts/peers.d/sushy.sh).
#![allow(dead_code)]

use hermes_core::RetryPolicy;
use hermes_ilo::Client;
use std::time::Duration;

/// A client of sushy-emulator over plain HTTP (peer `sushy`).
pub fn sushy() -> Client {
    let peer = hermes_testkit::peer("sushy");
    Client::builder(format!("http://{}", peer.addr()))
        .retry(fast_retry())
        .build()
        .unwrap()
}

/// The HTTPS + basic auth emulator (peer `sushy-tls`): its address, CA PEM and password.
pub fn sushy_tls() -> (String, Vec<u8>, String, String) {
    let peer = hermes_testkit::peer("sushy-tls");
    let ca = std::fs::read(peer.setting("CA")).unwrap();
    let pw = std::fs::read_to_string(peer.setting("PASSWORD_FILE"))
        .unwrap()
        .trim()
        .to_string();
    (
        format!("https://{}", peer.addr()),
        ca,
        peer.setting("USER"),
        pw,
    )
}

/// A client of sushy-static serving the real HPE iLO 5 capture (peer `sushy-ilo5`).
pub fn ilo5() -> Client {
    let peer = hermes_testkit::peer("sushy-ilo5");
    Client::builder(format!("http://{}", peer.addr()))
        .name("ilo5-mockup")
        .retry(fast_retry())
        .build()
        .unwrap()
}

/// The iLO 5 capture on disk (`shared/data/redfish/hpe-ilo5`).
pub fn ilo5_tree() -> std::path::PathBuf {
    hermes_testkit::shared_data().join("redfish/hpe-ilo5")
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .initial_delay(Duration::from_millis(50))
        .max_delay(Duration::from_millis(500))
}

/// A `sushy-static` (sushy-tools' read-only Redfish responder, the same program as peer `sushy-ilo5`)
/// serving one Redfish tree on a free loopback port, stopped (by its PID) when dropped.
pub struct StaticRedfish {
    child: std::process::Child,
    addr: String,
    tree: std::path::PathBuf,
}

impl StaticRedfish {
    /// Serves `tree` (the folder holding `redfish/v1`). The program comes from the venv the harness
    /// installs for the Redfish peers (`SUSHY_VENV_BIN` in scripts/peers.env).
    pub fn serve(tree: impl Into<std::path::PathBuf>) -> StaticRedfish {
        let tree = tree.into();
        let v1 = tree.join("redfish/v1");
        assert!(
            v1.join("index.json").is_file(),
            "{}: no redfish/v1/index.json",
            tree.display()
        );
        // The peer proves the venv (and its sushy-static) is installed.
        hermes_testkit::peer("sushy-ilo5");
        let venv = hermes_testkit::settings()
            .remove("SUSHY_VENV_BIN")
            .unwrap_or_else(|| {
                panic!(
                    "no SUSHY_VENV_BIN in {}",
                    hermes_testkit::peers_file().display()
                )
            });
        let bin = std::path::PathBuf::from(venv).join("sushy-static");
        let port = hermes_testkit::free_port();
        let child = std::process::Command::new(&bin)
            .args(["-i", "127.0.0.1", "-p", &port.to_string(), "-m"])
            .arg(&v1)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {}: {e} (run scripts/peers.sh up sushy-ilo5)",
                    bin.display()
                )
            });
        let addr = format!("127.0.0.1:{port}");
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "sushy-static for {} did not listen on {addr} within 30 s",
                tree.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        StaticRedfish { child, addr, tree }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client of it, named after the tree's folder.
    pub fn client(&self) -> Client {
        Client::builder(self.url())
            .name(
                self.tree
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )
            .retry(fast_retry())
            .build()
            .unwrap()
    }

    /// A resource of the tree as it is on disk (`/redfish/v1/Systems/1` → its `index.json`).
    pub fn json(&self, path: &str) -> serde_json::Value {
        let rel = path.trim_matches('/');
        let file = self.tree.join(rel).join("index.json");
        serde_json::from_slice(
            &std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }
}

impl Drop for StaticRedfish {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Redfish tree vendored in `hermes-ilo/tests/data/redfish` (see its SOURCES.md).
pub fn vendor_tree(name: &str) -> std::path::PathBuf {
    // At run time first: cargo reuses a build across checkouts (see hermes_testkit::repo_root).
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("tests/data/redfish")
        .join(name)
}

/// Copies the tree `from` into `to` (an existing folder), for a test that serves a changed copy.
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Starts a local HTTP/1.1 server on a free loopback port answering every request with `handle`, and
/// returns its base URL (`http://127.0.0.1:PORT`). For replaying recorded replies and faults the peers
/// cannot produce; the server lives as long as the test's runtime.
pub async fn serve_http<F, Fut>(handle: F) -> String
where
    F: Fn(hyper::Request<hyper::body::Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = hyper::Response<http_body_util::Full<bytes::Bytes>>>
        + Send
        + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let handle = handle.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| {
                    let reply = handle(req);
                    async move { Ok::<_, std::convert::Infallible>(reply.await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

/// The reset types a recorded system allows, read from its tree as a BMC would apply them: the
/// inline `ResetType@Redfish.AllowableValues`, else those of the `@Redfish.ActionInfo` file when the
/// tree holds it; empty (anything goes) when neither is recorded.
fn recorded_reset_types(tree: &std::path::Path, system: &serde_json::Value) -> Vec<String> {
    let action = &system["Actions"]["#ComputerSystem.Reset"];
    let list = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let inline = list(&action["ResetType@Redfish.AllowableValues"]);
    if !inline.is_empty() {
        return inline;
    }
    let Some(info) = action["@Redfish.ActionInfo"].as_str() else {
        return Vec::new();
    };
    let file = tree.join(info.trim_matches('/')).join("index.json");
    let Ok(bytes) = std::fs::read(&file) else {
        return Vec::new();
    };
    let info: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    info["Parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["Name"] == "ResetType")
        .map(|p| list(&p["AllowableValues"]))
        .unwrap_or_default()
}

fn json_reply(
    status: u16,
    body: serde_json::Value,
) -> hyper::Response<http_body_util::Full<bytes::Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(bytes::Bytes::from(
            body.to_string(),
        )))
        .unwrap()
}

fn redfish_error(
    status: u16,
    id: &str,
    message: &str,
) -> hyper::Response<http_body_util::Full<bytes::Bytes>> {
    json_reply(
        status,
        serde_json::json!({"error": {"code": id, "message": message,
            "@Message.ExtendedInfo": [{"MessageId": id, "Message": message}]}}),
    )
}

/// A recorded Redfish tree served with a live power state: a scratch stand-in for the BMC the tree
/// was recorded from, for the write paths `sushy-static` cannot take (it answers every POST with 204
/// and changes nothing). GETs answer the tree's files (404 with a Redfish error body for what the tree
/// lacks), each system's `PowerState` replaced by its current one. A POST to a system's
/// `Actions/ComputerSystem.Reset` is checked against the reset types the tree records for it (inline,
/// else its ActionInfo file; a value outside them gets the 400 a BMC sends and changes nothing), then
/// logged and applied: an off reads `PoweringOff` for `off_reads` reads, then `Off`; an on or a
/// restart reads `On`; `PushPowerButton` toggles (an off where the system is on or powering off,
/// else an on), shown only after the system has been read [`RecordedBmc::set_press_lag`] more
/// times with its old state (as a BMC applies a press seconds later), and a second press before
/// then undoes the first. Other POSTs and PATCHes answer 204.
#[derive(Clone)]
pub struct RecordedBmc {
    url: String,
    resets: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
    power: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, (String, u32)>>>,
    /// Per system, a press not shown yet: the state it brings and the reads left before it shows.
    pressed: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, (String, u32)>>>,
    press_lag: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

impl RecordedBmc {
    /// Serves `tree` (the folder holding `redfish/v1`); an off takes `off_reads` reads of
    /// `PoweringOff` before the system reads `Off`.
    pub async fn serve(tree: std::path::PathBuf, off_reads: u32) -> RecordedBmc {
        use http_body_util::BodyExt as _;
        let resets = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let power = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
        let pressed: std::sync::Arc<
            std::sync::Mutex<std::collections::HashMap<String, (String, u32)>>,
        > = std::sync::Arc::default();
        let press_lag = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let (log, state, pending, lag) = (
            resets.clone(),
            power.clone(),
            pressed.clone(),
            press_lag.clone(),
        );
        let url = serve_http(move |req: hyper::Request<hyper::body::Incoming>| {
            let (tree, log, state, pending, lag) = (
                tree.clone(),
                log.clone(),
                state.clone(),
                pending.clone(),
                lag.clone(),
            );
            async move {
                let method = req.method().clone();
                let path = req.uri().path().trim_end_matches('/').to_string();
                let body = req.into_body().collect().await.unwrap().to_bytes();
                let read = |p: &str| -> Option<serde_json::Value> {
                    let file = tree.join(p.trim_matches('/')).join("index.json");
                    let bytes = std::fs::read(file).ok()?;
                    Some(serde_json::from_slice(&bytes).unwrap())
                };
                if method == hyper::Method::GET {
                    let Some(mut doc) = read(&path) else {
                        return redfish_error(
                            404,
                            "Base.1.0.ResourceMissingAtURI",
                            &format!("{path} not found"),
                        );
                    };
                    if let Some(recorded) = doc
                        .get("PowerState")
                        .and_then(|p| p.as_str())
                        .map(String::from)
                    {
                        let mut state = state.lock().unwrap();
                        let entry = state.entry(path.clone()).or_insert((recorded, 0));
                        let mut pending = pending.lock().unwrap();
                        if let Some((to, left)) = pending.get_mut(&path) {
                            if *left == 0 {
                                *entry = if to == "Off" {
                                    ("Off".into(), off_reads)
                                } else {
                                    ("On".into(), 0)
                                };
                                pending.remove(&path);
                            } else {
                                *left -= 1;
                            }
                        }
                        let now = if entry.1 > 0 {
                            entry.1 -= 1;
                            "PoweringOff".to_string()
                        } else {
                            entry.0.clone()
                        };
                        doc["PowerState"] = serde_json::json!(now);
                    }
                    return json_reply(200, doc);
                }
                if method == hyper::Method::POST {
                    if let Some(system) = path.strip_suffix("/Actions/ComputerSystem.Reset") {
                        let Some(doc) = read(system) else {
                            return redfish_error(404, "Base.1.0.ResourceMissingAtURI", system);
                        };
                        let sent: serde_json::Value = serde_json::from_slice(&body).unwrap();
                        let kind = sent["ResetType"].as_str().unwrap_or_default().to_string();
                        let allowed = recorded_reset_types(&tree, &doc);
                        if !allowed.is_empty() && !allowed.contains(&kind) {
                            return redfish_error(
                                400,
                                "Base.1.0.ActionParameterNotSupported",
                                &format!("ResetType {kind} is not supported"),
                            );
                        }
                        log.lock().unwrap().push((system.to_string(), kind.clone()));
                        let recorded = doc["PowerState"].as_str().unwrap_or("On").to_string();
                        let mut state = state.lock().unwrap();
                        let entry = state.entry(system.to_string()).or_insert((recorded, 0));
                        let lag = lag.load(std::sync::atomic::Ordering::SeqCst);
                        match kind.as_str() {
                            "ForceOff" | "Off" | "GracefulShutdown" => {
                                *entry = ("Off".into(), off_reads)
                            }
                            // A second press before the first shows undoes it.
                            "PushPowerButton"
                                if pending.lock().unwrap().remove(system).is_some() => {}
                            "PushPowerButton" if lag > 0 => {
                                let to = if entry.0 == "Off" { "On" } else { "Off" };
                                pending
                                    .lock()
                                    .unwrap()
                                    .insert(system.to_string(), (to.to_string(), lag));
                            }
                            "PushPowerButton" if entry.0 != "Off" => {
                                *entry = ("Off".into(), off_reads)
                            }
                            "Nmi" => {}
                            _ => *entry = ("On".into(), 0),
                        }
                    }
                    return hyper::Response::builder()
                        .status(204)
                        .body(http_body_util::Full::new(bytes::Bytes::new()))
                        .unwrap();
                }
                hyper::Response::builder()
                    .status(204)
                    .body(http_body_util::Full::new(bytes::Bytes::new()))
                    .unwrap()
            }
        })
        .await;
        RecordedBmc {
            url,
            resets,
            power,
            pressed,
            press_lag,
        }
    }

    /// Its base URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// From now on a `PushPowerButton` shows only after the system has been read `reads` more
    /// times with its old state (0, the default: at once).
    pub fn set_press_lag(&self, reads: u32) {
        self.press_lag
            .store(reads, std::sync::atomic::Ordering::SeqCst);
    }

    /// A client of it.
    pub fn client(&self) -> Client {
        Client::builder(&self.url)
            .retry(fast_retry())
            .build()
            .unwrap()
    }

    /// The resets accepted so far, as (system path, `ResetType`).
    pub fn resets(&self) -> Vec<(String, String)> {
        self.resets.lock().unwrap().clone()
    }

    /// Sets the power state `system` reads (`/redfish/v1/Systems/Node0`, `Off`).
    pub fn set_power(&self, system: &str, state: &str) {
        let system = system.trim_end_matches('/').to_string();
        self.pressed.lock().unwrap().remove(&system);
        self.power
            .lock()
            .unwrap()
            .insert(system, (state.to_string(), 0));
    }
}

/// A Redfish tree in memory: each resource's path (no trailing `/`, no query) → its body.
pub type TreeMap = std::collections::BTreeMap<String, serde_json::Value>;

/// `path` without its query, fragment and trailing `/` (`/` for the root of the host).
pub fn norm_path(path: &str) -> String {
    let p = path.split(['?', '#']).next().unwrap_or("");
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        "/".into()
    } else {
        t.to_string()
    }
}

/// Loads a tree (the folder holding `redfish/v1`) into memory.
pub fn load_tree(tree: &std::path::Path) -> TreeMap {
    let mut out = TreeMap::new();
    let mut stack = vec![tree.join("redfish/v1")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "index.json") {
                let rel = p.parent().unwrap().strip_prefix(tree).unwrap();
                let key = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
                if let Ok(v) = serde_json::from_slice(&std::fs::read(&p).unwrap()) {
                    out.insert(norm_path(&key), v);
                }
            }
        }
    }
    out
}

/// A request as a [`Fault`] sees it: method, path (as sent), and whether it carried credentials
/// (`Authorization` or `X-Auth-Token`).
pub struct Seen<'a> {
    pub method: &'a hyper::Method,
    pub path: &'a str,
    pub authorized: bool,
}

/// A fault a test adds to [`MemoryRedfish`]: `Some(reply)` answers the request instead of the tree.
pub type Fault = std::sync::Arc<
    dyn Fn(&Seen<'_>) -> Option<hyper::Response<http_body_util::Full<bytes::Bytes>>> + Send + Sync,
>;

/// A recorded tree served from memory, as `sushy-static` serves it (the tree's resources for GET,
/// found by exact path, else in another case as BMCs take links; 404 with a Redfish error for what
/// it lacks; 204 for PATCH, POST and DELETE), plus the session login `sushy-static` cannot answer (a
/// POST to the sessions collection the service root links answers 201 with an `X-Auth-Token` and
/// a `Location`). The tree can be swapped between requests (`tree`), and a [`Fault`] answers first
/// where set. Every path read with 200 is logged in `reads`.
pub struct MemoryRedfish {
    pub url: String,
    pub tree: std::sync::Arc<std::sync::RwLock<TreeMap>>,
    pub reads: std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>,
    pub fault: std::sync::Arc<std::sync::RwLock<Option<Fault>>>,
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl MemoryRedfish {
    pub async fn serve(tree: TreeMap) -> MemoryRedfish {
        use http_body_util::Full;
        use serde_json::{json, Value};
        let tree = std::sync::Arc::new(std::sync::RwLock::new(tree));
        let reads: std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>> =
            std::sync::Arc::default();
        let fault: std::sync::Arc<std::sync::RwLock<Option<Fault>>> = std::sync::Arc::default();
        let log: std::sync::Arc<std::sync::Mutex<Vec<String>>> = std::sync::Arc::default();
        let (t, r, f, l) = (tree.clone(), reads.clone(), fault.clone(), log.clone());
        let url = serve_http(move |req: hyper::Request<hyper::body::Incoming>| {
            let (tree, reads, fault, log) = (t.clone(), r.clone(), f.clone(), l.clone());
            async move {
                log.lock()
                    .unwrap()
                    .push(format!("{} {}", req.method(), req.uri()));
                let seen = Seen {
                    method: req.method(),
                    path: req.uri().path(),
                    authorized: req.headers().contains_key("authorization")
                        || req.headers().contains_key("x-auth-token"),
                };
                let hook = fault.read().unwrap().clone();
                if let Some(reply) = hook.and_then(|h| h(&seen)) {
                    return reply;
                }
                let path = norm_path(req.uri().path());
                let tree = tree.read().unwrap();
                if req.method() == hyper::Method::GET {
                    let found = tree.get(&path).map(|v| (path.clone(), v)).or_else(|| {
                        tree.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(&path))
                            .map(|(k, v)| (k.clone(), v))
                    });
                    return match found {
                        Some((key, v)) => {
                            reads.lock().unwrap().insert(key);
                            json_reply(200, v.clone())
                        }
                        None => redfish_error(
                            404,
                            "Base.1.0.ResourceMissingAtURI",
                            &format!("The resource at the URI {path} was not found."),
                        ),
                    };
                }
                let sessions = tree
                    .get("/redfish/v1")
                    .and_then(|r| r.pointer("/Links/Sessions/@odata.id"))
                    .and_then(Value::as_str)
                    .map(norm_path)
                    .unwrap_or_else(|| "/redfish/v1/SessionService/Sessions".into());
                if req.method() == hyper::Method::POST && sessions == path {
                    let at = format!("{path}/memory-session");
                    return hyper::Response::builder()
                        .status(201)
                        .header("content-type", "application/json")
                        .header("X-Auth-Token", "memory-session-token")
                        .header("Location", &at)
                        .body(Full::new(bytes::Bytes::from(
                            json!({"@odata.id": at, "Id": "memory-session"}).to_string(),
                        )))
                        .unwrap();
                }
                hyper::Response::builder()
                    .status(204)
                    .body(Full::new(bytes::Bytes::new()))
                    .unwrap()
            }
        })
        .await;
        MemoryRedfish {
            url,
            tree,
            reads,
            fault,
            log,
        }
    }

    /// Sets (or clears) the fault answering first.
    /// Edits one resource of the served tree in place (it must be in the tree).
    pub fn edit(&self, path: &str, f: impl FnOnce(&mut serde_json::Value)) {
        let mut tree = self.tree.write().unwrap();
        let v = tree
            .get_mut(path)
            .unwrap_or_else(|| panic!("{path} is not in the served tree"));
        f(v);
    }

    pub fn set_fault(&self, fault: Option<Fault>) {
        *self.fault.write().unwrap() = fault;
    }

    /// A client of it (no credentials).
    pub fn client(&self) -> Client {
        Client::builder(&self.url)
            .name("memory")
            .retry(fast_retry())
            .build()
            .unwrap()
    }
}

/// A JSON reply (for [`Fault`]s).
pub fn reply_json(
    status: u16,
    headers: &[(&str, &str)],
    body: serde_json::Value,
) -> hyper::Response<http_body_util::Full<bytes::Bytes>> {
    let mut b = hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(http_body_util::Full::new(bytes::Bytes::from(
        body.to_string(),
    )))
    .unwrap()
}
