//! Shared HTTP plumbing for the monitoring clients: base URL, timeouts, error classification, and a
//! minimal HTTP/1.1 server used by the exporter and the webhook receiver.

use crate::error::{AnomalyError, Result};
use hermes_core::{Secret, Sent};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

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

/// Reads one request from `stream` (head ≤ 64 KiB, body ≤ 4 MiB, framed by `Content-Length` or
/// `Transfer-Encoding: chunked` as a proxy in front of the receiver may send it), with a timeout.
pub(crate) async fn read_request<S: tokio::io::AsyncRead + Unpin>(
    stream: S,
) -> std::io::Result<HttpRequest> {
    let fut = async {
        let mut r = BufReader::new(stream);
        let mut line = String::new();
        r.read_line(&mut line).await?;
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("/").to_string();
        let mut len = 0usize;
        let mut chunked = false;
        let mut authorization = None;
        let mut head = 0usize;
        loop {
            line.clear();
            let n = r.read_line(&mut line).await?;
            head += n;
            if n == 0 || line == "\r\n" || line == "\n" || head > 64 << 10 {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                let k = k.trim();
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                } else if k.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = v.to_ascii_lowercase().contains("chunked");
                } else if k.eq_ignore_ascii_case("authorization") {
                    authorization = Some(Secret::new(v.trim()));
                }
            }
        }
        let body = if chunked {
            read_chunked(&mut r).await?
        } else {
            if len > MAX_BODY {
                return Err(too_large());
            }
            let mut body = vec![0; len];
            r.read_exact(&mut body).await?;
            body
        };
        Ok(HttpRequest {
            method,
            path,
            authorization,
            body,
        })
    };
    tokio::time::timeout(Duration::from_secs(10), fut)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "request read timed out"))?
}

fn too_large() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, "body too large")
}

/// A chunked body (RFC 9112 §7.1): hex sizes (extensions ignored), data, a 0 chunk, trailers.
async fn read_chunked<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Vec<u8>> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Err(bad("chunked body ended before its last chunk"));
        }
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| bad(&format!("bad chunk size {size:?}")))?;
        if size == 0 {
            break;
        }
        if body.len() + size > MAX_BODY {
            return Err(too_large());
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..]).await?;
        line.clear();
        r.read_line(&mut line).await?;
        if !line.trim().is_empty() {
            return Err(bad("chunk data longer than its size"));
        }
    }
    // Trailers, up to the empty line that ends the request.
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 || line.trim().is_empty() {
            return Ok(body);
        }
    }
}

pub(crate) async fn write_response<S: tokio::io::AsyncWrite + Unpin>(
    mut stream: S,
    resp: &HttpResponse,
) -> std::io::Result<()> {
    let reason = match resp.status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        resp.status,
        resp.content_type,
        resp.body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&resp.body).await?;
    stream.shutdown().await
}

/// Serves `handler` on `listener` until the returned handle is aborted or dropped by the runtime.
pub(crate) fn serve<F>(listener: tokio::net::TcpListener, handler: F) -> tokio::task::JoinHandle<()>
where
    F: Fn(HttpRequest) -> HttpResponse + Send + Sync + 'static,
{
    let handler = std::sync::Arc::new(handler);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                continue;
            };
            let handler = handler.clone();
            tokio::spawn(async move {
                let (rd, wr) = sock.split();
                let resp = match read_request(rd).await {
                    Ok(req) => handler(req),
                    Err(e) => HttpResponse::error(400, &e.to_string()),
                };
                let _ = write_response(wr, &resp).await;
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn chunked_and_content_length_bodies() {
        let chunked = b"POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
            5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n";
        let req = read_request(&chunked[..]).await.unwrap();
        assert_eq!(
            (req.method.as_str(), req.path.as_str(), req.body.as_slice()),
            ("POST", "/hook", &b"hello world"[..])
        );
        assert!(req.authorization.is_none());
        let plain =
            b"POST / HTTP/1.1\r\nauthorization:  Bearer s3cret \r\nContent-Length: 5\r\n\r\nhello";
        let req = read_request(&plain[..]).await.unwrap();
        assert_eq!(req.body, b"hello");
        assert_eq!(
            req.authorization.as_ref().unwrap().expose(),
            "Bearer s3cret"
        );
        assert!(
            !format!("{req:?}").contains("s3cret"),
            "the header never shows in Debug"
        );
        for bad in [
            &b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"[..],
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n",
        ] {
            assert!(
                read_request(bad).await.is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
