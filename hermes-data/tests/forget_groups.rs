//! `forget_by_policy` applies the policy per host and source (restic's default `--group-by host,paths`),
//! and refuses to forget every snapshot of a group, as restic does.

use std::sync::Arc;

use hermes_core::RetentionPolicy;
use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::{BackupOptions, GroupBy, InitOptions, Repository};

async fn repo(tmp: &std::path::Path) -> (Repository, std::path::PathBuf) {
    let src = tmp.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("f"), b"tiny").unwrap();
    let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(tmp.join("repo")).unwrap());
    let repo = Repository::init(store, InitOptions::new()).await.unwrap();
    (repo, src)
}

#[tokio::test]
async fn one_hosts_backups_never_push_out_another_hosts_of_the_same_source() {
    // Two machines back up `dir:/srv/data` into one repository: web1 three times, then web2 twice.
    // Before: the policy ran per source only, so last=2 kept web2's two and forgot all of web1's.
    let tmp = tempfile::tempdir().unwrap();
    let (repo, src) = repo(tmp.path()).await;
    let mut ids = Vec::new();
    for host in ["web1", "web1", "web1", "web2", "web2"] {
        let opts = BackupOptions::full().source("dir:/srv/data").host(host);
        ids.push(repo.backup_dir(&src, opts).await.unwrap().id);
    }
    let policy: RetentionPolicy = "last=2".parse().unwrap();
    let report = repo.forget_by_policy(&policy, true).await.unwrap();
    assert_eq!(report.forget, vec![ids[0].clone()], "{report:?}");
    assert_eq!(report.groups.len(), 2);
    assert_eq!(
        report.groups[0].key.to_string(),
        "host web1, source dir:/srv/data"
    );
    assert_eq!(report.groups[0].keep, vec![ids[2].clone(), ids[1].clone()]);
    assert_eq!(report.groups[1].keep, vec![ids[4].clone(), ids[3].clone()]);
    // Grouping by source alone (the old behaviour, now asked for explicitly) pools the hosts.
    let pooled = repo
        .forget_by_policy_grouped(&policy, "source".parse().unwrap(), true)
        .await
        .unwrap();
    assert_eq!(pooled.forget.len(), 3);
    assert_eq!(
        repo.snapshots().await.unwrap().len(),
        5,
        "dry runs delete nothing"
    );
}

#[tokio::test]
async fn a_policy_that_keeps_nothing_of_a_group_is_refused_and_deletes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, src) = repo(tmp.path()).await;
    repo.backup_dir(&src, BackupOptions::full().tag("release"))
        .await
        .unwrap();
    repo.backup_dir(&src, BackupOptions::full().host("other"))
        .await
        .unwrap();
    let policy: RetentionPolicy = "tag=release".parse().unwrap();
    let e = repo.forget_by_policy(&policy, false).await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("keeps none of the 1 snapshots of the group host other")
            && text.contains("retention tag=release")
            && text.contains("e.g. last=1"),
        "{text}"
    );
    assert_eq!(
        hermes_core::Error::from(e).kind(),
        hermes_core::ErrorKind::InvalidInput
    );
    assert_eq!(repo.snapshots().await.unwrap().len(), 2, "nothing deleted");
    // Grouped by tags too, the untagged group still keeps nothing; with last=1 every group keeps one.
    let by: GroupBy = "host,source,tags".parse().unwrap();
    assert!(repo
        .forget_by_policy_grouped(&policy, by, true)
        .await
        .is_err());
    let policy: RetentionPolicy = "tag=release,last=1".parse().unwrap();
    let r = repo
        .forget_by_policy_grouped(&policy, by, false)
        .await
        .unwrap();
    assert_eq!((r.keep.len(), r.forget.len()), (2, 0));
}

#[test]
fn group_by_reads_restics_spellings_and_names_a_bad_one() {
    assert_eq!("host,paths".parse::<GroupBy>().unwrap(), GroupBy::default());
    assert_eq!("".parse::<GroupBy>().unwrap(), GroupBy::NONE);
    let e = "host,owner".parse::<GroupBy>().unwrap_err().to_string();
    assert!(
        e.contains("group-by \"host,owner\"")
            && e.contains("unknown grouping \"owner\"")
            && e.contains("use host, source"),
        "{e}"
    );
}
