//! Snapshots (create, tree, revert, remove one / a subtree, scheduled runs with retention) and host
//! configuration (read, diff, apply, read back) on vcsim.

mod common;

use chrono::{Duration, TimeZone, Utc};
use hermes_core::{Configurable, Mode};
use hermes_vsphere::host::{DatastoreSpec, HostConfig, HostModel, PortGroup, VSwitch};
use hermes_vsphere::snapshot::SnapshotPolicy;
use hermes_vsphere::vm::CloneSpec;

#[tokio::test]
async fn snapshots_tree_revert_remove_and_retention() {
    let client = common::connect().await;
    let common::CloneTargets {
        template,
        folder,
        pool,
    } = common::clone_targets(&client).await;
    let name = common::unique("snap");
    let vm = client
        .clone_vm(&template, &folder, &name, &CloneSpec::new(pool))
        .await
        .unwrap();

    let a = client
        .create_snapshot(&vm, "a", "first", false, false)
        .await
        .unwrap();
    let b = client
        .create_snapshot(&vm, "b", "child of a", true, true)
        .await
        .unwrap();
    client
        .create_snapshot(&vm, "c", "child of b", false, false)
        .await
        .unwrap();
    let tree = client.snapshots(&vm).await.unwrap();
    assert_eq!(tree.roots.len(), 1);
    assert_eq!(tree.roots[0].name, "a");
    assert_eq!(tree.roots[0].children[0].name, "b");
    assert_eq!(tree.roots[0].children[0].children[0].name, "c");
    assert_eq!(
        tree.current.as_ref().map(|c| c.value.as_str()),
        tree.find("c").map(|n| n.snapshot.value.as_str())
    );

    client.revert_snapshot(&a).await.unwrap();
    assert_eq!(
        client.snapshots(&vm).await.unwrap().current,
        Some(a.clone())
    );
    // Remove b's subtree (b and c), then a alone.
    client.remove_snapshot(&b, true).await.unwrap();
    let tree = client.snapshots(&vm).await.unwrap();
    assert_eq!(tree.flatten().len(), 1, "{}", tree.render());
    client.remove_snapshot(&a, false).await.unwrap();
    assert!(client.snapshots(&vm).await.unwrap().roots.is_empty());

    // Ten daily runs with last=2,daily=3: 3 managed snapshots stay; a manual one is never purged.
    client
        .create_snapshot(&vm, "manual", "", false, false)
        .await
        .unwrap();
    let policy = SnapshotPolicy::new("hermes-", "last=2,daily=3".parse().unwrap());
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 2, 0, 0)
        .unwrap()
        .fixed_offset();
    for day in 0..10 {
        let run = policy
            .run(&client, &vm, start + Duration::days(day))
            .await
            .unwrap();
        assert!(run.created.starts_with("hermes-"));
    }
    // A re-run of the same instant is a no-op.
    let again = policy
        .run(&client, &vm, start + Duration::days(9))
        .await
        .unwrap();
    assert!(again.removed.is_empty());
    let tree = client.snapshots(&vm).await.unwrap();
    let managed: Vec<_> = policy
        .versions(&tree)
        .into_iter()
        .map(|v| v.node.name)
        .collect();
    assert_eq!(managed.len(), 3, "{}", tree.render());
    assert!(managed.iter().any(|n| n.contains("2026-01-10")));
    assert!(tree.find("manual").is_some());

    common::destroy(&client, &vm, false).await;
    client.logout().await.unwrap();
}

/// A branched tree: root → child → grandchild, then a revert to root and a sibling of child; read
/// back with depths, ids, the current snapshot and its path; then the subtree of child removed
/// while the VM runs from the sibling.
#[tokio::test]
async fn a_branched_snapshot_tree_reads_back() {
    let client = common::connect().await;
    let common::CloneTargets {
        template,
        folder,
        pool,
    } = common::clone_targets(&client).await;
    let vm = client
        .clone_vm(
            &template,
            &folder,
            &common::unique("snaptree"),
            &CloneSpec::new(pool),
        )
        .await
        .unwrap();
    let before = Utc::now();
    let root = client
        .create_snapshot(&vm, "root", "first", false, false)
        .await
        .unwrap();
    let child = client
        .create_snapshot(&vm, "child", "second", false, false)
        .await
        .unwrap();
    client
        .create_snapshot(&vm, "grandchild", "", false, true)
        .await
        .unwrap();
    client.revert_snapshot(&root).await.unwrap();
    let sibling = client
        .create_snapshot(&vm, "sibling", "", false, false)
        .await
        .unwrap();

    let tree = client.snapshots(&vm).await.unwrap();
    let shape: Vec<(usize, &str)> = tree
        .with_depth()
        .into_iter()
        .map(|(d, n)| (d, n.name.as_str()))
        .collect();
    assert_eq!(
        shape,
        [(1, "root"), (2, "child"), (3, "grandchild"), (2, "sibling")],
        "{}",
        tree.render()
    );
    assert_eq!(tree.depth(), 3);
    let ids: Vec<i32> = tree.flatten().iter().map(|n| n.id).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "ids {ids:?}");
    assert_eq!(tree.current, Some(sibling.clone()));
    assert_eq!(tree.current_node().unwrap().name, "sibling");
    let path: Vec<&str> = tree
        .path_to(&sibling)
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(path, ["root", "sibling"]);
    assert!(tree.find("grandchild").unwrap().quiesced);
    for n in tree.flatten() {
        assert!(
            n.created >= before - Duration::seconds(5) && n.created <= Utc::now(),
            "{} created {}",
            n.name,
            n.created
        );
        assert_eq!(tree.find_id(n.id).unwrap().snapshot, n.snapshot);
        assert_eq!(tree.get(&n.snapshot).unwrap().name, n.name);
    }

    client.remove_snapshot(&child, true).await.unwrap();
    let tree = client.snapshots(&vm).await.unwrap();
    let names: Vec<&str> = tree.flatten().iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["root", "sibling"], "{}", tree.render());
    assert_eq!(tree.current_node().unwrap().name, "sibling");
    assert!(tree.get(&child).is_none());

    common::destroy(&client, &vm, false).await;
    client.logout().await.unwrap();
}

#[tokio::test]
async fn host_configuration_converges_and_reads_back() {
    let client = common::connect().await;
    let host = HostConfig::by_path(client.clone(), "/DC0/host/DC0_C0/DC0_C0_H1")
        .await
        .unwrap();
    let live = host.read().await.unwrap();
    assert!(live.vswitches.contains_key("vSwitch0"), "{live:?}");
    assert!(
        live.services.contains_key("TSM-SSH"),
        "{:?}",
        live.services.keys()
    );
    assert!(!live.datastores.is_empty());

    let tag = common::unique("t");
    let vs = format!("vs{tag}");
    let pg = format!("pg{tag}");
    let ds = format!("ds{tag}");
    let dir = tempfile::tempdir().unwrap();
    let mut want = HostModel::default();
    want.vswitches.insert(vs.clone(), Some(VSwitch::default()));
    want.portgroups.insert(
        pg.clone(),
        Some(PortGroup {
            vswitch: vs.clone(),
            vlan: 30,
        }),
    );
    want.datastores.insert(
        ds.clone(),
        Some(DatastoreSpec::Local {
            path: dir.path().display().to_string(),
        }),
    );

    let dry = host.converge(&want, Mode::DryRun).await.unwrap();
    assert_eq!(dry.plan.changes.len(), 3, "{}", dry.plan.render());
    assert!(
        !host.read().await.unwrap().portgroups.contains_key(&pg),
        "dry run changed nothing"
    );

    let done = host.converge(&want, Mode::Apply).await.unwrap();
    assert!(done.verified, "{}", done.plan.render());
    let after = host.read().await.unwrap();
    assert_eq!(
        after.portgroups.get(&pg),
        Some(&Some(PortGroup {
            vswitch: vs.clone(),
            vlan: 30
        }))
    );
    assert!(after.datastores.contains_key(&ds));
    // Converging again changes nothing.
    assert!(host.plan(&want).await.unwrap().changes.is_empty());

    // Removal: the port group goes before its vSwitch.
    let mut gone = HostModel::default();
    gone.portgroups.insert(pg.clone(), None);
    gone.vswitches.insert(vs.clone(), None);
    let done = host.converge(&gone, Mode::Apply).await.unwrap();
    let order: Vec<_> = done
        .plan
        .changes
        .iter()
        .map(|c| c.resource.clone())
        .collect();
    assert_eq!(order, [format!("portgroup {pg}"), format!("vswitch {vs}")]);
    let after = host.read().await.unwrap();
    assert!(!after.vswitches.contains_key(&vs) && !after.portgroups.contains_key(&pg));

    // A port group on a vSwitch that does not exist: the host's fault names the change.
    let mut bad = HostModel::default();
    bad.portgroups.insert(
        format!("x{tag}"),
        Some(PortGroup {
            vswitch: "nope".into(),
            vlan: 1,
        }),
    );
    let err = host.converge(&bad, Mode::Apply).await.unwrap_err();
    assert!(
        err.to_string().contains(&format!("portgroup x{tag}")),
        "{err}"
    );
    client.logout().await.unwrap();
}

/// The whole-property readers that the real-vCenter replies exercise (`HostModel::from_config`,
/// `VmConfig`, `Capacity::host` on a whole `summary`) agree on vcsim with the path-by-path reads the
/// client makes.
#[tokio::test]
async fn whole_property_readers_agree_with_path_reads() {
    use hermes_vsphere::fleet::Capacity;
    use hermes_vsphere::vm::VmConfig;

    let client = common::connect().await;
    let path = "/DC0/host/DC0_C0/DC0_C0_H3";
    let host_ref = client.find_by_path(path).await.unwrap();
    let by_paths = HostConfig::by_path(client.clone(), path)
        .await
        .unwrap()
        .read_model()
        .await
        .unwrap();
    let whole = client.retrieve_one(&host_ref, &["config"]).await.unwrap();
    let from_config = HostModel::from_config(whole.get("config").unwrap());
    assert_eq!(from_config.ntp_servers, by_paths.ntp_servers);
    assert_eq!(from_config.dns, by_paths.dns);
    assert_eq!(from_config.portgroups, by_paths.portgroups);
    assert_eq!(from_config.services, by_paths.services);
    assert!(from_config.datastores.is_empty());
    // vcsim 0.24 quirk: the vSwitch in `config.network` carries its spec (MTU 1500, vmnic0,
    // loadbalance_srcid, as the ESXi 6.7 capture does), the one in the network system's
    // `networkInfo` (what read_model follows) has none; only the names can agree.
    assert_eq!(
        from_config.vswitches.keys().collect::<Vec<_>>(),
        by_paths.vswitches.keys().collect::<Vec<_>>()
    );
    assert!(from_config.vswitches.contains_key("vSwitch0"));

    let summary = client
        .retrieve_one(&host_ref, &["name", "summary"])
        .await
        .unwrap();
    let paths = client
        .retrieve_one(
            &host_ref,
            &[
                "name",
                "summary.hardware.memorySize",
                "summary.quickStats.overallMemoryUsage",
            ],
        )
        .await
        .unwrap();
    assert_eq!(Capacity::host(&summary), Capacity::host(&paths));
    assert!(Capacity::host(&summary).free > 0);

    let vm = client.find_by_path("/DC0/vm/tmpl-linux").await.unwrap();
    let o = client.retrieve_one(&vm, &["config"]).await.unwrap();
    let config: VmConfig = o.decode("config").unwrap().unwrap();
    let p = client
        .retrieve_one(
            &vm,
            &["name", "config.hardware.numCPU", "config.hardware.memoryMB"],
        )
        .await
        .unwrap();
    // vcsim 0.24 quirk: renaming a VM (the launcher renames DC0_C0_RP0_VM0 to tmpl-linux) leaves
    // `config.name` at the old name; vCenter keeps both the same.
    assert!(!config.name.is_empty());
    assert_eq!(p.text("name"), Some("tmpl-linux"));
    assert_eq!(
        Some(config.num_cpu),
        p.decode::<i32>("config.hardware.numCPU").unwrap()
    );
    assert_eq!(
        Some(config.memory_mb),
        p.decode::<i64>("config.hardware.memoryMB").unwrap()
    );
    assert!(!config.nics.is_empty(), "{config:?}");
    client.logout().await.unwrap();
}
