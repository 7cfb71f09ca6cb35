//! The keyring: master keys by id and the subkeys HKDF derives from each.

use super::{key_file, open, seal, CryptoError, DataKey, KeyFileError, Place, SecretKey};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::{collections::BTreeMap, path::Path};
use zeroize::Zeroizing;

/// Holder name of wrapped case keys that the server keyring can open.
pub const SERVER_HOLDER: &str = "server";

/// The subkeys of one master key; each purpose has its own.
struct Subkeys {
    wrap: SecretKey,
    blind_index: SecretKey,
    receipt: SecretKey,
    audit: SecretKey,
    checkpoint: SecretKey,
    check: SecretKey,
}

impl Subkeys {
    fn derive(master: &SecretKey) -> Self {
        let hk = Hkdf::<Sha256>::new(Some(b"embassy-desk/keyring/v1"), master.expose());
        let sub = |info: &[u8]| {
            let mut out = [0u8; 32];
            hk.expand(info, &mut out).expect("32 bytes is a valid HKDF-SHA256 output length");
            let key = SecretKey::from_bytes(out);
            zeroize::Zeroize::zeroize(&mut out);
            key
        };
        Self {
            wrap: sub(b"wrap case keys"),
            blind_index: sub(b"blind index"),
            receipt: sub(b"receipt look-up"),
            audit: sub(b"audit mac"),
            checkpoint: sub(b"audit checkpoint"),
            check: sub(b"key check"),
        }
    }
}

/// A key id of the key file that does not match what this database was sealed with.
#[derive(Debug, thiserror::Error)]
pub enum KeyringMismatch {
    #[error("key {0} of the key file is not the key this database was sealed with (wrong key file?)")]
    Differs(u32),
    #[error("this database was sealed with key {0}, which the key file does not hold")]
    Missing(u32),
}

/// Master keys by id; the highest id is active for new values.
pub struct Keyring {
    keys: BTreeMap<u32, Subkeys>,
    active: u32,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("key_ids", &self.keys.keys().collect::<Vec<_>>()).field("active", &self.active).finish()
    }
}

fn hmac(key: &SecretKey, parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose()).expect("HMAC accepts 32-byte keys");
    for part in parts {
        mac.update(&(part.len() as u32).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

impl Keyring {
    fn from_masters(masters: BTreeMap<u32, SecretKey>) -> Self {
        let active = *masters.keys().next_back().expect("key file parsing guarantees one key");
        let keys = masters.iter().map(|(id, m)| (*id, Subkeys::derive(m))).collect();
        Self { keys, active }
    }

    /// Loads the key file.
    pub fn load(path: &Path) -> Result<Self, KeyFileError> {
        key_file::read(path).map(Self::from_masters)
    }

    /// Loads the key file, first creating it with one fresh key if it does not exist.
    /// Returns whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), KeyFileError> {
        match key_file::read(path) {
            Err(KeyFileError::Missing { .. }) => {
                Self::generate_file(path)?;
                Ok((Self::load(path)?, true))
            }
            other => other.map(|keys| (Self::from_masters(keys), false)),
        }
    }

    /// Creates a new key file with one random key; refuses to overwrite.
    pub fn generate_file(path: &Path) -> Result<(), KeyFileError> {
        key_file::write(path, &BTreeMap::from([(1, SecretKey::random())]), false)
    }

    /// Adds a new random key to an existing key file; it becomes the active key.
    /// Returns the new key id.
    pub fn rotate_file(path: &Path) -> Result<u32, KeyFileError> {
        let mut keys = key_file::read(path)?;
        let last = keys.keys().next_back().copied().unwrap_or(0);
        let next = last.checked_add(1).ok_or(KeyFileError::Full { path: path.to_owned() })?;
        keys.insert(next, SecretKey::random());
        key_file::write(path, &keys, true)?;
        Ok(next)
    }

    /// A keyring from raw master keys, for the unit tests.
    #[cfg(test)]
    pub(crate) fn from_raw_keys(keys: impl IntoIterator<Item = (u32, [u8; 32])>) -> Self {
        Self::from_masters(keys.into_iter().map(|(id, k)| (id, SecretKey::from_bytes(k))).collect())
    }

    pub fn active_key_id(&self) -> u32 {
        self.active
    }

    pub fn key_ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.keys.keys().copied()
    }

    fn active(&self) -> &Subkeys {
        &self.keys[&self.active]
    }

    fn wrapped_place<'a>(case_id: &'a str, holder: &'a str) -> Place<'a> {
        Place { case: case_id, table: "case_keys", column: "wrapped_key", row: holder }
    }

    /// Wraps a case's data key under the active key, bound to the case and holder.
    pub fn wrap_case_key(&self, case_id: &str, key: &DataKey) -> Vec<u8> {
        seal(&self.active().wrap, self.active, &Self::wrapped_place(case_id, SERVER_HOLDER), key.secret().expose())
    }

    /// Unwraps a case's data key with whichever key id wrapped it.
    pub fn unwrap_case_key(&self, case_id: &str, wrapped: &[u8]) -> Result<DataKey, CryptoError> {
        let bytes = open(&Self::wrapped_place(case_id, SERVER_HOLDER), wrapped, |id| self.keys.get(&id).map(|k| &k.wrap))?;
        let bytes: [u8; 32] = bytes.as_slice().try_into().map_err(|_| CryptoError::Forged)?;
        Ok(DataKey::from_secret(SecretKey::from_bytes(bytes)))
    }

    /// Seals a server-held secret that belongs to no case (a person's second-factor
    /// secret), bound to its place, under the active wrapping key.
    pub fn seal_secret(&self, place: &Place<'_>, plaintext: &[u8]) -> Vec<u8> {
        seal(&self.active().wrap, self.active, place, plaintext)
    }

    /// Opens a value sealed by [`Self::seal_secret`] with whichever key sealed it.
    pub fn open_secret(&self, place: &Place<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        open(place, sealed, |id| self.keys.get(&id).map(|k| &k.wrap))
    }

    /// Keyed, truncated HMAC for exact-match look-up of a value (never of names), under
    /// key `key_id`. `purpose` separates indexes so equal values in two columns do not match.
    /// Store the key id beside the index; new indexes use [`Self::active_key_id`].
    pub fn blind_index(&self, key_id: u32, purpose: &str, value: &[u8]) -> Option<Vec<u8>> {
        let key = &self.keys.get(&key_id)?.blind_index;
        Some(hmac(key, &[purpose.as_bytes(), value])[..16].to_vec())
    }

    /// Look-up tag of a requester's secret code under key `key_id` (stored beside the tag,
    /// so that codes issued before a rotation still match).
    pub fn receipt_tag(&self, key_id: u32, code: &[u8]) -> Option<Vec<u8>> {
        Some(hmac(&self.keys.get(&key_id)?.receipt, &[code]).to_vec())
    }

    /// MAC of an audit row chained to the previous row's MAC, under key `key_id`.
    pub fn audit_mac(&self, key_id: u32, previous: &[u8], row: &[&[u8]]) -> Option<[u8; 32]> {
        let key = &self.keys.get(&key_id)?.audit;
        let mut parts = Vec::with_capacity(row.len() + 1);
        parts.push(previous);
        parts.extend_from_slice(row);
        Some(hmac(key, &parts))
    }

    /// MAC of an audit checkpoint (a row's sequence number and chain MAC, and when it was
    /// taken) under key `key_id`. Its key is derived apart from the row MACs', so neither
    /// can pass for the other.
    pub fn checkpoint_mac(&self, key_id: u32, parts: &[&[u8]]) -> Option<[u8; 32]> {
        Some(hmac(&self.keys.get(&key_id)?.checkpoint, parts))
    }

    /// A value that identifies key `key_id` without revealing it, stored in the database so
    /// that start-up can tell a wrong key file from the right one.
    pub fn check_value(&self, key_id: u32) -> Option<Vec<u8>> {
        self.keys.get(&key_id).map(|k| hmac(&k.check, &[b"embassy-desk key check"]).to_vec())
    }

    /// Compares this keyring with the check values stored in a database.
    pub fn verify_against(&self, stored: &[(u32, Vec<u8>)]) -> Result<(), KeyringMismatch> {
        for (id, value) in stored {
            match self.check_value(*id) {
                None => return Err(KeyringMismatch::Missing(*id)),
                Some(v) if v != *value => return Err(KeyringMismatch::Differs(*id)),
                Some(_) => {}
            }
        }
        Ok(())
    }
}
