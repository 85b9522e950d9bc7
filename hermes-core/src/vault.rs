//! Encrypted secrets files: a set of named secrets sealed with XChaCha20-Poly1305 under a key derived from
//! a passphrase with Argon2id (replaces the proposal's Fernet script).
//!
//! File format (text, safe to commit next to an inventory):
//!
//! ```text
//! HERMES-VAULT 1 argon2id m=19456,t=2,p=1 xchacha20poly1305
//! salt <base64, 16 bytes>
//! nonce <base64, 24 bytes>
//! <base64 ciphertext of a YAML map name -> value, wrapped at 76 columns>
//! ```
//!
//! The header line is authenticated (AEAD associated data), so parameters cannot be swapped. A wrong
//! passphrase or any altered byte gives one clear [`ErrorKind::Auth`] error naming the file; nothing is
//! partly decrypted. Files are written atomically with mode 0600.
//!
//! ```
//! use hermes_core::{vault::Vault, Secret};
//! let pass = Secret::new("correct horse battery staple");
//! let mut v = Vault::new();
//! v.insert("ilo/admin", Secret::new("Ilo-P@ss"));
//! let text = v.seal(&pass).unwrap();
//! assert!(!text.contains("Ilo-P@ss"));
//! let back = Vault::unseal(&text, &pass, "secrets.vault").unwrap();
//! assert_eq!(back.get("ilo/admin").unwrap().expose(), "Ilo-P@ss");
//! assert!(Vault::unseal(&text, &Secret::new("wrong"), "secrets.vault").is_err());
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

const MAGIC: &str = "HERMES-VAULT";
const M_COST: u32 = 19_456; // KiB (19 MiB): OWASP's recommended Argon2id minimum
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// A set of named secrets, sealed into and unsealed from an encrypted text file.
#[derive(Clone, Default)]
pub struct Vault {
    entries: BTreeMap<String, Secret>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("names", &self.entries.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn derive_key(pass: &Secret, salt: &[u8], m: u32, t: u32, p: u32) -> Result<Zeroizing<[u8; 32]>> {
    let params = argon2::Params::new(m, t, p, Some(32)).map_err(|e| {
        Error::invalid_input(format!("bad Argon2 parameters m={m},t={t},p={p}: {e}"))
    })?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(pass.expose().as_bytes(), salt, key.as_mut())
        .map_err(|e| Error::new(ErrorKind::Internal, format!("key derivation failed: {e}")))?;
    Ok(key)
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).map_err(|e| {
        Error::new(
            ErrorKind::Internal,
            format!("the OS random generator failed: {e}"),
        )
    })?;
    Ok(buf)
}

impl Vault {
    /// An empty vault.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a secret.
    pub fn insert(&mut self, name: impl Into<String>, value: Secret) {
        self.entries.insert(name.into(), value);
    }

    /// Removes a secret; whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        self.entries.remove(name).is_some()
    }

    /// The secret called `name`, or a [`ErrorKind::NotFound`] error listing the names there are.
    pub fn get(&self, name: &str) -> Result<Secret> {
        self.entries.get(name).cloned().ok_or_else(|| {
            Error::not_found(format!(
                "no secret named {name:?} in the vault (it holds: {})",
                self.entries.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// The names of the secrets (never their values).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// How many secrets.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Builds a vault from a plain YAML map `name: value` (for `hermes_secrets encrypt`).
    pub fn from_plain_yaml(text: &str, origin: &str) -> Result<Self> {
        let map: BTreeMap<String, serde_norway::Value> =
            serde_norway::from_str(text).map_err(|e| {
                let at = e
                    .location()
                    .map(|l| format!(" at line {}", l.line()))
                    .unwrap_or_default();
                Error::invalid_input(format!("{origin}{at}: not a YAML map of name: value ({e})"))
            })?;
        let mut v = Vault::new();
        for (k, val) in map {
            let s = match val {
                serde_norway::Value::String(s) => s,
                serde_norway::Value::Number(n) => n.to_string(),
                serde_norway::Value::Bool(b) => b.to_string(),
                _ => {
                    return Err(Error::invalid_input(format!(
                        "{origin}: secret {k:?} must be a string, number or boolean"
                    )))
                }
            };
            v.insert(k, Secret::new(s));
        }
        Ok(v)
    }

    /// The plain YAML map (for `hermes_secrets decrypt`): this exposes every value.
    pub fn to_plain_yaml(&self) -> Zeroizing<String> {
        let map: BTreeMap<&str, &str> = self
            .entries
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose()))
            .collect();
        Zeroizing::new(serde_norway::to_string(&map).unwrap_or_default())
    }

    /// Encrypts the vault into the text format above.
    pub fn seal(&self, passphrase: &Secret) -> Result<String> {
        if passphrase.expose().len() < 8 {
            return Err(Error::invalid_input(
                "the vault passphrase must have at least 8 characters",
            ));
        }
        let salt: [u8; 16] = random()?;
        let nonce: [u8; 24] = random()?;
        let header =
            format!("{MAGIC} 1 argon2id m={M_COST},t={T_COST},p={P_COST} xchacha20poly1305");
        let key = derive_key(passphrase, &salt, M_COST, T_COST, P_COST)?;
        let plain = self.to_plain_yaml();
        let cipher = XChaCha20Poly1305::new(key.as_ref().into());
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: header.as_bytes(),
                },
            )
            .map_err(|_| Error::new(ErrorKind::Internal, "encryption failed"))?;
        let body = b64().encode(ct);
        let mut out = format!(
            "{header}\nsalt {}\nnonce {}\n",
            b64().encode(salt),
            b64().encode(nonce)
        );
        for chunk in body.as_bytes().chunks(76) {
            out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
            out.push('\n');
        }
        Ok(out)
    }

    /// Decrypts the text format; `origin` (a path) names the file in errors.
    pub fn unseal(text: &str, passphrase: &Secret, origin: &str) -> Result<Self> {
        let bad = |line: usize, what: &str| {
            Error::invalid_input(format!("{origin}:{line}: not a Hermes vault file: {what}"))
        };
        let mut lines = text.lines();
        let header = lines
            .next()
            .ok_or_else(|| bad(1, "the file is empty"))?
            .trim_end();
        let parts: Vec<&str> = header.split_whitespace().collect();
        if parts.len() != 5 || parts[0] != MAGIC {
            return Err(bad(1, &format!("expected a header starting with {MAGIC}")));
        }
        if parts[1] != "1" || parts[2] != "argon2id" || parts[4] != "xchacha20poly1305" {
            return Err(Error::unsupported(format!(
                "{origin}:1: vault format {:?} is not supported by this Hermes (version 1, argon2id, xchacha20poly1305)",
                &parts[1..]
            )));
        }
        let mut params = BTreeMap::new();
        for kv in parts[3].split(',') {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| bad(1, "bad Argon2 parameters"))?;
            let v: u32 = v.parse().map_err(|_| bad(1, "bad Argon2 parameters"))?;
            params.insert(k, v);
        }
        let (m, t, p) = match (params.get("m"), params.get("t"), params.get("p")) {
            (Some(&m), Some(&t), Some(&p)) if m <= 4 * 1024 * 1024 && t <= 64 && p <= 64 => {
                (m, t, p)
            }
            _ => return Err(bad(1, "bad or excessive Argon2 parameters")),
        };
        let field = |line: Option<&str>, n: usize, name: &str| -> Result<Vec<u8>> {
            let line = line.ok_or_else(|| bad(n, &format!("missing the {name} line")))?;
            let v = line
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix(' '))
                .ok_or_else(|| bad(n, &format!("expected '{name} ...'")))?;
            b64()
                .decode(v.trim())
                .map_err(|_| bad(n, &format!("the {name} is not base64")))
        };
        let salt = field(lines.next(), 2, "salt")?;
        let nonce = field(lines.next(), 3, "nonce")?;
        if nonce.len() != 24 || salt.len() < 8 {
            return Err(bad(3, "salt or nonce has the wrong length"));
        }
        let body: String = lines.map(str::trim).collect();
        let ct = b64()
            .decode(body)
            .map_err(|_| bad(4, "the ciphertext is not base64"))?;
        let key = derive_key(passphrase, &salt, m, t, p)?;
        let cipher = XChaCha20Poly1305::new(key.as_ref().into());
        let plain = cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ct,
                    aad: header.as_bytes(),
                },
            )
            .map_err(|_| {
                Error::new(
                    ErrorKind::Auth,
                    format!("cannot decrypt {origin}: wrong passphrase, or the file was altered"),
                )
            })?;
        let plain =
            Zeroizing::new(String::from_utf8(plain).map_err(|_| {
                Error::malformed(format!("{origin}: decrypted content is not UTF-8"))
            })?);
        Self::from_plain_yaml(&plain, origin)
    }

    /// Reads and decrypts a vault file. A wrong passphrase or an altered file is an
    /// [`ErrorKind::Auth`] error naming the file.
    ///
    /// ```no_run
    /// use hermes_core::{vault::Vault, Secret};
    /// let pass = Secret::from_env("HERMES_VAULT_PASSPHRASE")?;
    /// let vault = Vault::open("secrets.vault", &pass)?;
    /// let ilo_password: Secret = vault.get("ilo/admin")?;
    /// # Ok::<(), hermes_core::Error>(())
    /// ```
    pub fn open(path: impl AsRef<Path>, passphrase: &Secret) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read vault", e))?;
        Self::unseal(&text, passphrase, &path.display().to_string())
    }

    /// Encrypts and writes the vault atomically (temporary file + rename), mode 0600.
    pub fn save(&self, path: impl AsRef<Path>, passphrase: &Secret) -> Result<()> {
        let path = path.as_ref();
        let text = self.seal(passphrase)?;
        crate::artifact::write_atomic(path, text.as_bytes(), 0o600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass() -> Secret {
        Secret::new("a long enough passphrase")
    }

    #[test]
    fn round_trip_through_a_file_and_debug_hides_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.vault");
        let v = Vault::from_plain_yaml(
            "ilo_password: Sup3rS3cret\nvcenter: 'pw: with colon'\nport: 8443\n",
            "plain.yml",
        )
        .unwrap();
        v.save(&path, &pass()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("HERMES-VAULT 1 argon2id"));
        assert!(!text.contains("Sup3rS3cret"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let back = Vault::open(&path, &pass()).unwrap();
        assert_eq!(back.get("vcenter").unwrap().expose(), "pw: with colon");
        assert_eq!(back.get("port").unwrap().expose(), "8443");
        assert!(!format!("{back:?}").contains("Sup3rS3cret"));
        let e = back.get("nope").unwrap_err();
        assert!(e.to_string().contains("ilo_password"), "{e}");
    }

    #[test]
    fn wrong_passphrase_or_tampering_is_an_auth_error_naming_the_file() {
        let mut v = Vault::new();
        v.insert("a", Secret::new("b"));
        let text = v.seal(&pass()).unwrap();
        let e = Vault::unseal(
            &text,
            &Secret::new("not the passphrase"),
            "/etc/hermes/secrets.vault",
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert!(e.to_string().contains("/etc/hermes/secrets.vault"), "{e}");
        // Flip one character of the ciphertext.
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let last = lines.last_mut().unwrap();
        let c = if last.starts_with('A') { "B" } else { "A" };
        last.replace_range(0..1, c);
        let tampered = lines.join("\n");
        assert_eq!(
            Vault::unseal(&tampered, &pass(), "f").unwrap_err().kind(),
            ErrorKind::Auth
        );
        // Swapping the header parameters breaks authentication too.
        let swapped = text.replace("t=2", "t=3");
        assert_eq!(
            Vault::unseal(&swapped, &pass(), "f").unwrap_err().kind(),
            ErrorKind::Auth
        );
    }

    #[test]
    fn garbage_is_a_clear_input_error() {
        let e = Vault::unseal("hello\n", &pass(), "x.vault").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("x.vault:1"), "{e}");
        assert!(Vault::new().seal(&Secret::new("short")).is_err());
    }
}
