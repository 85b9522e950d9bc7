//! Optional authenticated encryption of everything the repository stores.
//!
//! A random 256-bit master key encrypts every object with a random 192-bit nonce per object (so nonces
//! never repeat) under one of two ciphers, recorded in the repository's config ([`Cipher`]):
//! XAES-256-GCM (the default where the CPU has AES instructions: AES-256-GCM under a key derived per
//! nonce, [C2SP](https://c2sp.org/XAES-256-GCM)) or XChaCha20-Poly1305 (the default elsewhere, and the
//! cipher of every repository created before XAES). Both seal an object as `nonce || ciphertext || tag`.
//! The master key itself is stored in the repository's config wrapped (with XChaCha20-Poly1305) by a
//! key derived from the passphrase with Argon2id, so changing the passphrase never re-encrypts data.
//! A wrong passphrase fails the wrapped key's authentication tag: [`crate::DataError::WrongKey`].

use aes::cipher::BlockEncrypt;
use argon2::Argon2;
use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

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
    /// The cipher that seals the repository's objects (absent in configs written before XAES:
    /// XChaCha20-Poly1305).
    #[serde(default)]
    pub cipher: Cipher,
}

/// The cipher that seals a repository's objects, chosen when it is created and kept in its config.
///
/// ```
/// use hermes_data::Cipher;
/// // XAES-256-GCM where the CPU has AES and carry-less multiply instructions, else XChaCha20-Poly1305.
/// let c = Cipher::for_this_cpu();
/// assert!(matches!(c, Cipher::Xaes256Gcm | Cipher::XChaCha20Poly1305));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Cipher {
    /// XChaCha20-Poly1305: fast without AES hardware; the cipher of repositories created before XAES.
    #[default]
    #[serde(rename = "xchacha20-poly1305")]
    XChaCha20Poly1305,
    /// XAES-256-GCM (C2SP): AES-256-GCM under a key derived from the master key and the first 12 bytes
    /// of the 24-byte nonce, so random nonces are as safe as XChaCha's. With AES-NI it seals about five
    /// times faster than XChaCha20-Poly1305 (the backup bench's figures are in the crate README).
    #[serde(rename = "xaes-256-gcm")]
    Xaes256Gcm,
}

impl std::fmt::Display for Cipher {
    /// The name kept in the config: `xaes-256-gcm` or `xchacha20-poly1305`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Cipher::XChaCha20Poly1305 => "xchacha20-poly1305",
            Cipher::Xaes256Gcm => "xaes-256-gcm",
        })
    }
}

impl Cipher {
    /// The default for new repositories: XAES-256-GCM when this CPU has AES and carry-less multiply
    /// instructions (x86-64 AES-NI + PCLMULQDQ, AArch64 AES + PMULL), else XChaCha20-Poly1305.
    pub fn for_this_cpu() -> Cipher {
        #[cfg(target_arch = "x86_64")]
        let hw = std::arch::is_x86_feature_detected!("aes")
            && std::arch::is_x86_feature_detected!("pclmulqdq");
        #[cfg(target_arch = "aarch64")]
        let hw = std::arch::is_aarch64_feature_detected!("aes");
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        let hw = false;
        if hw {
            Cipher::Xaes256Gcm
        } else {
            Cipher::XChaCha20Poly1305
        }
    }
}

/// The repository's master key (zeroed on drop, never printed).
#[derive(Clone)]
pub struct MasterKey {
    /// XChaCha20-Poly1305 under the master key: wraps keys, and seals objects when `xaes` is `None`.
    cipher: XChaCha20Poly1305,
    xaes: Option<Xaes>,
    _raw: Zeroizing<[u8; 32]>,
}

/// XAES-256-GCM's per-key state: the AES-256 key schedule and the CMAC subkey `K1`.
#[derive(Clone)]
struct Xaes {
    aes: aes::Aes256,
    k1: Zeroizing<[u8; 16]>,
}

impl Xaes {
    fn new(key: &[u8; 32]) -> Xaes {
        let aes = aes::Aes256::new(key.into());
        // K1 = L << 1 (xor 0x87 into the last byte when L's top bit was set), L = AES(K, 0^128).
        let mut l = aes::Block::default();
        aes.encrypt_block(&mut l);
        let mut k1 = Zeroizing::new([0u8; 16]);
        for i in 0..16 {
            k1[i] = (l[i] << 1) | l.get(i + 1).map_or(0, |b| b >> 7);
        }
        if l[0] & 0x80 != 0 {
            k1[15] ^= 0x87;
        }
        l.zeroize();
        Xaes { aes, k1 }
    }

    /// The AES-256-GCM key for this nonce: `AES(K, M1 ^ K1) || AES(K, M2 ^ K1)` with
    /// `Mi = 0x00 || i || "X" || 0x00 || nonce[..12]`.
    fn gcm_key(&self, nonce: &[u8; NONCE]) -> LessSafeKey {
        let mut m = [aes::Block::default(), aes::Block::default()];
        for (i, b) in m.iter_mut().enumerate() {
            b[1] = i as u8 + 1;
            b[2] = b'X';
            b[4..].copy_from_slice(&nonce[..12]);
            for (x, k) in b.iter_mut().zip(self.k1.iter()) {
                *x ^= k;
            }
        }
        self.aes.encrypt_blocks(&mut m);
        let mut kx = Zeroizing::new([0u8; 32]);
        kx[..16].copy_from_slice(&m[0]);
        kx[16..].copy_from_slice(&m[1]);
        m.zeroize();
        LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, &kx[..]).expect("AES-256-GCM takes 32-byte keys"),
        )
    }

    fn gcm_nonce(nonce: &[u8; NONCE]) -> Nonce {
        Nonce::try_assume_unique_for_key(&nonce[12..]).expect("12 bytes")
    }
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
    fn from_raw(raw: [u8; 32], cipher: Cipher) -> Self {
        MasterKey {
            cipher: XChaCha20Poly1305::new((&raw).into()),
            xaes: (cipher == Cipher::Xaes256Gcm).then(|| Xaes::new(&raw)),
            _raw: Zeroizing::new(raw),
        }
    }

    /// The cipher this key seals objects with.
    pub fn cipher(&self) -> Cipher {
        if self.xaes.is_some() {
            Cipher::Xaes256Gcm
        } else {
            Cipher::XChaCha20Poly1305
        }
    }

    /// A new random master key sealing objects with `cipher`, and its parameters wrapped by `passphrase`.
    pub fn generate(passphrase: &[u8], cipher: Cipher) -> Result<(MasterKey, KeyParams)> {
        let raw = random::<32>();
        let mut params = KeyParams {
            salt: hex::encode(random::<16>()),
            m_cost: 64 * 1024,
            t_cost: 3,
            p_cost: 1,
            wrapped_key: String::new(),
            cipher,
        };
        let kek = derive(passphrase, &params)?;
        let wrapper = MasterKey::from_raw(*kek, Cipher::XChaCha20Poly1305);
        params.wrapped_key = hex::encode(wrapper.seal(&raw));
        Ok((MasterKey::from_raw(raw, cipher), params))
    }

    /// Opens the master key with `passphrase`; a wrong one is [`DataError::WrongKey`].
    pub fn open(passphrase: &[u8], params: &KeyParams, repo: &str) -> Result<MasterKey> {
        let kek = derive(passphrase, params)?;
        let wrapper = MasterKey::from_raw(*kek, Cipher::XChaCha20Poly1305);
        let sealed = hex::decode(&params.wrapped_key)
            .map_err(|e| DataError::invalid(repo, format!("bad wrapped key: {e}")))?;
        let raw = wrapper.unseal(&sealed).map_err(|_| DataError::WrongKey {
            repo: repo.to_string(),
        })?;
        let raw: [u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| DataError::corrupt(repo, "wrapped key has the wrong length"))?;
        Ok(MasterKey::from_raw(raw, params.cipher))
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
        let tag = self.seal_detached(&nonce, b"", &mut buf[NONCE..]);
        buf.extend_from_slice(&tag);
    }

    /// Encrypts `data` in place under `nonce`; returns the tag.
    fn seal_detached(&self, nonce: &[u8; NONCE], aad: &[u8], data: &mut [u8]) -> [u8; TAG] {
        match &self.xaes {
            Some(x) => {
                let tag = x
                    .gcm_key(nonce)
                    .seal_in_place_separate_tag(Xaes::gcm_nonce(nonce), Aad::from(aad), data)
                    .expect("AES-256-GCM encryption cannot fail for in-memory buffers");
                tag.as_ref().try_into().expect("16-byte tag")
            }
            None => self
                .cipher
                .encrypt_in_place_detached(XNonce::from_slice(nonce), aad, data)
                .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers")
                .into(),
        }
    }

    /// Decrypts and authenticates; `Err(())` when the data or the key is wrong.
    #[allow(clippy::result_unit_err)]
    pub fn unseal(&self, sealed: &[u8]) -> std::result::Result<Vec<u8>, ()> {
        if sealed.len() < NONCE + TAG {
            return Err(());
        }
        let nonce: &[u8; NONCE] = sealed[..NONCE].try_into().expect("NONCE bytes");
        match &self.xaes {
            Some(x) => {
                let mut buf = sealed[NONCE..].to_vec();
                let n = x
                    .gcm_key(nonce)
                    .open_in_place(Xaes::gcm_nonce(nonce), Aad::empty(), &mut buf)
                    .map_err(|_| ())?
                    .len();
                buf.truncate(n);
                Ok(buf)
            }
            None => self
                .cipher
                .decrypt(XNonce::from_slice(nonce), &sealed[NONCE..])
                .map_err(|_| ()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_open_and_wrong_passphrase() {
        for cipher in [Cipher::Xaes256Gcm, Cipher::XChaCha20Poly1305] {
            let (k, params) = MasterKey::generate(b"correct horse", cipher).unwrap();
            assert_eq!(k.cipher(), cipher);
            let sealed = k.seal(b"secret data");
            let k2 = MasterKey::open(b"correct horse", &params, "r").unwrap();
            assert_eq!(k2.cipher(), cipher);
            assert_eq!(k2.unseal(&sealed).unwrap(), b"secret data");
            let err = MasterKey::open(b"wrong", &params, "r").unwrap_err();
            assert!(matches!(err, DataError::WrongKey { .. }), "{err}");
            for i in [0, 12, 30, sealed.len() - 1] {
                let mut bad = sealed.clone();
                bad[i] ^= 1;
                assert!(k.unseal(&bad).is_err(), "{cipher:?}: byte {i} flipped");
            }
            assert!(k.unseal(&sealed[..NONCE + TAG - 1]).is_err());
            assert!(!format!("{k:?}").contains("0x"));
        }
    }

    #[test]
    fn xaes_matches_the_c2sp_vectors() {
        // https://c2sp.org/XAES-256-GCM: (key byte, AAD, ciphertext || tag) for the plaintext
        // "XAES-256-GCM" under the nonce "ABCDEFGHIJKLMNOPQRSTUVWX".
        let vectors: [(u8, &[u8], &str); 2] = [
            (
                1,
                b"",
                "ce546ef63c9cc60765923609b33a9a1974e96e52daf2fcf7075e2271",
            ),
            (
                3,
                b"c2sp.org/XAES-256-GCM",
                "986ec1832593df5443a179437fd083bf3fdb41abd740a21f71eb769d",
            ),
        ];
        let nonce: &[u8; NONCE] = b"ABCDEFGHIJKLMNOPQRSTUVWX";
        for (byte, aad, want) in vectors {
            let k = MasterKey::from_raw([byte; 32], Cipher::Xaes256Gcm);
            let mut data = b"XAES-256-GCM".to_vec();
            let tag = k.seal_detached(nonce, aad, &mut data);
            data.extend_from_slice(&tag);
            assert_eq!(hex::encode(&data), want, "key {byte:#04x}");
        }
        // And an object sealed with the empty AAD opens through `unseal`.
        let k = MasterKey::from_raw([1; 32], Cipher::Xaes256Gcm);
        let sealed = [&nonce[..], &hex::decode(vectors[0].2).unwrap()].concat();
        assert_eq!(k.unseal(&sealed).unwrap(), b"XAES-256-GCM");
    }

    #[test]
    fn configs_without_a_cipher_are_xchacha() {
        let json = r#"{"salt":"00","m_cost":8,"t_cost":1,"p_cost":1,"wrapped_key":""}"#;
        let p: KeyParams = serde_json::from_str(json).unwrap();
        assert_eq!(p.cipher, Cipher::XChaCha20Poly1305);
        // Display and the config use the same names.
        for c in [Cipher::Xaes256Gcm, Cipher::XChaCha20Poly1305] {
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{c}\""));
        }
        let (_, p) = MasterKey::generate(b"pw", Cipher::Xaes256Gcm).unwrap();
        assert!(serde_json::to_string(&p)
            .unwrap()
            .contains(r#""cipher":"xaes-256-gcm""#));
    }
}
