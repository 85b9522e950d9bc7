//! Single replies of Huawei's iBMC (`tests/data/redfish/huawei-ibmc-replies`, recorded by the
//! Apache-2.0 `python-ibmcclient` from an iBMC 3.12 on a 2288H V5; provenance and sha256 in the data
//! directory's SOURCES.md), where they are not part of a tree: a task that ended in `Exception`, a
//! completed one, a 401 and a 400 error body, and a 2288H V3 system. Each is read by the crate's
//! parsers on disk, and the task and error replies are also served by a small local server (a POST
//! answered 202 with a task monitor, as iBMC does for long operations) so the client's task monitor
//! and error mapping run on the real bytes. The part of the flow covered: task monitors
//! (`Client::post_action`, used by resets, virtual media and `SimpleUpdate`), error bodies, and the
//! system model.
//!
//! iBMC sends a task's `Messages` as one message object, not as a list: before that was read, the
//! failed task below could not be parsed and its monitor was reported as a success.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use hermes_core::{Classify, ErrorKind};
use hermes_ilo::error::RedfishError;
use hermes_ilo::models::{parse, ComputerSystem, Task};
use hermes_ilo::{Client, IloError};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use serde_json::json;

fn reply_file(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/redfish/huawei-ibmc-replies")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const FAILED_TASK: &str = "create-volume-task-exception-response.json";
const DONE_TASK: &str = "create-volume-task-complete-response.json";

#[test]
fn a_task_whose_messages_are_one_object_is_read() {
    let failed: Task = parse(
        "ibmc",
        "/redfish/v1/TaskService/Tasks/2",
        &reply_file(FAILED_TASK),
    )
    .expect("iBMC's task with Messages as an object");
    assert_eq!(failed.id.as_deref(), Some("2"));
    assert_eq!(failed.task_state.as_deref(), Some("Exception"));
    assert_eq!(failed.task_status.as_deref(), Some("Warning"));
    assert!(failed.is_finished() && !failed.succeeded());
    assert_eq!(failed.messages.len(), 1);
    let m = &failed.messages[0];
    assert_eq!(
        m.message_id.as_deref(),
        Some("iBMC.1.0.PhysicalDiskIdInvalid")
    );
    assert_eq!(
        m.message_args,
        [json!("[0, 0]"), json!("Oem/Huawei/Drives")]
    );
    assert_eq!(m.severity.as_deref(), Some("Warning"));

    let done: Task = parse(
        "ibmc",
        "/redfish/v1/TaskService/Tasks/2",
        &reply_file(DONE_TASK),
    )
    .unwrap();
    assert!(done.succeeded());
    assert_eq!(
        done.messages[0].message_id.as_deref(),
        Some("iBMC.1.0.VolumeCreationSuccess")
    );
}

#[test]
fn ibmc_error_bodies_are_read() {
    let unauthorized = RedfishError::parse(&reply_file("401.json")).expect("a Redfish error body");
    assert_eq!(unauthorized.code.as_deref(), Some("Base.1.0.GeneralError"));
    assert_eq!(unauthorized.message_ids(), ["iBMC.1.0.AuthorizationFailed"]);
    let bad = RedfishError::parse(&reply_file("create-volume-failed-400-response.json")).unwrap();
    assert_eq!(bad.message_ids(), ["iBMC.1.0.UnnecessaryPropWhenCreateVol"]);
    assert!(bad
        .summary()
        .contains("resolution: Try again without unnecessary properties."));
    // The same message sent bare (the shape of iBMC's task Messages) is read as a list of one.
    let task: serde_json::Value = serde_json::from_slice(&reply_file(FAILED_TASK)).unwrap();
    let bare = json!({"error": {"code": "Base.1.0.GeneralError",
        "@Message.ExtendedInfo": task["Messages"]}});
    let bare = RedfishError::parse(bare.to_string().as_bytes()).unwrap();
    assert_eq!(bare.message_ids(), ["iBMC.1.0.PhysicalDiskIdInvalid"]);
}

/// The 2288H V3's system: `Model`, `SerialNumber` and `Bios` are `null`, the BIOS version is there.
#[test]
fn a_2288h_v3_system_with_null_model_and_bios_link() {
    let sys: ComputerSystem = parse(
        "ibmc",
        "/redfish/v1/Systems/1",
        &reply_file("system-v3.json"),
    )
    .unwrap();
    assert_eq!(sys.manufacturer.as_deref(), Some("Huawei"));
    assert_eq!(
        (sys.model.as_deref(), sys.serial_number.as_deref()),
        (None, None)
    );
    assert_eq!(sys.bios, None);
    assert_eq!(sys.bios_version.as_deref(), Some("3.17"));
    assert_eq!(sys.memory_summary.as_ref().unwrap().total_gib, Some(16.0));
    assert_eq!(
        sys.boot.as_ref().unwrap().targets(),
        ["None", "Pxe", "Floppy", "Cd", "Hdd", "BiosSetup"]
    );
    // Huawei links its managers as Links.Managers (not ManagedBy): none is read from the system, and
    // the managers are found from their ManagerForServers (tests/vendors.rs, the 2288H V5 tree).
    assert!(sys.links.managed_by.is_empty());
    assert_eq!(
        sys.actions.reset.as_ref().unwrap().action_info.as_deref(),
        Some("/redfish/v1/Systems/1/ResetActionInfo")
    );
}

/// A local server answering like iBMC: the root with 401 (its real body), POSTs with 202 and a task
/// monitor, the monitor with the real finished task (`/fail`: Exception, `/ok`: Completed), and
/// `/bad` with the real 400 body; `/garbled`: the failed task made unreadable.
async fn ibmc_like() -> String {
    async fn handle(req: Request<Incoming>) -> Response<Full<Bytes>> {
        let (status, location, body) = match (req.method().as_str(), req.uri().path()) {
            ("GET", "/redfish/v1" | "/redfish/v1/") => (401, None, reply_file("401.json")),
            ("POST", "/fail") => (202, Some("/redfish/v1/TaskService/Tasks/fail"), Vec::new()),
            ("POST", "/ok") => (202, Some("/redfish/v1/TaskService/Tasks/ok"), Vec::new()),
            ("POST", "/bad") => (
                400,
                None,
                reply_file("create-volume-failed-400-response.json"),
            ),
            ("GET", "/redfish/v1/TaskService/Tasks/fail") => (200, None, reply_file(FAILED_TASK)),
            ("GET", "/redfish/v1/TaskService/Tasks/ok") => (200, None, reply_file(DONE_TASK)),
            ("POST", "/garbled") => (
                202,
                Some("/redfish/v1/TaskService/Tasks/garbled"),
                Vec::new(),
            ),
            ("GET", "/redfish/v1/TaskService/Tasks/garbled") => {
                // The real failed task with its Messages replaced by a number: unreadable.
                let mut task: serde_json::Value =
                    serde_json::from_slice(&reply_file(FAILED_TASK)).unwrap();
                task["Messages"] = json!(42);
                (200, None, task.to_string().into_bytes())
            }
            _ => (418, None, b"unexpected request".to_vec()),
        };
        let mut b = Response::builder()
            .status(status)
            .header("Content-Type", "application/json")
            .header("Retry-After", "0");
        if let Some(l) = location {
            b = b.header("Location", l);
        }
        b.body(Full::new(Bytes::from(body))).unwrap()
    }
    common::serve_http(handle).await
}

fn client(base: &str) -> Client {
    Client::builder(base)
        .name("ibmc")
        .basic_auth("Administrator", "not-the-password")
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_task_that_ends_in_exception_is_a_failure_naming_ibmcs_message() {
    let bmc = client(&ibmc_like().await);
    let err = bmc
        .post_action("/fail", json!({}), Duration::from_secs(30))
        .await
        .expect_err("iBMC's task ended in Exception: not a success");
    assert!(matches!(err, IloError::Failed { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("task /redfish/v1/TaskService/Tasks/fail ended Exception")
            && text.contains("the drive ID list contains invalid drive ID"),
        "{text}"
    );
    let done = bmc
        .post_action("/ok", json!({}), Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(done.status, 200);
    // A task resource that cannot be read is not reported as done: its outcome is unknown.
    let err = bmc
        .post_action("/garbled", json!({}), Duration::from_secs(30))
        .await
        .unwrap_err();
    assert!(matches!(err, IloError::Malformed { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("/redfish/v1/TaskService/Tasks/garbled"),
        "{err}"
    );
}

#[tokio::test]
async fn ibmc_401_and_400_replies_are_typed_errors_with_their_message_ids() {
    let bmc = client(&ibmc_like().await);
    let err = bmc.service_root().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.redfish().unwrap().message_ids(),
        ["iBMC.1.0.AuthorizationFailed"]
    );
    assert!(!err.to_string().contains("not-the-password"));
    let err = bmc
        .post_action(
            "/bad",
            json!({"VolumeRaidLevel": "RAID1"}),
            Duration::from_secs(5),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(
        err.to_string()
            .contains("iBMC.1.0.UnnecessaryPropWhenCreateVol"),
        "{err}"
    );
}
