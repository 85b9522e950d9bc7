//! An embedded HTTP file server for virtual media: serves the files of one directory (GET and HEAD,
//! single byte ranges as BMCs request them, streamed from disk, never buffered whole), and nothing
//! outside it. BMCs fetch the per-host ISOs from it; any other URL works too.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hermes_ilo::IloError> {
//! use hermes_ilo::fileserver::FileServer;
//! let server = FileServer::bind("0.0.0.0:8080".parse().unwrap(), "/srv/hermes/iso").await?;
//! let url = server.url_for("esxi-01.iso", Some("10.0.0.5"))?;   // what the BMC should fetch
//! println!("serving {url}");
//! server.shutdown().await;
//! # Ok(()) }
//! ```

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;
use hermes_core::ErrorKind;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::{combinators::BoxBody, BodyExt, Empty, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::error::{IloError, Result};

type Body = BoxBody<Bytes, std::io::Error>;

/// A running file server. Dropping it stops it too.
#[derive(Debug)]
pub struct FileServer {
    addr: SocketAddr,
    root: PathBuf,
    stop: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
    requests: Arc<AtomicU64>,
    served: Served,
}

type Served = Arc<std::sync::Mutex<std::collections::BTreeMap<String, u64>>>;

impl FileServer {
    /// Serves `root` on `addr` (port 0 picks a free port).
    pub async fn bind(addr: SocketAddr, root: impl Into<PathBuf>) -> Result<FileServer> {
        let root = root.into();
        let root = tokio::fs::canonicalize(&root).await.map_err(|e| {
            IloError::local(
                root.display().to_string(),
                ErrorKind::InvalidInput,
                format!("cannot serve this directory: {e}"),
            )
        })?;
        let listener = TcpListener::bind(addr).await.map_err(|e| {
            IloError::local(
                addr.to_string(),
                ErrorKind::Conflict,
                format!("cannot listen for the virtual media file server: {e}"),
            )
        })?;
        let addr = listener
            .local_addr()
            .map_err(|e| IloError::local(addr.to_string(), ErrorKind::Internal, e.to_string()))?;
        let stop = CancellationToken::new();
        let requests = Arc::new(AtomicU64::new(0));
        let served: Served = Arc::default();
        let task = tokio::spawn(accept_loop(
            listener,
            Arc::new(root.clone()),
            stop.clone(),
            requests.clone(),
            served.clone(),
        ));
        tracing::info!(%addr, root = %root.display(), "virtual media file server listening");
        Ok(FileServer {
            addr,
            root,
            stop,
            task: Some(task),
            requests,
            served,
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The directory it serves.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How many requests it has answered (GET and HEAD).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// How many GET/HEAD requests each URL path got (which BMC fetched which image).
    pub fn served(&self) -> std::collections::BTreeMap<String, u64> {
        self.served.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The URL of `relative` (a path inside the root) as seen from `host` (the address the BMCs
    /// reach this machine at; default: the listening address).
    pub fn url_for(&self, relative: &str, host: Option<&str>) -> Result<url::Url> {
        let host = host
            .map(str::to_string)
            .unwrap_or_else(|| self.addr.ip().to_string());
        let mut url = url::Url::parse(&format!("http://{host}:{}/", self.addr.port()))
            .map_err(|e| IloError::invalid(&host, format!("not a host for a URL: {e}")))?;
        url.set_path(relative.trim_start_matches('/'));
        Ok(url)
    }

    /// Stops accepting and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        self.stop.cancel();
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn accept_loop(
    listener: TcpListener,
    root: Arc<PathBuf>,
    stop: CancellationToken,
    requests: Arc<AtomicU64>,
    served: Served,
) {
    loop {
        let (stream, _) = tokio::select! {
            _ = stop.cancelled() => return,
            r = listener.accept() => match r {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!("file server accept failed: {e}");
                    continue;
                }
            },
        };
        let root = root.clone();
        let requests = requests.clone();
        let served = served.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                let root = root.clone();
                let requests = requests.clone();
                let served = served.clone();
                async move {
                    requests.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut m) = served.lock() {
                        *m.entry(req.uri().path().to_string()).or_default() += 1;
                    }
                    Ok::<_, Infallible>(serve(&root, req).await)
                }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = stop.cancelled() => {}
            }
        });
    }
}

fn empty(status: StatusCode) -> Response<Body> {
    Response::builder()
        .status(status)
        .body(Empty::new().map_err(|e: Infallible| match e {}).boxed())
        .expect("static response")
}

fn text(status: StatusCode, msg: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(
            Full::new(Bytes::from(msg.to_string()))
                .map_err(|e: Infallible| match e {})
                .boxed(),
        )
        .expect("static response")
}

/// Maps a URL path to a file under `root`, refusing anything that leaves it.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    let mut out = root.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let s = String::from_utf8(out).ok()?;
    (!s.contains('\0')).then_some(s)
}

/// Parses a single `bytes=` range against a file of `len` bytes: `Some(Ok((start, end)))` inclusive,
/// `Some(Err(()))` unsatisfiable, `None` no (usable) range header.
pub fn parse_range(value: &str, len: u64) -> Option<std::result::Result<(u64, u64), ()>> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None; // multiple ranges: serve the whole file
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let r = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 || len == 0 {
            return Some(Err(()));
        }
        (len.saturating_sub(n), len - 1)
    } else {
        let start: u64 = a.parse().ok()?;
        let end: u64 = if b.is_empty() {
            len.saturating_sub(1)
        } else {
            b.parse::<u64>().ok()?.min(len.saturating_sub(1))
        };
        if start >= len || start > end {
            return Some(Err(()));
        }
        (start, end)
    };
    Some(Ok(r))
}

async fn serve(root: &Path, req: Request<Incoming>) -> Response<Body> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
    }
    let Some(path) = resolve(root, req.uri().path()) else {
        return text(StatusCode::BAD_REQUEST, "bad path\n");
    };
    let mut file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(_) => return text(StatusCode::NOT_FOUND, "not found\n"),
    };
    let len = match file.metadata().await {
        Ok(m) if m.is_file() => m.len(),
        _ => return text(StatusCode::NOT_FOUND, "not found\n"),
    };
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_range(v, len));
    let (status, start, end) = match range {
        Some(Ok((s, e))) => (StatusCode::PARTIAL_CONTENT, s, e),
        Some(Err(())) => {
            let mut r = empty(StatusCode::RANGE_NOT_SATISFIABLE);
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                format!("bytes */{len}").parse().expect("header"),
            );
            return r;
        }
        None => (StatusCode::OK, 0, len.saturating_sub(1)),
    };
    let count = if len == 0 { 0 } else { end - start + 1 };
    let mut builder = Response::builder()
        .status(status)
        .header(header::CONTENT_LENGTH, count)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CONTENT_TYPE, "application/octet-stream");
    if status == StatusCode::PARTIAL_CONTENT {
        builder = builder.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}"));
    }
    if req.method() == Method::HEAD {
        return builder
            .body(Empty::new().map_err(|e: Infallible| match e {}).boxed())
            .expect("response");
    }
    if start > 0 && file.seek(std::io::SeekFrom::Start(start)).await.is_err() {
        return text(StatusCode::INTERNAL_SERVER_ERROR, "seek failed\n");
    }
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(count), 256 * 1024)
        .map_ok(Frame::data);
    builder
        .body(BodyExt::boxed(StreamBody::new(stream)))
        .expect("response")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_root() {
        let root = Path::new("/srv/iso");
        assert_eq!(
            resolve(root, "/a/b.iso").unwrap(),
            Path::new("/srv/iso/a/b.iso")
        );
        assert_eq!(
            resolve(root, "/esxi%2001.iso").unwrap(),
            Path::new("/srv/iso/esxi 01.iso")
        );
        assert!(resolve(root, "/../etc/passwd").is_none());
        assert!(resolve(root, "/%2e%2e/etc/passwd").is_none());
        assert!(resolve(root, "/a%00b").is_none());
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Some(Ok((0, 9))));
        assert_eq!(parse_range("bytes=90-", 100), Some(Ok((90, 99))));
        assert_eq!(parse_range("bytes=-10", 100), Some(Ok((90, 99))));
        assert_eq!(parse_range("bytes=95-200", 100), Some(Ok((95, 99))));
        assert_eq!(parse_range("bytes=100-", 100), Some(Err(())));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
    }
}
