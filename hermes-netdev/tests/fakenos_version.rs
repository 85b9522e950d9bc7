//! The running version read over real SSH from the FakeNOS devices (`scripts/peers.sh up fakenos`)
//! with `show version` / `get system status`, parsed, and checked against a firmware policy.
//! The outputs are the ones our FakeNOS plugins print (`hermes-netdev/fakenos/`; NX-OS's is short):
//! the assertions are on what they print.

mod common;

use common::target;

use chrono::{DateTime, Utc};
use hermes_netdev::cli::{CliSession, Platform};
use hermes_netdev::firmware::{
    compliance, plan_upgrade, Compliance, FirmwarePolicy, FirmwareStatus, FirmwareTarget,
    ImageServer, Transfer,
};
use hermes_netdev::show;

async fn read(name: &str, platform: Platform) -> (String, FirmwareStatus) {
    let mut s = CliSession::open(&target(name, platform))
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let raw = s
        .command(hermes_netdev::firmware::version_command(platform))
        .await
        .unwrap();
    let status = FirmwareStatus::read(&mut s, platform).await.unwrap();
    (raw, status)
}

#[tokio::test]
async fn running_versions_over_ssh() {
    let (raw, n3k) = read("n3k", Platform::NxOs).await;
    let nx = show::parse_nxos_show_version(&raw);
    assert_eq!(nx.os.as_deref(), Some("9.3(8)"), "{raw}");
    assert_eq!(
        nx.boot_image.as_deref(),
        Some("bootflash:///nxos.9.3.8.bin")
    );
    assert_eq!(nx.platform.as_deref(), Some("C3064PQ"));
    assert_eq!(n3k.device, "n3k");
    assert_eq!(n3k.summary.version.as_deref(), Some("9.3(8)"));
    assert_eq!(n3k.summary.model.as_deref(), Some("C3064PQ"));

    let (raw, c3750) = read("c3750", Platform::Ios).await;
    let ios = show::parse_ios_show_version(&raw);
    assert_eq!(ios.version.as_deref(), Some("12.2(55)SE12"), "{raw}");
    assert_eq!(ios.software_image.as_deref(), Some("C3750-IPSERVICESK9-M"));
    assert_eq!(ios.release.as_deref(), Some("fc2"));
    assert_eq!(
        ios.running_image.as_deref(),
        Some("c3750-ipservicesk9-mz.122-55.SE12.bin")
    );
    assert_eq!(c3750.summary.version.as_deref(), Some("12.2(55)SE12"));
    assert_eq!(c3750.summary.model.as_deref(), Some("WS-C3750G-24TS-1U"));
    assert_eq!(c3750.summary.serial.as_deref(), Some("FOC1042Z1QX"));
    assert_eq!(ios.hostname.as_deref(), Some("c3750"));

    let (raw, fgt) = read("fgt", Platform::FortiOs).await;
    let st = show::parse_fortios_system_status(&raw);
    assert_eq!(st.hostname.as_deref(), Some("fgt"), "{raw}");
    assert_eq!(st.serial_number.as_deref(), Some("FGT60FTK00000000"));
    assert_eq!(st.current_ha_mode.as_deref(), Some("standalone"));
    assert_eq!(fgt.summary.model.as_deref(), Some("FortiGate-60F"));
    assert_eq!(fgt.summary.version.as_deref(), Some("v7.2.5,build1517"));

    // The fleet against a policy: n3k behind, fgt current, no target for c3750's model.
    let policy = FirmwarePolicy::builder()
        .target(
            FirmwareTarget::new(Platform::NxOs, "C3064PQ", "9.3(10)", "nxos.9.3.10.bin")
                .md5("0123456789abcdef0123456789abcdef"),
        )
        .target(FirmwareTarget::new(
            Platform::FortiOs,
            "FortiGate-60F",
            "v7.2.5,build1517",
            "FGT_60F-v7.2.5.F-build1517-FORTINET.out",
        ))
        .image_server(
            ImageServer::new(Transfer::Scp, "192.0.2.10", "/images")
                .user("fw")
                .vrf("management"),
        )
        .build()
        .unwrap();
    let report = compliance(&policy, &[n3k.clone(), c3750, fgt]);
    let states: Vec<_> = report.entries.iter().map(|e| e.state).collect();
    assert_eq!(
        states,
        [
            Compliance::UpgradeNeeded,
            Compliance::UnknownModel,
            Compliance::Compliant
        ],
        "{report}"
    );
    let now: DateTime<Utc> = Utc::now();
    let plan = plan_upgrade(&policy, &n3k, now).unwrap();
    assert_eq!(plan.from, "9.3(8)");
    assert_eq!(
        plan.commands()[0],
        "copy scp://fw@192.0.2.10/images/nxos.9.3.10.bin bootflash:nxos.9.3.10.bin vrf management"
    );
}
