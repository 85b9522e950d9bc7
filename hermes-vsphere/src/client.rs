//! The vim25 client: one authenticated session over HTTPS with keep-alive, re-login on expiry, and a
//! timeout on every call.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hermes_vsphere::VsphereError> {
//! use hermes_vsphere::{Client, Tls};
//! let ca = std::fs::read("/etc/hermes/vcenter-ca.pem").unwrap();
//! let client = Client::builder("https://vc.example.com/sdk")
//!     .credentials("administrator@vsphere.local", "s3cret")
//!     .tls(Tls::CaPem(ca))
//!     .connect()
//!     .await?;
//! println!("{}", client.about());
//! client.logout().await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hermes_core::http::{describe_error, tls_failure, HttpClientBuilder, TlsFailure};
use hermes_core::{Secret, Sent};
use tokio::sync::{Mutex, OnceCell, RwLock};

use crate::error::{FaultKind, Result, VsphereError};
use crate::model::{FromNode, MoRef, ServiceContent, UserSession};
use crate::soap::{self, SoapRequest};
use crate::tasks::TaskWaiter;
use crate::tls::Tls;
use crate::xml::{Node, XmlWriter};

/// Settings for a [`Client`]; [`ClientBuilder::connect`] logs in.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    url: String,
    user: Option<String>,
    password: Option<Secret>,
    tls: Tls,
    timeout: Duration,
    connect_timeout: Duration,
    max_connections: usize,
    keepalive: Option<Duration>,
}

impl ClientBuilder {
    /// Calls `CurrentTime` every `interval` while the client is idle-alive, so vCenter's idle-session
    /// timeout (30 min by default) does not end the session (default: every 10 min; `None`: never).
    /// The pings stop when the last clone of the client is dropped or after [`Client::logout`].
    pub fn keepalive(mut self, interval: Option<Duration>) -> Self {
        self.keepalive = interval;
        self
    }
    /// The user and password for `SessionManager.Login`.
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self.password = Some(Secret::new(password));
        self
    }
    /// The user and password (as a [`Secret`], e.g. from `Secret::from_file`).
    pub fn credentials_secret(mut self, user: impl Into<String>, password: Secret) -> Self {
        self.user = Some(user.into());
        self.password = Some(password);
        self
    }
    /// How the server's certificate is verified (default: web PKI roots).
    pub fn tls(mut self, tls: Tls) -> Self {
        self.tls = tls;
        self
    }
    /// The timeout for one call (default 120 s; `WaitForUpdatesEx` adds its own wait on top).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// The timeout for opening a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// How many idle keep-alive connections to keep (default 64).
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Builds the HTTP client, reads the `ServiceContent` and logs in (when credentials are set).
    ///
    /// A URL that is not `http(s)://...`, or a TLS setting that cannot be used, is an
    /// [`hermes_core::ErrorKind::InvalidInput`] error naming the URL; a wrong password is
    /// `InvalidLogin` ([`hermes_core::ErrorKind::Auth`]), never retried.
    ///
    /// ```no_run
    /// # async fn demo() -> hermes_core::Result<()> {
    /// use hermes_vsphere::{Client, Tls};
    /// let client = Client::builder("https://127.0.0.1:8989/sdk")
    ///     .credentials("hermes", std::fs::read_to_string("password")?.trim())
    ///     .tls(Tls::CaPem(std::fs::read("ca.pem")?))
    ///     .connect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(self) -> Result<Client> {
        let target = self.url.clone();
        let invalid = |message: String| VsphereError::InvalidInput {
            target: target.clone(),
            message,
        };
        let parsed = reqwest::Url::parse(&self.url).map_err(|e| {
            invalid(format!(
                "the vSphere URL {:?} is not a URL ({e}); use https://HOST/sdk",
                self.url
            ))
        })?;
        if parsed.scheme() != "https" && parsed.scheme() != "http" {
            return Err(invalid(format!(
                "the vSphere URL {:?} must start with https://",
                self.url
            )));
        }
        let policy = self
            .tls
            .to_policy()
            .map_err(|m| invalid(format!("{m} (for {})", self.url)))?;
        let http = HttpClientBuilder::new(concat!("hermes-vsphere/", env!("CARGO_PKG_VERSION")))
            .http1_only()
            .tls(policy)
            .pool_max_idle_per_host(self.max_connections)
            .pool_idle_timeout(Duration::from_secs(50))
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|e| {
                invalid(format!(
                    "cannot build the HTTP client for {}: {e}",
                    self.url
                ))
            })?;
        let this = MoRef::new("ServiceInstance", "ServiceInstance");
        let inner = Inner {
            http,
            url: parsed,
            target: self.url.clone(),
            user: self.user,
            password: self.password,
            timeout: self.timeout,
            cookie: RwLock::new(None),
            login_lock: Mutex::new(0),
            content: OnceCell::new(),
            waiter: OnceCell::new(),
            logged_out: std::sync::atomic::AtomicBool::new(false),
        };
        let client = Client {
            inner: Arc::new(inner),
        };
        let reply = client
            .call_raw(soap::encode("RetrieveServiceContent", &this, |_| {}), None)
            .await?;
        let content = reply
            .child("returnval")
            .ok_or_else(|| client.malformed("RetrieveServiceContent", "no returnval".into()))
            .and_then(|n| {
                ServiceContent::from_node(n)
                    .map_err(|e| client.malformed("RetrieveServiceContent", e))
            })?;
        let _ = client.inner.content.set(content);
        if client.inner.user.is_some() {
            client.login().await?;
            if let Some(interval) = self.keepalive {
                let weak = client.downgrade();
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(interval).await;
                        let Some(c) = Client::upgrade(&weak) else {
                            break;
                        };
                        if c.inner.logged_out.load(std::sync::atomic::Ordering::SeqCst) {
                            break;
                        }
                        let si = MoRef::new("ServiceInstance", "ServiceInstance");
                        if let Err(e) = c.call("CurrentTime", &si, |_| {}).await {
                            tracing::debug!(error = %e, "session keep-alive failed");
                        }
                    }
                });
            }
        }
        Ok(client)
    }
}

pub(crate) struct Inner {
    http: reqwest::Client,
    url: reqwest::Url,
    target: String,
    user: Option<String>,
    password: Option<Secret>,
    timeout: Duration,
    cookie: RwLock<Option<String>>,
    /// Counts logins, so concurrent callers that saw the same expired session log in once.
    login_lock: Mutex<u64>,
    content: OnceCell<ServiceContent>,
    waiter: OnceCell<TaskWaiter>,
    logged_out: std::sync::atomic::AtomicBool,
}

/// A vim25 session. Cheap to clone (one shared connection pool and session); `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.inner.target)
            .field("user", &self.inner.user)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client for `url` (`https://vcenter.example.com/sdk`); nothing is sent
    /// until [`ClientBuilder::connect`].
    ///
    /// ```no_run
    /// # async fn demo() -> hermes_core::Result<()> {
    /// use std::time::Duration;
    /// use hermes_core::Secret;
    /// use hermes_vsphere::{Client, Tls};
    ///
    /// let client = Client::builder("https://vcenter.example.com/sdk")
    ///     .credentials_secret("administrator@vsphere.local", Secret::from_file("/etc/hermes/vc.pw")?)
    ///     .tls(Tls::Thumbprint("SHA256:...".into())) // or Tls::CaPem(pem), or web PKI by default
    ///     .timeout(Duration::from_secs(60))
    ///     .connect() // reads the ServiceContent and logs in
    ///     .await?;
    /// println!("{}", client.about()); // VMware vCenter Server 8.0.3 ... (API 8.0.3.0)
    /// client.logout().await?;
    /// # Ok(()) }
    /// ```
    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            url: url.into(),
            user: None,
            password: None,
            tls: Tls::default(),
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            max_connections: 64,
            keepalive: Some(Duration::from_secs(600)),
        }
    }

    /// The server URL, as used in errors.
    pub fn target(&self) -> &str {
        &self.inner.target
    }

    /// The server's `ServiceContent`.
    pub fn content(&self) -> &ServiceContent {
        self.inner
            .content
            .get()
            .expect("ServiceContent is read in connect()")
    }

    /// The product name and API version (`VMware vCenter Server 6.5.0 build-5973321 (API 6.5)`).
    pub fn about(&self) -> String {
        let c = self.content();
        format!("{} (API {})", c.full_name, c.api_version)
    }

    pub(crate) fn malformed(&self, method: &str, message: String) -> VsphereError {
        VsphereError::Malformed {
            target: self.inner.target.clone(),
            method: method.to_string(),
            message,
        }
    }

    pub(crate) fn has_credentials(&self) -> bool {
        self.inner.user.is_some() && self.inner.password.is_some()
    }

    pub(crate) fn downgrade(&self) -> std::sync::Weak<Inner> {
        Arc::downgrade(&self.inner)
    }

    pub(crate) fn upgrade(weak: &std::sync::Weak<Inner>) -> Option<Client> {
        weak.upgrade().map(|inner| Client { inner })
    }

    pub(crate) fn waiter(&self) -> &OnceCell<TaskWaiter> {
        &self.inner.waiter
    }

    /// Logs in with the builder's credentials (done by `connect`; again on session expiry).
    pub async fn login(&self) -> Result<()> {
        let mut logins = self.inner.login_lock.lock().await;
        self.login_locked().await?;
        *logins += 1;
        Ok(())
    }

    async fn login_locked(&self) -> Result<()> {
        let (Some(user), Some(password)) = (&self.inner.user, &self.inner.password) else {
            return Err(VsphereError::InvalidInput {
                target: self.inner.target.clone(),
                message: "no credentials: call ClientBuilder::credentials(user, password)".into(),
            });
        };
        let sm = self.content().session_manager.clone();
        let req = soap::encode("Login", &sm, |w| {
            w.text("userName", user).text("password", password.expose());
        });
        *self.inner.cookie.write().await = None;
        let reply = self.call_raw(req, None).await?;
        // The reply is the new `UserSession`; it is only logged (the session is the cookie).
        let session = reply
            .child("returnval")
            .and_then(|n| UserSession::from_node(n).ok());
        self.inner
            .logged_out
            .store(false, std::sync::atomic::Ordering::SeqCst);
        if self.inner.cookie.read().await.is_none() {
            return Err(self.malformed(
                "Login",
                "the server set no session cookie (vmware_soap_session)".into(),
            ));
        }
        tracing::debug!(
            target = %self.inner.target,
            user = %user,
            session_user = session.as_ref().map(|s| s.user_name.as_str()).unwrap_or(""),
            login_time = session.as_ref().map(|s| s.login_time.as_str()).unwrap_or(""),
            "logged in"
        );
        Ok(())
    }

    /// Ends the session (`SessionManager.Logout`).
    pub async fn logout(&self) -> Result<()> {
        let sm = self.content().session_manager.clone();
        self.inner
            .logged_out
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.call("Logout", &sm, |_| {}).await?;
        *self.inner.cookie.write().await = None;
        Ok(())
    }

    /// Calls `method` on `this` with parameters written by `params`; returns the `…Response` element.
    /// A `NotAuthenticated` fault (expired session) triggers one re-login and one resend: the server
    /// refused the first request, so resending is safe even for non-idempotent methods.
    pub async fn call(
        &self,
        method: &str,
        this: &MoRef,
        params: impl FnOnce(&mut XmlWriter),
    ) -> Result<Node> {
        self.call_with_timeout(method, this, params, None).await
    }

    /// [`Client::call`] with a longer timeout for this call (`WaitForUpdatesEx`).
    pub async fn call_with_timeout(
        &self,
        method: &str,
        this: &MoRef,
        params: impl FnOnce(&mut XmlWriter),
        timeout: Option<Duration>,
    ) -> Result<Node> {
        let req = soap::encode(method, this, params);
        let logins_before = *self.inner.login_lock.lock().await;
        match self.call_raw(req.clone(), timeout).await {
            Err(VsphereError::Fault {
                fault: FaultKind::NotAuthenticated,
                ..
            }) if self.inner.user.is_some() => {
                {
                    let mut logins = self.inner.login_lock.lock().await;
                    if *logins == logins_before {
                        tracing::info!(target = %self.inner.target, "session expired; logging in again");
                        self.login_locked().await?;
                        *logins += 1;
                    }
                }
                self.call_raw(req, timeout).await
            }
            other => other,
        }
    }

    /// Sends an encoded request and decodes the reply.
    pub(crate) async fn call_raw(
        &self,
        req: SoapRequest,
        timeout: Option<Duration>,
    ) -> Result<Node> {
        let timeout = timeout.unwrap_or(self.inner.timeout);
        let mut builder = self
            .inner
            .http
            .post(self.inner.url.clone())
            .timeout(timeout)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "urn:vim25/6.5")
            .body(req.body);
        if let Some(cookie) = self.inner.cookie.read().await.as_ref() {
            builder = builder.header("Cookie", cookie.clone());
        }
        let transport = |e: reqwest::Error| -> VsphereError {
            if e.is_timeout() {
                return VsphereError::Timeout {
                    target: self.inner.target.clone(),
                    method: req.method.clone(),
                    secs: timeout.as_secs(),
                };
            }
            let sent = if e.is_connect() {
                Sent::No
            } else {
                Sent::Maybe
            };
            // TLS failures are explained by hermes-core (host, fingerprints, how to fetch the right
            // one); everything else keeps reqwest's whole source chain.
            let message = describe_error(&e);
            match tls_failure(&e) {
                Some(TlsFailure::PinMismatch(_)) => {
                    return VsphereError::Tls {
                        target: self.inner.target.clone(),
                        method: req.method.clone(),
                        message: format!("pinned certificate thumbprint mismatch: {message}"),
                    }
                }
                Some(_) => {
                    return VsphereError::Tls {
                        target: self.inner.target.clone(),
                        method: req.method.clone(),
                        message,
                    }
                }
                None => {}
            }
            VsphereError::Transport {
                target: self.inner.target.clone(),
                method: req.method.clone(),
                message,
                sent,
            }
        };
        let resp = builder.send().await.map_err(transport)?;
        let status = resp.status();
        if let Some(cookie) = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("vmware_soap_session"))
        {
            let pair = cookie.split(';').next().unwrap_or(cookie).to_string();
            *self.inner.cookie.write().await = Some(pair);
        }
        let bytes = resp.bytes().await.map_err(transport)?;
        match soap::decode(&self.inner.target, &req.method, &bytes) {
            Ok(node) => Ok(node),
            Err(VsphereError::Malformed { .. }) if !status.is_success() => {
                Err(VsphereError::Http {
                    target: self.inner.target.clone(),
                    method: req.method.clone(),
                    status: status.as_u16(),
                    message: String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned(),
                })
            }
            other => other,
        }
    }

    /// Calls a method whose reply is one managed object reference (`CloneVM_Task` → a `Task`).
    pub async fn call_moref(
        &self,
        method: &str,
        this: &MoRef,
        params: impl FnOnce(&mut XmlWriter),
    ) -> Result<MoRef> {
        let reply = self.call(method, this, params).await?;
        reply
            .child("returnval")
            .ok_or_else(|| self.malformed(method, "no returnval".into()))
            .and_then(|n| MoRef::from_node(n).map_err(|e| self.malformed(method, e)))
    }
}
