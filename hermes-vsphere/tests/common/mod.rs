//! Shared helpers for the tests against vcsim (started by `scripts/peers.sh up vcsim`).
#![allow(dead_code)]

/// Declares recorded replies under `tests/recorded/` as constants, plus `ALL`: every reply as
/// (file, the method it answers, bytes).
#[allow(unused_macros)]
macro_rules! recorded {
    ($($id:ident = $method:literal, $file:literal;)*) => {
        $(const $id: &[u8] = include_bytes!(concat!("recorded/", $file));)*
        /// Every recorded reply: (file, the method it answers, bytes).
        const ALL: &[(&str, &str, &[u8])] = &[$(($file, $method, $id)),*];
    };
}

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

/// Where the vcsim tests clone VMs: the template, the VM folder and the cluster's resource pool.
pub struct CloneTargets {
    pub template: hermes_vsphere::MoRef,
    pub folder: hermes_vsphere::MoRef,
    pub pool: hermes_vsphere::MoRef,
}

/// Looks up [`CloneTargets`] in vcsim's inventory (`/DC0/vm/tmpl-linux`, `/DC0/vm`,
/// `/DC0/host/DC0_C0/Resources`).
pub async fn clone_targets(client: &Client) -> CloneTargets {
    let find = |path: &'static str| async move {
        client
            .find_by_path(path)
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    CloneTargets {
        template: find("/DC0/vm/tmpl-linux").await,
        folder: find("/DC0/vm").await,
        pool: find("/DC0/host/DC0_C0/Resources").await,
    }
}

/// A name unique to this test run.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}{}", nanos % 100_000_000)
}

/// Powers off (if `powered_on`) and destroys a test's VM, retrying a dropped connection up to twice.
/// vcsim 0.24 now and then panics inside DestroyTask while another test destroys VMs at the same time
/// (a nil pointer in `removeDevice`; Go's HTTP server then drops the connection): the destroy may or
/// may not have happened, so it is sent again, and `ManagedObjectNotFound` on the retry counts as done
/// (`power_off_and_destroy` treats it so) — what an operator does after a dropped connection.
pub async fn destroy(client: &Client, vm: &hermes_vsphere::MoRef, powered_on: bool) {
    for attempt in 1..=3 {
        match client.power_off_and_destroy(vm, powered_on).await {
            Ok(()) => return,
            Err(e @ hermes_vsphere::VsphereError::Transport { .. }) if attempt < 3 => {
                eprintln!("destroy {vm}: dropped connection, retrying: {e}");
            }
            Err(e) => panic!("destroy {vm}: {e}"),
        }
    }
}

/// Asserts that a reply that failed to decode failed with a typed error: a SOAP fault, or
/// `Malformed` (kind `Malformed`) naming `target`. Shared by the recorded-reply tests that cut and
/// mutate real replies.
pub fn assert_typed_decode_error(e: &hermes_vsphere::VsphereError, target: &str) {
    use hermes_core::{Classify, ErrorKind};
    use hermes_vsphere::VsphereError;
    assert!(
        matches!(
            e,
            VsphereError::Malformed { .. } | VsphereError::Fault { .. }
        ),
        "{e:?}"
    );
    if let VsphereError::Malformed { .. } = e {
        assert_eq!(e.kind(), ErrorKind::Malformed);
        assert!(e.to_string().contains(target), "{e}");
    }
}

/// The target named in the errors of decoded recorded replies.
pub const RECORDED_TARGET: &str = "https://vcsa/sdk";

/// The `…Response` element of a recorded reply to `method`.
pub fn response(method: &str, bytes: &[u8]) -> hermes_vsphere::xml::Node {
    hermes_vsphere::soap::decode(RECORDED_TARGET, method, bytes)
        .unwrap_or_else(|e| panic!("{method}: {e}"))
}

/// The `returnval` of a recorded reply to `method`.
pub fn returnval(method: &str, bytes: &[u8]) -> hermes_vsphere::xml::Node {
    response(method, bytes)
        .child("returnval")
        .cloned()
        .unwrap_or_else(|| panic!("{method}: no returnval"))
}

/// Every file of `tests/recorded` whose name starts with `prefix` is one of `listed`, and back.
pub fn assert_recorded_files_listed(prefix: &str, listed: &[&str]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recorded");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = listed.iter().map(|f| f.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "files {prefix}* in tests/recorded");
}
