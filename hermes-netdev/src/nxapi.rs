//! NX-API JSON-RPC client (`POST https://switch/ins`, `application/json-rpc`), built against Cisco's
//! published request/response shapes and tested on replies recorded from real switches (pynxos,
//! napalm's nxapi_plumbing: see `tests/recorded/nxapi/SOURCES.md`).
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

/// Parses a reply body into one [`RpcReply`] per command, in command order.
///
/// Accepts what NX-API sends: a JSON-RPC batch (a list), a single JSON-RPC object (NX-API's
/// answer to a one-command batch), and the `ins_api` envelope of NX-API's CLI transport
/// (`{"ins_api": {"outputs": {"output": ...}}}`, one output or a list of them). Replies are matched
/// to commands by their `id` (1..=n, as [`rpc_request`] numbers them) whatever their order.
///
/// The first refused command (in command order) becomes [`NetError::DeviceRejected`] naming it,
/// with NX-API's message, code and detail (`data.msg`, `clierror`); an `ins_api` output with a
/// code other than 200 or 400 (429 too many sessions, 501 structured output unsupported...) is
/// [`NetError::Api`] naming the command. A body that is not one of those shapes, an element that
/// is neither a result nor an error, an unknown or repeated `id`, or a missing reply is
/// [`NetError::Malformed`].
pub fn parse_reply(target: &str, commands: &[&str], body: &[u8]) -> Result<Vec<RpcReply>> {
    let malformed = |detail: String| NetError::Malformed {
        target: target.to_string(),
        detail: format!("NX-API reply to {commands:?}: {detail}"),
    };
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        malformed(format!(
            "not JSON ({e}): {:?}",
            String::from_utf8_lossy(body)
                .chars()
                .take(120)
                .collect::<String>()
        ))
    })?;
    if let Some(ins) = v.get("ins_api") {
        return parse_ins_api(target, commands, ins);
    }
    let items = match v {
        Value::Array(a) => a,
        obj @ Value::Object(_) => vec![obj],
        other => {
            return Err(malformed(format!(
                "{other} is neither a JSON-RPC reply nor a batch of them"
            )))
        }
    };
    let n = commands.len();
    let mut slots: Vec<Option<RpcReply>> = vec![None; n];
    let mut orphan_error: Option<RpcError> = None;
    for (i, item) in items.into_iter().enumerate() {
        let is_reply = item
            .as_object()
            .is_some_and(|o| o.contains_key("result") || o.contains_key("error"));
        if !is_reply {
            let text = item.to_string();
            return Err(malformed(format!(
                "element {i} has neither `result` nor `error`, so it is not a JSON-RPC reply: {}",
                text.chars().take(120).collect::<String>()
            )));
        }
        let r: RpcReply =
            serde_json::from_value(item).map_err(|e| malformed(format!("element {i}: {e}")))?;
        let slot = match &r.id {
            Some(Value::Number(id)) => id.as_u64().and_then(|id| id.checked_sub(1)),
            Some(Value::String(id)) => id.parse::<u64>().ok().and_then(|id| id.checked_sub(1)),
            // No id (or null: JSON-RPC's answer when the request could not be read): by position.
            None | Some(Value::Null) => Some(i as u64),
            Some(_) => None,
        }
        .and_then(|s| usize::try_from(s).ok())
        .filter(|s| *s < n);
        match slot {
            Some(s) if slots[s].is_none() => slots[s] = Some(r),
            _ if r.error.is_some() && orphan_error.is_none() => orphan_error = r.error,
            Some(_) => {
                return Err(malformed(format!(
                    "element {i} repeats id {}",
                    r.id.unwrap_or_default()
                )))
            }
            None => {
                return Err(malformed(format!(
                    "element {i} has id {}, not one of 1..={n}",
                    r.id.unwrap_or_default()
                )))
            }
        }
    }
    for (cmd, r) in commands.iter().zip(&slots) {
        if let Some(err) = r.as_ref().and_then(|r| r.error.as_ref()) {
            return Err(rejected(target, cmd, err));
        }
    }
    if let Some(err) = &orphan_error {
        return Err(rejected(target, &commands.join("; "), err));
    }
    let got = slots.iter().filter(|s| s.is_some()).count();
    let mut out = Vec::with_capacity(n);
    for (cmd, r) in commands.iter().zip(slots) {
        match r {
            Some(r) => out.push(r),
            None => {
                return Err(malformed(format!(
                    "{got} replies for {n} commands: none for `{cmd}`"
                )))
            }
        }
    }
    Ok(out)
}

/// The text of an error's `data`: its `msg` and `clierror` strings, or the string itself.
fn error_detail(data: Option<&Value>) -> String {
    match data {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Object(o)) => ["msg", "clierror"]
            .iter()
            .filter_map(|k| o.get(*k).and_then(Value::as_str))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(": "),
        _ => String::new(),
    }
}

fn rejected(target: &str, line: &str, err: &RpcError) -> NetError {
    let detail = error_detail(err.data.as_ref());
    NetError::DeviceRejected {
        target: target.to_string(),
        line: line.to_string(),
        message: format!("{} ({}) {detail}", err.message, err.code)
            .trim_end()
            .to_string(),
    }
}

/// `ins_api.outputs.output` (one object, or a list with one per command) as JSON-RPC replies:
/// `code` 200 is a result (`body`, and `msg` for text bodies), 400 a refused command.
fn parse_ins_api(target: &str, commands: &[&str], ins: &Value) -> Result<Vec<RpcReply>> {
    let malformed = |detail: String| NetError::Malformed {
        target: target.to_string(),
        detail: format!("NX-API ins_api reply to {commands:?}: {detail}"),
    };
    let outputs = match ins.get("outputs").and_then(|o| o.get("output")) {
        Some(Value::Array(a)) => a.clone(),
        Some(o @ Value::Object(_)) => vec![o.clone()],
        _ => return Err(malformed("no `outputs.output`".into())),
    };
    let mut out = Vec::with_capacity(outputs.len());
    for (i, o) in outputs.iter().enumerate() {
        let cmd = o
            .get("input")
            .and_then(Value::as_str)
            .or_else(|| commands.get(i).copied())
            .unwrap_or("?");
        let code = match o.get("code") {
            Some(Value::String(c)) => c.trim().parse::<i64>().ok(),
            Some(Value::Number(c)) => c.as_i64(),
            _ => None,
        }
        .ok_or_else(|| malformed(format!("output {i} (`{cmd}`) has no numeric `code`")))?;
        let msg = o.get("msg").and_then(Value::as_str).unwrap_or_default();
        match code {
            200 => {
                let body = o.get("body").cloned().unwrap_or(Value::Null);
                let mut result = json!({ "body": body });
                if let Value::String(text) = &body {
                    result["msg"] = Value::String(text.clone());
                }
                out.push(RpcReply {
                    id: Some(json!(i + 1)),
                    result: Some(result),
                    error: None,
                });
            }
            400 => {
                return Err(rejected(
                    target,
                    cmd,
                    &RpcError {
                        code,
                        message: msg.to_string(),
                        data: o.get("clierror").cloned(),
                    },
                ))
            }
            _ => {
                return Err(NetError::Api {
                    target: target.to_string(),
                    status: code,
                    message: format!(
                        "`{cmd}`: {msg} {}",
                        o.get("clierror")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                    )
                    .trim_end()
                    .to_string(),
                })
            }
        }
    }
    if out.len() != commands.len() {
        return Err(malformed(format!(
            "{} outputs for {} commands",
            out.len(),
            commands.len()
        )));
    }
    Ok(out)
}

/// The structured `body` of a `cli` reply: `result: null` (a command with no output, a
/// configuration line) is `Value::Null`; a result without `body` is [`NetError::Malformed`].
pub fn reply_body(target: &str, command: &str, reply: RpcReply) -> Result<Value> {
    match reply.result {
        None | Some(Value::Null) => Ok(Value::Null),
        Some(Value::Object(mut o)) if o.contains_key("body") => {
            Ok(o.remove("body").unwrap_or_default())
        }
        Some(other) => Err(NetError::Malformed {
            target: target.to_string(),
            detail: format!(
                "NX-API reply to `{command}` has no `body` in its result: {}",
                other.to_string().chars().take(120).collect::<String>()
            ),
        }),
    }
}

/// The text of a `cli_ascii` reply (`result.msg`): `result: null` (no output) is empty text; a
/// result without a text `msg` is [`NetError::Malformed`].
pub fn reply_text(target: &str, command: &str, reply: RpcReply) -> Result<String> {
    match reply.result {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::Object(o)) if o.get("msg").is_some_and(Value::is_string) => Ok(o
            .get("msg")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()),
        Some(other) => Err(NetError::Malformed {
            target: target.to_string(),
            detail: format!(
                "NX-API cli_ascii reply to `{command}` has no text `msg`: {}",
                other.to_string().chars().take(120).collect::<String>()
            ),
        }),
    }
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
            Err(e @ (NetError::DeviceRejected { .. } | NetError::Api { .. })) => Err(e),
            Err(e @ NetError::Malformed { .. }) if status.is_success() => Err(e),
            Ok(_) | Err(_) => Err(NetError::Api {
                target: self.target.clone(),
                status: i64::from(status.as_u16()),
                message: format!(
                    "POST {} ({}): {}",
                    self.url,
                    commands.join("; "),
                    String::from_utf8_lossy(&bytes)
                        .chars()
                        .take(300)
                        .collect::<String>()
                ),
            }),
        }
    }

    /// The device name used in errors.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Runs a show command and returns its structured `body` (see [`reply_body`]: a command
    /// with no output, `result: null`, is `Value::Null`).
    pub async fn show(&self, command: &str) -> Result<Value> {
        let r = self.call(&[command], RpcMethod::Cli).await?;
        let reply = r.into_iter().next().ok_or_else(|| NetError::Malformed {
            target: self.target.clone(),
            detail: format!("no NX-API reply to `{command}`"),
        })?;
        reply_body(&self.target, command, reply)
    }

    /// Runs a show command and reads its structured `body` with `read` (one of the
    /// `hermes_netdev::show::parse_nxos_json_*` readers), giving the same typed rows as the text
    /// parsers give over SSH.
    ///
    /// ```no_run
    /// # async fn demo() -> hermes_netdev::Result<()> {
    /// use hermes_netdev::show;
    /// let api = hermes_netdev::nxapi::NxApi::new("n9k", "https://10.0.0.5/ins", "admin", "secret")?;
    /// let version = api.show_parsed("show version", show::parse_nxos_json_show_version).await?;
    /// println!("{:?}", version.version());
    /// for vlan in api.show_parsed("show vlan brief", show::parse_nxos_json_show_vlan_brief).await? {
    ///     println!("{} {:?}", vlan.vlan_id, vlan.interfaces);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn show_parsed<T>(
        &self,
        command: &str,
        read: impl FnOnce(&str, &Value) -> Result<T>,
    ) -> Result<T> {
        let body = self.show(command).await?;
        read(&self.target, &body)
    }

    /// Runs several show commands in one batch and returns their bodies in command order.
    pub async fn show_many(&self, commands: &[&str]) -> Result<Vec<Value>> {
        let r = self.call(commands, RpcMethod::Cli).await?;
        commands
            .iter()
            .zip(r)
            .map(|(c, reply)| reply_body(&self.target, c, reply))
            .collect()
    }

    /// Runs a command and returns its text output (`cli_ascii`; see [`reply_text`]).
    pub async fn show_ascii(&self, command: &str) -> Result<String> {
        let r = self.call(&[command], RpcMethod::CliAscii).await?;
        let reply = r.into_iter().next().ok_or_else(|| NetError::Malformed {
            target: self.target.clone(),
            detail: format!("no NX-API reply to `{command}`"),
        })?;
        reply_text(&self.target, command, reply)
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
