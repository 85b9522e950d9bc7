//! Configuration backups of the FakeNOS fleet (`scripts/peers.sh up fakenos`: NX-OS n3k, IOS
//! c3750, FortiOS fgt over SSH) into a local artifact store: back up, change the configuration,
//! back up again, the diff shows exactly the change; an unchanged device stores no new version.

mod common;

use common::target;

use hermes_core::LocalStore;
use hermes_netdev::backup::{ConfigBackups, ConfigSource, DiffOp, Stored};
use hermes_netdev::cli::Platform;
use hermes_netdev::device::{CiscoDevice, FortiDevice};

fn store() -> (tempdir::Dir, ConfigBackups) {
    let dir = tempdir::Dir::new("backup-fakenos");
    let backups = ConfigBackups::new(LocalStore::new(&dir.0).unwrap(), "configs");
    (dir, backups)
}

mod tempdir {
    /// A scratch directory removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new(tag: &str) -> Self {
            let p = std::env::temp_dir().join(format!(
                "hermes-{tag}-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos()
            ));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Backs up, makes `change` on the device, backs up again and returns the diff; then `undo`.
async fn change_and_diff(
    backups: &ConfigBackups,
    dev: &CiscoDevice,
    change: &[&str],
    undo: &[&str],
) -> (Stored, Stored, String, hermes_netdev::backup::ConfigDiff) {
    let name = ConfigSource::device_name(dev);
    let first = backups.backup(dev).await.expect("first backup");
    let unchanged = backups.backup(dev).await.expect("second backup");
    dev.send_config(change).await.expect("change the device");
    let second = backups.backup(dev).await.expect("backup after the change");
    dev.send_config(undo).await.expect("undo the change");
    let diff = backups
        .diff(first.version(), second.version())
        .await
        .expect("diff");
    assert!(
        matches!(&unchanged, Stored::Unchanged(v) if v == first.version()),
        "{name}: an unchanged configuration must not be stored again: {unchanged:?}"
    );
    (first, second, name, diff)
}

#[tokio::test]
async fn nxos_and_ios_backups_are_versioned_deduplicated_and_diffable() {
    let (_dir, backups) = store();

    let n3k = CiscoDevice::new(target("n3k", Platform::NxOs));
    let (first, second, name, diff) = change_and_diff(
        &backups,
        &n3k,
        &["vlan 3917", "name hermes-backup-test"],
        &["no vlan 3917"],
    )
    .await;
    assert!(second.is_new());
    assert_ne!(first.version().sha256, second.version().sha256);
    assert_eq!(
        diff.to_string(),
        "+ vlan 3917\n+   name hermes-backup-test\n",
        "{name}: the diff must show exactly the change"
    );
    let versions = backups.versions(&name).await.unwrap();
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert_eq!(versions[1].key, second.version().key);
    assert!(versions[0].taken < versions[1].taken);

    let c3750 = CiscoDevice::new(target("c3750", Platform::Ios));
    let (_, second, name, diff) = change_and_diff(
        &backups,
        &c3750,
        &[
            "interface GigabitEthernet1/0/8",
            "description hermes-backup-test",
        ],
        &["interface GigabitEthernet1/0/8", "no description"],
    )
    .await;
    assert!(second.is_new());
    assert_eq!(
        diff.lines
            .iter()
            .filter(|l| l.op != DiffOp::Context)
            .map(|l| (l.op, l.text.as_str()))
            .collect::<Vec<_>>(),
        [(DiffOp::Added, "description hermes-backup-test")],
        "{name}: {diff}"
    );
    assert_eq!(
        diff.lines[0].text, "interface GigabitEthernet1/0/8",
        "the change is placed under its interface: {diff}"
    );
    // The latest pointer is the last version; the stored text is what the device printed.
    let latest = backups.latest(&name).await.unwrap().unwrap();
    assert_eq!(&latest, second.version());
    assert!(backups
        .read(&latest)
        .await
        .unwrap()
        .contains("description hermes-backup-test"));
}

#[tokio::test]
async fn fleet_backup_reports_each_device() {
    let (_dir, backups) = store();
    let n3k = CiscoDevice::new(target("n3k", Platform::NxOs));
    let c3750 = CiscoDevice::new(target("c3750", Platform::Ios));
    let fgt = FortiDevice::new(target("fgt", Platform::FortiOs));
    let mut wrong = target("n3k", Platform::NxOs).credentials("hermes", "not-the-password");
    wrong.name = "n3k-wrong-password".into();
    let wrong = CiscoDevice::new(wrong);
    let fleet: [&dyn ConfigSource; 4] = [&n3k, &c3750, &fgt, &wrong];

    let first = backups.backup_fleet(&fleet).await;
    assert_eq!(first.stored.len(), 3, "{first}");
    assert!(first.stored.iter().all(|(_, s)| s.is_new()), "{first}");
    assert_eq!(first.errors.len(), 1, "{first}");
    assert_eq!(first.errors[0].0, "n3k-wrong-password");
    assert!(!first.all_ok());

    let fgt_text = backups.read(first.stored[2].1.version()).await.unwrap();
    assert!(
        fgt_text.contains("config "),
        "FortiOS configuration expected: {fgt_text}"
    );

    let fleet: [&dyn ConfigSource; 3] = [&n3k, &c3750, &fgt];
    let second = backups.backup_fleet(&fleet).await;
    assert!(second.all_ok(), "{second}");
    for ((d, s), (_, f)) in second.stored.iter().zip(&first.stored) {
        // Unchanged devices keep their version (the other test may change n3k or c3750 meanwhile:
        // then a new version is the right answer, and it must differ).
        match s {
            Stored::Unchanged(v) => assert_eq!(v, f.version(), "{d}"),
            Stored::New(v) => assert_ne!(v.sha256, f.version().sha256, "{d}"),
        }
    }
    assert!(
        matches!(second.stored[2].1, Stored::Unchanged(_)),
        "{second}"
    );
    println!("{second}");
}
