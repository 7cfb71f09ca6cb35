//! The per-case data key: random, used for every sealed value of one case, stored only
//! wrapped by a holder (today the server keyring).

use super::{open, seal, CryptoError, Place, SecretKey};
use zeroize::Zeroizing;

/// Key id written in values sealed by a case's data key. A case has one data key; the id
/// leaves room for re-keying a case later.
pub const DATA_KEY_ID: u32 = 1;

/// One case's data key.
#[derive(Debug)]
pub struct DataKey(SecretKey);

impl DataKey {
    pub fn generate() -> Self {
        Self(SecretKey::random())
    }

    pub(crate) fn from_secret(key: SecretKey) -> Self {
        Self(key)
    }

    pub(crate) fn secret(&self) -> &SecretKey {
        &self.0
    }

    /// Seals a value of this case. `place.case` must be the case this key belongs to.
    pub fn seal(&self, place: &Place<'_>, plaintext: &[u8]) -> Vec<u8> {
        seal(&self.0, DATA_KEY_ID, place, plaintext)
    }

    pub fn open(&self, place: &Place<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        open(place, sealed, |id| (id == DATA_KEY_ID).then_some(&self.0))
    }
}
