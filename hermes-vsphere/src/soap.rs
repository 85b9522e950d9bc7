//! SOAP 1.1 envelopes for vim25: encoding a request and decoding a reply, with no I/O.
//!
//! [`encode`] turns a method name, its `_this` object and its parameters into the exact bytes sent;
//! [`decode`] turns the bytes received into the method's `…Response` element or a typed fault. Both are
//! pure so they are tested on recorded bytes (`tests/soap_recorded.rs`: replies captured from vcsim;
//! `tests/real_replies.rs`: replies recorded from real vCenter 5.5 to 8.0.3).

use crate::error::{FaultKind, VsphereError};
use crate::model::{FaultFields, MoRef};
use crate::xml::{Node, XmlWriter};

/// The vim25 XML namespace.
pub const VIM25_NS: &str = "urn:vim25";

/// An encoded request: the method and the envelope's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapRequest {
    /// The method (`RetrievePropertiesEx`).
    pub method: String,
    /// The whole envelope.
    pub body: String,
}

/// Encodes a call of `method` on `this`; `params` writes the parameters in schema order.
///
/// ```
/// use hermes_vsphere::{model::MoRef, soap};
/// let req = soap::encode("PowerOnVM_Task", &MoRef::new("VirtualMachine", "vm-42"), |_| {});
/// assert!(req.body.contains(r#"<PowerOnVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-42</_this></PowerOnVM_Task>"#));
/// ```
pub fn encode(method: &str, this: &MoRef, params: impl FnOnce(&mut XmlWriter)) -> SoapRequest {
    let mut w = XmlWriter::new();
    w.moref("_this", this);
    params(&mut w);
    let inner = w.finish();
    let body = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" "#,
            r#"xmlns:xsd="http://www.w3.org/2001/XMLSchema" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<soapenv:Body><{m} xmlns="{ns}">{inner}</{m}></soapenv:Body></soapenv:Envelope>"#
        ),
        m = method,
        ns = VIM25_NS,
        inner = inner
    );
    SoapRequest {
        method: method.to_string(),
        body,
    }
}

/// Decodes a reply to `method` from `target`: the `<method>Response` element, or the SOAP fault as
/// [`VsphereError::Fault`], or [`VsphereError::Malformed`] naming what is wrong.
///
/// ```
/// use hermes_vsphere::{soap, FaultKind, VsphereError};
/// let reply = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>Login failure</faultstring><detail><InvalidLoginFault xmlns="urn:vim25" xsi:type="InvalidLogin"></InvalidLoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
/// let err = soap::decode("https://vc/sdk", "Login", reply).unwrap_err();
/// assert_eq!(err.fault(), Some(&FaultKind::InvalidLogin));
/// ```
pub fn decode(target: &str, method: &str, bytes: &[u8]) -> Result<Node, VsphereError> {
    let malformed = |message: String| VsphereError::Malformed {
        target: target.to_string(),
        method: method.to_string(),
        message,
    };
    let root = Node::parse(bytes).map_err(|e| malformed(format!("not XML: {e}")))?;
    if root.name != "Envelope" {
        return Err(malformed(format!(
            "expected a SOAP Envelope, got <{}>",
            root.name
        )));
    }
    let body = root
        .child("Body")
        .ok_or_else(|| malformed("the envelope has no Body".into()))?;
    if let Some(fault) = body.child("Fault") {
        return Err(decode_fault(target, method, fault));
    }
    let want = format!("{method}Response");
    body.children
        .iter()
        .find(|c| c.name == want)
        .cloned()
        .ok_or_else(|| {
            let got = body
                .children
                .first()
                .map(|c| c.name.as_str())
                .unwrap_or("nothing");
            malformed(format!("expected <{want}> in the Body, got <{got}>"))
        })
}

fn decode_fault(target: &str, method: &str, fault: &Node) -> VsphereError {
    let detail = fault.child("detail").and_then(|d| d.children.first());
    let type_name = detail
        .map(|d| d.xsi_type.clone().unwrap_or_else(|| d.name.clone()))
        .unwrap_or_else(|| {
            fault
                .child_text("faultcode")
                .unwrap_or("Unknown")
                .trim()
                .to_string()
        });
    // vCenter may send an empty `<faultstring/>` (seen with license faults): name the fault type
    // instead, so the error still says what happened.
    let fields = detail.map(FaultFields::from_fault).unwrap_or_default();
    let message = match fault.child_text("faultstring").map(str::trim) {
        Some(m) if !m.is_empty() => fields.describe(m),
        _ => fields.describe(&format!(
            "the server sent no faultstring for this {type_name} fault"
        )),
    };
    let mut fault_kind = FaultKind::from_type_name(&type_name);
    // A fault with no detail but the classic message still means the session is gone.
    if detail.is_none() && message.contains("not authenticated") {
        fault_kind = FaultKind::NotAuthenticated;
    }
    VsphereError::Fault {
        target: target.to_string(),
        method: method.to_string(),
        fault: fault_kind,
        object: fields.object.map(Box::new),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_this_and_escaped_params() {
        let req = encode(
            "Login",
            &MoRef::new("SessionManager", "SessionManager"),
            |w| {
                w.text("userName", "a&b").text("password", "<p>");
            },
        );
        assert!(req.body.contains(
            "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">SessionManager</_this><userName>a&amp;b</userName><password>&lt;p&gt;</password></Login>"
        ));
    }

    #[test]
    fn wrong_response_element_is_malformed() {
        let reply = br#"<Envelope><Body><OtherResponse/></Body></Envelope>"#;
        let err = decode("t", "Login", reply).unwrap_err();
        assert!(matches!(err, VsphereError::Malformed { .. }), "{err}");
        assert!(err.to_string().contains("LoginResponse"), "{err}");
    }
}
