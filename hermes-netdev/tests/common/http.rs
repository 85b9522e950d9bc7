//! Reading one HTTP/1.1 request in the recorded-reply servers of `nxapi_recorded.rs` and
//! `fortirest_recorded.rs` (included there with `#[path]`).

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// One request read from `s`: its head (request line and headers, as sent, without the blank line)
/// and its body (`Content-Length` bytes); `None` when the client closes first.
pub async fn read_request(s: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let (head_end, len) = loop {
        let n = s.read(&mut tmp).await.unwrap_or(0);
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..p]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse::<usize>().unwrap())
                .unwrap_or(0);
            break (p + 4, len);
        }
    };
    while buf.len() < head_end + len {
        let n = s.read(&mut tmp).await.unwrap_or(0);
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    let head = String::from_utf8_lossy(&buf[..head_end - 4]).to_string();
    Some((head, buf[head_end..head_end + len].to_vec()))
}
