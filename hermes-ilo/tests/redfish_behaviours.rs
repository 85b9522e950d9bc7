//! Redfish behaviours real services show and the recorded trees do not: a service root answered at
//! only one of `/redfish/v1/` and `/redfish/v1`, a service root without `Links.Sessions` whose
//! `SessionService` needs credentials, a BMC answering 503 with `Retry-After` while it resets, and a
//! task monitor answering 202 and then 200 with the resource itself rather than a Task. Each is
//! served on a recorded tree (`common::MemoryRedfish`) with the behaviour added as a fault.
//! (`@Redfish.Settings` on BIOS and `@Redfish.ActionInfo` for reset types are in the recorded trees:
//! `tests/ilo5.rs`, `tests/vendors.rs`.)

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{reply_json, vendor_tree, MemoryRedfish, Seen};
use hermes_core::{Classify, ErrorKind};
use hermes_ilo::{Client, SystemSelector};
use serde_json::json;

async fn serve(tree: &str) -> MemoryRedfish {
    MemoryRedfish::serve(common::load_tree(&vendor_tree(tree))).await
}

fn not_found(path: &str) -> hyper::Response<http_body_util::Full<bytes::Bytes>> {
    reply_json(
        404,
        &[],
        json!({"error": {"code": "Base.1.0.ResourceMissingAtURI", "message": format!("{path} not found")}}),
    )
}

/// A service answering 404 on `/redfish/v1/` (with the slash DSP0266 uses) but 200 on
/// `/redfish/v1`, and one doing the reverse: both are found, and the workflow reads on.
#[tokio::test]
async fn the_service_root_is_found_at_either_form() {
    for (refused, other) in [
        ("/redfish/v1/", "/redfish/v1"),
        ("/redfish/v1", "/redfish/v1/"),
    ] {
        let srv = serve("dmtf-contoso-v1_20").await;
        let r = refused.to_string();
        srv.set_fault(Some(Arc::new(move |s: &Seen<'_>| {
            (s.path == r).then(|| not_found(&r))
        })));
        let bmc = srv.client();
        let root = bmc
            .service_root()
            .await
            .unwrap_or_else(|e| panic!("root refused at {refused}, served at {other}: {e}"));
        assert_eq!(
            root.redfish_version,
            srv.tree.read().unwrap()["/redfish/v1"]["RedfishVersion"]
                .as_str()
                .map(String::from)
        );
        let sys = bmc.find_system(&SystemSelector::Only).await.unwrap();
        assert_eq!(sys.path(), "/redfish/v1/Systems/437XR1138R2");
        assert_eq!(bmc.inventory().await.unwrap().systems.len(), 1);
    }
    // Refused at both: a NotFound naming the form DSP0266 uses.
    let srv = serve("dmtf-contoso-v1_20").await;
    srv.set_fault(Some(Arc::new(|s: &Seen<'_>| {
        (common::norm_path(s.path) == "/redfish/v1").then(|| not_found(s.path))
    })));
    let err = srv.client().service_root().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string()
            .contains("GET redfish/v1/ answered HTTP 404"),
        "{err}"
    );
}

/// A service root without `Links.Sessions` (Redfish 1.0 services link only the `SessionService`)
/// whose `SessionService` answers 401 to an anonymous read, as most do: the session is opened at
/// the collection DSP0266 fixes, `/redfish/v1/SessionService/Sessions`. Where the SessionService
/// can be read, its `Sessions` link is used.
#[tokio::test]
async fn session_login_without_links_sessions() {
    let srv = serve("supermicro-x13-sys821ge").await;
    srv.edit("/redfish/v1", |root| {
        root.as_object_mut().unwrap().remove("Links");
    });
    srv.set_fault(Some(Arc::new(|s: &Seen<'_>| {
        (common::norm_path(s.path) == "/redfish/v1/SessionService" && !s.authorized).then(|| {
            reply_json(
                401,
                &[],
                json!({"error": {"code": "Base.1.0.NoValidSession", "message": "log in first"}}),
            )
        })
    })));
    let bmc = Client::builder(&srv.url)
        .session_auth("admin", "session-test-password")
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let systems = bmc.systems().await.unwrap();
    assert_eq!(systems.len(), 1);
    assert!(bmc.has_session().await);
    bmc.logout().await.unwrap();
    let log = srv.log.lock().unwrap().clone();
    assert!(
        log.contains(&"POST /redfish/v1/SessionService/Sessions".to_string())
            && log
                .contains(&"DELETE /redfish/v1/SessionService/Sessions/memory-session".to_string()),
        "{log:?}"
    );

    // Readable: its Sessions link (moved here to tell the two apart) is the one used.
    let srv = serve("supermicro-x13-sys821ge").await;
    {
        let mut tree = srv.tree.write().unwrap();
        tree.get_mut("/redfish/v1")
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove("Links");
        // The capture has no SessionService reply: one as DSP0266 shapes it.
        tree.insert(
            "/redfish/v1/SessionService".into(),
            json!({"@odata.id": "/redfish/v1/SessionService", "Id": "SessionService",
                "Sessions": {"@odata.id": "/redfish/v1/SessionService/Sessions2"}}),
        );
    }
    srv.set_fault(Some(Arc::new(|s: &Seen<'_>| {
        (s.method == hyper::Method::POST && s.path == "/redfish/v1/SessionService/Sessions2").then(
            || {
                reply_json(
                    201,
                    &[
                        ("X-Auth-Token", "t2"),
                        ("Location", "/redfish/v1/SessionService/Sessions2/9"),
                    ],
                    json!({}),
                )
            },
        )
    })));
    let bmc = Client::builder(&srv.url)
        .session_auth("admin", "session-test-password")
        .retry(common::fast_retry())
        .build()
        .unwrap();
    assert_eq!(bmc.systems().await.unwrap().len(), 1);
    let log = srv.log.lock().unwrap().clone();
    assert!(
        log.contains(&"POST /redfish/v1/SessionService/Sessions2".to_string()),
        "{log:?}"
    );
}

/// A BMC resetting answers 503 with `Retry-After` for a while: reads wait the pause it asks for and
/// go on; one that never comes back is a `Throttled` error naming the resource, never a gap.
#[tokio::test]
async fn a_bmc_resetting_answers_503_with_retry_after() {
    let srv = serve("hpe-ilo5-gen10").await;
    let left = Arc::new(AtomicU32::new(2));
    let l = left.clone();
    srv.set_fault(Some(Arc::new(move |s: &Seen<'_>| {
        let hit = common::norm_path(s.path) == "/redfish/v1/Systems/1"
            && l.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
        hit.then(|| {
            reply_json(
                503,
                &[("Retry-After", "1")],
                json!({"error": {"code": "Base.1.0.ServiceTemporarilyUnavailable", "message": "resetting"}}),
            )
        })
    })));
    let bmc = srv.client();
    let started = Instant::now();
    let inv = bmc.inventory().await.unwrap();
    assert_eq!(inv.systems.len(), 1);
    assert!(inv.gaps.iter().all(|g| g.path != "/redfish/v1/Systems/1/"));
    assert_eq!(left.load(Ordering::SeqCst), 0);
    // The pauses the BMC asked for (2 × 1 s), not the client's own 50 ms back-off.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    srv.set_fault(Some(Arc::new(|s: &Seen<'_>| {
        (common::norm_path(s.path) == "/redfish/v1/Systems/1").then(|| {
            reply_json(
                503,
                &[("Retry-After", "0")],
                json!({"error": {"code": "Base.1.0.ServiceTemporarilyUnavailable", "message": "resetting"}}),
            )
        })
    })));
    let err = srv.client().inventory().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled, "{err}");
    assert!(err.to_string().contains("/redfish/v1/Systems/1"), "{err}");
}

/// An action answered 202 with a task monitor that answers 202 while it runs and then 200 with the
/// resource acted on (not a Task, as DSP0266 allows): the action succeeded.
#[tokio::test]
async fn a_task_monitor_answering_the_resource_ends_the_action() {
    let srv = serve("supermicro-x13-sys821ge").await;
    let polls = Arc::new(AtomicU32::new(0));
    let p = polls.clone();
    let media =
        srv.tree.read().unwrap()["/redfish/v1/Managers/1/VirtualMedia/VirtualMedia1"].clone();
    srv.set_fault(Some(Arc::new(move |s: &Seen<'_>| {
        if s.method == hyper::Method::POST && s.path.ends_with("/VirtualMedia.InsertMedia") {
            return Some(reply_json(
                202,
                &[
                    ("Location", "/redfish/v1/TaskService/TaskMonitors/7"),
                    ("Retry-After", "0"),
                ],
                json!({}),
            ));
        }
        if s.path == "/redfish/v1/TaskService/TaskMonitors/7" {
            return Some(if p.fetch_add(1, Ordering::SeqCst) < 2 {
                reply_json(202, &[("Retry-After", "0")], json!({}))
            } else {
                reply_json(200, &[], media.clone())
            });
        }
        None
    })));
    let sys = srv
        .client()
        .find_system(&SystemSelector::Only)
        .await
        .unwrap();
    let change = sys
        .insert_media("http://192.0.2.10/esxi-01.iso")
        .await
        .unwrap();
    assert_eq!(change, hermes_ilo::system::MediaChange::Action);
    assert_eq!(polls.load(Ordering::SeqCst), 3);
}
