//! Guest IPs followed with WaitForUpdatesEx, fleets reporting them, and snapshots as Backupable —
//! on vcsim (`scripts/peers.sh up vcsim`).
//!
//! vcsim 0.24 reports a guest IP when a VM powers on with a pending guest customization
//! (`CustomizeVM_Task` with a fixed IP); it ignores customization inside a clone spec, so a fleet's
//! clones report no IP until customized that way.

mod common;

use std::time::Duration;

use hermes_core::contract::check_backupable;
use hermes_core::{BackupKind, Backupable, ErrorKind, RestoreTarget};
use hermes_vsphere::fleet::{FleetSpec, VmFleet, VmOutcome};
use hermes_vsphere::snapshot_backup::{SnapshotBackup, SnapshotManifest};
use hermes_vsphere::vm::{CloneSpec, Customization, StaticIp};
use hermes_vsphere::{Client, MoRef};

async fn clone(client: &Client, name: &str) -> MoRef {
    let common::CloneTargets {
        template,
        folder,
        pool,
    } = common::clone_targets(client).await;
    client
        .clone_vm(&template, &folder, name, &CloneSpec::new(pool))
        .await
        .unwrap()
}

fn fixed(name: &str, ip: &str) -> Customization {
    Customization {
        hostname: name.into(),
        domain: "lab.local".into(),
        dns_servers: vec!["10.0.0.2".parse().unwrap()],
        ip: Some(StaticIp {
            address: ip.parse().unwrap(),
            prefix: 24,
            gateway: None,
        }),
    }
}

#[tokio::test]
async fn guest_ips_are_pushed_by_wait_for_updates() {
    let client = common::connect().await;
    let a_name = common::unique("gip-a");
    let b_name = common::unique("gip-b");
    let a = clone(&client, &a_name).await;
    let b = clone(&client, &b_name).await;
    client
        .customize(&a, &fixed(&a_name, "10.0.50.11"))
        .await
        .unwrap();

    // Start following both VMs before anything is powered on; then power a on: the wait returns
    // a's address once vcsim pushes it. b never gets one and is reported without an address.
    let waiter = {
        let client = client.clone();
        let vms = vec![a.clone(), b.clone()];
        tokio::spawn(async move { client.wait_guest_ips(&vms, Duration::from_secs(8)).await })
    };
    client.power_on(&a).await.unwrap();
    client.power_on(&b).await.unwrap();
    let ips = waiter.await.unwrap().unwrap();
    assert_eq!(ips.len(), 2);
    assert_eq!(ips[0].vm, a);
    assert_eq!(ips[0].ip.as_deref(), Some("10.0.50.11"));
    assert_eq!(ips[0].addresses, ["10.0.50.11"]);
    assert_eq!(ips[1].vm, b);
    assert_eq!(ips[1].ip, None, "b was never customized: no address");

    // Already-reported addresses are returned by the first (immediate) round.
    let again = client
        .wait_guest_ips(std::slice::from_ref(&a), Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(again[0].ip.as_deref(), Some("10.0.50.11"));

    for vm in [&a, &b] {
        common::destroy(&client, vm, true).await;
    }
}

#[tokio::test]
async fn fleets_report_guest_ips_per_vm() {
    let client = common::connect().await;
    let name = common::unique("fip");
    let fleet = VmFleet::new(client.clone());
    let spec = FleetSpec::builder(&name, "/DC0/vm/tmpl-linux", "/DC0/host/DC0_C0")
        .count(3)
        .datastores(["LocalDS_0"])
        .wait_for_ip(Duration::from_secs(2))
        .concurrency(3)
        .build()
        .unwrap();
    let first = fleet.apply(&spec).await.unwrap();
    assert_eq!(first.counts()[0], 3, "{}", first.summary());
    assert_eq!(first.guest_ips.len(), 3, "{:?}", first.guest_ips);
    assert!(
        first.guest_ips.values().all(Option::is_none),
        "vcsim ignores clone-spec customization: {:?}",
        first.guest_ips
    );
    assert!(
        first.summary().ends_with("0/3 with a guest IP"),
        "{}",
        first.summary()
    );

    // Customize two of them (power-cycled) and re-run: the kept VMs now report their addresses.
    let names: Vec<String> = spec.names();
    for (i, n) in names.iter().take(2).enumerate() {
        let vm = match &first.vms[n] {
            VmOutcome::Created { vm } => vm.clone(),
            other => panic!("{n}: {other:?}"),
        };
        client.power_off(&vm).await.unwrap();
        client
            .customize(&vm, &fixed(n, &format!("10.0.60.{}", i + 1)))
            .await
            .unwrap();
        client.power_on(&vm).await.unwrap();
    }
    let second = fleet.apply(&spec).await.unwrap();
    assert_eq!(second.counts()[2], 3, "{}", second.summary());
    assert_eq!(second.guest_ips[&names[0]].as_deref(), Some("10.0.60.1"));
    assert_eq!(second.guest_ips[&names[1]].as_deref(), Some("10.0.60.2"));
    assert_eq!(second.guest_ips[&names[2]], None);
    assert!(
        second.summary().ends_with("2/3 with a guest IP"),
        "{}",
        second.summary()
    );

    let down = fleet.teardown(&spec).await.unwrap();
    assert_eq!(down.counts()[3], 3, "{}", down.summary());
}

#[tokio::test]
async fn snapshots_honour_the_backupable_contract() {
    let client = common::connect().await;
    let name = common::unique("sbk");
    let vm = clone(&client, &name).await;
    let b = SnapshotBackup::new(client.clone(), vm.clone(), &name);

    // "The source" of a snapshot backup is the VM's position in its snapshot tree: after a restore
    // the VM runs from the backed-up snapshot, whose recorded configuration is the VM's at backup
    // time. (vcsim's revert moves the current snapshot but does not roll the VM's live hardware
    // back; vCenter does.)
    let expect = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let same = || {
        let client = client.clone();
        let vm = vm.clone();
        let expect = expect.clone();
        async move {
            let tree = client.snapshots(&vm).await?;
            let current = tree.current.map(|c| c.value);
            let want = expect.lock().unwrap().clone();
            if current != want || want.is_none() {
                return Err(hermes_core::Error::verification(format!(
                    "current snapshot {current:?}, backed up {want:?}"
                )));
            }
            Ok(())
        }
    };
    // The checker restores right after each backup, so the backed-up snapshot is the newest one.
    let track = {
        let client = client.clone();
        let vm = vm.clone();
        let expect = expect.clone();
        move || {
            let client = client.clone();
            let vm = vm.clone();
            let expect = expect.clone();
            async move {
                let tree = client.snapshots(&vm).await.unwrap();
                let newest = tree
                    .flatten()
                    .into_iter()
                    .max_by_key(|n| n.id)
                    .map(|n| n.snapshot.value.clone());
                *expect.lock().unwrap() = newest;
            }
        }
    };
    let verify = || {
        let t = track.clone();
        let s = same();
        async move {
            t().await;
            s.await
        }
    };
    let mutate = || {
        let client = client.clone();
        let vm = vm.clone();
        async move {
            client.reconfigure(&vm, Some(2), Some(96)).await?;
            Ok::<(), hermes_core::Error>(())
        }
    };
    let report = check_backupable(&b, &name, &RestoreTarget::InPlace, mutate, verify)
        .await
        .unwrap();
    println!("{report}");
    assert_eq!(report.verified.len(), 3, "{report}");

    // Beyond the contract: two backups, a change in between; restoring the first reverts to the
    // snapshot whose recorded configuration predates the change.
    let mut full = Vec::new();
    let f = b.backup(BackupKind::Full, &mut full).await.unwrap();
    let m: SnapshotManifest = serde_json::from_slice(&full).unwrap();
    assert_eq!(m.snapshot, f.checkpoint);
    assert_eq!(m.kind, "full");
    client.reconfigure(&vm, Some(4), Some(256)).await.unwrap();
    let mut inc = Vec::new();
    let i = b
        .backup(
            BackupKind::Incremental {
                since: f.checkpoint.clone(),
            },
            &mut inc,
        )
        .await
        .unwrap();
    let mi: SnapshotManifest = serde_json::from_slice(&inc).unwrap();
    assert_eq!(mi.parent.as_deref(), Some(f.checkpoint.as_str()));
    b.restore(&mut &full[..], &RestoreTarget::InPlace)
        .await
        .unwrap();
    let tree = client.snapshots(&vm).await.unwrap();
    assert_eq!(
        tree.current.as_ref().map(|c| c.value.as_str()),
        Some(f.checkpoint.as_str())
    );
    let snap = tree
        .flatten()
        .into_iter()
        .find(|n| n.snapshot.value == f.checkpoint)
        .unwrap()
        .snapshot
        .clone();
    let cfg = client
        .retrieve_one(
            &snap,
            &["config.hardware.memoryMB", "config.hardware.numCPU"],
        )
        .await
        .unwrap();
    assert_eq!(
        cfg.text("config.hardware.memoryMB"),
        Some("96"),
        "recorded before the change"
    );
    assert_eq!(cfg.text("config.hardware.numCPU"), Some("2"));

    // An incremental on a snapshot that retention removed, a manifest of another VM, and another
    // restore target are refused with what to do.
    let isnap = tree
        .flatten()
        .into_iter()
        .find(|n| n.snapshot.value == i.checkpoint)
        .unwrap()
        .snapshot
        .clone();
    client.remove_snapshot(&isnap, false).await.unwrap();
    let e = b
        .backup(
            BackupKind::Incremental {
                since: i.checkpoint.clone(),
            },
            &mut Vec::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("take a full backup"), "{e}");
    let e = b
        .restore(&mut &inc[..], &RestoreTarget::InPlace)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let other = SnapshotBackup::new(
        client.clone(),
        MoRef::new("VirtualMachine", "vm-nope"),
        "other",
    );
    let e = other
        .restore(&mut &full[..], &RestoreTarget::InPlace)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let e = b
        .restore(
            &mut &full[..],
            &RestoreTarget::Directory {
                path: "/tmp/x".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    let e = b
        .restore(&mut &b"not json"[..], &RestoreTarget::InPlace)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);

    common::destroy(&client, &vm, false).await;
}

#[tokio::test]
async fn dvs_link_discovery_is_accepted_and_lags_are_encoded() {
    use hermes_vsphere::dvs::{LacpGroup, LacpOp, LdpOperation, LdpProtocol, LinkDiscovery};
    let client = common::connect().await;
    // The switch behind the distributed port group DC0_DVPG1.
    let pg = client.find_by_name("Network", "DC0_DVPG1").await.unwrap();
    let dvs: MoRef = client
        .retrieve_one(&pg, &["config.distributedVirtualSwitch"])
        .await
        .unwrap()
        .decode("config.distributedVirtualSwitch")
        .unwrap()
        .unwrap();
    let before = client.dvs_uplinks(&dvs).await.unwrap();
    // (vcsim 0.24 leaves `configVersion` empty; vCenter fills it and checks it on reconfigure.)
    // vcsim 0.24 decodes and accepts the VMwareDVSConfigSpec (so its encoding is one govmomi reads)
    // but applies only host membership: the setting is not read back here.
    client
        .set_link_discovery(
            &dvs,
            LinkDiscovery {
                protocol: LdpProtocol::Lldp,
                operation: LdpOperation::Both,
            },
        )
        .await
        .unwrap();
    let after = client.dvs_uplinks(&dvs).await.unwrap();
    assert_eq!(after.lags, before.lags);
    // vcsim has no UpdateDVSLacpGroupConfig_Task: the call is refused with a typed fault naming it.
    let e = client
        .update_lacp_groups(&dvs, &[(LacpGroup::new("lag-esxi", 2), LacpOp::Add)])
        .await
        .unwrap_err();
    assert!(e.fault().is_some(), "{e:?}");
    assert!(e.to_string().contains("UpdateDVSLacpGroupConfig"), "{e}");

    // Converging: the switch's LAGs as read already match an empty list, so nothing is sent.
    assert!(before.lags.is_empty(), "{before:?}");
    assert!(client.converge_lags(&dvs, &[]).await.unwrap().is_empty());
    // A bad list is refused before anything is sent, naming the switch.
    let e = client
        .converge_lags(&dvs, &[LacpGroup::new("lag-esxi", 1)])
        .await
        .unwrap_err();
    assert!(e.to_string().contains(&dvs.to_string()), "{e}");
    assert!(e.to_string().contains("give 2 to 32"), "{e}");
    // A LAG to add: enhanced LACP is switched on (vcsim accepts the reconfiguration), then the
    // LAG update is sent and vcsim refuses it.
    let e = client
        .converge_lags(&dvs, &[LacpGroup::new("lag-esxi", 2)])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("UpdateDVSLacpGroupConfig"), "{e}");
}
