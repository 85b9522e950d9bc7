//! Encoding of one stored object: optional zstd compression, then optional encryption.
//!
//! Plain layout: one flag byte (`0` raw, `1` zstd) followed by the payload. With a key, that whole plain
//! layout is sealed ([`crate::crypto::MasterKey::seal`]). Incompressible data is stored raw (zstd is only
//! kept when it saves at least 3%).

use crate::crypto::{MasterKey, NONCE, TAG};

const RAW: u8 = 0;
const ZSTD: u8 = 1;

/// Compression settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Compression {
    /// zstd level (0 = off).
    pub level: i32,
}

impl Default for Compression {
    fn default() -> Self {
        Compression { level: 3 }
    }
}

/// Encodes `data` for storage. The data is copied once, into the output (compressed or not), and
/// encrypted there in place.
pub fn encode(data: &[u8], compression: Compression, key: Option<&MasterKey>) -> Vec<u8> {
    let head = if key.is_some() { NONCE } else { 0 };
    let mut out = Vec::with_capacity(head + 1 + data.len() + TAG);
    out.resize(head, 0);
    let mut stored = false;
    if compression.level != 0 && data.len() >= 64 && looks_compressible(data) {
        out.push(ZSTD);
        if zstd::stream::copy_encode(data, &mut out, compression.level).is_ok()
            && out.len() - head - 1 < data.len() - data.len() / 32
        {
            stored = true;
        } else {
            out.truncate(head);
        }
    }
    if !stored {
        out.push(RAW);
        out.extend_from_slice(data);
    }
    if let Some(k) = key {
        k.seal_in_place(&mut out);
    }
    out
}

/// Decodes a stored object; `None` when it is damaged (bad tag, bad flag, bad zstd stream).
pub fn decode(stored: &[u8], key: Option<&MasterKey>) -> Option<Vec<u8>> {
    match key {
        // Decrypted into a buffer of its own: a raw payload is that buffer minus the flag byte
        // (no second copy of the chunk).
        Some(k) => {
            let mut plain = k.unseal(stored).ok()?;
            match *plain.first()? {
                RAW => {
                    plain.remove(0);
                    Some(plain)
                }
                ZSTD => zstd::stream::decode_all(&plain[1..]).ok(),
                _ => None,
            }
        }
        None => {
            let (&flag, payload) = stored.split_first()?;
            match flag {
                RAW => Some(payload.to_vec()),
                ZSTD => zstd::stream::decode_all(payload).ok(),
                _ => None,
            }
        }
    }
}

/// A cheap entropy probe on a sample: random data (already compressed media, encrypted files) skips the
/// compressor entirely.
fn looks_compressible(data: &[u8]) -> bool {
    let sample = &data[..data.len().min(16 * 1024)];
    let mut counts = [0u32; 256];
    for &b in sample {
        counts[b as usize] += 1;
    }
    let n = sample.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum();
    entropy < 7.5
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::Cipher;

    #[test]
    fn round_trips_raw_compressed_and_encrypted() {
        let text = b"{\"a\": 1, \"b\": \"hello\"}\n".repeat(1000);
        let random: Vec<u8> = (0..100_000).map(|_| fastrand::u8(..)).collect();
        let (k, _) = MasterKey::generate(b"pw", Cipher::Xaes256Gcm).unwrap();
        let (kc, _) = MasterKey::generate(b"pw", Cipher::XChaCha20Poly1305).unwrap();
        for key in [None, Some(&k), Some(&kc)] {
            let e = encode(&text, Compression::default(), key);
            assert!(e.len() < text.len() / 10);
            assert_eq!(decode(&e, key).unwrap(), text);
            let e = encode(&random, Compression::default(), key);
            assert!(e.len() <= random.len() + 41);
            assert_eq!(decode(&e, key).unwrap(), random);
        }
        // Objects sealed by the copying `seal` (repositories written before in-place sealing) decode.
        let mut plain = vec![RAW];
        plain.extend_from_slice(&random);
        assert_eq!(decode(&k.seal(&plain), Some(&k)).unwrap(), random);
        assert_eq!(decode(&kc.seal(&plain), Some(&kc)).unwrap(), random);
        // An object sealed under one cipher does not open under the other.
        assert_eq!(decode(&kc.seal(&plain), Some(&k)), None);
        let mut e = encode(&text, Compression::default(), None);
        e[5] ^= 0xff;
        assert_ne!(decode(&e, None), Some(text.clone()));
    }
}
