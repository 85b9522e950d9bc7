//! Power cycling with the reset types a system allows (`hermes_ilo::power`), and the install
//! workflow's cycle steps:
//!
//! - on recorded trees (`tests/data/redfish`), each served by `common::RecordedBmc` with a live power
//!   state and the recorded reset types enforced as the BMC would: the HPE Cray EX node card (only
//!   `ForceOff`, `Off`, `On`: an off-then-on cycle), Huawei iBMC (no inline list, its ActionInfo not
//!   recorded: `ForceRestart` sent unvalidated), Dell iDRAC 9 (inline list), Supermicro X13 (only an
//!   ActionInfo) and X12 (inline list with a run-together value);
//! - against sushy-emulator, which really changes the power state: an off-then-on cycle, an off that
//!   never takes effect (a clear timeout), and the whole workflow through a relay that makes sushy
//!   list the Cray node's reset types (and can cut the BMC mid-cycle) or logs the restart of a
//!   running server.
//!
//! - a service whose only power control is `PushPowerButton` (the Cray EX tree with its reset types
//!   restricted to `PushPowerButton` and `Nmi`, on `RecordedBmc`; and sushy behind the relay, which
//!   turns a press into sushy's on or off by the state it reads): a press, wait for Off, a press,
//!   each pressed only when the system reads the opposite state, resumable in the workflow.
//!
//! Sushy systems used here (not used by the other test files): dl380-05, dl380-06, dl380-07,
//! dl380-08.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use common::{copy_tree, vendor_tree, RecordedBmc};
use hermes_core::{Classify, ErrorKind, Provisioner};
use hermes_ilo::install::{EsxiHost, EsxiInstaller, MediaSource, Step, TcpCheck, Timeouts};
use hermes_ilo::kickstart::{KickstartSpec, RootPassword};
use hermes_ilo::models::PowerState;
use hermes_ilo::{Client, PowerCycle, ResetType, SystemSelector};
use http_body_util::{BodyExt as _, Full};

const SECOND: Duration = Duration::from_secs(1);
const FAST: Duration = Duration::from_millis(50);

/// The ResetType values of a recorded ActionInfo file.
fn action_info_values(tree: &str, info: &str) -> Vec<String> {
    let file = vendor_tree(tree)
        .join(info.trim_matches('/'))
        .join("index.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    v["Parameters"][0]["AllowableValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn cray_ex_node_is_cycled_off_then_on_and_waits_for_off() {
    let bmc = RecordedBmc::serve(vendor_tree("cray-ex-nodecard"), 3).await;
    let client = bmc.client();
    let node = client
        .find_system(&SystemSelector::Id("Node0".into()))
        .await
        .unwrap();
    let allowed = node.reset_types().await.unwrap();
    assert_eq!(
        allowed,
        action_info_values(
            "cray-ex-nodecard",
            "/redfish/v1/Systems/Node0/ResetActionInfo"
        )
    );
    assert_eq!(allowed, ["ForceOff", "Off", "On"]);
    let how = node.power_cycle_method().await.unwrap();
    assert_eq!(
        how,
        PowerCycle::OffThenOn {
            off: ResetType::ForceOff,
            on: ResetType::On
        }
    );
    // Off, three reads of PoweringOff, Off, then On: the On is only sent once Off is read.
    node.run_power_cycle(how, 10 * SECOND, FAST).await.unwrap();
    assert_eq!(
        bmc.resets(),
        [
            (
                "/redfish/v1/Systems/Node0".to_string(),
                "ForceOff".to_string()
            ),
            ("/redfish/v1/Systems/Node0".to_string(), "On".to_string())
        ]
    );
    assert_eq!(node.power_state().await.unwrap(), PowerState::On);

    // A node that is off is only powered on.
    bmc.set_power("/redfish/v1/Systems/Node1", "Off");
    let node1 = client
        .find_system(&SystemSelector::Id("Node1".into()))
        .await
        .unwrap();
    let how = node1.power_cycle(10 * SECOND).await.unwrap();
    assert_eq!(how, PowerCycle::PowerOn { on: ResetType::On });
    assert_eq!(bmc.resets().len(), 3);
    assert_eq!(bmc.resets()[2].1, "On");

    // The restart the workflow used to send is refused before anything is sent.
    let err = node.reset(ResetType::ForceRestart).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert_eq!(bmc.resets().len(), 3);
}

#[tokio::test]
async fn an_off_repeated_after_an_interruption_is_not_sent_when_the_node_is_already_off() {
    let bmc = RecordedBmc::serve(vendor_tree("cray-ex-nodecard"), 0).await;
    let node = bmc
        .client()
        .find_system(&SystemSelector::Id("Node0".into()))
        .await
        .unwrap();
    node.power_off_for_cycle(ResetType::ForceOff, 5 * SECOND, FAST)
        .await
        .unwrap();
    node.power_off_for_cycle(ResetType::ForceOff, 5 * SECOND, FAST)
        .await
        .unwrap();
    assert_eq!(bmc.resets().len(), 1, "{:?}", bmc.resets());
}

/// The other recorded shapes all allow a restart: it is used, chosen from where each lists it.
#[tokio::test]
async fn recorded_trees_restart_with_the_reset_they_allow() {
    for (tree, system, listed, sent) in [
        // No inline list and the ResetActionInfo is not in the replies: the BMC decides.
        (
            "huawei-ibmc-2288hv5",
            "/redfish/v1/Systems/1",
            0,
            "ForceRestart",
        ),
        (
            "dell-idrac9-r640",
            "/redfish/v1/Systems/System.Embedded.1",
            8,
            "ForceRestart",
        ),
        (
            "supermicro-x13-sys821ge",
            "/redfish/v1/Systems/1",
            8,
            "ForceRestart",
        ),
        // Inline, with the run-together "GracefulShutdownGracefulRestart"; its ActionInfo absent.
        (
            "supermicro-x12-sys510t",
            "/redfish/v1/Systems/1",
            6,
            "ForceRestart",
        ),
        (
            "gigabyte-h262-z63",
            "/redfish/v1/Systems/Self",
            4,
            "ForceRestart",
        ),
        // Only in its ResetActionInfo (eight values).
        (
            "openbmc-nvidia-gb200",
            "/redfish/v1/Systems/System_0",
            8,
            "ForceRestart",
        ),
    ] {
        let bmc = RecordedBmc::serve(vendor_tree(tree), 0).await;
        let server = hermes_ilo::SystemHandle::new(bmc.client(), system);
        assert_eq!(server.reset_types().await.unwrap().len(), listed, "{tree}");
        let how = server.power_cycle(5 * SECOND).await.unwrap();
        assert_eq!(
            how,
            PowerCycle::Restart {
                reset: ResetType::from_name(sent).unwrap(),
                on: ResetType::On
            },
            "{tree}"
        );
        assert_eq!(
            bmc.resets(),
            [(system.to_string(), sent.to_string())],
            "{tree}"
        );
    }
}

fn kickstart(i: u8) -> KickstartSpec {
    KickstartSpec::builder(format!("esxi-p{i}.lab"))
        .ip(format!("10.0.30.{i}"))
        .netmask("255.255.255.0")
        .gateway("10.0.30.1")
        .root_password(RootPassword::plain("test-pw-123"))
        .build()
        .unwrap()
}

/// sushy-emulator applies a power change 1 to 11 s after the request (a restart reads Off meanwhile).
fn timeouts() -> Timeouts {
    Timeouts {
        power: 30 * SECOND,
        answering: 10 * SECOND,
        poll: Duration::from_millis(100),
        bmc_step: 30 * SECOND,
        ..Timeouts::default()
    }
}

/// The Cray EX node has no virtual media: the workflow fails at the media step, naming it, and no
/// reset is ever sent; the plan fails the same way before anything runs.
#[tokio::test]
async fn a_node_without_virtual_media_fails_before_any_power_action() {
    let bmc = RecordedBmc::serve(vendor_tree("cray-ex-nodecard"), 0).await;
    let dir = tempfile::tempdir().unwrap();
    let host = EsxiHost {
        name: "cray-node0".into(),
        bmc: bmc.client(),
        system: SystemSelector::Id("Node0".into()),
        kickstart: kickstart(11),
        media: MediaSource::Url("http://127.0.0.1:9/esxi.iso".into()),
        answering: Arc::new(TcpCheck::new("127.0.0.1:9")),
    };
    let installer = EsxiInstaller::new(dir.path().join("state"), dir.path()).timeouts(timeouts());
    let err = installer.plan(&host).await.unwrap_err();
    assert!(
        err.to_string().contains("discover virtual media")
            && err.to_string().contains("has no CD/DVD virtual media"),
        "{err}"
    );
    let err = installer.install(&host, &|_| {}).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("server cray-node0: step 'media inserted': "),
        "{text}"
    );
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{text}");
    assert!(text.contains("has no CD/DVD virtual media"), "{text}");
    assert!(bmc.resets().is_empty(), "{:?}", bmc.resets());
    assert_eq!(
        installer.state("cray-node0").await.unwrap().completed,
        Some(Step::IsoReady)
    );
}

fn sushy() -> Client {
    common::sushy()
}

async fn powered(server: &hermes_ilo::SystemHandle, want: PowerState) {
    if server.power_state().await.unwrap() != want {
        let kind = if want == PowerState::On {
            ResetType::On
        } else {
            ResetType::ForceOff
        };
        server.reset(kind).await.unwrap();
        server
            .wait_power_every(want, 30 * SECOND, Duration::from_millis(200))
            .await
            .unwrap();
    }
}

/// sushy-emulator changes the power state for real (1 to 11 s after the request): an off-then-on
/// cycle, with each off it offers, waits for Off and ends on.
#[tokio::test]
async fn sushy_off_then_on_cycle_waits_for_off() {
    let server = sushy()
        .find_system(&SystemSelector::Name("dl380-07".into()))
        .await
        .unwrap();
    for off in [ResetType::ForceOff, ResetType::GracefulShutdown] {
        powered(&server, PowerState::On).await;
        let how = PowerCycle::OffThenOn {
            off,
            on: ResetType::On,
        };
        server
            .run_power_cycle(how, 30 * SECOND, Duration::from_millis(200))
            .await
            .unwrap();
        server
            .wait_power_every(PowerState::On, 30 * SECOND, Duration::from_millis(200))
            .await
            .unwrap();
    }
    // Sushy allows ForceRestart: that is what a plain power cycle of a running server uses.
    assert_eq!(
        server.power_cycle_method().await.unwrap(),
        PowerCycle::Restart {
            reset: ResetType::ForceRestart,
            on: ResetType::On
        }
    );
}

/// A node that stays `PoweringOff` (an OS that never finishes shutting down): the wait for Off is
/// bounded, the error names the system, the reset sent and the last state, and the On is not sent.
#[tokio::test]
async fn an_off_that_never_completes_is_a_clear_timeout_and_nothing_more_is_sent() {
    let bmc = RecordedBmc::serve(vendor_tree("cray-ex-nodecard"), u32::MAX).await;
    let node = hermes_ilo::SystemHandle::new(bmc.client(), "/redfish/v1/Systems/Node0");
    let err = node.power_cycle(SECOND).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("/redfish/v1/Systems/Node0 did not reach power state Off within 1s")
            && text.contains("(last: PoweringOff) after ForceOff")
            && text.contains("power-on half of the cycle was not sent"),
        "{text}"
    );
    assert_eq!(
        bmc.resets(),
        [(
            "/redfish/v1/Systems/Node0".to_string(),
            "ForceOff".to_string()
        )]
    );
}

/// A relay in front of sushy-emulator that logs the `ResetType` of every reset POSTed, can make every
/// system list other reset types (`ResetType@Redfish.AllowableValues` replaced, and anything else
/// refused with a 400 as a BMC would), and can go down (503) once an off has passed.
#[derive(Clone)]
struct Relay {
    resets: Arc<Mutex<Vec<String>>>,
    down_after_off: Arc<AtomicBool>,
    down: Arc<AtomicBool>,
}

impl Relay {
    async fn start(allowed: Option<Vec<String>>) -> (Relay, String) {
        let upstream = format!("http://{}", hermes_testkit::peer("sushy").addr());
        let relay = Relay {
            resets: Arc::default(),
            down_after_off: Arc::default(),
            down: Arc::default(),
        };
        let r = relay.clone();
        let http = reqwest::Client::new();
        let url = common::serve_http(move |req: hyper::Request<hyper::body::Incoming>| {
            let (r, http, upstream, allowed) =
                (r.clone(), http.clone(), upstream.clone(), allowed.clone());
            async move {
                let reply = |status: u16, body: String| {
                    hyper::Response::builder()
                        .status(status)
                        .header("content-type", "application/json")
                        .body(Full::new(Bytes::from(body)))
                        .unwrap()
                };
                if r.down.load(Ordering::SeqCst) {
                    return reply(503, String::new());
                }
                let method = req.method().clone();
                let path = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.to_string())
                    .unwrap_or_default();
                let mut headers = req.headers().clone();
                headers.remove(hyper::header::HOST);
                // reqwest sets the length of the body it sends (a translated reset differs).
                headers.remove(hyper::header::CONTENT_LENGTH);
                let body = req.into_body().collect().await.unwrap().to_bytes();
                if path.ends_with("/Actions/ComputerSystem.Reset") {
                    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                    let kind = v["ResetType"].as_str().unwrap().to_string();
                    if allowed.as_ref().is_some_and(|a| !a.contains(&kind)) {
                        return reply(
                            400,
                            format!(r#"{{"error":{{"code":"Base.1.0.ActionParameterNotSupported","message":"{kind} not supported"}}}}"#),
                        );
                    }
                    r.resets.lock().unwrap().push(kind.clone());
                    if ["ForceOff", "Off", "GracefulShutdown", "PushPowerButton"]
                        .contains(&kind.as_str())
                        && r.down_after_off.load(Ordering::SeqCst)
                    {
                        // The off reaches the BMC; then the BMC is lost.
                        r.down.store(true, Ordering::SeqCst);
                    }
                    // sushy does not know the non-standard Off: it is its ForceOff. Nor the
                    // power button: a press is its ForceOff where it reads On, else its On.
                    let body = if kind == "Off" {
                        Bytes::from(r#"{"ResetType":"ForceOff"}"#)
                    } else if kind == "PushPowerButton" {
                        let system = path.trim_end_matches("/Actions/ComputerSystem.Reset");
                        let now: serde_json::Value = http
                            .get(format!("{upstream}{system}"))
                            .send()
                            .await
                            .unwrap()
                            .json()
                            .await
                            .unwrap();
                        if now["PowerState"] == "On" {
                            Bytes::from(r#"{"ResetType":"ForceOff"}"#)
                        } else {
                            Bytes::from(r#"{"ResetType":"On"}"#)
                        }
                    } else {
                        body
                    };
                    let resp = http
                        .post(format!("{upstream}{path}"))
                        .headers(headers)
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                    let status = resp.status().as_u16();
                    return reply(status, resp.text().await.unwrap());
                }
                let resp = http
                    .request(method, format!("{upstream}{path}"))
                    .headers(headers)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = resp.status().as_u16();
                let mut out = hyper::Response::builder().status(status);
                for (k, v) in resp.headers() {
                    if k != hyper::header::CONTENT_LENGTH && k != hyper::header::TRANSFER_ENCODING
                    {
                        out = out.header(k, v);
                    }
                }
                let bytes = resp.bytes().await.unwrap();
                let bytes = match (&allowed, serde_json::from_slice::<serde_json::Value>(&bytes)) {
                    (Some(a), Ok(mut v)) if v.pointer("/Actions/#ComputerSystem.Reset").is_some() => {
                        v["Actions"]["#ComputerSystem.Reset"]["ResetType@Redfish.AllowableValues"] =
                            serde_json::json!(a);
                        Bytes::from(v.to_string())
                    }
                    _ => bytes,
                };
                out.body(Full::new(bytes)).unwrap()
            }
        })
        .await;
        (relay, url)
    }

    fn resets(&self) -> Vec<String> {
        self.resets.lock().unwrap().clone()
    }

    fn clear(&self) {
        self.resets.lock().unwrap().clear();
    }
}

struct Workflow {
    _dir: tempfile::TempDir,
    _files: hermes_ilo::fileserver::FileServer,
    installer: EsxiInstaller,
    host: EsxiHost,
}

async fn workflow(name: &str, bmc_url: &str, i: u8) -> Workflow {
    let dir = tempfile::tempdir().unwrap();
    let files =
        hermes_ilo::fileserver::FileServer::bind("127.0.0.1:0".parse().unwrap(), dir.path())
            .await
            .unwrap();
    std::fs::write(dir.path().join("given.iso"), vec![3u8; 2048]).unwrap();
    let bmc = Client::builder(bmc_url)
        .retry(hermes_core::RetryPolicy::none())
        .build()
        .unwrap();
    let host = EsxiHost {
        name: name.into(),
        bmc,
        system: SystemSelector::Name(name.into()),
        kickstart: kickstart(i),
        media: MediaSource::Url(files.url_for("given.iso", None).unwrap().to_string()),
        answering: Arc::new(TcpCheck::new(files.local_addr().to_string())),
    };
    let installer = EsxiInstaller::new(dir.path().join("state"), dir.path()).timeouts(timeouts());
    Workflow {
        _dir: dir,
        _files: files,
        installer,
        host,
    }
}

/// The workflow on a BMC that lists the Cray node's reset types (sushy behind the relay): the plan
/// names the off half, the run sends ForceOff, waits for Off, sends On; when the BMC is lost right
/// after the off, the run fails at 'power off' and the next run resumes there without a second off.
#[tokio::test]
async fn the_workflow_cycles_off_then_on_where_no_restart_is_allowed_and_resumes() {
    let cray = action_info_values(
        "cray-ex-nodecard",
        "/redfish/v1/Systems/Node0/ResetActionInfo",
    );
    let (relay, url) = Relay::start(Some(cray)).await;
    let w = workflow("dl380-06", &url, 6).await;
    let server = w.host.bmc.find_system(&w.host.system).await.unwrap();
    powered(&server, PowerState::On).await;
    relay.clear();

    let plan = w.installer.plan(&w.host).await.unwrap();
    let text = plan.render();
    assert_eq!(plan.summary().run, 8, "{text}");
    assert!(
        text.contains("power off") && text.contains("ForceOff, then wait until it reads Off"),
        "{text}"
    );

    relay.down_after_off.store(true, Ordering::SeqCst);
    let impatient = w.installer.clone().timeouts(Timeouts {
        power: 2 * SECOND,
        ..timeouts()
    });
    let err = impatient.install(&w.host, &|_| {}).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("server dl380-06: step 'power off': "),
        "{text}"
    );
    assert_eq!(err.kind(), ErrorKind::Timeout, "{text}");
    let st = w.installer.state("dl380-06").await.unwrap();
    assert_eq!(st.completed, Some(Step::PowerOffSent));
    assert_eq!(
        st.power_cycle,
        Some(PowerCycle::OffThenOn {
            off: ResetType::ForceOff,
            on: ResetType::On
        })
    );
    assert_eq!(relay.resets(), ["ForceOff"]);

    // The BMC is back once the off took effect (read from sushy itself): no second off, then On.
    sushy()
        .find_system(&w.host.system)
        .await
        .unwrap()
        .wait_power_every(PowerState::Off, 30 * SECOND, Duration::from_millis(200))
        .await
        .unwrap();
    relay.down_after_off.store(false, Ordering::SeqCst);
    relay.down.store(false, Ordering::SeqCst);
    let seen = Mutex::new(Vec::new());
    let done = w
        .installer
        .install(&w.host, &|s| seen.lock().unwrap().push(s))
        .await
        .unwrap();
    assert_eq!(relay.resets(), ["ForceOff", "On"]);
    assert_eq!(
        done.steps_run[..3],
        [Step::PoweredOff, Step::PowerCycleSent, Step::PowerCycled]
    );
    assert_eq!(
        seen.lock().unwrap()[..2],
        [Step::PoweredOff, Step::PowerCycled]
    );
    assert_eq!(server.power_state().await.unwrap(), PowerState::On);
    assert!(!w.installer.plan(&w.host).await.unwrap().has_changes());
}

/// A server that is already running is restarted (ForceRestart, which sushy allows) so it boots the
/// CD, and the restart is sent once.
#[tokio::test]
async fn the_workflow_restarts_a_running_server() {
    let (relay, url) = Relay::start(None).await;
    let w = workflow("dl380-05", &url, 5).await;
    let server = w.host.bmc.find_system(&w.host.system).await.unwrap();
    powered(&server, PowerState::On).await;
    relay.clear();
    let plan = w.installer.plan(&w.host).await.unwrap();
    assert_eq!(plan.summary().run, 7, "{}", plan.render());
    assert!(
        plan.render()
            .contains("restarts the running server (ForceRestart)"),
        "{}",
        plan.render()
    );
    let done = w.installer.install(&w.host, &|_| {}).await.unwrap();
    assert_eq!(relay.resets(), ["ForceRestart"]);
    assert!(!done.steps_run.contains(&Step::PoweredOff));
    assert!(done.steps_run.contains(&Step::PowerCycled));
    let again = w.installer.install(&w.host, &|_| {}).await.unwrap();
    assert!(!again.changed());
    assert_eq!(relay.resets(), ["ForceRestart"]);
}

/// `ensure_power` on the Cray EX node, which does not allow `GracefulShutdown`: powered off with
/// `ForceOff` at once (it used to send `GracefulShutdown` and be refused), and back on with `On`.
#[tokio::test]
async fn ensure_power_uses_the_offs_the_node_allows() {
    let bmc = RecordedBmc::serve(vendor_tree("cray-ex-nodecard"), 2).await;
    let node = hermes_ilo::SystemHandle::new(bmc.client(), "/redfish/v1/Systems/Node1");
    assert!(node
        .ensure_power(PowerState::Off, 10 * SECOND)
        .await
        .unwrap());
    assert!(!node
        .ensure_power(PowerState::Off, 10 * SECOND)
        .await
        .unwrap());
    assert!(node
        .ensure_power(PowerState::On, 10 * SECOND)
        .await
        .unwrap());
    let sent: Vec<String> = bmc.resets().into_iter().map(|(_, r)| r).collect();
    assert_eq!(sent, ["ForceOff", "On"]);
}

/// The Cray EX node card tree, copied, with both nodes' `ResetActionInfo` restricted to
/// `PushPowerButton` and `Nmi`: a service whose only power control is the button.
fn button_only_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&vendor_tree("cray-ex-nodecard"), dir.path());
    for node in ["Node0", "Node1"] {
        let file = dir.path().join(format!(
            "redfish/v1/Systems/{node}/ResetActionInfo/index.json"
        ));
        let mut info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        info["Parameters"][0]["AllowableValues"] = serde_json::json!(["PushPowerButton", "Nmi"]);
        std::fs::write(&file, info.to_string()).unwrap();
    }
    dir
}

fn sent(bmc: &RecordedBmc) -> Vec<String> {
    bmc.resets().into_iter().map(|(_, r)| r).collect()
}

/// Only the power button: the cycle is a press, a bounded wait for Off (three reads of
/// PoweringOff), a press; the second press only once Off is read. It used to be refused.
#[tokio::test]
async fn a_button_only_system_is_cycled_press_wait_for_off_press() {
    let tree = button_only_tree();
    let bmc = RecordedBmc::serve(tree.path().to_path_buf(), 3).await;
    let node = hermes_ilo::SystemHandle::new(bmc.client(), "/redfish/v1/Systems/Node0");
    assert_eq!(
        node.reset_types().await.unwrap(),
        ["PushPowerButton", "Nmi"]
    );
    let how = node.power_cycle_method().await.unwrap();
    assert_eq!(
        how,
        PowerCycle::OffThenOn {
            off: ResetType::PushPowerButton,
            on: ResetType::PushPowerButton
        }
    );
    assert_eq!(
        how.to_string(),
        "power off (PushPowerButton), wait for Off, power on (PushPowerButton)"
    );
    node.run_power_cycle(how, 10 * SECOND, FAST).await.unwrap();
    assert_eq!(sent(&bmc), ["PushPowerButton", "PushPowerButton"]);
    assert_eq!(node.power_state().await.unwrap(), PowerState::On);

    // Run again with the node already off (the off half done by an interrupted run): one press.
    bmc.set_power("/redfish/v1/Systems/Node0", "Off");
    node.run_power_cycle(how, 10 * SECOND, FAST).await.unwrap();
    assert_eq!(sent(&bmc).len(), 3);
    assert_eq!(node.power_state().await.unwrap(), PowerState::On);
    // And with it already back on: a press would turn it off, so none is sent.
    node.run_power_cycle(
        PowerCycle::PowerOn {
            on: ResetType::PushPowerButton,
        },
        10 * SECOND,
        FAST,
    )
    .await
    .unwrap();
    assert_eq!(sent(&bmc).len(), 3);

    // A node that is off is powered on with one press.
    bmc.set_power("/redfish/v1/Systems/Node1", "Off");
    let node1 = hermes_ilo::SystemHandle::new(bmc.client(), "/redfish/v1/Systems/Node1");
    let how = node1.power_cycle(10 * SECOND).await.unwrap();
    assert_eq!(
        how,
        PowerCycle::PowerOn {
            on: ResetType::PushPowerButton
        }
    );
    assert_eq!(
        bmc.resets()[3],
        (
            "/redfish/v1/Systems/Node1".to_string(),
            "PushPowerButton".to_string()
        )
    );
    assert_eq!(node1.power_state().await.unwrap(), PowerState::On);
}

/// A press the OS ignores (the node stays PoweringOff): the wait is bounded, the error says the
/// press may be ignored, and no second press (which would turn it back on) is sent.
#[tokio::test]
async fn a_press_that_never_powers_off_is_a_clear_timeout_and_no_second_press() {
    let tree = button_only_tree();
    let bmc = RecordedBmc::serve(tree.path().to_path_buf(), u32::MAX).await;
    let node = hermes_ilo::SystemHandle::new(bmc.client(), "/redfish/v1/Systems/Node0");
    let err = node.power_cycle(SECOND).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("(last: PoweringOff) after PushPowerButton")
            && text.contains("power-on half of the cycle was not sent")
            && text.contains("a power button press is a request the OS may ignore"),
        "{text}"
    );
    assert_eq!(sent(&bmc), ["PushPowerButton"]);
    // Repeating the off half while it still reads PoweringOff presses nothing.
    let err = node
        .power_off_for_cycle(ResetType::PushPowerButton, 200 * FAST / 50, FAST)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(sent(&bmc), ["PushPowerButton"]);
}

/// A system in a state that is neither on nor off is not pressed: what a press does is unknown.
#[tokio::test]
async fn a_button_only_system_in_an_unknown_state_is_not_pressed() {
    let tree = button_only_tree();
    let bmc = RecordedBmc::serve(tree.path().to_path_buf(), 0).await;
    let node = hermes_ilo::SystemHandle::new(bmc.client(), "/redfish/v1/Systems/Node0");
    bmc.set_power("/redfish/v1/Systems/Node0", "Paused");
    let err = node.power_cycle(SECOND).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("/redfish/v1/Systems/Node0 reads power state Paused")
            && text.contains("PushPowerButton, Nmi"),
        "{text}"
    );
    let err = node
        .press_power_button_towards(PowerState::On, SECOND, FAST)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(err.to_string().contains("only when it reads Off"), "{err}");
    let err = node.ensure_power(PowerState::On, SECOND).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(bmc.resets().is_empty(), "{:?}", bmc.resets());
}

/// `ensure_power` on a button-only system presses only when the state is the opposite of the one
/// wanted (it used to send the refused `GracefulShutdown` / `On`).
#[tokio::test]
async fn ensure_power_presses_the_button_only_towards_the_wanted_state() {
    let tree = button_only_tree();
    let bmc = RecordedBmc::serve(tree.path().to_path_buf(), 2).await;
    let node = hermes_ilo::SystemHandle::new(bmc.client(), "/redfish/v1/Systems/Node1");
    assert!(!node
        .ensure_power(PowerState::On, 10 * SECOND)
        .await
        .unwrap());
    assert!(bmc.resets().is_empty());
    assert!(node
        .ensure_power(PowerState::Off, 10 * SECOND)
        .await
        .unwrap());
    assert_eq!(node.power_state().await.unwrap(), PowerState::Off);
    assert!(!node
        .ensure_power(PowerState::Off, 10 * SECOND)
        .await
        .unwrap());
    assert!(node
        .ensure_power(PowerState::On, 10 * SECOND)
        .await
        .unwrap());
    assert_eq!(node.power_state().await.unwrap(), PowerState::On);
    assert_eq!(sent(&bmc), ["PushPowerButton", "PushPowerButton"]);
}

/// sushy-emulator behind the relay listing only `PushPowerButton` and `Nmi`; the relay turns a
/// press into sushy's `On` or `ForceOff` by the power state sushy reads (sushy applies it 1 to 11 s
/// later). The workflow presses, waits for Off, presses; when the BMC is lost right after the
/// first press, the next run waits for that press to show instead of pressing again.
#[tokio::test]
async fn the_workflow_cycles_a_button_only_server_against_sushy_and_resumes() {
    let (relay, url) = Relay::start(Some(vec!["PushPowerButton".into(), "Nmi".into()])).await;
    let w = workflow("dl380-08", &url, 8).await;
    let server = sushy().find_system(&w.host.system).await.unwrap();
    powered(&server, PowerState::On).await;
    relay.clear();

    let plan = w.installer.plan(&w.host).await.unwrap().render();
    assert!(
        plan.contains("PushPowerButton, then wait until it reads Off")
            && plan.contains("powers the server back on (PushPowerButton)"),
        "{plan}"
    );

    relay.down_after_off.store(true, Ordering::SeqCst);
    let impatient = w.installer.clone().timeouts(Timeouts {
        power: 2 * SECOND,
        ..timeouts()
    });
    let err = impatient.install(&w.host, &|_| {}).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("server dl380-08: step 'power off': "),
        "{err}"
    );
    assert_eq!(relay.resets(), ["PushPowerButton"]);
    assert_eq!(
        w.installer.state("dl380-08").await.unwrap().power_cycle,
        Some(PowerCycle::OffThenOn {
            off: ResetType::PushPowerButton,
            on: ResetType::PushPowerButton
        })
    );

    // The BMC is back at once, the press not yet applied by sushy (it may still read On): the
    // resumed run waits for Off instead of pressing again, then presses once to power on.
    relay.down_after_off.store(false, Ordering::SeqCst);
    relay.down.store(false, Ordering::SeqCst);
    let done = w.installer.install(&w.host, &|_| {}).await.unwrap();
    assert_eq!(relay.resets(), ["PushPowerButton", "PushPowerButton"]);
    assert!(done.steps_run.contains(&Step::PoweredOff));
    assert_eq!(server.power_state().await.unwrap(), PowerState::On);
    assert!(!w.installer.plan(&w.host).await.unwrap().has_changes());
}

/// The workflow on a recorded iDRAC 9 tree (a copy) whose system lists only `PushPowerButton` and
/// `Nmi`, on `RecordedBmc` showing a press only after 40 reads (as a BMC applies one seconds later;
/// a second press before then undoes the first): the run presses and is cut short waiting for Off;
/// the resumed run waits for that press to show instead of pressing again, then presses once to
/// power on.
#[tokio::test]
async fn a_resumed_workflow_never_undoes_a_press_it_may_have_sent() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&vendor_tree("dell-idrac9-r750"), dir.path());
    let file = dir
        .path()
        .join("redfish/v1/Systems/System.Embedded.1/index.json");
    let mut sys: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    sys["Actions"]["#ComputerSystem.Reset"]["ResetType@Redfish.AllowableValues"] =
        serde_json::json!(["PushPowerButton", "Nmi"]);
    std::fs::write(&file, sys.to_string()).unwrap();
    let bmc = RecordedBmc::serve(dir.path().to_path_buf(), 0).await;
    bmc.set_press_lag(40);
    let mut w = workflow("r750-button", bmc.url(), 9).await;
    w.host.system = SystemSelector::Only;

    let impatient = w.installer.clone().timeouts(Timeouts {
        power: Duration::from_millis(300),
        ..timeouts()
    });
    let err = impatient.install(&w.host, &|_| {}).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("server r750-button: step 'power off': "),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(sent(&bmc), ["PushPowerButton"]);

    let done = w.installer.install(&w.host, &|_| {}).await.unwrap();
    assert_eq!(sent(&bmc), ["PushPowerButton", "PushPowerButton"]);
    assert_eq!(
        done.steps_run[..3],
        [Step::PoweredOff, Step::PowerCycleSent, Step::PowerCycled]
    );
    let server =
        hermes_ilo::SystemHandle::new(bmc.client(), "/redfish/v1/Systems/System.Embedded.1");
    assert_eq!(server.power_state().await.unwrap(), PowerState::On);
}
