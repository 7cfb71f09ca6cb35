//! Password hashing: Argon2id (m = 19 MiB, t = 2, p = 1) on the blocking pool, with a
//! bound on how many run at once so a burst of logins cannot exhaust memory or threads.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use secrecy::{ExposeSecret, SecretString};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// At most this many hashes are computed at the same time (each takes 19 MiB).
const MAX_CONCURRENT_HASHES: usize = 4;
static HASH_SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(MAX_CONCURRENT_HASHES));

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters"))
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed")]
    Hash,
    #[error("password hashing task failed")]
    Join,
}

/// Hashes a password into a PHC string.
pub async fn hash(password: SecretString) -> Result<String, PasswordError> {
    let _slot = HASH_SLOTS.acquire().await.map_err(|_| PasswordError::Join)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(password.expose_secret().as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| PasswordError::Hash)
    })
    .await
    .map_err(|_| PasswordError::Join)?
}

/// Checks a password against a PHC string. A malformed stored hash is a mismatch.
pub async fn verify(password: SecretString, stored: String) -> Result<bool, PasswordError> {
    let _slot = HASH_SLOTS.acquire().await.map_err(|_| PasswordError::Join)?;
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else { return false };
        argon2().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok()
    })
    .await
    .map_err(|_| PasswordError::Join)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_verifies_only_the_same_password_and_names_its_parameters() {
        let stored = hash(SecretString::from("correct horse battery staple")).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify(SecretString::from("correct horse battery staple"), stored.clone()).await.unwrap());
        assert!(!verify(SecretString::from("wrong"), stored).await.unwrap());
        assert!(!verify(SecretString::from("x"), "not a hash".into()).await.unwrap());
    }
}
