//! SHA-256 checksums, computed while streaming.
//!
//! [`HashingReader`] and [`HashingWriter`] wrap any async reader or writer and hash the bytes that pass
//! through, so a backup or an upload is checksummed without a second read. [`sha256_file`] hashes a file
//! on a blocking thread (hashing is CPU work and stays off the async threads).
//!
//! ```
//! # tokio_test_block_on(async {
//! use hermes_core::checksum::{HashingReader, Sha256Digest};
//! use tokio::io::AsyncReadExt;
//! let mut r = HashingReader::new(&b"abc"[..]);
//! let mut out = Vec::new();
//! r.read_to_end(&mut out).await.unwrap();
//! assert_eq!(r.digest().to_string(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
//! assert_eq!(Sha256Digest::of(b"abc"), r.digest());
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f) }
//! ```

use std::fmt;
use std::path::Path;
use std::pin::Pin;
use std::str::FromStr;
use std::task::{Context, Poll};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::{Error, Result};

/// A SHA-256 digest; displayed and parsed as 64 lower-case hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256Digest(pub [u8; 32]);

impl Sha256Digest {
    /// The digest of `data`.
    pub fn of(data: &[u8]) -> Self {
        Sha256Digest(Sha256::digest(data).into())
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The digest in base64 (as S3's `x-amz-checksum-sha256` wants it).
    pub fn to_base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{self}")
    }
}

impl FromStr for Sha256Digest {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.strip_prefix("sha256:").unwrap_or(s);
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|e| {
            Error::invalid_input(format!(
                "{s:?} is not a SHA-256 digest (64 hex characters expected): {e}"
            ))
        })?;
        Ok(Sha256Digest(out))
    }
}

impl serde::Serialize for Sha256Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Sha256Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An incremental SHA-256 hasher that also counts bytes.
#[derive(Clone, Default)]
pub struct Sha256Hasher {
    inner: Sha256,
    bytes: u64,
}

impl Sha256Hasher {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self::default()
    }
    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
        self.bytes += data.len() as u64;
    }
    /// How many bytes were fed.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
    /// The digest of everything fed so far (the hasher can go on).
    pub fn digest(&self) -> Sha256Digest {
        Sha256Digest(self.inner.clone().finalize().into())
    }
}

/// An async reader that hashes what is read through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256Hasher,
}

impl<R> HashingReader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256Hasher::new(),
        }
    }
    /// The digest of the bytes read so far.
    pub fn digest(&self) -> Sha256Digest {
        self.hasher.digest()
    }
    /// How many bytes were read.
    pub fn bytes(&self) -> u64 {
        self.hasher.bytes()
    }
    /// The wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for HashingReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let res = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &res {
            this.hasher.update(&buf.filled()[before..]);
        }
        res
    }
}

/// An async writer that hashes what is written through it.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256Hasher,
}

impl<W> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256Hasher::new(),
        }
    }
    /// The digest of the bytes written so far.
    pub fn digest(&self) -> Sha256Digest {
        self.hasher.digest()
    }
    /// How many bytes were written.
    pub fn bytes(&self) -> u64 {
        self.hasher.bytes()
    }
    /// The wrapped writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for HashingWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let res = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &res {
            this.hasher.update(&buf[..*n]);
        }
        res
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Hashes a file on a blocking thread, streaming it in 1 MiB blocks. Returns the digest and the size.
pub async fn sha256_file(path: impl AsRef<Path>) -> Result<(Sha256Digest, u64)> {
    let path = path.as_ref().to_path_buf();
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut f = std::fs::File::open(&path).map_err(|e| Error::io(&path, "open", e))?;
        let mut h = Sha256Hasher::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf).map_err(|e| Error::io(&path, "read", e))?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok((h.digest(), h.bytes()))
    })
    .await
    .map_err(|e| {
        Error::new(
            crate::ErrorKind::Internal,
            format!("hashing task failed: {e}"),
        )
    })?
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[test]
    fn known_vectors() {
        assert_eq!(
            Sha256Digest::of(b"").to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let d: Sha256Digest =
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                .parse()
                .unwrap();
        assert_eq!(d, Sha256Digest::of(b"abc"));
        assert_eq!(
            d.to_base64(),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        let err = "xyz".parse::<Sha256Digest>().unwrap_err();
        assert!(err.to_string().contains("\"xyz\""), "{err}");
    }

    #[tokio::test]
    async fn writer_and_file_hash_agree() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let f = tokio::fs::File::create(&path).await.unwrap();
        let mut w = HashingWriter::new(f);
        w.write_all(&data).await.unwrap();
        w.flush().await.unwrap();
        let (d, n) = sha256_file(&path).await.unwrap();
        assert_eq!(n, data.len() as u64);
        assert_eq!(d, w.digest());
        assert_eq!(d, Sha256Digest::of(&data));
        let missing = sha256_file(dir.path().join("nope")).await.unwrap_err();
        assert_eq!(missing.kind(), crate::ErrorKind::NotFound);
    }
}
