//! Shared HTTP plumbing for the monitoring clients: base URL, timeouts, error classification, and the
//! HTTP/1.1 server (hyper) used by the exporter and the webhook receiver.

use crate::error::{AnomalyError, Result};
use hermes_core::{Secret, Sent};
use std::time::Duration;

/// A base URL plus a configured `reqwest` client.
#[derive(Debug, Clone)]
pub(crate) struct HttpTarget {
    base: String,
    client: reqwest::Client,
}

impl HttpTarget {
    pub(crate) fn new(base: &str, timeout: Duration) -> Result<Self> {
        let base = base.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(AnomalyError::invalid(
                base,
                "expected an http:// or https:// base URL such as http://127.0.0.1:9090",
            ));
        }
        Ok(HttpTarget {
            client: build_client(&base, timeout)?,
            base,
        })
    }

    pub(crate) fn with_timeout(mut self, timeout: Duration) -> Result<Self> {
        self.client = build_client(&self.base, timeout)?;
        Ok(self)
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

fn build_client(base: &str, timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("hermes-anomaly/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AnomalyError::invalid(base, format!("cannot build HTTP client: {e}")))
}

/// Turns a reqwest failure into a transport error, saying whether the request may have been sent.
pub(crate) fn classify_reqwest(url: &str, e: reqwest::Error) -> AnomalyError {
    let sent = if e.is_connect() {
        Sent::No
    } else {
        Sent::Maybe
    };
    AnomalyError::Transport {
        target: url.to_string(),
        message: if e.is_connect() {
            format!("cannot connect ({e}); is the server running? (scripts/peers.sh up)")
        } else {
            e.to_string()
        },
        sent,
        timeout: e.is_timeout(),
    }
}

pub(crate) fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    h.get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// A parsed HTTP/1.1 request (enough for `/metrics` scrapes and Alertmanager webhooks).
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// `GET`, `POST`...
    pub method: String,
    /// The request target (`/metrics`).
    pub path: String,
    /// The `Authorization` header (`Bearer ...`, `Basic ...`), kept as a [`Secret`]: it never
    /// shows in `Debug`.
    pub authorization: Option<Secret>,
    /// The body.
    pub body: Vec<u8>,
}

/// A response to write.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Content type.
    pub content_type: &'static str,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A 200 with a body.
    pub fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status: 200,
            content_type,
            body: body.into(),
        }
    }

    /// An error status with a text body.
    pub fn error(status: u16, message: &str) -> Self {
        HttpResponse {
            status,
            content_type: "text/plain; charset=utf-8",
            body: message.as_bytes().to_vec(),
        }
    }
}

const MAX_BODY: usize = 4 << 20;

/// How long a client may take to send a request's head and body.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

type Body = http_body_util::Full<bytes::Bytes>;

/// Reads one request's method, target, `Authorization` and body (≤ 4 MiB, framed as the client sent
/// it: `Content-Length` or chunked, as hyper decodes it), with a timeout; an unreadable request is
/// answered with the status that says why.
async fn read_request(
    req: hyper::Request<hyper::body::Incoming>,
) -> std::result::Result<HttpRequest, HttpResponse> {
    use http_body_util::BodyExt;
    let method = req.method().as_str().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let authorization = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| Secret::new(v.trim()));
    let body = http_body_util::Limited::new(req.into_body(), MAX_BODY).collect();
    let body = match tokio::time::timeout(READ_TIMEOUT, body).await {
        Err(_) => {
            return Err(HttpResponse::error(
                408,
                "request body not received in time",
            ))
        }
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(HttpResponse::error(
                413,
                "body larger than 4 MiB: lower max_alerts in Alertmanager's webhook_configs",
            ))
        }
        Ok(Err(e)) => return Err(HttpResponse::error(400, &format!("unreadable body: {e}"))),
        Ok(Ok(b)) => b.to_bytes().to_vec(),
    };
    Ok(HttpRequest {
        method,
        path,
        authorization,
        body,
    })
}

fn to_hyper(resp: HttpResponse) -> hyper::Response<Body> {
    let mut out = hyper::Response::new(Body::new(resp.body.into()));
    *out.status_mut() = hyper::StatusCode::from_u16(resp.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    out.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(resp.content_type),
    );
    out
}

/// Serves `handler` on `listener` over HTTP/1.1 (hyper: keep-alive, chunked bodies,
/// `Expect: 100-continue`) until the returned handle is aborted or dropped by the runtime.
pub(crate) fn serve<F>(listener: tokio::net::TcpListener, handler: F) -> tokio::task::JoinHandle<()>
where
    F: Fn(HttpRequest) -> HttpResponse + Send + Sync + 'static,
{
    let handler = std::sync::Arc::new(handler);
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                continue;
            };
            let handler = handler.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| {
                    let handler = handler.clone();
                    async move {
                        let resp = match read_request(req).await {
                            Ok(req) => handler(req),
                            Err(refused) => refused,
                        };
                        Ok::<_, std::convert::Infallible>(to_hyper(resp))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(READ_TIMEOUT)
                    .serve_connection(hyper_util::rt::TokioIo::new(sock), svc)
                    .await;
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Sends raw bytes to a server whose handler records each request, returns the reply's text.
    async fn exchange(raw: &[u8], seen: &Arc<Mutex<Vec<HttpRequest>>>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = seen.clone();
        let server = serve(listener, move |req| {
            log.lock().unwrap().push(req);
            HttpResponse::ok("text/plain", "ok")
        });
        let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
        sock.write_all(raw).await.unwrap();
        let mut reply = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), sock.read_to_end(&mut reply)).await;
        server.abort();
        String::from_utf8_lossy(&reply).into_owned()
    }

    /// Bodies framed by `Content-Length` or chunked (as a proxy in front of the receiver sends
    /// them), the `Authorization` header kept as a secret, malformed chunking refused with 400.
    #[tokio::test]
    async fn chunked_and_content_length_bodies() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let reply = exchange(
            b"POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
              5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n",
            &seen,
        )
        .await;
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        let req = seen.lock().unwrap().pop().unwrap();
        assert_eq!(
            (req.method.as_str(), req.path.as_str(), req.body.as_slice()),
            ("POST", "/hook", &b"hello world"[..])
        );
        assert!(req.authorization.is_none());

        let reply = exchange(
            b"POST /?a=1 HTTP/1.1\r\nHost: x\r\nauthorization:  Bearer s3cret \r\nContent-Length: 5\r\n\
              Connection: close\r\n\r\nhello",
            &seen,
        )
        .await;
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        let req = seen.lock().unwrap().pop().unwrap();
        assert_eq!(
            (req.path.as_str(), req.body.as_slice()),
            ("/?a=1", &b"hello"[..])
        );
        assert_eq!(
            req.authorization.as_ref().unwrap().expose(),
            "Bearer s3cret"
        );
        assert!(
            !format!("{req:?}").contains("s3cret"),
            "the header never shows in Debug"
        );

        for bad in [
            &b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"[..],
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
        ] {
            let reply = exchange(bad, &seen).await;
            assert!(
                reply.starts_with("HTTP/1.1 400"),
                "{:?} -> {reply}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(
            seen.lock().unwrap().is_empty(),
            "no malformed request reached the handler"
        );
    }

    /// A client that asks `Expect: 100-continue` (curl does for large bodies) is told to go on at
    /// once instead of waiting out its own timer; a body over 4 MiB is refused with 413.
    #[tokio::test]
    async fn expect_continue_and_the_body_limit() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let reply = exchange(
            b"POST /hook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\
              Connection: close\r\n\r\n{}",
            &seen,
        )
        .await;
        assert!(reply.starts_with("HTTP/1.1 100 Continue"), "{reply}");
        assert!(reply.contains("HTTP/1.1 200"), "{reply}");
        assert_eq!(seen.lock().unwrap().pop().unwrap().body, b"{}");

        let mut big = format!(
            "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            MAX_BODY + 1
        )
        .into_bytes();
        big.resize(big.len() + MAX_BODY + 1, b'x');
        let reply = exchange(&big, &seen).await;
        assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
        assert!(seen.lock().unwrap().is_empty());
    }
}
