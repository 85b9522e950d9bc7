//! Paged property reads (`RetrievePropertiesEx` with `maxObjects`, `ContinueRetrievePropertiesEx`,
//! `CancelRetrievePropertiesEx`) over 200+ VMs of vcsim.
//!
//! vcsim 0.24 ignores `maxObjects` (it answers every object at once, never a token) and lacks
//! `ContinueRetrievePropertiesEx` and `CancelRetrievePropertiesEx` (`MethodNotFound`,
//! `tests/recorded/vcsim-0.24-ContinueRetrievePropertiesEx-MethodNotFound.xml`). So the client
//! talks to vcsim through a small HTTP proxy here that pages vcsim's real replies the way vCenter
//! does: at most `maxObjects` objects per reply, a `token` while more remain, each continuation
//! answered from the same result, a token freed by `CancelRetrievePropertiesEx`, and an unknown
//! token refused with an `InvalidArgument` fault. Everything else is passed to vcsim unchanged.
//! The page shapes (token before objects, the continuation's `returnval`) follow vim25's
//! `RetrieveResult`; no real vCenter recording of a paged read was found under a usable licence.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use hermes_core::{Classify, ErrorKind};
use hermes_vsphere::property::{FilterSpec, ObjectSet};
use hermes_vsphere::vm::CloneSpec;
use hermes_vsphere::{Client, MoRef, VsphereError};

/// What the proxy should do to the `n`th continuation (1-based).
#[derive(Clone, Copy, PartialEq)]
enum Break {
    None,
    /// Cut the reply in half (not XML any more).
    Truncate(usize),
    /// Answer without a `returnval`.
    Empty(usize),
    /// End the session: forget every token and answer `NotAuthenticated` (vim25's fault shape).
    Expire(usize),
}

#[derive(Default)]
struct State {
    /// Pages still to serve, by token.
    pending: HashMap<String, Vec<String>>,
    next_token: u64,
    continues: usize,
    /// Every paging call seen: (method, token).
    calls: Vec<(String, String)>,
}

struct PagingProxy {
    url: String,
    state: Arc<Mutex<State>>,
}

fn element<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let end = start + body[start..].find(&format!("</{name}>"))?;
    Some(&body[start..end])
}

fn envelope(inner: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope \
         xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>{inner}\
         </soapenv:Body></soapenv:Envelope>"
    )
}

/// A `RetrieveResult` page: the token (if more remain) then the objects, as vim25 orders them.
fn page(method: &str, token: Option<&str>, objects: &[String]) -> String {
    let token = token
        .map(|t| format!("<token>{t}</token>"))
        .unwrap_or_default();
    envelope(&format!(
        "<{method}Response xmlns=\"urn:vim25\"><returnval>{token}{}</returnval></{method}Response>",
        objects.concat()
    ))
}

impl State {
    /// Stores `rest` split in pages of `size` under a new token; returns it.
    fn park(&mut self, mut rest: Vec<String>, size: usize) -> Option<String> {
        if rest.is_empty() {
            return None;
        }
        let mut pages = Vec::new();
        while !rest.is_empty() {
            let tail = rest.split_off(size.min(rest.len()));
            pages.push(rest.concat());
            rest = tail;
        }
        pages.reverse();
        self.next_token += 1;
        let token = self.next_token.to_string();
        self.pending.insert(token.clone(), pages);
        Some(token)
    }
}

impl PagingProxy {
    async fn start(fault: Break) -> PagingProxy {
        use http_body_util::{BodyExt, Full};
        use hyper::body::Bytes;
        let upstream = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&common::ca()).unwrap())
            .build()
            .unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (state, upstream) = (shared.clone(), upstream.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            let (state, upstream) = (state.clone(), upstream.clone());
                            async move {
                                let headers = req.headers().clone();
                                let body = req.into_body().collect().await?.to_bytes();
                                let text = String::from_utf8_lossy(&body).into_owned();
                                let reply = |status: u16, cookie: Option<String>, body: String| {
                                    let mut r = hyper::Response::builder()
                                        .status(status)
                                        .header("Content-Type", "text/xml; charset=utf-8");
                                    if let Some(c) = cookie {
                                        r = r.header("Set-Cookie", c);
                                    }
                                    Ok::<_, hyper::Error>(
                                        r.body(Full::new(Bytes::from(body))).unwrap(),
                                    )
                                };
                                for method in
                                    ["ContinueRetrievePropertiesEx", "CancelRetrievePropertiesEx"]
                                {
                                    if !text.contains(&format!("<{method} ")) {
                                        continue;
                                    }
                                    let token = element(&text, "token").unwrap_or_default();
                                    let mut st = state.lock().unwrap();
                                    st.calls.push((method.to_string(), token.to_string()));
                                    let Some(mut pages) = st.pending.remove(token) else {
                                        return reply(
                                            500,
                                            None,
                                            envelope(
                                                "<soapenv:Fault><faultcode>ServerFaultCode</faultcode>\
                                                 <faultstring>A specified parameter was not correct: \
                                                 token</faultstring><detail><InvalidArgumentFault \
                                                 xmlns=\"urn:vim25\" xsi:type=\"InvalidArgument\">\
                                                 <invalidProperty>token</invalidProperty>\
                                                 </InvalidArgumentFault></detail></soapenv:Fault>"
                                            ),
                                        );
                                    };
                                    if method == "CancelRetrievePropertiesEx" {
                                        return reply(
                                            200,
                                            None,
                                            envelope(
                                                "<CancelRetrievePropertiesExResponse \
                                                 xmlns=\"urn:vim25\"></CancelRetrievePropertiesExResponse>",
                                            ),
                                        );
                                    }
                                    st.continues += 1;
                                    if fault == Break::Expire(st.continues) {
                                        st.pending.clear();
                                        return reply(
                                            500,
                                            None,
                                            envelope(
                                                "<soapenv:Fault><faultcode>ServerFaultCode</faultcode>\
                                                 <faultstring>The session is not authenticated.\
                                                 </faultstring><detail><NotAuthenticatedFault \
                                                 xmlns=\"urn:vim25\" xsi:type=\"NotAuthenticated\">\
                                                 <object type=\"SessionManager\">SessionManager</object>\
                                                 <privilegeId>System.View</privilegeId>\
                                                 </NotAuthenticatedFault></detail></soapenv:Fault>",
                                            ),
                                        );
                                    }
                                    let objects = pages.pop().unwrap();
                                    let token = (!pages.is_empty()).then(|| {
                                        st.pending.insert(token.to_string(), pages);
                                        token.to_string()
                                    });
                                    let body = page(method, token.as_deref(), &[objects]);
                                    return match fault {
                                        Break::Truncate(n) if n == st.continues => {
                                            reply(200, None, body[..body.len() / 2].to_string())
                                        }
                                        Break::Empty(n) if n == st.continues => reply(
                                            200,
                                            None,
                                            envelope(&format!(
                                                "<{method}Response xmlns=\"urn:vim25\"></{method}Response>"
                                            )),
                                        ),
                                        _ => reply(200, None, body),
                                    };
                                }
                                let mut up = upstream.post(common::url()).body(body.clone());
                                for h in ["cookie", "content-type", "soapaction"] {
                                    if let Some(v) = headers.get(h) {
                                        up = up.header(h, v.as_bytes());
                                    }
                                }
                                let resp = up.send().await.expect("vcsim answers");
                                let status = resp.status().as_u16();
                                let cookie = resp
                                    .headers()
                                    .get("set-cookie")
                                    .and_then(|c| c.to_str().ok())
                                    .map(str::to_string);
                                let mut out = resp.text().await.unwrap();
                                if text.contains("<RetrievePropertiesEx ") && status == 200 {
                                    if let Some(size) = element(&text, "maxObjects")
                                        .and_then(|m| m.parse::<usize>().ok())
                                    {
                                        let mut objects = Vec::new();
                                        let mut rest = out.as_str();
                                        while let Some(start) = rest.find("<objects>") {
                                            let end = rest[start..].find("</objects>").unwrap()
                                                + start
                                                + "</objects>".len();
                                            objects.push(rest[start..end].to_string());
                                            rest = &rest[end..];
                                        }
                                        let tail = objects.split_off(size.min(objects.len()));
                                        let token = state.lock().unwrap().park(tail, size);
                                        out = page(
                                            "RetrievePropertiesEx",
                                            token.as_deref(),
                                            &objects,
                                        );
                                    }
                                }
                                reply(status, cookie, out)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        PagingProxy {
            url: format!("http://{addr}/sdk"),
            state,
        }
    }

    async fn client(&self) -> Client {
        Client::builder(&self.url)
            .credentials(common::user(), common::password())
            .connect()
            .await
            .expect("connect through the paging proxy")
    }

    fn calls(&self) -> Vec<(String, String)> {
        self.state.lock().unwrap().calls.clone()
    }
}

/// 205 VMs cloned on vcsim (one datastore: vcsim's concurrent clones to several panic), and their
/// teardown.
struct Vms {
    client: Client,
    vms: Vec<MoRef>,
}

const VMS: usize = 205;

impl Vms {
    async fn clone_many(prefix: &str) -> Vms {
        let client = common::connect().await;
        let common::CloneTargets {
            template,
            folder,
            pool,
        } = common::clone_targets(&client).await;
        let ds = client
            .find_by_path("/DC0/datastore/LocalDS_0")
            .await
            .unwrap();
        let spec = CloneSpec::new(pool).datastore(ds);
        let prefix = common::unique(prefix);
        let vms = futures::stream::iter(0..VMS)
            .map(|i| {
                let (client, template, folder, spec, name) = (
                    client.clone(),
                    template.clone(),
                    folder.clone(),
                    spec.clone(),
                    format!("{prefix}-{i:03}"),
                );
                async move { client.clone_vm(&template, &folder, &name, &spec).await }
            })
            .buffer_unordered(16)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .expect("clone 205 VMs on vcsim");
        Vms { client, vms }
    }

    fn spec(&self) -> FilterSpec {
        FilterSpec {
            kind: "VirtualMachine".into(),
            paths: vec!["name".into()],
            objects: ObjectSet::Objects(self.vms.clone()),
        }
    }

    async fn destroy(self) {
        futures::stream::iter(self.vms.iter())
            .for_each_concurrent(8, |vm| common::destroy(&self.client, vm, false))
            .await;
        self.client.logout().await.unwrap();
    }
}

/// One set of 205 VMs for the three paged reads below (cloning is most of the time).
#[tokio::test]
async fn paged_reads_over_205_vms() {
    let vms = Vms::clone_many("page").await;
    every_token_is_followed(&vms).await;
    a_broken_page_cancels_the_rest_of_the_read(&vms).await;
    a_session_expiring_between_pages_restarts_the_read(&vms).await;
    vms.destroy().await;
}

/// Pages of 7 over 205 VMs: 1 `RetrievePropertiesEx` + 29 continuations, every VM once,
/// nothing cancelled; the same read through a container view of every VM.
async fn every_token_is_followed(vms: &Vms) {
    let proxy = PagingProxy::start(Break::None).await;
    let client = proxy.client().await;

    let paged = client.retrieve_paged(&vms.spec(), 7).await.unwrap();
    let mut got: Vec<&MoRef> = paged.iter().map(|o| &o.obj).collect();
    got.sort();
    let mut want: Vec<&MoRef> = vms.vms.iter().collect();
    want.sort();
    assert_eq!(got, want);
    assert!(paged.iter().all(|o| o.text("name").is_some()));
    let calls = proxy.calls();
    assert_eq!(calls.len(), VMS.div_ceil(7) - 1, "{calls:?}");
    assert!(calls
        .iter()
        .all(|(m, t)| m == "ContinueRetrievePropertiesEx" && t == "1"));

    // The same through a container view (the view itself skipped), the way inventory reads go.
    let all = client
        .retrieve_view("VirtualMachine", &["name"])
        .await
        .unwrap();
    assert!(all.len() >= VMS, "{}", all.len());
    for vm in &vms.vms {
        assert!(all.iter().any(|o| &o.obj == vm), "{vm} missing");
    }
    client.logout().await.unwrap();
}

/// Regression: a continuation that failed to decode returned the error and left the rest of the
/// result held on the server until logout; and a continuation without its `returnval` silently
/// ended the read with a third of the VMs. Both are now `Malformed` errors naming
/// `ContinueRetrievePropertiesEx`, and the token is released with `CancelRetrievePropertiesEx`.
async fn a_broken_page_cancels_the_rest_of_the_read(vms: &Vms) {
    for fault in [Break::Truncate(3), Break::Empty(10)] {
        let proxy = PagingProxy::start(fault).await;
        let client = proxy.client().await;
        let err = client.retrieve_paged(&vms.spec(), 7).await.unwrap_err();
        assert!(matches!(err, VsphereError::Malformed { .. }), "{err:?}");
        assert_eq!(err.kind(), ErrorKind::Malformed);
        assert!(
            err.to_string().contains("ContinueRetrievePropertiesEx"),
            "{err}"
        );
        let calls = proxy.calls();
        let n = match fault {
            Break::Truncate(n) | Break::Empty(n) => n,
            Break::None | Break::Expire(_) => unreachable!(),
        };
        assert_eq!(calls.len(), n + 1, "{calls:?}");
        assert_eq!(
            calls.last().unwrap(),
            &("CancelRetrievePropertiesEx".to_string(), "1".to_string())
        );
        assert!(proxy.state.lock().unwrap().pending.is_empty());
        client.logout().await.unwrap();
    }
}

/// Regression: a session that expired between two pages made the client log in again and resend
/// the continuation with the old session's token, which the new session does not know
/// (`InvalidArgument`: the read failed as if the caller's input were wrong). It now logs in again
/// and reads from the first page.
async fn a_session_expiring_between_pages_restarts_the_read(vms: &Vms) {
    let proxy = PagingProxy::start(Break::Expire(4)).await;
    let client = proxy.client().await;
    let paged = client.retrieve_paged(&vms.spec(), 7).await.unwrap();
    assert_eq!(paged.len(), VMS);
    let calls = proxy.calls();
    // 4 continuations of token 1 (the 4th refused), then a new read: 29 continuations of token 2.
    assert_eq!(calls.len(), 4 + 29, "{calls:?}");
    assert!(calls[..4].iter().all(|(_, t)| t == "1"), "{calls:?}");
    assert!(
        calls[4..]
            .iter()
            .all(|(m, t)| m == "ContinueRetrievePropertiesEx" && t == "2"),
        "{calls:?}"
    );
    client.logout().await.unwrap();
}
