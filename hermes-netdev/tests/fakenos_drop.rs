//! A dropped SSH session in the middle of an apply: Hermes reconnects, rolls the NX-OS switch back
//! to its checkpoint and reports the failure. The drop is injected by a TCP relay in front of the
//! FakeNOS n3k (a fault the peer cannot produce on its own).

use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hermes_core::{Configurable, ErrorKind, Mode};
use hermes_netdev::baseline;
use hermes_netdev::cisco::{Dialect, Vlan};
use hermes_netdev::cli::{CliTarget, Platform};
use hermes_netdev::device::CiscoDevice;

/// Relays to `upstream`; the `cut`-th connection is closed `after` its start.
async fn relay(upstream: String, cut: usize, after: Duration) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let n = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut down, _)) = l.accept().await {
            let i = n.fetch_add(1, Ordering::SeqCst) + 1;
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let mut up = tokio::net::TcpStream::connect(&upstream).await.unwrap();
                if i == cut {
                    let _ = tokio::time::timeout(
                        after,
                        tokio::io::copy_bidirectional(&mut down, &mut up),
                    )
                    .await;
                    // dropping both streams cuts the session mid-apply
                } else {
                    let _ = tokio::io::copy_bidirectional(&mut down, &mut up).await;
                }
            });
        }
    });
    addr
}

#[tokio::test]
async fn dropped_session_mid_apply_rolls_back_to_the_checkpoint() {
    let peer = hermes_testkit::peer("fakenos");
    let fp = std::fs::read_to_string(peer.setting("HOST_KEY_FP_FILE")).unwrap();
    let make = |addr: &str| {
        CiscoDevice::new(
            CliTarget::new("n3k", addr, Platform::NxOs)
                .credentials(peer.setting("USER"), peer.setting("PASSWORD"))
                .host_key_fingerprint(fp.trim())
                .command_timeout(Duration::from_secs(20)),
        )
    };
    let direct = make(&peer.setting("N3K_ADDR"));
    let want = baseline::switch(
        Dialect::NxOs,
        "n3k",
        ["Ethernet1/1", "Ethernet1/2"],
        Ipv4Addr::new(10, 0, 10, 2),
        110,
    );
    assert!(direct.converge(&want, Mode::Apply).await.unwrap().verified);

    // Many new VLANs make the apply long enough to be cut in the middle.
    let mut big = want.clone();
    for v in 2000..2150 {
        big.vlans.insert(
            v,
            Vlan {
                name: Some(format!("bulk{v}")),
                shutdown: false,
                other: vec![],
            },
        );
    }
    // Connection 1 is the plan's read, connection 2 the apply (cut after 4 s), 3+ the rollback.
    let relayed = make(&relay(peer.setting("N3K_ADDR"), 2, Duration::from_secs(4)).await);
    let err = relayed.converge(&big, Mode::Apply).await.unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.kind(), ErrorKind::Transport, "{msg}");
    assert!(
        msg.contains("n3k") && msg.contains("rolled back to checkpoint"),
        "{msg}"
    );
    let live = direct.read().await.unwrap();
    assert!(
        live.vlans.keys().all(|v| *v < 2000),
        "the checkpoint rollback removes the partial VLANs"
    );
    assert!(direct.plan(&want).await.unwrap().is_empty());
}
