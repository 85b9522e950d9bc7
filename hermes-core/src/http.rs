//! One way to build an HTTPS client for every Hermes crate: a [`TlsPolicy`] (how the server's
//! certificate is trusted) and an [`HttpClientBuilder`] for a `reqwest::Client` (rustls) with
//! timeouts, a connection pool and a user agent.
//!
//! # Trust policies
//!
//! | policy | accepts | use it for |
//! |---|---|---|
//! | [`TlsPolicy::WebPki`] (default) | a chain to the Mozilla/webpki roots, for the host name | publicly signed endpoints |
//! | [`TlsPolicy::CustomCa`] | a chain to a CA you give (PEM bundle), for the host name | a private CA, a BMC's or vCenter's own CA, a self-signed certificate (as its own CA) |
//! | [`TlsPolicy::Pinned`] | exactly the leaf certificate with this SHA-256 (or SHA-1) fingerprint, whoever signed it and whatever its name | self-signed iLO / ESXi certificates, `govc about.cert` thumbprints |
//! | [`TlsPolicy::Insecure`] | anything (explicit opt-out, logged as a warning) | throw-away labs only |
//!
//! A pinned certificate still has to prove possession of its key (the handshake signature is
//! verified); only the chain and name checks are replaced by the fingerprint comparison.
//!
//! # Errors
//!
//! TLS failures are hard to read in reqwest's error chain. [`tls_failure`] finds one in any error chain
//! and [`describe_error`] renders a reqwest error for people: a pin mismatch names the host, the
//! expected and the presented fingerprint and the `openssl` command that shows the right one; an
//! untrusted certificate says which policy to choose. Client crates put that text into their own errors.
//!
//! ```no_run
//! # fn demo() -> hermes_core::Result<()> {
//! use std::time::Duration;
//! use hermes_core::http::{HttpClientBuilder, TlsPolicy};
//! let tls = TlsPolicy::pin_sha256(
//!     "3A:7F:1C:00:5E:8B:21:9D:4C:6A:0F:E2:71:B8:93:5D:AA:10:C4:7E:62:19:F0:3B:88:D5:2E:4F:9A:61:07:BC",
//! )?;
//! let http = HttpClientBuilder::new(concat!("my-tool/", env!("CARGO_PKG_VERSION")))
//!     .tls(tls)
//!     .connect_timeout(Duration::from_secs(10))
//!     .timeout(Duration::from_secs(30))
//!     .build()?;
//! # let _ = http; Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};
use sha2::Digest as _;

use crate::error::{Error, ErrorKind, Result, Sent};

/// The hash a [`Fingerprint`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FingerprintAlgorithm {
    /// SHA-256 (32 bytes): what `openssl x509 -fingerprint -sha256` and modern consoles show.
    Sha256,
    /// SHA-1 (20 bytes): the vCenter / ESXi "thumbprint" older tools show. Accepted for pinning only
    /// because those tools print it; prefer SHA-256.
    Sha1,
}

impl FingerprintAlgorithm {
    /// `SHA-256` or `SHA-1`.
    pub fn as_str(self) -> &'static str {
        match self {
            FingerprintAlgorithm::Sha256 => "SHA-256",
            FingerprintAlgorithm::Sha1 => "SHA-1",
        }
    }

    fn openssl_flag(self) -> &'static str {
        match self {
            FingerprintAlgorithm::Sha256 => "-sha256",
            FingerprintAlgorithm::Sha1 => "-sha1",
        }
    }
}

/// A certificate fingerprint: the hash of its DER encoding.
///
/// Parses colon-separated or plain hex in any case (`3A:7F:…`, `3a7f…`); 32 bytes is SHA-256, 20 bytes
/// SHA-1. Displays as upper-case colon hex, as `openssl x509 -fingerprint` prints it.
///
/// ```
/// use hermes_core::http::{Fingerprint, FingerprintAlgorithm};
/// let fp: Fingerprint = "77:F1:80:0D:25:69:9F:2E:CC:C2:1E:03:D1:B5:70:2A:3C:2B:51:4C".parse()?;
/// assert_eq!(fp.algorithm(), FingerprintAlgorithm::Sha1);
/// let der = b"not really a certificate";
/// let sha256 = Fingerprint::of_der(FingerprintAlgorithm::Sha256, der);
/// assert_eq!(sha256.to_string().len(), 32 * 3 - 1);
/// # Ok::<(), hermes_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    algorithm: FingerprintAlgorithm,
    bytes: Vec<u8>,
}

impl Fingerprint {
    /// The fingerprint of a DER-encoded certificate.
    pub fn of_der(algorithm: FingerprintAlgorithm, der: &[u8]) -> Self {
        let bytes = match algorithm {
            FingerprintAlgorithm::Sha256 => sha2::Sha256::digest(der).to_vec(),
            FingerprintAlgorithm::Sha1 => {
                use sha1::Digest as _;
                sha1::Sha1::digest(der).to_vec()
            }
        };
        Fingerprint { algorithm, bytes }
    }

    /// The fingerprints of every certificate in a PEM text (the first is usually the leaf).
    ///
    /// ```
    /// use hermes_core::http::{Fingerprint, FingerprintAlgorithm};
    /// let err = Fingerprint::of_pem(FingerprintAlgorithm::Sha256, b"no certificate here").unwrap_err();
    /// assert!(err.to_string().contains("no certificate"));
    /// ```
    pub fn of_pem(algorithm: FingerprintAlgorithm, pem: &[u8]) -> Result<Vec<Fingerprint>> {
        let ders = pem_certificates(pem)?;
        Ok(ders
            .iter()
            .map(|d| Fingerprint::of_der(algorithm, d))
            .collect())
    }

    /// SHA-256 or SHA-1.
    pub fn algorithm(&self) -> FingerprintAlgorithm {
        self.algorithm
    }

    /// The raw hash.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether `der` is the certificate this fingerprint names.
    pub fn matches(&self, der: &[u8]) -> bool {
        Fingerprint::of_der(self.algorithm, der) == *self
    }
}

impl std::str::FromStr for Fingerprint {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        // Accept what tools print: "SHA256 Fingerprint=AB:CD:…" / "sha256 Fingerprint=…" too.
        let value = s.rsplit_once('=').map(|(_, v)| v).unwrap_or(s);
        let hexed: String = value
            .chars()
            .filter(|c| *c != ':' && *c != '-' && !c.is_whitespace())
            .collect();
        let bytes = hex::decode(&hexed).map_err(|e| {
            Error::invalid_input(format!(
                "the certificate fingerprint {s:?} is not hex ({e}); give it as colon-separated or \
                 plain hex, e.g. from `openssl x509 -noout -fingerprint -sha256 -in CERT.pem`"
            ))
        })?;
        let algorithm = match bytes.len() {
            32 => FingerprintAlgorithm::Sha256,
            20 => FingerprintAlgorithm::Sha1,
            n => {
                return Err(Error::invalid_input(format!(
                    "the certificate fingerprint {s:?} has {n} bytes; expected 32 (SHA-256) or 20 (SHA-1)"
                )))
            }
        };
        Ok(Fingerprint { algorithm, bytes })
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.bytes.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.algorithm.as_str(), self)
    }
}

/// The DER bodies of the `CERTIFICATE` blocks of a PEM text.
fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>> {
    let text = std::str::from_utf8(pem).map_err(|_| {
        Error::invalid_input("the PEM text is not UTF-8: give a PEM (not DER) file")
    })?;
    let mut out = Vec::new();
    let mut body: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line == "-----BEGIN CERTIFICATE-----" {
            body = Some(String::new());
        } else if line == "-----END CERTIFICATE-----" {
            let b64 = body.take().ok_or_else(|| {
                Error::invalid_input("the PEM text has an END CERTIFICATE line without its BEGIN")
            })?;
            let der = base64::engine::general_purpose::STANDARD
                .decode(b64.as_bytes())
                .map_err(|e| {
                    Error::invalid_input(format!("a PEM certificate is not valid base64: {e}"))
                })?;
            out.push(der);
        } else if let Some(b) = body.as_mut() {
            b.push_str(line);
        }
    }
    if out.is_empty() {
        return Err(Error::invalid_input(
            "the PEM text holds no certificate (no -----BEGIN CERTIFICATE----- block)",
        ));
    }
    Ok(out)
}

/// How a client trusts the server's TLS certificate. Verification is on by default.
///
/// ```
/// use hermes_core::http::TlsPolicy;
/// assert_eq!(TlsPolicy::default(), TlsPolicy::WebPki);
/// let pinned = TlsPolicy::pin_sha256("3a7f1c005e8b219d4c6a0fe271b8935daa10c47e6219f03b88d52e4f9a6107bc")?;
/// assert!(format!("{pinned:?}").contains("3A:7F"));
/// # Ok::<(), hermes_core::Error>(())
/// ```
#[non_exhaustive]
#[derive(Clone, Default, PartialEq, Eq)]
pub enum TlsPolicy {
    /// Verify the chain against the built-in webpki (Mozilla) roots and the host name.
    #[default]
    WebPki,
    /// Verify the chain and the host name against the CA certificate(s) of this PEM bundle (a
    /// self-signed server certificate can be its own CA).
    CustomCa {
        /// The PEM bundle (public certificates only; no key belongs here).
        pem: Vec<u8>,
        /// Also trust the webpki roots (default `false`: only the given CA).
        keep_webpki_roots: bool,
    },
    /// Accept only the leaf certificate with this fingerprint (self-signed accepted; name not checked).
    Pinned(Fingerprint),
    /// Accept any certificate. The explicit opt-out: never the default, always logged.
    Insecure,
}

impl fmt::Debug for TlsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsPolicy::WebPki => f.write_str("WebPki"),
            TlsPolicy::CustomCa {
                pem,
                keep_webpki_roots,
            } => f
                .debug_struct("CustomCa")
                .field(
                    "certificates",
                    &pem_certificates(pem).map(|c| c.len()).unwrap_or(0),
                )
                .field("keep_webpki_roots", keep_webpki_roots)
                .finish(),
            TlsPolicy::Pinned(fp) => f.debug_tuple("Pinned").field(fp).finish(),
            TlsPolicy::Insecure => f.write_str("Insecure"),
        }
    }
}

impl TlsPolicy {
    /// Trust only the CA certificate(s) in `pem`; checked here (at least one certificate).
    pub fn custom_ca(pem: impl Into<Vec<u8>>) -> Result<Self> {
        let pem = pem.into();
        pem_certificates(&pem)?;
        Ok(TlsPolicy::CustomCa {
            pem,
            keep_webpki_roots: false,
        })
    }

    /// Trust only the CA certificate(s) of the PEM file at `path`.
    ///
    /// ```no_run
    /// let tls = hermes_core::http::TlsPolicy::custom_ca_file("/etc/hermes/ilo-ca.pem")?;
    /// # Ok::<(), hermes_core::Error>(())
    /// ```
    pub fn custom_ca_file(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|e| Error::io(path, "read the CA file", e))?;
        Self::custom_ca(pem).map_err(|e| e.with_target(path.display().to_string()))
    }

    /// Pin the leaf certificate by its fingerprint (SHA-256, or a SHA-1 vSphere thumbprint).
    pub fn pin(fingerprint: &str) -> Result<Self> {
        Ok(TlsPolicy::Pinned(fingerprint.parse()?))
    }

    /// Pin the leaf certificate by its SHA-256 fingerprint; a SHA-1 value is refused here.
    pub fn pin_sha256(fingerprint: &str) -> Result<Self> {
        let fp: Fingerprint = fingerprint.parse()?;
        if fp.algorithm() != FingerprintAlgorithm::Sha256 {
            return Err(Error::invalid_input(format!(
                "{fingerprint:?} is a SHA-1 fingerprint; give the SHA-256 one \
                 (`openssl x509 -noout -fingerprint -sha256 -in CERT.pem`) or use TlsPolicy::pin"
            )));
        }
        Ok(TlsPolicy::Pinned(fp))
    }

    /// A short description for logs (`webpki roots`, `custom CA (1 certificate)`, `pinned SHA-256 AB:…`).
    pub fn describe(&self) -> String {
        match self {
            TlsPolicy::WebPki => "webpki roots".into(),
            TlsPolicy::CustomCa {
                pem,
                keep_webpki_roots,
            } => format!(
                "custom CA ({} certificate(s){})",
                pem_certificates(pem).map(|c| c.len()).unwrap_or(0),
                if *keep_webpki_roots {
                    " + webpki roots"
                } else {
                    ""
                }
            ),
            TlsPolicy::Pinned(fp) => format!("pinned {} {fp}", fp.algorithm().as_str()),
            TlsPolicy::Insecure => "INSECURE (no verification)".into(),
        }
    }
}

/// The server presented a certificate other than the pinned one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinMismatch {
    /// The host name or IP address the client connected to.
    pub host: String,
    /// The pinned fingerprint.
    pub expected: Fingerprint,
    /// The fingerprint of the certificate the server presented (same algorithm).
    pub presented: Fingerprint,
}

impl fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the TLS certificate of {} does not match the pinned one: expected {} {}, the server \
             presented {}; if the certificate was replaced on purpose, read the new fingerprint with \
             `{}` and pin that",
            self.host,
            self.expected.algorithm().as_str(),
            self.expected,
            self.presented,
            fetch_fingerprint_command(&self.host, None, self.expected.algorithm())
        )
    }
}

impl std::error::Error for PinMismatch {}

/// The shell command that prints the fingerprint of the certificate a server presents.
///
/// ```
/// use hermes_core::http::{fetch_fingerprint_command, FingerprintAlgorithm};
/// let cmd = fetch_fingerprint_command("10.0.0.5", Some(443), FingerprintAlgorithm::Sha256);
/// assert!(cmd.starts_with("openssl s_client -connect 10.0.0.5:443"));
/// ```
pub fn fetch_fingerprint_command(
    host: &str,
    port: Option<u16>,
    algorithm: FingerprintAlgorithm,
) -> String {
    let port = port.map(|p| p.to_string()).unwrap_or_else(|| "PORT".into());
    let h = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    format!(
        "openssl s_client -connect {h}:{port} -servername {host} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint {}",
        algorithm.openssl_flag()
    )
}

/// Accepts exactly the pinned leaf certificate and still checks the handshake signature.
#[derive(Debug)]
struct PinnedVerifier {
    want: Fingerprint,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let got = Fingerprint::of_der(self.want.algorithm, end_entity.as_ref());
        if got == self.want {
            return Ok(ServerCertVerified::assertion());
        }
        let host = match server_name {
            ServerName::DnsName(d) => d.as_ref().to_string(),
            ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
            other => format!("{other:?}"),
        };
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(
            OtherError(Arc::new(PinMismatch {
                host,
                expected: self.want.clone(),
                presented: got,
            })),
        )))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A rustls client configuration that accepts only the certificate `pin` names.
fn pinned_config(pin: &Fingerprint, http1_only: bool) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = PinnedVerifier {
        want: pin.clone(),
        provider: provider.clone(),
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot set up TLS for certificate pinning: {e}"),
            )
        })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = if http1_only {
        vec![b"http/1.1".to_vec()]
    } else {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    };
    Ok(config)
}

/// Settings for a `reqwest::Client` with a [`TlsPolicy`].
///
/// Defaults: TLS verified against the webpki roots, 10 s connect timeout, no whole-request timeout
/// (set one with [`HttpClientBuilder::timeout`] or per request), 16 idle connections per host kept
/// for 60 s, TCP_NODELAY, HTTP/1.1 and HTTP/2, at most 5 redirects.
///
/// ```no_run
/// # fn demo() -> hermes_core::Result<()> {
/// use hermes_core::http::{HttpClientBuilder, TlsPolicy};
/// let http = HttpClientBuilder::new("hermes-ilo/0.1")
///     .tls(TlsPolicy::custom_ca_file("/etc/hermes/ilo-ca.pem")?)
///     .pool_max_idle_per_host(32)
///     .build()?;
/// # let _ = http; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct HttpClientBuilder {
    user_agent: String,
    tls: TlsPolicy,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    pool_idle_timeout: Duration,
    http1_only: bool,
    max_redirects: usize,
}

impl HttpClientBuilder {
    /// A builder sending `user_agent` (e.g. `hermes-ilo/0.1.0`).
    pub fn new(user_agent: impl Into<String>) -> Self {
        HttpClientBuilder {
            user_agent: user_agent.into(),
            tls: TlsPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            timeout: None,
            pool_max_idle_per_host: 16,
            pool_idle_timeout: Duration::from_secs(60),
            http1_only: false,
            max_redirects: 5,
        }
    }
    /// How the server's certificate is trusted.
    pub fn tls(mut self, tls: TlsPolicy) -> Self {
        self.tls = tls;
        self
    }
    /// The TCP + TLS connect timeout.
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }
    /// The timeout of a whole request (reply body included); `reqwest::RequestBuilder::timeout`
    /// overrides it per request.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }
    /// Idle keep-alive connections kept per host (at least 1).
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.pool_max_idle_per_host = n.max(1);
        self
    }
    /// How long an idle connection is kept.
    pub fn pool_idle_timeout(mut self, t: Duration) -> Self {
        self.pool_idle_timeout = t;
        self
    }
    /// Speak HTTP/1.1 only (SOAP endpoints, BMCs with broken HTTP/2).
    pub fn http1_only(mut self) -> Self {
        self.http1_only = true;
        self
    }
    /// Follow at most `n` redirects (0: none).
    pub fn max_redirects(mut self, n: usize) -> Self {
        self.max_redirects = n;
        self
    }
    /// The policy in use.
    pub fn tls_policy(&self) -> &TlsPolicy {
        &self.tls
    }

    /// Builds the client. A CA bundle that holds no certificate or is not PEM is
    /// [`ErrorKind::InvalidInput`].
    pub fn build(&self) -> Result<reqwest::Client> {
        let mut b = reqwest::Client::builder()
            .user_agent(self.user_agent.clone())
            .connect_timeout(self.connect_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_idle_timeout(self.pool_idle_timeout)
            .tcp_nodelay(true)
            .redirect(if self.max_redirects == 0 {
                reqwest::redirect::Policy::none()
            } else {
                reqwest::redirect::Policy::limited(self.max_redirects)
            });
        if let Some(t) = self.timeout {
            b = b.timeout(t);
        }
        if self.http1_only {
            b = b.http1_only();
        }
        b = match &self.tls {
            TlsPolicy::WebPki => b,
            TlsPolicy::CustomCa {
                pem,
                keep_webpki_roots,
            } => {
                pem_certificates(pem)?;
                let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                    Error::invalid_input(format!("the CA bundle is not valid PEM: {e}"))
                })?;
                let mut b = b.tls_built_in_root_certs(*keep_webpki_roots);
                for c in certs {
                    b = b.add_root_certificate(c);
                }
                b
            }
            TlsPolicy::Pinned(fp) => b.use_preconfigured_tls(pinned_config(fp, self.http1_only)?),
            TlsPolicy::Insecure => {
                tracing::warn!(
                    user_agent = %self.user_agent,
                    "TLS certificate verification is OFF (TlsPolicy::Insecure)"
                );
                b.danger_accept_invalid_certs(true)
            }
        };
        b.build().map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot build the HTTP client: {}", chain(&e)),
            )
            .with_sent(Sent::No)
        })
    }
}

/// A TLS failure found in an error chain.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFailure {
    /// The pinned fingerprint did not match.
    PinMismatch(PinMismatch),
    /// The certificate did not verify against the trusted roots (unknown issuer, wrong name, expired,
    /// not valid for a server, ...); `reason` is rustls' short reason (`UnknownIssuer`, ...).
    Untrusted {
        /// Why (rustls' certificate error).
        reason: String,
    },
    /// The handshake failed for another reason (protocol version, no shared cipher, alert).
    Handshake {
        /// rustls' message.
        reason: String,
    },
}

impl TlsFailure {
    /// A message for people: what failed and what to do. `host`/`port` complete the `openssl` hint.
    ///
    /// ```
    /// use hermes_core::http::TlsFailure;
    /// let f = TlsFailure::Untrusted { reason: "UnknownIssuer".into() };
    /// let text = f.explain("10.0.0.5", Some(443));
    /// assert!(text.contains("not trusted") && text.contains("openssl s_client -connect 10.0.0.5:443"));
    /// ```
    pub fn explain(&self, host: &str, port: Option<u16>) -> String {
        match self {
            TlsFailure::PinMismatch(p) => format!(
                "the TLS certificate of {} does not match the pinned one: expected {} {}, the server \
                 presented {}; if the certificate was replaced on purpose, read the new fingerprint \
                 with `{}` and pin that",
                p.host,
                p.expected.algorithm().as_str(),
                p.expected,
                p.presented,
                fetch_fingerprint_command(host, port, p.expected.algorithm())
            ),
            TlsFailure::Untrusted { reason } => format!(
                "the TLS certificate of {host} is not trusted ({reason}): give the CA that signed it \
                 (TlsPolicy::CustomCa, a PEM file), or pin the certificate's SHA-256 fingerprint \
                 (TlsPolicy::Pinned; read it with `{}`); turning verification off is for throw-away \
                 labs only",
                fetch_fingerprint_command(host, port, FingerprintAlgorithm::Sha256)
            ),
            TlsFailure::Handshake { reason } => format!(
                "the TLS handshake with {host} failed ({reason}): check that the port speaks TLS and \
                 supports TLS 1.2 or 1.3"
            ),
        }
    }

    /// Whether trying again can help (never for these: the certificate will be the same).
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::VerificationFailed
    }
}

/// Finds a TLS failure in an error and its sources (reqwest, hyper, `io::Error`s wrapping rustls).
///
/// ```
/// let io = std::io::Error::new(std::io::ErrorKind::Other, "connection refused");
/// assert!(hermes_core::http::tls_failure(&io).is_none());
/// ```
pub fn tls_failure(err: &(dyn std::error::Error + 'static)) -> Option<TlsFailure> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(f) = from_rustls_like(e) {
            return Some(f);
        }
        // `io::Error::source` skips the error it wraps (it returns *that* error's source), and
        // hyper wraps tokio-rustls' io::Error in another io::Error: step into the wrapped error.
        cur = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

fn from_rustls_like(e: &(dyn std::error::Error + 'static)) -> Option<TlsFailure> {
    if let Some(p) = e.downcast_ref::<PinMismatch>() {
        return Some(TlsFailure::PinMismatch(p.clone()));
    }
    let r = e.downcast_ref::<rustls::Error>()?;
    Some(match r {
        rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(inner))) => {
            match inner.downcast_ref::<PinMismatch>() {
                Some(p) => TlsFailure::PinMismatch(p.clone()),
                None => TlsFailure::Untrusted {
                    reason: inner.to_string(),
                },
            }
        }
        rustls::Error::InvalidCertificate(c) => TlsFailure::Untrusted {
            reason: format!("{c:?}"),
        },
        other => TlsFailure::Handshake {
            reason: other.to_string(),
        },
    })
}

/// Renders an error and its sources on one line, skipping repeats.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = e.source();
    }
    out
}

/// A reqwest error for people: a TLS failure explained (see [`TlsFailure::explain`]), anything else
/// with its whole source chain.
///
/// ```no_run
/// # async fn demo(http: reqwest::Client) {
/// if let Err(e) = http.get("https://10.0.0.5/redfish/v1/").send().await {
///     eprintln!("{}", hermes_core::http::describe_error(&e));
/// }
/// # }
/// ```
pub fn describe_error(err: &reqwest::Error) -> String {
    match tls_failure(err) {
        Some(f) => {
            let host = err
                .url()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| "the server".into());
            let port = err.url().and_then(|u| u.port_or_known_default());
            f.explain(host.trim_start_matches('[').trim_end_matches(']'), port)
        }
        None => chain(err),
    }
}

/// Classifies a reqwest error into an [`Error`] naming `target`: a TLS failure is
/// [`ErrorKind::VerificationFailed`] (not retried: the certificate will be the same), a timeout
/// [`ErrorKind::Timeout`], anything else [`ErrorKind::Transport`]; a connect failure is [`Sent::No`].
///
/// ```no_run
/// # async fn demo(http: reqwest::Client) -> hermes_core::Result<()> {
/// let resp = http.get("https://10.0.0.5/").send().await
///     .map_err(|e| hermes_core::http::to_error(&e, "10.0.0.5"))?;
/// # let _ = resp; Ok(()) }
/// ```
pub fn to_error(err: &reqwest::Error, target: &str) -> Error {
    let message = describe_error(err);
    let sent = if err.is_connect() {
        Sent::No
    } else {
        Sent::Maybe
    };
    let kind = if tls_failure(err).is_some() {
        ErrorKind::VerificationFailed
    } else if err.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    };
    Error::new(kind, message)
        .with_target(target)
        .with_sent(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA256: &str =
        "3A:7F:1C:00:5E:8B:21:9D:4C:6A:0F:E2:71:B8:93:5D:AA:10:C4:7E:62:19:F0:3B:88:D5:2E:4F:9A:61:07:BC";

    #[test]
    fn fingerprints_parse_in_every_usual_form() {
        let a: Fingerprint = SHA256.parse().unwrap();
        let b: Fingerprint = SHA256.replace(':', "").to_lowercase().parse().unwrap();
        let c: Fingerprint = format!("sha256 Fingerprint={SHA256}").parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.algorithm(), FingerprintAlgorithm::Sha256);
        assert_eq!(a.to_string(), SHA256);
        let sha1: Fingerprint = "77:F1:80:0D:25:69:9F:2E:CC:C2:1E:03:D1:B5:70:2A:3C:2B:51:4C"
            .parse()
            .unwrap();
        assert_eq!(sha1.algorithm(), FingerprintAlgorithm::Sha1);
        let short = "AB:CD".parse::<Fingerprint>().unwrap_err();
        assert_eq!(short.kind(), ErrorKind::InvalidInput);
        assert!(short.to_string().contains("2 bytes"), "{short}");
        let not_hex = "zz".repeat(32).parse::<Fingerprint>().unwrap_err();
        assert!(not_hex.to_string().contains("not hex"), "{not_hex}");
    }

    #[test]
    fn pin_sha256_refuses_sha1_and_pin_accepts_both() {
        let sha1 = "77F1800D25699F2ECCC21E03D1B5702A3C2B514C";
        let e = TlsPolicy::pin_sha256(sha1).unwrap_err();
        assert!(e.to_string().contains("SHA-1"), "{e}");
        assert!(matches!(
            TlsPolicy::pin(sha1).unwrap(),
            TlsPolicy::Pinned(_)
        ));
        assert!(matches!(
            TlsPolicy::pin_sha256(SHA256).unwrap(),
            TlsPolicy::Pinned(_)
        ));
    }

    #[test]
    fn fingerprint_of_der_matches_known_digests() {
        // sha256("abc") and sha1("abc"), the FIPS test vectors.
        let s256 = Fingerprint::of_der(FingerprintAlgorithm::Sha256, b"abc");
        assert_eq!(
            hex::encode(s256.as_bytes()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let s1 = Fingerprint::of_der(FingerprintAlgorithm::Sha1, b"abc");
        assert_eq!(
            hex::encode(s1.as_bytes()),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert!(s256.matches(b"abc"));
        assert!(!s256.matches(b"abd"));
    }

    #[test]
    fn pem_blocks_are_decoded_and_bad_ones_named() {
        let der = b"\x30\x03\x02\x01\x01";
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let pem = format!(
            "junk\n-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n\
             -----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n"
        );
        let fps = Fingerprint::of_pem(FingerprintAlgorithm::Sha256, pem.as_bytes()).unwrap();
        assert_eq!(fps.len(), 2);
        assert!(fps[0].matches(der));
        let bad = "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n";
        assert!(TlsPolicy::custom_ca(bad).is_err());
        let none = TlsPolicy::custom_ca("hello").unwrap_err();
        assert!(none.to_string().contains("no certificate"), "{none}");
        let ok = TlsPolicy::custom_ca(pem).unwrap();
        assert_eq!(ok.describe(), "custom CA (2 certificate(s))");
        assert!(format!("{ok:?}").contains("certificates: 2"));
    }

    #[test]
    fn pin_mismatch_names_host_both_fingerprints_and_the_fix() {
        let m = PinMismatch {
            host: "10.0.0.5".into(),
            expected: SHA256.parse().unwrap(),
            presented: Fingerprint::of_der(FingerprintAlgorithm::Sha256, b"other"),
        };
        let text = TlsFailure::PinMismatch(m.clone()).explain("10.0.0.5", Some(8443));
        assert!(text.contains("10.0.0.5"), "{text}");
        assert!(text.contains(SHA256), "{text}");
        assert!(text.contains(&m.presented.to_string()), "{text}");
        assert!(
            text.contains("openssl s_client -connect 10.0.0.5:8443"),
            "{text}"
        );
        assert!(text.contains("-sha256"), "{text}");
        // Found through an io::Error wrapping rustls' error, as tokio-rustls reports it.
        let rustls_err = rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
            Arc::new(m.clone()),
        )));
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls_err);
        assert_eq!(tls_failure(&io), Some(TlsFailure::PinMismatch(m)));
        let unknown = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        assert_eq!(
            tls_failure(&unknown),
            Some(TlsFailure::Untrusted {
                reason: "UnknownIssuer".into()
            })
        );
    }

    #[test]
    fn ipv6_hosts_are_bracketed_in_the_openssl_hint() {
        let c = fetch_fingerprint_command("::1", Some(443), FingerprintAlgorithm::Sha1);
        assert!(c.starts_with("openssl s_client -connect [::1]:443"), "{c}");
        assert!(c.ends_with("-sha1"), "{c}");
    }

    #[test]
    fn every_policy_builds_a_client() {
        for tls in [
            TlsPolicy::WebPki,
            TlsPolicy::pin(SHA256).unwrap(),
            TlsPolicy::Insecure,
        ] {
            HttpClientBuilder::new("t")
                .tls(tls.clone())
                .build()
                .unwrap_or_else(|e| panic!("{tls:?}: {e}"));
            HttpClientBuilder::new("t")
                .http1_only()
                .tls(tls)
                .build()
                .unwrap();
        }
        let bad = HttpClientBuilder::new("t")
            .tls(TlsPolicy::CustomCa {
                pem: b"nothing".to_vec(),
                keep_webpki_roots: false,
            })
            .build()
            .unwrap_err();
        assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    }
}
