//! A 256-bit symmetric key that is wiped from memory when dropped and never printed.

use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox};

/// 32 secret bytes. `Debug` prints nothing of them.
pub struct SecretKey(SecretBox<[u8; 32]>);

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(SecretBox::new(Box::new(bytes)))
    }

    /// A fresh key from the operating system's generator.
    pub fn random() -> Self {
        let mut bytes = SecretBox::new(Box::new([0u8; 32]));
        rand::rngs::OsRng.fill_bytes(secrecy::ExposeSecretMut::expose_secret_mut(&mut bytes));
        Self(bytes)
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}
