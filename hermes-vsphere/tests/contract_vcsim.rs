//! hermes-core's generic trait contracts, run against vcsim: the VM fleet as a `Provisioner` and an
//! ESXi host as a `Configurable`.

mod common;

use hermes_core::contract::{check_configurable, check_provisioner};
use hermes_core::Configurable;
use hermes_vsphere::fleet::{FleetSpec, VmFleet};
use hermes_vsphere::host::{HostConfig, HostModel, PortGroup, VSwitch};

#[tokio::test]
async fn fleet_honours_the_provisioner_contract() {
    let client = common::connect().await;
    let name = common::unique("c");
    let spec = FleetSpec::builder(&name, "/DC0/vm/tmpl-linux", "/DC0/host/DC0_C0")
        .count(6)
        .cpus(1)
        .memory_mb(512)
        .datastores(["LocalDS_0"])
        .build()
        .unwrap();
    let fleet = VmFleet::new(client.clone());
    let observer = client.clone();
    let prefix = format!("{name}-");
    let report = check_provisioner(&fleet, &spec, &format!("fleet {name}"), || {
        let c = observer.clone();
        let prefix = prefix.clone();
        async move {
            let mut vms: Vec<(String, String)> = c
                .retrieve_view("VirtualMachine", &["name", "runtime.powerState"])
                .await?
                .into_iter()
                .filter_map(|o| {
                    let n = o.text("name")?.to_string();
                    n.starts_with(&prefix).then(|| {
                        (
                            n,
                            o.text("runtime.powerState").unwrap_or_default().to_string(),
                        )
                    })
                })
                .collect();
            vms.sort();
            Ok(vms)
        }
    })
    .await
    .unwrap();
    println!("{report:?}");
    fleet.teardown(&spec).await.unwrap();
}

#[tokio::test]
async fn host_honours_the_configurable_contract() {
    let client = common::connect().await;
    let host = HostConfig::by_path(client.clone(), "/DC0/host/DC0_C0/DC0_C0_H2")
        .await
        .unwrap();
    // The contract compares whole models: start from the live one and add a vSwitch and a port group
    // (in the shape the host reads them back: no MTU/teaming set, no uplinks).
    let live = host.read().await.unwrap();
    let tag = common::unique("k");
    let (vs, pg) = (format!("vs{tag}"), format!("pg{tag}"));
    let mut want = live.clone();
    want.vswitches.insert(
        vs.clone(),
        Some(VSwitch {
            mtu: None,
            uplinks: Some(vec![]),
            teaming: None,
        }),
    );
    want.portgroups.insert(
        pg.clone(),
        Some(PortGroup {
            vswitch: vs.clone(),
            vlan: 42,
        }),
    );
    let report = check_configurable(&host, &want).await.unwrap();
    println!("{report:?}");
    let mut gone = HostModel::default();
    gone.portgroups.insert(pg, None);
    gone.vswitches.insert(vs, None);
    host.converge(&gone, hermes_core::Mode::Apply)
        .await
        .unwrap();
    assert_eq!(host.read().await.unwrap(), live);
}
