//! `hermes_core::http` against a real TLS peer: sushy-tools' Redfish emulator over HTTPS (peer
//! `sushy-tls`, `scripts/peers.sh up sushy-tls`), whose CA and server certificate the peer script
//! generates with openssl.

use std::path::PathBuf;

use hermes_core::http::{
    describe_error, tls_failure, to_error, Fingerprint, FingerprintAlgorithm, HttpClientBuilder,
    TlsFailure, TlsPolicy,
};
use hermes_core::ErrorKind;

struct Peer {
    url: String,
    addr: String,
    ca: PathBuf,
    server_cert: PathBuf,
}

fn peer() -> Peer {
    let p = hermes_testkit::peer("sushy-tls");
    let ca = PathBuf::from(p.setting("CA"));
    // The peer script writes the server certificate next to its CA (scripts/peers.d/sushy.sh).
    let server_cert = ca.with_file_name("server.crt");
    assert!(
        server_cert.is_file(),
        "{} missing: run scripts/peers.sh up sushy-tls",
        server_cert.display()
    );
    Peer {
        url: format!("https://{}/redfish/v1/", p.addr()),
        addr: p.addr().to_string(),
        ca,
        server_cert,
    }
}

fn leaf(p: &Peer, alg: FingerprintAlgorithm) -> Fingerprint {
    let pem = std::fs::read(&p.server_cert).unwrap();
    Fingerprint::of_pem(alg, &pem).unwrap().remove(0)
}

async fn get(tls: TlsPolicy, url: &str) -> Result<u16, reqwest::Error> {
    let http = HttpClientBuilder::new("hermes-core-test")
        .tls(tls)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    // Any HTTP status (the emulator asks for basic auth) proves the TLS handshake passed.
    http.get(url).send().await.map(|r| r.status().as_u16())
}

#[tokio::test]
async fn the_right_pin_is_accepted() {
    let p = peer();
    let fp = leaf(&p, FingerprintAlgorithm::Sha256);
    let status = get(TlsPolicy::pin_sha256(&fp.to_string()).unwrap(), &p.url)
        .await
        .unwrap_or_else(|e| panic!("pinned {fp}: {}", describe_error(&e)));
    assert!(status == 200 || status == 401, "HTTP {status}");
    // Plain lower-case hex and a vCenter-style SHA-1 thumbprint pin the same certificate.
    let plain = hex_lower(fp.as_bytes());
    get(TlsPolicy::pin_sha256(&plain).unwrap(), &p.url)
        .await
        .unwrap();
    let sha1 = leaf(&p, FingerprintAlgorithm::Sha1);
    get(TlsPolicy::pin(&sha1.to_string()).unwrap(), &p.url)
        .await
        .unwrap();
}

fn hex_lower(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[tokio::test]
async fn a_wrong_pin_fails_naming_host_both_fingerprints_and_the_fix() {
    let p = peer();
    let presented = leaf(&p, FingerprintAlgorithm::Sha256);
    // The CA's fingerprint: a real certificate of the same set-up, but not the server's leaf.
    let ca_pem = std::fs::read(&p.ca).unwrap();
    let wrong = Fingerprint::of_pem(FingerprintAlgorithm::Sha256, &ca_pem)
        .unwrap()
        .remove(0);
    assert_ne!(wrong, presented);
    let err = get(TlsPolicy::Pinned(wrong.clone()), &p.url)
        .await
        .expect_err("a wrong pin must fail the handshake");
    match tls_failure(&err) {
        Some(TlsFailure::PinMismatch(m)) => {
            assert_eq!(m.host, "127.0.0.1");
            assert_eq!(m.expected, wrong);
            assert_eq!(m.presented, presented);
        }
        other => panic!("expected a pin mismatch, got {other:?}: {err:?}"),
    }
    let text = describe_error(&err);
    assert!(text.contains("127.0.0.1"), "{text}");
    assert!(text.contains(&wrong.to_string()), "{text}");
    assert!(text.contains(&presented.to_string()), "{text}");
    assert!(
        text.contains(&format!("openssl s_client -connect {}", p.addr)),
        "{text}"
    );
    let e = to_error(&err, &p.addr);
    assert_eq!(e.kind(), ErrorKind::VerificationFailed);
    assert!(!e.is_retryable(), "a pin mismatch is not worth retrying");
}

#[tokio::test]
async fn the_peers_own_ca_file_is_accepted() {
    let p = peer();
    let tls = TlsPolicy::custom_ca_file(&p.ca).unwrap();
    let status = get(tls, &p.url)
        .await
        .unwrap_or_else(|e| panic!("{}", describe_error(&e)));
    assert!(status == 200 || status == 401, "HTTP {status}");
}

#[tokio::test]
async fn the_default_roots_reject_the_private_certificate_clearly() {
    let p = peer();
    let err = get(TlsPolicy::WebPki, &p.url)
        .await
        .expect_err("a private CA is not in the webpki roots");
    match tls_failure(&err) {
        Some(TlsFailure::Untrusted { reason }) => {
            assert!(reason.contains("UnknownIssuer"), "{reason}")
        }
        other => panic!("expected an untrusted certificate, got {other:?}: {err:?}"),
    }
    let e = to_error(&err, &p.addr);
    assert_eq!(e.kind(), ErrorKind::VerificationFailed);
    let text = e.to_string();
    assert!(text.contains("is not trusted (UnknownIssuer)"), "{text}");
    assert!(
        text.contains("CustomCa") && text.contains("Pinned"),
        "{text}"
    );
    assert!(
        text.contains(&format!("openssl s_client -connect {}", p.addr)),
        "{text}"
    );
}

#[tokio::test]
async fn a_ca_that_did_not_sign_the_server_is_rejected() {
    let p = peer();
    // The server's own leaf is not a CA: as a trust anchor it does not verify the chain.
    let tls = TlsPolicy::custom_ca_file(&p.server_cert).unwrap();
    let err = get(tls, &p.url).await.expect_err("the leaf is not its CA");
    assert!(
        matches!(tls_failure(&err), Some(TlsFailure::Untrusted { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn insecure_is_an_explicit_opt_out_that_connects() {
    let p = peer();
    let status = get(TlsPolicy::Insecure, &p.url).await.unwrap();
    assert!(status == 200 || status == 401, "HTTP {status}");
}
