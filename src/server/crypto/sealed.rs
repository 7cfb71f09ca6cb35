//! The sealed value format and the place a value is bound to.
//!
//! Version 2 pads the plaintext to a length bucket before sealing, so a ciphertext's
//! length tells only the bucket of a story's length; version 1 (unpadded) values written
//! before still open.

use super::SecretKey;
use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};
use rand::RngCore;
use zeroize::Zeroizing;

/// Version byte of the format produced by [`seal`]: padded plaintext.
pub const FORMAT_VERSION: u8 = 2;
/// Version byte of values sealed before padding; they still open.
const UNPADDED_VERSION: u8 = 1;
/// The smallest bucket; above it buckets are powers of two up to [`LARGE_BUCKET`], then
/// multiples of it.
pub const MIN_BUCKET: usize = 64;
const LARGE_BUCKET: usize = 64 * 1024;
/// Marks the end of the plaintext inside its bucket (ISO/IEC 7816-4 padding).
const PAD_MARK: u8 = 0x80;
const KEY_ID_LEN: usize = 4;
const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = 1 + KEY_ID_LEN + NONCE_LEN;
const TAG_LEN: usize = 16;
/// Bytes a sealed value adds to its padded plaintext.
pub const OVERHEAD: usize = HEADER_LEN + TAG_LEN;
const DOMAIN: &[u8] = b"embassy-desk/sealed/v1";

/// Why a sealed value did not open. Deliberately says nothing about the contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("sealed value is too short")]
    Truncated,
    #[error("sealed value has unknown format version {0}")]
    UnknownVersion(u8),
    #[error("sealed value names unknown key id {0}")]
    UnknownKeyId(u32),
    #[error("sealed value failed authentication (damaged, or moved from another place)")]
    Forged,
}

/// Where a sealed value lives. It is authenticated with the value, so a ciphertext copied
/// to another case, table, column or row does not open.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The case the value belongs to (empty for values outside any case).
    pub case: &'a str,
    pub table: &'a str,
    pub column: &'a str,
    /// What identifies the row within the case (a field name, a message id, a holder).
    pub row: &'a str,
}

impl Place<'_> {
    fn associated_data(&self, header: &[u8]) -> Vec<u8> {
        let parts = [DOMAIN, &header[..1 + KEY_ID_LEN], self.case.as_bytes(), self.table.as_bytes(), self.column.as_bytes(), self.row.as_bytes()];
        let mut ad = Vec::with_capacity(parts.iter().map(|p| p.len() + 4).sum());
        for part in parts {
            // Length prefixes keep ("ab","c") and ("a","bc") apart.
            ad.extend_from_slice(&(part.len() as u32).to_be_bytes());
            ad.extend_from_slice(part);
        }
        ad
    }
}

/// The padded length of a plaintext of `len` bytes: room for the end mark, rounded up to
/// 64 bytes, then to a power of two, and above 64 KiB to a multiple of 64 KiB.
pub fn bucket(len: usize) -> usize {
    let needed = len + 1;
    if needed <= MIN_BUCKET {
        MIN_BUCKET
    } else if needed <= LARGE_BUCKET {
        needed.next_power_of_two()
    } else {
        needed.div_ceil(LARGE_BUCKET) * LARGE_BUCKET
    }
}

fn pad(plaintext: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut padded = Zeroizing::new(Vec::with_capacity(bucket(plaintext.len())));
    padded.extend_from_slice(plaintext);
    padded.push(PAD_MARK);
    padded.resize(bucket(plaintext.len()), 0);
    padded
}

/// The plaintext inside a padded bucket; `None` if the mark is missing.
fn unpad(mut padded: Zeroizing<Vec<u8>>) -> Option<Zeroizing<Vec<u8>>> {
    let mark = padded.iter().rposition(|b| *b != 0)?;
    (padded[mark] == PAD_MARK).then(|| {
        padded.truncate(mark);
        padded
    })
}

/// Seals `plaintext` for `place` under `key`, recording `key_id` in the header. The
/// plaintext is padded to its [`bucket`].
pub fn seal(key: &SecretKey, key_id: u32, place: &Place<'_>, plaintext: &[u8]) -> Vec<u8> {
    let plaintext = pad(plaintext);
    let plaintext = plaintext.as_slice();
    let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&key_id.to_be_bytes());
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    out.extend_from_slice(&nonce);
    let aad = place.associated_data(&out);
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: &aad })
        .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers below 256 GiB");
    out.extend_from_slice(&ciphertext);
    out
}

/// Reads the key id from a sealed value's header, checking the version.
pub fn key_id_of(sealed: &[u8]) -> Result<u32, CryptoError> {
    if sealed.len() < OVERHEAD {
        return Err(CryptoError::Truncated);
    }
    if sealed[0] != FORMAT_VERSION && sealed[0] != UNPADDED_VERSION {
        return Err(CryptoError::UnknownVersion(sealed[0]));
    }
    let mut id = [0u8; KEY_ID_LEN];
    id.copy_from_slice(&sealed[1..1 + KEY_ID_LEN]);
    Ok(u32::from_be_bytes(id))
}

/// Opens a sealed value for `place`; `key_for` gives the key for the id in its header.
pub fn open<'k>(place: &Place<'_>, sealed: &[u8], key_for: impl FnOnce(u32) -> Option<&'k SecretKey>) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let key_id = key_id_of(sealed)?;
    let key = key_for(key_id).ok_or(CryptoError::UnknownKeyId(key_id))?;
    let (header, ciphertext) = sealed.split_at(HEADER_LEN);
    let aad = place.associated_data(header);
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let plaintext = cipher
        .decrypt(XNonce::from_slice(&header[1 + KEY_ID_LEN..]), Payload { msg: ciphertext, aad: &aad })
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Forged)?;
    if header[0] == UNPADDED_VERSION {
        return Ok(plaintext);
    }
    // Authenticated, so a missing mark is not an attacker's doing but a bug; refuse it all the same.
    unpad(plaintext).ok_or(CryptoError::Forged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_sealed_before_padding_still_open() {
        let key = SecretKey::random();
        let place = Place { case: "c", table: "case_fields", column: "value", row: "name" };
        let mut old = vec![UNPADDED_VERSION];
        old.extend_from_slice(&1u32.to_be_bytes());
        let nonce = [3u8; NONCE_LEN];
        old.extend_from_slice(&nonce);
        let aad = place.associated_data(&old);
        let cipher = XChaCha20Poly1305::new(key.expose().into());
        old.extend_from_slice(&cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: b"Ales\x80\0", aad: &aad }).unwrap());
        assert_eq!(&open(&place, &old, |_| Some(&key)).unwrap()[..], b"Ales\x80\0", "a version 1 value is taken as it was");
    }

    #[test]
    fn a_bucket_without_its_end_mark_is_refused() {
        assert!(unpad(Zeroizing::new(vec![0; 64])).is_none());
        assert!(unpad(Zeroizing::new(b"abc\x01\0\0".to_vec())).is_none());
        assert_eq!(&unpad(Zeroizing::new(b"abc\x80\0\0".to_vec())).unwrap()[..], b"abc");
    }
}
