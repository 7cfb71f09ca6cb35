//! Encryption at rest.
//!
//! A [`Keyring`] holds the master keys from the key file; HKDF derives from each one the
//! separate keys for wrapping case keys, blind indexes, receipt look-up, token look-up, the
//! audit MAC, the audit checkpoints' MAC and the key check. Random secrets (receipt codes,
//! session, invitation and setup tokens) are stored only as HMAC tags under their look-up key,
//! never as plain hashes. Every case has its own random [`DataKey`]; it seals the case's values
//! and is stored only wrapped. A sealed value is
//! `version (1) | key id (4, big-endian) | nonce (24) | ciphertext + tag (16)`
//! under XChaCha20-Poly1305, with associated data that binds it to its [`Place`]. A
//! document has a key of its own and its bytes are sealed in [`chunks`].

pub mod chunks;
mod data_key;
mod key_file;
mod keyring;
mod sealed;
mod secret_key;

pub use data_key::{DataKey, DATA_KEY_ID};
pub use key_file::KeyFileError;
pub use keyring::{Keyring, KeyringMismatch, SERVER_HOLDER};
pub use sealed::{bucket, key_id_of, open, seal, CryptoError, Place, FORMAT_VERSION, MIN_BUCKET, OVERHEAD};
pub use secret_key::SecretKey;

/// Lower-case hex of `bytes` (check codes, index scopes).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A new bearer token (256 random bits, URL-safe base64) for a session cookie or a link.
/// Only its [`Keyring::token_tag`] is stored.
pub fn random_token() -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests;
