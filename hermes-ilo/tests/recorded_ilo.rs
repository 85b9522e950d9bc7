//! What neither peer can do — iLO 5's session login/logout with `X-Auth-Token`, ETag/If-Match
//! conflicts, 503 + Retry-After, 202 task monitors and expiring sessions — tested against a small server
//! that replays the real iLO 5 capture (`shared/data/redfish/hpe-ilo5`, Redfish Mockup Creator 1.2.0,
//! iLO 5 v2.72) for every GET and adds only those behaviours. Its session reply has the shape iLO 5
//! sends (201, `X-Auth-Token`, `Location`, the session resource recorded in the capture); its 401 body
//! is iLO's `Base.1.0.NoValidSession` error. Any request it does not expect fails the test.

mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use hermes_core::{Classify, ErrorKind};
use hermes_ilo::firmware::SimpleUpdate;
use hermes_ilo::{BootOverride, Client, SystemSelector};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use std::time::Duration;

const SESSION: &str = "/redfish/v1/SessionService/Sessions/root0000000066ab958288190bb4";

#[derive(Default)]
struct State {
    token: Option<String>,
    logins: u32,
    logouts: u32,
    log: Vec<String>,
    unexpected: Vec<String>,
    patches: u32,
    if_match_seen: Vec<String>,
    manager_gets: u32,
    taskmon_polls: u32,
    expire_after: Option<u32>,
    authed_requests: u32,
    updates: Vec<serde_json::Value>,
    update_polls: u32,
    secure_boot_patches: Vec<(serde_json::Value, String)>,
    reset_keys: Vec<serde_json::Value>,
    /// When set, collections are served in pages of this many members with `Members@odata.nextLink`
    /// (`?$skip=N`, as DSP0266 describes and large iLO collections do).
    page_size: Option<usize>,
}

const SUCCESS: &str = r#"{"error":{"code":"iLO.0.10.ExtendedInfo","@Message.ExtendedInfo":[{"MessageId":"Base.1.4.Success"}]}}"#;

/// A Redfish task monitor as iLO answers it: 202 "Running" with `Retry-After: 0` until the `done_at`-th
/// poll, then 200 with the finished task.
fn task_monitor(
    polls: &mut u32,
    done_at: u32,
    percent: u32,
    done: &'static str,
) -> Response<Full<Bytes>> {
    *polls += 1;
    if *polls < done_at {
        reply(
            202,
            &[("Retry-After", "0".to_string())],
            format!(r#"{{"TaskState":"Running","PercentComplete":{percent}}}"#),
        )
    } else {
        reply(200, &[], done)
    }
}

fn reply(status: u16, headers: &[(&str, String)], body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut b = Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, v);
    }
    b.body(Full::new(body.into())).unwrap()
}

const NO_SESSION: &str = r#"{"error":{"code":"iLO.0.10.ExtendedInfo","message":"See @Message.ExtendedInfo for more information.","@Message.ExtendedInfo":[{"MessageId":"Base.1.0.NoValidSession"}]}}"#;

async fn handle(
    tree: PathBuf,
    st: Arc<Mutex<State>>,
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let method = req.method().clone();
    let expand = req.uri().query().is_some_and(|q| q.contains("$expand"));
    let skip: usize = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("$skip="))
        .map(|n| n.parse().unwrap())
        .unwrap_or(0);
    let path = req.uri().path().trim_end_matches('/').to_string();
    let token = req
        .headers()
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let if_match = req
        .headers()
        .get("if-match")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let body = req.into_body().collect().await.unwrap().to_bytes();
    let mut s = st.lock().unwrap();
    s.log.push(format!("{method} {path}"));
    if method == "POST" && path == "/redfish/v1/SessionService/Sessions" {
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        if v["UserName"] != "root" || v["Password"] != "ilo-password" {
            return reply(401, &[], NO_SESSION);
        }
        s.logins += 1;
        let t = format!("token-{}", s.logins);
        s.token = Some(t.clone());
        s.authed_requests = 0;
        let rec = std::fs::read(
            tree.join(SESSION.trim_start_matches('/'))
                .join("index.json"),
        )
        .unwrap();
        return reply(
            201,
            &[("X-Auth-Token", t), ("Location", SESSION.to_string())],
            rec,
        );
    }
    if path != "/redfish/v1" {
        let valid = token.is_some() && token == s.token;
        if let (true, Some(n)) = (valid, s.expire_after) {
            s.authed_requests += 1;
            if s.authed_requests > n {
                s.token = None; // the session times out on the iLO
                s.expire_after = None;
                return reply(401, &[], NO_SESSION);
            }
        }
        if !valid {
            return reply(401, &[], NO_SESSION);
        }
    }
    match (method.as_str(), path.as_str()) {
        ("DELETE", SESSION) => {
            s.logouts += 1;
            s.token = None;
            reply(
                200,
                &[],
                r#"{"error":{"code":"iLO.0.10.ExtendedInfo","@Message.ExtendedInfo":[{"MessageId":"Base.1.4.Success"}]}}"#,
            )
        }
        ("GET", "/redfish/v1/Managers/1") if s.manager_gets == 0 => {
            s.manager_gets += 1;
            reply(503, &[("Retry-After", "1".to_string())], "")
        }
        ("PATCH", "/redfish/v1/Systems/1") => {
            s.patches += 1;
            s.if_match_seen.push(if_match.clone().unwrap_or_default());
            if s.patches == 1 {
                // The resource changed since it was read (another client): 412.
                reply(
                    412,
                    &[],
                    r#"{"error":{"code":"iLO.0.10.ExtendedInfo","@Message.ExtendedInfo":[{"MessageId":"Base.1.4.PreconditionFailed"}]}}"#,
                )
            } else {
                reply(
                    200,
                    &[],
                    r#"{"error":{"code":"iLO.0.10.ExtendedInfo","@Message.ExtendedInfo":[{"MessageId":"Base.1.4.Success"}]}}"#,
                )
            }
        }
        // SimpleUpdate: the capture holds GETs only, so the action's replies are scripted in the DMTF
        // task-monitor shape (202 + Location, then the Task resource).
        ("POST", "/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate") => {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let bad = v["ImageURI"].as_str().unwrap_or("").contains("corrupt");
            s.updates.push(v);
            let mon = if bad {
                "/taskmon/upd-bad"
            } else {
                "/taskmon/upd-ok"
            };
            reply(202, &[("Location", mon.to_string())], "")
        }
        ("GET", "/taskmon/upd-ok") => task_monitor(
            &mut s.update_polls,
            3,
            40,
            r#"{"Id":"31","TaskState":"Completed","TaskStatus":"OK","Messages":[{"MessageId":"Update.1.0.UpdateSuccessful"}]}"#,
        ),
        ("GET", "/taskmon/upd-bad") => reply(
            200,
            &[],
            r#"{"Id":"32","TaskState":"Exception","TaskStatus":"Critical","Messages":[{"MessageId":"Update.1.0.VerificationFailed","Message":"Verification of image 'corrupt.fwpkg' at '/redfish/v1/UpdateService' failed."}]}"#,
        ),
        ("PATCH", "/redfish/v1/Systems/1/SecureBoot") => {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            s.secure_boot_patches
                .push((v, if_match.clone().unwrap_or_default()));
            reply(200, &[], SUCCESS)
        }
        ("POST", "/redfish/v1/Systems/1/SecureBoot/Actions/SecureBoot.ResetKeys") => {
            s.reset_keys.push(serde_json::from_slice(&body).unwrap());
            reply(200, &[], SUCCESS)
        }
        ("POST", "/redfish/v1/Managers/1/VirtualMedia/2/Actions/VirtualMedia.InsertMedia") => {
            reply(202, &[("Location", "/taskmon/7".to_string())], "")
        }
        ("GET", "/taskmon/7") => task_monitor(
            &mut s.taskmon_polls,
            2,
            50,
            r#"{"Id":"7","TaskState":"Completed","TaskStatus":"OK"}"#,
        ),
        ("GET", p) => {
            let f = tree.join(p.trim_start_matches('/')).join("index.json");
            if expand {
                s.log.push(format!("EXPAND {p}"));
            }
            let page_size = s.page_size;
            if skip > 0 {
                s.log.push(format!("PAGE {p} {skip}"));
            }
            let page = |v: &mut serde_json::Value| {
                let (Some(n), Some(members)) = (
                    page_size,
                    v.get_mut("Members").and_then(|m| m.as_array_mut()),
                ) else {
                    return;
                };
                let total = members.len();
                let rest: Vec<_> = members.drain(..).skip(skip).take(n).collect();
                *members = rest;
                if skip + n < total {
                    let q = if expand { "$expand=.($levels=1)&" } else { "" };
                    v["Members@odata.nextLink"] = format!("{p}?{q}$skip={}", skip + n).into();
                }
            };
            match std::fs::read(&f) {
                Ok(b) if page_size.is_some() && !expand => {
                    let mut v: serde_json::Value = serde_json::from_slice(&b).unwrap();
                    page(&mut v);
                    reply(200, &[], serde_json::to_vec(&v).unwrap())
                }
                Ok(b) if expand => {
                    // iLO's $expand=.: each member link replaced by the member itself.
                    let mut v: serde_json::Value = serde_json::from_slice(&b).unwrap();
                    page(&mut v);
                    if let Some(members) = v.get_mut("Members").and_then(|m| m.as_array_mut()) {
                        for m in members.iter_mut() {
                            let id = m["@odata.id"]
                                .as_str()
                                .unwrap()
                                .trim_start_matches('/')
                                .to_string();
                            let body = std::fs::read(tree.join(id).join("index.json")).unwrap();
                            *m = serde_json::from_slice(&body).unwrap();
                        }
                    }
                    reply(200, &[], serde_json::to_vec(&v).unwrap())
                }
                Ok(b) => reply(200, &[("Content-Type", "application/json".to_string())], b),
                Err(_) => {
                    s.unexpected.push(format!("GET {p}"));
                    reply(404, &[], "")
                }
            }
        }
        (m, p) => {
            s.unexpected.push(format!("{m} {p}"));
            reply(405, &[], "")
        }
    }
}

async fn start() -> (String, Arc<Mutex<State>>) {
    let st = Arc::new(Mutex::new(State::default()));
    let tree = common::ilo5_tree();
    let st2 = st.clone();
    let base = common::serve_http(move |req| handle(tree.clone(), st2.clone(), req)).await;
    (base, st)
}

#[tokio::test]
async fn session_login_token_logout_and_expiry() {
    let (base, st) = start().await;
    let c = Client::builder(&base)
        .session_auth("root", "ilo-password")
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let s = c.find_system(&SystemSelector::Only).await.unwrap();
    assert!(c.has_session().await);
    assert_eq!(st.lock().unwrap().logins, 1);
    // The session expires on the iLO: the client logs in again once and carries on.
    st.lock().unwrap().expire_after = Some(1);
    for _ in 0..3 {
        s.get().await.unwrap();
    }
    assert_eq!(st.lock().unwrap().logins, 2);
    c.logout().await.unwrap();
    assert!(!c.has_session().await);
    {
        let state = st.lock().unwrap();
        assert_eq!(state.logouts, 1);
        assert!(state.log.contains(&format!("DELETE {SESSION}")));
        assert!(state.unexpected.is_empty(), "{:?}", state.unexpected);
    }
    c.logout().await.unwrap(); // harmless without a session

    let bad = Client::builder(&base)
        .session_auth("root", "wrong")
        .build()
        .unwrap();
    let err = bad.systems().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(!err.to_string().contains("wrong"));
}

#[tokio::test]
async fn if_match_conflict_retry_after_and_task_monitor() {
    let (base, st) = start().await;
    let c = Client::builder(&base)
        .session_auth("root", "ilo-password")
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let s = c.find_system(&SystemSelector::Only).await.unwrap();
    // 412 on the first PATCH (sent with the system's ETag), then a fresh read and a second PATCH.
    s.set_boot_override(&BootOverride::once("Cd"))
        .await
        .unwrap();
    {
        let state = st.lock().unwrap();
        assert_eq!(state.patches, 2);
        assert_eq!(
            state.if_match_seen[0], "W/\"9B9F7D67\"",
            "the ETag of Systems/1 in the capture"
        );
    }
    // 503 + Retry-After on a GET: retried after the pause.
    let managers = s.managers().await.unwrap();
    assert_eq!(managers[0].firmware_version.as_deref(), Some("iLO 5 v2.72"));
    assert_eq!(st.lock().unwrap().manager_gets, 1);
    // The capture advertises $expand (NoLinks): the firmware inventory comes in one request.
    let before = st.lock().unwrap().log.len();
    let fw: Vec<hermes_ilo::models::SoftwareInventory> = c
        .list("/redfish/v1/UpdateService/FirmwareInventory")
        .await
        .unwrap();
    assert!(fw.len() >= 10);
    assert!(fw.iter().any(|f| f.name.as_deref() == Some("iLO 5")));
    {
        let state = st.lock().unwrap();
        let new: Vec<&String> = state.log[before..].iter().collect();
        assert!(new.iter().any(|l| l.starts_with("EXPAND ")), "{new:?}");
        assert!(
            !new.iter()
                .any(|l| l.starts_with("GET /redfish/v1/UpdateService/FirmwareInventory/")),
            "members fetched one by one: {new:?}"
        );
    }
    // InsertMedia answered 202 + task monitor: polled until Completed.
    let change = s
        .insert_media("http://192.0.2.10/esxi-01.iso")
        .await
        .unwrap();
    assert_eq!(change, hermes_ilo::system::MediaChange::Action);
    assert_eq!(st.lock().unwrap().taskmon_polls, 2);
    // A 412 surfaces as a Conflict when it persists.
    let e412 = hermes_ilo::IloError::Status {
        target: base.clone(),
        method: "PATCH".into(),
        path: "/redfish/v1/Systems/1".into(),
        status: 412,
        redfish: None,
        retry_after: None,
    };
    assert_eq!(e412.kind(), ErrorKind::Conflict);
    c.logout().await.unwrap();
    let state = st.lock().unwrap();
    assert!(state.unexpected.is_empty(), "{:?}", state.unexpected);
}

#[tokio::test]
async fn simple_update_follows_the_task_monitor_to_the_end() {
    let (base, st) = start().await;
    let c = Client::builder(&base)
        .session_auth("root", "ilo-password")
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let (_, svc) = c.update_service().await.unwrap();
    assert_eq!(
        svc.actions["#UpdateService.SimpleUpdate"].allowable("TransferProtocol"),
        ["HTTP", "HTTPS"]
    );
    let ok = c
        .simple_update(
            &SimpleUpdate::new("http://192.0.2.10/ilo5_278.fwpkg")
                .target("/redfish/v1/Managers/1")
                .image_credentials("fw", hermes_core::Secret::new("fw-pass"))
                .timeout(Duration::from_secs(60)),
        )
        .await
        .unwrap();
    let task = ok.task.clone().expect("the final task resource");
    assert_eq!(task.task_state.as_deref(), Some("Completed"));
    assert_eq!(ok.monitor.as_deref(), Some("/taskmon/upd-ok"));
    assert!(ok.to_string().contains("Completed"), "{ok}");
    {
        let state = st.lock().unwrap();
        assert_eq!(state.update_polls, 3);
        let sent = &state.updates[0];
        assert_eq!(sent["ImageURI"], "http://192.0.2.10/ilo5_278.fwpkg");
        assert_eq!(sent["TransferProtocol"], "HTTP");
        assert_eq!(sent["Targets"][0], "/redfish/v1/Managers/1");
        assert_eq!(sent["Username"], "fw");
    }
    // A task that ends in Exception is a failure naming the task and the BMC's message.
    let err = c
        .simple_update(&SimpleUpdate::new("http://192.0.2.10/corrupt.fwpkg"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::VerificationFailed, "{err}");
    assert!(err.to_string().contains("Exception"), "{err}");
    assert!(err.to_string().contains("corrupt.fwpkg"), "{err}");
    // A protocol outside TransferProtocol@Redfish.AllowableValues is refused before sending.
    let err = c
        .simple_update(&SimpleUpdate::new("ftp://192.0.2.10/fw.bin"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("allowed: HTTP, HTTPS"), "{err}");
    c.logout().await.unwrap();
    let state = st.lock().unwrap();
    assert_eq!(state.updates.len(), 2, "the ftp update was never sent");
    assert!(state.unexpected.is_empty(), "{:?}", state.unexpected);
}

#[tokio::test]
async fn secure_boot_patch_with_if_match_and_reset_keys_on_ilo5() {
    use hermes_core::{Configurable, Mode};
    use hermes_ilo::secureboot::{ResetKeys, SecureBootConfig, SecureBootSettings};
    let (base, st) = start().await;
    let c = Client::builder(&base)
        .session_auth("root", "ilo-password")
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let sb = SecureBootSettings::new(c.find_system(&SystemSelector::Only).await.unwrap());
    let status = sb.status().await.unwrap();
    assert!(!status.enable);
    assert_eq!(status.mode.as_deref(), Some("UserMode"));
    assert!(status.can_reset_keys);
    let report = sb
        .converge(&SecureBootConfig { enable: true }, Mode::Apply)
        .await
        .unwrap();
    assert!(report
        .plan
        .render()
        .contains(r#"SecureBootEnable: "false" -> "true""#));
    assert!(report.applied.unwrap().restart_required);
    let r = sb
        .reset_keys(ResetKeys::ResetAllKeysToDefault)
        .await
        .unwrap();
    assert!(r.restart_required);
    c.logout().await.unwrap();
    let state = st.lock().unwrap();
    assert_eq!(
        state.secure_boot_patches,
        [(
            serde_json::json!({"SecureBootEnable": true}),
            "W/\"4A4CB737\"".to_string()
        )],
        "one PATCH, with the ETag of SecureBoot in the capture"
    );
    assert_eq!(
        state.reset_keys,
        [serde_json::json!({"ResetKeysType": "ResetAllKeysToDefault"})]
    );
    assert!(state.unexpected.is_empty(), "{:?}", state.unexpected);
}

#[tokio::test]
async fn collections_are_read_across_next_link_pages() {
    let (base, st) = start().await;
    st.lock().unwrap().page_size = Some(7);
    let c = Client::builder(&base)
        .session_auth("root", "ilo-password")
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let fw_path = "/redfish/v1/UpdateService/FirmwareInventory";
    let disk: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            common::ilo5_tree()
                .join(fw_path.trim_start_matches('/'))
                .join("index.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let want: Vec<&str> = disk["Members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["@odata.id"].as_str().unwrap())
        .collect();
    assert!(want.len() > 14, "{}", want.len());
    // Links only, page by page.
    let paths = c.member_paths(fw_path).await.unwrap();
    assert_eq!(paths, want);
    // Typed members (the capture's root offers $expand, so each page comes expanded), and the
    // inventory built on them.
    let fw: Vec<hermes_ilo::models::SoftwareInventory> = c.list(fw_path).await.unwrap();
    assert_eq!(
        fw.iter().map(|f| f.odata_id.as_str()).collect::<Vec<_>>(),
        want
    );
    let inv = c.inventory().await.unwrap();
    assert_eq!(inv.firmware.len(), want.len());
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
    let state = st.lock().unwrap();
    let pages = state
        .log
        .iter()
        .filter(|l| l.starts_with(&format!("PAGE {fw_path} ")))
        .count();
    // ceil(n / 7) - 1 further pages, three times (member_paths, list, inventory).
    assert_eq!(
        pages,
        3 * want.len().div_ceil(7).saturating_sub(1),
        "{:?}",
        state.log
    );
    assert!(state.unexpected.is_empty(), "{:?}", state.unexpected);
}
