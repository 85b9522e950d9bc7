//! FortiOS REST API client (`/api/v2/cmdb/...`, `/api/v2/monitor/...`) with API-token
//! authentication (`Authorization: Bearer`), per-VDOM requests, policy moves and typed errors.
//!
//! FortiOS answers every request with a JSON envelope: `http_method`, `http_status`, `status`
//! (`success` / `error`), `results`, `vdom`, `path`, `name`, `serial`, `version`, `build`, and on
//! mutations `mkey` and `revision_changed`. Refusals carry FortiOS' internal `error` code (`-5`: a
//! duplicate entry, `-3`: entry not found...) and sometimes a `cli_error` text; they become
//! [`NetError::FortiOs`] with those fields, classified for callers (not found, conflict, invalid
//! input, authentication). A request for several VDOMs (`vdom("*")`) is answered with a JSON array
//! of such envelopes, one per VDOM: [`FortiRest::get_per_vdom`] and [`FortiRest::monitor_per_vdom`]
//! return them; the one-envelope readers refuse such a reply rather than pick a VDOM. A body that
//! is not an envelope (not JSON, an HTML page, `{}`) is [`NetError::Malformed`], never an empty
//! table.
//!
//! ```no_run
//! # async fn demo() -> hermes_netdev::Result<()> {
//! use hermes_core::Secret;
//! use hermes_netdev::fortirest::{FortiRest, Position};
//! let fgt = FortiRest::new("fgt", "https://10.0.0.1", Secret::from_env("FGT_TOKEN").unwrap())?
//!     .vdom("root");
//! for a in fgt.table("firewall/address").await? {
//!     println!("{} {}", a["name"], a["subnet"]);
//! }
//! fgt.create("firewall/address", &serde_json::json!({"name": "web", "subnet": "10.0.30.10/32"})).await?;
//! fgt.move_entry("firewall/policy", "7", Position::Before("2".into())).await?;
//! # Ok(()) }
//! ```

use std::time::Duration;

use hermes_core::{Classify, ErrorKind, Secret, Sent};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{NetError, Result};
use crate::fortios::FortiConfig;

/// What FortiOS' internal error codes mean (the common ones; others are shown by number).
pub fn error_meaning(code: i64) -> &'static str {
    match code {
        -1 => "invalid length of value",
        -2 => "index value out of range",
        -3 => "entry not found",
        -4 => "maximum number of entries reached",
        -5 => "a duplicate entry already exists",
        -6 => "failed memory allocation",
        -7 => "value conflicts with system settings",
        -8 => "invalid IP address",
        -9 => "invalid IP netmask",
        -10 => "invalid gateway address",
        -23 => "entry is in use by other entries",
        -651 => "invalid input value",
        _ => "see the FortiOS REST API error codes",
    }
}

/// What to do about a refusal (part of the error message).
pub fn hint(http_status: u16, error: Option<i64>) -> &'static str {
    match (http_status, error) {
        (401, _) => "check the API token (System > Administrators > REST API admin)",
        (403, _) => {
            "the token's profile lacks the permission, or the client address is not a trusted host"
        }
        (_, Some(-3)) | (404, _) => "check the path and key (GET the table to list existing keys)",
        (_, Some(-5)) => "the entry exists: update it with PUT instead of creating it",
        (_, Some(-23)) => "remove the references to the entry before deleting it",
        (405, _) => "this table does not accept that method",
        (424 | 400, _) | (_, Some(_)) => {
            "check the body's field names and values against the table's schema"
        }
        (429, _) => "too many requests: retry later",
        _ => "check the device's event log",
    }
}

/// The JSON envelope of every FortiOS REST reply (unknown fields ignored).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RestReply {
    /// `GET`, `POST`, `PUT`, `DELETE`.
    #[serde(default)]
    pub http_method: String,
    /// The HTTP status FortiOS reports.
    #[serde(default)]
    pub http_status: u16,
    /// `success` or `error`.
    #[serde(default)]
    pub status: String,
    /// The entries (a list for tables, an object for singletons and monitor endpoints).
    #[serde(default)]
    pub results: Value,
    /// How many entries the table holds (CMDB `GET`, FortiOS 6.4 and later).
    #[serde(default)]
    pub size: Option<u64>,
    /// How many entries matched the request's filter (CMDB `GET`, FortiOS 6.4 and later).
    #[serde(default)]
    pub matched_count: Option<u64>,
    /// Where the next page starts (paged CMDB `GET`).
    #[serde(default)]
    pub next_idx: Option<i64>,
    /// The monitor action (`select`, `neighbors`...), on monitor replies.
    #[serde(default)]
    pub action: Option<String>,
    /// The VDOM.
    #[serde(default)]
    pub vdom: Option<String>,
    /// The table's path (`firewall`).
    #[serde(default)]
    pub path: Option<String>,
    /// The table's name (`address`).
    #[serde(default)]
    pub name: Option<String>,
    /// The key of the entry created or changed.
    #[serde(default)]
    pub mkey: Option<Value>,
    /// The configuration revision.
    #[serde(default)]
    pub revision: Option<String>,
    /// Whether the mutation changed the configuration revision.
    #[serde(default)]
    pub revision_changed: Option<bool>,
    /// The revision before the mutation.
    #[serde(default)]
    pub old_revision: Option<String>,
    /// The unit's serial number.
    #[serde(default)]
    pub serial: Option<String>,
    /// FortiOS version (`v7.2.8`).
    #[serde(default)]
    pub version: Option<String>,
    /// FortiOS build.
    #[serde(default)]
    pub build: Option<u64>,
    /// FortiOS' internal error code on refusals.
    #[serde(default)]
    pub error: Option<i64>,
    /// CLI error text on refusals.
    #[serde(default)]
    pub cli_error: Option<String>,
}

/// Parses a FortiOS REST reply body: one envelope (a JSON object), or one per VDOM (a JSON array
/// of envelopes, the answer to `vdom=*` or `vdom=a,b`). Says why when the body is not that: not
/// JSON, not an envelope (no `status`, `http_status` or `http_method`), or a field of the wrong
/// type.
pub fn parse_envelopes(body: &[u8]) -> std::result::Result<Vec<RestReply>, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("a body that is not JSON ({e})"))?;
    let (items, multi) = match v {
        Value::Array(a) if !a.is_empty() => (a, true),
        Value::Array(_) => return Err("an empty JSON list instead of a FortiOS envelope".into()),
        other => (vec![other], false),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let at = if multi {
                format!("envelope {i}: ")
            } else {
                String::new()
            };
            let Some(obj) = item.as_object() else {
                return Err(format!("{at}JSON that is not a FortiOS envelope object"));
            };
            if !["status", "http_status", "http_method"]
                .iter()
                .any(|k| obj.contains_key(*k))
            {
                return Err(format!(
                    "{at}a JSON object that is not a FortiOS envelope (no `status`, `http_status` or `http_method`)"
                ));
            }
            serde_json::from_value(item).map_err(|e| format!("{at}a FortiOS envelope field of an unexpected type ({e})"))
        })
        .collect()
}

impl RestReply {
    /// Whether this envelope reports success: `status` is not `error` and `http_status` (when
    /// given) is below 300.
    pub fn succeeded(&self) -> bool {
        self.status != "error" && (self.http_status == 0 || self.http_status < 300)
    }

    /// The key of the entry created or changed as text: FortiOS sends `mkey` as a string for
    /// named tables (`"web-servers"`) and as a number for numbered ones (policy `7`).
    pub fn mkey_text(&self) -> Option<String> {
        match self.mkey.as_ref()? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

/// Where [`FortiRest::move_entry`] puts an entry (relative to another entry's key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// Just before this entry.
    Before(String),
    /// Just after this entry.
    After(String),
}

/// What [`FortiRest::push`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Entries updated in place (`PUT`), as `path/mkey`.
    pub updated: Vec<String>,
    /// Entries created (`POST`), as `path/mkey`.
    pub created: Vec<String>,
    /// Policy moves made to restore the desired order (`moved`, `before|after`, `reference`).
    pub moves: Vec<(String, Position)>,
}

/// A FortiGate's REST API.
#[derive(Debug, Clone)]
pub struct FortiRest {
    target: String,
    base: Url,
    token: Secret,
    vdom: Option<String>,
    http: reqwest::Client,
    timeout: Duration,
}

impl FortiRest {
    /// A client for `base_url` (`https://10.0.0.1` or `https://fgt:8443`) with TLS verification
    /// on and a 30 s timeout per request; `target` names the device in errors. A base URL that is
    /// not a URL is an `InvalidInput` error naming it; nothing is sent until the first call.
    ///
    /// ```no_run
    /// # async fn demo(want: hermes_netdev::fortios::FortiConfig) -> hermes_core::Result<()> {
    /// use hermes_core::Secret;
    /// use hermes_netdev::fortirest::FortiRest;
    /// let fgt = FortiRest::new("fgt-1", "https://10.0.0.1", Secret::from_env("FGT_API_TOKEN")?)?
    ///     .vdom("root");
    /// let policies = fgt.table("firewall/policy").await?; // GET /api/v2/cmdb/firewall/policy
    /// println!("{} policies", policies.len());
    /// let report = fgt.push(&want).await?; // the desired configuration's REST bodies, then policy order
    /// println!("{} created, {} updated", report.created.len(), report.updated.len());
    /// # Ok(()) }
    /// ```
    pub fn new(target: &str, base_url: &str, token: Secret) -> Result<Self> {
        Self::build(target, base_url, token, false)
    }

    /// Like [`FortiRest::new`] but accepting any certificate (explicit opt-out, for labs).
    pub fn insecure(target: &str, base_url: &str, token: Secret) -> Result<Self> {
        Self::build(target, base_url, token, true)
    }

    fn build(target: &str, base_url: &str, token: Secret, insecure: bool) -> Result<Self> {
        let timeout = Duration::from_secs(30);
        let base = Url::parse(base_url).map_err(|e| NetError::Invalid {
            target: target.into(),
            problems: vec![format!(
                "FortiOS REST base URL {base_url:?} is not a URL ({e}): use https://host[:port]"
            )],
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(NetError::Invalid {
                target: target.into(),
                problems: vec![format!(
                    "FortiOS REST base URL {base_url:?} must be http(s)://host[:port]"
                )],
            });
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .danger_accept_invalid_certs(insecure)
            .build()
            .map_err(|e| NetError::Transport {
                target: target.into(),
                detail: e.to_string(),
                sent: Sent::No,
            })?;
        Ok(FortiRest {
            target: target.into(),
            base,
            token,
            vdom: None,
            http,
            timeout,
        })
    }

    /// Sends every request to this VDOM (`?vdom=`); without it the token's default VDOM is used.
    /// `"*"` (every VDOM) or `"root,dmz"` asks several VDOMs at once: read those replies with
    /// [`FortiRest::get_per_vdom`] / [`FortiRest::monitor_per_vdom`].
    pub fn vdom(mut self, vdom: &str) -> Self {
        self.vdom = Some(vdom.to_string());
        self
    }

    /// The device name used in errors.
    pub fn target(&self) -> &str {
        &self.target
    }

    fn url(&self, api: &str, path: &str, mkey: Option<&str>, query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        {
            let mut seg = url
                .path_segments_mut()
                .expect("checked in build: the base URL can be a base");
            seg.pop_if_empty().extend(["api", "v2", api]);
            for part in path.trim_matches('/').split('/') {
                seg.push(part);
            }
            if let Some(k) = mkey {
                seg.push(k);
            }
        }
        {
            let mut q = url.query_pairs_mut();
            if let Some(v) = &self.vdom {
                q.append_pair("vdom", v);
            }
            for (k, v) in query {
                q.append_pair(k, v);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        url
    }

    /// Sends one request and returns every envelope of the reply: one, or one per VDOM when the
    /// request names several (`vdom=*`, `vdom=root,dmz`: FortiOS then answers a JSON array).
    async fn call_all(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<Vec<RestReply>> {
        let path = url.path().to_string();
        let mut req = self
            .http
            .request(method.clone(), url)
            .bearer_auth(self.token.expose())
            .header("accept", "application/json");
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| {
            if e.is_timeout() {
                NetError::Timeout {
                    target: self.target.clone(),
                    command: format!("{method} {path}"),
                    timeout: self.timeout,
                }
            } else {
                NetError::Transport {
                    target: self.target.clone(),
                    detail: format!("{method} {path}: {e}"),
                    sent: if e.is_connect() || method == Method::GET {
                        Sent::No
                    } else {
                        Sent::Maybe
                    },
                }
            }
        })?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| NetError::Transport {
            target: self.target.clone(),
            detail: format!("{method} {path}: reading the reply: {e}"),
            sent: Sent::Maybe,
        })?;
        let refused = |reply: Option<&RestReply>| NetError::FortiOs {
            target: self.target.clone(),
            method: method.to_string(),
            path: path.clone(),
            http_status: reply
                .map(|r| r.http_status)
                .filter(|s| *s >= 100)
                .unwrap_or(status.as_u16()),
            error: reply.and_then(|r| r.error),
            cli_error: reply
                .and_then(|r| r.cli_error.clone())
                .filter(|c| !c.is_empty()),
        };
        let replies = match parse_envelopes(&bytes) {
            Ok(r) => r,
            // A refusal whose body is not a FortiOS envelope (an empty 401, an HTML 403 page,
            // a proxy's 502) is still the refusal the status line reports.
            Err(_) if !status.is_success() => return Err(refused(None)),
            Err(why) => {
                return Err(NetError::Malformed {
                    target: self.target.clone(),
                    detail: format!(
                        "{method} {path}: HTTP {} with {why}: {:?}",
                        status.as_u16(),
                        String::from_utf8_lossy(&bytes)
                            .chars()
                            .take(200)
                            .collect::<String>()
                    ),
                })
            }
        };
        if let Some(bad) = replies.iter().find(|r| !r.succeeded()) {
            let mut e = refused(Some(bad));
            if let (NetError::FortiOs { path, .. }, true, Some(v)) =
                (&mut e, replies.len() > 1, bad.vdom.as_deref())
            {
                path.push_str(&format!("?vdom={v}"));
            }
            return Err(e);
        }
        if !status.is_success() {
            return Err(refused(replies.first()));
        }
        Ok(replies)
    }

    /// Like [`FortiRest::call_all`], for requests answered with exactly one envelope.
    async fn call(&self, method: Method, url: Url, body: Option<&Value>) -> Result<RestReply> {
        let path = url.path().to_string();
        let m = method.to_string();
        let mut replies = self.call_all(method, url, body).await?;
        if replies.len() == 1 {
            return Ok(replies.swap_remove(0));
        }
        let vdoms: Vec<&str> = replies
            .iter()
            .map(|r| r.vdom.as_deref().unwrap_or("?"))
            .collect();
        Err(NetError::Malformed {
            target: self.target.clone(),
            detail: format!(
                "{m} {path}: the reply holds {} envelopes (VDOMs {vdoms:?}), not one: use \
                 get_per_vdom / monitor_per_vdom for multi-VDOM requests",
                replies.len()
            ),
        })
    }

    /// The `results` of a reply that must carry them (table and entry reads).
    fn results_of(&self, api: &str, path: &str, r: RestReply) -> Result<Value> {
        match r.results {
            Value::Null => Err(NetError::Malformed {
                target: self.target.clone(),
                detail: format!(
                    "GET /api/v2/{api}/{}: the reply has no `results`",
                    path.trim_matches('/')
                ),
            }),
            v => Ok(v),
        }
    }

    /// `GET /api/v2/cmdb/<path>`: the whole reply (entries in `results`).
    pub async fn get(&self, path: &str) -> Result<RestReply> {
        self.call(Method::GET, self.url("cmdb", path, None, &[]), None)
            .await
    }

    /// The entries of a CMDB table (`firewall/address`, `firewall/policy`, `system/interface`,
    /// `router/static`, `vpn.ipsec/phase1-interface`...), as JSON objects.
    ///
    /// A singleton table (`system/global`, `system/ha`) answers one object: it is the one entry.
    /// A reply without `results`, or with results that are neither a list nor an object, is a
    /// [`NetError::Malformed`] naming the table.
    pub async fn table(&self, path: &str) -> Result<Vec<Value>> {
        let r = self.get(path).await?;
        match self.results_of("cmdb", path, r)? {
            Value::Array(v) => Ok(v),
            obj @ Value::Object(_) => Ok(vec![obj]),
            other => Err(NetError::Malformed {
                target: self.target.clone(),
                detail: format!(
                    "GET /api/v2/cmdb/{}: `results` is {other}, not a list of entries",
                    path.trim_matches('/')
                ),
            }),
        }
    }

    /// The entries of a CMDB table deserialised into `T` (unknown fields are ignored by serde
    /// unless `T` forbids them); a missing field names the table.
    pub async fn table_as<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>> {
        self.table(path)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value(v).map_err(|e| NetError::Malformed {
                    target: self.target.clone(),
                    detail: format!(
                        "entry {i} of GET /api/v2/cmdb/{}: {e}",
                        path.trim_matches('/')
                    ),
                })
            })
            .collect()
    }

    /// One entry by key, or `None` when FortiOS reports it absent (HTTP 404 or error -3, or an
    /// empty `results` list). Several entries for one key, or a reply without `results`, are a
    /// [`NetError::Malformed`] naming the table and key.
    pub async fn entry(&self, path: &str, mkey: &str) -> Result<Option<Value>> {
        let r = match self
            .call(Method::GET, self.url("cmdb", path, Some(mkey), &[]), None)
            .await
        {
            Ok(r) => r,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let keyed = format!("{}/{mkey}", path.trim_matches('/'));
        match self.results_of("cmdb", &keyed, r)? {
            Value::Array(mut v) if v.len() <= 1 => Ok(v.pop()),
            obj @ Value::Object(_) => Ok(Some(obj)),
            other => Err(NetError::Malformed {
                target: self.target.clone(),
                detail: format!(
                    "GET /api/v2/cmdb/{keyed}: expected at most one entry, got {}",
                    match &other {
                        Value::Array(v) => format!("{} entries", v.len()),
                        v => format!("`results` {v}"),
                    }
                ),
            }),
        }
    }

    /// `POST /api/v2/cmdb/<path>`: creates an entry.
    pub async fn create(&self, path: &str, body: &Value) -> Result<RestReply> {
        self.call(Method::POST, self.url("cmdb", path, None, &[]), Some(body))
            .await
    }

    /// `PUT /api/v2/cmdb/<path>/<mkey>`: updates an entry (the keys given).
    pub async fn update(&self, path: &str, mkey: &str, body: &Value) -> Result<RestReply> {
        self.call(
            Method::PUT,
            self.url("cmdb", path, Some(mkey), &[]),
            Some(body),
        )
        .await
    }

    /// `PUT /api/v2/cmdb/<path>`: sets a singleton table (`system/global`, `system/ha`).
    pub async fn set(&self, path: &str, body: &Value) -> Result<RestReply> {
        self.call(Method::PUT, self.url("cmdb", path, None, &[]), Some(body))
            .await
    }

    /// `DELETE /api/v2/cmdb/<path>/<mkey>`.
    pub async fn delete(&self, path: &str, mkey: &str) -> Result<RestReply> {
        self.call(
            Method::DELETE,
            self.url("cmdb", path, Some(mkey), &[]),
            None,
        )
        .await
    }

    /// Moves an entry of an ordered table (firewall policies):
    /// `PUT <path>/<mkey>?action=move&before=<ref>` (or `after`).
    pub async fn move_entry(&self, path: &str, mkey: &str, to: Position) -> Result<RestReply> {
        let (rel, reference) = match &to {
            Position::Before(r) => ("before", r.as_str()),
            Position::After(r) => ("after", r.as_str()),
        };
        self.call(
            Method::PUT,
            self.url(
                "cmdb",
                path,
                Some(mkey),
                &[("action", "move"), (rel, reference)],
            ),
            None,
        )
        .await
    }

    /// `GET /api/v2/monitor/<path>` (`system/status`, `router/ipv4`...): the `results` (an
    /// object or a list, as the endpoint answers). A reply without `results` is a
    /// [`NetError::Malformed`] naming the endpoint.
    pub async fn monitor(&self, path: &str) -> Result<Value> {
        let r = self
            .call(Method::GET, self.url("monitor", path, None, &[]), None)
            .await?;
        self.results_of("monitor", path, r)
    }

    /// `GET /api/v2/cmdb/<path>` for a multi-VDOM client ([`FortiRest::vdom`] `"*"` or
    /// `"root,dmz"`): one envelope per VDOM, in FortiOS' order (each with its `vdom` and
    /// `results`). With a single VDOM, the one envelope. A VDOM's refusal is the error.
    pub async fn get_per_vdom(&self, path: &str) -> Result<Vec<RestReply>> {
        self.call_all(Method::GET, self.url("cmdb", path, None, &[]), None)
            .await
    }

    /// `GET /api/v2/monitor/<path>` for a multi-VDOM client: one envelope per VDOM, like
    /// [`FortiRest::get_per_vdom`].
    pub async fn monitor_per_vdom(&self, path: &str) -> Result<Vec<RestReply>> {
        self.call_all(Method::GET, self.url("monitor", path, None, &[]), None)
            .await
    }

    /// The full configuration file as the CLI shows it (`show full-configuration` form), from
    /// `GET /api/v2/monitor/system/config/backup?scope=global` (FortiOS 6.0–7.4; the reply is the
    /// file itself, not JSON). Used by [`crate::backup::ConfigBackups`].
    pub async fn config_backup(&self) -> Result<String> {
        let url = self.url(
            "monitor",
            "system/config/backup",
            None,
            &[("scope", "global")],
        );
        let path = url.path().to_string();
        let resp = self
            .http
            .get(url)
            .bearer_auth(self.token.expose())
            .send()
            .await
            .map_err(|e| NetError::Transport {
                target: self.target.clone(),
                detail: format!("GET {path}: {e}"),
                sent: Sent::No,
            })?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| NetError::Transport {
            target: self.target.clone(),
            detail: format!("GET {path}: reading the reply: {e}"),
            sent: Sent::Maybe,
        })?;
        if !status.is_success() {
            let reply: Option<RestReply> = serde_json::from_slice(&bytes).ok();
            return Err(NetError::FortiOs {
                target: self.target.clone(),
                method: "GET".into(),
                path,
                http_status: status.as_u16(),
                error: reply.as_ref().and_then(|r| r.error),
                cli_error: reply.and_then(|r| r.cli_error),
            });
        }
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| NetError::Malformed {
            target: self.target.clone(),
            detail: format!("GET {path}: the configuration is not UTF-8 text"),
        })?;
        if !text.lines().any(|l| l.trim_start().starts_with("config ")) {
            return Err(NetError::Malformed {
                target: self.target.clone(),
                detail: format!(
                    "GET {path}: the reply is not a FortiOS configuration (no `config` block): {:?}",
                    text.chars().take(120).collect::<String>()
                ),
            });
        }
        Ok(text)
    }

    /// Creates or updates an entry: `PUT` first, `POST` when FortiOS says it does not exist.
    /// Returns whether it was created.
    pub async fn upsert(&self, path: &str, mkey: &str, body: &Value) -> Result<bool> {
        if mkey.is_empty() {
            self.set(path, body).await?;
            return Ok(false);
        }
        match self.update(path, mkey, body).await {
            Ok(_) => Ok(false),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                self.create(path, body).await?;
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }

    /// Brings the keys of `order` into that relative order in an ordered table (first match wins
    /// for policies), with as few moves as this greedy pass finds: each key not directly after
    /// its predecessor is moved after it. Keys not in the table are an error naming them.
    pub async fn reorder(
        &self,
        path: &str,
        key: &str,
        order: &[String],
    ) -> Result<Vec<(String, Position)>> {
        let mut live = Vec::new();
        for (i, e) in self.table(path).await?.iter().enumerate() {
            live.push(match &e[key] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => {
                    return Err(NetError::Malformed {
                        target: self.target.clone(),
                        detail: format!(
                            "GET /api/v2/cmdb/{}: entry {i} has no `{key}` key to order by",
                            path.trim_matches('/')
                        ),
                    })
                }
            });
        }
        let missing: Vec<&String> = order.iter().filter(|k| !live.contains(k)).collect();
        if !missing.is_empty() {
            return Err(NetError::Invalid {
                target: self.target.clone(),
                problems: vec![format!(
                    "cannot order /api/v2/cmdb/{path}: {key} {missing:?} not on the device (push them first)"
                )],
            });
        }
        let mut moves = Vec::new();
        for w in order.windows(2) {
            let (prev, cur) = (&w[0], &w[1]);
            let pi = live.iter().position(|k| k == prev).unwrap_or_default();
            let ci = live.iter().position(|k| k == cur).unwrap_or_default();
            // Only the relative order of the managed keys matters: cur must come after prev and
            // before any other managed key that follows prev in `order`.
            let in_order = ci > pi && live[pi + 1..ci].iter().all(|k| !order.contains(k));
            if !in_order {
                let to = Position::After(prev.clone());
                self.move_entry(path, cur, to.clone()).await?;
                let k = live.remove(ci);
                let pi = live.iter().position(|k| k == prev).unwrap_or_default();
                live.insert(pi + 1, k);
                moves.push((cur.clone(), to));
            }
        }
        Ok(moves)
    }

    /// Pushes every modelled entry of `cfg` (the bodies of [`FortiConfig::rest_bodies`], in
    /// dependency order: interfaces, addresses, groups, services, VPN, policies, routes), creating
    /// what is missing, then restores the policy order. Nothing is deleted.
    ///
    /// ```no_run
    /// # async fn demo(fgt: hermes_netdev::fortirest::FortiRest) -> hermes_netdev::Result<()> {
    /// let report = fgt.push(&hermes_netdev::baseline::firewall()).await?;
    /// println!("{} created, {} updated, {} moves", report.created.len(), report.updated.len(), report.moves.len());
    /// # Ok(()) }
    /// ```
    ///
    /// A multi-VDOM configuration ([`FortiConfig::vdoms`]) is pushed scope by scope
    /// ([`FortiConfig::rest_bodies_per_vdom`]): the global part as this client sends, then each
    /// VDOM's entries with `?vdom=NAME` (and its own policy order), reported as
    /// `vdom NAME: path/mkey`.
    pub async fn push(&self, cfg: &FortiConfig) -> Result<PushReport> {
        let mut report = PushReport::default();
        for (vdom, bodies) in cfg.rest_bodies_per_vdom() {
            let (client, prefix) = match &vdom {
                Some(v) => (self.clone().vdom(v), format!("vdom {v}: ")),
                None => (self.clone(), String::new()),
            };
            let mut policy_order = Vec::new();
            for (path, mkey, body) in bodies {
                let table = path.trim_start_matches("/api/v2/cmdb/").to_string();
                if table == "firewall/policy" {
                    policy_order.push(mkey.clone());
                }
                let created = client.upsert(&table, &mkey, &body).await?;
                let name = format!("{prefix}{table}/{mkey}");
                if created {
                    report.created.push(name);
                } else {
                    report.updated.push(name);
                }
            }
            if policy_order.len() > 1 {
                report.moves.extend(
                    client
                        .reorder("firewall/policy", "policyid", &policy_order)
                        .await?
                        .into_iter()
                        .map(|(m, p)| (format!("{prefix}{m}"), p)),
                );
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_keys_and_carry_the_vdom() {
        let c = FortiRest::new("fgt", "https://10.0.0.1:8443/", Secret::new("t"))
            .unwrap()
            .vdom("root");
        assert_eq!(
            c.url("cmdb", "firewall/address", Some("net 10.0.0.0/24"), &[])
                .as_str(),
            "https://10.0.0.1:8443/api/v2/cmdb/firewall/address/net%2010.0.0.0%2F24?vdom=root"
        );
        assert_eq!(
            c.url(
                "cmdb",
                "firewall/policy",
                Some("7"),
                &[("action", "move"), ("before", "2")]
            )
            .as_str(),
            "https://10.0.0.1:8443/api/v2/cmdb/firewall/policy/7?vdom=root&action=move&before=2"
        );
        let c = FortiRest::new("fgt", "https://fgt", Secret::new("t")).unwrap();
        assert_eq!(
            c.url("monitor", "system/status", None, &[]).as_str(),
            "https://fgt/api/v2/monitor/system/status"
        );
    }

    #[test]
    fn bad_base_urls_are_refused_before_sending() {
        let e = FortiRest::new("fgt", "10.0.0.1", Secret::new("t")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("https://host"), "{e}");
    }

    #[test]
    fn the_token_never_shows() {
        let c = FortiRest::new("fgt", "https://fgt", Secret::new("s3cr3t-token")).unwrap();
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn envelopes_parse_one_or_per_vdom_and_say_why_not() {
        // A policy POST answers a numeric mkey (hand-made, FortiOS 7.x shape).
        let one = parse_envelopes(
            br#"{"http_method":"POST","revision_changed":true,"mkey":7,"status":"success","http_status":200,"vdom":"root"}"#,
        )
        .unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].mkey_text().as_deref(), Some("7"));
        assert!(one[0].succeeded());
        let per_vdom = parse_envelopes(
            br#"[{"http_method":"GET","results":[],"vdom":"root","status":"success"},
                 {"http_method":"GET","vdom":"dmz","status":"error","http_status":404}]"#,
        )
        .unwrap();
        assert_eq!(per_vdom.len(), 2);
        assert!(per_vdom[0].succeeded() && !per_vdom[1].succeeded());
        for (body, why) in [
            (&b"[]"[..], "empty JSON list"),
            (&b"42"[..], "not a FortiOS envelope"),
            (&b"{\"results\":[]}"[..], "no `status`"),
            (&b"[{\"status\":\"success\"},7]"[..], "envelope 1"),
            (
                &b"{\"status\":\"success\",\"build\":\"x\"}"[..],
                "unexpected type",
            ),
        ] {
            let e = parse_envelopes(body).unwrap_err();
            assert!(e.contains(why), "{why}: {e}");
        }
    }

    #[test]
    fn error_codes_are_classified() {
        let e = |s: u16, c: Option<i64>| NetError::FortiOs {
            target: "fgt".into(),
            method: "POST".into(),
            path: "/api/v2/cmdb/firewall/address".into(),
            http_status: s,
            error: c,
            cli_error: None,
        };
        assert_eq!(e(500, Some(-5)).kind(), ErrorKind::Conflict);
        assert_eq!(e(404, Some(-3)).kind(), ErrorKind::NotFound);
        assert_eq!(e(401, None).kind(), ErrorKind::Auth);
        assert_eq!(e(424, Some(-651)).kind(), ErrorKind::InvalidInput);
        assert_eq!(e(500, None).kind(), ErrorKind::Internal);
        let msg = e(500, Some(-5)).to_string();
        assert!(msg.contains("a duplicate entry already exists"), "{msg}");
        assert!(msg.contains("update it with PUT"), "{msg}");
    }
}
