//! Shared helpers for the tests against vcsim (started by `scripts/peers.sh up vcsim`).
#![allow(dead_code)]

use hermes_vsphere::{Client, Tls};

pub fn url() -> String {
    format!("https://{}/sdk", hermes_testkit::peer("vcsim").addr())
}

pub fn user() -> String {
    hermes_testkit::peer("vcsim").setting("USER")
}

pub fn password() -> String {
    let file = hermes_testkit::peer("vcsim").setting("PASSWORD_FILE");
    std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("read {file}: {e}; run scripts/peers.sh up vcsim"))
        .trim()
        .to_string()
}

pub fn ca() -> Vec<u8> {
    let file = hermes_testkit::peer("vcsim").setting("CA");
    std::fs::read(&file)
        .unwrap_or_else(|e| panic!("read {file}: {e}; run scripts/peers.sh up vcsim"))
}

pub fn thumbprint() -> String {
    let file = hermes_testkit::peer("vcsim").setting("THUMBPRINT");
    std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("read {file}: {e}"))
        .trim()
        .to_string()
}

pub async fn connect() -> Client {
    Client::builder(url())
        .credentials(user(), password())
        .tls(Tls::CaPem(ca()))
        .connect()
        .await
        .expect("connect to vcsim")
}

/// A name unique to this test run.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}{}", nanos % 100_000_000)
}
