//! The SOAP decoder on replies recorded from vcsim 0.24 (tests/recorded/, captured with curl from the
//! peer), and fuzzed: random bytes and every truncation of a real reply give a typed error, never a
//! panic.

mod common;

use hermes_core::{Classify, ErrorKind};
use hermes_vsphere::model::{FromNode, ObjectContent, ServiceContent};
use hermes_vsphere::{soap, FaultKind, VsphereError};
use proptest::prelude::*;

const SERVICE_CONTENT: &[u8] = include_bytes!("recorded/vcsim-0.24-RetrieveServiceContent.xml");
const INVALID_LOGIN: &[u8] = include_bytes!("recorded/vcsim-0.24-Login-InvalidLogin.xml");
const NOT_AUTHENTICATED: &[u8] =
    include_bytes!("recorded/vcsim-0.24-RetrievePropertiesEx-NotAuthenticated.xml");

#[test]
fn recorded_service_content_decodes() {
    let reply = soap::decode("vcsim", "RetrieveServiceContent", SERVICE_CONTENT).unwrap();
    let sc = ServiceContent::from_node(reply.child("returnval").unwrap()).unwrap();
    assert_eq!(sc.property_collector.value, "propertyCollector");
    assert_eq!(sc.api_type, "VirtualCenter");
    assert_eq!(sc.search_index.kind, "SearchIndex");
}

#[test]
fn recorded_invalid_login_is_a_typed_auth_fault() {
    let err = soap::decode("vcsim", "Login", INVALID_LOGIN).unwrap_err();
    assert_eq!(err.fault(), Some(&FaultKind::InvalidLogin));
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("Login failure"), "{err}");
}

#[test]
fn recorded_missing_set_names_its_fault() {
    let reply = soap::decode("vcsim", "RetrievePropertiesEx", NOT_AUTHENTICATED).unwrap();
    let obj = ObjectContent::from_node(reply.path(&["returnval", "objects"]).unwrap()).unwrap();
    assert_eq!(
        obj.missing,
        vec![("name".to_string(), "NotAuthenticated".to_string())]
    );
}

fn check(bytes: &[u8]) {
    match soap::decode("vcsim", "RetrieveServiceContent", bytes) {
        Ok(node) => {
            // A reply that still parses must still be decodable or give a typed error.
            if let Some(rv) = node.child("returnval") {
                let _ = ServiceContent::from_node(rv);
            }
        }
        Err(e) => common::assert_typed_decode_error(&e, "vcsim"),
    }
}

#[test]
fn every_truncation_of_a_real_reply_is_a_typed_error() {
    for cut in 0..SERVICE_CONTENT.len() {
        let bytes = &SERVICE_CONTENT[..cut];
        let err = soap::decode("vcsim", "RetrieveServiceContent", bytes).unwrap_err();
        assert!(
            matches!(err, VsphereError::Malformed { .. }),
            "cut at {cut}: {err:?}"
        );
    }
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&bytes);
    }

    #[test]
    fn mutated_real_replies_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        which in 0usize..3,
    ) {
        let mut bytes = [SERVICE_CONTENT, INVALID_LOGIN, NOT_AUTHENTICATED][which].to_vec();
        for (at, b) in edits {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        check(&bytes);
    }
}
