//! The NX-API client against replies recorded from real Nexus switches (pynxos' captured JSON-RPC
//! responses in ../shared/data/netdev/pynxos, and pynxos' and napalm's in tests/recorded/nxapi with
//! their provenance in its SOURCES.md), served by small recorded-reply HTTP servers. Any
//! request the recordings do not cover is answered 599 and fails the test. (No NX-API emulator is
//! installable: this is the gap noted in the README.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hermes_core::{Classify, ErrorKind};
use hermes_netdev::nxapi::NxApi;
use hermes_netdev::NetError;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

#[path = "common/http.rs"]
mod http;

fn recordings() -> HashMap<String, Value> {
    let dir = hermes_testkit::shared_data().join("netdev/pynxos");
    let mut m = HashMap::new();
    for f in [
        "send_request__show_version.json",
        "send_request__show_vlan.json",
        "send_request__int_ethernet_1_1__no_shutdown.json",
        "send_request_raw__show_running-config.json",
    ] {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap();
        for item in v.as_array().unwrap() {
            m.insert(item["command"].as_str().unwrap().to_string(), item.clone());
        }
    }
    m
}

async fn serve(rec: HashMap<String, Value>, unexpected: Arc<Mutex<Vec<String>>>) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            let rec = rec.clone();
            let unexpected = unexpected.clone();
            tokio::spawn(async move {
                let Some((head, body)) = http::read_request(&mut s).await else {
                    return;
                };
                let req: Value = serde_json::from_slice(&body).unwrap();
                let mut replies = Vec::new();
                let mut ok = head.starts_with("POST /ins ")
                    && head.to_ascii_lowercase().contains("authorization: basic");
                for item in req.as_array().unwrap() {
                    let cmd = item["params"]["cmd"].as_str().unwrap();
                    match rec.get(cmd) {
                        Some(r) => {
                            let mut r = r.clone();
                            r["id"] = item["id"].clone();
                            replies.push(r);
                        }
                        None => ok = false,
                    }
                    if !ok {
                        unexpected.lock().unwrap().push(format!(
                            "{} {}",
                            head.lines().next().unwrap_or_default(),
                            cmd
                        ));
                    }
                }
                let body = serde_json::to_vec(&Value::Array(replies)).unwrap();
                let status = if ok { "200 OK" } else { "599 Unexpected" };
                let head = format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                s.write_all(head.as_bytes()).await.unwrap();
                s.write_all(&body).await.unwrap();
            });
        }
    });
    format!("http://{addr}/ins")
}

#[tokio::test]
async fn nxapi_show_config_and_running_config_on_recorded_replies() {
    let unexpected = Arc::new(Mutex::new(Vec::new()));
    let url = serve(recordings(), unexpected.clone()).await;
    let api = NxApi::new("n9k", &url, "admin", "secret").unwrap();

    let v = api.show("show version").await.unwrap();
    assert_eq!(v["kickstart_ver_str"], "7.0(3)I2(1)");
    assert_eq!(v["chassis_id"], "Nexus9000 C9396PX Chassis");

    let vlans = api.show("show vlan").await.unwrap();
    assert!(vlans["TABLE_vlanbrief"]["ROW_vlanbrief"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));

    api.configure(&["int ethernet 1/1", "no shutdown"])
        .await
        .unwrap();

    let text = api.running_config().await.unwrap();
    let cfg = hermes_netdev::cisco::CiscoConfig::parse(&text, hermes_netdev::cisco::Dialect::NxOs);
    assert_eq!(cfg.hostname.as_deref(), Some("N9K2"));

    // A command the recordings do not cover is refused by the server and reported as an API error.
    let err = api.show("show bogus").await.unwrap_err();
    assert!(err.to_string().contains("n9k"), "{err}");
    assert_eq!(
        unexpected.lock().unwrap().len(),
        1,
        "only the deliberate bogus request is unexpected"
    );
    assert!(!format!("{api:?}").contains("secret"));
}

// ---------------------------------------------------------------------------------------------
// Whole JSON-RPC reply bodies recorded from real Nexus switches (tests/recorded/nxapi, provenance
// in its SOURCES.md), served byte for byte for the exact batch they answer.

fn recorded(file: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/recorded/nxapi")
        .join(file);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// "method cmd1 | cmd2" → (HTTP status, body file).
fn batch_routes() -> HashMap<String, (u16, &'static str)> {
    HashMap::from([
        (
            "cli show hostname".into(),
            (200, "napalm_jsonrpc_show_hostname.json"),
        ),
        (
            "cli show hostname | show version".into(),
            (200, "napalm_jsonrpc_show_hostname__show_version.json"),
        ),
        (
            "cli_ascii show hostname".into(),
            (200, "napalm_jsonrpc_show_hostname_ascii.json"),
        ),
        (
            "cli logging history size 200".into(),
            (200, "napalm_jsonrpc_config_one_line.json"),
        ),
        (
            "cli logging history size 200 | logging history size 300 | logging history size 400"
                .into(),
            (200, "napalm_jsonrpc_config_three_lines.json"),
        ),
        (
            "cli bogus command".into(),
            (500, "napalm_jsonrpc_bogus_command.json"),
        ),
        (
            "cli_ascii copy run abc".into(),
            (500, "pynxos_copy_run_abc_error.json"),
        ),
        (
            "cli sh clock | sh hostname".into(),
            (200, "pynxos_sh_clock__sh_hostname.json"),
        ),
        (
            "cli show ip int brief vrf management".into(),
            (
                200,
                "napalm_body_only_show_ip_int_brief_vrf_management.json",
            ),
        ),
    ])
}

/// Serves [`batch_routes`]; checks the JSON-RPC request (content type, ids 1..=n, one method).
async fn serve_batches(unexpected: Arc<Mutex<Vec<String>>>) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let routes = batch_routes();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            let routes = routes.clone();
            let unexpected = unexpected.clone();
            tokio::spawn(async move {
                let Some((head, body)) = http::read_request(&mut s).await else {
                    return;
                };
                let head = head.to_ascii_lowercase();
                let req: Value = serde_json::from_slice(&body).unwrap();
                let items = req.as_array().cloned().unwrap_or_default();
                let well_formed = head.starts_with("post /ins ")
                    && head.contains("content-type: application/json-rpc")
                    && head.contains("authorization: basic")
                    && items
                        .iter()
                        .enumerate()
                        .all(|(i, it)| it["id"] == i + 1 && it["jsonrpc"] == "2.0");
                let method = items
                    .first()
                    .and_then(|i| i["method"].as_str())
                    .unwrap_or_default();
                let cmds: Vec<&str> = items
                    .iter()
                    .filter_map(|i| i["params"]["cmd"].as_str())
                    .collect();
                let key = format!("{method} {}", cmds.join(" | "));
                let (status, body) = match routes.get(&key) {
                    Some((st, file)) if well_formed => (*st, recorded(file)),
                    _ => {
                        unexpected.lock().unwrap().push(key);
                        (599, b"[]".to_vec())
                    }
                };
                let head = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                let _ = s.write_all(head.as_bytes()).await;
                let _ = s.write_all(&body).await;
                let _ = s.shutdown().await;
            });
        }
    });
    format!("http://{addr}/ins")
}

#[tokio::test]
async fn recorded_batches_single_objects_nulls_and_text() {
    let unexpected = Arc::new(Mutex::new(Vec::new()));
    let url = serve_batches(unexpected.clone()).await;
    let api = NxApi::new("nxos-spine1", &url, "admin", "secret").unwrap();

    // A one-command batch answered with a single object (not a list).
    let host = api.show("show hostname").await.unwrap();
    assert_eq!(host["hostname"], "nxos.domain.com");
    // A two-command batch: bodies in command order.
    let both = api
        .show_many(&["show hostname", "show version"])
        .await
        .unwrap();
    assert_eq!(both[0]["hostname"], "nxos.domain.com");
    assert_eq!(both[1]["chassis_id"], "NX-OSv Chassis");
    assert_eq!(both[1]["memory"], 4002196);
    assert_eq!(both[1]["sys_ver_str"], "7.3(1)D1(1) [build 7.3(1)D1(0.10)]");
    // pynxos' capture carries an extra `command` key per element: ignored.
    let clock = api.show_many(&["sh clock", "sh hostname"]).await.unwrap();
    assert_eq!(clock[1]["hostname"], "N9K2.ntc.com");
    assert!(clock[0]["simple_time"].as_str().unwrap().contains("2016"));
    // cli_ascii: the text in `result.msg`.
    assert_eq!(
        api.show_ascii("show hostname").await.unwrap(),
        "nxos.domain.com \n"
    );
    // Configuration lines answer `result: null`, alone (single object) or in a batch.
    api.configure(&["logging history size 200"]).await.unwrap();
    api.configure(&[
        "logging history size 200",
        "logging history size 300",
        "logging history size 400",
    ])
    .await
    .unwrap();
    assert!(
        unexpected.lock().unwrap().is_empty(),
        "{:?}",
        unexpected.lock().unwrap()
    );
}

#[tokio::test]
async fn recorded_refusals_name_the_command() {
    let unexpected = Arc::new(Mutex::new(Vec::new()));
    let url = serve_batches(unexpected.clone()).await;
    let api = NxApi::new("nxos-spine1", &url, "admin", "secret").unwrap();

    let e = api.show("bogus command").await.unwrap_err();
    match &e {
        NetError::DeviceRejected {
            target,
            line,
            message,
        } => {
            assert_eq!(
                (target.as_str(), line.as_str()),
                ("nxos-spine1", "bogus command")
            );
            assert_eq!(message, "Invalid params (-32602) % Invalid command");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.kind(), ErrorKind::Conflict);

    let e = api.show_ascii("copy run abc").await.unwrap_err();
    assert!(
        matches!(&e, NetError::DeviceRejected { line, message, .. }
            if line == "copy run abc" && message.contains("Cannot overwrite existing file")),
        "{e:?}"
    );

    // napalm's file for this command is a bare `body`, not a JSON-RPC reply: refused as
    // malformed, never read as an empty result.
    let e = api
        .show("show ip int brief vrf management")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed, "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("nxos-spine1") && msg.contains("show ip int brief vrf management"),
        "{msg}"
    );
    assert!(unexpected.lock().unwrap().is_empty());
}

#[test]
fn replies_are_matched_by_id_and_checked() {
    use hermes_netdev::nxapi::parse_reply;
    let cmds = ["sh clock", "sh hostname"];
    // The real pynxos batch, its elements reversed: still matched by id.
    let mut v: Value =
        serde_json::from_slice(&recorded("pynxos_sh_clock__sh_hostname.json")).unwrap();
    v.as_array_mut().unwrap().reverse();
    let r = parse_reply("n9k", &cmds, &serde_json::to_vec(&v).unwrap()).unwrap();
    assert_eq!(
        r[1].result.as_ref().unwrap()["body"]["hostname"],
        "N9K2.ntc.com"
    );
    assert_eq!(r[0].id, Some(serde_json::json!(1)));

    // Hand-made: a batch whose second line fails and whose third is not answered.
    let body = br#"[{"jsonrpc":"2.0","result":null,"id":1},
        {"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"msg":"% Invalid command at '^' marker.\n"}},"id":2}]"#;
    let lines = ["interface ethernet1/1", "swithcport", "no shutdown"];
    match parse_reply("n9k", &lines, body).unwrap_err() {
        NetError::DeviceRejected { line, message, .. } => {
            assert_eq!(line, "swithcport");
            assert!(
                message.contains("Invalid command at '^' marker"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Hand-made: an id no request had, a repeated id, a missing reply.
    for (body, needle) in [
        (&br#"[{"jsonrpc":"2.0","result":null,"id":7}]"#[..], "id 7"),
        (
            &br#"[{"jsonrpc":"2.0","result":null,"id":1},{"jsonrpc":"2.0","result":null,"id":1}]"#
                [..],
            "repeats id 1",
        ),
        (
            &br#"[{"jsonrpc":"2.0","result":null,"id":1}]"#[..],
            "none for `sh hostname`",
        ),
        (&b"<html>502 Bad Gateway</html>"[..], "not JSON"),
    ] {
        let e = parse_reply("n9k", &cmds, body).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Malformed, "{e:?}");
        assert!(e.to_string().contains(needle), "{needle}: {e}");
    }
}

#[test]
fn ins_api_replies_parse_too() {
    use hermes_netdev::nxapi::{parse_reply, reply_body, reply_text};
    // Hand-made in the shape of NX-API's CLI transport (`ins_api`): one output, then a list with
    // a refused command (code 400, `clierror`), then a 429.
    let one = br#"{"ins_api":{"type":"cli_show","version":"1.0","sid":"eoc","outputs":{"output":{"input":"show hostname","msg":"Success","code":"200","body":{"hostname":"n9k-1"}}}}}"#;
    let r = parse_reply("n9k", &["show hostname"], one).unwrap();
    let body = reply_body("n9k", "show hostname", r.into_iter().next().unwrap()).unwrap();
    assert_eq!(body["hostname"], "n9k-1");

    let ascii = br#"{"ins_api":{"type":"cli_show_ascii","version":"1.0","sid":"eoc","outputs":{"output":{"input":"show clock","msg":"Success","code":"200","body":"12:00:00.000 UTC Mon Jan 01 2024\n"}}}}"#;
    let r = parse_reply("n9k", &["show clock"], ascii).unwrap();
    let text = reply_text("n9k", "show clock", r.into_iter().next().unwrap()).unwrap();
    assert!(text.starts_with("12:00:00"), "{text}");

    let two = br#"{"ins_api":{"type":"cli_conf","version":"1.0","sid":"eoc","outputs":{"output":[
        {"body":{},"code":"200","msg":"Success"},
        {"clierror":"% Invalid command at '^' marker.\n","code":"400","msg":"Input CLI command error"}]}}}"#;
    let e = parse_reply("n9k", &["interface ethernet1/1", "swithcport"], two).unwrap_err();
    assert!(
        matches!(&e, NetError::DeviceRejected { line, message, .. }
            if line == "swithcport" && message.contains("Input CLI command error (400)") && message.contains("Invalid command")),
        "{e:?}"
    );
    let busy = br#"{"ins_api":{"outputs":{"output":{"clierror":"Internal Server error","input":"show version","msg":"Max sessions reached. If you are a new user/client, please try again later.","code":"429"}}}}"#;
    let e = parse_reply("n9k", &["show version"], busy).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Throttled, "{e:?}");
    assert!(e.to_string().contains("Max sessions"), "{e}");
}
