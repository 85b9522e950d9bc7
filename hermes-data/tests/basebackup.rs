//! A whole PostgreSQL 15 cluster through pg_basebackup → repository → a new data directory → a scratch
//! cluster started on a spare port, validated by the row counts recorded at backup time; and the
//! refusals (non-empty restore directory, wrong target kind).

use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;

use hermes_core::RestoreTarget;
use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::source::basebackup::{PgBaseBackup, ScratchCluster};
use hermes_data::source::postgres::PgDatabase;
use hermes_data::{BackupOptions, InitOptions, Repository};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_backup_restores_into_a_scratch_cluster_with_the_same_rows() {
    let peer = hermes_testkit::peer("postgres");
    let server = PgDatabase::new(
        peer.socket_addr().ip().to_string(),
        peer.port(),
        "postgres",
        "postgres",
    );
    let name = format!("hd_bb_{}", std::process::id());
    let db = server.with_dbname(&name);
    db.drop_if_exists().await.unwrap();
    db.create_if_missing().await.unwrap();
    db.connect()
        .await
        .unwrap()
        .batch_execute(
            "CREATE TABLE events (id bigserial primary key, body text not null);
             INSERT INTO events (body) SELECT md5(i::text) FROM generate_series(1, 50000) i;",
        )
        .await
        .unwrap();

    // The scratch cluster runs as the postgres user: its directories must be reachable by it.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(tmp.path().join("repo")).unwrap());
    let repo = Repository::init(store, InitOptions::new()).await.unwrap();
    let source = PgBaseBackup::new(server.clone()).validate([name.clone()]);
    let (snap, info) = repo
        .backup_source("pg-cluster:test", &source, BackupOptions::full())
        .await
        .unwrap();
    assert_eq!(snap.meta[&format!("rows.{name}.public.events")], "50000");
    assert!(snap.meta["server_version"].starts_with("15"));
    assert!(
        info.bytes > 10 << 20,
        "a cluster is tens of MiB: {}",
        info.bytes
    );
    // Rows added after the backup are not in the restore.
    db.connect()
        .await
        .unwrap()
        .batch_execute("INSERT INTO events (body) VALUES ('after the backup')")
        .await
        .unwrap();

    let datadir = tmp.path().join("pgdata");
    let restored = repo
        .restore_source(
            &snap,
            &source,
            &RestoreTarget::Directory {
                path: datadir.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(restored.sha256, info.sha256);
    assert!(datadir.join("PG_VERSION").exists());

    let port = hermes_testkit::free_port();
    let cluster = ScratchCluster::start(&datadir, port).await.unwrap();
    let rows = cluster.database(&name).row_counts().await.unwrap();
    assert_eq!(rows["public.events"], 50000);
    cluster.stop().await.unwrap();
    db.drop_if_exists().await.unwrap();

    // A restore never overwrites a directory that has something in it.
    let err = repo
        .restore_source(
            &snap,
            &source,
            &RestoreTarget::Directory {
                path: datadir.clone(),
            },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("not empty") && err.contains("pgdata"), "{err}");
    let err = repo
        .restore_source(&snap, &source, &RestoreTarget::InPlace)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("new, empty data directory"), "{err}");
}
