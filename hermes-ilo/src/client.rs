//! The Redfish client: one cheap-to-clone [`Client`] per BMC, built with [`Client::builder`].
//!
//! It discovers everything from the service root and follows `@odata.id` links (no vendor path is
//! hard-coded), pages collections (`Members@odata.nextLink`), authenticates with HTTP basic auth or a
//! Redfish session (`X-Auth-Token`, logged out by [`Client::logout`]), sends `If-Match` on PATCH, follows
//! task monitors (202 + `Location`) to completion, verifies TLS by default (hermes-core's shared
//! [`hermes_core::http`] set-up: extra CA certificates, a pinned SHA-256 certificate fingerprint for a
//! self-signed iLO, or an explicit [`ClientBuilder::danger_accept_invalid_certs`]), puts a timeout on
//! every request and retries only what is safe to retry (see [`crate::error`]).
//!
//! Every request runs in a `redfish` tracing span (`bmc`, `method`, `path`, then `status` and
//! `elapsed_ms`); credentials and session tokens are never recorded.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hermes_ilo::IloError> {
//! use hermes_ilo::Client;
//! let bmc = Client::builder("https://ilo-dl380-01.example")
//!     .ca_pem_file("/etc/hermes/ilo-ca.pem")?
//!     .session_auth("Administrator", "secret")
//!     .build()?;
//! for system in bmc.systems().await? {
//!     let s = system.get().await?;
//!     println!("{} {:?} {:?}", s.id, s.model, s.power_state);
//! }
//! bmc.logout().await?;
//! # Ok(()) }
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::stream::{self, StreamExt, TryStreamExt};
use hermes_core::http::{describe_error, tls_failure, HttpClientBuilder, TlsPolicy};
use hermes_core::{ErrorKind, Idempotency, RetryPolicy, Secret, Sent};
use http::{header, HeaderMap};
use serde::de::DeserializeOwned;
use tokio::sync::{Mutex, OnceCell};
use tracing::Instrument as _;
use url::Url;

use crate::error::{IloError, RedfishError, Result};
use crate::models::{self, Collection, ServiceRoot, Task};
use crate::request::{AuthHeader, RedfishRequest};

/// The sessions collection DSP0266 fixes, for a service root that does not link it.
const FIXED_SESSIONS: &str = "/redfish/v1/SessionService/Sessions";

/// How the client authenticates.
#[derive(Clone, Default)]
enum AuthConfig {
    #[default]
    None,
    Basic {
        user: String,
        password: Secret,
    },
    Session {
        user: String,
        password: Secret,
    },
}

/// Settings for a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    base: String,
    name: Option<String>,
    auth: AuthConfig,
    tls: TlsPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    pool_size: usize,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base", &self.base)
            .field("tls", &self.tls.describe())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Names the BMC in errors and logs (default: the base URL).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// HTTP basic authentication on every request.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth = AuthConfig::Basic {
            user: user.into(),
            password: password.into(),
        };
        self
    }
    /// A Redfish session: log in on first use (`POST` to the sessions collection), send
    /// `X-Auth-Token`, log in again once if the token expires, and [`Client::logout`] when done.
    pub fn session_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth = AuthConfig::Session {
            user: user.into(),
            password: password.into(),
        };
        self
    }
    /// Trusts the CA certificate(s) in this PEM (a BMC's self-signed certificate, a private CA), in
    /// addition to the webpki roots; several calls add up. Checked by [`ClientBuilder::build`].
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        let mut pem = pem.into();
        if let TlsPolicy::CustomCa { pem: have, .. } = &self.tls {
            let mut all = have.clone();
            all.push(b'\n');
            all.append(&mut pem);
            pem = all;
        }
        self.tls = TlsPolicy::CustomCa {
            pem,
            keep_webpki_roots: true,
        };
        self
    }
    /// Accepts only the BMC certificate whose SHA-256 fingerprint is `fingerprint` (colon-separated or
    /// plain hex, as `openssl x509 -noout -fingerprint -sha256` or the iLO web page shows it). This is
    /// the way to trust an iLO's factory self-signed certificate without turning verification off; a
    /// different certificate fails with both fingerprints and the command that reads the right one.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), hermes_ilo::IloError> {
    /// let bmc = hermes_ilo::Client::builder("https://10.0.0.21")
    ///     .pin_sha256("3A:7F:1C:00:5E:8B:21:9D:4C:6A:0F:E2:71:B8:93:5D:AA:10:C4:7E:62:19:F0:3B:88:D5:2E:4F:9A:61:07:BC")?
    ///     .basic_auth("Administrator", "secret")
    ///     .build()?;
    /// # let _ = bmc; Ok(()) }
    /// ```
    pub fn pin_sha256(mut self, fingerprint: &str) -> Result<Self> {
        self.tls = TlsPolicy::pin_sha256(fingerprint)
            .map_err(|e| IloError::invalid(&self.base, format!("{e}")))?;
        Ok(self)
    }
    /// Pins the SHA-256 fingerprint of the (first) certificate in this PEM file: the BMC's own
    /// certificate, saved once (e.g. from the iLO web page or `openssl s_client`).
    pub fn pin_certificate_file(mut self, path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|e| {
            IloError::local(
                path.display().to_string(),
                ErrorKind::InvalidInput,
                format!("cannot read the certificate to pin: {e}"),
            )
        })?;
        let fp = hermes_core::http::Fingerprint::of_pem(
            hermes_core::http::FingerprintAlgorithm::Sha256,
            &pem,
        )
        .map_err(|e| IloError::invalid(path.display().to_string(), e.to_string()))?
        .remove(0);
        self.tls = TlsPolicy::Pinned(fp);
        Ok(self)
    }
    /// Sets the whole TLS policy (see [`hermes_core::http::TlsPolicy`]); replaces earlier TLS calls.
    pub fn tls(mut self, policy: TlsPolicy) -> Self {
        self.tls = policy;
        self
    }
    /// Trusts the CA certificate(s) in this PEM file.
    pub fn ca_pem_file(self, path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|e| {
            IloError::local(
                path.display().to_string(),
                ErrorKind::InvalidInput,
                format!("cannot read the CA certificate: {e}"),
            )
        })?;
        Ok(self.ca_pem(pem))
    }
    /// Turns TLS certificate verification OFF. Only for lab BMCs whose certificate cannot be trusted
    /// any other way; prefer [`ClientBuilder::ca_pem`].
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        self.tls = TlsPolicy::Insecure;
        self
    }
    /// How the BMC's certificate will be verified, for logs (`webpki roots`, `pinned SHA-256 AB:…`).
    pub fn tls_description(&self) -> String {
        self.tls.describe()
    }
    /// The timeout of each request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// The retry policy for requests that are safe to retry (default: hermes-core's default).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// Idle connections kept per host (default 16).
    pub fn pool_size(mut self, n: usize) -> Self {
        self.pool_size = n;
        self
    }

    /// Builds the client (no request is sent yet).
    pub fn build(self) -> Result<Client> {
        let mut base = Url::parse(&self.base).map_err(|e| {
            IloError::invalid(
                &self.base,
                format!("not a URL ({e}); give the BMC as https://HOST[:PORT]"),
            )
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(IloError::invalid(
                &self.base,
                "the BMC URL must start with https:// (or http:// for a lab emulator)",
            ));
        }
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        // A base given as the service root itself (`https://bmc/redfish/v1/`): links are absolute
        // paths and the root is found at `redfish/v1/` below the base, so keep only what precedes it.
        if let Some(prefix) = base.path().strip_suffix("redfish/v1/").map(str::to_string) {
            base.set_path(&prefix);
        }
        base.set_query(None);
        base.set_fragment(None);
        let target = self
            .name
            .clone()
            .unwrap_or_else(|| base.as_str().trim_end_matches('/').to_string());
        if self.tls == TlsPolicy::Insecure {
            tracing::warn!(bmc = %target, "TLS certificate verification is OFF");
        }
        let http = HttpClientBuilder::new(concat!("hermes-ilo/", env!("CARGO_PKG_VERSION")))
            .tls(self.tls.clone())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .pool_max_idle_per_host(self.pool_size)
            .max_redirects(5)
            .build()
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidInput => IloError::invalid(&target, e.to_string()),
                kind => IloError::local(&target, kind, e.to_string()),
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                target,
                auth: self.auth,
                session: Mutex::new(None),
                retry: self.retry,
                root: OnceCell::new(),
            }),
        })
    }
}

#[derive(Clone)]
struct SessionState {
    token: Secret,
    location: Option<String>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    target: String,
    auth: AuthConfig,
    session: Mutex<Option<SessionState>>,
    retry: RetryPolicy,
    root: OnceCell<ServiceRoot>,
}

/// A reply: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Response {
    /// The `ETag` header.
    pub fn etag(&self) -> Option<String> {
        self.header(header::ETAG.as_str())
    }
    /// The `Location` header.
    pub fn location(&self) -> Option<String> {
        self.header(header::LOCATION.as_str())
    }
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// A Redfish client for one BMC. Cheap to clone (an `Arc`), so fan-outs move clones into tasks.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("bmc", &self.inner.target)
            .finish_non_exhaustive()
    }
}

/// Whether a collection member is a bare link (only `@odata.*` annotations) rather than an expanded
/// resource.
fn is_link_only(v: &serde_json::Value) -> bool {
    v.as_object()
        .map(|o| o.keys().all(|k| k.starts_with("@odata.")))
        .unwrap_or(false)
}

/// Parses `Retry-After` (seconds; an HTTP date is treated as a short pause).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    match v.trim().parse::<u64>() {
        Ok(s) => Some(Duration::from_secs(s.min(3600))),
        Err(_) => Some(Duration::from_secs(1)),
    }
}

impl Client {
    /// Settings for a client of the BMC at `base` (`https://ilo-01.example`, `http://127.0.0.1:8000`).
    pub fn builder(base: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base: base.into(),
            name: None,
            auth: AuthConfig::None,
            tls: TlsPolicy::default(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            pool_size: 16,
        }
    }

    /// The BMC's name in errors and logs.
    pub fn target(&self) -> &str {
        &self.inner.target
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// Sends a request (retrying it if the error allows and the request is idempotent) and returns
    /// the reply; an HTTP error status is an [`IloError::Status`].
    pub async fn send(&self, req: &RedfishRequest) -> Result<Response> {
        self.inner
            .retry
            .run(req.idempotency, || self.send_once(req))
            .await
    }

    async fn send_once(&self, req: &RedfishRequest) -> Result<Response> {
        let auth = self.auth_header().await?;
        let resp = self.execute(req, &auth).await?;
        if resp.status == 401 && matches!(self.inner.auth, AuthConfig::Session { .. }) {
            // The session expired (or was deleted): log in again once and resend. The 401 proves
            // the first request was refused, so resending is safe even for an action.
            tracing::debug!(bmc = %self.inner.target, "session token refused; logging in again");
            *self.inner.session.lock().await = None;
            let auth = self.auth_header().await?;
            let resp = self.execute(req, &auth).await?;
            return self.check(req, resp);
        }
        self.check(req, resp)
    }

    fn check(&self, req: &RedfishRequest, resp: Response) -> Result<Response> {
        if resp.status < 400 {
            return Ok(resp);
        }
        Err(IloError::Status {
            target: self.inner.target.clone(),
            method: req.method.to_string(),
            path: req.path.clone(),
            status: resp.status,
            redfish: RedfishError::parse(&resp.body).map(Box::new),
            retry_after: retry_after(&resp.headers),
        })
    }

    /// Sends exactly once with the given auth; no status check. Runs in a `redfish` span recording the
    /// method, path, status and elapsed time (never headers, bodies or tokens).
    async fn execute(&self, req: &RedfishRequest, auth: &AuthHeader) -> Result<Response> {
        let span = tracing::debug_span!(
            "redfish",
            bmc = %self.inner.target,
            method = %req.method,
            path = %req.path,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let res = self.execute_inner(req, auth).instrument(span.clone()).await;
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        match &res {
            Ok(r) => {
                span.record("status", r.status);
                span.in_scope(|| tracing::debug!("redfish request"));
            }
            Err(e) => span.in_scope(|| tracing::debug!(error = %e, "redfish request failed")),
        }
        res
    }

    async fn execute_inner(&self, req: &RedfishRequest, auth: &AuthHeader) -> Result<Response> {
        let http_req = req.to_http(&self.inner.base, auth)?;
        let reqwest_req = reqwest::Request::try_from(http_req).map_err(|e| {
            IloError::invalid(&self.inner.target, format!("cannot build request: {e}"))
        })?;
        let transport = |e: reqwest::Error| {
            if tls_failure(&e).is_some() {
                return IloError::Tls {
                    target: self.inner.target.clone(),
                    message: describe_error(&e),
                };
            }
            let sent = if e.is_connect() {
                Sent::No
            } else {
                Sent::Maybe
            };
            IloError::Transport {
                target: self.inner.target.clone(),
                method: req.method.to_string(),
                path: req.path.clone(),
                message: describe_error(&e),
                sent,
                timed_out: e.is_timeout(),
            }
        };
        let resp = self
            .inner
            .http
            .execute(reqwest_req)
            .await
            .map_err(transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|e| {
            let mut err = transport(e);
            if let IloError::Transport { sent, .. } = &mut err {
                *sent = Sent::Yes;
            }
            err
        })?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    async fn auth_header(&self) -> Result<AuthHeader> {
        match &self.inner.auth {
            AuthConfig::None => Ok(AuthHeader::None),
            AuthConfig::Basic { user, password } => Ok(AuthHeader::Basic {
                user: user.clone(),
                password: password.clone(),
            }),
            AuthConfig::Session { user, password } => {
                let mut guard = self.inner.session.lock().await;
                if let Some(s) = guard.as_ref() {
                    return Ok(AuthHeader::Token(s.token.clone()));
                }
                let s = self.login(user, password).await?;
                let token = s.token.clone();
                *guard = Some(s);
                Ok(AuthHeader::Token(token))
            }
        }
    }

    async fn login(&self, user: &str, password: &Secret) -> Result<SessionState> {
        let root = self.service_root().await?;
        let sessions = match root.links.as_ref().and_then(|l| l.sessions.as_ref()) {
            Some(l) => l.odata_id.clone(),
            // Older services (Redfish 1.0) link only the SessionService, which many answer
            // only with credentials (401 before a session exists): then the collection DSP0266
            // fixes is used.
            None => match &root.session_service {
                Some(ss) => match self
                    .get_as::<models::SessionService>(ss.path(), &AuthHeader::None)
                    .await
                {
                    Ok(svc) => svc.sessions.map(|l| l.odata_id).ok_or_else(|| {
                        IloError::Unsupported {
                            target: self.inner.target.clone(),
                            message: format!(
                                "the session service {} links no Sessions collection; use basic auth",
                                ss.path()
                            ),
                        }
                    })?,
                    Err(e) if matches!(e.status(), Some(401 | 403)) => {
                        FIXED_SESSIONS.to_string()
                    }
                    Err(e) => return Err(e),
                },
                None => {
                    return Err(IloError::Unsupported {
                        target: self.inner.target.clone(),
                        message: "the service root /redfish/v1/ links no sessions collection \
                                  (no `Links.Sessions`, no `SessionService`): use basic auth"
                            .into(),
                    })
                }
            },
        };
        let req = crate::request::session_login(&sessions, user, password.expose());
        let resp = self.execute(&req, &AuthHeader::None).await?;
        let resp = self.check(&req, resp)?;
        let token = resp
            .header("x-auth-token")
            .ok_or_else(|| IloError::Unsupported {
                target: self.inner.target.clone(),
                message: format!(
                    "session login at {sessions} answered HTTP {} without an X-Auth-Token; \
                 this service does not support sessions: use basic auth",
                    resp.status
                ),
            })?;
        let location = resp.location().or_else(|| {
            models::parse::<models::Session>(&self.inner.target, &sessions, &resp.body)
                .ok()
                .and_then(|s| s.odata_id)
        });
        tracing::info!(bmc = %self.inner.target, "logged in (Redfish session)");
        Ok(SessionState {
            token: Secret::new(token),
            location,
        })
    }

    /// Ends the Redfish session, if one is open (`DELETE` on its URI). Harmless without one.
    pub async fn logout(&self) -> Result<()> {
        let state = self.inner.session.lock().await.take();
        let Some(state) = state else { return Ok(()) };
        let Some(location) = state.location else {
            return Ok(());
        };
        let req = RedfishRequest::delete(location);
        let resp = self
            .execute(&req, &AuthHeader::Token(state.token.clone()))
            .await?;
        // A session already gone (expired) is the state we want.
        if resp.status == 404 || resp.status == 401 {
            return Ok(());
        }
        self.check(&req, resp).map(|_| ())
    }

    /// Whether a session is open (for tests and diagnostics).
    pub async fn has_session(&self) -> bool {
        self.inner.session.lock().await.is_some()
    }

    async fn get_as<T: DeserializeOwned>(&self, path: &str, auth: &AuthHeader) -> Result<T> {
        let req = RedfishRequest::get(path);
        let resp = self.execute(&req, auth).await?;
        let resp = self.check(&req, resp)?;
        models::parse(&self.inner.target, path, &resp.body)
    }

    /// The service root (`/redfish/v1/`), fetched once and cached. Fetched without credentials, as
    /// Redfish requires the root to be readable anonymously; with basic auth, retried with it.
    pub async fn service_root(&self) -> Result<ServiceRoot> {
        self.inner
            .root
            .get_or_try_init(|| async {
                // DSP0266 names the root `/redfish/v1/`, and most services also answer
                // `/redfish/v1`; some answer only one form (404 or 405 on the other).
                match self.service_root_at("redfish/v1/").await {
                    Err(e) if matches!(e.status(), Some(404 | 405)) => {
                        self.service_root_at("redfish/v1").await.map_err(|_| e)
                    }
                    other => other,
                }
            })
            .await
            .cloned()
    }

    /// The service root at `path`, anonymously, else (on a 401) with basic auth where configured.
    async fn service_root_at(&self, path: &str) -> Result<ServiceRoot> {
        match self.get_as::<ServiceRoot>(path, &AuthHeader::None).await {
            Err(e) if e.status() == Some(401) => {
                if let AuthConfig::Basic { user, password } = &self.inner.auth {
                    let auth = AuthHeader::Basic {
                        user: user.clone(),
                        password: password.clone(),
                    };
                    return self.get_as(path, &auth).await;
                }
                Err(e)
            }
            other => other,
        }
    }

    /// GETs a resource and parses it.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let resp = self.send(&RedfishRequest::get(path)).await?;
        models::parse(&self.inner.target, path, &resp.body)
    }

    /// GETs a resource and its ETag (the `ETag` header, else the body's `@odata.etag`).
    pub async fn get_with_etag<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<(T, Option<String>)> {
        let resp = self.send(&RedfishRequest::get(path)).await?;
        let value: T = models::parse(&self.inner.target, path, &resp.body)?;
        let etag = resp.etag().or_else(|| {
            serde_json::from_slice::<serde_json::Value>(&resp.body)
                .ok()
                .and_then(|v| {
                    v.get("@odata.etag")
                        .and_then(|e| e.as_str())
                        .map(String::from)
                })
        });
        Ok((value, etag))
    }

    /// PATCHes properties, with `If-Match` when an ETag is given; follows a task monitor if the BMC
    /// answers 202.
    pub async fn patch(
        &self,
        path: &str,
        body: serde_json::Value,
        if_match: Option<&str>,
    ) -> Result<Response> {
        let mut req = RedfishRequest::patch(path, body);
        if let Some(etag) = if_match {
            req = req.if_match(etag);
        }
        let resp = self.send(&req).await?;
        self.follow_task(resp, Duration::from_secs(300)).await
    }

    /// POSTs an action (never retried once it may have been sent); follows a task monitor if the BMC
    /// answers 202, for at most `task_timeout`.
    pub async fn post_action(
        &self,
        path: &str,
        body: serde_json::Value,
        task_timeout: Duration,
    ) -> Result<Response> {
        let resp = self.send(&RedfishRequest::post(path, body)).await?;
        self.follow_task(resp, task_timeout).await
    }

    /// If `resp` is a 202 with a task monitor (`Location`), polls it until the task ends or `timeout`
    /// passes; a task that ends in `Exception`/`Killed` is [`IloError::Failed`]. Other replies are
    /// returned as they are.
    pub async fn follow_task(&self, resp: Response, timeout: Duration) -> Result<Response> {
        if resp.status != 202 {
            return Ok(resp);
        }
        let Some(monitor) = resp.location() else {
            return Ok(resp);
        };
        let deadline = Instant::now() + timeout;
        let mut last = resp;
        loop {
            let pause = retry_after(&last.headers)
                .unwrap_or(Duration::from_secs(1))
                .min(Duration::from_secs(10));
            if Instant::now() + pause > deadline {
                let state = models::parse::<Task>(&self.inner.target, &monitor, &last.body)
                    .ok()
                    .and_then(|t| t.task_state)
                    .unwrap_or_else(|| "unknown".into());
                return Err(IloError::Timeout {
                    target: self.inner.target.clone(),
                    message: format!(
                        "task {monitor} did not finish within {timeout:?} (last state: {state})"
                    ),
                });
            }
            tokio::time::sleep(pause).await;
            let next = self.send(&RedfishRequest::get(monitor.clone())).await?;
            if next.status == 202 {
                last = next;
                continue;
            }
            let task = match models::parse::<Task>(&self.inner.target, &monitor, &next.body) {
                Ok(task) => Some(task),
                // A task resource (it names its TaskState) that cannot be read is not a success:
                // its outcome is unknown, and saying so beats reporting a failed task as done.
                Err(e)
                    if serde_json::from_slice::<serde_json::Value>(&next.body)
                        .is_ok_and(|v| v.get("TaskState").is_some()) =>
                {
                    return Err(e)
                }
                Err(_) => None,
            };
            if let Some(task) = task {
                if task.task_state.is_some() {
                    if !task.is_finished() {
                        last = next;
                        continue;
                    }
                    if !task.succeeded() {
                        let msgs: Vec<String> = task
                            .messages
                            .iter()
                            .filter_map(|m| m.message.clone().or(m.message_id.clone()))
                            .collect();
                        return Err(IloError::Failed {
                            target: self.inner.target.clone(),
                            message: format!(
                                "task {monitor} ended {}: {}",
                                task.task_state.unwrap_or_default(),
                                msgs.join("; ")
                            ),
                        });
                    }
                }
            }
            return Ok(next);
        }
    }

    /// The paths of a collection's members, following `Members@odata.nextLink` pages.
    pub async fn member_paths(&self, path: &str) -> Result<Vec<String>> {
        Ok(self
            .collection_values(path)
            .await?
            .into_iter()
            .filter_map(|v| {
                v.get("@odata.id")
                    .and_then(|s| s.as_str())
                    .map(String::from)
            })
            .collect())
    }

    /// The raw members of a collection over all its pages (links, or whole resources when expanded).
    /// A member listed twice (the same `@odata.id`, across a trailing `/` or case; NVIDIA's GH200
    /// firmware inventory names `HGX_FW_FPGA_0` twice) is kept once: it is one resource.
    async fn collection_values(&self, path: &str) -> Result<Vec<serde_json::Value>> {
        let mut out: Vec<serde_json::Value> = Vec::new();
        let mut ids = std::collections::HashSet::new();
        let mut next = Some(path.to_string());
        let mut seen = std::collections::HashSet::new();
        while let Some(page) = next.take() {
            if !seen.insert(page.clone()) {
                return Err(IloError::Malformed {
                    target: self.inner.target.clone(),
                    path: page,
                    message: "Members@odata.nextLink loops back to a page already read".into(),
                });
            }
            let c: Collection = self.get(&page).await?;
            out.extend(c.members.into_iter().filter(|m| {
                match m.get("@odata.id").and_then(|s| s.as_str()) {
                    Some(id) => ids.insert(models::resource_key(id)),
                    None => true,
                }
            }));
            next = c.next_link;
        }
        Ok(out)
    }

    /// One collection member, typed: parsed in place when expanded, fetched when only a link.
    async fn member<T: DeserializeOwned>(&self, coll: &str, v: serde_json::Value) -> Result<T> {
        match v
            .get("@odata.id")
            .and_then(|s| s.as_str())
            .map(String::from)
        {
            Some(link) if is_link_only(&v) => self.get::<T>(&link).await,
            Some(link) => serde_json::from_value(v).map_err(|e| IloError::Malformed {
                target: self.inner.target.clone(),
                path: link,
                message: e.to_string(),
            }),
            None => Err(IloError::Malformed {
                target: self.inner.target.clone(),
                path: coll.to_string(),
                message: "a collection member has no @odata.id".into(),
            }),
        }
    }

    /// Every member of a collection, typed: expanded members are parsed in place, links are fetched
    /// (at most 8 at once), in the collection's order.
    ///
    /// Where the service root advertises `$expand` (`ProtocolFeaturesSupported.ExpandQuery`, as iLO 5
    /// does), the members are asked for in the same request (`$expand=.($levels=1)`), one round trip
    /// instead of one per member; a service that ignores or refuses the query is read link by link.
    pub async fn list<T: DeserializeOwned + Send>(&self, path: &str) -> Result<Vec<T>> {
        let mut values = None;
        if let Some(query) = self.expand_query().await {
            let sep = if path.contains('?') { '&' } else { '?' };
            match self.collection_values(&format!("{path}{sep}{query}")).await {
                Ok(v) => values = Some(v),
                Err(e) => {
                    tracing::debug!(bmc = %self.inner.target, %path, "$expand refused ({e}); reading members one by one")
                }
            }
        }
        let values = match values {
            Some(v) => v,
            None => self.collection_values(path).await?,
        };
        stream::iter(values.into_iter().map(|v| {
            let me = self.clone();
            let coll = path.to_string();
            async move { me.member(&coll, v).await }
        }))
        .buffered(8)
        .try_collect()
        .await
    }

    /// Every member of a collection that can be read, typed, and the reason for each that cannot (a
    /// member that answers 404, a body that is not the expected resource): the collection itself must
    /// be readable. For reports that should show what a service lacks rather than stop at it.
    ///
    /// ```no_run
    /// # async fn demo(bmc: hermes_ilo::Client) -> Result<(), hermes_ilo::IloError> {
    /// use hermes_ilo::models::SoftwareInventory;
    /// let (fw, failed) = bmc
    ///     .list_partial::<SoftwareInventory>("/redfish/v1/UpdateService/FirmwareInventory")
    ///     .await?;
    /// println!("{} entries read, {} not readable", fw.len(), failed.len());
    /// # Ok(()) }
    /// ```
    pub async fn list_partial<T: DeserializeOwned + Send>(
        &self,
        path: &str,
    ) -> Result<(Vec<T>, Vec<IloError>)> {
        let values = self.collection_values(path).await?;
        let results: Vec<Result<T>> = stream::iter(values.into_iter().map(|v| {
            let me = self.clone();
            let coll = path.to_string();
            async move { me.member(&coll, v).await }
        }))
        .buffered(8)
        .collect()
        .await;
        let mut ok = Vec::new();
        let mut failed = Vec::new();
        for r in results {
            match r {
                Ok(v) => ok.push(v),
                Err(e) => failed.push(e),
            }
        }
        Ok((ok, failed))
    }

    /// The `ActionInfo` resource at `path` (an action's `@Redfish.ActionInfo`).
    ///
    /// ```no_run
    /// # async fn demo(bmc: hermes_ilo::Client) -> Result<(), hermes_ilo::IloError> {
    /// let info = bmc.action_info("/redfish/v1/UpdateService/SimpleUpdateActionInfo").await?;
    /// for p in &info.parameters {
    ///     println!("{} required={:?} {:?}", p.name, p.required, p.allowable_values);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn action_info(&self, path: &str) -> Result<models::ActionInfo> {
        self.get(path).await
    }

    /// The values `action` allows for `param`: listed inline (`PARAM@Redfish.AllowableValues`), else in
    /// the action's `@Redfish.ActionInfo` resource. Empty when the service says neither, or links an
    /// `ActionInfo` it does not serve (any value is then sent as given and the BMC decides).
    ///
    /// ```no_run
    /// # async fn demo(bmc: hermes_ilo::Client) -> Result<(), hermes_ilo::IloError> {
    /// let system = bmc.find_system(&hermes_ilo::SystemSelector::Only).await?.get().await?;
    /// if let Some(reset) = &system.actions.reset {
    ///     println!("{:?}", bmc.allowable_values(reset, "ResetType").await?);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn allowable_values(
        &self,
        action: &models::ActionTarget,
        param: &str,
    ) -> Result<Vec<String>> {
        self.allowable_from(
            action.allowable(param),
            action.action_info.as_deref(),
            param,
        )
        .await
    }

    /// `inline` when the service listed values there, else those of `param` in the `ActionInfo`
    /// resource at `action_info` (nothing when that resource answers 404 or 405/501).
    pub(crate) async fn allowable_from(
        &self,
        inline: Vec<String>,
        action_info: Option<&str>,
        param: &str,
    ) -> Result<Vec<String>> {
        if !inline.is_empty() {
            return Ok(inline);
        }
        let Some(info) = action_info else {
            return Ok(Vec::new());
        };
        match self.action_info(info).await {
            Ok(info) => Ok(info
                .parameter(param)
                .map(|p| p.allowable_values.clone())
                .unwrap_or_default()),
            // A dangling @Redfish.ActionInfo says nothing about the values: the BMC decides.
            Err(e) if crate::system::is_unsupported(&e) => {
                tracing::debug!(bmc = %self.inner.target, %info, "ActionInfo unreadable ({e}); not validating {param}");
                Ok(Vec::new())
            }
            Err(e) => Err(e),
        }
    }

    /// The `$expand` query this service supports for one level of members, if any.
    async fn expand_query(&self) -> Option<&'static str> {
        let root = self.service_root().await.ok()?;
        let e = root.protocol_features_supported?.expand_query?;
        if e.no_links == Some(true) {
            Some("$expand=.($levels=1)")
        } else if e.links == Some(true) {
            Some("$expand=~($levels=1)")
        } else if e.expand_all == Some(true) {
            Some("$expand=*($levels=1)")
        } else {
            None
        }
    }

    /// The service root's link named by `what`, or [`IloError::Unsupported`] naming it.
    pub(crate) fn require_link(&self, link: Option<&models::Link>, what: &str) -> Result<String> {
        link.map(|l| l.odata_id.clone())
            .ok_or_else(|| IloError::Unsupported {
                target: self.inner.target.clone(),
                message: format!(
                    "the service root /redfish/v1/ links no {what}: the BMC does not offer it \
                     over Redfish (check its firmware version and licence)"
                ),
            })
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Runs `op` under the client's retry policy with the given idempotency (for callers composing
    /// several requests into one retryable step).
    pub async fn with_retry<T, F, Fut>(&self, idempotency: Idempotency, op: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        self.inner.retry.run(idempotency, op).await
    }
}
