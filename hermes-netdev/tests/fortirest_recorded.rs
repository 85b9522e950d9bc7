//! The FortiOS REST client against FortiOS REST replies (tests/recorded/fortios, sources in its
//! SOURCES.md) served by a small recorded-reply HTTP server. The server checks the bearer token and
//! answers only the exact requests it has a reply for (method, path and query); anything else is
//! answered 599 and recorded, which fails the test. No FortiGate or FortiOS REST emulator is
//! installable: this is the gap noted in the README.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hermes_core::{Classify, ErrorKind, Secret};
use hermes_netdev::fortios::FortiConfig;
use hermes_netdev::fortirest::{FortiRest, Position};
use hermes_netdev::NetError;
use serde::Deserialize;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

#[path = "common/http.rs"]
mod http;

const TOKEN: &str = "h5kq0ty8Gzn1pd9fGs0mk3xwcx4N7p";

fn reply(file: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/recorded/fortios")
        .join(file);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// request line ("PUT /api/v2/cmdb/...?vdom=root") → (status, body file)
fn routes() -> HashMap<&'static str, (u16, &'static str)> {
    HashMap::from([
        (
            "GET /api/v2/cmdb/firewall/address?vdom=root",
            (200, "get_firewall_address.json"),
        ),
        (
            "GET /api/v2/cmdb/firewall/policy?vdom=root",
            (200, "get_firewall_policy.json"),
        ),
        (
            "GET /api/v2/cmdb/system/interface?vdom=root",
            (200, "get_system_interface.json"),
        ),
        (
            "GET /api/v2/cmdb/router/static?vdom=root",
            (200, "get_router_static.json"),
        ),
        (
            "GET /api/v2/cmdb/firewall/address/db-servers?vdom=root",
            (404, "error_not_found_get_address.json"),
        ),
        (
            "GET /api/v2/monitor/system/status?vdom=root",
            (200, "get_monitor_system_status.json"),
        ),
        (
            "POST /api/v2/cmdb/firewall/address?vdom=root",
            (500, "error_duplicate_post_address.json"),
        ),
        (
            "PUT /api/v2/cmdb/firewall/address/web-servers?vdom=root",
            (200, "mutation_ok_put_address.json"),
        ),
        (
            "PUT /api/v2/cmdb/firewall/address/db-servers?vdom=root",
            (404, "error_not_found_put_address.json"),
        ),
        (
            "DELETE /api/v2/cmdb/firewall/address/web-servers?vdom=root",
            (500, "error_in_use_delete_address.json"),
        ),
        (
            "POST /api/v2/cmdb/firewall/policy?vdom=root",
            (424, "error_bad_value_post_policy.json"),
        ),
        (
            "PUT /api/v2/cmdb/firewall/policy/1?vdom=root",
            (200, "mutation_ok_put_policy.json"),
        ),
        (
            "PUT /api/v2/cmdb/firewall/policy/2?vdom=root",
            (200, "mutation_ok_put_policy.json"),
        ),
        (
            "PUT /api/v2/cmdb/firewall/policy/3?vdom=root",
            (200, "mutation_ok_put_policy.json"),
        ),
        (
            "PUT /api/v2/cmdb/firewall/policy/2?vdom=root&action=move&after=1",
            (200, "mutation_ok_move_policy.json"),
        ),
        (
            "PUT /api/v2/cmdb/firewall/policy/3?vdom=root&action=move&before=2",
            (200, "mutation_ok_move_policy.json"),
        ),
    ])
}

#[derive(Default)]
struct Log {
    requests: Vec<(String, Option<Value>)>,
    unexpected: Vec<String>,
}

/// Serves the recorded replies; the address-create reply depends on the body: a new name is
/// created (`db-servers`), an existing one is a duplicate (-5).
async fn serve(log: Arc<Mutex<Log>>) -> String {
    let routes = routes()
        .into_iter()
        .map(|(line, (status, file))| (line.to_string(), (status, reply(file))))
        .collect();
    serve_with(routes, log).await
}

/// Serves `routes` (request line → status and body text), as [`serve`] does.
async fn serve_with(routes: HashMap<String, (u16, String)>, log: Arc<Mutex<Log>>) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            let routes = routes.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let Some((head, body)) = http::read_request(&mut s).await else {
                    return;
                };
                let line = head
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches(" HTTP/1.1")
                    .to_string();
                let body: Option<Value> =
                    (!body.is_empty()).then(|| serde_json::from_slice(&body).unwrap());
                let authorised = head
                    .lines()
                    .any(|l| l.eq_ignore_ascii_case(&format!("authorization: Bearer {TOKEN}")));
                let (status, text) = if !authorised {
                    (401, String::new())
                } else if line == "POST /api/v2/cmdb/firewall/address?vdom=root"
                    && body.as_ref().is_some_and(|b| b["name"] == "db-servers")
                {
                    (200, reply("mutation_ok_post_address.json"))
                } else if line == "GET /api/v2/monitor/system/config/backup?vdom=root&scope=global"
                {
                    // The configuration file itself: a FortiOS configuration from batfish's tests.
                    let f = hermes_testkit::shared_data()
                        .join("netdev/batfish/fortios__firewall_policy.cfg");
                    (200, std::fs::read_to_string(f).unwrap())
                } else if let Some((st, text)) = routes.get(line.as_str()) {
                    (*st, text.clone())
                } else {
                    log.lock().unwrap().unexpected.push(line.clone());
                    (599, String::new())
                };
                log.lock().unwrap().requests.push((line, body));
                let resp = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                    text.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
                let _ = s.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

async fn client() -> (FortiRest, Arc<Mutex<Log>>) {
    let log = Arc::new(Mutex::new(Log::default()));
    let url = serve(log.clone()).await;
    let c = FortiRest::new("fgt-edge-01", &url, Secret::new(TOKEN))
        .unwrap()
        .vdom("root");
    (c, log)
}

#[derive(Debug, Deserialize)]
struct Address {
    name: String,
    subnet: String,
    #[serde(rename = "type")]
    kind: String,
}

#[tokio::test]
async fn reads_cmdb_tables_and_monitor_endpoints() {
    let (fgt, log) = client().await;
    let addrs: Vec<Address> = fgt.table_as("firewall/address").await.unwrap();
    assert_eq!(addrs.len(), 3);
    assert_eq!(addrs[2].name, "web-servers");
    assert_eq!(addrs[2].subnet, "10.0.30.0 255.255.255.0");
    assert_eq!(addrs[0].kind, "ipmask");

    let reply = fgt.get("firewall/policy").await.unwrap();
    assert_eq!(reply.version.as_deref(), Some("v7.6.5"));
    assert_eq!(reply.path.as_deref(), Some("firewall"));
    let ids: Vec<i64> = reply
        .results
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policyid"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 3, 2]);

    let ifaces = fgt.table("system/interface").await.unwrap();
    assert_eq!(ifaces[1]["ip"], "10.0.10.1 255.255.255.0");
    let routes = fgt.table("router/static").await.unwrap();
    assert_eq!(routes[0]["gateway"], "203.0.113.1");
    let status = fgt.monitor("system/status").await.unwrap();
    assert_eq!(status["model"], "FGT60F");
    assert!(log.lock().unwrap().unexpected.is_empty());
}

#[tokio::test]
async fn refusals_become_typed_errors() {
    let (fgt, log) = client().await;

    // Duplicate entry: FortiOS error -5 with HTTP 500.
    let e = fgt
        .create(
            "firewall/address",
            &serde_json::json!({"name": "web-servers", "subnet": "10.0.30.0 255.255.255.0"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(
        matches!(
            e,
            NetError::FortiOs {
                http_status: 500,
                error: Some(-5),
                ..
            }
        ),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("fgt-edge-01") && msg.contains("POST /api/v2/cmdb/firewall/address"),
        "{msg}"
    );
    assert!(msg.contains("duplicate"), "{msg}");

    // A referenced entry cannot be deleted: -23.
    let e = fgt
        .delete("firewall/address", "web-servers")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.to_string().contains("remove the references"), "{e}");

    // A bad value: HTTP 424, -651, with the CLI's error text.
    let e = fgt
        .create(
            "firewall/policy",
            &serde_json::json!({"policyid": 9, "srcaddr": [{"name": "no-such-address"}]}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    match &e {
        NetError::FortiOs {
            http_status,
            error,
            cli_error,
            ..
        } => {
            assert_eq!((*http_status, *error), (424, Some(-651)));
            assert!(cli_error.as_deref().unwrap().contains("no-such-address"));
        }
        other => panic!("{other:?}"),
    }

    assert_eq!(e.sent(), hermes_core::Sent::Yes);

    // An absent entry (-3, 404) reads as None.
    assert_eq!(
        fgt.entry("firewall/address", "db-servers").await.unwrap(),
        None
    );
    assert!(log.lock().unwrap().unexpected.is_empty());
}

#[tokio::test]
async fn a_wrong_token_is_an_auth_error_and_never_shown() {
    let log = Arc::new(Mutex::new(Log::default()));
    let url = serve(log.clone()).await;
    let fgt = FortiRest::new("fgt-edge-01", &url, Secret::new("wrong-token-123"))
        .unwrap()
        .vdom("root");
    let e = fgt.table("firewall/address").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    let msg = e.to_string();
    assert!(msg.contains("API token"), "{msg}");
    assert!(!msg.contains("wrong-token-123") && !format!("{e:?}").contains("wrong-token-123"));
}

#[tokio::test]
async fn upsert_creates_on_not_found_and_moves_use_the_query() {
    let (fgt, log) = client().await;
    let created = fgt
        .upsert(
            "firewall/address",
            "db-servers",
            &serde_json::json!({"name": "db-servers", "subnet": "10.0.40.0 255.255.255.0"}),
        )
        .await
        .unwrap();
    assert!(created);
    let updated = fgt
        .upsert(
            "firewall/address",
            "web-servers",
            &serde_json::json!({"name": "web-servers", "comment": "web tier"}),
        )
        .await
        .unwrap();
    assert!(!updated);
    fgt.move_entry("firewall/policy", "3", Position::Before("2".into()))
        .await
        .unwrap();
    let log = log.lock().unwrap();
    assert!(log.unexpected.is_empty(), "{:?}", log.unexpected);
    let lines: Vec<&str> = log.requests.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        lines,
        [
            "PUT /api/v2/cmdb/firewall/address/db-servers?vdom=root",
            "POST /api/v2/cmdb/firewall/address?vdom=root",
            "PUT /api/v2/cmdb/firewall/address/web-servers?vdom=root",
            "PUT /api/v2/cmdb/firewall/policy/3?vdom=root&action=move&before=2",
        ]
    );
    assert_eq!(
        log.requests[1].1.as_ref().unwrap()["subnet"],
        "10.0.40.0 255.255.255.0"
    );
    assert!(log.requests[3].1.is_none(), "a move has no body");
}

#[tokio::test]
async fn push_sends_the_rendered_bodies_and_restores_policy_order() {
    let (fgt, log) = client().await;
    let cfg = FortiConfig::parse(
        "config firewall address\n    edit \"web-servers\"\n        set subnet 10.0.30.0 255.255.255.0\n        set comment \"web tier\"\n    next\nend\n\
         config firewall policy\n    edit 1\n        set name \"lan-to-wan\"\n        set srcintf \"lan\"\n        set dstintf \"wan1\"\n        set srcaddr \"all\"\n        set dstaddr \"all\"\n        set action accept\n        set schedule \"always\"\n        set service \"ALL\"\n        set nat enable\n    next\n\
             edit 2\n        set name \"web-in\"\n        set srcintf \"wan1\"\n        set dstintf \"lan\"\n        set srcaddr \"all\"\n        set dstaddr \"web-servers\"\n        set action accept\n        set schedule \"always\"\n        set service \"HTTPS\"\n    next\n\
             edit 3\n        set name \"deny-rest\"\n        set srcintf \"lan\"\n        set dstintf \"wan1\"\n        set srcaddr \"all\"\n        set dstaddr \"all\"\n        set action deny\n        set schedule \"always\"\n        set service \"ALL\"\n    next\nend\n",
    );
    let report = fgt.push(&cfg).await.unwrap();
    assert_eq!(
        report.updated,
        [
            "firewall/address/web-servers",
            "firewall/policy/1",
            "firewall/policy/2",
            "firewall/policy/3"
        ]
    );
    assert!(report.created.is_empty());
    // The device has 1, 3, 2: one move puts 2 after 1.
    assert_eq!(
        report.moves,
        [("2".to_string(), Position::After("1".into()))]
    );
    let log = log.lock().unwrap();
    assert!(log.unexpected.is_empty(), "{:?}", log.unexpected);
    let last = &log.requests.last().unwrap().0;
    assert_eq!(
        last,
        "PUT /api/v2/cmdb/firewall/policy/2?vdom=root&action=move&after=1"
    );
    let body = log
        .requests
        .iter()
        .find(|(l, _)| l == "PUT /api/v2/cmdb/firewall/policy/2?vdom=root")
        .and_then(|(_, b)| b.clone())
        .unwrap();
    assert_eq!(body["policyid"], 2);
    assert_eq!(body["dstaddr"][0]["name"], "web-servers");
    assert_eq!(body["service"][0]["name"], "HTTPS");
    assert_eq!(body["action"], "accept");
}

#[tokio::test]
async fn unreachable_device_is_a_transport_error_naming_it() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let fgt = FortiRest::new(
        "fgt-edge-01",
        &format!("http://127.0.0.1:{port}"),
        Secret::new(TOKEN),
    )
    .unwrap();
    let e = fgt.table("firewall/address").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert_eq!(e.sent(), hermes_core::Sent::No);
    assert!(e.to_string().contains("fgt-edge-01"), "{e}");
}

#[tokio::test]
async fn config_backups_through_the_rest_api() {
    use hermes_netdev::backup::{ConfigBackups, Stored};
    let (fgt, log) = client().await;
    let dir = std::env::temp_dir().join(format!("hermes-fortirest-backup-{}", std::process::id()));
    let backups = ConfigBackups::new(hermes_core::LocalStore::new(&dir).unwrap(), "configs");
    let first = backups.backup(&fgt).await.unwrap();
    assert!(first.is_new());
    assert!(
        first.version().key.starts_with("configs/fgt-edge-01/"),
        "{:?}",
        first
    );
    let again = backups.backup(&fgt).await.unwrap();
    assert!(
        matches!(&again, Stored::Unchanged(v) if v == first.version()),
        "{again:?}"
    );
    let text = backups.read(first.version()).await.unwrap();
    assert!(text.contains("config firewall policy"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
    assert!(log.lock().unwrap().unexpected.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Replies captured from real FortiGates (tests/recorded/fortios/captured_*.json, provenance in
// SOURCES.md), served byte for byte, plus hand-made minimal bodies (marked) in the shapes that
// read-only sources show.

/// Routes to the captured replies, for a client with `vdom`.
fn captured_routes(vdom: &str) -> HashMap<String, (u16, String)> {
    let q = format!("?vdom={vdom}");
    let r = |line: &str, status: u16, file: &str| (format!("{line}{q}"), (status, reply(file)));
    let inline =
        |line: &str, status: u16, body: &str| (format!("{line}{q}"), (status, body.to_string()));
    HashMap::from([
        r(
            "GET /api/v2/cmdb/firewall/policy",
            200,
            "captured_rapid7_get_policy.json",
        ),
        r(
            "GET /api/v2/cmdb/firewall/address/1.1.1.1",
            200,
            "captured_rapid7_get_address_by_key.json",
        ),
        r(
            "GET /api/v2/cmdb/firewall/address/empty",
            200,
            "captured_rapid7_get_address_by_key_empty.json",
        ),
        r(
            "POST /api/v2/cmdb/firewall/address",
            200,
            "captured_rapid7_post_address.json",
        ),
        r(
            "DELETE /api/v2/cmdb/firewall/address/1.1.1.1",
            200,
            "captured_rapid7_delete_address.json",
        ),
        r(
            "PUT /api/v2/cmdb/firewall/addrgrp/Address%20Object%20Group",
            200,
            "captured_rapid7_put_addrgrp.json",
        ),
        r(
            "GET /api/v2/cmdb/system/ha",
            200,
            "captured_exporter_cmdb_system_ha.json",
        ),
        r(
            "GET /api/v2/monitor/system/status",
            200,
            "captured_exporter_monitor_system_status.json",
        ),
        r(
            "GET /api/v2/monitor/system/config-revision",
            200,
            "captured_exporter_monitor_config_revision.json",
        ),
        r(
            "GET /api/v2/cmdb/firewall/policy6",
            200,
            "captured_exporter_cmdb_policy6_all_vdoms.json",
        ),
        r(
            "GET /api/v2/monitor/system/link-monitor",
            200,
            "captured_exporter_monitor_link_monitor_all_vdoms.json",
        ),
        r(
            "GET /api/v2/monitor/router/bgp/neighbors",
            200,
            "captured_exporter_monitor_bgp_neighbors_all_vdoms.json",
        ),
        // Hand-made, in the shape of a FortiOS 6.2.3 404 quoted in rapid7/insightconnect-plugins
        // PR #1027: an absent key answers `status: error` and `http_status: 404` with no `error`
        // code at all.
        inline(
            "GET /api/v2/cmdb/firewall/address6/Example",
            404,
            r#"{"http_method":"GET","revision":"9de5069c5afe602b2ea0a04b66beb2c0","status":"error","http_status":404,"vdom":"root","path":"firewall","name":"address6","mkey":"Example","serial":"FGVM0000000000","version":"v6.2.3","build":1066}"#,
        ),
        // Hand-made: what a client must never take for an empty table.
        inline("GET /api/v2/cmdb/firewall/vip", 200, "{}"),
        inline(
            "GET /api/v2/cmdb/firewall/ippool",
            200,
            r#"{"http_method":"GET","status":"success","http_status":200,"vdom":"root","path":"firewall","name":"ippool"}"#,
        ),
        inline(
            "GET /api/v2/cmdb/system/dns",
            200,
            "<html><body>Please log in</body></html>",
        ),
        inline(
            "GET /api/v2/cmdb/firewall/addrgrp",
            200,
            r#"{"http_method":"GET","results":[{"name":"g1"},{"name":"g2"}],"status":"success","http_status":"200"}"#,
        ),
        inline("GET /api/v2/cmdb/system/admin", 403, ""),
        // Hand-made, in the shape of the multi-VDOM replies above: one VDOM refused.
        inline(
            "GET /api/v2/cmdb/firewall/policy46",
            200,
            r#"[{"http_method":"GET","results":[],"vdom":"root","path":"firewall","name":"policy46","status":"success","http_status":200},
                {"http_method":"GET","vdom":"dmz","path":"firewall","name":"policy46","status":"error","http_status":403}]"#,
        ),
    ])
}

async fn captured_client(vdom: &str) -> (FortiRest, Arc<Mutex<Log>>) {
    let log = Arc::new(Mutex::new(Log::default()));
    let url = serve_with(captured_routes(vdom), log.clone()).await;
    let c = FortiRest::new("fgt-vm-01", &url, Secret::new(TOKEN))
        .unwrap()
        .vdom(vdom);
    (c, log)
}

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

#[derive(Debug, Deserialize)]
struct Policy {
    policyid: u32,
    name: String,
    action: String,
    srcaddr: Vec<Named>,
}

#[tokio::test]
async fn captured_cmdb_reads_and_mutations_parse() {
    let (fgt, log) = captured_client("root").await;

    // FortiOS 6.2.3: a table without size/matched_count, entries with q_origin_key.
    let reply = fgt.get("firewall/policy").await.unwrap();
    assert_eq!(reply.version.as_deref(), Some("v6.2.3"));
    assert_eq!(reply.build, Some(1066));
    assert_eq!((reply.size, reply.matched_count), (None, None));
    let policies: Vec<Policy> = fgt.table_as("firewall/policy").await.unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(
        (
            policies[0].policyid,
            policies[0].name.as_str(),
            policies[0].action.as_str()
        ),
        (1, "Test Policy", "accept")
    );
    assert_eq!(policies[0].srcaddr[0].name, "Test Group");

    // An entry by key: a one-element list; an empty list means absent.
    let a = fgt
        .entry("firewall/address", "1.1.1.1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a["subnet"], "1.1.1.1 255.255.255.255");
    assert_eq!(fgt.entry("firewall/address", "empty").await.unwrap(), None);
    // A 404 without an `error` code is "absent" too.
    assert_eq!(
        fgt.entry("firewall/address6", "Example").await.unwrap(),
        None
    );
    let e = fgt.get("firewall/address6/Example").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(
        matches!(
            &e,
            NetError::FortiOs {
                http_status: 404,
                error: None,
                ..
            }
        ),
        "{e:?}"
    );

    // Mutations: mkey, revisions.
    let created = fgt
        .create(
            "firewall/address",
            &serde_json::json!({"name": "1.1.1.1", "subnet": "1.1.1.1/32"}),
        )
        .await
        .unwrap();
    assert_eq!(created.mkey_text().as_deref(), Some("1.1.1.1"));
    assert_eq!(created.revision_changed, Some(true));
    assert_eq!(
        created.old_revision.as_deref(),
        Some("99faf4ed01eaa2e9ea2a0939b468c1df")
    );
    let deleted = fgt.delete("firewall/address", "1.1.1.1").await.unwrap();
    assert_eq!(deleted.http_method, "DELETE");
    let put = fgt
        .update(
            "firewall/addrgrp",
            "Address Object Group",
            &serde_json::json!({"member": [{"name": "1.1.1.1"}]}),
        )
        .await
        .unwrap();
    assert_eq!(put.mkey_text().as_deref(), Some("Address Object Group"));
    assert_eq!(put.name.as_deref(), Some("addrgrp"));

    // A singleton table answers an object: it is the one entry.
    let ha = fgt.table("system/ha").await.unwrap();
    assert_eq!(ha.len(), 1);
    assert_eq!(ha[0]["ha-mgmt-interfaces"][0]["gateway"], "1.2.3.4");

    // Monitor replies (FortiOS 6.2.4: no http_status in the envelope).
    let status = fgt.monitor("system/status").await.unwrap();
    assert!(status.as_object().is_some_and(|o| o.is_empty()), "{status}");
    let revs = fgt.monitor("system/config-revision").await.unwrap();
    assert_eq!(revs["revisions"][0]["comment"], "Test SNMP");
    assert_eq!(revs["current_config_unsaved"], true);
    let log = log.lock().unwrap();
    assert!(log.unexpected.is_empty(), "{:?}", log.unexpected);
}

#[tokio::test]
async fn multi_vdom_replies_come_per_vdom() {
    let (fgt, log) = captured_client("*").await;
    let per_vdom = fgt.get_per_vdom("firewall/policy6").await.unwrap();
    let vdoms: Vec<&str> = per_vdom
        .iter()
        .map(|r| r.vdom.as_deref().unwrap())
        .collect();
    assert_eq!(vdoms, ["FG-traffic", "root"]);
    assert_eq!(per_vdom[0].results[0]["name"], "ipv6 policy");
    assert_eq!(per_vdom[0].results[0]["policyid"], 1);
    assert_eq!(per_vdom[1].results, serde_json::json!([]));

    let links = fgt.monitor_per_vdom("system/link-monitor").await.unwrap();
    assert_eq!(links[0].vdom.as_deref(), Some("bluecmd"));
    assert_eq!(
        links[0].results["google-dns-v4"]["port3"]["status"],
        "error"
    );
    assert_eq!(
        links[0].http_status, 0,
        "6.4.4 monitor replies carry no http_status"
    );
    let bgp = fgt.monitor_per_vdom("router/bgp/neighbors").await.unwrap();
    assert_eq!(bgp.len(), 1);
    assert_eq!(bgp[0].action.as_deref(), Some("neighbors"));
    assert_eq!(bgp[0].results[0]["state"], "Established");

    // The one-envelope readers refuse a multi-VDOM reply rather than pick one VDOM.
    let e = fgt.table("firewall/policy6").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);
    let msg = e.to_string();
    assert!(
        msg.contains("fgt-vm-01")
            && msg.contains("/api/v2/cmdb/firewall/policy6")
            && msg.contains("get_per_vdom"),
        "{msg}"
    );
    assert!(fgt.monitor("system/link-monitor").await.is_err());

    // One VDOM refused: the request fails with that refusal.
    let e = fgt.get_per_vdom("firewall/policy46").await.unwrap_err();
    assert!(
        matches!(
            &e,
            NetError::FortiOs {
                http_status: 403,
                path,
                ..
            } if path == "/api/v2/cmdb/firewall/policy46?vdom=dmz"
        ),
        "{e:?}"
    );
    assert_eq!(e.kind(), ErrorKind::Auth);
    let log = log.lock().unwrap();
    assert!(log.unexpected.is_empty(), "{:?}", log.unexpected);
}

#[tokio::test]
async fn replies_that_are_not_fortios_envelopes_are_malformed_not_empty() {
    let (fgt, _log) = captured_client("root").await;
    for (table, needle) in [
        ("firewall/vip", "not a FortiOS envelope"),
        ("firewall/ippool", "no `results`"),
        ("system/dns", "not JSON"),
        ("firewall/addrgrp", "unexpected type"),
    ] {
        let e = fgt.table(table).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Malformed, "{table}: {e:?}");
        let msg = e.to_string();
        assert!(
            msg.contains("fgt-vm-01") && msg.contains(table) && msg.contains(needle),
            "{table}: {msg}"
        );
    }
    // A refusal with an empty body is still the refusal its status line reports.
    let e = fgt.table("system/admin").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert!(e.to_string().contains("trusted host"), "{e}");
}

#[tokio::test]
async fn push_of_a_multi_vdom_configuration_sends_each_vdom_with_its_query() {
    // The global part goes as the client sends (here `?vdom=root`), each VDOM's entries with
    // `?vdom=NAME`; the same address name in two VDOMs is two entries.
    let log = Arc::new(Mutex::new(Log::default()));
    let ok = reply("mutation_ok_put_address.json");
    let routes: HashMap<String, (u16, String)> = [
        "PUT /api/v2/cmdb/system/interface/port2?vdom=root",
        "PUT /api/v2/cmdb/firewall/address/web?vdom=root",
        "PUT /api/v2/cmdb/firewall/address/web?vdom=dmz",
    ]
    .into_iter()
    .map(|l| (l.to_string(), (200, ok.clone())))
    .collect();
    let url = serve_with(routes, log.clone()).await;
    let fgt = FortiRest::new("fgt-edge-01", &url, Secret::new(TOKEN))
        .unwrap()
        .vdom("root");
    let cfg = FortiConfig::parse(
        "config vdom\nedit root\nnext\nedit dmz\nnext\nend\n\
         config global\nconfig system interface\n    edit \"port2\"\n        set vdom \"dmz\"\n    next\nend\nend\n\
         config vdom\nedit root\nconfig firewall address\n    edit \"web\"\n        set subnet 10.0.30.10 255.255.255.255\n    next\nend\nend\n\
         config vdom\nedit dmz\nconfig firewall address\n    edit \"web\"\n        set subnet 10.20.0.80 255.255.255.255\n    next\nend\nend\n",
    );
    let report = fgt.push(&cfg).await.unwrap();
    assert_eq!(
        report.updated,
        [
            "system/interface/port2",
            "vdom root: firewall/address/web",
            "vdom dmz: firewall/address/web"
        ]
    );
    let log = log.lock().unwrap();
    assert!(log.unexpected.is_empty(), "{:?}", log.unexpected);
    let dmz = log
        .requests
        .iter()
        .find(|(l, _)| l.ends_with("web?vdom=dmz"))
        .and_then(|(_, b)| b.clone())
        .unwrap();
    assert_eq!(dmz["subnet"], "10.20.0.80 255.255.255.255");
}
