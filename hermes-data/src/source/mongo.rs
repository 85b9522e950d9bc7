//! MongoDB: a logical dump of one database (every collection's documents as raw BSON, its options,
//! its indexes, and the views), read at one point in time when the server is a replica set, and
//! restored into an empty database that appears only once it is complete.
//!
//! # Stream format (`hermes-mongo-dump 1`)
//!
//! A line `HERMES-MONGO-DUMP 1\n`, then records, each a tag byte followed by one BSON document:
//! `C` a collection or view header (`name`, `type`, `options`, `indexes`), `D` a document of the
//! collection whose header came last, `E` its end (`name`, `count`), and one final `Z` (`collections`,
//! `documents`). A stream without its `Z` record is truncated and is refused on restore.
//!
//! # Consistency
//!
//! On a replica set the dump reads every collection in one *snapshot* session (MongoDB 5.0+: all
//! reads at the same cluster time, recorded as the checkpoint); the server keeps snapshot history for
//! `minSnapshotHistoryWindowInSeconds` (300 s by default), so a longer dump fails with
//! `SnapshotTooOld` and needs that window raised. On a standalone server each collection is read on
//! its own (as `mongodump` without `--oplog`), which the backup's metadata says (`consistency`).
//! An incremental backup is a full dump (the repository deduplicates what did not change).
//!
//! # Restore
//!
//! [`RestoreTarget::Endpoint`] with a `mongodb://` URL whose path names the database (an empty one,
//! `mongodb://127.0.0.1:27117/drill`), or [`RestoreTarget::InPlace`] into the dumped database when it
//! has none of the dumped collections. Documents go into a staging database
//! (`<db>_hermes_<random>`), indexes are built after the data (as `mongorestore` does), then each
//! collection is renamed into place and views are created; a failure drops the staging database,
//! so a half restore is never visible under the target name.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::Utc;
use hermes_core::checksum::{HashingReader, HashingWriter};
use hermes_core::secret::Secret;
use hermes_core::{
    ArtifactSink, ArtifactSource, BackupInfo, BackupKind, Backupable, RestoreInfo, RestoreTarget,
};
use mongodb::bson::{doc, Bson, Document, RawDocumentBuf};
use mongodb::options::ClientOptions;
use mongodb::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};

use crate::error::{DataError, Result};

const MAGIC: &[u8] = b"HERMES-MONGO-DUMP 1\n";
/// Documents or bytes per insert batch on restore.
const BATCH_DOCS: usize = 10_000;
const BATCH_BYTES: usize = 8 << 20;

/// A MongoDB deployment and how to reach it. The URI may hold credentials: it is kept as a
/// [`Secret`] and only its redacted form ([`MongoServer::label`]) is ever shown.
///
/// ```
/// let m = hermes_data::source::mongo::MongoServer::new("mongodb://backup:s3cret@127.0.0.1:27117/?authSource=admin")?;
/// assert_eq!(m.label(), "mongodb://127.0.0.1:27117");
/// assert!(!format!("{m:?}").contains("s3cret"));
/// # Ok::<(), hermes_data::DataError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MongoServer {
    uri: Secret,
    label: String,
    /// Limit for the whole backup or restore.
    pub timeout: Duration,
}

impl MongoServer {
    /// A deployment at a `mongodb://` or `mongodb+srv://` connection string.
    pub fn new(uri: impl Into<String>) -> Result<Self> {
        let uri = uri.into();
        let label = redact(&uri).ok_or_else(|| {
            DataError::invalid(
                redact_any(&uri),
                "not a MongoDB connection string: expected mongodb://[user:password@]host[:port][/db][?options]",
            )
        })?;
        Ok(MongoServer {
            uri: Secret::new(uri),
            label,
            timeout: Duration::from_secs(3600),
        })
    }

    /// `scheme://hosts` without credentials, database or options.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The database named in the URI's path, if any.
    pub fn database_in_uri(&self) -> Option<String> {
        let rest = self.uri.expose().split_once("://")?.1;
        let path = rest.split_once('/')?.1;
        let db = path.split('?').next().unwrap_or("");
        (!db.is_empty()).then(|| db.to_string())
    }

    fn err(&self, source: mongodb::error::Error) -> DataError {
        DataError::Mongo {
            target: self.label.clone(),
            source,
        }
    }

    /// A client (10 s server selection and connect timeouts, app name `hermes`).
    pub async fn client(&self) -> Result<Client> {
        let mut opts = ClientOptions::parse(self.uri.expose())
            .await
            .map_err(|e| self.err(e))?;
        opts.app_name = Some("hermes".into());
        opts.server_selection_timeout = Some(Duration::from_secs(10));
        opts.connect_timeout = Some(Duration::from_secs(10));
        Client::with_options(opts).map_err(|e| self.err(e))
    }

    /// Documents per collection of `db` (views excluded), for validating a restore.
    pub async fn collection_counts(&self, db: &str) -> Result<BTreeMap<String, u64>> {
        let client = self.client().await?;
        let database = client.database(db);
        let mut out = BTreeMap::new();
        for spec in self.collections(&client, db).await? {
            if spec.kind == "collection" {
                let n = database
                    .collection::<Document>(&spec.name)
                    .count_documents(doc! {})
                    .await
                    .map_err(|e| self.err(e))?;
                out.insert(spec.name, n);
            }
        }
        Ok(out)
    }

    /// The collections and views of `db` (not `system.*`), from `listCollections`.
    async fn collections(&self, client: &Client, db: &str) -> Result<Vec<CollectionSpec>> {
        let batch = self
            .cursor_command(
                client,
                db,
                doc! {"listCollections": 1, "nameOnly": false, "cursor": {"batchSize": 100}},
                "listCollections",
            )
            .await?;
        let mut specs = Vec::new();
        for item in batch {
            let Bson::Document(d) = item else { continue };
            let name = d.get_str("name").unwrap_or_default().to_string();
            if name.is_empty() || name.starts_with("system.") {
                continue;
            }
            specs.push(CollectionSpec {
                kind: d.get_str("type").unwrap_or("collection").to_string(),
                options: d.get_document("options").cloned().unwrap_or_default(),
                name,
            });
        }
        specs.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(specs)
    }

    /// The index specifications of a collection (as `listIndexes` returns them, `ns` removed).
    async fn indexes(&self, client: &Client, db: &str, coll: &str) -> Result<Vec<Bson>> {
        let batch = self
            .cursor_command(
                client,
                db,
                doc! {"listIndexes": coll, "cursor": {"batchSize": 100}},
                "listIndexes",
            )
            .await?;
        Ok(batch
            .iter()
            .filter_map(|b| match b {
                Bson::Document(d) => {
                    let mut d = d.clone();
                    d.remove("ns");
                    Some(Bson::Document(d))
                }
                _ => None,
            })
            .collect())
    }

    /// Runs a command that answers with a cursor and drains it (`firstBatch`, then `getMore` until
    /// the cursor id is 0): a database with more collections or indexes than one batch is read whole.
    async fn cursor_command(
        &self,
        client: &Client,
        db: &str,
        command: Document,
        name: &str,
    ) -> Result<Vec<Bson>> {
        let database = client.database(db);
        let mut reply = database
            .run_command(command)
            .await
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        let mut batch_key = "firstBatch";
        loop {
            let cursor = reply
                .get_document("cursor")
                .map_err(|_| self.malformed(name, "no cursor"))?;
            let batch = cursor
                .get_array(batch_key)
                .map_err(|_| self.malformed(name, &format!("no cursor.{batch_key}")))?;
            out.extend(batch.iter().cloned());
            let id = cursor.get_i64("id").unwrap_or(0);
            if id == 0 {
                return Ok(out);
            }
            let ns = cursor.get_str("ns").unwrap_or_default();
            let collection = ns.split_once('.').map_or(ns, |(_, c)| c).to_string();
            reply = database
                .run_command(doc! {"getMore": id, "collection": collection})
                .await
                .map_err(|e| self.err(e))?;
            batch_key = "nextBatch";
        }
    }

    fn malformed(&self, command: &str, what: &str) -> DataError {
        DataError::invalid(
            &self.label,
            format!("the server's {command} reply is not understood ({what}); is this MongoDB?"),
        )
    }
}

/// `(scheme, hosts)` of `scheme://[user:password@]hosts[/db][?options]`: credentials, database and
/// options dropped.
fn scheme_and_hosts(uri: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    Some((
        scheme,
        authority.rsplit_once('@').map_or(authority, |(_, h)| h),
    ))
}

/// Removes credentials, database and options: `mongodb://u:p@h:1,h2:2/db?x` → `mongodb://h:1,h2:2`;
/// `None` unless it is a MongoDB connection string with hosts.
fn redact(uri: &str) -> Option<String> {
    match scheme_and_hosts(uri)? {
        (scheme @ ("mongodb" | "mongodb+srv"), hosts) if !hosts.is_empty() => {
            Some(format!("{scheme}://{hosts}"))
        }
        _ => None,
    }
}

/// The same for anything, for error messages about bad input.
fn redact_any(uri: &str) -> String {
    scheme_and_hosts(uri).map_or_else(
        || "<connection string>".to_string(),
        |(scheme, hosts)| format!("{scheme}://{hosts}"),
    )
}

#[derive(Debug, Clone)]
struct CollectionSpec {
    name: String,
    kind: String,
    options: Document,
}

/// The [`Backupable`] for one MongoDB database (a logical dump).
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use hermes_data::source::mongo::{MongoDump, MongoServer};
/// let dump = MongoDump::new(MongoServer::new("mongodb://127.0.0.1:27117")?, "shop");
/// let store = hermes_data::artifact::LocalStore::new("/var/backups/repo")?;
/// let repo = hermes_data::Repository::open(std::sync::Arc::new(store), None).await?;
/// let (snap, info) = repo
///     .backup_source(&dump.source(), &dump, hermes_data::BackupOptions::full())
///     .await?;
/// assert_eq!(snap.meta["docs.orders"], info.metadata["docs.orders"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MongoDump {
    server: MongoServer,
    database: String,
}

impl MongoDump {
    /// A dump of `database` on `server`.
    pub fn new(server: MongoServer, database: impl Into<String>) -> Self {
        MongoDump {
            server,
            database: database.into(),
        }
    }

    /// `mongodb://hosts/database` (no credentials).
    pub fn source(&self) -> String {
        format!("{}/{}", self.server.label, self.database)
    }

    async fn dump(&self, sink: &mut dyn ArtifactSink) -> Result<(u64, String, DumpSummary)> {
        let client = self.server.client().await?;
        let db = client.database(&self.database);
        let hello = db
            .run_command(doc! {"hello": 1})
            .await
            .map_err(|e| self.server.err(e))?;
        let replica_set = hello.get_str("setName").is_ok();
        let specs = self.server.collections(&client, &self.database).await?;
        let mut session = if replica_set {
            Some(
                client
                    .start_session()
                    .snapshot(true)
                    .await
                    .map_err(|e| self.server.err(e))?,
            )
        } else {
            None
        };
        let mut w = BufWriter::with_capacity(1 << 20, sink);
        let io = |e| DataError::io("write the dump of", self.source(), e);
        w.write_all(MAGIC).await.map_err(io)?;
        let mut summary = DumpSummary::default();
        for spec in &specs {
            let indexes = if spec.kind == "collection" {
                self.server
                    .indexes(&client, &self.database, &spec.name)
                    .await?
            } else {
                Vec::new()
            };
            let header = doc! {
                "name": &spec.name,
                "type": &spec.kind,
                "options": spec.options.clone(),
                "indexes": indexes,
            };
            write_record(&mut w, b'C', &to_raw(&header)?)
                .await
                .map_err(io)?;
            if spec.kind != "collection" {
                continue;
            }
            let coll = db.collection::<RawDocumentBuf>(&spec.name);
            let mut count = 0u64;
            match session.as_mut() {
                Some(s) => {
                    let mut cursor = coll
                        .find(doc! {})
                        .session(&mut *s)
                        .await
                        .map_err(|e| self.server.err(e))?;
                    while cursor
                        .advance(&mut *s)
                        .await
                        .map_err(|e| self.server.err(e))?
                    {
                        write_doc(&mut w, cursor.current().as_bytes())
                            .await
                            .map_err(io)?;
                        count += 1;
                    }
                }
                None => {
                    let mut cursor = coll.find(doc! {}).await.map_err(|e| self.server.err(e))?;
                    while cursor.advance().await.map_err(|e| self.server.err(e))? {
                        write_doc(&mut w, cursor.current().as_bytes())
                            .await
                            .map_err(io)?;
                        count += 1;
                    }
                }
            }
            let end = doc! {"name": &spec.name, "count": count as i64};
            write_record(&mut w, b'E', &to_raw(&end)?)
                .await
                .map_err(io)?;
            summary.counts.insert(spec.name.clone(), count);
            summary.documents += count;
        }
        summary.views = specs.iter().filter(|s| s.kind != "collection").count() as u64;
        let end = doc! {
            "collections": summary.counts.len() as i64,
            "documents": summary.documents as i64,
        };
        write_record(&mut w, b'Z', &to_raw(&end)?)
            .await
            .map_err(io)?;
        w.flush().await.map_err(io)?;
        let checkpoint = match session.as_ref().and_then(|s| s.operation_time()) {
            Some(ts) => format!("clusterTime {}.{}", ts.time, ts.increment),
            None => Utc::now().to_rfc3339(),
        };
        summary.consistency = if replica_set {
            "snapshot".into()
        } else {
            "per-collection".into()
        };
        Ok((summary.documents, checkpoint, summary))
    }
}

#[derive(Debug, Default)]
struct DumpSummary {
    counts: BTreeMap<String, u64>,
    documents: u64,
    views: u64,
    consistency: String,
}

fn to_raw(d: &Document) -> Result<RawDocumentBuf> {
    RawDocumentBuf::from_document(d)
        .map_err(|e| DataError::Internal(format!("encoding a dump record: {e}")))
}

async fn write_record<W: AsyncWriteExt + Unpin>(
    w: &mut W,
    tag: u8,
    d: &RawDocumentBuf,
) -> std::io::Result<()> {
    w.write_all(&[tag]).await?;
    w.write_all(d.as_bytes()).await
}

async fn write_doc<W: AsyncWriteExt + Unpin>(w: &mut W, bson: &[u8]) -> std::io::Result<()> {
    w.write_all(b"D").await?;
    w.write_all(bson).await
}

/// Reads one record; `None` at a clean end of input.
async fn read_record<R: AsyncReadExt + Unpin>(
    r: &mut R,
    what: &str,
) -> Result<Option<(u8, RawDocumentBuf)>> {
    let bad = |detail: String| DataError::invalid(what, detail);
    let mut tag = [0u8; 1];
    match r.read(&mut tag).await {
        Ok(0) => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(DataError::io("read", what, e)),
    }
    let mut len = [0u8; 4];
    r.read_exact(&mut len)
        .await
        .map_err(|_| bad("the dump stream is truncated inside a record".into()))?;
    let n = i32::from_le_bytes(len);
    if !(5..=48_000_000).contains(&n) {
        return Err(bad(format!(
            "a dump record claims {n} bytes; the stream is damaged"
        )));
    }
    let mut buf = vec![0u8; n as usize];
    buf[..4].copy_from_slice(&len);
    r.read_exact(&mut buf[4..])
        .await
        .map_err(|_| bad("the dump stream is truncated inside a record".into()))?;
    let doc = RawDocumentBuf::from_bytes(buf)
        .map_err(|e| bad(format!("a dump record is not BSON: {e}")))?;
    Ok(Some((tag[0], doc)))
}

#[async_trait]
impl Backupable for MongoDump {
    async fn backup(
        &self,
        kind: BackupKind,
        sink: &mut dyn ArtifactSink,
    ) -> hermes_core::Result<BackupInfo> {
        let started = Utc::now();
        let mut w = HashingWriter::new(sink);
        let limit = self.server.timeout;
        let (_, checkpoint, summary) = tokio::time::timeout(limit, self.dump(&mut w))
            .await
            .map_err(|_| DataError::Timeout {
                target: self.source(),
                what: "dumping the database".into(),
                secs: limit.as_secs(),
            })??;
        let mut metadata: BTreeMap<String, String> = summary
            .counts
            .iter()
            .map(|(c, n)| (format!("docs.{c}"), n.to_string()))
            .collect();
        metadata.insert("format".into(), "hermes-mongo-dump 1".into());
        metadata.insert("database".into(), self.database.clone());
        metadata.insert("documents".into(), summary.documents.to_string());
        metadata.insert("views".into(), summary.views.to_string());
        metadata.insert("consistency".into(), summary.consistency);
        let consistent_at = Utc::now();
        Ok(BackupInfo {
            source: self.source(),
            kind,
            bytes: w.bytes(),
            sha256: w.digest(),
            started,
            finished: Utc::now(),
            consistent_at,
            checkpoint,
            metadata,
        })
    }

    async fn restore(
        &self,
        source: &mut dyn ArtifactSource,
        target: &RestoreTarget,
    ) -> hermes_core::Result<RestoreInfo> {
        let started = Instant::now();
        let (server, database) = match target {
            RestoreTarget::InPlace => (self.server.clone(), self.database.clone()),
            RestoreTarget::Endpoint { url } => {
                let server = MongoServer::new(url.clone())?;
                let db = server.database_in_uri().ok_or_else(|| {
                    DataError::invalid(
                        server.label(),
                        "name the database to restore into in the URL's path (mongodb://host:port/drill)",
                    )
                })?;
                (server, db)
            }
            RestoreTarget::Directory { path } => {
                return Err(DataError::invalid(
                    path.display().to_string(),
                    "a MongoDB dump restores into a database: give RestoreTarget::Endpoint (mongodb://host:port/db) or InPlace",
                )
                .into())
            }
        };
        let mut r = HashingReader::new(source);
        let limit = server.timeout;
        let target_name = format!("{}/{}", server.label(), database);
        tokio::time::timeout(limit, restore_into(&server, &database, &mut r))
            .await
            .map_err(|_| DataError::Timeout {
                target: target_name,
                what: "restoring the dump".into(),
                secs: limit.as_secs(),
            })??;
        Ok(RestoreInfo {
            target: target.clone(),
            bytes: r.bytes(),
            sha256: r.digest(),
            elapsed: started.elapsed(),
        })
    }
}

/// Restores a dump stream into `database` through a staging database (dropped on any failure).
async fn restore_into(
    server: &MongoServer,
    database: &str,
    input: &mut (dyn tokio::io::AsyncRead + Send + Unpin),
) -> Result<()> {
    let client = server.client().await?;
    let existing = server.collections(&client, database).await?;
    let staging = format!("{database}_hermes_{:08x}", fastrand::u32(..));
    let result = stage(server, &client, database, &staging, &existing, input).await;
    if result.is_err() {
        let _ = client.database(&staging).drop().await;
    }
    result
}

/// The collection being restored: its index specs and the documents not yet inserted.
struct Pending {
    name: String,
    indexes: Vec<Bson>,
    batch: Vec<RawDocumentBuf>,
    bytes: usize,
    count: u64,
}

async fn stage(
    server: &MongoServer,
    client: &Client,
    database: &str,
    staging: &str,
    existing: &[CollectionSpec],
    input: &mut (dyn tokio::io::AsyncRead + Send + Unpin),
) -> Result<()> {
    let what = format!("MongoDB dump for {}/{database}", server.label());
    let mut r = BufReader::with_capacity(1 << 20, input);
    let mut magic = vec![0u8; MAGIC.len()];
    r.read_exact(&mut magic)
        .await
        .map_err(|_| DataError::invalid(&what, "the stream is empty or truncated"))?;
    if magic != MAGIC {
        return Err(DataError::invalid(
            &what,
            "not a Hermes MongoDB dump (no HERMES-MONGO-DUMP 1 header)",
        ));
    }
    let sdb = client.database(staging);
    let mut collections: Vec<String> = Vec::new();
    let mut views: Vec<Document> = Vec::new();
    let mut current: Option<Pending> = None;
    let mut finished = false;
    let flush = |name: String, batch: Vec<RawDocumentBuf>| {
        let coll = sdb.collection::<RawDocumentBuf>(&name);
        async move {
            if !batch.is_empty() {
                coll.insert_many(batch)
                    .ordered(false)
                    .await
                    .map_err(|e| server.err(e))?;
            }
            Ok::<(), DataError>(())
        }
    };
    while let Some((tag, raw)) = read_record(&mut r, &what).await? {
        if finished {
            return Err(DataError::invalid(&what, "data after the end record"));
        }
        match tag {
            b'D' => {
                let Some(p) = current.as_mut() else {
                    return Err(DataError::invalid(
                        &what,
                        "a document outside any collection",
                    ));
                };
                p.bytes += raw.as_bytes().len();
                p.count += 1;
                p.batch.push(raw);
                if p.batch.len() >= BATCH_DOCS || p.bytes >= BATCH_BYTES {
                    let full = std::mem::take(&mut p.batch);
                    p.bytes = 0;
                    flush(p.name.clone(), full).await?;
                }
            }
            b'C' => {
                if current.is_some() {
                    return Err(DataError::invalid(
                        &what,
                        "a collection starts before the previous one ended",
                    ));
                }
                let header = Document::try_from(raw.as_ref()).map_err(|e| {
                    DataError::invalid(&what, format!("bad collection header: {e}"))
                })?;
                let name = header.get_str("name").unwrap_or_default().to_string();
                if name.is_empty() {
                    return Err(DataError::invalid(
                        &what,
                        "a collection header without a name",
                    ));
                }
                if existing.iter().any(|e| e.name == name) {
                    return Err(DataError::InvalidInput {
                        target: format!("{}/{database}", server.label()),
                        detail: format!(
                            "collection {name} already exists there; restore into an empty database or drop it first (nothing was changed)"
                        ),
                    });
                }
                let options = header.get_document("options").cloned().unwrap_or_default();
                let mut create = doc! {"create": &name};
                for (k, v) in options {
                    create.insert(k, v);
                }
                if header.get_str("type").unwrap_or("collection") != "collection" {
                    views.push(create);
                    continue;
                }
                sdb.run_command(create).await.map_err(|e| server.err(e))?;
                let indexes = header.get_array("indexes").cloned().unwrap_or_default();
                current = Some(Pending {
                    name,
                    indexes,
                    batch: Vec::new(),
                    bytes: 0,
                    count: 0,
                });
            }
            b'E' => {
                let Some(Pending {
                    name,
                    indexes,
                    batch,
                    count,
                    ..
                }) = current.take()
                else {
                    return Err(DataError::invalid(
                        &what,
                        "an end record outside any collection",
                    ));
                };
                let end = Document::try_from(raw.as_ref())
                    .map_err(|e| DataError::invalid(&what, format!("bad end record: {e}")))?;
                let expected = end.get_i64("count").unwrap_or(-1);
                if expected != count as i64 {
                    return Err(DataError::invalid(
                        &what,
                        format!("collection {name}: {count} documents in the stream, {expected} recorded"),
                    ));
                }
                flush(name.clone(), batch).await?;
                let specs: Vec<Bson> = indexes
                    .into_iter()
                    .filter(|i| match i {
                        Bson::Document(d) => d.get_str("name").unwrap_or("_id_") != "_id_",
                        _ => false,
                    })
                    .collect();
                if !specs.is_empty() {
                    sdb.run_command(doc! {"createIndexes": &name, "indexes": specs})
                        .await
                        .map_err(|e| server.err(e))?;
                }
                collections.push(name);
            }
            b'Z' => finished = true,
            t => {
                return Err(DataError::invalid(
                    &what,
                    format!("unknown record tag {t:#04x}; the stream is damaged"),
                ))
            }
        }
    }
    if !finished || current.is_some() {
        return Err(DataError::invalid(
            &what,
            "the dump stream is truncated (no end record); nothing was restored",
        ));
    }
    // Complete: move every collection into place, then the views (which name them).
    let admin = client.database("admin");
    for name in &collections {
        admin
            .run_command(doc! {
                "renameCollection": format!("{staging}.{name}"),
                "to": format!("{database}.{name}"),
            })
            .await
            .map_err(|e| server.err(e))?;
    }
    let tdb = client.database(database);
    for view in views {
        tdb.run_command(view).await.map_err(|e| server.err(e))?;
    }
    let _ = sdb.drop().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_redacted() {
        assert_eq!(
            redact("mongodb://u:p%40ss@h1:27017,h2:27018/db?replicaSet=rs0").as_deref(),
            Some("mongodb://h1:27017,h2:27018")
        );
        assert_eq!(
            redact("mongodb+srv://cluster0.example.net").as_deref(),
            Some("mongodb+srv://cluster0.example.net")
        );
        assert_eq!(redact("postgres://h/db"), None);
        let e = MongoServer::new("http://admin:hunter2@h").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("mongodb://"), "{e}");
    }

    #[test]
    fn database_is_read_from_the_path() {
        let m = MongoServer::new("mongodb://h:1/drill?authSource=admin").unwrap();
        assert_eq!(m.database_in_uri().as_deref(), Some("drill"));
        assert_eq!(
            MongoServer::new("mongodb://h:1/")
                .unwrap()
                .database_in_uri(),
            None
        );
        assert_eq!(
            MongoServer::new("mongodb://h:1").unwrap().database_in_uri(),
            None
        );
    }

    #[tokio::test]
    async fn records_round_trip_and_damage_is_named() {
        let d = to_raw(&doc! {"name": "orders", "count": 2i64}).unwrap();
        let mut buf = Vec::new();
        write_record(&mut buf, b'E', &d).await.unwrap();
        let (tag, back) = read_record(&mut &buf[..], "t").await.unwrap().unwrap();
        assert_eq!((tag, back.as_bytes()), (b'E', d.as_bytes()));
        assert!(read_record(&mut &buf[..0], "t").await.unwrap().is_none());
        let e = read_record(&mut &buf[..buf.len() - 1], "dump X")
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("dump X") && e.to_string().contains("truncated"),
            "{e}"
        );
        let mut bad = buf.clone();
        bad[1..5].copy_from_slice(&i32::MAX.to_le_bytes());
        let e = read_record(&mut &bad[..], "t").await.unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
    }
}
