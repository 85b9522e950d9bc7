//! Sources against the real services: PostgreSQL 15 (pg_dump → repository → pg_restore into a scratch
//! database, row counts compared), Redis 7 (RDB → repository → scratch redis-server, keys compared),
//! MongoDB (SecantusDB: dump → repository → restore into a scratch database, documents, indexes and
//! views compared) and the directory stream source.

mod common;

use std::sync::Arc;

use hermes_core::{BackupKind, Backupable, RestoreTarget};
use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::source::dir::DirSource;
use hermes_data::source::mongo::{MongoDump, MongoServer};
use hermes_data::source::postgres::{PgDatabase, PgDump};
use hermes_data::source::redis::{RedisRdb, RedisServer, ScratchRedis};
use hermes_data::{BackupOptions, InitOptions, Repository};

async fn repo(dir: &std::path::Path) -> Repository {
    let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(dir).unwrap());
    Repository::init(store, InitOptions::new().passphrase("pw"))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_dump_round_trips_into_a_scratch_database() {
    let peer = hermes_testkit::peer("postgres");
    let name = format!("hd_src_{}", std::process::id());
    let base = PgDatabase::new(
        peer.socket_addr().ip().to_string(),
        peer.port(),
        "postgres",
        "postgres",
    );
    let src = base.with_dbname(&name);
    let scratch = base.with_dbname(format!("{name}_drill"));
    src.drop_if_exists().await.unwrap();
    scratch.drop_if_exists().await.unwrap();
    src.create_if_missing().await.unwrap();
    let c = src.connect().await.unwrap();
    c.batch_execute(
        "CREATE TABLE orders (id serial primary key, body text not null);
         INSERT INTO orders (body) SELECT md5(i::text) FROM generate_series(1, 300000) i;
         CREATE SCHEMA app; CREATE TABLE app.\"Users\" (name text); INSERT INTO app.\"Users\" VALUES ('a'), ('b');",
    )
    .await
    .unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let repo = repo(tmp.path()).await;
    let dump = PgDump::new(src.clone());
    let (snap, info) = repo
        .backup_source(&src.url(), &dump, BackupOptions::full().tag("daily"))
        .await
        .unwrap();
    assert_eq!(snap.meta["rows.public.orders"], "300000");
    assert_eq!(snap.meta["rows.app.\"Users\""], "2");
    assert_eq!(snap.meta["stream_sha256"], info.sha256.to_string());
    // A second dump of unchanged data stores (almost) nothing new.
    let (snap2, _) = repo
        .backup_source(&src.url(), &dump, BackupOptions::incremental())
        .await
        .unwrap();
    assert!(
        snap2.stats.bytes_new < snap.stats.bytes_new / 2,
        "{:?} vs {:?}",
        snap2.stats,
        snap.stats
    );

    let restored = repo
        .restore_source(
            &snap,
            &dump,
            &RestoreTarget::Endpoint { url: scratch.url() },
        )
        .await
        .unwrap();
    assert_eq!(
        restored.sha256, info.sha256,
        "the stream restored is the stream dumped"
    );
    assert_eq!(
        scratch.row_counts().await.unwrap(),
        src.row_counts().await.unwrap()
    );
    drop(c);
    src.drop_if_exists().await.unwrap();
    scratch.drop_if_exists().await.unwrap();

    // A wrong target is a clear error.
    let err = PgDatabase::parse("postgres://u:pw@h/db").unwrap_err();
    assert!(
        !err.to_string().contains("pw@") && err.to_string().contains("u:***@h"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_rdb_round_trips_into_a_scratch_server() {
    let peer = hermes_testkit::peer("redis");
    let server = RedisServer::new(peer.socket_addr().ip().to_string(), peer.port());
    let mut c = server.connect().await.unwrap();
    let prefix = format!("hermes-data-test:{}:", std::process::id());
    for i in 0..200 {
        let _: () = redis::cmd("SET")
            .arg(format!("{prefix}{i}"))
            .arg(i)
            .query_async(&mut c)
            .await
            .unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo(&tmp.path().join("repo")).await;
    let rdb = RedisRdb::new(server.clone());
    let (snap, info) = repo
        .backup_source(&server.url(), &rdb, BackupOptions::full())
        .await
        .unwrap();
    let keys: u64 = snap.meta["keys.db0"].parse().unwrap();
    assert!(keys >= 200);
    let dir = tmp.path().join("scratch");
    let r = repo
        .restore_source(&snap, &rdb, &RestoreTarget::Directory { path: dir.clone() })
        .await
        .unwrap();
    assert_eq!(r.sha256, info.sha256);
    let scratch = ScratchRedis::start(&dir, hermes_testkit::free_port())
        .await
        .unwrap();
    let mut sc = scratch.server.connect().await.unwrap();
    let v: i64 = redis::cmd("GET")
        .arg(format!("{prefix}123"))
        .query_async(&mut sc)
        .await
        .unwrap();
    assert_eq!(v, 123);
    let n: u64 = redis::cmd("DBSIZE").query_async(&mut sc).await.unwrap();
    assert_eq!(n, keys);
    scratch.stop().await;
    for i in 0..200 {
        let _: () = redis::cmd("DEL")
            .arg(format!("{prefix}{i}"))
            .query_async(&mut c)
            .await
            .unwrap();
    }
}

/// Every document of `db.coll` in `_id` order, as raw BSON bytes.
async fn mongo_docs(server: &MongoServer, db: &str, coll: &str) -> Vec<Vec<u8>> {
    use mongodb::bson::{doc, RawDocumentBuf};
    let client = server.client().await.unwrap();
    let mut cursor = client
        .database(db)
        .collection::<RawDocumentBuf>(coll)
        .find(doc! {})
        .sort(doc! {"_id": 1})
        .await
        .unwrap();
    let mut out = Vec::new();
    while cursor.advance().await.unwrap() {
        out.push(cursor.current().as_bytes().to_vec());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mongodb_dump_round_trips_into_a_scratch_database() {
    use mongodb::bson::{doc, oid::ObjectId, Binary, DateTime, Document};
    let peer = hermes_testkit::peer("mongodb");
    let server = MongoServer::new(format!("mongodb://{}", peer.addr())).unwrap();
    let client = server.client().await.unwrap();
    let name = format!("hd_mongo_{}", std::process::id());
    let drill = format!("{name}_drill");
    client.database(&name).drop().await.unwrap();
    client.database(&drill).drop().await.unwrap();
    let db = client.database(&name);
    let orders = db.collection::<Document>("orders");
    let docs: Vec<Document> = (0..20_000i64)
        .map(|i| {
            let status = ["paid", "pending", "refunded"][(i % 3) as usize];
            let blob = Binary {
                subtype: mongodb::bson::spec::BinarySubtype::Generic,
                bytes: vec![(i % 251) as u8; 16],
            };
            doc! {
                "_id": ObjectId::new(),
                "n": i,
                "amount": i as f64 * 1.25,
                "at": DateTime::from_millis(1_790_000_000_000 + i),
                "status": status,
                "lines": [{"sku": format!("sku-{}", i % 97), "qty": (i % 5) as i32}],
                "blob": blob,
            }
        })
        .collect();
    orders.insert_many(docs).await.unwrap();
    db.run_command(doc! {"createIndexes": "orders", "indexes": [
        {"key": {"n": 1}, "name": "n_unique", "unique": true},
        {"key": {"status": 1, "at": -1}, "name": "status_at"},
    ]})
    .await
    .unwrap();
    db.collection::<Document>("customers")
        .insert_one(doc! {"_id": "c1", "name": "Ana"})
        .await
        .unwrap();
    // More collections than one listCollections batch (100): listing drains the cursor with getMore.
    for i in 0..110 {
        db.run_command(doc! {"create": format!("empty{i:03}")})
            .await
            .unwrap();
    }
    db.run_command(
        doc! {"create": "paid", "viewOn": "orders", "pipeline": [{"$match": {"status": "paid"}}]},
    )
    .await
    .unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let repo = repo(&tmp.path().join("repo")).await;
    let dump = MongoDump::new(server.clone(), &name);
    let (snap, info) = repo
        .backup_source(&dump.source(), &dump, BackupOptions::full())
        .await
        .unwrap();
    assert_eq!(snap.meta["docs.orders"], "20000");
    assert_eq!(snap.meta["docs.customers"], "1");
    assert_eq!(snap.meta["views"], "1");
    assert_eq!(
        snap.meta["docs.empty109"], "0",
        "every collection is listed"
    );
    assert_eq!(
        snap.meta["consistency"], "snapshot",
        "SecantusDB is a replica set"
    );

    let target = RestoreTarget::Endpoint {
        url: format!("mongodb://{}/{drill}", peer.addr()),
    };
    let r = repo.restore_source(&snap, &dump, &target).await.unwrap();
    assert_eq!(
        r.sha256, info.sha256,
        "the stream restored is the stream dumped"
    );
    assert_eq!(
        server.collection_counts(&drill).await.unwrap(),
        server.collection_counts(&name).await.unwrap()
    );
    assert_eq!(
        mongo_docs(&server, &drill, "orders").await,
        mongo_docs(&server, &name, "orders").await,
        "documents are restored byte for byte"
    );
    let reply = client
        .database(&drill)
        .run_command(doc! {"listIndexes": "orders"})
        .await
        .unwrap();
    let names: Vec<String> = reply
        .get_document("cursor")
        .unwrap()
        .get_array("firstBatch")
        .unwrap()
        .iter()
        .map(|i| {
            i.as_document()
                .unwrap()
                .get_str("name")
                .unwrap()
                .to_string()
        })
        .collect();
    for want in ["_id_", "n_unique", "status_at"] {
        assert!(
            names.iter().any(|n| n == want),
            "{want} missing from {names:?}"
        );
    }
    let paid = client
        .database(&drill)
        .collection::<Document>("paid")
        .count_documents(doc! {})
        .await
        .unwrap();
    assert_eq!(
        paid, 6667,
        "the view is restored and reads the restored data"
    );

    // Restoring over existing collections is refused and changes nothing.
    let err = repo
        .restore_source(&snap, &dump, &target)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    // A truncated stream is refused; neither the target nor a staging database is left behind.
    let mut buf = Vec::new();
    dump.backup(BackupKind::Full, &mut buf).await.unwrap();
    let half = RestoreTarget::Endpoint {
        url: format!("mongodb://{}/{name}_half", peer.addr()),
    };
    let err = dump
        .restore(&mut &buf[..buf.len() / 2], &half)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    let dbs = client.list_database_names().await.unwrap();
    assert!(
        !dbs.iter()
            .any(|d| d.contains("_hermes_") || d == &format!("{name}_half")),
        "{dbs:?}"
    );
    // A secret in the URI never shows.
    let with_pw = MongoServer::new(format!("mongodb://u:hunter2@{}/x", peer.addr())).unwrap();
    assert!(!format!("{with_pw:?} {}", with_pw.label()).contains("hunter2"));

    client.database(&name).drop().await.unwrap();
    client.database(&drill).drop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_stream_source_round_trips_directly_and_through_a_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    common::make_tree(&src, 300, &[2]);
    let d = DirSource::new(&src);
    let mut buf = Vec::new();
    let info = d.backup(BackupKind::Full, &mut buf).await.unwrap();
    assert_eq!(info.bytes, buf.len() as u64);
    let out = tmp.path().join("direct");
    let r = d
        .restore(
            &mut &buf[..],
            &RestoreTarget::Directory { path: out.clone() },
        )
        .await
        .unwrap();
    assert_eq!(r.sha256, info.sha256);
    common::assert_same_tree(&src, &out);

    let repo = repo(&tmp.path().join("repo")).await;
    let (snap, _) = repo
        .backup_source("dir-stream", &d, BackupOptions::full())
        .await
        .unwrap();
    let out2 = tmp.path().join("via-repo");
    repo.restore_source(&snap, &d, &RestoreTarget::Directory { path: out2.clone() })
        .await
        .unwrap();
    common::assert_same_tree(&src, &out2);

    // A truncated stream is an error, not a silent partial restore.
    let err = d
        .restore(
            &mut &buf[..buf.len() / 2],
            &RestoreTarget::Directory {
                path: tmp.path().join("t"),
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("backup stream"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_source_honours_the_backupable_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    common::make_tree(&src, 100, &[1]);
    let out = tmp.path().join("out");
    let d = DirSource::new(&src);
    let (s1, o1) = (src.clone(), out.clone());
    let report = hermes_core::contract::check_backupable(
        &d,
        "DirSource",
        &RestoreTarget::Directory { path: out.clone() },
        || async move {
            std::fs::write(s1.join("d00/e0/f0.json"), b"changed after the full backup").unwrap();
            std::fs::write(s1.join("added.txt"), b"new").unwrap();
            Ok(())
        },
        || {
            let (a, b) = (src.clone(), o1.clone());
            async move {
                let r = std::panic::catch_unwind(|| common::assert_same_tree(&a, &b));
                r.map_err(|_| hermes_core::Error::verification("trees differ"))
            }
        },
    )
    .await
    .unwrap();
    assert!(report.to_string().contains("incremental"), "{report}");
}
