//! The installation workflow against sushy-emulator (systems dl380-15 and dl380-16), including the
//! fault the emulator cannot produce on demand: the BMC disappearing mid-run. A small TCP relay in
//! front of the emulator is cut after some steps; the run must name the server and the step, and a
//! re-run must resume there and finish.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use hermes_core::{Classify, ErrorKind, Provisioner};
use hermes_ilo::fileserver::FileServer;
use hermes_ilo::install::{
    EsxiHost, EsxiInstaller, HostCheck, MediaSource, Step, TcpCheck, Timeouts,
};
use hermes_ilo::iso::write_stand_in_installer;
use hermes_ilo::kickstart::{KickstartSpec, RootPassword};
use hermes_ilo::{Client, SystemSelector};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// A TCP relay to `upstream` on `port`; cancelling the token closes the listener and every connection.
async fn relay(port: u16, upstream: String) -> CancellationToken {
    let stop = CancellationToken::new();
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let s = stop.clone();
    tokio::spawn(async move {
        loop {
            let (mut inbound, _) = tokio::select! {
                _ = s.cancelled() => return,
                r = listener.accept() => r.unwrap(),
            };
            let up = upstream.clone();
            let s2 = s.clone();
            tokio::spawn(async move {
                let Ok(mut out) = tokio::net::TcpStream::connect(up).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut inbound, &mut out) => {}
                    _ = s2.cancelled() => {}
                }
            });
        }
    });
    stop
}

/// "Host answering" that cuts the BMC relay the first time it is asked, then answers.
#[derive(Debug)]
struct CutBmcThenAnswer {
    cut: std::sync::Mutex<Option<CancellationToken>>,
    fired: AtomicBool,
}

#[async_trait]
impl HostCheck for CutBmcThenAnswer {
    fn describe(&self) -> String {
        "test check".into()
    }
    async fn check(&self) -> hermes_ilo::Result<bool> {
        if !self.fired.swap(true, Ordering::SeqCst) {
            if let Some(t) = self.cut.lock().unwrap().take() {
                t.cancel();
            }
        }
        Ok(true)
    }
}

fn kickstart(i: u8) -> KickstartSpec {
    KickstartSpec::builder(format!("esxi-t{i}.lab"))
        .ip(format!("10.0.20.{i}"))
        .netmask("255.255.255.0")
        .gateway("10.0.20.1")
        .root_password(RootPassword::plain("test-pw-123"))
        .build()
        .unwrap()
}

fn timeouts() -> Timeouts {
    Timeouts {
        power: Duration::from_secs(40),
        answering: Duration::from_secs(10),
        poll: Duration::from_millis(200),
        bmc_step: Duration::from_secs(60),
        ..Timeouts::default()
    }
}

#[tokio::test]
async fn installs_resumes_after_the_bmc_vanishes_and_then_changes_nothing() {
    let sushy = hermes_testkit::peer("sushy");
    let dir = tempfile::tempdir().unwrap();
    let iso_dir = dir.path().join("iso");
    std::fs::create_dir_all(&iso_dir).unwrap();
    let base = dir.path().join("installer.iso");
    write_stand_in_installer(&base, "xorriso".as_ref())
        .await
        .unwrap();
    let files = FileServer::bind("127.0.0.1:0".parse().unwrap(), &iso_dir)
        .await
        .unwrap();

    let port = hermes_testkit::free_port();
    let stop = relay(port, sushy.addr().to_string()).await;
    let bmc = Client::builder(format!("http://127.0.0.1:{port}"))
        .retry(hermes_core::RetryPolicy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let check = Arc::new(CutBmcThenAnswer {
        cut: std::sync::Mutex::new(Some(stop)),
        fired: AtomicBool::new(false),
    });
    let host = EsxiHost {
        name: "dl380-15".into(),
        bmc,
        system: SystemSelector::Name("dl380-15".into()),
        kickstart: kickstart(15),
        media: MediaSource::Build {
            base_iso: base.clone(),
        },
        answering: check,
    };
    let installer = EsxiInstaller::new(dir.path().join("state"), &iso_dir)
        .iso_base_url(files.url_for("", None).unwrap())
        .timeouts(timeouts());
    let plan = installer.plan(&host).await.unwrap();
    assert_eq!(plan.summary().run, 7, "{}", plan.render());

    let err = installer.install(&host, &|_| {}).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("server dl380-15: step 'media ejected': "),
        "{text}"
    );
    assert_eq!(err.kind(), ErrorKind::Transport, "{text}");
    let st = installer.state("dl380-15").await.unwrap();
    assert_eq!(st.completed, Some(Step::HostAnswering));
    assert_eq!(
        files.served().get("/dl380-15.iso"),
        Some(&1),
        "the emulator fetched the per-host ISO"
    );

    // The BMC is back (same address): the re-run resumes at the failed step.
    let _again = relay(port, sushy.addr().to_string()).await;
    let steps = std::sync::Mutex::new(Vec::new());
    let done = installer
        .install(&host, &|s| steps.lock().unwrap().push(s))
        .await
        .unwrap();
    assert_eq!(done.steps_run, vec![Step::MediaEjected, Step::Done]);
    assert_eq!(*steps.lock().unwrap(), vec![Step::MediaEjected, Step::Done]);
    let sys = host.bmc.find_system(&host.system).await.unwrap();
    assert_eq!(sys.cd_media().await.unwrap().inserted_image(), None);
    assert_eq!(
        sys.get()
            .await
            .unwrap()
            .boot
            .unwrap()
            .override_target
            .as_deref(),
        Some("Cd")
    );

    // A third run changes nothing and the plan says so.
    let third = installer.provision(&host).await.unwrap();
    assert!(!third.changed());
    assert!(!installer.plan(&host).await.unwrap().has_changes());
    files.shutdown().await;
}

#[tokio::test]
async fn fan_out_reports_every_server_and_the_step_that_failed() {
    let sushy = hermes_testkit::peer("sushy");
    let dir = tempfile::tempdir().unwrap();
    let bmc = Client::builder(format!("http://{}", sushy.addr()))
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let files = FileServer::bind("127.0.0.1:0".parse().unwrap(), dir.path())
        .await
        .unwrap();
    std::fs::write(dir.path().join("given.iso"), vec![1u8; 4096]).unwrap();
    let url = files.url_for("given.iso", None).unwrap().to_string();
    let answer = Arc::new(TcpCheck::new(files.local_addr().to_string()));
    let ok = EsxiHost {
        name: "dl380-16".into(),
        bmc: bmc.clone(),
        system: SystemSelector::Name("dl380-16".into()),
        kickstart: kickstart(16),
        media: MediaSource::Url(url.clone()),
        answering: answer.clone(),
    };
    let missing = EsxiHost {
        name: "no-such-server".into(),
        system: SystemSelector::Name("no-such-server".into()),
        ..ok.clone()
    };
    let installer = EsxiInstaller::new(dir.path().join("state"), dir.path()).timeouts(timeouts());
    installer.reset_state("dl380-16").await.unwrap();
    let report = installer.install_all(vec![ok, missing], 2, None).await;
    let succeeded: Vec<_> = report
        .succeeded()
        .map(|(n, h)| (n.to_string(), h.clone()))
        .collect();
    assert_eq!(succeeded.len(), 1, "{}", report.summary());
    assert_eq!(succeeded[0].1.iso_url, url);
    let failed: Vec<_> = report.failed().collect();
    assert_eq!(failed.len(), 1);
    let msg = failed[0].1.to_string();
    assert!(
        msg.contains("no-such-server") && msg.contains("find system"),
        "{msg}"
    );
    assert_eq!(failed[0].1.kind(), ErrorKind::InvalidInput);
    files.shutdown().await;
}

#[tokio::test]
async fn the_installer_honours_the_provisioner_contract() {
    let sushy = hermes_testkit::peer("sushy");
    let dir = tempfile::tempdir().unwrap();
    let bmc = Client::builder(format!("http://{}", sushy.addr()))
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let files = FileServer::bind("127.0.0.1:0".parse().unwrap(), dir.path())
        .await
        .unwrap();
    std::fs::write(dir.path().join("contract.iso"), vec![2u8; 2048]).unwrap();
    let host = EsxiHost {
        name: "dl380-14".into(),
        bmc: bmc.clone(),
        system: SystemSelector::Name("dl380-14".into()),
        kickstart: kickstart(14),
        media: MediaSource::Url(files.url_for("contract.iso", None).unwrap().to_string()),
        answering: Arc::new(TcpCheck::new(files.local_addr().to_string())),
    };
    let installer = EsxiInstaller::new(dir.path().join("state"), dir.path()).timeouts(timeouts());
    let sys = bmc.find_system(&host.system).await.unwrap();
    let observe = || {
        let sys = sys.clone();
        async move {
            let s = sys.get().await?;
            let cd = sys.cd_media().await?;
            Ok::<_, hermes_core::Error>((
                cd.inserted_image().map(String::from),
                s.boot.and_then(|b| b.override_target),
                s.power_state,
            ))
        }
    };
    let report = hermes_core::contract::check_provisioner(&installer, &host, "dl380-14", observe)
        .await
        .unwrap();
    println!("{report}");
    files.shutdown().await;
}
