//! Content-defined chunking (FastCDC 2020): boundaries follow the content, so an insertion or an
//! overwrite only changes the chunks around it and everything else deduplicates.

use std::io::Read;

use serde::{Deserialize, Serialize};

/// Chunk size bounds (bytes). Kept in the repository config: changing them would stop deduplication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkerParams {
    /// Smallest chunk (except a stream's last one).
    pub min: u32,
    /// Target average.
    pub avg: u32,
    /// Largest chunk.
    pub max: u32,
}

impl Default for ChunkerParams {
    fn default() -> Self {
        ChunkerParams {
            min: 256 * 1024,
            avg: 1024 * 1024,
            max: 4 * 1024 * 1024,
        }
    }
}

/// Splits a reader into content-defined chunks, streaming (at most `max` plus one read buffer in memory).
pub fn chunks<R: Read>(
    reader: R,
    params: ChunkerParams,
) -> impl Iterator<Item = std::io::Result<Vec<u8>>> {
    fastcdc::v2020::StreamCDC::new(reader, params.min, params.avg, params.max).map(|r| match r {
        Ok(c) => Ok(c.data),
        Err(fastcdc::v2020::Error::IoError(e)) => Err(e),
        Err(e) => Err(std::io::Error::other(e.to_string())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overwrite_changes_few_chunks() {
        let mut data: Vec<u8> = (0..8_000_000u32).map(|_| fastrand::u8(..)).collect();
        let p = ChunkerParams::default();
        let a: Vec<Vec<u8>> = chunks(&data[..], p).map(Result::unwrap).collect();
        assert_eq!(a.concat(), data);
        for b in &mut data[4_000_000..4_004_096] {
            *b = 0;
        }
        let b: Vec<Vec<u8>> = chunks(&data[..], p).map(Result::unwrap).collect();
        let same = b.iter().filter(|c| a.contains(c)).count();
        assert!(same + 2 >= b.len(), "{same} of {}", b.len());
    }
}
