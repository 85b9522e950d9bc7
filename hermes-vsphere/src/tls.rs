//! How the client trusts the server's certificate: system roots, an explicit CA, a pinned certificate
//! thumbprint (as vSphere shows it: SHA-1 or SHA-256, colon-separated hex), or, only when asked for
//! explicitly, no verification.
//!
//! The verification itself is hermes-core's shared [`hermes_core::http`] module (one pinning verifier,
//! one set of TLS error messages for every Hermes client); [`Tls`] keeps vSphere's own vocabulary.

use hermes_core::http::{Fingerprint, TlsPolicy};

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

impl Tls {
    /// The shared [`TlsPolicy`] this setting stands for (thumbprints are parsed here).
    ///
    /// ```
    /// use hermes_vsphere::Tls;
    /// let p = Tls::Thumbprint("77:F1:80:0D:25:69:9F:2E:CC:C2:1E:03:D1:B5:70:2A:3C:2B:51:4C".into())
    ///     .to_policy()
    ///     .unwrap();
    /// assert!(p.describe().starts_with("pinned SHA-1"));
    /// ```
    pub fn to_policy(&self) -> Result<TlsPolicy, String> {
        Ok(match self {
            Tls::WebPki => TlsPolicy::WebPki,
            Tls::CaPem(pem) => TlsPolicy::custom_ca(pem.clone()).map_err(|e| e.to_string())?,
            Tls::Thumbprint(t) => TlsPolicy::Pinned(parse_fingerprint(t)?),
            Tls::Insecure => TlsPolicy::Insecure,
        })
    }
}

fn parse_fingerprint(s: &str) -> Result<Fingerprint, String> {
    s.parse::<Fingerprint>().map_err(|e| {
        e.to_string()
            .replace("certificate fingerprint", "thumbprint")
            .replace("invalid input: ", "")
    })
}

/// Parses a thumbprint into bytes: hex pairs with or without `:`, case-insensitive, 20 or 32 bytes.
pub fn parse_thumbprint(s: &str) -> Result<Vec<u8>, String> {
    parse_fingerprint(s).map(|f| f.as_bytes().to_vec())
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
