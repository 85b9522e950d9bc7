//! Protocol probes against the real local services.

use std::time::Duration;

use hermes_core::probe::{probe, Protocol};

#[tokio::test]
async fn each_real_service_answers_its_own_protocol_and_not_another() {
    let cases = [
        ("postgres", Protocol::Postgres, "SSL"),
        ("redis", Protocol::Redis, "PONG"),
        ("rabbitmq", Protocol::Amqp, "connection.start, AMQP 0-9"),
        ("sshd", Protocol::Ssh, "SSH-2.0-OpenSSH"),
    ];
    for (peer, proto, expect) in cases {
        let addr = hermes_testkit::peer(peer).addr().to_string();
        let r = probe(&addr, proto, Duration::from_secs(5))
            .await
            .unwrap_or_else(|e| panic!("{peer}: {e}"));
        assert!(r.detail.contains(expect), "{peer}: {}", r.detail);
    }
    // Redis does not speak SSH: the probe says so.
    let redis = hermes_testkit::peer("redis").addr().to_string();
    let e = probe(&redis, Protocol::Ssh, Duration::from_secs(2))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e.kind(),
            hermes_core::ErrorKind::Malformed | hermes_core::ErrorKind::Timeout
        ),
        "{e}"
    );
}
