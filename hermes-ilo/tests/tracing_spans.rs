//! Tracing of Redfish requests against the sushy TLS peer, in a test binary of its own: the test installs
//! a thread-scoped subscriber, and tracing's per-callsite interest cache can be raced by other tests of
//! the same binary hitting the same callsites on other threads (seen as an empty capture under load).

mod common;

use hermes_ilo::{Client, SystemSelector};

/// A `MakeWriter` collecting everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn every_redfish_request_has_a_span_without_credentials() {
    let out = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(out.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (base, ca, user, pw) = common::sushy_tls();
    let c = Client::builder(&base)
        .ca_pem(ca)
        .basic_auth(&user, pw.as_str())
        .retry(common::fast_retry())
        .build()
        .unwrap();
    c.find_system(&SystemSelector::Name("dl380-13".into()))
        .await
        .unwrap();
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let closes: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("redfish{") && l.contains("close"))
        .collect();
    assert!(closes.len() >= 2, "{text}");
    let line = closes
        .iter()
        .find(|l| l.contains("path=/redfish/v1/Systems") && l.contains("status=200"))
        .unwrap_or_else(|| panic!("no span for GET Systems with its status: {text}"));
    assert!(line.contains("method=GET"), "{line}");
    assert!(line.contains("elapsed_ms="), "{line}");
    assert!(!text.contains(&pw), "the password leaked into the logs");
    assert!(!text.to_lowercase().contains("authorization"), "{text}");
}
