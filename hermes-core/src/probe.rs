//! Health probes: is a service answering, and answering as the protocol it should speak? Each probe opens
//! a TCP connection with a timeout and, for known protocols, performs the first real exchange of that
//! protocol (no credentials needed): PostgreSQL's SSLRequest, Redis `PING`, the AMQP 0-9-1 protocol
//! header, the SSH banner, an HTTP request line.
//!
//! ```no_run
//! # async fn demo() -> hermes_core::Result<()> {
//! use std::time::Duration;
//! use hermes_core::probe::{probe, Protocol};
//! let r = probe("127.0.0.1:5432", Protocol::Postgres, Duration::from_secs(2)).await?;
//! println!("{} answered as {} in {:?}: {}", r.addr, r.protocol, r.elapsed, r.detail);
//! # Ok(()) }
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::error::{Error, ErrorKind, Result, Sent};

/// The protocol a probe checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Only that the port accepts a TCP connection.
    Tcp,
    /// PostgreSQL: an SSLRequest must be answered `S` or `N`.
    Postgres,
    /// Redis: `PING` must be answered `+PONG` (or `-NOAUTH`, which still proves Redis).
    Redis,
    /// AMQP 0-9-1 (RabbitMQ): the protocol header must be answered with a method frame.
    Amqp,
    /// SSH: the server must send an `SSH-2.0-` banner.
    Ssh,
    /// HTTP/1.1: `HEAD /` must be answered with an `HTTP/` status line.
    Http,
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Tcp => "tcp",
            Protocol::Postgres => "postgres",
            Protocol::Redis => "redis",
            Protocol::Amqp => "amqp",
            Protocol::Ssh => "ssh",
            Protocol::Http => "http",
        })
    }
}

impl FromStr for Protocol {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "tcp" => Protocol::Tcp,
            "postgres" | "postgresql" | "pg" => Protocol::Postgres,
            "redis" => Protocol::Redis,
            "amqp" | "rabbitmq" => Protocol::Amqp,
            "ssh" => Protocol::Ssh,
            "http" => Protocol::Http,
            other => {
                return Err(Error::invalid_input(format!(
                    "unknown probe protocol {other:?}: use tcp, postgres, redis, amqp, ssh or http"
                )))
            }
        })
    }
}

/// What a successful probe saw.
#[derive(Debug, Clone)]
pub struct ProbeResult {
    /// The address probed.
    pub addr: String,
    /// The protocol checked.
    pub protocol: Protocol,
    /// Connect + exchange time.
    pub elapsed: Duration,
    /// What the service said (`SSH-2.0-OpenSSH_9.2p1`, `+PONG`, `SSL not offered`).
    pub detail: String,
}

/// Probes `addr` for `protocol` within `timeout`. A refused connection is [`ErrorKind::Transport`], no
/// answer in time [`ErrorKind::Timeout`], a wrong answer [`ErrorKind::Malformed`].
pub async fn probe(addr: &str, protocol: Protocol, timeout: Duration) -> Result<ProbeResult> {
    let started = Instant::now();
    let work = async {
        let mut s = TcpStream::connect(addr).await.map_err(|e| {
            Error::new(ErrorKind::Transport, format!("cannot connect: {e}")).with_sent(Sent::No)
        })?;
        let bad = |what: String| Error::malformed(format!("does not answer as {protocol}: {what}"));
        let mut buf = vec![0u8; 512];
        let detail = match protocol {
            Protocol::Tcp => "port open".to_string(),
            Protocol::Postgres => {
                s.write_all(&[0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]).await?;
                let n = s.read(&mut buf[..1]).await?;
                match (n, buf[0]) {
                    (1, b'S') => "SSL offered".into(),
                    (1, b'N') => "SSL not offered".into(),
                    _ => return Err(bad(format!("{:?}", &buf[..n]))),
                }
            }
            Protocol::Redis => {
                s.write_all(b"PING\r\n").await?;
                let n = s.read(&mut buf).await?;
                let line = String::from_utf8_lossy(&buf[..n]).trim().to_string();
                if line == "+PONG" || line.starts_with("-NOAUTH") {
                    line
                } else {
                    return Err(bad(line));
                }
            }
            Protocol::Amqp => {
                s.write_all(b"AMQP\x00\x00\x09\x01").await?;
                let mut got = 0;
                while got < 11 {
                    let n = s.read(&mut buf[got..]).await?;
                    if n == 0 {
                        break;
                    }
                    got += n;
                }
                // A method frame (type 1) carrying connection.start (class 10, method 10).
                if got >= 11 && buf[0] == 1 && buf[7..11] == [0, 10, 0, 10] {
                    format!(
                        "connection.start, AMQP {}-{}",
                        buf[11],
                        buf.get(12).copied().unwrap_or(0)
                    )
                } else {
                    return Err(bad(format!("{:?}", &buf[..got.min(16)])));
                }
            }
            Protocol::Ssh => {
                let n = s.read(&mut buf).await?;
                let line = String::from_utf8_lossy(&buf[..n])
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string();
                if line.starts_with("SSH-2.0-") {
                    line
                } else {
                    return Err(bad(line));
                }
            }
            Protocol::Http => {
                s.write_all(
                    format!("HEAD / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                        .as_bytes(),
                )
                .await?;
                let n = s.read(&mut buf).await?;
                let line = String::from_utf8_lossy(&buf[..n])
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string();
                if line.starts_with("HTTP/") {
                    line
                } else {
                    return Err(bad(line));
                }
            }
        };
        Ok::<_, Error>(detail)
    };
    let detail = tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| {
            Error::new(
                ErrorKind::Timeout,
                format!("no {protocol} answer within {timeout:?}"),
            )
            .with_target(addr.to_string())
        })?
        .map_err(|e| e.with_target(addr.to_string()))?;
    Ok(ProbeResult {
        addr: addr.to_string(),
        protocol,
        elapsed: started.elapsed(),
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refused_wrong_protocol_and_silence() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let e = probe(
            &format!("127.0.0.1:{port}"),
            Protocol::Tcp,
            Duration::from_secs(2),
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport);
        // A server that answers garbage, and one that never answers.
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            let (mut a, _) = l.accept().await.unwrap();
            a.write_all(b"hello there\r\n").await.unwrap();
            let (_b, _) = l.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
        });
        let e = probe(&addr, Protocol::Ssh, Duration::from_secs(2))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Malformed);
        assert!(e.to_string().contains("hello there"), "{e}");
        let e = probe(&addr, Protocol::Redis, Duration::from_millis(300))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert!("mongodb".parse::<Protocol>().is_err());
    }
}
