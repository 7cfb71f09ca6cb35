//! Password hashing: Argon2id (m = 19 MiB, t = 2, p = 1) on a pool of its own: as many run
//! at once as the machine has cores (at most four), a few more wait, and past that the
//! answer is "busy" at once ([`PasswordError::Busy`], a 429) — never a line without end.
//! Only staff passwords are hashed here (receipt codes and tokens are keyed MACs), so a
//! flood of sign-ins cannot slow requesters, and unknown logins never reach it.

use crate::server::bound::Bound;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use secrecy::{ExposeSecret, SecretString};
use std::{sync::LazyLock, time::Duration};

/// Hashes computed at once (each takes 19 MiB and a core), hashes waiting, and how long one
/// waits before the answer is "busy".
static POOL: LazyLock<Bound> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Bound::new(cores.clamp(1, 4), 16, Duration::from_secs(5))
});

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters"))
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed")]
    Hash,
    #[error("password hashing task failed")]
    Join,
    #[error("too many passwords are being checked right now")]
    Busy,
}

impl PasswordError {
    /// A hash that failed for a reason other than a full pool: an internal error.
    pub fn into_db(self) -> crate::server::db::DbError {
        crate::server::db::DbError::Sqlx(sqlx::Error::Protocol(self.to_string()))
    }
}

/// Hashes a password into a PHC string.
pub async fn hash(password: SecretString) -> Result<String, PasswordError> {
    let _slot = POOL.enter().await.ok_or(PasswordError::Busy)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(password.expose_secret().as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| PasswordError::Hash)
    })
    .await
    .map_err(|_| PasswordError::Join)?
}

/// Checks a password against a PHC string. A malformed stored hash is a mismatch.
pub async fn verify(password: SecretString, stored: String) -> Result<bool, PasswordError> {
    let _slot = POOL.enter().await.ok_or(PasswordError::Busy)?;
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
