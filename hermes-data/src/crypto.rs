//! Optional authenticated encryption of everything the repository stores.
//!
//! A random 256-bit master key encrypts every object with XChaCha20-Poly1305 (random 192-bit nonce per
//! object, so nonces never repeat). The master key itself is stored in the repository's config wrapped
//! by a key derived from the passphrase with Argon2id, so changing the passphrase never re-encrypts data.
//! A wrong passphrase fails the wrapped key's authentication tag: [`crate::DataError::WrongKey`].

use argon2::Argon2;
use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{DataError, Result};

/// Bytes of nonce in front of every sealed object.
pub(crate) const NONCE: usize = 24;
/// Bytes of authentication tag after it.
pub(crate) const TAG: usize = 16;

/// The encryption parameters kept in the repository config (no secret in it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyParams {
    /// Argon2id salt (hex).
    pub salt: String,
    /// Argon2 memory cost in KiB.
    pub m_cost: u32,
    /// Argon2 iterations.
    pub t_cost: u32,
    /// Argon2 parallelism.
    pub p_cost: u32,
    /// The master key, sealed with the passphrase-derived key (hex: nonce || ciphertext || tag).
    pub wrapped_key: String,
}

/// The repository's master key (zeroed on drop, never printed).
#[derive(Clone)]
pub struct MasterKey {
    cipher: XChaCha20Poly1305,
    _raw: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).expect("the OS random generator is available");
    b
}

fn derive(passphrase: &[u8], params: &KeyParams) -> Result<Zeroizing<[u8; 32]>> {
    let salt = hex::decode(&params.salt)
        .map_err(|e| DataError::invalid("repository config", format!("bad key salt: {e}")))?;
    let p = argon2::Params::new(params.m_cost, params.t_cost, params.p_cost, Some(32))
        .map_err(|e| DataError::invalid("repository config", format!("bad argon2 params: {e}")))?;
    let a = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    let mut out = Zeroizing::new([0u8; 32]);
    a.hash_password_into(passphrase, &salt, out.as_mut())
        .map_err(|e| DataError::invalid("repository config", format!("key derivation: {e}")))?;
    Ok(out)
}

impl MasterKey {
    fn from_raw(raw: [u8; 32]) -> Self {
        MasterKey {
            cipher: XChaCha20Poly1305::new((&raw).into()),
            _raw: Zeroizing::new(raw),
        }
    }

    /// A new random master key and its parameters wrapped by `passphrase`.
    pub fn generate(passphrase: &[u8]) -> Result<(MasterKey, KeyParams)> {
        let raw = random::<32>();
        let mut params = KeyParams {
            salt: hex::encode(random::<16>()),
            m_cost: 64 * 1024,
            t_cost: 3,
            p_cost: 1,
            wrapped_key: String::new(),
        };
        let kek = derive(passphrase, &params)?;
        let wrapper = MasterKey::from_raw(*kek);
        params.wrapped_key = hex::encode(wrapper.seal(&raw));
        Ok((MasterKey::from_raw(raw), params))
    }

    /// Opens the master key with `passphrase`; a wrong one is [`DataError::WrongKey`].
    pub fn open(passphrase: &[u8], params: &KeyParams, repo: &str) -> Result<MasterKey> {
        let kek = derive(passphrase, params)?;
        let wrapper = MasterKey::from_raw(*kek);
        let sealed = hex::decode(&params.wrapped_key)
            .map_err(|e| DataError::invalid(repo, format!("bad wrapped key: {e}")))?;
        let raw = wrapper.unseal(&sealed).map_err(|_| DataError::WrongKey {
            repo: repo.to_string(),
        })?;
        let raw: [u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| DataError::corrupt(repo, "wrapped key has the wrong length"))?;
        Ok(MasterKey::from_raw(raw))
    }

    /// Encrypts: `nonce || ciphertext || tag`.
    pub fn seal(&self, plain: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(NONCE + plain.len() + TAG);
        out.resize(NONCE, 0);
        out.extend_from_slice(plain);
        self.seal_in_place(&mut out);
        out
    }

    /// Seals in place: `buf` holds [`NONCE`] bytes of room followed by the plaintext; on return it is
    /// `nonce || ciphertext || tag` (the layout [`MasterKey::unseal`] opens with the standard combined
    /// AEAD call), without copying the data.
    pub(crate) fn seal_in_place(&self, buf: &mut Vec<u8>) {
        let nonce = random::<NONCE>();
        buf[..NONCE].copy_from_slice(&nonce);
        let tag = self
            .cipher
            .encrypt_in_place_detached(XNonce::from_slice(&nonce), b"", &mut buf[NONCE..])
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
        buf.extend_from_slice(&tag);
    }

    /// Decrypts and authenticates; `Err(())` when the data or the key is wrong.
    #[allow(clippy::result_unit_err)]
    pub fn unseal(&self, sealed: &[u8]) -> std::result::Result<Vec<u8>, ()> {
        if sealed.len() < NONCE + 16 {
            return Err(());
        }
        self.cipher
            .decrypt(XNonce::from_slice(&sealed[..NONCE]), &sealed[NONCE..])
            .map_err(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_open_and_wrong_passphrase() {
        let (k, params) = MasterKey::generate(b"correct horse").unwrap();
        let sealed = k.seal(b"secret data");
        let k2 = MasterKey::open(b"correct horse", &params, "r").unwrap();
        assert_eq!(k2.unseal(&sealed).unwrap(), b"secret data");
        let err = MasterKey::open(b"wrong", &params, "r").unwrap_err();
        assert!(matches!(err, DataError::WrongKey { .. }), "{err}");
        let mut bad = sealed.clone();
        bad[30] ^= 1;
        assert!(k.unseal(&bad).is_err());
        assert!(!format!("{k:?}").contains("0x"));
    }
}
