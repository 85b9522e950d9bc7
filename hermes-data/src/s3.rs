//! S3 as an [`ArtifactStore`]: any S3 (AWS, Arvan, MinIO, SeaweedFS, moto) through aws-sdk-s3 with a
//! custom endpoint, path-style addressing and credentials from a [`Secret`].
//!
//! - **put** streams the body: an object up to [`S3Config::multipart_threshold`] is one `PutObject`;
//!   a larger one is a multipart upload whose parts ([`S3Config::part_size`], 16 MiB by default) are
//!   hashed and sent in parallel ([`S3Config::part_concurrency`] at once, so memory stays bounded by
//!   about `(concurrency + 1) × part size`). Every request carries the body's SHA-256
//!   (`x-amz-checksum-sha256`), which the server checks (a mismatch is
//!   [`ErrorKind::VerificationFailed`]).
//! - **atomic**: a multipart object is visible only after `CompleteMultipartUpload`.
//! - **resumable**: when a multipart put fails on a transient error (the server went away, the
//!   connection dropped) the upload is kept; the next put of the same key finds it
//!   (`ListMultipartUploads`, `ListParts`), reuses every part whose content matches (by SHA-256, or by
//!   the part's MD5 ETag when the server does not list checksums) and sends only the rest. A permanent
//!   failure (a checksum mismatch, refused credentials) aborts the upload.
//! - **retries** use hermes-core's [`RetryPolicy`] (the SDK's own retries are off): reads, lists,
//!   deletes, `PutObject` of a whole in-memory body and `UploadPart` are idempotent and retried on any
//!   transient error; creating and completing an upload only when the request certainly was not sent.
//! - **errors** are hermes-core kinds: `NoSuchKey`/404 → [`ErrorKind::NotFound`], 401/403 →
//!   [`ErrorKind::Auth`] (naming the endpoint and bucket, never the secret), `BadDigest` →
//!   [`ErrorKind::VerificationFailed`], 5xx and broken connections → [`ErrorKind::Transport`], no
//!   answer in time → [`ErrorKind::Timeout`], each with [`Sent`] saying whether the request may have
//!   reached the server.
//!
//! ```no_run
//! # async fn demo() -> hermes_core::Result<()> {
//! use hermes_data::s3::{S3Config, S3Store};
//! use hermes_core::{ArtifactStore, Secret};
//! let store = S3Store::new(
//!     S3Config::from_url("s3://backups/offsite/db01")?
//!         .endpoint("http://127.0.0.1:8333")
//!         .credentials("AKIA...", Secret::from_env("S3_SECRET_KEY")?),
//! )?;
//! store.create_bucket().await?;
//! store.put_bytes("hello.txt", "hi\n".into()).await?;
//! assert_eq!(store.get_bytes("hello.txt").await?, "hi\n");
//! # Ok(()) }
//! ```

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode, CompletedMultipartUpload, CompletedPart};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::stream::FuturesUnordered;
use futures::StreamExt;
use hermes_core::artifact::{validate_key, ArtifactMeta, ArtifactStore};
use hermes_core::checksum::{HashingReader, Sha256Digest};
use hermes_core::secret::Secret;
use hermes_core::traits::ArtifactSource;
use hermes_core::{Error, ErrorKind, Idempotency, Result, RetryPolicy, Sent};
use tokio::io::AsyncReadExt;

const MIB: u64 = 1 << 20;
/// S3's smallest part (except the last one).
const MIN_PART: u64 = 5 * MIB;
/// S3's largest part.
const MAX_PART: u64 = 5 * 1024 * MIB;
/// S3's most parts in one upload.
const MAX_PARTS: u32 = 10_000;

/// How to reach an S3 bucket. Built with [`S3Config::new`] or [`S3Config::from_url`] and the setters;
/// its `Debug` never shows the secret key.
///
/// ```
/// use hermes_data::s3::S3Config;
/// let cfg = S3Config::from_url("s3://offsite/hermes").unwrap()
///     .endpoint("http://127.0.0.1:8333")
///     .credentials("hermes", "not-to-be-printed")
///     .part_size(8 << 20)
///     .part_concurrency(8);
/// assert_eq!(cfg.bucket(), "offsite");
/// assert_eq!(cfg.prefix_str(), "hermes/");
/// assert!(!format!("{cfg:?}").contains("not-to-be-printed"));
/// ```
#[derive(Clone)]
pub struct S3Config {
    endpoint: Option<String>,
    region: String,
    bucket: String,
    prefix: String,
    access_key: Option<String>,
    secret_key: Option<Secret>,
    path_style: bool,
    part_size: u64,
    multipart_threshold: u64,
    part_concurrency: usize,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    retry: RetryPolicy,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("access_key", &self.access_key)
            .field(
                "secret_key",
                &self
                    .secret_key
                    .as_ref()
                    .map(|_| hermes_core::secret::REDACTED),
            )
            .field("path_style", &self.path_style)
            .field("part_size", &self.part_size)
            .field("multipart_threshold", &self.multipart_threshold)
            .field("part_concurrency", &self.part_concurrency)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl S3Config {
    /// A bucket with the defaults: AWS's endpoint for the region, region `us-east-1`, path-style
    /// addressing (what self-hosted S3 servers want), no key prefix, 16 MiB parts, multipart above
    /// 32 MiB, 8 parts in flight, 10 s to connect, 300 s per request attempt, the default
    /// [`RetryPolicy`].
    pub fn new(bucket: impl Into<String>) -> Self {
        S3Config {
            endpoint: None,
            region: "us-east-1".into(),
            bucket: bucket.into(),
            prefix: String::new(),
            access_key: None,
            secret_key: None,
            path_style: true,
            part_size: 16 * MIB,
            multipart_threshold: 32 * MIB,
            part_concurrency: 8,
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(300),
            retry: RetryPolicy::default(),
        }
    }

    /// Parses `s3://bucket[/prefix]`.
    pub fn from_url(url: &str) -> Result<Self> {
        let rest = url.strip_prefix("s3://").ok_or_else(|| {
            Error::invalid_input(format!(
                "{url:?} is not an S3 location: write s3://BUCKET[/PREFIX]"
            ))
        })?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(Error::invalid_input(format!(
                "{url:?} names no bucket: write s3://BUCKET[/PREFIX]"
            )));
        }
        Ok(S3Config::new(bucket).prefix(prefix))
    }

    /// The endpoint URL (`http://127.0.0.1:8333`, `https://s3.ir-thr-at1.arvanstorage.ir`).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into().trim_end_matches('/').to_string());
        self
    }
    /// The region used for signing.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }
    /// A key prefix under which every object lives (`offsite/db01` → `offsite/db01/<key>`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        let p = prefix.into();
        let p = p.trim_matches('/');
        self.prefix = if p.is_empty() {
            String::new()
        } else {
            format!("{p}/")
        };
        self
    }
    /// The access key id and secret access key.
    pub fn credentials(mut self, access_key: impl Into<String>, secret: impl Into<Secret>) -> Self {
        self.access_key = Some(access_key.into());
        self.secret_key = Some(secret.into());
        self
    }
    /// Path-style (`endpoint/bucket/key`, the default) or virtual-host addressing.
    pub fn path_style(mut self, on: bool) -> Self {
        self.path_style = on;
        self
    }
    /// Multipart part size (5 MiB to 5 GiB). A resumed upload must use the same part size.
    pub fn part_size(mut self, bytes: u64) -> Self {
        self.part_size = bytes;
        self
    }
    /// Objects larger than this are uploaded in parts (rounded up to a multiple of the part size).
    pub fn multipart_threshold(mut self, bytes: u64) -> Self {
        self.multipart_threshold = bytes;
        self
    }
    /// Parts of one object in flight at once (at least 1).
    pub fn part_concurrency(mut self, n: usize) -> Self {
        self.part_concurrency = n.max(1);
        self
    }
    /// Time to open a connection, and time allowed for one request attempt (a whole part included).
    pub fn timeouts(mut self, connect: Duration, attempt: Duration) -> Self {
        self.connect_timeout = connect;
        self.attempt_timeout = attempt;
        self
    }
    /// How transient failures are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// The bucket.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }
    /// The key prefix (empty, or ending in `/`).
    pub fn prefix_str(&self) -> &str {
        &self.prefix
    }
    /// The endpoint, when one was set.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    fn threshold(&self) -> u64 {
        let t = self.multipart_threshold.max(self.part_size);
        t.div_ceil(self.part_size) * self.part_size
    }
}

/// What one [`S3Store::put_report`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutReport {
    /// The stored object.
    pub meta: ArtifactMeta,
    /// Parts sent (0 for a single `PutObject`).
    pub parts_uploaded: u32,
    /// Parts of an interrupted upload found on the server and reused.
    pub parts_reused: u32,
    /// Whether an interrupted upload of this key was resumed.
    pub resumed: bool,
}

struct Inner {
    client: aws_sdk_s3::Client,
    cfg: S3Config,
    name: String,
}

/// An S3 bucket (and key prefix) as an artifact store. Cheap to clone.
///
/// ```no_run
/// # async fn demo() -> hermes_data::Result<()> {
/// use std::sync::Arc;
/// use hermes_data::s3::{S3Config, S3Store};
/// use hermes_data::Repository;
/// let offsite = S3Store::new(
///     S3Config::from_url("s3://offsite/hermes")?
///         .endpoint("http://127.0.0.1:8333")
///         .credentials("hermes", hermes_core::Secret::from_env("S3_SECRET")?),
/// )?;
/// let local = Repository::open(
///     Arc::new(hermes_data::artifact::LocalStore::new("/var/backups/repo")?), None).await?;
/// local.copy_to(Arc::new(offsite), 8).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct S3Store {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("config", &self.inner.cfg)
            .finish()
    }
}

#[derive(Debug, Clone)]
struct ListedPart {
    size: u64,
    etag: String,
    sha256: Option<String>,
}

impl S3Store {
    /// A store for `cfg` (no request is made: the first operation reaches the server).
    pub fn new(cfg: S3Config) -> Result<S3Store> {
        let name = match &cfg.endpoint {
            Some(e) => format!("s3://{}/{} at {e}", cfg.bucket, cfg.prefix),
            None => format!("s3://{}/{}", cfg.bucket, cfg.prefix),
        };
        let bad = |why: String| Err(Error::invalid_input(why).with_target(name.clone()));
        if cfg.bucket.is_empty() || cfg.bucket.contains('/') {
            return bad(format!("bad bucket name {:?}", cfg.bucket));
        }
        if !(MIN_PART..=MAX_PART).contains(&cfg.part_size) {
            return bad(format!(
                "part size {} is outside S3's 5 MiB..5 GiB",
                cfg.part_size
            ));
        }
        let (Some(access), Some(secret)) = (&cfg.access_key, &cfg.secret_key) else {
            return bad("no credentials: give an access key id and secret access key".into());
        };
        if let Some(e) = &cfg.endpoint {
            if !(e.starts_with("http://") || e.starts_with("https://")) {
                return bad(format!(
                    "endpoint {e:?} must start with http:// or https://"
                ));
            }
        }
        let mut b = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(cfg.region.clone()))
            .credentials_provider(Credentials::new(
                access.clone(),
                secret.expose().to_string(),
                None,
                None,
                "hermes",
            ))
            .force_path_style(cfg.path_style)
            // One retry loop, hermes-core's, which knows what is safe to repeat.
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(cfg.connect_timeout)
                    .operation_attempt_timeout(cfg.attempt_timeout)
                    .build(),
            )
            // Checksums are computed here (SHA-256, sent as a header); nothing extra from the SDK.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        if let Some(e) = &cfg.endpoint {
            b = b.endpoint_url(e.clone());
        }
        let client = aws_sdk_s3::Client::from_conf(b.build());
        Ok(S3Store {
            inner: Arc::new(Inner { client, cfg, name }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &S3Config {
        &self.inner.cfg
    }

    /// The SDK client (for operations this store does not wrap, such as bucket policies).
    pub fn client(&self) -> &aws_sdk_s3::Client {
        &self.inner.client
    }

    /// The full S3 key of `key` (the prefix prepended).
    pub fn object_key(&self, key: &str) -> String {
        format!("{}{key}", self.inner.cfg.prefix)
    }

    fn bucket(&self) -> &str {
        &self.inner.cfg.bucket
    }

    fn endpoint(&self) -> &str {
        self.inner
            .cfg
            .endpoint
            .as_deref()
            .unwrap_or("the AWS endpoint of the region")
    }

    /// Creates the bucket if it does not exist yet.
    ///
    /// ```no_run
    /// # async fn demo(store: hermes_data::s3::S3Store) -> hermes_core::Result<()> {
    /// store.create_bucket().await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_bucket(&self) -> Result<()> {
        let r = self
            .retry(Idempotency::Idempotent, || async move {
                self.inner
                    .client
                    .create_bucket()
                    .bucket(self.bucket())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| self.sdk_error("create bucket", None, e))
            })
            .await;
        match r {
            Err(e) if e.kind() == ErrorKind::Conflict => Ok(()), // already ours
            r => r,
        }
    }

    /// Deletes every object under the prefix, aborts the prefix's unfinished uploads, then removes
    /// the bucket if the prefix is empty (for tests and scratch buckets).
    ///
    /// ```no_run
    /// # async fn demo(store: hermes_data::s3::S3Store) -> hermes_core::Result<()> {
    /// store.destroy().await?;
    /// # Ok(()) }
    /// ```
    pub async fn destroy(&self) -> Result<()> {
        for m in self.list("").await? {
            self.delete(&m.key).await?;
        }
        self.abort_uploads("").await?;
        if self.inner.cfg.prefix.is_empty() {
            self.retry(Idempotency::Idempotent, || async move {
                self.inner
                    .client
                    .delete_bucket()
                    .bucket(self.bucket())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| self.sdk_error("delete bucket", None, e))
            })
            .await?;
        }
        Ok(())
    }

    /// Aborts every unfinished multipart upload whose key starts with `prefix` (uploads kept for
    /// resuming that will never be resumed); returns how many.
    ///
    /// ```no_run
    /// # async fn demo(store: hermes_data::s3::S3Store) -> hermes_core::Result<()> {
    /// let n = store.abort_uploads("data/").await?;
    /// println!("{n} unfinished uploads aborted");
    /// # Ok(()) }
    /// ```
    pub async fn abort_uploads(&self, prefix: &str) -> Result<u64> {
        let full = self.object_key(prefix);
        let mut n = 0;
        for (key, id, _) in self.list_uploads(&full).await? {
            if key.starts_with(&full) {
                self.abort(&key, &id).await?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Stores `bytes` under `key`, sending `claimed` as the SHA-256 the server must find (the hash
    /// the caller computed at the source, checked end to end). A mismatch is
    /// [`ErrorKind::VerificationFailed`] and nothing is stored.
    ///
    /// ```no_run
    /// # async fn demo(store: hermes_data::s3::S3Store) -> hermes_core::Result<()> {
    /// let body = bytes::Bytes::from_static(b"payload");
    /// let sha = hermes_core::Sha256Digest::of(&body);
    /// store.put_bytes_checked("a/b", body, sha).await?;
    /// # Ok(()) }
    /// ```
    pub async fn put_bytes_checked(
        &self,
        key: &str,
        bytes: Bytes,
        claimed: Sha256Digest,
    ) -> Result<ArtifactMeta> {
        validate_key(key).map_err(|e| e.with_target(self.inner.name.clone()))?;
        self.put_single(key, bytes, Some(claimed)).await
    }

    /// Like [`ArtifactStore::put`], saying how the object went up (parts sent, parts reused from an
    /// interrupted upload).
    ///
    /// ```no_run
    /// # async fn demo(store: hermes_data::s3::S3Store) -> hermes_core::Result<()> {
    /// let mut f = tokio::fs::File::open("/var/backups/base.tar").await.unwrap();
    /// let r = store.put_report("db01/base.tar", &mut f).await?;
    /// println!("{} bytes, {} parts sent, {} reused", r.meta.size, r.parts_uploaded, r.parts_reused);
    /// # Ok(()) }
    /// ```
    pub async fn put_report(&self, key: &str, body: &mut dyn ArtifactSource) -> Result<PutReport> {
        validate_key(key).map_err(|e| e.with_target(self.inner.name.clone()))?;
        let mut reader = HashingReader::new(body);
        let threshold = self.inner.cfg.threshold();
        let first = read_up_to(&mut reader, threshold, key).await?;
        if (first.len() as u64) < threshold {
            let meta = self.put_single(key, first, None).await?;
            return Ok(PutReport {
                meta,
                parts_uploaded: 0,
                parts_reused: 0,
                resumed: false,
            });
        }
        let part = self.inner.cfg.part_size;
        let next = read_up_to(&mut reader, part, key).await?;
        if next.is_empty() {
            let meta = self.put_single(key, first, None).await?;
            return Ok(PutReport {
                meta,
                parts_uploaded: 0,
                parts_reused: 0,
                resumed: false,
            });
        }
        let mut queue: VecDeque<Bytes> = (0..first.len() as u64)
            .step_by(part as usize)
            .map(|o| first.slice(o as usize..((o + part) as usize).min(first.len())))
            .collect();
        queue.push_back(next);
        self.put_multipart(key, &mut reader, queue).await
    }

    async fn put_single(
        &self,
        key: &str,
        body: Bytes,
        claimed: Option<Sha256Digest>,
    ) -> Result<ArtifactMeta> {
        let actual = hash(body.clone()).await?;
        let checksum = claimed.unwrap_or(actual).to_base64();
        let full = self.object_key(key);
        let (full, checksum, body_ref) = (&full, &checksum, &body);
        self.retry(Idempotency::Idempotent, || async move {
            self.inner
                .client
                .put_object()
                .bucket(self.bucket())
                .key(full.as_str())
                .content_length(body_ref.len() as i64)
                .checksum_sha256(checksum.as_str())
                .body(ByteStream::from(body_ref.clone()))
                .send()
                .await
                .map_err(|e| self.sdk_error("PUT", Some(key), e))
        })
        .await?;
        Ok(ArtifactMeta {
            key: key.to_string(),
            size: body.len() as u64,
            sha256: Some(actual),
            modified: Some(Utc::now()),
        })
    }

    async fn put_multipart(
        &self,
        key: &str,
        reader: &mut HashingReader<&mut dyn ArtifactSource>,
        mut queue: VecDeque<Bytes>,
    ) -> Result<PutReport> {
        let full = self.object_key(key);
        // An interrupted upload of this key (the newest one) is resumed; otherwise a new one starts.
        let mut uploads: Vec<_> = self
            .list_uploads(&full)
            .await?
            .into_iter()
            .filter(|(k, _, _)| *k == full)
            .collect();
        uploads.sort_by_key(|u| u.2);
        let (upload_id, existing, resumed) = match uploads.pop() {
            Some((_, id, _)) => match self.list_parts(&full, &id).await {
                Ok(parts) => (id, parts, true),
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    (self.create_upload(&full).await?, HashMap::new(), false)
                }
                Err(e) => return Err(e),
            },
            None => (self.create_upload(&full).await?, HashMap::new(), false),
        };
        if resumed {
            tracing::info!(key = %full, parts = existing.len(), "resuming an interrupted multipart upload");
        }
        let existing = Arc::new(existing);
        let part_size = self.inner.cfg.part_size;
        let concurrency = self.inner.cfg.part_concurrency;
        let mut tasks = FuturesUnordered::new();
        let mut done: Vec<(CompletedPart, bool)> = Vec::new();
        let mut number: u32 = 0;
        let mut failure: Option<Error> = None;
        loop {
            // Bounded memory: wait for a slot before reading the next part.
            while tasks.len() >= concurrency {
                match tasks.next().await {
                    Some(r) => match flatten(r) {
                        Ok(p) => done.push(p),
                        Err(e) => {
                            failure = Some(e);
                            break;
                        }
                    },
                    None => break,
                }
            }
            if failure.is_some() {
                break;
            }
            let data = match queue.pop_front() {
                Some(b) => b,
                None => match read_up_to(reader, part_size, key).await {
                    Ok(b) if b.is_empty() => break,
                    Ok(b) => b,
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                },
            };
            number += 1;
            if number > MAX_PARTS {
                failure = Some(
                    Error::invalid_input(format!(
                        "{key} needs more than {MAX_PARTS} parts of {part_size} bytes: raise the part size"
                    ))
                    .with_target(self.inner.name.clone()),
                );
                break;
            }
            let this = self.clone();
            let (full, id, existing, key) = (
                full.clone(),
                upload_id.clone(),
                existing.clone(),
                key.to_string(),
            );
            tasks.push(tokio::spawn(async move {
                this.upload_part(
                    &key,
                    &full,
                    &id,
                    number,
                    data,
                    existing.get(&(number as i32)),
                )
                .await
            }));
        }
        // Let what is in flight finish either way: finished parts are what a resume reuses.
        while let Some(r) = tasks.next().await {
            match flatten(r) {
                Ok(p) => done.push(p),
                Err(e) => {
                    failure.get_or_insert(e);
                }
            }
        }
        if let Some(e) = failure {
            if e.kind().is_transient() {
                let kept = done.len();
                return Err(e.context(format!(
                    "multipart upload of {key} interrupted; its {kept} finished parts are kept on the server and the next put of the same key resumes it"
                )));
            }
            let _ = self.abort(&full, &upload_id).await;
            return Err(e);
        }
        done.sort_by_key(|p| p.0.part_number());
        let reused = done.iter().filter(|p| p.1).count() as u32;
        let parts: Vec<CompletedPart> = done.into_iter().map(|p| p.0).collect();
        let count = parts.len() as u32;
        let size = reader.bytes();
        self.complete(key, &full, &upload_id, parts, size).await?;
        // Older interrupted uploads of the same key are now useless.
        for (_, id, _) in uploads {
            let _ = self.abort(&full, &id).await;
        }
        Ok(PutReport {
            meta: ArtifactMeta {
                key: key.to_string(),
                size,
                sha256: Some(reader.digest()),
                modified: Some(Utc::now()),
            },
            parts_uploaded: count - reused,
            parts_reused: reused,
            resumed,
        })
    }

    async fn upload_part(
        &self,
        key: &str,
        full: &str,
        upload_id: &str,
        number: u32,
        data: Bytes,
        existing: Option<&ListedPart>,
    ) -> Result<(CompletedPart, bool)> {
        let sha = hash(data.clone()).await?.to_base64();
        if let Some(p) = existing {
            let same = p.size == data.len() as u64
                && match &p.sha256 {
                    Some(s) => *s == sha,
                    None => {
                        let d = data.clone();
                        let md5 = tokio::task::spawn_blocking(move || {
                            use md5::Digest;
                            hex::encode(md5::Md5::digest(&d))
                        })
                        .await
                        .map_err(join_error)?;
                        p.etag == md5
                    }
                };
            if same {
                return Ok((
                    CompletedPart::builder()
                        .part_number(number as i32)
                        .e_tag(format!("\"{}\"", p.etag))
                        .checksum_sha256(sha)
                        .build(),
                    true,
                ));
            }
        }
        let what = format!("{key} part {number}");
        let (what, sha_ref, data_ref) = (&what, &sha, &data);
        let out = self
            .retry(Idempotency::Idempotent, || async move {
                self.inner
                    .client
                    .upload_part()
                    .bucket(self.bucket())
                    .key(full)
                    .upload_id(upload_id)
                    .part_number(number as i32)
                    .content_length(data_ref.len() as i64)
                    .checksum_sha256(sha_ref.as_str())
                    .body(ByteStream::from(data_ref.clone()))
                    .send()
                    .await
                    .map_err(|e| self.sdk_error("upload", Some(what), e))
            })
            .await?;
        Ok((
            CompletedPart::builder()
                .part_number(number as i32)
                .set_e_tag(out.e_tag().map(str::to_string))
                .checksum_sha256(sha)
                .build(),
            false,
        ))
    }

    async fn create_upload(&self, full: &str) -> Result<String> {
        let out = self
            .retry(Idempotency::NonIdempotent, || async move {
                self.inner
                    .client
                    .create_multipart_upload()
                    .bucket(self.bucket())
                    .key(full)
                    .checksum_algorithm(ChecksumAlgorithm::Sha256)
                    .send()
                    .await
                    .map_err(|e| self.sdk_error("start multipart upload of", Some(full), e))
            })
            .await?;
        out.upload_id().map(str::to_string).ok_or_else(|| {
            Error::malformed(format!(
                "CreateMultipartUpload of {full} answered without an upload id"
            ))
            .with_target(self.inner.name.clone())
        })
    }

    async fn complete(
        &self,
        key: &str,
        full: &str,
        upload_id: &str,
        parts: Vec<CompletedPart>,
        size: u64,
    ) -> Result<()> {
        let body = CompletedMultipartUpload::builder()
            .set_parts(Some(parts))
            .build();
        let body = &body;
        let r = self
            .retry(Idempotency::NonIdempotent, || async move {
                self.inner
                    .client
                    .complete_multipart_upload()
                    .bucket(self.bucket())
                    .key(full)
                    .upload_id(upload_id)
                    .multipart_upload(body.clone())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| self.sdk_error("complete multipart upload of", Some(key), e))
            })
            .await;
        match r {
            // The request may have been applied though its answer was lost: if the upload is gone
            // and the object has the expected size, it was.
            Err(e) if e.sent() == Sent::Maybe => {
                let gone = matches!(self.list_parts(full, upload_id).await, Err(ref l) if l.kind() == ErrorKind::NotFound);
                match self.head(key).await {
                    Ok(Some(m)) if gone && m.size == size => Ok(()),
                    _ => Err(e),
                }
            }
            r => r,
        }
    }

    async fn abort(&self, full: &str, upload_id: &str) -> Result<()> {
        let r = self
            .retry(Idempotency::Idempotent, || async move {
                self.inner
                    .client
                    .abort_multipart_upload()
                    .bucket(self.bucket())
                    .key(full)
                    .upload_id(upload_id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| self.sdk_error("abort multipart upload of", Some(full), e))
            })
            .await;
        match r {
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            r => r,
        }
    }

    /// Unfinished uploads under the full-key prefix: (key, upload id, initiated).
    async fn list_uploads(&self, full_prefix: &str) -> Result<Vec<(String, String, i64)>> {
        let mut out = Vec::new();
        let (mut key_marker, mut id_marker): (Option<String>, Option<String>) = (None, None);
        loop {
            let (km, im) = (&key_marker, &id_marker);
            let page = self
                .retry(Idempotency::Idempotent, || async move {
                    self.inner
                        .client
                        .list_multipart_uploads()
                        .bucket(self.bucket())
                        .prefix(full_prefix)
                        .set_key_marker(km.clone())
                        .set_upload_id_marker(im.clone())
                        .send()
                        .await
                        .map_err(|e| self.sdk_error("list uploads under", Some(full_prefix), e))
                })
                .await?;
            for u in page.uploads() {
                if let (Some(k), Some(id)) = (u.key(), u.upload_id()) {
                    let t = u.initiated().map(|t| t.secs()).unwrap_or(0);
                    out.push((k.to_string(), id.to_string(), t));
                }
            }
            if page.is_truncated() == Some(true) && page.next_key_marker().is_some() {
                key_marker = page.next_key_marker().map(str::to_string);
                id_marker = page.next_upload_id_marker().map(str::to_string);
            } else {
                break;
            }
        }
        Ok(out)
    }

    async fn list_parts(&self, full: &str, upload_id: &str) -> Result<HashMap<i32, ListedPart>> {
        let mut out = HashMap::new();
        let mut marker: Option<String> = None;
        loop {
            let m = &marker;
            let page = self
                .retry(Idempotency::Idempotent, || async move {
                    self.inner
                        .client
                        .list_parts()
                        .bucket(self.bucket())
                        .key(full)
                        .upload_id(upload_id)
                        .set_part_number_marker(m.clone())
                        .send()
                        .await
                        .map_err(|e| self.sdk_error("list parts of", Some(full), e))
                })
                .await?;
            for p in page.parts() {
                if let (Some(n), Some(etag)) = (p.part_number(), p.e_tag()) {
                    out.insert(
                        n,
                        ListedPart {
                            size: p.size().unwrap_or(-1).max(0) as u64,
                            etag: etag.trim_matches('"').to_string(),
                            sha256: p.checksum_sha256().map(str::to_string),
                        },
                    );
                }
            }
            if page.is_truncated() == Some(true) && page.next_part_number_marker().is_some() {
                marker = page.next_part_number_marker().map(str::to_string);
            } else {
                break;
            }
        }
        Ok(out)
    }

    async fn retry<T, F, Fut>(&self, idempotency: Idempotency, op: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        self.inner.cfg.retry.run(idempotency, op).await
    }

    /// Maps an SDK error to a hermes-core error naming the operation, the object, the endpoint and
    /// the bucket (never the secret).
    fn sdk_error<E>(&self, op: &str, key: Option<&str>, err: SdkError<E, HttpResponse>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let what = match key {
            Some(k) => format!("{op} {k}"),
            None => format!("{op} {}", self.bucket()),
        };
        let ctx = DisplayErrorContext(&err).to_string();
        let e = match &err {
            SdkError::ConstructionFailure(_) => Error::new(
                ErrorKind::InvalidInput,
                format!("{what}: the request could not be built: {ctx}"),
            )
            .with_sent(Sent::No),
            SdkError::TimeoutError(_) => Error::new(
                ErrorKind::Timeout,
                format!(
                    "{what}: no answer from {} within {} s",
                    self.endpoint(),
                    self.inner.cfg.attempt_timeout.as_secs()
                ),
            )
            .with_sent(Sent::Maybe),
            SdkError::DispatchFailure(d) => {
                let refused = refused(&err);
                let kind = if d.is_timeout() {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Transport
                };
                Error::new(
                    kind,
                    format!(
                        "{what}: cannot reach S3 at {}: {ctx}; check that the server runs and the endpoint URL",
                        self.endpoint()
                    ),
                )
                .with_sent(if refused { Sent::No } else { Sent::Maybe })
            }
            SdkError::ResponseError(_) => Error::new(
                ErrorKind::Transport,
                format!("{what}: the reply could not be read: {ctx}"),
            )
            .with_sent(Sent::Yes),
            SdkError::ServiceError(s) => {
                let status = s.raw().status().as_u16();
                let code = err.code().unwrap_or("").to_string();
                let msg = err.message().unwrap_or("").to_string();
                let detail = match (code.is_empty(), msg.is_empty()) {
                    (true, _) => format!("HTTP {status}"),
                    (false, true) => format!("HTTP {status} {code}"),
                    (false, false) => format!("HTTP {status} {code}: {msg}"),
                };
                let (kind, hint) = match (code.as_str(), status) {
                    ("NoSuchBucket", _) => (
                        ErrorKind::NotFound,
                        format!("; bucket {} does not exist: create it first", self.bucket()),
                    ),
                    ("NoSuchKey" | "NoSuchUpload" | "NotFound", _) | (_, 404) => {
                        (ErrorKind::NotFound, String::new())
                    }
                    (
                        "AccessDenied" | "InvalidAccessKeyId" | "SignatureDoesNotMatch"
                        | "ExpiredToken" | "InvalidToken",
                        _,
                    )
                    | (_, 401 | 403) => (
                        ErrorKind::Auth,
                        format!(
                            "; S3 at {} refused access key {:?} for bucket {}: check the access key and secret key",
                            self.endpoint(),
                            self.inner.cfg.access_key.as_deref().unwrap_or(""),
                            self.bucket()
                        ),
                    ),
                    (
                        "BadDigest" | "InvalidDigest" | "XAmzContentSHA256Mismatch"
                        | "InvalidChecksum",
                        _,
                    ) => (
                        ErrorKind::VerificationFailed,
                        "; the server computed a different checksum than the one sent: the data changed on the way (nothing was stored)".to_string(),
                    ),
                    ("SlowDown" | "Throttling" | "RequestLimitExceeded", _) | (_, 429 | 503) => {
                        (ErrorKind::Throttled, String::new())
                    }
                    ("BucketAlreadyOwnedByYou" | "BucketAlreadyExists", _) | (_, 409 | 412) => {
                        (ErrorKind::Conflict, String::new())
                    }
                    (_, 500..=599) => (ErrorKind::Transport, String::new()),
                    (_, 416) => (ErrorKind::InvalidInput, String::new()),
                    _ => (ErrorKind::InvalidInput, String::new()),
                };
                Error::new(kind, format!("{what}: {detail}{hint}")).with_sent(Sent::Yes)
            }
            _ => Error::new(ErrorKind::Internal, format!("{what}: {ctx}")),
        };
        e.with_target(self.inner.name.clone())
    }
}

fn refused(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return true;
            }
        }
        cur = e.source();
    }
    false
}

fn join_error(e: tokio::task::JoinError) -> Error {
    Error::new(ErrorKind::Internal, format!("background task failed: {e}"))
}

fn flatten<T>(r: std::result::Result<Result<T>, tokio::task::JoinError>) -> Result<T> {
    r.map_err(join_error)?
}

async fn hash(data: Bytes) -> Result<Sha256Digest> {
    if data.len() < 256 * 1024 {
        return Ok(Sha256Digest::of(&data));
    }
    tokio::task::spawn_blocking(move || Sha256Digest::of(&data))
        .await
        .map_err(join_error)
}

/// Reads up to `n` bytes (fewer only at the end of the input).
async fn read_up_to<R: tokio::io::AsyncRead + Unpin>(
    reader: &mut R,
    n: u64,
    key: &str,
) -> Result<Bytes> {
    let mut buf = Vec::with_capacity(n.min(64 * MIB) as usize);
    (&mut *reader)
        .take(n)
        .read_to_end(&mut buf)
        .await
        .map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("reading the data for {key}: {e}"),
            )
            .with_sent(Sent::No)
        })?;
    Ok(Bytes::from(buf))
}

fn to_chrono(t: &aws_sdk_s3::primitives::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

#[async_trait]
impl ArtifactStore for S3Store {
    fn describe(&self) -> String {
        self.inner.name.clone()
    }

    async fn put(&self, key: &str, body: &mut dyn ArtifactSource) -> Result<ArtifactMeta> {
        Ok(self.put_report(key, body).await?.meta)
    }

    /// Below the multipart threshold the digest goes up as the object's checksum (checked by the
    /// server); larger objects take the multipart path, which checksums every part.
    async fn put_bytes_hashed(
        &self,
        key: &str,
        bytes: Bytes,
        sha256: Sha256Digest,
    ) -> Result<ArtifactMeta> {
        if (bytes.len() as u64) < self.inner.cfg.threshold() {
            self.put_bytes_checked(key, bytes, sha256).await
        } else {
            self.put_bytes(key, bytes).await
        }
    }

    async fn get(&self, key: &str) -> Result<Box<dyn ArtifactSource>> {
        validate_key(key).map_err(|e| e.with_target(self.inner.name.clone()))?;
        let full = &self.object_key(key);
        let out = self
            .retry(Idempotency::Idempotent, || async move {
                self.inner
                    .client
                    .get_object()
                    .bucket(self.bucket())
                    .key(full.as_str())
                    .send()
                    .await
                    .map_err(|e| self.sdk_error("GET", Some(key), e))
            })
            .await?;
        Ok(Box::new(out.body.into_async_read()))
    }

    async fn get_range(&self, key: &str, offset: u64, len: u64) -> Result<Bytes> {
        validate_key(key).map_err(|e| e.with_target(self.inner.name.clone()))?;
        if len == 0 {
            return Ok(Bytes::new());
        }
        let full = &self.object_key(key);
        let range = &format!("bytes={offset}-{}", offset + len - 1);
        let r = self
            .retry(Idempotency::Idempotent, || async move {
                let out = self
                    .inner
                    .client
                    .get_object()
                    .bucket(self.bucket())
                    .key(full.as_str())
                    .range(range.as_str())
                    .send()
                    .await
                    .map_err(|e| self.sdk_error("GET", Some(key), e))?;
                out.body
                    .collect()
                    .await
                    .map(|b| b.into_bytes())
                    .map_err(|e| {
                        Error::new(
                            ErrorKind::Transport,
                            format!("GET {key} ({range}): the body broke off: {e}"),
                        )
                        .with_sent(Sent::Yes)
                        .with_target(self.inner.name.clone())
                    })
            })
            .await;
        match r {
            // Past the end: nothing there, as for a file.
            Err(e) if e.message().contains("HTTP 416") => Ok(Bytes::new()),
            r => r,
        }
    }

    async fn head(&self, key: &str) -> Result<Option<ArtifactMeta>> {
        validate_key(key).map_err(|e| e.with_target(self.inner.name.clone()))?;
        let full = &self.object_key(key);
        let r = self
            .retry(Idempotency::Idempotent, || async move {
                self.inner
                    .client
                    .head_object()
                    .bucket(self.bucket())
                    .key(full.as_str())
                    .checksum_mode(ChecksumMode::Enabled)
                    .send()
                    .await
                    .map_err(|e| self.sdk_error("HEAD", Some(key), e))
            })
            .await;
        match r {
            Ok(out) => {
                let sha256 = out.checksum_sha256().and_then(|c| {
                    use base64::Engine;
                    let raw = base64::engine::general_purpose::STANDARD.decode(c).ok()?;
                    Some(Sha256Digest(raw.try_into().ok()?))
                });
                let composite =
                    out.checksum_type().map(|t| t.as_str() == "COMPOSITE") == Some(true);
                Ok(Some(ArtifactMeta {
                    key: key.to_string(),
                    size: out.content_length().unwrap_or(0).max(0) as u64,
                    sha256: if composite { None } else { sha256 },
                    modified: out.last_modified().and_then(to_chrono),
                }))
            }
            Err(e) if e.kind() == ErrorKind::NotFound && !e.message().contains("NoSuchBucket") => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ArtifactMeta>> {
        let full = &self.object_key(prefix);
        let strip = self.inner.cfg.prefix.len();
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let t = &token;
            let page = self
                .retry(Idempotency::Idempotent, || async move {
                    self.inner
                        .client
                        .list_objects_v2()
                        .bucket(self.bucket())
                        .prefix(full.as_str())
                        .set_continuation_token(t.clone())
                        .send()
                        .await
                        .map_err(|e| self.sdk_error("LIST", Some(full), e))
                })
                .await?;
            for o in page.contents() {
                if let Some(k) = o.key() {
                    if k.len() > strip {
                        out.push(ArtifactMeta {
                            key: k[strip..].to_string(),
                            size: o.size().unwrap_or(0).max(0) as u64,
                            sha256: None,
                            modified: o.last_modified().and_then(to_chrono),
                        });
                    }
                }
            }
            match page.next_continuation_token() {
                Some(t) if page.is_truncated() == Some(true) => token = Some(t.to_string()),
                _ => break,
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    async fn delete(&self, key: &str) -> Result<()> {
        validate_key(key).map_err(|e| e.with_target(self.inner.name.clone()))?;
        let full = &self.object_key(key);
        let r = self
            .retry(Idempotency::Idempotent, || async move {
                self.inner
                    .client
                    .delete_object()
                    .bucket(self.bucket())
                    .key(full.as_str())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| self.sdk_error("DELETE", Some(key), e))
            })
            .await;
        match r {
            Err(e) if e.kind() == ErrorKind::NotFound && !e.message().contains("NoSuchBucket") => {
                Ok(())
            }
            r => r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_prefixes_and_limits() {
        let c = S3Config::from_url("s3://b/x/y/").unwrap();
        assert_eq!((c.bucket(), c.prefix_str()), ("b", "x/y/"));
        assert_eq!(S3Config::from_url("s3://b").unwrap().prefix_str(), "");
        assert_eq!(
            S3Config::from_url("http://b").unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        assert!(S3Config::from_url("s3:///p").is_err());
        let c = S3Config::new("b")
            .part_size(16 * MIB)
            .multipart_threshold(20 * MIB);
        assert_eq!(c.threshold(), 32 * MIB);
        let e = S3Store::new(S3Config::new("b")).unwrap_err();
        assert!(e.to_string().contains("no credentials"), "{e}");
        let e = S3Store::new(S3Config::new("b").credentials("a", "s").part_size(MIB)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let s = S3Store::new(
            S3Config::new("bkt")
                .endpoint("http://127.0.0.1:1")
                .credentials("AKID", "very-secret-value"),
        )
        .unwrap();
        let d = format!("{s:?}");
        assert!(!d.contains("very-secret-value"), "{d}");
        assert!(d.contains("AKID") && d.contains("bkt"), "{d}");
        assert_eq!(s.describe(), "s3://bkt/ at http://127.0.0.1:1");
    }

    #[tokio::test]
    async fn a_refused_connection_is_transport_not_sent_and_names_the_endpoint() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Nothing listens there any more.
        let s = S3Store::new(
            S3Config::new("bkt")
                .endpoint(format!("http://127.0.0.1:{port}"))
                .credentials("AKID", "very-secret-value")
                .retry(RetryPolicy::none()),
        )
        .unwrap();
        let e = s.get_bytes("k").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        assert_eq!(e.sent(), Sent::No, "{e}");
        assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
        assert!(!e.to_string().contains("very-secret-value"));
    }
}
