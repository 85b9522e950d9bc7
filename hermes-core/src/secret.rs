//! Secrets that never print: [`Secret`] redacts itself in `Debug`, `Display`, serde and therefore in
//! `tracing` fields, error messages and plans. The value is read only through [`Secret::expose`], and
//! wiped from memory when the last copy is dropped.
//!
//! Secrets come from the environment ([`Secret::from_env`]), a file ([`Secret::from_file`]), an
//! encrypted secrets file ([`crate::vault::Vault`]), or an inventory (`ansible_password`).
//!
//! ```
//! use hermes_core::Secret;
//! let pw = Secret::new("hunter2");
//! assert_eq!(format!("{pw:?} {pw}"), "Secret(<redacted>) <redacted>");
//! assert_eq!(serde_json::to_string(&pw).unwrap(), "\"<redacted>\"");
//! assert_eq!(pw.expose(), "hunter2");
//! ```

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};

/// The text every redacted secret shows.
pub const REDACTED: &str = "<redacted>";

/// A secret string (password, token, key). Cheap to clone; wiped on drop of the last clone.
///
/// ```
/// use hermes_core::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?} {s}"), "Secret(<redacted>) <redacted>");
/// assert_eq!(s.expose(), "hunter2"); // only where the value is sent
/// // Secret::from_env("VAR") and Secret::from_file(path) read one; errors name the variable or file.
/// ```
#[derive(Clone)]
pub struct Secret(Arc<Zeroizing<String>>);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::new(Zeroizing::new(value.into())))
    }

    /// The value. Call it only where the value is sent (an `Authorization` header, an SSH auth).
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads environment variable `name`; an error (naming the variable, never a value) if unset or empty.
    pub fn from_env(name: &str) -> Result<Self> {
        match std::env::var(name) {
            Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
            Ok(_) => Err(Error::invalid_input(format!("environment variable {name} is empty: set it to the secret"))),
            Err(_) => Err(Error::new(
                ErrorKind::NotFound,
                format!("environment variable {name} is not set: export {name}=... or use a secrets file"),
            )),
        }
    }

    /// Reads a file holding the secret (one trailing newline is removed, as `echo` writes it).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let mut text = Zeroizing::new(
            std::fs::read_to_string(path).map_err(|e| Error::io(path, "read secret file", e))?,
        );
        if text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        if text.is_empty() {
            return Err(Error::invalid_input(format!(
                "secret file {} is empty",
                path.display()
            )));
        }
        Ok(Secret::new(text.as_str()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

/// Displays as `<redacted>`, so that a secret formatted into a log line or message by mistake never
/// leaks. **Never format a secret to send it** (an `Authorization` header, a URL, a command line): that
/// sends the text `<redacted>`. Use [`Secret::expose`].
impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl PartialEq for Secret {
    /// Constant-time in the length of the shorter value.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.expose().as_bytes(), other.expose().as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for Secret {}

impl serde::Serialize for Secret {
    /// Always serialises as `"<redacted>"`: a secret never leaves through serde (plans, reports, logs).
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(REDACTED)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Secret::new(s))
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints() {
        let s = Secret::new("s3cr3t-value");
        let outputs = [
            format!("{s}"),
            format!("{s:?}"),
            format!("{s:#?}"),
            serde_json::to_string(&s).unwrap(),
            format!("{:?}", Some(s.clone())),
            format!("{:?}", vec![s.clone()]),
        ];
        for o in outputs {
            assert!(!o.contains("s3cr3t"), "{o}");
        }
        assert_eq!(s, Secret::new("s3cr3t-value"));
        assert_ne!(s, Secret::new("other"));
    }

    #[test]
    fn from_env_and_file() {
        std::env::set_var("HERMES_TEST_SECRET_ENV", "from-env");
        assert_eq!(
            Secret::from_env("HERMES_TEST_SECRET_ENV").unwrap().expose(),
            "from-env"
        );
        let e = Secret::from_env("HERMES_TEST_SECRET_UNSET_XYZ").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(e.to_string().contains("HERMES_TEST_SECRET_UNSET_XYZ"));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        std::fs::write(&p, "from-file\n").unwrap();
        assert_eq!(Secret::from_file(&p).unwrap().expose(), "from-file");
        std::fs::write(&p, "\n").unwrap();
        assert!(Secret::from_file(&p)
            .unwrap_err()
            .to_string()
            .contains("is empty"));
    }
}
