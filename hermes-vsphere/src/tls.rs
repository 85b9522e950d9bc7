//! How the client trusts the server's certificate: system roots, an explicit CA, a pinned certificate
//! thumbprint (as vSphere shows it: SHA-1 or SHA-256, colon-separated hex), or, only when asked for
//! explicitly, no verification.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha1::Digest as _;

/// TLS trust for a vSphere endpoint. Verification is on by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Tls {
    /// Verify against the platform's web PKI roots (a vCenter with a publicly signed certificate).
    #[default]
    WebPki,
    /// Verify against this CA (PEM): the VMCA root of a vCenter, or a lab CA.
    CaPem(Vec<u8>),
    /// Accept exactly the certificate with this thumbprint (SHA-1 or SHA-256, hex, `:` optional) — what
    /// `govc about.cert` / the ESXi DCUI shows.
    Thumbprint(String),
    /// Do not verify the certificate at all (the explicit opt-out; never the default).
    Insecure,
}

/// Parses a thumbprint into bytes: hex pairs with or without `:`, case-insensitive, 20 or 32 bytes.
pub fn parse_thumbprint(s: &str) -> Result<Vec<u8>, String> {
    let hexed: String = s
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect();
    let bytes = hex::decode(&hexed).map_err(|e| format!("thumbprint {s:?} is not hex: {e}"))?;
    match bytes.len() {
        20 | 32 => Ok(bytes),
        n => Err(format!(
            "thumbprint {s:?} has {n} bytes; expected 20 (SHA-1) or 32 (SHA-256)"
        )),
    }
}

/// A verifier that accepts one certificate by thumbprint and still checks the handshake signature.
#[derive(Debug)]
pub(crate) struct ThumbprintVerifier {
    want: Vec<u8>,
    provider: Arc<CryptoProvider>,
}

impl ThumbprintVerifier {
    pub(crate) fn new(want: Vec<u8>, provider: Arc<CryptoProvider>) -> Self {
        ThumbprintVerifier { want, provider }
    }
}

impl ServerCertVerifier for ThumbprintVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let got: Vec<u8> = if self.want.len() == 20 {
            sha1::Sha1::digest(end_entity.as_ref()).to_vec()
        } else {
            sha2::Sha256::digest(end_entity.as_ref()).to_vec()
        };
        if got == self.want {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "server certificate thumbprint {} does not match the pinned one",
                hex::encode_upper(&got)
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A rustls client configuration pinned to `thumbprint`.
pub(crate) fn pinned_config(thumbprint: Vec<u8>) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = ThumbprintVerifier::new(thumbprint, provider.clone());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprints_parse_with_or_without_colons() {
        let sha1 = "77:F1:80:0D:25:69:9F:2E:CC:C2:1E:03:D1:B5:70:2A:3C:2B:51:4C";
        assert_eq!(parse_thumbprint(sha1).unwrap().len(), 20);
        assert_eq!(
            parse_thumbprint(&sha1.replace(':', "").to_lowercase())
                .unwrap()
                .len(),
            20
        );
        assert!(parse_thumbprint("AB:CD").is_err());
        assert!(parse_thumbprint("zz").is_err());
    }
}
