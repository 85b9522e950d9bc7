//! Building Redfish requests, with no I/O: a [`RedfishRequest`] says what to send (method, path, JSON
//! body, `If-Match`, idempotency) and [`RedfishRequest::to_http`] turns it into an [`http::Request`]
//! with the URL resolved against the service's base and the authentication header added. The client
//! sends what this builds, so the encoding is testable on bytes.
//!
//! ```
//! use hermes_ilo::request::{AuthHeader, RedfishRequest};
//! let base = url::Url::parse("https://ilo-01.example").unwrap();
//! let req = RedfishRequest::patch("/redfish/v1/Systems/1", serde_json::json!({"Boot": {"BootSourceOverrideTarget": "Cd"}}))
//!     .if_match("W/\"9B9F7D67\"");
//! let http = req.to_http(&base, &AuthHeader::Token("abc".into())).unwrap();
//! assert_eq!(http.uri(), "https://ilo-01.example/redfish/v1/Systems/1");
//! assert_eq!(http.headers()["if-match"], "W/\"9B9F7D67\"");
//! assert_eq!(http.headers()["x-auth-token"], "abc");
//! ```

use base64::Engine;
use hermes_core::{Idempotency, Secret};
use http::{header, HeaderValue, Method};
use url::Url;

use crate::error::{IloError, Result};

/// How a request authenticates.
#[derive(Clone, Default)]
pub enum AuthHeader {
    /// No credentials (the service root, or an open service).
    #[default]
    None,
    /// HTTP basic authentication.
    Basic {
        /// The user.
        user: String,
        /// The password (never printed).
        password: Secret,
    },
    /// A Redfish session token (`X-Auth-Token`, never printed).
    Token(Secret),
}

impl std::fmt::Debug for AuthHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthHeader::None => f.write_str("None"),
            AuthHeader::Basic { user, .. } => write!(f, "Basic({user}, <redacted>)"),
            AuthHeader::Token(_) => f.write_str("Token(<redacted>)"),
        }
    }
}

/// One Redfish request, before it is sent. Its `Debug` redacts any `Password` property of the body.
#[derive(Clone, PartialEq)]
pub struct RedfishRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path (`/redfish/v1/Systems/1`) or absolute URL (a task monitor on another host).
    pub path: String,
    /// The JSON body, if any.
    pub body: Option<serde_json::Value>,
    /// The `If-Match` value (an ETag), if any.
    pub if_match: Option<String>,
    /// Whether sending it twice is harmless (decides whether a failure that may have been sent is
    /// retried).
    pub idempotency: Idempotency,
}

impl std::fmt::Debug for RedfishRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = self.body.as_ref().map(redacted);
        f.debug_struct("RedfishRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body", &body)
            .field("if_match", &self.if_match)
            .field("idempotency", &self.idempotency)
            .finish()
    }
}

/// A copy of `value` with every property whose name contains `password` (any case) replaced.
pub(crate) fn redacted(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| {
                    if k.to_ascii_lowercase().contains("password") {
                        (k.clone(), serde_json::Value::String("<redacted>".into()))
                    } else {
                        (k.clone(), redacted(v))
                    }
                })
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(redacted).collect())
        }
        other => other.clone(),
    }
}

impl RedfishRequest {
    /// A GET.
    pub fn get(path: impl Into<String>) -> Self {
        RedfishRequest {
            method: Method::GET,
            path: path.into(),
            body: None,
            if_match: None,
            idempotency: Idempotency::Idempotent,
        }
    }

    /// A PATCH of some properties (idempotent: the same values set twice give the same state).
    pub fn patch(path: impl Into<String>, body: serde_json::Value) -> Self {
        RedfishRequest {
            method: Method::PATCH,
            path: path.into(),
            body: Some(body),
            if_match: None,
            idempotency: Idempotency::Idempotent,
        }
    }

    /// A POST (an action, a session login): never blindly re-sent.
    pub fn post(path: impl Into<String>, body: serde_json::Value) -> Self {
        RedfishRequest {
            method: Method::POST,
            path: path.into(),
            body: Some(body),
            if_match: None,
            idempotency: Idempotency::NonIdempotent,
        }
    }

    /// A PUT replacing a resource (idempotent: the same body twice gives the same state; HPE's
    /// `SmartStorageConfig` settings take their whole `LogicalDrives` list this way).
    ///
    /// ```
    /// let req = hermes_ilo::request::RedfishRequest::put("/redfish/v1/systems/1/smartstorageconfig/settings/",
    ///     serde_json::json!({"DataGuard": "Permissive", "LogicalDrives": []}));
    /// assert_eq!(req.method, http::Method::PUT);
    /// ```
    pub fn put(path: impl Into<String>, body: serde_json::Value) -> Self {
        RedfishRequest {
            method: Method::PUT,
            path: path.into(),
            body: Some(body),
            if_match: None,
            idempotency: Idempotency::Idempotent,
        }
    }

    /// A DELETE (idempotent).
    pub fn delete(path: impl Into<String>) -> Self {
        RedfishRequest {
            method: Method::DELETE,
            path: path.into(),
            body: None,
            if_match: None,
            idempotency: Idempotency::Idempotent,
        }
    }

    /// Sends `If-Match: etag` (optimistic concurrency: the BMC answers 412 if the resource changed).
    pub fn if_match(mut self, etag: impl Into<String>) -> Self {
        self.if_match = Some(etag.into());
        self
    }

    /// Overrides the idempotency (an action the caller knows is harmless to repeat, such as an eject).
    pub fn idempotency(mut self, idempotency: Idempotency) -> Self {
        self.idempotency = idempotency;
        self
    }

    /// The absolute URL of this request against `base`.
    pub fn url(&self, base: &Url) -> Result<Url> {
        base.join(&self.path).map_err(|e| {
            IloError::invalid(
                base.as_str(),
                format!(
                    "cannot resolve {:?} against the service URL: {e}",
                    self.path
                ),
            )
        })
    }

    /// The `http::Request` to send: URL resolved, `Accept`, `OData-Version`, `Content-Type`, `If-Match`
    /// and authentication headers set, body serialised.
    pub fn to_http(&self, base: &Url, auth: &AuthHeader) -> Result<http::Request<Vec<u8>>> {
        let url = self.url(base)?;
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(url.as_str())
            .header(header::ACCEPT, "application/json")
            .header("OData-Version", "4.0");
        let body = match &self.body {
            Some(v) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                serde_json::to_vec(v).map_err(|e| {
                    IloError::invalid(base.as_str(), format!("cannot encode request body: {e}"))
                })?
            }
            None => Vec::new(),
        };
        if let Some(etag) = &self.if_match {
            let v = HeaderValue::from_str(etag).map_err(|_| {
                IloError::invalid(
                    base.as_str(),
                    format!("ETag {etag:?} is not a header value"),
                )
            })?;
            builder = builder.header(header::IF_MATCH, v);
        }
        match auth {
            AuthHeader::None => {}
            AuthHeader::Basic { user, password } => {
                let token = base64::engine::general_purpose::STANDARD
                    .encode(format!("{user}:{}", password.expose()));
                let mut v = HeaderValue::from_str(&format!("Basic {token}")).map_err(|_| {
                    IloError::invalid(base.as_str(), "user name is not a header value")
                })?;
                v.set_sensitive(true);
                builder = builder.header(header::AUTHORIZATION, v);
            }
            AuthHeader::Token(token) => {
                let mut v =
                    HeaderValue::from_str(token.expose()).map_err(|_| IloError::Malformed {
                        target: base.to_string(),
                        path: self.path.clone(),
                        message: "the session token is not a header value".into(),
                    })?;
                v.set_sensitive(true);
                builder = builder.header("X-Auth-Token", v);
            }
        }
        builder
            .body(body)
            .map_err(|e| IloError::invalid(base.as_str(), format!("bad request: {e}")))
    }
}

/// The session login request (`POST SessionService/Sessions` with `UserName`/`Password`).
pub fn session_login(sessions_path: &str, user: &str, password: &str) -> RedfishRequest {
    RedfishRequest::post(
        sessions_path,
        serde_json::json!({"UserName": user, "Password": password}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_and_body_are_encoded() {
        let base = Url::parse("http://127.0.0.1:8000").unwrap();
        let req = RedfishRequest::post(
            "/redfish/v1/Systems/x/Actions/ComputerSystem.Reset",
            serde_json::json!({"ResetType": "On"}),
        );
        let http = req
            .to_http(
                &base,
                &AuthHeader::Basic {
                    user: "admin".into(),
                    password: "pw".into(),
                },
            )
            .unwrap();
        assert_eq!(http.method(), Method::POST);
        assert_eq!(http.headers()["authorization"], "Basic YWRtaW46cHc=");
        assert!(http.headers()["authorization"].is_sensitive());
        assert_eq!(http.headers()["content-type"], "application/json");
        assert_eq!(http.body(), br#"{"ResetType":"On"}"#);
        assert_eq!(req.idempotency, Idempotency::NonIdempotent);
    }

    #[test]
    fn absolute_paths_and_lower_case_links_resolve() {
        let base = Url::parse("https://ilo/").unwrap();
        let r = RedfishRequest::get("/redfish/v1/systems/1/bios/settings/");
        assert_eq!(
            r.url(&base).unwrap().as_str(),
            "https://ilo/redfish/v1/systems/1/bios/settings/"
        );
        let r = RedfishRequest::get("https://other:8443/taskmon/1");
        assert_eq!(
            r.url(&base).unwrap().as_str(),
            "https://other:8443/taskmon/1"
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let a = AuthHeader::Basic {
            user: "admin".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{a:?}").contains("hunter2"));
        assert!(!format!("{:?}", AuthHeader::Token("tok".into())).contains("tok"));
        let login = session_login("/redfish/v1/SessionService/Sessions", "root", "pw");
        assert!(!format!("{login:?}").contains("\"pw\""));
        assert_eq!(login.body.unwrap()["UserName"], "root");
    }
}
