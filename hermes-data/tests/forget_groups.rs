//! `forget_by_policy` applies the policy per host and source (restic's default `--group-by host,paths`),
//! and refuses to forget every snapshot of a group, as restic does; `forget_with` considers only the
//! snapshots a filter matches (restic's `forget --host --tag --path`) and counts what each rule kept.

use std::sync::Arc;

use hermes_core::RetentionPolicy;
use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::{BackupOptions, ForgetOptions, GroupBy, InitOptions, Repository, SnapshotFilter};

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

#[tokio::test]
async fn a_filtered_forget_leaves_the_other_snapshots_alone_and_counts_each_rule() {
    // web1 and web2 back up the same source, some tagged daily; only web1's daily ones are considered.
    let tmp = tempfile::tempdir().unwrap();
    let (repo, src) = repo(tmp.path()).await;
    let mut ids = Vec::new();
    for (host, tag) in [
        ("web1", "daily"),
        ("web2", "daily"),
        ("web1", "daily"),
        ("web1", "manual"),
        ("web1", "daily"),
        ("web2", "daily"),
    ] {
        let opts = BackupOptions::full()
            .source("dir:/srv/data")
            .host(host)
            .tag(tag);
        ids.push(repo.backup_dir(&src, opts).await.unwrap().id);
    }
    let policy: RetentionPolicy = "last=1".parse().unwrap();
    let filter = SnapshotFilter::new()
        .try_host("web1")
        .unwrap()
        .tags("daily");
    let opts = ForgetOptions::new().filter(filter.clone());
    let r = repo.forget_with(&policy, &opts).await.unwrap();
    // Considered: web1's three daily snapshots; the newest is kept, the two older forgotten.
    assert_eq!(r.ignored, 3, "{r:?}");
    assert_eq!(r.forget, vec![ids[2].clone(), ids[0].clone()]);
    assert_eq!(r.keep.len(), 1);
    assert_eq!(r.keep[0].0, ids[4]);
    assert_eq!(r.groups.len(), 1);
    assert_eq!(
        r.groups[0].counts.to_string(),
        "1 kept (last 1), 2 forgotten"
    );
    assert_eq!(
        (r.counts.last, r.counts.kept, r.counts.forgotten),
        (1, 1, 2)
    );
    // Deleted for real: the ignored ones (web2's, web1's manual) are all still there.
    let left: Vec<String> = repo
        .snapshots()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(left.len(), 4);
    for kept in [&ids[1], &ids[3], &ids[4], &ids[5]] {
        assert!(left.contains(kept), "{kept} should be left");
    }
    // The counts are data: the report reads back from JSON.
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["counts"]["last"], 1);
    assert_eq!(json["groups"][0]["counts"]["forgotten"], 2);
    assert_eq!(json["ignored"], 3);
    // A source no snapshot has: nothing considered, nothing forgotten, nothing refused.
    let none = ForgetOptions::new()
        .filter(SnapshotFilter::new().source("dir:/elsewhere"))
        .dry_run(true);
    let r = repo.forget_with(&policy, &none).await.unwrap();
    assert_eq!((r.groups.len(), r.ignored, r.forget.len()), (0, 4, 0));
    // An empty host is refused, saying what to give.
    let e = SnapshotFilter::new().try_host("").unwrap_err().to_string();
    assert!(
        e.contains("forget host filter") && e.contains("--host"),
        "{e}"
    );
}
