//! The keyring: master keys by id and the subkeys HKDF derives from each.

use super::{
    key_file::{self, KeyFile},
    open, seal, CryptoError, DataKey, KeyFileError, Place, SecretKey,
};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::{
    collections::BTreeMap,
    path::Path,
    sync::{Arc, RwLock},
};
use zeroize::Zeroizing;

/// Holder name of wrapped case keys that the server keyring can open.
pub const SERVER_HOLDER: &str = "server";

/// The subkeys of one master key; each purpose has its own.
struct Subkeys {
    wrap: SecretKey,
    blind_index: SecretKey,
    receipt: SecretKey,
    token: SecretKey,
    audit: SecretKey,
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
            token: sub(b"token look-up"),
            audit: sub(b"audit mac"),
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

/// What remains of a retired key: the subkeys that check look-up tags and audit MACs made
/// under it. Neither opens a sealed value or a wrapped case key.
struct RetiredSubkeys {
    receipt: SecretKey,
    audit: SecretKey,
}

/// One loaded key file.
struct Keys {
    full: BTreeMap<u32, Subkeys>,
    retired: BTreeMap<u32, RetiredSubkeys>,
    active: u32,
}

/// Master keys by id; the highest id is active for new values. A running server may
/// [`Keyring::reload`] the key file (after a rotation or a retirement); every method reads
/// the keys loaded at the moment it is called.
pub struct Keyring {
    keys: RwLock<Arc<Keys>>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys = self.keys();
        f.debug_struct("Keyring")
            .field("key_ids", &keys.full.keys().collect::<Vec<_>>())
            .field("retired", &keys.retired.keys().collect::<Vec<_>>())
            .field("active", &keys.active)
            .finish()
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

impl Keys {
    fn from_file(file: KeyFile) -> Self {
        let active = *file.masters.keys().next_back().expect("key file parsing guarantees one key");
        let full = file.masters.iter().map(|(id, m)| (*id, Subkeys::derive(m))).collect();
        let retired = file.retired.into_iter().map(|(id, (receipt, audit))| (id, RetiredSubkeys { receipt, audit })).collect();
        Self { full, retired, active }
    }

    fn receipt(&self, key_id: u32) -> Option<&SecretKey> {
        self.full.get(&key_id).map(|k| &k.receipt).or_else(|| self.retired.get(&key_id).map(|k| &k.receipt))
    }

    fn audit(&self, key_id: u32) -> Option<&SecretKey> {
        self.full.get(&key_id).map(|k| &k.audit).or_else(|| self.retired.get(&key_id).map(|k| &k.audit))
    }
}

impl Keyring {
    fn from_file(file: KeyFile) -> Self {
        Self { keys: RwLock::new(Arc::new(Keys::from_file(file))) }
    }

    fn keys(&self) -> Arc<Keys> {
        // A poisoned lock still holds a complete key set: replacing it is one assignment.
        Arc::clone(&self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Loads the key file.
    pub fn load(path: &Path) -> Result<Self, KeyFileError> {
        key_file::read(path).map(Self::from_file)
    }

    /// Reads the key file again and uses it from now on; returns whether its keys changed.
    /// On an error the keys in use stay.
    pub fn reload(&self, path: &Path) -> Result<bool, KeyFileError> {
        Ok(self.take(Self::load(path)?))
    }

    /// Uses the keys of `fresh` from now on; returns whether they differ from those in use.
    pub fn take(&self, fresh: Keyring) -> bool {
        let fresh = fresh.keys();
        let current = self.keys();
        let same = fresh.active == current.active
            && fresh.full.keys().eq(current.full.keys())
            && fresh.retired.keys().eq(current.retired.keys())
            && fresh.full.iter().all(|(id, k)| current.full.get(id).is_some_and(|c| c.check.expose() == k.check.expose()));
        if !same {
            *self.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner) = fresh;
        }
        !same
    }

    /// The highest key id the key file knows, retired ones included.
    pub fn highest_key_id(&self) -> u32 {
        let keys = self.keys();
        keys.full.keys().chain(keys.retired.keys()).max().copied().unwrap_or(0)
    }

    /// Loads the key file, first creating it with one fresh key if it does not exist.
    /// Returns whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), KeyFileError> {
        match key_file::read(path) {
            Err(KeyFileError::Missing { .. }) => {
                Self::generate_file(path)?;
                Ok((Self::load(path)?, true))
            }
            other => other.map(|file| (Self::from_file(file), false)),
        }
    }

    /// Creates a new key file with one random key; refuses to overwrite.
    pub fn generate_file(path: &Path) -> Result<(), KeyFileError> {
        key_file::write(path, &KeyFile { masters: BTreeMap::from([(1, SecretKey::random())]), retired: BTreeMap::new() }, false)
    }

    /// Adds a new random key to an existing key file; it becomes the active key.
    /// Returns the new key id.
    pub fn rotate_file(path: &Path) -> Result<u32, KeyFileError> {
        key_file::update(path, |file| {
            let last = file.masters.keys().chain(file.retired.keys()).max().copied().unwrap_or(0);
            let next = last.checked_add(1).ok_or(KeyFileError::Full { path: path.to_owned() })?;
            file.masters.insert(next, SecretKey::random());
            Ok(next)
        })
    }

    /// Replaces key `id` in the key file by what is needed to check look-up tags and audit
    /// MACs made under it; from then on nothing sealed or wrapped under it opens with this
    /// file. Refuses the active key. The caller checks first that nothing still uses it.
    pub fn retire_in_file(path: &Path, id: u32) -> Result<(), KeyFileError> {
        key_file::update(path, |file| {
            if file.retired.contains_key(&id) {
                return Ok(());
            }
            if file.masters.keys().next_back() == Some(&id) {
                return Err(KeyFileError::ActiveKey { path: path.to_owned(), id });
            }
            let master = file.masters.remove(&id).ok_or(KeyFileError::NoSuchKey { path: path.to_owned(), id })?;
            let subkeys = Subkeys::derive(&master);
            file.retired.insert(id, (subkeys.receipt, subkeys.audit));
            Ok(())
        })
    }

    /// A keyring from raw master keys, for the unit tests.
    #[cfg(test)]
    pub(crate) fn from_raw_keys(keys: impl IntoIterator<Item = (u32, [u8; 32])>) -> Self {
        Self::from_file(KeyFile { masters: keys.into_iter().map(|(id, k)| (id, SecretKey::from_bytes(k))).collect(), retired: BTreeMap::new() })
    }

    pub fn active_key_id(&self) -> u32 {
        self.keys().active
    }

    /// Ids of the keys that can open what they sealed (not the retired ones).
    pub fn key_ids(&self) -> Vec<u32> {
        self.keys().full.keys().copied().collect()
    }

    /// Ids of the retired keys the key file remembers.
    pub fn retired_key_ids(&self) -> Vec<u32> {
        self.keys().retired.keys().copied().collect()
    }

    fn wrapped_place<'a>(case_id: &'a str, holder: &'a str) -> Place<'a> {
        Place { case: case_id, table: "case_keys", column: "wrapped_key", row: holder }
    }

    /// Wraps a case's data key under the active key, bound to the case and holder.
    pub fn wrap_case_key(&self, case_id: &str, key: &DataKey) -> Vec<u8> {
        let keys = self.keys();
        seal(&keys.full[&keys.active].wrap, keys.active, &Self::wrapped_place(case_id, SERVER_HOLDER), key.secret().expose())
    }

    /// Unwraps a case's data key with whichever key id wrapped it.
    pub fn unwrap_case_key(&self, case_id: &str, wrapped: &[u8]) -> Result<DataKey, CryptoError> {
        let keys = self.keys();
        let bytes = open(&Self::wrapped_place(case_id, SERVER_HOLDER), wrapped, |id| keys.full.get(&id).map(|k| &k.wrap))?;
        let bytes: [u8; 32] = bytes.as_slice().try_into().map_err(|_| CryptoError::Forged)?;
        Ok(DataKey::from_secret(SecretKey::from_bytes(bytes)))
    }

    /// Seals a server-held secret that belongs to no case (a person's second-factor
    /// secret), bound to its place, under the active wrapping key.
    pub fn seal_secret(&self, place: &Place<'_>, plaintext: &[u8]) -> Vec<u8> {
        let keys = self.keys();
        seal(&keys.full[&keys.active].wrap, keys.active, place, plaintext)
    }

    /// Opens a value sealed by [`Self::seal_secret`] with whichever key sealed it.
    pub fn open_secret(&self, place: &Place<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let keys = self.keys();
        open(place, sealed, |id| keys.full.get(&id).map(|k| &k.wrap))
    }

    /// Keyed, truncated HMAC for exact-match look-up of a value (never of names), under
    /// key `key_id`. `purpose` separates indexes so equal values in two columns do not match.
    /// Store the key id beside the index; new indexes use [`Self::active_key_id`].
    pub fn blind_index(&self, key_id: u32, purpose: &str, value: &[u8]) -> Option<Vec<u8>> {
        let keys = self.keys();
        let key = &keys.full.get(&key_id)?.blind_index;
        Some(hmac(key, &[purpose.as_bytes(), value])[..16].to_vec())
    }

    /// Look-up tag of a requester's secret code under key `key_id` (stored beside the tag,
    /// so that codes issued before a rotation, or under a key since retired, still match).
    pub fn receipt_tag(&self, key_id: u32, code: &[u8]) -> Option<Vec<u8>> {
        Some(hmac(self.keys().receipt(key_id)?, &[code]).to_vec())
    }

    /// Look-up tag of a random bearer token (a session cookie, an invitation or setup link)
    /// under the active key: the only form of the token the database keeps. Without the key
    /// file nobody can compute it, so write access to the database alone mints no session.
    pub fn token_tag(&self, token: &str) -> Vec<u8> {
        let keys = self.keys();
        hmac(&keys.full[&keys.active].token, &[token.as_bytes()]).to_vec()
    }

    /// The token's look-up tags under every key of the keyring, the active key's first: a
    /// token stored before a rotation still matches until it expires (or its key is retired).
    pub fn token_tags(&self, token: &str) -> Vec<Vec<u8>> {
        let keys = self.keys();
        let others = keys.full.iter().filter(|(id, _)| **id != keys.active).map(|(_, k)| k);
        std::iter::once(&keys.full[&keys.active]).chain(others).map(|k| hmac(&k.token, &[token.as_bytes()]).to_vec()).collect()
    }

    /// MAC of an audit row chained to the previous row's MAC, under key `key_id` (retired
    /// keys included, so that the whole chain stays verifiable).
    pub fn audit_mac(&self, key_id: u32, previous: &[u8], row: &[&[u8]]) -> Option<[u8; 32]> {
        let keys = self.keys();
        let key = keys.audit(key_id)?;
        let mut parts = Vec::with_capacity(row.len() + 1);
        parts.push(previous);
        parts.extend_from_slice(row);
        Some(hmac(key, &parts))
    }

    /// MAC of an audit checkpoint (a row's sequence number and chain MAC, and when it was
    /// taken) under key `key_id`, retired keys included.
    pub fn checkpoint_mac(&self, key_id: u32, parts: &[&[u8]]) -> Option<[u8; 32]> {
        // Under the audit subkey, which a retired key keeps, behind a label of its own: a row's
        // MAC starts with the previous MAC (32 bytes or none), never with these 16 bytes.
        let keys = self.keys();
        let mut labelled = Vec::with_capacity(parts.len() + 1);
        labelled.push(b"audit checkpoint".as_slice());
        labelled.extend_from_slice(parts);
        Some(hmac(keys.audit(key_id)?, &labelled))
    }

    /// A value that identifies key `key_id` without revealing it, stored in the database so
    /// that start-up can tell a wrong key file from the right one.
    pub fn check_value(&self, key_id: u32) -> Option<Vec<u8>> {
        self.keys().full.get(&key_id).map(|k| hmac(&k.check, &[b"embassy-desk key check"]).to_vec())
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
