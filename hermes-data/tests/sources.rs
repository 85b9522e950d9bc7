//! Sources against the real services: PostgreSQL 15 (pg_dump → repository → pg_restore into a scratch
//! database, row counts compared), Redis 7 (RDB → repository → scratch redis-server, keys compared),
//! and the directory stream source.

mod common;

use std::sync::Arc;

use hermes_core::{BackupKind, Backupable, RestoreTarget};
use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::source::dir::DirSource;
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
