//! The NX-API client against replies recorded from real Nexus switches (pynxos' captured JSON-RPC
//! responses in ../shared/data/netdev/pynxos), served by a small recorded-reply HTTP server. Any
//! request the recordings do not cover is answered 599 and fails the test. (No NX-API emulator is
//! installable: this is the gap noted in the README.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hermes_netdev::nxapi::NxApi;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
                let mut buf = Vec::new();
                let mut tmp = [0u8; 4096];
                let (head_end, len) = loop {
                    let n = s.read(&mut tmp).await.unwrap();
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
                    let n = s.read(&mut tmp).await.unwrap();
                    buf.extend_from_slice(&tmp[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let req: Value = serde_json::from_slice(&buf[head_end..head_end + len]).unwrap();
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
