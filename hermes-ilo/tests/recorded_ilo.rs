//! What neither peer can do — iLO 5's session login/logout with `X-Auth-Token`, ETag/If-Match
//! conflicts, 503 + Retry-After, 202 task monitors and expiring sessions — tested against a small server
//! that replays the real iLO 5 capture (`shared/data/redfish/hpe-ilo5`, Redfish Mockup Creator 1.2.0,
//! iLO 5 v2.72) for every GET and adds only those behaviours. Its session reply has the shape iLO 5
//! sends (201, `X-Auth-Token`, `Location`, the session resource recorded in the capture); its 401 body
//! is iLO's `Base.1.0.NoValidSession` error. Any request it does not expect fails the test.

mod common;

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use hermes_core::{Classify, ErrorKind};
use hermes_ilo::{BootOverride, Client, SystemSelector};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

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
        ("POST", "/redfish/v1/Managers/1/VirtualMedia/2/Actions/VirtualMedia.InsertMedia") => {
            reply(202, &[("Location", "/taskmon/7".to_string())], "")
        }
        ("GET", "/taskmon/7") => {
            s.taskmon_polls += 1;
            if s.taskmon_polls < 2 {
                reply(
                    202,
                    &[("Retry-After", "0".to_string())],
                    r#"{"TaskState":"Running","PercentComplete":50}"#,
                )
            } else {
                reply(
                    200,
                    &[],
                    r#"{"Id":"7","TaskState":"Completed","TaskStatus":"OK"}"#,
                )
            }
        }
        ("GET", p) => {
            let f = tree.join(p.trim_start_matches('/')).join("index.json");
            if expand {
                s.log.push(format!("EXPAND {p}"));
            }
            match std::fs::read(&f) {
                Ok(b) if expand => {
                    // iLO's $expand=.: each member link replaced by the member itself.
                    let mut v: serde_json::Value = serde_json::from_slice(&b).unwrap();
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let st = Arc::new(Mutex::new(State::default()));
    let tree = common::ilo5_tree();
    let st2 = st.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (tree, st) = (tree.clone(), st2.clone());
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| {
                    let (tree, st) = (tree.clone(), st.clone());
                    async move { Ok::<_, Infallible>(handle(tree, st, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (format!("http://{addr}"), st)
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
