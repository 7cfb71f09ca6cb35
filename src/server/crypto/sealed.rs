//! The sealed value format and the place a value is bound to.

use super::SecretKey;
use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};
use rand::RngCore;
use zeroize::Zeroizing;

/// Version byte of the format produced by [`seal`].
pub const FORMAT_VERSION: u8 = 1;
const KEY_ID_LEN: usize = 4;
const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = 1 + KEY_ID_LEN + NONCE_LEN;
const TAG_LEN: usize = 16;
/// Bytes a sealed value adds to its plaintext.
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

/// Seals `plaintext` for `place` under `key`, recording `key_id` in the header.
pub fn seal(key: &SecretKey, key_id: u32, place: &Place<'_>, plaintext: &[u8]) -> Vec<u8> {
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
    if sealed[0] != FORMAT_VERSION {
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
    cipher.decrypt(XNonce::from_slice(&header[1 + KEY_ID_LEN..]), Payload { msg: ciphertext, aad: &aad }).map(Zeroizing::new).map_err(|_| CryptoError::Forged)
}
