//! NX-API JSON-RPC client (`POST https://switch/ins`, `application/json-rpc`), built against Cisco's
//! published request/response shapes and tested on replies recorded from real switches (pynxos).
//!
//! Request building ([`rpc_request`]) and reply parsing ([`parse_reply`]) are pure, so they are
//! testable on bytes; [`NxApi`] sends them with reqwest (TLS verified unless explicitly disabled).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{NetError, Result};
use hermes_core::Secret;

/// The JSON-RPC method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpcMethod {
    /// `cli`: structured (JSON) output for show commands; configuration commands return `null`.
    Cli,
    /// `cli_ascii`: the text output (`result.msg`).
    CliAscii,
}

/// Builds the JSON-RPC batch for `commands` (ids 1..=n).
///
/// ```
/// let body = hermes_netdev::nxapi::rpc_request(&["show version"], hermes_netdev::nxapi::RpcMethod::Cli);
/// assert_eq!(body[0]["method"], "cli");
/// assert_eq!(body[0]["params"]["cmd"], "show version");
/// ```
pub fn rpc_request(commands: &[&str], method: RpcMethod) -> Value {
    let m = match method {
        RpcMethod::Cli => "cli",
        RpcMethod::CliAscii => "cli_ascii",
    };
    Value::Array(
        commands
            .iter()
            .enumerate()
            .map(|(i, c)| json!({"jsonrpc": "2.0", "method": m, "params": {"cmd": c, "version": 1}, "id": i + 1}))
            .collect(),
    )
}

/// One JSON-RPC reply element.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct RpcReply {
    /// Request id.
    #[serde(default)]
    pub id: Option<Value>,
    /// Success payload: `{"body": {...}}` (cli) or `{"msg": "..."}` (cli_ascii) or `null`.
    #[serde(default)]
    pub result: Option<Value>,
    /// Failure payload.
    #[serde(default)]
    pub error: Option<RpcError>,
}

/// A JSON-RPC error as NX-API reports it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct RpcError {
    /// Code (`-32602` invalid params...).
    pub code: i64,
    /// Message.
    pub message: String,
    /// Details (`{"msg": "% Invalid command\n"}`).
    #[serde(default)]
    pub data: Option<Value>,
}

/// Parses a reply body (a single object or a batch) into one [`RpcReply`] per command; an error
/// element becomes [`NetError::DeviceRejected`] naming the command.
pub fn parse_reply(target: &str, commands: &[&str], body: &[u8]) -> Result<Vec<RpcReply>> {
    let v: Value = serde_json::from_slice(body).map_err(|e| NetError::Malformed {
        target: target.to_string(),
        detail: format!("NX-API reply is not JSON: {e}"),
    })?;
    let items = match v {
        Value::Array(a) => a,
        other => vec![other],
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let r: RpcReply = serde_json::from_value(item).map_err(|e| NetError::Malformed {
            target: target.to_string(),
            detail: format!("NX-API reply element {i}: {e}"),
        })?;
        if let Some(err) = &r.error {
            let detail = err
                .data
                .as_ref()
                .and_then(|d| d.get("msg"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim();
            return Err(NetError::DeviceRejected {
                target: target.to_string(),
                line: commands.get(i).copied().unwrap_or("?").to_string(),
                message: format!("{} ({}) {detail}", err.message, err.code),
            });
        }
        out.push(r);
    }
    if out.len() != commands.len() {
        return Err(NetError::Malformed {
            target: target.to_string(),
            detail: format!("{} replies for {} commands", out.len(), commands.len()),
        });
    }
    Ok(out)
}

/// An NX-API endpoint.
///
/// ```no_run
/// # async fn demo() -> hermes_netdev::Result<()> {
/// let api = hermes_netdev::nxapi::NxApi::new("n9k", "https://10.0.0.5/ins", "admin", "secret")?;
/// let version = api.show("show version").await?;
/// println!("{}", version["kickstart_ver_str"]);
/// api.configure(&["interface ethernet 1/1", "no shutdown"]).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct NxApi {
    target: String,
    url: String,
    user: String,
    password: Secret,
    http: reqwest::Client,
}

impl NxApi {
    /// A client with TLS verification on and a 30 s timeout per request.
    pub fn new(target: &str, url: &str, user: &str, password: &str) -> Result<Self> {
        Self::with_client(target, url, user, password, false)
    }

    /// Like [`NxApi::new`], but accepting any certificate (explicit opt-out, for labs).
    pub fn insecure(target: &str, url: &str, user: &str, password: &str) -> Result<Self> {
        Self::with_client(target, url, user, password, true)
    }

    fn with_client(
        target: &str,
        url: &str,
        user: &str,
        password: &str,
        insecure: bool,
    ) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .danger_accept_invalid_certs(insecure)
            .build()
            .map_err(|e| NetError::Transport {
                target: target.into(),
                detail: e.to_string(),
                sent: hermes_core::Sent::No,
            })?;
        Ok(NxApi {
            target: target.into(),
            url: url.into(),
            user: user.into(),
            password: Secret::new(password),
            http,
        })
    }

    async fn call(&self, commands: &[&str], method: RpcMethod) -> Result<Vec<RpcReply>> {
        let body = rpc_request(commands, method);
        let resp = self
            .http
            .post(&self.url)
            .basic_auth(&self.user, Some(self.password.expose()))
            .header("content-type", "application/json-rpc")
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    NetError::Timeout {
                        target: self.target.clone(),
                        command: commands.join("; "),
                        timeout: Duration::from_secs(30),
                    }
                } else {
                    NetError::Transport {
                        target: self.target.clone(),
                        detail: e.to_string(),
                        sent: if e.is_connect() {
                            hermes_core::Sent::No
                        } else {
                            hermes_core::Sent::Maybe
                        },
                    }
                }
            })?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| NetError::Transport {
            target: self.target.clone(),
            detail: e.to_string(),
            sent: hermes_core::Sent::Maybe,
        })?;
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(NetError::Auth {
                target: self.target.clone(),
                user: self.user.clone(),
            });
        }
        // NX-API answers JSON-RPC errors with HTTP 500 and a JSON body: parse that first.
        match parse_reply(&self.target, commands, &bytes) {
            Ok(r) if status.is_success() => Ok(r),
            Err(e @ NetError::DeviceRejected { .. }) => Err(e),
            Ok(_) | Err(_) => Err(NetError::Api {
                target: self.target.clone(),
                status: i64::from(status.as_u16()),
                message: String::from_utf8_lossy(&bytes).chars().take(300).collect(),
            }),
        }
    }

    /// The device name used in errors.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Runs a show command and returns its structured `body`.
    pub async fn show(&self, command: &str) -> Result<Value> {
        let r = self.call(&[command], RpcMethod::Cli).await?;
        Ok(r.into_iter()
            .next()
            .and_then(|r| r.result)
            .and_then(|mut v| v.get_mut("body").map(Value::take))
            .unwrap_or(Value::Null))
    }

    /// Runs a command and returns its text output (`cli_ascii`).
    pub async fn show_ascii(&self, command: &str) -> Result<String> {
        let r = self.call(&[command], RpcMethod::CliAscii).await?;
        Ok(r.into_iter()
            .next()
            .and_then(|r| r.result)
            .and_then(|v| v.get("msg").and_then(Value::as_str).map(String::from))
            .unwrap_or_default())
    }

    /// The running configuration text.
    pub async fn running_config(&self) -> Result<String> {
        self.show_ascii("show running-config").await
    }

    /// Sends configuration lines in one batch (NX-API stops at the first failing one, named in the error).
    pub async fn configure(&self, lines: &[&str]) -> Result<()> {
        self.call(lines, RpcMethod::Cli).await.map(|_| ())
    }
}
