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
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let routes = routes();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            let routes = routes.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut tmp = [0u8; 4096];
                let (head_end, len) = loop {
                    let n = s.read(&mut tmp).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&tmp[..n]);
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..p]).to_ascii_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map(|v| v.trim().parse::<usize>().unwrap())
                            .unwrap_or(0);
                        break (p + 4, len);
                    }
                };
                while buf.len() < head_end + len {
                    let n = s.read(&mut tmp).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&tmp[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let line = head
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches(" HTTP/1.1")
                    .to_string();
                let body: Option<Value> = (len > 0)
                    .then(|| serde_json::from_slice(&buf[head_end..head_end + len]).unwrap());
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
                } else if let Some((st, file)) = routes.get(line.as_str()) {
                    (*st, reply(file))
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
