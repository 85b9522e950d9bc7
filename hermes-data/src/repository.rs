//! The repository: configuration, keys, index and snapshots on top of an [`ArtifactStore`].
//!
//! Layout of the store:
//!
//! | key | content |
//! |---|---|
//! | `config` | [`RepoConfig`] (plain JSON; holds the passphrase-wrapped key, never a secret) |
//! | `data/<xx>/<pack>` | packs: encoded chunks back to back |
//! | `index/<pack>` | the pack's [`PackIndex`], written after the pack |
//! | `snapshots/<id>` | a [`Snapshot`], written last: a crash never leaves a half snapshot visible |
//! | `locks/<id>` | [`crate::lock::LockInfo`] |
//!
//! Every object except `config` and locks is encoded by [`crate::blob`] (zstd, then the optional
//! XChaCha20-Poly1305 encryption).

use std::sync::Arc;

use bytes::Bytes;
use hermes_core::secret::Secret;
use hermes_core::Sha256Digest;
use serde::{Deserialize, Serialize};

use crate::artifact::ArtifactStore;
use crate::blob::{self, Compression};
use crate::chunker::ChunkerParams;
use crate::crypto::{Cipher, KeyParams, MasterKey};
use crate::error::{DataError, Result};
use crate::index::{index_key, pack_key, Index, PackIndex};
use crate::snapshot::Snapshot;
use crate::tree::Node;

/// The repository's configuration object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RepoConfig {
    /// Format version (1).
    pub version: u32,
    /// Random repository id.
    pub id: String,
    /// Chunking bounds.
    pub chunker: ChunkerParams,
    /// Compression.
    pub compression: Compression,
    /// Target pack size in bytes.
    pub pack_size: u64,
    /// Encryption parameters, when the repository is encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<KeyParams>,
}

/// How to create a repository.
///
/// ```
/// use hermes_data::InitOptions;
/// let opts = InitOptions::new().passphrase("s3cret").pack_size(8 << 20).compression_level(3);
/// assert!(!format!("{opts:?}").contains("s3cret"));
/// ```
#[derive(Clone, Default)]
pub struct InitOptions {
    passphrase: Option<Secret>,
    chunker: ChunkerParams,
    compression: Compression,
    pack_size: Option<u64>,
    cipher: Option<Cipher>,
}

impl std::fmt::Debug for InitOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InitOptions")
            .field("encrypted", &self.passphrase.is_some())
            .field("chunker", &self.chunker)
            .field("compression", &self.compression)
            .field("pack_size", &self.pack_size)
            .field("cipher", &self.cipher)
            .finish()
    }
}

impl InitOptions {
    /// Defaults: unencrypted, 128 KiB / 512 KiB / 2 MiB chunks, zstd 3, 16 MiB packs; with a passphrase,
    /// [`Cipher::for_this_cpu`].
    pub fn new() -> Self {
        Self::default()
    }
    /// Encrypts the repository with a key wrapped by this passphrase.
    pub fn passphrase(mut self, passphrase: impl Into<Secret>) -> Self {
        self.passphrase = Some(passphrase.into());
        self
    }
    /// Chunk size bounds.
    pub fn chunker(mut self, params: ChunkerParams) -> Self {
        self.chunker = params;
        self
    }
    /// zstd level (0 disables compression).
    pub fn compression_level(mut self, level: i32) -> Self {
        self.compression = Compression { level };
        self
    }
    /// Target pack size.
    pub fn pack_size(mut self, bytes: u64) -> Self {
        self.pack_size = Some(bytes);
        self
    }
    /// The cipher of an encrypted repository (default [`Cipher::for_this_cpu`]; ignored without a
    /// passphrase).
    pub fn cipher(mut self, cipher: Cipher) -> Self {
        self.cipher = Some(cipher);
        self
    }
}

pub(crate) struct Inner {
    pub(crate) store: Arc<dyn ArtifactStore>,
    pub(crate) config: RepoConfig,
    pub(crate) key: Option<MasterKey>,
    pub(crate) name: String,
}

/// An open repository (cheap to clone).
///
/// ```no_run
/// # async fn demo() -> hermes_data::Result<()> {
/// use std::sync::Arc;
/// use hermes_data::{artifact::LocalStore, BackupOptions, InitOptions, Repository};
/// let store = Arc::new(LocalStore::new("/var/backups/repo")?);
/// let repo = Repository::init(store, InitOptions::new()).await?;
/// let snap = repo.backup_dir("/srv/data", BackupOptions::incremental().tag("daily")).await?;
/// repo.restore_dir(&snap, "/tmp/scratch").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Repository {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Repository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("store", &self.inner.name)
            .field("encrypted", &self.inner.key.is_some())
            .finish()
    }
}

impl Repository {
    /// Creates a repository in an empty store.
    pub async fn init(store: Arc<dyn ArtifactStore>, opts: InitOptions) -> Result<Repository> {
        let name = store.describe();
        if store.head("config").await?.is_some() {
            return Err(DataError::invalid(
                &name,
                "a repository already exists here; open it instead of initialising",
            ));
        }
        let (key, encryption) = match &opts.passphrase {
            Some(p) => {
                let p = p.clone();
                let cipher = opts.cipher.unwrap_or_else(Cipher::for_this_cpu);
                let (k, params) = tokio::task::spawn_blocking(move || {
                    MasterKey::generate(p.expose().as_bytes(), cipher)
                })
                .await
                .map_err(crate::error::join_error)??;
                (Some(k), Some(params))
            }
            None => (None, None),
        };
        let config = RepoConfig {
            version: 1,
            id: hex::encode(fastrand::u128(..).to_le_bytes()),
            chunker: opts.chunker,
            compression: opts.compression,
            pack_size: opts.pack_size.unwrap_or(16 << 20),
            encryption,
        };
        let body = serde_json::to_vec_pretty(&config).expect("config serialises");
        store.put_bytes("config", Bytes::from(body)).await?;
        Ok(Repository {
            inner: Arc::new(Inner {
                store,
                config,
                key,
                name,
            }),
        })
    }

    /// Opens the repository in `store`, or initialises one with `opts` (encrypted with `passphrase`,
    /// if given) when the store holds none. Returns it and whether it was created. A repository that
    /// exists but does not open (wrong key, damaged config) is an error: nothing is initialised over it.
    ///
    /// ```no_run
    /// # async fn demo() -> hermes_data::Result<()> {
    /// let store = std::sync::Arc::new(hermes_data::artifact::LocalStore::new("/var/backups/hermes")?);
    /// let (repo, created) =
    ///     hermes_data::Repository::open_or_init(store, None, hermes_data::InitOptions::new()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_or_init(
        store: Arc<dyn ArtifactStore>,
        passphrase: Option<&Secret>,
        opts: InitOptions,
    ) -> Result<(Repository, bool)> {
        match Repository::open(store.clone(), passphrase).await {
            Ok(r) => Ok((r, false)),
            Err(DataError::NotFound { .. }) => {
                let opts = match passphrase {
                    Some(p) => opts.passphrase(p.clone()),
                    None => opts,
                };
                Ok((Repository::init(store, opts).await?, true))
            }
            Err(e) => Err(e),
        }
    }

    /// Opens an existing repository; `passphrase` is required for an encrypted one (a wrong one is
    /// [`DataError::WrongKey`]).
    pub async fn open(
        store: Arc<dyn ArtifactStore>,
        passphrase: Option<&Secret>,
    ) -> Result<Repository> {
        let name = store.describe();
        let body = match store.get_bytes("config").await {
            Ok(b) => b,
            Err(e) if e.kind() == hermes_core::ErrorKind::NotFound => {
                return Err(DataError::NotFound {
                    target: name,
                    what: "no repository here (no `config` object); initialise one first".into(),
                })
            }
            Err(e) => return Err(e.into()),
        };
        let config: RepoConfig = serde_json::from_slice(&body)
            .map_err(|e| DataError::corrupt(&name, format!("config is not valid JSON: {e}")))?;
        if config.version != 1 {
            return Err(DataError::invalid(
                &name,
                format!(
                    "repository format version {} is not supported (1 is)",
                    config.version
                ),
            ));
        }
        let key = match (&config.encryption, passphrase) {
            (Some(params), Some(p)) => {
                let (params, p, n) = (params.clone(), p.clone(), name.clone());
                Some(
                    tokio::task::spawn_blocking(move || {
                        MasterKey::open(p.expose().as_bytes(), &params, &n)
                    })
                    .await
                    .map_err(crate::error::join_error)??,
                )
            }
            (Some(_), None) => {
                return Err(DataError::invalid(
                    &name,
                    "the repository is encrypted: give its passphrase",
                ))
            }
            (None, _) => None,
        };
        Ok(Repository {
            inner: Arc::new(Inner {
                store,
                config,
                key,
                name,
            }),
        })
    }

    /// The store's description (`local:/var/backups/repo`).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn ArtifactStore> {
        &self.inner.store
    }

    /// The configuration.
    pub fn config(&self) -> &RepoConfig {
        &self.inner.config
    }

    pub(crate) fn encode(&self, data: &[u8]) -> Vec<u8> {
        blob::encode(data, self.inner.config.compression, self.inner.key.as_ref())
    }

    pub(crate) fn decode(&self, what: &str, data: &[u8]) -> Result<Vec<u8>> {
        blob::decode(data, self.inner.key.as_ref()).ok_or_else(|| {
            if self.inner.key.is_some() {
                DataError::corrupt(&self.inner.name, format!("{what} fails authentication"))
            } else {
                DataError::corrupt(&self.inner.name, format!("{what} cannot be decoded"))
            }
        })
    }

    pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<T> {
        let raw = self.inner.store.get_bytes(key).await?;
        let plain = self.decode(key, &raw)?;
        serde_json::from_slice(&plain)
            .map_err(|e| DataError::corrupt(&self.inner.name, format!("{key}: bad JSON: {e}")))
    }

    pub(crate) async fn put_json<T: Serialize>(&self, key: &str, value: &T) -> Result<u64> {
        let body = self.encode(&serde_json::to_vec(value).expect("model serialises"));
        let n = body.len() as u64;
        self.inner.store.put_bytes(key, Bytes::from(body)).await?;
        Ok(n)
    }

    /// Loads every pack index.
    pub async fn load_index(&self) -> Result<Index> {
        let metas = self.inner.store.list("index/").await?;
        let mut index = Index::default();
        let mut futs = futures::stream::iter(metas.into_iter().map(|m| {
            let this = self.clone();
            async move { this.get_json::<PackIndex>(&m.key).await }
        }))
        .buffer_unordered(8);
        use futures::StreamExt;
        while let Some(pi) = futs.next().await {
            index.add(pi?);
        }
        Ok(index)
    }

    /// Every snapshot, oldest first.
    pub async fn snapshots(&self) -> Result<Vec<Snapshot>> {
        use futures::StreamExt;
        let metas = self.inner.store.list("snapshots/").await?;
        let mut out: Vec<Snapshot> = futures::stream::iter(metas.into_iter().map(|m| {
            let this = self.clone();
            async move { this.get_json::<Snapshot>(&m.key).await }
        }))
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
        out.sort_by(|a, b| a.time.cmp(&b.time).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// The snapshot whose id starts with `prefix` (`latest` = the newest).
    pub async fn snapshot(&self, prefix: &str) -> Result<Snapshot> {
        let all = self.snapshots().await?;
        let found: Vec<_> = if prefix == "latest" {
            all.last().cloned().into_iter().collect()
        } else {
            all.into_iter()
                .filter(|s| s.id.starts_with(prefix))
                .collect()
        };
        match found.len() {
            1 => Ok(found.into_iter().next().expect("one")),
            0 => Err(DataError::NotFound {
                target: self.inner.name.clone(),
                what: format!("snapshot {prefix}"),
            }),
            n => Err(DataError::invalid(
                &self.inner.name,
                format!("snapshot prefix {prefix} is ambiguous ({n} match); give more characters"),
            )),
        }
    }

    /// The newest snapshot of `source`, if any.
    pub async fn latest_of(&self, source: &str) -> Result<Option<Snapshot>> {
        Ok(self
            .snapshots()
            .await?
            .into_iter()
            .rev()
            .find(|s| s.source == source))
    }

    /// Reads one chunk (decoded and hash-checked).
    pub(crate) async fn read_chunk(&self, index: &Index, id: &Sha256Digest) -> Result<Vec<u8>> {
        let loc = index.chunks.get(id).ok_or_else(|| {
            DataError::corrupt(&self.inner.name, format!("chunk {id} is in no index"))
        })?;
        let raw = self
            .inner
            .store
            .get_range(&pack_key(&loc.pack), loc.offset, loc.length as u64)
            .await?;
        let plain = self.decode(&format!("chunk {id} in pack {}", loc.pack), &raw)?;
        if Sha256Digest::of(&plain) != *id {
            return Err(DataError::corrupt(
                &self.inner.name,
                format!("chunk {id} in pack {} has the wrong content", loc.pack),
            ));
        }
        Ok(plain)
    }

    /// Reads a snapshot's tree.
    pub async fn read_tree(&self, snap: &Snapshot) -> Result<Vec<Node>> {
        let index = self.load_index().await?;
        self.read_tree_with(&index, snap).await
    }

    pub(crate) async fn read_tree_with(&self, index: &Index, snap: &Snapshot) -> Result<Vec<Node>> {
        let mut data = Vec::new();
        for id in &snap.tree {
            data.extend_from_slice(&self.read_chunk(index, id).await?);
        }
        data.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| {
                serde_json::from_slice(l).map_err(|e| {
                    DataError::corrupt(
                        &self.inner.name,
                        format!("snapshot {} tree entry: {e}", snap.short_id()),
                    )
                })
            })
            .collect()
    }

    /// Deletes snapshots (their data stays until [`Repository::prune`]).
    pub async fn forget(&self, ids: &[String]) -> Result<()> {
        for id in ids {
            self.inner.store.delete(&format!("snapshots/{id}")).await?;
        }
        Ok(())
    }

    pub(crate) async fn write_pack(
        &self,
        pack: Vec<u8>,
        blobs: Vec<crate::index::BlobEntry>,
    ) -> Result<(PackIndex, u64)> {
        // Hashed off the async workers; the store takes the digest instead of hashing the pack again.
        let (pack, digest) = tokio::task::spawn_blocking(move || {
            let digest = Sha256Digest::of(&pack);
            (Bytes::from(pack), digest)
        })
        .await
        .map_err(crate::error::join_error)?;
        let id = digest.to_string();
        let size = pack.len() as u64;
        self.inner
            .store
            .put_bytes_hashed(&pack_key(&id), pack, digest)
            .await?;
        let pi = PackIndex {
            pack: id.clone(),
            size,
            blobs,
        };
        let n = self.put_json(&index_key(&id), &pi).await?;
        Ok((pi, size + n))
    }
}
