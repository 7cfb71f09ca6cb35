//! A document's bytes, sealed in 64 KiB chunks under the document's own key with the STREAM
//! construction (the `aead` crate's `stream` module: a random 19-byte nonce prefix, a 32-bit
//! big-endian chunk counter and a last-chunk flag) over XChaCha20-Poly1305. A chunk moved to
//! another place in its file, to another file, or a file cut short does not open. The file
//! is padded to its size [`bucket`] before sealing, so every chunk of a file above 64 KiB is
//! full and the stored size tells only the bucket. Sealing and opening go chunk by chunk:
//! neither ever holds a whole file.

use super::{bucket, CryptoError, SecretKey};
use chacha20poly1305::{
    aead::{
        stream::{DecryptorBE32, EncryptorBE32},
        KeyInit, Payload,
    },
    XChaCha20Poly1305,
};
use rand::RngCore;
use zeroize::Zeroizing;

/// Plaintext bytes in every chunk but a small file's only one.
pub const CHUNK: usize = 64 * 1024;
/// The random prefix of every chunk's nonce (24 bytes less STREAM's counter and flag).
pub const NONCE_PREFIX_LEN: usize = 19;
/// Marks the end of the file inside its bucket, as sealed values do.
const PAD_MARK: u8 = 0x80;

/// One document's own random key. It is stored only sealed: under the keyring while the
/// document is staged, under its case's key once it belongs to a case.
#[derive(Debug)]
pub struct FileKey(SecretKey);

impl FileKey {
    pub fn generate() -> Self {
        Self(SecretKey::random())
    }

    /// The key from its 32 bytes (as opened from where it was sealed).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::Forged)?;
        Ok(Self(SecretKey::from_bytes(bytes)))
    }

    /// The 32 bytes, to be sealed where the key is stored.
    pub fn bytes(&self) -> &[u8; 32] {
        self.0.expose()
    }

    pub(crate) fn secret(&self) -> &SecretKey {
        &self.0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.expose().into())
    }
}

/// A new random nonce prefix for one document.
pub fn nonce_prefix() -> [u8; NONCE_PREFIX_LEN] {
    let mut prefix = [0u8; NONCE_PREFIX_LEN];
    rand::rngs::OsRng.fill_bytes(&mut prefix);
    prefix
}

/// Seals a file as its bytes arrive: [`Self::push`] hands back every chunk that is complete
/// (keeping the last one back, since only [`Self::finish`] knows which chunk is last).
pub struct ChunkSealer {
    stream: EncryptorBE32<XChaCha20Poly1305>,
    document_id: String,
    pending: Zeroizing<Vec<u8>>,
    len: u64,
}

impl ChunkSealer {
    pub fn new(key: &FileKey, prefix: &[u8; NONCE_PREFIX_LEN], document_id: &str) -> Self {
        Self {
            stream: EncryptorBE32::from_aead(key.cipher(), prefix.into()),
            document_id: document_id.to_owned(),
            pending: Zeroizing::new(Vec::with_capacity(2 * CHUNK)),
            len: 0,
        }
    }

    /// Takes the next bytes; returns the chunks sealed by them, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
        self.len += bytes.len() as u64;
        self.pending.extend_from_slice(bytes);
        let mut sealed = Vec::new();
        while self.pending.len() > CHUNK {
            let chunk = Zeroizing::new(self.pending.drain(..CHUNK).collect::<Vec<u8>>());
            sealed.push(self.seal_next(&chunk));
        }
        sealed
    }

    /// The end of the file: pads it to its bucket and returns the last chunks (one or two)
    /// and the file's true length.
    pub fn finish(mut self) -> (Vec<Vec<u8>>, u64) {
        let total = bucket(usize::try_from(self.len).unwrap_or(usize::MAX)) as u64;
        let padding = (total - self.len) as usize;
        let padded = self.pending.len() + padding;
        self.pending.push(PAD_MARK);
        self.pending.resize(padded, 0);
        let mut sealed = Vec::new();
        while self.pending.len() > CHUNK {
            let chunk = Zeroizing::new(self.pending.drain(..CHUNK).collect::<Vec<u8>>());
            sealed.push(self.seal_next(&chunk));
        }
        let aad = self.document_id.clone();
        let last = self
            .stream
            .encrypt_last(Payload { msg: &self.pending, aad: aad.as_bytes() })
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers below 256 GiB");
        sealed.push(last);
        (sealed, self.len)
    }

    fn seal_next(&mut self, chunk: &[u8]) -> Vec<u8> {
        self.stream
            .encrypt_next(Payload { msg: chunk, aad: self.document_id.as_bytes() })
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers below 256 GiB")
    }
}

/// Opens a file's chunks in order; the caller says which one is the last.
pub struct ChunkOpener {
    stream: Option<DecryptorBE32<XChaCha20Poly1305>>,
    document_id: String,
    /// True bytes of the file still to hand out (the rest of the last chunks is padding).
    remaining: u64,
}

impl ChunkOpener {
    pub fn new(key: &FileKey, prefix: &[u8], document_id: &str, size: u64) -> Result<Self, CryptoError> {
        let prefix: &[u8; NONCE_PREFIX_LEN] = prefix.try_into().map_err(|_| CryptoError::Truncated)?;
        Ok(Self { stream: Some(DecryptorBE32::from_aead(key.cipher(), prefix.into())), document_id: document_id.to_owned(), remaining: size })
    }

    /// Opens the next chunk and returns the file's bytes in it (none of its padding).
    pub fn open(&mut self, sealed: &[u8], last: bool) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let payload = Payload { msg: sealed, aad: self.document_id.as_bytes() };
        let opened = if last {
            self.stream.take().ok_or(CryptoError::Forged)?.decrypt_last(payload)
        } else {
            self.stream.as_mut().ok_or(CryptoError::Forged)?.decrypt_next(payload)
        };
        let mut plain = Zeroizing::new(opened.map_err(|_| CryptoError::Forged)?);
        let keep = plain.len().min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        if last && (keep as u64) < self.remaining {
            // The file's size promised more than its chunks hold.
            return Err(CryptoError::Truncated);
        }
        if last && plain.get(keep) != Some(&PAD_MARK) {
            return Err(CryptoError::Forged);
        }
        plain.truncate(keep);
        self.remaining -= keep as u64;
        Ok(plain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal_all(key: &FileKey, prefix: &[u8; NONCE_PREFIX_LEN], id: &str, file: &[u8], step: usize) -> (Vec<Vec<u8>>, u64) {
        let mut sealer = ChunkSealer::new(key, prefix, id);
        let mut chunks = Vec::new();
        for part in file.chunks(step.max(1)) {
            chunks.extend(sealer.push(part));
        }
        let (last, len) = sealer.finish();
        chunks.extend(last);
        (chunks, len)
    }

    fn open_all(key: &FileKey, prefix: &[u8], id: &str, size: u64, chunks: &[Vec<u8>]) -> Result<Vec<u8>, CryptoError> {
        let mut opener = ChunkOpener::new(key, prefix, id, size)?;
        let mut out = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            out.extend_from_slice(&opener.open(chunk, i + 1 == chunks.len())?);
        }
        Ok(out)
    }

    #[test]
    fn files_of_every_size_round_trip_in_full_chunks_of_their_bucket() {
        let key = FileKey::generate();
        let prefix = nonce_prefix();
        for size in [0, 1, 63, 64, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let file: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let (chunks, len) = seal_all(&key, &prefix, "doc", &file, 7000);
            assert_eq!(len, size as u64);
            let stored: usize = chunks.iter().map(|c| c.len() - 16).sum();
            assert_eq!(stored, bucket(size), "size {size} is stored as its bucket");
            if size >= CHUNK {
                assert!(chunks.iter().all(|c| c.len() == CHUNK + 16), "every chunk is full");
            }
            assert_eq!(open_all(&key, &prefix, "doc", len, &chunks).unwrap(), file, "size {size}");
        }
    }

    #[test]
    fn moved_cut_or_swapped_chunks_do_not_open() {
        let key = FileKey::generate();
        let prefix = nonce_prefix();
        let file = vec![7u8; 3 * CHUNK];
        let (chunks, len) = seal_all(&key, &prefix, "doc", &file, CHUNK);
        assert!(chunks.len() >= 3);
        let cut = &chunks[..chunks.len() - 1];
        assert!(open_all(&key, &prefix, "doc", len, cut).is_err(), "a file cut short");
        let mut swapped = chunks.clone();
        swapped.swap(0, 1);
        assert!(open_all(&key, &prefix, "doc", len, &swapped).is_err(), "chunks out of order");
        assert!(open_all(&key, &prefix, "other", len, &chunks).is_err(), "a chunk moved to another document");
        let mut damaged = chunks.clone();
        damaged[1][5] ^= 1;
        assert!(open_all(&key, &prefix, "doc", len, &damaged).is_err(), "a damaged chunk");
        assert!(open_all(&FileKey::generate(), &prefix, "doc", len, &chunks).is_err(), "another key");
        assert!(open_all(&key, &prefix, "doc", len + 1, &chunks).is_err(), "a size larger than the file");
    }
}
